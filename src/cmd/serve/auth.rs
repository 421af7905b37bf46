//! Who may do what: roles and the units they grant (the union over a user's grants), built-in
//! accounts with argon2 hashes, sessions with their CSRF tokens, the login rate limit and the
//! trusted proxies of `--auth header`.

use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::model::tree::Tree;

/// A role of the round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Reads the units named and their subtree.
    Reader,
    /// Writes and reads the units named and their subtree.
    Reporter,
    /// Every unit; approves, sends back, sees the board.
    Controller,
}

impl Role {
    /// The role of a name (`controller`, `reporter`, `reader`).
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "controller" => Some(Role::Controller),
            "reporter" => Some(Role::Reporter),
            "reader" => Some(Role::Reader),
            _ => None,
        }
    }

    /// The role's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Controller => "controller",
            Role::Reporter => "reporter",
            Role::Reader => "reader",
        }
    }
}

/// One grant: a role for some units (a controller's units do not matter).
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub role: Role,
    pub units: Vec<String>,
}

/// What a user may do, by tree node: the union of the user's grants.
#[derive(Debug, Clone, Default)]
pub(crate) struct Rights {
    pub controller: bool,
    read: BTreeSet<usize>,
    write: BTreeSet<usize>,
}

impl Rights {
    /// The rights `grants` give in `tree`: each named unit and its subtree; unknown unit codes
    /// grant nothing.
    pub(crate) fn of(tree: &Tree, grants: &[Grant]) -> Rights {
        let mut r = Rights::default();
        for g in grants {
            if g.role == Role::Controller {
                r.controller = true;
                continue;
            }
            for code in &g.units {
                let Some(top) = tree.get(code) else { continue };
                let mut stack = vec![top];
                while let Some(n) = stack.pop() {
                    r.read.insert(n);
                    if g.role == Role::Reporter {
                        r.write.insert(n);
                    }
                    stack.extend(tree.nodes[n].children.iter().copied());
                }
            }
        }
        r
    }

    pub(crate) fn can_read(&self, node: usize) -> bool {
        self.controller || self.read.contains(&node)
    }

    pub(crate) fn can_write(&self, node: usize) -> bool {
        self.controller || self.write.contains(&node)
    }
}

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
#[error("the password could not be hashed: {0}")]
pub struct HashError(String);

/// The argon2id hash (PHC string) of a password, with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches the PHC string `hash`.
pub(crate) fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

/// A random token of 32 bytes, hex.
pub(crate) fn token() -> String {
    let mut b = [0u8; 32];
    // Without the system's random source no session can be made safe: refuse by making
    // every token differ from any a client could guess (the process's own state).
    if getrandom::fill(&mut b).is_err() {
        return String::new();
    }
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A network and its prefix length (`127.0.0.1/32`, `10.0.0.0/8`, `::1/128`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl std::str::FromStr for Cidr {
    type Err = String;
    fn from_str(s: &str) -> Result<Cidr, String> {
        let bad = || format!("`{s}` is not an address with a prefix length, like 127.0.0.1/32");
        let (a, b) = s.split_once('/').unwrap_or((s, ""));
        let net: IpAddr = a.parse().map_err(|_| bad())?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = if b.is_empty() {
            max
        } else {
            b.parse::<u8>().map_err(|_| bad())?
        };
        if bits > max {
            return Err(bad());
        }
        Ok(Cidr { net, bits })
    }
}

impl Cidr {
    /// Whether `ip` is in the network.
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.bits)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.bits))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

/// A logged-in user's session.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub user: String,
    pub csrf: String,
    opened: Instant,
}

/// Sessions by cookie value (password mode) and CSRF tokens by user (header mode), in memory:
/// a restart asks everyone to log in again, and nothing saved is lost.
#[derive(Debug, Default)]
pub(crate) struct Sessions {
    by_cookie: Mutex<HashMap<String, Session>>,
    by_user: Mutex<HashMap<String, String>>,
    failures: Mutex<HashMap<IpAddr, Vec<Instant>>>,
}

/// How long a session lasts: a working day, then the user logs in again.
pub(crate) const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// Failed logins allowed per address within [`WINDOW`].
const MAX_FAILURES: usize = 5;
const WINDOW: Duration = Duration::from_secs(60);

impl Sessions {
    /// A new session for `user`: its cookie value and CSRF token.
    pub(crate) fn open(&self, user: &str) -> (String, Session) {
        let s = Session {
            user: user.to_string(),
            csrf: token(),
            opened: Instant::now(),
        };
        let cookie = token();
        let mut map = lock(&self.by_cookie);
        map.retain(|_, s| s.opened.elapsed() < SESSION_LIFETIME);
        map.insert(cookie.clone(), s.clone());
        (cookie, s)
    }

    /// The session of a cookie, if it exists and has not expired.
    pub(crate) fn by_cookie(&self, cookie: &str) -> Option<Session> {
        lock(&self.by_cookie)
            .get(cookie)
            .filter(|s| s.opened.elapsed() < SESSION_LIFETIME)
            .cloned()
    }

    /// Ends the session of a cookie (logging out).
    pub(crate) fn close(&self, cookie: &str) {
        lock(&self.by_cookie).remove(cookie);
    }

    /// The CSRF token of a user the proxy names (made on first use).
    pub(crate) fn header_token(&self, user: &str) -> String {
        lock(&self.by_user)
            .entry(user.to_string())
            .or_insert_with(token)
            .clone()
    }

    /// Whether `ip` may try another login now.
    pub(crate) fn may_try(&self, ip: IpAddr) -> bool {
        let mut f = lock(&self.failures);
        let list = f.entry(ip).or_default();
        list.retain(|t| t.elapsed() < WINDOW);
        list.len() < MAX_FAILURES
    }

    pub(crate) fn failed(&self, ip: IpAddr) {
        lock(&self.failures)
            .entry(ip)
            .or_default()
            .push(Instant::now());
    }
}

/// A lock even if another request panicked while holding it (the maps stay usable).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_contain_their_addresses() {
        let c: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(c.contains("10.2.3.4".parse().unwrap()));
        assert!(!c.contains("127.0.0.1".parse().unwrap()));
        assert!(c.contains("::ffff:10.0.0.1".parse().unwrap()));
        let one: Cidr = "127.0.0.1".parse().unwrap();
        assert!(one.contains("127.0.0.1".parse().unwrap()));
        assert!("127.0.0.1/33".parse::<Cidr>().is_err());
        assert!(
            "0.0.0.0/0"
                .parse::<Cidr>()
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
    }

    #[test]
    fn passwords_verify_against_their_hash() {
        let h = hash_password("hemligt").unwrap();
        assert!(verify_password("hemligt", &h));
        assert!(!verify_password("fel", &h));
        assert!(!verify_password("hemligt", "not a hash"));
        assert_eq!(token().len(), 64);
    }
}

//! `uppfolj round`: the round's store from the command line — built-in accounts and backups.

use std::io::BufRead;
use std::path::Path;

use super::serve::auth::{HashError, hash_password};
use super::serve::{Role, Store, StoreError};

/// Why a `round` command failed.
#[derive(Debug, thiserror::Error)]
pub enum RoundError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The password could not be read from standard input.
    #[error("the password could not be read from standard input: {0}")]
    Stdin(std::io::Error),
    /// The password could not be hashed.
    #[error(transparent)]
    Hash(#[from] HashError),
    /// A reporter or reader without units would see nothing.
    #[error("a {0} needs at least one --unit")]
    NoUnits(&'static str),
    /// `backup` needs an existing store.
    #[error("there is no round store at {0}")]
    NoStore(String),
}

/// `uppfolj round user add`: adds (or replaces) a built-in account. The password is the first
/// line of `password` (standard input); an empty one makes an account that cannot log in with
/// a password (for `--auth header`, where the proxy names the user).
pub fn add_user(
    db: &Path,
    name: &str,
    role: Role,
    units: &[String],
    password: impl BufRead,
) -> Result<(), RoundError> {
    if role != Role::Controller && units.is_empty() {
        return Err(RoundError::NoUnits(role.as_str()));
    }
    let mut line = String::new();
    let mut password = password;
    password.read_line(&mut line).map_err(RoundError::Stdin)?;
    let pw = line.trim_end_matches(['\n', '\r']);
    let hash = if pw.is_empty() {
        None
    } else {
        Some(hash_password(pw)?)
    };
    let mut store = Store::open(db)?;
    store.put_account(name, hash.as_deref(), role.as_str(), units)?;
    Ok(())
}

/// `uppfolj round backup FILE`: a consistent copy of the store, also while `serve` runs.
pub fn backup(db: &Path, to: &Path) -> Result<(), RoundError> {
    if !db.is_file() {
        return Err(RoundError::NoStore(db.display().to_string()));
    }
    Store::open(db)?.backup(to)?;
    Ok(())
}

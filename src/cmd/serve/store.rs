//! The round's store: one SQLite file (WAL, `synchronous=FULL`), its schema created or
//! migrated on open (`user_version`). Every save is one transaction that checks the version
//! it was based on, updates the entry and appends to the history; a save is acknowledged only
//! after that transaction is committed.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

/// The schema version this code writes (`PRAGMA user_version`).
const SCHEMA: i64 = 1;

const CREATE: &str = "
CREATE TABLE entries (
    period TEXT NOT NULL, unit TEXT NOT NULL, kind TEXT NOT NULL, section TEXT NOT NULL,
    text TEXT, amount INTEGER, version INTEGER NOT NULL,
    saved_by TEXT NOT NULL, saved_at TEXT NOT NULL,
    PRIMARY KEY (period, unit, kind, section));
CREATE TABLE measures (
    period TEXT NOT NULL, unit TEXT NOT NULL, position INTEGER NOT NULL,
    name TEXT NOT NULL, expected INTEGER NOT NULL, realized INTEGER NOT NULL,
    decided TEXT NOT NULL, due TEXT NOT NULL, status TEXT NOT NULL, in_forecast INTEGER NOT NULL,
    PRIMARY KEY (period, unit, position));
CREATE TABLE history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period TEXT NOT NULL, unit TEXT NOT NULL, kind TEXT NOT NULL, section TEXT NOT NULL,
    version INTEGER NOT NULL, saved_by TEXT NOT NULL, saved_at TEXT NOT NULL, content TEXT NOT NULL);
CREATE TABLE states (
    period TEXT NOT NULL, unit TEXT NOT NULL, state TEXT NOT NULL, comment TEXT,
    changed_by TEXT NOT NULL, changed_at TEXT NOT NULL,
    PRIMARY KEY (period, unit));
CREATE TABLE transitions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    period TEXT NOT NULL, unit TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL,
    comment TEXT, changed_by TEXT NOT NULL, changed_at TEXT NOT NULL);
CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL, user TEXT, address TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL,
    reason TEXT NOT NULL);
CREATE TABLE users (name TEXT PRIMARY KEY, hash TEXT, role TEXT NOT NULL);
CREATE TABLE user_units (name TEXT NOT NULL, unit TEXT NOT NULL, PRIMARY KEY (name, unit));
";

/// Why the store refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed (the file cannot be opened, is not a database, the disk is full…).
    #[error("the round's store {path}: {source}")]
    Sql {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The file was written by a newer uppfolj.
    #[error(
        "the round's store {0} has schema version {1}, newer than this uppfolj knows ({SCHEMA}); use a newer uppfolj"
    )]
    Newer(PathBuf, i64),
}

/// Which entry of a unit: one commentary section, the forecast, or the measures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    Commentary(String),
    Forecast,
    Measures,
}

impl Kind {
    fn columns(&self) -> (&'static str, &str) {
        match self {
            Kind::Commentary(s) => ("commentary", s.as_str()),
            Kind::Forecast => ("forecast", ""),
            Kind::Measures => ("measures", ""),
        }
    }
}

/// One measure of a unit (the `measures` table's columns); amounts in öre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Measure {
    pub name: String,
    pub expected_ore: i64,
    pub realized_ore: i64,
    /// YYYY-MM-DD, or empty when not given.
    pub decided: String,
    /// YYYY-MM, or empty when not given.
    pub due: String,
    pub status: String,
    pub in_forecast: bool,
}

/// What an entry holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub(crate) enum Content {
    Text { text: String },
    Forecast { deviation_ore: i64 },
    Measures { measures: Vec<Measure> },
}

/// An entry as stored: its content, version (0: never saved) and who saved it last, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Entry {
    #[serde(flatten)]
    pub content: Option<Content>,
    pub version: i64,
    pub saved_by: Option<String>,
    pub saved_at: Option<String>,
}

/// A unit's state in the round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum State {
    NotStarted,
    Draft,
    Done,
    Approved,
    SentBack,
}

impl State {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            State::NotStarted => "not_started",
            State::Draft => "draft",
            State::Done => "done",
            State::Approved => "approved",
            State::SentBack => "sent_back",
        }
    }

    fn parse(s: &str) -> State {
        match s {
            "draft" => State::Draft,
            "done" => State::Done,
            "approved" => State::Approved,
            "sent_back" => State::SentBack,
            _ => State::NotStarted,
        }
    }
}

/// A unit's state, the comment it was sent back with, and who changed it last, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct UnitState {
    pub state: State,
    pub comment: Option<String>,
    pub changed_by: Option<String>,
    pub changed_at: Option<String>,
}

/// A change of state asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transition {
    Done,
    Approve,
    Return,
}

/// One saved version of an entry.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Saved {
    pub kind: String,
    pub section: String,
    pub version: i64,
    pub saved_by: String,
    pub saved_at: String,
    pub content: serde_json::Value,
}

/// What a save or a transition came to.
#[derive(Debug)]
pub(crate) enum Outcome<T> {
    Done(T),
    /// The save was based on another version: the current entry.
    Stale(Entry),
    /// The unit's state does not allow it: the current state.
    Refused(UnitState),
}

/// A built-in account.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub hash: Option<String>,
    pub role: String,
    pub units: Vec<String>,
}

/// A unit's state and its last save, for the board.
#[derive(Debug, Clone)]
pub(crate) struct BoardRow {
    pub unit: String,
    pub state: UnitState,
    pub saved_by: Option<String>,
    pub saved_at: Option<String>,
}

/// The open store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (or creates) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path).map_err(|e| sql(path, e))?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.setup().map_err(|e| store.err(e))?;
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| store.err(e))?;
        if version > SCHEMA {
            return Err(StoreError::Newer(path.to_path_buf(), version));
        }
        if version < 1 {
            store
                .conn
                .execute_batch(&format!(
                    "BEGIN IMMEDIATE; {CREATE} PRAGMA user_version = {SCHEMA}; COMMIT;"
                ))
                .map_err(|e| store.err(e))?;
        }
        Ok(store)
    }

    fn setup(&self) -> rusqlite::Result<()> {
        self.conn.busy_timeout(std::time::Duration::from_secs(10))?;
        self.conn
            .query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
        self.conn.execute_batch("PRAGMA synchronous = FULL;")
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        sql(&self.path, e)
    }

    /// A consistent copy of the store at `to`, through SQLite's online backup (the server may
    /// go on saving meanwhile).
    pub fn backup(&self, to: &Path) -> Result<(), StoreError> {
        let mut dst = Connection::open(to).map_err(|e| sql(to, e))?;
        let b = rusqlite::backup::Backup::new(&self.conn, &mut dst).map_err(|e| sql(to, e))?;
        b.run_to_completion(256, std::time::Duration::from_millis(5), None)
            .map_err(|e| sql(to, e))
    }

    /// The current entry (version 0 and no content when never saved).
    pub(crate) fn entry(&self, period: &str, unit: &str, kind: &Kind) -> Result<Entry, StoreError> {
        read_entry(&self.conn, period, unit, kind).map_err(|e| self.err(e))
    }

    /// Saves `content` as the entry's next version if `based_on` is the current version; the
    /// history gets the new version in the same transaction, and the unit becomes a draft.
    pub(crate) fn save(
        &mut self,
        at: (&str, &str),
        kind: &Kind,
        content: &Content,
        based_on: i64,
        who: &str,
    ) -> Result<Outcome<i64>, StoreError> {
        let path = self.path.clone();
        save_in(&mut self.conn, at, kind, content, based_on, who).map_err(|e| sql(&path, e))
    }

    /// A unit's state (not started when nothing was done).
    pub(crate) fn state(&self, period: &str, unit: &str) -> Result<UnitState, StoreError> {
        read_state(&self.conn, period, unit).map_err(|e| self.err(e))
    }

    /// Moves a unit to the state `t` leads to, if its current state allows; the transition is
    /// recorded with who and when.
    pub(crate) fn transition(
        &mut self,
        at: (&str, &str),
        t: Transition,
        comment: Option<&str>,
        who: &str,
    ) -> Result<Outcome<UnitState>, StoreError> {
        let path = self.path.clone();
        transition_in(&mut self.conn, at, t, comment, who).map_err(|e| sql(&path, e))
    }

    /// Every saved version of a unit's entries, oldest first.
    pub(crate) fn history(&self, period: &str, unit: &str) -> Result<Vec<Saved>, StoreError> {
        let run = || -> rusqlite::Result<Vec<Saved>> {
            let mut st = self.conn.prepare(
                "SELECT kind, section, version, saved_by, saved_at, content FROM history
                 WHERE period = ?1 AND unit = ?2 ORDER BY id",
            )?;
            let rows = st.query_map(params![period, unit], |r| {
                let content: String = r.get(5)?;
                Ok(Saved {
                    kind: r.get(0)?,
                    section: r.get(1)?,
                    version: r.get(2)?,
                    saved_by: r.get(3)?,
                    saved_at: r.get(4)?,
                    content: serde_json::from_str(&content).unwrap_or(serde_json::Value::Null),
                })
            })?;
            rows.collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// Each unit's state and last save for the month, for the units given.
    pub(crate) fn board(&self, period: &str, units: &[&str]) -> Result<Vec<BoardRow>, StoreError> {
        let run = || -> rusqlite::Result<Vec<BoardRow>> {
            let mut last = self.conn.prepare(
                "SELECT saved_by, saved_at FROM history WHERE period = ?1 AND unit = ?2
                 ORDER BY id DESC LIMIT 1",
            )?;
            let mut out = Vec::with_capacity(units.len());
            for unit in units {
                let saved: Option<(String, String)> = last
                    .query_row(params![period, unit], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                let (saved_by, saved_at) = saved.unzip();
                out.push(BoardRow {
                    unit: (*unit).to_string(),
                    state: read_state(&self.conn, period, unit)?,
                    saved_by,
                    saved_at,
                });
            }
            Ok(out)
        };
        run().map_err(|e| self.err(e))
    }

    /// Records a refused request.
    pub(crate) fn audit(
        &self,
        user: Option<&str>,
        address: &str,
        method: &str,
        path: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO audit (at, user, address, method, path, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![now(), user, address, method, path, reason],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Adds or replaces a built-in account.
    pub fn put_account(
        &mut self,
        name: &str,
        hash: Option<&str>,
        role: &str,
        units: &[String],
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let run = |conn: &mut Connection| -> rusqlite::Result<()> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT OR REPLACE INTO users (name, hash, role) VALUES (?1, ?2, ?3)",
                params![name, hash, role],
            )?;
            tx.execute("DELETE FROM user_units WHERE name = ?1", params![name])?;
            for u in units {
                tx.execute(
                    "INSERT OR IGNORE INTO user_units (name, unit) VALUES (?1, ?2)",
                    params![name, u],
                )?;
            }
            tx.commit()
        };
        run(&mut self.conn).map_err(|e| sql(&path, e))
    }

    /// A built-in account, if there is one by that name.
    pub(crate) fn account(&self, name: &str) -> Result<Option<Account>, StoreError> {
        let run = || -> rusqlite::Result<Option<Account>> {
            let found: Option<(Option<String>, String)> = self
                .conn
                .query_row(
                    "SELECT hash, role FROM users WHERE name = ?1",
                    params![name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((hash, role)) = found else {
                return Ok(None);
            };
            let mut st = self
                .conn
                .prepare("SELECT unit FROM user_units WHERE name = ?1 ORDER BY unit")?;
            let units = st
                .query_map(params![name], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(Some(Account { hash, role, units }))
        };
        run().map_err(|e| self.err(e))
    }
}

fn sql(path: &Path, source: rusqlite::Error) -> StoreError {
    StoreError::Sql {
        path: path.to_path_buf(),
        source,
    }
}

/// The time now, UTC, as `YYYY-MM-DDTHH:MM:SS.mmmZ` (the system clock: when a save was
/// made, never part of a report).
fn now() -> String {
    let ms = crate::clock::millis_now();
    let secs = crate::clock::format_epoch(i64::try_from(ms / 1000).unwrap_or(i64::MAX));
    format!("{}.{:03}Z", secs.trim_end_matches('Z'), ms % 1000)
}

/// An entry's row: text, amount, version, saved by, saved at.
type EntryRow = (Option<String>, Option<i64>, i64, String, String);

fn read_entry(conn: &Connection, period: &str, unit: &str, kind: &Kind) -> rusqlite::Result<Entry> {
    let (k, section) = kind.columns();
    let row: Option<EntryRow> = conn
        .query_row(
            "SELECT text, amount, version, saved_by, saved_at FROM entries
             WHERE period = ?1 AND unit = ?2 AND kind = ?3 AND section = ?4",
            params![period, unit, k, section],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((text, amount, version, by, at)) = row else {
        return Ok(Entry {
            content: None,
            version: 0,
            saved_by: None,
            saved_at: None,
        });
    };
    let content = match kind {
        Kind::Commentary(_) => Content::Text {
            text: text.unwrap_or_default(),
        },
        Kind::Forecast => Content::Forecast {
            deviation_ore: amount.unwrap_or_default(),
        },
        Kind::Measures => Content::Measures {
            measures: read_measures(conn, period, unit)?,
        },
    };
    Ok(Entry {
        content: Some(content),
        version,
        saved_by: Some(by),
        saved_at: Some(at),
    })
}

fn read_measures(conn: &Connection, period: &str, unit: &str) -> rusqlite::Result<Vec<Measure>> {
    let mut st = conn.prepare(
        "SELECT name, expected, realized, decided, due, status, in_forecast FROM measures
         WHERE period = ?1 AND unit = ?2 ORDER BY position",
    )?;
    st.query_map(params![period, unit], |r| {
        Ok(Measure {
            name: r.get(0)?,
            expected_ore: r.get(1)?,
            realized_ore: r.get(2)?,
            decided: r.get(3)?,
            due: r.get(4)?,
            status: r.get(5)?,
            in_forecast: r.get(6)?,
        })
    })?
    .collect()
}

fn read_state(conn: &Connection, period: &str, unit: &str) -> rusqlite::Result<UnitState> {
    let row: Option<(String, Option<String>, String, String)> = conn
        .query_row(
            "SELECT state, comment, changed_by, changed_at FROM states WHERE period = ?1 AND unit = ?2",
            params![period, unit],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    Ok(match row {
        Some((s, comment, by, at)) => UnitState {
            state: State::parse(&s),
            comment,
            changed_by: Some(by),
            changed_at: Some(at),
        },
        None => UnitState {
            state: State::NotStarted,
            comment: None,
            changed_by: None,
            changed_at: None,
        },
    })
}

fn save_in(
    conn: &mut Connection,
    (period, unit): (&str, &str),
    kind: &Kind,
    content: &Content,
    based_on: i64,
    who: &str,
) -> rusqlite::Result<Outcome<i64>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let state = read_state(&tx, period, unit)?;
    if state.state == State::Approved {
        return Ok(Outcome::Refused(state));
    }
    let current = read_entry(&tx, period, unit, kind)?;
    if current.version != based_on {
        return Ok(Outcome::Stale(current));
    }
    let version = based_on + 1;
    let at = now();
    let (k, section) = kind.columns();
    let (text, amount) = match content {
        Content::Text { text } => (Some(text.as_str()), None),
        Content::Forecast { deviation_ore } => (None, Some(*deviation_ore)),
        Content::Measures { .. } => (None, None),
    };
    tx.execute(
        "INSERT OR REPLACE INTO entries (period, unit, kind, section, text, amount, version, saved_by, saved_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![period, unit, k, section, text, amount, version, who, at],
    )?;
    if let Content::Measures { measures } = content {
        tx.execute(
            "DELETE FROM measures WHERE period = ?1 AND unit = ?2",
            params![period, unit],
        )?;
        for (i, m) in measures.iter().enumerate() {
            tx.execute(
                "INSERT INTO measures (period, unit, position, name, expected, realized, decided, due, status, in_forecast)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    period, unit, i64::try_from(i).unwrap_or(i64::MAX), m.name, m.expected_ore,
                    m.realized_ore, m.decided, m.due, m.status, m.in_forecast
                ],
            )?;
        }
    }
    let json = serde_json::to_string(content).unwrap_or_default();
    tx.execute(
        "INSERT INTO history (period, unit, kind, section, version, saved_by, saved_at, content)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![period, unit, k, section, version, who, at, json],
    )?;
    if state.state != State::Draft && state.state != State::SentBack {
        set_state(&tx, (period, unit), &state, State::Draft, None, (who, &at))?;
    }
    tx.commit()?;
    Ok(Outcome::Done(version))
}

fn set_state(
    tx: &Connection,
    (period, unit): (&str, &str),
    from: &UnitState,
    to: State,
    comment: Option<&str>,
    (who, at): (&str, &str),
) -> rusqlite::Result<()> {
    // A unit sent back keeps the controller's comment until it is marked done again.
    let kept = match to {
        State::SentBack => comment,
        State::Draft => from.comment.as_deref(),
        _ => None,
    };
    tx.execute(
        "INSERT OR REPLACE INTO states (period, unit, state, comment, changed_by, changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![period, unit, to.as_str(), kept, who, at],
    )?;
    tx.execute(
        "INSERT INTO transitions (period, unit, from_state, to_state, comment, changed_by, changed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![period, unit, from.state.as_str(), to.as_str(), comment, who, at],
    )?;
    Ok(())
}

fn transition_in(
    conn: &mut Connection,
    (period, unit): (&str, &str),
    t: Transition,
    comment: Option<&str>,
    who: &str,
) -> rusqlite::Result<Outcome<UnitState>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = read_state(&tx, period, unit)?;
    let to = match (t, current.state) {
        (Transition::Done, State::NotStarted | State::Draft | State::SentBack) => State::Done,
        (Transition::Approve, State::Done) => State::Approved,
        (Transition::Return, State::Done | State::Approved) => State::SentBack,
        _ => return Ok(Outcome::Refused(current)),
    };
    set_state(&tx, (period, unit), &current, to, comment, (who, &now()))?;
    let after = read_state(&tx, period, unit)?;
    tx.commit()?;
    Ok(Outcome::Done(after))
}

/// One unit's saved entries for a month, as `generate` and `round export` read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnitEntries {
    pub unit: String,
    pub state: State,
    /// Each commentary section saved: key, text, version.
    pub commentary: Vec<(String, String, i64)>,
    /// The forecast's full-year deviation (öre) and its version, if saved.
    pub forecast: Option<(i64, i64)>,
    /// The measures and their version, if saved.
    pub measures: Option<(Vec<Measure>, i64)>,
}

impl Store {
    /// Opens an existing store for reading only (`generate`, `round export`): nothing is
    /// created or migrated, and a server saving meanwhile is not disturbed (WAL readers do
    /// not block the writer).
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| sql(path, e))?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store
            .conn
            .busy_timeout(std::time::Duration::from_secs(10))
            .map_err(|e| store.err(e))?;
        let version: i64 = store
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| store.err(e))?;
        if version > SCHEMA {
            return Err(StoreError::Newer(path.to_path_buf(), version));
        }
        Ok(store)
    }

    /// Every unit with a saved entry in the month, by unit code, with its state: one read
    /// transaction, so a save made meanwhile is either wholly in it or not at all.
    pub(crate) fn month_entries(&self, period: &str) -> Result<Vec<UnitEntries>, StoreError> {
        let run = || -> rusqlite::Result<Vec<UnitEntries>> {
            let tx = self.conn.unchecked_transaction()?;
            let mut out: Vec<UnitEntries> = Vec::new();
            {
                let mut st = tx.prepare(
                    "SELECT unit, kind, section, text, amount, version FROM entries
                     WHERE period = ?1 ORDER BY unit, kind, section",
                )?;
                let rows = st.query_map(params![period], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                        r.get::<_, i64>(5)?,
                    ))
                })?;
                for row in rows {
                    let (unit, kind, section, text, amount, version) = row?;
                    if out.last().is_none_or(|e| e.unit != unit) {
                        out.push(UnitEntries {
                            state: read_state(&tx, period, &unit)?.state,
                            unit: unit.clone(),
                            commentary: Vec::new(),
                            forecast: None,
                            measures: None,
                        });
                    }
                    let Some(e) = out.last_mut() else { continue };
                    match kind.as_str() {
                        "commentary" => {
                            e.commentary
                                .push((section, text.unwrap_or_default(), version));
                        }
                        "forecast" => e.forecast = Some((amount.unwrap_or_default(), version)),
                        _ => e.measures = Some((read_measures(&tx, period, &unit)?, version)),
                    }
                }
            }
            tx.commit()?;
            Ok(out)
        };
        run().map_err(|e| self.err(e))
    }

    /// Every entry of every month as `month unit kind section version`, with its unit's
    /// state, in a fixed order: what a run's fingerprint hashes of the round.
    pub(crate) fn versions(&self) -> Result<Vec<(String, State)>, StoreError> {
        let run = || -> rusqlite::Result<Vec<(String, State)>> {
            let mut st = self.conn.prepare(
                "SELECT e.period, e.unit, e.kind, e.section, e.version, s.state FROM entries e
                 LEFT JOIN states s ON s.period = e.period AND s.unit = e.unit
                 ORDER BY e.period, e.unit, e.kind, e.section",
            )?;
            st.query_map([], |r| {
                let row = format!(
                    "{}\t{}\t{}\t{}\t{}",
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?
                );
                let state = r.get::<_, Option<String>>(5)?;
                Ok((row, State::parse(state.as_deref().unwrap_or(""))))
            })?
            .collect()
        };
        run().map_err(|e| self.err(e))
    }

    /// The months the store has entries for, in order.
    pub(crate) fn periods(&self) -> Result<Vec<String>, StoreError> {
        let run = || -> rusqlite::Result<Vec<String>> {
            let mut st = self
                .conn
                .prepare("SELECT DISTINCT period FROM entries ORDER BY period")?;
            st.query_map([], |r| r.get(0))?.collect()
        };
        run().map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: &str) -> Content {
        Content::Text {
            text: t.to_string(),
        }
    }

    #[test]
    fn a_stale_save_is_refused_and_both_versions_stay_in_the_history() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("r.db")).unwrap();
        let k = Kind::Commentary("summary".into());
        let at = ("2020-09", "U1");
        assert!(matches!(
            s.save(at, &k, &text("a"), 0, "anna").unwrap(),
            Outcome::Done(1)
        ));
        match s.save(at, &k, &text("b"), 0, "bo").unwrap() {
            Outcome::Stale(e) => assert_eq!(e.content, Some(text("a"))),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            s.save(at, &k, &text("b"), 1, "bo").unwrap(),
            Outcome::Done(2)
        ));
        assert_eq!(s.history("2020-09", "U1").unwrap().len(), 2);
        assert_eq!(s.state("2020-09", "U1").unwrap().state, State::Draft);
    }

    #[test]
    fn transitions_follow_the_round() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("r.db")).unwrap();
        let at = ("2020-09", "U1");
        let who = "c";
        assert!(matches!(
            s.transition(at, Transition::Approve, None, who).unwrap(),
            Outcome::Refused(_)
        ));
        s.transition(at, Transition::Done, None, who).unwrap();
        s.transition(at, Transition::Return, Some("more"), who)
            .unwrap();
        let st = s.state("2020-09", "U1").unwrap();
        assert_eq!(
            (st.state, st.comment.as_deref()),
            (State::SentBack, Some("more"))
        );
        s.transition(at, Transition::Done, None, who).unwrap();
        s.transition(at, Transition::Approve, None, who).unwrap();
        assert_eq!(s.state("2020-09", "U1").unwrap().state, State::Approved);
        assert!(now().ends_with('Z') && now().len() == 24, "{}", now());
    }
}

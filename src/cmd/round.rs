//! `uppfolj round`: the round's store from the command line — built-in accounts, backups,
//! and the round's entries exported as (and imported from) the files of a round-less setup.

use std::io::BufRead;
use std::path::Path;

use super::serve::auth::{HashError, hash_password};
use super::serve::store::{Content, Kind, Measure, Outcome};
use super::serve::{Role, Store, StoreError};
use crate::model::money::kronor_text;
use crate::model::period::Month;

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
    /// The files to import have problems (every one listed).
    #[error("nothing was imported; the files have problems:\n  {}", .0.join("\n  "))]
    Files(Vec<String>),
    /// Units already approved refuse imported entries (month and unit listed).
    #[error(
        "the round has approved these units, so their entries were not imported (send them back first): {0}"
    )]
    Approved(String),
    /// The exported files could not be written.
    #[error(transparent)]
    Write(crate::error::WriteError),
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

/// The files of a round-less setup: `comments/<period>/<unit>.md`, `forecast.csv` and
/// `measures.csv`, as `round export` writes them and `round import` reads them.
const FORECAST_HEADER: &str = "period;unit;deviation";
const MEASURES_HEADER: &str =
    "period;unit;measure;expected;realized;decided;due;status;in_forecast";

/// A cell of a Swedish CSV file (`;` between cells): quoted when it holds `;`, a quote or a
/// line break.
fn cell(text: &str) -> String {
    if text.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// `uppfolj round export DIR`: every entry of the store (of `period` only, when given), in
/// whatever state, as the files a setup without a round keeps: each unit's commentary as
/// `DIR/comments/<period>/<unit>.md` (its sections under their headings), and the forecasts
/// and measures as `DIR/forecast.csv` and `DIR/measures.csv` (Swedish CSV: `;`, amounts in
/// kronor with a decimal comma). Returns how many units' entries were written.
pub fn export(db: &Path, dir: &Path, period: Option<&str>) -> Result<usize, RoundError> {
    if !db.is_file() {
        return Err(RoundError::NoStore(db.display().to_string()));
    }
    let store = Store::open_read_only(db)?;
    let periods = match period {
        Some(p) => vec![p.to_string()],
        None => store.periods()?,
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut forecast = vec![FORECAST_HEADER.to_string()];
    let mut measures = vec![MEASURES_HEADER.to_string()];
    let mut units = 0;
    for p in &periods {
        let entries = store.month_entries(p)?;
        let stems = crate::present::names::stems(entries.iter().map(|e| e.unit.as_str()));
        for (e, stem) in entries.iter().zip(stems) {
            units += 1;
            let sections: std::collections::BTreeMap<String, String> = e
                .commentary
                .iter()
                .map(|(k, t, _)| (k.clone(), t.clone()))
                .collect();
            if sections.values().any(|t| !t.trim().is_empty()) {
                let md = super::serve::commentary::assemble(&sections);
                files.push((format!("comments/{p}/{stem}.md"), md.into_bytes()));
            }
            if let Some((ore, _)) = e.forecast {
                forecast.push(format!("{p};{};{}", cell(&e.unit), kronor_text(ore)));
            }
            for m in e.measures.iter().flat_map(|(m, _)| m) {
                measures.push(
                    [
                        p.clone(),
                        cell(&e.unit),
                        cell(&m.name),
                        kronor_text(m.expected_ore),
                        kronor_text(m.realized_ore),
                        m.decided.clone(),
                        m.due.clone(),
                        cell(&m.status),
                        if m.in_forecast { "ja" } else { "nej" }.to_string(),
                    ]
                    .join(";"),
                );
            }
        }
    }
    for (name, rows) in [("forecast.csv", forecast), ("measures.csv", measures)] {
        if rows.len() > 1 {
            files.push((
                name.to_string(),
                format!("{}\n", rows.join("\n")).into_bytes(),
            ));
        }
    }
    crate::write::plain_files(dir, &files).map_err(RoundError::Write)?;
    Ok(units)
}

/// What `round import` found: entries saved, and entries already as the files say.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    /// Entries saved as a new version.
    pub saved: usize,
    /// Entries the store already held as the files give them.
    pub unchanged: usize,
}

/// One entry the files give: month, unit, which entry, what.
type Given = (String, String, Kind, Content);

/// `uppfolj round import DIR`: starts (or continues) a round from the files of a round-less
/// setup (see [`export`]). Each entry the files give becomes the entry's next version, saved
/// by `user` marked `(imported)` in the history; the unit becomes a draft, as after any save,
/// and is approved through the round as usual. An entry the store already holds as the files
/// give it is left alone, so importing twice saves nothing new. Every problem of the files is
/// reported before anything is saved; a unit already approved refuses the import of its entries.
pub fn import(db: &Path, dir: &Path, user: &str) -> Result<Imported, RoundError> {
    let mut findings = crate::diag::Findings::default();
    let mut given = commentary_files(dir, &mut findings);
    given.extend(table_entries(dir, &mut findings));
    if findings.has_errors() {
        return Err(RoundError::Files(
            findings.errors().map(ToString::to_string).collect(),
        ));
    }
    let who = format!("{user} (imported)");
    let mut store = Store::open(db)?;
    let mut done = Imported::default();
    let mut refused = Vec::new();
    for (period, unit, kind, content) in given {
        let at = (period.as_str(), unit.as_str());
        let current = store.entry(&period, &unit, &kind)?;
        if current.content.as_ref() == Some(&content) {
            done.unchanged += 1;
            continue;
        }
        match store.save(at, &kind, &content, current.version, &who)? {
            Outcome::Done(_) => done.saved += 1,
            Outcome::Stale(_) | Outcome::Refused(_) => {
                refused.push(format!("{period} {unit}"));
            }
        }
    }
    if !refused.is_empty() {
        refused.dedup();
        return Err(RoundError::Approved(refused.join(", ")));
    }
    Ok(done)
}

/// The commentary files `DIR/comments/<period>/<unit>.md`, each split into its sections.
fn commentary_files(dir: &Path, findings: &mut crate::diag::Findings) -> Vec<Given> {
    let mut out = Vec::new();
    let root = dir.join("comments");
    let Ok(months) = std::fs::read_dir(&root) else {
        return out;
    };
    let mut months: Vec<_> = months.filter_map(Result::ok).map(|e| e.path()).collect();
    months.sort();
    for month in months {
        let Some(period) = month
            .file_name()
            .and_then(|n| n.to_str())
            .filter(|n| Month::parse(n).is_some_and(|m| m.to_string() == *n))
        else {
            continue;
        };
        let Ok(files) = std::fs::read_dir(&month) else {
            continue;
        };
        let mut files: Vec<_> = files.filter_map(Result::ok).map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let Some(unit) = file
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".md"))
                .filter(|n| !n.starts_with('.'))
            else {
                continue;
            };
            let text = match std::fs::read_to_string(&file) {
                Ok(t) => t,
                Err(e) => {
                    let shown = file.display().to_string();
                    findings.error(&shown, None, None, format!("cannot be read: {e}"));
                    continue;
                }
            };
            for (section, text) in crate::compute::commentary::split(&text) {
                let content = Content::Text {
                    text: text.trim().to_string(),
                };
                out.push((
                    period.to_string(),
                    unit.to_string(),
                    Kind::Commentary(section),
                    content,
                ));
            }
        }
    }
    out
}

/// The rows of `DIR/forecast.csv` and `DIR/measures.csv`, read as the loader reads the
/// tables: a forecast per month and unit, the measures of a month and unit as one list.
fn table_entries(dir: &Path, findings: &mut crate::diag::Findings) -> Vec<Given> {
    let mut out = Vec::new();
    let path = dir.join("forecast.csv");
    if path.is_file()
        && let Some(t) = crate::load::read_csv(crate::load::spec::FORECAST, &path, findings)
    {
        let (p, u, d) = (t.months("period"), t.text("unit"), t.money("deviation"));
        for i in 0..t.len() {
            let content = Content::Forecast {
                deviation_ore: d[i],
            };
            out.push((
                Month(p[i]).to_string(),
                u[i].clone(),
                Kind::Forecast,
                content,
            ));
        }
    }
    let path = dir.join("measures.csv");
    if path.is_file()
        && let Some(t) = crate::load::read_csv(crate::sections::MEASURES_SPEC, &path, findings)
    {
        let mut lists: std::collections::BTreeMap<(i32, String), Vec<Measure>> =
            std::collections::BTreeMap::new();
        for i in 0..t.len() {
            let key = (t.months("period")[i], t.text("unit")[i].clone());
            lists
                .entry(key)
                .or_default()
                .push(super::generate::round::measure_of(&t, i));
        }
        for ((p, unit), measures) in lists {
            let content = Content::Measures { measures };
            out.push((Month(p).to_string(), unit, Kind::Measures, content));
        }
    }
    out
}

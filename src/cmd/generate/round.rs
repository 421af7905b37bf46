//! The month's round in `generate` (and `check`): when the config has `round:` and its store
//! exists, the approved commentary, forecast and measures of the report month are the units'
//! commentary and rows of the `forecast` and `measures` tables, as if they came from
//! `comments/<period>/<unit>.md` and the tables' files. They are put in where the load stage
//! hands over its tables and commentary, so compute, present and render see nothing new.
//!
//! Entries not approved are used or left out as `round: { unapproved }` says, with a note
//! naming the units either way. Where a file and the round both give a unit's entry they must
//! agree: identical entries are one, different ones are an error naming both.

use std::collections::{BTreeMap, BTreeSet};

use crate::Failure;
use crate::cmd::serve::commentary::{assemble, heading, section_headings};
use crate::cmd::serve::store::{Measure, State, Store, UnitEntries};
use crate::config::Config;
use crate::diag::Findings;
use crate::load::table::{ColumnData, Table};
use crate::load::{Loaded, spec};
use crate::model::input::{Input, Piece};
use crate::model::money::kronor_text;
use crate::model::period::Month;
use crate::model::section;

/// The round's entries a run uses: each unit's (by node), from the store at `shown`.
#[derive(Debug)]
pub(crate) struct Used {
    /// The store as messages name it.
    shown: String,
    /// The entries used, with the unit's node.
    units: Vec<(usize, UnitEntries)>,
}

/// The store's file, when the config has `round:` and the file exists.
fn store_file(config: &Config) -> Option<&std::path::Path> {
    config
        .round()
        .map(|r| r.db.as_path())
        .filter(|p| p.is_file())
}

/// What the run's fingerprint hashes of the round: every entry's month, unit, section and
/// version with its unit's state, for the entries `generate` would use (approved ones, or
/// all with `unapproved: use`). An approval or a new version of a used entry changes it; a
/// draft saved while drafts are not used does not.
pub(crate) fn piece(config: &Config) -> Option<Piece> {
    let db = store_file(config)?;
    let use_all = config.round().is_some_and(|r| r.use_unapproved);
    let value = match Store::open_read_only(db).and_then(|s| s.versions()) {
        Ok(rows) => {
            let kept: Vec<String> = rows
                .into_iter()
                .filter(|(_, state)| use_all || *state == State::Approved)
                .map(|(row, state)| format!("{row}\t{}", state.as_str()))
                .collect();
            crate::model::hash::sha256_hex(kept.join("\n").as_bytes())
        }
        Err(e) => format!("unreadable: {e}"),
    };
    Some(Piece {
        label: "round",
        name: db.display().to_string(),
        value,
    })
}

/// Leaves the round's store (and SQLite's files beside it) out of the data folder's pieces
/// when it lies there: every save changes its bytes, while the run depends only on the entries
/// [`piece`] hashes.
pub(crate) fn leave_out_store(pieces: &mut Vec<Piece>, data: &std::path::Path, config: &Config) {
    let Some(db) = config.round().map(|r| r.db.as_path()) else {
        return;
    };
    let canon = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (Some(dir), Some(name)) = (db.parent(), db.file_name()) else {
        return;
    };
    let Ok(rel) = canon(dir)
        .join(name)
        .strip_prefix(canon(data))
        .map(|r| r.to_path_buf())
    else {
        return;
    };
    let rel = rel.to_string_lossy().replace('\\', "/");
    let names = [
        rel.clone(),
        format!("{rel}-wal"),
        format!("{rel}-shm"),
        format!("{rel}-journal"),
    ];
    pieces.retain(|p| !names.contains(&p.name));
}

/// Reads the report month's entries from the round's store, if the config has `round:` and
/// the store exists; entries not approved are kept or dropped as the config says, with a
/// note naming their units either way. An entry for a unit the tree does not know is a
/// warning. The entries used join the manifest's inputs.
pub(crate) fn read(
    loaded: &mut Loaded,
    period: Month,
    findings: &mut Findings,
) -> Result<Option<Used>, Failure> {
    let Some(db) = store_file(&loaded.config).map(std::path::Path::to_path_buf) else {
        return Ok(None);
    };
    let use_all = loaded.config.round().is_some_and(|r| r.use_unapproved);
    let shown = db.display().to_string();
    let entries =
        match Store::open_read_only(&db).and_then(|s| s.month_entries(&period.to_string())) {
            Ok(e) => e,
            Err(e) => {
                findings.error(
                    &shown,
                    None,
                    None,
                    format!("the round's entries cannot be read: {e}"),
                );
                return Err(Failure::Data);
            }
        };
    let by_code: BTreeMap<&str, usize> = loaded
        .tree
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.code.as_str(), i))
        .collect();
    let (mut units, mut unapproved) = (Vec::new(), Vec::new());
    for e in entries {
        let Some(&node) = by_code.get(e.unit.as_str()) else {
            findings.warning(
                &shown,
                None,
                None,
                format!(
                    "the round has entries for unit {}, which is not in the organisation tree; they are not published",
                    crate::diag::cut(&e.unit)
                ),
            );
            continue;
        };
        if e.state != State::Approved {
            unapproved.push(e.unit.clone());
            if !use_all {
                continue;
            }
        }
        units.push((node, e));
    }
    if !unapproved.is_empty() {
        let (n, list) = (unapproved.len(), unapproved.join(", "));
        findings.note(
            &shown,
            if use_all {
                format!("the round's entries of {n} units not approved are used (round: unapproved: use): {list}")
            } else {
                format!("the round's entries of {n} units not approved are not used (round: unapproved: skip): {list}")
            },
        );
    }
    let rows = units
        .iter()
        .map(|(_, e)| {
            e.commentary.len()
                + usize::from(e.forecast.is_some())
                + e.measures.as_ref().map_or(0, |(m, _)| m.len())
        })
        .sum();
    let sha = crate::model::hash::sha256_hex(format!("{units:?}").as_bytes());
    loaded
        .data
        .inputs
        .push(Input::file("round", shown.clone(), rows, sha));
    Ok(Some(Used { shown, units }))
}

/// The units' commentary from the round, for the manifest: per unit with commentary in the
/// round, its sections' SHA-256, named by the store and the unit (`round.sqlite: HSN`).
pub(crate) fn commentary_used(
    used: &Used,
    tree: &crate::model::tree::Tree,
) -> Vec<crate::model::input::Commentary> {
    used.units
        .iter()
        .filter(|(_, e)| e.commentary.iter().any(|(_, t, _)| !t.trim().is_empty()))
        .map(|(node, e)| {
            let sections: Vec<String> = e
                .commentary
                .iter()
                .map(|(key, text, _)| format!("{key}\t{text}"))
                .collect();
            let unit = tree.nodes[*node].code.clone();
            crate::model::input::Commentary {
                file: format!("{}: {unit}", used.shown),
                unit,
                sha256: crate::model::hash::sha256_hex(sections.join("\n").as_bytes()),
            }
        })
        .collect()
}

/// Puts the round's forecasts and measures into the `forecast` and `measures` tables. A unit
/// whose month already has rows in the table's file keeps them when they are the round's
/// entry; when they differ, the error names the file's row and the round's entry.
pub(crate) fn tables(loaded: &mut Loaded, used: &Used, period: Month, findings: &mut Findings) {
    let forecasts: Vec<(&str, i64, i64)> = used
        .units
        .iter()
        .filter_map(|(_, e)| e.forecast.map(|(ore, v)| (e.unit.as_str(), ore, v)))
        .collect();
    let measures: Vec<(&str, &[Measure], i64)> = used
        .units
        .iter()
        .filter_map(|(_, e)| {
            e.measures
                .as_ref()
                .map(|(m, v)| (e.unit.as_str(), m.as_slice(), *v))
        })
        .collect();
    let data = &mut loaded.data;
    let mut fresh = Vec::new();
    for (unit, ore, version) in forecasts {
        match data
            .get("forecast")
            .and_then(|t| file_forecast(t, period, unit))
        {
            Some((i, file_ore)) if file_ore != ore => {
                let t = data.get("forecast").expect("found above");
                let (file, row) = t.origin(i);
                findings.error(
                    file,
                    Some(row),
                    Some("deviation"),
                    format!(
                        "the forecast of unit {unit} for {period} is {} kr here but {} kr in the round (unit {unit}, forecast, version {version} in {}); keep one of them",
                        kronor_text(file_ore),
                        kronor_text(ore),
                        used.shown
                    ),
                );
            }
            Some(_) => {}
            None => fresh.push((unit, ore)),
        }
    }
    if !fresh.is_empty() {
        let n = fresh.len();
        let table = Table {
            spec: spec::FORECAST,
            file: used.shown.clone(),
            rows: (1..=n as u64).collect(),
            headers: Vec::new(),
            names: Vec::new(),
            columns: vec![
                ("period", ColumnData::Month(vec![period.index(); n])),
                (
                    "unit",
                    ColumnData::Text(fresh.iter().map(|f| f.0.to_string()).collect()),
                ),
                (
                    "deviation",
                    ColumnData::Money(fresh.iter().map(|f| f.1).collect()),
                ),
            ],
            sha256: String::new(),
            parts: Vec::new(),
            blanks: Vec::new(),
        };
        add(data, "forecast", table);
    }
    let mut fresh: Vec<(&str, &Measure)> = Vec::new();
    for (unit, list, version) in measures {
        let Some(t) = data.get("measures") else {
            fresh.extend(list.iter().map(|m| (unit, m)));
            continue;
        };
        let rows = file_measures(t, period, unit);
        if rows.is_empty() {
            fresh.extend(list.iter().map(|m| (unit, m)));
            continue;
        }
        let mut theirs: Vec<Measure> = rows.iter().map(|&i| measure_of(t, i)).collect();
        let mut ours = list.to_vec();
        theirs.sort_by(|a, b| a.name.cmp(&b.name));
        ours.sort_by(|a, b| a.name.cmp(&b.name));
        if theirs != ours {
            let (file, row) = t.origin(rows[0]);
            findings.error(
                file,
                Some(row),
                None,
                format!(
                    "the measures of unit {unit} for {period} here ({} rows) differ from the round's ({} measures: unit {unit}, measures, version {version} in {}); keep one of them",
                    rows.len(),
                    list.len(),
                    used.shown
                ),
            );
        }
    }
    if !fresh.is_empty() {
        add(
            data,
            "measures",
            measures_table(&used.shown, period, &fresh),
        );
    }
}

/// The row of the table's file with the unit's forecast for the month, and its amount.
fn file_forecast(t: &Table, period: Month, unit: &str) -> Option<(usize, i64)> {
    let (p, u, d) = (t.months("period"), t.text("unit"), t.money("deviation"));
    (0..t.len())
        .find(|&i| p[i] == period.index() && u[i] == unit)
        .map(|i| (i, d[i]))
}

/// The rows of the `measures` table for the unit's month.
fn file_measures(t: &Table, period: Month, unit: &str) -> Vec<usize> {
    let (p, u) = (t.months("period"), t.text("unit"));
    (0..t.len())
        .filter(|&i| p[i] == period.index() && u[i] == unit)
        .collect()
}

/// A row of the `measures` table as the round holds a measure.
pub(crate) fn measure_of(t: &Table, i: usize) -> Measure {
    let (decided, due) = (t.months("decided"), t.months("due"));
    let (status, in_forecast) = (t.text("status"), t.text("in_forecast"));
    Measure {
        name: t.text("measure")[i].clone(),
        expected_ore: t.money("expected")[i],
        realized_ore: t.money("realized")[i],
        decided: decided
            .get(i)
            .filter(|&&d| d != 0)
            .map(|&d| {
                let (y, m, d) = crate::clock::civil_from_days(d);
                format!("{y:04}-{m:02}-{d:02}")
            })
            .unwrap_or_default(),
        due: due
            .get(i)
            .filter(|&&d| d != 0)
            .map(|&d| Month(d).to_string())
            .unwrap_or_default(),
        status: status.get(i).cloned().unwrap_or_default(),
        in_forecast: in_forecast.get(i).is_some_and(|s| s == "ja"),
    }
}

/// The round's measures as rows of the `measures` table: the optional columns only when a
/// measure gives them, as a file without them would have.
fn measures_table(shown: &str, period: Month, rows: &[(&str, &Measure)]) -> Table {
    let n = rows.len();
    let mut columns = vec![
        ("period", ColumnData::Month(vec![period.index(); n])),
        (
            "unit",
            ColumnData::Text(rows.iter().map(|r| r.0.to_string()).collect()),
        ),
        (
            "measure",
            ColumnData::Text(rows.iter().map(|r| r.1.name.clone()).collect()),
        ),
        (
            "expected",
            ColumnData::Money(rows.iter().map(|r| r.1.expected_ore).collect()),
        ),
        (
            "realized",
            ColumnData::Money(rows.iter().map(|r| r.1.realized_ore).collect()),
        ),
    ];
    let ms = || rows.iter().map(|r| r.1);
    if ms().any(|m| !m.decided.is_empty()) {
        let days = ms()
            .map(|m| {
                crate::model::period::parse_date(&m.decided)
                    .map_or(0, |(y, mo, d)| crate::clock::days_from_civil(y, mo, d))
            })
            .collect();
        columns.push(("decided", ColumnData::Date(days)));
    }
    if ms().any(|m| !m.due.is_empty()) {
        let months = ms()
            .map(|m| Month::parse(&m.due).map_or(0, Month::index))
            .collect();
        columns.push(("due", ColumnData::Month(months)));
    }
    if ms().any(|m| !m.status.is_empty()) {
        columns.push((
            "status",
            ColumnData::Text(ms().map(|m| m.status.clone()).collect()),
        ));
    }
    if ms().any(|m| m.in_forecast) {
        let flags = ms()
            .map(|m| if m.in_forecast { "ja" } else { "nej" }.to_string())
            .collect();
        columns.push(("in_forecast", ColumnData::Text(flags)));
    }
    Table {
        spec: crate::sections::MEASURES_SPEC,
        file: shown.to_string(),
        rows: (1..=n as u64).collect(),
        headers: Vec::new(),
        names: Vec::new(),
        columns,
        sha256: String::new(),
        parts: Vec::new(),
        blanks: Vec::new(),
    }
}

/// Adds the round's rows to the table `name` (the table when the data has none).
fn add(data: &mut crate::load::Dataset, name: &'static str, rows: Table) {
    match data.tables.remove(name) {
        Some(mut t) => {
            crate::load::sources::append(&mut t, rows);
            data.tables.insert(name, t);
        }
        None => {
            data.tables.insert(name, rows);
        }
    }
}

/// The line of a commentary file where the section `key` starts (1 for the summary).
fn line_of(md: &str, key: &str) -> u64 {
    section_headings(md)
        .iter()
        .position(|h| h.is_some_and(|(_, k)| k == key))
        .map_or(1, |n| n as u64 + 1)
}

/// Puts the round's commentary into each unit's commentary: a unit without a file gets the
/// round's sections as a file would give them; a unit with a file keeps it, with the round's
/// sections the file has no text for added. A section both give must have the same text
/// (leading and trailing blank space aside), else the error names the file's line and the
/// round's entry.
pub(crate) fn commentary(
    commentary: &mut [Option<String>],
    used: &Used,
    dir: &std::path::Path,
    files: &[String],
    findings: &mut Findings,
) {
    for (node, e) in &used.units {
        if e.commentary.is_empty() {
            continue;
        }
        let Some(slot) = commentary.get_mut(*node) else {
            continue;
        };
        let file_text = slot.clone().unwrap_or_default();
        let mut parts = crate::compute::commentary::split(&file_text);
        let had: BTreeSet<String> = parts.keys().cloned().collect();
        let mut added = false;
        for (key, text, version) in &e.commentary {
            if text.trim().is_empty() {
                continue;
            }
            match parts.get(key) {
                Some(theirs) if theirs.trim() == text.trim() => {}
                Some(_) => {
                    let file = dir.join(format!("{}.md", files[*node]));
                    findings.error(
                        &file.display().to_string(),
                        Some(line_of(&file_text, key)),
                        None,
                        format!(
                            "the commentary under {} differs from the round's (unit {}, section {key}, version {version} in {}); keep one of them",
                            if key == section::SUMMARY { "no heading (the summary)".to_string() } else { format!("## {}", heading(key)) },
                            e.unit,
                            used.shown
                        ),
                    );
                }
                None => {
                    parts.insert(key.clone(), text.clone());
                    added = true;
                }
            }
        }
        if added || (slot.is_none() && !had.is_empty()) {
            *slot = Some(assemble(&parts));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_of_a_section_heading() {
        let md = "Resultatet är bättre.\n\n## Personal\n\nSjukfrånvaron sjunker.\n\n## Åtgärder\n\nFärre inhyrda.\n";
        assert_eq!(line_of(md, "measures"), 7);
        assert_eq!(line_of(md, "personnel"), 3);
        assert_eq!(line_of(md, "summary"), 1);
    }
}

//! A file's header as the contract reads it: cells trimmed and lowercased, Swedish export
//! headers read as the contract columns they name, and columns the contract lacks noted.

use super::spec::TableSpec;
use crate::diag::Findings;

/// A header cell as columns are matched: spaces, BOM and quotes trimmed, lowercased.
pub(crate) fn header_name(cell: &str) -> String {
    cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '"')
        .to_lowercase()
}

/// The Swedish headers exports use, by the contract column they name.
const HEADER_ALIASES: &[(&str, &[&str])] = &[
    ("unit", &["ansvar", "kostnadsställe", "enhet"]),
    ("account", &["konto"]),
    ("actual", &["utfall"]),
    ("amount", &["belopp"]),
    ("date", &["datum", "bokföringsdatum", "transaktionsdatum"]),
    ("period", &["månad"]),
];

/// The header as the contract reads it: each cell as [`header_name`] gives it, and a Swedish
/// header an export uses (`Ansvar`, `Konto`, `Utfall`, `Belopp`, `Bokföringsdatum`, `Månad`…)
/// read as the contract column it names, when the table has that column and no header names
/// it exactly.
pub(crate) fn column_names(spec: TableSpec, header: &[String]) -> Vec<String> {
    let names: Vec<String> = header.iter().map(|h| header_name(h)).collect();
    names
        .iter()
        .map(|n| {
            HEADER_ALIASES
                .iter()
                .find(|(column, aliases)| {
                    aliases.contains(&n.as_str())
                        && spec.columns.iter().any(|c| c.name == *column)
                        && !names.iter().any(|m| m == column)
                })
                .map_or_else(|| n.clone(), |(column, _)| column.to_string())
        })
        .collect()
}

/// The note for header columns that are not in the table's contract (`names` as
/// [`header_name`] gives them).
pub(crate) fn note_extra_columns(
    spec: TableSpec,
    names: &[String],
    file: &str,
    findings: &mut Findings,
) {
    let extra: Vec<&str> = names
        .iter()
        .filter(|n| !n.is_empty() && !spec.columns.iter().any(|c| c.name == n.as_str()))
        .map(String::as_str)
        .collect();
    if !extra.is_empty() {
        findings.note(file, format!("extra columns ignored: {}", extra.join(", ")));
    }
}

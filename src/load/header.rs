//! A file's header as the contract reads it: cells trimmed and lowercased, Swedish export
//! headers read as the contract columns they name, and columns the contract lacks noted.

use super::spec::TableSpec;
use crate::diag::Findings;

/// A header cell as columns are matched: spaces, BOM and quotes trimmed, lowercased.
pub(crate) fn header_name(cell: &str) -> String {
    cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '"')
        .to_lowercase()
}

/// The Swedish headers exports use, by the contract column they name: every table's columns
/// (the data contract lists them). An entry applies to a table that has its column when no
/// header names the column exactly and no earlier entry for it matched; the second entry for
/// `date` (a month where a transaction's day is not given) counts only without the first.
pub(crate) const HEADER_ALIASES: &[(&str, &[&str])] = &[
    ("period", &["månad", "period"]),
    ("unit", &["ansvar", "kostnadsställe", "enhet"]),
    ("account", &["konto"]),
    ("actual", &["utfall"]),
    ("budget", &["budget"]),
    ("amount", &["belopp"]),
    ("date", &["datum", "bokföringsdatum", "transaktionsdatum"]),
    ("date", &["period", "månad", "bokföringsperiod"]),
    ("text", &["text", "verifikationstext"]),
    ("name", &["namn", "benämning"]),
    ("parent", &["överordnad", "överordnat ansvar"]),
    ("category", &["kategori"]),
    ("deviation", &["avvikelse", "prognosavvikelse"]),
    ("worked_hours", &["utförd tid", "arbetad tid"]),
    ("scheduled_hours", &["ordinarie arbetstid"]),
    ("sick_hours", &["sjukfrånvaro"]),
    ("employees", &["månadsavlönade", "anställda"]),
    ("profession", &["yrke", "yrkesgrupp"]),
    ("own_cost", &["egen personal"]),
    ("agency_cost", &["inhyrd personal"]),
    ("measure", &["åtgärd"]),
    ("expected", &["förväntad effekt"]),
    ("realized", &["realiserad effekt"]),
    ("decided", &["beslutad"]),
    ("due", &["klar senast"]),
    ("status", &["status"]),
    ("in_forecast", &["i prognos"]),
    ("item", &["post"]),
    ("kpi", &["nyckeltal"]),
    ("value", &["värde"]),
    ("year", &["år"]),
    ("frame", &["ram", "budgetram"]),
    ("from_unit", &["från ansvar", "från enhet"]),
    ("to_unit", &["till ansvar", "till enhet"]),
    ("reference", &["diarienummer", "referens"]),
    ("description", &["beskrivning"]),
    ("result", &["resultat"]),
    ("equity", &["eget kapital"]),
    ("project", &["projekt"]),
    ("start", &["startmånad", "start"]),
    ("forecast", &["prognos"]),
    ("user", &["användare"]),
    ("role", &["roll"]),
];

/// The Swedish headers read as `column`, as the guide writes them (first letter capital).
pub(crate) fn swedish_headers(column: &str) -> Vec<String> {
    HEADER_ALIASES
        .iter()
        .filter(|(c, _)| *c == column)
        .flat_map(|(_, aliases)| aliases.iter())
        .filter(|a| **a != column)
        .map(|a| {
            let mut chars = a.chars();
            chars
                .next()
                .map(|f| f.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .collect()
}

/// A header name as the aliases are compared: `_` read as a space, runs of spaces as one.
fn alias_form(name: &str) -> String {
    name.replace('_', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The header as the contract reads it: each cell as [`header_name`] gives it, and a Swedish
/// header an export uses (`Ansvar`, `Konto`, `Utfall`, `Namn`, `Överordnad`, `Kategori`…)
/// read as the contract column it names ([`HEADER_ALIASES`]), when the table has that column
/// and no header names it exactly.
pub(crate) fn column_names(spec: TableSpec, header: &[String]) -> Vec<String> {
    let mut names: Vec<String> = header.iter().map(|h| header_name(h)).collect();
    let exact: Vec<bool> = names
        .iter()
        .map(|n| spec.columns.iter().any(|c| c.name == n.as_str()))
        .collect();
    let mut mapped: Vec<&str> = Vec::new();
    for (column, aliases) in HEADER_ALIASES {
        if !spec.columns.iter().any(|c| c.name == *column)
            || names.iter().zip(&exact).any(|(m, e)| *e && m == column)
            || mapped.contains(column)
        {
            continue;
        }
        for (i, n) in names.iter_mut().enumerate() {
            if !exact[i] && aliases.contains(&alias_form(n).as_str()) {
                *n = (*column).to_string();
                mapped.push(column);
            }
        }
    }
    names
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

/// The headers as the file writes them for the contract columns whose header is not the
/// contract's own name (a Swedish or a configured header): what messages call the column.
/// `names` is the header as the contract reads it ([`column_names`] and the layout).
pub(crate) fn shown_headers(
    spec: TableSpec,
    header: &[String],
    names: &[String],
) -> Vec<(&'static str, String)> {
    spec.columns
        .iter()
        .filter_map(|c| {
            let i = names.iter().position(|n| n == c.name)?;
            let cell = header.get(i)?;
            (header_name(cell) != c.name).then(|| (c.name, shown_header(cell)))
        })
        .collect()
}

/// A header cell as messages show it: spaces, BOM and quotes trimmed, case kept.
pub(crate) fn shown_header(cell: &str) -> String {
    cell.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '"')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::spec;

    /// The guide lists every Swedish header, in both books.
    #[test]
    fn the_guide_lists_every_swedish_header() {
        let pages = [
            include_str!("../../docs/guide/src/datakontraktet.md"),
            include_str!("../../docs/guide/en/src/data-contract.md"),
        ];
        for page in pages {
            let page = page.to_lowercase();
            for (column, aliases) in HEADER_ALIASES {
                let row = page
                    .lines()
                    .find(|l| l.starts_with(&format!("| `{column}` |")))
                    .unwrap_or_else(|| panic!("no row for {column}"));
                for alias in *aliases {
                    assert!(row.contains(&format!("`{alias}`")), "{column}: {alias}");
                }
            }
        }
        let all: Vec<&str> = spec::all()
            .iter()
            .flat_map(|s| s.columns.iter().map(|c| c.name))
            .collect();
        for column in all {
            assert!(
                HEADER_ALIASES.iter().any(|(c, _)| *c == column),
                "no Swedish header for {column}"
            );
        }
    }

    #[test]
    fn swedish_headers_in_every_table() {
        let header = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        assert_eq!(
            column_names(spec::UNITS, &header(&["Enhet", "NAMN", " Överordnad "])),
            ["unit", "name", "parent"]
        );
        assert_eq!(
            column_names(
                *spec::all().iter().find(|s| s.name == "staffing").unwrap(),
                &header(&[
                    "Månad",
                    "Ansvar",
                    "Utförd_tid",
                    "Ordinarie  arbetstid",
                    "Sjukfrånvaro",
                    "Månadsavlönade"
                ])
            ),
            [
                "period",
                "unit",
                "worked_hours",
                "scheduled_hours",
                "sick_hours",
                "employees"
            ]
        );
        // A month where the day is not given: `Period` is the date only without a date header.
        assert_eq!(
            column_names(
                spec::TRANSACTIONS,
                &header(&["Period", "Ansvar", "Konto", "Belopp"])
            ),
            ["date", "unit", "account", "amount"]
        );
        assert_eq!(
            column_names(
                spec::TRANSACTIONS,
                &header(&["Datum", "Period", "Konto", "Belopp"])
            ),
            ["date", "period", "account", "amount"]
        );
        // The contract's own name wins over a Swedish one.
        assert_eq!(
            column_names(spec::LEDGER, &header(&["period", "Månad"])),
            ["period", "månad"]
        );
        let names = column_names(spec::LEDGER, &header(&["Period", "Ansvar", "Utfall"]));
        assert_eq!(
            shown_headers(
                spec::LEDGER,
                &header(&["Period", "Ansvar", "Utfall"]),
                &names
            ),
            [
                ("unit", "Ansvar".to_string()),
                ("actual", "Utfall".to_string())
            ]
        );
    }
}

//! Commentary that no report would show: text under the heading of a section the unit does
//! not show (the section's table is absent, or has no rows for the unit). Each is a warning
//! naming the file, so that a controller's text never disappears without a word.
//!
//! A commentary file (read by [`crate::load::comments`]) is split into report sections by its
//! headings; the sections stay Markdown, and each renderer turns them into its own format.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::Findings;
use crate::model::tree::Tree;

use super::sections::UnitSections;

/// Section keys of commentary, the table that makes each one shown, and its English name.
const SECTIONS: &[(&str, &str, &str)] = &[
    ("personnel", "staffing", "Personnel"),
    ("agency", "agency", "Hired staff"),
    ("measures", "measures", "Measures"),
    ("adjustments", "adjustments", "Adjustments"),
    ("activity", "activity", "Production"),
    ("frames", "frames", "Frames"),
];

fn shown(s: &UnitSections, key: &str) -> bool {
    match key {
        "personnel" => s.personnel.is_some(),
        "agency" => s.agency.is_some(),
        "measures" => s.measures.is_some(),
        "adjustments" => s.adjustments.is_some(),
        "activity" => s.activity.is_some(),
        "frames" => s.frame.is_some(),
        _ => true,
    }
}

/// Warns for every section of a unit's commentary that its report does not show.
/// `commentary[node]` is the commentary file (as shown) and its section keys, if the unit has one.
pub(crate) fn check_dropped(
    tree: &Tree,
    sections: &[UnitSections],
    commentary: &[Option<(String, Vec<String>)>],
    findings: &mut Findings,
) {
    for (node, c) in commentary.iter().enumerate() {
        let (Some((file, keys)), Some(s)) = (c, sections.get(node)) else {
            continue;
        };
        for key in keys {
            let Some((_, table, name)) = SECTIONS.iter().find(|(k, _, _)| k == key) else {
                continue;
            };
            if shown(s, key) {
                continue;
            }
            findings.warning(
                file,
                None,
                None,
                format!(
                    "the text under the heading for {name} is not published: the report of unit {} has no such section (no {table} table, or no rows in it for the unit); move the text under another heading or above the first",
                    crate::diag::cut(&tree.nodes[node].code)
                ),
            );
        }
    }
}

/// Each unit's commentary file (as shown in messages) and the sections it has text for; `dir`
/// is the report month's commentary folder, `files` the units' file names.
pub(crate) fn keys(
    dir: &Path,
    files: &[String],
    commentary: &[Option<String>],
) -> Vec<Option<(String, Vec<String>)>> {
    files
        .iter()
        .zip(commentary)
        .map(|(f, c)| {
            c.as_deref().map(|md| {
                let file = dir.join(format!("{f}.md")).display().to_string();
                (file, sections_of(md))
            })
        })
        .collect()
}

/// Section keys and the headings (any case) that start them.
const HEADINGS: &[(&str, &[&str])] = &[
    (
        "summary",
        &[
            "sammanfattning",
            "ekonomi",
            "resultat",
            "summary",
            "finance",
            "economy",
        ],
    ),
    (
        "personnel",
        &[
            "personal",
            "sjukfrånvaro",
            "personnel",
            "staff",
            "sick leave",
        ],
    ),
    (
        "agency",
        &[
            "inhyrd personal",
            "bemanning",
            "stafett",
            "hired staff",
            "agency staff",
        ],
    ),
    (
        "measures",
        &["åtgärder", "resultatförbättrande åtgärder", "measures"],
    ),
    ("adjustments", &["justeringar", "adjustments"]),
    (
        "activity",
        &["produktion", "verksamhet", "production", "activity"],
    ),
    ("frames", &["budgetram", "ramar", "budget frame", "frames"]),
    ("investments", &["investeringar", "investments"]),
];

/// The section keys commentary can have, in the order of the headings above.
pub(crate) fn section_keys() -> Vec<&'static str> {
    HEADINGS.iter().map(|(k, _)| *k).collect()
}

fn section_of(heading: &str) -> Option<&'static str> {
    let h = heading.trim().trim_end_matches(':').to_lowercase();
    HEADINGS
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
        .map(|(k, _)| *k)
}

/// Splits a commentary file at level-1 and level-2 headings that name a section; text
/// before the first such heading belongs to the summary. Returns section key → Markdown.
pub(crate) fn split(md: &str) -> BTreeMap<String, String> {
    let mut parts: BTreeMap<String, String> = BTreeMap::new();
    let mut current = "summary";
    let mut buf = String::new();
    let mut fence = false;
    for line in md.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = !fence;
        }
        let heading = if fence {
            None
        } else {
            t.strip_prefix("## ")
                .or_else(|| t.strip_prefix("# "))
                .and_then(section_of)
        };
        match heading {
            Some(key) => {
                if !buf.trim().is_empty() {
                    parts.entry(current.to_string()).or_default().push_str(&buf);
                }
                buf.clear();
                current = key;
            }
            None => {
                buf.push_str(line);
                buf.push('\n');
            }
        }
    }
    if !buf.trim().is_empty() {
        parts.entry(current.to_string()).or_default().push_str(&buf);
    }
    parts
}

/// The section keys a commentary file has text for (see [`split`]).
pub(crate) fn sections_of(md: &str) -> Vec<String> {
    split(md).into_keys().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_split_into_sections() {
        let parts = split(
            "Inledning.\n\n## Personal\nSjukfrånvaron ökar.\n\n## Okänd rubrik\nMer.\n\n# Produktion\nFärre besök.\n",
        );
        assert_eq!(parts["summary"], "Inledning.\n\n");
        assert_eq!(
            parts["personnel"],
            "Sjukfrånvaron ökar.\n\n## Okänd rubrik\nMer.\n\n"
        );
        assert_eq!(parts["activity"], "Färre besök.\n");
    }
}

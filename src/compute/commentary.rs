//! Commentary that no report would show: text under the heading of a section the unit does
//! not show (the section's table is absent, or has no rows for the unit). Each is a warning
//! naming the file, so that a controller's text never disappears without a word.

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

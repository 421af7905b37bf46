//! Commentary that no report would show: text under the heading of a section the unit does
//! not show (the section's table is absent, or has no rows for the unit). Each is a warning
//! naming the file, so that a controller's text never disappears without a word.
//!
//! A commentary file (read by [`crate::load::comments`]) is split into report sections by its
//! headings; the sections stay Markdown, and each renderer turns them into its own format.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diag::Findings;
use crate::model::section::SUMMARY;
use crate::model::tree::Tree;
use crate::sections;

use super::sections::UnitSections;

/// The commentary sections a unit's report has, by key: the summary, then every section with
/// commentary headings that the report shows, in report order. What the unit's commentary
/// may hold without a word lost (and what the round offers a unit's manager to write).
pub(crate) fn sections_for(s: &UnitSections) -> impl Iterator<Item = &'static str> + '_ {
    std::iter::once(SUMMARY).chain(
        sections::commentary()
            .filter(|(at, _)| s.shown(*at))
            .map(|(_, d)| d.name),
    )
}

/// Every commentary section any report can have, by key: the summary, then the optional
/// sections with commentary in report order (what the round offers before it knows a unit's
/// figures; [`sections_for`] narrows it to one unit's report).
pub(crate) fn section_keys() -> Vec<&'static str> {
    std::iter::once(SUMMARY)
        .chain(sections::commentary().map(|(_, d)| d.name))
        .collect()
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
            if sections_for(s).any(|k| k == key) {
                continue;
            }
            let Some(section) = sections::by_name(key) else {
                continue;
            };
            let (name, table) = (section.english, section.tables.first().unwrap_or(&""));
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

/// Splits a commentary file at level-1 and level-2 headings that name a section; text
/// before the first such heading belongs to the summary. Returns section key → Markdown.
pub(crate) fn split(md: &str) -> BTreeMap<String, String> {
    let mut parts: BTreeMap<String, String> = BTreeMap::new();
    let mut current = SUMMARY;
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
                .and_then(sections::commentary_key)
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

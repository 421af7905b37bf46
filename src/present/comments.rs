//! Controllers' own commentary (read by [`crate::load::comments`]), split into report
//! sections by its headings. The sections stay Markdown; each renderer turns them into its
//! own format (`render::html`, `render::typst`).

use std::collections::BTreeMap;
use std::path::Path;

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
const SECTIONS: &[(&str, &[&str])] = &[
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

fn section_of(heading: &str) -> Option<&'static str> {
    let h = heading.trim().trim_end_matches(':').to_lowercase();
    SECTIONS
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

//! A unit's commentary sections as one commentary file: what `generate` publishes from the
//! round, what `round export` writes and what the server's report page shows. A heading
//! inside a section's text stays in that section.

use std::collections::BTreeMap;

use crate::model::section;

/// The heading a section's text starts under in a commentary file: the section's first
/// commentary heading, capitalised (`## Personal`).
pub(crate) fn heading(key: &str) -> String {
    let word = crate::sections::by_name(key)
        .and_then(|s| s.headings.first())
        .copied()
        .unwrap_or(key);
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A unit's commentary sections (key → Markdown) as one commentary file: the summary first
/// without a heading, then each section under its heading, in report order.
pub(crate) fn assemble(sections: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    for key in crate::compute::commentary::section_keys() {
        let Some(text) = sections
            .get(key)
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        else {
            continue;
        };
        if key != section::SUMMARY {
            out.push_str(&format!("## {}\n\n", heading(key)));
        }
        out.push_str(&keep_in_section(text));
        out.push_str("\n\n");
    }
    let kept = out.trim_end().len();
    out.truncate(kept);
    out.push('\n');
    out
}

/// A section's text as it stands under the section's heading in a commentary file: a line
/// of it that would start a section of its own there (`## Personal` written in the summary,
/// `# Resultat` in the measures) becomes a heading one level below the section's own
/// (`### Personal`), so the text stays in the section it was written in and the heading
/// still shows as one. Headings in code blocks and other headings stay as they are.
pub(crate) fn keep_in_section(text: &str) -> String {
    let lines = section_headings(text);
    let mut out = String::with_capacity(text.len() + 8);
    for (i, (line, heading)) in text.lines().zip(lines).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        match heading {
            Some((words, _)) => {
                out.push_str("### ");
                out.push_str(words);
            }
            None => out.push_str(line),
        }
    }
    out
}

/// For each line of commentary Markdown, the heading's words and the section it starts when
/// `compute::commentary::split` reads the line as a section heading (`## Personal`,
/// `# Resultat`; not inside a code block).
pub(crate) fn section_headings(md: &str) -> Vec<Option<(&str, &'static str)>> {
    let mut fence = false;
    md.lines()
        .map(|line| {
            let t = line.trim_start();
            if t.starts_with("```") || t.starts_with("~~~") {
                fence = !fence;
            }
            let words = (!fence)
                .then(|| t.strip_prefix("## ").or_else(|| t.strip_prefix("# ")))
                .flatten()?;
            crate::sections::commentary_key(words).map(|key| (words, key))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assembled_sections_split_back_into_the_same_sections() {
        let mut parts = BTreeMap::new();
        parts.insert("summary".to_string(), "Resultatet är bättre.\n".to_string());
        parts.insert(
            "personnel".to_string(),
            "Sjukfrånvaron sjunker.".to_string(),
        );
        parts.insert("measures".to_string(), "  Färre inhyrda.\n\n".to_string());
        let md = assemble(&parts);
        assert_eq!(
            md,
            "Resultatet är bättre.\n\n## Personal\n\nSjukfrånvaron sjunker.\n\n## Åtgärder\n\nFärre inhyrda.\n"
        );
        let back = crate::compute::commentary::split(&md);
        assert_eq!(back.len(), 3);
        for (k, v) in &parts {
            assert_eq!(back[k].trim(), v.trim(), "{k}");
        }
    }

    #[test]
    fn a_section_heading_inside_a_sections_text_stays_in_that_section() {
        let mut parts = BTreeMap::new();
        parts.insert(
            "summary".to_string(),
            "Resultatet är bättre.\n\n## Personal\n\nSjukfrånvaron sjunker.\n\n```\n## Åtgärder\n```\n\n## Egen rubrik"
                .to_string(),
        );
        parts.insert(
            "measures".to_string(),
            "  # Resultat\nFärre inhyrda.".to_string(),
        );
        let md = assemble(&parts);
        assert_eq!(
            md,
            "Resultatet är bättre.\n\n### Personal\n\nSjukfrånvaron sjunker.\n\n```\n## Åtgärder\n```\n\n## Egen rubrik\n\n## Åtgärder\n\n### Resultat\nFärre inhyrda.\n"
        );
        let back = crate::compute::commentary::split(&md);
        assert_eq!(back.keys().collect::<Vec<_>>(), ["measures", "summary"]);
        assert!(back["summary"].contains("### Personal\n\nSjukfrånvaron sjunker."));
        assert!(back["measures"].contains("### Resultat\nFärre inhyrda."));
    }
}

//! Controllers' own commentary: one Markdown file per unit and period
//! (`<comments>/<period>/<unit code>.md`), split into report sections by its headings and
//! rendered safely — raw HTML and scripts never reach the page.

use std::collections::BTreeMap;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd, html};

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
];

fn section_of(heading: &str) -> Option<&'static str> {
    let h = heading.trim().trim_end_matches(':').to_lowercase();
    SECTIONS
        .iter()
        .find(|(_, names)| names.contains(&h.as_str()))
        .map(|(k, _)| *k)
}

/// Markdown to HTML with raw HTML turned into visible text, then sanitised.
pub fn render_markdown(md: &str) -> String {
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(
        |e| match e {
            Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
            other => other,
        },
    );
    let mut out = String::new();
    html::push_html(&mut out, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&out)
        .to_string()
}

/// Markdown to Typst markup for the PDF: every text is escaped, raw HTML is shown as text,
/// links keep only http(s) and mailto targets.
pub fn to_typst(md: &str) -> String {
    let esc = crate::pdf::escape_markup;
    let string = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let mut out = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut in_item = 0usize;
    let mut code = String::new();
    let mut in_code = false;
    for e in Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match e {
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) => out.push_str(if in_item > 0 { " " } else { "\n\n" }),
            Event::Start(Tag::Heading { .. }) => out.push_str("#strong["),
            Event::End(TagEnd::Heading(_)) => out.push_str("]\n\n"),
            Event::Start(Tag::Emphasis) => out.push_str("#emph["),
            Event::Start(Tag::Strong) => out.push_str("#strong["),
            Event::Start(Tag::Strikethrough) => out.push_str("#strike["),
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => out.push(']'),
            Event::Start(Tag::List(start)) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
                if lists.is_empty() {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                in_item += 1;
                out.push_str(&"  ".repeat(lists.len().saturating_sub(1)));
                out.push_str(if matches!(lists.last(), Some(Some(_))) {
                    "+ "
                } else {
                    "- "
                });
            }
            Event::End(TagEnd::Item) => {
                in_item -= 1;
                out.push('\n');
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                let ok = ["http://", "https://", "mailto:"]
                    .iter()
                    .any(|p| dest_url.starts_with(p));
                if ok {
                    out.push_str(&format!("#link(\"{}\")[", string(&dest_url)));
                } else {
                    out.push_str("#[");
                }
            }
            Event::End(TagEnd::Link) => out.push(']'),
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                code.clear();
                let _ = matches!(kind, CodeBlockKind::Fenced(_));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                out.push_str(&format!("#raw(block: true, \"{}\")\n\n", string(&code)));
            }
            Event::Text(t) if in_code => code.push_str(&t),
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => out.push_str(&esc(&t)),
            Event::Code(t) => out.push_str(&format!("#raw(\"{}\")", string(&t))),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str(" \\\n"),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => out.push_str("\\\n"),
            Event::End(TagEnd::TableCell) => out.push_str(" · "),
            Event::End(TagEnd::Table) => out.push('\n'),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

/// Splits a commentary file at level-1 and level-2 headings that name a section; text
/// before the first such heading belongs to the summary. Returns section key → HTML.
pub fn split(md: &str) -> BTreeMap<String, String> {
    split_markdown(md)
        .into_iter()
        .map(|(k, v)| (k, render_markdown(&v)))
        .collect()
}

/// The same split, rendered as Typst markup for the PDF.
pub fn split_typst(md: &str) -> BTreeMap<String, String> {
    split_markdown(md)
        .into_iter()
        .map(|(k, v)| (k, to_typst(&v)))
        .collect()
}

fn split_markdown(md: &str) -> BTreeMap<String, String> {
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

/// Reads the commentary of one unit, if any. Errors other than "not found" are reported.
pub fn read(dir: &Path, period: &str, file_stem: &str) -> Result<Option<String>, String> {
    let path = dir.join(period).join(format!("{file_stem}.md"));
    match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => Ok(Some(s)),
            Err(e) => {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(e.as_bytes());
                Ok(Some(text.into_owned()))
            }
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!(
            "{}: the commentary cannot be read: {e}",
            path.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_raw_html_never_reach_the_page() {
        let html = render_markdown(
            "Hej <script>alert(1)</script> **fet** <img src=x onerror=alert(2)>\n\n[länk](javascript:alert(3))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("<strong>fet</strong>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn markdown_to_typst_is_escaped() {
        let t = to_typst(
            "Hej *du* och **fet** #x $y$ <b>\n\n- ett\n- två [l](https://a.se/\"x) [j](javascript:a)\n",
        );
        assert_eq!(
            t,
            "Hej #emph[du] och #strong[fet] \\#x \\$y\\$ \\<b\\>\n\n- ett\n- två #link(\"https://a.se/\\\"x\")[l] #[j]"
        );
    }

    #[test]
    fn headings_split_into_sections() {
        let parts = split(
            "Inledning.\n\n## Personal\nSjukfrånvaron ökar.\n\n## Okänd rubrik\nMer.\n\n# Produktion\nFärre besök.\n",
        );
        assert_eq!(parts["summary"], "<p>Inledning.</p>\n");
        assert_eq!(
            parts["personnel"],
            "<p>Sjukfrånvaron ökar.</p>\n<h2>Okänd rubrik</h2>\n<p>Mer.</p>\n"
        );
        assert_eq!(parts["activity"], "<p>Färre besök.</p>\n");
    }
}

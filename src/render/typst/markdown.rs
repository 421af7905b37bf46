//! Markdown (the commentary) to Typst markup for the PDF.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::escape_markup;

/// The deepest nesting of lists kept in the PDF; deeper items are shown at this depth.
const MAX_LIST_DEPTH: usize = 8;
/// The deepest nesting of emphasis, strong, strikethrough and links kept in the PDF; deeper
/// ones are shown as plain text inside the outer eight.
const MAX_INLINE_DEPTH: usize = 8;

/// Markdown to Typst markup for the PDF: every text is escaped, raw HTML is shown as text,
/// links keep only http(s) and mailto targets. The result is valid Typst for every input:
/// every bracket it opens it closes, it never ends in a backslash, tables become `#table`,
/// and nesting deeper than Typst can style (lists beyond [`MAX_LIST_DEPTH`], inline styles
/// beyond [`MAX_INLINE_DEPTH`]) is flattened.
pub(crate) fn to_typst(md: &str) -> String {
    let esc = escape_markup;
    let string = |s: &str| {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '"' => out.push_str("\\\""),
                '\n' => out.push_str("\\n"),
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
        }
        out
    };
    let mut out = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut in_item = 0usize;
    let mut code = String::new();
    let mut in_code = false;
    // For each open inline style or link: whether it was written (false when too deep).
    let mut inline: Vec<bool> = Vec::new();
    fn open_inline(out: &mut String, inline: &mut Vec<bool>, markup: &str) {
        let written = inline.iter().filter(|w| **w).count() < MAX_INLINE_DEPTH;
        if written {
            out.push_str(markup);
        }
        inline.push(written);
    }
    for e in Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match e {
            Event::Start(Tag::Paragraph) => {}
            Event::End(TagEnd::Paragraph) => out.push_str(if in_item > 0 { " " } else { "\n\n" }),
            Event::Start(Tag::Heading { .. }) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str("#strong[");
            }
            Event::End(TagEnd::Heading(_)) => out.push_str("]\n\n"),
            Event::Start(Tag::Emphasis) => open_inline(&mut out, &mut inline, "#emph["),
            Event::Start(Tag::Strong) => open_inline(&mut out, &mut inline, "#strong["),
            Event::Start(Tag::Strikethrough) => open_inline(&mut out, &mut inline, "#strike["),
            Event::Start(Tag::Link { dest_url, .. }) => {
                let ok = ["http://", "https://", "mailto:"]
                    .iter()
                    .any(|p| dest_url.starts_with(p));
                let markup = if ok {
                    format!("#link(\"{}\")[", string(&dest_url))
                } else {
                    "#[".to_string()
                };
                open_inline(&mut out, &mut inline, &markup);
            }
            // Every end pops its start; only a start that was written is closed.
            Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) if inline.pop() == Some(true) => out.push(']'),
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
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                let depth = lists.len().clamp(1, MAX_LIST_DEPTH);
                out.push_str(&"  ".repeat(depth - 1));
                out.push_str(if matches!(lists.last(), Some(Some(_))) {
                    "+ "
                } else {
                    "- "
                });
            }
            Event::End(TagEnd::Item) => {
                in_item = in_item.saturating_sub(1);
                out.push('\n');
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                code.clear();
                let _ = matches!(kind, CodeBlockKind::Fenced(_));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(&format!("#raw(block: true, \"{}\")\n\n", string(&code)));
            }
            Event::Start(Tag::Table(columns)) => {
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str(&format!("#table(columns: {}, ", columns.len().max(1)));
            }
            Event::End(TagEnd::Table) => out.push_str(")\n\n"),
            Event::Start(Tag::TableCell) => out.push('['),
            Event::End(TagEnd::TableCell) => out.push_str("], "),
            Event::Text(t) if in_code => code.push_str(&t),
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => out.push_str(&esc(&t)),
            Event::Code(t) => out.push_str(&format!("#raw(\"{}\")", string(&t))),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push_str("#linebreak() "),
            Event::Rule => out.push_str("\n#line(length: 100%)\n\n"),
            _ => {}
        }
    }
    out.trim_end().to_string()
}

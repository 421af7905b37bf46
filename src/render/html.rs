//! HTML: the report pages, HTML's own escaping, and commentary Markdown turned into safe
//! HTML (raw HTML and scripts never reach the page).

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use super::templates::Templates;
use super::{Downloads, Markup, Page};
use crate::error::RenderError;
use crate::present::ReportView;

/// HTML escaping of `& < > " '` (Tera's default also escapes `/`, which is safe but turns
/// case numbers like `HSN/798/2024` into entities in the page source).
pub(crate) fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

/// A commentary heading two levels down: the page has one `h1` and its sections are `h2`,
/// so a `#` in a comment becomes `h3` and the outline has no gaps.
fn below_sections(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Markdown to HTML with raw HTML turned into visible text, then sanitised; headings below
/// the page's sections.
pub(crate) fn render_markdown(md: &str) -> String {
    let parser = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(
        |e| match e {
            Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => Event::Start(Tag::Heading {
                level: below_sections(level),
                id,
                classes,
                attrs,
            }),
            Event::End(TagEnd::Heading(level)) => {
                Event::End(TagEnd::Heading(below_sections(level)))
            }
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

/// One unit's report page.
pub(crate) fn report(
    templates: &Templates,
    view: &ReportView,
    downloads: Downloads,
) -> Result<String, RenderError> {
    let mut page = Page::new(templates, view, Markup::Html)?;
    page.downloads = downloads;
    templates.render("report.html", &page)
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
}

//! The report inside a unit's page: the unit's report page as `generate` renders it, cut at
//! each commentary section so the page can place that section's editor where the report
//! shows the commentary. The report is rendered once with a marker as each commentary
//! section's text; each marker's commentary block is where an editor goes. The report's
//! own head, top (crumbs and title) and footer are left out, and its links to other units'
//! pages lead to their pages in the round.

use serde::Serialize;

/// A piece of the report: its HTML, then the editor of a commentary section, if one
/// stands there.
#[derive(Debug, Serialize, PartialEq)]
pub(crate) struct Chunk {
    pub html: String,
    pub editor: Option<&'static str>,
}

/// The marker that stands for the commentary of section number `i` while the report is
/// rendered: plain letters and digits, which Markdown and the sanitiser keep as they are.
pub(crate) fn marker(i: usize) -> String {
    format!("UPPFOLJSLOT{i}UPPFOLJSLOT")
}

/// The contents of the report's `<main>`, less its top (`<header class="top">`) and its
/// footer.
fn main_of(page: &str) -> Option<&str> {
    let open = page.find("<main")?;
    let start = open + page[open..].find('>')? + 1;
    let end = page.rfind("</main>")?;
    (start <= end).then(|| &page[start..end])
}

/// `html` without the first element that starts with `open` and ends with `close`.
fn without(html: &str, open: &str, close: &str) -> String {
    let Some(a) = html.find(open) else {
        return html.to_string();
    };
    let Some(b) = html[a..].find(close).map(|b| a + b + close.len()) else {
        return html.to_string();
    };
    format!("{}{}", &html[..a], &html[b..])
}

/// Links to other report pages (`1010.html`, `index.html`) lead to the round's pages:
/// `link(stem)` gives the new address, or `None` to leave the link as it is.
fn relink(html: &str, link: &dyn Fn(&str) -> Option<String>) -> String {
    const HREF: &str = "href=\"";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(HREF) {
        let (before, after) = rest.split_at(i + HREF.len());
        out.push_str(before);
        let end = after.find('"').unwrap_or(after.len());
        let target = &after[..end];
        let local = !target.contains(['/', ':', '#', '?']);
        match target
            .strip_suffix(".html")
            .filter(|_| local)
            .and_then(link)
        {
            Some(to) => out.push_str(&to),
            None => out.push_str(target),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Cuts the report page rendered with [`marker`]s as the texts of `keys` into chunks, each
/// commentary block of a marker replaced by that section's editor. Also returns the keys
/// whose marker the page does not show.
pub(crate) fn cut(
    page: &str,
    keys: &[&'static str],
    link: &dyn Fn(&str) -> Option<String>,
) -> (Vec<Chunk>, Vec<&'static str>) {
    const OPEN: &str = "<div class=\"comment\">";
    const CLOSE: &str = "</div>";
    let main = main_of(page).unwrap_or_default();
    let main = without(main, "<header class=\"top\">", "</header>");
    let main = without(&main, "<footer", "</footer>");
    let mut places: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut missing = Vec::new();
    for (i, &key) in keys.iter().enumerate() {
        let place = main.find(&marker(i)).and_then(|at| {
            let start = main[..at].rfind(OPEN)?;
            let end = at + main[at..].find(CLOSE)? + CLOSE.len();
            Some((start, end))
        });
        match place {
            Some((start, end)) => places.push((start, end, key)),
            None => missing.push(key),
        }
    }
    places.sort_unstable();
    let mut chunks = Vec::with_capacity(places.len() + 1);
    let mut from = 0;
    for (start, end, key) in places {
        if start < from {
            missing.push(key);
            continue;
        }
        chunks.push(Chunk {
            html: relink(&main[from..start], link),
            editor: Some(key),
        });
        from = end;
    }
    chunks.push(Chunk {
        html: relink(&main[from..], link),
        editor: None,
    });
    (chunks, missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_is_cut_where_each_commentary_stands() {
        let page = format!(
            "<html><body><a href=\"#innehall\">skip</a><main id=\"innehall\" tabindex=\"-1\">\n\
             <header class=\"top\"><nav><a href=\"RS.html\">RS</a></nav><h1>Enhet</h1></header>\n\
             <section id=\"sammanfattning\"><h2>Sammanfattning</h2><p>Text.</p>\n\
             <div class=\"comment\"><p>{}</p>\n</div>\n</section>\n\
             <section id=\"enheter\"><a href=\"1010.html\">1010</a> <a href=\"https://x.se/a.html\">x</a></section>\n\
             <section id=\"personal\"><h2>Personal</h2><div class=\"comment\"><p>{}</p>\n</div></section>\n\
             <footer><p>Skapad</p></footer>\n</main></body></html>",
            marker(1),
            marker(0)
        );
        let link = |stem: &str| (stem == "1010").then(|| "/units/1010".to_string());
        let (chunks, missing) = cut(&page, &["personnel", "summary", "measures"], &link);
        assert_eq!(missing, ["measures"]);
        assert_eq!(chunks.len(), 3);
        assert_eq!(chunks[0].editor, Some("summary"));
        assert!(chunks[0].html.contains("<p>Text.</p>"));
        assert!(
            !chunks[0].html.contains("<h1>"),
            "the report's top is left out"
        );
        assert_eq!(chunks[1].editor, Some("personnel"));
        assert!(chunks[1].html.contains("<a href=\"/units/1010\">1010</a>"));
        assert!(chunks[1].html.contains("href=\"https://x.se/a.html\""));
        assert!(chunks[1].html.ends_with("<h2>Personal</h2>"));
        assert_eq!(chunks[2].editor, None);
        assert!(chunks[2].html.starts_with("</section>"));
        assert!(!chunks[2].html.contains("Skapad"), "the footer is left out");
        assert!(chunks.iter().all(|c| !c.html.contains("UPPFOLJSLOT")));
    }
}

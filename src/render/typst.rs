//! PDF engine: compiles Typst markup to PDF bytes in-process.
//!
//! - No network and no file-system access at run time: the only files a
//!   document can read are the main source and the virtual files passed to
//!   [`compile`]. Typst packages (`@preview/...`) are not available.
//! - Fonts: DejaVu Sans (regular, bold, oblique, bold oblique) embedded with
//!   `include_bytes!` from `fonts/` at the crate root (licence in
//!   `fonts/LICENSE-DejaVu.txt`). They are parsed once and shared by all calls.
//!   DejaVu Sans is also made the default text font, so a template needs no
//!   `set text(font: ..)`; SVG text whose `font-family` names only generic
//!   families (`sans-serif`) is drawn with it too.
//! - Output is deterministic: the same input (including [`PdfMeta`]) gives
//!   byte-identical PDF bytes. The creation date comes only from
//!   [`PdfMeta::date_epoch`]; without it the PDF has no creation date.
//! - [`compile`] may be called from several threads at once.
//!
//! The compilation environment is in `world`, the Markdown converter ([`to_typst`]) in
//! `markdown`.

mod markdown;
mod world;

use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

pub(crate) use markdown::to_typst;
use world::{PdfWorld, format_diagnostic};

pub(crate) use crate::error::TypstError;

/// The standards a PDF declares and Typst enforces while writing it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Conformance {
    /// None declared (a tagged PDF all the same).
    #[default]
    Plain,
    /// PDF/UA-1 and PDF/A-2a: every image needs its alternative text, the document a title
    /// and a language; no attached files.
    Archive,
    /// PDF/UA-1 and PDF/A-3a: as [`Conformance::Archive`], and files may be attached
    /// (`pdf.attach`).
    ArchiveWithAttachments,
}

impl Conformance {
    fn standards(self) -> Result<PdfStandards, TypstError> {
        let list: &[PdfStandard] = match self {
            Conformance::Plain => &[],
            Conformance::Archive => &[PdfStandard::A_2a, PdfStandard::Ua_1],
            Conformance::ArchiveWithAttachments => &[PdfStandard::A_3a, PdfStandard::Ua_1],
        };
        PdfStandards::new(list).map_err(|e| TypstError::Standards(e.message().to_string()))
    }
}

/// Document metadata written into the PDF.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PdfMeta {
    /// PDF title (`/Title`, XMP `dc:title`). Empty: none.
    pub title: String,
    /// PDF author (`/Author`). Empty: none.
    pub author: String,
    /// PDF subject (`/Subject`, XMP `dc:description`). Empty: none.
    pub subject: String,
    /// Document language, e.g. `"sv"` or `"en"`: sets the default
    /// `text(lang: ..)` (hyphenation, quotes, "Figur"/"Tabell" supplements)
    /// and the PDF `/Lang`. Empty: Typst's default (`en`).
    pub language: String,
    /// Creation date in seconds since the Unix epoch (UTC), typically from
    /// `SOURCE_DATE_EPOCH`. Also what `datetime.today()` returns in the
    /// document. `None`: no creation date in the PDF and `datetime.today()`
    /// is an error.
    pub date_epoch: Option<i64>,
    /// The standards the PDF conforms to.
    pub conformance: Conformance,
}

/// Compiles Typst `source` (the main file, `/main.typ`) with extra virtual
/// files (e.g. `"data.json"`, `"chart-1.svg"`, read with `json("data.json")`,
/// `image("chart-1.svg")`) to PDF bytes.
///
/// Errors carry Typst's diagnostics as text (message, `file:line:col`, the
/// source line, hints), followed by any warnings.
pub(crate) fn compile(
    source: &str,
    files: &[(String, Vec<u8>)],
    meta: &PdfMeta,
) -> Result<Vec<u8>, TypstError> {
    compile_counted(source, files, meta).map(|(pdf, _)| pdf)
}

/// Like [`compile`], with the number of pages.
pub(crate) fn compile_counted(
    source: &str,
    files: &[(String, Vec<u8>)],
    meta: &PdfMeta,
) -> Result<(Vec<u8>, usize), TypstError> {
    typeset(source, files, meta).map(|(pdf, _, pages)| (pdf, pages))
}

#[cfg(test)]
/// Like [`compile`], but also returns Typst's warnings (formatted like the
/// errors), e.g. "unknown font family" or "layout did not converge".
pub(crate) fn compile_with_warnings(
    source: &str,
    files: &[(String, Vec<u8>)],
    meta: &PdfMeta,
) -> Result<(Vec<u8>, Vec<String>), TypstError> {
    typeset(source, files, meta).map(|(pdf, warnings, _)| (pdf, warnings))
}

/// The PDF, Typst's warnings and the number of pages.
fn typeset(
    source: &str,
    files: &[(String, Vec<u8>)],
    meta: &PdfMeta,
) -> Result<(Vec<u8>, Vec<String>, usize), TypstError> {
    let world = PdfWorld::new(source, files, meta)?;
    let warned = typst::compile::<PagedDocument>(&world);
    let warnings: Vec<String> = warned
        .warnings
        .iter()
        .map(|d| format_diagnostic(&world, d))
        .collect();
    let standards = meta.conformance.standards()?;
    let mut pages = 0;
    let result = warned.output.and_then(|document| {
        pages = document.pages().len();
        let options = PdfOptions {
            standards,
            // `Auto`: the document ID is a hash of title and author, stable.
            ident: Smart::Auto,
            timestamp: meta.date_epoch.and_then(timestamp),
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&document, &options)
    });
    // Typst memoizes across compilations in a global cache; drop entries not
    // used by the last 10 compilations so memory stays bounded.
    typst::comemo::evict(10);
    match result {
        Ok(pdf) => Ok((pdf, warnings, pages)),
        Err(errors) => {
            let mut text = String::new();
            for diagnostic in errors.iter() {
                text.push_str(&format_diagnostic(&world, diagnostic));
            }
            for warning in &warnings {
                text.push_str(warning);
            }
            Err(TypstError::Diagnostics(text.trim_end().to_owned()))
        }
    }
}

fn timestamp(epoch: i64) -> Option<Timestamp> {
    let (y, mo, d, h, mi, s) = crate::clock::civil_from_epoch(epoch)?;
    Some(Timestamp::new_utc(Datetime::from_ymd_hms(
        y, mo, d, h, mi, s,
    )?))
}

/// Escapes `text` for safe inclusion in Typst *markup* (not inside a string
/// literal or code): the result renders as exactly the given characters and
/// can start no markup, code (`#`), math (`$`), raw, label, reference,
/// comment, heading, list, or shorthand (`--`, `~`, `...`, `-1` as minus).
///
/// Every ASCII punctuation character is backslash-escaped (`\X` is a literal
/// `X` for any non-space `X` in Typst markup); line breaks, tabs and other
/// control characters become a single space. Quotes stay straight (no smart
/// quotes), and a leading `-` stays a hyphen-minus.
pub(crate) fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` as a Typst string literal with its quotes: backslash and quote escaped, line
/// breaks and other control characters as spaces.
pub(crate) fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their fixtures
mod tests {
    use std::fmt::Write as _;

    use super::*;

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

    /// Compiles commentary as the PDF template embeds it.
    fn compile_commentary(md: &str) -> Result<Vec<u8>, TypstError> {
        let src = format!(
            "#let comment(body) = block(inset: 4pt, body)\n= Rubrik\n#comment[{}]\nSlut.\n",
            to_typst(md)
        );
        compile(&src, &[], &meta())
    }

    /// The inputs that once gave "unclosed delimiter" or "maximum show rule depth exceeded".
    #[test]
    fn hostile_markdown_compiles() {
        let lists: String = (0..40)
            .map(|i| format!("{}- nivå {i}\n", "  ".repeat(i)))
            .collect();
        let numbered: String = (0..40)
            .map(|i| format!("{}1. n{i}\n", "   ".repeat(i)))
            .collect();
        let cases = [
            "Text\n\n| a | b |\n|---|---|\n| 1 | 2 |".to_string(),
            "| a | b |\n|---|---|\n| 1 | 2 |\n# Personal\nMer text.".to_string(),
            "| a | b |\n|---|---|\n| 1 | 2 |\n## Rubrik".to_string(),
            "Kostnaden < budget och <b fet\n\n<div\ntext".to_string(),
            "<".to_string(),
            "a \\".to_string(),
            "rad  \nrad".to_string(),
            lists,
            numbered,
            format!("{}x{}", "*".repeat(1000), "*".repeat(1000)),
            format!("{}x{}", "_a ".repeat(1000), "_".repeat(1000)),
            "**a _b ~~c [d](https://x.se) e~~ f_ g**".repeat(50),
            format!("{}x{}", "[".repeat(1000), "](https://x.se)".repeat(1000)),
            "> ".repeat(1000) + "citat",
            "```\nkod \\ \"x\" ]\n```".to_string(),
            "`a\\` \"b\" ]`".to_string(),
        ];
        for md in &cases {
            if let Err(e) = compile_commentary(md) {
                panic!("{md:?}\n→ {:?}\n{e}", to_typst(md));
            }
        }
        assert_eq!(
            to_typst("| a | b |\n|---|---|\n| 1 | 2 |"),
            "#table(columns: 2, [a], [b], [1], [2], )"
        );
    }

    /// Random Markdown built from CommonMark's constructs always gives valid Typst.
    #[test]
    fn random_markdown_compiles() {
        const PIECES: &[&str] = &[
            "text",
            " ",
            "å ä",
            "\n",
            "\n\n",
            "  \n",
            "*",
            "**",
            "_",
            "__",
            "~~",
            "`",
            "```\n",
            "~~~",
            "# ",
            "## ",
            "### ",
            "- ",
            "* ",
            "+ ",
            "1. ",
            "2) ",
            "  ",
            "    ",
            "> ",
            "---\n",
            "***",
            "| a | b |\n|---|---|\n",
            "| 1 |",
            "|",
            "<",
            ">",
            "<b>",
            "</b>",
            "<div>",
            "<!--",
            "-->",
            "[",
            "]",
            "(",
            ")",
            "](https://x.se)",
            "](javascript:x)",
            "![bild](x.png)",
            "<https://a.se>",
            "\\",
            "#",
            "$",
            "@",
            "=",
            "\"",
            "&amp;",
            "&#0;",
            "1.",
            "\t",
            "=====\n",
            "[x]: https://r.se\n",
            "[x]",
            "-1",
            "...",
            "//",
            "/*",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for case in 0..200 {
            let len = 1 + (next() % 24) as usize;
            let md: String = (0..len)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            if let Err(e) = compile_commentary(&md) {
                panic!("case {case}: {md:?}\n→ {:?}\n{e}", to_typst(&md));
            }
        }
    }

    fn meta() -> PdfMeta {
        PdfMeta {
            title: "Månadsrapport mars 2026".into(),
            author: "Uppföljning Ekonomi".into(),
            subject: "Utfall och prognos per enhet".into(),
            language: "sv".into(),
            date_epoch: Some(1_775_000_000),
            conformance: Conformance::Plain,
        }
    }

    /// A small bar chart; text uses a generic family, as chart libraries do.
    fn chart_svg() -> String {
        let mut svg = String::from(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200">
<rect x="0" y="0" width="400" height="200" fill="white"/>
<line x1="40" y1="170" x2="390" y2="170" stroke="black"/>
"#,
        );
        for (i, (label, value)) in [("jan", 120.0), ("feb", 80.5), ("mar", 150.0)]
            .iter()
            .enumerate()
        {
            let x = 60 + i * 110;
            let h: f64 = *value;
            let _ = writeln!(
                svg,
                r##"<rect x="{x}" y="{y}" width="70" height="{h}" fill="#4e79a7"/>
<text x="{tx}" y="188" font-family="sans-serif" font-size="12" text-anchor="middle">{label}</text>"##,
                y = 170.0 - h,
                tx = x + 35,
            );
        }
        svg.push_str(r#"<text x="200" y="14" font-family="sans-serif" font-size="13" text-anchor="middle">Utfall tkr (Målvärde)</text>"#);
        svg.push_str("</svg>\n");
        svg
    }

    /// A Swedish report; every third table row has a 6-line comment cell.
    /// `unbreakable_rows` adds the rule that keeps table rows on one page.
    fn report_source(unit: &str, extra_rows: usize, unbreakable_rows: bool) -> String {
        let mut rows = String::new();
        for i in 0..extra_rows {
            let more: String = if i % 3 == 2 {
                (1..6).map(|j| format!(" \\ rad {j} ({i})")).collect()
            } else {
                String::new()
            };
            let _ = writeln!(
                rows,
                "  [Enhet {i}], [1\u{a0}234,5], [-119,3], [Åtgärd pågår för ärende {i}{more}],"
            );
        }
        let row_rule = if unbreakable_rows {
            "#set table.cell(breakable: false)"
        } else {
            ""
        };
        format!(
            r#"#set page(
  paper: "a4",
  margin: (top: 2.5cm, bottom: 2.5cm, x: 2cm),
  header: [Månadsrapport #h(1fr) Uppföljning],
  footer: context [
    #h(1fr) Sida #counter(page).display() av #counter(page).final().first()
  ],
)
#set text(size: 10pt)
#show table.cell.where(y: 0): strong
{row_rule}

= Ekonomisk uppföljning för {unit}

Räksmörgås: åäö ÅÄÖ. Resultatet blev -119,3 tkr mot budget 1{nbsp}234,5 tkr.

#figure(image("chart-1.svg", width: 80%), caption: [Utfall per månad])

#table(
  columns: (auto, auto, auto, 1fr),
  align: (left, right, right, left),
  table.header[Enhet][Utfall][Avvikelse][Kommentar],
{rows})
"#,
            nbsp = '\u{a0}',
            unit = escape_markup(unit),
            row_rule = row_rule,
        )
    }

    fn files() -> Vec<(String, Vec<u8>)> {
        vec![("chart-1.svg".into(), chart_svg().into_bytes())]
    }

    #[test]
    fn compiles_swedish_report() {
        let src = report_source("Vård & omsorg", 12, true);
        let (pdf, warnings) = compile_with_warnings(&src, &files(), &meta()).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        assert!(warnings.is_empty(), "{warnings:?}");
        // Metadata ends up in the PDF (XMP is uncompressed).
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains("Månadsrapport mars 2026"), "title missing");
        assert!(
            raw.contains("Utfall och prognos per enhet"),
            "subject missing"
        );
        assert!(
            raw.contains("<dc:language><rdf:Bag><rdf:li>sv</rdf:li>"),
            "language missing"
        );
        assert!(raw.contains("2026-03-31T23:33:20"), "creation date missing");
    }

    #[test]
    fn deterministic() {
        let src = report_source("Enhet A", 40, true);
        let a = compile(&src, &files(), &meta()).unwrap();
        let b = compile(&src, &files(), &meta()).unwrap();
        assert!(a == b, "two compiles differ");
        // In parallel too.
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let src = src.clone();
                std::thread::spawn(move || compile(&src, &files(), &meta()).unwrap())
            })
            .collect();
        for h in handles {
            assert!(h.join().unwrap() == a, "threaded compile differs");
        }
        if let Ok(dir) = std::env::var("PDF_DEV_OUT") {
            std::fs::write(format!("{dir}/report.pdf"), &a).unwrap();
        }
    }

    #[test]
    fn escape_prevents_injection() {
        let nasty = "#panic(\"x\") *bold* $x$ _i_ [a] <l> @r \\ `c` ~ // /* -- ... - 1. = h https://x.se \u{a0}é\nny rad";
        let escaped = escape_markup(nasty);
        let src = format!("= Rapport\n{escaped}\n\n#table([{escaped}])\n");
        let pdf = compile(&src, &[], &meta()).unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        // At the start of a line, too.
        let pdf2 = compile(&escape_markup("- 1. = #x"), &[], &meta()).unwrap();
        assert!(pdf2.starts_with(b"%PDF"));
        let text = pdftotext(&pdf);
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("#panic(\"x\") *bold* $x$ _i_ [a] <l> @r \\ `c` ~ // /* -- ... - 1. = h https://x.se"),
            "{flat}"
        );
    }

    #[test]
    fn errors_carry_diagnostics() {
        let err = compile("Hej\n#let x = (1,\n#undefined_thing\n", &[], &meta())
            .unwrap_err()
            .to_string();
        assert!(err.contains("error:"), "{err}");
        let err = compile("= Hej\n\n#image(\"saknas.svg\")\n", &[], &meta())
            .unwrap_err()
            .to_string();
        assert!(err.contains("/main.typ:3:"), "{err}");
        assert!(err.contains("#image(\"saknas.svg\")"), "{err}");
        assert!(err.contains("not found"), "{err}");
        let err = compile("#import \"@preview/foo:0.1.0\": *\n", &[], &meta())
            .unwrap_err()
            .to_string();
        assert!(err.contains("error:"), "{err}");
    }

    #[test]
    fn today_and_dates() {
        assert_eq!(
            crate::clock::civil_from_epoch(1_775_000_000),
            Some((2026, 3, 31, 23, 33, 20))
        );
        assert_eq!(
            crate::clock::civil_from_epoch(-1),
            Some((1969, 12, 31, 23, 59, 59))
        );
        let src = "#datetime.today().display(\"[year]-[month]-[day]\")";
        let pdf = compile(src, &[], &meta()).unwrap();
        let text = pdftotext(&pdf);
        assert!(text.contains("2026-03-31"), "{text}");
        let no_date = PdfMeta {
            date_epoch: None,
            ..meta()
        };
        assert!(compile(src, &[], &no_date).is_err());
        assert!(compile("Hej", &[], &no_date).unwrap().starts_with(b"%PDF"));
    }

    #[test]
    fn text_is_extractable() {
        let src = report_source("Vård & omsorg", 60, true);
        let pdf = compile(&src, &files(), &meta()).unwrap();
        let text = pdftotext(&pdf);
        // pdftotext extracts U+00A0 as a plain space (same glyph).
        let text = text.replace('\u{a0}', " ");
        for needle in [
            "Räksmörgås: åäö ÅÄÖ",
            "Ekonomisk uppföljning för Vård & omsorg",
            "1 234,5",
            "\u{2212}119,3",         // `-` before a digit in markup is a minus sign
            "Utfall tkr (Målvärde)", // SVG text stays text
            "Figur 1: Utfall per månad",
        ] {
            assert!(text.contains(needle), "{needle:?} not in:\n{text}");
        }
        // Page x of y on every page (pdftotext ends each page with a form feed).
        let pages: Vec<&str> = text
            .split('\u{c}')
            .filter(|p| !p.trim().is_empty())
            .collect();
        let n = pages.len();
        assert!(n >= 2, "expected several pages, got {n}");
        for (k, page) in pages.iter().enumerate() {
            let footer = format!("Sida {} av {n}", k + 1);
            assert!(page.contains(&footer), "{footer:?} not on page {}", k + 1);
        }
        // No row is split across pages: first and last line of each comment
        // cell are on the same page.
        assert_eq!(split_rows(&pages, 60), Vec::<usize>::new());
        // Typst's default (`breakable: auto`) does split such rows, so the
        // check above can fail.
        let src = report_source("Vård & omsorg", 60, false);
        let text = pdftotext(&compile(&src, &files(), &meta()).unwrap());
        let pages: Vec<&str> = text.split('\u{c}').collect();
        assert!(!split_rows(&pages, 60).is_empty());
    }

    /// Rows (of `report_source`) whose comment cell spans two pages.
    fn split_rows(pages: &[&str], rows: usize) -> Vec<usize> {
        let page_of = |needle: &str| pages.iter().position(|p| p.contains(needle));
        (0..rows)
            .filter(|i| {
                let first = page_of(&format!("ärende {i}\n"));
                let last = if i % 3 == 2 {
                    page_of(&format!("rad 5 ({i})"))
                } else {
                    first
                };
                assert!(first.is_some() && last.is_some(), "row {i} missing");
                first != last
            })
            .collect()
    }

    /// Text of `pdf` via poppler's `pdftotext` (installed by `.ci/run`; a missing one fails
    /// the test rather than skipping the check).
    fn pdftotext(pdf: &[u8]) -> String {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let mut child = Command::new("pdftotext")
            .args(["-enc", "UTF-8", "-", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("pdftotext (poppler-utils) runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(pdf)
            .expect("pdftotext reads the PDF");
        let out = child.wait_with_output().expect("pdftotext ends");
        assert!(out.status.success(), "pdftotext reads the PDF");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

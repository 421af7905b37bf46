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

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, OneOrMultiple, Smart};
use typst::model::DocumentElem;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, FontFamily, FontList, Lang, TextElem};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

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
    fn standards(self) -> Result<PdfStandards, String> {
        let list: &[PdfStandard] = match self {
            Conformance::Plain => &[],
            Conformance::Archive => &[PdfStandard::A_2a, PdfStandard::Ua_1],
            Conformance::ArchiveWithAttachments => &[PdfStandard::A_3a, PdfStandard::Ua_1],
        };
        PdfStandards::new(list).map_err(|e| e.message().to_string())
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

/// The name of the main source inside the virtual project.
const MAIN_PATH: &str = "/main.typ";

/// The family name of the bundled sans font, as Typst knows it.
pub(crate) const SANS_FAMILY: &str = "DejaVu Sans";

/// Bundled font files (paths relative to the crate root, so this module can
/// live anywhere under `src/`).
const FONT_DATA: [&[u8]; 4] = [
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/fonts/DejaVuSans.ttf")),
    include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fonts/DejaVuSans-Bold.ttf"
    )),
    include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fonts/DejaVuSans-Oblique.ttf"
    )),
    include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fonts/DejaVuSans-BoldOblique.ttf"
    )),
];

/// Fonts parsed once per process and shared by every compilation.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let fonts: Vec<Font> = FONT_DATA
            .iter()
            .flat_map(|data| Font::iter(Bytes::new(*data)))
            .collect();
        let book = FontBook::from_fonts(&fonts);
        Fonts {
            book: LazyHash::new(book),
            fonts,
        }
    })
}

/// The standard library with the bundled sans font as default text font.
fn base_library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        let mut library = Library::default();
        library
            .styles
            .set(TextElem::font, FontList(vec![FontFamily::new(SANS_FAMILY)]));
        library
    })
}

/// The standard library with the metadata of `meta` as default styles, i.e.
/// as if the document started with `set document(..)` and `set text(lang:
/// ..)`. The document's own set rules take precedence.
fn library_for(meta: &PdfMeta) -> Result<Library, String> {
    let mut library = base_library().clone();
    let styles = &mut library.styles;
    if !meta.title.is_empty() {
        styles.set(
            DocumentElem::title,
            Some(TextElem::packed(meta.title.as_str())),
        );
    }
    if !meta.author.is_empty() {
        styles.set(
            DocumentElem::author,
            OneOrMultiple(vec![meta.author.as_str().into()]),
        );
    }
    if !meta.subject.is_empty() {
        styles.set(
            DocumentElem::description,
            Some(TextElem::packed(meta.subject.as_str())),
        );
    }
    if !meta.language.is_empty() {
        let lang: Lang = meta
            .language
            .parse()
            .map_err(|err| format!("invalid document language {:?}: {err}", meta.language))?;
        styles.set(TextElem::lang, lang);
    }
    Ok(library)
}

/// A compilation environment with only in-memory files.
struct PdfWorld {
    library: LazyHash<Library>,
    main: Source,
    files: HashMap<FileId, Bytes>,
    date_epoch: Option<i64>,
}

fn file_id(path: &str) -> Result<FileId, String> {
    let vpath = VirtualPath::new(path)
        .map_err(|err| format!("invalid virtual file path {path:?}: {err}"))?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl PdfWorld {
    fn new(source: &str, files: &[(String, Vec<u8>)], meta: &PdfMeta) -> Result<Self, String> {
        let main_id = file_id(MAIN_PATH)?;
        let mut map = HashMap::with_capacity(files.len());
        for (name, data) in files {
            let id = file_id(name)?;
            if id == main_id {
                return Err(format!(
                    "virtual file {name:?} clashes with the main source"
                ));
            }
            if map.insert(id, Bytes::new(data.clone())).is_some() {
                return Err(format!("virtual file {name:?} given twice"));
            }
        }
        Ok(Self {
            library: LazyHash::new(library_for(meta)?),
            main: Source::new(main_id, source.to_owned()),
            files: map,
            date_epoch: meta.date_epoch,
        })
    }

    fn not_found(id: FileId) -> FileError {
        match id.root() {
            VirtualRoot::Project => FileError::NotFound(id.vpath().get_with_slash().into()),
            VirtualRoot::Package(_) => {
                FileError::Other(Some("Typst packages are not available in uppfolj".into()))
            }
        }
    }
}

impl World for PdfWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let bytes = self.files.get(&id).ok_or_else(|| Self::not_found(id))?;
        let text = bytes.as_str().map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text.to_owned()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.files
            .get(&id)
            .cloned()
            .ok_or_else(|| Self::not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    fn today(&self, offset: Option<Duration>) -> Option<Datetime> {
        // Without an offset Typst asks for the "local" date; there is no local
        // time zone in a reproducible build, so UTC is used.
        let shift = offset.map_or(0, |d| d.seconds() as i64);
        let (y, m, d, _, _, _) =
            crate::clock::civil_from_epoch(self.date_epoch?.checked_add(shift)?)?;
        Datetime::from_ymd(y, m, d)
    }
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
) -> Result<Vec<u8>, String> {
    compile_counted(source, files, meta).map(|(pdf, _)| pdf)
}

/// Like [`compile`], with the number of pages.
pub(crate) fn compile_counted(
    source: &str,
    files: &[(String, Vec<u8>)],
    meta: &PdfMeta,
) -> Result<(Vec<u8>, usize), String> {
    typeset(source, files, meta).map(|(pdf, _, pages)| (pdf, pages))
}

#[cfg(test)]
/// Like [`compile`], but also returns Typst's warnings (formatted like the
/// errors), e.g. "unknown font family" or "layout did not converge".
pub(crate) fn compile_with_warnings(
    source: &str,
    files: &[(String, Vec<u8>)],
    meta: &PdfMeta,
) -> Result<(Vec<u8>, Vec<String>), String> {
    typeset(source, files, meta).map(|(pdf, warnings, _)| (pdf, warnings))
}

/// The PDF, Typst's warnings and the number of pages.
fn typeset(
    source: &str,
    files: &[(String, Vec<u8>)],
    meta: &PdfMeta,
) -> Result<(Vec<u8>, Vec<String>, usize), String> {
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
            Err(text.trim_end().to_owned())
        }
    }
}

fn timestamp(epoch: i64) -> Option<Timestamp> {
    let (y, mo, d, h, mi, s) = crate::clock::civil_from_epoch(epoch)?;
    Some(Timestamp::new_utc(Datetime::from_ymd_hms(
        y, mo, d, h, mi, s,
    )?))
}

/// Formats one diagnostic as text:
///
/// ```text
/// error: unknown variable: foo
///   --> /main.typ:3:2
///    | #foo
///   = hint: ...
/// ```
fn format_diagnostic(world: &PdfWorld, diagnostic: &SourceDiagnostic) -> String {
    let mut out = String::new();
    let severity = match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let _ = writeln!(out, "{severity}: {}", diagnostic.message);
    write_location(&mut out, world, diagnostic.span);
    for hint in &diagnostic.hints {
        let _ = writeln!(out, "  = hint: {}", hint.v);
        write_location(&mut out, world, hint.span);
    }
    for point in &diagnostic.trace {
        let _ = writeln!(out, "  = {}", point.v);
        write_location(&mut out, world, point.span.into());
    }
    out
}

fn write_location(out: &mut String, world: &PdfWorld, span: typst::syntax::DiagSpan) {
    let Some(id) = span.id() else { return };
    let Some(range) = world.range(span) else {
        return;
    };
    let Ok(bytes) = world.file(id) else { return };
    let text = String::from_utf8_lossy(bytes.as_slice());
    let start = range.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_no = text[..start].matches('\n').count() + 1;
    let col = text[line_start..start].chars().count() + 1;
    let path = id.vpath().get_with_slash();
    let _ = writeln!(out, "  --> {path}:{line_no}:{col}");
    let _ = writeln!(
        out,
        "   | {}",
        text[line_start..line_end].trim_end_matches('\r')
    );
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

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their fixtures
mod tests {
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
    fn compile_commentary(md: &str) -> Result<Vec<u8>, String> {
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
        let err = compile("Hej\n#let x = (1,\n#undefined_thing\n", &[], &meta()).unwrap_err();
        assert!(err.contains("error:"), "{err}");
        let err = compile("= Hej\n\n#image(\"saknas.svg\")\n", &[], &meta()).unwrap_err();
        assert!(err.contains("/main.typ:3:"), "{err}");
        assert!(err.contains("#image(\"saknas.svg\")"), "{err}");
        assert!(err.contains("not found"), "{err}");
        let err = compile("#import \"@preview/foo:0.1.0\": *\n", &[], &meta()).unwrap_err();
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

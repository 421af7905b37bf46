//! The Typst world of a PDF: the bundled fonts, the standard library with the document's
//! metadata as default styles, and only in-memory files; Typst's diagnostics as text.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, OneOrMultiple};
use typst::model::DocumentElem;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, FontFamily, FontList, Lang, TextElem};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};

use super::{PdfMeta, TypstError};

/// The name of the main source inside the virtual project.
const MAIN_PATH: &str = "/main.typ";

/// The family name of the bundled sans font, as Typst knows it.
const SANS_FAMILY: &str = "DejaVu Sans";

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
fn library_for(meta: &PdfMeta) -> Result<Library, TypstError> {
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
            .map_err(|reason| TypstError::Language {
                language: meta.language.clone(),
                reason,
            })?;
        styles.set(TextElem::lang, lang);
    }
    Ok(library)
}

/// A compilation environment with only in-memory files.
pub(super) struct PdfWorld {
    library: LazyHash<Library>,
    main: Source,
    files: HashMap<FileId, Bytes>,
    date_epoch: Option<i64>,
}

fn file_id(path: &str) -> Result<FileId, TypstError> {
    let vpath = VirtualPath::new(path).map_err(|reason| TypstError::Path {
        path: path.to_owned(),
        reason,
    })?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

impl PdfWorld {
    pub(super) fn new(
        source: &str,
        files: &[(String, Vec<u8>)],
        meta: &PdfMeta,
    ) -> Result<Self, TypstError> {
        let main_id = file_id(MAIN_PATH)?;
        let mut map = HashMap::with_capacity(files.len());
        for (name, data) in files {
            let id = file_id(name)?;
            if id == main_id {
                return Err(TypstError::ClashesWithMain(name.clone()));
            }
            if map.insert(id, Bytes::new(data.clone())).is_some() {
                return Err(TypstError::GivenTwice(name.clone()));
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

/// Formats one diagnostic as text:
///
/// ```text
/// error: unknown variable: foo
///   --> /main.typ:3:2
///    | #foo
///   = hint: ...
/// ```
pub(super) fn format_diagnostic(world: &PdfWorld, diagnostic: &SourceDiagnostic) -> String {
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

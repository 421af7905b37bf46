//! The output formats: each format (HTML, PDF, the workbooks) is one [`Format`], defined once
//! in its own module under `format/`, and listed once in [`ALL`]. A format says which file it
//! writes per unit and per board pack (which are also its entries in `manifest.json`), what
//! it needs from the earlier stages, how the summary line counts its files, and renders them.
//! `--format` ([`Formats::parse`]), the manifest, the carry-over of formats a run does not
//! write, the links of the report pages and the index, the summary line and the run's
//! fingerprint all ask the formats; nothing else names them.
//!
//! `figures.json` is not a format: every run writes it (it is what the next month reads
//! back), whatever formats are asked for.

mod html;
mod pdf;
#[cfg(test)]
pub(crate) mod txt;
mod xlsx;

use std::collections::BTreeMap;

use serde::Serialize;

use super::templates::Templates;
use super::{Job, pdf as pdf_doc};
use crate::error::RenderError;
use crate::present::{Presented, ReportView};

/// The files a format writes: name in the output folder → bytes.
pub(crate) type Files = Vec<(String, Vec<u8>)>;

/// One output format.
pub(crate) trait Format: Sync {
    /// What the format is called, in `--format`, the manifest, messages and the summary line.
    fn about(&self) -> &'static About;

    /// The name `--format` takes, and the key of the format's file in the manifest's reports
    /// and packs, the report page's `downloads` and the index's pack links: `pdf`.
    fn name(&self) -> &'static str {
        self.about().name
    }

    /// What the format needs from the earlier stages.
    fn needs(&self) -> Needs {
        Needs::default()
    }

    /// The file the format writes for a unit whose file stem is `stem` (`1010`), as the
    /// manifest lists it; `None` when it writes none per unit.
    fn unit_file(&self, stem: &str) -> Option<String>;

    /// The file the format writes for the board pack named `pack`; `None` when it writes
    /// none per pack.
    fn pack_file(&self, pack: &str) -> Option<String> {
        let _ = pack;
        None
    }

    /// Files the format writes once per run besides its unit and pack files (the index
    /// page), kept with the others when a run that does not write the format carries it over.
    fn run_files(&self) -> &'static [&'static str] {
        &[]
    }

    /// A unit's files: [`Format::unit_file`] first, then any file beside it (not listed in
    /// the manifest).
    fn unit(&self, cx: &UnitCx) -> Result<Files, RenderError>;

    /// A board pack's file, [`Format::pack_file`]; only called when that is `Some`.
    fn pack(&self, cx: &PackCx) -> Result<PackOut, RenderError> {
        let _ = cx;
        Ok(PackOut::default())
    }

    /// The files written once per run ([`Format::run_files`]), after every unit and pack.
    fn finish(&self, cx: &RunCx, packs: &[PackLink]) -> Result<Files, RenderError> {
        let _ = (cx, packs);
        Ok(Vec::new())
    }
}

/// What a format is called.
pub(crate) struct About {
    /// See [`Format::name`].
    pub name: &'static str,
    /// How messages name the format's files: `PDF` (`the PDF files of the earlier output…`).
    pub title: &'static str,
    /// How the summary line counts the format's files (its unit and pack files).
    pub counted: Counted,
}

/// How the summary line counts a format's files: `3 PDFs`; `key` names the count in the
/// JSON log (`pdfs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    /// The count's name in the JSON log: `pdfs`.
    pub key: &'static str,
    /// One file: `PDF`.
    pub one: &'static str,
    /// More files, or none: `PDFs`.
    pub many: &'static str,
}

/// What a format needs from the stages before `render`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Needs {
    /// Every transaction of the year to date (the workbook's transaction sheet), not only
    /// the largest per account that the account view lists.
    pub every_transaction: bool,
}

/// A pack's file and, when the format counts them, its pages (the index shows them).
#[derive(Default)]
pub(crate) struct PackOut {
    pub files: Files,
    pub pages: Option<usize>,
}

/// The built-in formats, in the order the summary line counts them. A format is added here
/// and nowhere else.
#[cfg(not(test))]
pub(crate) static ALL: [&dyn Format; 3] = [&html::Html, &pdf::Pdf, &xlsx::Xlsx];

/// The built-in formats and, in the tests, the test format that proves the seam.
#[cfg(test)]
pub(crate) static ALL: [&dyn Format; 4] = [&html::Html, &pdf::Pdf, &xlsx::Xlsx, &txt::Txt];

/// The HTML format, which the preview of `watch` writes alone.
pub(crate) const HTML: &dyn Format = &html::Html;

/// A set of the output formats (those `render::format::ALL` lists): which outputs `generate`
/// writes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// Bit `i` set: `ALL[i]` is written.
    bits: u32,
}

impl Default for Formats {
    /// Every format.
    fn default() -> Self {
        Formats {
            bits: (1 << ALL.len()) - 1,
        }
    }
}

impl std::fmt::Debug for Formats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.fingerprint())
    }
}

/// `--format` names no format it knows.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FormatError {
    /// A name that is no format.
    #[error("\"{name}\" is not a format (expected {expected})")]
    Unknown {
        /// The name given.
        name: String,
        /// The formats there are: `html, pdf or xlsx`.
        expected: String,
    },
    /// Nothing but commas and spaces.
    #[error("no format given (expected {expected})")]
    None {
        /// The formats there are.
        expected: String,
    },
}

impl Formats {
    /// Only the HTML pages (the preview of `watch`).
    pub fn html_only() -> Formats {
        Formats::only(HTML)
    }

    /// The one format `format`.
    pub(crate) fn only(format: &dyn Format) -> Formats {
        Formats { bits: 0 }.with(format.name())
    }

    /// This set and the format named `name`, if there is one.
    fn with(self, name: &str) -> Formats {
        let bit = ALL
            .iter()
            .position(|f| f.name() == name)
            .map_or(0, |i| 1 << i);
        Formats {
            bits: self.bits | bit,
        }
    }

    /// Whether `format` is in the set.
    pub(crate) fn has(self, format: &dyn Format) -> bool {
        ALL.iter()
            .position(|f| f.name() == format.name())
            .is_some_and(|i| self.bits & (1 << i) != 0)
    }

    /// The formats in the set, in the order of [`ALL`].
    pub(crate) fn iter(self) -> impl Iterator<Item = &'static dyn Format> {
        ALL.iter()
            .enumerate()
            .filter(move |(i, _)| self.bits & (1 << i) != 0)
            .map(|(_, f)| *f)
    }

    /// The formats not in the set, in the order of [`ALL`].
    pub(crate) fn others(self) -> impl Iterator<Item = &'static dyn Format> {
        Formats {
            bits: !self.bits & Formats::default().bits,
        }
        .iter()
    }

    /// The transactions these formats need: every one of the year to date when a format needs
    /// them (the workbooks), else the `largest` per account for the account view; `None` when
    /// nothing lists them.
    pub(crate) fn keep(self, largest: usize) -> Option<crate::model::posting::Keep> {
        use crate::model::posting::Keep;
        if self.iter().any(|f| f.needs().every_transaction) {
            Some(Keep::All)
        } else if largest == 0 {
            None
        } else {
            Some(Keep::Largest(largest))
        }
    }

    /// The set as the run's fingerprint has it: `Formats { html: true, pdf: false, xlsx: true }`.
    pub(crate) fn fingerprint(self) -> String {
        let each: Vec<String> = ALL
            .iter()
            .map(|f| format!("{}: {}", f.name(), self.has(*f)))
            .collect();
        format!("Formats {{ {} }}", each.join(", "))
    }

    /// Parses `html,pdf,xlsx` (any subset, any order, any case).
    pub fn parse(text: &str) -> Result<Formats, FormatError> {
        let mut chosen = Formats { bits: 0 };
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let name = part.to_ascii_lowercase();
            match ALL.iter().find(|f| f.name() == name) {
                Some(f) => chosen = chosen.with(f.name()),
                None => {
                    return Err(FormatError::Unknown {
                        name: part.to_string(),
                        expected: expected(),
                    });
                }
            }
        }
        if chosen.bits == 0 {
            return Err(FormatError::None {
                expected: expected(),
            });
        }
        Ok(chosen)
    }
}

/// The formats there are, for messages: `html, pdf or xlsx`.
fn expected() -> String {
    let names: Vec<&str> = ALL.iter().map(|f| f.name()).collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The report page's links to the unit's files in the other formats (`downloads.pdf`,
/// `downloads.xlsx`): every format with a file per unit but the page's own, `None` when
/// this run does not write it.
#[derive(Serialize, Default)]
pub(crate) struct Downloads(BTreeMap<&'static str, Option<String>>);

impl Downloads {
    /// The files beside a report page with the file stem `stem` (`1010`), in `formats`,
    /// for a page in the format `page`.
    pub(crate) fn of(stem: &str, formats: Formats, page: &dyn Format) -> Downloads {
        Downloads(
            ALL.iter()
                .filter(|f| f.name() != page.name())
                .filter_map(|f| {
                    let file = f.unit_file(stem)?;
                    Some((f.name(), formats.has(*f).then_some(file)))
                })
                .collect(),
        )
    }
}

/// A board pack as the index lists it: its title, meeting, and file in every format with
/// files per pack (`pdf`, `xlsx`; `None` when not written).
#[derive(Serialize)]
pub(crate) struct PackLink {
    title: String,
    /// The committee and the meeting's date, when configured.
    meeting: Option<String>,
    #[serde(flatten)]
    files: BTreeMap<&'static str, Option<String>>,
    /// Pages of the PDF.
    pages: Option<usize>,
}

/// What every format's rendering sees of the run.
pub(crate) struct RunCx<'a> {
    pub job: &'a Job<'a>,
    pub presented: &'a Presented,
    pub templates: &'a Templates,
    /// The notice of a new version, when this run replaces an earlier one.
    pub notice: Option<super::html::Notice>,
    /// The PDF metadata.
    pub doc_info: pdf_doc::DocInfo,
}

/// One unit, as a format renders it.
pub(crate) struct UnitCx<'a> {
    pub run: &'a RunCx<'a>,
    /// The unit's node index.
    pub node: usize,
    pub view: &'a ReportView,
    /// The unit's file stem: `1010`.
    pub stem: &'a str,
}

/// One board pack, as a format renders it.
pub(crate) struct PackCx<'a> {
    pub run: &'a RunCx<'a>,
    pub pack: &'a crate::config::Pack,
    /// The pack's units' views, in the pack's order.
    pub views: &'a [&'a ReportView],
}

/// Every file of the formats asked for: per unit (in parallel), per pack, and once per run.
pub(crate) fn render_all(cx: &RunCx) -> Result<Files, RenderError> {
    let formats = cx.job.formats;
    let mut files = Vec::new();
    let rendered = crate::par::par_map(cx.job.order, |&node| {
        let view = &cx.presented.views[node];
        let unit = UnitCx {
            run: cx,
            node,
            view,
            stem: view.unit.href.trim_end_matches(".html"),
        };
        let mut out = Vec::new();
        for format in formats.iter() {
            out.extend(format.unit(&unit)?);
        }
        Ok::<_, RenderError>(out)
    });
    for r in rendered {
        files.extend(r?);
    }
    let mut links = Vec::new();
    for (pack, nodes) in &cx.job.packs {
        let views: Vec<&ReportView> = nodes.iter().map(|&n| &cx.presented.views[n]).collect();
        let pcx = PackCx {
            run: cx,
            pack,
            views: &views,
        };
        let mut link = PackLink {
            title: pack.title.clone(),
            meeting: pack
                .meeting
                .as_ref()
                .map(|m| format!("{} {}", m.body, m.date)),
            files: BTreeMap::new(),
            pages: None,
        };
        for format in ALL {
            let Some(name) = format.pack_file(&pack.name) else {
                continue;
            };
            if !formats.has(format) {
                link.files.insert(format.name(), None);
                continue;
            }
            let out = format.pack(&pcx)?;
            files.extend(out.files);
            link.pages = link.pages.or(out.pages);
            link.files.insert(format.name(), Some(name));
        }
        links.push(link);
    }
    for format in formats.iter() {
        files.extend(format.finish(cx, &links)?);
    }
    Ok(files)
}

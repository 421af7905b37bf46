//! What the stages know about a report section besides its typed data: its name, its input
//! tables, its commentary headings, its prose, its fragments, its sheet and its place in the
//! data's order ([`About`]), and the commentary headings of the summary. The sections
//! themselves, each one module, are listed in `crate::sections`.

/// A section's workbook sheet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sheet {
    /// The word (in `lang/<lang>.yaml`) that names the sheet.
    pub label: &'static str,
}

/// A section's registry entry: everything the stages need to know about it besides its
/// typed data.
#[derive(Debug, Clone, Copy)]
pub(crate) struct About {
    /// The key the templates (`texts.<key>`, `comments.<key>`), the commentary and the prose
    /// file name use.
    pub name: &'static str,
    /// The key of the section's view in the templates (`sections.<view>`), usually `name`.
    pub view: &'static str,
    /// The input tables the section is computed from (the first one named in messages).
    pub tables: &'static [&'static str],
    /// The section's name in English, for messages.
    pub english: &'static str,
    /// The commentary headings (any case, Swedish and English) that start the section's text;
    /// empty for a section that takes no commentary of its own.
    pub headings: &'static [&'static str],
    /// Whether the section has generated prose (`text/<lang>/<name>.html`).
    pub prose: bool,
    /// The HTML fragment of the report page that shows the section, rendered with the page's
    /// context and followed by the next section's.
    pub html: &'static str,
    /// The Typst fragment of a unit's PDF report, rendered with `v` (the page), `t` (the
    /// words) and `p` (the chart files' prefix).
    pub typst: &'static str,
    /// The section's sheet in the workbook, if it has one.
    pub sheet: Option<Sheet>,
    /// The name (without `.svg`) the PDF gives the section's chart, if it has one.
    pub chart: Option<&'static str>,
    /// The section's key in a unit of `figures.json`, if it has a part there.
    pub json: Option<&'static str>,
    /// Where the section stands in the data's order (ascending): its tables in the contract's
    /// list, its part of `figures.json` and its sheet in the workbook. The report page shows
    /// the sections in the registry's order.
    pub rank: u8,
    /// Whether the index page lists the section's view of each unit at the top level, under
    /// the key `view`.
    pub index: bool,
}

/// The commentary key of the text above the first section heading.
pub(crate) const SUMMARY: &str = "summary";

/// The headings that start the summary's commentary (as well as the text above any heading).
pub(crate) const SUMMARY_HEADINGS: &[&str] = &[
    "sammanfattning",
    "ekonomi",
    "resultat",
    "summary",
    "finance",
    "economy",
];

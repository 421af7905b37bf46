//! The report's optional sections, each defined once: its key, the input tables that make it
//! shown, the commentary headings that start its text, its English name, its prose template,
//! its HTML and Typst fragments, its workbook sheet and its chart file. The registry
//! [`SECTIONS`] is in report order, and every stage iterates it: the compute steps and the
//! commentary's headings and check for dropped text (`compute`), the prose of each section,
//! the section blocks of the HTML page and the PDF, the PDF's chart files and the workbook's
//! section sheets (`render`).
//!
//! What a section computes, shows and writes is typed per stage; each stage maps a
//! [`SectionKey`] to its part with an exhaustive `match`, so that a key added here is a
//! compile error in every place that must handle it (`compute::sections`' compute step and
//! `UnitSections::shown`, `present`'s `SectionsView::shown` and `chart`, the workbook's
//! section sheet). The round asks [`commentary`] which commentary sections a unit may have.

/// One optional section of a report. A key added here takes its entry in [`SECTIONS`] at the
/// same place (checked when the crate compiles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum SectionKey {
    Personnel,
    Agency,
    Measures,
    Adjustments,
    Activity,
    Frames,
    Investments,
    Approved,
    Balance,
    /// A section that exists only in the tests, built the way a new section is added.
    #[cfg(test)]
    Demo,
}

/// A section's workbook sheet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sheet {
    /// The word (in `lang/<lang>.yaml`) that names the sheet.
    pub label: &'static str,
    /// Where the sheet stands among the section sheets of the workbook (ascending), which
    /// keeps the workbook's own order where it differs from the report's.
    pub rank: u8,
}

/// Everything the stages need to know about a section besides its typed data.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Section {
    pub key: SectionKey,
    /// The key the templates (`sections.<key>`, `texts.<key>`, `comments.<key>`), the
    /// commentary and the prose file name use.
    pub name: &'static str,
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
}

/// Every optional section, in the order the report shows them.
pub(crate) const SECTIONS: &[Section] = &[
    Section {
        key: SectionKey::Personnel,
        name: "personnel",
        tables: &["staffing"],
        english: "Personnel",
        headings: &[
            "personal",
            "sjukfrånvaro",
            "personnel",
            "staff",
            "sick leave",
        ],
        prose: true,
        html: "sections/personnel.html",
        typst: "pdf/sections/personnel.typ",
        sheet: Some(Sheet {
            label: "personnel",
            rank: 0,
        }),
        chart: Some("sick"),
    },
    Section {
        key: SectionKey::Agency,
        name: "agency",
        tables: &["agency"],
        english: "Hired staff",
        headings: &[
            "inhyrd personal",
            "bemanning",
            "stafett",
            "hired staff",
            "agency staff",
        ],
        prose: true,
        html: "sections/agency.html",
        typst: "pdf/sections/agency.typ",
        sheet: Some(Sheet {
            label: "agency",
            rank: 1,
        }),
        chart: Some("agency"),
    },
    Section {
        key: SectionKey::Measures,
        name: "measures",
        tables: &["measures"],
        english: "Measures",
        headings: &["åtgärder", "resultatförbättrande åtgärder", "measures"],
        prose: true,
        html: "sections/measures.html",
        typst: "pdf/sections/measures.typ",
        sheet: Some(Sheet {
            label: "measures",
            rank: 2,
        }),
        chart: None,
    },
    Section {
        key: SectionKey::Adjustments,
        name: "adjustments",
        tables: &["adjustments"],
        english: "Adjustments",
        headings: &["justeringar", "adjustments"],
        prose: true,
        html: "sections/adjustments.html",
        typst: "pdf/sections/adjustments.typ",
        sheet: Some(Sheet {
            label: "adjustments",
            rank: 3,
        }),
        chart: None,
    },
    Section {
        key: SectionKey::Activity,
        name: "activity",
        tables: &["activity"],
        english: "Production",
        headings: &["produktion", "verksamhet", "production", "activity"],
        prose: true,
        html: "sections/activity.html",
        typst: "pdf/sections/activity.typ",
        sheet: Some(Sheet {
            label: "activity",
            rank: 4,
        }),
        chart: None,
    },
    Section {
        key: SectionKey::Frames,
        name: "frames",
        tables: &["frames"],
        english: "Frames",
        headings: &["budgetram", "ramar", "budget frame", "frames"],
        prose: true,
        html: "sections/frames.html",
        typst: "pdf/sections/frames.typ",
        sheet: Some(Sheet {
            label: "frames",
            rank: 5,
        }),
        chart: None,
    },
    Section {
        key: SectionKey::Investments,
        name: "investments",
        tables: &["investments", "investment_forecast"],
        english: "Investments",
        headings: &["investeringar", "investments"],
        prose: true,
        html: "sections/investments.html",
        typst: "pdf/sections/investments.typ",
        sheet: Some(Sheet {
            label: "investments",
            rank: 8,
        }),
        chart: Some("investments"),
    },
    Section {
        key: SectionKey::Approved,
        name: "approved",
        tables: &["approved"],
        english: "Approved result",
        headings: &[],
        prose: false,
        html: "sections/approved.html",
        typst: "pdf/sections/approved.typ",
        sheet: Some(Sheet {
            label: "sheet_approved",
            rank: 7,
        }),
        chart: None,
    },
    Section {
        key: SectionKey::Balance,
        name: "balance",
        tables: &[],
        english: "Balance requirement",
        headings: &[],
        prose: true,
        html: "sections/balance.html",
        typst: "pdf/sections/balance.typ",
        sheet: Some(Sheet {
            label: "balance_requirement",
            rank: 6,
        }),
        chart: None,
    },
    #[cfg(test)]
    Section {
        key: SectionKey::Demo,
        name: "demo",
        tables: &["demo"],
        english: "Demo",
        headings: &["demo"],
        prose: false,
        html: "sections/demo.html",
        typst: "pdf/sections/demo.typ",
        sheet: Some(Sheet {
            label: "demo",
            rank: 9,
        }),
        chart: None,
    },
];

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

// The registry lists the keys in the order they are declared, so that a key finds its entry
// by its number; checked when the crate compiles.
const _: () = {
    let mut i = 0;
    while i < SECTIONS.len() {
        assert!(
            SECTIONS[i].key as usize == i,
            "SECTIONS is not in SectionKey's order"
        );
        i += 1;
    }
};

impl SectionKey {
    /// The section's definition in [`SECTIONS`].
    pub(crate) fn def(self) -> &'static Section {
        &SECTIONS[self as usize]
    }
}

/// The sections that take commentary of their own, in report order: what a unit's
/// commentary may hold besides the summary.
pub(crate) fn commentary() -> impl Iterator<Item = &'static Section> {
    SECTIONS.iter().filter(|s| !s.headings.is_empty())
}

/// The commentary key a heading starts (any case, a trailing colon ignored), if it names one.
pub(crate) fn commentary_key(heading: &str) -> Option<&'static str> {
    let h = heading.trim().trim_end_matches(':').to_lowercase();
    if SUMMARY_HEADINGS.contains(&h.as_str()) {
        return Some(SUMMARY);
    }
    commentary()
        .find(|s| s.headings.contains(&h.as_str()))
        .map(|s| s.name)
}

/// The section whose commentary key is `name`.
pub(crate) fn by_name(name: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.name == name)
}

/// The sections with a workbook sheet, in the workbook's order.
pub(crate) fn sheets() -> Vec<(&'static Section, Sheet)> {
    let mut out: Vec<(&'static Section, Sheet)> = SECTIONS
        .iter()
        .filter_map(|s| s.sheet.map(|sh| (s, sh)))
        .collect();
    out.sort_by_key(|(_, sh)| sh.rank);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_defined_once_under_its_own_names() {
        for s in SECTIONS {
            assert_eq!(SECTIONS.iter().filter(|o| o.key == s.key).count(), 1);
            assert_eq!(SECTIONS.iter().filter(|o| o.name == s.name).count(), 1);
            assert_eq!(s.key.def().name, s.name);
            assert_eq!(by_name(s.name).map(|d| d.key), Some(s.key));
            assert_eq!(s.html, format!("sections/{}.html", s.name));
            assert_eq!(s.typst, format!("pdf/sections/{}.typ", s.name));
        }
        let mut ranks: Vec<u8> = SECTIONS
            .iter()
            .filter_map(|s| s.sheet)
            .map(|s| s.rank)
            .collect();
        ranks.sort_unstable();
        ranks.dedup();
        assert_eq!(ranks.len(), sheets().len());
    }

    #[test]
    fn a_heading_names_one_section_at_most() {
        let mut all: Vec<&str> = SUMMARY_HEADINGS.to_vec();
        all.extend(commentary().flat_map(|s| s.headings.iter().copied()));
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n);
        assert_eq!(commentary_key(" Sick leave:"), Some("personnel"));
        assert_eq!(commentary_key("EKONOMI"), Some("summary"));
        assert_eq!(commentary_key("Okänd"), None);
    }
}

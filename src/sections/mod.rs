//! The report's optional sections, each defined once, in one module of this folder: its
//! registry entry ([`About`]: key, input tables, commentary headings, prose, fragments, sheet),
//! its input tables as the contract's specs, its compute step over the tree, its view (the
//! numbers preformatted, each with its exact value), its part of `figures.json` and its
//! workbook sheet. Each module implements [`Section`]; [`ALL`] lists them in report order,
//! and every stage iterates that list without naming a section.
//!
//! A section's data travels between the stages type-erased: its compute step gives a
//! [`Data`] per unit and its view a [`SectionView`], and only the section's own module
//! downcasts them to its types. This folder is the one place that names the stages it plugs
//! into (the load specs, compute's helpers, present's formatting, the workbook's rows); the
//! stages name only this module's trait and list (`tests/it/architecture.rs`).

use std::any::Any;
use std::sync::Arc;

use crate::compute::sections::Ctx;
use crate::diag::Findings;
use crate::load::spec::TableSpec;
use crate::model::section::{About, SUMMARY, SUMMARY_HEADINGS};
use crate::present::figures::UnitCx;
use crate::present::{Presenter, ReportView, SectionView};
use crate::render::xlsx::Row;
use crate::render::xlsx::sheets::Cx;

mod activity;
mod adjustments;
mod agency;
mod approved;
mod balance;
#[cfg(test)]
mod demo;
mod frames;
mod investments;
mod measures;
mod personnel;

/// The `measures` table's spec, which the round's import and `generate`'s use of the round
/// build rows of.
pub(crate) use measures::MEASURES as MEASURES_SPEC;

/// What the section modules use of the stages.
mod prelude {
    pub(super) use std::collections::BTreeMap;
    pub(super) use std::sync::Arc;

    pub(super) use serde::Serialize;

    pub(super) use super::{Data, Part, Section, data_of, run, view_of};
    pub(super) use crate::compute;
    pub(super) use crate::compute::sections::{Ctx, Key, acc_by_name, ratio_pct, slot};
    pub(super) use crate::diag::Findings;
    pub(super) use crate::load::spec::{Kind, TableSpec, col, opt, positive};
    pub(super) use crate::model::money::kronor_string;
    pub(super) use crate::model::period::Month;
    pub(super) use crate::model::section::{About, Sheet};
    pub(super) use crate::present::figures::{UnitCx, finite};
    pub(super) use crate::present::{
        Chart, Format, Light, Num, Presenter, ReportView, SectionView, UnitRef, charts, light,
        prose_name,
    };
    pub(super) use crate::render::xlsx::sheets::Cx;
    pub(super) use crate::render::xlsx::{Cell, Row};
}

/// A section's computed data for one unit, downcast only by the section's own module.
pub(crate) type Data = Arc<dyn Any + Send + Sync>;

/// A section's part of a unit in `figures.json`.
pub(crate) type Part = Box<dyn erased_serde::Serialize + Send + Sync>;

/// One optional section of the report, from its input tables to its workbook sheet.
pub(crate) trait Section: Sync {
    /// The registry entry: names, tables, headings, fragments, sheet, order.
    fn about(&self) -> &'static About;

    /// The section's input tables as the data contract gives them.
    fn tables(&self) -> &'static [TableSpec] {
        &[]
    }

    /// The compute step: per unit of the tree (by node index), the section's data, `None`
    /// where the unit's report does not show the section.
    fn compute(&self, cx: &Ctx<'_>, findings: &mut Findings) -> Vec<Option<Data>>;

    /// The percentages per month (this year, last year) the section adds to the unit's
    /// monthly series (`months[].sick_pct` and the workbook's chart data).
    fn monthly_pct<'a>(&self, _data: &'a Data) -> Option<[&'a [Option<f64>]; 2]> {
        None
    }

    /// The view of a unit's data as the templates and the workbook see it.
    fn view(&self, p: &Presenter<'_>, node: usize, data: &Data) -> Option<Arc<dyn SectionView>>;

    /// The section's part of a unit in `figures.json`, for a section with one.
    fn figures(&self, _cx: &UnitCx<'_>, _data: &Data) -> Option<Part> {
        None
    }

    /// The rows of the section's workbook sheet, for a section with one.
    fn sheet(&self, _cx: &Cx<'_>) -> Vec<Row> {
        Vec::new()
    }
}

/// Every optional section, in the order the report shows them.
pub(crate) const ALL: &[&dyn Section] = &[
    &personnel::Entry,
    &agency::Entry,
    &measures::Entry,
    &adjustments::Entry,
    &activity::Entry,
    &frames::Entry,
    &investments::Entry,
    &approved::Entry,
    &balance::Entry,
    #[cfg(test)]
    &demo::Entry,
];

/// A compute step run over every node of the tree (`step` fills in the data of each unit
/// that has the section), its data type-erased.
pub(crate) fn run<T: Clone + Any + Send + Sync>(
    cx: &Ctx<'_>,
    step: impl FnOnce(&Ctx<'_>, &mut [Option<T>]),
) -> Vec<Option<Data>> {
    let mut per_node = vec![None; cx.n];
    step(cx, &mut per_node);
    per_node
        .into_iter()
        .map(|d| d.map(|d| Arc::new(d) as Data))
        .collect()
}

/// A section's data as its own type.
pub(crate) fn data_of<T: 'static>(data: &Data) -> Option<&T> {
    data.downcast_ref::<T>()
}

/// The view of the section named `name` in a unit's report, as the section's own type.
pub(crate) fn view_of<'a, T: 'static>(v: &'a ReportView, name: &str) -> Option<&'a T> {
    let view: &dyn Any = v.sections.get(name)?;
    view.downcast_ref::<T>()
}

/// Every section's registry entry, in report order.
pub(crate) fn abouts() -> impl Iterator<Item = &'static About> {
    ALL.iter().map(|s| s.about())
}

/// The sections in the data's order ([`About::rank`]): the contract's tables, the parts of
/// `figures.json` and the workbook's sheets.
pub(crate) fn in_data_order() -> Vec<(usize, &'static dyn Section)> {
    let mut out: Vec<(usize, &'static dyn Section)> = ALL.iter().copied().enumerate().collect();
    out.sort_by_key(|(_, s)| s.about().rank);
    out
}

/// The input tables of every section, in the data's order.
pub(crate) fn tables() -> impl Iterator<Item = TableSpec> {
    in_data_order()
        .into_iter()
        .flat_map(|(_, s)| s.tables().iter().copied())
}

/// The sections that take commentary of their own, in report order, each with its place in
/// [`ALL`]: what a unit's commentary may hold besides the summary.
pub(crate) fn commentary() -> impl Iterator<Item = (usize, &'static About)> {
    ALL.iter()
        .map(|s| s.about())
        .enumerate()
        .filter(|(_, s)| !s.headings.is_empty())
}

/// The commentary key a heading starts (any case, a trailing colon ignored), if it names one.
pub(crate) fn commentary_key(heading: &str) -> Option<&'static str> {
    let h = heading.trim().trim_end_matches(':').to_lowercase();
    if SUMMARY_HEADINGS.contains(&h.as_str()) {
        return Some(SUMMARY);
    }
    commentary()
        .find(|(_, s)| s.headings.contains(&h.as_str()))
        .map(|(_, s)| s.name)
}

/// The section whose commentary key is `name`.
pub(crate) fn by_name(name: &str) -> Option<&'static About> {
    ALL.iter().map(|s| s.about()).find(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_is_defined_once_under_its_own_names() {
        let abouts: Vec<&About> = ALL.iter().map(|s| s.about()).collect();
        for s in &abouts {
            assert_eq!(abouts.iter().filter(|o| o.name == s.name).count(), 1);
            assert_eq!(abouts.iter().filter(|o| o.rank == s.rank).count(), 1);
            assert_eq!(by_name(s.name).map(|d| d.name), Some(s.name));
            assert_eq!(s.html, format!("sections/{}.html", s.name));
            assert_eq!(s.typst, format!("pdf/sections/{}.typ", s.name));
        }
        for s in ALL {
            let names: Vec<&str> = s.tables().iter().map(|t| t.name).collect();
            assert_eq!(names.first(), s.about().tables.first());
        }
    }

    #[test]
    fn a_heading_names_one_section_at_most() {
        let mut all: Vec<&str> = SUMMARY_HEADINGS.to_vec();
        all.extend(commentary().flat_map(|(_, s)| s.headings.iter().copied()));
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n);
        assert_eq!(commentary_key(" Sick leave:"), Some("personnel"));
        assert_eq!(commentary_key("EKONOMI"), Some("summary"));
        assert_eq!(commentary_key("Okänd"), None);
    }
}

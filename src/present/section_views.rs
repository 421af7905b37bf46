//! The optional sections of a report as the templates see them: each section's view, made by
//! the section's own module (`crate::sections`), kept type-erased in registry order.

use std::any::Any;
use std::sync::Arc;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::*;
use crate::sections::ALL;

/// A section's view of one unit: serialised for the templates under the section's view key,
/// and read back as its own type by the section's workbook sheet.
pub(crate) trait SectionView:
    erased_serde::Serialize + std::fmt::Debug + Any + Send + Sync
{
    /// The section's chart, for a section that has one.
    fn chart(&self) -> Option<&Chart> {
        None
    }

    /// The report's signals the section gives, in order.
    fn lights(&self, _fmt: &Format) -> Vec<Light> {
        Vec::new()
    }

    /// The deviation net of what the section adjusts it by, for the key figures.
    fn adjusted_deviation(&self) -> Option<&Num> {
        None
    }
}

erased_serde::serialize_trait_object!(SectionView);

/// One named amount of a section (an adjustment, an item left out of the balance result).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ItemView {
    pub name: String,
    pub amount: Num,
}

/// Every optional section of a unit's report, by its place in the registry (`sections::ALL`):
/// the view where the report shows the section. The templates see each under its view key
/// (`sections.personnel`, `sections.frame`…), `null` where the report does not show it.
#[derive(Debug, Clone, Default)]
pub(crate) struct SectionsView {
    pub parts: Vec<Option<Arc<dyn SectionView>>>,
    /// Whether a section adds percentages per month to the unit's monthly series.
    pub monthly_pct: bool,
}

impl Serialize for SectionsView {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(ALL.len()))?;
        for (section, part) in ALL.iter().zip(&self.parts) {
            map.serialize_entry(section.about().view, &part.as_deref())?;
        }
        map.end()
    }
}

impl SectionsView {
    /// Whether the report shows the section at `at` in the registry.
    pub(crate) fn shown(&self, at: usize) -> bool {
        self.parts.get(at).is_some_and(Option::is_some)
    }

    /// The section's chart, for a section with one that the report shows.
    pub(crate) fn chart(&self, at: usize) -> Option<&Chart> {
        self.parts.get(at)?.as_deref()?.chart()
    }

    /// The view of the section whose key (its name or its view key) is `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&dyn SectionView> {
        let at = ALL.iter().position(|s| {
            let about = s.about();
            about.name == name || about.view == name
        })?;
        self.parts.get(at)?.as_deref()
    }

    /// The views the report shows, in report order.
    pub(crate) fn shown_views(&self) -> impl Iterator<Item = &dyn SectionView> {
        self.parts.iter().filter_map(|p| p.as_deref())
    }
}

/// The views of a section the index page lists, one per unit at the top level, under the
/// section's view key.
#[derive(Debug, Clone, Default)]
pub(crate) struct IndexSections(pub Vec<(&'static str, Vec<Arc<dyn SectionView>>)>);

impl Serialize for IndexSections {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (key, views) in &self.0 {
            map.serialize_entry(key, views)?;
        }
        map.end()
    }
}

impl Presenter<'_> {
    /// The sections of a unit's report, each viewed by its own module.
    pub(super) fn sections_view(&self, node: usize) -> SectionsView {
        let data = &self.sections[node].parts;
        SectionsView {
            parts: ALL
                .iter()
                .zip(data)
                .map(|(s, d)| s.view(self, node, d.as_ref()?))
                .collect(),
            monthly_pct: ALL
                .iter()
                .zip(data)
                .any(|(s, d)| d.as_ref().and_then(|d| s.monthly_pct(d)).is_some()),
        }
    }

    /// The percentages per month a section adds to a unit's monthly series (this year, last
    /// year), if one does.
    pub(super) fn monthly_pct(&self, node: usize) -> Option<[&[Option<f64>]; 2]> {
        ALL.iter()
            .zip(&self.sections[node].parts)
            .find_map(|(s, d)| s.monthly_pct(d.as_ref()?))
    }

    /// The index page's lists of section views: for each section the index lists, its view
    /// of every unit at the top level that has it.
    pub(super) fn index_sections(&self) -> IndexSections {
        let top: Vec<usize> = self
            .tree
            .order
            .iter()
            .copied()
            .filter(|&n| self.tree.nodes[n].depth == 1)
            .collect();
        IndexSections(
            ALL.iter()
                .enumerate()
                .filter(|(_, s)| s.about().index)
                .map(|(at, s)| {
                    let views = top
                        .iter()
                        .filter_map(|&n| s.view(self, n, self.sections[n].parts[at].as_ref()?))
                        .collect();
                    (s.about().view, views)
                })
                .collect(),
        )
    }
}

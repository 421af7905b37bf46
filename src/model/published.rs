//! What the tool reads back of its own published `figures.json`: per unit, the outcome of
//! each month as the report published it (for corrections of earlier months). The fields are
//! those `present/figures.rs` writes; others are passed by, and a file that is not a figures
//! file is not read.

use std::collections::BTreeMap;

/// A published `figures.json`, as far as it is read back.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub(crate) struct Published {
    /// By unit code.
    #[serde(default)]
    pub units: BTreeMap<String, PublishedUnit>,
}

/// One unit of a published `figures.json`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub(crate) struct PublishedUnit {
    #[serde(default)]
    pub months: Vec<PublishedMonth>,
}

/// One month of a unit as published: `YYYY-MM` and the outcome, an exact decimal string in
/// kronor (`null` for months after the report month).
#[derive(Debug, Clone, serde::Deserialize)]
pub(crate) struct PublishedMonth {
    pub period: String,
    #[serde(default)]
    pub actual: Option<String>,
}

/// A month published in an output folder, as the landing page across months lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct PublishedPeriod {
    /// `YYYY-MM`, the folder's name.
    pub period: String,
    /// Whether the month has its HTML index page.
    pub index: bool,
    /// Its board packs: title and file by format name (`pdf`, `xlsx`), relative to the month.
    pub packs: Vec<(String, BTreeMap<String, String>)>,
}

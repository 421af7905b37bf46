//! Corrections of earlier months as the report shows them (see [`crate::compute::restated`]).

use serde::Serialize;

use super::format::Num;

/// A corrected month as the report shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RestatedView {
    /// "augusti 2020".
    pub month: String,
    pub published: Num,
    pub now: Num,
    pub difference: Num,
}

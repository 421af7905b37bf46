//! The types every stage shares, and queries on them: money and its grammars, months,
//! the organisation tree, hashes, the inputs of a run, and the comparison of two runs.

pub(crate) mod diff;
pub(crate) mod hash;
pub(crate) mod input;
pub(crate) mod money;
pub(crate) mod period;
pub(crate) mod posting;
pub(crate) mod published;
pub(crate) mod section;
pub(crate) mod tree;

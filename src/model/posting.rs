//! One transaction behind the ledger, as the account view and the workbooks show it.

use std::sync::Arc;

/// One transaction of a unit, in result sign. Accounts and texts are shared between the
/// transactions that have the same one: a year of a large region's transactions stays small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Posting {
    /// Days since 1970-01-01.
    pub date: i32,
    pub account: Arc<str>,
    /// Öre, result sign.
    pub amount: i64,
    /// The transaction's text; empty when the data gives none.
    pub text: Arc<str>,
    /// The row's place in the input (a line or row number, rising through the input): the
    /// order of transactions with the same date.
    pub order: u64,
}

impl Posting {
    /// The order in which the largest transactions are listed: the larger absolute amount,
    /// then the earlier date, then the earlier row first.
    pub(crate) fn largest_first(&self) -> (std::cmp::Reverse<u64>, i32, u64) {
        (
            std::cmp::Reverse(self.amount.unsigned_abs()),
            self.date,
            self.order,
        )
    }
}

/// Which transactions a run keeps, as the formats it writes need them (the output formats
/// say, `render::Formats::keep`; the compute stage is told).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    /// Every transaction of the year to date: the workbooks list them all.
    All,
    /// Per account, only the `n` largest of the year to date and the `n` largest of the report
    /// month: all that the account view shows.
    Largest(usize),
}

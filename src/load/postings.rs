//! The single transactions behind the monthly ledger, for the account view's largest
//! transactions and the workbook's transaction sheet. The ledger is summed from them while
//! loading; the rows themselves are read (or kept) only for the span a report needs, so that
//! a large transactions file is not held in memory.

use std::path::PathBuf;

use super::Dataset;

/// One transaction, in result sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Posting {
    /// Days since 1970-01-01.
    pub date: i32,
    pub unit: String,
    pub account: String,
    /// Öre, result sign.
    pub amount: i64,
    /// The transaction's text; empty when the data gives none.
    pub text: String,
    /// The row's place in the input (a line or row number, rising through the input): the
    /// order of transactions with the same date.
    pub order: u64,
}

/// Where the transactions summed into the ledger can be found again.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// The `transactions` table, read row by row and kept in the dataset (already in result
    /// sign).
    Table,
    /// A clean `transactions.csv` summed by the streaming reader: read again for the span,
    /// with its amounts multiplied by `flip`.
    Csv { path: PathBuf, flip: i64 },
    /// The SIE `#TRANS` rows that the ledger sums.
    Rows(Vec<Posting>),
}

impl Dataset {
    /// The transactions dated `from` to `to` (days since 1970, both included) that the ledger
    /// sums, sorted by date and then input order; `None` when the ledger is not summed from
    /// transactions (or they can no longer be read).
    pub(crate) fn postings(&self, from: i32, to: i32) -> Option<Vec<Posting>> {
        let within = |d: i32| (from..=to).contains(&d);
        let mut out = match self.postings.as_ref()? {
            Source::Table => {
                let t = self.get("transactions")?;
                let (dates, units, accounts, amounts, texts) = (
                    t.months("date"),
                    t.text("unit"),
                    t.text("account"),
                    t.money("amount"),
                    t.text("text"),
                );
                (0..t.len())
                    .filter(|&i| within(dates[i]))
                    .map(|i| Posting {
                        date: dates[i],
                        unit: units[i].clone(),
                        account: accounts[i].clone(),
                        amount: amounts[i],
                        text: texts.get(i).cloned().unwrap_or_default(),
                        order: i as u64,
                    })
                    .collect()
            }
            Source::Csv { path, flip } => super::fast::postings(
                path,
                &crate::clock::date_text(from),
                &crate::clock::date_text(to),
                *flip,
            )?,
            Source::Rows(rows) => rows.iter().filter(|p| within(p.date)).cloned().collect(),
        };
        out.sort_by_key(|p| (p.date, p.order));
        Some(out)
    }
}

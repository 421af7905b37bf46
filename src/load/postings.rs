//! The single transactions behind the monthly ledger, for the account view's largest
//! transactions and the workbook's transaction sheet. The ledger is summed from them while
//! loading; the rows themselves are read (or kept) only for the span a report needs, so that
//! a large transactions file is not held in memory.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::Dataset;
pub(crate) use crate::model::posting::Posting;

/// Where the transactions summed into the ledger can be found again.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    /// The `transactions` table, read row by row and kept in the dataset (already in result
    /// sign).
    Table,
    /// A clean `transactions.csv` summed by the streaming reader: read again for the span,
    /// with its amounts multiplied by `flip`.
    Csv { path: PathBuf, flip: i64 },
    /// The SIE `#TRANS` rows that the ledger sums, each with its unit.
    Rows(Vec<(String, Posting)>),
}

impl Dataset {
    /// The transactions dated `from` to `to` (days since 1970, both included) that the ledger
    /// sums, in `places` lists: each goes to the list `place` gives its unit (none: left
    /// out), and each list is sorted by date and then input order. `None` when the ledger is
    /// not summed from transactions (or they can no longer be read).
    pub(crate) fn postings(
        &self,
        from: i32,
        to: i32,
        places: usize,
        place: impl Fn(&str) -> Option<usize>,
    ) -> Option<Vec<Vec<Posting>>> {
        let within = |d: i32| (from..=to).contains(&d);
        let mut out: Vec<Vec<Posting>> = vec![Vec::new(); places];
        // Rows come in runs of one unit: its place is looked up once per run.
        let mut last: Option<(String, Option<usize>)> = None;
        let mut put = |unit: &str, p: Posting| {
            let at = match &last {
                Some((u, at)) if u == unit => *at,
                _ => {
                    let at = place(unit);
                    last = Some((unit.to_string(), at));
                    at
                }
            };
            if let Some(at) = at {
                out[at].push(p);
            }
        };
        match self.postings.as_ref()? {
            Source::Table => {
                let t = self.get("transactions")?;
                let (dates, units, accounts, amounts, texts) = (
                    t.months("date"),
                    t.text("unit"),
                    t.text("account"),
                    t.money("amount"),
                    t.text("text"),
                );
                let mut shared = Shared::default();
                for i in (0..t.len()).filter(|&i| within(dates[i])) {
                    let p = Posting {
                        date: dates[i],
                        account: shared.get(&accounts[i]),
                        amount: amounts[i],
                        text: shared.get(texts.get(i).map_or("", String::as_str)),
                        order: i as u64,
                    };
                    put(&units[i], p);
                }
            }
            Source::Csv { path, flip } => super::fast::postings(
                path,
                &crate::clock::date_text(from),
                &crate::clock::date_text(to),
                *flip,
                put,
            )?,
            Source::Rows(rows) => {
                for (unit, p) in rows.iter().filter(|(_, p)| within(p.date)) {
                    put(unit, p.clone());
                }
            }
        }
        for list in &mut out {
            list.sort_by_key(|p| (p.date, p.order));
        }
        Some(out)
    }
}

/// One shared copy of each distinct text.
#[derive(Default)]
pub(crate) struct Shared(HashSet<Arc<str>>);

impl Shared {
    pub(crate) fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(t) = self.0.get(text) {
            return t.clone();
        }
        let t: Arc<str> = Arc::from(text);
        self.0.insert(t.clone());
        t
    }
}

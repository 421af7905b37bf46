//! The single transactions behind the monthly ledger, for the account view's largest
//! transactions and the workbook's transaction sheet. The ledger is summed from them while
//! loading; the rows themselves are read (or kept) only for the span a report needs, so that
//! a large transactions file is not held in memory.

use std::collections::{BinaryHeap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use super::intern::Shared;
use super::{Dataset, Loaded};
use crate::model::period::{Month, first_day, last_day};
pub(crate) use crate::model::posting::{Keep, Posting};

/// Per node, the transactions of a leaf unit from the first day of the (fiscal) year to the
/// last day of the report month `period`, by date and input order (empty for the other
/// nodes), all of them or only the largest (`keep`); `None` when the ledger is not summed
/// from transactions. This is the load stage's second scan of the transactions, which the
/// run asks for once the report month is known and before it computes: the compute stage
/// reads nothing.
pub(crate) fn of_leaves(loaded: &Loaded, period: Month, keep: Keep) -> Option<Vec<Vec<Posting>>> {
    let tree = &loaded.tree;
    let start = period.year_start(loaded.config.year_start());
    let leaf = |unit: &str| tree.get(unit).filter(|&n| tree.is_leaf(n));
    let keep = match keep {
        Keep::All => None,
        Keep::Largest(n) => Some((n, first_day(period))),
    };
    let places = tree.nodes.len();
    loaded
        .data
        .postings(first_day(start), last_day(period), places, leaf, keep)
}

/// Where the transactions summed into the ledger can be found again.
#[derive(Debug, Clone)]
pub(crate) enum Rescan {
    /// The `transactions` table, read row by row and kept in the dataset (already in result
    /// sign).
    Table,
    /// A clean `transactions.csv` summed by the streaming reader: read again for the span,
    /// with its amounts multiplied by `flip`.
    Csv { path: PathBuf, flip: i64 },
    /// The SIE `#TRANS` rows that the ledger sums, each with its unit.
    Rows(Vec<(String, Posting)>),
    /// A transactions query summed batch by batch: run again for the span.
    Query(Box<super::odbc::Reading>),
}

impl Dataset {
    /// The transactions dated `from` to `to` (days since 1970, both included) that the ledger
    /// sums, in `places` lists: each goes to the list `place` gives its unit (none: left
    /// out), and each list is sorted by date and then input order. With `largest` = (n, day),
    /// a list keeps per account only the n largest of the span and the n largest from `day`
    /// on (the report month), so that memory does not grow with the rows. `None` when the
    /// ledger is not summed from transactions (or they can no longer be read).
    fn postings(
        &self,
        from: i32,
        to: i32,
        places: usize,
        place: impl Fn(&str) -> Option<usize>,
        largest: Option<(usize, i32)>,
    ) -> Option<Vec<Vec<Posting>>> {
        let within = |d: i32| (from..=to).contains(&d);
        let mut out = Lists::new(places, largest);
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
                out.push(at, p);
            }
        };
        match self.postings.as_ref()? {
            Rescan::Table => {
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
            Rescan::Csv { path, flip } => super::fast::postings(
                path,
                &crate::clock::date_text(from),
                &crate::clock::date_text(to),
                *flip,
                put,
            )?,
            Rescan::Query(reading) => reading.postings(from, to, put)?,
            Rescan::Rows(rows) => {
                for (unit, p) in rows.iter().filter(|(_, p)| within(p.date)) {
                    put(unit, p.clone());
                }
            }
        }
        Some(out.finish())
    }
}

/// The lists of [`Dataset::postings`] as they fill: every transaction, or per list and
/// account the largest of the span and of the report month.
enum Lists {
    All(Vec<Vec<Posting>>),
    Largest {
        n: usize,
        month_from: i32,
        tops: Vec<HashMap<Arc<str>, [Top; 2]>>,
    },
}

/// The `n` largest transactions seen, the smallest of them on top.
type Top = BinaryHeap<Largest>;

/// A transaction ordered by [`Posting::largest_first`]: the greatest is the one to drop first.
struct Largest(Posting);

impl Largest {
    fn key(&self) -> (std::cmp::Reverse<u64>, i32, u64) {
        self.0.largest_first()
    }
}

impl PartialEq for Largest {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Largest {}

impl PartialOrd for Largest {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Largest {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl Lists {
    fn new(places: usize, largest: Option<(usize, i32)>) -> Lists {
        match largest {
            None => Lists::All(vec![Vec::new(); places]),
            Some((n, month_from)) => Lists::Largest {
                n,
                month_from,
                tops: (0..places).map(|_| HashMap::new()).collect(),
            },
        }
    }

    fn push(&mut self, at: usize, p: Posting) {
        match self {
            Lists::All(lists) => lists[at].push(p),
            Lists::Largest {
                n,
                month_from,
                tops,
            } => {
                let [year, month] = tops[at].entry(p.account.clone()).or_default();
                let offer = |top: &mut Top, p: Posting| {
                    top.push(Largest(p));
                    if top.len() > *n {
                        top.pop();
                    }
                };
                if p.date >= *month_from {
                    offer(month, p.clone());
                }
                offer(year, p);
            }
        }
    }

    /// Each list by date and input order.
    fn finish(self) -> Vec<Vec<Posting>> {
        match self {
            Lists::All(mut lists) => {
                for list in &mut lists {
                    list.sort_by_key(|p| (p.date, p.order));
                }
                lists
            }
            Lists::Largest { tops, .. } => tops
                .into_iter()
                .map(|accounts| {
                    let mut list: Vec<Posting> = accounts
                        .into_values()
                        .flat_map(|[year, month]| year.into_iter().chain(month))
                        .map(|l| l.0)
                        .collect();
                    // A transaction among the largest of both the year and the month once.
                    list.sort_by_key(|p| (p.date, p.order));
                    list.dedup_by_key(|p| p.order);
                    list
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::transactions::largest;

    fn p(account: &str, date: i32, amount: i64, order: u64) -> Posting {
        Posting {
            date,
            account: account.into(),
            amount,
            text: "".into(),
            order,
        }
    }

    /// The largest of the month and of the year, per account, from the kept lists.
    fn shown(list: &[Posting], n: usize, month_from: i32) -> Vec<(String, bool, Vec<u64>)> {
        let mut out = Vec::new();
        for account in ["4010", "5010"] {
            let of = |month: bool| {
                let from = if month { month_from } else { i32::MIN };
                let rows = list
                    .iter()
                    .filter(|p| &*p.account == account && p.date >= from);
                largest(rows, n).iter().map(|p| p.order).collect()
            };
            out.push((account.to_string(), false, of(false)));
            out.push((account.to_string(), true, of(true)));
        }
        out
    }

    #[test]
    fn keeping_the_largest_shows_what_keeping_all_shows() {
        // Two lists; amounts of both signs, equal amounts on different days and rows, the
        // month's largest smaller than the year's.
        let rows = [
            (0, p("4010", 10, -500, 1)),
            (0, p("4010", 40, 20, 2)),
            (0, p("4010", 41, -20, 3)),
            (0, p("4010", 12, 500, 4)),
            (0, p("4010", 42, 7, 5)),
            (0, p("5010", 11, 900, 6)),
            (0, p("4010", 43, 20, 7)),
            (1, p("5010", 44, -1, 8)),
            (0, p("4010", 11, 300, 9)),
            (1, p("5010", 12, 60, 10)),
        ];
        let (n, month_from) = (2, 40);
        let mut all = Lists::new(2, None);
        let mut kept = Lists::new(2, Some((n, month_from)));
        for (at, r) in &rows {
            all.push(*at, r.clone());
            kept.push(*at, r.clone());
        }
        let (all, kept) = (all.finish(), kept.finish());
        assert_eq!(all[0].len(), 8);
        // Per account at most n of the year and n of the month, each once.
        let orders: Vec<u64> = kept[0].iter().map(|p| p.order).collect();
        assert_eq!(orders, [1, 6, 4, 2, 3]);
        for (a, k) in all.iter().zip(&kept) {
            assert_eq!(shown(a, n, month_from), shown(k, n, month_from));
            assert!(
                k.windows(2)
                    .all(|w| (w[0].date, w[0].order) < (w[1].date, w[1].order))
            );
        }
    }
}

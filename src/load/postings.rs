//! The single transactions behind the monthly ledger, for the account view's largest
//! transactions and the workbook's transaction sheet.
//!
//! The ledger is summed from the transactions while loading, in one pass over them: the
//! accumulator of `pass.rs` ([`Months`]) sums each transaction into its month, unit and
//! account and, in the same pass, keeps the transactions a report may list ([`Kept`]), bounded
//! (see [`super::pass::Window`]). Once the report month is known, [`of_leaves`] takes the
//! lists of its span from what was kept: exactly the lists a reading of every transaction of
//! the span gives. The CSV reader (`fast.rs`), a database query (`odbc.rs`), the row-by-row
//! table and the SIE rows all go through [`Months`]; a large transactions file is never held
//! in memory.
//!
//! Only when the report month turns out to be one whose span was not kept (`--period latest`
//! stepping back past months without outcome) are the transactions read again for the span
//! ([`Rescan`]).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

pub(crate) use super::pass::Want;
use super::pass::{Kept, Largest, Months, Top, month_of};
use super::{Dataset, Loaded};
use crate::model::period::{Month, first_day, last_day};
pub(crate) use crate::model::posting::{Keep, Posting};

/// Per node, the transactions of a leaf unit from the first day of the (fiscal) year to the
/// last day of the report month `period`, by date and input order (empty for the other
/// nodes), all of them or only the largest (`keep`); `None` when the ledger is not summed
/// from transactions. Asked for once the report month is known and before the run
/// computes (the compute stage reads nothing). The lists come from what the load stage kept
/// while it summed the transactions ([`Kept`]), which is handed over, not copied; only a span
/// it did not keep is read again.
pub(crate) fn of_leaves(
    loaded: &mut Loaded,
    period: Month,
    keep: Keep,
) -> Option<Vec<Vec<Posting>>> {
    let year_start = loaded.config.year_start();
    let want = Want {
        keep,
        period: Some(period),
        year_start,
    };
    let tree = &loaded.tree;
    let leaf = |unit: &str| tree.get(unit).filter(|&n| tree.is_leaf(n));
    let largest = match keep {
        Keep::All => None,
        Keep::Largest(n) => Some((n, first_day(period))),
    };
    let mut out = Lists::new(tree.nodes.len(), largest);
    let (from, to) = (first_day(period.year_start(year_start)), last_day(period));
    let data = &mut loaded.data;
    let rescan = match data.postings.take()? {
        Rescan::Kept { kept, again } if kept.covers(&want) => {
            // A workbook run's lists may hold every transaction of the year: they are
            // moved, and should they be asked for again, the source is read again.
            data.postings = Some(*again);
            kept.replay(from, to, &mut into(&mut out, leaf));
            return Some(out.finish());
        }
        Rescan::Kept { again, .. } => *again,
        other => other,
    };
    let read = data.postings(&rescan, from, to, want, &mut into(&mut out, leaf));
    data.postings = Some(rescan);
    read.map(|()| out.finish())
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
    /// What the pass that summed the transactions (`Csv`, `Query`) kept of them, and how to
    /// read them again for a span it did not keep.
    Kept { kept: Box<Kept>, again: Box<Rescan> },
}

/// Gives each transaction to the list of its unit's place in `out` (none: left out); the
/// place is looked up once per run of rows of one unit.
fn into<'a>(
    out: &'a mut Lists,
    place: impl Fn(&str) -> Option<usize> + 'a,
) -> impl FnMut(&str, Posting) + 'a {
    let mut last: Option<(String, Option<usize>)> = None;
    move |unit: &str, p: Posting| {
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
    }
}

impl Dataset {
    /// Gives `put` the transactions dated `from` to `to` (days since 1970, both included)
    /// that the ledger sums, each with its unit, read from where `rescan` says: the tables in
    /// memory through the same accumulator as a first pass ([`Months`], for the span of
    /// `want`), a file or query by reading it again. `None` when they can no longer be read.
    fn postings(
        &self,
        rescan: &Rescan,
        from: i32,
        to: i32,
        want: Want,
        put: &mut impl FnMut(&str, Posting),
    ) -> Option<()> {
        let mut months = Months::lists_only(want);
        match rescan {
            Rescan::Table => {
                months.table(self.get("transactions")?, |i, _| i as u64);
                months.kept(|u| u)?.replay(from, to, put);
            }
            Rescan::Rows(rows) => {
                for (unit, p) in rows {
                    let month = month_of(p.date);
                    months.add(unit, &p.account, month, p.amount, |_| p.clone());
                }
                months.kept(|u| u)?.replay(from, to, put);
            }
            Rescan::Csv { path, flip } => super::fast::postings(
                path,
                &crate::clock::date_text(from),
                &crate::clock::date_text(to),
                *flip,
                put,
            )?,
            Rescan::Query(reading) => reading.postings(want, from, to, put)?,
            Rescan::Kept { again, .. } => self.postings(again, from, to, want, put)?,
        }
        Some(())
    }
}

/// The lists of [`of_leaves`] as they fill: every transaction, or per list and account the
/// largest of the span and of the report month.
enum Lists {
    All(Vec<Vec<Posting>>),
    Largest {
        n: usize,
        month_from: i32,
        tops: Vec<HashMap<Arc<str>, [Top; 2]>>,
    },
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

    /// A unit's transaction: unit, posting.
    type Row = (String, Posting);

    /// Transactions of 3 units and 3 accounts on `months` (month indexes, some months left
    /// out), amounts from a few values of both signs (many ties), in a shuffled order; the
    /// order number is the row's place in the input.
    fn rows(months: &[i32], seed: u64) -> Vec<Row> {
        let mut x = seed;
        let mut next = move |m: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % m
        };
        let mut out = Vec::new();
        for &month in months {
            let m = Month(month);
            for _ in 0..40 {
                let day = 1 + next(28) as u32;
                let amount = [-300, 300, 200, -5, 120, 7, 0][next(7) as usize];
                let unit = ["A", "B", "C"][next(3) as usize];
                let account = ["4010", "5010", "6010"][next(3) as usize];
                out.push((
                    unit.to_string(),
                    Posting {
                        date: crate::clock::days_from_civil(m.year(), m.month(), day),
                        account: account.into(),
                        amount,
                        text: format!("t{}", out.len()).into(),
                        order: 0,
                    },
                ));
            }
        }
        // Shuffled, then numbered in the input order.
        for i in (1..out.len()).rev() {
            out.swap(i, next(i as u64 + 1) as usize);
        }
        for (i, (_, p)) in out.iter_mut().enumerate() {
            p.order = i as u64 + 2;
        }
        out
    }

    fn place(unit: &str) -> Option<usize> {
        ["A", "B", "C"].iter().position(|u| *u == unit)
    }

    fn largest_of(keep: Keep, period: Month) -> Option<(usize, i32)> {
        match keep {
            Keep::All => None,
            Keep::Largest(n) => Some((n, first_day(period))),
        }
    }

    /// The lists as the per-span selection over every row gives them (the second reading).
    fn from_every_row(
        rows: &[Row],
        keep: Keep,
        period: Month,
        year_start: u32,
    ) -> Vec<Vec<Posting>> {
        let (from, to) = (first_day(period.year_start(year_start)), last_day(period));
        let mut out = Lists::new(3, largest_of(keep, period));
        for (unit, p) in rows.iter().filter(|(_, p)| (from..=to).contains(&p.date)) {
            out.push(place(unit).unwrap(), p.clone());
        }
        out.finish()
    }

    /// One pass with `want`; the accumulator's sums by (month, unit, account).
    fn one_pass(rows: &[Row], want: Want) -> (Kept, Vec<(i32, String, String, i64)>) {
        let mut months = Months::new(Some(want));
        for (unit, p) in rows {
            assert!(months.add(unit, &p.account, month_of(p.date), p.amount, |_| p.clone()));
        }
        let mut sums: Vec<_> = months
            .sums()
            .map(|(m, u, a, s)| (m, u.to_string(), a.to_string(), s.ore))
            .collect();
        sums.sort();
        (months.kept(|u| u).unwrap(), sums)
    }

    /// The lists of `period` from what one pass kept.
    fn from_kept(kept: &Kept, keep: Keep, period: Month, year_start: u32) -> Vec<Vec<Posting>> {
        let (from, to) = (first_day(period.year_start(year_start)), last_day(period));
        let mut out = Lists::new(3, largest_of(keep, period));
        kept.clone().replay(from, to, &mut into(&mut out, place));
        out.finish()
    }

    const KEEPS: [Keep; 4] = [
        Keep::Largest(1),
        Keep::Largest(2),
        Keep::Largest(5),
        Keep::All,
    ];

    #[test]
    fn one_pass_keeps_the_lists_of_a_given_month() {
        // Fiscal years from January and from July; report months at, after and before the
        // year's start; months with no transactions between.
        let months: Vec<i32> = (0..30)
            .filter(|m| m % 7 != 3)
            .map(|m| 2019 * 12 + m)
            .collect();
        let all = rows(&months, 7);
        for year_start in [1, 7] {
            for period in [2020 * 12, 2020 * 12 + 6, 2020 * 12 + 4, 2019 * 12 + 8] {
                let period = Month(period);
                for keep in KEEPS {
                    let want = Want {
                        keep,
                        period: Some(period),
                        year_start,
                    };
                    let (kept, _) = one_pass(&all, want);
                    assert!(kept.covers(&want));
                    assert_eq!(
                        from_kept(&kept, keep, period, year_start),
                        from_every_row(&all, keep, period, year_start),
                        "{period} {keep:?} {year_start}"
                    );
                }
            }
        }
    }

    #[test]
    fn one_pass_keeps_the_lists_of_latest_and_the_month_before() {
        // The newest month: the year's first (the month before is in the year before), the
        // second, and one after a gap; the rows shuffled, sorted by date and sorted backwards.
        let span = |from: i32, to: i32| (from..=to).collect::<Vec<i32>>();
        let (jan19, jan20) = (2019 * 12, 2020 * 12);
        let mut gap = span(jan19, jan20 + 6);
        gap.push(jan20 + 9);
        let cases = [
            (1, span(jan19, jan20)),
            (7, span(jan19, jan20 + 6)),
            (1, span(jan19, jan20 + 1)),
            (1, gap),
        ];
        for (year_start, months) in cases {
            let last = *months.last().unwrap();
            let shuffled = rows(&months, last as u64);
            let mut by_date = shuffled.clone();
            by_date.sort_by_key(|(_, p)| p.date);
            let mut backwards = by_date.clone();
            backwards.reverse();
            let newest = Month(*months.last().unwrap());
            let second = Month(months[months.len() - 2]);
            for all in [&shuffled, &by_date, &backwards] {
                for keep in KEEPS {
                    let want = Want {
                        keep,
                        period: None,
                        year_start,
                    };
                    let (kept, sums) = one_pass(all, want);
                    assert_eq!(
                        sums,
                        one_pass(
                            all,
                            Want {
                                period: Some(newest),
                                ..want
                            }
                        )
                        .1
                    );
                    for period in [newest, second] {
                        let asked = Want {
                            period: Some(period),
                            ..want
                        };
                        assert!(kept.covers(&asked), "{period}");
                        assert_eq!(
                            from_kept(&kept, keep, period, year_start),
                            from_every_row(all, keep, period, year_start),
                            "{period} {keep:?} {year_start}"
                        );
                    }
                    // An older month's span was not kept: it is read again.
                    let older = Want {
                        period: Some(second.prev()),
                        ..want
                    };
                    assert!(!kept.covers(&older));
                    // Bounded: per unit and account at most n of each of the three parts.
                    if let Keep::Largest(n) = keep {
                        for (_, list) in kept.units() {
                            for account in ["4010", "5010", "6010"] {
                                let count = list.iter().filter(|p| &*p.account == account).count();
                                assert!(count <= 3 * n, "{count} > 3 × {n}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn sums_pass_i64_as_polars_sums_them() {
        let mut months = Months::new(None);
        // Wrapped past i64 and back: the sum is right, and the passing is told each time.
        assert!(months.sum("A", "4010", 1, i64::MAX - 1));
        assert!(!months.sum("A", "4010", 1, 2));
        assert!(!months.sum("A", "4010", 1, -2));
        let (_, _, _, sum) = months.sums().next().unwrap();
        assert_eq!(sum.ore, i64::MAX - 1);
        assert!(months.kept(|u| u).is_none());
    }

    /// The lists of `period` from the file read again for the span (`fast::postings`).
    fn read_again(path: &std::path::Path, keep: Keep, period: Month) -> Vec<Vec<Posting>> {
        let (from, to) = (first_day(period.year_start(1)), last_day(period));
        let mut out = Lists::new(3, largest_of(keep, period));
        let (from_text, to_text) = (crate::clock::date_text(from), crate::clock::date_text(to));
        super::super::fast::postings(path, &from_text, &to_text, -1, into(&mut out, place))
            .unwrap();
        out.finish()
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // the test writes its fixture
    fn the_csv_pass_keeps_what_reading_the_file_again_gives() {
        // Unsorted, units, accounts and texts with spaces around them, equal amounts on one
        // day, a text missing, debit-positive amounts (turned).
        let mut csv = String::from("date;unit;account;amount;text\n");
        for (i, (unit, p)) in rows(&(2019 * 12 + 5..2020 * 12 + 3).collect::<Vec<_>>(), 3)
            .iter()
            .enumerate()
        {
            let (y, m, d) = crate::clock::civil_from_days(p.date);
            let unit = if i % 5 == 0 {
                format!(" {unit}")
            } else {
                unit.clone()
            };
            let account = if i % 7 == 0 {
                format!("{} ", p.account)
            } else {
                p.account.to_string()
            };
            let text = if i % 11 == 0 {
                String::new()
            } else {
                format!(" {} ", p.text)
            };
            let ore = p.amount * 101;
            let amount = format!(
                "{}{},{:02}",
                if ore < 0 { "-" } else { "" },
                ore.abs() / 100,
                ore.abs() % 100
            );
            csv.push_str(&format!(
                "{y}-{m:02}-{d:02};{unit};{account};{amount};{text}\n"
            ));
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("transactions.csv");
        std::fs::write(&path, csv).unwrap();
        let newest = Month(2020 * 12 + 2);
        for keep in KEEPS {
            let want = Want {
                keep,
                period: None,
                year_start: 1,
            };
            let (with, kept) = super::super::fast::transactions(&path, Some(want)).unwrap();
            let (without, none) = super::super::fast::transactions(&path, None).unwrap();
            assert!(none.is_none());
            assert_eq!(with.rows, without.rows);
            assert!(
                with.sums.equals(&without.sums) || {
                    let sort = |df: &polars::prelude::DataFrame| {
                        df.sort(["month", "unit", "account"], Default::default())
                            .unwrap()
                    };
                    sort(&with.sums).equals(&sort(&without.sums))
                }
            );
            let mut kept = kept.unwrap();
            kept.flip(-1);
            for period in [newest, newest.prev()] {
                let asked = Want {
                    period: Some(period),
                    ..want
                };
                assert!(kept.covers(&asked));
                let got = from_kept(&kept, keep, period, 1);
                assert!(got.iter().any(|l| !l.is_empty()));
                assert_eq!(got, read_again(&path, keep, period), "{period} {keep:?}");
            }
        }
    }
}

//! One pass over the transactions: the accumulator every source of transactions goes through
//! (the CSV reader in `fast.rs`, a database query in `odbc.rs`, the row-by-row table and the
//! SIE rows in `postings.rs`).
//!
//! [`Months`] sums each transaction into its month, unit and account and, in the same pass,
//! keeps the transactions a report may list ([`Kept`]). What it keeps is bounded: per unit
//! and account only the months that can be in the report's span, and with [`Keep::Largest`]
//! only the `n` largest of each part of them ([`Window`]). Once the report month is known,
//! `postings::of_leaves` takes the lists of its span from what was kept: exactly the lists a
//! reading of every transaction of the span gives, since the largest of a span are among the
//! largest of its parts.

use std::collections::BinaryHeap;
use std::sync::Arc;

use polars::prelude::PlHashMap;

use super::intern::Shared;
use super::table::Table;
use crate::model::period::Month;
use crate::model::posting::{Keep, Posting};

/// Which transactions a run lists, as known before the transactions are read: all or the
/// largest (`keep`), for the report month `--period` names (`None`: `latest`, known only
/// from the summed ledger), in years that start in month `year_start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Want {
    pub keep: Keep,
    pub period: Option<Month>,
    pub year_start: u32,
}

/// The month index (`year * 12 + month - 1`) of a day (days since 1970).
pub(crate) fn month_of(day: i32) -> i32 {
    let (y, m, _) = crate::clock::civil_from_days(day);
    Month::of(y, m).index()
}

/// One month's sum of a unit's account, as the transactions come: in öre, wrapping past
/// `i64` (as Polars sums integers; `approx`, the same sum in floating point, tells a wrapped
/// sum), and whether it ever passed `i64`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sum {
    pub ore: i64,
    pub approx: f64,
}

/// Texts numbered in the order first seen, owned.
#[derive(Default)]
struct Ids {
    ids: PlHashMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
    last: Option<u32>,
}

impl Ids {
    fn id(&mut self, text: &str) -> u32 {
        // Rows come in runs of one unit (and often of one account).
        if let Some(id) = self.last
            && *self.texts[id as usize] == *text
        {
            return id;
        }
        let id = match self.ids.get(text) {
            Some(&id) => id,
            None => {
                let id = self.texts.len() as u32;
                self.texts.push(text.into());
                self.ids.insert(text.into(), id);
                id
            }
        };
        self.last = Some(id);
        id
    }
}

/// The accumulator of a pass over the transactions: each one summed into its month, unit and
/// account ([`Sum`]) and, when a [`Want`] is given, offered to the lists a report of any month
/// the run can report on may show ([`Kept`]). One lookup of the unit and account per row.
pub(crate) struct Months {
    units: Ids,
    accounts: Ids,
    /// `None`: the lists alone are wanted (the ledger is summed elsewhere).
    sums: Option<PlHashMap<(u32, u32, i32), Sum>>,
    lists: Option<Collect>,
}

/// Texts of the postings kept: accounts shared, texts shared only when every transaction
/// is kept (the largest are few, and their texts mostly differ).
pub(crate) struct Texts {
    shared: Shared,
    share_texts: bool,
}

impl Texts {
    pub(crate) fn account(&mut self, account: &str) -> Arc<str> {
        self.shared.get(account)
    }

    pub(crate) fn text(&mut self, text: &str) -> Arc<str> {
        if self.share_texts {
            self.shared.get(text)
        } else {
            Arc::from(text)
        }
    }
}

impl Months {
    /// Sums, and the lists `want` asks for (none: `check`, which lists nothing).
    pub(crate) fn new(want: Option<Want>) -> Months {
        Months {
            units: Ids::default(),
            accounts: Ids::default(),
            sums: Some(PlHashMap::default()),
            lists: want.map(Collect::new),
        }
    }

    /// The lists `want` asks for, without sums.
    pub(crate) fn lists_only(want: Want) -> Months {
        Months {
            sums: None,
            ..Months::new(Some(want))
        }
    }

    /// Adds a transaction of `amount` öre in month `month` (index) to the sum of its unit and
    /// account, and offers it to the lists: `posting` makes it, only when it is kept. `false`
    /// when the month's sum passed `i64` with it.
    pub(crate) fn add(
        &mut self,
        unit: &str,
        account: &str,
        month: i32,
        amount: i64,
        posting: impl FnOnce(&mut Texts) -> Posting,
    ) -> bool {
        let key = (self.units.id(unit), self.accounts.id(account));
        let fits = self.sum_of(key, month, amount);
        if let Some(lists) = &mut self.lists {
            lists.offer(key, month, amount, posting);
        }
        fits
    }

    /// [`Months::add`] when no lists are wanted: the sum alone.
    pub(crate) fn sum(&mut self, unit: &str, account: &str, month: i32, amount: i64) -> bool {
        let key = (self.units.id(unit), self.accounts.id(account));
        self.sum_of(key, month, amount)
    }

    fn sum_of(&mut self, (unit, account): (u32, u32), month: i32, amount: i64) -> bool {
        let Some(sums) = &mut self.sums else {
            return true;
        };
        let sum = sums.entry((unit, account, month)).or_default();
        let (ore, wrapped) = sum.ore.overflowing_add(amount);
        sum.ore = ore;
        sum.approx += amount as f64;
        !wrapped
    }

    /// Adds every row of a checked transactions table (result sign), each numbered by
    /// `order` (of its index and row): the row of the first sum that passed `i64`, if any.
    /// Row-by-row tables, database batches: one accumulator for every source.
    pub(crate) fn table(&mut self, t: &Table, order: impl Fn(usize, u64) -> u64) -> Option<u64> {
        let (dates, units, accounts, amounts, texts) = (
            t.months("date"),
            t.text("unit"),
            t.text("account"),
            t.money("amount"),
            t.text("text"),
        );
        let mut passed = None;
        for i in 0..t.len() {
            let posting = |texts_kept: &mut Texts| Posting {
                date: dates[i],
                account: texts_kept.account(&accounts[i]),
                amount: amounts[i],
                text: texts_kept.text(texts.get(i).map_or("", String::as_str)),
                order: order(i, t.rows[i]),
            };
            let month = month_of(dates[i]);
            if !self.add(&units[i], &accounts[i], month, amounts[i], posting) {
                passed.get_or_insert(t.rows[i]);
            }
        }
        passed
    }

    /// The sums: month (index), unit and account as added, and the sum; in no order.
    pub(crate) fn sums(&self) -> impl Iterator<Item = (i32, &str, &str, Sum)> {
        let sums = self.sums.iter().flat_map(|s| s.iter());
        sums.map(|(&(u, a, m), s)| {
            let unit = &*self.units.texts[u as usize];
            (m, unit, &*self.accounts.texts[a as usize], *s)
        })
    }

    /// What the lists kept (`None` when none were asked for), each unit as `unit` gives it
    /// (trimmed for a file whose units were summed as written).
    pub(crate) fn kept(self, unit: impl Fn(&str) -> &str) -> Option<Kept> {
        let lists = self.lists?;
        let mut by_unit: Vec<Vec<Posting>> = vec![Vec::new(); self.units.texts.len()];
        for ((u, _), slots) in lists.entries {
            let list = &mut by_unit[u as usize];
            for slot in slots {
                list.extend(slot.into_vec().into_iter().map(|l| l.0));
            }
        }
        let mut units: Vec<(String, Vec<Posting>)> = Vec::new();
        for (u, list) in by_unit.into_iter().enumerate() {
            if list.is_empty() {
                continue;
            }
            units.push((unit(&self.units.texts[u]).to_string(), list));
        }
        Some(Kept {
            want: lists.want,
            window: lists.window,
            units,
        })
    }
}

/// The months whose transactions a pass keeps for the lists, as the transactions come.
///
/// With a report month given (`--period YYYY-MM`), only its (fiscal) year to date. With
/// `--period latest`, the report month is at most the newest month of the data, and the run
/// steps back to the month before it with outcome when the newest is not closed
/// (`compute::periods::latest_closed`). So the pass keeps the newest month seen, the second
/// newest (`second`), and the months from the start of the second newest's year (`from`)
/// up to it: every month either report's span can hold. Each of the three is bounded by
/// itself (per unit and account, the `n` largest of the newest, of the second newest, and of
/// the months between, `rest`): the largest of a span are among the largest of its parts.
/// As newer months turn up (in any order: the file need not be sorted by date), the parts
/// move down and what falls before `from` is dropped ([`Collect::shift`]); whatever is
/// dropped then is older than any span the new months allow.
///
/// When the report month is neither of the two newest (the newest months have transactions
/// but no outcome, their sums being zero), the span was not kept: [`Kept::covers`] says so
/// and the transactions are read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    year_start: u32,
    /// The report month is given: no other month is kept.
    fixed: bool,
    /// The first month kept.
    from: i32,
    second: Option<i32>,
    newest: Option<i32>,
}

/// The part of a unit's account's transactions a transaction belongs to, in a [`Window`].
const REST: usize = 0;
const SECOND: usize = 1;
const NEWEST: usize = 2;

impl Window {
    fn new(want: &Want) -> Window {
        let year_start = |m: Month| m.year_start(want.year_start).index();
        Window {
            year_start: want.year_start,
            fixed: want.period.is_some(),
            from: want.period.map_or(i32::MIN, year_start),
            second: None,
            newest: want.period.map(Month::index),
        }
    }

    fn year_start(&self, month: i32) -> i32 {
        Month(month).year_start(self.year_start).index()
    }

    /// Where a bucket of `month` goes in this window; `None`: before `from` (dropped).
    fn part(&self, month: i32) -> Option<usize> {
        if Some(month) == self.newest {
            Some(NEWEST)
        } else if Some(month) == self.second {
            Some(SECOND)
        } else if month >= self.from && self.second.is_some_and(|s| month < s) {
            Some(REST)
        } else {
            None
        }
    }
}

/// The `n` largest transactions seen, the smallest of them on top.
pub(crate) type Top = BinaryHeap<Largest>;

/// The lists a pass keeps: per unit and account (ids of [`Months`]), the parts of its
/// [`Window`], each the `n` largest (all of them for [`Keep::All`]).
struct Collect {
    want: Want,
    n: usize,
    window: Window,
    entries: PlHashMap<(u32, u32), [Top; 3]>,
    texts: Texts,
}

impl Collect {
    fn new(want: Want) -> Collect {
        let n = match want.keep {
            Keep::All => usize::MAX,
            Keep::Largest(n) => n,
        };
        Collect {
            want,
            n,
            window: Window::new(&want),
            entries: PlHashMap::default(),
            texts: Texts {
                shared: Shared::default(),
                share_texts: want.keep == Keep::All,
            },
        }
    }

    fn offer(
        &mut self,
        key: (u32, u32),
        month: i32,
        amount: i64,
        posting: impl FnOnce(&mut Texts) -> Posting,
    ) {
        let Some(part) = self.part(month) else {
            return;
        };
        let top = &mut self.entries.entry(key).or_default()[part];
        if top.len() >= self.n
            && top
                .peek()
                .is_some_and(|l| l.0.amount.unsigned_abs() > amount.unsigned_abs())
        {
            return;
        }
        top.push(Largest(posting(&mut self.texts)));
        if top.len() > self.n {
            top.pop();
        }
    }

    /// The part of a transaction of `month`, moving the window when the month is newer than
    /// those seen (`latest`).
    fn part(&mut self, month: i32) -> Option<usize> {
        let w = self.window;
        let newest = match w.newest {
            Some(newest) => newest,
            None => {
                // The first month seen.
                self.window.newest = Some(month);
                self.window.from = w.year_start(month);
                return Some(NEWEST);
            }
        };
        if w.fixed {
            return match month {
                m if m == newest => Some(NEWEST),
                m if m >= w.from && m < newest => Some(REST),
                _ => None,
            };
        }
        if month > newest {
            self.shift(Window {
                second: Some(newest),
                newest: Some(month),
                from: w.year_start(newest),
                ..w
            });
        } else if month < newest && w.second.is_none_or(|s| month > s) {
            self.shift(Window {
                second: Some(month),
                from: w.year_start(month),
                ..w
            });
        }
        self.window.part(month)
    }

    /// Moves every unit's account's parts into the window `to`: a part whose month is still
    /// kept goes to its new place (the parts between `from` and the second newest merged, still
    /// the largest `n` of them), the others are dropped. The months dropped are all before
    /// `to.from`: when `from` moves up, every month seen before the new second newest is
    /// before it (no month seen lies between the second newest and the newest).
    fn shift(&mut self, to: Window) {
        let was = self.window;
        let rest_kept = to.from <= was.from;
        for parts in self.entries.values_mut() {
            let [rest, second, newest] = std::mem::take(parts);
            let moved = [
                (rest_kept.then_some(REST), rest),
                (was.second.and_then(|m| to.part(m)), second),
                (was.newest.and_then(|m| to.part(m)), newest),
            ];
            for (part, mut top) in moved {
                let Some(part) = part else { continue };
                if parts[part].is_empty() {
                    parts[part] = top;
                } else {
                    parts[part].append(&mut top);
                    while parts[part].len() > self.n {
                        parts[part].pop();
                    }
                }
            }
        }
        self.window = to;
    }
}

/// What a pass over the transactions kept for the lists: per unit, the transactions of the
/// months of its [`Window`] (the largest of each part, or all), in result sign.
#[derive(Debug, Clone)]
pub(crate) struct Kept {
    want: Want,
    window: Window,
    units: Vec<(String, Vec<Posting>)>,
}

impl Kept {
    /// Whether the lists of `want`'s report month (given) are among what was kept: its span
    /// was kept whole (the report month is the newest or the second newest month kept, in
    /// years that start in the same month), keeping the same transactions.
    pub(crate) fn covers(&self, want: &Want) -> bool {
        let Some(period) = want.period.map(Month::index) else {
            return false;
        };
        let w = &self.window;
        self.want.keep == want.keep
            && w.year_start == want.year_start
            && (w.newest == Some(period) || w.second == Some(period))
    }

    /// Per unit, the transactions kept.
    #[cfg(test)]
    pub(crate) fn units(&self) -> &[(String, Vec<Posting>)] {
        &self.units
    }

    /// Multiplies every amount kept by `flip` (−1: debit-positive data to result sign).
    pub(crate) fn flip(&mut self, flip: i64) {
        for (_, list) in &mut self.units {
            for p in list {
                p.amount *= flip;
            }
        }
    }

    /// Gives `put` every kept transaction dated `from` to `to` (days since 1970, both
    /// included) with its unit, in no order.
    pub(crate) fn replay(self, from: i32, to: i32, put: &mut impl FnMut(&str, Posting)) {
        for (unit, list) in self.units {
            for p in list.into_iter().filter(|p| (from..=to).contains(&p.date)) {
                put(&unit, p);
            }
        }
    }
}

/// A transaction ordered by [`Posting::largest_first`]: the greatest is the one to drop first.
pub(crate) struct Largest(pub Posting);

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

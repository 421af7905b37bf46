//! The monthly ledger built from finer rows (transactions, SIE balances and vouchers): one
//! fold that sums per (month, unit, account), joins the monthly budget and sorts by that key.
//! Both the Polars path and the row reader feed it.

use std::collections::BTreeMap;

use super::intern::Interner;
use super::table::{ColumnData, Table};

/// Gives a `ledger` table without a `budget` column (an outcome-only export) a budget of zeros,
/// so that every sum reads the same columns. `false` when the column was missing: the data
/// then has no budget, and the report leaves out budget and deviation.
pub(crate) fn fill_missing_budget(tables: &mut BTreeMap<&'static str, Table>) -> bool {
    let Some(ledger) = tables.get_mut("ledger") else {
        return true;
    };
    if ledger.column("budget").is_some() {
        return true;
    }
    let zeros = vec![0; ledger.len()];
    ledger.columns.push(("budget", ColumnData::Money(zeros)));
    false
}

/// A monthly ledger being summed. Rows keep the smallest non-zero row number of what they
/// sum (0 when no row is known, as for the Polars query's groups), so messages point at the
/// first source row.
#[derive(Default)]
pub(crate) struct Fold<'a> {
    units: Interner<'a>,
    accounts: Interner<'a>,
    entries: Vec<Entry>,
}

impl<'a> Fold<'a> {
    /// An empty fold with room for `n` rows.
    pub(crate) fn with_capacity(n: usize) -> Fold<'a> {
        Fold {
            entries: Vec::with_capacity(n),
            ..Fold::default()
        }
    }

    /// Adds one row: outcome and budget in öre, the row it came from, and which source (a
    /// number of the caller's choosing, given back in an [`Overflow`]).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add(
        &mut self,
        source: u32,
        month: i32,
        unit: &'a str,
        account: &'a str,
        actual: i64,
        budget: i64,
        row: u64,
    ) {
        let key = (month, self.units.id(unit), self.accounts.id(account));
        self.entries.push((key, actual, budget, row, source));
    }

    /// Adds every row of the monthly budget table as `source`.
    pub(crate) fn add_budget(&mut self, source: u32, budget: &'a Table) {
        let (periods, units, accounts, amounts) = (
            budget.months("period"),
            budget.text("unit"),
            budget.text("account"),
            budget.money("budget"),
        );
        for i in 0..budget.len() {
            self.add(
                source,
                periods[i],
                &units[i],
                &accounts[i],
                0,
                amounts[i],
                budget.rows[i],
            );
        }
    }

    /// The ledger table: one row per (month, unit, account), sorted by that key. Rows of one
    /// key are summed in the order they were added; a sum past `i64` öre is an [`Overflow`]
    /// at the row where it passed.
    pub(crate) fn finish(self, file: String) -> Result<Table, Overflow> {
        let Fold {
            units,
            accounts,
            mut entries,
        } = self;
        // Ids numbered in the order of the texts, so that keys sort as (month, unit, account).
        let (unit_rank, unit_text) = units.ranks();
        let (account_rank, account_text) = accounts.ranks();
        for e in &mut entries {
            e.0 = (
                e.0.0,
                unit_rank[e.0.1 as usize],
                account_rank[e.0.2 as usize],
            );
        }
        sort_entries(&mut entries);
        let n = entries.len();
        let (mut p, mut u, mut a) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        let (mut act, mut bud, mut rows) = (
            Vec::<i64>::with_capacity(n),
            Vec::<i64>::with_capacity(n),
            Vec::<u64>::with_capacity(n),
        );
        let mut last = None;
        for (key, actual, budget, row, source) in entries {
            if last == Some(key) {
                let i = act.len() - 1;
                let overflow = |budget: bool| Overflow {
                    month: key.0,
                    unit: unit_text[key.1 as usize].to_string(),
                    account: account_text[key.2 as usize].to_string(),
                    row,
                    source,
                    budget,
                };
                act[i] = act[i].checked_add(actual).ok_or_else(|| overflow(false))?;
                bud[i] = bud[i].checked_add(budget).ok_or_else(|| overflow(true))?;
                rows[i] = first_row(rows[i], row);
                continue;
            }
            last = Some(key);
            p.push(key.0);
            u.push(key.1);
            a.push(key.2);
            act.push(actual);
            bud.push(budget);
            rows.push(row);
        }
        // The texts of a million rows: units on a second thread, accounts on this one.
        let texts = |ids: Vec<u32>, text: &[&str]| -> Vec<String> {
            ids.into_iter()
                .map(|i| text[i as usize].to_string())
                .collect()
        };
        let (u, a) = std::thread::scope(|s| {
            let u = s.spawn(|| texts(u, &unit_text));
            let a = texts(a, &account_text);
            (u.join(), a)
        });
        let u = u.unwrap_or_else(|e| std::panic::resume_unwind(e));
        Ok(Table::ledger(file, rows, p, u, a, act, bud))
    }
}

/// A sum of one (month, unit, account) that passed the largest amount in öre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Overflow {
    /// The month index.
    pub month: i32,
    pub unit: String,
    pub account: String,
    /// The row (or line) whose amount made the sum pass.
    pub row: u64,
    /// The source the caller gave that row.
    pub source: u32,
    /// Whether the budget (not the outcome) passed.
    pub budget: bool,
}

impl Overflow {
    /// The message for the finding at the overflowing row.
    pub(crate) fn message(&self) -> String {
        format!(
            "the amounts of unit {}, account {}, {} add up past the largest amount that can be summed exactly ({} kr) at this row (expected amounts far below it)",
            self.unit,
            self.account,
            crate::model::period::Month(self.month),
            crate::model::money::kronor_text(i64::MAX)
        )
    }
}

/// The smaller known row number of two (0 is unknown).
fn first_row(a: u64, b: u64) -> u64 {
    match (a, b) {
        (0, r) | (r, 0) => r,
        (a, b) => a.min(b),
    }
}

/// Sorts ledger rows by key. The key is packed into one integer when it fits (it always does
/// for real regions: a few hundred months, units and accounts), which sorts several times
/// faster than comparing the tuples.
fn sort_entries(entries: &mut Vec<Entry>) {
    let bits = |max: u64| 64 - max.leading_zeros();
    let (lo, hi) = entries.iter().fold((i32::MAX, i32::MIN), |(lo, hi), e| {
        (lo.min(e.0.0), hi.max(e.0.0))
    });
    let max = |f: fn(&Entry) -> u32| u64::from(entries.iter().map(f).max().unwrap_or(0));
    let (ub, ab) = (bits(max(|e| e.0.1)), bits(max(|e| e.0.2)));
    let mb = bits(u64::try_from(i64::from(hi) - i64::from(lo)).unwrap_or(0));
    if entries.len() > u32::MAX as usize || mb + ub + ab >= 64 {
        entries.sort_by_key(|e| e.0);
        return;
    }
    let mut order: Vec<(u64, u32)> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let m = (e.0.0 - lo) as u64;
            (
                (m << (ub + ab)) | (u64::from(e.0.1) << ab) | u64::from(e.0.2),
                i as u32,
            )
        })
        .collect();
    order.sort_unstable();
    let mut sorted = Vec::with_capacity(entries.len());
    sorted.extend(order.iter().map(|&(_, i)| entries[i as usize]));
    *entries = sorted;
}

/// A ledger row being built: (month, unit id, account id), actual, budget, row, source.
type Entry = ((i32, u32, u32), i64, i64, u64, u32);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_per_key_in_key_order_with_the_first_row() {
        let mut fold = Fold::default();
        fold.add(0, 5, "B", "4010", 100, 0, 7);
        fold.add(0, 5, "A", "5010", 1, 0, 3);
        fold.add(0, 5, "B", "4010", 250, 0, 4);
        fold.add(0, 4, "B", "4010", -5, 0, 0);
        fold.add(1, 5, "A", "5010", 0, 900, 0);
        let t = fold.finish("t".into()).unwrap();
        assert_eq!(t.months("period"), [4, 5, 5]);
        assert_eq!(t.text("unit"), ["B", "A", "B"]);
        assert_eq!(t.money("actual"), [-5, 1, 350]);
        assert_eq!(t.money("budget"), [0, 900, 0]);
        assert_eq!(t.rows, [0, 3, 4]);
    }

    #[test]
    fn a_sum_past_the_largest_amount_names_its_row() {
        let mut fold = Fold::default();
        fold.add(0, 5, "A", "4010", i64::MAX - 10, 0, 2);
        fold.add(0, 5, "B", "4010", 1, 0, 3);
        fold.add(0, 5, "A", "4010", 11, 0, 9);
        let e = fold.finish("t".into()).unwrap_err();
        assert_eq!((e.row, e.source, e.budget), (9, 0, false));
        assert_eq!((e.unit.as_str(), e.account.as_str()), ("A", "4010"));
    }
}

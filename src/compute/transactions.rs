//! The transactions behind each leaf unit's accounts: every transaction of the year to date,
//! for the workbook's transaction sheet, and the largest of the month and of the year for the
//! account view.

use crate::load::Dataset;
use crate::model::period::Month;
use crate::model::posting::Posting;
use crate::model::tree::Tree;

pub(crate) use crate::model::posting::Keep;

/// Per node, the transactions of a leaf unit from the first day of the (fiscal) year `start`
/// to the last day of the report month `period`, by date and input order (empty for the
/// other nodes), all of them or only the largest (`keep`); `None` when the ledger is not
/// summed from transactions.
pub(crate) fn of_leaves(
    data: &Dataset,
    tree: &Tree,
    period: Month,
    start: Month,
    keep: Keep,
) -> Option<Vec<Vec<Posting>>> {
    let leaf = |unit: &str| tree.get(unit).filter(|&n| tree.is_leaf(n));
    let (from, to) = (first_day(start), last_day(period));
    let keep = match keep {
        Keep::All => None,
        Keep::Largest(n) => Some((n, first_day(period))),
    };
    data.postings(from, to, tree.nodes.len(), leaf, keep)
}

/// The first day of a month, in days since 1970.
pub(crate) fn first_day(m: Month) -> i32 {
    crate::clock::days_from_civil(m.year(), m.month(), 1)
}

/// The last day of a month, in days since 1970.
pub(crate) fn last_day(m: Month) -> i32 {
    let days = crate::clock::days_in_month(m.year(), m.month());
    crate::clock::days_from_civil(m.year(), m.month(), days)
}

/// The `n` largest transactions by absolute amount; on equal amounts the earlier date, then
/// the earlier row of the input, comes first.
pub(crate) fn largest<'a>(
    postings: impl Iterator<Item = &'a Posting>,
    n: usize,
) -> Vec<&'a Posting> {
    let mut all: Vec<&Posting> = postings.collect();
    let key = |p: &&Posting| p.largest_first();
    if all.len() > n {
        all.select_nth_unstable_by_key(n, key);
        all.truncate(n);
    }
    all.sort_by_key(key);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(date: i32, amount: i64, order: u64) -> Posting {
        Posting {
            date,
            account: "4010".into(),
            amount,
            text: "".into(),
            order,
        }
    }

    #[test]
    fn largest_by_absolute_amount_then_date_then_row() {
        let all = [
            p(3, 100, 1),
            p(2, -500, 2),
            p(5, 500, 3),
            p(2, 500, 9),
            p(1, 7, 4),
            p(4, -100, 5),
        ];
        let got: Vec<(i32, i64, u64)> = largest(all.iter(), 4)
            .into_iter()
            .map(|p| (p.date, p.amount, p.order))
            .collect();
        assert_eq!(got, [(2, -500, 2), (2, 500, 9), (5, 500, 3), (3, 100, 1)]);
        assert_eq!(largest(all.iter(), 0).len(), 0);
        assert_eq!(largest(all.iter(), 10).len(), 6);
    }

    #[test]
    fn a_month_runs_from_its_first_to_its_last_day() {
        let feb = Month::of(2020, 2);
        assert_eq!(crate::clock::date_text(first_day(feb)), "2020-02-01");
        assert_eq!(crate::clock::date_text(last_day(feb)), "2020-02-29");
    }
}

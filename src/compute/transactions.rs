//! The transactions behind each leaf unit's accounts: every transaction of the year to date,
//! for the workbook's transaction sheet, and the largest of the month and of the year for the
//! account view. The load stage keeps them while it sums the ledger and hands over those of
//! the report's span (`load::postings::of_leaves`, asked for between loading and computing);
//! here they are only chosen from.

use crate::model::posting::Posting;

pub(crate) use crate::model::period::first_day;

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
}

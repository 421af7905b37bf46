//! The largest transactions of each account of a leaf unit, as the account view shows them.

use std::collections::HashMap;

use serde::Serialize;

use super::Num;
use super::format::Format;
use crate::compute::transactions::{first_day, largest};
use crate::model::period::Month;
use crate::model::posting::Posting;

/// One transaction as the account view shows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TransactionView {
    /// `YYYY-MM-DD`; `YYYY-MM` when the transactions are dated by month.
    pub date: String,
    pub text: String,
    /// Kronor with two decimals.
    pub amount: Num,
}

/// A leaf unit's transactions of the year to date, by account.
pub(crate) struct ByAccount<'a> {
    accounts: HashMap<&'a str, Vec<&'a Posting>>,
    /// The first day of the report month.
    month_from: i32,
    /// How many each list shows.
    n: usize,
    /// Whether the transactions are dated by month: their dates are shown as months.
    by_month: bool,
}

impl<'a> ByAccount<'a> {
    pub(crate) fn new(
        postings: &'a [Posting],
        period: Month,
        n: usize,
        by_month: bool,
    ) -> ByAccount<'a> {
        let mut accounts: HashMap<&str, Vec<&Posting>> = HashMap::new();
        for p in postings {
            accounts.entry(&*p.account).or_default().push(p);
        }
        ByAccount {
            accounts,
            month_from: first_day(period),
            n,
            by_month,
        }
    }

    /// The account's largest transactions of the report month (`month`) or of the year to
    /// date.
    pub(crate) fn largest(&self, fmt: &Format, account: &str, month: bool) -> Vec<TransactionView> {
        let Some(all) = self.accounts.get(account) else {
            return Vec::new();
        };
        let from = if month { self.month_from } else { i32::MIN };
        largest(all.iter().copied().filter(|p| p.date >= from), self.n)
            .into_iter()
            .map(|p| TransactionView {
                date: if self.by_month {
                    let (y, m, _) = crate::clock::civil_from_days(p.date);
                    Month::of(y, m).to_string()
                } else {
                    crate::clock::date_text(p.date)
                },
                text: p.text.to_string(),
                amount: fmt.kronor(p.amount),
            })
            .collect()
    }
}

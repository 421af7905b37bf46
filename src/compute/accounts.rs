//! The accounts behind each report row: per unit (at every level of the tree) and account, the
//! same figures as the row — accumulated outcome and budget, the same months last year and the
//! full-year budget — so that a reader can follow a row down to its accounts.

use std::collections::HashMap;

use super::{Amounts, Categories};
use crate::load::Table;
use crate::model::period::Month;
use crate::model::tree::Tree;

/// One account of one unit.
#[derive(Debug, Clone)]
pub(crate) struct AccountFigures {
    pub account: String,
    /// The report category (its name) the account is placed in.
    pub category: String,
    pub acc: Amounts,
    pub prev_year: Amounts,
    pub budget_year: i64,
}

/// Per node, its accounts with outcome or budget this year or last, in account order.
pub(crate) fn accounts(
    ledger: &Table,
    tree: &Tree,
    cats: &Categories,
    period: Month,
    start: Month,
) -> Vec<Vec<AccountFigures>> {
    let (periods, units, accounts, actual, budget) = (
        ledger.months("period"),
        ledger.text("unit"),
        ledger.text("account"),
        ledger.money("actual"),
        ledger.money("budget"),
    );
    let (from, to, year_end) = (start.index(), period.index(), start.index() + 11);
    let (last_from, last_to) = (from - 12, to - 12);
    let mut sums: Vec<HashMap<&str, AccountFigures>> = vec![HashMap::new(); tree.nodes.len()];
    let mut nodes_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for i in 0..ledger.len() {
        let p = periods[i];
        let this = (from..=to).contains(&p);
        let last = (last_from..=last_to).contains(&p);
        let in_year = (from..=year_end).contains(&p);
        if !this && !last && !in_year {
            continue;
        }
        let nodes = nodes_of.entry(units[i].as_str()).or_insert_with(|| {
            tree.get(&units[i])
                .map(|n| tree.ancestors_or_self(n))
                .unwrap_or_default()
        });
        let b = budget.get(i).copied().unwrap_or(0);
        for &node in nodes.iter() {
            let a = sums[node]
                .entry(accounts[i].as_str())
                .or_insert_with(|| AccountFigures {
                    account: accounts[i].clone(),
                    category: cats
                        .of_account
                        .get(&accounts[i])
                        .map(|&c| cats.names[c].clone())
                        .unwrap_or_default(),
                    acc: Amounts::default(),
                    prev_year: Amounts::default(),
                    budget_year: 0,
                });
            // The amounts of a table add up below a quarter of i64 (checked on load).
            if this {
                a.acc.add(Amounts {
                    actual: actual[i],
                    budget: b,
                });
            }
            if last {
                a.prev_year.add(Amounts {
                    actual: actual[i],
                    budget: b,
                });
            }
            if in_year {
                a.budget_year += b;
            }
        }
    }
    sums.into_iter()
        .map(|m| {
            let mut v: Vec<AccountFigures> = m
                .into_values()
                .filter(|a| {
                    a.acc != Amounts::default()
                        || a.prev_year != Amounts::default()
                        || a.budget_year != 0
                })
                .collect();
            v.sort_by(|a, b| a.account.cmp(&b.account));
            v
        })
        .collect()
}

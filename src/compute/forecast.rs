//! The forecast table: one full-year deviation per unit, or one per row of the income
//! statement (the optional `category` column). Per unit and month the forecast is the total
//! row, else the sum of its category rows; every category without a row forecasts its budget
//! (deviation 0). Rolled up the tree like every figure: a unit without a forecast of its own
//! has the sum of its children's.

use std::collections::BTreeMap;

use super::{Categories, Forecast};
use crate::diag::Findings;
use crate::load::Table;
use crate::model::money::kronor_text;
use crate::model::period::Month;
use crate::model::tree::Tree;

/// A unit's effective forecast at a month, with its deviation per category where the
/// forecast is given per row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnitForecast {
    pub total: Forecast,
    /// Per category index, the forecast deviation; `None` when the forecast behind this figure
    /// (the unit's own, or one of its children's) gives only a total.
    pub by_category: Option<Vec<i64>>,
}

/// The category index of `name` among the report categories (case-insensitive, as the
/// `accounts` table's categories are matched).
fn category_index(cats: &Categories, name: &str) -> Option<usize> {
    let lower = name.to_lowercase();
    cats.names.iter().position(|n| n.to_lowercase() == lower)
}

/// Each unit's effective forecast at `month`: its own newest forecast made this year up to
/// that month (the rows of that month: the total row, else the sum of the category rows), or
/// else the sum of its children's. `cats`: the report categories, to split the forecast per
/// row (`None`: totals only).
pub(crate) fn effective(
    forecast: Option<&Table>,
    tree: &Tree,
    month: Month,
    start: Month,
    cats: Option<&Categories>,
) -> Vec<Option<UnitForecast>> {
    let mut own: Vec<Option<UnitForecast>> = vec![None; tree.nodes.len()];
    if let Some(t) = forecast {
        let periods = t.months("period");
        let units = t.text("unit");
        let deviations = t.money("deviation");
        let categories = t.column("category").map(|_| t.text("category"));
        let category = |i: usize| categories.map_or("", |c| c[i].as_str());
        // The newest month each unit forecast in, this year up to `month`.
        let mut newest: Vec<Option<Month>> = vec![None; tree.nodes.len()];
        for (p, u) in periods.iter().zip(units) {
            let p = Month(*p);
            if p < start || p > month {
                continue;
            }
            if let Some(n) = tree.get(u)
                && newest[n].is_none_or(|m| m < p)
            {
                newest[n] = Some(p);
            }
        }
        // That month's rows: a total row, and category rows.
        let mut total: Vec<Option<i64>> = vec![None; tree.nodes.len()];
        let mut rows: Vec<Option<Vec<i64>>> = vec![None; tree.nodes.len()];
        for i in 0..t.len() {
            let Some(n) = tree.get(&units[i]) else {
                continue;
            };
            if newest[n] != Some(Month(periods[i])) {
                continue;
            }
            let c = category(i);
            if c.is_empty() {
                total[n] = Some(deviations[i]);
            } else {
                let by = rows[n].get_or_insert_with(|| vec![0; cats.map_or(0, |c| c.names.len())]);
                if let Some(k) = cats.and_then(|cats| category_index(cats, c)) {
                    by[k] += deviations[i];
                }
            }
        }
        for n in 0..tree.nodes.len() {
            let Some(made) = newest[n] else { continue };
            let sum = rows[n].as_ref().map(|r| r.iter().sum::<i64>());
            let deviation = total[n].or(sum).unwrap_or(0);
            own[n] = Some(UnitForecast {
                total: Forecast { deviation, made },
                by_category: rows[n].take().filter(|_| cats.is_some()),
            });
        }
    }
    let mut eff = own;
    for &n in tree.order.iter().rev() {
        if eff[n].is_some() {
            continue;
        }
        let mut sum: Option<UnitForecast> = None;
        for &c in &tree.nodes[n].children {
            let Some(f) = &eff[c] else { continue };
            sum = Some(match sum {
                None => f.clone(),
                Some(s) => UnitForecast {
                    total: Forecast {
                        deviation: s.total.deviation + f.total.deviation,
                        made: s.total.made.max(f.total.made),
                    },
                    by_category: match (s.by_category, &f.by_category) {
                        (Some(a), Some(b)) => Some(a.iter().zip(b).map(|(x, y)| x + y).collect()),
                        _ => None,
                    },
                },
            });
        }
        eff[n] = sum;
    }
    eff
}

/// One unit's rows of one month in the forecast table: its total row, and its category rows.
type Group = (Option<usize>, Vec<usize>);

/// The forecast table's category rows checked against the report categories: a category that
/// is not one is an error with the nearest names, and a unit whose total row and category rows
/// of one month disagree is an error naming the rows and the two sums.
pub(crate) fn check(forecast: Option<&Table>, cats: &Categories, findings: &mut Findings) {
    let Some(t) = forecast else { return };
    if t.column("category").is_none() {
        return;
    }
    let categories = t.text("category");
    let periods = t.months("period");
    let units = t.text("unit");
    let deviations = t.money("deviation");
    // Every problem as (index of its row, column, message), reported in row order.
    let mut problems: Vec<(usize, &'static str, String)> = Vec::new();
    // (period, unit) → the total row, and the category rows.
    let mut groups: BTreeMap<(i32, &str), Group> = BTreeMap::new();
    for (i, c) in categories.iter().enumerate() {
        let g = groups.entry((periods[i], units[i].as_str())).or_default();
        if c.is_empty() {
            g.0 = Some(i);
            continue;
        }
        g.1.push(i);
        if category_index(cats, c).is_none() {
            problems.push((
                i,
                "category",
                format!(
                    "\"{c}\" is not a report category (the nearest: {})",
                    nearest(cats, c)
                ),
            ));
        }
    }
    for (total, rows) in groups.into_values() {
        let Some(total) = total else { continue };
        let sum: i64 = rows.iter().map(|&i| deviations[i]).sum();
        if rows.is_empty() || sum == deviations[total] {
            continue;
        }
        let lines: Vec<String> = rows.iter().map(|&i| t.origin(i).1.to_string()).collect();
        problems.push((
            total,
            "deviation",
            format!(
                "unit {} forecasts {} kr in total for {} but its category rows ({} {}) sum to {} kr; give the total or the rows, or make them agree",
                units[total],
                kronor_text(deviations[total]),
                Month(periods[total]),
                if lines.len() == 1 { "row" } else { "rows" },
                lines.join(", "),
                kronor_text(sum),
            ),
        ));
    }
    problems.sort_by_key(|(i, _, _)| t.origin(*i).1);
    for (i, column, message) in problems {
        let (file, row) = t.origin(i);
        findings.error(file, Some(row), Some(column), message);
    }
}

/// The three report categories nearest to `name`, quoted.
fn nearest(cats: &Categories, name: &str) -> String {
    let lower = name.to_lowercase();
    let mut names: Vec<(usize, &String)> = cats
        .names
        .iter()
        .map(|n| (strsim::levenshtein(&lower, &n.to_lowercase()), n))
        .collect();
    names.sort();
    names
        .iter()
        .take(3)
        .map(|(_, n)| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

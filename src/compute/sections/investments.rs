//! Investment follow-up: per project the full-year budget, the outcome to the report month
//! and the full-year forecast, rolled up to every unit of the tree.

use super::*;

/// One project as a unit sees it (its own and its descendants' rows).
#[derive(Debug, Clone, Default)]
pub(crate) struct ProjectRow {
    pub code: String,
    /// From the `projects` table; the code when the table is absent.
    pub name: String,
    pub category: Option<String>,
    /// The planned start, when given.
    pub start: Option<Month>,
    /// The full-year budget: the `projects` table's, else the year's monthly budgets.
    pub budget: i64,
    /// The outcome from the start of the year to the report month.
    pub actual: i64,
    /// The full-year forecast: the sum of the latest forecast up to the report month of each
    /// unit's rows for the project; `None` when no such forecast is made.
    pub forecast: Option<i64>,
}

impl ProjectRow {
    /// No outcome to date, and (when a start is planned) planned to start by `period`.
    pub(crate) fn not_started(&self, period: Month) -> bool {
        self.actual == 0 && self.start.is_none_or(|s| s <= period)
    }

    /// Outcome to date above the full-year budget.
    pub(crate) fn over_budget(&self) -> bool {
        self.actual > self.budget
    }

    /// The forecast, or the budget for a project without one.
    pub(crate) fn forecast_or_budget(&self) -> i64 {
        self.forecast.unwrap_or(self.budget)
    }
}

/// The share of a full-year budget spread evenly over the months that `k` months of the year
/// carry, to the öre (half to even).
pub(crate) fn budget_spread(budget: i64, k: usize) -> i64 {
    crate::compute::explain::div_half_even(i128::from(budget) * k as i128, 12) as i64
}

/// A unit's investments.
#[derive(Debug, Clone, Default)]
pub(crate) struct Investments {
    /// Projects by code.
    pub projects: Vec<ProjectRow>,
    /// The outcome of each month of the year to the report month.
    pub monthly: Vec<i64>,
    /// Whether any forecast is made this year for the unit's projects.
    pub forecast_given: bool,
    /// Whether the report month is at or after the lapse month in the fiscal year.
    pub lapsed: bool,
}

/// Sums of a group of projects: budget, outcome, forecast (the budget where no forecast).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct InvestmentSums {
    pub budget: i64,
    pub actual: i64,
    pub forecast: i64,
}

impl InvestmentSums {
    pub(crate) fn of<'a>(rows: impl IntoIterator<Item = &'a ProjectRow>) -> InvestmentSums {
        rows.into_iter()
            .fold(InvestmentSums::default(), |s, p| InvestmentSums {
                budget: s.budget + p.budget,
                actual: s.actual + p.actual,
                forecast: s.forecast + p.forecast_or_budget(),
            })
    }
}

impl Investments {
    /// The categories in order of first appearance, each with its sums (`None`: no category).
    pub(crate) fn categories(&self) -> Vec<(Option<&str>, InvestmentSums)> {
        let mut names: Vec<Option<&str>> = Vec::new();
        for p in &self.projects {
            if !names.contains(&p.category.as_deref()) {
                names.push(p.category.as_deref());
            }
        }
        names
            .into_iter()
            .map(|c| {
                let rows = self.projects.iter().filter(|p| p.category.as_deref() == c);
                (c, InvestmentSums::of(rows))
            })
            .collect()
    }

    pub(crate) fn total(&self) -> InvestmentSums {
        InvestmentSums::of(&self.projects)
    }
}

/// Fills in the investments of every unit with a project (and of the root whenever a table
/// is given).
pub(super) fn investments(cx: &Ctx<'_>, out: &mut [UnitSections]) {
    let (inv, projects, forecasts) = (
        cx.data.get("investments"),
        cx.data.get("projects"),
        cx.data.get("investment_forecast"),
    );
    if inv.is_none() && projects.is_none() {
        return;
    }
    let (from, to) = (cx.start.index(), cx.period.index());
    let mut units: Vec<BTreeMap<String, ProjectRow>> = vec![BTreeMap::new(); cx.n];
    let mut monthly = vec![vec![0i64; cx.m]; cx.n];
    let mut forecast_given = vec![false; cx.n];
    let info: BTreeMap<&str, usize> = projects
        .map(|t| {
            t.text("project")
                .iter()
                .enumerate()
                .map(|(i, c)| (c.as_str(), i))
                .collect()
        })
        .unwrap_or_default();
    // A project as first met: its name, category and planned start from the projects table.
    let new_row = |code: &str| -> ProjectRow {
        let mut p = ProjectRow {
            code: code.to_string(),
            name: code.to_string(),
            ..ProjectRow::default()
        };
        if let (Some(t), Some(&i)) = (projects, info.get(code)) {
            p.name = t.text("name")[i].clone();
            p.category = t
                .column("category")
                .map(|_| t.text("category")[i].clone())
                .filter(|c| !c.trim().is_empty());
            p.start = t
                .column("start")
                .and_then(|_| t.months("start").get(i).copied())
                .filter(|&x| x != 0)
                .map(Month);
        }
        p
    };
    let mut with = |node: usize, code: &str, f: &mut dyn FnMut(&mut ProjectRow)| {
        let rows = &mut units[node];
        match rows.get_mut(code) {
            Some(p) => f(p),
            None => {
                let mut p = new_row(code);
                f(&mut p);
                rows.insert(code.to_string(), p);
            }
        }
    };
    if let Some(t) = projects {
        let (codes, owners, budgets) = (t.text("project"), t.text("unit"), t.money("budget"));
        for i in 0..t.len() {
            for &node in cx.nodes_of(&owners[i]) {
                with(node, &codes[i], &mut |p| p.budget += budgets[i]);
            }
        }
    }
    if let Some(t) = inv {
        let (periods, owners, codes, actual) = (
            t.months("period"),
            t.text("unit"),
            t.text("project"),
            t.money("actual"),
        );
        // The monthly budgets count only when the projects table gives no budget.
        let budget =
            (projects.is_none() && t.column("budget").is_some()).then(|| t.money("budget"));
        for i in 0..t.len() {
            if periods[i] < from || periods[i] >= from + 12 {
                continue;
            }
            let a = if periods[i] <= to { actual[i] } else { 0 };
            let b = budget.map_or(0, |b| b[i]);
            for &node in cx.nodes_of(&owners[i]) {
                with(node, &codes[i], &mut |p| {
                    p.actual += a;
                    p.budget += b;
                });
                if periods[i] <= to {
                    monthly[node][(periods[i] - from) as usize] += a;
                }
            }
        }
    }
    if let Some(t) = forecasts {
        let (periods, owners, codes, amounts) = (
            t.months("period"),
            t.text("unit"),
            t.text("project"),
            t.money("forecast"),
        );
        // The latest forecast of each unit and project made this year up to the report month.
        let mut latest: BTreeMap<(&str, &str), (i32, i64)> = BTreeMap::new();
        for i in 0..t.len() {
            if periods[i] < from || periods[i] > to {
                continue;
            }
            let e = latest
                .entry((owners[i].as_str(), codes[i].as_str()))
                .or_insert((periods[i], amounts[i]));
            if periods[i] >= e.0 {
                *e = (periods[i], amounts[i]);
            }
        }
        for ((owner, code), (_, amount)) in latest {
            for &node in cx.nodes_of(owner) {
                with(node, code, &mut |p| {
                    p.forecast = Some(p.forecast.unwrap_or(0) + amount);
                });
                forecast_given[node] = true;
            }
        }
    }
    let lapsed = cx
        .config
        .lapse_month
        .is_some_and(|l| lapsed(l, cx.config.year_start(), cx.m));
    for (node, rows) in units.into_iter().enumerate() {
        if rows.is_empty() && node != cx.tree.root {
            continue;
        }
        out[node].investments = Some(Investments {
            projects: rows.into_values().collect(),
            monthly: std::mem::take(&mut monthly[node]),
            forecast_given: forecast_given[node],
            lapsed,
        });
    }
}

/// Whether the report month, the `m`-th of a fiscal year that starts in month `year_start`,
/// is at or after the lapse month `lapse` (both 1–12) in that year.
fn lapsed(lapse: u32, year_start: u32, m: usize) -> bool {
    // The lapse month's place in the fiscal year, from 1.
    let place = (lapse + 12 - year_start) % 12 + 1;
    m as u32 >= place
}

#[cfg(test)]
mod tests {
    use super::lapsed;

    #[test]
    fn the_lapse_month_counts_in_the_fiscal_year() {
        // The calendar year: September is the ninth month.
        assert!(!lapsed(9, 1, 8));
        assert!(lapsed(9, 1, 9));
        assert!(lapsed(9, 1, 12));
        // A year July–June: September is the third month, March the ninth.
        assert!(!lapsed(9, 7, 2));
        assert!(lapsed(9, 7, 3));
        assert!(!lapsed(3, 7, 8));
        assert!(lapsed(3, 7, 9));
        // January in a year that starts in January: from the first month on.
        assert!(lapsed(1, 1, 1));
    }
}

//! The figures: accumulated outcome, budget and deviation per unit at every level of the
//! tree, per report category, this year and last, the change since last month, and the
//! forecast. Pure functions of the loaded tables; the heavy sums run in Polars.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use polars::prelude::*;

pub(crate) mod accounts;
pub(crate) mod commentary;
pub(crate) mod explain;
pub(crate) mod forecast;
pub(crate) mod packs;
pub(crate) mod periods;
pub(crate) mod restated;
pub(crate) mod sections;
mod sign;
pub(crate) mod transactions;

use crate::config::{Config, Row};
use crate::diag::Findings;
use crate::load::{Dataset, Table};
use crate::model::period::Month;
use crate::model::tree::Tree;

/// Outcome and budget in öre, result sign.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Amounts {
    pub actual: i64,
    pub budget: i64,
}

impl Amounts {
    pub(crate) fn deviation(&self) -> i64 {
        self.actual - self.budget
    }

    fn add(&mut self, other: Amounts) {
        self.actual += other.actual;
        self.budget += other.budget;
    }
}

/// A row of the category table as computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RowKind {
    Category,
    Subtotal,
}

#[derive(Debug, Clone)]
pub(crate) struct RowFigures {
    pub name: String,
    pub kind: RowKind,
    /// Accumulated this year (January to the report month).
    pub acc: Amounts,
    /// The same months last year.
    pub prev_year: Amounts,
    /// Accumulated to the previous month of the same year (zero in the year's first month).
    pub prev_month: Amounts,
    /// Full-year budget this year.
    pub budget_year: i64,
    /// The report month alone.
    pub month: Amounts,
    /// Last (fiscal) year's full-year outcome.
    pub actual_last_year: i64,
    /// The forecast full-year deviation of the row; `None` when the forecast gives only the
    /// unit's total (a subtotal of every category still has it) or there is none.
    pub forecast: Option<i64>,
    /// The same, as the forecast stood in the previous month.
    pub forecast_prev: Option<i64>,
}

impl RowFigures {
    /// No outcome or budget this year or last: the row is left out of a unit's table.
    pub(crate) fn is_empty(&self) -> bool {
        self.acc == Amounts::default()
            && self.prev_year == Amounts::default()
            && self.budget_year == 0
    }
}

#[derive(Debug, Clone)]
pub(crate) struct MonthFigures {
    pub month: Month,
    /// `None` after the report month.
    pub actual: Option<i64>,
    pub budget: i64,
    pub actual_prev_year: i64,
    /// Last year's costs in the month: the categories' negative outcomes (0 or less).
    pub cost_prev_year: i64,
    /// Last year's budget in the month.
    pub budget_prev_year: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Forecast {
    /// Forecast full-year deviation, öre.
    pub deviation: i64,
    /// The month the newest forecast behind this figure was made.
    pub made: Month,
}

#[derive(Debug, Clone)]
pub(crate) struct UnitFigures {
    pub acc: Amounts,
    pub prev_year: Amounts,
    /// Accumulated to the previous month of the same year; `None` in January.
    pub prev_month: Option<Amounts>,
    pub budget_year: i64,
    pub rows: Vec<RowFigures>,
    pub months: Vec<MonthFigures>,
    pub forecast: Option<Forecast>,
    pub forecast_prev: Option<Forecast>,
}

impl UnitFigures {
    pub(crate) fn deviation_change(&self) -> Option<i64> {
        self.prev_month
            .map(|p| self.acc.deviation() - p.deviation())
    }

    /// The full-year result the forecast gives (full-year budget + forecast deviation); `None`
    /// without a forecast, or when the data has no budget (`budget_given` false).
    pub(crate) fn forecast_result(&self, budget_given: bool) -> Option<i64> {
        self.forecast
            .filter(|_| budget_given)
            .map(|fc| self.budget_year + fc.deviation)
    }

    /// The year-end result in öre if the accumulated deviation goes on at the pace of the
    /// months so far (`m` of them): the full-year budget plus the deviation × 12 / m, to the
    /// öre (half to even); the accumulated deviation plus the forecast check's run rate.
    /// `None` in the year's last month.
    pub(crate) fn run_rate_end(&self, m: usize) -> Option<i64> {
        (1..12).contains(&m).then(|| {
            let dev = explain::div_half_even(self.acc.deviation() as i128 * 12, m as i128);
            self.budget_year
                .saturating_add(dev.clamp(i64::MIN as i128, i64::MAX as i128) as i64)
        })
    }

    pub(crate) fn forecast_change(&self) -> Option<i64> {
        match (self.forecast, self.forecast_prev) {
            (Some(a), Some(b)) => Some(a.deviation - b.deviation),
            _ => None,
        }
    }
}

/// Everything computed for one report month.
#[derive(Debug, Clone)]
pub(crate) struct Figures {
    pub period: Month,
    /// One entry per tree node, indexed like `tree.nodes`.
    pub units: Vec<UnitFigures>,
    /// Whether the data gives a budget. Without one every budget here is zero, and budget,
    /// deviation and what is derived from them are not figures of the report.
    pub budget_given: bool,
    /// Whether the ledger has outcome for last (fiscal) year. Without it the same period
    /// last year is not a figure of the report (not a zero to compare with).
    pub prev_year_given: bool,
}

/// The report rows with categories resolved to indices.
#[derive(Debug, Clone)]
pub(crate) struct Categories {
    pub names: Vec<String>,
    /// The rows in report order.
    pub rows: Vec<Line>,
    /// account → category index.
    pub of_account: BTreeMap<String, usize>,
}

/// A row of the income statement as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Line {
    /// The category of this index in [`Categories::names`].
    Category(usize),
    /// A subtotal of every category above it, by its name.
    Subtotal(String),
}

/// Maps every account in the ledger to a category: the `accounts` table first, then the
/// config's ranges (the most specific range wins). Unmapped accounts get their own row.
pub(crate) fn categorize(
    ledger: &Table,
    accounts: Option<&Table>,
    config: &Config,
    findings: &mut Findings,
) -> Categories {
    let mut names: Vec<String> = Vec::new();
    let mut rows: Vec<Line> = Vec::new();
    let mut ranges: Vec<(usize, &crate::config::AccountRange)> = Vec::new();
    for row in &config.rows {
        match row {
            Row::Category { name, ranges: r } => {
                let i = names.len();
                names.push(name.clone());
                rows.push(Line::Category(i));
                ranges.extend(r.iter().map(|r| (i, r)));
            }
            Row::Subtotal { name } => rows.push(Line::Subtotal(name.clone())),
        }
    }
    let first_subtotal = rows
        .iter()
        .position(|r| matches!(r, Line::Subtotal(_)))
        .unwrap_or(rows.len());
    let mut extra: Vec<usize> = Vec::new();
    let mut by_table: HashMap<&str, usize> = HashMap::new();
    if let Some(acc) = accounts {
        let mut new_names: Vec<(String, u64)> = Vec::new();
        let mut blank: Vec<&str> = Vec::new();
        for (i, (account, category)) in acc
            .text("account")
            .iter()
            .zip(acc.text("category"))
            .enumerate()
        {
            if category.is_empty() {
                blank.push(account);
                continue;
            }
            let idx = match names.iter().position(|n| {
                n.eq_ignore_ascii_case(category) || n.to_lowercase() == category.to_lowercase()
            }) {
                Some(i) => i,
                None => {
                    names.push(category.clone());
                    extra.push(names.len() - 1);
                    new_names.push((category.clone(), acc.rows[i]));
                    names.len() - 1
                }
            };
            by_table.insert(account.as_str(), idx);
        }
        if !blank.is_empty() {
            const SHOWN: usize = 10;
            let mut list = blank[..blank.len().min(SHOWN)].join(", ");
            if blank.len() > SHOWN {
                list.push_str(&format!(" and {} more", blank.len() - SHOWN));
            }
            findings.note(
                &acc.file,
                if blank.len() == 1 {
                    format!("account {list} has no category here and is placed by the config's account ranges")
                } else {
                    format!(
                        "{} accounts have no category here and are placed by the config's account ranges: {list}",
                        blank.len()
                    )
                },
            );
        }
        for (name, row) in new_names {
            findings.warning(
                &acc.file,
                Some(row),
                Some(acc.shown("category")),
                format!("category \"{name}\" is not among the configured report rows; it is shown before the first subtotal"),
            );
        }
    }
    // Distinct accounts through a hash set first: the ledger has a million rows, a few
    // hundred accounts.
    let distinct: std::collections::HashSet<&str> =
        ledger.text("account").iter().map(String::as_str).collect();
    let distinct: BTreeSet<&str> = distinct.into_iter().collect();
    let mut of_account = BTreeMap::new();
    let mut unmapped = Vec::new();
    for a in distinct {
        let idx = by_table.get(a).copied().or_else(|| {
            ranges
                .iter()
                .filter(|(_, r)| r.matches(a))
                .max_by_key(|(i, r)| (r.len, std::cmp::Reverse(*i)))
                .map(|(i, _)| *i)
        });
        match idx {
            Some(i) => {
                of_account.insert(a.to_string(), i);
            }
            None => unmapped.push(a),
        }
    }
    if !unmapped.is_empty() {
        let i = names.len();
        names.push("Övriga konton (ej klassificerade)".into());
        extra.push(i);
        findings.warning(
            &ledger.file,
            None,
            Some(ledger.shown("account")),
            format!(
                "{} accounts match no report category and are shown as \"Övriga konton\": {}",
                unmapped.len(),
                unmapped
                    .iter()
                    .take(10)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        for a in unmapped {
            of_account.insert(a.to_string(), i);
        }
    }
    for (k, i) in extra.into_iter().enumerate() {
        rows.insert(first_subtotal + k, Line::Category(i));
    }
    Categories {
        names,
        rows,
        of_account,
    }
}

/// Sums of the ledger per tree node, category and month, for last year and this year.
struct Grid {
    ncat: usize,
    /// node → [(year 0/1, month 0..12, category)] amounts
    cells: Vec<Vec<Amounts>>,
}

impl Grid {
    fn at(&self, node: usize, year: usize, month: usize, cat: usize) -> Amounts {
        self.cells[node][(year * 12 + month) * self.ncat + cat]
    }
}

fn grid(ledger: &Table, tree: &Tree, cats: &Categories, start: Month) -> PolarsResult<Grid> {
    let ncat = cats.names.len();
    let (from, to) = (start.plus(-12).index(), start.plus(11).index());
    // Each unit's own rows by (month, category), in one pass: rows of a unit not in the tree,
    // of an account without a category or outside the two years are not summed. The ledger
    // comes in runs of the same unit, so a unit is looked up once per run.
    let category: std::collections::HashMap<&str, usize> = cats
        .of_account
        .iter()
        .map(|(a, c)| (a.as_str(), *c))
        .collect();
    let mut own = vec![vec![Amounts::default(); 24 * ncat]; tree.nodes.len()];
    let (units, accounts) = (ledger.text("unit"), ledger.text("account"));
    let (periods, actual, budget) = (
        ledger.months("period"),
        ledger.money("actual"),
        ledger.money("budget"),
    );
    let mut last: Option<(&str, Option<usize>)> = None;
    for i in 0..ledger.len() {
        let p = periods[i];
        if p < from || p > to {
            continue;
        }
        let unit = units[i].as_str();
        let node = match last {
            Some((u, node)) if u == unit => node,
            _ => {
                let node = tree.index.get(unit).copied();
                last = Some((unit, node));
                node
            }
        };
        let (Some(node), Some(&cat)) = (node, category.get(accounts[i].as_str())) else {
            continue;
        };
        let slot = (p - from) as usize; // 0..24: last year's months then this year's
        own[node][slot * ncat + cat].add(Amounts {
            actual: actual[i],
            budget: budget[i],
        });
    }
    // Each node's figures are its own rows and every unit's below it.
    let mut cells = vec![vec![Amounts::default(); 24 * ncat]; tree.nodes.len()];
    for (node, sums) in own.iter().enumerate() {
        if sums.iter().all(|a| *a == Amounts::default()) {
            continue;
        }
        for a in tree.ancestors_or_self(node) {
            for (cell, sum) in cells[a].iter_mut().zip(sums) {
                cell.add(*sum);
            }
        }
    }
    Ok(Grid { ncat, cells })
}

/// Each unit's effective forecast at `month`: its own newest forecast made this year up to
/// that month, or else the sum of its children's (totals only; [`forecast::effective`] splits
/// it per row).
fn forecasts(
    forecast: Option<&Table>,
    tree: &Tree,
    month: Month,
    start: Month,
) -> Vec<Option<Forecast>> {
    forecast::effective(forecast, tree, month, start, None)
        .into_iter()
        .map(|f| f.map(|f| f.total))
        .collect()
}

/// What the compute stage produces: every figure and every section of every unit.
pub(crate) struct Computed {
    /// Outcome, budget, deviations, forecasts per unit and report row.
    pub figures: Figures,
    /// The optional tables' sections per unit (staffing, agency, measures…).
    pub sections: Vec<sections::UnitSections>,
    /// Per unit, the accounts behind its report rows.
    pub accounts: Vec<Vec<accounts::AccountFigures>>,
    /// Per node, a leaf unit's transactions of the year to date; `None` when the ledger is
    /// not summed from transactions.
    pub postings: Option<std::sync::Arc<Vec<Vec<crate::model::posting::Posting>>>>,
    /// What explains each unit's month: the bridge, the forecast check, the net cost
    /// development, by node index.
    pub explained: Vec<explain::Explained>,
}

/// The compute stage: categories, figures and sections for the report month; `postings`:
/// per node, the transactions the run's formats need, as the load stage read them
/// (`load::postings::of_leaves`; `None`: none are read).
pub(crate) fn run(
    loaded: &crate::load::Loaded,
    period: Month,
    postings: Option<Vec<Vec<crate::model::posting::Posting>>>,
    findings: &mut Findings,
) -> Result<Computed, crate::Failure> {
    let ledger = loaded.data.ledger().ok_or(crate::Failure::Data)?;
    if !loaded.data.budget_given {
        findings.note(
            &ledger.file,
            "the data has no budget: the reports show the outcome against last year, without budget and deviation",
        );
    }
    let cats = categorize(
        ledger,
        loaded.data.get("accounts"),
        &loaded.config,
        findings,
    );
    sign::check(&loaded.data, &cats, &loaded.config, findings);
    forecast::check(loaded.data.get("forecast"), &cats, findings);
    let start = period.year_start(loaded.config.year_start());
    if loaded.data.budget_given {
        periods::budget_coverage(ledger, start, findings);
    }
    // The accounts behind the rows are summed on a second core while the figures and the
    // sections are computed.
    let (figures, sections, accounts) = std::thread::scope(|s| {
        let accounts = s.spawn(|| accounts::accounts(ledger, &loaded.tree, &cats, period, start));
        let figures = compute(&loaded.data, &loaded.tree, &cats, ledger, period, start);
        let sections =
            sections::compute(&loaded.data, &loaded.tree, &loaded.config, period, findings);
        let accounts = accounts
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (figures, sections, accounts)
    });
    let figures = figures.map_err(crate::Failure::Compute)?;
    let postings = postings.map(std::sync::Arc::new);
    let explained = explain::compute(
        &figures,
        &loaded.tree,
        &loaded.config,
        loaded.data.get("forecast"),
    );
    Ok(Computed {
        figures,
        sections,
        accounts,
        postings,
        explained,
    })
}

/// What the present stage works from: the computed figures, with the config, the tree and the
/// account names of the data they were computed from, and the earlier months whose outcome
/// changed since they were published.
pub(crate) struct Basis<'a> {
    pub config: &'a Config,
    pub tree: &'a Tree,
    pub computed: &'a Computed,
    /// Account names by code: the `accounts` table's names where it gives one, else the names
    /// of "CODE Name" cells.
    pub account_names: BTreeMap<String, String>,
    /// Per node, the earlier months whose outcome changed since they were published.
    pub restated: Vec<Vec<restated::Restated>>,
    /// Whether the transactions are dated by month (`load::Dataset::transactions_by_month`).
    pub transactions_by_month: bool,
}

/// The [`Basis`] of the reports of `computed`; `published` is the previous month's published
/// `figures.json`, if there is one.
pub(crate) fn basis<'a>(
    loaded: &'a crate::load::Loaded,
    computed: &'a Computed,
    published: Option<&crate::model::published::Published>,
) -> Basis<'a> {
    let tree = &loaded.tree;
    let restated = published
        .map(|p| restated::restated(p, &computed.figures, tree))
        .unwrap_or_else(|| vec![Vec::new(); tree.nodes.len()]);
    Basis {
        config: &loaded.config,
        tree,
        computed,
        account_names: account_names(&loaded.data),
        restated,
        transactions_by_month: loaded.data.transactions_by_month,
    }
}

/// Account names by code: the `accounts` table's names where it gives one, else the names of
/// "CODE Name" cells.
fn account_names(data: &Dataset) -> BTreeMap<String, String> {
    let mut names = data.account_names.clone();
    if let Some(t) = data.get("accounts") {
        for (code, name) in t.text("account").iter().zip(t.text("name")) {
            if !name.is_empty() {
                names.insert(code.clone(), name.clone());
            }
        }
    }
    names
}

/// Per category: accumulated this year, same months last year, to the previous month,
/// full-year budget, the report month alone, last year's full-year outcome.
#[derive(Debug, Clone, Copy, Default)]
struct CatSums {
    acc: Amounts,
    prev_year: Amounts,
    prev_month: Amounts,
    budget_year: i64,
    month: Amounts,
    actual_last_year: i64,
}

impl CatSums {
    fn add(&mut self, o: &CatSums) {
        self.acc.add(o.acc);
        self.prev_year.add(o.prev_year);
        self.prev_month.add(o.prev_month);
        self.budget_year += o.budget_year;
        self.month.add(o.month);
        self.actual_last_year += o.actual_last_year;
    }
}

/// The report rows of one unit: each category's sums, and each subtotal the sum of every
/// category above it. `forecast` and `forecast_prev`: the unit's forecast deviation per
/// category where it is given per row, and its total (which a subtotal of every category
/// shows when there are no rows).
fn report_rows(
    cats: &Categories,
    cat_rows: &[CatSums],
    forecast: (Option<&[i64]>, Option<i64>),
    forecast_prev: (Option<&[i64]>, Option<i64>),
) -> Vec<RowFigures> {
    let mut rows = Vec::with_capacity(cats.rows.len());
    let mut running = CatSums::default();
    let mut seen = 0usize;
    // The categories in report order: a subtotal sums the first `seen` of them.
    let order: Vec<usize> = cats
        .rows
        .iter()
        .filter_map(|r| match r {
            Line::Category(c) => Some(*c),
            Line::Subtotal(_) => None,
        })
        .collect();
    let row_fc =
        |f: (Option<&[i64]>, Option<i64>), which: Option<usize>, seen: usize| match (which, f.0) {
            (Some(c), by) => by.map(|v| v[c]),
            (None, Some(v)) => Some(order[..seen].iter().map(|&c| v[c]).sum()),
            (None, None) => f.1.filter(|_| seen == order.len()),
        };
    for r in &cats.rows {
        let (name, kind, sums, which) = match r {
            Line::Category(c) => {
                running.add(&cat_rows[*c]);
                seen += 1;
                (&cats.names[*c], RowKind::Category, cat_rows[*c], Some(*c))
            }
            Line::Subtotal(name) => (name, RowKind::Subtotal, running, None),
        };
        rows.push(RowFigures {
            name: name.clone(),
            kind,
            acc: sums.acc,
            prev_year: sums.prev_year,
            prev_month: sums.prev_month,
            budget_year: sums.budget_year,
            month: sums.month,
            actual_last_year: sums.actual_last_year,
            forecast: row_fc(forecast, which, seen),
            forecast_prev: row_fc(forecast_prev, which, seen),
        });
    }
    rows
}

/// Computes every figure for the report month.
pub(crate) fn compute(
    data: &Dataset,
    tree: &Tree,
    cats: &Categories,
    ledger: &Table,
    period: Month,
    start: Month,
) -> PolarsResult<Figures> {
    let g = grid(ledger, tree, cats, start)?;
    let m = (period.index() - start.index() + 1) as usize; // months in the accumulated span
    let fc_now = forecast::effective(data.get("forecast"), tree, period, start, Some(cats));
    let fc_prev = if m > 1 {
        forecast::effective(data.get("forecast"), tree, period.prev(), start, Some(cats))
    } else {
        vec![None; tree.nodes.len()]
    };
    let mut units = Vec::with_capacity(tree.nodes.len());
    for node in 0..tree.nodes.len() {
        let sum = |year: usize, months: std::ops::Range<usize>, cat: usize| {
            let mut a = Amounts::default();
            for mo in months {
                a.add(g.at(node, year, mo, cat));
            }
            a
        };
        let mut cat_rows: Vec<CatSums> = Vec::with_capacity(g.ncat);
        for c in 0..g.ncat {
            cat_rows.push(CatSums {
                acc: sum(1, 0..m, c),
                prev_year: sum(0, 0..m, c),
                prev_month: sum(1, 0..m.saturating_sub(1), c),
                budget_year: sum(1, 0..12, c).budget,
                month: g.at(node, 1, m - 1, c),
                actual_last_year: sum(0, 0..12, c).actual,
            });
        }
        fn split(f: &Option<forecast::UnitForecast>) -> (Option<&[i64]>, Option<i64>) {
            (
                f.as_ref().and_then(|f| f.by_category.as_deref()),
                f.as_ref().map(|f| f.total.deviation),
            )
        }
        let rows = report_rows(cats, &cat_rows, split(&fc_now[node]), split(&fc_prev[node]));
        let mut all = CatSums::default();
        for r in &cat_rows {
            all.add(r);
        }
        let acc = all.acc;
        let prev_year = all.prev_year;
        let prev_month = (m > 1).then_some(all.prev_month);
        let budget_year = all.budget_year;
        let mut months = Vec::with_capacity(12);
        for mo in 0..12 {
            let mut this = Amounts::default();
            let mut last = Amounts::default();
            let mut cost_last = 0i64;
            for c in 0..g.ncat {
                this.add(g.at(node, 1, mo, c));
                let l = g.at(node, 0, mo, c);
                last.add(l);
                cost_last += l.actual.min(0);
            }
            months.push(MonthFigures {
                month: start.plus(mo as i32),
                actual: (mo < m).then_some(this.actual),
                budget: this.budget,
                actual_prev_year: last.actual,
                cost_prev_year: cost_last,
                budget_prev_year: last.budget,
            });
        }
        units.push(UnitFigures {
            acc,
            prev_year,
            prev_month,
            budget_year,
            rows,
            months,
            forecast: fc_now[node].as_ref().map(|f| f.total),
            forecast_prev: fc_prev[node].as_ref().map(|f| f.total),
        });
    }
    Ok(Figures {
        period,
        units,
        budget_given: data.budget_given,
        prev_year_given: {
            let last_year = start.plus(-12).index()..start.index();
            let actual = ledger.money("actual");
            ledger
                .months("period")
                .iter()
                .zip(actual)
                .any(|(p, a)| last_year.contains(p) && *a != 0)
        },
    })
}

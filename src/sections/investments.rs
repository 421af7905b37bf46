//! Investment follow-up: per project the full-year budget, the outcome to the report month
//! and the full-year forecast (`investments`, `projects`, `investment_forecast`), rolled up to
//! every unit of the tree, with the projects not started and over budget.

use super::prelude::*;

/// The section.
pub(super) struct Entry;

static ABOUT: About = About {
    name: "investments",
    view: "investments",
    tables: &["investments", "investment_forecast"],
    english: "Investments",
    headings: &["investeringar", "investments"],
    prose: true,
    html: "sections/investments.html",
    typst: "pdf/sections/investments.typ",
    sheet: Some(Sheet {
        label: "investments",
    }),
    chart: Some("investments"),
    json: Some("investments"),
    rank: 8,
    index: false,
};

/// Each investment project's expenditure per month (positive), and its monthly budget.
const INVESTMENTS: TableSpec = TableSpec {
    name: "investments",
    columns: &[
        col("period", Kind::Month),
        col("unit", Kind::Text),
        col("project", Kind::Text),
        positive(
            "actual",
            "investment expenditure is given as a positive amount",
        ),
        opt("budget", Kind::Money),
    ],
    key: &["period", "unit", "project"],
    unit_columns: &["unit"],
};

/// The investment projects: name, unit, full-year budget, planned start and category.
const PROJECTS: TableSpec = TableSpec {
    name: "projects",
    columns: &[
        col("project", Kind::Text),
        col("name", Kind::Text).may_be_empty(),
        col("unit", Kind::Text),
        positive(
            "budget",
            "an investment budget is given as a positive amount",
        ),
        opt("start", Kind::Month),
        opt("category", Kind::Text),
    ],
    key: &["project"],
    unit_columns: &["unit"],
};

/// The full-year expenditure of each investment project as forecast in a month.
const INVESTMENT_FORECAST: TableSpec = TableSpec {
    name: "investment_forecast",
    columns: &[
        col("period", Kind::Month),
        col("unit", Kind::Text),
        col("project", Kind::Text),
        positive(
            "forecast",
            "investment expenditure is given as a positive amount",
        ),
    ],
    key: &["period", "unit", "project"],
    unit_columns: &["unit"],
};

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
fn compute(cx: &Ctx<'_>, out: &mut [Option<Investments>]) {
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
        out[node] = Some(Investments {
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

/// One investment project, one category or the total: full-year budget, outcome to date and
/// its share of the budget, the forecast and budget less forecast.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct InvestmentRowView {
    pub name: String,
    pub code: Option<String>,
    pub budget: Num,
    pub actual: Num,
    pub share: Option<Num>,
    /// `None` for a project without a forecast this year.
    pub forecast: Option<Num>,
    pub difference: Option<Num>,
    pub not_started: bool,
    pub over_budget: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct InvestmentCategoryView {
    pub row: InvestmentRowView,
    pub projects: Vec<InvestmentRowView>,
}

/// The investments of a unit and its descendants.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct InvestmentsView {
    pub categories: Vec<InvestmentCategoryView>,
    pub total: InvestmentRowView,
    /// Whether any project has a forecast this year.
    pub forecast_given: bool,
    /// Projects with no outcome to date: how many, and (from the lapse month on) each as
    /// "name (code)".
    pub not_started_count: usize,
    pub lapsed: Vec<String>,
    /// The lapse month's name, when configured.
    pub lapse_month: Option<String>,
    /// Projects whose outcome to date is above their full-year budget: "name (code): outcome
    /// against budget".
    pub over_budget: Vec<String>,
    pub chart: Chart,
}

impl SectionView for InvestmentsView {
    fn chart(&self) -> Option<&Chart> {
        Some(&self.chart)
    }
}

/// A unit's investments, when an investment table is given and the unit has projects.
fn view(p: &Presenter<'_>, inv: &Investments) -> InvestmentsView {
    let (fmt, period) = (&p.fmt, p.figures.period);
    let row = |name: String, code: Option<String>, s: InvestmentSums, fc: bool| InvestmentRowView {
        name,
        code,
        budget: fmt.num(s.budget),
        actual: fmt.num(s.actual),
        share: ratio_pct(s.actual, s.budget).map(|v| fmt.fig(v, 0)),
        forecast: fc.then(|| fmt.num(s.forecast)),
        difference: fc.then(|| fmt.num(s.budget - s.forecast)),
        not_started: false,
        over_budget: s.actual > s.budget,
    };
    let project = |p: &ProjectRow| InvestmentRowView {
        not_started: p.not_started(period),
        ..row(
            p.name.clone(),
            Some(p.code.clone()),
            InvestmentSums::of([p]),
            p.forecast.is_some(),
        )
    };
    let uncategorised = fmt.lang.label("investments_other");
    let categories = inv
        .categories()
        .into_iter()
        .map(|(c, sums)| InvestmentCategoryView {
            row: row(
                c.unwrap_or(uncategorised).to_string(),
                None,
                sums,
                inv.forecast_given,
            ),
            projects: inv
                .projects
                .iter()
                .filter(|p| p.category.as_deref() == c)
                .map(project)
                .collect(),
        })
        .collect();
    let named = |p: &ProjectRow| format!("{} ({})", p.name, p.code);
    let total = inv.total();
    InvestmentsView {
        categories,
        total: row(
            fmt.lang.label("total").to_string(),
            None,
            total,
            inv.forecast_given,
        ),
        forecast_given: inv.forecast_given,
        not_started_count: inv
            .projects
            .iter()
            .filter(|p| p.not_started(period))
            .count(),
        lapsed: inv
            .projects
            .iter()
            .filter(|p| inv.lapsed && p.not_started(period))
            .map(named)
            .collect(),
        lapse_month: p.config.lapse_month.map(|m| fmt.lang.month(m).to_string()),
        over_budget: inv
            .projects
            .iter()
            .filter(|p| p.over_budget())
            .map(|p| {
                let unit = fmt.unit_label();
                format!(
                    "{}: {} {unit} {} {} {unit}",
                    named(p),
                    fmt.num(p.actual).text,
                    fmt.lang.label("against"),
                    fmt.num(p.budget).text,
                )
            })
            .collect(),
        chart: charts::investments(&inv.monthly, total.budget, period, fmt),
    }
}

/// A group of investment projects: the full-year budget, the outcome to date, its share of
/// the budget (percent, one decimal), the full-year forecast (the budget for a project without
/// one; `null` when no project of the unit has a forecast) and budget less forecast.
#[derive(Serialize)]
struct InvestmentSumsJson {
    budget: String,
    actual: String,
    share: Option<f64>,
    forecast: Option<String>,
    budget_less_forecast: Option<String>,
}

impl InvestmentSumsJson {
    /// `forecast` false: no forecast is made this year for the group's unit.
    fn of(s: InvestmentSums, forecast: bool) -> InvestmentSumsJson {
        InvestmentSumsJson {
            budget: kronor_string(s.budget),
            actual: kronor_string(s.actual),
            share: ratio_pct(s.actual, s.budget).map(|v| (v * 10.0).round() / 10.0),
            forecast: forecast.then(|| kronor_string(s.forecast)),
            budget_less_forecast: forecast.then(|| kronor_string(s.budget - s.forecast)),
        }
    }
}

#[derive(Serialize)]
struct InvestmentCategoryJson {
    category: Option<String>,
    #[serde(flatten)]
    sums: InvestmentSumsJson,
}

#[derive(Serialize)]
struct ProjectJson {
    project: String,
    name: String,
    category: Option<String>,
    start: Option<String>,
    budget: String,
    actual: String,
    /// `null` when no forecast is made for the project this year.
    forecast: Option<String>,
    budget_less_forecast: Option<String>,
    not_started: bool,
    over_budget: bool,
}

/// The investments of a unit and its descendants.
#[derive(Serialize)]
struct InvestmentsJson {
    #[serde(flatten)]
    total: InvestmentSumsJson,
    /// Whether the report month is at or after the configured lapse month.
    lapsed: bool,
    /// Projects with no outcome to date (planned to have started), and projects whose outcome
    /// to date is above their full-year budget, by code.
    not_started: Vec<String>,
    over_budget: Vec<String>,
    categories: Vec<InvestmentCategoryJson>,
    projects: Vec<ProjectJson>,
}

fn investments_json(inv: &Investments, period: Month) -> InvestmentsJson {
    let codes = |keep: &dyn Fn(&ProjectRow) -> bool| {
        inv.projects
            .iter()
            .filter(|p| keep(p))
            .map(|p| p.code.clone())
            .collect()
    };
    InvestmentsJson {
        total: InvestmentSumsJson::of(inv.total(), inv.forecast_given),
        lapsed: inv.lapsed,
        not_started: codes(&|p| p.not_started(period)),
        over_budget: codes(&|p| p.over_budget()),
        categories: inv
            .categories()
            .into_iter()
            .map(|(c, sums)| InvestmentCategoryJson {
                category: c.map(str::to_string),
                sums: InvestmentSumsJson::of(sums, inv.forecast_given),
            })
            .collect(),
        projects: inv
            .projects
            .iter()
            .map(|p| ProjectJson {
                project: p.code.clone(),
                name: p.name.clone(),
                category: p.category.clone(),
                start: p.start.map(|m| m.to_string()),
                budget: kronor_string(p.budget),
                actual: kronor_string(p.actual),
                forecast: p.forecast.map(kronor_string),
                budget_less_forecast: p.forecast.map(|f| kronor_string(p.budget - f)),
                not_started: p.not_started(period),
                over_budget: p.over_budget(),
            })
            .collect(),
    }
}

/// The investments: each category's projects and the category, then the total.
fn sheet(cx: &Cx) -> Vec<Row> {
    let mut rows = Vec::new();
    for v in cx.views {
        let Some(iv) = view_of::<InvestmentsView>(v, ABOUT.name) else {
            continue;
        };
        for c in &iv.categories {
            for r in &c.projects {
                rows.push(investment(v, r, &c.row.name));
            }
            rows.push(investment(v, &c.row, &c.row.name));
        }
        rows.push(investment(v, &iv.total, ""));
    }
    rows
}

/// One row of the investments sheet: a project (code and name) or group, its category and
/// its figures.
fn investment(v: &ReportView, r: &InvestmentRowView, category: &str) -> Row {
    Row::of(v)
        .cell("project", r.code.as_deref().unwrap_or(""))
        .cell("item", &r.name)
        .cell("category", category)
        .cell("budget_year", &r.budget)
        .cell("actual_acc", &r.actual)
        .cell("share_of_budget", r.share.as_ref())
        .cell("forecast_short", r.forecast.as_ref())
        .cell("budget_less_forecast", r.difference.as_ref())
}

impl Section for Entry {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn tables(&self) -> &'static [TableSpec] {
        &[INVESTMENTS, PROJECTS, INVESTMENT_FORECAST]
    }

    fn compute(&self, cx: &Ctx<'_>, _findings: &mut Findings) -> Vec<Option<Data>> {
        run(cx, compute)
    }

    fn view(&self, p: &Presenter<'_>, _node: usize, data: &Data) -> Option<Arc<dyn SectionView>> {
        Some(Arc::new(view(p, data_of::<Investments>(data)?)))
    }

    fn figures(&self, cx: &UnitCx<'_>, data: &Data) -> Option<Part> {
        let inv = data_of::<Investments>(data)?;
        Some(Box::new(investments_json(inv, cx.figures.period)))
    }

    fn sheet(&self, cx: &Cx<'_>) -> Vec<Row> {
        sheet(cx)
    }
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

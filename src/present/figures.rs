//! The figures view: every figure of every unit as `figures.json` shows it (exact decimal
//! strings for money, shares as numbers), built from the computed figures and sections.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compute::explain::{Accuracy, Bridge, Explained, ForecastCheck, NetCost};
use crate::compute::restated::Restated;
use crate::compute::sections::{self, InvestmentSums, Investments, ProjectRow, UnitSections};
use crate::compute::{self, Figures, RowKind};
use crate::model::money::kronor_string;
use crate::model::period::Month;
use crate::model::tree;

#[derive(Serialize)]
pub(crate) struct FiguresFile {
    period: String,
    currency: &'static str,
    units: BTreeMap<String, UnitJson>,
}

/// `figures.json` restricted to some units (a board pack's), for its archive copy.
#[derive(Serialize)]
pub(crate) struct FiguresSubset<'a> {
    period: &'a str,
    currency: &'static str,
    units: BTreeMap<&'a str, &'a UnitJson>,
}

impl FiguresFile {
    /// The file with only the units whose codes are given.
    pub(crate) fn only<'a>(&'a self, codes: impl Iterator<Item = &'a str>) -> FiguresSubset<'a> {
        let units = codes
            .filter_map(|c| self.units.get_key_value(c))
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        FiguresSubset {
            period: &self.period,
            currency: self.currency,
            units,
        }
    }
}

/// Budget and deviation are `null` when the data has no budget.
#[derive(Serialize)]
struct AmountsJson {
    actual: String,
    budget: Option<String>,
    deviation: Option<String>,
}

impl AmountsJson {
    fn new(a: compute::Amounts, budget: bool) -> Self {
        AmountsJson {
            actual: kronor_string(a.actual),
            budget: budget.then(|| kronor_string(a.budget)),
            deviation: budget.then(|| kronor_string(a.deviation())),
        }
    }
}

#[derive(Serialize)]
struct ForecastJson {
    deviation: String,
    made: String,
}

#[derive(Serialize)]
struct CategoryJson {
    category: String,
    kind: &'static str,
    actual: String,
    budget: Option<String>,
    deviation: Option<String>,
    budget_full_year: Option<String>,
    actual_previous_year: Option<String>,
    change_previous_year: Option<String>,
    /// The report month alone.
    month: AmountsJson,
    /// Prognos resultat helår: the full-year budget plus the forecast deviation; `null`
    /// without a budget, or when the forecast gives only the unit's total (a subtotal of
    /// every category still has it).
    forecast_result: Option<String>,
    /// Prognos avvikelse helår, the row's forecast full-year deviation; `null` likewise.
    forecast_deviation: Option<String>,
    /// The row's forecast deviation as it stood in the previous month.
    forecast_previous_deviation: Option<String>,
    /// Last (fiscal) year's full-year outcome.
    actual_previous_full_year: Option<String>,
}

#[derive(Serialize)]
struct MonthJson {
    period: String,
    actual: Option<String>,
    budget: Option<String>,
    deviation: Option<String>,
    actual_previous_year: Option<String>,
}

#[derive(Serialize)]
struct UnitJson {
    name: String,
    parent: Option<String>,
    level: usize,
    children: Vec<String>,
    actual: String,
    budget: Option<String>,
    deviation: Option<String>,
    budget_full_year: Option<String>,
    previous_year: Option<AmountsJson>,
    previous_month: Option<AmountsJson>,
    deviation_change: Option<String>,
    forecast: Option<ForecastJson>,
    /// Prognos resultat helår: the full-year budget plus the forecast deviation.
    forecast_result: Option<String>,
    forecast_previous: Option<ForecastJson>,
    forecast_change: Option<String>,
    categories: Vec<CategoryJson>,
    months: Vec<MonthJson>,
    /// `null` in the year's first month and without a budget.
    bridge: Option<BridgeJson>,
    /// `null` without a forecast or a budget.
    forecast_check: Option<ForecastCheckJson>,
    /// `null` when the report rows have no net cost subtotal.
    net_cost_development: Option<NetCostJson>,
    /// `null` without last year's forecasts and full outcome.
    forecast_accuracy: Option<AccuracyJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    personnel: Option<PersonnelJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    agency: Option<Vec<AgencyJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    measures: Option<Vec<MeasureJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    adjustments: Option<AdjustmentsJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    activity: Option<Vec<KpiJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    frame: Option<FrameJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    balance_requirement: Option<BalanceJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    approved: Option<ApprovedJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    investments: Option<InvestmentsJson>,
    /// Earlier months whose outcome changed since the previous month's report published them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    restated: Vec<RestatedJson>,
}

#[derive(Serialize)]
struct RestatedJson {
    period: String,
    actual_published: String,
    actual_now: String,
}

pub(crate) fn figures_json(
    figures: &Figures,
    sections: &[UnitSections],
    restated: &[Vec<Restated>],
    explained: &[Explained],
    tree: &tree::Tree,
) -> FiguresFile {
    let given = Given {
        budget: figures.budget_given,
        last_year: figures.prev_year_given,
    };
    let units = tree
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let f = &figures.units[i];
            let s = &sections[i];
            let x = &explained[i];
            let b = given.budget;
            let u = UnitJson {
                name: n.name.clone(),
                parent: n.parent.map(|p| tree.nodes[p].code.clone()),
                level: n.depth,
                children: n
                    .children
                    .iter()
                    .map(|&c| tree.nodes[c].code.clone())
                    .collect(),
                actual: kronor_string(f.acc.actual),
                budget: given.budgeted(f.acc.budget),
                deviation: given.budgeted(f.acc.deviation()),
                budget_full_year: given.budgeted(f.budget_year),
                previous_year: given.last_year.then(|| AmountsJson::new(f.prev_year, b)),
                previous_month: f.prev_month.map(|p| AmountsJson::new(p, b)),
                deviation_change: f.deviation_change().and_then(|d| given.budgeted(d)),
                forecast: forecast_json(f.forecast),
                forecast_result: f.forecast_result(b).map(kronor_string),
                forecast_previous: forecast_json(f.forecast_prev),
                forecast_change: f.forecast_change().map(kronor_string),
                categories: f.rows.iter().map(|r| category_json(r, given)).collect(),
                months: f.months.iter().map(|m| month_json(m, given)).collect(),
                bridge: x.bridge.as_ref().map(|b| bridge_json(b, tree)),
                forecast_check: x.forecast_check.map(forecast_check_json),
                net_cost_development: x.net_cost.as_ref().map(net_cost_json),
                forecast_accuracy: x.accuracy.as_ref().map(accuracy_json),
                personnel: s.personnel.as_ref().map(personnel_json),
                agency: s
                    .agency
                    .as_ref()
                    .map(|rows| rows.iter().map(agency_json).collect()),
                measures: s.measures.as_ref().map(|rows| {
                    rows.iter()
                        .map(|m| measure_json(m, figures.period))
                        .collect()
                }),
                adjustments: s
                    .adjustments
                    .as_ref()
                    .map(|rows| adjustments_json(rows, f, given)),
                activity: s
                    .activity
                    .as_ref()
                    .map(|rows| rows.iter().map(kpi_json).collect()),
                frame: s.frame.as_ref().map(frame_json),
                restated: restated[i].iter().map(restated_json).collect(),
                investments: s
                    .investments
                    .as_ref()
                    .map(|inv| investments_json(inv, figures.period)),
                approved: s.approved.map(|a| approved_json(a, f, b)),
                balance_requirement: s.balance.as_ref().map(|items| balance_json(items, f, b)),
            };
            (n.code.clone(), u)
        })
        .collect();
    FiguresFile {
        period: figures.period.to_string(),
        currency: "SEK",
        units,
    }
}

/// Which figures the data gives: a figure of the budget, or derived from it, is `null` when
/// the data has no budget; a figure of last year, when it holds no outcome for last year.
#[derive(Clone, Copy)]
struct Given {
    budget: bool,
    last_year: bool,
}

impl Given {
    fn budgeted(self, ore: i64) -> Option<String> {
        self.budget.then(|| kronor_string(ore))
    }

    fn last_year(self, ore: i64) -> Option<String> {
        self.last_year.then(|| kronor_string(ore))
    }
}

fn forecast_json(f: Option<compute::Forecast>) -> Option<ForecastJson> {
    f.map(|f| ForecastJson {
        deviation: kronor_string(f.deviation),
        made: f.made.to_string(),
    })
}

fn category_json(r: &compute::RowFigures, given: Given) -> CategoryJson {
    CategoryJson {
        category: r.name.clone(),
        kind: if r.kind == RowKind::Subtotal {
            "subtotal"
        } else {
            "category"
        },
        actual: kronor_string(r.acc.actual),
        budget: given.budgeted(r.acc.budget),
        deviation: given.budgeted(r.acc.deviation()),
        budget_full_year: given.budgeted(r.budget_year),
        actual_previous_year: given.last_year(r.prev_year.actual),
        change_previous_year: given.last_year(r.acc.actual - r.prev_year.actual),
        month: AmountsJson::new(r.month, given.budget),
        forecast_result: r.forecast.and_then(|d| given.budgeted(r.budget_year + d)),
        forecast_deviation: r.forecast.and_then(|d| given.budgeted(d)),
        forecast_previous_deviation: r.forecast_prev.and_then(|d| given.budgeted(d)),
        actual_previous_full_year: given.last_year(r.actual_last_year),
    }
}

fn month_json(m: &compute::MonthFigures, given: Given) -> MonthJson {
    MonthJson {
        period: m.month.to_string(),
        actual: m.actual.map(kronor_string),
        budget: given.budgeted(m.budget),
        deviation: m.actual.and_then(|a| given.budgeted(a - m.budget)),
        actual_previous_year: given.last_year(m.actual_prev_year),
    }
}

fn bridge_json(b: &Bridge, tree: &tree::Tree) -> BridgeJson {
    BridgeJson {
        from: kronor_string(b.from),
        to: kronor_string(b.to),
        by_category: b
            .by_category
            .iter()
            .map(|(c, d)| BridgeCategoryJson {
                category: c.clone(),
                change: kronor_string(*d),
            })
            .collect(),
        by_child: b
            .by_child
            .iter()
            .map(|(c, d)| BridgeChildJson {
                unit: tree.nodes[*c].code.clone(),
                change: kronor_string(*d),
            })
            .collect(),
    }
}

fn forecast_check_json(c: ForecastCheck) -> ForecastCheckJson {
    ForecastCheckJson {
        months_left: c.months_left,
        implied_rest_of_year: kronor_string(c.implied),
        run_rate_rest_of_year: kronor_string(c.run_rate),
        seasonal_rest_of_year: c.seasonal.map(kronor_string),
        flag: c.flag.map(|f| f.as_str()),
    }
}

fn net_cost_json(n: &NetCost) -> NetCostJson {
    NetCostJson {
        subtotal: n.name.clone(),
        less: n.less.clone(),
        actual: kronor_string(n.actual),
        actual_previous_year: n.actual_prev_year.map(kronor_string),
        growth: n.growth().map(kronor_string),
        growth_pct: n.growth_pct().and_then(finite),
        budget: n.budget.map(kronor_string),
        budget_growth: n.budget_growth().map(kronor_string),
        budget_growth_pct: n.budget_growth_pct().and_then(finite),
    }
}

fn accuracy_json(a: &Accuracy) -> AccuracyJson {
    AccuracyJson {
        year: a.start.year(),
        outcome: kronor_string(a.outcome),
        forecasts: a
            .forecasts
            .iter()
            .map(|(f, e)| MadeJson {
                made: f.made.to_string(),
                deviation: kronor_string(f.deviation),
                error: kronor_string(*e),
            })
            .collect(),
        mean_absolute_error: kronor_string(a.mean_absolute_error),
        mean_error: kronor_string(a.mean_error),
        bias: a.bias.map(|b| b.as_str()),
    }
}

fn measure_json(m: &sections::MeasureRow, period: Month) -> MeasureJson {
    MeasureJson {
        measure: m.name.clone(),
        unit: m.unit.clone(),
        expected: kronor_string(m.expected),
        realized: kronor_string(m.realized),
        expected_full_year: kronor_string(m.expected_year),
        decided: m.decided.map(crate::clock::date_text),
        due: m.due.map(|d| d.to_string()),
        status: m.status.clone(),
        in_forecast: m.in_forecast,
        overdue: m.overdue(period),
    }
}

fn adjustments_json(
    rows: &[sections::ItemRow],
    f: &compute::UnitFigures,
    given: Given,
) -> AdjustmentsJson {
    let total: i64 = rows.iter().map(|r| r.amount).sum();
    AdjustmentsJson {
        items: rows
            .iter()
            .map(|r| (r.name.clone(), kronor_string(r.amount)))
            .collect(),
        total: kronor_string(total),
        adjusted_deviation: given.budgeted(f.acc.deviation() + total),
    }
}

fn kpi_json(k: &sections::KpiRow) -> KpiJson {
    KpiJson {
        kpi: k.name.clone(),
        derived: k.derived,
        value: finite(k.value),
        previous_year: finite(k.prev_year),
    }
}

fn frame_json(fr: &sections::Frame) -> FrameJson {
    FrameJson {
        year: fr.year,
        frame: kronor_string(fr.frame),
        reallocated: kronor_string(fr.reallocations.iter().map(|r| r.amount).sum()),
        revised: kronor_string(fr.revised),
        net_budget: fr.net_budget.map(kronor_string),
    }
}

fn restated_json(r: &Restated) -> RestatedJson {
    RestatedJson {
        period: r.month.to_string(),
        actual_published: kronor_string(r.published),
        actual_now: kronor_string(r.now),
    }
}

fn approved_json(a: sections::Approved, f: &compute::UnitFigures, budget: bool) -> ApprovedJson {
    let forecast = f.forecast_result(budget);
    ApprovedJson {
        year: a.year,
        result: kronor_string(a.result),
        forecast_result: forecast.map(kronor_string),
        difference: forecast.map(|r| kronor_string(r - a.result)),
        opening_equity: a.equity.map(kronor_string),
        closing_equity: a.equity.zip(forecast).map(|(e, r)| kronor_string(e + r)),
    }
}

fn balance_json(items: &[(String, i64)], f: &compute::UnitFigures, budget: bool) -> BalanceJson {
    let excluded: i64 = items.iter().map(|(_, a)| a).sum();
    let forecast = f.forecast_result(budget);
    BalanceJson {
        result: kronor_string(f.acc.actual),
        exclusions: items
            .iter()
            .map(|(name, amount)| ExclusionJson {
                name: name.clone(),
                actual: kronor_string(*amount),
            })
            .collect(),
        balance_result: kronor_string(f.acc.actual - excluded),
        forecast_result: forecast.map(kronor_string),
        forecast_balance_result: forecast.map(|r| kronor_string(r - excluded)),
    }
}

/// Ratios and hours: rounded to six decimals so the file does not show binary noise.
fn finite(v: f64) -> Option<f64> {
    v.is_finite().then(|| (v * 1e6).round() / 1e6)
}

#[derive(Serialize)]
struct PersonnelJson {
    sick_leave_pct: Option<f64>,
    sick_leave_pct_previous_year: Option<f64>,
    sick_hours: Option<f64>,
    sick_hours_previous_year: Option<f64>,
    worked_hours: Option<f64>,
    worked_hours_previous_year: Option<f64>,
    scheduled_hours: Option<f64>,
    scheduled_hours_previous_year: Option<f64>,
    full_time_equivalents: Option<f64>,
    full_time_equivalents_previous_year: Option<f64>,
    employees: Option<f64>,
    employees_previous_year: Option<f64>,
}

fn personnel_json(p: &sections::Personnel) -> PersonnelJson {
    PersonnelJson {
        sick_leave_pct: p.acc.sick_pct().and_then(finite),
        sick_leave_pct_previous_year: p.acc_prev_year.sick_pct().and_then(finite),
        sick_hours: finite(p.acc.sick),
        sick_hours_previous_year: finite(p.acc_prev_year.sick),
        worked_hours: finite(p.acc.worked),
        worked_hours_previous_year: finite(p.acc_prev_year.worked),
        scheduled_hours: finite(p.acc.scheduled),
        scheduled_hours_previous_year: finite(p.acc_prev_year.scheduled),
        full_time_equivalents: finite(p.fte),
        full_time_equivalents_previous_year: finite(p.fte_prev_year),
        employees: p.employees.and_then(finite),
        employees_previous_year: p.employees_prev_year.and_then(finite),
    }
}

#[derive(Serialize)]
struct AgencyJson {
    profession: String,
    own_cost: String,
    agency_cost: String,
    pct: Option<f64>,
    own_cost_previous_year: String,
    agency_cost_previous_year: String,
    pct_previous_year: Option<f64>,
}

fn agency_json(r: &sections::AgencyRow) -> AgencyJson {
    AgencyJson {
        profession: r.profession.clone(),
        own_cost: kronor_string(r.own),
        agency_cost: kronor_string(r.agency),
        pct: r.pct().and_then(finite),
        own_cost_previous_year: kronor_string(r.own_prev_year),
        agency_cost_previous_year: kronor_string(r.agency_prev_year),
        pct_previous_year: r.pct_prev_year().and_then(finite),
    }
}

#[derive(Serialize)]
struct MeasureJson {
    measure: String,
    /// At a unit above, the unit below whose measure this is (measures with due months and
    /// statuses are kept apart per unit).
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<String>,
    expected: String,
    realized: String,
    expected_full_year: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    decided: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    due: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    in_forecast: Option<bool>,
    overdue: bool,
}

#[derive(Serialize)]
struct AdjustmentsJson {
    items: BTreeMap<String, String>,
    total: String,
    adjusted_deviation: Option<String>,
}

#[derive(Serialize)]
struct KpiJson {
    kpi: String,
    derived: bool,
    value: Option<f64>,
    previous_year: Option<f64>,
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
            share: sections::ratio_pct(s.actual, s.budget).map(|v| (v * 10.0).round() / 10.0),
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

/// The approved full-year result against the forecast one, and the equity.
#[derive(Serialize)]
struct ApprovedJson {
    year: i32,
    result: String,
    forecast_result: Option<String>,
    difference: Option<String>,
    opening_equity: Option<String>,
    closing_equity: Option<String>,
}

/// The balance requirement: the accumulated result, each excluded item's accumulated outcome,
/// the result less them; and the same for the forecast full-year result.
#[derive(Serialize)]
struct BalanceJson {
    result: String,
    exclusions: Vec<ExclusionJson>,
    balance_result: String,
    forecast_result: Option<String>,
    forecast_balance_result: Option<String>,
}

#[derive(Serialize)]
struct ExclusionJson {
    name: String,
    actual: String,
}

#[derive(Serialize)]
struct FrameJson {
    year: i32,
    frame: String,
    reallocated: String,
    revised: String,
    net_budget: Option<String>,
}

#[derive(Serialize)]
struct BridgeJson {
    from: String,
    to: String,
    by_category: Vec<BridgeCategoryJson>,
    by_child: Vec<BridgeChildJson>,
}

#[derive(Serialize)]
struct BridgeCategoryJson {
    category: String,
    change: String,
}

#[derive(Serialize)]
struct BridgeChildJson {
    unit: String,
    change: String,
}

#[derive(Serialize)]
struct ForecastCheckJson {
    months_left: u32,
    implied_rest_of_year: String,
    run_rate_rest_of_year: String,
    seasonal_rest_of_year: Option<String>,
    flag: Option<&'static str>,
}

#[derive(Serialize)]
struct NetCostJson {
    subtotal: String,
    less: Vec<String>,
    actual: String,
    actual_previous_year: Option<String>,
    growth: Option<String>,
    growth_pct: Option<f64>,
    budget: Option<String>,
    budget_growth: Option<String>,
    budget_growth_pct: Option<f64>,
}

#[derive(Serialize)]
struct AccuracyJson {
    year: i32,
    outcome: String,
    forecasts: Vec<MadeJson>,
    mean_absolute_error: String,
    mean_error: String,
    bias: Option<&'static str>,
}

#[derive(Serialize)]
struct MadeJson {
    made: String,
    deviation: String,
    error: String,
}

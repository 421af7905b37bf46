//! The figures view: every figure of every unit as `figures.json` shows it (exact decimal
//! strings for money, shares as numbers), built from the computed figures and sections.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compute::explain::{Accuracy, Bridge, Explained, ForecastCheck, NetCost};
use crate::compute::restated::Restated;
use crate::compute::sections::UnitSections;
use crate::compute::{self, Figures, RowKind};
use crate::model::money::kronor_string;
use crate::model::tree;
use crate::sections::{Part, in_data_order};

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
    /// The report sections' parts, each under its key, in the data's order.
    #[serde(flatten)]
    sections: Parts,
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
                sections: parts(
                    &UnitCx {
                        figures,
                        unit: f,
                        budget: b,
                    },
                    s,
                ),
                restated: restated[i].iter().map(restated_json).collect(),
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

/// What a section's part of a unit in `figures.json` is made from: the unit's figures and
/// whether the data gives a budget.
pub(crate) struct UnitCx<'a> {
    pub figures: &'a Figures,
    pub unit: &'a compute::UnitFigures,
    pub budget: bool,
}

impl UnitCx<'_> {
    /// An amount of the budget or derived from it: `null` when the data has no budget.
    pub(crate) fn budgeted(&self, ore: i64) -> Option<String> {
        self.budget.then(|| kronor_string(ore))
    }
}

/// The report sections' parts of a unit, each under its key.
struct Parts(Vec<(&'static str, Part)>);

impl Serialize for Parts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (key, part) in &self.0 {
            map.serialize_entry(key, part)?;
        }
        map.end()
    }
}

/// Each section's part of a unit that has one, in the data's order.
fn parts(cx: &UnitCx<'_>, unit: &UnitSections) -> Parts {
    Parts(
        in_data_order()
            .into_iter()
            .filter_map(|(at, s)| {
                let key = s.about().json?;
                Some((key, s.figures(cx, unit.parts[at].as_ref()?)?))
            })
            .collect(),
    )
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

fn restated_json(r: &Restated) -> RestatedJson {
    RestatedJson {
        period: r.month.to_string(),
        actual_published: kronor_string(r.published),
        actual_now: kronor_string(r.now),
    }
}

/// Ratios and hours: rounded to six decimals so the file does not show binary noise.
pub(crate) fn finite(v: f64) -> Option<f64> {
    v.is_finite().then(|| (v * 1e6).round() / 1e6)
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

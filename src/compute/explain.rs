//! What explains a unit's month: the bridge from last month's deviation to this month's (by
//! category and by child unit), what the forecast assumes about the rest of the year against
//! two projections, and the net cost development against the same months last year. Integer
//! öre throughout; divisions round half to even, in `i128`.

use super::{Figures, Forecast, RowKind, UnitFigures};
use crate::config::{AccountRange, Config, Row};
use crate::load::Table;
use crate::model::tree::Tree;

/// The name of the subtotal whose development is the net cost development.
pub(crate) const NET_COST: &str = "Verksamhetens nettokostnad";

/// The change in accumulated deviation since the previous month, in parts that add up to it
/// exactly.
#[derive(Debug, Clone)]
pub(crate) struct Bridge {
    /// The accumulated deviation at the previous month.
    pub from: i64,
    /// The accumulated deviation at the report month.
    pub to: i64,
    /// Every category row (no subtotals), in report order: name and change.
    pub by_category: Vec<(String, i64)>,
    /// Every child in tree order (node and change), and the unit's own bookings as the unit
    /// itself, last, when they changed.
    pub by_child: Vec<(usize, i64)>,
}

impl Bridge {
    /// `to − from`: the sum of the parts either way.
    pub(crate) fn change(&self) -> i64 {
        self.to - self.from
    }
}

/// Which way a forecast leans against both projections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flag {
    /// The forecast assumes a better rest of the year than both projections.
    Optimistic,
    /// The forecast assumes a worse rest of the year than both projections.
    Pessimistic,
}

impl Flag {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Flag::Optimistic => "optimistic",
            Flag::Pessimistic => "pessimistic",
        }
    }
}

/// What the forecast says the rest of the year adds to the deviation, against what the year
/// so far suggests.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ForecastCheck {
    /// Months of the (fiscal) year after the report month.
    pub months_left: u32,
    /// Forecast deviation − accumulated deviation.
    pub implied: i64,
    /// Accumulated deviation × months left / months so far.
    pub run_rate: i64,
    /// Accumulated deviation × last year's costs in the remaining months / last year's costs
    /// in the months so far; `None` without a complete last year.
    pub seasonal: Option<i64>,
    /// Set when the implied rest of the year lies beyond both projections by more than the
    /// tolerance, on the same side of both.
    pub flag: Option<Flag>,
}

/// The net cost (the subtotal [`NET_COST`], less the categories above it that are internal
/// frame funding) accumulated this year against the same months last year, and the budget's
/// own development against the same outcome. Without an outcome for last year there is no
/// development: only this year's net cost and budget.
#[derive(Debug, Clone)]
pub(crate) struct NetCost {
    pub name: String,
    /// The categories left out as internal frame funding (e.g. Regionbidrag).
    pub less: Vec<String>,
    /// Accumulated this year, result sign (a cost is negative).
    pub actual: i64,
    /// The same months last year; `None` when the ledger has no outcome for last year.
    pub actual_prev_year: Option<i64>,
    /// The accumulated budget this year; `None` when the data has no budget.
    pub budget: Option<i64>,
}

impl NetCost {
    /// How much the net cost grew: positive when it is larger than last year.
    pub(crate) fn growth(&self) -> Option<i64> {
        self.actual_prev_year.map(|p| p - self.actual)
    }

    /// How much the budget lets the net cost grow against last year's outcome.
    pub(crate) fn budget_growth(&self) -> Option<i64> {
        self.actual_prev_year.zip(self.budget).map(|(p, b)| p - b)
    }

    /// The growth in percent of last year's net cost; `None` unless last year had a net cost.
    pub(crate) fn growth_pct(&self) -> Option<f64> {
        self.growth()
            .zip(self.actual_prev_year)
            .and_then(|(g, p)| pct(g, p))
    }

    pub(crate) fn budget_growth_pct(&self) -> Option<f64> {
        self.budget_growth()
            .zip(self.actual_prev_year)
            .and_then(|(g, p)| pct(g, p))
    }
}

fn pct(growth: i64, prev: i64) -> Option<f64> {
    (prev < 0).then(|| 100.0 * growth as f64 / -(prev as f64))
}

/// Everything that explains one unit's month.
#[derive(Debug, Clone, Default)]
pub(crate) struct Explained {
    /// `None` in the year's first month and when the data has no budget.
    pub bridge: Option<Bridge>,
    /// `None` without a forecast or a budget.
    pub forecast_check: Option<ForecastCheck>,
    /// `None` when the report rows have no subtotal named [`NET_COST`].
    pub net_cost: Option<NetCost>,
    /// `None` without last year's forecasts, its full outcome or a budget.
    pub accuracy: Option<Accuracy>,
}

/// How good last year's forecasts were: each forecast made last year against the year's
/// final deviation.
#[derive(Debug, Clone)]
pub(crate) struct Accuracy {
    /// The first month of last (fiscal) year.
    pub start: crate::model::period::Month,
    /// Last year's final accumulated deviation (twelve months).
    pub outcome: i64,
    /// Each forecast in the month it was made, with its error (forecast − outcome: positive
    /// when the forecast was better than the outcome, too optimistic).
    pub forecasts: Vec<(Forecast, i64)>,
    /// The mean of the errors' sizes, to the öre (half to even).
    pub mean_absolute_error: i64,
    /// The mean error, to the öre (half to even).
    pub mean_error: i64,
    /// Every forecast too optimistic, or every one too pessimistic.
    pub bias: Option<Flag>,
}

/// `num / den` rounded to the nearest integer, halves to the even one; `den` > 0.
pub(crate) fn div_half_even(num: i128, den: i128) -> i128 {
    debug_assert!(den > 0);
    let q = num.div_euclid(den);
    let r = num.rem_euclid(den);
    match (2 * r).cmp(&den) {
        std::cmp::Ordering::Less => q,
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
    }
}

fn to_i64(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// Every unit's explanations, by node index.
pub(crate) fn compute(
    figures: &Figures,
    tree: &Tree,
    config: &Config,
    forecast: Option<&Table>,
) -> Vec<Explained> {
    let m = figures.period.months_into_year(config.year_start());
    let funding = funding_categories(config);
    let last_year = forecasts_last_year(figures, tree, config, forecast);
    (0..tree.nodes.len())
        .map(|node| {
            let f = &figures.units[node];
            Explained {
                accuracy: last_year
                    .as_ref()
                    .and_then(|(start, made)| accuracy(f, *start, &made[node])),
                bridge: figures
                    .budget_given
                    .then(|| bridge(figures, tree, node))
                    .flatten(),
                forecast_check: figures
                    .budget_given
                    .then(|| forecast_check(f, m, config.forecast_tolerance_milli))
                    .flatten(),
                net_cost: net_cost(f, figures, &funding),
            }
        })
        .collect()
}

fn bridge(figures: &Figures, tree: &Tree, node: usize) -> Option<Bridge> {
    let f = &figures.units[node];
    let prev = f.prev_month?;
    let by_category = f
        .rows
        .iter()
        .filter(|r| r.kind == RowKind::Category)
        .map(|r| (r.name.clone(), r.acc.deviation() - r.prev_month.deviation()))
        .collect();
    let change = f.acc.deviation() - prev.deviation();
    let children = &tree.nodes[node].children;
    let mut by_child: Vec<(usize, i64)> = children
        .iter()
        .map(|&c| (c, figures.units[c].deviation_change().unwrap_or(0)))
        .collect();
    if !children.is_empty() {
        let own = change - by_child.iter().map(|c| c.1).sum::<i64>();
        if own != 0 {
            by_child.push((node, own));
        }
    }
    Some(Bridge {
        from: prev.deviation(),
        to: f.acc.deviation(),
        by_category,
        by_child,
    })
}

/// Every unit's forecasts made last year, in the month each was made (the same rule as this
/// year's: the unit's own newest forecast, else its children's sum), with the year's first
/// month. `None` without a budget or a forecast table, or when last year's outcome is not
/// complete (a month of it without any outcome in the ledger).
fn forecasts_last_year(
    figures: &Figures,
    tree: &Tree,
    config: &Config,
    forecast: Option<&Table>,
) -> Option<(crate::model::period::Month, Vec<Vec<Forecast>>)> {
    let table = forecast?;
    let root = &figures.units[tree.root];
    if !figures.budget_given
        || root.months.len() != 12
        || root
            .months
            .iter()
            .any(|mf| mf.actual_prev_year == 0 && mf.cost_prev_year == 0)
    {
        return None;
    }
    let start = figures.period.year_start(config.year_start()).plus(-12);
    let mut made: Vec<Vec<Forecast>> = vec![Vec::new(); tree.nodes.len()];
    for i in 0..12 {
        let month = start.plus(i);
        for (node, f) in super::forecasts(Some(table), tree, month, start)
            .into_iter()
            .enumerate()
        {
            if let Some(f) = f.filter(|f| f.made == month) {
                made[node].push(f);
            }
        }
    }
    Some((start, made))
}

fn accuracy(
    f: &UnitFigures,
    start: crate::model::period::Month,
    made: &[Forecast],
) -> Option<Accuracy> {
    if made.is_empty() {
        return None;
    }
    let outcome: i64 = f
        .months
        .iter()
        .map(|mf| mf.actual_prev_year - mf.budget_prev_year)
        .sum();
    let forecasts: Vec<(Forecast, i64)> =
        made.iter().map(|x| (*x, x.deviation - outcome)).collect();
    let n = forecasts.len() as i128;
    let abs: i128 = forecasts.iter().map(|(_, e)| (*e as i128).abs()).sum();
    let sum: i128 = forecasts.iter().map(|(_, e)| *e as i128).sum();
    let bias = if forecasts.iter().all(|(_, e)| *e > 0) {
        Some(Flag::Optimistic)
    } else if forecasts.iter().all(|(_, e)| *e < 0) {
        Some(Flag::Pessimistic)
    } else {
        None
    };
    Some(Accuracy {
        start,
        outcome,
        mean_absolute_error: to_i64(div_half_even(abs, n)),
        mean_error: to_i64(div_half_even(sum, n)),
        forecasts,
        bias,
    })
}

/// The full-year cost budget: the categories' negative full-year budgets, as a positive sum.
pub(crate) fn cost_budget_year(f: &UnitFigures) -> i64 {
    f.rows
        .iter()
        .filter(|r| r.kind == RowKind::Category && r.budget_year < 0)
        .map(|r| -r.budget_year)
        .sum()
}

fn forecast_check(f: &UnitFigures, m: u32, tolerance_milli: i64) -> Option<ForecastCheck> {
    let fc = f.forecast?;
    let left = 12 - m.clamp(1, 12);
    let acc = f.acc.deviation();
    let implied = fc.deviation - acc;
    let run_rate = to_i64(div_half_even(acc as i128 * left as i128, m as i128));
    let seasonal = seasonal(f, m as usize, acc);
    // Beyond the tolerance: |difference| > tolerance % of the full-year cost budget.
    let cost = cost_budget_year(f) as i128;
    let beyond = |d: i64| (d as i128).abs() * 100_000 > cost * tolerance_milli as i128;
    let side = |p: i64| {
        if !beyond(implied - p) {
            None
        } else if implied > p {
            Some(Flag::Optimistic)
        } else {
            Some(Flag::Pessimistic)
        }
    };
    let flag = if left == 0 || cost == 0 {
        None
    } else {
        match (side(run_rate), seasonal.map(side)) {
            (Some(a), None) => Some(a),
            (Some(a), Some(Some(b))) if a == b => Some(a),
            _ => None,
        }
    };
    Some(ForecastCheck {
        months_left: left,
        implied,
        run_rate,
        seasonal,
        flag,
    })
}

/// The seasonal projection: the accumulated deviation spread over the rest of the year as
/// last year's costs were, `acc × last year's costs after month m / last year's costs in
/// months 1..m`. Defined only when every month of last year has costs.
fn seasonal(f: &UnitFigures, m: usize, acc: i64) -> Option<i64> {
    if f.months.len() != 12 || f.months.iter().any(|mf| mf.cost_prev_year == 0) {
        return None;
    }
    let first: i128 = f.months[..m].iter().map(|x| x.cost_prev_year as i128).sum();
    let rest: i128 = f.months[m..].iter().map(|x| x.cost_prev_year as i128).sum();
    // Both are negative (costs), so the ratio is positive.
    Some(to_i64(div_half_even(acc as i128 * -rest, -first)))
}

/// The configured categories whose account ranges all lie within `frame_funding_accounts`:
/// internal funding, not a part of the net cost's development.
fn funding_categories(config: &Config) -> Vec<String> {
    let inside = |r: &AccountRange| {
        config.frame_funding.iter().any(|f| {
            f.len <= r.len && {
                let scale = 10u64.pow((r.len - f.len) as u32);
                r.from / scale >= f.from && r.to / scale <= f.to
            }
        })
    };
    config
        .rows
        .iter()
        .filter_map(|row| match row {
            Row::Category { name, ranges } if !ranges.is_empty() && ranges.iter().all(inside) => {
                Some(name.clone())
            }
            _ => None,
        })
        .collect()
}

fn net_cost(f: &UnitFigures, figures: &Figures, funding: &[String]) -> Option<NetCost> {
    let at = f
        .rows
        .iter()
        .position(|r| r.kind == RowKind::Subtotal && r.name.eq_ignore_ascii_case(NET_COST))?;
    let mut net = NetCost {
        name: f.rows[at].name.clone(),
        less: Vec::new(),
        actual: 0,
        actual_prev_year: figures.prev_year_given.then_some(0),
        budget: figures.budget_given.then_some(0),
    };
    for r in f.rows[..at].iter().filter(|r| r.kind == RowKind::Category) {
        if funding.contains(&r.name) {
            net.less.push(r.name.clone());
            continue;
        }
        net.actual += r.acc.actual;
        if let Some(p) = net.actual_prev_year.as_mut() {
            *p += r.prev_year.actual;
        }
        if let Some(b) = net.budget.as_mut() {
            *b += r.acc.budget;
        }
    }
    Some(net)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_round_to_even() {
        assert_eq!(div_half_even(5, 2), 2);
        assert_eq!(div_half_even(7, 2), 4);
        assert_eq!(div_half_even(-5, 2), -2);
        assert_eq!(div_half_even(-7, 2), -4);
        assert_eq!(div_half_even(10, 3), 3);
        assert_eq!(div_half_even(-10, 3), -3);
        assert_eq!(div_half_even(11, 3), 4);
        assert_eq!(div_half_even(-11, 3), -4);
    }

    use crate::compute::{Amounts, MonthFigures, RowFigures};
    use crate::model::period::Month;

    /// A unit with a cost budget of 1 000 000 kr for the year, `acc` accumulated deviation
    /// after `m` months, a forecast and last year's costs per month.
    fn unit(acc: i64, forecast: i64, costs: [i64; 12]) -> UnitFigures {
        let start = Month::new(2020, 1).unwrap();
        UnitFigures {
            acc: Amounts {
                actual: acc,
                budget: 0,
            },
            prev_year: Amounts::default(),
            prev_month: None,
            budget_year: -100_000_000,
            rows: vec![RowFigures {
                name: "Personalkostnader".into(),
                kind: RowKind::Category,
                acc: Amounts::default(),
                prev_year: Amounts::default(),
                prev_month: Amounts::default(),
                budget_year: -100_000_000,
                month: Amounts::default(),
                actual_last_year: 0,
                forecast: None,
                forecast_prev: None,
            }],
            months: (0..12)
                .map(|i| MonthFigures {
                    month: start.plus(i),
                    actual: None,
                    budget: 0,
                    actual_prev_year: costs[i as usize],
                    cost_prev_year: costs[i as usize],
                    budget_prev_year: 0,
                })
                .collect(),
            forecast: Some(Forecast {
                deviation: forecast,
                made: start.plus(8),
            }),
            forecast_prev: None,
        }
    }

    #[test]
    fn forecast_check_flags_a_forecast_beyond_both_projections() {
        let flat = [-1_000_000; 12];
        // -9 000 kr after nine months: the run rate adds -3 000 kr, the flat seasonal profile too.
        let check = |forecast| forecast_check(&unit(-900_000, forecast, flat), 9, 500).unwrap();
        let c = check(-1_200_000);
        assert_eq!(
            (c.months_left, c.implied, c.run_rate),
            (3, -300_000, -300_000)
        );
        assert_eq!((c.seasonal, c.flag), (Some(-300_000), None));
        // The tolerance is 0,5 % of 1 000 000 kr: 5 000 kr.
        assert_eq!(check(-900_000 + 300_000).flag, Some(Flag::Optimistic));
        assert_eq!(
            check(-900_000 - 300_000 + 500_000).flag,
            None,
            "exactly at the tolerance"
        );
        assert_eq!(
            check(-900_000 - 300_000 + 500_001).flag,
            Some(Flag::Optimistic)
        );
        assert_eq!(check(-900_000 - 900_000).flag, Some(Flag::Pessimistic));
        // A heavy December: the seasonal projection sees more to come than the run rate.
        let mut december = flat;
        december[11] = -7_000_000;
        let c = forecast_check(&unit(-900_000, -900_000 - 1_000_000, december), 9, 500).unwrap();
        assert_eq!(c.seasonal, Some(-900_000));
        assert_eq!(
            c.flag, None,
            "within the tolerance of the seasonal projection"
        );
        // Without a complete last year there is no seasonal projection; the run rate decides.
        let mut gap = flat;
        gap[3] = 0;
        let c = forecast_check(&unit(-900_000, -900_000 + 300_000, gap), 9, 500).unwrap();
        assert_eq!((c.seasonal, c.flag), (None, Some(Flag::Optimistic)));
        // In the year's last month nothing is flagged.
        let c = forecast_check(&unit(-900_000, 0, flat), 12, 500).unwrap();
        assert_eq!((c.months_left, c.run_rate, c.flag), (0, 0, None));
    }

    #[test]
    fn net_cost_growth_in_percent() {
        let n = NetCost {
            name: NET_COST.into(),
            less: Vec::new(),
            actual: -10_500,
            actual_prev_year: Some(-10_000),
            budget: Some(-10_300),
        };
        assert_eq!(n.growth(), Some(500));
        assert_eq!(n.growth_pct(), Some(5.0));
        assert_eq!(n.budget_growth(), Some(300));
        assert_eq!(n.budget_growth_pct(), Some(3.0));
        // Without last year's outcome there is nothing to grow from.
        let first = NetCost {
            actual_prev_year: None,
            ..n
        };
        assert_eq!(first.growth(), None);
        assert_eq!(first.growth_pct(), None);
        assert_eq!(first.budget_growth(), None);
        assert_eq!(first.budget_growth_pct(), None);
    }
}

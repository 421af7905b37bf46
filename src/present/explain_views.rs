//! The views of what explains a unit's month: the bridge since last month (parts, drivers,
//! the waterfall chart), the forecast check, and the net cost development.

use serde::Serialize;

use super::chart_words::Chart;
use super::{Num, Presenter, prose_name};
use crate::compute::explain::{Accuracy, Bridge, ForecastCheck, NetCost};

/// One part of the bridge: a category, a child unit, or the unit's own entries.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BridgePart {
    pub name: String,
    /// The name as prose writes it (first letter lower case for categories).
    pub prose: String,
    pub value: Num,
    /// The part's report, for a child unit.
    pub href: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct BridgeView {
    /// The accumulated deviation at the previous month and now, and the change.
    pub from: Num,
    pub to: Num,
    pub change: Num,
    /// Every category that changed, in report order (with the children, the parts add up to
    /// the change exactly).
    pub categories: Vec<BridgePart>,
    /// Every child in tree order and the unit's own entries, for a unit with children.
    pub children: Vec<BridgePart>,
    /// Up to two categories that moved the most in the direction of the change, largest first.
    pub drivers: Vec<BridgePart>,
    /// The child that moved the most in the direction of the change.
    pub lead_child: Option<BridgePart>,
    /// The child that moved the most the other way.
    pub counter_child: Option<BridgePart>,
    /// The waterfall from the previous month's deviation to this month's.
    pub chart: Chart,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ForecastCheckView {
    pub months_left: u32,
    /// The months left, "okt–dec" (empty in the year's last month).
    pub rest: String,
    pub implied: Num,
    pub run_rate: Num,
    pub seasonal: Option<Num>,
    /// `optimistic`, `pessimistic` or none.
    pub flag: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct NetCostView {
    pub name: String,
    /// Categories left out as internal frame funding, in prose form.
    pub less: Vec<String>,
    pub actual: Num,
    /// The same months last year; none when the data has no outcome for last year.
    pub actual_prev_year: Option<Num>,
    /// Growth of the net cost against the same months last year (positive: it grew); none
    /// without last year.
    pub growth: Option<Num>,
    pub growth_pct: Option<Num>,
    /// What the budget allows against last year's outcome; none without a budget.
    pub budget_growth: Option<Num>,
    pub budget_growth_pct: Option<Num>,
}

/// One forecast made last year.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MadeView {
    /// The month it was made, "februari".
    pub month: String,
    pub period: String,
    pub deviation: Num,
    /// Forecast − outcome: positive when too optimistic.
    pub error: Num,
}

/// How good last year's forecasts were (prognossäkerhet).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AccuracyView {
    /// Last year as reports name it.
    pub year: String,
    pub outcome: Num,
    pub forecasts: Vec<MadeView>,
    pub mean_absolute_error: Num,
    pub mean_error: Num,
    /// `optimistic` when every forecast was too optimistic, `pessimistic` when every one was
    /// too cautious.
    pub bias: Option<&'static str>,
    pub chart: Chart,
}

/// What explains the month, as the templates see it.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct ExplainView {
    pub bridge: Option<BridgeView>,
    pub forecast_check: Option<ForecastCheckView>,
    pub net_cost: Option<NetCostView>,
    pub accuracy: Option<AccuracyView>,
}

/// How many categories the sentence names as drivers.
const DRIVERS: usize = 2;

impl Presenter<'_> {
    pub(crate) fn explain_view(&self, node: usize) -> ExplainView {
        let x = &self.explained[node];
        ExplainView {
            bridge: x.bridge.as_ref().map(|b| self.bridge_view(node, b)),
            forecast_check: x.forecast_check.map(|c| self.forecast_check_view(c)),
            net_cost: x.net_cost.as_ref().map(|n| self.net_cost_view(n)),
            accuracy: x.accuracy.as_ref().map(|a| self.accuracy_view(a)),
        }
    }

    pub(crate) fn accuracy_view(&self, a: &Accuracy) -> AccuracyView {
        let fmt = &self.fmt;
        AccuracyView {
            year: fmt.year_label(a.start),
            outcome: fmt.num(a.outcome),
            forecasts: a
                .forecasts
                .iter()
                .map(|(f, e)| MadeView {
                    month: fmt.month(f.made),
                    period: f.made.to_string(),
                    deviation: fmt.num(f.deviation),
                    error: fmt.num(*e),
                })
                .collect(),
            mean_absolute_error: fmt.num(a.mean_absolute_error),
            mean_error: fmt.num(a.mean_error),
            bias: a.bias.map(|b| b.as_str()),
            chart: super::charts::accuracy(a, fmt),
        }
    }

    fn bridge_view(&self, node: usize, b: &Bridge) -> BridgeView {
        let fmt = &self.fmt;
        let change = b.change();
        let categories: Vec<BridgePart> = b
            .by_category
            .iter()
            .filter(|(_, d)| *d != 0)
            .map(|(n, d)| BridgePart {
                name: n.clone(),
                prose: prose_name(n),
                value: fmt.num(*d),
                href: None,
            })
            .collect();
        let children: Vec<BridgePart> = b
            .by_child
            .iter()
            .map(|&(c, d)| {
                if c == node {
                    let own = fmt.lang.label("bridge_own").to_string();
                    BridgePart {
                        prose: prose_name(&own),
                        name: own,
                        value: fmt.num(d),
                        href: None,
                    }
                } else {
                    let r = self.unit_ref(c);
                    BridgePart {
                        prose: r.name.clone(),
                        name: r.name,
                        value: fmt.num(d),
                        href: Some(r.href),
                    }
                }
            })
            .collect();
        let dir = change.signum();
        // The parts in the direction of the change (or against it), largest first; ties in
        // report or tree order.
        let ranked = |parts: &[(i64, &BridgePart)], way: i64| -> Vec<BridgePart> {
            let mut v: Vec<(i64, usize, &BridgePart)> = parts
                .iter()
                .enumerate()
                .filter(|(_, (d, p))| d.signum() == way && p.value.sign != 0)
                .map(|(i, (d, p))| (*d, i, *p))
                .collect();
            v.sort_by_key(|(d, i, _)| (std::cmp::Reverse(d.abs()), *i));
            v.into_iter().map(|(_, _, p)| p.clone()).collect()
        };
        let cat_values: Vec<(i64, &BridgePart)> = b
            .by_category
            .iter()
            .filter(|(_, d)| *d != 0)
            .map(|(_, d)| *d)
            .zip(&categories)
            .collect();
        let child_values: Vec<(i64, &BridgePart)> =
            b.by_child.iter().map(|(_, d)| *d).zip(&children).collect();
        let (drivers, lead_child, counter_child) = if fmt.num(change).sign == 0 {
            (Vec::new(), None, None)
        } else {
            let mut drivers = ranked(&cat_values, dir);
            drivers.truncate(DRIVERS);
            (
                drivers,
                ranked(&child_values, dir).into_iter().next(),
                ranked(&child_values, -dir).into_iter().next(),
            )
        };
        BridgeView {
            from: fmt.num(b.from),
            to: fmt.num(b.to),
            change: fmt.num(change),
            chart: super::charts::bridge(
                b,
                self.figures.period,
                fmt,
                self.config.bridge_categories,
            ),
            categories,
            children,
            drivers,
            lead_child,
            counter_child,
        }
    }

    fn forecast_check_view(&self, c: ForecastCheck) -> ForecastCheckView {
        let period = self.figures.period;
        let short = |m: crate::model::period::Month| self.fmt.lang.month_short(m.month());
        let rest = match c.months_left {
            0 => String::new(),
            1 => short(period.plus(1)).to_string(),
            n => format!("{}–{}", short(period.plus(1)), short(period.plus(n as i32))),
        };
        ForecastCheckView {
            months_left: c.months_left,
            rest,
            implied: self.fmt.num(c.implied),
            run_rate: self.fmt.num(c.run_rate),
            seasonal: c.seasonal.map(|s| self.fmt.num(s)),
            flag: c.flag.map(|f| f.as_str()),
        }
    }

    fn net_cost_view(&self, n: &NetCost) -> NetCostView {
        let fmt = &self.fmt;
        NetCostView {
            name: n.name.clone(),
            less: n.less.iter().map(|l| prose_name(l)).collect(),
            actual: fmt.num(n.actual),
            actual_prev_year: n.actual_prev_year.map(|p| fmt.num(p)),
            growth: n.growth().map(|g| fmt.num(g)),
            growth_pct: n
                .growth_pct()
                .filter(|p| p.is_finite())
                .map(|p| fmt.fig(p, 1)),
            budget_growth: n.budget_growth().map(|g| fmt.num(g)),
            budget_growth_pct: n
                .budget_growth_pct()
                .filter(|p| p.is_finite())
                .map(|p| fmt.fig(p, 1)),
        }
    }
}

//! The optional sections of a report (staffing, hired staff, measures, adjustments,
//! production, budget frame) as the templates see them.

use serde::Serialize;

use super::*;
use crate::compute::sections;
use crate::model::section::{SECTIONS, SectionKey};

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PersonnelView {
    pub sick_pct: Option<Num>,
    pub sick_pct_prev: Option<Num>,
    pub sick_pct_change: Option<Num>,
    pub sick_hours: Num,
    pub sick_hours_prev: Num,
    pub sick_hours_change: Num,
    pub fte: Num,
    pub fte_prev: Num,
    pub fte_change: Num,
    pub employees: Option<Num>,
    pub employees_prev: Option<Num>,
    pub employees_change: Option<Num>,
    pub light: Option<&'static str>,
    pub chart: Chart,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct AgencyRowView {
    pub profession: String,
    /// The line colour in the chart.
    pub color: String,
    pub own: Num,
    pub agency: Num,
    pub pct: Option<Num>,
    pub pct_prev: Option<Num>,
    pub pct_change: Option<Num>,
    pub light: Option<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct AgencyView {
    pub rows: Vec<AgencyRowView>,
    pub total: AgencyRowView,
    pub target: Option<Num>,
    pub chart: Chart,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MeasureView {
    pub name: String,
    pub expected: Num,
    pub realized: Num,
    pub share: Option<Num>,
    pub light: Option<&'static str>,
    /// The decision date (`2020-03-15`), the due month (`juni 2020`), the status and whether
    /// the forecast counts the measure, where the table gives them.
    pub decided: Option<String>,
    pub due: Option<String>,
    pub status: Option<String>,
    pub in_forecast: Option<bool>,
    /// Past its due month and not done.
    pub overdue: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct MeasuresView {
    pub rows: Vec<MeasureView>,
    pub total: MeasureView,
    /// Whether any measure has a decision date, due month, status or forecast flag.
    pub details: bool,
    /// Measures past their due month that are not done: "name (due month)".
    pub overdue: Vec<String>,
    /// The full-year expected effect of the measures the forecast does not count.
    pub not_in_forecast: Option<Num>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ItemView {
    pub name: String,
    pub amount: Num,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct AdjustmentsView {
    pub rows: Vec<ItemView>,
    /// Item names in prose form.
    pub names: Vec<String>,
    pub total: Num,
    /// The deviation and the deviation net of the items; `None` when the data has no budget.
    pub deviation: Option<Num>,
    pub adjusted: Option<Num>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct KpiView {
    pub name: String,
    pub derived: bool,
    pub value: Num,
    pub prev: Num,
    pub change: Num,
    pub change_pct: Option<Num>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct ReallocationView {
    pub counterpart: UnitRef,
    pub amount: Num,
    pub reference: String,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct FrameView {
    pub year: i32,
    pub frame: Num,
    pub reallocations: Vec<ReallocationView>,
    pub reallocated: Num,
    pub revised: Num,
    /// `None` when the data has no budget.
    pub net_budget: Option<Num>,
    pub difference: Option<Num>,
}

/// The balance requirement: the result, the items left out of it, and what remains, for the
/// year to date and as forecast for the full year.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BalanceView {
    pub result: Num,
    /// Each item as it is taken out of the result (the negated outcome of its accounts).
    pub rows: Vec<ItemView>,
    /// Item names in prose form.
    pub names: Vec<String>,
    pub adjustment: Num,
    pub balance_result: Num,
    /// The forecast full-year result (full-year budget + forecast deviation) and the same less
    /// the items; `None` without a budget or a forecast.
    pub forecast_result: Option<Num>,
    pub balance_forecast: Option<Num>,
}

/// The result the council approved against the forecast full-year result, and the equity.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ApprovedView {
    pub unit: UnitRef,
    pub year: i32,
    pub approved: Num,
    /// The forecast full-year result (full-year budget + forecast deviation); `None` without a
    /// budget or a forecast.
    pub forecast: Option<Num>,
    /// Forecast less approved: negative when the forecast is worse than approved.
    pub difference: Option<Num>,
    /// Worse than approved (a finding).
    pub worse: bool,
    pub opening_equity: Option<Num>,
    /// Opening equity + the forecast full-year result.
    pub closing_equity: Option<Num>,
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

#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct SectionsView {
    pub personnel: Option<PersonnelView>,
    pub agency: Option<AgencyView>,
    pub measures: Option<MeasuresView>,
    pub adjustments: Option<AdjustmentsView>,
    pub activity: Option<Vec<KpiView>>,
    pub frame: Option<FrameView>,
    pub balance: Option<BalanceView>,
    pub approved: Option<ApprovedView>,
    pub investments: Option<InvestmentsView>,
    /// The test section's accumulated amount.
    #[cfg(test)]
    pub demo: Option<Num>,
    /// The sections the report shows, in report order.
    #[serde(skip)]
    pub shown: Vec<SectionKey>,
}

impl SectionsView {
    /// Whether the report shows the section.
    pub(crate) fn shown(&self, key: SectionKey) -> bool {
        self.shown.contains(&key)
    }
}

impl SectionsView {
    /// The section's chart, for a section that has one.
    pub(crate) fn chart(&self, key: SectionKey) -> Option<&Chart> {
        match key {
            SectionKey::Personnel => self.personnel.as_ref().map(|p| &p.chart),
            SectionKey::Agency => self.agency.as_ref().map(|a| &a.chart),
            SectionKey::Investments => self.investments.as_ref().map(|i| &i.chart),
            SectionKey::Measures
            | SectionKey::Adjustments
            | SectionKey::Activity
            | SectionKey::Frames
            | SectionKey::Approved
            | SectionKey::Balance => None,
            #[cfg(test)]
            SectionKey::Demo => None,
        }
    }
}

impl Presenter<'_> {
    /// A unit's investments, when an investment table is given and the unit has projects.
    fn investments_view(&self, node: usize) -> Option<InvestmentsView> {
        let inv = self.sections[node].investments.as_ref()?;
        let (fmt, period) = (&self.fmt, self.figures.period);
        let row = |name: String, code: Option<String>, s: sections::InvestmentSums, fc: bool| {
            InvestmentRowView {
                name,
                code,
                budget: fmt.num(s.budget),
                actual: fmt.num(s.actual),
                share: sections::ratio_pct(s.actual, s.budget).map(|v| fmt.fig(v, 0)),
                forecast: fc.then(|| fmt.num(s.forecast)),
                difference: fc.then(|| fmt.num(s.budget - s.forecast)),
                not_started: false,
                over_budget: s.actual > s.budget,
            }
        };
        let project = |p: &sections::ProjectRow| InvestmentRowView {
            not_started: p.not_started(period),
            ..row(
                p.name.clone(),
                Some(p.code.clone()),
                sections::InvestmentSums::of([p]),
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
        let named = |p: &sections::ProjectRow| format!("{} ({})", p.name, p.code);
        let total = inv.total();
        Some(InvestmentsView {
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
            lapse_month: self
                .config
                .lapse_month
                .map(|m| fmt.lang.month(m).to_string()),
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
        })
    }

    /// A unit's approved result against its forecast full-year result, when the `approved`
    /// table has a row for it this year.
    pub(super) fn approved_view(&self, node: usize) -> Option<ApprovedView> {
        let a = self.sections[node].approved?;
        let (f, fmt) = (&self.figures.units[node], &self.fmt);
        let forecast = f.forecast_result(self.figures.budget_given);
        Some(ApprovedView {
            unit: self.unit_ref(node),
            year: a.year,
            approved: fmt.num(a.result),
            forecast: forecast.map(|r| fmt.num(r)),
            difference: forecast.map(|r| fmt.num(r - a.result)),
            worse: forecast.is_some_and(|r| r < a.result),
            opening_equity: a.equity.map(|e| fmt.num(e)),
            closing_equity: a.equity.zip(forecast).map(|(e, r)| fmt.num(e + r)),
        })
    }

    pub(super) fn sections_view(&self, node: usize) -> SectionsView {
        let s = &self.sections[node];
        SectionsView {
            personnel: s.personnel.as_ref().map(|p| self.personnel_view(p)),
            agency: s.agency.as_ref().map(|rows| self.agency_view(rows)),
            measures: s.measures.as_ref().map(|rows| self.measures_view(rows)),
            adjustments: s
                .adjustments
                .as_ref()
                .map(|rows| self.adjustments_view(node, rows)),
            activity: s.activity.as_ref().map(|rows| self.activity_view(rows)),
            frame: s.frame.as_ref().map(|fr| self.frame_view(fr)),
            balance: s
                .balance
                .as_ref()
                .map(|items| self.balance_view(node, items)),
            approved: self.approved_view(node),
            investments: self.investments_view(node),
            #[cfg(test)]
            demo: s.demo.map(|d| self.fmt.num(d)),
            shown: SECTIONS
                .iter()
                .map(|d| d.key)
                .filter(|&k| s.shown(k))
                .collect(),
        }
    }

    fn personnel_view(&self, p: &sections::Personnel) -> PersonnelView {
        let fmt = &self.fmt;
        let th = &self.config.thresholds;
        let (now, prev) = (p.acc.sick_pct(), p.acc_prev_year.sick_pct());
        PersonnelView {
            sick_pct: now.map(|v| fmt.fig(v, 1)),
            sick_pct_prev: prev.map(|v| fmt.fig(v, 1)),
            sick_pct_change: match (now, prev) {
                // The difference of the rounded figures, as a reader would compute it.
                (Some(a), Some(b)) => Some(fmt.fig(round1(a) - round1(b), 1)),
                _ => None,
            },
            sick_hours: fmt.fig(p.acc.sick, 0),
            sick_hours_prev: fmt.fig(p.acc_prev_year.sick, 0),
            sick_hours_change: fmt.fig(p.acc.sick - p.acc_prev_year.sick, 0),
            fte: fmt.fig(p.fte, 0),
            fte_prev: fmt.fig(p.fte_prev_year, 0),
            fte_change: fmt.fig(p.fte - p.fte_prev_year, 0),
            employees: p.employees.map(|e| fmt.fig(e, 0)),
            employees_prev: p.employees_prev_year.map(|e| fmt.fig(e, 0)),
            employees_change: match (p.employees, p.employees_prev_year) {
                (Some(a), Some(b)) => Some(fmt.fig(a - b, 0)),
                _ => None,
            },
            light: match (now, th.sick_leave.as_ref()) {
                (Some(v), Some(l)) => Some(light(v, l)),
                _ => None,
            },
            chart: charts::sick_leave(p, self.figures.period, fmt),
        }
    }

    fn agency_view(&self, rows: &[sections::AgencyRow]) -> AgencyView {
        let fmt = &self.fmt;
        let th = &self.config.thresholds;
        let row = |r: &sections::AgencyRow| {
            let (now, prev) = (r.pct(), r.pct_prev_year());
            AgencyRowView {
                profession: r.profession.clone(),
                color: String::new(),
                own: fmt.num(r.own),
                agency: fmt.num(r.agency),
                pct: now.map(|v| fmt.fig(v, 2)),
                pct_prev: prev.map(|v| fmt.fig(v, 2)),
                pct_change: match (now, prev) {
                    (Some(a), Some(b)) => Some(fmt.fig(a - b, 2)),
                    _ => None,
                },
                light: match (now, th.agency.as_ref()) {
                    (Some(v), Some(l)) => Some(light(v, l)),
                    _ => None,
                },
            }
        };
        let total = sections::AgencyRow {
            profession: fmt.lang.label("total").to_string(),
            ..sections::agency_total(rows)
        };
        AgencyView {
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| AgencyRowView {
                    color: charts::series_color(i),
                    ..row(r)
                })
                .collect(),
            total: row(&total),
            target: th.agency.map(|l| fmt.fig(l.yellow, 2)),
            chart: charts::agency(rows, th.agency.map(|l| l.yellow), self.figures.period, fmt),
        }
    }

    fn measures_view(&self, rows: &[sections::MeasureRow]) -> MeasuresView {
        let fmt = &self.fmt;
        let th = &self.config.thresholds;
        let view = |name: String, e: i64, r: i64| {
            let share = sections::ratio_pct(r, e);
            MeasureView {
                name,
                expected: fmt.num(e),
                realized: fmt.num(r),
                share: share.map(|v| fmt.fig(v, 0)),
                light: match (share, th.measures.as_ref()) {
                    (Some(v), Some(l)) => Some(light(v, l)),
                    _ => None,
                },
                decided: None,
                due: None,
                status: None,
                in_forecast: None,
                overdue: false,
            }
        };
        let period = self.figures.period;
        // A measure of a unit below is named with its unit: "Minskad övertid, Kardiologi".
        let shown = |m: &sections::MeasureRow| match &m.unit {
            Some(code) => {
                let unit = self.tree.get(code).map(|i| &self.tree.nodes[i].name);
                format!("{}, {}", m.name, unit.unwrap_or(code))
            }
            None => m.name.clone(),
        };
        let not_in_forecast: i64 = rows
            .iter()
            .filter(|m| m.in_forecast == Some(false))
            .map(|m| m.expected_year)
            .sum();
        let (e, r) = sections::measures_total(rows);
        MeasuresView {
            rows: rows
                .iter()
                .map(|m| MeasureView {
                    decided: m.decided.map(crate::clock::date_text),
                    due: m.due.map(|d| fmt.month_year(d)),
                    status: m.status.clone(),
                    in_forecast: m.in_forecast,
                    overdue: m.overdue(period),
                    ..view(shown(m), m.expected, m.realized)
                })
                .collect(),
            total: view(fmt.lang.label("total").to_string(), e, r),
            details: rows.iter().any(|m| {
                m.decided.is_some()
                    || m.due.is_some()
                    || m.status.is_some()
                    || m.in_forecast.is_some()
            }),
            overdue: rows
                .iter()
                .filter(|m| m.overdue(period))
                .map(|m| match m.due {
                    Some(d) => format!("{} ({})", shown(m), fmt.month_year(d)),
                    None => shown(m),
                })
                .collect(),
            not_in_forecast: rows
                .iter()
                .any(|m| m.in_forecast == Some(false))
                .then(|| fmt.num(not_in_forecast)),
        }
    }

    fn adjustments_view(&self, node: usize, rows: &[sections::ItemRow]) -> AdjustmentsView {
        let fmt = &self.fmt;
        let f = &self.figures.units[node];
        let budget = self.figures.budget_given;
        let total = sections::items_total(rows);
        AdjustmentsView {
            rows: rows
                .iter()
                .map(|r| ItemView {
                    name: r.name.clone(),
                    amount: fmt.num(r.amount),
                })
                .collect(),
            names: rows.iter().map(|r| prose_name(&r.name)).collect(),
            total: fmt.num(total),
            deviation: budget.then(|| fmt.num(f.acc.deviation())),
            adjusted: budget.then(|| fmt.num(f.acc.deviation() + total)),
        }
    }

    fn activity_view(&self, rows: &[sections::KpiRow]) -> Vec<KpiView> {
        let fmt = &self.fmt;
        let pct_change = |now: f64, prev: f64| {
            (prev != 0.0).then(|| fmt.fig(100.0 * (now - prev) / prev.abs(), 1))
        };
        rows.iter()
            .map(|k| KpiView {
                name: k.name.clone(),
                derived: k.derived,
                value: fmt.fig(k.value, k.decimals),
                prev: fmt.fig(k.prev_year, k.decimals),
                change: fmt.fig(k.value - k.prev_year, k.decimals),
                change_pct: pct_change(k.value, k.prev_year),
            })
            .collect()
    }

    fn frame_view(&self, fr: &sections::Frame) -> FrameView {
        let fmt = &self.fmt;
        let reallocated = fr.reallocated();
        FrameView {
            year: fr.year,
            frame: fmt.num(fr.frame),
            reallocations: fr
                .reallocations
                .iter()
                .map(|r| ReallocationView {
                    counterpart: match self.tree.get(&r.counterpart) {
                        Some(n) => self.unit_ref(n),
                        None => UnitRef {
                            code: r.counterpart.clone(),
                            name: r.counterpart.clone(),
                            href: String::new(),
                        },
                    },
                    amount: fmt.num(r.amount),
                    reference: r.reference.clone(),
                    description: r.description.clone(),
                })
                .collect(),
            reallocated: fmt.num(reallocated),
            revised: fmt.num(fr.revised),
            net_budget: fr.net_budget.map(|n| fmt.num(n)),
            difference: fr
                .net_budget
                .filter(|n| *n != fr.revised)
                .map(|n| fmt.num(n - fr.revised)),
        }
    }

    fn balance_view(&self, node: usize, items: &[(String, i64)]) -> BalanceView {
        let fmt = &self.fmt;
        let f = &self.figures.units[node];
        let excluded: i64 = items.iter().map(|(_, a)| a).sum();
        let forecast = f.forecast_result(self.figures.budget_given);
        BalanceView {
            result: fmt.num(f.acc.actual),
            rows: items
                .iter()
                .map(|(name, amount)| ItemView {
                    name: name.clone(),
                    amount: fmt.num(-amount),
                })
                .collect(),
            names: items.iter().map(|(n, _)| prose_name(n)).collect(),
            adjustment: fmt.num(-excluded),
            balance_result: fmt.num(f.acc.actual - excluded),
            forecast_result: forecast.map(|r| fmt.num(r)),
            balance_forecast: forecast.map(|r| fmt.num(r - excluded)),
        }
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

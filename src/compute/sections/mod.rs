//! The optional tables' figures, per unit at every level of the tree: personnel, hired
//! staff, result-improving measures, adjustments, production and budget frames. Each
//! section exists only when its table is present. Money stays in öre; ratios are f64.

mod activity;
mod agency;
mod approved;
mod balance;
#[cfg(test)]
mod demo;
mod frames;
mod investments;
mod items;
mod personnel;

use std::collections::BTreeMap;

use crate::config::Config;
use crate::diag::Findings;
use crate::load::Dataset;
use crate::model::period::Month;
use crate::model::section::{SECTIONS, SectionKey};
use crate::model::tree::Tree;
pub(crate) use investments::{InvestmentSums, Investments, ProjectRow, budget_spread};

/// Sums of one unit's personnel for a span of months.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Hours {
    pub worked: f64,
    pub scheduled: f64,
    pub sick: f64,
}

impl Hours {
    fn add(&mut self, o: Hours) {
        self.worked += o.worked;
        self.scheduled += o.scheduled;
        self.sick += o.sick;
    }

    /// Sick hours as a percentage of scheduled hours.
    pub(crate) fn sick_pct(&self) -> Option<f64> {
        (self.scheduled > 0.0).then(|| 100.0 * self.sick / self.scheduled)
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Personnel {
    pub acc: Hours,
    pub acc_prev_year: Hours,
    /// Full-time equivalents of the worked hours over the accumulated span.
    pub fte: f64,
    pub fte_prev_year: f64,
    pub employees: Option<f64>,
    pub employees_prev_year: Option<f64>,
    /// Sick leave % per month, this year (to the report month) and last year.
    pub sick_by_month: Vec<Option<f64>>,
    pub sick_by_month_prev_year: Vec<Option<f64>>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct AgencyRow {
    pub profession: String,
    pub own: i64,
    pub agency: i64,
    pub own_prev_year: i64,
    pub agency_prev_year: i64,
    /// The accumulated ratio at the end of each month this year, in percent.
    pub trend: Vec<Option<f64>>,
}

impl AgencyRow {
    pub(crate) fn pct(&self) -> Option<f64> {
        ratio_pct(self.agency, self.own)
    }

    pub(crate) fn pct_prev_year(&self) -> Option<f64> {
        ratio_pct(self.agency_prev_year, self.own_prev_year)
    }
}

/// The sum of every profession's hired-staff and own-staff costs.
pub(crate) fn agency_total(rows: &[AgencyRow]) -> AgencyRow {
    let mut total = AgencyRow::default();
    for r in rows {
        total.own += r.own;
        total.agency += r.agency;
        total.own_prev_year += r.own_prev_year;
        total.agency_prev_year += r.agency_prev_year;
    }
    total
}

/// The measures' expected and realised effects, summed.
pub(crate) fn measures_total(rows: &[MeasureRow]) -> (i64, i64) {
    rows.iter()
        .fold((0, 0), |a, m| (a.0 + m.expected, a.1 + m.realized))
}

/// The sum of the adjustment items.
pub(crate) fn items_total(rows: &[ItemRow]) -> i64 {
    rows.iter().map(|r| r.amount).sum()
}

impl Frame {
    /// The net of the year's reallocations (in positive, out negative).
    pub(crate) fn reallocated(&self) -> i64 {
        self.reallocations.iter().map(|r| r.amount).sum()
    }
}

pub(crate) fn ratio_pct(part: i64, whole: i64) -> Option<f64> {
    (whole != 0).then(|| 100.0 * part as f64 / whole as f64)
}

#[derive(Debug, Clone, Default)]
pub(crate) struct MeasureRow {
    pub name: String,
    /// At a unit above, the unit below whose measure this is, where measures are kept apart
    /// per unit (the table gives decisions, due months, statuses or forecast flags).
    pub unit: Option<String>,
    pub expected: i64,
    pub realized: i64,
    /// The expected effect over the whole (fiscal) year: every month's `expected`.
    pub expected_year: i64,
    /// From the measure's latest row up to the report month: when it was decided (days
    /// since 1970-01-01), the month it is due, its status and whether the forecast counts it.
    pub decided: Option<i32>,
    pub due: Option<Month>,
    pub status: Option<String>,
    pub in_forecast: Option<bool>,
}

impl MeasureRow {
    /// Done or given up, by its status (`genomförd`, `avslutad`, `avbruten`, `done`…).
    pub(crate) fn closed(&self) -> bool {
        self.status.as_deref().is_some_and(|s| {
            let s = s.trim().to_lowercase();
            [
                "genomförd",
                "genomförda",
                "klar",
                "avslutad",
                "avbruten",
                "done",
                "completed",
                "cancelled",
                "canceled",
            ]
            .contains(&s.as_str())
        })
    }

    /// Past its due month at `period` and not closed.
    pub(crate) fn overdue(&self, period: Month) -> bool {
        self.due.is_some_and(|d| d < period) && !self.closed()
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct ItemRow {
    pub name: String,
    pub amount: i64,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct KpiRow {
    pub name: String,
    pub value: f64,
    pub prev_year: f64,
    pub decimals: u32,
    /// True for a ratio defined in the config.
    pub derived: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Reallocation {
    pub counterpart: String,
    /// Positive when the frame grows (in), negative when it shrinks (out).
    pub amount: i64,
    pub reference: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Frame {
    pub year: i32,
    pub frame: i64,
    pub reallocations: Vec<Reallocation>,
    pub revised: i64,
    /// The negated sum of the year's monthly budgets, frame-funding accounts left out; `None`
    /// when the data has no budget.
    pub net_budget: Option<i64>,
}

/// Every optional section of one unit; `None` where the table is absent or the unit has no rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct UnitSections {
    pub personnel: Option<Personnel>,
    pub agency: Option<Vec<AgencyRow>>,
    pub measures: Option<Vec<MeasureRow>>,
    pub adjustments: Option<Vec<ItemRow>>,
    pub activity: Option<Vec<KpiRow>>,
    pub frame: Option<Frame>,
    /// The balance requirement's exclusions (name, accumulated outcome); for the root whenever
    /// the config names them, and for every unit with outcome on their accounts.
    pub balance: Option<Vec<(String, i64)>>,
    /// The result the council approved for the year, and the opening equity when given.
    pub approved: Option<Approved>,
    /// The investment projects of the unit and its descendants.
    pub investments: Option<Investments>,
    /// The test section's amount accumulated to the report month.
    #[cfg(test)]
    pub demo: Option<i64>,
}

impl UnitSections {
    /// Whether the unit's report shows the section: its table is given and has rows for the
    /// unit (for the balance requirement: the config names exclusions with outcome here).
    pub(crate) fn shown(&self, key: SectionKey) -> bool {
        match key {
            SectionKey::Personnel => self.personnel.is_some(),
            SectionKey::Agency => self.agency.is_some(),
            SectionKey::Measures => self.measures.is_some(),
            SectionKey::Adjustments => self.adjustments.is_some(),
            SectionKey::Activity => self.activity.is_some(),
            SectionKey::Frames => self.frame.is_some(),
            SectionKey::Investments => self.investments.is_some(),
            SectionKey::Approved => self.approved.is_some(),
            SectionKey::Balance => self.balance.is_some(),
            #[cfg(test)]
            SectionKey::Demo => self.demo.is_some(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Approved {
    pub year: i32,
    pub result: i64,
    pub equity: Option<i64>,
}

/// For each unit code, the nodes it adds to: itself and every ancestor.
fn targets(tree: &Tree) -> BTreeMap<&str, Vec<usize>> {
    tree.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.code.as_str(), tree.ancestors_or_self(i)))
        .collect()
}

/// Where a month falls: this (fiscal) year (1) or last year (0), and the month index 0..12;
/// `start` is the first month of this year.
fn slot(p: i32, start: Month) -> Option<(usize, usize)> {
    let jan = start.index();
    if (jan..jan + 12).contains(&p) {
        Some((1, (p - jan) as usize))
    } else if (jan - 12..jan).contains(&p) {
        Some((0, (p - jan + 12) as usize))
    } else {
        None
    }
}

/// Own and hired staff cost per year (last, this) and month.
type OwnAndAgency = [[(i64, i64); 12]; 2];

/// What every section's computation needs: the data, the tree, the config and the month.
#[derive(Clone, Copy)]
pub(super) struct Ctx<'a> {
    data: &'a Dataset,
    tree: &'a Tree,
    config: &'a Config,
    period: Month,
    /// The first month of the report's (fiscal) year.
    start: Month,
    /// Units in the tree.
    n: usize,
    /// Months in the accumulated span (the report month's number in its year).
    m: usize,
    targets: &'a BTreeMap<&'a str, Vec<usize>>,
}

impl Ctx<'_> {
    /// The nodes a unit's rows add to: itself and every ancestor (none for an unknown unit).
    fn nodes_of(&self, unit: &str) -> &[usize] {
        self.targets.get(unit).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// One section of every unit: the section's compute step.
fn compute_section(
    key: SectionKey,
    cx: &Ctx<'_>,
    out: &mut [UnitSections],
    findings: &mut Findings,
) {
    match key {
        SectionKey::Personnel => personnel::personnel(cx, out),
        SectionKey::Agency => agency::agency(cx, out),
        SectionKey::Measures => items::measures(cx, out),
        SectionKey::Adjustments => items::adjustments(cx, out),
        SectionKey::Activity => activity::activity(cx, out),
        SectionKey::Frames => frames::frames(cx, out, findings),
        SectionKey::Investments => investments::investments(cx, out),
        SectionKey::Approved => approved::approved(cx, out),
        SectionKey::Balance => balance::balance(cx, out),
        #[cfg(test)]
        SectionKey::Demo => demo::compute(cx, out),
    }
}

/// Every optional section of every unit for the report month, one section (in report order)
/// at a time.
pub(crate) fn compute(
    data: &Dataset,
    tree: &Tree,
    config: &Config,
    period: Month,
    findings: &mut Findings,
) -> Vec<UnitSections> {
    let n = tree.nodes.len();
    let mut out = vec![UnitSections::default(); n];
    let targets = targets(tree);
    let cx = Ctx {
        data,
        tree,
        config,
        period,
        start: period.year_start(config.year_start()),
        n,
        m: period.months_into_year(config.year_start()) as usize,
        targets: &targets,
    };
    for section in SECTIONS {
        compute_section(section.key, &cx, &mut out, findings);
    }
    out
}

//! The optional tables' figures, per unit at every level of the tree: personnel, hired
//! staff, result-improving measures, adjustments, production and budget frames. Each
//! section exists only when its table is present. Money stays in öre; ratios are f64.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::diag::Findings;
use crate::load::Dataset;
use crate::model::period::Month;
use crate::model::tree::Tree;

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
    pub expected: i64,
    pub realized: i64,
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
    /// The negated sum of the year's monthly budgets, frame-funding accounts left out.
    pub net_budget: i64,
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
}

/// For each unit code, the nodes it adds to: itself and every ancestor.
fn targets(tree: &Tree) -> BTreeMap<&str, Vec<usize>> {
    tree.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.code.as_str(), tree.ancestors_or_self(i)))
        .collect()
}

/// Where a month falls: this year (1) or last year (0), and the month index 0..12.
fn slot(p: i32, period: Month) -> Option<(usize, usize)> {
    let jan = period.january().index();
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

pub(crate) fn compute(
    data: &Dataset,
    tree: &Tree,
    config: &Config,
    period: Month,
    findings: &mut Findings,
) -> Vec<UnitSections> {
    let n = tree.nodes.len();
    let mut out = vec![UnitSections::default(); n];
    let tg = targets(tree);
    let m = period.month() as usize;
    let empty: Vec<usize> = Vec::new();
    let nodes_of = |u: &str| tg.get(u).unwrap_or(&empty);

    if let Some(t) = data.get("staffing") {
        // [node][year][month]
        let mut hours = vec![[[Hours::default(); 12]; 2]; n];
        let mut employees = vec![[[0.0f64; 12]; 2]; n];
        let mut seen = vec![false; n];
        let (p, u) = (t.months("period"), t.text("unit"));
        let (w, s, k, e) = (
            t.numbers("worked_hours"),
            t.numbers("scheduled_hours"),
            t.numbers("sick_hours"),
            t.numbers("employees"),
        );
        for i in 0..t.len() {
            let Some((y, mo)) = slot(p[i], period) else {
                continue;
            };
            for &node in nodes_of(&u[i]) {
                hours[node][y][mo].add(Hours {
                    worked: w[i],
                    scheduled: s[i],
                    sick: k[i],
                });
                employees[node][y][mo] += e[i];
                seen[node] = true;
            }
        }
        let span_years = m as f64 / 12.0;
        for node in 0..n {
            if !seen[node] {
                continue;
            }
            let sum = |y: usize| {
                let mut h = Hours::default();
                for month in &hours[node][y][..m] {
                    h.add(*month);
                }
                h
            };
            let (acc, prev) = (sum(1), sum(0));
            let fte = |h: Hours| h.worked / (config.full_time_hours * span_years);
            out[node].personnel = Some(Personnel {
                acc,
                acc_prev_year: prev,
                fte: fte(acc),
                fte_prev_year: fte(prev),
                employees: (hours[node][1][m - 1].scheduled > 0.0
                    || employees[node][1][m - 1] > 0.0)
                    .then_some(employees[node][1][m - 1]),
                employees_prev_year: (hours[node][0][m - 1].scheduled > 0.0
                    || employees[node][0][m - 1] > 0.0)
                    .then_some(employees[node][0][m - 1]),
                sick_by_month: (0..12)
                    .map(|mo| {
                        if mo < m {
                            hours[node][1][mo].sick_pct()
                        } else {
                            None
                        }
                    })
                    .collect(),
                sick_by_month_prev_year: (0..12).map(|mo| hours[node][0][mo].sick_pct()).collect(),
            });
        }
    }

    if let Some(t) = data.get("agency") {
        // node → profession → [year][month] (own, agency)
        let mut acc: Vec<BTreeMap<String, OwnAndAgency>> = vec![BTreeMap::new(); n];
        let (p, u, pr, own, ag) = (
            t.months("period"),
            t.text("unit"),
            t.text("profession"),
            t.money("own_cost"),
            t.money("agency_cost"),
        );
        for i in 0..t.len() {
            let Some((y, mo)) = slot(p[i], period) else {
                continue;
            };
            for &node in nodes_of(&u[i]) {
                let e = acc[node].entry(pr[i].clone()).or_insert([[(0, 0); 12]; 2]);
                e[y][mo].0 += own[i];
                e[y][mo].1 += ag[i];
            }
        }
        for node in 0..n {
            if acc[node].is_empty() {
                continue;
            }
            let rows = acc[node]
                .iter()
                .map(|(prof, v)| {
                    let sum = |y: usize, upto: usize| {
                        v[y][..upto]
                            .iter()
                            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
                    };
                    let (o, a) = sum(1, m);
                    let (op, ap) = sum(0, m);
                    AgencyRow {
                        profession: prof.clone(),
                        own: o,
                        agency: a,
                        own_prev_year: op,
                        agency_prev_year: ap,
                        trend: (1..=12)
                            .map(|k| {
                                if k > m {
                                    return None;
                                }
                                let (o, a) = sum(1, k);
                                ratio_pct(a, o)
                            })
                            .collect(),
                    }
                })
                .collect();
            out[node].agency = Some(rows);
        }
    }

    let acc_by_name =
        |table: &str, name_col: &str, cols: &[&str]| -> Vec<BTreeMap<String, Vec<i64>>> {
            let mut acc: Vec<BTreeMap<String, Vec<i64>>> = vec![BTreeMap::new(); n];
            if let Some(t) = data.get(table) {
                let (p, u, names) = (t.months("period"), t.text("unit"), t.text(name_col));
                let values: Vec<&[i64]> = cols.iter().map(|c| t.money(c)).collect();
                for i in 0..t.len() {
                    if !matches!(slot(p[i], period), Some((1, mo)) if mo < m) {
                        continue;
                    }
                    for &node in nodes_of(&u[i]) {
                        let e = acc[node]
                            .entry(names[i].clone())
                            .or_insert_with(|| vec![0; cols.len()]);
                        for (k, v) in values.iter().enumerate() {
                            e[k] += v[i];
                        }
                    }
                }
            }
            acc
        };
    if data.get("measures").is_some() {
        for (node, rows) in acc_by_name("measures", "measure", &["expected", "realized"])
            .into_iter()
            .enumerate()
        {
            if !rows.is_empty() {
                out[node].measures = Some(
                    rows.into_iter()
                        .map(|(name, v)| MeasureRow {
                            name,
                            expected: v[0],
                            realized: v[1],
                        })
                        .collect(),
                );
            }
        }
    }
    if data.get("adjustments").is_some() {
        for (node, rows) in acc_by_name("adjustments", "item", &["amount"])
            .into_iter()
            .enumerate()
        {
            if !rows.is_empty() {
                out[node].adjustments = Some(
                    rows.into_iter()
                        .map(|(name, v)| ItemRow { name, amount: v[0] })
                        .collect(),
                );
            }
        }
    }

    if let Some(t) = data.get("activity") {
        let mut acc: Vec<BTreeMap<String, [f64; 2]>> = vec![BTreeMap::new(); n];
        let (p, u, k, v) = (
            t.months("period"),
            t.text("unit"),
            t.text("kpi"),
            t.numbers("value"),
        );
        for i in 0..t.len() {
            let Some((y, mo)) = slot(p[i], period) else {
                continue;
            };
            if mo >= m {
                continue;
            }
            for &node in nodes_of(&u[i]) {
                acc[node].entry(k[i].clone()).or_insert([0.0; 2])[y] += v[i];
            }
        }
        for (node, kpis) in acc.into_iter().enumerate() {
            if kpis.is_empty() {
                continue;
            }
            let mut rows: Vec<KpiRow> = kpis
                .iter()
                .map(|(name, v)| KpiRow {
                    name: name.clone(),
                    value: v[1],
                    prev_year: v[0],
                    decimals: 0,
                    derived: false,
                })
                .collect();
            for r in &config.kpi_ratios {
                let (Some(a), Some(b)) = (kpis.get(&r.numerator), kpis.get(&r.denominator)) else {
                    continue;
                };
                if b[1] == 0.0 && b[0] == 0.0 {
                    continue;
                }
                let div = |x: f64, y: f64| if y == 0.0 { f64::NAN } else { x / y };
                rows.push(KpiRow {
                    name: r.name.clone(),
                    value: div(a[1], b[1]),
                    prev_year: div(a[0], b[0]),
                    decimals: r.decimals,
                    derived: true,
                });
            }
            out[node].activity = Some(rows);
        }
    }

    if let Some(frames) = data.get("frames") {
        let year = period.year();
        let mut net_budget = vec![0i64; n];
        if let Some(ledger) = data.ledger() {
            let jan = period.january().index();
            let (p, u, a, b) = (
                ledger.months("period"),
                ledger.text("unit"),
                ledger.text("account"),
                ledger.money("budget"),
            );
            let mut funding: BTreeMap<&str, bool> = BTreeMap::new();
            for i in 0..ledger.len() {
                if p[i] < jan || p[i] >= jan + 12 {
                    continue;
                }
                let is_funding = *funding
                    .entry(a[i].as_str())
                    .or_insert_with(|| config.frame_funding.iter().any(|r| r.matches(&a[i])));
                if is_funding {
                    continue;
                }
                for &node in nodes_of(&u[i]) {
                    net_budget[node] -= b[i];
                }
            }
        }
        let reallocs = data.get("reallocations");
        let (fy, fu, ff) = (
            frames.months("year"),
            frames.text("unit"),
            frames.money("frame"),
        );
        for i in 0..frames.len() {
            if fy[i] != year {
                continue;
            }
            let Some(node) = tree.get(&fu[i]) else {
                continue;
            };
            let mut list = Vec::new();
            if let Some(r) = reallocs {
                let (ry, from, to, amt, refs, desc) = (
                    r.months("year"),
                    r.text("from_unit"),
                    r.text("to_unit"),
                    r.money("amount"),
                    r.text("reference"),
                    r.text("description"),
                );
                for j in 0..r.len() {
                    if ry[j] != year {
                        continue;
                    }
                    let d = desc.get(j).cloned().unwrap_or_default();
                    if from[j] == fu[i] {
                        list.push(Reallocation {
                            counterpart: to[j].clone(),
                            amount: -amt[j],
                            reference: refs[j].clone(),
                            description: d.clone(),
                        });
                    }
                    if to[j] == fu[i] {
                        list.push(Reallocation {
                            counterpart: from[j].clone(),
                            amount: amt[j],
                            reference: refs[j].clone(),
                            description: d,
                        });
                    }
                }
            }
            let revised = ff[i] + list.iter().map(|r| r.amount).sum::<i64>();
            let frame = Frame {
                year,
                frame: ff[i],
                reallocations: list,
                revised,
                net_budget: net_budget[node],
            };
            if frame.net_budget != frame.revised {
                findings.warning(
                    &frames.file,
                    Some(frames.rows[i]),
                    Some("frame"),
                    format!(
                        "unit \"{}\": the net budget for {year} is {} kr but the revised frame is {} kr (difference {} kr)",
                        fu[i],
                        crate::model::money::kronor_string(frame.net_budget),
                        crate::model::money::kronor_string(frame.revised),
                        crate::model::money::kronor_string(frame.net_budget - frame.revised)
                    ),
                );
            }
            out[node].frame = Some(frame);
        }
    }
    out
}

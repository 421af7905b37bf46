//! Staffing: worked and sick hours, full-time equivalents and employees, sick leave per
//! month, from the `staffing` table; its signal is the sick leave against its thresholds.

use super::prelude::*;

/// The section.
pub(super) struct Entry;

static ABOUT: About = About {
    name: "personnel",
    view: "personnel",
    tables: &["staffing"],
    english: "Personnel",
    headings: &[
        "personal",
        "sjukfrånvaro",
        "personnel",
        "staff",
        "sick leave",
    ],
    prose: true,
    html: "sections/personnel.html",
    typst: "pdf/sections/personnel.typ",
    sheet: Some(Sheet { label: "personnel" }),
    chart: Some("sick"),
    json: Some("personnel"),
    rank: 0,
    index: false,
};

const STAFFING: TableSpec = TableSpec {
    name: "staffing",
    columns: &[
        col("period", Kind::Month),
        col("unit", Kind::Text),
        col("worked_hours", Kind::Number),
        col("scheduled_hours", Kind::Number),
        col("sick_hours", Kind::Number),
        col("employees", Kind::Number),
    ],
    key: &["period", "unit"],
    unit_columns: &["unit"],
};

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

/// Fills in each unit's section from its table, when the table is given.
fn compute(cx: &Ctx<'_>, out: &mut [Option<Personnel>]) {
    let (data, config, n, m) = (cx.data, cx.config, cx.n, cx.m);
    let nodes_of = |u: &str| cx.nodes_of(u);
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
            let Some((y, mo)) = slot(p[i], cx.start) else {
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
            out[node] = Some(Personnel {
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
}

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

fn view(p: &Presenter<'_>, x: &Personnel) -> PersonnelView {
    let fmt = &p.fmt;
    let th = &p.config.thresholds;
    let (now, prev) = (x.acc.sick_pct(), x.acc_prev_year.sick_pct());
    PersonnelView {
        sick_pct: now.map(|v| fmt.fig(v, 1)),
        sick_pct_prev: prev.map(|v| fmt.fig(v, 1)),
        sick_pct_change: match (now, prev) {
            // The difference of the rounded figures, as a reader would compute it.
            (Some(a), Some(b)) => Some(fmt.fig(round1(a) - round1(b), 1)),
            _ => None,
        },
        sick_hours: fmt.fig(x.acc.sick, 0),
        sick_hours_prev: fmt.fig(x.acc_prev_year.sick, 0),
        sick_hours_change: fmt.fig(x.acc.sick - x.acc_prev_year.sick, 0),
        fte: fmt.fig(x.fte, 0),
        fte_prev: fmt.fig(x.fte_prev_year, 0),
        fte_change: fmt.fig(x.fte - x.fte_prev_year, 0),
        employees: x.employees.map(|e| fmt.fig(e, 0)),
        employees_prev: x.employees_prev_year.map(|e| fmt.fig(e, 0)),
        employees_change: match (x.employees, x.employees_prev_year) {
            (Some(a), Some(b)) => Some(fmt.fig(a - b, 0)),
            _ => None,
        },
        light: match (now, th.sick_leave.as_ref()) {
            (Some(v), Some(l)) => Some(light(v, l)),
            _ => None,
        },
        chart: charts::sick_leave(
            &x.sick_by_month,
            &x.sick_by_month_prev_year,
            p.figures.period,
            fmt,
        ),
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
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

fn personnel_json(p: &Personnel) -> PersonnelJson {
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

/// Sick leave, hours, full-time equivalents and employees, with last year's and the change.
fn sheet(cx: &Cx) -> Vec<Row> {
    let rows = cx.views.iter().filter_map(|v| {
        let p = view_of::<PersonnelView>(v, ABOUT.name)?;
        Some(
            Row::of(v)
                .cell("sick_leave", p.sick_pct.as_ref())
                .cell("xl_sick_leave_prev", p.sick_pct_prev.as_ref())
                .cell("xl_sick_leave_change", p.sick_pct_change.as_ref())
                .cell("sick_hours", &p.sick_hours)
                .cell("xl_sick_hours_prev", &p.sick_hours_prev)
                .cell("xl_sick_hours_change", &p.sick_hours_change)
                .cell("worked_fte", &p.fte)
                .cell("xl_fte_prev", &p.fte_prev)
                .cell("xl_fte_change", &p.fte_change)
                .cell("employees", p.employees.as_ref())
                .cell("xl_employees_prev", p.employees_prev.as_ref())
                .cell("xl_employees_change", p.employees_change.as_ref()),
        )
    });
    rows.collect()
}

impl SectionView for PersonnelView {
    fn chart(&self) -> Option<&Chart> {
        Some(&self.chart)
    }

    fn lights(&self, fmt: &Format) -> Vec<Light> {
        match (self.light, &self.sick_pct) {
            (Some(status), Some(v)) => vec![Light::percent("light_sick", None, v, status, fmt)],
            _ => Vec::new(),
        }
    }
}

impl Section for Entry {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn tables(&self) -> &'static [TableSpec] {
        &[STAFFING]
    }

    fn compute(&self, cx: &Ctx<'_>, _findings: &mut Findings) -> Vec<Option<Data>> {
        run(cx, compute)
    }

    fn monthly_pct<'a>(&self, data: &'a Data) -> Option<[&'a [Option<f64>]; 2]> {
        let p = data_of::<Personnel>(data)?;
        Some([&p.sick_by_month, &p.sick_by_month_prev_year])
    }

    fn view(&self, p: &Presenter<'_>, _node: usize, data: &Data) -> Option<Arc<dyn SectionView>> {
        Some(Arc::new(view(p, data_of(data)?)))
    }

    fn figures(&self, _cx: &UnitCx<'_>, data: &Data) -> Option<Part> {
        Some(Box::new(personnel_json(data_of(data)?)))
    }

    fn sheet(&self, cx: &Cx<'_>) -> Vec<Row> {
        sheet(cx)
    }
}

//! Hired staff: agency cost against own staff cost per profession, accumulated, from the
//! `agency` table; its signals are each profession's share against its thresholds.

use super::prelude::*;

/// The section.
pub(super) struct Entry;

static ABOUT: About = About {
    name: "agency",
    view: "agency",
    tables: &["agency"],
    english: "Hired staff",
    headings: &[
        "inhyrd personal",
        "bemanning",
        "stafett",
        "hired staff",
        "agency staff",
    ],
    prose: true,
    html: "sections/agency.html",
    typst: "pdf/sections/agency.typ",
    sheet: Some(Sheet { label: "agency" }),
    chart: Some("agency"),
    json: Some("agency"),
    rank: 1,
    index: false,
};

const AGENCY: TableSpec = TableSpec {
    name: "agency",
    columns: &[
        col("period", Kind::Month),
        col("unit", Kind::Text),
        col("profession", Kind::Text),
        positive("own_cost", "staff costs are given as positive amounts"),
        positive("agency_cost", "staff costs are given as positive amounts"),
    ],
    key: &["period", "unit", "profession"],
    unit_columns: &["unit"],
};

/// Own and hired staff cost per year (last, this) and month.
type OwnAndAgency = [[(i64, i64); 12]; 2];

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

/// Fills in each unit's section from its table, when the table is given.
fn compute(cx: &Ctx<'_>, out: &mut [Option<Vec<AgencyRow>>]) {
    let (data, n, m) = (cx.data, cx.n, cx.m);
    let nodes_of = |u: &str| cx.nodes_of(u);
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
            let Some((y, mo)) = slot(p[i], cx.start) else {
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
            out[node] = Some(rows);
        }
    }
}

/// Each profession's monthly trend, as the chart draws it.
fn lines(rows: &[AgencyRow]) -> Vec<(&str, &[Option<f64>])> {
    rows.iter()
        .map(|r| (r.profession.as_str(), r.trend.as_slice()))
        .collect()
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

fn view(p: &Presenter<'_>, rows: &[AgencyRow]) -> AgencyView {
    let fmt = &p.fmt;
    let th = &p.config.thresholds;
    let row = |r: &AgencyRow| {
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
    let total = AgencyRow {
        profession: fmt.lang.label("total").to_string(),
        ..agency_total(rows)
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
        chart: charts::agency(
            &lines(rows),
            th.agency.map(|l| l.yellow),
            p.figures.period,
            fmt,
        ),
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

fn agency_json(r: &AgencyRow) -> AgencyJson {
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

/// Hired staff against own staff, per profession and in total.
fn sheet(cx: &Cx) -> Vec<Row> {
    let rows = cx.views.iter().flat_map(|v| {
        let a = view_of::<AgencyView>(v, ABOUT.name).into_iter();
        a.flat_map(|a| a.rows.iter().chain(std::iter::once(&a.total)))
            .map(|r| {
                Row::of(v)
                    .cell("profession", &r.profession)
                    .cell("own_cost", &r.own)
                    .cell("agency_cost", &r.agency)
                    .cell("share", r.pct.as_ref())
                    .cell("last_year", r.pct_prev.as_ref())
                    .cell("change", r.pct_change.as_ref())
            })
    });
    rows.collect()
}

impl SectionView for AgencyView {
    fn chart(&self) -> Option<&Chart> {
        Some(&self.chart)
    }

    fn lights(&self, fmt: &Format) -> Vec<Light> {
        self.rows
            .iter()
            .filter_map(|r| {
                let (status, v) = (r.light?, r.pct.as_ref()?);
                let detail = Some(r.profession.clone());
                Some(Light::percent("light_agency", detail, v, status, fmt))
            })
            .collect()
    }
}

impl Section for Entry {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn tables(&self) -> &'static [TableSpec] {
        &[AGENCY]
    }

    fn compute(&self, cx: &Ctx<'_>, _findings: &mut Findings) -> Vec<Option<Data>> {
        run(cx, compute)
    }

    fn view(&self, p: &Presenter<'_>, _node: usize, data: &Data) -> Option<Arc<dyn SectionView>> {
        Some(Arc::new(view(p, data_of::<Vec<AgencyRow>>(data)?)))
    }

    fn figures(&self, _cx: &UnitCx<'_>, data: &Data) -> Option<Part> {
        let rows = data_of::<Vec<AgencyRow>>(data)?;
        Some(Box::new(rows.iter().map(agency_json).collect::<Vec<_>>()))
    }

    fn sheet(&self, cx: &Cx<'_>) -> Vec<Row> {
        sheet(cx)
    }
}

//! Production and activity: key figures against last year from the `activity` table, and the
//! ratios the config defines.

use super::prelude::*;

/// The section.
pub(super) struct Entry;

static ABOUT: About = About {
    name: "activity",
    view: "activity",
    tables: &["activity"],
    english: "Production",
    headings: &["produktion", "verksamhet", "production", "activity"],
    prose: true,
    html: "sections/activity.html",
    typst: "pdf/sections/activity.typ",
    sheet: Some(Sheet { label: "activity" }),
    chart: None,
    json: Some("activity"),
    rank: 4,
    index: false,
};

const ACTIVITY: TableSpec = TableSpec {
    name: "activity",
    columns: &[
        col("period", Kind::Month),
        col("unit", Kind::Text),
        col("kpi", Kind::Text),
        col("value", Kind::Number),
    ],
    key: &["period", "unit", "kpi"],
    unit_columns: &["unit"],
};

#[derive(Debug, Clone, Default)]
pub(crate) struct KpiRow {
    pub name: String,
    pub value: f64,
    pub prev_year: f64,
    pub decimals: u32,
    /// True for a ratio defined in the config.
    pub derived: bool,
}

/// Fills in each unit's section from its table, when the table is given.
fn compute(cx: &Ctx<'_>, out: &mut [Option<Vec<KpiRow>>]) {
    let (data, config, n, m) = (cx.data, cx.config, cx.n, cx.m);
    let nodes_of = |u: &str| cx.nodes_of(u);
    if let Some(t) = data.get("activity") {
        let mut acc: Vec<BTreeMap<String, [f64; 2]>> = vec![BTreeMap::new(); n];
        let (p, u, k, v) = (
            t.months("period"),
            t.text("unit"),
            t.text("kpi"),
            t.numbers("value"),
        );
        for i in 0..t.len() {
            let Some((y, mo)) = slot(p[i], cx.start) else {
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
            out[node] = Some(rows);
        }
    }
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

/// The key figures of a unit, in the order the table gives them.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub(crate) struct ActivityView(pub Vec<KpiView>);

impl SectionView for ActivityView {}

fn view(p: &Presenter<'_>, rows: &[KpiRow]) -> ActivityView {
    let fmt = &p.fmt;
    let pct_change =
        |now: f64, prev: f64| (prev != 0.0).then(|| fmt.fig(100.0 * (now - prev) / prev.abs(), 1));
    ActivityView(
        rows.iter()
            .map(|k| KpiView {
                name: k.name.clone(),
                derived: k.derived,
                value: fmt.fig(k.value, k.decimals),
                prev: fmt.fig(k.prev_year, k.decimals),
                change: fmt.fig(k.value - k.prev_year, k.decimals),
                change_pct: pct_change(k.value, k.prev_year),
            })
            .collect(),
    )
}

#[derive(Serialize)]
struct KpiJson {
    kpi: String,
    derived: bool,
    value: Option<f64>,
    previous_year: Option<f64>,
}

fn kpi_json(k: &KpiRow) -> KpiJson {
    KpiJson {
        kpi: k.name.clone(),
        derived: k.derived,
        value: finite(k.value),
        previous_year: finite(k.prev_year),
    }
}

/// The activity figures against last year.
fn sheet(cx: &Cx) -> Vec<Row> {
    let rows = cx.views.iter().flat_map(|v| {
        view_of::<ActivityView>(v, ABOUT.name)
            .into_iter()
            .flat_map(|a| &a.0)
            .map(|r| {
                Row::of(v)
                    .cell("kpi", &r.name)
                    .cell("this_year", &r.value)
                    .cell("last_year", &r.prev)
                    .cell("change", &r.change)
                    .cell("change_pct", r.change_pct.as_ref())
            })
    });
    rows.collect()
}

impl Section for Entry {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn tables(&self) -> &'static [TableSpec] {
        &[ACTIVITY]
    }

    fn compute(&self, cx: &Ctx<'_>, _findings: &mut Findings) -> Vec<Option<Data>> {
        run(cx, compute)
    }

    fn view(&self, p: &Presenter<'_>, _node: usize, data: &Data) -> Option<Arc<dyn SectionView>> {
        let d = data_of::<Vec<KpiRow>>(data)?;
        Some(Arc::new(view(p, d)))
    }

    fn figures(&self, _cx: &UnitCx<'_>, data: &Data) -> Option<Part> {
        let d = data_of::<Vec<KpiRow>>(data)?;
        Some(Box::new(d.iter().map(kpi_json).collect::<Vec<_>>()))
    }

    fn sheet(&self, cx: &Cx<'_>) -> Vec<Row> {
        sheet(cx)
    }
}

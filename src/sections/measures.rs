//! Result-improving measures: each measure's expected and realised effect accumulated to the
//! report month, with its decision, due month, status and forecast flag where the `measures`
//! table gives them; its signal is the share realised against its thresholds.

use super::prelude::*;

/// The section.
pub(super) struct Entry;

static ABOUT: About = About {
    name: "measures",
    view: "measures",
    tables: &["measures"],
    english: "Measures",
    headings: &["åtgärder", "resultatförbättrande åtgärder", "measures"],
    prose: true,
    html: "sections/measures.html",
    typst: "pdf/sections/measures.typ",
    sheet: Some(Sheet { label: "measures" }),
    chart: None,
    json: Some("measures"),
    rank: 2,
    index: false,
};

pub(crate) const MEASURES: TableSpec = TableSpec {
    name: "measures",
    columns: &[
        col("period", Kind::Month),
        col("unit", Kind::Text),
        col("measure", Kind::Text),
        col("expected", Kind::Money),
        col("realized", Kind::Money),
        opt("decided", Kind::Date),
        opt("due", Kind::Month),
        opt("status", Kind::Text),
        opt("in_forecast", Kind::YesNo),
    ],
    key: &["period", "unit", "measure"],
    unit_columns: &["unit"],
};

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

/// The measures' expected and realised effects, summed.
pub(crate) fn measures_total(rows: &[MeasureRow]) -> (i64, i64) {
    rows.iter()
        .fold((0, 0), |a, m| (a.0 + m.expected, a.1 + m.realized))
}

/// Fills in each unit's measures from the `measures` table, when it is given.
fn compute(cx: &Ctx<'_>, out: &mut [Option<Vec<MeasureRow>>]) {
    let Some(t) = cx.data.get("measures") else {
        return;
    };
    // With a decision, due month, status or forecast flag, a measure is one unit's: at a
    // unit above, measures of the same name on different units stay apart.
    let by_unit = ["decided", "due", "status", "in_forecast"]
        .iter()
        .any(|c| t.column(c).is_some());
    let key = |node: usize, unit: &str, name: &str, by_unit: bool| {
        crate::compute::sections::key(cx, node, unit, name, by_unit)
    };
    let details = measure_details(cx, t, &key, by_unit);
    for (node, rows) in acc_by_name(
        cx,
        "measures",
        "measure",
        &["expected", "realized"],
        by_unit,
    )
    .into_iter()
    .enumerate()
    {
        if !rows.is_empty() {
            out[node] = Some(
                rows.into_iter()
                    .map(|(k, v)| {
                        let d = details[node].get(&k).cloned().unwrap_or_default();
                        MeasureRow {
                            name: k.0,
                            unit: k.1,
                            expected: v[0],
                            realized: v[1],
                            expected_year: d.expected_year,
                            decided: d.decided,
                            due: d.due,
                            status: d.status,
                            in_forecast: d.in_forecast,
                        }
                    })
                    .collect(),
            );
        }
    }
}

/// What a measure's rows say besides the month's amounts.
#[derive(Debug, Clone, Default)]
struct Details {
    expected_year: i64,
    /// The month of the row the rest was taken from.
    latest: Option<i32>,
    decided: Option<i32>,
    due: Option<Month>,
    status: Option<String>,
    in_forecast: Option<bool>,
}

/// Per node and measure: the expected effect over the whole year, and the decision, due month,
/// status and forecast flag of its latest row up to the report month (a later row wins; at a
/// unit above, the latest row of any unit below with that measure), keyed as the rows are.
fn measure_details(
    cx: &Ctx<'_>,
    t: &crate::load::Table,
    key: &dyn Fn(usize, &str, &str, bool) -> Key,
    by_unit: bool,
) -> Vec<BTreeMap<Key, Details>> {
    let mut out: Vec<BTreeMap<Key, Details>> = vec![BTreeMap::new(); cx.n];
    let (p, u, names, expected) = (
        t.months("period"),
        t.text("unit"),
        t.text("measure"),
        t.money("expected"),
    );
    let (decided, due, status, in_forecast) = (
        t.months("decided"),
        t.months("due"),
        t.text("status"),
        t.text("in_forecast"),
    );
    for i in 0..t.len() {
        let Some((1, _)) = slot(p[i], cx.start) else {
            continue;
        };
        for &node in cx.nodes_of(&u[i]) {
            let d = out[node]
                .entry(key(node, &u[i], &names[i], by_unit))
                .or_default();
            d.expected_year += expected[i];
            if p[i] > cx.period.index() || d.latest.is_some_and(|l| l > p[i]) {
                continue;
            }
            d.latest = Some(p[i]);
            d.decided = decided.get(i).copied().filter(|&x| x != 0);
            d.due = due.get(i).copied().filter(|&x| x != 0).map(Month);
            d.status = status.get(i).filter(|s| !s.is_empty()).cloned();
            d.in_forecast = in_forecast.get(i).and_then(|s| match s.as_str() {
                "ja" => Some(true),
                "nej" => Some(false),
                _ => None,
            });
        }
    }
    out
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
    /// The decision date as days since 1970-01-01 and the due month, for the workbook's
    /// date cells.
    #[serde(skip)]
    pub decided_day: Option<i32>,
    #[serde(skip)]
    pub due_month: Option<Month>,
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

fn view(p: &Presenter<'_>, rows: &[MeasureRow]) -> MeasuresView {
    let fmt = &p.fmt;
    let th = &p.config.thresholds;
    let view = |name: String, e: i64, r: i64| {
        let share = ratio_pct(r, e);
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
            decided_day: None,
            due_month: None,
            status: None,
            in_forecast: None,
            overdue: false,
        }
    };
    let period = p.figures.period;
    // A measure of a unit below is named with its unit: "Minskad övertid, Kardiologi".
    let shown = |m: &MeasureRow| match &m.unit {
        Some(code) => {
            let unit = p.tree.get(code).map(|i| &p.tree.nodes[i].name);
            format!("{}, {}", m.name, unit.unwrap_or(code))
        }
        None => m.name.clone(),
    };
    let not_in_forecast: i64 = rows
        .iter()
        .filter(|m| m.in_forecast == Some(false))
        .map(|m| m.expected_year)
        .sum();
    let (e, r) = measures_total(rows);
    MeasuresView {
        rows: rows
            .iter()
            .map(|m| MeasureView {
                decided: m.decided.map(crate::clock::date_text),
                due: m.due.map(|d| fmt.month_year(d)),
                decided_day: m.decided,
                due_month: m.due,
                status: m.status.clone(),
                in_forecast: m.in_forecast,
                overdue: m.overdue(period),
                ..view(shown(m), m.expected, m.realized)
            })
            .collect(),
        total: view(fmt.lang.label("total").to_string(), e, r),
        details: rows.iter().any(|m| {
            m.decided.is_some() || m.due.is_some() || m.status.is_some() || m.in_forecast.is_some()
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

fn measure_json(m: &MeasureRow, period: Month) -> MeasureJson {
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

/// The measures and what they have brought, each and in total.
fn sheet(cx: &Cx) -> Vec<Row> {
    let (yes, no) = (cx.t("word_yes"), cx.t("word_no"));
    let rows = cx.views.iter().flat_map(|v| {
        let m = view_of::<MeasuresView>(v, ABOUT.name).into_iter();
        m.flat_map(|m| m.rows.iter().chain(std::iter::once(&m.total)))
            .map(|r| {
                Row::of(v)
                    .cell("measure", &r.name)
                    .cell("expected", &r.expected)
                    .cell("realized", &r.realized)
                    .cell("achieved", r.share.as_ref())
                    .cell("decided", Cell::day(r.decided_day))
                    .cell("due", r.due_month.map_or(Cell::Empty, Cell::Month))
                    .cell("status", r.status.as_ref())
                    .cell(
                        "in_forecast",
                        r.in_forecast
                            .map_or(Cell::Empty, |i| Cell::from(if i { &yes } else { &no })),
                    )
            })
    });
    rows.collect()
}

impl SectionView for MeasuresView {
    fn lights(&self, fmt: &Format) -> Vec<Light> {
        match (self.total.light, &self.total.share) {
            (Some(status), Some(v)) => vec![Light::percent("light_measures", None, v, status, fmt)],
            _ => Vec::new(),
        }
    }
}

impl Section for Entry {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn tables(&self) -> &'static [TableSpec] {
        &[MEASURES]
    }

    fn compute(&self, cx: &Ctx<'_>, _findings: &mut Findings) -> Vec<Option<Data>> {
        run(cx, compute)
    }

    fn view(&self, p: &Presenter<'_>, _node: usize, data: &Data) -> Option<Arc<dyn SectionView>> {
        Some(Arc::new(view(p, data_of::<Vec<MeasureRow>>(data)?)))
    }

    fn figures(&self, cx: &UnitCx<'_>, data: &Data) -> Option<Part> {
        let rows = data_of::<Vec<MeasureRow>>(data)?;
        let period = cx.figures.period;
        Some(Box::new(
            rows.iter()
                .map(|m| measure_json(m, period))
                .collect::<Vec<_>>(),
        ))
    }

    fn sheet(&self, cx: &Cx<'_>) -> Vec<Row> {
        sheet(cx)
    }
}

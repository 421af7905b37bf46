//! The approved result: the result the council approved for the year and the opening equity
//! from the `approved` table, against the forecast full-year result; the index page lists it
//! for the units at the top.

use super::prelude::*;

/// The section.
pub(super) struct Entry;

static ABOUT: About = About {
    name: "approved",
    view: "approved",
    tables: &["approved"],
    english: "Approved result",
    headings: &[],
    prose: false,
    html: "sections/approved.html",
    typst: "pdf/sections/approved.typ",
    sheet: Some(Sheet {
        label: "sheet_approved",
    }),
    chart: None,
    json: Some("approved"),
    rank: 7,
    index: true,
};

/// The full-year result the council approved for a unit (often zero, sometimes a planned
/// deficit) and the unit's opening equity.
const APPROVED: TableSpec = TableSpec {
    name: "approved",
    columns: &[
        col("year", Kind::Year),
        col("unit", Kind::Text),
        col("result", Kind::Money),
        opt("equity", Kind::Money),
    ],
    key: &["year", "unit"],
    unit_columns: &["unit"],
};

#[derive(Debug, Clone, Copy)]
pub(crate) struct Approved {
    pub year: i32,
    pub result: i64,
    pub equity: Option<i64>,
}

fn compute(cx: &Ctx<'_>, out: &mut [Option<Approved>]) {
    let Some(t) = cx.data.get("approved") else {
        return;
    };
    // A fiscal year is named by the calendar year it starts in.
    let year = cx.start.year();
    let has_equity = t.column("equity").is_some();
    let (years, units, results, equity) = (
        t.months("year"),
        t.text("unit"),
        t.money("result"),
        t.money("equity"),
    );
    for i in 0..t.len() {
        if years[i] != year {
            continue;
        }
        if let Some(node) = cx.tree.get(&units[i]) {
            out[node] = Some(Approved {
                year,
                result: results[i],
                equity: (has_equity && !t.is_blank("equity", i)).then(|| equity[i]),
            });
        }
    }
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

impl SectionView for ApprovedView {}

/// A unit's approved result against its forecast full-year result, when the `approved`
/// table has a row for it this year.
fn view(p: &Presenter<'_>, node: usize, a: Approved) -> ApprovedView {
    let (f, fmt) = (&p.figures.units[node], &p.fmt);
    let forecast = f.forecast_result(p.figures.budget_given);
    ApprovedView {
        unit: p.unit_ref(node),
        year: a.year,
        approved: fmt.num(a.result),
        forecast: forecast.map(|r| fmt.num(r)),
        difference: forecast.map(|r| fmt.num(r - a.result)),
        worse: forecast.is_some_and(|r| r < a.result),
        opening_equity: a.equity.map(|e| fmt.num(e)),
        closing_equity: a.equity.zip(forecast).map(|(e, r)| fmt.num(e + r)),
    }
}

/// The approved full-year result against the forecast one, and the equity.
#[derive(Serialize)]
struct ApprovedJson {
    year: i32,
    result: String,
    forecast_result: Option<String>,
    difference: Option<String>,
    opening_equity: Option<String>,
    closing_equity: Option<String>,
}

fn approved_json(a: Approved, f: &compute::UnitFigures, budget: bool) -> ApprovedJson {
    let forecast = f.forecast_result(budget);
    ApprovedJson {
        year: a.year,
        result: kronor_string(a.result),
        forecast_result: forecast.map(kronor_string),
        difference: forecast.map(|r| kronor_string(r - a.result)),
        opening_equity: a.equity.map(kronor_string),
        closing_equity: a.equity.zip(forecast).map(|(e, r)| kronor_string(e + r)),
    }
}

/// The approved result against the forecast, and the equity.
fn sheet(cx: &Cx) -> Vec<Row> {
    let rows = cx.views.iter().filter_map(|v| {
        let a = view_of::<ApprovedView>(v, ABOUT.name)?;
        Some(
            Row::of(v)
                .cell("approved_result", &a.approved)
                .cell("forecast_result", a.forecast.as_ref())
                .cell("against_approved", a.difference.as_ref())
                .cell("opening_equity", a.opening_equity.as_ref())
                .cell("closing_equity", a.closing_equity.as_ref()),
        )
    });
    rows.collect()
}

impl Section for Entry {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn tables(&self) -> &'static [TableSpec] {
        &[APPROVED]
    }

    fn compute(&self, cx: &Ctx<'_>, _findings: &mut Findings) -> Vec<Option<Data>> {
        run(cx, compute)
    }

    fn view(&self, p: &Presenter<'_>, node: usize, data: &Data) -> Option<Arc<dyn SectionView>> {
        let d = data_of::<Approved>(data)?;
        Some(Arc::new(view(p, node, *d)))
    }

    fn figures(&self, cx: &UnitCx<'_>, data: &Data) -> Option<Part> {
        let d = data_of::<Approved>(data)?;
        Some(Box::new(approved_json(*d, cx.unit, cx.budget)))
    }

    fn sheet(&self, cx: &Cx<'_>) -> Vec<Row> {
        sheet(cx)
    }
}

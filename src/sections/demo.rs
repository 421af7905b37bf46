//! The test section `demo`, added the way a new section is: this one module (its registry
//! entry, its table, its compute step, its view and its sheet), one line in the list of
//! sections and its two templates (`tests/fixtures/sections/`). Its amount is the `demo`
//! table's `amount` accumulated to the report month, per unit and every unit above it.

use super::prelude::*;

/// The section.
pub(super) struct Entry;

static ABOUT: About = About {
    name: "demo",
    view: "demo",
    tables: &["demo"],
    english: "Demo",
    headings: &["demo"],
    prose: false,
    html: "sections/demo.html",
    typst: "pdf/sections/demo.typ",
    sheet: Some(Sheet { label: "demo" }),
    chart: None,
    json: None,
    rank: 9,
    index: false,
};

/// The section's table: an amount per unit and month.
const DEMO: TableSpec = TableSpec {
    name: "demo",
    columns: &[
        col("period", Kind::Month),
        col("unit", Kind::Text),
        col("amount", Kind::Money),
    ],
    key: &["period", "unit"],
    unit_columns: &["unit"],
};

/// Fills in each unit's demo amount, when the `demo` table is given and has rows for it.
fn compute(cx: &Ctx<'_>, out: &mut [Option<i64>]) {
    let Some(t) = cx.data.get("demo") else {
        return;
    };
    let (p, u, amount) = (t.months("period"), t.text("unit"), t.money("amount"));
    for i in 0..t.len() {
        if !matches!(slot(p[i], cx.start), Some((1, mo)) if mo < cx.m) {
            continue;
        }
        for &node in cx.nodes_of(&u[i]) {
            *out[node].get_or_insert(0) += amount[i];
        }
    }
}

/// The unit's accumulated amount.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub(crate) struct DemoView(Num);

impl SectionView for DemoView {}

/// The test section: its amount per unit.
fn sheet(cx: &Cx) -> Vec<Row> {
    let rows = cx.views.iter().filter_map(|v| {
        let d = &view_of::<DemoView>(v, ABOUT.name)?.0;
        Some(Row::of(v).cell("amount", d))
    });
    rows.collect()
}

impl Section for Entry {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn tables(&self) -> &'static [TableSpec] {
        &[DEMO]
    }

    fn compute(&self, cx: &Ctx<'_>, _findings: &mut Findings) -> Vec<Option<Data>> {
        run(cx, compute)
    }

    fn view(&self, p: &Presenter<'_>, _node: usize, data: &Data) -> Option<Arc<dyn SectionView>> {
        Some(Arc::new(DemoView(p.fmt.num(*data_of::<i64>(data)?))))
    }

    fn sheet(&self, cx: &Cx<'_>) -> Vec<Row> {
        sheet(cx)
    }
}

//! Adjustments: the named items that explain the deviation, accumulated to the report month
//! from the `adjustments` table, and the deviation net of them.

use super::prelude::*;
use crate::present::ItemView;

/// The section.
pub(super) struct Entry;

static ABOUT: About = About {
    name: "adjustments",
    view: "adjustments",
    tables: &["adjustments"],
    english: "Adjustments",
    headings: &["justeringar", "adjustments"],
    prose: true,
    html: "sections/adjustments.html",
    typst: "pdf/sections/adjustments.typ",
    sheet: Some(Sheet {
        label: "adjustments",
    }),
    chart: None,
    json: Some("adjustments"),
    rank: 3,
    index: false,
};

const ADJUSTMENTS: TableSpec = TableSpec {
    name: "adjustments",
    columns: &[
        col("period", Kind::Month),
        col("unit", Kind::Text),
        col("item", Kind::Text),
        col("amount", Kind::Money),
    ],
    key: &["period", "unit", "item"],
    unit_columns: &["unit"],
};

#[derive(Debug, Clone, Default)]
pub(crate) struct ItemRow {
    pub name: String,
    pub amount: i64,
}

/// The sum of the adjustment items.
pub(crate) fn items_total(rows: &[ItemRow]) -> i64 {
    rows.iter().map(|r| r.amount).sum()
}

/// Fills in each unit's adjustment items from the `adjustments` table, when it is given.
fn compute(cx: &Ctx<'_>, out: &mut [Option<Vec<ItemRow>>]) {
    if cx.data.get("adjustments").is_none() {
        return;
    }
    for (node, rows) in acc_by_name(cx, "adjustments", "item", &["amount"], false)
        .into_iter()
        .enumerate()
    {
        if !rows.is_empty() {
            out[node] = Some(
                rows.into_iter()
                    .map(|((name, _), v)| ItemRow { name, amount: v[0] })
                    .collect(),
            );
        }
    }
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

fn view(p: &Presenter<'_>, node: usize, rows: &[ItemRow]) -> AdjustmentsView {
    let fmt = &p.fmt;
    let f = &p.figures.units[node];
    let budget = p.figures.budget_given;
    let total = items_total(rows);
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

#[derive(Serialize)]
struct AdjustmentsJson {
    items: BTreeMap<String, String>,
    total: String,
    adjusted_deviation: Option<String>,
}

fn adjustments_json(rows: &[ItemRow], cx: &UnitCx<'_>) -> AdjustmentsJson {
    let total: i64 = rows.iter().map(|r| r.amount).sum();
    AdjustmentsJson {
        items: rows
            .iter()
            .map(|r| (r.name.clone(), kronor_string(r.amount)))
            .collect(),
        total: kronor_string(total),
        adjusted_deviation: cx.budgeted(cx.unit.acc.deviation() + total),
    }
}

/// The deviation, what adjusts it, and the adjusted deviation (or the adjustments' total).
fn sheet(cx: &Cx) -> Vec<Row> {
    let mut rows = Vec::new();
    for v in cx.views {
        let Some(j) = view_of::<AdjustmentsView>(v, ABOUT.name) else {
            continue;
        };
        let row = |item: String, amount| Row::of(v).cell("item", item).cell("amount", amount);
        if let Some(d) = &j.deviation {
            rows.push(row(cx.t("deviation_acc"), d));
        }
        for r in &j.rows {
            rows.push(row(r.name.clone(), &r.amount));
        }
        rows.push(match &j.adjusted {
            Some(a) => row(cx.t("adjusted_deviation"), a),
            None => row(cx.t("total"), &j.total),
        });
    }
    rows
}

impl SectionView for AdjustmentsView {
    fn adjusted_deviation(&self) -> Option<&Num> {
        self.adjusted.as_ref()
    }
}

impl Section for Entry {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn tables(&self) -> &'static [TableSpec] {
        &[ADJUSTMENTS]
    }

    fn compute(&self, cx: &Ctx<'_>, _findings: &mut Findings) -> Vec<Option<Data>> {
        run(cx, compute)
    }

    fn view(&self, p: &Presenter<'_>, node: usize, data: &Data) -> Option<Arc<dyn SectionView>> {
        Some(Arc::new(view(p, node, data_of::<Vec<ItemRow>>(data)?)))
    }

    fn figures(&self, cx: &UnitCx<'_>, data: &Data) -> Option<Part> {
        Some(Box::new(adjustments_json(
            data_of::<Vec<ItemRow>>(data)?,
            cx,
        )))
    }

    fn sheet(&self, cx: &Cx<'_>) -> Vec<Row> {
        sheet(cx)
    }
}

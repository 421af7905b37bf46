//! Budget frames: the frame the council decided for the year from the `frames` table, the
//! year's reallocations between units (`reallocations`), the revised frame and the net
//! budget against it.

use super::prelude::*;

/// The section.
pub(super) struct Entry;

static ABOUT: About = About {
    name: "frames",
    view: "frame",
    tables: &["frames"],
    english: "Frames",
    headings: &["budgetram", "ramar", "budget frame", "frames"],
    prose: true,
    html: "sections/frames.html",
    typst: "pdf/sections/frames.typ",
    sheet: Some(Sheet { label: "frames" }),
    chart: None,
    json: Some("frame"),
    rank: 5,
    index: false,
};

const FRAMES: TableSpec = TableSpec {
    name: "frames",
    columns: &[
        col("year", Kind::Year),
        col("unit", Kind::Text),
        col("frame", Kind::Money),
    ],
    key: &["year", "unit"],
    unit_columns: &["unit"],
};

const REALLOCATIONS: TableSpec = TableSpec {
    name: "reallocations",
    columns: &[
        col("year", Kind::Year),
        col("from_unit", Kind::Text),
        col("to_unit", Kind::Text),
        positive(
            "amount",
            "a reallocation moves a positive amount from from_unit to to_unit; swap the units for the other direction",
        ),
        col("reference", Kind::Text),
        opt("description", Kind::Text).free_text(),
    ],
    key: &[],
    unit_columns: &["from_unit", "to_unit"],
};

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

impl Frame {
    /// The net of the year's reallocations (in positive, out negative).
    pub(crate) fn reallocated(&self) -> i64 {
        self.reallocations.iter().map(|r| r.amount).sum()
    }
}

/// Fills in each unit's section from its table, when the table is given.
fn compute(cx: &Ctx<'_>, out: &mut [Option<Frame>], findings: &mut Findings) {
    let (data, tree, config, n) = (cx.data, cx.tree, cx.config, cx.n);
    let nodes_of = |u: &str| cx.nodes_of(u);
    if let Some(frames) = data.get("frames") {
        // A fiscal year is named by the calendar year it starts in.
        let year = cx.start.year();
        let mut net_budget = vec![0i64; n];
        if let Some(ledger) = data.ledger() {
            let jan = cx.start.index();
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
                net_budget: data.budget_given.then_some(net_budget[node]),
            };
            if let Some(net) = frame.net_budget
                && net != frame.revised
            {
                findings.warning(
                    &frames.file,
                    Some(frames.rows[i]),
                    Some(frames.shown("frame")),
                    format!(
                        "unit \"{}\": the net budget for {year} is {} kr but the revised frame is {} kr (difference {} kr)",
                        fu[i],
                        crate::model::money::kronor_text(net),
                        crate::model::money::kronor_text(frame.revised),
                        crate::model::money::kronor_text(net - frame.revised)
                    ),
                );
            }
            out[node] = Some(frame);
        }
    }
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

impl SectionView for FrameView {}

fn view(p: &Presenter<'_>, fr: &Frame) -> FrameView {
    let fmt = &p.fmt;
    let reallocated = fr.reallocated();
    FrameView {
        year: fr.year,
        frame: fmt.num(fr.frame),
        reallocations: fr
            .reallocations
            .iter()
            .map(|r| ReallocationView {
                counterpart: match p.tree.get(&r.counterpart) {
                    Some(n) => p.unit_ref(n),
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

#[derive(Serialize)]
struct FrameJson {
    year: i32,
    frame: String,
    reallocated: String,
    revised: String,
    net_budget: Option<String>,
}

fn frame_json(fr: &Frame) -> FrameJson {
    FrameJson {
        year: fr.year,
        frame: kronor_string(fr.frame),
        reallocated: kronor_string(fr.reallocations.iter().map(|r| r.amount).sum()),
        revised: kronor_string(fr.revised),
        net_budget: fr.net_budget.map(kronor_string),
    }
}

/// The decided frame, its reallocations, the revised frame and the net budget.
fn sheet(cx: &Cx) -> Vec<Row> {
    let mut rows = Vec::new();
    for v in cx.views {
        let Some(f) = view_of::<FrameView>(v, ABOUT.view) else {
            continue;
        };
        let row = |item: String, reference: Cell, description: Cell, amount| {
            Row::of(v)
                .cell("item", item)
                .cell("reference", reference)
                .cell("description", description)
                .cell("amount", amount)
        };
        rows.push(row(
            cx.t("frame_decided"),
            Cell::Empty,
            Cell::Empty,
            &f.frame,
        ));
        for r in &f.reallocations {
            let direction = cx.t(if r.amount.sign < 0 { "to" } else { "from" });
            let item = format!(
                "{} {direction} {}",
                cx.t("reallocation"),
                r.counterpart.name
            );
            let (reference, description) = (Cell::from(&r.reference), Cell::from(&r.description));
            rows.push(row(item, reference, description, &r.amount));
        }
        rows.push(row(
            cx.t("revised_frame"),
            Cell::Empty,
            Cell::Empty,
            &f.revised,
        ));
        if let Some(n) = &f.net_budget {
            rows.push(row(cx.t("net_budget"), Cell::Empty, Cell::Empty, n));
        }
    }
    rows
}

impl Section for Entry {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn tables(&self) -> &'static [TableSpec] {
        &[FRAMES, REALLOCATIONS]
    }

    fn compute(&self, cx: &Ctx<'_>, findings: &mut Findings) -> Vec<Option<Data>> {
        run(cx, |cx, out| compute(cx, out, findings))
    }

    fn view(&self, p: &Presenter<'_>, _node: usize, data: &Data) -> Option<Arc<dyn SectionView>> {
        let d = data_of::<Frame>(data)?;
        Some(Arc::new(view(p, d)))
    }

    fn figures(&self, _cx: &UnitCx<'_>, data: &Data) -> Option<Part> {
        let d = data_of::<Frame>(data)?;
        Some(Box::new(frame_json(d)))
    }

    fn sheet(&self, cx: &Cx<'_>) -> Vec<Row> {
        sheet(cx)
    }
}

//! The balance requirement: the result, the items the config leaves out of it (their
//! accounts' outcome) and the balance result, for the year to date and as forecast.

use super::prelude::*;
use crate::present::ItemView;

/// The section.
pub(super) struct Entry;

static ABOUT: About = About {
    name: "balance",
    view: "balance",
    tables: &[],
    english: "Balance requirement",
    headings: &[],
    prose: true,
    html: "sections/balance.html",
    typst: "pdf/sections/balance.typ",
    sheet: Some(Sheet {
        label: "balance_requirement",
    }),
    chart: None,
    json: Some("balance_requirement"),
    rank: 6,
    index: false,
};

/// Fills in the exclusions of every unit that has outcome on their accounts this year, and
/// of the root whenever the config names exclusions.
fn compute(cx: &Ctx<'_>, out: &mut [Option<Vec<(String, i64)>>]) {
    let exclusions = &cx.config.balance_exclusions;
    if exclusions.is_empty() {
        return;
    }
    let Some(ledger) = cx.data.ledger() else {
        return;
    };
    let (from, to) = (cx.start.index(), cx.period.index());
    let mut sums = vec![vec![0i64; exclusions.len()]; cx.n];
    let mut booked = vec![false; cx.n];
    let (periods, units, accounts, actual) = (
        ledger.months("period"),
        ledger.text("unit"),
        ledger.text("account"),
        ledger.money("actual"),
    );
    // Each account counts once, for the first item whose ranges hold it.
    let mut item_of: BTreeMap<&str, Option<usize>> = BTreeMap::new();
    for i in 0..ledger.len() {
        if periods[i] < from || periods[i] > to {
            continue;
        }
        let item = *item_of.entry(accounts[i].as_str()).or_insert_with(|| {
            exclusions
                .iter()
                .position(|(_, ranges)| ranges.iter().any(|r| r.matches(&accounts[i])))
        });
        let Some(item) = item else { continue };
        for &node in cx.nodes_of(&units[i]) {
            // The table's amounts add up below a quarter of i64 (checked on load).
            sums[node][item] += actual[i];
            booked[node] = true;
        }
    }
    for (node, items) in sums.into_iter().enumerate() {
        if node == cx.tree.root || booked[node] {
            out[node] = Some(
                exclusions
                    .iter()
                    .zip(items)
                    .map(|((name, _), amount)| (name.clone(), amount))
                    .collect(),
            );
        }
    }
}

/// The balance requirement: the result, the items left out of it, and what remains, for the
/// year to date and as forecast for the full year.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct BalanceView {
    pub result: Num,
    /// Each item as it is taken out of the result (the negated outcome of its accounts).
    pub rows: Vec<ItemView>,
    /// Item names in prose form.
    pub names: Vec<String>,
    pub adjustment: Num,
    pub balance_result: Num,
    /// The forecast full-year result (full-year budget + forecast deviation) and the same less
    /// the items; `None` without a budget or a forecast.
    pub forecast_result: Option<Num>,
    pub balance_forecast: Option<Num>,
}

impl SectionView for BalanceView {}

fn view(p: &Presenter<'_>, node: usize, items: &[(String, i64)]) -> BalanceView {
    let fmt = &p.fmt;
    let f = &p.figures.units[node];
    let excluded: i64 = items.iter().map(|(_, a)| a).sum();
    let forecast = f.forecast_result(p.figures.budget_given);
    BalanceView {
        result: fmt.num(f.acc.actual),
        rows: items
            .iter()
            .map(|(name, amount)| ItemView {
                name: name.clone(),
                amount: fmt.num(-amount),
            })
            .collect(),
        names: items.iter().map(|(n, _)| prose_name(n)).collect(),
        adjustment: fmt.num(-excluded),
        balance_result: fmt.num(f.acc.actual - excluded),
        forecast_result: forecast.map(|r| fmt.num(r)),
        balance_forecast: forecast.map(|r| fmt.num(r - excluded)),
    }
}

/// The balance requirement: the accumulated result, each excluded item's accumulated outcome,
/// the result less them; and the same for the forecast full-year result.
#[derive(Serialize)]
struct BalanceJson {
    result: String,
    exclusions: Vec<ExclusionJson>,
    balance_result: String,
    forecast_result: Option<String>,
    forecast_balance_result: Option<String>,
}

#[derive(Serialize)]
struct ExclusionJson {
    name: String,
    actual: String,
}

fn balance_json(items: &[(String, i64)], f: &compute::UnitFigures, budget: bool) -> BalanceJson {
    let excluded: i64 = items.iter().map(|(_, a)| a).sum();
    let forecast = f.forecast_result(budget);
    BalanceJson {
        result: kronor_string(f.acc.actual),
        exclusions: items
            .iter()
            .map(|(name, amount)| ExclusionJson {
                name: name.clone(),
                actual: kronor_string(*amount),
            })
            .collect(),
        balance_result: kronor_string(f.acc.actual - excluded),
        forecast_result: forecast.map(kronor_string),
        forecast_balance_result: forecast.map(|r| kronor_string(r - excluded)),
    }
}

/// The balance requirement: the result, what is left out of it, and the balance result,
/// for the year to date and as forecast.
fn sheet(cx: &Cx) -> Vec<Row> {
    let less = cx.t("balance_less");
    let mut rows = Vec::new();
    for v in cx.views {
        let Some(b) = view_of::<BalanceView>(v, ABOUT.name) else {
            continue;
        };
        let row = |item: String, acc, forecast: Cell| {
            Row::of(v)
                .cell("item", item)
                .cell("acc", acc)
                .cell("balance_forecast", forecast)
        };
        let forecast = b.forecast_result.as_ref();
        rows.push(row(cx.t("result"), &b.result, forecast.into()));
        for r in &b.rows {
            let item = format!("{less} {}", r.name.to_lowercase());
            let in_forecast = forecast.map(|_| &r.amount);
            rows.push(row(item, &r.amount, in_forecast.into()));
        }
        let balance_forecast = b.balance_forecast.as_ref().into();
        rows.push(row(
            cx.t("balance_result"),
            &b.balance_result,
            balance_forecast,
        ));
    }
    rows
}

impl Section for Entry {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn compute(&self, cx: &Ctx<'_>, _findings: &mut Findings) -> Vec<Option<Data>> {
        run(cx, compute)
    }

    fn view(&self, p: &Presenter<'_>, node: usize, data: &Data) -> Option<Arc<dyn SectionView>> {
        let d = data_of::<Vec<(String, i64)>>(data)?;
        Some(Arc::new(view(p, node, d)))
    }

    fn figures(&self, cx: &UnitCx<'_>, data: &Data) -> Option<Part> {
        let d = data_of::<Vec<(String, i64)>>(data)?;
        Some(Box::new(balance_json(d, cx.unit, cx.budget)))
    }

    fn sheet(&self, cx: &Cx<'_>) -> Vec<Row> {
        sheet(cx)
    }
}

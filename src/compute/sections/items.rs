//! Measures and adjustments: named amounts accumulated to the report month.

use super::*;

/// A measure's or item's row key: its name, and at a unit above, the unit below it is booked
/// on when such rows are kept apart per unit.
type Key = (String, Option<String>);

/// A row's key at `node`: its name, and at a unit above, the unit the row is booked on when
/// rows are kept apart per unit (`by_unit`).
fn key(cx: &Ctx<'_>, node: usize, unit: &str, name: &str, by_unit: bool) -> Key {
    let own = cx.tree.get(unit) == Some(node);
    (
        name.to_string(),
        (by_unit && !own).then(|| unit.to_string()),
    )
}

/// Per node, the table's `cols` accumulated to the report month by row key.
fn acc_by_name(
    cx: &Ctx<'_>,
    table: &str,
    name_col: &str,
    cols: &[&str],
    by_unit: bool,
) -> Vec<BTreeMap<Key, Vec<i64>>> {
    let mut acc: Vec<BTreeMap<Key, Vec<i64>>> = vec![BTreeMap::new(); cx.n];
    if let Some(t) = cx.data.get(table) {
        let (p, u, names) = (t.months("period"), t.text("unit"), t.text(name_col));
        let values: Vec<&[i64]> = cols.iter().map(|c| t.money(c)).collect();
        for i in 0..t.len() {
            if !matches!(slot(p[i], cx.start), Some((1, mo)) if mo < cx.m) {
                continue;
            }
            for &node in cx.nodes_of(&u[i]) {
                let e = acc[node]
                    .entry(key(cx, node, &u[i], &names[i], by_unit))
                    .or_insert_with(|| vec![0; cols.len()]);
                for (k, v) in values.iter().enumerate() {
                    e[k] += v[i];
                }
            }
        }
    }
    acc
}

/// Fills in each unit's measures from the `measures` table, when it is given.
pub(super) fn measures(cx: &Ctx<'_>, out: &mut [UnitSections]) {
    let Some(t) = cx.data.get("measures") else {
        return;
    };
    // With a decision, due month, status or forecast flag, a measure is one unit's: at a
    // unit above, measures of the same name on different units stay apart.
    let by_unit = ["decided", "due", "status", "in_forecast"]
        .iter()
        .any(|c| t.column(c).is_some());
    let key =
        |node: usize, unit: &str, name: &str, by_unit: bool| key(cx, node, unit, name, by_unit);
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
            out[node].measures = Some(
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

/// Fills in each unit's adjustment items from the `adjustments` table, when it is given.
pub(super) fn adjustments(cx: &Ctx<'_>, out: &mut [UnitSections]) {
    if cx.data.get("adjustments").is_none() {
        return;
    }
    for (node, rows) in acc_by_name(cx, "adjustments", "item", &["amount"], false)
        .into_iter()
        .enumerate()
    {
        if !rows.is_empty() {
            out[node].adjustments = Some(
                rows.into_iter()
                    .map(|((name, _), v)| ItemRow { name, amount: v[0] })
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

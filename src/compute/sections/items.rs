//! Measures and adjustments: named amounts accumulated to the report month.

use super::*;

/// Fills in each unit's section from its table, when the table is given.
pub(super) fn measures_and_adjustments(cx: &Ctx<'_>, out: &mut [UnitSections]) {
    let (data, n, m) = (cx.data, cx.n, cx.m);
    let nodes_of = |u: &str| cx.nodes_of(u);
    let acc_by_name =
        |table: &str, name_col: &str, cols: &[&str]| -> Vec<BTreeMap<String, Vec<i64>>> {
            let mut acc: Vec<BTreeMap<String, Vec<i64>>> = vec![BTreeMap::new(); n];
            if let Some(t) = data.get(table) {
                let (p, u, names) = (t.months("period"), t.text("unit"), t.text(name_col));
                let values: Vec<&[i64]> = cols.iter().map(|c| t.money(c)).collect();
                for i in 0..t.len() {
                    if !matches!(slot(p[i], cx.start), Some((1, mo)) if mo < m) {
                        continue;
                    }
                    for &node in nodes_of(&u[i]) {
                        let e = acc[node]
                            .entry(names[i].clone())
                            .or_insert_with(|| vec![0; cols.len()]);
                        for (k, v) in values.iter().enumerate() {
                            e[k] += v[i];
                        }
                    }
                }
            }
            acc
        };
    if data.get("measures").is_some() {
        for (node, rows) in acc_by_name("measures", "measure", &["expected", "realized"])
            .into_iter()
            .enumerate()
        {
            if !rows.is_empty() {
                out[node].measures = Some(
                    rows.into_iter()
                        .map(|(name, v)| MeasureRow {
                            name,
                            expected: v[0],
                            realized: v[1],
                        })
                        .collect(),
                );
            }
        }
    }
    if data.get("adjustments").is_some() {
        for (node, rows) in acc_by_name("adjustments", "item", &["amount"])
            .into_iter()
            .enumerate()
        {
            if !rows.is_empty() {
                out[node].adjustments = Some(
                    rows.into_iter()
                        .map(|(name, v)| ItemRow { name, amount: v[0] })
                        .collect(),
                );
            }
        }
    }
}

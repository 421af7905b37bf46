//! Production and activity: key figures against last year, and the configured ratios.

use super::*;

/// Fills in each unit's section from its table, when the table is given.
pub(super) fn activity(cx: &Ctx<'_>, out: &mut [UnitSections]) {
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
            out[node].activity = Some(rows);
        }
    }
}

//! Hired staff: agency cost against own staff cost per profession, accumulated.

use super::*;

/// Fills in each unit's section from its table, when the table is given.
pub(super) fn agency(cx: &Ctx<'_>, out: &mut [UnitSections]) {
    let (data, n, m) = (cx.data, cx.n, cx.m);
    let nodes_of = |u: &str| cx.nodes_of(u);
    if let Some(t) = data.get("agency") {
        // node → profession → [year][month] (own, agency)
        let mut acc: Vec<BTreeMap<String, OwnAndAgency>> = vec![BTreeMap::new(); n];
        let (p, u, pr, own, ag) = (
            t.months("period"),
            t.text("unit"),
            t.text("profession"),
            t.money("own_cost"),
            t.money("agency_cost"),
        );
        for i in 0..t.len() {
            let Some((y, mo)) = slot(p[i], cx.start) else {
                continue;
            };
            for &node in nodes_of(&u[i]) {
                let e = acc[node].entry(pr[i].clone()).or_insert([[(0, 0); 12]; 2]);
                e[y][mo].0 += own[i];
                e[y][mo].1 += ag[i];
            }
        }
        for node in 0..n {
            if acc[node].is_empty() {
                continue;
            }
            let rows = acc[node]
                .iter()
                .map(|(prof, v)| {
                    let sum = |y: usize, upto: usize| {
                        v[y][..upto]
                            .iter()
                            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
                    };
                    let (o, a) = sum(1, m);
                    let (op, ap) = sum(0, m);
                    AgencyRow {
                        profession: prof.clone(),
                        own: o,
                        agency: a,
                        own_prev_year: op,
                        agency_prev_year: ap,
                        trend: (1..=12)
                            .map(|k| {
                                if k > m {
                                    return None;
                                }
                                let (o, a) = sum(1, k);
                                ratio_pct(a, o)
                            })
                            .collect(),
                    }
                })
                .collect();
            out[node].agency = Some(rows);
        }
    }
}

//! Budget frames: the frame, the year's reallocations and the revised frame against the net budget.

use super::*;

/// Fills in each unit's section from its table, when the table is given.
pub(super) fn frames(cx: &Ctx<'_>, out: &mut [UnitSections], findings: &mut Findings) {
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
            out[node].frame = Some(frame);
        }
    }
}

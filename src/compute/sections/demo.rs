//! The test section's compute step: the `demo` table's `amount` accumulated to the report
//! month, per unit and every unit above it. It exists to prove that a section is added by
//! its registry entry, one module per stage the compiler points to, and its templates.

use super::*;

/// Fills in each unit's demo amount, when the `demo` table is given and has rows for it.
pub(super) fn compute(cx: &Ctx<'_>, out: &mut [UnitSections]) {
    let Some(t) = cx.data.get("demo") else {
        return;
    };
    let (p, u, amount) = (t.months("period"), t.text("unit"), t.money("amount"));
    for i in 0..t.len() {
        if !matches!(slot(p[i], cx.start), Some((1, mo)) if mo < cx.m) {
            continue;
        }
        for &node in cx.nodes_of(&u[i]) {
            *out[node].demo.get_or_insert(0) += amount[i];
        }
    }
}

//! Each unit's approved result and equity: the row of the `approved` table for the report's
//! (fiscal) year, for the unit it names (not rolled up: a council approves per committee).

use super::*;

pub(super) fn approved(cx: &Ctx<'_>, out: &mut [UnitSections]) {
    let Some(t) = cx.data.get("approved") else {
        return;
    };
    // A fiscal year is named by the calendar year it starts in.
    let year = cx.start.year();
    let has_equity = t.column("equity").is_some();
    let (years, units, results, equity) = (
        t.months("year"),
        t.text("unit"),
        t.money("result"),
        t.money("equity"),
    );
    for i in 0..t.len() {
        if years[i] != year {
            continue;
        }
        if let Some(node) = cx.tree.get(&units[i]) {
            out[node].approved = Some(Approved {
                year,
                result: results[i],
                equity: (has_equity && !t.is_blank("equity", i)).then(|| equity[i]),
            });
        }
    }
}

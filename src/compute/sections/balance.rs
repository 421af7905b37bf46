//! The balance requirement (balanskravsresultat): the accumulated outcome of the items the
//! config leaves out of the result, per unit at every level.

use super::*;

/// Fills in the exclusions of every unit that has outcome on their accounts this year, and
/// of the root whenever the config names exclusions.
pub(super) fn balance(cx: &Ctx<'_>, out: &mut [UnitSections]) {
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
            out[node].balance = Some(
                exclusions
                    .iter()
                    .zip(items)
                    .map(|((name, _), amount)| (name.clone(), amount))
                    .collect(),
            );
        }
    }
}

//! What every section's compute step shares: the context of a unit tree and a report month,
//! where a month falls, the nodes a unit's rows add to, named amounts accumulated to the
//! report month, and the computed sections of each unit. The sections themselves are the
//! modules of `crate::sections`; this stage runs each one's compute step in report order.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::diag::Findings;
use crate::load::Dataset;
use crate::model::period::Month;
use crate::model::tree::Tree;
use crate::sections::{ALL, Data};

/// Every optional section of one unit, by its place in the registry (`sections::ALL`):
/// `None` where the table is absent or the unit has no rows.
#[derive(Debug, Clone, Default)]
pub(crate) struct UnitSections {
    pub parts: Vec<Option<Data>>,
}

impl UnitSections {
    /// Whether the unit's report shows the section at `at` in the registry: its table is
    /// given and has rows for the unit (for the balance requirement: the config names
    /// exclusions with outcome here).
    pub(crate) fn shown(&self, at: usize) -> bool {
        self.parts.get(at).is_some_and(Option::is_some)
    }
}

pub(crate) fn ratio_pct(part: i64, whole: i64) -> Option<f64> {
    (whole != 0).then(|| 100.0 * part as f64 / whole as f64)
}

/// The share of a full-year budget spread evenly over the months that `k` months of the year
/// carry, to the öre (half to even).
pub(crate) fn budget_spread(budget: i64, k: usize) -> i64 {
    crate::compute::explain::div_half_even(i128::from(budget) * k as i128, 12) as i64
}

/// For each unit code, the nodes it adds to: itself and every ancestor.
fn targets(tree: &Tree) -> BTreeMap<&str, Vec<usize>> {
    tree.nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.code.as_str(), tree.ancestors_or_self(i)))
        .collect()
}

/// Where a month falls: this (fiscal) year (1) or last year (0), and the month index 0..12;
/// `start` is the first month of this year.
pub(crate) fn slot(p: i32, start: Month) -> Option<(usize, usize)> {
    let jan = start.index();
    if (jan..jan + 12).contains(&p) {
        Some((1, (p - jan) as usize))
    } else if (jan - 12..jan).contains(&p) {
        Some((0, (p - jan + 12) as usize))
    } else {
        None
    }
}

/// What every section's computation needs: the data, the tree, the config and the month.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub data: &'a Dataset,
    pub tree: &'a Tree,
    pub config: &'a Config,
    pub period: Month,
    /// The first month of the report's (fiscal) year.
    pub start: Month,
    /// Units in the tree.
    pub n: usize,
    /// Months in the accumulated span (the report month's number in its year).
    pub m: usize,
    targets: &'a BTreeMap<&'a str, Vec<usize>>,
}

impl Ctx<'_> {
    /// The nodes a unit's rows add to: itself and every ancestor (none for an unknown unit).
    pub(crate) fn nodes_of(&self, unit: &str) -> &[usize] {
        self.targets.get(unit).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// A measure's or item's row key: its name, and at a unit above, the unit below it is booked
/// on when such rows are kept apart per unit.
pub(crate) type Key = (String, Option<String>);

/// A row's key at `node`: its name, and at a unit above, the unit the row is booked on when
/// rows are kept apart per unit (`by_unit`).
pub(crate) fn key(cx: &Ctx<'_>, node: usize, unit: &str, name: &str, by_unit: bool) -> Key {
    let own = cx.tree.get(unit) == Some(node);
    (
        name.to_string(),
        (by_unit && !own).then(|| unit.to_string()),
    )
}

/// Per node, the table's `cols` accumulated to the report month by row key.
pub(crate) fn acc_by_name(
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

/// Every optional section of every unit for the report month, one section (in report order)
/// at a time.
pub(crate) fn compute(
    data: &Dataset,
    tree: &Tree,
    config: &Config,
    period: Month,
    findings: &mut Findings,
) -> Vec<UnitSections> {
    let n = tree.nodes.len();
    let targets = targets(tree);
    let cx = Ctx {
        data,
        tree,
        config,
        period,
        start: period.year_start(config.year_start()),
        n,
        m: period.months_into_year(config.year_start()) as usize,
        targets: &targets,
    };
    let mut out = vec![UnitSections::default(); n];
    for section in ALL {
        let parts = section.compute(&cx, findings);
        for (unit, part) in out.iter_mut().zip(parts) {
            unit.parts.push(part);
        }
    }
    out
}

//! Corrections of earlier months: where this run's outcome for a month differs from what the
//! previous month's published report said (a correction booked back in time, a late invoice).

use std::collections::BTreeMap;

use super::Figures;
use crate::model::money::{DecimalMark, parse_ore};
use crate::model::period::Month;
use crate::model::tree::Tree;

/// One month of one unit whose outcome changed since it was published, in öre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Restated {
    pub month: Month,
    pub published: i64,
    pub now: i64,
}

/// Per node, the months whose outcome differs from the published `figures.json` (of the
/// previous month's report), in month order. Units and months the published file does not
/// have are passed by; so is a file that is not a figures file.
pub(crate) fn restated(
    published: &crate::model::published::Published,
    figures: &Figures,
    tree: &Tree,
) -> Vec<Vec<Restated>> {
    let mut out = vec![Vec::new(); tree.nodes.len()];
    for (node, n) in tree.nodes.iter().enumerate() {
        let Some(months) = published.units.get(&n.code).map(|u| &u.months) else {
            continue;
        };
        // This run's outcome by month: this year's, and last year's months for a report in
        // the first month of a year (whose previous report is last year's).
        let f = &figures.units[node];
        let mut now: BTreeMap<Month, i64> = BTreeMap::new();
        for m in &f.months {
            if let Some(a) = m.actual {
                now.insert(m.month, a);
            }
            now.entry(m.month.plus(-12)).or_insert(m.actual_prev_year);
        }
        for m in months {
            let (Some(period), Some(actual)) = (Month::parse(&m.period), m.actual.as_deref())
            else {
                continue;
            };
            let Ok((was, _)) = parse_ore(actual, DecimalMark::Point) else {
                continue;
            };
            if period >= figures.period {
                continue;
            }
            if let Some(&is) = now.get(&period)
                && is != was
            {
                out[node].push(Restated {
                    month: period,
                    published: was,
                    now: is,
                });
            }
        }
        out[node].sort_by_key(|r| r.month);
    }
    out
}

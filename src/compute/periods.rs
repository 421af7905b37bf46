//! The report period: the month asked for, or the latest month with an outcome, checked
//! against what the ledger holds.

use crate::diag::Findings;
use crate::load::Table;
use crate::model::period::Month;

/// The newest month for which the ledger has a non-zero outcome.
pub(crate) fn latest_period(ledger: &Table) -> Option<Month> {
    ledger
        .months("period")
        .iter()
        .zip(ledger.money("actual"))
        .filter(|(_, a)| **a != 0)
        .map(|(p, _)| Month(*p))
        .max()
}

/// The report month: `month`, or the latest with an outcome when `None`. Errors (no outcome
/// at all, no rows in the report year) are findings; a month without outcome is a warning.
pub(crate) fn resolve(
    month: Option<Month>,
    ledger: &Table,
    findings: &mut Findings,
) -> Option<Month> {
    let period = match month {
        Some(m) => m,
        None => match latest_period(ledger) {
            Some(p) => p,
            None => {
                findings.error(
                    &ledger.file,
                    None,
                    Some("actual"),
                    "--period latest: the ledger has no month with an outcome (every actual is zero)",
                );
                return None;
            }
        },
    };
    let months = ledger.months("period");
    let jan = period.january().index();
    if !months.iter().any(|&p| p >= jan && p <= period.index()) {
        findings.error(
            &ledger.file,
            None,
            Some("period"),
            format!(
                "the ledger has no rows for {} to {period} (the report period)",
                period.january()
            ),
        );
        return None;
    }
    if !months
        .iter()
        .zip(ledger.money("actual"))
        .any(|(&p, &a)| p == period.index() && a != 0)
    {
        findings.warning(
            &ledger.file,
            None,
            Some("actual"),
            format!("the ledger has no outcome for {period}; the month counts as zero"),
        );
    }
    Some(period)
}

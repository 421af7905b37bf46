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
/// booked in the month, no rows in the report year) are findings; units without outcome in a
/// month where others have it are a warning naming them.
pub(crate) fn resolve(
    month: Option<Month>,
    ledger: &Table,
    year_start: u32,
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
    let jan = period.year_start(year_start).index();
    if !months.iter().any(|&p| p >= jan && p <= period.index()) {
        findings.error(
            &ledger.file,
            None,
            Some("period"),
            format!(
                "the ledger has no rows for {} to {period} (the report period)",
                period.year_start(year_start)
            ),
        );
        return None;
    }
    // Units with outcome in the report month, and those that had outcome earlier in the year.
    let (units, actual) = (ledger.text("unit"), ledger.money("actual"));
    let mut booked = std::collections::BTreeSet::new();
    let mut earlier = std::collections::BTreeSet::new();
    for i in 0..ledger.len() {
        if actual[i] == 0 {
            continue;
        }
        if months[i] == period.index() {
            booked.insert(units[i].as_str());
        } else if months[i] >= jan && months[i] < period.index() {
            earlier.insert(units[i].as_str());
        }
    }
    if booked.is_empty() {
        let last = latest_period(ledger)
            .map(|m| format!("; the last month with an outcome is {m}"))
            .unwrap_or_default();
        findings.error(
            &ledger.file,
            None,
            Some("actual"),
            format!(
                "--period {period}: the ledger has no outcome booked in {period} (every actual of the month is zero or missing{last}); a report would show the month as zero"
            ),
        );
        return None;
    }
    let missing: Vec<&str> = earlier.difference(&booked).copied().collect();
    if !missing.is_empty() {
        const SHOWN: usize = 10;
        let mut names = missing
            .iter()
            .take(SHOWN)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if missing.len() > SHOWN {
            names.push_str(&format!(" and {} more", missing.len() - SHOWN));
        }
        findings.warning(
            &ledger.file,
            None,
            Some("actual"),
            if missing.len() == 1 {
                format!(
                    "no outcome in {period} for unit {names} (it has outcome earlier in {}); its month counts as zero",
                    period.year()
                )
            } else {
                format!(
                    "no outcome in {period} for units {names} (they have outcome earlier in {}); their month counts as zero",
                    period.year()
                )
            },
        );
    }
    Some(period)
}

/// The month `--period` names, or `None` for `latest`.
pub(crate) fn requested(text: &str) -> Result<Option<Month>, crate::Failure> {
    if text.eq_ignore_ascii_case("latest") {
        return Ok(None);
    }
    Month::parse(text).map(Some).ok_or_else(|| {
        crate::Failure::Usage(format!(
            "--period \"{text}\" is not a month (expected YYYY-MM, YYYYMM or latest)"
        ))
    })
}

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
                    Some(ledger.shown("actual")),
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
            Some(ledger.shown("period")),
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
            Some(ledger.shown("actual")),
            format!(
                "--period {period}: the ledger has no outcome booked in {period} (every actual of the month is zero or missing{last}); a report would show the month as zero"
            ),
        );
        return None;
    }
    coverage(ledger, Month(jan), period, findings);
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
            Some(ledger.shown("actual")),
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

/// Months as a list for messages: `2026-02`, `2026-02 and 2026-04`, `2026-04 to 2026-12`.
fn months_text(months: &[Month]) -> String {
    let mut runs: Vec<(Month, Month)> = Vec::new();
    for &m in months {
        match runs.last_mut() {
            Some((_, to)) if to.plus(1) == m => *to = m,
            _ => runs.push((m, m)),
        }
    }
    let parts: Vec<String> = runs
        .iter()
        .map(|(a, b)| match b.0 - a.0 {
            0 => a.to_string(),
            1 => format!("{a} and {b}"),
            _ => format!("{a} to {b}"),
        })
        .collect();
    match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => parts.join(""),
    }
}

/// Which months of the report period the ledger covers. A month with no outcome at all
/// between months with outcome is an error (the accumulated figures would leave it out
/// without a word); months without outcome at the start of the year get a note saying which
/// months the data covers; a unit with outcome before and after a month in which it has none
/// gets a warning naming the unit and the month.
fn coverage(ledger: &Table, jan: Month, period: Month, findings: &mut Findings) {
    let span = jan.index()..=period.index();
    let (months, units, actual) = (
        ledger.months("period"),
        ledger.text("unit"),
        ledger.money("actual"),
    );
    let mut any = std::collections::BTreeSet::new();
    let mut of_unit: std::collections::BTreeMap<&str, std::collections::BTreeSet<i32>> =
        std::collections::BTreeMap::new();
    for i in 0..ledger.len() {
        if actual[i] != 0 && span.contains(&months[i]) {
            any.insert(months[i]);
            of_unit
                .entry(units[i].as_str())
                .or_default()
                .insert(months[i]);
        }
    }
    let Some(&first) = any.first() else {
        return;
    };
    let gaps: Vec<Month> = (first..=period.index())
        .filter(|m| !any.contains(m))
        .map(Month)
        .collect();
    if !gaps.is_empty() {
        findings.error(
            &ledger.file,
            None,
            Some(ledger.shown("period")),
            format!(
                "the ledger has no outcome in {} but has in the months around (the data covers {} to {period} with a gap); the accumulated figures would leave {} out (expected the rows of every month from {} to {period})",
                months_text(&gaps),
                Month(first),
                if gaps.len() == 1 { "that month" } else { "those months" },
                Month(first),
            ),
        );
        return;
    }
    if first > jan.index() {
        let before: Vec<Month> = (jan.index()..first).map(Month).collect();
        findings.note(
            &ledger.file,
            format!(
                "the data covers {} to {period} of the year that starts {jan}; {} {} no outcome, and the accumulated figures are those of the months the data covers",
                Month(first),
                months_text(&before),
                if before.len() == 1 { "has" } else { "have" },
            ),
        );
    }
    let mut holes: Vec<String> = Vec::new();
    for (unit, booked) in &of_unit {
        let (Some(&from), Some(&to)) = (booked.first(), booked.last()) else {
            continue;
        };
        let missing: Vec<Month> = (from..=to)
            .filter(|m| !booked.contains(m))
            .map(Month)
            .collect();
        if !missing.is_empty() {
            holes.push(format!("{unit} in {}", months_text(&missing)));
        }
    }
    if !holes.is_empty() {
        const SHOWN: usize = 10;
        let more = holes.len().saturating_sub(SHOWN);
        let mut list = holes[..holes.len().min(SHOWN)].join("; ");
        if more > 0 {
            list.push_str(&format!("; and {more} more units"));
        }
        findings.warning(
            &ledger.file,
            None,
            Some(ledger.shown("actual")),
            if holes.len() == 1 {
                format!(
                    "unit {list}: no outcome in a month between months with outcome; the accumulated figures count the month as zero"
                )
            } else {
                format!(
                    "units with no outcome in a month between months with outcome: {list}; the accumulated figures count those months as zero"
                )
            },
        );
    }
}

/// A full-year budget that lacks months: the months of the report year in which the ledger
/// has no budget at all, when it has budget in others, are a warning naming them.
pub(crate) fn budget_coverage(ledger: &Table, start: Month, findings: &mut Findings) {
    let year = start.index()..=start.plus(11).index();
    let mut budgeted = std::collections::BTreeSet::new();
    for (p, b) in ledger.months("period").iter().zip(ledger.money("budget")) {
        if *b != 0 && year.contains(p) {
            budgeted.insert(*p);
        }
    }
    if budgeted.is_empty() {
        return;
    }
    let missing: Vec<Month> = year.filter(|m| !budgeted.contains(m)).map(Month).collect();
    if missing.is_empty() {
        return;
    }
    findings.warning(
        &ledger.file,
        None,
        Some(ledger.shown("budget")),
        format!(
            "the budget for the year that starts {start} has no amounts in {} ({} of 12 months); the full-year budget (budget helår) and the forecast result hold only the months given (expected a budget row for every month of the year)",
            months_text(&missing),
            missing.len()
        ),
    );
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

/// The month `--period latest` reports: the newest month with an outcome when it counts as
/// closed by `rule`, else the month with an outcome before it, with a note naming the month
/// skipped and why. `marked` answers whether the data folder has the rule's marker file for
/// a month (its name). Only the newest month is judged: the one before it is taken as closed.
/// A month's outcome here is its ledger amounts summed without their sign (costs and revenue
/// alike), so that a month whose costs and revenue nearly cancel still counts as booked.
pub(crate) fn latest_closed(
    ledger: &Table,
    rule: &crate::config::LatestRule,
    marked: &dyn Fn(&str) -> bool,
    findings: &mut Findings,
) -> Option<Month> {
    let mut outcome: std::collections::BTreeMap<i32, (i128, usize)> =
        std::collections::BTreeMap::new();
    for (p, a) in ledger.months("period").iter().zip(ledger.money("actual")) {
        if *a != 0 {
            let e = outcome.entry(*p).or_default();
            e.0 += i128::from(*a).abs();
            e.1 += 1;
        }
    }
    let mut newest_first = outcome.iter().rev();
    let (&newest, &(amount, rows)) = newest_first.next()?;
    let before = newest_first.next().map(|(&p, &(a, _))| (Month(p), a));
    let newest = Month(newest);
    let mut why = Vec::new();
    if let Some((prev, prev_amount)) = before
        && rule.min_share_milli > 0
        && amount * 1000 < prev_amount * i128::from(rule.min_share_milli)
    {
        why.push(format!(
            "its outcome, the month's ledger amounts summed without sign, is {} % of {prev}'s, less than latest.min_share {}",
            amount * 100 / prev_amount,
            share_text(rule.min_share_milli)
        ));
    }
    if let Some(min) = rule.min_rows
        && rows < min
    {
        why.push(format!(
            "it has {rows} ledger {} with an outcome, fewer than latest.min_rows {min}",
            if rows == 1 { "row" } else { "rows" }
        ));
    }
    if let Some(pattern) = &rule.marker {
        let name = pattern.replace("{period}", &newest.to_string());
        if !marked(&name) {
            why.push(format!(
                "the data folder has no file {name} (latest.marker)"
            ));
        }
    }
    if why.is_empty() {
        return Some(newest);
    }
    let why = why.join("; ");
    match before {
        Some((prev, _)) => {
            findings.note(
                &ledger.file,
                format!(
                    "--period latest: {newest} is skipped as not yet closed ({why}); the report is for {prev}"
                ),
            );
            Some(prev)
        }
        None => {
            findings.error(
                &ledger.file,
                None,
                Some("actual"),
                format!(
                    "--period latest: {newest} is not yet closed ({why}) and the ledger has no month with an outcome before it (name the month with --period {newest} to report it anyway)"
                ),
            );
            None
        }
    }
}

/// A share in thousandths as written in the config: 500 → `0.5`.
fn share_text(milli: u32) -> String {
    let text = format!("{}.{:03}", milli / 1000, milli % 1000);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

//! Settings for running on a schedule: when the newest month counts as closed (`latest:`),
//! and how long to wait for an export that is still being copied (`export:`).

use std::time::Duration;

use serde::Deserialize;

/// `latest:` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawLatest {
    /// The newest month's outcome (its absolute amounts summed) must be at least this share
    /// of the month before's. Default 0.5; 0 switches the rule off.
    pub min_share: Option<f64>,
    /// The newest month must have at least this many ledger rows with an outcome.
    pub min_rows: Option<usize>,
    /// A file in the data folder that must exist (`{period}` becomes the month, `2020-09`).
    pub marker: Option<String>,
}

/// `export:` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawExport {
    /// `generate` waits until no file in the data folder has changed size or modification
    /// time for this long (`30s`, `2m`). Default: no wait.
    pub wait_stable: Option<String>,
    /// How long to wait at most before giving up. Default 10 minutes.
    pub wait_timeout: Option<String>,
}

/// When `--period latest` takes the newest month with an outcome: every rule set must hold,
/// else the month before it is taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LatestRule {
    /// The least share, in thousandths, of the month before's outcome (0: no such rule).
    pub min_share_milli: u32,
    /// The least number of ledger rows with an outcome.
    pub min_rows: Option<usize>,
    /// A file name in the data folder, `{period}` standing for the month.
    pub marker: Option<String>,
}

impl Default for LatestRule {
    fn default() -> Self {
        LatestRule {
            min_share_milli: 500,
            min_rows: None,
            marker: None,
        }
    }
}

/// How long `generate` waits for the data folder to be still.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExportWait {
    /// No file changed for this long.
    pub stable: Duration,
    /// Give up after this long.
    pub timeout: Duration,
}

/// The default of `export.wait_timeout`.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

/// `latest:` checked.
pub(super) fn latest(raw: RawLatest, at: &str, problems: &mut Vec<String>) -> LatestRule {
    let mut rule = LatestRule::default();
    if let Some(share) = raw.min_share {
        if share.is_finite() && (0.0..=1.0).contains(&share) {
            rule.min_share_milli = (share * 1000.0).round() as u32;
        } else {
            problems.push(format!(
                "{at}latest.min_share: {share} is not a share (expected 0 to 1, e.g. 0.5 for half of the month before's outcome)"
            ));
        }
    }
    if raw.min_rows == Some(0) {
        problems.push(format!(
            "{at}latest.min_rows: 0 rows is no rule (expected at least 1, or leave the key out)"
        ));
    }
    rule.min_rows = raw.min_rows;
    if let Some(marker) = raw.marker {
        let name = marker.replace("{period}", "2020-09");
        let plain = std::path::Path::new(&name)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if marker.trim().is_empty() || !plain || name.starts_with('.') {
            problems.push(format!(
                "{at}latest.marker: \"{marker}\" is not a file name inside the data folder, not hidden (expected e.g. \"period-closed-{{period}}\")"
            ));
        }
        rule.marker = Some(marker);
    }
    rule
}

/// `export:` checked; `None` when `wait_stable` is not set.
pub(super) fn export(raw: RawExport, at: &str, problems: &mut Vec<String>) -> Option<ExportWait> {
    let mut duration = |key: &str, text: &str| match humantime::parse_duration(text.trim()) {
        Ok(d) => Some(d),
        Err(e) => {
            problems.push(format!(
                "{at}export.{key}: \"{text}\" is not a duration ({e}; expected e.g. 30s, 2m or 1h)"
            ));
            None
        }
    };
    let stable = raw
        .wait_stable
        .as_deref()
        .and_then(|t| duration("wait_stable", t));
    let timeout = raw
        .wait_timeout
        .as_deref()
        .and_then(|t| duration("wait_timeout", t));
    if raw.wait_stable.is_none() && raw.wait_timeout.is_some() {
        problems.push(format!(
            "{at}export.wait_timeout: set without export.wait_stable, which says how long the files must be still"
        ));
    }
    let wait = ExportWait {
        stable: stable?,
        timeout: timeout.unwrap_or(DEFAULT_TIMEOUT),
    };
    if wait.timeout <= wait.stable {
        problems.push(format!(
            "{at}export.wait_timeout: {} is not longer than export.wait_stable ({}); the wait could never succeed",
            humantime::format_duration(wait.timeout),
            humantime::format_duration(wait.stable)
        ));
    }
    Some(wait)
}

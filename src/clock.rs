//! The only reader of the clock, and the calendar arithmetic every stage shares.
//!
//! A run says when it was made from `SOURCE_DATE_EPOCH` when that is set (so the same
//! inputs give byte-identical output), else from the system clock. Dates are proleptic
//! Gregorian, counted in days since 1970-01-01 (Howard Hinnant's algorithms, done once here).

/// Seconds since 1970: `SOURCE_DATE_EPOCH` when set, else now.
pub(crate) fn generated_epoch() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(now)
}

/// The system clock, in whole seconds since 1970 (0 if the clock is before 1970).
#[allow(clippy::disallowed_methods)] // the one place that may read the clock
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Milliseconds since 1970 from the system clock, for what must differ between runs and never
/// reaches the output (the preview server's page version).
pub(crate) fn millis_now() -> u64 {
    #[allow(clippy::disallowed_methods)] // the one place that may read the clock
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The wall-clock time in `zone` at `secs` since the epoch (daylight saving included): year,
/// month, day, hour, minute.
pub(crate) fn local_time(secs: i64, zone: chrono_tz::Tz) -> Option<(i32, u32, u32, u32, u32)> {
    use chrono::{Datelike, TimeZone, Timelike};
    let t = zone.timestamp_opt(secs, 0).single()?;
    Some((t.year(), t.month(), t.day(), t.hour(), t.minute()))
}

/// How long ago `t` was by the system clock (`None` when it is in the future): how long a
/// file has been unchanged, never part of the output.
pub(crate) fn age(t: std::time::SystemTime) -> Option<std::time::Duration> {
    #[allow(clippy::disallowed_methods)] // the one place that may read the clock
    std::time::SystemTime::now().duration_since(t).ok()
}

/// `2020-09-13T12:26:40Z`.
pub(crate) fn format_epoch(secs: i64) -> String {
    match civil_from_epoch(secs) {
        Some((y, m, d, h, mi, s)) => format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"),
        None => "0000-00-00T00:00:00Z".to_string(),
    }
}

use std::time::Instant;

/// One stage's lap: its seconds, and the process's peak resident memory at its end.
#[derive(Debug, Clone, Copy)]
pub struct Lap {
    /// `load`, `compute`, `present`, `render` or `write`.
    pub stage: &'static str,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// The peak resident memory of the run so far, in KiB (`VmHWM`; `None` where the system
    /// does not say).
    pub peak_kib: Option<u64>,
}

/// Seconds spent per stage.
pub(crate) struct Laps {
    last: Instant,
    /// The stages, in order.
    pub timings: Vec<Lap>,
}

impl Laps {
    /// Starts timing.
    pub(crate) fn start() -> Laps {
        Laps {
            last: Instant::now(),
            timings: Vec::new(),
        }
    }

    /// The time since the last lap (or the start), as `stage`.
    pub(crate) fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.timings.push(Lap {
            stage,
            seconds: (now - self.last).as_secs_f64(),
            peak_kib: peak_memory_kib(),
        });
        self.last = now;
    }
}

/// The process's peak resident memory in KiB, as Linux counts it (`VmHWM` in
/// `/proc/self/status`); `None` elsewhere.
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line["VmHWM:".len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Days in a month of a year.
pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 for a date.
pub(crate) fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i32 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01: year, month, day; `None` only past the range
/// of `i64`.
fn civil(days: i64) -> Option<(i64, u32, u32)> {
    let z = days.checked_add(719_468)?;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    Some((yoe + era * 400 + i64::from(month <= 2), month, day))
}

/// The date of a day count since 1970-01-01 (any `i32` day count has one).
/// Days since 1970-01-01 as `YYYY-MM-DD`.
pub(crate) fn date_text(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

pub(crate) fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let (y, m, d) = civil(i64::from(days)).unwrap_or((1970, 1, 1));
    (y as i32, m, d)
}

/// Seconds since 1970 (UTC) as year, month, day, hour, minute, second.
pub(crate) fn civil_from_epoch(epoch: i64) -> Option<(i32, u8, u8, u8, u8, u8)> {
    let secs = epoch.rem_euclid(86_400);
    let (y, m, d) = civil(epoch.div_euclid(86_400))?;
    Some((
        i32::try_from(y).ok()?,
        m as u8,
        d as u8,
        (secs / 3600) as u8,
        (secs % 3600 / 60) as u8,
        (secs % 60) as u8,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_roundtrip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2020, 9, 30), 18535);
        for z in [-1000, 0, 18535, 20000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn epoch_splits_into_date_and_time() {
        assert_eq!(civil_from_epoch(0), Some((1970, 1, 1, 0, 0, 0)));
        assert_eq!(civil_from_epoch(951_782_400), Some((2000, 2, 29, 0, 0, 0)));
        assert_eq!(civil_from_epoch(-1), Some((1969, 12, 31, 23, 59, 59)));
        assert_eq!(format_epoch(1_600_000_000), "2020-09-13T12:26:40Z");
    }

    #[test]
    fn extreme_day_counts_do_not_overflow() {
        let (y, _, _) = civil_from_days(i32::MAX);
        assert!(y > 5_000_000);
        assert_eq!(civil_from_epoch(i64::MAX), None);
    }

    /// Stockholm is an hour ahead of UTC in winter and two in summer.
    #[test]
    fn local_time_follows_daylight_saving() {
        let zone = chrono_tz::Europe::Stockholm;
        assert_eq!(local_time(1_796_628_180, zone), Some((2026, 12, 7, 8, 23)));
        assert_eq!(local_time(1_783_405_380, zone), Some((2026, 7, 7, 8, 23)));
    }

    #[test]
    fn leap_years() {
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(1900, 2), 28);
        assert_eq!(days_in_month(2000, 2), 29);
        assert_eq!(days_in_month(2023, 4), 30);
    }
}

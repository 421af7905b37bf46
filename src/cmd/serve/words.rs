//! What the round's pages say in the report's language: the time of a save in the config's
//! time zone, in the form the reports give their creation time ("7 december 2026 kl. 08.23",
//! "7 December 2026 at 08:23"), the deadline as a date ("12 oktober 2020"), and the words
//! for a refused or failed request. The JSON API keeps exact UTC times, its English messages
//! and its machine-readable error codes; the pages show the language's words for the code.

use std::collections::BTreeMap;

use chrono_tz::Tz;

use crate::present::Lang;

/// Seconds since 1970 (UTC) of a time as the store keeps it (`2026-12-07T07:23:09.123Z`).
fn epoch(at: &str) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| at.get(r).and_then(|s| s.parse::<u32>().ok());
    let sep = |i: usize, c: u8| at.as_bytes().get(i) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && sep(10, b'T') && sep(13, b':') && sep(16, b':')) {
        return None;
    }
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let valid = (1..=12).contains(&m)
        && (1..=crate::clock::days_in_month(i32::try_from(y).ok()?, m)).contains(&d)
        && h < 24
        && mi < 60
        && s < 61;
    if !valid {
        return None;
    }
    let days = crate::clock::days_from_civil(i32::try_from(y).ok()?, m, d);
    Some(i64::from(days) * 86_400 + i64::from(h * 3600 + mi * 60 + s))
}

/// A stored UTC time in `zone`, in the language's form of a time of day on a date; a text
/// that is not such a time is shown as it is.
pub(crate) fn local_time(at: &str, zone: Tz, lang: &Lang) -> String {
    epoch(at)
        .and_then(|secs| crate::present::local_time_words(secs, zone, lang))
        .unwrap_or_else(|| at.to_string())
}

/// A date `YYYY-MM-DD` in the language's words ("12 oktober 2020"); another text as it is.
pub(crate) fn date(ymd: &str) -> Option<(i32, u32, u32)> {
    let mut p = ymd.splitn(3, '-');
    let (y, m, d) = (p.next()?, p.next()?, p.next()?);
    let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && (1..=crate::clock::days_in_month(y, m)).contains(&d))
        .then_some((y, m, d))
}

/// A date `YYYY-MM-DD` as the pages show it ("12 oktober 2020"); another text as it is.
pub(crate) fn date_text(ymd: &str, lang: &Lang) -> String {
    match date(ymd) {
        Some((y, m, d)) => format!("{d} {} {y}", lang.month(m)),
        None => ymd.to_string(),
    }
}

/// The machine-readable codes of the API's errors that the pages put in words: each has the
/// label `round_err_<code>` in `templates/lang/*.yaml`.
pub(crate) const ERROR_CODES: &[&str] = &[
    "not_logged_in",
    "login_failed",
    "too_many_logins",
    "forbidden",
    "foreign_origin",
    "not_found",
    "bad_request",
    "bad_json",
    "too_long",
    "not_an_amount",
    "too_many_decimals",
    "measure_name",
    "measure_status",
    "measure_decided",
    "measure_due",
    "too_many_measures",
    "comment_required",
    "stale",
    "approved",
    "wrong_state",
    "server",
];

/// The words of an error code (`round_err_<code>`), with `{row}` (a measure's row) filled
/// in; the words of `bad_request` for a code without its own.
pub(crate) fn error_words(
    labels: &BTreeMap<String, String>,
    code: &str,
    row: Option<usize>,
) -> String {
    let key = format!("round_err_{code}");
    let words = labels
        .get(&key)
        .or_else(|| labels.get("round_err_bad_request"))
        .cloned()
        .unwrap_or(key);
    words.replace("{row}", &row.map(|r| r.to_string()).unwrap_or_default())
}

/// Every error code's words, code → words with `{row}` left for the script to fill in.
pub(crate) fn all_error_words(labels: &BTreeMap<String, String>) -> BTreeMap<&'static str, String> {
    ERROR_CODES
        .iter()
        .map(|&c| {
            let key = format!("round_err_{c}");
            (c, labels.get(&key).cloned().unwrap_or(key))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(name: &str) -> Lang {
        let path = format!("lang/{name}.yaml");
        let text = crate::render::templates::builtin()
            .into_iter()
            .find(|(p, _)| *p == path)
            .map(|(_, t)| t)
            .expect("a built-in language file");
        Lang::parse(text, name).unwrap()
    }

    #[test]
    fn a_save_time_is_shown_in_local_time_across_a_change_of_daylight_saving() {
        let (sv, en) = (lang("sv"), lang("en"));
        let zone = chrono_tz::Europe::Stockholm;
        // Winter: UTC+1.
        assert_eq!(
            local_time("2026-12-07T07:23:09.123Z", zone, &sv),
            "7 december 2026 kl. 08.23"
        );
        assert_eq!(
            local_time("2026-12-07T07:23:09.123Z", zone, &en),
            "7 December 2026 at 08:23"
        );
        // Summer time ends on 25 October 2026 at 01:00 UTC (03:00 CEST → 02:00 CET): a
        // minute before and a minute after.
        assert_eq!(
            local_time("2026-10-25T00:59:00.000Z", zone, &sv),
            "25 oktober 2026 kl. 02.59"
        );
        assert_eq!(
            local_time("2026-10-25T01:01:00.000Z", zone, &sv),
            "25 oktober 2026 kl. 02.01"
        );
        // Summer time starts on 29 March 2026 at 01:00 UTC (02:00 CET → 03:00 CEST).
        assert_eq!(
            local_time("2026-03-29T00:59:59Z", zone, &sv),
            "29 mars 2026 kl. 01.59"
        );
        assert_eq!(
            local_time("2026-03-29T01:00:00Z", zone, &sv),
            "29 mars 2026 kl. 03.00"
        );
        // Across midnight into the next day, and another zone.
        assert_eq!(
            local_time("2026-12-31T23:30:00Z", zone, &sv),
            "1 januari 2027 kl. 00.30"
        );
        assert_eq!(
            local_time("2026-07-01T12:00:00Z", chrono_tz::America::New_York, &en),
            "1 July 2026 at 08:00"
        );
        // Not a stored time: shown as it is.
        assert_eq!(local_time("yesterday", zone, &sv), "yesterday");
        assert_eq!(
            local_time("2026-02-30T10:00:00Z", zone, &sv),
            "2026-02-30T10:00:00Z"
        );
    }

    #[test]
    fn a_deadline_is_a_date_in_words() {
        assert_eq!(date_text("2020-10-12", &lang("sv")), "12 oktober 2020");
        assert_eq!(date_text("2020-10-12", &lang("en")), "12 October 2020");
        assert_eq!(date_text("2020-13-01", &lang("sv")), "2020-13-01");
    }

    #[test]
    fn every_error_code_has_words_in_both_languages() {
        for name in ["sv", "en"] {
            let l = lang(name);
            for (code, words) in all_error_words(&l.labels) {
                assert!(
                    !words.starts_with("round_err_"),
                    "{name}: {code} has no words"
                );
            }
        }
        let sv = lang("sv");
        assert!(error_words(&sv.labels, "measure_due", Some(2)).starts_with("Åtgärd på rad 2:"));
        assert_eq!(
            error_words(&sv.labels, "no_such_code", None),
            sv.labels["round_err_bad_request"]
        );
    }
}

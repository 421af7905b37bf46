//! Months as the reports count them: a year and a month, parsed from `YYYY-MM` or `YYYYMM`.

use std::fmt;

/// A calendar month, stored as `year * 12 + (month - 1)` so that months order and subtract naturally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Month(pub i32);

impl Month {
    /// The month of a four-digit year and a month 1–12; `None` outside those ranges.
    pub(crate) fn new(year: i32, month: u32) -> Option<Month> {
        if !(1..=12).contains(&month) || !(1000..=9999).contains(&year) {
            return None;
        }
        Some(Month::of(year, month))
    }

    /// The month of a date's year and month (1–12), unchecked: for dates already validated.
    pub(crate) fn of(year: i32, month: u32) -> Month {
        Month(year * 12 + month as i32 - 1)
    }

    pub(crate) fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// 1 = January … 12 = December.
    pub(crate) fn month(self) -> u32 {
        (self.0.rem_euclid(12) + 1) as u32
    }

    pub(crate) fn index(self) -> i32 {
        self.0
    }

    pub(crate) fn prev(self) -> Month {
        Month(self.0 - 1)
    }

    pub(crate) fn plus(self, months: i32) -> Month {
        Month(self.0 + months)
    }

    /// The first month of the (fiscal) year that holds this month, for years that start in
    /// month `start` (1 = January, the calendar year; 7 = July, a year July–June).
    pub(crate) fn year_start(self, start: u32) -> Month {
        let s = start.clamp(1, 12) as i32 - 1;
        Month(self.0 - (self.0 - s).rem_euclid(12))
    }

    /// How many months of its (fiscal) year this month closes: 1 for the first month … 12.
    pub(crate) fn months_into_year(self, start: u32) -> u32 {
        (self.0 - self.year_start(start).0 + 1) as u32
    }

    /// Parses `YYYY-MM` or `YYYYMM` (surrounding spaces allowed).
    pub(crate) fn parse(text: &str) -> Option<Month> {
        let t = text.trim();
        // Only ASCII can be a month; checking first keeps the slicing below on char boundaries.
        if !t.is_ascii() {
            return None;
        }
        let b = t.as_bytes();
        let (y, m) = match b.len() {
            7 if b[4] == b'-' => (&t[..4], &t[5..]),
            6 => (&t[..4], &t[4..]),
            _ => return None,
        };
        if !y.bytes().all(|c| c.is_ascii_digit()) || !m.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Month::new(y.parse().ok()?, m.parse().ok()?)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// Parses a four-digit year.
pub(crate) fn parse_year(text: &str) -> Option<i32> {
    let t = text.trim();
    if t.len() == 4 && t.bytes().all(|c| c.is_ascii_digit()) {
        // The same years as a number cell in Excel or Parquet: 1000 to 9999 (never 0000).
        t.parse().ok().filter(|y| (1000..=9999).contains(y))
    } else {
        None
    }
}

/// Parses `YYYY-MM-DD` into (year, month, day), checking the day against the month.
pub(crate) fn parse_date(text: &str) -> Option<(i32, u32, u32)> {
    let t = text.trim();
    let b = t.as_bytes();
    if !t.is_ascii() || b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = t[..4].parse().ok()?;
    let m: u32 = t[5..7].parse().ok()?;
    let d: u32 = t[8..].parse().ok()?;
    Month::new(y, m)?;
    if d == 0 || d > crate::clock::days_in_month(y, m) {
        return None;
    }
    Some((y, m, d))
}

/// The first day of a month, in days since 1970.
pub(crate) fn first_day(m: Month) -> i32 {
    crate::clock::days_from_civil(m.year(), m.month(), 1)
}

/// The last day of a month, in days since 1970.
pub(crate) fn last_day(m: Month) -> i32 {
    let days = crate::clock::days_in_month(m.year(), m.month());
    crate::clock::days_from_civil(m.year(), m.month(), days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_runs_from_its_first_to_its_last_day() {
        let feb = Month::of(2020, 2);
        assert_eq!(crate::clock::date_text(first_day(feb)), "2020-02-01");
        assert_eq!(crate::clock::date_text(last_day(feb)), "2020-02-29");
    }

    #[test]
    fn parses_both_forms() {
        assert_eq!(Month::parse("2020-09"), Month::new(2020, 9));
        assert_eq!(Month::parse("202009"), Month::new(2020, 9));
        assert_eq!(Month::parse(" 2020-09 ").unwrap().to_string(), "2020-09");
    }

    #[test]
    fn rejects_non_months() {
        for bad in [
            "2020-13",
            "2020-00",
            "20-09",
            "2020/09",
            "september",
            "2020-9",
            "",
            "202é0",
            "20€0",
            "2020-é",
            "20é-09",
        ] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }

    /// Any text, multi-byte characters anywhere: never a panic.
    #[test]
    fn any_text_is_parsed_without_panic() {
        let alphabet = ['2', '0', '1', '-', 'é', '€', ' ', '\u{1f600}'];
        let mut seed: u64 = 2020;
        for _ in 0..200_000 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let len = (seed >> 59) as usize % 12;
            let text: String = (0..len)
                .map(|i| alphabet[(seed >> (3 * i + 1)) as usize % alphabet.len()])
                .collect();
            let _ = Month::parse(&text);
            let _ = parse_year(&text);
            let _ = parse_date(&text);
        }
    }

    #[test]
    fn arithmetic() {
        let m = Month::new(2020, 1).unwrap();
        assert_eq!(m.prev().to_string(), "2019-12");
        assert_eq!(m.plus(11).to_string(), "2020-12");
        assert_eq!(Month::new(2020, 9).unwrap().year_start(1), m);
        let june = Month::new(2010, 6).unwrap();
        assert_eq!(june.year_start(7), Month::new(2009, 7).unwrap());
        assert_eq!(june.months_into_year(7), 12);
        let july = Month::new(2009, 7).unwrap();
        assert_eq!(july.year_start(7), july);
        assert_eq!(july.months_into_year(7), 1);
        assert_eq!(june.year_start(1), Month::new(2010, 1).unwrap());
        assert_eq!(june.months_into_year(1), 6);
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2020-02-29"), Some((2020, 2, 29)));
        assert_eq!(parse_date("2019-02-29"), None);
        assert_eq!(parse_date("2019-2-1"), None);
        assert_eq!(parse_date("2020-é-01"), None);
        assert_eq!(parse_date("20€0-01-1"), None);
    }
}

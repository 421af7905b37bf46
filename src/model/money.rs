//! Exact money: amounts are integer öre (`i64`) from the file to the report.
//!
//! Parsing accepts numbers as Swedish Excel and ledger systems write them (decimal comma,
//! space or no-break-space thousands separators, Unicode minus); formatting writes them the
//! way Swedish reports print them. Binary floating point never touches a summed amount.

use rust_decimal::{Decimal, RoundingStrategy};

/// Which character separates the decimals in a text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecimalMark {
    /// `;`- or TAB-separated files: `,` is the decimal mark (a lone `.` is accepted too).
    Comma,
    /// `,`-separated files: `.` is the decimal mark.
    Point,
}

/// A number as parsed from text: sign, digits and the position of the decimal mark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParsedNumber {
    pub negative: bool,
    pub int_digits: String,
    pub frac_digits: String,
}

/// Why a text is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NumberError {
    NotANumber,
    TooLarge,
}

fn is_group_space(c: char) -> bool {
    c == ' ' || c == '\u{a0}' || c == '\u{202f}' || c == '\u{2009}'
}

/// Splits a number written in Swedish or international style into its parts.
pub(crate) fn parse_number_text(
    text: &str,
    mark: DecimalMark,
) -> Result<ParsedNumber, NumberError> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let mut chars = t.chars().peekable();
    let mut negative = false;
    match chars.peek() {
        Some('-') | Some('\u{2212}') | Some('\u{2013}') => {
            negative = true;
            chars.next();
        }
        Some('+') => {
            chars.next();
        }
        _ => {}
    }
    let rest: String = chars.collect();
    let rest = rest.trim_start();
    let mut int_digits = String::new();
    let mut frac_digits = String::new();
    let mut seen_mark = false;
    let mut prev_digit = false;
    let allowed_marks: &[char] = match mark {
        DecimalMark::Comma => &[',', '.'],
        DecimalMark::Point => &['.'],
    };
    for c in rest.chars() {
        if c.is_ascii_digit() {
            if seen_mark {
                frac_digits.push(c);
            } else {
                int_digits.push(c);
            }
            prev_digit = true;
        } else if is_group_space(c) && !seen_mark && prev_digit {
            // thousands separator: must sit between digits, checked below by grouping
            prev_digit = false;
        } else if allowed_marks.contains(&c) && !seen_mark {
            seen_mark = true;
            prev_digit = false;
        } else {
            return Err(NumberError::NotANumber);
        }
    }
    if int_digits.is_empty() && frac_digits.is_empty() {
        return Err(NumberError::NotANumber);
    }
    if seen_mark && frac_digits.is_empty() {
        return Err(NumberError::NotANumber);
    }
    // Thousands groups: every group after the first must have exactly three digits.
    let before_mark = rest.split([',', '.']).next().unwrap_or("");
    let groups: Vec<&str> = before_mark.split(is_group_space).collect();
    if groups.len() > 1 && (groups[0].is_empty() || groups[1..].iter().any(|g| g.len() != 3)) {
        return Err(NumberError::NotANumber);
    }
    if int_digits.is_empty() {
        int_digits.push('0');
    }
    Ok(ParsedNumber {
        negative,
        int_digits,
        frac_digits,
    })
}

/// An amount in öre, and whether it had to be rounded (more than two decimals).
pub(crate) fn parse_ore(text: &str, mark: DecimalMark) -> Result<(i64, bool), NumberError> {
    let p = parse_number_text(text, mark)?;
    let int_part = p.int_digits.trim_start_matches('0');
    if int_part.len() > 15 {
        return Err(NumberError::TooLarge);
    }
    let int: i64 = if int_part.is_empty() {
        0
    } else {
        int_part.parse().map_err(|_| NumberError::TooLarge)?
    };
    let frac = p.frac_digits.as_bytes();
    let digit = |i: usize| frac.get(i).map(|b| (b - b'0') as i64).unwrap_or(0);
    let mut ore = int * 100 + digit(0) * 10 + digit(1);
    let rest = if frac.len() > 2 { &frac[2..] } else { &[][..] };
    let rounded = rest.iter().any(|&b| b != b'0');
    if rest.first().is_some_and(|&b| b >= b'5') {
        ore += 1; // half away from zero, applied to the magnitude
    }
    Ok((if p.negative { -ore } else { ore }, rounded))
}

/// A number whose points group thousands (`-1.500`, `382.449`, `1.234.567,50`): one to three
/// digits, then groups of a point and exactly three digits, then an optional decimal comma.
/// The text without its points, for [`parse_ore`] with the comma as decimal mark; `None` for
/// any other shape.
pub(crate) fn dotted_thousands(text: &str) -> Option<String> {
    let t = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    let body = t.trim_start_matches(['-', '+', '\u{2212}', '\u{2013}']);
    if t.len() - body.len() > '\u{2212}'.len_utf8() {
        return None;
    }
    let (int, frac) = match body.split_once(',') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let mut groups = int.split('.');
    let first = groups.next()?;
    let rest: Vec<&str> = groups.collect();
    let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    let shaped = (1..=3).contains(&first.len())
        && digits(first)
        && !rest.is_empty()
        && rest.iter().all(|g| g.len() == 3 && digits(g))
        && frac.is_none_or(|f| !f.is_empty() && digits(f));
    shaped.then(|| t.replace('.', ""))
}

/// A plain number (hours, counts) as f64.
pub(crate) fn parse_f64(text: &str, mark: DecimalMark) -> Result<f64, NumberError> {
    let p = parse_number_text(text, mark)?;
    let s = format!(
        "{}{}.{}",
        if p.negative { "-" } else { "" },
        p.int_digits,
        if p.frac_digits.is_empty() {
            "0"
        } else {
            &p.frac_digits
        }
    );
    s.parse::<f64>().map_err(|_| NumberError::NotANumber)
}

/// A spreadsheet's binary number as öre: rounded to the nearest öre, which recovers the
/// decimal the user typed. Fails past the range where f64 holds whole öre exactly.
pub(crate) fn ore_from_f64(value: f64) -> Result<i64, NumberError> {
    if !value.is_finite() {
        return Err(NumberError::NotANumber);
    }
    let scaled = (value * 100.0).round();
    if scaled.abs() > 9.0e15 {
        return Err(NumberError::TooLarge);
    }
    Ok(scaled as i64)
}

/// öre as an exact decimal in kronor.
pub(crate) fn kronor(ore: i64) -> Decimal {
    Decimal::new(ore, 2)
}

/// `digits` (ASCII digits, no sign) with `sep` between groups of three from the right:
/// `1234567` → `1 234 567`. The one place thousands are grouped, for messages and reports.
pub(crate) fn group_digits(digits: &str, sep: char) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3 * sep.len_utf8());
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A count with spaces between thousands, for messages: `5 000 000`, `-1`.
pub(crate) fn grouped(n: i128) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!("{sign}{}", group_digits(&n.unsigned_abs().to_string(), ' '))
}

/// Öre as kronor the way a Swedish reader writes them in a sentence: `-426 130 000,00`
/// (spaces between thousands, a decimal comma), for messages. Files use [`kronor_string`].
pub(crate) fn kronor_text(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let abs = ore.unsigned_abs();
    let grouped = group_digits(&(abs / 100).to_string(), ' ');
    format!("{sign}{grouped},{:02}", abs % 100)
}

/// öre as an exact decimal string in kronor with two decimals, e.g. `-119300000.00`.
pub(crate) fn kronor_string(ore: i64) -> String {
    kronor(ore).to_string()
}

/// How amounts are shown in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub(crate) enum MoneyUnit {
    Kr,
    Tkr,
    Mkr,
}

impl MoneyUnit {
    pub(crate) fn divisor_ore(self) -> i64 {
        match self {
            MoneyUnit::Kr => 100,
            MoneyUnit::Tkr => 100_000,
            MoneyUnit::Mkr => 100_000_000,
        }
    }
}

/// Number formatting for one language: decimal mark, thousands separator, minus sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NumberStyle {
    pub decimal_mark: char,
    pub group: char,
    pub minus: char,
}

impl NumberStyle {
    /// Swedish: `-1 234,5` with a no-break space between groups and a hyphen-minus.
    #[cfg(test)]
    pub(crate) const SWEDISH: NumberStyle = NumberStyle {
        decimal_mark: ',',
        group: '\u{a0}',
        minus: '-',
    };

    /// Formats an exact decimal rounded half away from zero to `decimals` places.
    /// A value that rounds to zero never shows a minus sign.
    pub(crate) fn decimal(&self, value: Decimal, decimals: u32) -> String {
        let r = value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
        let negative = r.is_sign_negative() && !r.is_zero();
        let abs = r.abs();
        let text = format!("{:.*}", decimals as usize, abs);
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i.to_string(), Some(f.to_string())),
            None => (text.clone(), None),
        };
        let mut out = String::new();
        if negative {
            out.push(self.minus);
        }
        out.push_str(&group_digits(&int, self.group));
        if let Some(f) = frac
            && !f.is_empty()
        {
            out.push(self.decimal_mark);
            out.push_str(&f);
        }
        out
    }

    /// öre shown in the given unit with the given decimals.
    pub(crate) fn money(&self, ore: i64, unit: MoneyUnit, decimals: u32) -> String {
        self.decimal(
            Decimal::from(ore) / Decimal::from(unit.divisor_ore()),
            decimals,
        )
    }

    /// An f64 ratio or count (never a summed amount) with fixed decimals.
    pub(crate) fn float(&self, value: f64, decimals: u32) -> String {
        match Decimal::from_f64_retain(value) {
            Some(d) => self.decimal(d, decimals),
            None => "–".to_string(),
        }
    }
}

/// The clean form of an amount, as the Polars fast path reads it (see `load::fast`): an
/// optional `-`, 1–13 digits optionally grouped in threes by a space, NBSP, narrow NBSP or
/// thin space, and an optional `.` (or, with `decimal_comma`, `,`) with one or two decimals
/// → whole öre; `None` for anything else (the row reader, [`parse_ore`], then decides).
pub(crate) fn parse_ore_clean(b: &[u8], decimal_comma: bool) -> Option<i64> {
    let (negative, b) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    let (mut int, mut count, mut group, mut grouped) = (0i64, 0usize, 0usize, false);
    let mut i = 0;
    while i < b.len() {
        let sep = match b[i] {
            c @ b'0'..=b'9' => {
                int = int * 10 + i64::from(c - b'0');
                count += 1;
                group += 1;
                i += 1;
                continue;
            }
            b' ' => 1,
            0xC2 if b.get(i + 1) == Some(&0xA0) => 2,
            0xE2 if b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xAF | 0x89)) => 3,
            _ => break,
        };
        // A group separator: after 1–3 digits first, then after exactly three.
        if group == 0 || group > 3 || (grouped && group != 3) {
            return None;
        }
        grouped = true;
        group = 0;
        i += sep;
    }
    if count == 0 || count > 13 || (grouped && group != 3) {
        return None;
    }
    let mut ore = int * 100;
    if let Some((&mark, frac)) = b[i..].split_first() {
        if !(mark == b'.' || (mark == b',' && decimal_comma)) {
            return None;
        }
        let d = |k: usize| {
            frac.get(k)
                .filter(|c| c.is_ascii_digit())
                .map(|c| i64::from(c - b'0'))
        };
        ore += match frac.len() {
            1 => d(0)? * 10,
            2 => d(0)? * 10 + d(1)?,
            _ => return None,
        };
    }
    Some(if negative { -ore } else { ore })
}

/// Why an SIE amount is not read; each holds the amount as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum SieAmountError {
    /// A decimal comma, which SIE does not use.
    #[error("unparsable amount \"{0}\" (SIE amounts use a decimal point)")]
    Comma(String),
    /// Not digits with an optional sign and decimal point.
    #[error("unparsable amount \"{0}\"")]
    Unparsable(String),
    /// A third decimal that is not zero.
    #[error("amount \"{0}\" has more than two decimals (öre cannot hold it)")]
    Decimals(String),
    /// Beyond what öre in 64 bits hold.
    #[error("amount \"{0}\" is too large")]
    TooLarge(String),
}

/// An SIE 4 amount (`#PSALDO`, `#TRANS`…) → öre: an optional sign, digits and a decimal
/// point, never a comma or grouping; decimals past the second must be zeros.
pub(crate) fn parse_ore_sie(text: &str) -> Result<i64, SieAmountError> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if body.contains(',') {
        return Err(SieAmountError::Comma(text.to_string()));
    }
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return Err(SieAmountError::Unparsable(text.to_string()));
    }
    if frac.len() > 2 && frac.bytes().skip(2).any(|b| b != b'0') {
        return Err(SieAmountError::Decimals(text.to_string()));
    }
    let too_large = || SieAmountError::TooLarge(text.to_string());
    let mut value: i64 = 0;
    for b in int.bytes() {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or_else(too_large)?;
    }
    let mut cents: i64 = 0;
    for i in 0..2 {
        let digit = frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
        cents = cents * 10 + digit;
    }
    value = value
        .checked_mul(100)
        .and_then(|v| v.checked_add(cents))
        .ok_or_else(too_large)?;
    Ok(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ore(s: &str) -> i64 {
        parse_ore(s, DecimalMark::Comma).unwrap().0
    }

    #[test]
    fn swedish_amounts() {
        assert_eq!(ore("-119,3"), -11930);
        assert_eq!(ore("1 234 567,50"), 123456750);
        assert_eq!(ore("1\u{a0}234,5"), 123450);
        assert_eq!(ore("\u{2212}12"), -1200);
        assert_eq!(ore("+0,07"), 7);
        assert_eq!(ore("12.5"), 1250);
        assert_eq!(ore(" 42 "), 4200);
        assert_eq!(ore(",5"), 50);
    }

    #[test]
    fn point_files_reject_commas() {
        assert_eq!(parse_ore("12.25", DecimalMark::Point).unwrap().0, 1225);
        assert_eq!(
            parse_ore("1,234", DecimalMark::Point),
            Err(NumberError::NotANumber)
        );
    }

    #[test]
    fn rounding_is_reported() {
        assert_eq!(parse_ore("1,005", DecimalMark::Comma), Ok((101, true)));
        assert_eq!(parse_ore("-1,004", DecimalMark::Comma), Ok((-100, true)));
        assert_eq!(parse_ore("1,500", DecimalMark::Comma), Ok((150, false)));
    }

    #[test]
    fn not_numbers() {
        for bad in [
            "", "abc", "12,3x", "1,2,3", "12 34", " 1 23,0", "-", "1 2345", "12,",
        ] {
            assert_eq!(
                parse_ore(bad, DecimalMark::Comma),
                Err(NumberError::NotANumber),
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_ore("12345678901234567", DecimalMark::Comma),
            Err(NumberError::TooLarge)
        );
    }

    #[test]
    fn formats_swedish() {
        let s = NumberStyle::SWEDISH;
        assert_eq!(s.money(-11_930_000_000, MoneyUnit::Mkr, 1), "-119,3");
        assert_eq!(s.money(218_180_000_000, MoneyUnit::Mkr, 1), "2\u{a0}181,8");
        assert_eq!(s.money(-4_000_000, MoneyUnit::Mkr, 1), "0,0");
        assert_eq!(s.money(5_000_000, MoneyUnit::Mkr, 1), "0,1");
        assert_eq!(s.money(-5_000_000, MoneyUnit::Mkr, 1), "-0,1");
        assert_eq!(s.money(5_107_600, MoneyUnit::Kr, 0), "51\u{a0}076");
        assert_eq!(s.money(123_456, MoneyUnit::Tkr, 0), "1");
        assert_eq!(s.float(15.234, 2), "15,23");
    }

    #[test]
    fn exact_decimal_strings() {
        assert_eq!(kronor_string(-11_930_000_012), "-119300000.12");
        assert_eq!(kronor_string(5), "0.05");
    }

    #[test]
    fn floats_to_ore() {
        assert_eq!(ore_from_f64(0.1 + 0.2), Ok(30));
        assert_eq!(ore_from_f64(-1234.56), Ok(-123456));
    }

    /// The clean grammar is a subset of the general one: whatever it takes, the general
    /// parser takes with the same value.
    #[test]
    fn clean_form_agrees_with_the_general_grammar() {
        let samples = [
            "0",
            "1",
            "-1",
            "12,5",
            "12,50",
            "-0,01",
            "1 000",
            "1\u{a0}000,25",
            "1\u{202f}234\u{202f}567,8",
            "1\u{2009}000",
            "9999999999999",
            "12.25",
            "1 00",
            "1000 000",
            "1,234",
            "1,2345",
            "",
            "-",
            "1e5",
            "12,",
            ",5",
            "1 000 000,00",
            "0000012",
        ];
        for s in samples {
            if let Some(ore) = parse_ore_clean(s.as_bytes(), true) {
                let general = parse_ore(s, DecimalMark::Comma).map(|r| r.0);
                assert_eq!(general, Ok(ore), "{s:?}");
            }
            if let Some(ore) = parse_ore_clean(s.as_bytes(), false) {
                let general = parse_ore(s, DecimalMark::Point).map(|r| r.0);
                assert_eq!(general, Ok(ore), "{s:?}");
            }
        }
    }

    /// The SIE grammar against the general one with a decimal point: where both take an
    /// amount they agree; SIE refuses what SIE files never hold (commas, grouping).
    #[test]
    fn sie_amounts_agree_with_the_general_grammar() {
        for s in [
            "0",
            "1",
            "-1",
            "+12.5",
            "12.50",
            "-0.01",
            "1234567.891",
            "12.500",
            "99999999999.99",
        ] {
            let sie = parse_ore_sie(s);
            let general = parse_ore(s.trim_start_matches('+'), DecimalMark::Point).map(|r| r.0);
            if let (Ok(a), Ok(b)) = (&sie, &general) {
                assert_eq!(a, b, "{s}");
            }
        }
        assert_eq!(parse_ore_sie("12.50"), Ok(1250));
        assert_eq!(parse_ore_sie("-0.01"), Ok(-1));
        assert!(
            parse_ore_sie("1,5")
                .unwrap_err()
                .to_string()
                .contains("decimal point")
        );
        assert!(parse_ore_sie("1 000").is_err());
        assert!(
            parse_ore_sie("1.234")
                .unwrap_err()
                .to_string()
                .contains("more than two decimals")
        );
        assert!(
            parse_ore_sie("99999999999999999999")
                .unwrap_err()
                .to_string()
                .contains("too large")
        );
    }

    #[test]
    fn sie_grammar() {
        assert_eq!(parse_ore_sie("-1234.50"), Ok(-123_450));
        assert_eq!(parse_ore_sie("1234"), Ok(123_400));
        assert_eq!(parse_ore_sie("1234.5"), Ok(123_450));
        assert_eq!(parse_ore_sie("+0.07"), Ok(7));
        assert_eq!(parse_ore_sie("1.2300"), Ok(123));
        assert_eq!(parse_ore_sie(".5"), Ok(50));
        assert_eq!(parse_ore_sie("-0"), Ok(0));
        for bad in [
            "",
            "-",
            ".",
            "1.234",
            "1,5",
            "1e3",
            "12 3",
            "--1",
            "99999999999999999999",
        ] {
            assert!(parse_ore_sie(bad).is_err(), "{bad}");
        }
        assert_eq!(kronor_string(-123_450), "-1234.50");
        assert_eq!(kronor_string(7), "0.07");
        assert_eq!(kronor_string(i64::MIN), "-92233720368547758.08");
    }

    #[test]
    fn kronor_in_sentences() {
        assert_eq!(kronor_text(42_613_000_000), "426 130 000,00");
        assert_eq!(kronor_text(-250_000_000), "-2 500 000,00");
        assert_eq!(kronor_text(5), "0,05");
        assert_eq!(kronor_text(100_000), "1 000,00");
        assert_eq!(kronor_text(i64::MIN), "-92 233 720 368 547 758,08");
    }
}

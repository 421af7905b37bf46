//! How numbers and words are shown: the report's language, money unit and decimals, and
//! every number as the templates see it.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use crate::config::Config;
use crate::model::money::{MoneyUnit, NumberStyle};
use crate::model::period::Month;

use super::Lang;

/// How numbers and words are shown in this report.
#[derive(Debug, Clone)]
pub(crate) struct Format {
    pub style: NumberStyle,
    pub unit: MoneyUnit,
    pub decimals: u32,
    /// The language's words, shared by the copies of the format a chart makes.
    pub lang: std::sync::Arc<Lang>,
    /// The first month of the fiscal year, 1–12 (1: the calendar year).
    pub year_start: u32,
    /// Whether the data holds last year's outcome: without it, labels, sentences and charts
    /// leave the same period last year out rather than compare with a zero.
    pub last_year: bool,
}

impl Format {
    pub(crate) fn new(c: &Config, lang: Lang) -> Format {
        Format {
            style: lang.style(),
            unit: c.money_unit,
            decimals: c.decimals,
            lang: std::sync::Arc::new(lang),
            year_start: c.year_start(),
            last_year: true,
        }
    }

    /// The month number (1–12) of the `i`-th month (from 0) of the fiscal year.
    pub(crate) fn nth_month(&self, i: usize) -> u32 {
        ((self.year_start as usize - 1 + i) % 12) as u32 + 1
    }

    /// A month with its year, as a sentence or table names it: "augusti 2020".
    pub(crate) fn month_year(&self, m: Month) -> String {
        format!("{} {}", self.lang.month(m.month()), m.year())
    }

    /// The (fiscal) year of a month as reports name it: `2020`, or `2009/10` for a year
    /// July 2009–June 2010.
    pub(crate) fn year_label(&self, m: Month) -> String {
        let start = m.year_start(self.year_start);
        if self.year_start == 1 {
            start.year().to_string()
        } else {
            format!("{}/{:02}", start.year(), (start.year() + 1).rem_euclid(100))
        }
    }

    /// The months a fiscal year spans, when it is not the calendar year: "juli 2009–juni 2010".
    pub(crate) fn fiscal_year(&self, m: Month) -> Option<String> {
        let start = m.year_start(self.year_start);
        let end = start.plus(11);
        (self.year_start != 1).then(|| {
            format!(
                "{} {}–{} {}",
                self.lang.month(start.month()),
                start.year(),
                self.lang.month(end.month()),
                end.year()
            )
        })
    }

    pub(crate) fn unit_label(&self) -> String {
        let key = match self.unit {
            MoneyUnit::Mkr => "Mkr",
            MoneyUnit::Tkr => "tkr",
            MoneyUnit::Kr => "kr",
        };
        self.lang
            .money
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// `figure`: a figure's exact value as `{:.N}` prints it (money's is written from its öre
    /// when asked for).
    fn make(&self, figure: Option<String>, text: String, exact: Exact) -> Num {
        let zero = !text.chars().any(|c| c.is_ascii_digit() && c != '0');
        let minus = text.starts_with(self.style.minus);
        let sign = if zero {
            0
        } else if minus {
            -1
        } else {
            1
        };
        Num {
            abs_at: if minus {
                self.style.minus.len_utf8() as u8
            } else {
                0
            },
            figure: figure.map(String::into_boxed_str),
            text,
            sign,
            exact,
        }
    }

    /// An amount in öre, in the report's money unit.
    pub(crate) fn num(&self, ore: i64) -> Num {
        self.money_num(ore, self.unit, self.decimals)
    }

    /// An amount in öre in kronor with two decimals, whatever the report's money unit (a
    /// single transaction).
    pub(crate) fn kronor(&self, ore: i64) -> Num {
        self.money_num(ore, MoneyUnit::Kr, 2)
    }

    /// An amount in öre in `unit` with `decimals`: the text as [`NumberStyle::money`] writes
    /// it, worked out in integers (every report number passes here, so it is kept cheap).
    fn money_num(&self, ore: i64, unit: MoneyUnit, decimals: u32) -> Num {
        let text = match money_text(&self.style, ore, unit, decimals) {
            Some(text) => text,
            None => self.style.money(ore, unit, decimals),
        };
        self.make(None, text, Exact::Ore(ore))
    }

    /// A ratio, count or hours (never a summed amount of money).
    pub(crate) fn fig(&self, value: f64, decimals: u32) -> Num {
        self.make(
            Some(format!("{value:.*}", decimals as usize)),
            self.style.float(value, decimals),
            Exact::figure(value, decimals),
        )
    }

    /// An amount in the display unit as f64, for chart coordinates only.
    pub(crate) fn coord(&self, ore: i64) -> f64 {
        ore as f64 / self.unit.divisor_ore() as f64
    }

    pub(crate) fn month(&self, m: Month) -> String {
        self.lang.month(m.month()).to_string()
    }
}

/// Decimals up to which [`money_text`] works in integers (the config allows 0–4); more take
/// the `Decimal` path.
const MAX_INT_DECIMALS: u32 = 6;

/// `ore` in `unit`, rounded half away from zero to `decimals` places, as
/// [`NumberStyle::money`] writes it (no minus sign on a value that rounds to zero); `None`
/// beyond [`MAX_INT_DECIMALS`] or for `i64::MIN` (whose absolute value is no `i64`), which take
/// the `Decimal` path.
fn money_text(style: &NumberStyle, ore: i64, unit: MoneyUnit, decimals: u32) -> Option<String> {
    if decimals > MAX_INT_DECIMALS || ore == i64::MIN {
        return None;
    }
    // The unit's divisor is 10^shift öre.
    let shift = unit.divisor_ore().ilog10();
    let abs = u128::from(ore.unsigned_abs());
    let scaled = if decimals >= shift {
        abs * 10u128.pow(decimals - shift)
    } else {
        let d = 10u128.pow(shift - decimals);
        (abs + d / 2) / d
    };
    // The digits of `scaled`, at least one before the decimals.
    let mut digits = [0u8; 40];
    let (mut at, mut n) = (digits.len(), scaled);
    while n > 0 || digits.len() - at <= decimals as usize {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let digits = &digits[at..];
    let int_len = digits.len() - decimals as usize;
    let mut text = String::with_capacity(digits.len() + int_len / 3 * 3 + 4);
    if ore < 0 && scaled != 0 {
        text.push(style.minus);
    }
    for (i, &d) in digits[..int_len].iter().enumerate() {
        if i > 0 && (int_len - i).is_multiple_of(3) {
            text.push(style.group);
        }
        text.push(char::from(d));
    }
    if decimals > 0 {
        text.push(style.decimal_mark);
        text.extend(digits[int_len..].iter().map(|&d| char::from(d)));
    }
    Some(text)
}

/// Öre as an exact decimal in kronor with two decimals (`-119300000.00`), as
/// [`crate::model::money::kronor_string`] writes it, in integers.
struct Kronor(i64);

impl std::fmt::Display for Kronor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (minus, abs) = (if self.0 < 0 { "-" } else { "" }, self.0.unsigned_abs());
        write!(f, "{minus}{}.{:02}", abs / 100, abs % 100)
    }
}

/// A number as the templates see it: `value`, `text`, `signed`, `abs` and `sign` (see the
/// methods). Only the text is kept; the other texts follow from it and the value when the
/// number is serialised, so that the many numbers of a run's views hold one string each.
#[derive(Debug, Clone)]
pub(crate) struct Num {
    /// Formatted, e.g. `-119,3`.
    pub text: String,
    /// -1, 0 or 1, of the value as shown (a value that rounds to zero has sign 0).
    pub sign: i8,
    /// The value itself, for a workbook cell.
    pub exact: Exact,
    /// Where the text without its minus sign starts.
    abs_at: u8,
    /// A figure's exact value as `{:.N}` prints it; `None` for money.
    figure: Option<Box<str>>,
}

impl Num {
    /// Exact value: kronor with two decimals for money, e.g. `-119300000.00`; a figure as
    /// `{:.N}` prints it. (Serialised as `value`; the code itself reads [`Num::exact`].)
    #[cfg(test)]
    pub(crate) fn value(&self) -> String {
        Texts::Value(self).to_string()
    }

    /// With an explicit `+` on positive values, e.g. `+3,6`.
    pub(crate) fn signed(&self) -> String {
        Texts::Signed(self).to_string()
    }

    /// Without sign, e.g. `119,3`.
    pub(crate) fn abs(&self) -> &str {
        &self.text[usize::from(self.abs_at)..]
    }
}

/// A number's texts that are written when asked for, each straight into the string that
/// holds it.
enum Texts<'a> {
    Value(&'a Num),
    Signed(&'a Num),
}

impl std::fmt::Display for Texts<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Texts::Value(n) => match (&n.figure, n.exact) {
                (Some(figure), _) => f.write_str(figure),
                (None, Exact::Ore(ore)) => Kronor(ore).fmt(f),
                (None, _) => Ok(()),
            },
            Texts::Signed(n) => {
                if n.sign > 0 {
                    f.write_str("+")?;
                }
                f.write_str(&n.text)
            }
        }
    }
}

impl Serialize for Texts<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut s = serializer.serialize_struct("Num", 5)?;
        s.serialize_field("value", &Texts::Value(self))?;
        s.serialize_field("text", &self.text)?;
        s.serialize_field("signed", &Texts::Signed(self))?;
        s.serialize_field("abs", self.abs())?;
        s.serialize_field("sign", &self.sign)?;
        s.end()
    }
}

/// The value behind a shown number, kept as a number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Exact {
    /// An amount of money in öre.
    Ore(i64),
    /// A ratio, count or hours rounded to the decimals it is shown with, as `{:.N}` rounds
    /// an `f64` (its exact binary value, ties to even, the sign kept on a zero).
    Figure { value: Decimal, decimals: u32 },
    /// A ratio, count or hours that no `Decimal` holds (not finite, or too large): the value
    /// itself, with the decimals `{:.N}` prints it with (none when not finite).
    Float { value: f64, decimals: u32 },
}

impl Exact {
    pub(crate) fn figure(value: f64, decimals: u32) -> Exact {
        match Decimal::from_f64_retain(value) {
            Some(d) => {
                let mut rounded =
                    d.round_dp_with_strategy(decimals, RoundingStrategy::MidpointNearestEven);
                rounded.set_sign_negative(value.is_sign_negative());
                Exact::Figure {
                    value: rounded,
                    decimals,
                }
            }
            None => Exact::Float {
                value,
                decimals: if value.is_finite() { decimals } else { 0 },
            },
        }
    }

    /// The nearest `f64`, as a workbook cell holds it.
    pub(crate) fn to_f64(self) -> f64 {
        /// Integers up to this convert to `f64` exactly.
        const EXACT_INT: u128 = 1 << 53;
        match self {
            // Both operands are exact and the division rounds once.
            Exact::Ore(ore) if ore.unsigned_abs() <= EXACT_INT as u64 => ore as f64 / 100.0,
            Exact::Ore(ore) => nearest_f64(Decimal::new(ore, 2)),
            Exact::Figure { value, .. } => {
                let (m, scale) = (value.mantissa().unsigned_abs(), value.scale());
                let abs = if m <= EXACT_INT && scale <= 22 {
                    m as f64 / 10u128.pow(scale) as f64
                } else {
                    nearest_f64(value.abs())
                };
                if value.is_sign_negative() { -abs } else { abs }
            }
            Exact::Float { value, .. } => value,
        }
    }

    /// The decimals the value is shown with, `None` for money (its format follows the
    /// report's money unit).
    pub(crate) fn decimals(self) -> Option<u32> {
        match self {
            Exact::Ore(_) => None,
            Exact::Figure { decimals, .. } | Exact::Float { decimals, .. } => Some(decimals),
        }
    }
}

/// The `f64` nearest a decimal too long to divide exactly: the standard library's reader of
/// decimal numbers rounds once.
fn nearest_f64(d: Decimal) -> f64 {
    d.to_string().parse().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::money;

    /// What `{:.N}` prints, read back: the number a figure's cell holds.
    fn printed(value: f64, decimals: u32) -> f64 {
        format!("{value:.*}", decimals as usize).parse().unwrap()
    }

    #[test]
    fn a_figure_holds_the_number_it_prints() {
        let mut samples = vec![
            0.0,
            -0.0,
            0.04,
            -0.04,
            0.05,
            -0.05,
            0.25,
            -0.25,
            0.35,
            2.5,
            3.5,
            4.25,
            4.35,
            0.125,
            1.005,
            15.2345,
            -51076.0,
            1e-300,
            -1e-300,
            5e-324,
            1e15,
            9.5e15,
            1e17,
            123_456_789.987_654_33,
            1e27,
            7.9e28,
            1e30,
            -1e30,
            f64::MAX,
            f64::MIN_POSITIVE,
        ];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let scale = 10f64.powi((x % 17) as i32 - 6);
            samples.push((x >> 11) as f64 / (1u64 << 53) as f64 * scale * 2.0 - scale);
            samples.push(((x >> 20) % 100_000) as f64 / 8.0 - 5000.0);
        }
        for v in samples {
            for d in 0..=4 {
                let e = Exact::figure(v, d);
                let (want, got) = (printed(v, d), e.to_f64());
                assert_eq!(
                    want.to_bits(),
                    got.to_bits(),
                    "{v} with {d} decimals: {e:?}"
                );
                assert_eq!(e.decimals(), Some(d));
            }
        }
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let e = Exact::figure(v, 1);
            assert_eq!(e.decimals(), Some(0));
            let got = e.to_f64();
            assert!(got.is_nan() && v.is_nan() || got == v);
        }
    }

    /// Amounts to check the integer formatting against the `Decimal` one: the extremes, the
    /// halves where rounding turns, and a spread of every size.
    fn sample_ore() -> Vec<i64> {
        let mut out = vec![
            0,
            1,
            -1,
            5,
            -5,
            49,
            50,
            -50,
            51,
            99,
            100,
            -100,
            i64::MAX,
            i64::MIN,
        ];
        out.extend([
            i64::MIN + 1,
            i64::MAX - 1,
            -119_300_022_517,
            4_999_999,
            -5_000_000,
        ]);
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..2_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 19) as u32;
            let v = (x >> 5) as i64 % 10i64.pow(digits).max(1);
            out.push(v);
            // Exactly half a unit of the last shown decimal, and one öre either side.
            let half = 5 * 10i64.pow((x % 9) as u32);
            let base = v / (2 * half) * (2 * half);
            out.extend([base + half, base + half - 1, base - half, base - half + 1]);
        }
        out
    }

    #[test]
    fn integer_formatting_writes_what_decimal_formatting_writes() {
        let styles = [
            NumberStyle::SWEDISH,
            NumberStyle {
                decimal_mark: '.',
                group: ',',
                minus: '\u{2212}',
            },
        ];
        for ore in sample_ore() {
            assert_eq!(Kronor(ore).to_string(), money::kronor_string(ore), "{ore}");
            for style in &styles {
                for unit in [MoneyUnit::Kr, MoneyUnit::Tkr, MoneyUnit::Mkr] {
                    for decimals in 0..=MAX_INT_DECIMALS {
                        let want = style.money(ore, unit, decimals);
                        match money_text(style, ore, unit, decimals) {
                            Some(text) => {
                                assert_eq!(text, want, "{ore} {unit:?} {decimals}");
                                // A number's `abs` is its text after the minus sign.
                                let abs = text.strip_prefix(style.minus).unwrap_or(&text);
                                let want_abs = style.money(ore.abs(), unit, decimals);
                                assert_eq!(abs, want_abs, "{ore} {unit:?} {decimals}");
                            }
                            None => assert!(decimals > MAX_INT_DECIMALS || ore == i64::MIN),
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn money_holds_its_kronor() {
        for ore in [
            0,
            1,
            -1,
            5,
            -119_300_022_517,
            1 << 53,
            (1 << 53) + 1,
            i64::MAX,
            i64::MIN,
        ] {
            let want: f64 = money::kronor_string(ore).parse().unwrap();
            assert_eq!(want.to_bits(), Exact::Ore(ore).to_f64().to_bits(), "{ore}");
        }
    }
}

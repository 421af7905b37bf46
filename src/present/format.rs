//! How numbers and words are shown: the report's language, money unit and decimals, and
//! every number as the templates see it.

use serde::Serialize;

use crate::config::Config;
use crate::model::money::{self, MoneyUnit, NumberStyle};
use crate::model::period::Month;

use super::Lang;

/// How numbers and words are shown in this report.
#[derive(Debug, Clone)]
pub(crate) struct Format {
    pub style: NumberStyle,
    pub unit: MoneyUnit,
    pub decimals: u32,
    pub lang: Lang,
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
            lang,
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

    fn make(&self, value: String, text: String, abs: String) -> Num {
        let zero = !text.chars().any(|c| c.is_ascii_digit() && c != '0');
        let sign = if zero {
            0
        } else if text.starts_with(self.style.minus) {
            -1
        } else {
            1
        };
        Num {
            value,
            signed: if sign > 0 {
                format!("+{text}")
            } else {
                text.clone()
            },
            text,
            abs,
            sign,
        }
    }

    /// An amount in öre, in the report's money unit.
    pub(crate) fn num(&self, ore: i64) -> Num {
        self.make(
            money::kronor_string(ore),
            self.style.money(ore, self.unit, self.decimals),
            self.style.money(ore.abs(), self.unit, self.decimals),
        )
    }

    /// An amount in öre in kronor with two decimals, whatever the report's money unit (a
    /// single transaction).
    pub(crate) fn kronor(&self, ore: i64) -> Num {
        self.make(
            money::kronor_string(ore),
            self.style.money(ore, MoneyUnit::Kr, 2),
            self.style.money(ore.abs(), MoneyUnit::Kr, 2),
        )
    }

    /// A ratio, count or hours (never a summed amount of money).
    pub(crate) fn fig(&self, value: f64, decimals: u32) -> Num {
        self.make(
            format!("{value:.*}", decimals as usize),
            self.style.float(value, decimals),
            self.style.float(value.abs(), decimals),
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

/// A number as the templates see it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Num {
    /// Exact value: kronor with two decimals for money, e.g. `-119300000.00`.
    pub value: String,
    /// Formatted, e.g. `-119,3`.
    pub text: String,
    /// With an explicit `+` on positive values, e.g. `+3,6`.
    pub signed: String,
    /// Without sign, e.g. `119,3`.
    pub abs: String,
    /// -1, 0 or 1, of the value as shown (a value that rounds to zero has sign 0).
    pub sign: i8,
}

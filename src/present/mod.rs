//! View models: the small, serialisable structs that templates see. Every number is
//! formatted here, once, in the report's language and money unit; charts are drawn here.

pub mod charts;
pub mod names;

use serde::Serialize;

use crate::compute::{Figures, RowKind, UnitFigures};
use crate::config::Config;
use crate::money::{self, MoneyUnit, NumberStyle};
use crate::period::Month;
use crate::tree::Tree;

/// Swedish month names, lower case as Swedish writes them.
pub const MONTHS_SV: [&str; 12] = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
];
pub const MONTHS_SV_SHORT: [&str; 12] = [
    "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
];

/// How numbers are shown in this report.
#[derive(Debug, Clone, Copy)]
pub struct Format {
    pub style: NumberStyle,
    pub unit: MoneyUnit,
    pub decimals: u32,
}

impl Format {
    pub fn from_config(c: &Config) -> Format {
        Format {
            style: NumberStyle::SWEDISH,
            unit: c.money_unit,
            decimals: c.decimals,
        }
    }

    pub fn unit_label(&self) -> &'static str {
        match self.unit {
            MoneyUnit::Mkr => "Mkr",
            MoneyUnit::Tkr => "tkr",
            MoneyUnit::Kr => "kr",
        }
    }

    /// An amount for a template.
    pub fn num(&self, ore: i64) -> Num {
        let text = self.style.money(ore, self.unit, self.decimals);
        let zero = !text.chars().any(|c| c.is_ascii_digit() && c != '0');
        let sign = if zero { 0 } else { ore.signum() as i8 };
        let abs = self.style.money(ore.abs(), self.unit, self.decimals);
        Num {
            value: money::kronor_string(ore),
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

    /// An amount in the display unit as f64, for chart coordinates only.
    pub fn coord(&self, ore: i64) -> f64 {
        ore as f64 / self.unit.divisor_ore() as f64
    }
}

/// An amount as the templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct Num {
    /// Exact kronor, e.g. `-119300000.00`.
    pub value: String,
    /// Formatted in the report's unit, e.g. `-119,3`.
    pub text: String,
    /// With an explicit `+` on positive values, e.g. `+3,6`.
    pub signed: String,
    /// Without sign, e.g. `119,3`.
    pub abs: String,
    /// -1, 0 or 1, of the value as shown (a value that rounds to zero has sign 0).
    pub sign: i8,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeyFigures {
    pub actual: Num,
    pub budget: Num,
    pub deviation: Num,
    pub budget_year: Num,
    pub actual_prev_year: Num,
    pub prev_month_deviation: Option<Num>,
    pub deviation_change: Option<Num>,
    pub forecast: Option<Num>,
    pub forecast_made: Option<String>,
    pub forecast_prev: Option<Num>,
    pub forecast_prev_made: Option<String>,
    pub forecast_change: Option<Num>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowView {
    pub name: String,
    pub subtotal: bool,
    pub actual: Num,
    pub budget: Num,
    pub deviation: Num,
    pub actual_prev_year: Num,
    pub change_prev_year: Num,
    pub budget_year: Num,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChildView {
    pub unit: UnitRef,
    pub leaf: bool,
    pub actual: Num,
    pub budget: Num,
    pub deviation: Num,
    pub deviation_change: Option<Num>,
    pub forecast: Option<Num>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Charts {
    pub result: String,
    pub monthly: String,
    pub categories: String,
}

/// Everything a unit's report shows.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub organisation: String,
    pub period: String,
    pub year: i32,
    pub prev_year: i32,
    pub month_name: String,
    pub prev_month_name: Option<String>,
    pub money_unit: String,
    pub decimals: u32,
    pub generated: String,
    pub unit: UnitRef,
    pub level: usize,
    pub parent: Option<UnitRef>,
    pub path: Vec<UnitRef>,
    pub key: KeyFigures,
    pub rows: Vec<RowView>,
    /// Categories with the largest negative deviations, worst first (lower-case for prose).
    pub largest: Vec<String>,
    /// Categories with a positive deviation, best first (lower-case for prose).
    pub positive: Vec<String>,
    pub children: Vec<ChildView>,
    pub charts: Charts,
}

/// One entry of the index page's tree.
#[derive(Debug, Clone, Serialize)]
pub struct IndexEntry {
    pub unit: UnitRef,
    pub depth: usize,
    pub deviation: Num,
    pub forecast: Option<Num>,
    pub leaf: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexView {
    pub organisation: String,
    pub period: String,
    pub year: i32,
    pub month_name: String,
    pub money_unit: String,
    pub generated: String,
    pub entries: Vec<IndexEntry>,
}

/// The prose form of a category name: first letter lower case unless it is an abbreviation.
pub fn prose_name(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            a.to_lowercase().collect::<String>() + &name[a.len_utf8()..]
        }
        _ => name.to_string(),
    }
}

pub fn month_name(m: Month) -> &'static str {
    MONTHS_SV[(m.month() - 1) as usize]
}

/// Shared context for every unit's view.
pub struct Presenter<'a> {
    pub config: &'a Config,
    pub tree: &'a Tree,
    pub figures: &'a Figures,
    pub files: &'a [String],
    pub generated: String,
    pub fmt: Format,
}

impl Presenter<'_> {
    fn unit_ref(&self, node: usize) -> UnitRef {
        let n = &self.tree.nodes[node];
        UnitRef {
            code: n.code.clone(),
            name: n.name.clone(),
            href: format!("{}.html", self.files[node]),
        }
    }

    pub fn report(&self, node: usize) -> ReportView {
        let f = &self.figures.units[node];
        let fmt = self.fmt;
        let period = self.figures.period;
        let key = KeyFigures {
            actual: fmt.num(f.acc.actual),
            budget: fmt.num(f.acc.budget),
            deviation: fmt.num(f.acc.deviation()),
            budget_year: fmt.num(f.budget_year),
            actual_prev_year: fmt.num(f.prev_year.actual),
            prev_month_deviation: f.prev_month.map(|p| fmt.num(p.deviation())),
            deviation_change: f.deviation_change().map(|c| fmt.num(c)),
            forecast: f.forecast.map(|x| fmt.num(x.deviation)),
            forecast_made: f.forecast.map(|x| month_name(x.made).to_string()),
            forecast_prev: f.forecast_prev.map(|x| fmt.num(x.deviation)),
            forecast_prev_made: f.forecast_prev.map(|x| month_name(x.made).to_string()),
            forecast_change: f.forecast_change().map(|c| fmt.num(c)),
        };
        let rows: Vec<RowView> = f
            .rows
            .iter()
            .filter(|r| r.kind == RowKind::Subtotal || !r.is_empty())
            .map(|r| RowView {
                name: r.name.clone(),
                subtotal: r.kind == RowKind::Subtotal,
                actual: fmt.num(r.acc.actual),
                budget: fmt.num(r.acc.budget),
                deviation: fmt.num(r.acc.deviation()),
                actual_prev_year: fmt.num(r.prev_year.actual),
                change_prev_year: fmt.num(r.acc.actual - r.prev_year.actual),
                budget_year: fmt.num(r.budget_year),
            })
            .collect();
        let mut cats: Vec<(&str, i64)> = f
            .rows
            .iter()
            .filter(|r| r.kind == RowKind::Category)
            .map(|r| (r.name.as_str(), r.acc.deviation()))
            .collect();
        cats.sort_by_key(|(n, d)| (*d, *n));
        let shown_nonzero = |d: i64| fmt.num(d).sign != 0;
        let largest = cats
            .iter()
            .filter(|(_, d)| *d < 0 && shown_nonzero(*d))
            .take(self.config.largest_deviations)
            .map(|(n, _)| prose_name(n))
            .collect();
        let positive = cats
            .iter()
            .rev()
            .filter(|(_, d)| *d > 0 && shown_nonzero(*d))
            .take(self.config.largest_deviations)
            .map(|(n, _)| prose_name(n))
            .collect();
        let children = self.tree.nodes[node]
            .children
            .iter()
            .map(|&c| {
                let cf = &self.figures.units[c];
                ChildView {
                    unit: self.unit_ref(c),
                    leaf: self.tree.is_leaf(c),
                    actual: fmt.num(cf.acc.actual),
                    budget: fmt.num(cf.acc.budget),
                    deviation: fmt.num(cf.acc.deviation()),
                    deviation_change: cf.deviation_change().map(|x| fmt.num(x)),
                    forecast: cf.forecast.map(|x| fmt.num(x.deviation)),
                }
            })
            .collect();
        let path: Vec<UnitRef> = self
            .tree
            .path(node)
            .into_iter()
            .map(|n| self.unit_ref(n))
            .collect();
        ReportView {
            organisation: self.tree.nodes[self.tree.root].name.clone(),
            period: period.to_string(),
            year: period.year(),
            prev_year: period.year() - 1,
            month_name: month_name(period).to_string(),
            prev_month_name: (period.month() > 1).then(|| month_name(period.prev()).to_string()),
            money_unit: fmt.unit_label().to_string(),
            decimals: fmt.decimals,
            generated: self.generated.clone(),
            unit: self.unit_ref(node),
            level: self.tree.nodes[node].depth,
            parent: self.tree.nodes[node].parent.map(|p| self.unit_ref(p)),
            path,
            key,
            rows,
            largest,
            positive,
            children,
            charts: self.charts(f),
        }
    }

    fn charts(&self, f: &UnitFigures) -> Charts {
        charts::draw_all(f, self.figures.period, &self.fmt)
    }

    pub fn index(&self) -> IndexView {
        let period = self.figures.period;
        IndexView {
            organisation: self.tree.nodes[self.tree.root].name.clone(),
            period: period.to_string(),
            year: period.year(),
            month_name: month_name(period).to_string(),
            money_unit: self.fmt.unit_label().to_string(),
            generated: self.generated.clone(),
            entries: self
                .tree
                .order
                .iter()
                .map(|&n| {
                    let f = &self.figures.units[n];
                    IndexEntry {
                        unit: self.unit_ref(n),
                        depth: self.tree.nodes[n].depth,
                        deviation: self.fmt.num(f.acc.deviation()),
                        forecast: f.forecast.map(|x| self.fmt.num(x.deviation)),
                        leaf: self.tree.is_leaf(n),
                    }
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_names() {
        assert_eq!(prose_name("Personalkostnader"), "personalkostnader");
        assert_eq!(prose_name("IT-kostnader"), "IT-kostnader");
        assert_eq!(prose_name("Övriga kostnader"), "övriga kostnader");
    }

    #[test]
    fn nums() {
        let f = Format {
            style: NumberStyle::SWEDISH,
            unit: MoneyUnit::Mkr,
            decimals: 1,
        };
        let n = f.num(-11_930_000_000);
        assert_eq!(
            (n.text.as_str(), n.signed.as_str(), n.abs.as_str(), n.sign),
            ("-119,3", "-119,3", "119,3", -1)
        );
        let p = f.num(360_000_000);
        assert_eq!((p.signed.as_str(), p.sign), ("+3,6", 1));
        let z = f.num(-4_000_000);
        assert_eq!((z.signed.as_str(), z.sign), ("0,0", 0));
        assert_eq!(n.value, "-119300000.00");
    }
}

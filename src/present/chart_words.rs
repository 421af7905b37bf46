//! What each chart shows, in words and as a table: the alternative text that a screen reader
//! reads instead of the picture, and the figures behind it. Both in the report's language,
//! from the same exact figures as the tables (money in öre, formatted once here).

use serde::Serialize;

use super::Format;
use crate::compute::explain::{Accuracy, Bridge};
use crate::compute::sections;
use crate::compute::{RowKind, UnitFigures};
use crate::model::period::Month;

/// A chart as the templates see it: the picture, its text alternative and its figures.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Chart {
    /// The SVG picture (scales with the page; the templates give it its text alternative).
    pub svg: String,
    /// What a sighted reader sees, in one or two sentences.
    pub alt: String,
    /// The figures the chart draws.
    pub table: DataTable,
}

/// A small table: column headings and rows, every cell already formatted; the first cell of
/// a row names it.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct DataTable {
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// "januari–september 2020" (or "januari 2020").
fn span(fmt: &Format, period: Month) -> String {
    let start = period.year_start(fmt.year_start);
    let month = |m: Month| fmt.lang.month(m.month());
    if start == period {
        format!("{} {}", month(period), period.year())
    } else if start.year() == period.year() {
        format!("{}–{} {}", month(start), month(period), period.year())
    } else {
        format!(
            "{} {}–{} {}",
            month(start),
            start.year(),
            month(period),
            period.year()
        )
    }
}

/// A text with its first letter capitalised: the start of a sentence.
fn sentence_start(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A text with its first letter in lower case: a label inside a sentence.
fn lower_start(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A chart's text alternative: one sentence saying what it shows, one with its key figures
/// (`facts`, joined by commas). Every figure it draws is in its table.
fn two_sentences(what: String, facts: &[String]) -> String {
    if facts.is_empty() {
        format!("{what}.")
    } else {
        format!("{what}. {}.", sentence_start(&facts.join(", ")))
    }
}

/// The accumulated result month by month: this year, budget, last year and the forecast;
/// without a budget (`budget` false), this year and last year only.
pub(crate) fn result(
    f: &UnitFigures,
    period: Month,
    fmt: &Format,
    budget: bool,
) -> (String, DataTable) {
    let l = |k| fmt.lang.label(k);
    let unit = fmt.unit_label();
    let money = |ore: i64| format!("{} {unit}", fmt.num(ore).text);
    let against = if budget {
        format!(" {} {}", l("alt_against_budget"), money(f.acc.budget))
    } else {
        String::new()
    };
    let mut facts = vec![format!(
        "{} {}{against}",
        l("alt_actual"),
        money(f.acc.actual)
    )];
    if fmt.last_year {
        facts.push(format!(
            "{} {} {}",
            l("alt_same_period"),
            fmt.year_label(period.plus(-12)),
            money(f.prev_year.actual),
        ));
    }
    if let Some(fc) = f.forecast.filter(|_| budget) {
        facts.push(format!(
            "{} {}",
            l("alt_forecast_result"),
            money(f.budget_year + fc.deviation)
        ));
    }
    let m = period.months_into_year(fmt.year_start) as usize;
    if let (Some(_), Some(end)) = (f.forecast.filter(|_| budget), f.run_rate_end(m)) {
        facts.push(format!("{} {}", l("alt_run_rate_result"), money(end)));
    }
    let alt = two_sentences(
        format!("{} {}", l("chart_result"), span(fmt, period)),
        &facts,
    );
    let mut rows = Vec::new();
    let (mut b, mut a, mut p) = (0i64, 0i64, 0i64);
    for mf in &f.months {
        b += mf.budget;
        p += mf.actual_prev_year;
        let actual = mf.actual.map(|x| {
            a += x;
            fmt.num(a).text
        });
        let mut row = vec![
            fmt.lang.month(mf.month.month()).to_string(),
            actual.unwrap_or_else(|| "–".into()),
        ];
        if budget {
            row.push(fmt.num(b).text);
        }
        if fmt.last_year {
            row.push(fmt.num(p).text);
        }
        rows.push(row);
    }
    let mut head = vec![
        l("month").to_string(),
        format!("{} {}, {unit}", l("legend_actual"), fmt.year_label(period)),
    ];
    if budget {
        head.push(format!(
            "{} {}, {unit}",
            l("legend_budget"),
            fmt.year_label(period)
        ));
    }
    if fmt.last_year {
        head.push(format!(
            "{} {}, {unit}",
            l("legend_actual"),
            fmt.year_label(period.plus(-12))
        ));
    }
    (alt, DataTable { head, rows })
}

/// The investments' accumulated outcome month by month against an even spread of the
/// full-year budget.
pub(crate) fn investments(
    monthly: &[i64],
    budget: i64,
    period: Month,
    fmt: &Format,
) -> (String, DataTable) {
    let l = |k| fmt.lang.label(k);
    let unit = fmt.unit_label();
    let acc: i64 = monthly.iter().sum();
    let spread = |k: usize| sections::budget_spread(budget, k);
    let alt = format!(
        "{} {}: {} {} {unit} {} {} {unit}; {} {} {unit}.",
        l("chart_investments"),
        span(fmt, period),
        l("alt_actual"),
        fmt.num(acc).text,
        l("alt_against_even_budget"),
        fmt.num(spread(monthly.len())).text,
        l("investment_budget"),
        fmt.num(budget).text,
    );
    let mut a = 0i64;
    let rows = (0..12)
        .map(|i| {
            let actual = monthly.get(i).map(|x| {
                a += x;
                fmt.num(a).text
            });
            vec![
                fmt.lang.month(fmt.nth_month(i)).to_string(),
                actual.unwrap_or_else(|| "–".into()),
                fmt.num(spread(i + 1)).text,
            ]
        })
        .collect();
    let head = vec![
        l("month").to_string(),
        format!("{}, {unit}", l("legend_investments_actual")),
        format!("{}, {unit}", l("legend_even_budget")),
    ];
    (alt, DataTable { head, rows })
}

/// The deviation against budget month by month (not accumulated); without a budget (`budget`
/// false), the change against the same month last year.
pub(crate) fn monthly(
    f: &UnitFigures,
    period: Month,
    fmt: &Format,
    budget: bool,
) -> (String, DataTable) {
    let devs: Vec<(String, String, i64)> = f
        .months
        .iter()
        .filter_map(|mf| {
            let base = if budget {
                mf.budget
            } else {
                mf.actual_prev_year
            };
            mf.actual.map(|a| {
                (
                    fmt.lang.month(mf.month.month()).to_string(),
                    fmt.num(a - base).signed(),
                    a - base,
                )
            })
        })
        .collect();
    if budget {
        deviations(fmt, period, ("chart_monthly", "deviation"), "month", devs)
    } else if fmt.last_year {
        deviations(
            fmt,
            period,
            ("chart_monthly_change", "change"),
            "month",
            devs,
        )
    } else {
        deviations(
            fmt,
            period,
            ("chart_monthly_actual", "legend_actual"),
            "month",
            devs,
        )
    }
}

/// The accumulated deviation per category, in the chart's order; without a budget (`budget`
/// false), the change against the same period last year.
pub(crate) fn categories(
    f: &UnitFigures,
    period: Month,
    fmt: &Format,
    budget: bool,
) -> (String, DataTable) {
    let cats: Vec<(String, String, i64)> = f
        .rows
        .iter()
        .filter(|r| r.kind == RowKind::Category && !r.is_empty())
        .map(|r| {
            let d = if budget {
                r.acc.deviation()
            } else {
                r.acc.actual - r.prev_year.actual
            };
            (r.name.clone(), fmt.num(d).signed(), d)
        })
        .collect();
    if budget {
        deviations(
            fmt,
            period,
            ("chart_categories", "deviation"),
            "category",
            cats,
        )
    } else if fmt.last_year {
        deviations(
            fmt,
            period,
            ("chart_categories_change", "change"),
            "category",
            cats,
        )
    } else {
        deviations(
            fmt,
            period,
            ("chart_categories_actual", "legend_actual"),
            "category",
            cats,
        )
    }
}

/// A bar chart's words: the caption and the period, the lowest and the highest of the
/// `(name, value, öre)`, and every pair as a two-column table headed by `first` and the value's
/// label. `words` names the caption
/// and the value (`deviation`, or `change` against last year).
fn deviations(
    fmt: &Format,
    period: Month,
    words: (&str, &str),
    first: &str,
    pairs: Vec<(String, String, i64)>,
) -> (String, DataTable) {
    let (caption, value) = words;
    let l = |k| fmt.lang.label(k);
    let unit = fmt.unit_label();
    // The lowest and the highest value (the first of equals), named.
    let lowest = pairs.iter().min_by_key(|p| p.2);
    let highest = pairs.iter().rev().max_by_key(|p| p.2);
    let facts: Vec<String> = match (lowest, highest) {
        (Some(lo), Some(hi)) if pairs.len() > 1 => vec![
            format!("{} {} ({})", l("alt_lowest"), lo.1, lo.0),
            format!("{} {} ({})", l("alt_highest"), hi.1, hi.0),
        ],
        (Some(only), _) => vec![format!("{} {}", only.0, only.1)],
        _ => vec![l("alt_no_figures").to_string()],
    };
    let alt = two_sentences(
        format!("{} {}, {unit}", l(caption), span(fmt, period)),
        &facts,
    );
    let head = vec![l(first).to_string(), format!("{}, {unit}", l(value))];
    let rows = pairs.into_iter().map(|(n, d, _)| vec![n, d]).collect();
    (alt, DataTable { head, rows })
}

/// The bars of the bridge between the two deviations: the `keep` categories that changed the
/// most (by size; ties in report order; only changes that show in the report's unit), in
/// report order, and the rest, small changes included, as one bar named `other`, last, when
/// their sum shows. So the bars add up to the change as far as the report's unit shows.
pub(crate) fn bridge_bars(
    b: &Bridge,
    fmt: &Format,
    keep: usize,
    other: &str,
) -> Vec<(String, i64)> {
    let mut by_size: Vec<(usize, i64)> = b
        .by_category
        .iter()
        .enumerate()
        .filter(|(_, (_, d))| fmt.num(*d).sign != 0)
        .map(|(i, (_, d))| (i, *d))
        .collect();
    by_size.sort_by_key(|(i, d)| (std::cmp::Reverse(d.unsigned_abs()), *i));
    let kept: Vec<usize> = by_size.iter().take(keep).map(|(i, _)| *i).collect();
    let mut bars = Vec::with_capacity(keep + 1);
    let mut rest = 0i64;
    for (i, (name, d)) in b.by_category.iter().enumerate() {
        if kept.contains(&i) {
            bars.push((name.clone(), *d));
        } else {
            rest += d;
        }
    }
    if fmt.num(rest).sign != 0 {
        bars.push((other.to_string(), rest));
    }
    bars
}

/// The bridge: the deviation at the previous month, each bar's change, the deviation now.
pub(crate) fn bridge(
    b: &Bridge,
    bars: &[(String, i64)],
    period: Month,
    fmt: &Format,
) -> (String, DataTable) {
    let l = |k| fmt.lang.label(k);
    let unit = fmt.unit_label();
    let from = format!("{} {}", l("bridge_at"), fmt.month(period.prev()));
    let to = format!("{} {}", l("bridge_at"), fmt.month(period));
    let mut rows = vec![vec![from.clone(), fmt.num(b.from).text]];
    rows.extend(
        bars.iter()
            .map(|(n, d)| vec![n.clone(), fmt.num(*d).signed()]),
    );
    rows.push(vec![to.clone(), fmt.num(b.to).text]);
    let mut facts = vec![
        format!("{from} {}", fmt.num(b.from).text),
        format!("{} {}", lower_start(&to), fmt.num(b.to).text),
    ];
    // The largest change (the first of equals), named.
    if let Some((name, d)) = bars.iter().rev().max_by_key(|(_, d)| d.unsigned_abs()) {
        facts.push(format!(
            "{} {name} {}",
            l("alt_largest_change"),
            fmt.num(*d).signed()
        ));
    }
    let alt = two_sentences(
        format!(
            "{} {} {}, {unit}",
            l("chart_bridge"),
            l("since"),
            fmt.month(period.prev())
        ),
        &facts,
    );
    let head = vec![l("item").to_string(), format!("{}, {unit}", l("deviation"))];
    (alt, DataTable { head, rows })
}

/// Last year's forecasts by the month they were made, against the year's outcome.
pub(crate) fn accuracy(a: &Accuracy, fmt: &Format) -> (String, DataTable) {
    let l = |k| fmt.lang.label(k);
    let unit = fmt.unit_label();
    let mut facts = vec![format!(
        "{} {}",
        l("alt_outcome_year"),
        fmt.num(a.outcome).text
    )];
    let ends = [
        ("alt_first_forecast", a.forecasts.first()),
        ("alt_last_forecast", a.forecasts.last()),
    ];
    for (key, f) in ends.iter().take(a.forecasts.len().min(2)) {
        if let Some((f, _)) = f {
            facts.push(format!(
                "{} ({}) {}",
                l(key),
                fmt.month(f.made),
                fmt.num(f.deviation).text
            ));
        }
    }
    let alt = two_sentences(
        format!(
            "{} {}, {unit}",
            l("chart_accuracy"),
            fmt.year_label(a.start)
        ),
        &facts,
    );
    let head = vec![
        l("forecast_made").to_string(),
        format!("{}, {unit}", l("forecast_short")),
        format!("{}, {unit}", l("forecast_error")),
    ];
    let rows = a
        .forecasts
        .iter()
        .map(|(f, e)| {
            vec![
                fmt.month(f.made),
                fmt.num(f.deviation).text,
                fmt.num(*e).signed(),
            ]
        })
        .collect();
    (alt, DataTable { head, rows })
}

fn pct(fmt: &Format, v: Option<f64>, decimals: u32) -> String {
    v.map(|v| format!("{}{}", fmt.fig(v, decimals).text, fmt.lang.percent))
        .unwrap_or_else(|| "–".into())
}

/// Sick leave per month, this year against last year.
pub(crate) fn sick_leave(
    this_year: &[Option<f64>],
    last_year: &[Option<f64>],
    period: Month,
    fmt: &Format,
) -> (String, DataTable) {
    let l = |k| fmt.lang.label(k);
    let (y, py) = (fmt.year_label(period), fmt.year_label(period.plus(-12)));
    // The latest month with a figure, the same month last year, and this year's highest.
    let this = this_year;
    let latest = this
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, v)| v.map(|v| (i, v)));
    let highest = this
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .fold(None, |best: Option<(usize, f64)>, (i, v)| match best {
            Some((_, b)) if b >= v => best,
            _ => Some((i, v)),
        });
    let month = |i: usize| fmt.lang.month(fmt.nth_month(i)).to_string();
    let say = |key: &'static str, value: f64, month: String, year: &str| {
        fmt.lang
            .label(key)
            .replace("{value}", &pct(fmt, Some(value), 1))
            .replace("{month}", &month)
            .replace("{year}", year)
    };
    let mut facts = Vec::new();
    if let Some((i, v)) = latest {
        facts.push(say("alt_sick_latest", v, month(i), &y));
        if let Some(prev) = last_year.get(i).copied().flatten() {
            facts.push(say("alt_sick_prev", prev, month(i), &py));
        }
    }
    if let Some((i, v)) = highest.filter(|(i, _)| Some(*i) != latest.map(|l| l.0)) {
        facts.push(say("alt_sick_highest", v, month(i), &y));
    }
    if facts.is_empty() {
        facts.push(l("alt_no_figures").to_string());
    }
    let alt = two_sentences(l("chart_sick").to_string(), &facts);
    let rows = (0..12)
        .map(|i| {
            let at = |v: &[Option<f64>]| v.get(i).copied().flatten();
            vec![
                fmt.lang.month(fmt.nth_month(i)).to_string(),
                pct(fmt, at(this_year), 1),
                pct(fmt, at(last_year), 1),
            ]
        })
        .collect();
    let head = vec![l("month").to_string(), y.to_string(), py.to_string()];
    (alt, DataTable { head, rows })
}

/// The accumulated hired-staff ratio per profession month by month, and the target.
pub(crate) fn agency(
    rows: &[(&str, &[Option<f64>])],
    target: Option<f64>,
    period: Month,
    fmt: &Format,
) -> (String, DataTable) {
    let l = |k| fmt.lang.label(k);
    let latest: Vec<String> = rows
        .iter()
        .map(|r| {
            let last = r.1.iter().rev().find_map(|v| *v);
            format!("{} {}", r.0, pct(fmt, last, 2))
        })
        .collect();
    let mut facts = if latest.is_empty() {
        vec![l("alt_no_figures").to_string()]
    } else {
        latest
    };
    if let Some(t) = target {
        facts.push(format!(
            "{} {}",
            l("target").to_lowercase(),
            pct(fmt, Some(t), 2)
        ));
    }
    let alt = two_sentences(
        format!("{}, {}", l("chart_agency"), span(fmt, period)),
        &facts,
    );
    let mut head = vec![l("month").to_string()];
    head.extend(rows.iter().map(|r| r.0.to_string()));
    let table = (0..period.months_into_year(fmt.year_start) as usize)
        .map(|i| {
            let mut row = vec![fmt.lang.month(fmt.nth_month(i)).to_string()];
            row.extend(
                rows.iter()
                    .map(|r| pct(fmt, r.1.get(i).copied().flatten(), 2)),
            );
            row
        })
        .collect();
    (alt, DataTable { head, rows: table })
}

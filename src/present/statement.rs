//! The income statement as the report shows it: the column groups the config names (the
//! month, accumulated, last year, the full year, the previous forecast, last year's full
//! year), each with its columns, and every report row's figure in each column.

use serde::Serialize;

use crate::compute::{Figures, RowFigures, RowKind, UnitFigures};
use crate::config::ColumnGroup;

use super::{Format, Num};

/// The income statement of one unit.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Statement {
    /// The column groups shown, in order.
    pub groups: Vec<StatementGroup>,
    /// The report rows, each with one cell per column of the groups.
    pub rows: Vec<StatementRow>,
    /// Whether a column group is shown that has the previous forecast, when there is none.
    pub no_previous_forecast: bool,
    /// How many figure columns the groups have together.
    pub width: usize,
    /// Whether the table needs a landscape page in print (more than eight figure columns).
    pub wide: bool,
}

/// A column group: its key (`month`, `accumulated`…), its heading and its columns' headings.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StatementGroup {
    pub key: &'static str,
    pub label: String,
    pub columns: Vec<String>,
}

/// A row of the income statement.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StatementRow {
    pub name: String,
    pub subtotal: bool,
    pub cells: Vec<StatementCell>,
}

/// One figure of a row; `deviation` marks a deviation or change (shown with its sign's colour).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StatementCell {
    pub num: Option<Num>,
    pub deviation: bool,
}

/// One column: its heading and its figure of a row (`None`: not given, shown as a dash).
type Column<'a> = (String, bool, Box<dyn Fn(&RowFigures) -> Option<i64> + 'a>);

/// The income statement of a unit with the figures `f`, in the column groups `groups` of which
/// those the data can fill (no budget: no budget, deviation or forecast; no last year: no
/// last-year columns).
pub(crate) fn statement(
    fmt: &Format,
    figures: &Figures,
    f: &UnitFigures,
    groups: &[ColumnGroup],
) -> Statement {
    let period = figures.period;
    let budget = figures.budget_given;
    let last = figures.prev_year_given;
    let year = fmt.year_label(period);
    let prev_year = fmt.year_label(period.plus(-12));
    let l = |k: &str| fmt.lang.label(k).to_string();
    let first = period.year_start(fmt.year_start);
    let mut shown: Vec<(StatementGroup, Vec<Column<'_>>)> = Vec::new();
    for &g in groups {
        let (key, label, columns): (&str, String, Vec<Column<'_>>) = match g {
            ColumnGroup::Month => {
                let mut c: Vec<Column<'_>> =
                    vec![(l("col_actual"), false, Box::new(|r| Some(r.month.actual)))];
                if budget {
                    c.push((l("col_budget"), false, Box::new(|r| Some(r.month.budget))));
                    c.push((
                        l("col_deviation"),
                        true,
                        Box::new(|r| Some(r.month.deviation())),
                    ));
                }
                ("month", capitalised(&fmt.month_year(period)), c)
            }
            ColumnGroup::Accumulated => {
                let mut c: Vec<Column<'_>> =
                    vec![(l("col_actual"), false, Box::new(|r| Some(r.acc.actual)))];
                if budget {
                    c.push((l("col_budget"), false, Box::new(|r| Some(r.acc.budget))));
                    c.push((
                        l("col_deviation"),
                        true,
                        Box::new(|r| Some(r.acc.deviation())),
                    ));
                }
                let span = if first == period {
                    fmt.month_year(period)
                } else {
                    format!(
                        "{}–{} {year}",
                        fmt.lang.month_short(first.month()),
                        fmt.lang.month_short(period.month())
                    )
                };
                (
                    "accumulated",
                    format!("{} {span}", l("group_accumulated")),
                    c,
                )
            }
            ColumnGroup::LastYear if last => (
                "last_year",
                format!("{} {prev_year}", l("group_last_year")),
                vec![
                    (
                        l("col_actual"),
                        false,
                        Box::new(|r| Some(r.prev_year.actual)),
                    ),
                    (
                        l("col_change"),
                        !budget,
                        Box::new(|r| Some(r.acc.actual - r.prev_year.actual)),
                    ),
                ],
            ),
            ColumnGroup::FullYear if budget => (
                "full_year",
                format!("{} {year}", l("group_full_year")),
                vec![
                    (l("col_budget"), false, Box::new(|r| Some(r.budget_year))),
                    (
                        l("col_forecast_result"),
                        false,
                        Box::new(|r| r.forecast.map(|d| r.budget_year + d)),
                    ),
                    (l("col_forecast_deviation"), true, Box::new(|r| r.forecast)),
                ],
            ),
            ColumnGroup::PreviousForecast if budget => (
                "previous_forecast",
                match f.forecast_prev {
                    Some(p) => format!("{} ({})", l("group_previous_forecast"), fmt.month(p.made)),
                    None => l("group_previous_forecast"),
                },
                vec![
                    (
                        l("col_forecast_result"),
                        false,
                        Box::new(|r| r.forecast_prev.map(|d| r.budget_year + d)),
                    ),
                    (
                        l("col_forecast_deviation"),
                        true,
                        Box::new(|r| r.forecast_prev),
                    ),
                ],
            ),
            ColumnGroup::LastYearFull if last => (
                "last_year_full",
                format!("{} {prev_year}", l("group_last_year_full")),
                vec![(
                    l("col_actual"),
                    false,
                    Box::new(|r| Some(r.actual_last_year)),
                )],
            ),
            _ => continue,
        };
        shown.push((
            StatementGroup {
                key,
                label,
                columns: columns.iter().map(|c| c.0.clone()).collect(),
            },
            columns,
        ));
    }
    let rows = f
        .rows
        .iter()
        .filter(|r| r.kind == RowKind::Subtotal || !r.is_empty())
        .map(|r| StatementRow {
            name: r.name.clone(),
            subtotal: r.kind == RowKind::Subtotal,
            cells: shown
                .iter()
                .flat_map(|(_, cols)| cols.iter())
                .map(|(_, deviation, value)| StatementCell {
                    num: value(r).map(|v| fmt.num(v)),
                    deviation: *deviation,
                })
                .collect(),
        })
        .collect();
    let width: usize = shown.iter().map(|(g, _)| g.columns.len()).sum();
    Statement {
        width,
        wide: width > 8,
        no_previous_forecast: f.forecast_prev.is_none()
            && shown.iter().any(|(g, _)| g.key == "previous_forecast"),
        groups: shown.into_iter().map(|(g, _)| g).collect(),
        rows,
    }
}

/// The text with its first letter upper case ("september 2020" → "September 2020").
fn capitalised(text: &str) -> String {
    let mut c = text.chars();
    match c.next() {
        Some(first) => first.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

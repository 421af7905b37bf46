//! The workbook's sheets, in the order the workbook has them: one function per sheet, each
//! row given column by column as (header, value).

use crate::present::{Lang, ReportView, RowAmounts};

use super::{Cell, Row, Sheet};
use crate::sections::{Section, in_data_order};

/// What decides which columns the sheets have, and the words they use.
pub(crate) struct Cx<'a> {
    pub views: &'a [&'a ReportView],
    pub lang: &'a Lang,
    /// Whether the data gives a budget: without one the sheets leave out budget and
    /// deviation and show the change against last year instead.
    pub budget: bool,
    /// Whether the data holds last year's outcome: without it, the columns of last year and
    /// of the change against it are left out.
    pub last_year: bool,
}

impl Cx<'_> {
    pub(crate) fn t(&self, key: &str) -> String {
        self.lang.label(key).to_string()
    }

    /// The columns shown without a budget: last year's outcome and the change against it.
    fn against_last_year(&self) -> bool {
        !self.budget && self.last_year
    }

    /// A section's sheet, named as its registry entry says.
    fn section(&self, section: &dyn Section) -> Option<Sheet> {
        let label = section.about().sheet?.label;
        Some(self.sheet(label, section.sheet(self)))
    }

    fn sheet(&self, name: &str, rows: impl IntoIterator<Item = Row>) -> Sheet {
        let mut sheet = Sheet::new(&self.t(name));
        for row in rows {
            sheet.push(row);
        }
        sheet
    }
}

/// Every sheet of the workbook for the given reports, empty ones included.
pub(super) fn all(views: &[&ReportView], lang: &Lang) -> Vec<Sheet> {
    let cx = Cx {
        views,
        lang,
        budget: views.first().is_none_or(|v| v.budget_given),
        last_year: views.first().is_none_or(|v| v.prev_year_given),
    };
    let mut sheets = vec![
        key(&cx),
        bridge(&cx),
        rows(&cx),
        accounts(&cx),
        children(&cx),
    ];
    sheets.extend(
        in_data_order()
            .into_iter()
            .filter_map(|(_, s)| cx.section(s)),
    );
    sheets.extend([accuracy(&cx), series(&cx)]);
    sheets
}

/// The key figures, one row per unit.
fn key(cx: &Cx) -> Sheet {
    let (budget, last_year) = (cx.budget, cx.last_year);
    let rows = cx.views.iter().map(|v| {
        let k = &v.key;
        let fc = v.explain.forecast_check.as_ref();
        let nc = v.explain.net_cost.as_ref();
        let adjusted = v
            .sections
            .shown_views()
            .find_map(|s| s.adjusted_deviation());
        Row::of(v)
            .cell("actual_acc", &k.actual)
            .cell_if(
                cx.against_last_year(),
                "actual_prev_acc",
                &k.actual_prev_year,
            )
            .cell_if(
                cx.against_last_year(),
                "change_prev_year",
                &k.change_prev_year,
            )
            .cell_if(budget, "budget_acc", &k.budget)
            .cell_if(budget, "deviation_acc", &k.deviation)
            .cell_if(
                budget,
                "change_since_previous_month",
                k.deviation_change.as_ref(),
            )
            .cell_if(budget, "budget_year", &k.budget_year)
            .cell("forecast_year", k.forecast.as_ref())
            .cell("previous_forecast", k.forecast_prev.as_ref())
            .cell("forecast_change", k.forecast_change.as_ref())
            .cell_if(budget, "adjusted_deviation", adjusted)
            .cell_if(budget, "fc_implied", fc.map(|c| &c.implied))
            .cell_if(budget, "fc_run_rate", fc.map(|c| &c.run_rate))
            .cell_if(
                budget && last_year,
                "fc_seasonal",
                fc.and_then(|c| c.seasonal.as_ref()),
            )
            .cell_if(
                budget,
                "fc_flag",
                fc.and_then(|c| c.flag)
                    .map_or(Cell::Empty, |f| Cell::from(cx.lang.label(f))),
            )
            .cell("net_cost", nc.map(|n| &n.actual))
            .cell_if(
                last_year,
                "net_cost_prev",
                nc.and_then(|n| n.actual_prev_year.as_ref()),
            )
            .cell_if(
                last_year,
                "net_cost_growth",
                nc.and_then(|n| n.growth.as_ref()),
            )
            .cell_if(
                last_year,
                "net_cost_growth_pct",
                nc.and_then(|n| n.growth_pct.as_ref()),
            )
            .cell_if(
                budget && last_year,
                "net_cost_growth_budget",
                nc.and_then(|n| n.budget_growth.as_ref()),
            )
            .cell_if(
                budget && last_year,
                "net_cost_growth_budget_pct",
                nc.and_then(|n| n.budget_growth_pct.as_ref()),
            )
    });
    cx.sheet("sheet_key", rows)
}

/// The change of the deviation since last month, from the deviation then through its
/// categories to the deviation now, and the units it comes from.
fn bridge(cx: &Cx) -> Sheet {
    let (at, category, unit) = (cx.t("bridge_at"), cx.t("category"), cx.t("unit"));
    let mut rows = Vec::new();
    for v in cx.views {
        let Some(b) = &v.explain.bridge else {
            continue;
        };
        let row = |part: Cell, item: String, change| {
            Row::of(v)
                .cell("bridge_part", part)
                .cell("item", item)
                .cell("change", change)
        };
        let from = format!("{at} {}", v.prev_month_name.as_deref().unwrap_or_default());
        rows.push(row(Cell::Empty, from, &b.from));
        for p in &b.categories {
            rows.push(row(Cell::from(&category), p.name.clone(), &p.value));
        }
        rows.push(row(Cell::Empty, format!("{at} {}", v.month_name), &b.to));
        for p in &b.children {
            rows.push(row(Cell::from(&unit), p.name.clone(), &p.value));
        }
    }
    cx.sheet("sheet_bridge", rows)
}

/// The columns of a row's or account's amounts.
fn amounts(cx: &Cx, row: Row, a: &RowAmounts) -> Row {
    row.cell("acc_actual", &a.actual)
        .cell_if(cx.budget, "acc_budget", &a.budget)
        .cell_if(cx.budget, "deviation_vs_budget", &a.deviation)
        .cell_if(cx.last_year, "last_year", &a.actual_prev_year)
        .cell_if(cx.last_year, "change", &a.change_prev_year)
        .cell_if(cx.budget, "budget_year", &a.budget_year)
}

/// The rows of the report.
fn rows(cx: &Cx) -> Sheet {
    let subtotal = cx.t("subtotal");
    let rows = cx.views.iter().flat_map(|v| {
        v.rows.iter().map(|r| {
            let row = Row::of(v).cell("row", &r.name).cell(
                "subtotal",
                if r.subtotal {
                    Cell::from(&subtotal)
                } else {
                    Cell::Empty
                },
            );
            let row = amounts(cx, row, &r.amounts);
            let m = &r.more;
            let shown = |k: &str| v.statement.groups.iter().any(|g| g.key == k);
            let month = shown("month");
            let full = cx.budget && shown("full_year");
            let prev = cx.budget && shown("previous_forecast");
            row.cell_if(month, "xl_month_actual", &m.month_actual)
                .cell_if(month && cx.budget, "xl_month_budget", &m.month_budget)
                .cell_if(month && cx.budget, "xl_month_deviation", &m.month_deviation)
                .cell_if(full, "forecast_result", m.forecast_result.as_ref())
                .cell_if(full, "forecast_year", m.forecast.as_ref())
                .cell_if(
                    prev,
                    "xl_forecast_prev_result",
                    m.forecast_prev_result.as_ref(),
                )
                .cell_if(prev, "previous_forecast", m.forecast_prev.as_ref())
                .cell_if(
                    cx.last_year && shown("last_year_full"),
                    "xl_last_year_full",
                    &m.actual_last_year,
                )
        })
    });
    cx.sheet("sheet_rows", rows)
}

/// The accounts of each row.
fn accounts(cx: &Cx) -> Sheet {
    let rows = cx.views.iter().flat_map(|v| {
        v.rows.iter().flat_map(move |r| {
            r.accounts.iter().map(move |a| {
                let row = Row::of(v)
                    .cell("row", &r.name)
                    .cell("account_col", &a.code)
                    .cell("account_name", &a.name);
                amounts(cx, row, &a.amounts)
            })
        })
    });
    cx.sheet("accounts_title", rows)
}

/// The units under each unit.
fn children(cx: &Cx) -> Sheet {
    let rows = cx.views.iter().flat_map(|v| {
        v.children.iter().map(|c| {
            Row::of(v)
                .cell("child_code", &c.unit.code)
                .cell("child", &c.unit.name)
                .cell("acc_actual", &c.actual)
                .cell_if(cx.against_last_year(), "last_year", &c.actual_prev_year)
                .cell_if(
                    cx.against_last_year(),
                    "change_prev_year",
                    &c.change_prev_year,
                )
                .cell_if(cx.budget, "acc_budget", &c.budget)
                .cell_if(cx.budget, "deviation", &c.deviation)
                .cell_if(cx.budget, "change", c.deviation_change.as_ref())
                .cell("forecast_short", c.forecast.as_ref())
        })
    });
    cx.sheet("sheet_children", rows)
}

/// The earlier forecasts of the year against its outcome.
fn accuracy(cx: &Cx) -> Sheet {
    let rows = cx.views.iter().flat_map(|v| {
        let a = v.explain.accuracy.iter();
        a.flat_map(|a| a.forecasts.iter().map(move |f| (a, f)))
            .map(|(a, f)| {
                Row::of(v)
                    .cell("forecast_made", Cell::month(&f.period))
                    .cell("forecast_short", &f.deviation)
                    .cell("outcome_year", &a.outcome)
                    .cell("forecast_error", &f.error)
            })
    });
    cx.sheet("accuracy", rows)
}

/// The accumulated series behind the charts, one row per month.
fn series(cx: &Cx) -> Sheet {
    // Last year's sick leave comes from the staffing table: without it and without last
    // year's outcome, the workbook has nothing of last year to show.
    let staffing = cx.views.iter().any(|v| v.sections.monthly_pct);
    let rows = cx.views.iter().flat_map(|v| {
        v.months.iter().map(|m| {
            Row::of(v)
                .cell("month", Cell::month(&m.period))
                .cell_if(cx.budget, "budget_acc_series", m.budget_acc.as_ref())
                .cell("actual_acc_series", m.actual_acc.as_ref())
                .cell_if(
                    cx.last_year,
                    "actual_prev_acc_series",
                    &m.actual_prev_year_acc,
                )
                .cell_if(cx.budget, "deviation_month", m.deviation.as_ref())
                .cell("sick_pct_series", m.sick_pct.as_ref())
                .cell_if(
                    staffing || cx.last_year,
                    "sick_pct_prev_series",
                    m.sick_pct_prev_year.as_ref(),
                )
        })
    });
    cx.sheet("sheet_series", rows)
}

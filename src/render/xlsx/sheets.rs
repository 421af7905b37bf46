//! The workbook's sheets, in the order the workbook has them: one function per sheet, each
//! row given column by column as (header, value).

use crate::present::{InvestmentRowView, Lang, ReportView, RowAmounts};

use super::{Cell, Row, Sheet};
use crate::model::section::{self, SectionKey};

/// What decides which columns the sheets have, and the words they use.
struct Cx<'a> {
    views: &'a [&'a ReportView],
    lang: &'a Lang,
    /// Whether the data gives a budget: without one the sheets leave out budget and
    /// deviation and show the change against last year instead.
    budget: bool,
    /// Whether the data holds last year's outcome: without it, the columns of last year and
    /// of the change against it are left out.
    last_year: bool,
}

impl Cx<'_> {
    fn t(&self, key: &str) -> String {
        self.lang.label(key).to_string()
    }

    /// The columns shown without a budget: last year's outcome and the change against it.
    fn against_last_year(&self) -> bool {
        !self.budget && self.last_year
    }

    /// A section's sheet, named as the registry says.
    fn section(&self, key: SectionKey, rows: impl IntoIterator<Item = Row>) -> Sheet {
        self.sheet(key.def().sheet.map_or(key.def().name, |s| s.label), rows)
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
        section::sheets()
            .into_iter()
            .map(|(d, _)| section(&cx, d.key)),
    );
    sheets.extend([accuracy(&cx), series(&cx)]);
    sheets
}

/// A section's sheet, in the workbook's order of the registry's sheets.
fn section(cx: &Cx, key: SectionKey) -> Sheet {
    match key {
        SectionKey::Personnel => personnel(cx),
        SectionKey::Agency => agency(cx),
        SectionKey::Measures => measures(cx),
        SectionKey::Adjustments => adjustments(cx),
        SectionKey::Activity => activity(cx),
        SectionKey::Frames => frames(cx),
        SectionKey::Investments => investments(cx),
        SectionKey::Approved => approved(cx),
        SectionKey::Balance => balance(cx),
        #[cfg(test)]
        SectionKey::Demo => demo(cx),
    }
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
            .adjustments
            .as_ref()
            .and_then(|a| a.adjusted.as_ref());
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

/// Sick leave, hours, full-time equivalents and employees, with last year's and the change.
fn personnel(cx: &Cx) -> Sheet {
    let rows = cx.views.iter().filter_map(|v| {
        let p = v.sections.personnel.as_ref()?;
        Some(
            Row::of(v)
                .cell("sick_leave", p.sick_pct.as_ref())
                .cell("last_year", p.sick_pct_prev.as_ref())
                .cell("change", p.sick_pct_change.as_ref())
                .cell("sick_hours", &p.sick_hours)
                .cell("last_year", &p.sick_hours_prev)
                .cell("change", &p.sick_hours_change)
                .cell("worked_fte", &p.fte)
                .cell("last_year", &p.fte_prev)
                .cell("change", &p.fte_change)
                .cell("employees", p.employees.as_ref())
                .cell("last_year", p.employees_prev.as_ref())
                .cell("change", p.employees_change.as_ref()),
        )
    });
    cx.section(SectionKey::Personnel, rows)
}

/// Hired staff against own staff, per profession and in total.
fn agency(cx: &Cx) -> Sheet {
    let rows = cx.views.iter().flat_map(|v| {
        let a = v.sections.agency.iter();
        a.flat_map(|a| a.rows.iter().chain(std::iter::once(&a.total)))
            .map(|r| {
                Row::of(v)
                    .cell("profession", &r.profession)
                    .cell("own_cost", &r.own)
                    .cell("agency_cost", &r.agency)
                    .cell("share", r.pct.as_ref())
                    .cell("last_year", r.pct_prev.as_ref())
                    .cell("change", r.pct_change.as_ref())
            })
    });
    cx.section(SectionKey::Agency, rows)
}

/// The measures and what they have brought, each and in total.
fn measures(cx: &Cx) -> Sheet {
    let (yes, no) = (cx.t("word_yes"), cx.t("word_no"));
    let rows = cx.views.iter().flat_map(|v| {
        let m = v.sections.measures.iter();
        m.flat_map(|m| m.rows.iter().chain(std::iter::once(&m.total)))
            .map(|r| {
                Row::of(v)
                    .cell("measure", &r.name)
                    .cell("expected", &r.expected)
                    .cell("realized", &r.realized)
                    .cell("achieved", r.share.as_ref())
                    .cell("decided", r.decided.as_ref())
                    .cell("due", r.due.as_ref())
                    .cell("status", r.status.as_ref())
                    .cell(
                        "in_forecast",
                        r.in_forecast
                            .map_or(Cell::Empty, |i| Cell::from(if i { &yes } else { &no })),
                    )
            })
    });
    cx.section(SectionKey::Measures, rows)
}

/// The deviation, what adjusts it, and the adjusted deviation (or the adjustments' total).
fn adjustments(cx: &Cx) -> Sheet {
    let mut rows = Vec::new();
    for v in cx.views {
        let Some(j) = &v.sections.adjustments else {
            continue;
        };
        let row = |item: String, amount| Row::of(v).cell("item", item).cell("amount", amount);
        if let Some(d) = &j.deviation {
            rows.push(row(cx.t("deviation_acc"), d));
        }
        for r in &j.rows {
            rows.push(row(r.name.clone(), &r.amount));
        }
        rows.push(match &j.adjusted {
            Some(a) => row(cx.t("adjusted_deviation"), a),
            None => row(cx.t("total"), &j.total),
        });
    }
    cx.section(SectionKey::Adjustments, rows)
}

/// The activity figures against last year.
fn activity(cx: &Cx) -> Sheet {
    let rows = cx.views.iter().flat_map(|v| {
        v.sections.activity.iter().flatten().map(|r| {
            Row::of(v)
                .cell("kpi", &r.name)
                .cell("this_year", &r.value)
                .cell("last_year", &r.prev)
                .cell("change", &r.change)
                .cell("change_pct", r.change_pct.as_ref())
        })
    });
    cx.section(SectionKey::Activity, rows)
}

/// The decided frame, its reallocations, the revised frame and the net budget.
fn frames(cx: &Cx) -> Sheet {
    let mut rows = Vec::new();
    for v in cx.views {
        let Some(f) = &v.sections.frame else {
            continue;
        };
        let row = |item: String, reference: Cell, description: Cell, amount| {
            Row::of(v)
                .cell("item", item)
                .cell("reference", reference)
                .cell("description", description)
                .cell("amount", amount)
        };
        rows.push(row(
            cx.t("frame_decided"),
            Cell::Empty,
            Cell::Empty,
            &f.frame,
        ));
        for r in &f.reallocations {
            let direction = cx.t(if r.amount.sign < 0 { "to" } else { "from" });
            let item = format!(
                "{} {direction} {}",
                cx.t("reallocation"),
                r.counterpart.name
            );
            let (reference, description) = (Cell::from(&r.reference), Cell::from(&r.description));
            rows.push(row(item, reference, description, &r.amount));
        }
        rows.push(row(
            cx.t("revised_frame"),
            Cell::Empty,
            Cell::Empty,
            &f.revised,
        ));
        if let Some(n) = &f.net_budget {
            rows.push(row(cx.t("net_budget"), Cell::Empty, Cell::Empty, n));
        }
    }
    cx.section(SectionKey::Frames, rows)
}

/// The balance requirement: the result, what is left out of it, and the balance result,
/// for the year to date and as forecast.
fn balance(cx: &Cx) -> Sheet {
    let less = cx.t("balance_less");
    let mut rows = Vec::new();
    for v in cx.views {
        let Some(b) = &v.sections.balance else {
            continue;
        };
        let row = |item: String, acc, forecast: Cell| {
            Row::of(v)
                .cell("item", item)
                .cell("acc", acc)
                .cell("balance_forecast", forecast)
        };
        let forecast = b.forecast_result.as_ref();
        rows.push(row(cx.t("result"), &b.result, forecast.into()));
        for r in &b.rows {
            let item = format!("{less} {}", r.name.to_lowercase());
            let in_forecast = forecast.map(|_| &r.amount);
            rows.push(row(item, &r.amount, in_forecast.into()));
        }
        let balance_forecast = b.balance_forecast.as_ref().into();
        rows.push(row(
            cx.t("balance_result"),
            &b.balance_result,
            balance_forecast,
        ));
    }
    cx.section(SectionKey::Balance, rows)
}

/// The approved result against the forecast, and the equity.
fn approved(cx: &Cx) -> Sheet {
    let rows = cx.views.iter().filter_map(|v| {
        let a = v.sections.approved.as_ref()?;
        Some(
            Row::of(v)
                .cell("approved_result", &a.approved)
                .cell("forecast_result", a.forecast.as_ref())
                .cell("against_approved", a.difference.as_ref())
                .cell("opening_equity", a.opening_equity.as_ref())
                .cell("closing_equity", a.closing_equity.as_ref()),
        )
    });
    cx.section(SectionKey::Approved, rows)
}

/// The investments: each category's projects and the category, then the total.
fn investments(cx: &Cx) -> Sheet {
    let mut rows = Vec::new();
    for v in cx.views {
        let Some(iv) = &v.sections.investments else {
            continue;
        };
        for c in &iv.categories {
            for r in &c.projects {
                rows.push(investment(v, r, &c.row.name));
            }
            rows.push(investment(v, &c.row, &c.row.name));
        }
        rows.push(investment(v, &iv.total, ""));
    }
    cx.section(SectionKey::Investments, rows)
}

/// One row of the investments sheet: a project (code and name) or group, its category and
/// its figures.
fn investment(v: &ReportView, r: &InvestmentRowView, category: &str) -> Row {
    Row::of(v)
        .cell("project", r.code.as_deref().unwrap_or(""))
        .cell("item", &r.name)
        .cell("category", category)
        .cell("budget_year", &r.budget)
        .cell("actual_acc", &r.actual)
        .cell("share_of_budget", r.share.as_ref())
        .cell("forecast_short", r.forecast.as_ref())
        .cell("budget_less_forecast", r.difference.as_ref())
}

/// The earlier forecasts of the year against its outcome.
fn accuracy(cx: &Cx) -> Sheet {
    let rows = cx.views.iter().flat_map(|v| {
        let a = v.explain.accuracy.iter();
        a.flat_map(|a| a.forecasts.iter().map(move |f| (a, f)))
            .map(|(a, f)| {
                Row::of(v)
                    .cell("forecast_made", &f.period)
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
    let staffing = cx.views.iter().any(|v| v.sections.personnel.is_some());
    let rows = cx.views.iter().flat_map(|v| {
        v.months.iter().map(|m| {
            Row::of(v)
                .cell("month", &m.period)
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

/// The test section: its amount per unit.
#[cfg(test)]
fn demo(cx: &Cx) -> Sheet {
    let rows = cx.views.iter().filter_map(|v| {
        let d = v.sections.demo.as_ref()?;
        Some(Row::of(v).cell("amount", d))
    });
    cx.section(SectionKey::Demo, rows)
}

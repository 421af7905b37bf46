//! Excel workbooks for the controllers: one sheet per table of the report, numbers as
//! numbers with Swedish-looking formats (the value is the exact amount in kronor; the format
//! shows it in the report's unit), frozen headers, fitted columns, and a sheet with the
//! accumulated series behind the charts. A pack's workbook stacks its units' rows.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::error::RenderError;
use crate::model::money::MoneyUnit;
use crate::present::{InvestmentRowView, Lang, Num, ReportView};

/// A value for a cell.
enum V<'a> {
    Text(&'a str),
    Money(&'a Num),
    Fig(&'a Num),
    Empty,
}

/// One row of the investments sheet: the unit, the project (code and name) or group, its
/// category and its figures.
fn investment_row<'a>(
    [code, name]: [&'a str; 2],
    r: &'a InvestmentRowView,
    category: &'a str,
) -> Vec<V<'a>> {
    vec![
        V::Text(code),
        V::Text(name),
        V::Text(r.code.as_deref().unwrap_or("")),
        V::Text(&r.name),
        V::Text(category),
        V::Money(&r.budget),
        V::Money(&r.actual),
        fig(&r.share),
        money(&r.forecast),
        money(&r.difference),
    ]
}

fn money<'a>(n: &'a Option<Num>) -> V<'a> {
    n.as_ref().map(V::Money).unwrap_or(V::Empty)
}

fn text(s: &Option<String>) -> V<'_> {
    s.as_deref().map(V::Text).unwrap_or(V::Empty)
}

fn fig<'a>(n: &'a Option<Num>) -> V<'a> {
    n.as_ref().map(V::Fig).unwrap_or(V::Empty)
}

struct Sheet {
    name: String,
    header: Vec<String>,
    /// Which of the columns given to `push` the sheet shows.
    keep: Vec<bool>,
    rows: Vec<Vec<CellOut>>,
}

enum CellOut {
    Text(String),
    Money(f64, usize),
    Fig(f64, u32, usize),
    Empty,
}

impl Sheet {
    /// A sheet with its columns, each with whether it is shown.
    fn new(name: &str, columns: Vec<(String, bool)>) -> Sheet {
        Sheet {
            name: name
                .chars()
                .filter(|c| !"[]:*?/\\".contains(*c))
                .take(31)
                .collect(),
            header: columns
                .iter()
                .filter(|c| c.1)
                .map(|c| c.0.clone())
                .collect(),
            keep: columns.iter().map(|c| c.1).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row: one cell per column given to `new`, shown or not.
    fn push(&mut self, cells: Vec<V<'_>>) {
        let keep = &self.keep;
        self.rows.push(
            cells
                .into_iter()
                .enumerate()
                .filter(|(i, _)| keep.get(*i).copied().unwrap_or(true))
                .map(|(_, c)| match c {
                    V::Text(t) => CellOut::Text(t.to_string()),
                    V::Money(n) => match n.value.parse::<f64>() {
                        Ok(v) => CellOut::Money(v, n.text.chars().count()),
                        Err(_) => CellOut::Empty,
                    },
                    V::Fig(n) => match n.value.parse::<f64>() {
                        Ok(v) => {
                            let decimals = n
                                .value
                                .split_once('.')
                                .map(|(_, d)| d.len() as u32)
                                .unwrap_or(0);
                            CellOut::Fig(v, decimals, n.text.chars().count())
                        }
                        Err(_) => CellOut::Empty,
                    },
                    V::Empty => CellOut::Empty,
                })
                .collect(),
        );
    }
}

/// The Excel number format showing kronor in the report's unit: `#,##0.0,,` shows
/// -119 300 225,17 kr as -119,3 (Excel divides by 1 000 per trailing comma).
fn money_format(unit: MoneyUnit, decimals: u32) -> String {
    let frac = if decimals > 0 {
        format!(".{}", "0".repeat(decimals as usize))
    } else {
        String::new()
    };
    let scale = match unit {
        MoneyUnit::Mkr => ",,",
        MoneyUnit::Tkr => ",",
        MoneyUnit::Kr => "",
    };
    format!("#,##0{frac}{scale};-#,##0{frac}{scale};0{frac}")
}

pub(crate) struct Meta {
    pub title: String,
    pub author: String,
    /// Seconds since 1970 for the document's creation time.
    pub created: i64,
    pub unit: MoneyUnit,
    /// The money unit's label, e.g. `Mkr`, added to the headers of money columns.
    pub unit_label: String,
    pub decimals: u32,
}

/// Writes one workbook for the given reports (one unit, or every unit of a pack).
pub(crate) fn workbook(
    views: &[&ReportView],
    lang: &Lang,
    meta: &Meta,
) -> Result<Vec<u8>, RenderError> {
    build(views, lang, meta, None)
        .map(|(wb, _)| wb)
        .map_err(|e| RenderError::Workbook(e.to_string()))
}

/// Writes a unit's workbook, with its transactions of the year to date when it has them; the
/// second part is the CSV file written beside the workbook when a sheet cannot hold them.
pub(crate) fn unit_workbook(
    view: &ReportView,
    ledger: Option<&super::transactions::Ledger>,
    lang: &Lang,
    meta: &Meta,
) -> Result<(Vec<u8>, Option<Vec<u8>>), RenderError> {
    build(&[view], lang, meta, ledger).map_err(|e| RenderError::Workbook(e.to_string()))
}

fn build(
    views: &[&ReportView],
    lang: &Lang,
    meta: &Meta,
    ledger: Option<&super::transactions::Ledger>,
) -> Result<(Vec<u8>, Option<Vec<u8>>), XlsxError> {
    let t = |k: &str| lang.label(k).to_string();
    // Without a budget the sheets leave out budget and deviation and show the change against
    // last year instead. A column key starting with `+` is shown only with a budget, with `-`
    // only without one. Without last year's outcome, the columns of last year and the change
    // against it are left out: a key starting with `~` (before `+` or `-`) is shown only with
    // last year's outcome.
    let budget = views.first().is_none_or(|v| v.budget_given);
    let last_year = views.first().is_none_or(|v| v.prev_year_given);
    let unit_cols = || vec![(t("code"), true), (t("unit"), true)];
    let with = |mut a: Vec<(String, bool)>, b: &[&str]| {
        a.extend(b.iter().map(|k| {
            let (k, ly) = k.strip_prefix('~').map_or((*k, true), |k| (k, last_year));
            if let Some(k) = k.strip_prefix('+') {
                (t(k), budget && ly)
            } else if let Some(k) = k.strip_prefix('-') {
                (t(k), !budget && ly)
            } else {
                (t(k), ly)
            }
        }));
        a
    };
    let mut key = Sheet::new(
        &t("sheet_key"),
        with(
            unit_cols(),
            &[
                "actual_acc",
                "~-actual_prev_acc",
                "~-change_prev_year",
                "+budget_acc",
                "+deviation_acc",
                "+change_since_previous_month",
                "+budget_year",
                "forecast_year",
                "previous_forecast",
                "forecast_change",
                "+adjusted_deviation",
                "+fc_implied",
                "+fc_run_rate",
                "~+fc_seasonal",
                "+fc_flag",
                "net_cost",
                "~net_cost_prev",
                "~net_cost_growth",
                "~net_cost_growth_pct",
                "~+net_cost_growth_budget",
                "~+net_cost_growth_budget_pct",
            ],
        ),
    );
    let mut bridge = Sheet::new(
        &t("sheet_bridge"),
        with(unit_cols(), &["bridge_part", "item", "change"]),
    );
    let mut accuracy = Sheet::new(
        &t("accuracy"),
        with(
            unit_cols(),
            &[
                "forecast_made",
                "forecast_short",
                "outcome_year",
                "forecast_error",
            ],
        ),
    );
    let mut rows = Sheet::new(
        &t("sheet_rows"),
        with(
            unit_cols(),
            &[
                "row",
                "subtotal",
                "acc_actual",
                "+acc_budget",
                "+deviation_vs_budget",
                "~last_year",
                "~change",
                "+budget_year",
            ],
        ),
    );
    let mut accounts = Sheet::new(
        &t("accounts_title"),
        with(
            unit_cols(),
            &[
                "row",
                "account_col",
                "account_name",
                "acc_actual",
                "+acc_budget",
                "+deviation_vs_budget",
                "~last_year",
                "~change",
                "+budget_year",
            ],
        ),
    );
    let mut children = Sheet::new(
        &t("sheet_children"),
        with(
            unit_cols(),
            &[
                "child_code",
                "child",
                "acc_actual",
                "~-last_year",
                "~-change_prev_year",
                "+acc_budget",
                "+deviation",
                "+change",
                "forecast_short",
            ],
        ),
    );
    let mut personnel = Sheet::new(
        &t("personnel"),
        with(
            unit_cols(),
            &[
                "sick_leave",
                "last_year",
                "change",
                "sick_hours",
                "last_year",
                "change",
                "worked_fte",
                "last_year",
                "change",
                "employees",
                "last_year",
                "change",
            ],
        ),
    );
    let mut agency = Sheet::new(
        &t("agency"),
        with(
            unit_cols(),
            &[
                "profession",
                "own_cost",
                "agency_cost",
                "share",
                "last_year",
                "change",
            ],
        ),
    );
    let mut measures = Sheet::new(
        &t("measures"),
        with(
            unit_cols(),
            &[
                "measure",
                "expected",
                "realized",
                "achieved",
                "decided",
                "due",
                "status",
                "in_forecast",
            ],
        ),
    );
    let mut adjustments = Sheet::new(&t("adjustments"), with(unit_cols(), &["item", "amount"]));
    let mut activity = Sheet::new(
        &t("activity"),
        with(
            unit_cols(),
            &["kpi", "this_year", "last_year", "change", "change_pct"],
        ),
    );
    let mut frames = Sheet::new(
        &t("frames"),
        with(unit_cols(), &["item", "reference", "description", "amount"]),
    );
    let mut balance = Sheet::new(
        &t("balance_requirement"),
        with(unit_cols(), &["item", "acc", "balance_forecast"]),
    );
    let mut approved = Sheet::new(
        &t("sheet_approved"),
        with(
            unit_cols(),
            &[
                "approved_result",
                "forecast_result",
                "against_approved",
                "opening_equity",
                "closing_equity",
            ],
        ),
    );
    let mut investments = Sheet::new(
        &t("investments"),
        with(
            unit_cols(),
            &[
                "project",
                "item",
                "category",
                "budget_year",
                "actual_acc",
                "share_of_budget",
                "forecast_short",
                "budget_less_forecast",
            ],
        ),
    );
    // Last year's sick leave comes from the staffing table: without it and without last
    // year's outcome, the workbook has nothing of last year to show.
    let staffing = views.iter().any(|v| v.sections.personnel.is_some());
    let mut series_columns = with(
        unit_cols(),
        &[
            "month",
            "+budget_acc_series",
            "actual_acc_series",
            "~actual_prev_acc_series",
            "+deviation_month",
            "sick_pct_series",
            "sick_pct_prev_series",
        ],
    );
    if let Some(sick_prev) = series_columns.last_mut() {
        sick_prev.1 = staffing || last_year;
    }
    let mut series = Sheet::new(&t("sheet_series"), series_columns);
    let yes = t("subtotal");
    let (word_yes, word_no) = (t("word_yes"), t("word_no"));
    for v in views {
        let (code, name) = (v.unit.code.as_str(), v.unit.name.as_str());
        let k = &v.key;
        let fc = v.explain.forecast_check.as_ref();
        let nc = v.explain.net_cost.as_ref();
        key.push(vec![
            V::Text(code),
            V::Text(name),
            V::Money(&k.actual),
            V::Money(&k.actual_prev_year),
            V::Money(&k.change_prev_year),
            V::Money(&k.budget),
            V::Money(&k.deviation),
            money(&k.deviation_change),
            V::Money(&k.budget_year),
            money(&k.forecast),
            money(&k.forecast_prev),
            money(&k.forecast_change),
            v.sections
                .adjustments
                .as_ref()
                .map(|a| money(&a.adjusted))
                .unwrap_or(V::Empty),
            fc.map(|c| V::Money(&c.implied)).unwrap_or(V::Empty),
            fc.map(|c| V::Money(&c.run_rate)).unwrap_or(V::Empty),
            fc.map(|c| money(&c.seasonal)).unwrap_or(V::Empty),
            fc.and_then(|c| c.flag)
                .map(|f| V::Text(lang.label(f)))
                .unwrap_or(V::Empty),
            nc.map(|n| V::Money(&n.actual)).unwrap_or(V::Empty),
            nc.map(|n| money(&n.actual_prev_year)).unwrap_or(V::Empty),
            nc.map(|n| money(&n.growth)).unwrap_or(V::Empty),
            nc.map(|n| fig(&n.growth_pct)).unwrap_or(V::Empty),
            nc.map(|n| money(&n.budget_growth)).unwrap_or(V::Empty),
            nc.map(|n| fig(&n.budget_growth_pct)).unwrap_or(V::Empty),
        ]);
        if let Some(a) = &v.explain.accuracy {
            for f in &a.forecasts {
                accuracy.push(vec![
                    V::Text(code),
                    V::Text(name),
                    V::Text(&f.period),
                    V::Money(&f.deviation),
                    V::Money(&a.outcome),
                    V::Money(&f.error),
                ]);
            }
        }
        if let Some(b) = &v.explain.bridge {
            let from = format!(
                "{} {}",
                t("bridge_at"),
                v.prev_month_name.as_deref().unwrap_or_default()
            );
            let to = format!("{} {}", t("bridge_at"), v.month_name);
            let (cat, unit) = (t("category"), t("unit"));
            bridge.push(vec![
                V::Text(code),
                V::Text(name),
                V::Empty,
                V::Text(&from),
                V::Money(&b.from),
            ]);
            for p in &b.categories {
                bridge.push(vec![
                    V::Text(code),
                    V::Text(name),
                    V::Text(&cat),
                    V::Text(&p.name),
                    V::Money(&p.value),
                ]);
            }
            bridge.push(vec![
                V::Text(code),
                V::Text(name),
                V::Empty,
                V::Text(&to),
                V::Money(&b.to),
            ]);
            for p in &b.children {
                bridge.push(vec![
                    V::Text(code),
                    V::Text(name),
                    V::Text(&unit),
                    V::Text(&p.name),
                    V::Money(&p.value),
                ]);
            }
        }
        for r in &v.rows {
            rows.push(vec![
                V::Text(code),
                V::Text(name),
                V::Text(&r.name),
                if r.subtotal { V::Text(&yes) } else { V::Empty },
                V::Money(&r.amounts.actual),
                V::Money(&r.amounts.budget),
                V::Money(&r.amounts.deviation),
                V::Money(&r.amounts.actual_prev_year),
                V::Money(&r.amounts.change_prev_year),
                V::Money(&r.amounts.budget_year),
            ]);
            for a in &r.accounts {
                accounts.push(vec![
                    V::Text(code),
                    V::Text(name),
                    V::Text(&r.name),
                    V::Text(&a.code),
                    V::Text(&a.name),
                    V::Money(&a.amounts.actual),
                    V::Money(&a.amounts.budget),
                    V::Money(&a.amounts.deviation),
                    V::Money(&a.amounts.actual_prev_year),
                    V::Money(&a.amounts.change_prev_year),
                    V::Money(&a.amounts.budget_year),
                ]);
            }
        }
        for c in &v.children {
            children.push(vec![
                V::Text(code),
                V::Text(name),
                V::Text(&c.unit.code),
                V::Text(&c.unit.name),
                V::Money(&c.actual),
                V::Money(&c.actual_prev_year),
                V::Money(&c.change_prev_year),
                V::Money(&c.budget),
                V::Money(&c.deviation),
                money(&c.deviation_change),
                money(&c.forecast),
            ]);
        }
        if let Some(p) = &v.sections.personnel {
            personnel.push(vec![
                V::Text(code),
                V::Text(name),
                fig(&p.sick_pct),
                fig(&p.sick_pct_prev),
                fig(&p.sick_pct_change),
                V::Fig(&p.sick_hours),
                V::Fig(&p.sick_hours_prev),
                V::Fig(&p.sick_hours_change),
                V::Fig(&p.fte),
                V::Fig(&p.fte_prev),
                V::Fig(&p.fte_change),
                fig(&p.employees),
                fig(&p.employees_prev),
                fig(&p.employees_change),
            ]);
        }
        if let Some(a) = &v.sections.agency {
            for r in a.rows.iter().chain(std::iter::once(&a.total)) {
                agency.push(vec![
                    V::Text(code),
                    V::Text(name),
                    V::Text(&r.profession),
                    V::Money(&r.own),
                    V::Money(&r.agency),
                    fig(&r.pct),
                    fig(&r.pct_prev),
                    fig(&r.pct_change),
                ]);
            }
        }
        if let Some(m) = &v.sections.measures {
            for r in m.rows.iter().chain(std::iter::once(&m.total)) {
                measures.push(vec![
                    V::Text(code),
                    V::Text(name),
                    V::Text(&r.name),
                    V::Money(&r.expected),
                    V::Money(&r.realized),
                    fig(&r.share),
                    text(&r.decided),
                    text(&r.due),
                    text(&r.status),
                    match r.in_forecast {
                        Some(true) => V::Text(&word_yes),
                        Some(false) => V::Text(&word_no),
                        None => V::Empty,
                    },
                ]);
            }
        }
        if let Some(j) = &v.sections.adjustments {
            let dev = t("deviation_acc");
            let adj = t("adjusted_deviation");
            if let Some(d) = &j.deviation {
                adjustments.push(vec![
                    V::Text(code),
                    V::Text(name),
                    V::Text(&dev),
                    V::Money(d),
                ]);
            }
            for r in &j.rows {
                adjustments.push(vec![
                    V::Text(code),
                    V::Text(name),
                    V::Text(&r.name),
                    V::Money(&r.amount),
                ]);
            }
            if let Some(a) = &j.adjusted {
                adjustments.push(vec![
                    V::Text(code),
                    V::Text(name),
                    V::Text(&adj),
                    V::Money(a),
                ]);
            } else {
                let total = t("total");
                adjustments.push(vec![
                    V::Text(code),
                    V::Text(name),
                    V::Text(&total),
                    V::Money(&j.total),
                ]);
            }
        }
        if let Some(kpis) = &v.sections.activity {
            for r in kpis {
                activity.push(vec![
                    V::Text(code),
                    V::Text(name),
                    V::Text(&r.name),
                    V::Fig(&r.value),
                    V::Fig(&r.prev),
                    V::Fig(&r.change),
                    fig(&r.change_pct),
                ]);
            }
        }
        if let Some(f) = &v.sections.frame {
            let (decided, revised, net) = (t("frame_decided"), t("revised_frame"), t("net_budget"));
            frames.push(vec![
                V::Text(code),
                V::Text(name),
                V::Text(&decided),
                V::Empty,
                V::Empty,
                V::Money(&f.frame),
            ]);
            let labels: Vec<String> = f
                .reallocations
                .iter()
                .map(|r| {
                    format!(
                        "{} {} {}",
                        t("reallocation"),
                        if r.amount.sign < 0 {
                            t("to")
                        } else {
                            t("from")
                        },
                        r.counterpart.name
                    )
                })
                .collect();
            for (r, label) in f.reallocations.iter().zip(&labels) {
                frames.push(vec![
                    V::Text(code),
                    V::Text(name),
                    V::Text(label),
                    V::Text(&r.reference),
                    V::Text(&r.description),
                    V::Money(&r.amount),
                ]);
            }
            frames.push(vec![
                V::Text(code),
                V::Text(name),
                V::Text(&revised),
                V::Empty,
                V::Empty,
                V::Money(&f.revised),
            ]);
            if let Some(n) = &f.net_budget {
                frames.push(vec![
                    V::Text(code),
                    V::Text(name),
                    V::Text(&net),
                    V::Empty,
                    V::Empty,
                    V::Money(n),
                ]);
            }
        }
        if let Some(b) = &v.sections.balance {
            let (result, total) = (t("result"), t("balance_result"));
            let less = t("balance_less");
            balance.push(vec![
                V::Text(code),
                V::Text(name),
                V::Text(&result),
                V::Money(&b.result),
                money(&b.forecast_result),
            ]);
            let labels: Vec<String> = b
                .rows
                .iter()
                .map(|r| format!("{less} {}", r.name.to_lowercase()))
                .collect();
            for (r, label) in b.rows.iter().zip(&labels) {
                balance.push(vec![
                    V::Text(code),
                    V::Text(name),
                    V::Text(label),
                    V::Money(&r.amount),
                    if b.forecast_result.is_some() {
                        V::Money(&r.amount)
                    } else {
                        V::Empty
                    },
                ]);
            }
            balance.push(vec![
                V::Text(code),
                V::Text(name),
                V::Text(&total),
                V::Money(&b.balance_result),
                money(&b.balance_forecast),
            ]);
        }
        if let Some(a) = &v.sections.approved {
            approved.push(vec![
                V::Text(code),
                V::Text(name),
                V::Money(&a.approved),
                money(&a.forecast),
                money(&a.difference),
                money(&a.opening_equity),
                money(&a.closing_equity),
            ]);
        }
        if let Some(iv) = &v.sections.investments {
            let row = |r, category| investment_row([code, name], r, category);
            for c in &iv.categories {
                for r in &c.projects {
                    investments.push(row(r, &c.row.name));
                }
                investments.push(row(&c.row, &c.row.name));
            }
            investments.push(row(&iv.total, ""));
        }
        for m in &v.months {
            series.push(vec![
                V::Text(code),
                V::Text(name),
                V::Text(&m.period),
                money(&m.budget_acc),
                money(&m.actual_acc),
                V::Money(&m.actual_prev_year_acc),
                money(&m.deviation),
                fig(&m.sick_pct),
                fig(&m.sick_pct_prev_year),
            ]);
        }
    }
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_timestamp(meta.created)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(&meta.title)
            .set_author(&meta.author)
            .set_creation_datetime(&created),
    );
    let header = Format::new()
        .set_bold()
        .set_background_color("F3F4F6")
        .set_text_wrap();
    let money_fmt = Format::new().set_num_format(money_format(meta.unit, meta.decimals));
    for sheet in [
        key,
        bridge,
        rows,
        accounts,
        children,
        personnel,
        agency,
        measures,
        adjustments,
        activity,
        frames,
        balance,
        approved,
        investments,
        accuracy,
        series,
    ] {
        if sheet.rows.is_empty() {
            continue;
        }
        write_sheet(
            wb.add_worksheet(),
            &sheet,
            &header,
            &money_fmt,
            &meta.unit_label,
        )?;
    }
    let csv = match ledger {
        Some(l) => super::transactions::add_sheet(
            &mut wb,
            l,
            lang,
            &header,
            super::transactions::SHEET_ROWS,
        )?,
        None => None,
    };
    Ok((wb.save_to_buffer()?, csv))
}

fn write_sheet(
    ws: &mut Worksheet,
    sheet: &Sheet,
    header: &Format,
    money_fmt: &Format,
    unit_label: &str,
) -> Result<(), XlsxError> {
    ws.set_name(&sheet.name)?;
    let is_money = |c: usize| {
        sheet
            .rows
            .iter()
            .any(|r| matches!(r.get(c), Some(CellOut::Money(..))))
    };
    let titles: Vec<String> = sheet
        .header
        .iter()
        .enumerate()
        .map(|(c, h)| {
            if is_money(c) {
                format!("{h}, {unit_label}")
            } else {
                h.clone()
            }
        })
        .collect();
    let mut widths: Vec<usize> = titles.iter().map(|h| h.chars().count().min(30)).collect();
    for (c, h) in titles.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, header)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            let w = match cell {
                CellOut::Text(t) => {
                    ws.write_string(r, col, fit_cell(t).as_ref())?;
                    t.chars().count()
                }
                CellOut::Money(v, w) => {
                    ws.write_number_with_format(r, col, *v, money_fmt)?;
                    *w
                }
                CellOut::Fig(v, d, w) => {
                    let f = if *d == 0 {
                        "#,##0".to_string()
                    } else {
                        format!("#,##0.{}", "0".repeat(*d as usize))
                    };
                    ws.write_number_with_format(r, col, *v, &Format::new().set_num_format(f))?;
                    *w
                }
                CellOut::Empty => 0,
            };
            if let Some(slot) = widths.get_mut(c) {
                *slot = (*slot).max(w.min(60));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 + 2.0).max(6.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The most characters an Excel cell holds.
const MAX_CELL: usize = 32_767;

/// A text as a cell can hold it: beyond Excel's limit, its beginning and a note of the cut.
pub(super) fn fit_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MAX_CELL) {
        None => text.into(),
        Some(_) => {
            let note = format!(" … (cut: {} characters)", text.chars().count());
            let keep = MAX_CELL - note.chars().count();
            let end = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
            format!("{}{note}", &text[..end]).into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_cut_to_what_a_cell_holds() {
        assert_eq!(fit_cell("Enhet"), "Enhet");
        let long = "å".repeat(40_000);
        let cut = fit_cell(&long);
        assert_eq!(cut.chars().count(), MAX_CELL);
        assert!(cut.ends_with("å … (cut: 40000 characters)"));
    }

    #[test]
    fn money_formats_scale_to_the_report_unit() {
        assert_eq!(money_format(MoneyUnit::Mkr, 1), "#,##0.0,,;-#,##0.0,,;0.0");
        assert_eq!(money_format(MoneyUnit::Tkr, 0), "#,##0,;-#,##0,;0");
        assert_eq!(money_format(MoneyUnit::Kr, 2), "#,##0.00;-#,##0.00;0.00");
    }
}

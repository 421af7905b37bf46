//! Excel workbooks for the controllers: one sheet per table of the report, numbers as
//! numbers with Swedish-looking formats (the value is the exact amount in kronor; the format
//! shows it in the report's unit), frozen headers, fitted columns, and a sheet with the
//! accumulated series behind the charts. A pack's workbook stacks its units' rows.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::error::RenderError;
use crate::model::money::MoneyUnit;
use crate::model::period::Month;
use crate::present::{Exact, Lang, Num, ReportView};

pub(crate) mod sheets;
pub(crate) mod transactions;

/// A cell of a sheet.
pub(crate) enum Cell {
    Text(String),
    /// A number with the width of its text as the report shows it.
    Number(Exact, usize),
    /// A day (days since 1970-01-01), shown as `yyyy-mm-dd`.
    Date(i32),
    /// A month, written as its first day and shown as `yyyy-mm`.
    Month(Month),
    Empty,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_string())
    }
}

impl From<&String> for Cell {
    fn from(text: &String) -> Cell {
        Cell::Text(text.clone())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<Option<&String>> for Cell {
    fn from(text: Option<&String>) -> Cell {
        text.map_or(Cell::Empty, Cell::from)
    }
}

impl From<&Num> for Cell {
    fn from(n: &Num) -> Cell {
        Cell::Number(n.exact, n.text.chars().count())
    }
}

impl From<Option<&Num>> for Cell {
    fn from(n: Option<&Num>) -> Cell {
        n.map_or(Cell::Empty, Cell::from)
    }
}

impl Cell {
    /// A day, or nothing.
    pub(crate) fn day(day: Option<i32>) -> Cell {
        day.map_or(Cell::Empty, Cell::Date)
    }

    /// A month given as the report's period text (`2020-03`); any other text stays text.
    pub(crate) fn month(period: &str) -> Cell {
        Month::parse(period).map_or_else(|| Cell::from(period), Cell::Month)
    }

    fn is_money(&self) -> bool {
        matches!(self, Cell::Number(Exact::Ore(_), _))
    }
}

/// One row of a sheet: each column as its header's label key and its cell.
pub(crate) struct Row(Vec<(&'static str, Cell)>);

impl Row {
    /// A row of a unit's: its code and name first.
    pub(crate) fn of(v: &ReportView) -> Row {
        Row(vec![
            ("code", Cell::from(&v.unit.code)),
            ("unit", Cell::from(&v.unit.name)),
        ])
    }

    pub(crate) fn cell(mut self, header: &'static str, cell: impl Into<Cell>) -> Row {
        self.0.push((header, cell.into()));
        self
    }

    /// A column the sheet has only when `shown`.
    pub(crate) fn cell_if(self, shown: bool, header: &'static str, cell: impl Into<Cell>) -> Row {
        if shown { self.cell(header, cell) } else { self }
    }
}

/// A sheet: its name, the label keys of its headers and its rows.
struct Sheet {
    name: String,
    headers: Vec<&'static str>,
    rows: Vec<Vec<Cell>>,
}

impl Sheet {
    fn new(name: &str) -> Sheet {
        Sheet {
            name: name
                .chars()
                .filter(|c| !"[]:*?/\\".contains(*c))
                .take(31)
                .collect(),
            headers: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; every row of a sheet has the same columns, each under its own header.
    fn push(&mut self, row: Row) {
        let (headers, cells): (Vec<_>, Vec<_>) = row.0.into_iter().unzip();
        debug_assert!(self.rows.is_empty() || self.headers == headers);
        debug_assert!(
            headers
                .iter()
                .enumerate()
                .all(|(i, h)| !headers[..i].contains(h)),
            "a header twice in {}: {headers:?}",
            self.name
        );
        self.headers = headers;
        self.rows.push(cells);
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
    /// The text of each sheet's title row: what the workbook covers and its month,
    /// "Kirurgkliniken (2110) – september 2020".
    pub heading: String,
}

/// The first row of every sheet: its title, above the header row.
pub(crate) const TITLE_ROW: u32 = 0;
/// The header row, frozen with the title above it.
pub(crate) const HEADER_ROW: u32 = 1;

/// The title row's text for a unit or a pack: `what` and the report month, as
/// "Kirurgkliniken (2110) – september 2020".
pub(crate) fn heading(what: &str, view: &ReportView, lang: &Lang) -> String {
    match Month::parse(&view.period) {
        Some(m) => format!("{what} – {} {}", lang.month(m.month()), m.year()),
        None => format!("{what} – {}", view.period),
    }
}

/// Writes a sheet's title row in bold.
pub(crate) fn write_title(ws: &mut Worksheet, text: &str) -> Result<(), XlsxError> {
    ws.write_string_with_format(TITLE_ROW, 0, text, &Format::new().set_bold())?;
    Ok(())
}

/// Writes a day as an Excel date with `format`.
fn write_day(
    ws: &mut Worksheet,
    (r, c): (u32, u16),
    day: i32,
    format: &Format,
) -> Result<(), XlsxError> {
    let (y, m, d) = crate::clock::civil_from_days(day);
    ws.write_datetime_with_format(
        r,
        c,
        ExcelDateTime::from_ymd(y as u16, m as u8, d as u8)?,
        format,
    )?;
    Ok(())
}

/// The Excel formats of a day and of a month.
pub(crate) fn date_formats() -> (Format, Format) {
    (
        Format::new().set_num_format("yyyy-mm-dd"),
        Format::new().set_num_format("yyyy-mm"),
    )
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
    ledger: Option<&transactions::Ledger>,
    lang: &Lang,
    meta: &Meta,
) -> Result<(Vec<u8>, Option<Vec<u8>>), RenderError> {
    build(&[view], lang, meta, ledger).map_err(|e| RenderError::Workbook(e.to_string()))
}

fn build(
    views: &[&ReportView],
    lang: &Lang,
    meta: &Meta,
    ledger: Option<&transactions::Ledger>,
) -> Result<(Vec<u8>, Option<Vec<u8>>), XlsxError> {
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
    for sheet in sheets::all(views, lang) {
        if sheet.rows.is_empty() {
            continue;
        }
        let titles = titles(&sheet, lang, &meta.unit_label);
        let ws = wb.add_worksheet();
        write_title(ws, &meta.heading)?;
        write_sheet(ws, &sheet, &titles, &header, &money_fmt)?;
    }
    let csv = match ledger {
        Some(l) => {
            let sheet = transactions::Sheet {
                heading: &meta.heading,
                bold: &header,
                limit: transactions::SHEET_ROWS,
            };
            transactions::add_sheet(&mut wb, l, lang, &sheet)?
        }
        None => None,
    };
    Ok((wb.save_to_buffer()?, csv))
}

/// The headers of a sheet's columns; a column of money names the money unit.
fn titles(sheet: &Sheet, lang: &Lang, unit_label: &str) -> Vec<String> {
    let is_money = |c: usize| {
        sheet
            .rows
            .iter()
            .any(|r| r.get(c).is_some_and(Cell::is_money))
    };
    sheet
        .headers
        .iter()
        .enumerate()
        .map(|(c, key)| {
            let h = lang.label(key);
            if is_money(c) {
                format!("{h}, {unit_label}")
            } else {
                h.to_string()
            }
        })
        .collect()
}

/// The Excel number format of a figure with `decimals` decimals.
fn figure_format(decimals: u32) -> String {
    if decimals == 0 {
        "#,##0".to_string()
    } else {
        format!("#,##0.{}", "0".repeat(decimals as usize))
    }
}

fn write_sheet(
    ws: &mut Worksheet,
    sheet: &Sheet,
    titles: &[String],
    header: &Format,
    money_fmt: &Format,
) -> Result<(), XlsxError> {
    ws.set_name(&sheet.name)?;
    let mut widths: Vec<usize> = titles.iter().map(|h| h.chars().count().min(30)).collect();
    for (c, h) in titles.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, c as u16, h, header)?;
    }
    let (day_fmt, month_fmt) = date_formats();
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32 + HEADER_ROW + 1;
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            let w = match cell {
                Cell::Text(t) => {
                    ws.write_string(r, col, fit_cell(t).as_ref())?;
                    t.chars().count()
                }
                Cell::Number(value, w) => {
                    match value.decimals() {
                        None => ws.write_number_with_format(r, col, value.to_f64(), money_fmt)?,
                        Some(d) => ws.write_number_with_format(
                            r,
                            col,
                            value.to_f64(),
                            &Format::new().set_num_format(figure_format(d)),
                        )?,
                    };
                    *w
                }
                Cell::Date(day) => {
                    write_day(ws, (r, col), *day, &day_fmt)?;
                    10
                }
                Cell::Month(m) => {
                    let first = crate::model::period::first_day(*m);
                    write_day(ws, (r, col), first, &month_fmt)?;
                    7
                }
                Cell::Empty => 0,
            };
            if let Some(slot) = widths.get_mut(c) {
                *slot = (*slot).max(w.min(60));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 + 2.0).max(6.0))?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
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

//! Excel workbooks for the controllers: one sheet per table of the report, numbers as
//! numbers with Swedish-looking formats (the value is the exact amount in kronor; the format
//! shows it in the report's unit), frozen headers, fitted columns, and a sheet with the
//! accumulated series behind the charts. A pack's workbook stacks its units' rows.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::error::RenderError;
use crate::model::money::MoneyUnit;
use crate::present::{Exact, Lang, Num, ReportView};

pub(crate) mod sheets;
pub(crate) mod transactions;

/// A cell of a sheet.
pub(crate) enum Cell {
    Text(String),
    /// A number with the width of its text as the report shows it.
    Number(Exact, usize),
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

    /// Adds a row; every row of a sheet has the same columns.
    fn push(&mut self, row: Row) {
        let (headers, cells): (Vec<_>, Vec<_>) = row.0.into_iter().unzip();
        debug_assert!(self.rows.is_empty() || self.headers == headers);
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
        write_sheet(wb.add_worksheet(), &sheet, &titles, &header, &money_fmt)?;
    }
    let csv = match ledger {
        Some(l) => transactions::add_sheet(&mut wb, l, lang, &header, transactions::SHEET_ROWS)?,
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
        ws.write_string_with_format(0, c as u16, h, header)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32 + 1;
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

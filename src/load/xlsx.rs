//! Excel workbooks: the sheet named after the table, or the first sheet.

use calamine::{Data, Reader, open_workbook_auto};

use super::guard::Refusal;
use super::layout::Layout;
use super::spec::TableSpec;
use super::table::{Cell, Table, TableBuilder};
use crate::clock::civil_from_days;
use crate::diag::Findings;
use crate::model::money::DecimalMark;

pub(crate) fn read(
    spec: TableSpec,
    file: &str,
    path: &std::path::Path,
    bytes: &[u8],
    sha256: String,
    shape: &Layout,
    findings: &mut Findings,
) -> Option<Table> {
    // Bounded first: the reader allocates for what the workbook claims, beyond any panic guard.
    if let Err(refusal) =
        super::xlsx_bounds::check(std::io::Cursor::new(bytes), super::xlsx_bounds::LIMITS)
    {
        let message = match refusal {
            Refusal::Claims(e) => format!("the workbook is not read: {e}"),
            Refusal::Unreadable(e) => format!("the file cannot be read as an Excel workbook: {e}"),
        };
        findings.error(file, None, None, message);
        return None;
    }
    let mut wb = match open_workbook_auto(path) {
        Ok(wb) => wb,
        Err(e) => {
            findings.error(
                file,
                None,
                None,
                format!("the file cannot be read as an Excel workbook: {e}"),
            );
            return None;
        }
    };
    let names = wb.sheet_names();
    let wanted = shape.sheet.as_deref().map(str::trim);
    let sheet = match wanted {
        Some(w) => names.iter().find(|n| n.trim().eq_ignore_ascii_case(w)),
        None => names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(spec.name))
            .or(names.first()),
    };
    let Some(sheet) = sheet.cloned() else {
        let listed: Vec<String> = names.iter().map(|n| crate::diag::quoted(n)).collect();
        let message = match wanted {
            Some(w) => format!(
                "the workbook has no sheet {} ({}.sheet; its sheets: {})",
                crate::diag::quoted(w),
                shape.key,
                listed.join(", ")
            ),
            None => "the workbook has no sheets".to_string(),
        };
        findings.error(file, None, None, message);
        return None;
    };
    let range = match wb.worksheet_range(&sheet) {
        Ok(r) => r,
        Err(e) => {
            findings.error(
                file,
                None,
                None,
                format!("sheet \"{sheet}\" cannot be read: {e}"),
            );
            return None;
        }
    };
    let first_row = range.start().map(|(r, _)| r as u64).unwrap_or(0);
    let first_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    let mut builder: Option<TableBuilder> = None;
    let mut texts: Vec<String> = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let line = first_row + i as u64 + 1;
        // Cells left of the used range are empty; keep column positions as in the sheet.
        texts.clear();
        for c in row {
            texts.push(match c {
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Bool(b) => b.to_string(),
                Data::Error(e) => format!("#{e:?}"),
                _ => String::new(),
            });
        }
        let mut cells: Vec<Cell<'_>> = vec![Cell::Empty; first_col];
        for (c, t) in row.iter().zip(&texts) {
            cells.push(match c {
                Data::Empty => Cell::Empty,
                Data::Int(v) => Cell::Int(*v),
                Data::Float(v) => Cell::Float(*v),
                Data::DateTime(dt) => {
                    let serial = dt.as_f64().floor() as i32;
                    // Excel's day 0 is 1899-12-30 (counting its 1900 leap-year bug).
                    let (y, m, d) = civil_from_days(serial - 25_569);
                    Cell::Date(y, m, d)
                }
                _ => Cell::Text(t.as_str()),
            });
        }
        match &mut builder {
            None => {
                if line <= shape.skip_rows || cells.iter().all(|c| matches!(c, Cell::Empty)) {
                    continue;
                }
                let header: Vec<String> = cells
                    .iter()
                    .map(|c| match c {
                        Cell::Text(t) => t.to_string(),
                        Cell::Int(i) => i.to_string(),
                        Cell::Float(f) => f.to_string(),
                        _ => String::new(),
                    })
                    .collect();
                builder = Some(TableBuilder::new(
                    spec,
                    file,
                    &header,
                    DecimalMark::Comma,
                    line,
                    shape,
                    findings,
                )?);
            }
            Some(b) => b.push(line, &cells),
        }
    }
    match builder {
        Some(b) => Some(b.finish(sha256, findings)),
        None => {
            findings.error(
                file,
                None,
                None,
                format!("sheet \"{sheet}\" is empty (expected a header row and rows)"),
            );
            None
        }
    }
}

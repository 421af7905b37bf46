//! Excel workbooks: the sheet named after the table, or the first sheet.

use calamine::{Data, Reader, open_workbook_auto};

use super::spec::TableSpec;
use super::table::{Cell, Table, TableBuilder};
use crate::clock::civil_from_days;
use crate::diag::Findings;
use crate::model::money::DecimalMark;

/// The most cells a sheet may span (first to last used cell), and Excel's own limits.
const MAX_CELLS: u64 = 20_000_000;
const MAX_ROW: u64 = 1_048_576;
const MAX_COLUMN: u64 = 16_384;

/// A cell reference's column (1-based) and row, e.g. `XFD1048576` → (16384, 1048576); the
/// column saturates rather than overflow, so a reference past Excel's last is still seen.
fn cell_ref(text: &[u8]) -> Option<(u64, u64)> {
    let letters = text.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let digits = &text[letters..];
    if letters == 0 || digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let column = text[..letters].iter().fold(0u64, |n, c| {
        n.saturating_mul(26).saturating_add(u64::from(c - b'A' + 1))
    });
    let row = digits.iter().fold(0u64, |n, c| {
        n.saturating_mul(10).saturating_add(u64::from(c - b'0'))
    });
    Some((column, row))
}

/// The column letters of a 1-based column number.
fn column_letters(mut n: u64) -> String {
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Scans each sheet of an `.xlsx` (streaming, nothing kept) for the cells it uses, and the
/// shared-strings part for the count it claims; refuses a workbook whose cells lie past
/// Excel's last row or column, span more than [`MAX_CELLS`], or that claims more shared
/// strings than its part could hold.
fn check_extent(path: &std::path::Path) -> Result<(), String> {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return Ok(()); // the reader says why
    };
    let Ok(mut zip) = zip::ZipArchive::new(file) else {
        return Ok(());
    };
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else {
            continue;
        };
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        if name == "xl/sharedStrings.xml" {
            let size = entry.size();
            let mut head = [0u8; 1024];
            let n = entry.read(&mut head).unwrap_or(0);
            let head = &head[..n];
            for key in [&b" uniqueCount=\""[..], &b" count=\""[..]] {
                let claimed = head
                    .windows(key.len())
                    .position(|w| w == key)
                    .map(|at| &head[at + key.len()..])
                    .map(|rest| {
                        rest.iter()
                            .take_while(|c| c.is_ascii_digit())
                            .fold(0u64, |n, c| {
                                n.saturating_mul(10).saturating_add(u64::from(c - b'0'))
                            })
                    });
                if let Some(c) = claimed
                    && c > size / 7 + 1
                {
                    return Err(format!(
                        "the workbook claims {c} shared strings in a part of {size} bytes, which cannot hold them (the file is damaged or made to exhaust memory)"
                    ));
                }
            }
            continue;
        }
        if !(name.starts_with("xl/worksheets/") && name.ends_with(".xml")) {
            continue;
        }
        let (mut min, mut max) = ((u64::MAX, u64::MAX), (0u64, 0u64));
        let mut buf = vec![0u8; 1 << 16];
        let mut carry: Vec<u8> = Vec::new();
        loop {
            let n = match entry.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            carry.extend_from_slice(&buf[..n]);
            // Cell references: ` r="A1"` inside `<c …>`; row numbers (` r="12"`) are left to
            // the cells they hold.
            let mut at = 0;
            while let Some(p) = carry[at..].windows(4).position(|w| w == b" r=\"") {
                let start = at + p + 4;
                let Some(len) = carry[start..].iter().position(|&c| c == b'"') else {
                    break;
                };
                if let Some((col, row)) = cell_ref(&carry[start..start + len]) {
                    if col > MAX_COLUMN || row > MAX_ROW {
                        return Err(format!(
                            "sheet {name}: cell {} lies past Excel's last cell XFD1048576 (expected a workbook saved by a spreadsheet program)",
                            String::from_utf8_lossy(&carry[start..start + len.min(40)])
                        ));
                    }
                    min = (min.0.min(col), min.1.min(row));
                    max = (max.0.max(col), max.1.max(row));
                }
                at = start + len;
            }
            // Keep an unfinished reference for the next block.
            let keep = carry.len().saturating_sub(64).max(at);
            carry.drain(..keep);
        }
        if max.0 > 0 {
            let cells = (max.0 - min.0 + 1) * (max.1 - min.1 + 1);
            if cells > MAX_CELLS {
                return Err(format!(
                    "sheet {name}: its cells span {}{}:{}{} ({cells} cells); uppfolj reads sheets of up to {MAX_CELLS} cells (expected a table without cells far away from it)",
                    column_letters(min.0),
                    min.1,
                    column_letters(max.0),
                    max.1
                ));
            }
        }
    }
    Ok(())
}

pub(crate) fn read(
    spec: TableSpec,
    file: &str,
    path: &std::path::Path,
    sha256: String,
    findings: &mut Findings,
) -> Option<Table> {
    // What the workbook claims is bounded before the reader allocates for it: a reader that
    // runs out of memory aborts the process, which no boundary can catch.
    if let Err(why) = check_extent(path) {
        findings.error(file, None, None, why);
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
    let Some(sheet) = names
        .iter()
        .find(|n| n.trim().eq_ignore_ascii_case(spec.name))
        .or(names.first())
        .cloned()
    else {
        findings.error(file, None, None, "the workbook has no sheets");
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
                if cells.iter().all(|c| matches!(c, Cell::Empty)) {
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

//! CSV as Swedish Excel and ledger systems write it: the separator (`;`, TAB or `,`) detected
//! from the header line, UTF-8 with or without BOM or Windows-1252, decimal comma.

use std::borrow::Cow;

use super::spec::TableSpec;
use super::table::{Cell, Table, TableBuilder};
use crate::diag::Findings;
use crate::model::money::DecimalMark;

/// Decodes the bytes: UTF-8 (BOM removed), or Windows-1252 when they are not valid UTF-8.
pub(crate) fn decode<'a>(bytes: &'a [u8], file: &str, findings: &mut Findings) -> Cow<'a, str> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            findings.note(file, "not valid UTF-8; read as Windows-1252");
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            text
        }
    }
}

/// The separator that occurs most often outside quotes in the first line (`;`, TAB, `,`).
pub(crate) fn detect_separator(first_line: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in first_line.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => counts[0] += 1,
            '\t' if !quoted => counts[1] += 1,
            ',' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let seps = [b';', b'\t', b','];
    let mut best = 0;
    for i in 1..3 {
        if counts[i] > counts[best] {
            best = i;
        }
    }
    seps[best]
}

/// Reads a CSV file into a typed table.
pub(crate) fn read(
    spec: TableSpec,
    file: &str,
    bytes: &[u8],
    sha256: String,
    findings: &mut Findings,
) -> Option<Table> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        findings.error(
            file,
            None,
            None,
            "the file is empty (expected a header line and rows)",
        );
        return None;
    }
    let text = decode(bytes, file, findings);
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let sep = detect_separator(first_line);
    let mark = if sep == b',' {
        DecimalMark::Point
    } else {
        DecimalMark::Comma
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut builder: Option<TableBuilder> = None;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let row = e.position().map(|p| p.line()).unwrap_or(0);
                findings.error(
                    file,
                    Some(row),
                    None,
                    format!("the file cannot be read as CSV: {e}"),
                );
                return None;
            }
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        match &mut builder {
            None => {
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let header: Vec<String> = record.iter().map(str::to_string).collect();
                match TableBuilder::new(spec, file, &header, mark, line, findings) {
                    Some(b) => builder = Some(b),
                    None => return None,
                }
            }
            Some(b) => {
                let cells: Vec<Cell<'_>> = record
                    .iter()
                    .map(|f| {
                        if f.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(f)
                        }
                    })
                    .collect();
                b.push(line, &cells);
            }
        }
    }
    builder.map(|b| b.finish(sha256, findings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        assert_eq!(detect_separator("period;unit;account;actual;budget"), b';');
        assert_eq!(detect_separator("period\tunit\taccount"), b'\t');
        assert_eq!(detect_separator("period,unit,account"), b',');
        assert_eq!(detect_separator("\"a;b\",c,d"), b',');
    }

    #[test]
    fn windows_1252_is_detected() {
        let mut f = Findings::default();
        let text = decode(b"unit;name\n1;H\xe4lsocentral \xd6stra\n", "x.csv", &mut f);
        assert!(text.contains("Hälsocentral Östra"));
        assert_eq!(
            f.items[0].to_string(),
            "note: x.csv: not valid UTF-8; read as Windows-1252"
        );
    }
}

//! CSV as Swedish Excel and ledger systems write it: the separator (`;`, TAB or `,`) detected
//! from the header line, UTF-8 with or without BOM or Windows-1252, decimal comma.

use std::borrow::Cow;

use super::layout::Layout;
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
    shape: &Layout,
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
    // The header is the first line with text below the lines the config skips.
    let skip = usize::try_from(shape.skip_rows).unwrap_or(usize::MAX);
    let first_line = text
        .lines()
        .skip(skip)
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
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
    let mut lines = LineCounter::new(text.as_bytes());
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let row = e.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
                findings.error(
                    file,
                    Some(row),
                    None,
                    format!("the file cannot be read as CSV: {e}"),
                );
                return None;
            }
        }
        let line = record
            .position()
            .map(|p| lines.line_at(p.byte()))
            .unwrap_or(0);
        match &mut builder {
            None => {
                if line <= shape.skip_rows || record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let header: Vec<String> = record.iter().map(str::to_string).collect();
                match TableBuilder::new(spec, file, &header, mark, line, shape, findings) {
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

/// Line numbers of byte offsets, counting `\r\n`, `\r` and `\n` each as one line end.
///
/// The CSV reader's own line count only counts `\n`, and it takes a record's position before
/// the previous record's line end is consumed: in CRLF files every record would be one line too
/// low, and in CR-only files every record would be on line 1.
struct LineCounter<'a> {
    text: &'a [u8],
    /// Bytes before `at` are counted; `line` is the line that byte `at` is on.
    at: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> LineCounter<'a> {
        LineCounter {
            text,
            at: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `byte` that is not a line end: a record's
    /// position may point at the line end that closes the record before it, and at blank lines,
    /// which the CSV reader skips. Offsets must not decrease from one call to the next.
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut target = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while target < self.text.len() && matches!(self.text[target], b'\r' | b'\n') {
            target += 1;
        }
        while self.at < target {
            match self.text[self.at] {
                b'\n' => self.line += 1,
                b'\r' if self.text.get(self.at + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
            self.at += 1;
        }
        self.line
    }
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

    /// The line of every record, for each kind of line end and with blank lines between.
    #[test]
    fn record_lines_for_every_line_end() {
        for end in ["\n", "\r\n", "\r"] {
            let text = ["a;b", "1;2", "", "3;4", "\"5", "x\";6"].join(end) + end;
            let mut reader = csv::ReaderBuilder::new()
                .delimiter(b';')
                .has_headers(false)
                .from_reader(text.as_bytes());
            let mut lines = LineCounter::new(text.as_bytes());
            let found: Vec<u64> = reader
                .records()
                .map(|r| lines.line_at(r.unwrap().position().unwrap().byte()))
                .collect();
            assert_eq!(found, vec![1, 2, 4, 5], "{end:?}");
        }
    }

    /// Random bodies of quotes, separators, line ends, digits and multi-byte characters after
    /// a valid header: never a panic, and every row number within the file's lines.
    #[test]
    fn any_body_is_read_without_panic() {
        let alphabet: [&[u8]; 10] = [
            b";",
            b"\"",
            b"\r",
            b"\n",
            b"\r\n",
            b"1",
            b",",
            b"2020-01",
            "é".as_bytes(),
            b"\xff",
        ];
        let mut seed: u64 = 16;
        for _ in 0..5_000 {
            let mut bytes = b"period;unit;account;actual;budget\n".to_vec();
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let mut state = seed;
            for _ in 0..(seed >> 58) {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                bytes.extend_from_slice(alphabet[(state >> 60) as usize % alphabet.len()]);
            }
            let lines = bytes.split(|&b| b == b'\n' || b == b'\r').count() as u64;
            let mut findings = Findings::default();
            let spec = super::super::spec::LEDGER;
            let table = read(
                spec,
                "x.csv",
                &bytes,
                String::new(),
                &Layout::PLAIN,
                &mut findings,
            );
            let rows = table.map(|t| t.rows).unwrap_or_default();
            let noted = findings.items.iter().filter_map(|f| f.row);
            for row in rows.into_iter().chain(noted) {
                assert!(
                    (1..=lines).contains(&row),
                    "row {row} of {lines}: {bytes:?}"
                );
            }
        }
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

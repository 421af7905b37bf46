//! What an Excel workbook may claim, checked before the workbook reader allocates for it.
//!
//! The reader reserves room for as many shared strings as the workbook says it has and lays a
//! sheet out as a full grid from its first to its last cell, so a crafted workbook of a few KB
//! could make it ask for more memory than there is (an abort no panic guard catches). Here the
//! zip is walked part by part, each unpacked at most to a bound, and its XML streamed: the
//! shared-strings count, each sheet's stated dimension and every cell reference must stay
//! within Excel's grid and the bounds below.

use std::io::{Read, Seek};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::files::size_text;
use super::guard::Refusal::{self, Claims, Unreadable};

/// Excel's last column (XFD).
pub(crate) const MAX_COLUMNS: u64 = 16_384;
/// Excel's last row.
pub(crate) const MAX_ROWS: u64 = 1_048_576;
/// The most cells a sheet may span (its stated dimension, or first to last cell), and the most
/// shared strings a workbook may hold.
pub(crate) const MAX_CELLS: u64 = 5_000_000;
/// The fewest bytes a shared string takes in its part (`<si/>`).
const MIN_STRING_BYTES: u64 = 5;

/// How much a workbook's parts may unpack to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Bytes one part may unpack to.
    pub part: u64,
    /// Bytes all parts may unpack to together.
    pub total: u64,
}

/// The bounds the README states: 1 GiB a part, 2 GiB in all.
pub(crate) const LIMITS: Limits = Limits {
    part: 1 << 30,
    total: 2 << 30,
};

/// `Err` with what the workbook claims beyond a bound, or with where it stops being a
/// workbook: a file that is no zip, or a part that cannot be unpacked or is not XML, is
/// refused too (fails closed), never handed to the workbook reader unchecked.
pub(crate) fn check<R: Read + Seek>(source: R, limits: Limits) -> Result<(), Refusal> {
    let mut zip = zip::ZipArchive::new(source).map_err(|e| {
        Unreadable(format!(
            "it is not a zip archive, as an .xlsx workbook is ({e})"
        ))
    })?;
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip
            .by_index(i)
            .map_err(|e| Unreadable(format!("part {} cannot be unpacked ({e})", i + 1)))?;
        if part.is_dir() {
            continue;
        }
        let name = part.name().map(|n| n.to_string()).unwrap_or_default();
        let shown = crate::diag::cut(&name);
        let left = limits.part.min(limits.total - total);
        let too_large = || {
            Claims(format!(
                "{shown} unpacks to more than {} (expected at most {} a part and {} in all)",
                size_text(left),
                size_text(limits.part),
                size_text(limits.total)
            ))
        };
        if part.size() > left {
            return Err(Claims(format!(
                "{shown} declares {} bytes unpacked (expected at most {} a part and {} in all)",
                group(part.size()),
                size_text(limits.part),
                size_text(limits.total)
            )));
        }
        let mut reader = Bounded {
            inner: part,
            left,
            over: false,
        };
        let lower = name.to_ascii_lowercase();
        let scanned = if lower.ends_with("sharedstrings.xml") {
            shared_strings(&mut reader, &shown)
        } else if lower.ends_with(".xml") {
            sheet(&mut reader, &shown)
        } else {
            std::io::copy(&mut reader, &mut std::io::sink())
                .map(|_| ())
                .map_err(|e| Unreadable(format!("{shown} cannot be unpacked: {e}")))
        };
        if reader.over {
            return Err(too_large());
        }
        scanned?;
        total += left - reader.left;
    }
    Ok(())
}

/// A part's reader that ends after `left` bytes and says whether there was more.
struct Bounded<R> {
    inner: R,
    left: u64,
    over: bool,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? > 0 {
                self.over = true;
            }
            return Ok(0);
        }
        let max = buf
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..max])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// A streaming XML reader configured as the workbook reader's, so that both see the same events.
fn xml<R: Read>(source: R) -> Reader<std::io::BufReader<R>> {
    let mut r = Reader::from_reader(std::io::BufReader::new(source));
    let config = r.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    r
}

/// The value of attribute `name` (its local name) of an element.
fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value.into_owned())
}

/// The shared-strings part: the strings it claims (`uniqueCount`, for which the reader reserves
/// room) must fit in its bytes and the bound, and so must the strings it holds.
fn shared_strings<R: Read>(source: &mut Bounded<R>, shown: &str) -> Result<(), Refusal> {
    let start = source.left;
    let mut claimed: Option<u64> = None;
    let mut held = 0u64;
    {
        let mut r = xml(&mut *source);
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match r.read_event_into(&mut buf) {
                Ok(Event::Start(e)) => match e.local_name().as_ref() {
                    "sst" => claimed = attr(&e, "uniqueCount").and_then(|v| number(&v)),
                    "si" => {
                        held += 1;
                        if held > MAX_CELLS {
                            return Err(Claims(format!(
                                "{shown} holds more than {} strings (expected at most {} shared strings)",
                                group(MAX_CELLS),
                                group(MAX_CELLS)
                            )));
                        }
                    }
                    _ => {}
                },
                Ok(Event::Eof) => break,
                Err(e) => return Err(Unreadable(format!("{shown} is not well-formed XML: {e}"))),
                _ => {}
            }
        }
    }
    let size = start - source.left;
    if let Some(n) = claimed
        && (n > MAX_CELLS || n.saturating_mul(MIN_STRING_BYTES) > size)
    {
        return Err(Claims(format!(
            "{shown} claims {} strings in {} bytes (expected at most {} shared strings, each taking at least {MIN_STRING_BYTES} bytes)",
            group(n),
            group(size),
            group(MAX_CELLS)
        )));
    }
    Ok(())
}

/// A sheet part (or any other XML part, which has no sheet data): the stated dimension and every
/// row and cell reference within Excel's grid, the cells with content spanning at most
/// [`MAX_CELLS`]. Positions without a reference follow the previous one, as the reader counts.
fn sheet<R: Read>(source: &mut Bounded<R>, shown: &str) -> Result<(), Refusal> {
    let mut r = xml(source);
    let mut buf = Vec::new();
    let (mut row, mut col) = (0u64, 0u64);
    // The cell being read, and whether it has content.
    let mut cell: Option<((u64, u64), bool)> = None;
    let mut cells = 0u64;
    // First and last row and column of the cells with content.
    let mut span: Option<(u64, u64, u64, u64)> = None;
    loop {
        buf.clear();
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "dimension" => {
                    if let Some(range) = attr(&e, "ref") {
                        dimension(&range, shown)?;
                    }
                }
                "row" if cell.is_none() => {
                    if let Some(v) = attr(&e, "r")
                        && let Some(n) = number(&v)
                    {
                        if n > MAX_ROWS {
                            return Err(past_row(shown, &format!("row {}", crate::diag::cut(&v))));
                        }
                        row = n.saturating_sub(1);
                    }
                }
                "c" if cell.is_none() => {
                    let pos = match attr(&e, "r") {
                        Some(v) => match reference(&v) {
                            Some(p) => {
                                within(p, &v, shown)?;
                                p
                            }
                            None => (row, col),
                        },
                        None => (row, col),
                    };
                    if pos.0 >= MAX_ROWS || pos.1 >= MAX_COLUMNS {
                        let at = name(pos);
                        within(pos, &at, shown)?;
                    }
                    col = pos.1 + 1;
                    cell = Some((pos, false));
                }
                _ => {
                    if let Some((_, content)) = &mut cell {
                        *content = true;
                    }
                }
            },
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "c" => {
                    if let Some(((r0, c0), true)) = cell {
                        cells += 1;
                        let s = span.get_or_insert((r0, r0, c0, c0));
                        *s = (s.0.min(r0), s.1.max(r0), s.2.min(c0), s.3.max(c0));
                        let area = (s.1 - s.0 + 1) * (s.3 - s.2 + 1);
                        if area > MAX_CELLS {
                            return Err(Claims(format!(
                                "{shown} has cells from {} to {}, a grid of {} cells (expected at most {} cells in a sheet)",
                                name((s.0, s.2)),
                                name((s.1, s.3)),
                                group(area),
                                group(MAX_CELLS)
                            )));
                        }
                        if cells > MAX_CELLS {
                            return Err(Claims(format!(
                                "{shown} has more than {} cells (expected at most {} cells in a sheet)",
                                group(MAX_CELLS),
                                group(MAX_CELLS)
                            )));
                        }
                    }
                    cell = None;
                }
                "row" if cell.is_none() => {
                    row += 1;
                    col = 0;
                }
                _ => {}
            },
            Ok(Event::Eof) => return Ok(()),
            Err(e) => return Err(Unreadable(format!("{shown} is not well-formed XML: {e}"))),
            _ => {}
        }
    }
}

/// A stated dimension (`A1:F200`): within the grid, and spanning at most [`MAX_CELLS`].
fn dimension(range: &str, shown: &str) -> Result<(), Refusal> {
    let mut corners = Vec::new();
    for part in range.split(':') {
        let Some(p) = reference(part) else {
            return Err(Unreadable(format!(
                "{shown} states the dimension {}, which is not a cell range (expected e.g. A1:F200)",
                crate::diag::cut(range)
            )));
        };
        within(p, part, shown)?;
        corners.push(p);
    }
    if let [a, b] = corners[..] {
        let area = (a.0.abs_diff(b.0) + 1) * (a.1.abs_diff(b.1) + 1);
        if area > MAX_CELLS {
            return Err(Claims(format!(
                "{shown} states the dimension {}, {} cells (expected at most {} cells in a sheet)",
                crate::diag::cut(range),
                group(area),
                group(MAX_CELLS)
            )));
        }
    }
    Ok(())
}

/// `Err` when a position (row, column, from 0) lies past Excel's last row or column.
fn within(pos: (u64, u64), text: &str, shown: &str) -> Result<(), Refusal> {
    let at = format!("a cell at {}", crate::diag::cut(text));
    if pos.1 >= MAX_COLUMNS {
        return Err(Claims(format!(
            "{shown} has {at}, past Excel's last column XFD (expected columns A to XFD and rows 1 to {})",
            group(MAX_ROWS)
        )));
    }
    if pos.0 >= MAX_ROWS {
        return Err(past_row(shown, &at));
    }
    Ok(())
}

fn past_row(shown: &str, at: &str) -> Refusal {
    Claims(format!(
        "{shown} has {at}, past Excel's last row {} (expected columns A to XFD and rows 1 to {})",
        group(MAX_ROWS),
        group(MAX_ROWS)
    ))
}

/// A cell reference (`B7`, `$B$7`) as (row, column) from 0, saturating far past the grid; `None`
/// when it is not one.
fn reference(text: &str) -> Option<(u64, u64)> {
    let text = text.trim();
    let letters = text.trim_start_matches('$');
    let split = letters
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(letters.len());
    let (cols, rows) = letters.split_at(split);
    let rows = rows.strip_prefix('$').unwrap_or(rows);
    if cols.is_empty() || rows.is_empty() || !rows.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let col = cols.bytes().fold(0u64, |n, b| {
        n.saturating_mul(26)
            .saturating_add(u64::from(b.to_ascii_uppercase() - b'A') + 1)
    });
    let row = number(rows)?;
    Some((row.checked_sub(1)?, col - 1))
}

/// A count of digits, saturating; `None` when it is not one.
fn number(text: &str) -> Option<u64> {
    let text = text.trim();
    let text = text.strip_prefix('+').unwrap_or(text);
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(text.bytes().fold(0u64, |n, b| {
        n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
    }))
}

/// A position (row, column, from 0) as a reference: `XFD1048576`.
fn name((row, col): (u64, u64)) -> String {
    let mut letters = Vec::new();
    let mut n = col.saturating_add(1);
    while n > 0 {
        let d = (n - 1) % 26;
        letters.push(b'A' + d as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        String::from_utf8_lossy(&letters),
        row.saturating_add(1)
    )
}

/// A count with spaces between thousands: `5 000 000`.
fn group(n: u64) -> String {
    crate::model::money::grouped(i128::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references() {
        assert_eq!(reference("A1"), Some((0, 0)));
        assert_eq!(reference("$XFD$1048576"), Some((1_048_575, 16_383)));
        assert_eq!(reference("ZZZZZ1"), Some((0, 12_356_629)));
        assert_eq!(reference("A0"), None);
        assert_eq!(reference("12"), None);
        assert_eq!(name((1_048_575, 16_383)), "XFD1048576");
        assert_eq!(name((0, 26)), "AA1");
        assert_eq!(group(17_179_869_184), "17 179 869 184");
        assert_eq!(group(100), "100");
    }

    #[test]
    fn a_part_ends_at_its_bound() {
        let mut r = Bounded {
            inner: &b"0123456789"[..],
            left: 4,
            over: false,
        };
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!((out.as_slice(), r.over), (&b"0123"[..], true));
        let mut r = Bounded {
            inner: &b"0123"[..],
            left: 4,
            over: false,
        };
        out.clear();
        r.read_to_end(&mut out).unwrap();
        assert_eq!((out.as_slice(), r.over), (&b"0123"[..], false));
    }
}

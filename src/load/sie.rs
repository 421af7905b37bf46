//! Reader for SIE files (SIE 4, and the same records in SIE 1–3): period balances
//! (`#PSALDO`, `#PBUDGET`), vouchers (`#VER` with `#TRANS`), and the names and year
//! ranges around them. Every problem becomes a finding; nothing in the input can make
//! this module panic.
//!
//! # Rules
//!
//! **Sign.** SIE amounts are debit-positive. [`PeriodRow::actual`], [`PeriodRow::budget`]
//! and [`TransRow::amount`] are in result sign (revenue positive, costs negative): the
//! file's amount negated exactly once, here. [`SieFile::results`] keep the file's sign.
//!
//! **Encoding**, decided by content:
//! 0. a UTF-16 byte order mark → UTF-16;
//! 1. valid UTF-8 with non-ASCII bytes → UTF-8 (even when `#FORMAT PC8` is declared; the
//!    count of U+FFFD replacement characters, i.e. letters lost before the export, is
//!    reported);
//! 2. otherwise the bytes typical of Swedish letters decide: CP437 (å 0x86, ä 0x84,
//!    ö 0x94, Å 0x8F, Ä 0x8E, Ö 0x99, é 0x82, ü 0x81) against Windows-1252/Latin-1
//!    (å 0xE5, ä 0xE4, ö 0xF6, Å 0xC5, Ä 0xC4, Ö 0xD6, é 0xE9, ü 0xFC); the larger
//!    count wins, and on a tie `#FORMAT PC8` means CP437, else Windows-1252.
//!
//! CP437 text with box-drawing characters gets a note: those are usually Latin-1 letters
//! typed into a PC8 file.
//!
//! **Lines.** Fields are separated by spaces or tabs; `"…"` quotes a field and `\"` inside
//! quotes is a quote (any other backslash is kept as it is). `{…}` is an object list of
//! `dimension object` pairs, quoted or not, with any spacing (`{}`, `{ }`, `{1 AO}`,
//! `{"1" "100" 6 "P1"}`). A `{` or `}` alone on a line opens or closes a `#VER` block.
//!
//! **Units.** The unit of a row is its object in the chosen dimension (`dimension`, usually
//! "1", kostnadsställe), or "" when it has none. Sub-dimensions (`#UNDERDIM`) are
//! dimensions of their own here.
//!
//! **Period balances with object lists** (`#PSALDO`, `#PBUDGET`) come in two layouts, and
//! the reader picks one per file:
//! - *Totals* (the SIE standard, e.g. SIE type 3 files): `{}` is the account total and an
//!   object row is a part of it. For each (year, period, account): the `{}` total is used;
//!   each object of the chosen dimension gets its single-object rows, and the remainder
//!   (total − Σ objects) goes to unit "" (only if non-zero). Rows of other dimensions and
//!   rows with several objects are parts of the total and never added. Without a `{}` row
//!   the object rows of the chosen dimension are used (and if there are none, the
//!   single-object rows of the lowest other dimension go to unit ""). Object rows that do
//!   not add up to the `{}` total give one warning per file with the first case.
//! - *Partition* (some exporters, e.g. Avendo's "objektsaldo"): every row is one exact
//!   combination of objects and `{}` is the part booked without objects; the rows add up
//!   to the account total. Each row goes to its object in the chosen dimension, or to "".
//!
//! The layout is the one whose yearly sums per account agree with `#RES` (result
//! accounts) and `#UB` − `#IB` (balance accounts) more often; when that does not decide,
//! a row with several objects whose single-object rows are missing from the same
//! period means *partition*, and otherwise *totals*. A partition reading is noted.
//! Identical object lists on several rows of one (year, period, account) are summed and
//! reported.
//!
//! **Periods and years.** A `#PSALDO` period `YYYYMM` is the calendar month; it is checked
//! against the `#RAR` range of its year index (one warning per record and year). A row
//! outside its year that repeats a row (same record, period, account and object list) of
//! the year that does hold the period is skipped: Avendo writes the year-0 budget once
//! more under year -1 with the same periods, and counting both would double the budget.
//! Other rows outside their year are read as they stand. A `#TRANS` date is its own `transdat`, or
//! else the `#VER` date; its year is the `#RAR` range that holds that date.
//!
//! **Vouchers.** `#TRANS` rows inside `#VER { … }` are read; `#BTRANS` (removed rows) and
//! `#RTRANS` (added rows, which the spec follows with an identical `#TRANS`) are not.
//! A voucher whose `#TRANS` amounts do not sum to zero is reported.
//!
//! **Checks** (warnings): yearly `#PSALDO` sums and yearly `#TRANS` sums against `#RES`
//! for each account and year where both exist; `#PSALDO` against the `#TRANS` of the same
//! month when a file has both; periods outside their `#RAR` year. Unknown records get one
//! note per label. Repeated warnings of one kind stop after ten, with a count of the rest.
//!
//! **Amounts** are read as exact öre: `-1234.50`, `1234`, `1234.5`; a decimal point only,
//! at most two decimals unless the extra digits are zeros.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::diag::Findings;

/// A calendar day: (year, month, day).
pub(crate) type Date = (i32, u32, u32);

/// What one SIE file holds, as read by [`parse`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SieFile {
    /// SIE type and the text encoding used to read the file, e.g.
    /// "SIE type 3; code page 437 (#FORMAT PC8)".
    pub format_note: Option<String>,
    /// `#FNAMN`.
    pub company: Option<String>,
    /// `#RAR`: year index (0 = current, -1 = previous, …), first day and last day.
    pub years: Vec<(i32, Date, Date)>,
    /// `#KONTO`: account code and name, in file order.
    pub accounts: Vec<(String, String)>,
    /// `#DIM` and `#UNDERDIM`: dimension number and name, in file order.
    pub dimensions: Vec<(String, String)>,
    /// `#OBJEKT`: dimension number, object code and name, in file order.
    pub objects: Vec<(String, String, String)>,
    /// `#PSALDO` (actual) and `#PBUDGET` (budget), one row per (month, unit, account),
    /// sorted by month, unit and account. See the module documentation for how object
    /// rows and `{}` totals are combined.
    pub balances: Vec<PeriodRow>,
    /// `#TRANS` rows of `#VER` blocks, in file order.
    pub transactions: Vec<TransRow>,
    /// `#RES`: year index, account and amount in öre, **in the file's sign** (debit
    /// positive), in file order.
    pub results: Vec<(i32, String, i64)>,
}

/// One month of one account for one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PeriodRow {
    /// `year * 12 + (month - 1)`.
    pub month: i32,
    /// The object code in the chosen dimension; "" for the part without such an object.
    pub unit: String,
    pub account: String,
    /// Öre, result sign: the negated sum of the file's `#PSALDO` amounts.
    pub actual: i64,
    /// Öre, result sign: the negated sum of the file's `#PBUDGET` amounts.
    pub budget: i64,
    /// The first line (1-based) that contributed to this row.
    pub line: u64,
}

/// One `#TRANS` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TransRow {
    /// The row's own `transdat`, or else the `#VER` date.
    pub date: Date,
    /// The object code in the chosen dimension, or "".
    pub unit: String,
    pub account: String,
    /// Öre, result sign: the file's amount negated.
    pub amount: i64,
    /// The row's `transtext`, or else the `#VER` text.
    pub text: String,
    /// Line (1-based) of the `#TRANS` row.
    pub line: u64,
}

/// Parses one SIE file. `dimension` is the SIE dimension whose objects are the units
/// (default "1", kostnadsställe). Returns `None` only when the bytes are not an SIE file.
pub(crate) fn parse(
    bytes: &[u8],
    file: &str,
    dimension: &str,
    findings: &mut Findings,
) -> Option<SieFile> {
    let decoded = decode(bytes);
    let lines = split_lines(&decoded.text);
    if !looks_like_sie(&lines) {
        findings.error(
            file,
            None,
            None,
            "not an SIE file (expected lines starting with #FLAGGA/#SIETYP and other SIE records)",
        );
        return None;
    }
    let mut reader = Reader::new(file, dimension, findings);
    for (index, line) in lines.iter().enumerate() {
        reader.line(index as u64 + 1, line);
    }
    let (mut out, sie_type) = reader.finish();
    let encoding = describe_encoding(&decoded, &lines, file, findings);
    out.format_note = Some(match sie_type {
        Some(t) => format!("SIE type {t}; {encoding}"),
        None => encoding,
    });
    Some(out)
}

// ---------------------------------------------------------------------------------------
// Encoding

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Ascii,
    Utf8,
    /// With a byte order mark.
    Utf16,
    Cp437,
    Windows1252,
}

struct Decoded {
    text: String,
    encoding: Encoding,
    declared_pc8: bool,
    /// Swedish-letter byte counts (CP437, Latin-1) for non-UTF-8 input.
    scores: (usize, usize),
}

/// Code page 437, bytes 0x80–0xFF.
const CP437_HIGH: [char; 128] = [
    '\u{00C7}', '\u{00FC}', '\u{00E9}', '\u{00E2}', '\u{00E4}', '\u{00E0}', '\u{00E5}',
    '\u{00E7}', // 0x80
    '\u{00EA}', '\u{00EB}', '\u{00E8}', '\u{00EF}', '\u{00EE}', '\u{00EC}', '\u{00C4}',
    '\u{00C5}', // 0x88
    '\u{00C9}', '\u{00E6}', '\u{00C6}', '\u{00F4}', '\u{00F6}', '\u{00F2}', '\u{00FB}',
    '\u{00F9}', // 0x90
    '\u{00FF}', '\u{00D6}', '\u{00DC}', '\u{00A2}', '\u{00A3}', '\u{00A5}', '\u{20A7}',
    '\u{0192}', // 0x98
    '\u{00E1}', '\u{00ED}', '\u{00F3}', '\u{00FA}', '\u{00F1}', '\u{00D1}', '\u{00AA}',
    '\u{00BA}', // 0xA0
    '\u{00BF}', '\u{2310}', '\u{00AC}', '\u{00BD}', '\u{00BC}', '\u{00A1}', '\u{00AB}',
    '\u{00BB}', // 0xA8
    '\u{2591}', '\u{2592}', '\u{2593}', '\u{2502}', '\u{2524}', '\u{2561}', '\u{2562}',
    '\u{2556}', // 0xB0
    '\u{2555}', '\u{2563}', '\u{2551}', '\u{2557}', '\u{255D}', '\u{255C}', '\u{255B}',
    '\u{2510}', // 0xB8
    '\u{2514}', '\u{2534}', '\u{252C}', '\u{251C}', '\u{2500}', '\u{253C}', '\u{255E}',
    '\u{255F}', // 0xC0
    '\u{255A}', '\u{2554}', '\u{2569}', '\u{2566}', '\u{2560}', '\u{2550}', '\u{256C}',
    '\u{2567}', // 0xC8
    '\u{2568}', '\u{2564}', '\u{2565}', '\u{2559}', '\u{2558}', '\u{2552}', '\u{2553}',
    '\u{256B}', // 0xD0
    '\u{256A}', '\u{2518}', '\u{250C}', '\u{2588}', '\u{2584}', '\u{258C}', '\u{2590}',
    '\u{2580}', // 0xD8
    '\u{03B1}', '\u{00DF}', '\u{0393}', '\u{03C0}', '\u{03A3}', '\u{03C3}', '\u{00B5}',
    '\u{03C4}', // 0xE0
    '\u{03A6}', '\u{0398}', '\u{03A9}', '\u{03B4}', '\u{221E}', '\u{03C6}', '\u{03B5}',
    '\u{2229}', // 0xE8
    '\u{2261}', '\u{00B1}', '\u{2265}', '\u{2264}', '\u{2320}', '\u{2321}', '\u{00F7}',
    '\u{2248}', // 0xF0
    '\u{00B0}', '\u{2219}', '\u{00B7}', '\u{221A}', '\u{207F}', '\u{00B2}', '\u{25A0}',
    '\u{00A0}', // 0xF8
];

fn decode_cp437(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b < 0x80 {
                char::from(b)
            } else {
                CP437_HIGH[usize::from(b - 0x80)]
            }
        })
        .collect()
}

/// Whether a line `#FORMAT PC8` (quoted or not, any case) is present.
fn declares_pc8(bytes: &[u8]) -> bool {
    bytes.split(|&b| b == b'\n' || b == b'\r').any(|line| {
        let line: Vec<u8> = line
            .iter()
            .filter(|b| !matches!(b, b' ' | b'\t' | b'"'))
            .map(u8::to_ascii_uppercase)
            .collect();
        line.starts_with(b"#FORMATPC8")
    })
}

fn decode(bytes: &[u8]) -> Decoded {
    let utf16 = if bytes.starts_with(b"\xFF\xFE") {
        Some(encoding_rs::UTF_16LE)
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    };
    if let Some(encoding) = utf16 {
        let (text, _, _) = encoding.decode(bytes);
        let text = text.into_owned();
        return Decoded {
            declared_pc8: declares_pc8(text.as_bytes()),
            text,
            encoding: Encoding::Utf16,
            scores: (0, 0),
        };
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let declared_pc8 = declares_pc8(bytes);
    if bytes.is_ascii() {
        return Decoded {
            text: String::from_utf8_lossy(bytes).into_owned(),
            encoding: Encoding::Ascii,
            declared_pc8,
            scores: (0, 0),
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Decoded {
            text: text.to_string(),
            encoding: Encoding::Utf8,
            declared_pc8,
            scores: (0, 0),
        };
    }
    let cp437 = bytes
        .iter()
        .filter(|b| matches!(b, 0x86 | 0x84 | 0x94 | 0x8F | 0x8E | 0x99 | 0x82 | 0x81))
        .count();
    let latin = bytes
        .iter()
        .filter(|b| matches!(b, 0xE5 | 0xE4 | 0xF6 | 0xC5 | 0xC4 | 0xD6 | 0xE9 | 0xFC))
        .count();
    let use_cp437 = cp437 > latin || (cp437 == latin && declared_pc8);
    if use_cp437 {
        Decoded {
            text: decode_cp437(bytes),
            encoding: Encoding::Cp437,
            declared_pc8,
            scores: (cp437, latin),
        }
    } else {
        let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
        Decoded {
            text: text.into_owned(),
            encoding: Encoding::Windows1252,
            declared_pc8,
            scores: (cp437, latin),
        }
    }
}

/// The encoding part of [`SieFile::format_note`], and findings about doubtful text.
fn describe_encoding(
    decoded: &Decoded,
    lines: &[&str],
    file: &str,
    findings: &mut Findings,
) -> String {
    let first_line = |pred: &dyn Fn(char) -> bool| {
        lines
            .iter()
            .position(|l| l.chars().any(pred))
            .map_or(0, |i| i as u64 + 1)
    };
    match decoded.encoding {
        Encoding::Ascii => "ASCII only".to_string(),
        Encoding::Utf8 | Encoding::Utf16 => {
            let lost = decoded.text.chars().filter(|&c| c == '\u{FFFD}').count();
            if lost > 0 {
                let line = first_line(&|c| c == '\u{FFFD}');
                findings.warning(
                    file,
                    Some(line),
                    None,
                    format!(
                        "{lost} replacement characters (U+FFFD) in the text: letters were lost \
                         before the file was written, so names may be garbled"
                    ),
                );
            }
            let name = if decoded.encoding == Encoding::Utf8 {
                "UTF-8"
            } else {
                "UTF-16"
            };
            if decoded.declared_pc8 {
                format!("{name} (the file declares #FORMAT PC8, but its content is {name})")
            } else {
                name.to_string()
            }
        }
        Encoding::Cp437 => {
            let is_box = |c: char| ('\u{2500}'..='\u{259F}').contains(&c);
            let boxes = decoded.text.chars().filter(|&c| is_box(c)).count();
            if boxes > 0 {
                let line = first_line(&is_box);
                findings.note(
                    file,
                    format!(
                        "{boxes} character(s) decoded as code page 437 box drawing (first on line \
                         {line}); they may be Windows-1252/Latin-1 letters in a PC8 file"
                    ),
                );
            }
            if decoded.declared_pc8 {
                "code page 437 (#FORMAT PC8)".to_string()
            } else {
                "code page 437 (recognised by its letters; no #FORMAT PC8)".to_string()
            }
        }
        Encoding::Windows1252 => {
            if decoded.declared_pc8 {
                findings.note(
                    file,
                    format!(
                        "the file declares #FORMAT PC8 but its letters are Windows-1252/Latin-1 \
                         bytes ({} against {} typical of code page 437); read as Windows-1252",
                        decoded.scores.1, decoded.scores.0
                    ),
                );
                "Windows-1252 (despite #FORMAT PC8)".to_string()
            } else {
                "Windows-1252".to_string()
            }
        }
    }
}

fn split_lines(text: &str) -> Vec<&str> {
    if text.contains('\n') {
        text.split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect()
    } else {
        text.split('\r').collect()
    }
}

/// Labels of the SIE 4 specification (SIE 1–4).
const KNOWN_LABELS: &[&str] = &[
    "#ADRESS",
    "#BKOD",
    "#BTRANS",
    "#DIM",
    "#ENHET",
    "#FLAGGA",
    "#FNAMN",
    "#FNR",
    "#FORMAT",
    "#FTYP",
    "#GEN",
    "#IB",
    "#KONTO",
    "#KPTYP",
    "#KSUMMA",
    "#KTYP",
    "#OBJEKT",
    "#OIB",
    "#OMFATTN",
    "#ORGNR",
    "#OUB",
    "#PBUDGET",
    "#PROGRAM",
    "#PROSA",
    "#PSALDO",
    "#RAR",
    "#RES",
    "#RTRANS",
    "#SIETYP",
    "#SRU",
    "#TAXAR",
    "#TRANS",
    "#UB",
    "#UNDERDIM",
    "#VALUTA",
    "#VER",
];

fn label_of(line: &str) -> Option<String> {
    let t = line.trim_start();
    if !t.starts_with('#') {
        return None;
    }
    let end = t.find([' ', '\t']).unwrap_or(t.len());
    Some(t[..end].to_ascii_uppercase())
}

fn looks_like_sie(lines: &[&str]) -> bool {
    let labels: Vec<String> = lines.iter().filter_map(|l| label_of(l)).collect();
    if labels.iter().any(|l| l == "#FLAGGA" || l == "#SIETYP") {
        return true;
    }
    let first_is_record = lines
        .iter()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|l| l.trim_start().starts_with('#'));
    first_is_record && labels.iter().any(|l| KNOWN_LABELS.contains(&l.as_str()))
}

// ---------------------------------------------------------------------------------------
// Fields

#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Text(String),
    List(Vec<String>),
    /// A `{` that is not closed on its line: opens a `#VER` block.
    Open,
}

fn read_quoted(it: &mut std::iter::Peekable<std::str::Chars<'_>>) -> (String, bool) {
    let mut s = String::new();
    while let Some(c) = it.next() {
        match c {
            '"' => return (s, true),
            '\\' if it.peek() == Some(&'"') => {
                it.next();
                s.push('"');
            }
            _ => s.push(c),
        }
    }
    (s, false)
}

fn read_bare(it: &mut std::iter::Peekable<std::str::Chars<'_>>, in_list: bool) -> String {
    let mut s = String::new();
    while let Some(&c) = it.peek() {
        if c == ' ' || c == '\t' || (in_list && (c == '}' || c == '"')) {
            break;
        }
        s.push(c);
        it.next();
    }
    s
}

/// Splits a record line into fields. The second value describes a malformed line.
fn tokenize(line: &str) -> (Vec<Field>, Option<&'static str>) {
    let mut out = Vec::new();
    let mut issue = None;
    let mut it = line.chars().peekable();
    loop {
        while matches!(it.peek(), Some(' ' | '\t')) {
            it.next();
        }
        let Some(&c) = it.peek() else { break };
        if c == '{' {
            it.next();
            let mut items = Vec::new();
            let mut closed = false;
            loop {
                while matches!(it.peek(), Some(' ' | '\t')) {
                    it.next();
                }
                match it.peek() {
                    None => break,
                    Some('}') => {
                        it.next();
                        closed = true;
                        break;
                    }
                    Some('"') => {
                        it.next();
                        let (s, ok) = read_quoted(&mut it);
                        if !ok {
                            issue = Some("a quoted field is not closed");
                        }
                        items.push(s);
                    }
                    Some(_) => items.push(read_bare(&mut it, true)),
                }
            }
            if closed {
                out.push(Field::List(items));
            } else if items.is_empty() {
                out.push(Field::Open);
            } else {
                issue = Some("an object list is not closed with }");
                out.push(Field::List(items));
            }
        } else if c == '"' {
            it.next();
            let (s, ok) = read_quoted(&mut it);
            if !ok {
                issue = Some("a quoted field is not closed");
            }
            out.push(Field::Text(s));
        } else {
            out.push(Field::Text(read_bare(&mut it, false)));
        }
    }
    (out, issue)
}

fn text_at(fields: &[Field], i: usize) -> Option<&str> {
    match fields.get(i) {
        Some(Field::Text(s)) => Some(s.as_str()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Values

/// Parses an SIE amount into öre.
fn parse_ore(text: &str) -> Result<i64, String> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if body.contains(',') {
        return Err(format!(
            "unparsable amount \"{text}\" (SIE amounts use a decimal point)"
        ));
    }
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
        return Err(format!("unparsable amount \"{text}\""));
    }
    if frac.len() > 2 && frac.bytes().skip(2).any(|b| b != b'0') {
        return Err(format!(
            "amount \"{text}\" has more than two decimals (öre cannot hold it)"
        ));
    }
    let too_large = || format!("amount \"{text}\" is too large");
    let mut value: i64 = 0;
    for b in int.bytes() {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or_else(too_large)?;
    }
    let mut cents: i64 = 0;
    for i in 0..2 {
        let digit = frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
        cents = cents * 10 + digit;
    }
    value = value
        .checked_mul(100)
        .and_then(|v| v.checked_add(cents))
        .ok_or_else(too_large)?;
    Ok(if negative { -value } else { value })
}

/// Öre as kronor with a decimal point, e.g. `-1234.50`.
fn fmt_ore(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let abs = ore.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYYMMDD`.
fn parse_date(s: &str) -> Option<Date> {
    if s.len() != 8 || !s.is_ascii() {
        return None;
    }
    let year = i32::try_from(number(&s[0..4])?).ok()?;
    let month = number(&s[4..6])?;
    let day = number(&s[6..8])?;
    (day >= 1 && day <= days_in_month(year, month)).then_some((year, month, day))
}

/// `YYYYMM` → month index.
fn parse_period(s: &str) -> Option<i32> {
    if s.len() != 6 || !s.is_ascii() {
        return None;
    }
    let year = i32::try_from(number(&s[0..4])?).ok()?;
    let month = number(&s[4..6])?;
    (1..=12).contains(&month).then(|| month_index(year, month))
}

fn month_index(year: i32, month: u32) -> i32 {
    year * 12 + month as i32 - 1
}

fn fmt_month(index: i32) -> String {
    format!("{:04}{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

fn fmt_date(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.0, d.1, d.2)
}

// ---------------------------------------------------------------------------------------
// Reading records

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Actual,
    Budget,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Kind::Actual => "#PSALDO",
            Kind::Budget => "#PBUDGET",
        }
    }
}

/// One `#PSALDO`/`#PBUDGET` line.
struct RawBalance {
    kind: Kind,
    year: i32,
    month: i32,
    account: String,
    /// (dimension, object), sorted.
    objects: Vec<(String, String)>,
    /// Öre, file sign.
    amount: i64,
    line: u64,
}

/// The fields of one `#TRANS` line; amount in the file's sign, date and text its own.
struct ParsedTrans {
    objects: Vec<(String, String)>,
    account: String,
    amount: i64,
    date: Option<Date>,
    text: String,
}

struct Voucher {
    series: String,
    number: String,
    date: Option<Date>,
    text: String,
    line: u64,
    open: bool,
    sum: i64,
    trans: usize,
    broken: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Error,
    Warning,
}

/// Repeated findings of one kind stop after this many; the rest are counted.
const SHOWN_PER_KIND: usize = 10;

struct Reader<'a> {
    file: &'a str,
    dimension: &'a str,
    findings: &'a mut Findings,
    out: SieFile,
    sie_type: Option<String>,
    raw: Vec<RawBalance>,
    rar: BTreeMap<i32, (Date, Date)>,
    res: BTreeMap<(i32, String), (i64, u64)>,
    ib: HashMap<(i32, String), i64>,
    ub: HashMap<(i32, String), i64>,
    voucher: Option<Voucher>,
    unknown: BTreeMap<String, (usize, u64)>,
    stray: (usize, u64),
    ignored_rtrans: usize,
    ignored_btrans: usize,
    /// Object codes used in the chosen dimension, with the first line.
    used_units: BTreeMap<String, u64>,
    other_dimensions_used: BTreeSet<String>,
    /// kind → (shown, suppressed, level)
    capped: BTreeMap<&'static str, (usize, usize, Level)>,
}

impl<'a> Reader<'a> {
    fn new(file: &'a str, dimension: &'a str, findings: &'a mut Findings) -> Self {
        Reader {
            file,
            dimension,
            findings,
            out: SieFile::default(),
            sie_type: None,
            raw: Vec::new(),
            rar: BTreeMap::new(),
            res: BTreeMap::new(),
            ib: HashMap::new(),
            ub: HashMap::new(),
            voucher: None,
            unknown: BTreeMap::new(),
            stray: (0, 0),
            ignored_rtrans: 0,
            ignored_btrans: 0,
            used_units: BTreeMap::new(),
            other_dimensions_used: BTreeSet::new(),
            capped: BTreeMap::new(),
        }
    }

    /// Reports a finding of a kind that may repeat; after [`SHOWN_PER_KIND`] they are counted.
    fn report(
        &mut self,
        level: Level,
        kind: &'static str,
        row: Option<u64>,
        column: Option<&str>,
        message: String,
    ) {
        let entry = self.capped.entry(kind).or_insert((0, 0, level));
        if entry.0 >= SHOWN_PER_KIND {
            entry.1 += 1;
            return;
        }
        entry.0 += 1;
        match level {
            Level::Error => self.findings.error(self.file, row, column, message),
            Level::Warning => self.findings.warning(self.file, row, column, message),
        }
    }

    fn error(&mut self, row: u64, label: &str, message: String) {
        self.report(
            Level::Error,
            "unreadable value",
            Some(row),
            Some(label),
            message,
        );
    }

    fn line(&mut self, no: u64, raw: &str) {
        let t = raw.trim();
        if t.is_empty() {
            return;
        }
        if t == "{" {
            self.open_block(no);
            return;
        }
        if t == "}" {
            self.close_block(no);
            return;
        }
        if !t.starts_with('#') {
            if self.stray.0 == 0 {
                self.stray.1 = no;
            }
            self.stray.0 += 1;
            return;
        }
        let (fields, issue) = tokenize(t);
        let label = match fields.first() {
            Some(Field::Text(s)) => s.to_ascii_uppercase(),
            _ => return,
        };
        if let Some(issue) = issue {
            self.report(
                Level::Warning,
                "malformed line",
                Some(no),
                Some(&label),
                format!("malformed line: {issue}"),
            );
        }
        let f = &fields[1..];
        match label.as_str() {
            "#SIETYP" => self.sie_type = text_at(f, 0).map(str::to_string),
            "#FNAMN" => self.out.company = text_at(f, 0).map(str::to_string),
            "#RAR" => self.rar_record(no, &label, f),
            "#KONTO" => match text_at(f, 0) {
                Some(code) if !code.is_empty() => {
                    let name = text_at(f, 1).unwrap_or("").to_string();
                    self.out.accounts.push((code.to_string(), name));
                }
                _ => self.error(no, &label, "the account number is missing".into()),
            },
            "#DIM" | "#UNDERDIM" => match text_at(f, 0) {
                Some(dim) if !dim.is_empty() => {
                    let name = text_at(f, 1).unwrap_or("").to_string();
                    self.out.dimensions.push((dim.to_string(), name));
                }
                _ => self.error(no, &label, "the dimension number is missing".into()),
            },
            "#OBJEKT" => match (text_at(f, 0), text_at(f, 1)) {
                (Some(dim), Some(code)) if !dim.is_empty() => {
                    let name = text_at(f, 2).unwrap_or("").to_string();
                    self.out
                        .objects
                        .push((dim.to_string(), code.to_string(), name));
                }
                _ => self.error(no, &label, "the dimension or object code is missing".into()),
            },
            "#PSALDO" => self.balance_record(no, &label, f, Kind::Actual),
            "#PBUDGET" => self.balance_record(no, &label, f, Kind::Budget),
            "#RES" | "#IB" | "#UB" => self.year_amount_record(no, &label, f),
            "#VER" => self.ver_record(no, &label, &fields),
            "#TRANS" => self.trans_record(no, &label, f),
            "#RTRANS" => self.ignored_rtrans += 1,
            "#BTRANS" => self.ignored_btrans += 1,
            other if KNOWN_LABELS.contains(&other) => {}
            other => {
                let entry = self.unknown.entry(other.to_string()).or_insert((0, no));
                entry.0 += 1;
            }
        }
    }

    fn year_index(&mut self, no: u64, label: &str, f: &[Field]) -> Option<i32> {
        match text_at(f, 0).and_then(|s| s.parse::<i32>().ok()) {
            Some(y) => Some(y),
            None => {
                let shown = text_at(f, 0).unwrap_or("");
                self.error(no, label, format!("unparsable year index \"{shown}\""));
                None
            }
        }
    }

    fn amount(&mut self, no: u64, label: &str, f: &[Field], i: usize) -> Option<i64> {
        match text_at(f, i) {
            Some(s) => match parse_ore(s) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.error(no, label, e);
                    None
                }
            },
            None => {
                self.error(no, label, "the amount is missing".into());
                None
            }
        }
    }

    fn date(&mut self, no: u64, label: &str, s: Option<&str>, what: &str) -> Option<Date> {
        let s = s.unwrap_or("");
        let d = parse_date(s);
        if d.is_none() {
            self.error(
                no,
                label,
                format!("unparsable {what} \"{s}\" (expected YYYYMMDD)"),
            );
        }
        d
    }

    /// The object list at `i`, if any, and the index of the field after it. A row without
    /// an object list (older files) has its amount at `i`.
    fn objects(
        &mut self,
        no: u64,
        label: &str,
        f: &[Field],
        i: usize,
    ) -> Option<(Vec<(String, String)>, usize)> {
        match f.get(i) {
            Some(Field::List(items)) => {
                if items.len() % 2 != 0 {
                    self.error(
                        no,
                        label,
                        format!(
                            "the object list {{{}}} does not consist of dimension-object pairs",
                            items.join(" ")
                        ),
                    );
                    return None;
                }
                let mut pairs: Vec<(String, String)> = items
                    .chunks(2)
                    .map(|p| (p[0].clone(), p[1].clone()))
                    .collect();
                pairs.sort();
                for (dim, code) in &pairs {
                    if dim == self.dimension {
                        self.used_units.entry(code.clone()).or_insert(no);
                    } else {
                        self.other_dimensions_used.insert(dim.clone());
                    }
                }
                Some((pairs, i + 1))
            }
            Some(Field::Text(_)) => Some((Vec::new(), i)),
            _ => {
                self.error(no, label, "the object list and amount are missing".into());
                None
            }
        }
    }

    fn rar_record(&mut self, no: u64, label: &str, f: &[Field]) {
        let Some(year) = self.year_index(no, label, f) else {
            return;
        };
        let start = self.date(no, label, text_at(f, 1), "start date");
        let end = self.date(no, label, text_at(f, 2), "end date");
        let (Some(start), Some(end)) = (start, end) else {
            return;
        };
        if start > end {
            self.error(no, label, format!("the year {year} ends before it starts"));
            return;
        }
        if self.rar.insert(year, (start, end)).is_some() {
            self.report(
                Level::Warning,
                "duplicate #RAR",
                Some(no),
                Some(label),
                format!("year index {year} is given again; this range is used"),
            );
        }
        self.out.years.push((year, start, end));
    }

    fn balance_record(&mut self, no: u64, label: &str, f: &[Field], kind: Kind) {
        let Some(year) = self.year_index(no, label, f) else {
            return;
        };
        let Some(month) = parse_period(text_at(f, 1).unwrap_or("")) else {
            let shown = text_at(f, 1).unwrap_or("");
            self.error(
                no,
                label,
                format!("unparsable period \"{shown}\" (expected YYYYMM)"),
            );
            return;
        };
        let account = match text_at(f, 2) {
            Some(a) if !a.is_empty() => a.to_string(),
            _ => {
                self.error(no, label, "the account number is missing".into());
                return;
            }
        };
        let Some((objects, next)) = self.objects(no, label, f, 3) else {
            return;
        };
        let Some(amount) = self.amount(no, label, f, next) else {
            return;
        };
        self.raw.push(RawBalance {
            kind,
            year,
            month,
            account,
            objects,
            amount,
            line: no,
        });
    }

    fn year_amount_record(&mut self, no: u64, label: &str, f: &[Field]) {
        let Some(year) = self.year_index(no, label, f) else {
            return;
        };
        let account = match text_at(f, 1) {
            Some(a) if !a.is_empty() => a.to_string(),
            _ => {
                self.error(no, label, "the account number is missing".into());
                return;
            }
        };
        let Some(amount) = self.amount(no, label, f, 2) else {
            return;
        };
        match label {
            "#RES" => {
                self.out.results.push((year, account.clone(), amount));
                if self
                    .res
                    .insert((year, account.clone()), (amount, no))
                    .is_some()
                {
                    self.report(
                        Level::Warning,
                        "duplicate #RES",
                        Some(no),
                        Some(label),
                        format!("account {account} has a second #RES for year {year}; the last one is compared"),
                    );
                }
            }
            "#IB" => {
                self.ib.insert((year, account), amount);
            }
            _ => {
                self.ub.insert((year, account), amount);
            }
        }
    }

    fn ver_record(&mut self, no: u64, label: &str, fields: &[Field]) {
        if let Some(v) = self.voucher.take() {
            self.report(
                Level::Warning,
                "voucher not closed",
                Some(v.line),
                Some("#VER"),
                format!(
                    "voucher {} {} has no closing }} before the next #VER",
                    v.series, v.number
                ),
            );
            self.finish_voucher(v);
        }
        let open = fields.last() == Some(&Field::Open);
        let f: Vec<Field> = fields[1..]
            .iter()
            .filter(|x| **x != Field::Open)
            .cloned()
            .collect();
        let date = match text_at(&f, 2) {
            Some(s) => {
                let d = parse_date(s);
                if d.is_none() {
                    self.error(
                        no,
                        label,
                        format!("unparsable voucher date \"{s}\" (expected YYYYMMDD); its #TRANS rows without a date of their own are skipped"),
                    );
                }
                d
            }
            None => {
                self.error(no, label, "the voucher date is missing".into());
                None
            }
        };
        self.voucher = Some(Voucher {
            series: text_at(&f, 0).unwrap_or("").to_string(),
            number: text_at(&f, 1).unwrap_or("").to_string(),
            date,
            text: text_at(&f, 3).unwrap_or("").to_string(),
            line: no,
            open,
            sum: 0,
            trans: 0,
            broken: date.is_none(),
        });
    }

    fn open_block(&mut self, no: u64) {
        match &mut self.voucher {
            Some(v) if !v.open => v.open = true,
            _ => self.report(
                Level::Warning,
                "stray brace",
                Some(no),
                None,
                "a { that does not follow a #VER; ignored".into(),
            ),
        }
    }

    fn close_block(&mut self, no: u64) {
        match self.voucher.take() {
            Some(v) if v.open => self.finish_voucher(v),
            other => {
                self.voucher = other;
                self.report(
                    Level::Warning,
                    "stray brace",
                    Some(no),
                    None,
                    "a } that closes no #VER block; ignored".into(),
                );
            }
        }
    }

    fn finish_voucher(&mut self, v: Voucher) {
        if v.trans == 0 {
            return;
        }
        if !v.broken && v.sum != 0 {
            self.report(
                Level::Warning,
                "voucher balance",
                Some(v.line),
                Some("#VER"),
                format!(
                    "voucher {} {} ({}) does not balance: its #TRANS amounts sum to {} \
                     (debit positive), not 0",
                    v.series,
                    v.number,
                    v.date.map(fmt_date).unwrap_or_default(),
                    fmt_ore(v.sum)
                ),
            );
        }
    }

    fn trans_record(&mut self, no: u64, label: &str, f: &[Field]) {
        if self.voucher.is_none() {
            self.report(
                Level::Warning,
                "trans outside voucher",
                Some(no),
                Some(label),
                "a #TRANS outside a #VER block; ignored".into(),
            );
            return;
        }
        let parsed = self.parse_trans(no, label, f);
        let Some(v) = self.voucher.as_mut() else {
            return;
        };
        v.trans += 1;
        match parsed {
            Some(ParsedTrans {
                objects,
                account,
                amount,
                date,
                text,
            }) => {
                v.sum = v.sum.saturating_add(amount);
                let Some(date) = date.or(v.date) else {
                    v.broken = true;
                    return;
                };
                let text = if text.is_empty() {
                    v.text.clone()
                } else {
                    text
                };
                let unit = objects
                    .iter()
                    .find(|(d, _)| d == self.dimension)
                    .map(|(_, c)| c.clone())
                    .unwrap_or_default();
                self.out.transactions.push(TransRow {
                    date,
                    unit,
                    account,
                    amount: amount.saturating_neg(),
                    text,
                    line: no,
                });
            }
            None => v.broken = true,
        }
    }

    fn parse_trans(&mut self, no: u64, label: &str, f: &[Field]) -> Option<ParsedTrans> {
        let account = match text_at(f, 0) {
            Some(a) if !a.is_empty() => a.to_string(),
            _ => {
                self.error(no, label, "the account number is missing".into());
                return None;
            }
        };
        let (objects, next) = self.objects(no, label, f, 1)?;
        let amount = self.amount(no, label, f, next)?;
        let own_date = match text_at(f, next + 1) {
            Some(s) if !s.is_empty() => Some(self.date(no, label, Some(s), "transaction date")?),
            _ => None,
        };
        Some(ParsedTrans {
            objects,
            account,
            amount,
            date: own_date,
            text: text_at(f, next + 2).unwrap_or("").to_string(),
        })
    }

    // -----------------------------------------------------------------------------------
    // After the last line

    /// Runs the checks and returns what was read, with the `#SIETYP` value.
    fn finish(mut self) -> (SieFile, Option<String>) {
        if let Some(v) = self.voucher.take() {
            if v.open {
                self.report(
                    Level::Warning,
                    "voucher not closed",
                    Some(v.line),
                    Some("#VER"),
                    format!(
                        "voucher {} {} has no closing }} at the end of the file",
                        v.series, v.number
                    ),
                );
            }
            self.finish_voucher(v);
        }
        self.check_periods_in_years();
        let totals = self.combine_balances();
        self.check_against_res(&totals);
        self.check_transactions(&totals);
        self.report_objects();
        self.report_leftovers();
        (self.out, self.sie_type)
    }

    /// Checks each period row against the `#RAR` range of its year index. A row outside
    /// its year that repeats a row (same kind, month, account and objects) of the year
    /// that does hold the month is dropped: some exporters write the current budget once
    /// more under year -1, and counting it twice would double the budget.
    fn check_periods_in_years(&mut self) {
        let ranges: Vec<(i32, i32, i32)> = self
            .rar
            .iter()
            .map(|(y, (s, e))| (*y, month_index(s.0, s.1), month_index(e.0, e.1)))
            .collect();
        let holds = |year: i32, month: i32| {
            ranges
                .iter()
                .any(|(y, first, last)| *y == year && (*first..=*last).contains(&month))
        };
        type RowKey<'r> = (Kind, i32, &'r str, &'r [(String, String)]);
        let in_year: BTreeSet<RowKey<'_>> = self
            .raw
            .iter()
            .filter(|r| holds(r.year, r.month))
            .map(|r| (r.kind, r.month, r.account.as_str(), r.objects.as_slice()))
            .collect();
        let mut missing: BTreeMap<i32, u64> = BTreeMap::new();
        // (kind, year) → (rows outside, rows dropped, first line, first month, last month)
        type Outside = (usize, usize, u64, i32, i32);
        let mut outside: BTreeMap<(Kind, i32), Outside> = BTreeMap::new();
        let mut skip = vec![false; self.raw.len()];
        for (i, r) in self.raw.iter().enumerate() {
            if !self.rar.contains_key(&r.year) {
                missing.entry(r.year).or_insert(r.line);
                continue;
            }
            if holds(r.year, r.month) {
                continue;
            }
            let e = outside
                .entry((r.kind, r.year))
                .or_insert((0, 0, r.line, r.month, r.month));
            e.0 += 1;
            e.2 = e.2.min(r.line);
            e.3 = e.3.min(r.month);
            e.4 = e.4.max(r.month);
            if in_year.contains(&(r.kind, r.month, r.account.as_str(), r.objects.as_slice())) {
                skip[i] = true;
                e.1 += 1;
            }
        }
        std::mem::drop(in_year);
        for ((kind, year), (count, dropped, line, first, last)) in outside {
            let (start, end) = self.rar.get(&year).copied().unwrap_or_default();
            let fate = if dropped == count {
                "they repeat rows of the year that holds those periods and are skipped".to_string()
            } else if dropped == 0 {
                "they are read as they stand".to_string()
            } else {
                format!(
                    "{dropped} of them repeat rows of the year that holds those periods and are \
                     skipped, the rest are read as they stand"
                )
            };
            self.findings.warning(
                self.file,
                Some(line),
                Some(kind.label()),
                format!(
                    "{count} row(s) of year {year} ({}–{}) have periods outside that year ({}–{}); \
                     {fate}",
                    fmt_date(start),
                    fmt_date(end),
                    fmt_month(first),
                    fmt_month(last)
                ),
            );
        }
        for (year, line) in missing {
            self.findings.warning(
                self.file,
                Some(line),
                None,
                format!("year index {year} has no #RAR; its periods are read as they stand"),
            );
        }
        let mut keep = skip.iter().map(|s| !s);
        self.raw.retain(|_| keep.next().unwrap_or(true));
    }

    /// Combines the raw period rows into [`SieFile::balances`]. Returns the account totals
    /// of the actual rows per (year, month, account), file sign.
    fn combine_balances(&mut self) -> BTreeMap<(i32, i32, String), (i64, u64)> {
        type Key = (Kind, i32, i32, String);
        let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
        for (i, r) in self.raw.iter().enumerate() {
            groups
                .entry((r.kind, r.year, r.month, r.account.clone()))
                .or_default()
                .push(i);
        }
        let partition = self.choose_layout(&groups);

        let mut merged: BTreeMap<(i32, String, String), PeriodRow> = BTreeMap::new();
        let mut totals: BTreeMap<(i32, i32, String), (i64, u64)> = BTreeMap::new();
        let mut mismatches: BTreeMap<Kind, (usize, String, u64)> = BTreeMap::new();
        let mut duplicates: BTreeMap<Kind, (usize, u64)> = BTreeMap::new();

        for ((kind, year, month, account), idx) in &groups {
            let rows: Vec<&RawBalance> = idx.iter().map(|&i| &self.raw[i]).collect();
            let mut seen: BTreeSet<&[(String, String)]> = BTreeSet::new();
            for r in &rows {
                if !seen.insert(r.objects.as_slice()) {
                    let e = duplicates.entry(*kind).or_insert((0, r.line));
                    e.0 += 1;
                }
            }
            let split = if partition {
                split_partition(&rows, self.dimension)
            } else {
                let s = split_totals(&rows, self.dimension);
                if let Some((total, objects, line)) = s.mismatch {
                    let e = mismatches.entry(*kind).or_insert_with(|| {
                        (
                            0,
                            format!(
                                "account {account}, period {}: the {{}} total is {}, the objects of dimension {} sum to {}",
                                fmt_month(*month),
                                fmt_ore(total),
                                self.dimension,
                                fmt_ore(objects)
                            ),
                            line,
                        )
                    });
                    e.0 += 1;
                }
                s.parts
            };
            let mut group_total = 0i64;
            let first_line = rows.iter().map(|r| r.line).min().unwrap_or(0);
            for (unit, amount, line) in split {
                group_total = group_total.saturating_add(amount);
                let row = merged
                    .entry((*month, unit.clone(), account.clone()))
                    .or_insert_with(|| PeriodRow {
                        month: *month,
                        unit,
                        account: account.clone(),
                        actual: 0,
                        budget: 0,
                        line,
                    });
                row.line = row.line.min(line);
                match kind {
                    Kind::Actual => row.actual = row.actual.saturating_sub(amount),
                    Kind::Budget => row.budget = row.budget.saturating_sub(amount),
                }
            }
            if *kind == Kind::Actual {
                let t = totals
                    .entry((*year, *month, account.clone()))
                    .or_insert((0, first_line));
                t.0 = t.0.saturating_add(group_total);
            }
        }
        self.out.balances = merged.into_values().collect();

        for (kind, (count, first, line)) in mismatches {
            self.findings.warning(
                self.file,
                Some(line),
                Some(kind.label()),
                format!(
                    "{count} account-period(s) where the object rows of dimension {} do not add up \
                     to the {{}} total; the difference is put on unit \"\" (booked without object). \
                     First: {first}",
                    self.dimension
                ),
            );
        }
        for (kind, (count, line)) in duplicates {
            self.findings.warning(
                self.file,
                Some(line),
                Some(kind.label()),
                format!(
                    "{count} row(s) repeat the account, period and object list of an earlier row; \
                     their amounts are summed"
                ),
            );
        }
        totals
    }

    /// Whether the file's period rows are a partition (see the module documentation).
    fn choose_layout(&mut self, groups: &BTreeMap<(Kind, i32, i32, String), Vec<usize>>) -> bool {
        let with_objects = self.raw.iter().any(|r| !r.objects.is_empty());
        if !with_objects {
            return false;
        }
        // Yearly sums per account under both readings.
        let mut sums: BTreeMap<(i32, String), (i64, i64)> = BTreeMap::new();
        let mut gaps = false;
        for ((kind, year, _, account), idx) in groups {
            let rows: Vec<&RawBalance> = idx.iter().map(|&i| &self.raw[i]).collect();
            if combination_without_parts(&rows) {
                gaps = true;
            }
            if *kind != Kind::Actual {
                continue;
            }
            let t: i64 = split_totals(&rows, self.dimension)
                .parts
                .iter()
                .fold(0i64, |a, p| a.saturating_add(p.1));
            let p: i64 = rows.iter().fold(0i64, |a, r| a.saturating_add(r.amount));
            let e = sums.entry((*year, account.clone())).or_insert((0, 0));
            e.0 = e.0.saturating_add(t);
            e.1 = e.1.saturating_add(p);
        }
        let (mut votes_totals, mut votes_partition) = (0usize, 0usize);
        for (key, (t, p)) in &sums {
            if t == p {
                continue;
            }
            let reference = match self.res.get(key) {
                Some((r, _)) => Some(*r),
                None => match (self.ub.get(key), self.ib.get(key)) {
                    (Some(ub), Some(ib)) => Some(ub.saturating_sub(*ib)),
                    _ => None,
                },
            };
            match reference {
                Some(r) if r == *t => votes_totals += 1,
                Some(r) if r == *p => votes_partition += 1,
                _ => {}
            }
        }
        let partition = votes_partition > votes_totals || (votes_partition == votes_totals && gaps);
        if partition {
            let why = if votes_partition > votes_totals {
                format!(
                    "so they add up to #RES/#UB−#IB for {votes_partition} account-years, against \
                     {votes_totals} when {{}} is read as the account total"
                )
            } else {
                "because rows with several objects appear without the single-object rows that \
                 would contain them"
                    .to_string()
            };
            self.findings.note(
                self.file,
                format!(
                    "the object rows of #PSALDO/#PBUDGET are read as a partition: each row is one \
                     exact combination of objects and {{}} is the part without objects, {why}"
                ),
            );
        }
        partition
    }

    fn check_against_res(&mut self, totals: &BTreeMap<(i32, i32, String), (i64, u64)>) {
        let mut yearly: BTreeMap<(i32, String), i64> = BTreeMap::new();
        for ((year, _, account), (amount, _)) in totals {
            let e = yearly.entry((*year, account.clone())).or_insert(0);
            *e = e.saturating_add(*amount);
        }
        let mut problems = Vec::new();
        for (key, (res, line)) in &self.res {
            if let Some(sum) = yearly.get(key)
                && sum != res
            {
                problems.push((*line, key.clone(), *sum, *res));
            }
        }
        for (line, (year, account), sum, res) in problems {
            self.report(
                Level::Warning,
                "psaldo vs res",
                Some(line),
                Some("#RES"),
                format!(
                    "account {account}, year {year}: the #PSALDO periods sum to {} but #RES says {} \
                     (difference {})",
                    fmt_ore(sum),
                    fmt_ore(res),
                    fmt_ore(res.saturating_sub(sum))
                ),
            );
        }
    }

    fn year_of(&self, date: Date) -> Option<i32> {
        self.rar
            .iter()
            .find(|(_, (start, end))| *start <= date && date <= *end)
            .map(|(y, _)| *y)
    }

    fn check_transactions(&mut self, totals: &BTreeMap<(i32, i32, String), (i64, u64)>) {
        if self.out.transactions.is_empty() {
            return;
        }
        let mut yearly: BTreeMap<(i32, String), i64> = BTreeMap::new();
        // (month, account) → (sum, first line)
        let mut monthly: BTreeMap<(i32, String), (i64, u64)> = BTreeMap::new();
        let mut outside = Vec::new();
        for t in &self.out.transactions {
            // Back to the file's sign for comparing with #RES and #PSALDO.
            let amount = t.amount.saturating_neg();
            let m = monthly
                .entry((month_index(t.date.0, t.date.1), t.account.clone()))
                .or_insert((0, t.line));
            m.0 = m.0.saturating_add(amount);
            match self.year_of(t.date) {
                Some(y) => {
                    let e = yearly.entry((y, t.account.clone())).or_insert(0);
                    *e = e.saturating_add(amount);
                }
                None => outside.push((t.line, t.date)),
            }
        }
        if !self.rar.is_empty() {
            for (line, date) in outside {
                self.report(
                    Level::Warning,
                    "transaction outside years",
                    Some(line),
                    Some("#TRANS"),
                    format!("the date {} lies in no #RAR year", fmt_date(date)),
                );
            }
        }
        let mut problems = Vec::new();
        for (key, (res, line)) in &self.res {
            if let Some(sum) = yearly.get(key)
                && sum != res
            {
                problems.push((*line, key.clone(), *sum, *res));
            }
        }
        for (line, (year, account), sum, res) in problems {
            self.report(
                Level::Warning,
                "trans vs res",
                Some(line),
                Some("#RES"),
                format!(
                    "account {account}, year {year}: the #TRANS rows sum to {} but #RES says {} \
                     (difference {})",
                    fmt_ore(sum),
                    fmt_ore(res),
                    fmt_ore(res.saturating_sub(sum))
                ),
            );
        }
        // Files with both period balances and transactions: compare the months of the
        // transactions.
        if totals.is_empty() {
            return;
        }
        let mut psaldo: BTreeMap<(i32, String), (i64, u64)> = BTreeMap::new();
        for ((_, month, account), (amount, line)) in totals {
            let e = psaldo
                .entry((*month, account.clone()))
                .or_insert((0, *line));
            e.0 = e.0.saturating_add(*amount);
        }
        let months: BTreeSet<i32> = monthly.keys().map(|(m, _)| *m).collect();
        let mut keys: BTreeSet<(i32, String)> = monthly.keys().cloned().collect();
        keys.extend(psaldo.keys().filter(|(m, _)| months.contains(m)).cloned());
        let mut problems = Vec::new();
        for key in keys {
            let (trans, trans_line) = monthly.get(&key).copied().unwrap_or((0, 0));
            let (ps, ps_line) = psaldo.get(&key).copied().unwrap_or((0, 0));
            if trans != ps {
                let line = if ps_line > 0 { ps_line } else { trans_line };
                problems.push((line, key, ps, trans));
            }
        }
        for (line, (month, account), ps, trans) in problems {
            self.report(
                Level::Warning,
                "psaldo vs trans",
                Some(line),
                Some("#PSALDO"),
                format!(
                    "account {account}, period {}: #PSALDO says {} but the #TRANS rows of that \
                     month sum to {}",
                    fmt_month(month),
                    fmt_ore(ps),
                    fmt_ore(trans)
                ),
            );
        }
        self.findings.note(
            self.file,
            "the file has both #PSALDO period balances and #VER/#TRANS transactions; they describe \
             the same bookings, so use one of them, not both",
        );
    }

    fn report_objects(&mut self) {
        let used_any = !self.used_units.is_empty();
        if !used_any && !self.other_dimensions_used.is_empty() {
            let others: Vec<&str> = self
                .other_dimensions_used
                .iter()
                .map(String::as_str)
                .collect();
            self.findings.note(
                self.file,
                format!(
                    "no row has an object in dimension {}; objects are used in dimension(s) {}, \
                     so every row goes to unit \"\"",
                    self.dimension,
                    others.join(", ")
                ),
            );
            return;
        }
        let declared: BTreeSet<&str> = self
            .out
            .objects
            .iter()
            .filter(|(d, _, _)| d == self.dimension)
            .map(|(_, c, _)| c.as_str())
            .collect();
        let undeclared: Vec<(&str, u64)> = self
            .used_units
            .iter()
            .filter(|(c, _)| !declared.contains(c.as_str()))
            .map(|(c, l)| (c.as_str(), *l))
            .collect();
        if let Some((_, first)) = undeclared.first() {
            let shown: Vec<String> = undeclared
                .iter()
                .take(10)
                .map(|(c, _)| format!("\"{c}\""))
                .collect();
            let more = if undeclared.len() > 10 {
                format!(" and {} more", undeclared.len() - 10)
            } else {
                String::new()
            };
            self.findings.note(
                self.file,
                format!(
                    "object code(s) {}{more} of dimension {} are used (first on line {first}) but \
                     have no #OBJEKT name",
                    shown.join(", "),
                    self.dimension
                ),
            );
        }
    }

    fn report_leftovers(&mut self) {
        for (label, (count, first)) in std::mem::take(&mut self.unknown) {
            self.findings.note(
                self.file,
                format!(
                    "record {label} is not in the SIE 4 specification: {count} line(s), first on \
                     line {first}; ignored"
                ),
            );
        }
        if self.stray.0 > 0 {
            self.findings.warning(
                self.file,
                Some(self.stray.1),
                None,
                format!(
                    "{} line(s) that are not SIE records (they do not start with #); ignored",
                    self.stray.0
                ),
            );
        }
        if self.ignored_btrans > 0 || self.ignored_rtrans > 0 {
            self.findings.note(
                self.file,
                format!(
                    "{} #BTRANS (removed) and {} #RTRANS (added) voucher rows are not read; the \
                     #TRANS that follows each #RTRANS is",
                    self.ignored_btrans, self.ignored_rtrans
                ),
            );
        }
        for (kind, (_, suppressed, level)) in std::mem::take(&mut self.capped) {
            if suppressed == 0 {
                continue;
            }
            let message =
                format!("{suppressed} more finding(s) of the kind \"{kind}\" are not shown");
            match level {
                Level::Error => self.findings.error(self.file, None, None, message),
                Level::Warning => self.findings.warning(self.file, None, None, message),
            }
        }
    }
}

/// A row with several objects whose single-object rows are not all in the same group:
/// the mark of the partition layout.
fn combination_without_parts(rows: &[&RawBalance]) -> bool {
    let singles: BTreeSet<&(String, String)> = rows
        .iter()
        .filter(|r| r.objects.len() == 1)
        .map(|r| &r.objects[0])
        .collect();
    rows.iter()
        .filter(|r| r.objects.len() > 1)
        .any(|r| r.objects.iter().any(|p| !singles.contains(p)))
}

struct Split {
    /// (unit, amount in file sign, first line)
    parts: Vec<(String, i64, u64)>,
    /// ({} total, Σ objects, line of the {} row) when the objects do not add up to the total.
    mismatch: Option<(i64, i64, u64)>,
}

fn add_part(parts: &mut BTreeMap<String, (i64, u64)>, unit: &str, amount: i64, line: u64) {
    let e = parts.entry(unit.to_string()).or_insert((0, line));
    e.0 = e.0.saturating_add(amount);
    e.1 = e.1.min(line);
}

/// The *totals* layout: `{}` is the account total, object rows are parts of it.
fn split_totals(rows: &[&RawBalance], dimension: &str) -> Split {
    let totals: Vec<&&RawBalance> = rows.iter().filter(|r| r.objects.is_empty()).collect();
    let mut parts: BTreeMap<String, (i64, u64)> = BTreeMap::new();
    for r in rows {
        if let [(dim, code)] = r.objects.as_slice()
            && dim == dimension
        {
            add_part(&mut parts, code, r.amount, r.line);
        }
    }
    let mut mismatch = None;
    if let Some(first) = totals.first() {
        let total = totals.iter().fold(0i64, |a, r| a.saturating_add(r.amount));
        let line = totals.iter().map(|r| r.line).min().unwrap_or(first.line);
        let objects = parts.values().fold(0i64, |a, p| a.saturating_add(p.0));
        let rest = total.saturating_sub(objects);
        if rest != 0 {
            if !parts.is_empty() {
                mismatch = Some((total, objects, line));
            }
            add_part(&mut parts, "", rest, line);
        } else if parts.is_empty() {
            // A zero total without objects is still a row of the file.
            add_part(&mut parts, "", 0, line);
        }
    } else if parts.is_empty() {
        // No {} total and no object of the chosen dimension: the single-object rows of the
        // lowest other dimension make up the total; failing those, every row.
        let lowest = rows
            .iter()
            .filter(|r| r.objects.len() == 1)
            .map(|r| r.objects[0].0.as_str())
            .min_by_key(|d| (d.parse::<u64>().unwrap_or(u64::MAX), d.to_string()));
        for r in rows {
            let take = match lowest {
                Some(dim) => r.objects.len() == 1 && r.objects[0].0 == dim,
                None => true,
            };
            if take {
                add_part(&mut parts, "", r.amount, r.line);
            }
        }
    }
    Split {
        parts: parts.into_iter().map(|(u, (a, l))| (u, a, l)).collect(),
        mismatch,
    }
}

/// The *partition* layout: every row is one exact combination of objects.
fn split_partition(rows: &[&RawBalance], dimension: &str) -> Vec<(String, i64, u64)> {
    let mut parts: BTreeMap<String, (i64, u64)> = BTreeMap::new();
    for r in rows {
        let unit = r
            .objects
            .iter()
            .find(|(d, _)| d == dimension)
            .map_or("", |(_, c)| c.as_str());
        add_part(&mut parts, unit, r.amount, r.line);
    }
    parts.into_iter().map(|(u, (a, l))| (u, a, l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const PERIODSALDO: &[u8] = include_bytes!("../../tests/fixtures/sie/periodsaldo_ovnbolag.se");
    const OBJEKTSALDO: &[u8] = include_bytes!("../../tests/fixtures/sie/objektsaldo_ovnbolag.se");
    const TRANSAKTIONER: &[u8] =
        include_bytes!("../../tests/fixtures/sie/transaktioner_ovnbolag.se");
    const BAD_BALANCE: &[u8] =
        include_bytes!("../../tests/fixtures/sie/transaktioner_ovnbolag-bad-balance.se");
    const TYP3: &[u8] = include_bytes!("../../tests/fixtures/sie/typ3.se");
    const BL0001: &[u8] = include_bytes!("../../tests/fixtures/sie/BL0001_typ3.SE");
    const MAMUT: &[u8] = include_bytes!("../../tests/fixtures/sie/MAMUT_SIE3_EXPORT.SE");
    const UNDERDIM: &[u8] =
        include_bytes!("../../tests/fixtures/sie/SIE4_Exempelfil_med_underdim.SE");

    fn read(bytes: &[u8]) -> (SieFile, Findings) {
        read_dim(bytes, "1")
    }

    fn read_dim(bytes: &[u8], dim: &str) -> (SieFile, Findings) {
        let mut findings = Findings::default();
        let sie = parse(bytes, "test.se", dim, &mut findings).expect("an SIE file");
        (sie, findings)
    }

    fn messages(findings: &Findings) -> Vec<String> {
        findings.items.iter().map(ToString::to_string).collect()
    }

    fn count_containing(findings: &Findings, text: &str) -> usize {
        messages(findings)
            .iter()
            .filter(|m| m.contains(text))
            .count()
    }

    fn no_errors(findings: &Findings) {
        let errors: Vec<String> = findings.errors().map(ToString::to_string).collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }

    /// Σ actual (result sign) per account over the months of one calendar year.
    fn actual_by_account(sie: &SieFile, year: i32) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        for b in &sie.balances {
            if b.month.div_euclid(12) == year {
                *out.entry(b.account.clone()).or_insert(0) += b.actual;
            }
        }
        out
    }

    fn budget_by_account(sie: &SieFile, year: i32) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        for b in &sie.balances {
            if b.month.div_euclid(12) == year {
                *out.entry(b.account.clone()).or_insert(0) += b.budget;
            }
        }
        out
    }

    fn by_unit(sie: &SieFile, year: i32, account: &str) -> BTreeMap<String, i64> {
        let mut out = BTreeMap::new();
        for b in &sie.balances {
            if b.month.div_euclid(12) == year && b.account == account {
                *out.entry(b.unit.clone()).or_insert(0) += b.actual;
            }
        }
        out
    }

    /// An independent reader for the test files: the record label, the four fields before
    /// the object list and the amount after it, with öre computed from the digits.
    /// Returns (label, year index, YYYYMM, account, object list text, öre in file sign).
    fn naive_rows(bytes: &[u8], label: &str) -> Vec<(i32, String, String, String, i64)> {
        let text: String = bytes.iter().map(|&b| b as char).collect();
        let mut out = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if !line.starts_with(&format!("{label} ")) {
                continue;
            }
            let open = line.find('{').expect("object list");
            let close = line.find('}').expect("object list");
            let head: Vec<&str> = line[..open].split_whitespace().collect();
            let amount = line[close + 1..].split_whitespace().next().expect("amount");
            let (neg, digits) = match amount.strip_prefix('-') {
                Some(d) => (true, d),
                None => (false, amount),
            };
            let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
            let frac = format!("{frac:0<2}");
            let ore: i64 = int.parse::<i64>().unwrap() * 100 + frac.parse::<i64>().unwrap();
            out.push((
                head[1].parse().unwrap(),
                head[2].to_string(),
                head[3].to_string(),
                line[open + 1..close].trim().to_string(),
                if neg { -ore } else { ore },
            ));
        }
        out
    }

    // ---- real files --------------------------------------------------------------------

    #[test]
    fn periodsaldo_totals_match_an_independent_sum() {
        let (sie, findings) = read(PERIODSALDO);
        no_errors(&findings);
        assert_eq!(
            sie.company.as_deref(),
            Some("Övningsbolaget AB (Ekonomi 60)")
        );
        assert_eq!(
            sie.years,
            vec![
                (0, (2011, 1, 1), (2011, 12, 31)),
                (-1, (2010, 1, 1), (2010, 12, 31))
            ]
        );
        // Hard-coded with awk over the file: for #PSALDO rows of year 0, sum $6 per
        // account, öre = integer part * 100 + two decimals:
        //   awk '$1=="#PSALDO" && $2=="0" {s[$4]+=ore($6)}' periodsaldo_ovnbolag.se
        let y2011 = actual_by_account(&sie, 2011);
        assert_eq!(y2011["3041"], 38_618_000);
        assert_eq!(y2011["1460"], -7_656_075);
        assert_eq!(y2011["3740"], 73);
        assert_eq!(y2011["4010"], -101_329_770);
        assert_eq!(y2011["7010"], -18_500_504);
        assert_eq!(y2011["5010"], -5_100_000);
        assert_eq!(y2011["1910"], 250_700);
        assert_eq!(y2011.values().sum::<i64>(), 0, "a balanced ledger");
        let y2010 = actual_by_account(&sie, 2010);
        assert_eq!(y2010["3041"], 176_457_520);
        assert_eq!(y2010["1460"], -3_119_865);
        assert_eq!(y2010["3740"], 472);
        // Budget: year 0 only (the year -1 rows repeat it with 2011 periods).
        let b2011 = budget_by_account(&sie, 2011);
        assert_eq!(b2011["3041"], 180_000_000);
        assert_eq!(b2011["5010"], -21_000_000);
        assert_eq!(b2011["7010"], -60_000_000);
        assert_eq!(b2011.values().sum::<i64>(), 80_000_000);
        assert_eq!(count_containing(&findings, "624 row(s) of year -1"), 1);

        // And every account and month against the naive reader, negated.
        let mut expected: BTreeMap<(String, String), i64> = BTreeMap::new();
        for (_, period, account, objects, ore) in naive_rows(PERIODSALDO, "#PSALDO") {
            assert_eq!(objects, "");
            *expected.entry((period, account)).or_insert(0) -= ore;
        }
        let got: BTreeMap<(String, String), i64> = sie
            .balances
            .iter()
            .filter(|b| {
                b.actual != 0 || expected.contains_key(&(fmt_month(b.month), b.account.clone()))
            })
            .map(|b| ((fmt_month(b.month), b.account.clone()), b.actual))
            .collect();
        assert_eq!(got, expected);
        assert!(sie.balances.iter().all(|b| b.unit.is_empty()));
        // #RES agrees with the periods: no warning.
        assert_eq!(count_containing(&findings, "#RES says"), 0);
        assert_eq!(sie.results.len(), 104);
        assert!(sie.results.contains(&(0, "3041".to_string(), -38_618_000)));
    }

    #[test]
    fn objektsaldo_partition_adds_up_to_the_periodsaldo_totals() {
        // The same ledger as periodsaldo_ovnbolag.se, broken down by object combinations.
        let (objekt, findings) = read(OBJEKTSALDO);
        no_errors(&findings);
        assert_eq!(count_containing(&findings, "read as a partition"), 1);
        assert_eq!(count_containing(&findings, "#RES says"), 0);
        let (period, _) = read(PERIODSALDO);
        let totals = |sie: &SieFile| {
            let mut m: BTreeMap<(i32, String), (i64, i64)> = BTreeMap::new();
            for b in &sie.balances {
                let e = m.entry((b.month, b.account.clone())).or_insert((0, 0));
                e.0 += b.actual;
                e.1 += b.budget;
            }
            m.retain(|_, v| *v != (0, 0));
            m
        };
        assert_eq!(totals(&objekt), totals(&period));
        // Per unit, from awk: rows containing "1" "Nord" / "1" "Syd" / neither, year 0.
        let u = by_unit(&objekt, 2011, "3041");
        assert_eq!(u["Nord"], 3_010_000);
        assert_eq!(u["Syd"], 12_695_000);
        assert_eq!(u[""], 22_913_000);
        let u = by_unit(&objekt, 2011, "1460");
        assert_eq!(u["Nord"], -855_000);
        assert_eq!(u[""], -6_801_075);
        let u = by_unit(&objekt, 2011, "3740");
        assert_eq!(u.get("Nord").copied().unwrap_or(0), 0);
        assert_eq!(u["Syd"], 50);
        assert_eq!(u[""], 23);
    }

    #[test]
    fn transactions_agree_with_period_balances_and_vouchers_balance() {
        let (sie, findings) = read(TRANSAKTIONER);
        no_errors(&findings);
        assert_eq!(sie.transactions.len(), 671);
        assert_eq!(count_containing(&findings, "does not balance"), 0);
        assert_eq!(count_containing(&findings, "#TRANS rows of that month"), 0);
        assert_eq!(count_containing(&findings, "use one of them, not both"), 1);
        // Σ #TRANS per (month, account) equals the #PSALDO of the file (both result sign).
        let mut trans: BTreeMap<(i32, String), i64> = BTreeMap::new();
        for t in &sie.transactions {
            *trans
                .entry((month_index(t.date.0, t.date.1), t.account.clone()))
                .or_insert(0) += t.amount;
        }
        for ((month, account), amount) in &trans {
            let psaldo: i64 = sie
                .balances
                .iter()
                .filter(|b| b.month == *month && &b.account == account)
                .map(|b| b.actual)
                .sum();
            assert_eq!(psaldo, *amount, "{account} {month}");
        }
        // First voucher: B 1 20110107 with 1910 -128.00, 7690 100.00, 2641 28.00.
        let first: Vec<(&str, i64)> = sie.transactions[..3]
            .iter()
            .map(|t| (t.account.as_str(), t.amount))
            .collect();
        assert_eq!(
            first,
            vec![("1910", 12_800), ("7690", -10_000), ("2641", -2_800)]
        );
        assert_eq!(sie.transactions[0].date, (2011, 1, 7));
        assert_eq!(sie.transactions[0].text, "Övriga personalkostnader");
        // Units from the object lists.
        assert!(
            sie.transactions
                .iter()
                .any(|t| t.unit == "Syd" && t.account == "7290")
        );
    }

    #[test]
    fn a_voucher_that_does_not_balance_is_reported() {
        let (sie, findings) = read(BAD_BALANCE);
        no_errors(&findings);
        let hits: Vec<&crate::diag::Finding> = findings
            .items
            .iter()
            .filter(|f| f.message.contains("does not balance"))
            .collect();
        assert_eq!(hits.len(), 1, "{:#?}", messages(&findings));
        assert_eq!(hits[0].row, Some(3905));
        assert_eq!(hits[0].column.as_deref(), Some("#VER"));
        assert!(hits[0].message.contains("voucher B 1"));
        assert!(hits[0].message.contains("-12771.00"), "{}", hits[0].message);
        // Its #TRANS rows are still read, and disagree with #PSALDO for 1910 in January.
        assert_eq!(sie.transactions.len(), 671);
        assert_eq!(
            count_containing(&findings, "account 1910, period 201101"),
            1
        );
    }

    #[test]
    fn typ3_totals_and_objects_are_not_double_counted() {
        let (sie, findings) = read(TYP3);
        no_errors(&findings);
        assert!(findings.items.is_empty(), "{:#?}", messages(&findings));
        // awk: #PSALDO year 0, account 7010: {} rows sum to 76000.00, {1 AO} 24000.00,
        // {1 IB} 27000.00, {1 LS} 25000.00 → the objects make up the whole total.
        assert_eq!(actual_by_account(&sie, 2012)["7010"], -7_600_000);
        let u = by_unit(&sie, 2012, "7010");
        assert_eq!(u.get("AO"), Some(&-2_400_000));
        assert_eq!(u.get("IB"), Some(&-2_700_000));
        assert_eq!(u.get("LS"), Some(&-2_500_000));
        assert_eq!(u.get(""), None);
        // 6212: {} 841.60 = AO 321.00 + IB 319.60 + YK 201.00.
        let u = by_unit(&sie, 2012, "6212");
        assert_eq!(u.values().sum::<i64>(), -84_160);
        assert_eq!(u.get(""), None);
        // Budget rows are per object only (no {} rows): awk sums of year 0.
        let b = budget_by_account(&sie, 2012);
        assert_eq!(b["3020"], 129_000_000 + 57_000_000 + 50_000_100);
        assert_eq!(b["7010"], -(28_800_000 + 32_400_000 + 30_000_000));
        // The whole file against the naive reader with the same rule: {} rows when the
        // account-period has one, else its object rows.
        for label in ["#PSALDO", "#PBUDGET"] {
            let mut groups: BTreeMap<(String, String), (Option<i64>, i64)> = BTreeMap::new();
            for (_, period, account, objects, ore) in naive_rows(TYP3, label) {
                let e = groups.entry((period, account)).or_insert((None, 0));
                if objects.is_empty() {
                    e.0 = Some(e.0.unwrap_or(0) + ore);
                } else {
                    e.1 += ore;
                }
            }
            let expected: i64 = groups.values().map(|(t, o)| -t.unwrap_or(*o)).sum();
            let expected_abs: i64 = groups.values().map(|(t, o)| t.unwrap_or(*o).abs()).sum();
            let got: i64 = sie
                .balances
                .iter()
                .map(|b| {
                    if label == "#PSALDO" {
                        b.actual
                    } else {
                        b.budget
                    }
                })
                .sum();
            let mut per_key: BTreeMap<(i32, &str), i64> = BTreeMap::new();
            for b in &sie.balances {
                let v = if label == "#PSALDO" {
                    b.actual
                } else {
                    b.budget
                };
                *per_key.entry((b.month, b.account.as_str())).or_insert(0) += v;
            }
            let got_abs: i64 = per_key.values().map(|v| v.abs()).sum();
            assert_eq!((got, got_abs), (expected, expected_abs), "{label}");
        }
        assert_eq!(actual_by_account(&sie, 2012).values().sum::<i64>(), 0);
    }

    #[test]
    fn bl0001_remainder_goes_to_the_empty_unit() {
        let (sie, findings) = read(BL0001);
        no_errors(&findings);
        assert_eq!(count_containing(&findings, "#RES says"), 0);
        // awk, year 0 (July 2009 – June 2010): 1510 {} -24763.00 and {1 "1"} 1063.00;
        // 3010 {} -228200.00 and {1 "1"} -26400.00; 4010 {} 35693.20, {1 "1"} 33080.40.
        let result_sign =
            |y2009: &BTreeMap<String, i64>, y2010: &BTreeMap<String, i64>, a: &str| {
                y2009.get(a).copied().unwrap_or(0) + y2010.get(a).copied().unwrap_or(0)
            };
        let (a9, a10) = (actual_by_account(&sie, 2009), actual_by_account(&sie, 2010));
        assert_eq!(result_sign(&a9, &a10, "1510"), 2_476_300);
        assert_eq!(result_sign(&a9, &a10, "3010"), 22_820_000);
        assert_eq!(result_sign(&a9, &a10, "4010"), -3_569_320);
        let unit_sum = |account: &str, unit: &str| -> i64 {
            sie.balances
                .iter()
                .filter(|b| b.account == account && b.unit == unit)
                .map(|b| b.actual)
                .sum()
        };
        assert_eq!(unit_sum("1510", "1"), -106_300);
        assert_eq!(unit_sum("1510", ""), 2_476_300 + 106_300);
        assert_eq!(unit_sum("3010", "1"), 2_640_000);
        assert_eq!(unit_sum("4010", "1"), -3_308_040);
        // December 2009, 1510: {} 251174 and {1 "1"} 1063.
        let dec = month_index(2009, 12);
        let rows: Vec<(&str, i64)> = sie
            .balances
            .iter()
            .filter(|b| b.month == dec && b.account == "1510")
            .map(|b| (b.unit.as_str(), b.actual))
            .collect();
        assert_eq!(rows, vec![("", -25_011_100), ("1", -106_300)]);
        assert_eq!(
            count_containing(&findings, "6 account-period(s) where the object rows"),
            1
        );
        // With dimension 6 (no #PSALDO objects there) the totals stay and all go to "".
        let (by_project, project_findings) = read_dim(BL0001, "6");
        let total = |s: &SieFile| s.balances.iter().map(|b| b.actual).sum::<i64>();
        assert_eq!(total(&by_project), total(&sie));
        assert!(by_project.balances.iter().all(|b| b.unit.is_empty()));
        assert_eq!(
            count_containing(&project_findings, "no row has an object in dimension 6"),
            1
        );
        // The Latin-1 Å in a PC8 file is pointed out.
        assert_eq!(count_containing(&findings, "box drawing"), 1);
        assert!(
            sie.objects
                .contains(&("6".into(), "\u{253C}1".into(), "årsta".into()))
        );
    }

    #[test]
    fn mamut_totals_match_res() {
        let (sie, findings) = read(MAMUT);
        no_errors(&findings);
        assert_eq!(count_containing(&findings, "#RES says"), 0);
        // #RES 0 from the file (grep '^#RES'): the period totals are the same, negated.
        let y = actual_by_account(&sie, 2010);
        assert_eq!(y["3051"], 1_047_879_311);
        assert_eq!(y["3054"], 180_000);
        assert_eq!(y["3740"], 98);
        assert_eq!(y["4011"], -16_605_716);
        assert_eq!(y["5910"], -4_000_000);
        for (year, account, res) in &sie.results {
            if *year == 0 {
                assert_eq!(y.get(account).copied().unwrap_or(0), -res, "{account}");
            }
        }
        assert_eq!(
            count_containing(&findings, "repeat the account, period and object list"),
            1
        );
        assert_eq!(
            sie.format_note.as_deref(),
            Some("SIE type 3; code page 437 (#FORMAT PC8)")
        );
    }

    #[test]
    fn utf8_file_with_replacement_characters_and_underdim() {
        let (sie, findings) = read(UNDERDIM);
        no_errors(&findings);
        let note = sie.format_note.clone().unwrap_or_default();
        assert!(note.contains("UTF-8"), "{note}");
        assert_eq!(count_containing(&findings, "702 replacement characters"), 1);
        assert_eq!(sie.company.as_deref(), Some("\u{FFFD}vningsbolaget AB"));
        assert!(
            sie.dimensions
                .contains(&("61".into(), "Kubernetesdrift".into()))
        );
        assert!(
            sie.objects
                .contains(&("62".into(), "0037".into(), "Scrum master tjafs".into()))
        );
        assert_eq!(sie.transactions.len(), 1330);
        assert_eq!(sie.transactions.iter().map(|t| t.amount).sum::<i64>(), 0);
        assert_eq!(count_containing(&findings, "does not balance"), 0);
        // #TRANS per account and year agree with #RES: no warning, and two by hand
        // (#RES 0 3041 -1690380.20, #RES 0 7010 617171.14).
        assert_eq!(count_containing(&findings, "#RES says"), 0);
        let sum = |account: &str| -> i64 {
            sie.transactions
                .iter()
                .filter(|t| t.account == account)
                .map(|t| t.amount)
                .sum()
        };
        assert_eq!(sum("3041"), 169_038_020);
        assert_eq!(sum("7010"), -61_717_114);
        // 3041 per unit (awk over the object lists): Nord 536390.00, Syd 84125.20.
        let unit = |u: &str| -> i64 {
            sie.transactions
                .iter()
                .filter(|t| t.account == "3041" && t.unit == u)
                .map(|t| t.amount)
                .sum()
        };
        assert_eq!(unit("Nord"), 53_639_000);
        assert_eq!(unit("Syd"), 8_412_520);
        assert_eq!(unit(""), 106_986_500);
        let first = &sie.transactions[0];
        assert_eq!((first.date, first.line), ((2021, 1, 5), 1872));
        assert_eq!(first.text, "Kaffebr\u{FFFD}d");
    }

    #[test]
    fn every_real_file_reads_without_errors() {
        for bytes in [
            PERIODSALDO,
            OBJEKTSALDO,
            TRANSAKTIONER,
            BAD_BALANCE,
            TYP3,
            BL0001,
            MAMUT,
            UNDERDIM,
        ] {
            let (sie, findings) = read(bytes);
            no_errors(&findings);
            assert!(!sie.accounts.is_empty());
            assert!(sie.format_note.is_some());
        }
    }

    #[test]
    fn truncated_real_files_never_panic() {
        for bytes in [OBJEKTSALDO, BAD_BALANCE, UNDERDIM, MAMUT] {
            let mut cut = 0;
            while cut < bytes.len() {
                let mut findings = Findings::default();
                let _ = parse(&bytes[..cut], "cut.se", "1", &mut findings);
                let _ = parse(&bytes[cut..], "cut.se", "1", &mut findings);
                cut += 4099;
            }
        }
    }

    // ---- synthetic files ---------------------------------------------------------------

    const HEAD: &str =
        "#FLAGGA 0\n#SIETYP 4\n#RAR 0 20240101 20241231\n#RAR -1 20230101 20231231\n";

    fn sie(body: &str) -> (SieFile, Findings) {
        read(format!("{HEAD}{body}").as_bytes())
    }

    #[test]
    fn object_list_forms() {
        let (s, findings) = sie(concat!(
            "#PSALDO 0 202401 5010 {1 \"100\"} 1.00\n",
            "#PSALDO 0 202401 5020 {\"1\" \"100\"} 2.00\n",
            "#PSALDO 0 202401 5030 {1 AO} 3.00\n",
            "#PSALDO 0 202401 5040 {} 4.00\n",
            "#PSALDO 0 202401 5050 {1 \"100\" 6 \"P1\"} 5.00\n",
            "#PSALDO 0 202401 5060 { } 6.00\n",
            "#PSALDO 0 202401 5070 {  1   \"1 00\"  } 7.00\n",
            "#PSALDO\t0\t202401\t5080\t{6 \"P1\" 1 \"200\"}\t8.00\n",
            "#PSALDO 0 202401 5090 {1 \"a\\\"b\"} 9.00\n",
        ));
        no_errors(&findings);
        let got: Vec<(&str, &str, i64)> = s
            .balances
            .iter()
            .map(|b| (b.account.as_str(), b.unit.as_str(), b.actual))
            .collect();
        assert_eq!(
            got,
            vec![
                ("5040", "", -400),
                ("5060", "", -600),
                ("5070", "1 00", -700),
                ("5010", "100", -100),
                ("5020", "100", -200),
                ("5050", "100", -500),
                ("5080", "200", -800),
                ("5030", "AO", -300),
                ("5090", "a\"b", -900),
            ]
        );
        assert!(s.balances.iter().all(|b| b.month == month_index(2024, 1)));
    }

    #[test]
    fn tokenizer_quotes_escapes_and_backslashes() {
        let (fields, issue) =
            tokenize("#KONTO 3000 \"Sales \\\"A\\\" \" \"C:\\dir\\x\" bare\tnext {}");
        assert_eq!(issue, None);
        assert_eq!(
            fields,
            vec![
                Field::Text("#KONTO".into()),
                Field::Text("3000".into()),
                Field::Text("Sales \"A\" ".into()),
                Field::Text("C:\\dir\\x".into()),
                Field::Text("bare".into()),
                Field::Text("next".into()),
                Field::List(vec![]),
            ]
        );
        assert_eq!(tokenize("#VER A 1 20240101 {").0.last(), Some(&Field::Open));
        assert!(tokenize("#KONTO 1 \"open").1.is_some());
        assert!(tokenize("#TRANS 1 {1 2 3.00").1.is_some());
        let (s, findings) =
            sie("#KONTO 3000 \"Försäljning \\\"export\\\"\"\n#FNAMN \"A \\\"B\\\" AB\"\n");
        no_errors(&findings);
        assert_eq!(
            s.accounts,
            vec![("3000".into(), "Försäljning \"export\"".into())]
        );
        assert_eq!(s.company.as_deref(), Some("A \"B\" AB"));
    }

    #[test]
    fn cp437_letters() {
        // å ä ö Å Ä Ö é in code page 437, without and with #FORMAT PC8.
        let mut bytes = b"#FLAGGA 0\n#FNAMN \"".to_vec();
        bytes.extend([0x86, 0x84, 0x94, 0x8F, 0x8E, 0x99, 0x82]);
        bytes.extend(b"\"\n#KONTO 3000 \"F");
        bytes.extend([0x94, b'r', b's', 0x84, b'l', b'j', b'n', b'i', b'n', b'g']);
        bytes.extend(b"\"\n");
        let (s, _) = read(&bytes);
        assert_eq!(s.company.as_deref(), Some("åäöÅÄÖé"));
        assert_eq!(s.accounts[0].1, "Försäljning");
        assert!(s.format_note.unwrap_or_default().contains("code page 437"));
        let mut declared = b"#FORMAT PC8\n".to_vec();
        declared.extend(&bytes);
        let (s, _) = read(&declared);
        assert_eq!(
            s.format_note.as_deref(),
            Some("code page 437 (#FORMAT PC8)")
        );
        // Table spot checks against the code page.
        assert_eq!(
            decode_cp437(&[0x80, 0x81, 0x90, 0xE1, 0xF8, 0xFF, 0xC5]),
            "ÇüÉß°\u{A0}┼"
        );
    }

    #[test]
    fn windows_1252_and_utf8_are_recognised() {
        let mut latin = b"#FLAGGA 0\n#FNAMN \"".to_vec();
        latin.extend([0xC5, 0xE5, 0xE4, 0xF6, 0xD6, 0x80]);
        latin.extend(b"\"\n");
        let (s, _) = read(&latin);
        assert_eq!(
            s.company.as_deref(),
            Some("Ååäöց€".replace('ց', "Ö").as_str())
        );
        assert_eq!(s.format_note.as_deref(), Some("Windows-1252"));
        // Latin-1 letters under #FORMAT PC8: the content wins, with a note.
        let mut lying = b"#FORMAT PC8\n".to_vec();
        lying.extend(&latin);
        let mut findings = Findings::default();
        let s = parse(&lying, "x.se", "1", &mut findings).expect("sie");
        assert_eq!(s.company.as_deref(), Some("ÅåäöÖ€"));
        assert_eq!(count_containing(&findings, "declares #FORMAT PC8"), 1);
        let (s, findings) = read("\u{FEFF}#FLAGGA 0\n#FNAMN \"Åre Kök\"\n".as_bytes());
        assert_eq!(s.company.as_deref(), Some("Åre Kök"));
        assert_eq!(s.format_note.as_deref(), Some("UTF-8"));
        assert!(findings.items.is_empty());
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "#FLAGGA 0\r\n#FORMAT PC8\r\n#FNAMN \"Åre Kök\"\r\n".encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        let (s, _) = read(&utf16);
        assert_eq!(s.company.as_deref(), Some("Åre Kök"));
        assert!(
            s.format_note
                .unwrap_or_default()
                .starts_with("UTF-16 (the file declares")
        );
    }

    #[test]
    fn not_an_sie_file() {
        for bytes in [
            &b"konto;belopp\n3000;12\n"[..],
            b"",
            b"\x00\x01\x02\xff\xfe",
            b"# A markdown heading\n\ntext\n",
        ] {
            let mut findings = Findings::default();
            assert!(parse(bytes, "ledger.se", "1", &mut findings).is_none());
            assert_eq!(findings.items.len(), 1);
            assert!(findings.items[0].message.starts_with("not an SIE file"));
            assert!(findings.has_errors());
        }
    }

    #[test]
    fn res_comparison() {
        let (s, findings) = sie(concat!(
            "#RES 0 3000 -150.00\n",
            "#RES 0 4000 80.00\n",
            "#RES -1 3000 -999.00\n",
            "#PSALDO 0 202401 3000 {} -100.00\n",
            "#PSALDO 0 202402 3000 {} -49.50\n",
            "#PSALDO 0 202401 4000 {} 80.00\n",
        ));
        no_errors(&findings);
        let hits: Vec<&crate::diag::Finding> = findings
            .items
            .iter()
            .filter(|f| f.message.contains("#RES says"))
            .collect();
        assert_eq!(hits.len(), 1, "{:#?}", messages(&findings));
        assert_eq!(hits[0].row, Some(5));
        assert!(hits[0].message.contains("account 3000, year 0"));
        assert!(hits[0].message.contains("-149.50"));
        assert!(hits[0].message.contains("-150.00"));
        // #RES keeps the file's sign.
        assert_eq!(s.results[0], (0, "3000".into(), -15_000));
    }

    #[test]
    fn totals_layout_distributes_and_ignores_other_dimensions() {
        let (s, findings) = sie(concat!(
            "#PSALDO 0 202403 5010 {} 1000.00\n",
            "#PSALDO 0 202403 5010 {1 A} 300.00\n",
            "#PSALDO 0 202403 5010 {1 B} 200.00\n",
            "#PSALDO 0 202403 5010 {6 P} 999.00\n",
            "#PSALDO 0 202403 5010 {1 A 6 P} 100.00\n",
            "#PSALDO 0 202403 5020 {6 P} 40.00\n",
            "#PSALDO 0 202403 5030 {1 A} 10.00\n",
            "#PSALDO 0 202403 5040 {} 70.00\n",
            "#PSALDO 0 202403 5040 {1 A} 70.00\n",
            "#PBUDGET 0 202403 5010 {} 900.00\n",
            "#PBUDGET 0 202403 5010 {1 A} 900.00\n",
        ));
        no_errors(&findings);
        let got: Vec<(&str, &str, i64, i64)> = s
            .balances
            .iter()
            .map(|b| (b.account.as_str(), b.unit.as_str(), b.actual, b.budget))
            .collect();
        assert_eq!(
            got,
            vec![
                ("5010", "", -50_000, 0),
                ("5020", "", -4_000, 0),
                ("5010", "A", -30_000, -90_000),
                ("5030", "A", -1_000, 0),
                ("5040", "A", -7_000, 0),
                ("5010", "B", -20_000, 0),
            ]
        );
        assert_eq!(
            count_containing(&findings, "1 account-period(s) where the object rows"),
            1
        );
        assert_eq!(count_containing(&findings, "partition"), 0);
    }

    #[test]
    fn partition_layout_is_chosen_when_it_matches_res() {
        let body = concat!(
            "#RES 0 3000 -100.00\n",
            "#PSALDO 0 202401 3000 {} -10.00\n",
            "#PSALDO 0 202401 3000 {1 A} -60.00\n",
            "#PSALDO 0 202401 3000 {6 P} -30.00\n",
        );
        let (s, findings) = sie(body);
        no_errors(&findings);
        assert_eq!(count_containing(&findings, "read as a partition"), 1);
        assert_eq!(count_containing(&findings, "#RES says"), 0);
        let got: Vec<(&str, i64)> = s
            .balances
            .iter()
            .map(|b| (b.unit.as_str(), b.actual))
            .collect();
        assert_eq!(got, vec![("", 4_000), ("A", 6_000)]);
        // The same rows with a #RES equal to the {} row: the totals layout.
        let (s, findings) = sie(&body.replace("#RES 0 3000 -100.00", "#RES 0 3000 -10.00"));
        assert_eq!(count_containing(&findings, "partition"), 0);
        let got: Vec<(&str, i64)> = s
            .balances
            .iter()
            .map(|b| (b.unit.as_str(), b.actual))
            .collect();
        assert_eq!(got, vec![("", -5_000), ("A", 6_000)]);
    }

    #[test]
    fn vouchers_rtrans_btrans_and_dates() {
        let (s, findings) = sie(concat!(
            "#VER A 1 20240105 \"Inköp\" 20240106\n",
            "{\n",
            "  #TRANS 4010 {1 \"10\"} 100.00\n",
            "  #BTRANS 4010 {} 555.00 20240105 \"fel\"\n",
            "  #RTRANS 2440 {} -100.00 20240107 \"rättad\"\n",
            "  #TRANS 2440 {} -100.00 20240107 \"rättad\"\n",
            "}\n",
            "#VER \"\" \"\" 20240201 {\n",
            "  #TRANS 3010 {} -50.00 \"\" \"\" 1\n",
            "  #TRANS 1930 {} 50.00\n",
            "}\n",
        ));
        no_errors(&findings);
        type Row<'a> = (Date, &'a str, &'a str, i64, &'a str, u64);
        let got: Vec<Row<'_>> = s
            .transactions
            .iter()
            .map(|t| {
                (
                    t.date,
                    t.unit.as_str(),
                    t.account.as_str(),
                    t.amount,
                    t.text.as_str(),
                    t.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ((2024, 1, 5), "10", "4010", -10_000, "Inköp", 7),
                ((2024, 1, 7), "", "2440", 10_000, "rättad", 10),
                ((2024, 2, 1), "", "3010", 5_000, "", 13),
                ((2024, 2, 1), "", "1930", -5_000, "", 14),
            ]
        );
        assert_eq!(count_containing(&findings, "does not balance"), 0);
        assert_eq!(
            count_containing(&findings, "1 #BTRANS (removed) and 1 #RTRANS"),
            1
        );
    }

    #[test]
    fn voucher_problems() {
        let (s, findings) = sie(concat!(
            "#TRANS 1910 {} 5.00\n",
            "#VER A 7 20240301\n",
            "{\n",
            "#TRANS 1910 {} 5.00\n",
            "#TRANS 3010 {} -4.00\n",
            "}\n",
            "}\n",
            "#VER A 8 20240302\n",
            "{\n",
            "#TRANS 1910 {} 5.00\n",
        ));
        no_errors(&findings);
        assert_eq!(s.transactions.len(), 3);
        let m = messages(&findings);
        assert_eq!(
            count_containing(&findings, "outside a #VER block"),
            1,
            "{m:#?}"
        );
        assert_eq!(
            count_containing(&findings, "voucher A 7 (20240301) does not balance"),
            1
        );
        assert_eq!(count_containing(&findings, "closes no #VER"), 1);
        assert_eq!(count_containing(&findings, "voucher A 8 has no closing"), 1);
        assert_eq!(
            count_containing(&findings, "voucher A 8 (20240302) does not balance"),
            1
        );
    }

    #[test]
    fn unparsable_values_are_errors_with_line_and_record() {
        let (s, findings) = sie(concat!(
            "#PSALDO 0 202401 3000 {} 12,50\n",
            "#PSALDO 0 202413 3000 {} 1.00\n",
            "#PSALDO 0 202401 3000 {} 1.005\n",
            "#PSALDO 0 202401 3000 {} 1.500\n",
            "#PSALDO 0 202401 3000 {1} 1.00\n",
            "#VER A 1 2024-01-01\n{\n#TRANS 1910 {} 1.00\n#TRANS 1910 {} x\n}\n",
            "#RAR 1 20250101\n",
        ));
        let errors: Vec<(Option<u64>, Option<String>)> = findings
            .errors()
            .map(|f| (f.row, f.column.clone()))
            .collect();
        assert_eq!(
            errors,
            vec![
                (Some(5), Some("#PSALDO".into())),
                (Some(6), Some("#PSALDO".into())),
                (Some(7), Some("#PSALDO".into())),
                (Some(9), Some("#PSALDO".into())),
                (Some(10), Some("#VER".into())),
                (Some(13), Some("#TRANS".into())),
                (Some(15), Some("#RAR".into())),
            ],
            "{:#?}",
            messages(&findings)
        );
        assert!(findings.items[0].message.contains("decimal point"));
        // Only the 1.500 row was read.
        assert_eq!(s.balances.len(), 1);
        assert_eq!(s.balances[0].actual, -150);
        assert!(s.transactions.is_empty());
    }

    #[test]
    fn money() {
        assert_eq!(parse_ore("-1234.50"), Ok(-123_450));
        assert_eq!(parse_ore("1234"), Ok(123_400));
        assert_eq!(parse_ore("1234.5"), Ok(123_450));
        assert_eq!(parse_ore("+0.07"), Ok(7));
        assert_eq!(parse_ore("1.2300"), Ok(123));
        assert_eq!(parse_ore(".5"), Ok(50));
        assert_eq!(parse_ore("-0"), Ok(0));
        for bad in [
            "",
            "-",
            ".",
            "1.234",
            "1,5",
            "1e3",
            "12 3",
            "--1",
            "99999999999999999999",
        ] {
            assert!(parse_ore(bad).is_err(), "{bad}");
        }
        assert_eq!(fmt_ore(-123_450), "-1234.50");
        assert_eq!(fmt_ore(7), "0.07");
        assert_eq!(fmt_ore(i64::MIN), "-92233720368547758.08");
    }

    #[test]
    fn dates_and_periods() {
        assert_eq!(parse_date("20240229"), Some((2024, 2, 29)));
        assert_eq!(parse_date("20230229"), None);
        assert_eq!(parse_date("20241301"), None);
        assert_eq!(parse_date("2024011"), None);
        assert_eq!(parse_date("2024010å"), None);
        assert_eq!(parse_period("202412"), Some(2024 * 12 + 11));
        assert_eq!(parse_period("202400"), None);
        assert_eq!(fmt_month(2024 * 12 + 11), "202412");
    }

    #[test]
    fn unknown_records_and_stray_lines() {
        let (_, findings) = sie(concat!(
            "#XYZ 1\n",
            "#KSUMMA 123\n",
            "#XYZ 2\n",
            "#ABC\n",
            "hello\n",
            "\n",
            "world\n",
        ));
        no_errors(&findings);
        let notes: Vec<&str> = findings
            .items
            .iter()
            .filter(|f| f.message.contains("not in the SIE 4 specification"))
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(notes.len(), 2, "{notes:#?}");
        assert!(notes[1].contains("#XYZ") && notes[1].contains("2 line(s), first on line 5"));
        assert_eq!(
            count_containing(&findings, "2 line(s) that are not SIE records"),
            1
        );
    }

    #[test]
    fn periods_outside_their_year() {
        let (s, findings) = sie(concat!(
            "#PSALDO 0 202501 3000 {} 1.00\n",
            "#PBUDGET 0 202401 3000 {} 2.00\n",
            "#PBUDGET -1 202401 3000 {} 2.00\n",
            "#PSALDO 2 202601 3000 {} 3.00\n",
        ));
        no_errors(&findings);
        let m = messages(&findings);
        assert_eq!(
            count_containing(&findings, "1 row(s) of year 0"),
            1,
            "{m:#?}"
        );
        assert_eq!(
            count_containing(&findings, "they are read as they stand"),
            1
        );
        assert_eq!(count_containing(&findings, "1 row(s) of year -1"), 1);
        assert_eq!(count_containing(&findings, "year index 2 has no #RAR"), 1);
        let budget: i64 = s.balances.iter().map(|b| b.budget).sum();
        assert_eq!(budget, -200, "the repeated year -1 budget is not counted");
        assert_eq!(s.balances.iter().map(|b| b.actual).sum::<i64>(), -400);
    }

    #[test]
    fn dimension_notes() {
        let (_, findings) = sie("#PSALDO 0 202401 3000 {6 P} 1.00\n");
        assert_eq!(
            count_containing(&findings, "no row has an object in dimension 1"),
            1
        );
        let (_, findings) = sie("#OBJEKT 1 A \"Avd A\"\n#PSALDO 0 202401 3000 {1 B} 1.00\n");
        assert_eq!(count_containing(&findings, "\"B\" of dimension 1"), 1);
    }

    #[test]
    fn many_repeated_problems_are_capped() {
        let body: String = (0..25)
            .map(|i| format!("#PSALDO 0 202401 {i} {{}} x\n"))
            .collect();
        let (_, findings) = sie(&body);
        assert_eq!(
            findings.count(crate::diag::Severity::Error),
            SHOWN_PER_KIND + 1
        );
        assert_eq!(count_containing(&findings, "15 more finding(s)"), 1);
    }

    #[test]
    fn garbage_never_panics() {
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let alphabet: &[u8] = b"#{}\" \t\n\r\\-.0123456789ABPSALDOTRVEKX\x84\x86\x94\xc3\xa5\xff";
        for round in 0..300 {
            let len = (round * 7) % 400;
            let mut bytes = b"#FLAGGA 0\n".to_vec();
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                bytes.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            let mut findings = Findings::default();
            let _ = parse(&bytes, "fuzz.se", "1", &mut findings);
        }
        let (_, findings) = sie(
            "#PSALDO 0 202401 3000 {} 92233720368547758.07\n#PSALDO 0 202401 3000 {} 92233720368547758.07\n#RES 0 3000 -92233720368547758.07\n",
        );
        no_errors(&findings);
    }
}

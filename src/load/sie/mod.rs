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

mod checks;
mod encoding;
mod layout;
mod lex;
mod records;
#[cfg(test)]
mod tests;

use encoding::{decode, describe_encoding};
use lex::{looks_like_sie, split_lines};

/// A calendar day: (year, month, day).
pub(crate) type Date = (i32, u32, u32);

/// A year of `#RAR`: its number (0 this year, -1 the one before) and its first and last day.
pub(crate) type Year = (i32, Date, Date);

/// What one SIE file holds, as read by [`parse`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SieFile {
    /// SIE type and the text encoding used to read the file, e.g.
    /// "SIE type 3; code page 437 (#FORMAT PC8)".
    pub format_note: Option<String>,
    /// `#FNAMN`.
    pub company: Option<String>,
    /// `#RAR`: year index (0 = current, -1 = previous, …), first day and last day.
    pub years: Vec<Year>,
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
// The reader and what it keeps between lines

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
}

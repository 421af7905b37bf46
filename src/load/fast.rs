//! Fast path for `transactions.csv`: Polars' streaming engine reads the file and sums the
//! amounts to (month, unit, account) in integer öre.
//!
//! This path only takes the common clean case. It returns `None` — and the caller falls back
//! to the row-by-row reader in `text.rs`/`table.rs`, which reports every problem with its row —
//! whenever the file is not clean in exactly the way checked here:
//!
//! * the whole file is valid UTF-8 (a BOM is allowed); the header is its first line and names
//!   `date`, `unit`, `account` and `amount` once each (trimmed, any case, quotes allowed);
//! * every `date` is exactly `YYYY-MM-DD`, a real calendar day, year 1000–9999;
//! * every `unit` and `account` is non-empty after trimming (they are trimmed, like the slow
//!   path does, and rows that only differ by surrounding spaces are merged);
//! * every `amount` is empty (counted as 0, as the slow path does) or matches
//!   `-?[0-9]{1,13}([,.][0-9]{1,2})?` with the file's own decimal mark: no thousands
//!   separators, no `+`, no exponent, no spaces, at most two decimals;
//! * Polars reads every row without error (a row with more fields than the header, a broken
//!   quote …).
//!
//! Money is exact: each amount is first checked by the pattern above, then parsed as `f64`
//! and turned into whole öre with `(x * 100).round()` *before* anything is summed, and the
//! sums are `i64`. For at most 13 integer digits and at most 2 decimals that is exact:
//! `x < 2^44`, so the parse is off by at most half an ulp (2^-10), times 100 < 0.1 öre, and
//! the product (< 2^50) is rounded by at most 1/16 öre — far from the 0.5 öre it would take
//! to round to the wrong öre. Because the pattern rejects a third decimal outright, no
//! tolerance check on `x * 100` is needed (the slow path rounds such amounts and warns, so
//! they must go there anyway).
//!
//! Memory: the query is collected with the streaming engine, so the file is read in morsels
//! and only the group-by state (one entry per month × unit × account) grows; the UTF-8 check
//! reads the file in 4 MiB blocks on a second thread while the query runs.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use polars::prelude::*;

/// Transactions summed to months per unit and account, sorted by (month, unit, account).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthlySums {
    /// Month index: `year * 12 + month - 1`.
    pub month: Vec<i32>,
    pub unit: Vec<String>,
    pub account: Vec<String>,
    /// Sum of the amounts in öre.
    pub ore: Vec<i64>,
    /// Input rows (records after the header).
    pub rows: u64,
}

/// Reads and aggregates transactions to (month, unit, account) sums in integer öre, lazily and
/// in a streaming fashion so that memory does not grow with the number of rows beyond what the
/// aggregates need. `None` when the file is not in the clean form (the caller falls back).
pub fn aggregate(path: &Path, separator: u8, decimal_comma: bool) -> Option<MonthlySums> {
    if !matches!(separator, b';' | b'\t' | b',') || (decimal_comma && separator == b',') {
        return None;
    }
    let header = read_header(path, separator)?;
    let find = |name: &str| -> Option<usize> {
        let mut hits = header
            .iter()
            .enumerate()
            .filter(|(_, h)| h.as_str() == name);
        let (i, _) = hits.next()?;
        Some(i)
    };
    // A column named twice is an error for the slow path: let it say so.
    let mut seen = std::collections::HashSet::new();
    if !header
        .iter()
        .filter(|h| !h.is_empty())
        .all(|h| seen.insert(h))
    {
        return None;
    }
    let (date, unit, account, amount) = (
        find("date")?,
        find("unit")?,
        find("account")?,
        find("amount")?,
    );

    std::thread::scope(|s| {
        let utf8 = s.spawn(|| is_utf8_file(path));
        let df = run_query(
            path,
            separator,
            decimal_comma,
            header.len(),
            [date, unit, account, amount],
        );
        // Always join (and so wait for) the check, even when the query failed.
        let utf8 = utf8.join().unwrap_or(false);
        if !utf8 {
            return None;
        }
        finish(&df.ok()?)
    })
}

/// Output column names of the query.
const YM: &str = "ym";
const UNIT: &str = "unit";
const ACCOUNT: &str = "account";
const ORE: &str = "ore";
const ROWS: &str = "rows";
const DAY_MIN: &str = "day_min";
const DAY_MAX: &str = "day_max";
const BAD: &str = "bad";

fn run_query(
    path: &Path,
    separator: u8,
    decimal_comma: bool,
    width: usize,
    [date, unit, account, amount]: [usize; 4],
) -> PolarsResult<DataFrame> {
    // Our own column names: c0, c1, … all read as text; only the four we use are parsed.
    let name = |i: usize| PlSmallStr::from(format!("c{i}"));
    let schema: Schema = (0..width)
        .map(|i| Field::new(name(i), DataType::String))
        .collect();
    let pattern = if decimal_comma {
        r"^-?[0-9]{1,13}(,[0-9]{1,2})?$"
    } else {
        r"^-?[0-9]{1,13}(\.[0-9]{1,2})?$"
    };
    let d = col(name(date));
    let a = col(name(amount));
    // "1234,56" -> "1234.56" -> 1234.56 -> 123456 öre, exact (see the module docs).
    let number = if decimal_comma {
        a.clone().str().replace(lit(","), lit("."), true)
    } else {
        a.clone()
    };
    let ore = (number.strict_cast(DataType::Float64) * lit(100.0))
        .round(0, RoundMode::HalfAwayFromZero)
        .strict_cast(DataType::Int64)
        .fill_null(lit(0i64));
    // Amounts that do not match the pattern (null = empty amount, which is fine).
    let bad_amount = a.str().contains(lit(pattern), true).not();
    // "-DD" of a 10-byte date read as a negative number: -1..=-31 for a day, and 0 when the
    // length is wrong so that the check of `day_max` fails.
    let day = when(d.clone().str().len_bytes().eq(lit(10u32)))
        .then(
            d.clone()
                .str()
                .slice(lit(7), lit(3))
                .strict_cast(DataType::Int8),
        )
        .otherwise(lit(0i8));

    LazyCsvReader::new(PlRefPath::try_from_path(path)?)
        .with_has_header(false)
        .with_skip_lines(1)
        .with_schema(Some(Arc::new(schema)))
        .map_parse_options(|o| o.with_separator(separator).with_quote_char(Some(b'"')))
        .finish()?
        .select([
            d.str().slice(lit(0), lit(7)).alias(YM),
            col(name(unit)).alias(UNIT),
            col(name(account)).alias(ACCOUNT),
            ore.alias(ORE),
            day.alias("day"),
            bad_amount.alias(BAD),
        ])
        .group_by([col(YM), col(UNIT), col(ACCOUNT)])
        .agg([
            col(ORE).sum().alias(ORE),
            len().alias(ROWS),
            col("day").min().alias(DAY_MIN),
            col("day").max().alias(DAY_MAX),
            col(BAD).sum().alias(BAD),
        ])
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
}

/// Checks the aggregated groups and builds the sorted result.
fn finish(df: &DataFrame) -> Option<MonthlySums> {
    let ym = df.column(YM).ok()?.str().ok()?;
    let unit = df.column(UNIT).ok()?.str().ok()?;
    let account = df.column(ACCOUNT).ok()?.str().ok()?;
    let ore = df.column(ORE).ok()?.cast(&DataType::Int64).ok()?;
    let ore = ore.i64().ok()?;
    let rows = df.column(ROWS).ok()?.cast(&DataType::UInt64).ok()?;
    let rows = rows.u64().ok()?;
    let day_min = df.column(DAY_MIN).ok()?.cast(&DataType::Int32).ok()?;
    let day_min = day_min.i32().ok()?;
    let day_max = df.column(DAY_MAX).ok()?.cast(&DataType::Int32).ok()?;
    let day_max = day_max.i32().ok()?;
    let bad = df.column(BAD).ok()?.cast(&DataType::UInt64).ok()?;
    let bad = bad.u64().ok()?;

    let n = df.height();
    let mut out: Vec<(i32, &str, &str, i64)> = Vec::with_capacity(n);
    let mut total_rows = 0u64;
    let mut trimmed = false;
    let mut months: HashMap<&str, (i32, i32)> = HashMap::new();
    let it = ym
        .iter()
        .zip(unit.iter())
        .zip(account.iter())
        .zip(ore.iter())
        .zip(rows.iter())
        .zip(day_min.iter())
        .zip(day_max.iter())
        .zip(bad.iter());
    for (((((((ym, u), a), o), r), dmin), dmax), bad) in it {
        if bad != Some(0) {
            return None;
        }
        let (month, days) = match months.get(ym?) {
            Some(&v) => v,
            None => {
                let v = parse_year_month(ym?)?;
                months.insert(ym?, v);
                v
            }
        };
        // Days are stored negated: -1 ..= -days_in_month.
        if dmax? > -1 || dmin? < -days {
            return None;
        }
        let (u, a) = (u?, a?);
        let (ut, at) = (u.trim(), a.trim());
        if ut.is_empty() || at.is_empty() {
            return None;
        }
        trimmed |= ut.len() != u.len() || at.len() != a.len();
        out.push((month, ut, at, o.unwrap_or(0)));
        total_rows += r?;
    }
    if trimmed {
        // Keys that only differed by surrounding spaces are one key after trimming.
        let mut merged: HashMap<(i32, &str, &str), i64> = HashMap::with_capacity(out.len());
        for (m, u, a, o) in out.drain(..) {
            *merged.entry((m, u, a)).or_insert(0) += o;
        }
        out = merged
            .into_iter()
            .map(|((m, u, a), o)| (m, u, a, o))
            .collect();
    }
    out.sort_unstable_by(|x, y| (x.0, x.1, x.2).cmp(&(y.0, y.1, y.2)));
    let mut sums = MonthlySums {
        month: Vec::with_capacity(out.len()),
        unit: Vec::with_capacity(out.len()),
        account: Vec::with_capacity(out.len()),
        ore: Vec::with_capacity(out.len()),
        rows: total_rows,
    };
    for (m, u, a, o) in out {
        sums.month.push(m);
        sums.unit.push(u.to_string());
        sums.account.push(a.to_string());
        sums.ore.push(o);
    }
    Some(sums)
}

/// `YYYY-MM` (exactly) as (month index, days in that month).
fn parse_year_month(s: &str) -> Option<(i32, i32)> {
    let b = s.as_bytes();
    if b.len() != 7 || b[4] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<i32> {
        b[r].iter().try_fold(0i32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + i32::from(c - b'0'))
        })
    };
    let (y, m) = (digits(0..4)?, digits(5..7)?);
    if !(1000..=9999).contains(&y) || !(1..=12).contains(&m) {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    Some((y * 12 + m - 1, days))
}

/// The header: the first line split at `separator` (quotes respected), each name trimmed of
/// spaces, BOM and quotes and lowercased, as the slow path matches them.
fn read_header(path: &Path, separator: u8) -> Option<Vec<String>> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut buf = Vec::new();
    let mut block = [0u8; 8192];
    let end = loop {
        let n = file.read(&mut block).ok()?;
        if n == 0 {
            return None; // no line end: no data rows either
        }
        buf.extend_from_slice(&block[..n]);
        if let Some(i) = buf.iter().position(|&c| c == b'\n') {
            break i;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
    };
    let line = std::str::from_utf8(&buf[..end]).ok()?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    let sep = separator as char;
    let mut names = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c == sep && !quoted => names.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    if quoted {
        return None; // a quoted newline in the header: leave it to the slow path
    }
    names.push(field);
    Some(
        names
            .iter()
            .map(|h| {
                h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '"')
                    .to_lowercase()
            })
            .collect(),
    )
}

/// Whether the whole file is valid UTF-8, read in blocks (constant memory).
fn is_utf8_file(path: &Path) -> bool {
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let mut buf = vec![0u8; 4 << 20];
    // Bytes of an incomplete character carried over from the previous block.
    let mut carry = 0usize;
    loop {
        let n = match file.read(&mut buf[carry..]) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        };
        let len = carry + n;
        if n == 0 {
            return carry == 0;
        }
        match std::str::from_utf8(&buf[..len]) {
            Ok(_) => carry = 0,
            Err(e) if e.error_len().is_none() => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..len, 0);
                carry = len - valid;
            }
            Err(_) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Writes `content` to a fresh file in the system temp dir.
    fn file(name: &str, content: &[u8]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("uppfolj-fast-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    fn agg(name: &str, content: &str, sep: u8, comma: bool) -> Option<MonthlySums> {
        aggregate(&file(name, content.as_bytes()), sep, comma)
    }

    fn m(y: i32, mo: i32) -> i32 {
        y * 12 + mo - 1
    }

    #[test]
    fn exact_sums_with_small_negatives_and_whole_kronor() {
        let s = agg(
            "exact.csv",
            "date;unit;account;amount;text\n\
             2019-01-05;A;4010;-0,50;x\n\
             2019-01-31;A;4010;-0,05;y\n\
             2019-01-15;A;4010;100;z\n\
             2019-02-28;A;4010;0,1;\n\
             2019-02-01;B;5010;-1234,56;\n\
             2019-02-02;B;5010;1234,57;\n\
             2020-02-29;A;4010;0,07;\n\
             2019-01-01;A;4010;;\n\
             2019-03-01;A;4010;-0,01\n",
            b';',
            true,
        )
        .unwrap();
        assert_eq!(s.rows, 9);
        assert_eq!(
            s.month,
            vec![m(2019, 1), m(2019, 2), m(2019, 2), m(2019, 3), m(2020, 2)]
        );
        assert_eq!(s.unit, vec!["A", "A", "B", "A", "A"]);
        assert_eq!(s.account, vec!["4010", "4010", "5010", "4010", "4010"]);
        assert_eq!(s.ore, vec![-55 + 10_000, 10, 1, -1, 7]);
    }

    #[test]
    fn comma_separator_with_decimal_point_and_quotes() {
        let s = agg(
            "point.csv",
            "Date,Unit,Account,Amount,Text\n\
             2019-05-01,\"K 1\",4010,-0.5,\"a, b\"\n\
             2019-05-02,\"K 1\",4010,\"12.25\",c\n\
             2019-05-03,K 2,4010,7,\n",
            b',',
            false,
        )
        .unwrap();
        assert_eq!(s.unit, vec!["K 1", "K 2"]);
        assert_eq!(s.ore, vec![1175, 700]);
        assert_eq!(s.rows, 3);
    }

    #[test]
    fn tab_separator_bom_crlf_header_case_and_order() {
        let content = "\u{feff} Text \t AMOUNT\t\"Account\"\tUnit \tDATE\textra\r\n\
                       hej\t-1,5\t4010\tU1\t2019-12-31\tq\r\n\
                       hå\t2,25\t4010\tU1\t2019-12-01\t\r\n";
        let s = agg("tab.csv", content, b'\t', true).unwrap();
        assert_eq!(s.month, vec![m(2019, 12)]);
        assert_eq!(s.ore, vec![75]);
        assert_eq!(s.rows, 2);
    }

    #[test]
    fn units_and_accounts_are_trimmed_and_merged() {
        let s = agg(
            "trim.csv",
            "date;unit;account;amount\n2019-01-01; A ;4010;1\n2019-01-02;A;4010 ;2\n",
            b';',
            true,
        )
        .unwrap();
        assert_eq!(
            (s.unit, s.account, s.ore),
            (vec!["A".into()], vec!["4010".into()], vec![300])
        );
    }

    #[test]
    fn unclean_files_fall_back() {
        let head = "date;unit;account;amount\n";
        let bad = [
            ("thousands", "2019-01-01;A;4010;1 234,56\n"),
            ("nbsp", "2019-01-01;A;4010;1\u{a0}234,56\n"),
            ("three-decimals", "2019-01-01;A;4010;1,005\n"),
            ("zero-third", "2019-01-01;A;4010;1,500\n"),
            ("point-in-comma-file", "2019-01-01;A;4010;1.5\n"),
            ("exponent", "2019-01-01;A;4010;1E+05\n"),
            ("plus", "2019-01-01;A;4010;+5\n"),
            ("nan", "2019-01-01;A;4010;NaN\n"),
            ("inf", "2019-01-01;A;4010;inf\n"),
            ("spaces", "2019-01-01;A;4010; 5\n"),
            ("too-large", "2019-01-01;A;4010;12345678901234\n"),
            ("bad-day", "2019-02-29;A;4010;1\n"),
            ("day-zero", "2019-02-00;A;4010;1\n"),
            ("bad-month", "2019-13-01;A;4010;1\n"),
            ("short-date", "2019-1-01;A;4010;1\n"),
            ("date-time", "2019-01-01 12:00;A;4010;1\n"),
            ("swedish-date", "01.02.2019;A;4010;1\n"),
            ("compact-date", "20190101;A;4010;1\n"),
            ("empty-date", ";A;4010;1\n"),
            ("empty-unit", "2019-01-01;;4010;1\n"),
            ("blank-unit", "2019-01-01; ;4010;1\n"),
            ("extra-field", "2019-01-01;A;4010;1;x\n"),
        ];
        for (name, row) in bad {
            let content = format!("{head}2019-01-01;A;4010;1\n{row}");
            assert_eq!(agg(name, &content, b';', true), None, "{name}");
        }
        let missing = "date;unit;konto;amount\n2019-01-01;A;4010;1\n";
        assert_eq!(agg("missing.csv", missing, b';', true), None);
        let twice = "date;unit;account;amount;Amount\n2019-01-01;A;4010;1;1\n";
        assert_eq!(agg("twice.csv", twice, b';', true), None);
        let latin1 = b"date;unit;account;amount;text\n2019-01-01;A;4010;1;H\xe4lsa\n";
        assert_eq!(aggregate(&file("latin1.csv", latin1), b';', true), None);
        let comma_three = "date,unit,account,amount\n2019-01-01,A,4010,1.234\n";
        assert_eq!(agg("comma3.csv", comma_three, b',', false), None);
    }

    #[test]
    fn year_month_parsing() {
        assert_eq!(parse_year_month("2020-02"), Some((m(2020, 2), 29)));
        assert_eq!(parse_year_month("1900-02"), Some((m(1900, 2), 28)));
        assert_eq!(parse_year_month("2000-02"), Some((m(2000, 2), 29)));
        assert_eq!(parse_year_month("0999-01"), None);
        assert_eq!(parse_year_month("2020-00"), None);
        assert_eq!(parse_year_month("2020/01"), None);
        assert_eq!(parse_year_month("+020-01"), None);
    }
}

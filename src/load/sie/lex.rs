//! Lines, labels and fields of SIE records, and the values in them: amounts, dates and
//! periods.

use super::Date;
use crate::clock::days_in_month;
use crate::model::period::Month;

pub(super) fn split_lines(text: &str) -> Vec<&str> {
    if text.contains('\n') {
        text.split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect()
    } else {
        text.split('\r').collect()
    }
}

/// Labels of the SIE 4 specification (SIE 1–4).
pub(super) const KNOWN_LABELS: &[&str] = &[
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

pub(super) fn looks_like_sie(lines: &[&str]) -> bool {
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
pub(super) enum Field {
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
pub(super) fn tokenize(line: &str) -> (Vec<Field>, Option<&'static str>) {
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

pub(super) fn text_at(fields: &[Field], i: usize) -> Option<&str> {
    match fields.get(i) {
        Some(Field::Text(s)) => Some(s.as_str()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Values

fn number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `YYYYMMDD`.
pub(super) fn parse_date(s: &str) -> Option<Date> {
    if s.len() != 8 || !s.is_ascii() {
        return None;
    }
    let year = i32::try_from(number(&s[0..4])?).ok()?;
    let month = number(&s[4..6])?;
    let day = number(&s[6..8])?;
    let real = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
    real.then_some((year, month, day))
}

/// `YYYYMM` → month index.
pub(super) fn parse_period(s: &str) -> Option<i32> {
    if s.len() != 6 || !s.is_ascii() {
        return None;
    }
    let year = i32::try_from(number(&s[0..4])?).ok()?;
    let month = number(&s[4..6])?;
    (1..=12)
        .contains(&month)
        .then(|| Month::of(year, month).index())
}

pub(super) fn fmt_month(index: i32) -> String {
    format!("{:04}{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

pub(super) fn fmt_date(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.0, d.1, d.2)
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::super::tests::{no_errors, sie};
    use super::*;
    use crate::diag::Findings;

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
        assert!(
            s.balances
                .iter()
                .all(|b| b.month == Month::of(2024, 1).index())
        );
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
}

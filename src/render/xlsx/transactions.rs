//! A leaf unit's transactions of the year to date in its workbook: a sheet with every
//! transaction, or, beyond what a worksheet holds, a CSV file beside the workbook and a sheet
//! that names it.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::{HEADER_ROW, date_formats, write_title};

use crate::model::period::Month;
use crate::model::posting::Posting;
use crate::present::Lang;

/// The rows a worksheet holds below its title and header rows.
pub(crate) const SHEET_ROWS: usize = 1_048_574;

/// A leaf unit's transactions for its workbook.
pub(crate) struct Ledger<'a> {
    /// By date and input order.
    pub postings: &'a [Posting],
    /// Whether the transactions are dated by month: the date column shows the month.
    pub by_month: bool,
    /// Account names by code.
    pub names: &'a BTreeMap<String, String>,
    /// The name of the CSV file written beside the workbook when the sheet cannot hold them.
    pub csv_name: String,
}

/// The sheet's header, from the report's language.
fn header(lang: &Lang) -> [String; 6] {
    [
        "transaction_date",
        "account_col",
        "account_name",
        "transaction_text",
        "amount",
        "month",
    ]
    .map(|k| lang.label(k).to_string())
}

/// How the transaction sheet is written.
pub(crate) struct Sheet<'a> {
    /// The title row's text.
    pub heading: &'a str,
    /// The header row's format.
    pub bold: &'a Format,
    /// The most transactions the sheet holds.
    pub limit: usize,
}

/// Adds the transaction sheet to `wb`; when there are more than `limit` transactions, a
/// sheet naming the CSV file instead, and the file's bytes are returned.
pub(crate) fn add_sheet(
    wb: &mut Workbook,
    ledger: &Ledger,
    lang: &Lang,
    sheet: &Sheet,
) -> Result<Option<Vec<u8>>, XlsxError> {
    if ledger.postings.is_empty() {
        return Ok(None);
    }
    let ws = wb.add_worksheet();
    ws.set_name(lang.label("transactions_title"))?;
    write_title(ws, sheet.heading)?;
    if ledger.postings.len() > sheet.limit {
        ws.write_string(
            HEADER_ROW,
            0,
            format!("{} {}", lang.label("transactions_in_file"), ledger.csv_name),
        )?;
        return Ok(Some(csv(ledger, lang)));
    }
    let header = header(lang);
    for (c, h) in header.iter().enumerate() {
        let h = if c == 4 {
            format!("{h}, kr")
        } else {
            h.clone()
        };
        ws.write_string_with_format(HEADER_ROW, c as u16, h, sheet.bold)?;
    }
    let (date, month) = date_formats();
    let money = Format::new().set_num_format("#,##0.00;-#,##0.00;0.00");
    let mut widths = [10usize, 8, 12, 10, 14, 8];
    for (i, p) in ledger.postings.iter().enumerate() {
        let r = i as u32 + HEADER_ROW + 1;
        let day_or_month = if ledger.by_month { &month } else { &date };
        super::write_day(ws, (r, 0), p.date, day_or_month)?;
        ws.write_string(r, 1, &*p.account)?;
        let name = ledger.names.get(&*p.account).map_or("", String::as_str);
        ws.write_string(r, 2, name)?;
        ws.write_string(r, 3, super::fit_cell(&p.text).as_ref())?;
        // Öre below 2^53 are exact in a double; the cell shows kronor with two decimals.
        ws.write_number_with_format(r, 4, p.amount as f64 / 100.0, &money)?;
        let (y, m, _) = crate::clock::civil_from_days(p.date);
        let first = crate::model::period::first_day(Month::of(y, m));
        super::write_day(ws, (r, 5), first, &month)?;
        widths[1] = widths[1].max(p.account.chars().count());
        widths[2] = widths[2].max(name.chars().count().min(40));
        widths[3] = widths[3].max(p.text.chars().count().min(60));
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w as f64 + 2.0)?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
    ws.autofilter(HEADER_ROW, 0, ledger.postings.len() as u32 + HEADER_ROW, 5)?;
    Ok(None)
}

/// The transactions as CSV in UTF-8: `;` and a decimal comma where the report's language
/// writes a decimal comma, else `,` and a point; amounts exact in kronor, without thousands
/// separators.
fn csv(ledger: &Ledger, lang: &Lang) -> Vec<u8> {
    let comma = lang.style().decimal_mark == ',';
    let sep = if comma { ';' } else { ',' };
    let field = |t: &str| {
        if t.contains([sep, '"', '\n', '\r']) {
            format!("\"{}\"", t.replace('"', "\"\""))
        } else {
            t.to_string()
        }
    };
    let mut out = String::new();
    let header: Vec<String> = header(lang).iter().map(|h| field(h)).collect();
    out.push_str(&header.join(&sep.to_string()));
    out.push_str("\r\n");
    for p in ledger.postings {
        let (y, m, _) = crate::clock::civil_from_days(p.date);
        let mut amount = crate::model::money::kronor_string(p.amount);
        if comma {
            amount = amount.replace('.', ",");
        }
        let row = [
            if ledger.by_month {
                Month::of(y, m).to_string()
            } else {
                crate::clock::date_text(p.date)
            },
            field(&p.account),
            field(ledger.names.get(&*p.account).map_or("", String::as_str)),
            field(&p.text),
            amount,
            Month::of(y, m).to_string(),
        ];
        out.push_str(&row.join(&sep.to_string()));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posting(day: i32, account: &str, amount: i64, text: &str, order: u64) -> Posting {
        Posting {
            date: crate::clock::days_from_civil(2020, 9, day as u32),
            account: account.into(),
            amount,
            text: text.into(),
            order,
        }
    }

    /// Transactions dated by month are listed by their month, not the first day of it.
    #[test]
    fn transactions_dated_by_month_are_listed_by_their_month() {
        let lang = Lang::parse(include_str!("../../../templates/lang/en.yaml"), "en.yaml").unwrap();
        let postings = [posting(1, "4010", -150, "", 1)];
        let names = BTreeMap::new();
        let ledger = |by_month| Ledger {
            postings: &postings,
            by_month,
            names: &names,
            csv_name: String::new(),
        };
        let header = "Date,Account,Account name,Text,Amount,Month\r\n";
        assert_eq!(
            String::from_utf8(csv(&ledger(true), &lang)).unwrap(),
            format!("{header}2020-09,4010,,,-1.50,2020-09\r\n")
        );
        assert_eq!(
            String::from_utf8(csv(&ledger(false), &lang)).unwrap(),
            format!("{header}2020-09-01,4010,,,-1.50,2020-09\r\n")
        );
    }

    /// Beyond the rows a sheet holds, the transactions go to a CSV file (exact amounts,
    /// quoted texts) and the workbook names it.
    #[test]
    fn beyond_the_limit_a_csv_file_named_in_the_workbook() {
        let lang = Lang::parse(include_str!("../../../templates/lang/sv.yaml"), "sv.yaml").unwrap();
        let postings = [
            posting(1, "4010", -123_456_789, "Faktura; \"ram\"", 1),
            posting(2, "3010", 5, "", 2),
            posting(2, "4010", 100, "Rättelse", 3),
        ];
        let names = BTreeMap::from([("4010".to_string(), "Material".to_string())]);
        let ledger = Ledger {
            postings: &postings,
            by_month: false,
            names: &names,
            csv_name: "A-transaktioner.csv".into(),
        };
        let mut wb = Workbook::new();
        let bold = Format::new();
        let sheet = |limit| Sheet {
            heading: "A (1) – september 2020",
            bold: &bold,
            limit,
        };
        let csv = add_sheet(&mut wb, &ledger, &lang, &sheet(2)).unwrap();
        let csv = String::from_utf8(csv.expect("a CSV file")).unwrap();
        assert_eq!(
            csv,
            "Datum;Konto;Kontonamn;Text;Belopp;Månad\r\n\
             2020-09-01;4010;Material;\"Faktura; \"\"ram\"\"\";-1234567,89;2020-09\r\n\
             2020-09-02;3010;;;0,05;2020-09\r\n\
             2020-09-02;4010;Material;Rättelse;1,00;2020-09\r\n"
        );
        let bytes = wb.save_to_buffer().unwrap();
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let note = calamine::Reader::worksheet_range(&mut book, "Transaktioner").unwrap();
        assert_eq!(
            note.get_value((0, 0)).unwrap().to_string(),
            "A (1) – september 2020"
        );
        assert!(
            note.get_value((1, 0))
                .unwrap()
                .to_string()
                .ends_with("finns i filen A-transaktioner.csv")
        );
        let mut wb = Workbook::new();
        assert!(
            add_sheet(&mut wb, &ledger, &lang, &sheet(3))
                .unwrap()
                .is_none(),
            "within the limit the sheet holds them"
        );
    }
}

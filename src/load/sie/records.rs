//! One record line at a time: names, years, period balances, `#RES`/`#IB`/`#UB`, and
//! vouchers with their `#TRANS` rows.

use super::lex::{Field, KNOWN_LABELS, fmt_date, parse_date, parse_period, text_at, tokenize};
use super::{Date, Kind, Level, RawBalance, Reader, TransRow, Voucher};
use crate::model::money::{kronor_string, parse_ore_sie};

/// The fields of one `#TRANS` line; amount in the file's sign, date and text its own.
struct ParsedTrans {
    objects: Vec<(String, String)>,
    account: String,
    amount: i64,
    date: Option<Date>,
    text: String,
}

impl Reader<'_> {
    pub(super) fn line(&mut self, no: u64, raw: &str) {
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
            Some(s) => match parse_ore_sie(s) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.error(no, label, e.to_string());
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

    pub(super) fn finish_voucher(&mut self, v: Voucher) {
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
                    kronor_string(v.sum)
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
}

#[cfg(test)]
mod tests {
    use super::super::tests::{count_containing, messages, no_errors, sie};
    use super::*;

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
}

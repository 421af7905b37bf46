//! The checks after the last line: periods against their years, sums against `#RES` and
//! `#TRANS`, object codes, and the notes on what was not read.

use std::collections::{BTreeMap, BTreeSet};

use super::lex::{fmt_date, fmt_month};
use super::{Date, Kind, Level, Reader};
use crate::model::money::kronor_string;
use crate::model::period::Month;

impl Reader<'_> {
    /// Checks each period row against the `#RAR` range of its year index. A row outside
    /// its year that repeats a row (same kind, month, account and objects) of the year
    /// that does hold the month is dropped: some exporters write the current budget once
    /// more under year -1, and counting it twice would double the budget.
    pub(super) fn check_periods_in_years(&mut self) {
        let ranges: Vec<(i32, i32, i32)> = self
            .rar
            .iter()
            .map(|(y, (s, e))| (*y, Month::of(s.0, s.1).index(), Month::of(e.0, e.1).index()))
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

    pub(super) fn check_against_res(&mut self, totals: &BTreeMap<(i32, i32, String), (i64, u64)>) {
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
                    kronor_string(sum),
                    kronor_string(res),
                    kronor_string(res.saturating_sub(sum))
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

    pub(super) fn check_transactions(&mut self, totals: &BTreeMap<(i32, i32, String), (i64, u64)>) {
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
                .entry((Month::of(t.date.0, t.date.1).index(), t.account.clone()))
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
                    kronor_string(sum),
                    kronor_string(res),
                    kronor_string(res.saturating_sub(sum))
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
                    kronor_string(ps),
                    kronor_string(trans)
                ),
            );
        }
        self.findings.note(
            self.file,
            "the file has both #PSALDO period balances and #VER/#TRANS transactions; they describe \
             the same bookings, so use one of them, not both",
        );
    }

    pub(super) fn report_objects(&mut self) {
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

    pub(super) fn report_leftovers(&mut self) {
        // Named one by one up to a bound; the rest in one note with their count.
        const NAMED: usize = 20;
        let unknown = std::mem::take(&mut self.unknown);
        let more = unknown.len().saturating_sub(NAMED);
        let (mut lines, mut first_more) = (0usize, u64::MAX);
        for (i, (label, (count, first))) in unknown.into_iter().enumerate() {
            if i >= NAMED {
                lines += count;
                first_more = first_more.min(first);
                continue;
            }
            self.findings.note(
                self.file,
                format!(
                    "record {} is not in the SIE 4 specification: {count} line(s), first on \
                     line {first}; ignored",
                    crate::diag::cut(&label)
                ),
            );
        }
        if more > 0 {
            self.findings.note(
                self.file,
                format!(
                    "{more} more kinds of record are not in the SIE 4 specification: {lines} \
                     line(s), first on line {first_more}; ignored"
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

#[cfg(test)]
mod tests {
    use super::super::SHOWN_PER_KIND;
    use super::super::tests::{count_containing, messages, no_errors, sie};

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
}

//! How `#PSALDO`/`#PBUDGET` rows with object lists become rows per unit: the *totals* or
//! the *partition* layout, chosen per file.

use std::collections::{BTreeMap, BTreeSet};

use super::lex::fmt_month;
use super::{Kind, PeriodRow, RawBalance, Reader};
use crate::model::money::kronor_string;

impl Reader<'_> {
    /// Combines the raw period rows into [`SieFile::balances`](super::SieFile::balances).
    /// Returns the account totals of the actual rows per (year, month, account), file sign.
    pub(super) fn combine_balances(&mut self) -> BTreeMap<(i32, i32, String), (i64, u64)> {
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
                                kronor_string(total),
                                self.dimension,
                                kronor_string(objects)
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
    use super::super::tests::{count_containing, no_errors, sie};

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
}

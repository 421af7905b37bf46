//! End-to-end tests over [`parse`](super::parse) with the real files of `tests/fixtures/sie`,
//! and the helpers the tests of the other modules share.

use std::collections::BTreeMap;

use super::lex::fmt_month;
use super::*;
use crate::model::period::Month;

const PERIODSALDO: &[u8] = include_bytes!("../../../tests/fixtures/sie/periodsaldo_ovnbolag.se");
const OBJEKTSALDO: &[u8] = include_bytes!("../../../tests/fixtures/sie/objektsaldo_ovnbolag.se");
const TRANSAKTIONER: &[u8] =
    include_bytes!("../../../tests/fixtures/sie/transaktioner_ovnbolag.se");
const BAD_BALANCE: &[u8] =
    include_bytes!("../../../tests/fixtures/sie/transaktioner_ovnbolag-bad-balance.se");
const TYP3: &[u8] = include_bytes!("../../../tests/fixtures/sie/typ3.se");
const BL0001: &[u8] = include_bytes!("../../../tests/fixtures/sie/BL0001_typ3.SE");
const MAMUT: &[u8] = include_bytes!("../../../tests/fixtures/sie/MAMUT_SIE3_EXPORT.SE");
const UNDERDIM: &[u8] =
    include_bytes!("../../../tests/fixtures/sie/SIE4_Exempelfil_med_underdim.SE");

pub(super) fn read(bytes: &[u8]) -> (SieFile, Findings) {
    read_dim(bytes, "1")
}

fn read_dim(bytes: &[u8], dim: &str) -> (SieFile, Findings) {
    let mut findings = Findings::default();
    let sie = parse(bytes, "test.se", dim, &mut findings).expect("an SIE file");
    (sie, findings)
}

pub(super) fn messages(findings: &Findings) -> Vec<String> {
    findings.items.iter().map(ToString::to_string).collect()
}

pub(super) fn count_containing(findings: &Findings, text: &str) -> usize {
    messages(findings)
        .iter()
        .filter(|m| m.contains(text))
        .count()
}

pub(super) fn no_errors(findings: &Findings) {
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

// ---- real files ------------------------------------------------------------------------

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
            .entry((Month::of(t.date.0, t.date.1).index(), t.account.clone()))
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
    let result_sign = |y2009: &BTreeMap<String, i64>, y2010: &BTreeMap<String, i64>, a: &str| {
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
    let dec = Month::of(2009, 12).index();
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

// ---- synthetic files -------------------------------------------------------------------

const HEAD: &str = "#FLAGGA 0\n#SIETYP 4\n#RAR 0 20240101 20241231\n#RAR -1 20230101 20231231\n";

pub(super) fn sie(body: &str) -> (SieFile, Findings) {
    read(format!("{HEAD}{body}").as_bytes())
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

/// Mutated real files (bytes flipped, lines cut, braces and quotes inserted): the reader
/// never panics and never takes long, whatever it is given; what it cannot read is a finding.
#[test]
fn mutated_files_are_read_without_panic() {
    let mut seed: u64 = 4;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize % n.max(1)
    };
    let inserts: [&[u8]; 8] = [
        b"{",
        b"}",
        b"\"",
        b"#TRANS",
        b"\r\n",
        b"\xff",
        b"-",
        b"99999999999999999999",
    ];
    for base in [
        PERIODSALDO,
        OBJEKTSALDO,
        TRANSAKTIONER,
        TYP3,
        BL0001,
        MAMUT,
        UNDERDIM,
    ] {
        for _ in 0..40 {
            let mut bytes = base.to_vec();
            for _ in 0..1 + next(8) {
                let at = next(bytes.len());
                match next(4) {
                    0 => bytes[at] = next(256) as u8,
                    1 => bytes.truncate(at),
                    2 => {
                        let ins = inserts[next(inserts.len())];
                        bytes.splice(at..at, ins.iter().copied());
                    }
                    _ => {
                        let end = (at + next(200)).min(bytes.len());
                        bytes.drain(at..end);
                    }
                }
                if bytes.is_empty() {
                    bytes.push(b'#');
                }
            }
            let mut findings = Findings::default();
            let _ = parse(&bytes, "mutated.se", "1", &mut findings);
        }
    }
}

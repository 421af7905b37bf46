//! Synthetic regions for benchmarks and tests: a realistic tree of N leaf units, M accounts,
//! two years of monthly ledger rows and every optional table, deterministic from a seed,
//! written as Swedish CSV (`;`, decimal comma). Optionally K raw transaction rows with a
//! budget table instead of the monthly ledger.

use super::log::Log;
use crate::Failure;
use crate::diag::Findings;
use crate::error::IoError;
use std::io::{BufWriter, Write};
use std::path::Path;

/// A small, fast, deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, n).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Uniform in [-1, 1), as a fraction for noise on amounts.
    fn noise(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }
}

/// The shape of a synthetic region.
pub struct Options {
    /// Leaf units (the tree above them is built to fit).
    pub leaves: usize,
    /// Accounts in the chart of accounts.
    pub accounts: usize,
    /// The generator's seed: the same seed gives the same files.
    pub seed: u64,
    /// Raw transaction rows instead of the monthly ledger (0 = ledger).
    pub transactions: u64,
    /// The last month with outcome, e.g. 2020-09; the data covers that year and the one before.
    pub year: i32,
    /// The last month with outcome (1–12).
    pub last_month: u32,
}

/// öre as Swedish text: `-1 234,56` (plain space between thousands).
pub fn kr(ore: i64) -> String {
    crate::model::money::kronor_text(ore)
}

struct Account {
    code: String,
    name: String,
    category: &'static str,
    /// Yearly amount per leaf, öre, result sign.
    base: i64,
}

fn accounts(m: usize, rng: &mut Rng) -> Vec<Account> {
    // (first code, category, share of accounts, typical yearly amount per leaf in kr, sign)
    let classes: [(u32, &str, f64, i64, i64); 8] = [
        (3000, "Verksamhetens intäkter", 0.12, 2_000_000, 1),
        (4000, "Köp av verksamhet", 0.10, 1_500_000, -1),
        (4400, "Läkemedel", 0.05, 1_000_000, -1),
        (4600, "Material och tjänster", 0.18, 400_000, -1),
        (5000, "Personalkostnader", 0.25, 4_000_000, -1),
        (6000, "Övriga verksamhetskostnader", 0.22, 300_000, -1),
        (7800, "Avskrivningar", 0.04, 200_000, -1),
        (8400, "Finansiella poster", 0.04, 50_000, -1),
    ];
    let mut out = Vec::with_capacity(m);
    for (i, (first, cat, share, amount, sign)) in classes.iter().enumerate() {
        let n = if i == classes.len() - 1 {
            m.saturating_sub(out.len()).max(1)
        } else {
            ((m as f64 * share).round() as usize).max(1)
        };
        for k in 0..n {
            let scale = 0.2 + rng.below(1000) as f64 / 500.0;
            out.push(Account {
                code: (first + k as u32).to_string(),
                name: format!("{cat} {}", k + 1),
                category: cat,
                base: sign * ((*amount as f64 * scale) as i64) * 100 * 4 / (n as i64).max(1),
            });
        }
    }
    out.truncate(m);
    out
}

/// öre as a plain decimal-comma number, as raw ledger extracts write it: `-1234567,89`.
pub fn kr_plain(ore: i64) -> String {
    let sign = if ore < 0 { "-" } else { "" };
    let a = ore.unsigned_abs();
    format!("{sign}{},{:02}", a / 100, a % 100)
}

/// Seasonal weight of a month (1–12) for costs: summer vacation and a December peak.
fn season(month: u32) -> f64 {
    [
        1.0, 0.95, 1.02, 1.0, 1.0, 0.97, 0.75, 0.85, 1.02, 1.03, 1.02, 1.39,
    ][(month - 1) as usize]
        / 12.0
}

/// Writes a synthetic region into `dir` (created if missing).
pub fn write(dir: &Path, opts: &Options) -> Result<(), IoError> {
    std::fs::create_dir_all(dir).map_err(IoError::at(dir, "cannot create"))?;
    let files = Files { dir };
    let mut rng = Rng(opts.seed);
    let tree = Tree::new(opts.leaves);
    write_units(&files, &tree.units)?;
    let accts = accounts(opts.accounts, &mut rng);
    write_accounts(&files, &accts)?;
    let book = Book::new(opts, &tree.leaves, accts, &mut rng);
    if opts.transactions == 0 {
        write_ledger(&files, &book, &mut rng)?;
    } else {
        write_transactions(&files, &book, &mut rng)?;
    }
    // Optional tables, for every leaf and month.
    write_forecast(&files, &book, &mut rng)?;
    write_staffing(&files, &book, &mut rng)?;
    write_measures(&files, &book, &mut rng)?;
    write_frames(&files, opts, tree.committees, &mut rng)?;
    write_reallocations(&files, opts)
}

/// Logs what was written (or why it stopped); the exit code.
pub fn report(
    log: &Log,
    result: Result<(), IoError>,
    out: &Path,
    opts: &Options,
    findings: &Findings,
) -> std::process::ExitCode {
    match result {
        Ok(()) => {
            println!(
                "uppfolj: synthetic region with {} leaf units written to {}",
                opts.leaves,
                out.display()
            );
            std::process::ExitCode::SUCCESS
        }
        Err(e) => log.fail(&Failure::Write(e.into()), findings, false),
    }
}

/// The folder the files go to.
struct Files<'a> {
    dir: &'a Path,
}

impl Files<'_> {
    /// A new file `name`, buffered.
    fn create(&self, name: &str) -> Result<BufWriter<std::fs::File>, IoError> {
        let f = std::fs::File::create(self.dir.join(name))
            .map_err(IoError::at(self.dir.join(name), "cannot create"))?;
        Ok(BufWriter::with_capacity(1 << 20, f))
    }

    /// A failed write, at the folder.
    fn io(&self, e: std::io::Error) -> IoError {
        IoError::at(self.dir, "cannot write")(e)
    }
}

/// The organisation: root → 5 committees → divisions → areas → leaves (about 8 leaves an
/// area).
struct Tree {
    /// Code, name and parent of every unit.
    units: Vec<(String, String, String)>,
    /// The leaf units' codes.
    leaves: Vec<String>,
    /// Committees under the root (`N1`, `N2`, …).
    committees: usize,
}

impl Tree {
    fn new(leaf_count: usize) -> Tree {
        let mut units: Vec<(String, String, String)> =
            vec![("R".into(), "Syntetiska regionen".into(), String::new())];
        let committees = 5.min(leaf_count.max(1));
        let areas_total = leaf_count.div_ceil(8).max(committees);
        let divisions_per = (areas_total / committees / 3).max(1);
        let mut divisions = Vec::new();
        for c in 0..committees {
            let cc = format!("N{}", c + 1);
            units.push((cc.clone(), format!("Nämnd {}", c + 1), "R".into()));
            for d in 0..divisions_per {
                let dc = format!("{cc}-F{}", d + 1);
                units.push((
                    dc.clone(),
                    format!("Förvaltning {}.{}", c + 1, d + 1),
                    cc.clone(),
                ));
                divisions.push(dc);
            }
        }
        let mut areas = Vec::new();
        let per_div = areas_total.div_ceil(divisions.len());
        for (i, d) in divisions.iter().enumerate() {
            for a in 0..per_div {
                if areas.len() >= areas_total {
                    break;
                }
                let ac = format!("{d}-O{}", a + 1);
                units.push((ac.clone(), format!("Område {}.{}", i + 1, a + 1), d.clone()));
                areas.push(ac);
            }
        }
        let mut leaves = Vec::new();
        for i in 0..leaf_count {
            let code = format!("{}", 10000 + i);
            units.push((
                code.clone(),
                format!("Enhet {}", i + 1),
                areas[i % areas.len()].clone(),
            ));
            leaves.push(code);
        }
        Tree {
            units,
            leaves,
            committees,
        }
    }
}

/// The books of every leaf: which accounts it uses and how far it drifts off budget.
struct Book<'a> {
    opts: &'a Options,
    leaves: &'a [String],
    accts: Vec<Account>,
    /// Per leaf, the accounts it books on.
    uses: Vec<Vec<usize>>,
    /// Per leaf, its yearly drift off budget on costs (0 for most).
    drift: Vec<f64>,
    /// The year before and the year of the last month.
    years: [i32; 2],
}

impl<'a> Book<'a> {
    /// Each leaf books on about 30 % of the accounts; some leaves run far off budget.
    fn new(opts: &'a Options, leaves: &'a [String], accts: Vec<Account>, rng: &mut Rng) -> Self {
        let uses: Vec<Vec<usize>> = leaves
            .iter()
            .map(|_| (0..accts.len()).filter(|_| rng.below(100) < 31).collect())
            .collect();
        let drift: Vec<f64> = leaves
            .iter()
            .map(|_| {
                if rng.below(10) == 0 {
                    0.08 + rng.below(10) as f64 / 100.0
                } else {
                    0.0
                }
            })
            .collect();
        Book {
            opts,
            leaves,
            accts,
            uses,
            drift,
            years: [opts.year - 1, opts.year],
        }
    }

    /// Outcome and budget of leaf `leaf` on account `a` for a month, öre.
    fn cell(&self, leaf: usize, a: &Account, year: i32, month: u32, rng: &mut Rng) -> (i64, i64) {
        let budget = (a.base as f64 * season(month)) as i64;
        let has_actual = year < self.opts.year || month <= self.opts.last_month;
        let mut factor = 1.0 + 0.03 * rng.noise();
        if a.base < 0 && year == self.opts.year {
            factor += self.drift[leaf] * month as f64 / 12.0;
        }
        let actual = if has_actual {
            (budget as f64 * factor) as i64
        } else {
            0
        };
        (actual, budget)
    }

    /// Months with outcome in `year`.
    fn months(&self, year: i32) -> u32 {
        if year == self.opts.year {
            self.opts.last_month
        } else {
            12
        }
    }
}

fn write_units(files: &Files, units: &[(String, String, String)]) -> Result<(), IoError> {
    let io = |e| files.io(e);
    let mut w = files.create("units.csv")?;
    writeln!(w, "unit;name;parent").map_err(io)?;
    for (u, n, p) in units {
        writeln!(w, "{u};{n};{p}").map_err(io)?;
    }
    w.flush().map_err(io)
}

fn write_accounts(files: &Files, accts: &[Account]) -> Result<(), IoError> {
    let io = |e| files.io(e);
    let mut w = files.create("accounts.csv")?;
    writeln!(w, "account;name;category").map_err(io)?;
    for a in accts {
        writeln!(w, "{};{};{}", a.code, a.name, a.category).map_err(io)?;
    }
    w.flush().map_err(io)
}

/// The monthly ledger: outcome and budget per leaf, account and month.
fn write_ledger(files: &Files, book: &Book, rng: &mut Rng) -> Result<(), IoError> {
    let io = |e| files.io(e);
    let mut w = files.create("ledger.csv")?;
    writeln!(w, "period;unit;account;actual;budget").map_err(io)?;
    for (li, leaf) in book.leaves.iter().enumerate() {
        for &ai in &book.uses[li] {
            let a = &book.accts[ai];
            for &y in &book.years {
                for m in 1..=12 {
                    let (actual, budget) = book.cell(li, a, y, m, rng);
                    writeln!(
                        w,
                        "{y}-{m:02};{leaf};{};{};{}",
                        a.code,
                        kr(actual),
                        kr(budget)
                    )
                    .map_err(io)?;
                }
            }
        }
    }
    w.flush().map_err(io)
}

/// The budget table and the outcome as raw transactions: K rows in all.
fn write_transactions(files: &Files, book: &Book, rng: &mut Rng) -> Result<(), IoError> {
    let io = |e| files.io(e);
    let mut b = files.create("budget.csv")?;
    writeln!(b, "period;unit;account;budget").map_err(io)?;
    let mut cells = Vec::new();
    for (li, leaf) in book.leaves.iter().enumerate() {
        for &ai in &book.uses[li] {
            for &y in &book.years {
                for m in 1..=12 {
                    let (actual, budget) = book.cell(li, &book.accts[ai], y, m, rng);
                    writeln!(
                        b,
                        "{y}-{m:02};{leaf};{};{}",
                        book.accts[ai].code,
                        kr(budget)
                    )
                    .map_err(io)?;
                    if actual != 0 {
                        cells.push((li, ai, y, m, actual));
                    }
                }
            }
        }
    }
    b.flush().map_err(io)?;
    // Spread each month's outcome over transactions: K rows in all.
    let total = book.opts.transactions;
    let per_cell = (total / cells.len().max(1) as u64).max(1);
    let mut left = total;
    let mut w = files.create("transactions.csv")?;
    writeln!(w, "date;unit;account;amount;text").map_err(io)?;
    for (i, (li, ai, y, m, actual)) in cells.iter().enumerate() {
        if left == 0 {
            break;
        }
        let n = if i == cells.len() - 1 {
            left
        } else {
            per_cell.min(left)
        };
        let part = actual / n as i64;
        for k in 0..n {
            let amount = if k == n - 1 {
                actual - part * (n as i64 - 1)
            } else {
                part
            };
            let day = 1 + rng.below(28);
            writeln!(
                w,
                "{y}-{m:02}-{day:02};{};{};{};Verifikation {}",
                book.leaves[*li],
                book.accts[*ai].code,
                kr_plain(amount),
                k + 1
            )
            .map_err(io)?;
        }
        left -= n;
    }
    w.flush().map_err(io)
}

/// The forecast deviation per leaf, from February to the last month.
fn write_forecast(files: &Files, book: &Book, rng: &mut Rng) -> Result<(), IoError> {
    let io = |e| files.io(e);
    let opts = book.opts;
    let mut w = files.create("forecast.csv")?;
    writeln!(w, "period;unit;deviation").map_err(io)?;
    for (li, leaf) in book.leaves.iter().enumerate() {
        let yearly: i64 = book.uses[li]
            .iter()
            .map(|&a| book.accts[a].base)
            .filter(|b| *b < 0)
            .sum();
        for m in 2..=opts.last_month {
            let dev = (yearly as f64 * book.drift[li] * 0.8) as i64 + (rng.noise() * 1e6) as i64;
            writeln!(w, "{}-{m:02};{leaf};{}", opts.year, kr(dev)).map_err(io)?;
        }
    }
    w.flush().map_err(io)
}

/// Staffing, agency staff and activity per leaf and month.
fn write_staffing(files: &Files, book: &Book, rng: &mut Rng) -> Result<(), IoError> {
    let io = |e| files.io(e);
    let mut st = files.create("staffing.csv")?;
    writeln!(
        st,
        "period;unit;worked_hours;scheduled_hours;sick_hours;employees"
    )
    .map_err(io)?;
    let mut ag = files.create("agency.csv")?;
    writeln!(ag, "period;unit;profession;own_cost;agency_cost").map_err(io)?;
    let mut ac = files.create("activity.csv")?;
    writeln!(ac, "period;unit;kpi;value").map_err(io)?;
    for leaf in book.leaves {
        let staff = 20 + rng.below(200);
        for &y in &book.years {
            for m in 1..=book.months(y) {
                let scheduled = staff as f64 * 140.0 * (1.0 + 0.02 * rng.noise());
                let sick = scheduled * (0.05 + 0.01 * rng.noise());
                let worked = scheduled - sick;
                writeln!(
                    st,
                    "{y}-{m:02};{leaf};{:.1};{:.1};{:.1};{staff}",
                    worked, scheduled, sick
                )
                .map_err(io)?;
                for (p, own, share) in [
                    ("läkare", 900_000i64, 0.12),
                    ("sjuksköterska", 1_500_000, 0.03),
                ] {
                    let o = own * 100 * staff as i64 / 100;
                    let a = (o as f64 * share * (1.0 + 0.3 * rng.noise())) as i64;
                    writeln!(ag, "{y}-{m:02};{leaf};{p};{};{}", kr(o), kr(a)).map_err(io)?;
                }
                for (k, base) in [("besök", 900u64), ("vårddagar", 300)] {
                    writeln!(ac, "{y}-{m:02};{leaf};{k};{}", base + rng.below(base / 5))
                        .map_err(io)?;
                }
            }
        }
    }
    for mut f in [st, ag, ac] {
        f.flush().map_err(io)?;
    }
    Ok(())
}

/// Measures and adjustments for every third leaf, this year's months.
fn write_measures(files: &Files, book: &Book, rng: &mut Rng) -> Result<(), IoError> {
    let io = |e| files.io(e);
    let opts = book.opts;
    let mut me = files.create("measures.csv")?;
    writeln!(me, "period;unit;measure;expected;realized").map_err(io)?;
    let mut ad = files.create("adjustments.csv")?;
    writeln!(ad, "period;unit;item;amount").map_err(io)?;
    for (li, leaf) in book.leaves.iter().enumerate() {
        if li % 3 != 0 {
            continue;
        }
        for m in 1..=opts.last_month {
            let e = 10_000_000 + rng.below(5_000_000) as i64;
            let r = (e as f64 * (0.7 + 0.3 * rng.noise().abs())) as i64;
            writeln!(
                me,
                "{}-{m:02};{leaf};Effektivisering;{};{}",
                opts.year,
                kr(e),
                kr(r)
            )
            .map_err(io)?;
            writeln!(
                ad,
                "{}-{m:02};{leaf};Covid-19;{}",
                opts.year,
                kr(rng.below(2_000_000) as i64)
            )
            .map_err(io)?;
        }
    }
    for mut f in [me, ad] {
        f.flush().map_err(io)?;
    }
    Ok(())
}

/// A frame per committee for this year.
fn write_frames(
    files: &Files,
    opts: &Options,
    committees: usize,
    rng: &mut Rng,
) -> Result<(), IoError> {
    let io = |e| files.io(e);
    let mut fr = files.create("frames.csv")?;
    writeln!(fr, "year;unit;frame").map_err(io)?;
    for c in 0..committees {
        writeln!(
            fr,
            "{};N{};{}",
            opts.year,
            c + 1,
            kr(100_000_000_000 + rng.below(100_000_000) as i64)
        )
        .map_err(io)?;
    }
    fr.flush().map_err(io)
}

/// One reallocation between the first two committees.
fn write_reallocations(files: &Files, opts: &Options) -> Result<(), IoError> {
    let io = |e| files.io(e);
    let mut re = files.create("reallocations.csv")?;
    writeln!(re, "year;from_unit;to_unit;amount;reference;description").map_err(io)?;
    writeln!(
        re,
        "{};N1;N2;{};N1/1/{};Omdisponering",
        opts.year,
        kr(1_200_000_000),
        opts.year - 1
    )
    .map_err(io)?;
    re.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_amount_text() {
        assert_eq!(kr(-123_456_789), "-1 234 567,89");
        assert_eq!(kr(5), "0,05");
        assert_eq!(kr(100_000), "1 000,00");
        assert_eq!(kr_plain(-123_456_789), "-1234567,89");
        assert_eq!(kr_plain(-5), "-0,05");
    }

    #[test]
    fn same_seed_same_files() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let o = |seed| Options {
            leaves: 12,
            accounts: 30,
            seed,
            transactions: 0,
            year: 2020,
            last_month: 9,
        };
        write(a.path(), &o(7)).unwrap();
        write(b.path(), &o(7)).unwrap();
        for f in ["units.csv", "ledger.csv", "staffing.csv", "forecast.csv"] {
            assert_eq!(
                std::fs::read(a.path().join(f)).unwrap(),
                std::fs::read(b.path().join(f)).unwrap(),
                "{f}"
            );
        }
    }
}

//! Integration tests: the pipeline on fixture folders, invalid inputs with their exact
//! messages, rendered output snapshots, determinism and atomic output.

// Tests write their fixtures and configs directly.
#![allow(clippy::disallowed_methods)]

mod actual_only;
mod architecture;
mod cli;
mod explain;
mod finish;
mod first_hour;
mod first_year;
mod formats;
mod guide;
mod hostile;
mod invalid;
mod layouts;
mod odbc;
mod pdf;
mod pipeline;
mod round;
mod round_generate;
mod round_words;
mod schedule;
mod sections;
mod sie;
mod sources;
mod statement;
mod trace;
mod unattended;
mod versions;
mod xlsx;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The crate root; fixtures are named relative to it so messages show short paths.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the real binary from the crate root with a fixed SOURCE_DATE_EPOCH.
/// `generate` without `--format` writes HTML and Excel here: PDFs are typeset in the tests
/// that are about them (`pdf.rs`), which keeps the suite fast in debug builds.
pub fn uppfolj(args: &[&str]) -> Output {
    let mut args: Vec<&str> = args.to_vec();
    if args.first() == Some(&"generate") && !args.contains(&"--format") {
        args.extend(["--format", "html,xlsx"]);
    }
    Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args(&args)
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "1600000000")
        .output()
        .expect("the binary runs")
}

/// A finished `generate` run into a fresh output folder.
pub struct Generated {
    /// The output folder (removed when dropped).
    pub out: tempfile::TempDir,
    /// The run's exit status, stdout and stderr.
    pub output: Output,
}

impl Generated {
    /// A file of the period's output, as text.
    pub fn read(&self, period: &str, file: &str) -> String {
        std::fs::read_to_string(self.out.path().join(period).join(file))
            .unwrap_or_else(|e| panic!("{period}/{file}: {e}\n{}", stderr(&self.output)))
    }
}

/// Runs `generate --data DATA --period PERIOD --out OUT` with any further arguments (HTML and
/// Excel unless they name formats).
pub fn generate_to(data: &str, out: &Path, period: &str, extra: &[&str]) -> Output {
    let out = out.to_str().unwrap();
    let mut args = vec!["generate", "--data", data, "--period", period, "--out", out];
    args.extend(extra);
    uppfolj(&args)
}

/// Runs `generate` on a data folder (relative to the crate root) with an optional config
/// into a new temporary output folder; HTML and Excel unless the test asks for more.
pub fn generate_into(data: &str, config: Option<&Path>, period: &str) -> Generated {
    let out = tempfile::tempdir().unwrap();
    let config = config.map(|c| c.to_str().unwrap());
    let extra = config.map_or(vec![], |c| vec!["--config", c]);
    let output = generate_to(data, out.path(), period, &extra);
    Generated { out, output }
}

/// Writes `uppfolj synth` transaction data (with a budget table) into `dir`.
pub fn synth_transactions(dir: &Path, leaves: u32, accounts: u32, rows: u32) {
    let (leaves, accounts, rows) = (leaves.to_string(), accounts.to_string(), rows.to_string());
    let o = uppfolj(&[
        "synth",
        "--leaves",
        &leaves,
        "--accounts",
        &accounts,
        "--transactions",
        &rows,
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Writes `vouchers.se` into `dir`: the SIE fixture with transactions and period balances,
/// without its period balances, so that its ledger is summed from its vouchers.
pub fn sie_vouchers_only(dir: &Path) -> PathBuf {
    let bytes = std::fs::read(root().join("tests/fixtures/sie/transaktioner_ovnbolag.se")).unwrap();
    let vouchers: Vec<&[u8]> = bytes
        .split_inclusive(|&b| b == b'\n')
        .filter(|l| !l.starts_with(b"#PSALDO"))
        .collect();
    let path = dir.join("vouchers.se");
    std::fs::write(&path, vouchers.concat()).unwrap();
    path
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// Every file below `dir`, relative path → bytes, sorted.
pub fn snapshot_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// Copies a fixture folder into a fresh temporary folder.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&root().join("tests/fixtures").join(name), tmp.path());
    tmp
}

pub fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, target).unwrap();
        }
    }
}

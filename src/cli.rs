//! The command line (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "uppfolj",
    version,
    about = "Monthly follow-up reports for Swedish regions and municipalities, from the month's finance and HR exports",
    after_help = "Example:\n  uppfolj generate --data data/sample --config data/sample/uppfolj.yaml --period latest --out out\n\nExit codes: 0 done, 1 data or config errors, 2 wrong usage, 3 output could not be written."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compute the figures and write one HTML report per unit, index.html, figures.json and manifest.json.
    #[command(
        after_help = "Example:\n  uppfolj generate --data data/sample --config data/sample/uppfolj.yaml --period 2020-09 --out out\n\nWrites OUT/<period>/ atomically: a failed run leaves earlier output untouched."
    )]
    Generate {
        /// Folder with the data files (ledger.csv, units.csv, …).
        #[arg(long)]
        data: PathBuf,
        /// The report month: YYYY-MM, YYYYMM, or `latest` for the last month with outcome in the ledger.
        #[arg(long)]
        period: String,
        /// Folder that receives <period>/ with the reports.
        #[arg(long)]
        out: PathBuf,
        /// Config file (YAML). Without it the built-in defaults apply.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Outputs to write, comma-separated: html, pdf, xlsx.
        #[arg(long, default_value = "html,pdf,xlsx", value_parser = parse_formats)]
        format: crate::Formats,
    },
    /// Write a synthetic region (deterministic from a seed) for benchmarks and trials.
    #[command(
        after_help = "Example:\n  uppfolj synth --leaves 400 --accounts 300 --out bench/data\n  uppfolj synth --leaves 400 --accounts 300 --transactions 10000000 --out bench/trans"
    )]
    Synth {
        /// Folder to write the CSV files into.
        #[arg(long)]
        out: PathBuf,
        /// Number of leaf units (cost centres).
        #[arg(long, default_value_t = 400)]
        leaves: usize,
        /// Number of accounts.
        #[arg(long, default_value_t = 300)]
        accounts: usize,
        /// Seed of the generator: the same seed gives the same files.
        #[arg(long, default_value_t = 2020)]
        seed: u64,
        /// Write this many raw transaction rows (with a budget table) instead of the monthly ledger.
        #[arg(long, default_value_t = 0)]
        transactions: u64,
    },
    /// Load and validate every table and print every finding, without writing anything.
    #[command(
        after_help = "Example:\n  uppfolj check --data data/sample --config data/sample/uppfolj.yaml"
    )]
    Check {
        /// Folder with the data files.
        #[arg(long)]
        data: PathBuf,
        /// Config file (YAML).
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

fn parse_formats(s: &str) -> Result<crate::Formats, String> {
    crate::Formats::parse(s)
}

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

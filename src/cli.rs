//! The command line (clap derive).

// clap turns doc comments into help text; items documented only for rustdoc would change
// `--help`, so the help attributes and doc comments here are the documentation.
#![allow(missing_docs)]
// `<period>` and the like are help text for the terminal, not HTML.
#![allow(rustdoc::invalid_html_tags)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "uppfolj",
    version,
    about = "Monthly follow-up reports for Swedish regions and municipalities, from the month's finance and HR exports",
    after_help = "Example:\n  uppfolj generate --data data/sample --config data/sample/uppfolj.yaml --period latest --out out\n\nExit codes: 0 done, 1 data or config errors, 2 wrong usage, 3 output folder locked or not writable."
)]
pub struct Cli {
    /// How findings and the summary are logged on stderr: human lines, or JSON lines for
    /// journald and schedulers.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Human)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

/// How `uppfolj diff` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compute the figures and write the reports: HTML, PDF and Excel per unit, board packs,
    /// index.html, figures.json and manifest.json.
    #[command(
        after_help = "Example:\n  uppfolj generate --data data/sample --config data/sample/uppfolj.yaml --period 2020-09 --out out\n  uppfolj generate --data /srv/exports --config /srv/uppfolj.yaml --period latest --out /srv/reports --if-changed\n\nWrites OUT/<period>/ atomically: a failed run leaves earlier output untouched."
    )]
    Generate {
        /// Folder with the data files (ledger.csv, units.csv, …, or SIE files).
        #[arg(long)]
        data: PathBuf,
        /// The report month: YYYY-MM, YYYYMM, or `latest` for the last month with outcome in the
        /// ledger that counts as closed (the config's `latest:`).
        #[arg(long, default_value = "latest")]
        period: String,
        /// Folder that receives <period>/ with the reports.
        #[arg(long)]
        out: PathBuf,
        /// Config file (YAML). Without it, uppfolj.yaml in the current folder when there is
        /// one, else the built-in defaults.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Outputs to write, comma-separated: html, pdf, xlsx.
        #[arg(long, default_value = "html,pdf,xlsx", value_parser = parse_formats)]
        format: crate::Formats,
        /// Do nothing (exit 0) when data, config, templates and commentary are unchanged since the last good run.
        #[arg(long)]
        if_changed: bool,
        /// Wait up to this many seconds for another run that is writing to the output folder.
        #[arg(long, default_value_t = 0, value_name = "SECONDS")]
        wait: u64,
    },
    /// Load and validate every table and print every finding, without writing anything.
    #[command(
        after_help = "Example:\n  uppfolj check --data data/sample --config data/sample/uppfolj.yaml"
    )]
    Check {
        /// Folder with the data files.
        #[arg(long)]
        data: PathBuf,
        /// Config file (YAML). Without it, uppfolj.yaml in the current folder when there is
        /// one, else the built-in defaults.
        #[arg(long)]
        config: Option<PathBuf>,
        /// The report month to check: YYYY-MM, YYYYMM, or `latest`.
        #[arg(long, default_value = "latest")]
        period: String,
    },
    /// Regenerate on every change of data, config, templates or commentary, and serve the
    /// reports on 127.0.0.1 with pages that reload themselves.
    #[command(
        after_help = "Example:\n  uppfolj watch --data data/sample --config data/sample/uppfolj.yaml --period latest"
    )]
    Watch {
        /// Folder with the data files.
        #[arg(long)]
        data: PathBuf,
        /// The report month, or `latest`.
        #[arg(long, default_value = "latest")]
        period: String,
        /// Config file (YAML). Without it, uppfolj.yaml in the current folder when there is
        /// one, else the built-in defaults.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Folder for the generated preview (default: a temporary folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
    /// Write a new project: by default an empty one (a short config, an example of every
    /// table in files the loader passes by); `--sample` copies the sample region instead.
    #[command(
        after_help = "Examples:\n  uppfolj init min-region\n  uppfolj init --sample provregion && cd provregion && uppfolj generate --data data --out out"
    )]
    Init {
        /// The folder to create (must not exist or be empty).
        dir: PathBuf,
        /// Copy the sample region (Region Mittland) with its data, commentary and full config.
        #[arg(long)]
        sample: bool,
        /// Copy the built-in templates into templates/ to change them (copies do not follow
        /// updates of uppfolj).
        #[arg(long)]
        templates: bool,
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
    /// Compare two runs: every figure of every unit that differs (old, new, difference) and
    /// the input files whose SHA-256 differs. Exit 0 when they are equal, 1 when they differ.
    #[command(
        after_help = "Example:\n  uppfolj diff out/2020-09.versions/v1-2020-10-14T081200Z out/2020-09\n  uppfolj diff old/figures.json new/figures.json --format json\n\nExit codes: 0 equal, 1 they differ, 2 wrong usage (a missing or unreadable file)."
    )]
    Diff {
        /// The earlier run: an output folder (OUT/<period>/ or a kept version) or its figures.json.
        old: PathBuf,
        /// The later run, the same way.
        new: PathBuf,
        /// text: lines grouped by unit, for a terminal; json: one document for tools.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Config file (YAML) whose language and money unit the text shows amounts in.
        /// Without it, uppfolj.yaml in the current folder when there is one, else the
        /// built-in defaults.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Run the month's round: unit managers write their commentary, forecast and measures,
    /// the controller approves or sends back (a JSON API; docs/round.md).
    #[command(
        after_help = "Example:\n  uppfolj serve --data data/sample --config data/sample/uppfolj.yaml --auth password\n  uppfolj serve --data /srv/exports --config /srv/uppfolj.yaml --auth header --trusted-proxy 127.0.0.1/32"
    )]
    Serve(ServeArgs),
    /// The round's store: built-in accounts and backups.
    Round {
        #[command(subcommand)]
        command: RoundCommand,
    },
    /// Print a shell completion script.
    #[command(after_help = "Example:\n  uppfolj completions bash > /etc/bash_completion.d/uppfolj")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of uppfolj or of one command, or write one page per
    /// command into a folder.
    #[command(
        after_help = "Examples:\n  uppfolj man | man -l -\n  uppfolj man generate | man -l -\n  uppfolj man --out /usr/local/share/man/man1"
    )]
    Man {
        /// The command whose page to print (generate, check, …); without it, uppfolj's own.
        command: Option<String>,
        /// Write uppfolj.1 and uppfolj-<command>.1 for every command into this folder.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

// The options of `uppfolj serve` as the command line gives them; `From` makes them the
// command's `ServeOptions`, so that an option is added here and there only. (A plain
// comment: clap may take a doc comment here for the command's help.)
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Folder with the data files.
    #[arg(long)]
    pub data: PathBuf,
    /// Config file (YAML).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// The report month of the round: YYYY-MM, YYYYMM, or `latest`.
    #[arg(long, default_value = "latest")]
    pub period: String,
    /// Address and port to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// The round's store (SQLite); default round.db beside the config, or in the data folder.
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Who the user is: a header set by an authenticating proxy, or built-in accounts.
    #[arg(long, value_enum, default_value_t = AuthKind::Password)]
    pub auth: AuthKind,
    /// The header the proxy names the user in (--auth header).
    #[arg(long, default_value = "X-Forwarded-User")]
    pub user_header: String,
    /// Addresses of the proxy (CIDR, repeatable); the header is believed only from these.
    #[arg(long, num_args = 1..)]
    pub trusted_proxy: Vec<crate::cmd::serve::Cidr>,
    /// Session cookies without `Secure`, for testing over plain HTTP.
    #[arg(long)]
    pub insecure_cookies: bool,
}

impl From<ServeArgs> for crate::cmd::serve::ServeOptions {
    fn from(a: ServeArgs) -> Self {
        let auth = match a.auth {
            AuthKind::Header => crate::cmd::serve::AuthMode::Header {
                header: a.user_header,
                trusted: a.trusted_proxy,
            },
            AuthKind::Password => crate::cmd::serve::AuthMode::Password,
        };
        Self {
            data: a.data,
            config: a.config,
            period: a.period,
            listen: a.listen,
            db: a.db,
            auth,
            insecure_cookies: a.insecure_cookies,
        }
    }
}

/// How `uppfolj serve` learns who the user is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthKind {
    Header,
    Password,
}

/// A role of the round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Controller,
    Reporter,
    Reader,
}

#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// Built-in accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write a consistent copy of the store (also while `serve` runs).
    #[command(
        after_help = "Example:\n  uppfolj round backup --db round.db backup/round-2020-09.db"
    )]
    Backup {
        /// The copy to write.
        file: PathBuf,
        /// The round's store.
        #[arg(long)]
        db: PathBuf,
    },
    /// Write the round's entries as the files a setup without a round keeps:
    /// comments/<period>/<unit>.md, forecast.csv and measures.csv.
    #[command(
        after_help = "Example:\n  uppfolj round export --db round.db --period 2020-09 export/"
    )]
    Export {
        /// The folder to write into.
        dir: PathBuf,
        /// The round's store.
        #[arg(long)]
        db: PathBuf,
        /// Only this month (YYYY-MM); default every month of the store.
        #[arg(long)]
        period: Option<String>,
    },
    /// Start a round from the files of a setup without one (comments/<period>/<unit>.md,
    /// forecast.csv, measures.csv): each entry is saved as a draft, marked imported.
    #[command(after_help = "Example:\n  uppfolj round import --db round.db --user karin data/")]
    Import {
        /// The folder holding comments/, forecast.csv and measures.csv.
        dir: PathBuf,
        /// The round's store (created when missing).
        #[arg(long)]
        db: PathBuf,
        /// Who the history names as having saved the imported entries.
        #[arg(long, default_value = "import")]
        user: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add or replace an account; the password is read from standard input (an empty one:
    /// no password login, for --auth header).
    #[command(
        after_help = "Example:\n  echo \"$PW\" | uppfolj round user add anna --role reporter --unit RS-RK --db round.db"
    )]
    Add {
        /// The user name (as the proxy names it, in --auth header).
        name: String,
        /// controller: every unit, approve, send back; reporter: write the units named and
        /// their subtree; reader: read them.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Unit codes (repeatable); each grants its subtree.
        #[arg(long, num_args = 1..)]
        unit: Vec<String>,
        /// The round's store.
        #[arg(long)]
        db: PathBuf,
    },
}

fn parse_formats(s: &str) -> Result<crate::Formats, crate::render::FormatError> {
    crate::Formats::parse(s)
}

//! `uppfolj init DIR`: a project to start from. By default an empty one — a short config,
//! an example of every table (its header and a row) in files the loader passes by, and a
//! note on what to do next; `--sample` copies the sample region instead, and `--templates`
//! copies the built-in templates for those who want to change them.

use std::path::Path;

use include_dir::{Dir, include_dir};

use crate::Failure;

/// The sample region, embedded so that `init --sample` works from an installed binary.
static SAMPLE: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/data/sample");

/// One example file per table of the data contract (`ledger.example.csv`, …).
static EXAMPLES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/data/init");

/// The sample region's config, with every key and a comment on each.
const CONFIG: &str = include_str!("../../data/sample/uppfolj.yaml");

/// The month's round (`uppfolj serve`), commented, after the sample's keys: the sample
/// region's config itself has no round, so that its runs stay as they are.
const ROUND_EXAMPLE: &str = "
# The month's round (`uppfolj serve`): unit managers write commentary, forecast and measures,
# the controller approves; `generate` then uses the approved entries of the report month.
# round:
#   db: round.db            # the round's store, beside this file (`serve --db` overrides it)
#   due: 2020-10-12         # the deadline, YYYY-MM-DD
#   unapproved: skip        # skip (default) or use: entries not approved are left out, or used
";

/// The keys for running on a schedule, which the sample region leaves at their defaults.
const SCHEDULE_CONFIG: &str = "
# Running on a schedule (the user guide, \"Schemalägga på en server\").
# latest:                   # when --period latest counts the newest month with an outcome as closed
#   min_share: 0.5          # its amounts summed without sign, at least this share of the month before's (default 0.5; 0: off)
#   min_rows: 1000          # at least this many ledger rows with an outcome
#   marker: period-closed-{period}   # a file the export writes in the data folder once the month is closed
# export:                   # wait for an export still being copied into the data folder
#   wait_stable: 30s        # start when no file there has changed for this long
#   wait_timeout: 10m       # else give up after this long (exit 1)
";

/// The config `init` writes with every key: the sample region's, the database source's
/// keys and the round's keys.
fn full_config() -> String {
    let skip_rows = "#     skip_rows: 0                      # lines above the header\n";
    let code_and_name = "#     code_and_name: [unit, account]    # cells \"CODE Name\": the code is the first word\n";
    let mut config = CONFIG
        .replace(
            "See the README, \"Exports as the ledger system gives them\".",
            "See the user guide, \"Datakontraktet\", on `sources:`.",
        )
        .replace(
        "# uppfolj configuration for the sample region. Every key is optional; see the README.",
        "# uppfolj configuration. Every key is optional, and every key is here with a comment;\n# `uppfolj man` says more.",
    )
        .replace(skip_rows, &format!("{skip_rows}{DATABASE_KEYS}"))
        .replace(code_and_name, &format!("{code_and_name}{MORE_SOURCE_KEYS}"));
    config.push_str(ROUND_EXAMPLE);
    config.push_str(SCHEDULE_CONFIG);
    config
}

/// What `init` writes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The sample region instead of an empty project.
    pub sample: bool,
    /// Copy the built-in templates into `templates/` and name them in the config.
    pub templates: bool,
}

/// The config of an empty project: only what a first run needs, and where to read on.
const EMPTY_CONFIG: &str = "\
# uppfolj – inställningar för din region. Varje nyckel är frivillig.
# uppfolj.example.yaml visar alla nycklar med en kommentar till var och en.
organisation:
  name: Min region          # regionens eller kommunens namn i rapporterna
language: sv                # sv eller en
money:
  unit: Mkr                 # Mkr, tkr eller kr
  decimals: 1
# sign: result              # result (intäkter positiva) eller debit-positive; data kontrolleras mot det
";

const EMPTY_README: &str = "\
Den här mappen skrevs av `uppfolj init`.

  uppfolj.yaml            inställningarna (bara det nödvändiga; alla nycklar i uppfolj.example.yaml)
  data/                   en fil per tabell: spara exporterna här
  data/*.example.csv      ett exempel per tabell: rubrikraden och en rad eller två; uppfolj läser inte dessa
  data/comments/          kommentarerna: comments/<period>/<enhet>.md, Markdown

Kom igång:

  1. Spara huvudboken som data/ledger.csv och organisationen som data/units.csv, med
     kolumnerna i ledger.example.csv och units.example.csv (semikolon, decimalkomma).
  2. Kontrollera utan att skriva något:   uppfolj check --data data
  3. Skriv rapporterna:                   uppfolj generate --data data --out out

uppfolj hittar uppfolj.yaml i mappen du står i. Exempelfilerna kan du ta bort när du inte
behöver dem längre.
";

const SAMPLE_README: &str = "\
This folder was written by `uppfolj init --sample`.

  uppfolj.yaml          the config: every option, with comments
  data/                 one file per table (the sample region Region Mittland); replace with your exports
  data/comments/        your commentary: comments/<period>/<unit>.md, Markdown

Generate the reports:

  uppfolj generate --data data --out out

then open out/2020-09/index.html. Check your own exports without writing anything:

  uppfolj check --data data
";

const TEMPLATES_NOTE: &str = "\
These are copies of the built-in templates, made by `uppfolj init --templates`. A file here
replaces the built-in file of the same name; delete a file to use the built-in one again.
Copied templates do not follow updates of uppfolj: after an update, compare them with the
new built-in ones (`uppfolj init --templates` into an empty folder writes them).
";

/// Every file of an embedded folder, by its path inside it.
fn files_of(dir: &'static Dir<'static>) -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in d.entries() {
            match entry {
                include_dir::DirEntry::Dir(sub) => stack.push(sub),
                include_dir::DirEntry::File(f) => {
                    out.push((f.path().to_string_lossy().replace('\\', "/"), f.contents()));
                }
            }
        }
    }
    out.sort();
    out
}

/// The keys of a table read from a database, after the sample's keys of a file source.
const DATABASE_KEYS: &str = "\
#     # or a table from a database query (the guide: \"Direkt från databasen\"):
#     # odbc: \"DSN=warehouse;UID=${DW_USER};PWD=${DW_PASSWORD}\"   # ODBC connection string; ${VAR} from the environment
#     # query: \"select period, unit, account, actual from rpt.ledger where year = :year\"   # :year, :month, :period, :fiscal_start
#     # timeout_seconds: 300              # how long the query may run
#     # login_timeout_seconds: 30         # how long logging in may take
";

/// Keys of a source that the sample region's config does not show (the sample's outputs hash
/// that file, so it stays as it is): the config `init` writes has them after `code_and_name`.
const MORE_SOURCE_KEYS: &str = "\
#     names: { unit: Ansvarsnamn }      # the names' own column; without a code column the names are the codes
";

/// Writes a new project into `dir` (which must be missing or empty). Returns the files
/// written, by their path inside `dir`.
pub fn write(dir: &Path, opts: Options) -> Result<Vec<String>, Failure> {
    let shown = dir.display();
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Failure::Usage(format!(
                "{shown}: the folder exists and is not empty; give a new folder"
            )));
        }
    }
    let full_config = full_config();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    if opts.sample {
        let mut config = full_config;
        if opts.templates {
            config = config.replace("# templates: templates/", "templates: templates/");
        }
        files.push(("uppfolj.yaml".into(), config.into_bytes()));
        files.push(("README.txt".into(), SAMPLE_README.as_bytes().to_vec()));
        for (name, bytes) in files_of(&SAMPLE) {
            let data = name.ends_with(".csv") || name.starts_with("comments/");
            if data {
                files.push((format!("data/{name}"), bytes.to_vec()));
            }
        }
    } else {
        let mut config = EMPTY_CONFIG.to_string();
        if opts.templates {
            config.push_str("templates: templates/      # mappen med egna mallar\n");
        }
        files.push(("uppfolj.yaml".into(), config.into_bytes()));
        files.push(("uppfolj.example.yaml".into(), full_config.into_bytes()));
        files.push(("README.txt".into(), EMPTY_README.as_bytes().to_vec()));
        for (name, bytes) in files_of(&EXAMPLES) {
            files.push((format!("data/{name}"), bytes.to_vec()));
        }
        files.push(("data/comments/.keep".into(), Vec::new()));
    }
    if opts.templates {
        files.push((
            "templates/README.txt".into(),
            TEMPLATES_NOTE.as_bytes().to_vec(),
        ));
        files.extend(
            crate::render::templates::builtin()
                .into_iter()
                .map(|(n, t)| (format!("templates/{n}"), t.as_bytes().to_vec())),
        );
    }
    crate::write::plain_files(dir, &files)?;
    Ok(files.into_iter().map(|(n, _)| n).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys the config accepts at one place, from the parser's own list of expected
    /// fields (so this test follows the config type, not a copy of it).
    fn keys(yaml: &str) -> Vec<String> {
        let err = crate::config::Config::parse(yaml, std::path::Path::new("c.yaml"))
            .unwrap_err()
            .to_string();
        let list = err
            .lines()
            .next()
            .and_then(|l| l.split("expected one of ").nth(1))
            .unwrap_or_else(|| panic!("no list of keys in: {err}"));
        list.split(", ")
            .map(|k| {
                k.trim_matches(|c: char| c == '`' || c.is_whitespace())
                    .to_string()
            })
            .map(|k| k.split(' ').next().unwrap_or_default().to_string())
            .collect()
    }

    /// Every key of the config, at every level, appears in the config `init` writes.
    #[test]
    fn the_config_init_writes_names_every_key() {
        let config = full_config();
        assert!(config.contains(MORE_SOURCE_KEYS));
        let places = [
            "zz: 1\n",
            "organisation: { zz: 1 }\n",
            "money: { zz: 1 }\n",
            "thresholds: { zz: 1 }\n",
            "thresholds: { agency: { zz: 1 } }\n",
            "kpi_ratios: [{ zz: 1 }]\n",
            "packs: [{ zz: 1 }]\n",
            "packs: [{ name: a, title: b, meeting: { zz: 1 } }]\n",
            "sources: { ledger: { zz: 1 } }\n",
            "balance_requirement: { exclude: [{ zz: 1 }] }\n",
            "round: { zz: 1 }\n",
            "latest: { zz: 1 }\n",
            "export: { zz: 1 }\n",
        ];
        let mut all = Vec::new();
        for place in places {
            let found = keys(place);
            assert!(found.len() > 1, "{place}: {found:?}");
            all.extend(found);
        }
        for key in &all {
            assert!(
                config.contains(&format!("{key}:")),
                "the init config lacks `{key}`"
            );
        }
        assert!(all.iter().any(|k| k == "sie_dimension") && all.iter().any(|k| k == "comments"));
        // A section with a single key.
        for key in keys("investments: { zz: 1 }\n") {
            assert!(
                config.contains(&format!("{key}:")),
                "the init config lacks `{key}`"
            );
        }
    }
}

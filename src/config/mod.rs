//! The configuration file (YAML) in two steps: the raw shape as written (`raw`), then the
//! validated settings the pipeline uses (`resolve`). Every field is optional; the defaults
//! are documented on each field and in the README. Unknown keys are errors with their line,
//! column and the nearest valid key (`suggest`).

pub(crate) mod database;
mod raw;
mod resolve;
mod schedule;
mod sources;
mod suggest;

use std::path::{Path, PathBuf};

use crate::error::{ConfigError, IoError};
use crate::model::money::MoneyUnit;
pub(crate) use raw::{Limits, RawConfig, RawMeeting, RawThresholds};
pub(crate) use schedule::{ExportWait, LatestRule};
pub(crate) use sources::{Source, glob_matches, month_in_name};

/// The most decimals a KPI ratio may show.
pub(crate) const MAX_RATIO_DECIMALS: u32 = 6;

/// The largest threshold, in percent either way.
pub(crate) const MAX_THRESHOLD: f64 = 1000.0;

/// Sign convention of ledger amounts in the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sign {
    Result,
    DebitPositive,
}

/// A range of account codes: accounts whose first `len` characters, read as a number, lie
/// within `from..=to` (`"5"` is every account starting with 5, `"40-44"` is accounts 40xx–44xx).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccountRange {
    pub len: usize,
    pub from: u64,
    pub to: u64,
    pub text: String,
}

impl AccountRange {
    pub(crate) fn parse(text: &str) -> Option<AccountRange> {
        let t = text.trim();
        let (a, b) = match t.split_once('-') {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (t, t),
        };
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 18 && s.bytes().all(|c| c.is_ascii_digit());
        if !digits(a) || !digits(b) || a.len() != b.len() {
            return None;
        }
        let (from, to) = (a.parse().ok()?, b.parse().ok()?);
        if from > to {
            return None;
        }
        Some(AccountRange {
            len: a.len(),
            from,
            to,
            text: t.to_string(),
        })
    }

    pub(crate) fn matches(&self, account: &str) -> bool {
        let a = account.trim();
        if a.len() < self.len || !a.as_bytes()[..self.len].iter().all(u8::is_ascii_digit) {
            return false;
        }
        match a[..self.len].parse::<u64>() {
            Ok(v) => v >= self.from && v <= self.to,
            Err(_) => false,
        }
    }
}

/// A row of the income-statement style category table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Row {
    Category {
        name: String,
        ranges: Vec<AccountRange>,
    },
    Subtotal {
        name: String,
    },
}

impl Row {
    pub(crate) fn name(&self) -> &str {
        match self {
            Row::Category { name, .. } | Row::Subtotal { name } => name,
        }
    }
}

/// The validated settings.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub source: Option<PathBuf>,
    pub root_code: String,
    pub root_name: String,
    pub language: String,
    pub money_unit: MoneyUnit,
    pub decimals: u32,
    pub sign: Sign,
    /// Whether the config names the sign; when it does not, a ledger whose amounts look
    /// debit-positive is refused.
    pub sign_stated: bool,
    pub templates: Option<PathBuf>,
    pub rows: Vec<Row>,
    pub largest_deviations: usize,
    pub full_time_hours: f64,
    pub frame_funding: Vec<AccountRange>,
    pub comments: Option<PathBuf>,
    pub kpi_ratios: Vec<KpiRatio>,
    pub thresholds: RawThresholds,
    /// Categories with a bar of their own in the bridge chart (the rest are one bar).
    pub bridge_categories: usize,
    /// How many of its largest transactions each account of a leaf unit lists, for the month
    /// and for the year to date (0: none).
    pub largest_transactions: usize,
    /// The forecast check's tolerance in thousandths of a percent of the full-year cost
    /// budget (0.5 % is 500).
    pub forecast_tolerance_milli: i64,
    pub packs: Vec<Pack>,
    pub author: Option<String>,
    /// The time zone of the time a report says it was made (`Europe/Stockholm` by default);
    /// the manifest keeps the exact UTC time.
    pub time_zone: chrono_tz::Tz,
    pub sie_dimension: String,
    /// Where tables come from when the export is not named and headed as the contract.
    pub sources: Vec<Source>,
    /// The first month of the fiscal year (1–12), when the config or the SIE files give it.
    pub fiscal_year_start: Option<u32>,
    /// Items left out of the result for the balance requirement: name and accounts.
    pub balance_exclusions: Vec<(String, Vec<AccountRange>)>,
    /// The month (1–12) by which an investment project with no outcome is a finding.
    pub lapse_month: Option<u32>,
    /// The income statement's column groups, in order.
    pub columns: Vec<ColumnGroup>,
    /// The month's round, when the config has `round:`.
    pub round: Option<Round>,
    /// The report month a database query's parameters (`:year`, `:month`…) are bound to,
    /// set from `--period` by the command; `None` (`latest`): the month before today's.
    pub query_month: Option<crate::model::period::Month>,
    /// When `--period latest` counts the newest month as closed.
    pub latest: LatestRule,
    /// How long `generate` waits for an export still being copied (`None`: no wait).
    pub export_wait: Option<ExportWait>,
}

/// A column group of the income statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ColumnGroup {
    /// The report month alone: outcome, budget, deviation.
    Month,
    /// January (the fiscal year's first month) to the report month: outcome, budget,
    /// deviation.
    Accumulated,
    /// The same months last year, and the change against them.
    LastYear,
    /// The full year: budget, forecast result, forecast deviation.
    FullYear,
    /// The forecast as it stood in the previous month: result and deviation.
    PreviousForecast,
    /// Last year's full-year outcome (bokslut).
    LastYearFull,
}

impl ColumnGroup {
    /// Every group with its config name, in the default order; the first four are the default.
    pub(crate) const ALL: [(&'static str, ColumnGroup); 6] = [
        ("month", ColumnGroup::Month),
        ("accumulated", ColumnGroup::Accumulated),
        ("last_year", ColumnGroup::LastYear),
        ("full_year", ColumnGroup::FullYear),
        ("previous_forecast", ColumnGroup::PreviousForecast),
        ("last_year_full", ColumnGroup::LastYearFull),
    ];
}

/// The month's round as configured (`round:`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Round {
    /// The store (`round.db` beside the config unless `db` says otherwise).
    pub db: PathBuf,
    /// The deadline, YYYY-MM-DD, if one is set.
    pub due: Option<String>,
    /// Whether `generate` uses entries that are not approved (`unapproved: use`).
    pub use_unapproved: bool,
}

impl Config {
    /// The first month of the fiscal year: 1 (January) unless the config or the SIE files
    /// say otherwise.
    pub(crate) fn year_start(&self) -> u32 {
        self.fiscal_year_start.unwrap_or(1)
    }

    /// The month's round, when the config has `round:` (its deadline is `round().due`).
    pub(crate) fn round(&self) -> Option<&Round> {
        self.round.as_ref()
    }

    /// The configured source of a table, if any.
    pub(crate) fn source_of(&self, table: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.table == table)
    }
}

/// A sign convention as the config writes it; a problem (under `key`) when it is none.
pub(crate) fn parse_sign(text: &str, key: &str, problems: &mut Vec<String>) -> Sign {
    match text {
        "result" => Sign::Result,
        "debit-positive" => Sign::DebitPositive,
        other => {
            problems.push(format!(
                "{key}: \"{other}\" is not a sign convention (expected result or debit-positive)"
            ));
            Sign::Result
        }
    }
}

/// Which units a pack holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PackUnits {
    Tree { root: Located, levels: usize },
    List(Vec<Located>),
}

/// A unit code as the config file gives it, with where: line and column from 1 (0 when the
/// config was not read from a file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    pub code: String,
    pub line: u64,
    pub column: u64,
}

impl Located {
    fn of(s: serde_saphyr::Spanned<String>) -> Located {
        Located {
            line: s.referenced.line(),
            column: s.referenced.column(),
            code: s.value,
        }
    }

    /// `file:line:column: ` for a message, or `file: ` without a place.
    pub(crate) fn at(&self, file: Option<&std::path::Path>) -> String {
        match file {
            Some(f) if self.line > 0 => format!("{}:{}:{}: ", f.display(), self.line, self.column),
            Some(f) => format!("{}: ", f.display()),
            None => String::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Pack {
    pub name: String,
    pub title: String,
    pub meeting: Option<RawMeeting>,
    pub units: PackUnits,
}

/// A derived production figure: numerator KPI / denominator KPI.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KpiRatio {
    pub name: String,
    pub numerator: String,
    pub denominator: String,
    pub decimals: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config::resolve(RawConfig::default(), None).expect("the built-in defaults are valid")
    }
}

/// The built-in category table for the common Swedish municipal/regional chart of accounts
/// (Kommun-Bas / Region-Bas), by account class.
pub(crate) fn default_rows() -> Vec<Row> {
    let cat = |name: &str, ranges: &[&str]| Row::Category {
        name: name.to_string(),
        ranges: ranges
            .iter()
            .map(|r| AccountRange::parse(r).expect("valid"))
            .collect(),
    };
    vec![
        cat("Verksamhetens intäkter", &["3"]),
        cat("Personalkostnader", &["5"]),
        cat("Köp av verksamhet", &["40-44"]),
        cat("Lämnade bidrag", &["45"]),
        cat("Material och tjänster", &["46-49"]),
        cat("Övriga verksamhetskostnader", &["60-77"]),
        cat("Avskrivningar", &["78-79"]),
        Row::Subtotal {
            name: "Verksamhetens nettokostnad".into(),
        },
        cat("Skatteintäkter", &["80-81"]),
        cat("Generella statsbidrag och utjämning", &["82-83"]),
        cat("Finansiella intäkter", &["84"]),
        cat("Finansiella kostnader", &["85-87"]),
        cat("Extraordinära poster", &["88-89"]),
        Row::Subtotal {
            name: "Resultat".into(),
        },
    ]
}

impl Config {
    /// Parses YAML text; `origin` names the file in error messages.
    pub(crate) fn parse(text: &str, origin: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = if text.trim().is_empty() {
            RawConfig::default()
        } else {
            serde_saphyr::from_str(text)
                .map_err(|e| ConfigError::one(suggest::explain(&e.to_string(), origin)))?
        };
        Config::resolve(raw, Some(origin))
    }

    /// Reads and parses a config file. Relative paths inside it are relative to its folder.
    pub(crate) fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ConfigError::one(crate::error::chain(&IoError::at(
                path,
                "cannot read the config file",
            )(e)))
        })?;
        Config::parse(&text, path)
    }

    /// The config file given, or the defaults when none is.
    pub(crate) fn read(path: Option<&Path>) -> Result<Config, ConfigError> {
        match path {
            Some(p) => Config::from_file(p),
            None => Ok(Config::default()),
        }
    }
}

/// The config file to use: the one given, else `uppfolj.yaml` in the current folder when
/// there is one (with a note saying so, since the run then depends on where it started),
/// else none (the built-in defaults).
pub fn discover(
    given: Option<std::path::PathBuf>,
    findings: &mut crate::diag::Findings,
) -> Option<std::path::PathBuf> {
    if given.is_some() {
        return given;
    }
    let here = std::path::PathBuf::from("uppfolj.yaml");
    here.is_file().then(|| {
        findings.note(
            "uppfolj.yaml",
            "the config in the current folder; used (--config names another)",
        );
        here
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_settings_resolve_beside_the_config_and_mistakes_are_named() {
        let c = Config::parse(
            "round:\n  due: 2020-10-12\n  unapproved: use\n",
            Path::new("/srv/uppfolj.yaml"),
        )
        .unwrap();
        let r = c.round().unwrap();
        assert_eq!(r.db, Path::new("/srv/round.db"));
        assert_eq!(r.due.as_deref(), Some("2020-10-12"));
        assert!(r.use_unapproved);
        assert!(Config::default().round().is_none());
        let err = Config::parse(
            "round:\n  db: r.db\n  due: 2020-13-01\n  unapproved: maybe\n",
            Path::new("c.yaml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("c.yaml: round.due: \"2020-13-01\" is not a date (expected YYYY-MM-DD)"),
            "{err}"
        );
        assert!(
            err.contains("c.yaml: round.unapproved: \"maybe\" is neither skip nor use"),
            "{err}"
        );
        let err = Config::parse("round:\n  dues: 2020-10-12\n", Path::new("c.yaml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("(did you mean `due`?)"), "{err}");
    }

    #[test]
    fn typo_gets_a_suggestion() {
        let err = Config::parse("money:\n  unit: Mkr\n  decimal: 2\n", Path::new("c.yaml"))
            .unwrap_err()
            .to_string();
        let first = err.lines().next().unwrap();
        assert_eq!(
            first,
            "c.yaml:3:3: unknown field `decimal`, expected one of unit, decimals (did you mean `decimals`?)"
        );
        let err = Config::parse("tresholds: {}\n", Path::new("c.yaml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.lines()
                .next()
                .unwrap()
                .ends_with("(did you mean `thresholds`?)"),
            "{err}"
        );
    }

    #[test]
    fn ranges_match_prefixes() {
        let r = AccountRange::parse("40-44").unwrap();
        assert!(r.matches("4010") && r.matches("4499") && !r.matches("4500") && !r.matches("3999"));
        let five = AccountRange::parse("5").unwrap();
        assert!(five.matches("5010") && five.matches("5") && !five.matches("6010"));
        assert!(AccountRange::parse("44-40").is_none());
        assert!(AccountRange::parse("4-44").is_none());
        assert!(AccountRange::parse("x").is_none());
    }

    #[test]
    fn empty_config_is_defaults() {
        let c = Config::parse("", Path::new("c.yaml")).unwrap();
        assert_eq!(c.money_unit, MoneyUnit::Mkr);
        assert_eq!(c.decimals, 1);
        assert_eq!(c.rows, default_rows());
    }

    #[test]
    fn unknown_key_names_line() {
        let err = Config::parse("money:\n  unit: Mkr\n  decimal: 2\n", Path::new("c.yaml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("c.yaml:3:3: "), "{err}");
        assert!(err.contains("decimal"), "{err}");
        assert!(err.contains(" --> c.yaml:3:3"), "{err}");
    }

    #[test]
    fn bad_values_are_all_reported() {
        let err = Config::parse(
            "money:\n  unit: Gkr\nsign: credit\ncategories:\n  - category: A\n    accounts: [\"x\"]\ntransactions: { largest: 101 }\n",
            Path::new("c.yaml"),
        )
        .unwrap_err().to_string();
        assert_eq!(
            err,
            "c.yaml: money.unit: \"Gkr\" is not a money unit (expected Mkr, tkr or kr)\n\
             c.yaml: sign: \"credit\" is not a sign convention (expected result or debit-positive)\n\
             c.yaml: categories, row 1 (A): \"x\" is not an account range (expected digits like \"5\" or \"40-44\")\n\
             c.yaml: transactions.largest: 101 is not a number of transactions to list (expected 0 to 100)"
        );
    }

    /// Config texts built from pieces of real configs, numbers at their extremes, broken
    /// YAML: never a panic; an error names the file.
    #[test]
    fn any_config_text_is_refused_or_read_without_panic() {
        let pieces = [
            "language: sv\n",
            "money: { unit: Mkr, decimals: 4294967295 }\n",
            "money:\n  unit: \"\u{1f600}\"\n",
            "sign: debit-positive\n",
            "largest_deviations: 18446744073709551615\n",
            "full_time_hours: 1e308\n",
            "full_time_hours: .nan\n",
            "thresholds: { agency: { yellow: -.inf, red: 5 } }\n",
            "kpi_ratios: [{ name: x, numerator: a, denominator: b, decimals: 99 }]\n",
            "categories: [{ category: A, accounts: [\"99-1\"] }, { subtotal: S }]\n",
            "packs: [{ name: p, title: T, root: X, levels: 99999999 }]\n",
            "frame_funding_accounts: [\"\", \"-\", \"38-\"]\n",
            "organisation: { code: \"\", name: \"\" }\n",
            "[",
            "{",
            ": :\n",
            "\t- x\n",
            "sie_dimension: 0\n",
            "transactions: { largest: 18446744073709551615 }\n",
        ];
        let mut seed: u64 = 11;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..1 + (seed >> 61) {
                seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            if let Err(e) = Config::parse(&text, Path::new("c.yaml")) {
                assert!(e.to_string().contains("c.yaml"), "{text:?}: {e}");
            }
        }
    }
}

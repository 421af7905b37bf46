//! The configuration file (YAML) in two steps: the raw shape as written, then the validated
//! settings the pipeline uses. Every field is optional; the defaults are documented on each
//! field and in the README.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::money::MoneyUnit;

/// The YAML file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawConfig {
    /// The root of the organisation tree when the `units` table is absent or has several roots.
    pub organisation: RawOrganisation,
    /// Report language. Default `sv`.
    pub language: Option<String>,
    /// How money is shown. Default Mkr with one decimal.
    pub money: RawMoney,
    /// Sign of ledger amounts: `result` (revenue positive, the default) or `debit-positive`.
    pub sign: Option<String>,
    /// A folder whose templates override the built-in ones by file name.
    pub templates: Option<PathBuf>,
    /// Report rows in order: categories with their account ranges, and subtotals.
    /// Default: the common Swedish municipal/regional chart of accounts.
    pub categories: Option<Vec<RawRow>>,
    /// How many categories the summary names as the largest deviations. Default 4.
    pub largest_deviations: Option<usize>,
    /// Full-time hours per year, for worked time as full-time equivalents. Default 1 700.
    pub full_time_hours: Option<f64>,
    /// Account ranges of internal frame funding (e.g. regionbidrag), left out when a unit's
    /// net budget is compared with its budget frame. Default none.
    pub frame_funding_accounts: Option<Vec<String>>,
    /// Folder of controllers' commentary, `<folder>/<period>/<unit>.md`. Default: `comments`
    /// inside the data folder.
    pub comments: Option<PathBuf>,
    /// Derived production figures, each the ratio of two KPIs of the `activity` table.
    pub kpi_ratios: Option<Vec<RawRatio>>,
    /// Traffic-light thresholds.
    pub thresholds: RawThresholds,
    /// Board packs: PDF (and Excel) documents that bind several units' reports together.
    pub packs: Option<Vec<RawPack>>,
    /// Who the documents name as author (PDF and Excel metadata). Default: the organisation.
    pub author: Option<String>,
    /// The SIE dimension whose objects are the units. Default `1` (kostnadsställe).
    pub sie_dimension: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPack {
    /// File name of the pack without extension: letters, digits, `-` and `_`.
    pub name: String,
    /// Title on the cover, e.g. "Månadsrapport september".
    pub title: String,
    /// The meeting the pack is for.
    #[serde(default)]
    pub meeting: Option<RawMeeting>,
    /// The unit the pack starts from; with `levels`, how many levels below it to include.
    #[serde(default)]
    pub root: Option<String>,
    #[serde(default)]
    pub levels: Option<usize>,
    /// Or an explicit list of units, in order.
    #[serde(default)]
    pub units: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeeting {
    /// The body that meets, e.g. "Hälso- och sjukvårdsnämnden".
    pub body: String,
    /// The meeting date, YYYY-MM-DD.
    pub date: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRatio {
    pub name: String,
    pub numerator: String,
    pub denominator: String,
    #[serde(default)]
    pub decimals: Option<u32>,
}

/// A pair of limits; which side is worse depends on the figure.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub yellow: f64,
    pub red: f64,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawThresholds {
    /// Accumulated deviation as a percentage of the accumulated cost budget; lower is worse
    /// (e.g. yellow -1, red -3).
    pub deviation: Option<Limits>,
    /// Sick leave in percent; higher is worse (e.g. yellow 5, red 7).
    pub sick_leave: Option<Limits>,
    /// Hired-staff cost as a percentage of own staff cost; higher is worse. The yellow limit
    /// is drawn as the target line (the national target is at most 2 %).
    pub agency: Option<Limits>,
    /// Share of expected measures realised, in percent; lower is worse (e.g. yellow 90, red 70).
    pub measures: Option<Limits>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawOrganisation {
    /// Code of the root unit. Default `TOTAL`.
    pub code: Option<String>,
    /// Name of the root unit and of the organisation. Default `Totalt`.
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawMoney {
    /// `Mkr`, `tkr` or `kr`. Default `Mkr`.
    pub unit: Option<String>,
    /// Decimals shown. Default 1.
    pub decimals: Option<u32>,
}

/// One row of the category table: either a category or a subtotal of every category above it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRow {
    pub category: Option<String>,
    #[serde(default)]
    pub accounts: Vec<String>,
    pub subtotal: Option<String>,
}

/// The most decimals a KPI ratio may show.
pub const MAX_RATIO_DECIMALS: u32 = 6;

/// The largest threshold, in percent either way.
pub const MAX_THRESHOLD: f64 = 1000.0;

/// Sign convention of ledger amounts in the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    Result,
    DebitPositive,
}

/// A range of account codes: accounts whose first `len` characters, read as a number, lie
/// within `from..=to` (`"5"` is every account starting with 5, `"40-44"` is accounts 40xx–44xx).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRange {
    pub len: usize,
    pub from: u64,
    pub to: u64,
    pub text: String,
}

impl AccountRange {
    pub fn parse(text: &str) -> Option<AccountRange> {
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

    pub fn matches(&self, account: &str) -> bool {
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
pub enum Row {
    Category {
        name: String,
        ranges: Vec<AccountRange>,
    },
    Subtotal {
        name: String,
    },
}

impl Row {
    pub fn name(&self) -> &str {
        match self {
            Row::Category { name, .. } | Row::Subtotal { name } => name,
        }
    }
}

/// The validated settings.
#[derive(Debug, Clone)]
pub struct Config {
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
    pub packs: Vec<Pack>,
    pub author: Option<String>,
    pub sie_dimension: String,
}

/// Which units a pack holds.
#[derive(Debug, Clone, PartialEq)]
pub enum PackUnits {
    Tree { root: String, levels: usize },
    List(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Pack {
    pub name: String,
    pub title: String,
    pub meeting: Option<RawMeeting>,
    pub units: PackUnits,
}

/// A derived production figure: numerator KPI / denominator KPI.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiRatio {
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
pub fn default_rows() -> Vec<Row> {
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
    pub fn parse(text: &str, origin: &Path) -> Result<Config, String> {
        let raw: RawConfig = if text.trim().is_empty() {
            RawConfig::default()
        } else {
            serde_saphyr::from_str(text).map_err(|e| explain(&e.to_string(), origin))?
        };
        Config::resolve(raw, Some(origin))
    }

    /// Reads and parses a config file. Relative paths inside it are relative to its folder.
    pub fn from_file(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the config file: {e}", path.display()))?;
        Config::parse(&text, path)
    }

    fn resolve(raw: RawConfig, origin: Option<&Path>) -> Result<Config, String> {
        let at = origin
            .map(|p| format!("{}: ", p.display()))
            .unwrap_or_default();
        let mut problems = Vec::new();
        let language = raw.language.unwrap_or_else(|| "sv".into());
        if language != "sv" && language != "en" {
            problems.push(format!(
                "{at}language: \"{language}\" is not supported (expected sv or en)"
            ));
        }
        let money_unit = match raw.money.unit.as_deref() {
            None => MoneyUnit::Mkr,
            Some(u) if ["mkr", "mnkr"].contains(&u.to_lowercase().as_str()) => MoneyUnit::Mkr,
            Some(u) if u.eq_ignore_ascii_case("tkr") => MoneyUnit::Tkr,
            Some(u) if u.eq_ignore_ascii_case("kr") => MoneyUnit::Kr,
            Some(other) => {
                problems.push(format!(
                    "{at}money.unit: \"{other}\" is not a money unit (expected Mkr, tkr or kr)"
                ));
                MoneyUnit::Mkr
            }
        };
        let decimals = raw.money.decimals.unwrap_or(1);
        if decimals > 4 {
            problems.push(format!(
                "{at}money.decimals: {decimals} is too many (expected 0 to 4)"
            ));
        }
        let sign_stated = raw.sign.is_some();
        let sign = match raw.sign.as_deref() {
            None | Some("result") => Sign::Result,
            Some("debit-positive") => Sign::DebitPositive,
            Some(other) => {
                problems.push(format!(
                    "{at}sign: \"{other}\" is not a sign convention (expected result or debit-positive)"
                ));
                Sign::Result
            }
        };
        let base = origin.and_then(Path::parent).unwrap_or(Path::new(""));
        let templates = raw.templates.map(|t| base.join(t));
        let rows = match raw.categories {
            None => default_rows(),
            Some(raw_rows) => {
                let mut rows = Vec::new();
                let mut names = std::collections::HashSet::new();
                for (i, r) in raw_rows.into_iter().enumerate() {
                    let n = i + 1;
                    let row = match (r.category, r.subtotal) {
                        (Some(name), None) => {
                            let mut ranges = Vec::new();
                            for t in &r.accounts {
                                match AccountRange::parse(t) {
                                    Some(range) => ranges.push(range),
                                    None => problems.push(format!(
                                        "{at}categories, row {n} ({name}): \"{t}\" is not an account range (expected digits like \"5\" or \"40-44\")"
                                    )),
                                }
                            }
                            Row::Category { name, ranges }
                        }
                        (None, Some(name)) => {
                            if !r.accounts.is_empty() {
                                problems.push(format!(
                                    "{at}categories, row {n} ({name}): a subtotal sums the rows above it and takes no accounts"
                                ));
                            }
                            Row::Subtotal { name }
                        }
                        _ => {
                            problems.push(format!(
                                "{at}categories, row {n}: give either `category` (with `accounts`) or `subtotal`"
                            ));
                            continue;
                        }
                    };
                    if !names.insert(row.name().to_lowercase()) {
                        problems.push(format!(
                            "{at}categories, row {n}: \"{}\" appears twice",
                            row.name()
                        ));
                    }
                    rows.push(row);
                }
                if !rows.iter().any(|r| matches!(r, Row::Category { .. })) {
                    problems.push(format!("{at}categories: no category is defined"));
                }
                rows
            }
        };
        let full_time_hours = raw.full_time_hours.unwrap_or(1700.0);
        if !(1.0..=8784.0).contains(&full_time_hours) {
            problems.push(format!(
                "{at}full_time_hours: {full_time_hours:?} is not a number of hours in a year (expected 1 to 8784)"
            ));
        }
        let limits = [
            ("deviation", raw.thresholds.deviation),
            ("sick_leave", raw.thresholds.sick_leave),
            ("agency", raw.thresholds.agency),
            ("measures", raw.thresholds.measures),
        ];
        for (name, l) in limits {
            for (side, v) in l
                .iter()
                .flat_map(|l| [("yellow", l.yellow), ("red", l.red)])
            {
                if !(v.is_finite() && v.abs() <= MAX_THRESHOLD) {
                    problems.push(format!(
                        "{at}thresholds.{name}.{side}: {v:?} is not a percentage (expected a number from -{MAX_THRESHOLD} to {MAX_THRESHOLD})"
                    ));
                }
            }
        }
        let mut frame_funding = Vec::new();
        for t in raw.frame_funding_accounts.unwrap_or_default() {
            match AccountRange::parse(&t) {
                Some(r) => frame_funding.push(r),
                None => problems.push(format!(
                    "{at}frame_funding_accounts: \"{t}\" is not an account range (expected digits like \"38\" or \"3800-3899\")"
                )),
            }
        }
        let kpi_ratios = raw
            .kpi_ratios
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                let decimals = r.decimals.unwrap_or(1);
                if decimals > MAX_RATIO_DECIMALS {
                    problems.push(format!(
                        "{at}kpi_ratios, ratio {} ({}): decimals: {decimals} is too many (expected 0 to {MAX_RATIO_DECIMALS})",
                        i + 1,
                        r.name
                    ));
                }
                KpiRatio {
                    name: r.name,
                    numerator: r.numerator,
                    denominator: r.denominator,
                    decimals,
                }
            })
            .collect();
        let mut packs = Vec::new();
        for (i, p) in raw.packs.unwrap_or_default().into_iter().enumerate() {
            let n = i + 1;
            if p.name.is_empty()
                || !p
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                problems.push(format!(
                    "{at}packs, pack {n}: name \"{}\" must be letters, digits, - or _ (it names the files)",
                    p.name
                ));
            }
            if packs
                .iter()
                .any(|q: &Pack| q.name.eq_ignore_ascii_case(&p.name))
            {
                problems.push(format!(
                    "{at}packs, pack {n}: name \"{}\" is used twice",
                    p.name
                ));
            }
            if let Some(m) = &p.meeting
                && crate::period::parse_date(&m.date).is_none()
            {
                problems.push(format!(
                    "{at}packs, pack {n} ({}): meeting date \"{}\" is not a date (expected YYYY-MM-DD)",
                    p.name, m.date
                ));
            }
            let units = match (p.root, p.units) {
                (Some(root), None) => PackUnits::Tree {
                    root,
                    levels: p.levels.unwrap_or(1),
                },
                (None, Some(list)) if !list.is_empty() && p.levels.is_none() => {
                    PackUnits::List(list)
                }
                _ => {
                    problems.push(format!(
                        "{at}packs, pack {n} ({}): give either `root` (with optional `levels`) or a non-empty `units` list",
                        p.name
                    ));
                    continue;
                }
            };
            packs.push(Pack {
                name: p.name,
                title: p.title,
                meeting: p.meeting,
                units,
            });
        }
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        Ok(Config {
            source: origin.map(Path::to_path_buf),
            root_code: raw.organisation.code.unwrap_or_else(|| "TOTAL".into()),
            root_name: raw.organisation.name.unwrap_or_else(|| "Totalt".into()),
            language,
            money_unit,
            decimals,
            sign,
            sign_stated,
            templates,
            rows,
            largest_deviations: raw.largest_deviations.unwrap_or(4),
            full_time_hours,
            frame_funding,
            comments: raw.comments.map(|c| base.join(c)),
            kpi_ratios,
            thresholds: raw.thresholds,
            packs,
            author: raw.author,
            sie_dimension: raw.sie_dimension.unwrap_or_else(|| "1".into()),
        })
    }
}

/// Edit distance between two short words, for suggesting the key the user meant.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Turns the YAML parser's message into `file:line:column: message (did you mean …?)`
/// followed by the parser's source snippet.
fn explain(message: &str, origin: &Path) -> String {
    let mut lines = message.lines();
    let first = lines
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ")
        .to_string();
    let (place, rest) = match first.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
        Some((lc, rest)) => {
            let lc = lc.replace(" column ", ":");
            (format!("{}:{lc}", origin.display()), rest.to_string())
        }
        None => (origin.display().to_string(), first.clone()),
    };
    let mut hint = String::new();
    if let Some(r) = rest.strip_prefix("unknown field `")
        && let Some((key, expected)) = r.split_once("`, expected one of ")
    {
        let best = expected
            .split(", ")
            .map(|k| k.trim_matches('`'))
            .min_by_key(|k| distance(key, k));
        if let Some(k) = best
            && distance(key, k) <= 3
        {
            hint = format!(" (did you mean `{k}`?)");
        }
    }
    let shown = origin.display().to_string();
    let snippet: Vec<String> = lines.map(|l| l.replace("<input>", &shown)).collect();
    let mut out = format!("{place}: {rest}{hint}");
    if !snippet.is_empty() {
        out.push('\n');
        out.push_str(&snippet.join("\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typo_gets_a_suggestion() {
        let err =
            Config::parse("money:\n  unit: Mkr\n  decimal: 2\n", Path::new("c.yaml")).unwrap_err();
        let first = err.lines().next().unwrap();
        assert_eq!(
            first,
            "c.yaml:3:3: unknown field `decimal`, expected one of unit, decimals (did you mean `decimals`?)"
        );
        let err = Config::parse("tresholds: {}\n", Path::new("c.yaml")).unwrap_err();
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
        let err =
            Config::parse("money:\n  unit: Mkr\n  decimal: 2\n", Path::new("c.yaml")).unwrap_err();
        assert!(err.starts_with("c.yaml:3:3: "), "{err}");
        assert!(err.contains("decimal"), "{err}");
        assert!(err.contains(" --> c.yaml:3:3"), "{err}");
    }

    #[test]
    fn bad_values_are_all_reported() {
        let err = Config::parse(
            "money:\n  unit: Gkr\nsign: credit\ncategories:\n  - category: A\n    accounts: [\"x\"]\n",
            Path::new("c.yaml"),
        )
        .unwrap_err();
        assert_eq!(
            err,
            "c.yaml: money.unit: \"Gkr\" is not a money unit (expected Mkr, tkr or kr)\n\
             c.yaml: sign: \"credit\" is not a sign convention (expected result or debit-positive)\n\
             c.yaml: categories, row 1 (A): \"x\" is not an account range (expected digits like \"5\" or \"40-44\")"
        );
    }
}

//! From the raw YAML to the validated settings: every problem collected, each with its key.

use std::path::Path;

use super::raw::RawConfig;
use super::*;
use crate::error::ConfigError;

impl Config {
    pub(super) fn resolve(raw: RawConfig, origin: Option<&Path>) -> Result<Config, ConfigError> {
        let at = origin
            .map(|p| format!("{}: ", p.display()))
            .unwrap_or_default();
        let at = at.as_str();
        let mut problems = Vec::new();
        let p = &mut problems;
        let language = language(raw.language, at, p);
        let (money_unit, decimals) = money(raw.money, at, p);
        let (root_code, root_name) = organisation(raw.organisation, origin, p);
        let sign_stated = raw.sign.is_some();
        let sign = raw
            .sign
            .as_deref()
            .map_or(Sign::Result, |s| parse_sign(s, &format!("{at}sign"), p));
        let sources = sources::resolve(raw.sources, at, p);
        let balance_exclusions = balance_exclusions(raw.balance_requirement, at, p);
        let lapse_month = raw.investments.lapse_month;
        months(lapse_month, raw.fiscal_year_start, at, p);
        let base = origin.and_then(Path::parent).unwrap_or(Path::new(""));
        let templates = raw.templates.map(|t| base.join(t));
        let rows = raw
            .categories
            .map_or_else(default_rows, |r| categories(r, at, p));
        let full_time_hours = full_time_hours(raw.full_time_hours, at, p);
        thresholds(&raw.thresholds, at, p);
        let bridge_categories = bridge_categories(raw.bridge.categories, at, p);
        let largest_transactions = largest_transactions(raw.transactions.largest, at, p);
        let tolerance = forecast_tolerance(raw.forecast_check.tolerance, at, p);
        let frame_funding = frame_funding(raw.frame_funding_accounts, at, p);
        let kpi_ratios = kpi_ratios(raw.kpi_ratios, at, p);
        let packs = packs(raw.packs, at, p);
        let columns = column_groups(raw.income_statement.columns, at, p);
        let round = raw.round.map(|r| round(r, base, at, p));
        let time_zone = time_zone(raw.time_zone, at, p);
        let latest = schedule::latest(raw.latest, at, p);
        let export_wait = schedule::export(raw.export, at, p);
        if !problems.is_empty() {
            return Err(ConfigError { problems });
        }
        Ok(Config {
            source: origin.map(Path::to_path_buf),
            root_code,
            root_name,
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
            bridge_categories,
            largest_transactions,
            forecast_tolerance_milli: (tolerance * 1000.0).round() as i64,
            packs,
            author: raw.author,
            time_zone,
            sie_dimension: raw.sie_dimension.unwrap_or_else(|| "1".into()),
            sources,
            fiscal_year_start: raw.fiscal_year_start,
            balance_exclusions,
            lapse_month,
            columns,
            round,
            query_month: None,
            latest,
            export_wait,
        })
    }
}

/// `round`: the store (beside the config by default), the deadline and `unapproved`.
fn round(raw: super::raw::RawRound, base: &Path, at: &str, problems: &mut Vec<String>) -> Round {
    if let Some(due) = &raw.due
        && crate::model::period::parse_date(due).is_none()
    {
        problems.push(format!(
            "{at}round.due: \"{due}\" is not a date (expected YYYY-MM-DD)"
        ));
    }
    let use_unapproved = match raw.unapproved.as_deref() {
        None | Some("skip") => false,
        Some("use") => true,
        Some(other) => {
            problems.push(format!(
                "{at}round.unapproved: \"{other}\" is neither skip nor use (expected skip, the default, or use)"
            ));
            false
        }
    };
    Round {
        db: base.join(raw.db.unwrap_or_else(|| PathBuf::from("round.db"))),
        due: raw.due,
        use_unapproved,
    }
}

/// `language`: sv (the default) or en.
/// The time zone of the reports' time stamp: an IANA name, `Europe/Stockholm` by default.
fn time_zone(raw: Option<String>, at: &str, problems: &mut Vec<String>) -> chrono_tz::Tz {
    let Some(name) = raw else {
        return chrono_tz::Europe::Stockholm;
    };
    name.parse().unwrap_or_else(|_| {
        problems.push(format!(
            "{at}time_zone: unknown time zone \"{name}\"; use an IANA name such as Europe/Stockholm"
        ));
        chrono_tz::Europe::Stockholm
    })
}

fn language(raw: Option<String>, at: &str, problems: &mut Vec<String>) -> String {
    let language = raw.unwrap_or_else(|| "sv".into());
    if language != "sv" && language != "en" {
        problems.push(format!(
            "{at}language: \"{language}\" is not supported (expected sv or en)"
        ));
    }
    language
}

/// `money`: the unit (Mkr by default) and the decimals (1 by default).
fn money(raw: super::raw::RawMoney, at: &str, problems: &mut Vec<String>) -> (MoneyUnit, u32) {
    let unit = match raw.unit.as_deref() {
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
    let decimals = raw.decimals.unwrap_or(1);
    if decimals > 4 {
        problems.push(format!(
            "{at}money.decimals: {decimals} is too many (expected 0 to 4)"
        ));
    }
    (unit, decimals)
}

/// `balance_requirement.exclude`: named items with their account ranges.
fn balance_exclusions(
    raw: Option<super::raw::RawBalanceRequirement>,
    at: &str,
    problems: &mut Vec<String>,
) -> Vec<(String, Vec<AccountRange>)> {
    let mut exclusions = Vec::new();
    for (i, e) in raw.unwrap_or_default().exclude.into_iter().enumerate() {
        let n = i + 1;
        if e.name.trim().is_empty() {
            problems.push(format!(
                "{at}balance_requirement.exclude, item {n}: the name is empty (expected what the item is, e.g. \"Orealiserade vinster och förluster i värdepapper\")"
            ));
        }
        if e.accounts.is_empty() {
            problems.push(format!(
                "{at}balance_requirement.exclude, item {n} ({}): no accounts (expected account ranges like \"8491\" or \"3970-3979\")",
                e.name
            ));
        }
        let mut ranges = Vec::new();
        for t in &e.accounts {
            match AccountRange::parse(t) {
                Some(r) => ranges.push(r),
                None => problems.push(format!(
                    "{at}balance_requirement.exclude, item {n} ({}): \"{t}\" is not an account range (expected digits like \"8491\" or \"3970-3979\")",
                    e.name
                )),
            }
        }
        exclusions.push((e.name, ranges));
    }
    exclusions
}

/// `investments.lapse_month` and `fiscal_year_start`: months of the year.
fn months(
    lapse_month: Option<u32>,
    fiscal_year_start: Option<u32>,
    at: &str,
    problems: &mut Vec<String>,
) {
    if let Some(m) = lapse_month
        && !(1..=12).contains(&m)
    {
        problems.push(format!(
            "{at}investments.lapse_month: {m} is not a month (expected 1 to 12, e.g. 9 for September)"
        ));
    }
    if let Some(m) = fiscal_year_start
        && !(1..=12).contains(&m)
    {
        problems.push(format!(
            "{at}fiscal_year_start: {m} is not a month (expected 1 to 12, e.g. 7 for a year July–June)"
        ));
    }
}

/// `categories`: the rows of the result statement, categories with account ranges and
/// subtotals, each name once, at least one category.
fn categories(raw_rows: Vec<super::raw::RawRow>, at: &str, problems: &mut Vec<String>) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut names = std::collections::HashSet::new();
    for (i, r) in raw_rows.into_iter().enumerate() {
        let n = i + 1;
        let Some(row) = category_row(r, n, at, problems) else {
            continue;
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

/// Row `n` of `categories`; `None` when it is neither a category nor a subtotal.
fn category_row(
    r: super::raw::RawRow,
    n: usize,
    at: &str,
    problems: &mut Vec<String>,
) -> Option<Row> {
    match (r.category, r.subtotal) {
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
            Some(Row::Category { name, ranges })
        }
        (None, Some(name)) => {
            if !r.accounts.is_empty() {
                problems.push(format!(
                    "{at}categories, row {n} ({name}): a subtotal sums the rows above it and takes no accounts"
                ));
            }
            Some(Row::Subtotal { name })
        }
        _ => {
            problems.push(format!(
                "{at}categories, row {n}: give either `category` (with `accounts`) or `subtotal`"
            ));
            None
        }
    }
}

/// `full_time_hours`: the hours of a full-time year (1700 by default).
fn full_time_hours(raw: Option<f64>, at: &str, problems: &mut Vec<String>) -> f64 {
    let hours = raw.unwrap_or(1700.0);
    if !(1.0..=8784.0).contains(&hours) {
        problems.push(format!(
            "{at}full_time_hours: {hours:?} is not a number of hours in a year (expected 1 to 8784)"
        ));
    }
    hours
}

/// `thresholds`: every yellow and red limit a finite percentage within bounds.
fn thresholds(raw: &super::raw::RawThresholds, at: &str, problems: &mut Vec<String>) {
    let limits = [
        ("deviation", raw.deviation),
        ("sick_leave", raw.sick_leave),
        ("agency", raw.agency),
        ("measures", raw.measures),
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
}

/// `income_statement.columns`: the column groups in order (default: the month, accumulated,
/// last year and the full year); an unknown name is a problem with the nearest name.
fn column_groups(
    raw: Option<Vec<String>>,
    at: &str,
    problems: &mut Vec<String>,
) -> Vec<ColumnGroup> {
    let Some(names) = raw else {
        return ColumnGroup::ALL[..4].iter().map(|(_, g)| *g).collect();
    };
    let mut groups = Vec::new();
    for name in names {
        match ColumnGroup::ALL.iter().find(|(n, _)| *n == name) {
            Some((_, g)) if groups.contains(g) => problems.push(format!(
                "{at}income_statement.columns: \"{name}\" is named twice"
            )),
            Some((_, g)) => groups.push(*g),
            None => {
                let nearest = ColumnGroup::ALL
                    .iter()
                    .map(|(n, _)| *n)
                    .min_by_key(|n| strsim::levenshtein(n, &name))
                    .unwrap_or("month");
                let all: Vec<&str> = ColumnGroup::ALL.iter().map(|(n, _)| *n).collect();
                problems.push(format!(
                    "{at}income_statement.columns: \"{name}\" is not a column group (did you mean \"{nearest}\"? expected {})",
                    all.join(", ")
                ));
            }
        }
    }
    groups
}

/// `bridge.categories`: the bars of the bridge chart (6 by default).
fn bridge_categories(raw: Option<usize>, at: &str, problems: &mut Vec<String>) -> usize {
    let bars = raw.unwrap_or(6);
    if !(1..=100).contains(&bars) {
        problems.push(format!(
            "{at}bridge.categories: {bars} is not a number of bars (expected 1 to 100)"
        ));
    }
    bars
}

/// `transactions.largest`: the transactions listed per unit (5 by default).
fn largest_transactions(raw: Option<usize>, at: &str, problems: &mut Vec<String>) -> usize {
    let largest = raw.unwrap_or(5);
    if largest > 100 {
        problems.push(format!(
            "{at}transactions.largest: {largest} is not a number of transactions to list (expected 0 to 100)"
        ));
    }
    largest
}

/// `forecast_check.tolerance`: a percentage (0.5 by default).
fn forecast_tolerance(raw: Option<f64>, at: &str, problems: &mut Vec<String>) -> f64 {
    let tolerance = raw.unwrap_or(0.5);
    if !(tolerance.is_finite() && (0.0..=100.0).contains(&tolerance)) {
        problems.push(format!(
            "{at}forecast_check.tolerance: {tolerance:?} is not a percentage (expected 0 to 100)"
        ));
    }
    tolerance
}

/// `frame_funding_accounts`: account ranges.
fn frame_funding(
    raw: Option<Vec<String>>,
    at: &str,
    problems: &mut Vec<String>,
) -> Vec<AccountRange> {
    let mut frame_funding = Vec::new();
    for t in raw.unwrap_or_default() {
        match AccountRange::parse(&t) {
            Some(r) => frame_funding.push(r),
            None => problems.push(format!(
                "{at}frame_funding_accounts: \"{t}\" is not an account range (expected digits like \"38\" or \"3800-3899\")"
            )),
        }
    }
    frame_funding
}

/// `kpi_ratios`: named ratios of two KPIs, each with its decimals (1 by default).
fn kpi_ratios(
    raw: Option<Vec<super::raw::RawRatio>>,
    at: &str,
    problems: &mut Vec<String>,
) -> Vec<KpiRatio> {
    raw.unwrap_or_default()
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
        .collect()
}

/// `packs`: board packs, each named once (the name names the files), with a meeting date
/// and either a subtree or a list of units.
fn packs(raw: Option<Vec<super::raw::RawPack>>, at: &str, problems: &mut Vec<String>) -> Vec<Pack> {
    let mut packs = Vec::new();
    for (i, p) in raw.unwrap_or_default().into_iter().enumerate() {
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
            && crate::model::period::parse_date(&m.date).is_none()
        {
            problems.push(format!(
                "{at}packs, pack {n} ({}): meeting date \"{}\" is not a date (expected YYYY-MM-DD)",
                p.name, m.date
            ));
        }
        let units = match (p.root, p.units) {
            (Some(root), None) => PackUnits::Tree {
                root: super::Located::of(root),
                levels: p.levels.unwrap_or(1),
            },
            (None, Some(list)) if !list.is_empty() && p.levels.is_none() => {
                PackUnits::List(list.into_iter().map(super::Located::of).collect())
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
    packs
}

/// The organisation's code and name (defaults `TOTAL` and `Totalt`); an empty one is a
/// problem at its line: the root unit and every document's title would have no name.
fn organisation(
    raw: super::raw::RawOrganisation,
    origin: Option<&Path>,
    problems: &mut Vec<String>,
) -> (String, String) {
    let file = origin.map(|p| p.display().to_string()).unwrap_or_default();
    let mut take = |value: Option<serde_saphyr::Spanned<String>>,
                    key: &str,
                    default: &str,
                    expected: &str| {
        let Some(v) = value else {
            return default.to_string();
        };
        if v.value.trim().is_empty() {
            let at = v.referenced;
            problems.push(format!(
                "{file}:{}:{}: organisation.{key}: the {key} is empty (expected {expected}, or no `{key}:` line for \"{default}\")",
                at.line(),
                at.column()
            ));
        }
        v.value.trim().to_string()
    };
    let code = take(
        raw.code,
        "code",
        "TOTAL",
        "the code of the root unit, e.g. RM",
    );
    let name = take(
        raw.name,
        "name",
        "Totalt",
        "the organisation's name, e.g. Region Mittland",
    );
    (code, name)
}

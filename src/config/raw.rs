//! The YAML file as written: every key optional, unknown keys refused.

use std::path::PathBuf;

use serde::Deserialize;

/// The YAML file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawConfig {
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
    /// The bridge from last month's deviation to this month's.
    pub bridge: RawBridge,
    /// The check of what the forecast assumes about the rest of the year.
    pub forecast_check: RawForecastCheck,
    /// Board packs: PDF (and Excel) documents that bind several units' reports together.
    pub packs: Option<Vec<RawPack>>,
    /// Who the documents name as author (PDF and Excel metadata). Default: the organisation.
    pub author: Option<String>,
    /// The time zone of the time a report says it was made (an IANA name such as
    /// `Europe/Helsinki`). Default: `Europe/Stockholm`.
    pub time_zone: Option<String>,
    /// The SIE dimension whose objects are the units. Default `1` (kostnadsställe).
    pub sie_dimension: Option<String>,
    /// The balance requirement: the items left out of the result (realised gains on sales of
    /// fixed assets, unrealised gains and losses on securities…). Default none.
    pub balance_requirement: Option<RawBalanceRequirement>,
    /// Investment follow-up: the month by which a project must have started.
    pub investments: RawInvestments,
    /// The first month of the fiscal year, 1–12. Default: from the SIE files' `#RAR` when they
    /// agree, else 1 (the calendar year).
    pub fiscal_year_start: Option<u32>,
    /// Where each table of the contract comes from and how its columns are named, by table.
    /// Default: files named after the table, headers named as the contract (or in Swedish).
    pub sources: Option<std::collections::BTreeMap<String, RawSource>>,
    /// What the account view shows of the transactions behind an account.
    pub transactions: RawTransactions,
    /// The income statement's column groups.
    pub income_statement: RawIncomeStatement,
    /// The month's round (`uppfolj serve`): its store, deadline, and whether `generate` uses
    /// entries not yet approved.
    pub round: Option<RawRound>,
    /// When `--period latest` counts the newest month as closed.
    pub latest: super::schedule::RawLatest,
    /// Waiting for an export that is still being copied into the data folder.
    pub export: super::schedule::RawExport,
}

/// The income statement's column groups.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawIncomeStatement {
    /// The column groups in order: `month`, `accumulated`, `last_year`, `full_year`,
    /// `previous_forecast`, `last_year_full`. Default the first four.
    pub columns: Option<Vec<String>>,
}

/// The month's round.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawRound {
    /// The store, relative to the config file. Default `round.db` beside the config.
    pub db: Option<PathBuf>,
    /// The deadline, YYYY-MM-DD.
    pub due: Option<String>,
    /// `skip` (the default) or `use`: whether `generate` uses entries not approved.
    pub unapproved: Option<String>,
}

/// The transactions shown under each account of a leaf unit.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawTransactions {
    /// How many of the largest transactions (by absolute amount) each account lists for the
    /// month and for the year to date. Default 5; 0 lists none.
    pub largest: Option<usize>,
}

/// The balance requirement's exclusions.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawBalanceRequirement {
    pub exclude: Vec<RawExclusion>,
}

/// Investment follow-up settings.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawInvestments {
    /// The month (1–12) by which a project with no outcome is a finding (the rule that an
    /// investment not started by September lapses). Default none.
    pub lapse_month: Option<u32>,
}

/// One item left out of the result for the balance requirement, by its accounts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawExclusion {
    pub name: String,
    #[serde(default)]
    pub accounts: Vec<String>,
}

/// One table's source as an export gives it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawSource {
    /// A path or glob relative to the data folder; every match is read as one table.
    pub file: Option<String>,
    /// The sheet of a workbook. Default: the sheet named after the table, else the first.
    pub sheet: Option<String>,
    /// Contract column name: the header in the file.
    pub columns: std::collections::BTreeMap<String, String>,
    /// A constant month for files without a date or period column.
    pub period: Option<String>,
    /// The month is the `YYYY-MM` or `YYYYMM` in each file's name.
    pub period_from_file_name: Option<bool>,
    /// Sign of this source's amounts; overrides the global `sign`.
    pub sign: Option<String>,
    /// Columns whose cells hold "CODE Name": the code is the first word.
    pub code_and_name: Vec<String>,
    /// Code column (`unit`, `account`): the header of the column that holds its names.
    pub names: std::collections::BTreeMap<String, String>,
    /// Lines above the header (report titles in Excel exports). Default 0.
    pub skip_rows: Option<u64>,
    /// An ODBC connection string (`${VAR}` from the environment): the table comes from
    /// `query` run there, not from a file.
    pub odbc: Option<String>,
    /// The SQL query that gives the table's rows, with named parameters (`:year`…).
    pub query: Option<String>,
    /// How long the query may run, in seconds. Default 300.
    pub timeout_seconds: Option<u64>,
    /// How long logging in to the database may take, in seconds. Default 30.
    pub login_timeout_seconds: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPack {
    /// File name of the pack without extension: letters, digits, `-` and `_`.
    pub name: String,
    /// Title on the cover, e.g. "Månadsrapport september".
    pub title: String,
    /// The meeting the pack is for.
    #[serde(default)]
    pub meeting: Option<RawMeeting>,
    /// The unit the pack starts from; with `levels`, how many levels below it to include.
    /// Kept with its place in the file, for messages.
    #[serde(default)]
    pub root: Option<serde_saphyr::Spanned<String>>,
    #[serde(default)]
    pub levels: Option<usize>,
    /// Or an explicit list of units, in order, each with its place in the file.
    #[serde(default)]
    pub units: Option<Vec<serde_saphyr::Spanned<String>>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMeeting {
    /// The body that meets, e.g. "Hälso- och sjukvårdsnämnden".
    pub body: String,
    /// The meeting date, YYYY-MM-DD.
    pub date: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRatio {
    pub name: String,
    pub numerator: String,
    pub denominator: String,
    #[serde(default)]
    pub decimals: Option<u32>,
}

/// A pair of limits; which side is worse depends on the figure.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub(crate) struct Limits {
    pub yellow: f64,
    pub red: f64,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawThresholds {
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

/// The bridge chart and sentence.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawBridge {
    /// How many categories get a bar of their own; the smaller ones are one bar "Övrigt".
    /// Default 6.
    pub categories: Option<usize>,
}

/// The forecast check.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawForecastCheck {
    /// How far, in percent of the full-year cost budget, the forecast's rest of the year may
    /// lie from both projections before it is flagged. Default 0.5.
    pub tolerance: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawOrganisation {
    /// Code of the root unit. Default `TOTAL`.
    pub code: Option<serde_saphyr::Spanned<String>>,
    /// Name of the root unit and of the organisation. Default `Totalt`.
    pub name: Option<serde_saphyr::Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct RawMoney {
    /// `Mkr`, `tkr` or `kr`. Default `Mkr`.
    pub unit: Option<String>,
    /// Decimals shown. Default 1.
    pub decimals: Option<u32>,
}

/// One row of the category table: either a category or a subtotal of every category above it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRow {
    pub category: Option<String>,
    #[serde(default)]
    pub accounts: Vec<String>,
    pub subtotal: Option<String>,
}

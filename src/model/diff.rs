//! What changed between two runs: every figure of every unit whose value differs, from two
//! `figures.json` documents, and the input files whose SHA-256 differs, from two
//! `manifest.json` documents, with the commentary files the runs published and the accounts
//! whose figures moved (each manifest keeps its run's account tables, [`AccountTables`]).
//! The one comparison behind the change page of a new version and `uppfolj diff`; it walks
//! the JSON generically, so a figure added to `figures.json` later is compared without a
//! change here.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use serde_json::Value;

use super::money::{MoneyUnit, NumberStyle, kronor_string};

/// What the change page and the reports' notice of a new version say.
#[derive(Debug, Serialize)]
pub(crate) struct Update {
    /// This run's version number.
    pub version: u32,
    /// The version it replaces.
    pub previous_version: u32,
    /// The replaced version's `index.html` (or folder), relative to `OUT/<period>/`.
    pub previous_href: String,
    /// When this version was made, `YYYY-MM-DD`.
    pub date: String,
    /// Units with changed figures.
    pub units_changed: usize,
    /// Everything that differs.
    pub diff: Diff,
}

/// Two runs compared.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub(crate) struct Diff {
    /// Units with at least one differing figure, by code.
    pub units: Vec<UnitDiff>,
    /// Differing values outside `units` (the period, the currency).
    pub other: Vec<Change>,
    /// Input files added, removed or with another SHA-256: the config, the data files, then
    /// the commentary files, each by name.
    pub inputs: Vec<InputChange>,
    /// The accounts whose figures moved, per unit and account: the units' own rows as the
    /// two manifests' account tables keep them (empty when either manifest has none).
    pub accounts: Vec<AccountChange>,
}

/// The differing figures of one unit.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct UnitDiff {
    pub code: String,
    pub name: String,
    pub changes: Vec<Change>,
}

/// One differing value: its path in the unit (`categories[Personalkostnader].actual`), the
/// old and new value as written in `figures.json` (`None` where a side has none), and the
/// difference new − old when both are numbers.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct Change {
    pub path: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub difference: Option<String>,
    /// Whether the value is an amount of money: `figures.json` writes amounts as decimal
    /// strings in kronor with two decimals, other figures as JSON numbers.
    #[serde(skip)]
    pub money: bool,
}

/// An input file whose SHA-256 differs (`None`: the file is not among that run's inputs).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct InputChange {
    pub file: String,
    /// What the file is to the run: [`CONFIG`], [`DATA`] or [`COMMENTS`].
    pub kind: &'static str,
    /// The table a data file gives (`ledger`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// The unit a commentary file is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// The config file, as an input change's kind.
pub(crate) const CONFIG: &str = "config";
/// A data file (a table).
pub(crate) const DATA: &str = "data";
/// A commentary file, or a unit's commentary from the round.
pub(crate) const COMMENTS: &str = "comments";

impl InputChange {
    /// Whether the change can move figures: the config or a data file; a commentary file
    /// changes words only.
    pub(crate) fn moves_figures(&self) -> bool {
        self.kind != COMMENTS
    }
}

/// One figure of an account's own row in a unit that differs between the two runs' account
/// tables: `figure` is one of [`ACCOUNT_COLUMNS`], amounts exact in kronor.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct AccountChange {
    pub unit: String,
    pub account: String,
    pub figure: &'static str,
    pub old: String,
    pub new: String,
    pub difference: Option<String>,
}

/// The columns of the account tables a manifest keeps, as the reports' account tables show
/// them: accumulated outcome and budget, outcome of the same months last year, full-year
/// budget.
pub(crate) const ACCOUNT_COLUMNS: [&str; 4] =
    ["actual", "budget", "actual_prev_year", "budget_year"];

/// The account tables of a run as its manifest keeps them, for the next version to name the
/// accounts whose figures moved: per unit (by code) and account, the amounts booked on the
/// unit itself (its own rows, not those of the units below it) in [`ACCOUNT_COLUMNS`], exact
/// in kronor and separated by a space (`"-1210.10 -1200.00 -1100.00 -14400.00"`). Only what
/// the reports' account tables already publish; accounts with nothing on the unit are left
/// out.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub(crate) struct AccountTables {
    pub columns: [&'static str; 4],
    pub units: BTreeMap<String, BTreeMap<String, String>>,
}

impl AccountTables {
    /// The tables from each unit's own amounts per account, in öre.
    pub(crate) fn new(rows: impl IntoIterator<Item = (String, String, [i64; 4])>) -> Self {
        let mut units: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (unit, account, amounts) in rows {
            if amounts.iter().all(|a| *a == 0) {
                continue;
            }
            let text: Vec<String> = amounts.iter().map(|a| kronor_string(*a)).collect();
            units
                .entry(unit)
                .or_default()
                .insert(account, text.join(" "));
        }
        AccountTables {
            columns: ACCOUNT_COLUMNS,
            units,
        }
    }

    /// No unit has an account.
    pub(crate) fn is_empty(&self) -> bool {
        self.units.is_empty()
    }
}

impl Diff {
    /// Nothing differs.
    pub(crate) fn is_empty(&self) -> bool {
        self.units.is_empty()
            && self.other.is_empty()
            && self.inputs.is_empty()
            && self.accounts.is_empty()
    }
}

/// Compares two `figures.json` documents and, when given, the two runs' `manifest.json`.
pub(crate) fn compare(old: &Value, new: &Value, manifests: Option<(&Value, &Value)>) -> Diff {
    let empty = serde_json::Map::new();
    let old_units = old
        .get("units")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let new_units = new
        .get("units")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut codes: Vec<&String> = old_units.keys().chain(new_units.keys()).collect();
    codes.sort();
    codes.dedup();
    let mut units = Vec::new();
    for code in codes {
        let (o, n) = (old_units.get(code), new_units.get(code));
        let mut changes = Vec::new();
        walk(String::new(), o, n, &mut changes);
        if changes.is_empty() {
            continue;
        }
        let name = [n, o]
            .into_iter()
            .flatten()
            .find_map(|u| u.get("name").and_then(Value::as_str))
            .unwrap_or_default()
            .to_string();
        units.push(UnitDiff {
            code: code.clone(),
            name,
            changes,
        });
    }
    let strip = |v: &Value| match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| *k != "units")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    };
    let mut other = Vec::new();
    walk(
        String::new(),
        Some(&strip(old)),
        Some(&strip(new)),
        &mut other,
    );
    let inputs = manifests
        .map(|(o, n)| input_changes(o, n))
        .unwrap_or_default();
    let accounts = manifests
        .map(|(o, n)| account_changes(o, n))
        .unwrap_or_default();
    Diff {
        units,
        other,
        inputs,
        accounts,
    }
}

/// The fields that name an element of an array of objects, in the order they are looked for:
/// `categories[Personalkostnader]`, `months[2020-09]`.
const LABELS: &[&str] = &[
    "category",
    "period",
    "profession",
    "measure",
    "item",
    "kpi",
    "name",
    "code",
    "unit",
];

/// The label of an array element: its first naming field, else its position.
fn label(v: &Value, index: usize) -> String {
    LABELS
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_str))
        .map(str::to_string)
        .unwrap_or_else(|| index.to_string())
}

/// The elements of an array by label, in order (a repeated label gets `#2`, `#3`, …).
fn labelled(items: &[Value]) -> Vec<(String, &Value)> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let l = label(v, i);
            let n = seen.entry(l.clone()).or_insert(0);
            *n += 1;
            let l = if *n > 1 { format!("{l}#{n}") } else { l };
            (l, v)
        })
        .collect()
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Every leaf below `old` and `new` whose value differs, with its path.
fn walk<'a>(path: String, old: Option<&'a Value>, new: Option<&'a Value>, out: &mut Vec<Change>) {
    match (old, new) {
        (Some(Value::Object(o)), Some(Value::Object(n))) => {
            let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                walk(join(&path, k), o.get(k), n.get(k), out);
            }
        }
        (Some(Value::Object(o)), None) => {
            for (k, v) in o {
                walk(join(&path, k), Some(v), None, out);
            }
        }
        (None, Some(Value::Object(n))) => {
            for (k, v) in n {
                walk(join(&path, k), None, Some(v), out);
            }
        }
        (Some(Value::Array(o)), Some(Value::Array(n))) => {
            let (o, n) = (labelled(o), labelled(n));
            let mut order: Vec<&String> = n.iter().map(|(l, _)| l).collect();
            for (l, _) in &o {
                if !order.contains(&l) {
                    order.push(l);
                }
            }
            for l in order {
                let find = |side: &[(String, &'a Value)]| -> Option<&'a Value> {
                    side.iter().find(|(k, _)| k == l).map(|(_, v)| *v)
                };
                walk(format!("{path}[{l}]"), find(&o), find(&n), out);
            }
        }
        (Some(Value::Array(o)), None) => {
            for (l, v) in labelled(o) {
                walk(format!("{path}[{l}]"), Some(v), None, out);
            }
        }
        (None, Some(Value::Array(n))) => {
            for (l, v) in labelled(n) {
                walk(format!("{path}[{l}]"), None, Some(v), out);
            }
        }
        (o, n) => {
            if o != n {
                let (old, new) = (o.and_then(leaf), n.and_then(leaf));
                if old.is_none() && new.is_none() {
                    return;
                }
                let difference = match (&old, &new) {
                    (Some(a), Some(b)) => difference(a, b),
                    _ => None,
                };
                let amount = |v: Option<&Value>| match v {
                    None | Some(Value::Null) => true,
                    Some(Value::String(s)) => Decimal::from_str(s).is_ok_and(|d| d.scale() == 2),
                    Some(_) => false,
                };
                out.push(Change {
                    path,
                    old,
                    new,
                    difference,
                    money: amount(o) && amount(n),
                });
            }
        }
    }
}

/// A value as text: strings as they are, numbers and booleans as JSON writes them, `null`
/// as none.
fn leaf(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// `new − old` when both are decimal numbers, with a `+` on an increase.
fn difference(old: &str, new: &str) -> Option<String> {
    let parse = |s: &str| {
        Decimal::from_str(s)
            .or_else(|_| Decimal::from_scientific(s))
            .ok()
    };
    let d = parse(new)?.checked_sub(parse(old)?)?;
    Some(if d > Decimal::ZERO {
        format!("+{d}")
    } else {
        d.to_string()
    })
}

/// The input files of two manifests whose SHA-256 differs, by name: the config (`config`),
/// the data files (`inputs`) and the commentary files (`comments`), each by the path the
/// manifest writes (relative to the data folder).
fn input_changes(old: &Value, new: &Value) -> Vec<InputChange> {
    type Files = BTreeMap<String, (String, Option<String>, Option<String>)>;
    let files = |m: &Value| {
        let mut config = Files::new();
        if let Some(sha) = m["config"]["sha256"].as_str() {
            config.insert("config".to_string(), (sha.to_string(), None, None));
        }
        let mut data = Files::new();
        for i in m["inputs"].as_array().into_iter().flatten() {
            if let (Some(f), Some(sha)) = (i["file"].as_str(), i["sha256"].as_str()) {
                let table = i["table"].as_str().map(str::to_string);
                data.insert(f.to_string(), (sha.to_string(), table, None));
            }
        }
        let mut comments = Files::new();
        for c in m["comments"].as_array().into_iter().flatten() {
            if let (Some(f), Some(sha)) = (c["file"].as_str(), c["sha256"].as_str()) {
                let unit = c["unit"].as_str().map(str::to_string);
                comments.insert(f.to_string(), (sha.to_string(), None, unit));
            }
        }
        [(CONFIG, config), (DATA, data), (COMMENTS, comments)]
    };
    let mut out = Vec::new();
    for ((kind, o), (_, n)) in files(old).into_iter().zip(files(new)) {
        let mut names: Vec<&String> = o.keys().chain(n.keys()).collect();
        names.sort();
        names.dedup();
        for f in names {
            let (a, b) = (o.get(f), n.get(f));
            if a.map(|x| &x.0) == b.map(|x| &x.0) {
                continue;
            }
            let about = b.or(a).map(|x| (x.1.clone(), x.2.clone()));
            let (table, unit) = about.unwrap_or_default();
            out.push(InputChange {
                file: f.clone(),
                kind,
                table,
                unit,
                old: a.map(|x| x.0.clone()),
                new: b.map(|x| x.0.clone()),
            });
        }
    }
    out
}

/// The accounts of two manifests' account tables whose figures differ, by unit, account and
/// column; none when either manifest keeps no account tables (made before they were kept).
fn account_changes(old: &Value, new: &Value) -> Vec<AccountChange> {
    let tables = |m: &Value| -> Option<BTreeMap<(String, String), Vec<String>>> {
        let units = m["account_tables"]["units"].as_object()?;
        let mut out = BTreeMap::new();
        for (unit, accounts) in units {
            for (account, amounts) in accounts.as_object().into_iter().flatten() {
                let amounts = amounts.as_str().unwrap_or_default();
                let amounts = amounts.split(' ').map(str::to_string).collect();
                out.insert((unit.clone(), account.clone()), amounts);
            }
        }
        Some(out)
    };
    let (Some(o), Some(n)) = (tables(old), tables(new)) else {
        return Vec::new();
    };
    let mut keys: Vec<&(String, String)> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        let (a, b) = (o.get(key), n.get(key));
        for (i, figure) in ACCOUNT_COLUMNS.into_iter().enumerate() {
            // An account a table does not list has nothing on the unit.
            let value = |side: Option<&Vec<String>>| {
                side.and_then(|v| v.get(i))
                    .cloned()
                    .unwrap_or_else(|| "0.00".to_string())
            };
            let (old, new) = (value(a), value(b));
            let same = match (Decimal::from_str(&old), Decimal::from_str(&new)) {
                (Ok(x), Ok(y)) => x == y,
                _ => old == new,
            };
            if same {
                continue;
            }
            out.push(AccountChange {
                unit: key.0.clone(),
                account: key.1.clone(),
                figure,
                difference: difference(&old, &new),
                old,
                new,
            });
        }
    }
    out
}

/// How the report shows amounts: its number style, money unit and decimals.
pub(crate) struct Amounts {
    pub style: NumberStyle,
    pub unit: MoneyUnit,
    pub decimals: u32,
    /// The unit as the report writes it, `Mkr`.
    pub unit_label: String,
    /// Kronor as the report writes them, `kr`: a change that the report's unit rounds away
    /// is shown in kronor with its öre.
    pub kr_label: String,
}

impl Amounts {
    /// A value as the report shows it: an amount in its money unit, another number with
    /// its decimals in the language's style, anything else as it is.
    fn show(&self, value: &str, money: Option<(MoneyUnit, u32)>, signed: bool) -> String {
        let Ok(d) = Decimal::from_str(value) else {
            return value.to_string();
        };
        let text = match (money, (d * Decimal::ONE_HUNDRED).to_i64()) {
            (Some((unit, decimals)), Some(ore)) => self.style.money(ore, unit, decimals),
            _ => self.style.decimal(d, d.scale()),
        };
        if signed && d > Decimal::ZERO {
            format!("+{text}")
        } else {
            text
        }
    }
}

/// How many accounts the change page and the text list before they only count the rest
/// ("and 37 more rows"); the JSON lists every one.
pub(crate) const ACCOUNTS_SHOWN: usize = 20;

/// What an input change is, in words for a terminal: `input file changed`.
fn input_words(i: &InputChange) -> String {
    let what = match i.kind {
        CONFIG => "config",
        COMMENTS => "commentary",
        _ => "input file",
    };
    let how = match (&i.old, &i.new) {
        (None, _) => "added",
        (_, None) => "removed",
        _ => "changed",
    };
    format!("{what} {how}")
}

/// The comparison as lines for a terminal, grouped by what changed in the input: each input
/// file that moves figures (`input file changed: ledger.csv` and its SHA-256), the accounts
/// whose figures moved (`A1 5010 actual: -1 210,10 → -1 212,35 kr (-2,25)`, at most
/// [`ACCOUNTS_SHOWN`]), then the figures they moved by unit: `A1 Enhet A1`, then
/// `  actual: -479,8 → -478,8 Mkr (+1,0)` per figure (amounts as the report shows them; a
/// change the report's unit rounds away in kronor, `-3 139,85 → -3 142,10 kr (-2,25)`);
/// then each commentary file changed, and a last line that counts what differs.
pub(crate) fn to_text(diff: &Diff, amounts: &Amounts) -> String {
    let change = |c: &Change| {
        let text = |money: Option<(MoneyUnit, u32)>| {
            let show = |v: &Option<String>| {
                v.as_deref()
                    .map_or_else(|| "none".to_string(), |v| amounts.show(v, money, false))
            };
            let d = c.difference.as_ref().map(|d| amounts.show(d, money, true));
            (show(&c.old), show(&c.new), d)
        };
        let report = (amounts.unit, amounts.decimals);
        let (mut old, mut new, mut d) = text(c.money.then_some(report));
        let mut unit = &amounts.unit_label;
        // An amount shown as zero that is not: the report's unit rounds it away.
        let zero = |t: &str| !t.chars().any(|ch| ch.is_ascii_digit() && ch != '0');
        let exact = [&c.old, &c.new, &c.difference];
        let shown = [Some(&old), Some(&new), d.as_ref()];
        let rounded_away = exact.iter().zip(shown).any(|(e, t)| {
            let nonzero = e
                .as_deref()
                .and_then(|e| Decimal::from_str(e).ok())
                .is_some_and(|e| !e.is_zero());
            nonzero && t.is_some_and(|t| zero(t))
        });
        if c.money && (old == new || rounded_away) {
            (old, new, d) = text(Some((MoneyUnit::Kr, 2)));
            unit = &amounts.kr_label;
        }
        let unit = if c.money {
            format!(" {unit}")
        } else {
            String::new()
        };
        let d = d.map(|d| format!(" ({d})")).unwrap_or_default();
        format!("  {}: {old} → {new}{unit}{d}\n", c.path)
    };
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_string());
    let input = |i: &InputChange| {
        let name = match i.kind {
            CONFIG => String::new(),
            _ => format!(": {}", i.file),
        };
        format!(
            "{}{name}\n  SHA-256: {} → {}\n",
            input_words(i),
            show(&i.old),
            show(&i.new)
        )
    };
    let (moving, comments): (Vec<&InputChange>, Vec<&InputChange>) =
        diff.inputs.iter().partition(|i| i.moves_figures());
    let mut out = String::new();
    for i in &moving {
        out.push_str(&input(i));
    }
    if !diff.accounts.is_empty() {
        out.push_str("accounts whose figures moved:\n");
        for a in diff.accounts.iter().take(ACCOUNTS_SHOWN) {
            let c = Change {
                path: format!("{} {} {}", a.unit, a.account, a.figure),
                old: Some(a.old.clone()),
                new: Some(a.new.clone()),
                difference: a.difference.clone(),
                money: true,
            };
            out.push_str(&change(&c));
        }
        let more = diff.accounts.len().saturating_sub(ACCOUNTS_SHOWN);
        if more > 0 {
            out.push_str(&format!("  and {more} more\n"));
        }
    }
    let figures = !diff.other.is_empty() || !diff.units.is_empty();
    if figures && !moving.is_empty() {
        let they = if moving.len() == 1 { "it" } else { "they" };
        out.push_str(&format!("figures {they} moved:\n"));
    }
    if !diff.other.is_empty() {
        out.push_str("(file)\n");
        for c in &diff.other {
            out.push_str(&change(c));
        }
    }
    for u in &diff.units {
        out.push_str(&format!("{} {}\n", u.code, u.name));
        for c in &u.changes {
            out.push_str(&change(c));
        }
    }
    for i in &comments {
        out.push_str(&input(i));
    }
    out.push_str(&summary(diff));
    out.push('\n');
    out
}

/// `2 units and 1 input file differ`, or `no differences`.
pub(crate) fn summary(diff: &Diff) -> String {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = Vec::new();
    if !diff.other.is_empty() {
        parts.push(count(diff.other.len(), "other value", "other values"));
    }
    if !diff.units.is_empty() {
        parts.push(count(diff.units.len(), "unit", "units"));
    }
    if !diff.inputs.is_empty() {
        parts.push(count(diff.inputs.len(), "input file", "input files"));
    }
    if parts.is_empty() && !diff.accounts.is_empty() {
        parts.push(count(
            diff.accounts.len(),
            "account figure",
            "account figures",
        ));
    }
    match parts.len() {
        0 => "no differences".to_string(),
        1 => format!(
            "{} differ{}",
            parts[0],
            if parts[0].starts_with("1 ") { "s" } else { "" }
        ),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("{} and {last} differ", parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Swedish, in Mkr with one decimal, as the sample region's reports.
    fn mkr() -> Amounts {
        Amounts {
            style: NumberStyle {
                decimal_mark: ',',
                group: '\u{a0}',
                minus: '-',
            },
            unit: MoneyUnit::Mkr,
            decimals: 1,
            unit_label: "Mkr".to_string(),
            kr_label: "kr".to_string(),
        }
    }

    /// English, in kronor without decimals.
    fn kr() -> Amounts {
        Amounts {
            style: NumberStyle {
                decimal_mark: '.',
                group: ',',
                minus: '-',
            },
            unit: MoneyUnit::Kr,
            decimals: 0,
            unit_label: "SEK".to_string(),
            kr_label: "SEK".to_string(),
        }
    }

    fn figures(actual: &str, pers: &str) -> Value {
        json!({
            "period": "2020-02",
            "currency": "SEK",
            "units": {
                "A": {"name": "Nämnd A", "actual": actual, "children": ["A1"],
                      "categories": [
                        {"category": "Intäkter", "kind": "category", "actual": "10.00"},
                        {"category": "Personalkostnader", "kind": "category", "actual": pers}],
                      "personnel": {"sick_leave": 5.1}},
                "B": {"name": "Nämnd B", "actual": "1.00"}
            }
        })
    }

    #[test]
    fn equal_documents_have_no_differences() {
        let a = figures("-5.00", "-15.00");
        let d = compare(&a, &a, None);
        assert!(d.is_empty());
        assert_eq!(to_text(&d, &mkr()), "no differences\n");
    }

    #[test]
    fn every_differing_leaf_with_its_path_and_difference() {
        let a = figures("-118300225.17", "-15.00");
        let mut b = figures("-119350225.17", "1234567.49");
        b["units"]["A"]["personnel"]["sick_leave"] = json!(5.3);
        let d = compare(&a, &b, None);
        assert_eq!(
            to_text(&d, &mkr()),
            "A Nämnd A\n  actual: -118,3 → -119,4 Mkr (-1,1)\n  categories[Personalkostnader].actual: -15,00 → 1\u{a0}234\u{a0}567,49 kr (+1\u{a0}234\u{a0}582,49)\n  personnel.sick_leave: 5,1 → 5,3 (+0,2)\n1 unit differs\n"
        );
        assert_eq!(
            to_text(&d, &kr()),
            "A Nämnd A\n  actual: -118,300,225 → -119,350,225 SEK (-1,050,000)\n  categories[Personalkostnader].actual: -15 → 1,234,567 SEK (+1,234,582)\n  personnel.sick_leave: 5.1 → 5.3 (+0.2)\n1 unit differs\n"
        );
        // The JSON keeps every amount exact.
        let json = serde_json::to_value(&d.units[0].changes[0]).unwrap();
        assert_eq!(
            json,
            json!({"path": "actual", "old": "-118300225.17", "new": "-119350225.17", "difference": "-1050000.00"})
        );
    }

    #[test]
    fn added_and_removed_values_and_inputs() {
        let a = figures("-5.00", "-15.00");
        let mut b = a.clone();
        b["units"]["B"]["forecast"] = json!({"deviation": "2.00", "made": "2020-02"});
        b["units"]["A"]["categories"][0]["actual"] = Value::Null;
        let ma = json!({"inputs": [{"file": "ledger.csv", "sha256": "aa"}, {"file": "old.csv", "sha256": "cc"}]});
        let mb =
            json!({"config": {"sha256": "ff"}, "inputs": [{"file": "ledger.csv", "sha256": "bb"}]});
        let d = compare(&a, &b, Some((&ma, &mb)));
        assert_eq!(
            to_text(&d, &mkr()),
            "config added\n  SHA-256: none → ff\ninput file changed: ledger.csv\n  SHA-256: aa → bb\ninput file removed: old.csv\n  SHA-256: cc → none\nfigures they moved:\nA Nämnd A\n  categories[Intäkter].actual: 10,00 → none kr\nB Nämnd B\n  forecast.deviation: none → 2,00 kr\n  forecast.made: none → 2020-02\n2 units and 3 input files differ\n"
        );
    }

    /// Two manifests with account tables and commentary files.
    fn manifest(ledger: &str, accounts: Value, comments: Value) -> Value {
        json!({
            "inputs": [{"table": "ledger", "file": "ledger.csv", "rows": 3, "sha256": ledger}],
            "comments": comments,
            "account_tables": {"columns": ACCOUNT_COLUMNS, "units": accounts},
        })
    }

    #[test]
    fn accounts_whose_figures_moved_and_commentary_files() {
        let a = figures("-5.00", "-15.00");
        let b = figures("-7.25", "-17.25");
        let ma = manifest(
            "aa",
            json!({"A1": {"5010": "-15.00 0.00 -14.00 -180.00", "3010": "10.00 10.00 0.00 0.00"}}),
            json!([{"unit": "A1", "file": "comments/2020-02/A1.md", "sha256": "c1"},
                   {"unit": "B", "file": "comments/2020-02/B.md", "sha256": "c2"}]),
        );
        let mb = manifest(
            "bb",
            json!({"A1": {"5010": "-17.25 0.00 -14.00 -180.00", "3010": "10.00 10.00 0.00 0.00"},
                   "B": {"4010": "0.00 -2.00 0.00 -24.00"}}),
            json!([{"unit": "A1", "file": "comments/2020-02/A1.md", "sha256": "c3"},
                   {"unit": "B", "file": "comments/2020-02/B.md", "sha256": "c2"}]),
        );
        let d = compare(&a, &b, Some((&ma, &mb)));
        // The account that moved, and the one new to the table with its two amounts.
        let moved: Vec<(String, String, &str, String, String)> = d
            .accounts
            .iter()
            .map(|c| {
                (
                    c.unit.clone(),
                    c.account.clone(),
                    c.figure,
                    c.old.clone(),
                    c.new.clone(),
                )
            })
            .collect();
        let row = |u: &str, a: &str, f, o: &str, n: &str| {
            (
                u.to_string(),
                a.to_string(),
                f,
                o.to_string(),
                n.to_string(),
            )
        };
        assert_eq!(
            moved,
            [
                row("A1", "5010", "actual", "-15.00", "-17.25"),
                row("B", "4010", "budget", "0.00", "-2.00"),
                row("B", "4010", "budget_year", "0.00", "-24.00"),
            ]
        );
        assert_eq!(d.accounts[0].difference.as_deref(), Some("-2.25"));
        // The data file first, then the commentary file that changed (not the one that did not).
        let inputs: Vec<(&str, &str, Option<&str>)> = d
            .inputs
            .iter()
            .map(|i| (i.file.as_str(), i.kind, i.unit.as_deref()))
            .collect();
        assert_eq!(
            inputs,
            [
                ("ledger.csv", DATA, None),
                ("comments/2020-02/A1.md", COMMENTS, Some("A1"))
            ]
        );
        let text = to_text(&d, &mkr());
        assert!(
            text.starts_with("input file changed: ledger.csv\n  SHA-256: aa → bb\naccounts whose figures moved:\n  A1 5010 actual: -15,00 → -17,25 kr (-2,25)\n  B 4010 budget: 0,00 → -2,00 kr (-2,00)\n  B 4010 budget_year: 0,00 → -24,00 kr (-24,00)\nfigures it moved:\nA Nämnd A\n"),
            "{text}"
        );
        assert!(
            text.ends_with("commentary changed: comments/2020-02/A1.md\n  SHA-256: c1 → c3\n1 unit and 2 input files differ\n"),
            "{text}"
        );
        // The JSON names each account's figure exactly.
        assert_eq!(
            serde_json::to_value(&d.accounts[0]).unwrap(),
            json!({"unit": "A1", "account": "5010", "figure": "actual", "old": "-15.00", "new": "-17.25", "difference": "-2.25"})
        );
    }

    #[test]
    fn more_accounts_than_are_listed_are_counted() {
        let a = figures("-5.00", "-15.00");
        let tables = |amount: &str| {
            let accounts: serde_json::Map<String, Value> = (0..25)
                .map(|i| {
                    (
                        format!("{}", 4000 + i),
                        json!(format!("{amount} 0.00 0.00 0.00")),
                    )
                })
                .collect();
            manifest("aa", json!({"A1": accounts}), json!([]))
        };
        let d = compare(&a, &a, Some((&tables("1.00"), &tables("2.00"))));
        assert_eq!(d.accounts.len(), 25);
        let text = to_text(&d, &mkr());
        assert_eq!(
            text.lines().filter(|l| l.starts_with("  A1 ")).count(),
            ACCOUNTS_SHOWN
        );
        assert!(
            text.ends_with("  and 5 more\n25 account figures differ\n"),
            "{text}"
        );
    }
}

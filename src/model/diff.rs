//! What changed between two runs: every figure of every unit whose value differs, from two
//! `figures.json` documents, and the input files whose SHA-256 differs, from two
//! `manifest.json` documents. The one comparison behind the change page of a new version
//! and `uppfolj diff`; it walks the JSON generically, so a figure added to `figures.json`
//! later is compared without a change here.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;

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
    /// Input files added, removed or with another SHA-256, by name.
    pub inputs: Vec<InputChange>,
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
}

/// An input file whose SHA-256 differs (`None`: the file is not among that run's inputs).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub(crate) struct InputChange {
    pub file: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl Diff {
    /// Nothing differs.
    pub(crate) fn is_empty(&self) -> bool {
        self.units.is_empty() && self.other.is_empty() && self.inputs.is_empty()
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
    Diff {
        units,
        other,
        inputs,
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
                out.push(Change {
                    path,
                    old,
                    new,
                    difference,
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

/// The input files of two manifests (`config` and `inputs`) whose SHA-256 differs, by name:
/// the path as the manifest writes it (relative to the data folder), the config as `config`.
fn input_changes(old: &Value, new: &Value) -> Vec<InputChange> {
    let files = |m: &Value| {
        let mut out: BTreeMap<String, String> = BTreeMap::new();
        if let Some(sha) = m["config"]["sha256"].as_str() {
            out.insert("config".to_string(), sha.to_string());
        }
        for i in m["inputs"].as_array().into_iter().flatten() {
            if let (Some(f), Some(sha)) = (i["file"].as_str(), i["sha256"].as_str()) {
                out.insert(f.to_string(), sha.to_string());
            }
        }
        out
    };
    let (o, n) = (files(old), files(new));
    let mut names: Vec<&String> = o.keys().chain(n.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|f| o.get(*f) != n.get(*f))
        .map(|f| InputChange {
            file: f.clone(),
            old: o.get(f).cloned(),
            new: n.get(f).cloned(),
        })
        .collect()
}

/// The comparison as lines for a terminal, grouped by unit: `A1 Enhet A1`, then
/// `  actual: -479.75 → -478.75 (+1.00)` per figure, the input files, and a last line that
/// counts what differs.
pub(crate) fn to_text(diff: &Diff) -> String {
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "none".to_string());
    let change = |c: &Change| {
        let d = c
            .difference
            .as_ref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        format!("  {}: {} → {}{d}\n", c.path, show(&c.old), show(&c.new))
    };
    let mut out = String::new();
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
    if !diff.inputs.is_empty() {
        out.push_str("input files (SHA-256)\n");
        for i in &diff.inputs {
            out.push_str(&format!(
                "  {}: {} → {}\n",
                i.file,
                show(&i.old),
                show(&i.new)
            ));
        }
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
        assert_eq!(to_text(&d), "no differences\n");
    }

    #[test]
    fn every_differing_leaf_with_its_path_and_difference() {
        let a = figures("-5.00", "-15.00");
        let mut b = figures("-6.50", "-16.50");
        b["units"]["A"]["personnel"]["sick_leave"] = json!(5.3);
        let d = compare(&a, &b, None);
        assert_eq!(
            to_text(&d),
            "A Nämnd A\n  actual: -5.00 → -6.50 (-1.50)\n  categories[Personalkostnader].actual: -15.00 → -16.50 (-1.50)\n  personnel.sick_leave: 5.1 → 5.3 (+0.2)\n1 unit differs\n"
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
            to_text(&d),
            "A Nämnd A\n  categories[Intäkter].actual: 10.00 → none\nB Nämnd B\n  forecast.deviation: none → 2.00\n  forecast.made: none → 2020-02\ninput files (SHA-256)\n  config: none → ff\n  ledger.csv: aa → bb\n  old.csv: cc → none\n2 units and 3 input files differ\n"
        );
    }
}

//! A changed figure of the change page named as the report names it ("Resultat, utfall ack
//! september", "Nettokostnadsutveckling, förändring") rather than by its path in
//! `figures.json` (`categories[Resultat].actual`), and whether it leads the page (the result,
//! the deviation and the forecast) or is folded below.

use std::collections::BTreeMap;

/// What the words of a changed figure depend on: the language's labels and months, and the
/// report month.
pub(crate) struct Words<'a> {
    pub labels: &'a BTreeMap<String, String>,
    /// The language's month names, January first.
    pub months: &'a [String],
    /// The report month, `YYYY-MM`.
    pub period: &'a str,
    /// The result's name, as the income statement's last row names it (`Resultat`).
    pub result: &'a str,
}

impl Words<'_> {
    fn label(&self, key: &str) -> String {
        self.labels
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// A month `YYYY-MM` as its name, and its year.
    fn month(&self, period: &str) -> Option<(String, i32)> {
        let (y, m) = period.split_once('-')?;
        let (y, m): (i32, usize) = (y.parse().ok()?, m.parse().ok()?);
        Some((self.months.get(m.checked_sub(1)?)?.clone(), y))
    }

    /// The report month's name, the previous month's, and the report's year.
    fn report_months(&self) -> (String, String, i32) {
        let Some((name, year)) = self.month(self.period) else {
            return (self.period.to_string(), String::new(), 0);
        };
        let m = self
            .period
            .split_once('-')
            .and_then(|(_, m)| m.parse::<usize>().ok())
            .unwrap_or(1);
        let prev = self.months.get((m + 10) % 12).cloned().unwrap_or_default();
        (name, prev, year)
    }

    /// A field of `figures.json` in words: its label (`field_<name>` in the language file),
    /// else its name with spaces.
    fn field(&self, name: &str) -> String {
        self.labels
            .get(&format!("field_{name}"))
            .cloned()
            .unwrap_or_else(|| name.replace('_', " "))
    }
}

/// A path's parts: each name with its element label (`categories[Resultat]` → ("categories",
/// Some("Resultat"))).
fn parts(path: &str) -> Vec<(&str, Option<&str>)> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        let (name, after) = match rest.find(['.', '[']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let (label, after) = match after.strip_prefix('[') {
            Some(a) => match a.find(']') {
                Some(j) => (Some(&a[..j]), &a[j + 1..]),
                None => (Some(a), ""),
            },
            None => (None, after),
        };
        out.push((name, label));
        rest = after.strip_prefix('.').unwrap_or(after);
    }
    out
}

/// The words for a changed figure at `path` of a unit in `figures.json`, and whether it is
/// among the figures a reader looks for first (the result, the deviation, the forecast).
pub(crate) fn describe(path: &str, w: &Words<'_>) -> (String, bool) {
    let (month, prev_month, year) = w.report_months();
    let acc = format!("{} {month}", w.label("acc"));
    let result = w.result.to_string();
    let p = parts(path);
    let field = p.last().map(|(n, _)| *n).unwrap_or_default();
    let in_acc = |f: &str| match f {
        "actual" | "budget" | "deviation" => format!("{} {acc}", w.field(f)),
        _ => w.field(f),
    };
    match p.as_slice() {
        [(f, None)] => match *f {
            "actual" | "budget" | "deviation" | "budget_full_year" => {
                (format!("{result}, {}", in_acc(f)), true)
            }
            "deviation_change" => (
                format!(
                    "{}, {}",
                    w.label("deviation"),
                    w.label("change_since_previous_month").to_lowercase()
                ),
                true,
            ),
            "forecast_change" => (w.label("forecast_change"), true),
            "forecast_result" => (sentence(&w.field(f)), true),
            other => (sentence(&w.field(other)), false),
        },
        [("previous_year", _), (f, _)] => {
            (format!("{result}, {} {acc} {}", w.field(f), year - 1), true)
        }
        [("previous_month", _), (f, _)] => (
            format!("{result}, {} {} {prev_month}", w.field(f), w.label("acc")),
            true,
        ),
        [("forecast", _), (f, _)] => (with_field(w.label("forecast_year"), f, w), true),
        [("forecast_previous", _), (f, _)] => {
            (with_field(w.label("previous_forecast"), f, w), true)
        }
        [("categories", Some(c)), ("month", _), (f, _)] => {
            (format!("{c}, {} {month}", w.field(f)), *c == result)
        }
        [("categories", Some(c)), (f, _)] => (format!("{c}, {}", in_acc(f)), *c == result),
        [("months", Some(m)), (f, _)] => {
            let when = w
                .month(m)
                .map(|(n, y)| format!("{n} {y}"))
                .unwrap_or_else(|| m.to_string());
            (format!("{} {when}", sentence(&w.field(f))), false)
        }
        [("bridge", _), ("from", _)] => {
            (format!("{} {prev_month}", w.label("deviation_at")), false)
        }
        [("bridge", _), ("to", _)] => (format!("{} {month}", w.label("deviation_at")), false),
        [("bridge", _), (_, Some(c)), _] => (
            format!(
                "{c}, {} {} {prev_month}",
                w.label("change").to_lowercase(),
                w.label("since")
            ),
            false,
        ),
        [(section, label), rest @ ..] => {
            let mut words = vec![
                w.labels
                    .get(&format!("section_{section}"))
                    .cloned()
                    .unwrap_or_else(|| sentence(&section.replace('_', " "))),
            ];
            words.extend(label.map(str::to_string));
            for (name, label) in rest {
                if *name != field {
                    words.push(w.field(name));
                }
                words.extend(label.map(str::to_string));
            }
            if rest.iter().any(|(n, _)| *n == field) {
                words.push(w.field(field));
            }
            (words.join(", "), false)
        }
        [] => (path.to_string(), false),
    }
}

/// A column of the account tables a manifest keeps (see
/// [`crate::model::diff::ACCOUNT_COLUMNS`]) as the reports' account tables name it:
/// "Utfall ack september", "Utfall ack september 2019", "Budget helår".
pub(crate) fn account_figure(column: &str, w: &Words<'_>) -> String {
    let (month, _, year) = w.report_months();
    let acc = format!("{} {month}", w.label("acc"));
    match column {
        "actual" | "budget" => sentence(&format!("{} {acc}", w.field(column))),
        "actual_prev_year" => sentence(&format!("{} {acc} {}", w.field("actual"), year - 1)),
        "budget_year" => w.label("budget_year"),
        other => sentence(&w.field(other)),
    }
}

/// `forecast.deviation` → "Prognos avvikelse helår"; `forecast.made` → "…, lagd".
fn with_field(name: String, field: &str, w: &Words<'_>) -> String {
    match field {
        "deviation" => name,
        other => format!("{name}, {}", w.field(other)),
    }
}

/// A text with its first letter capitalised.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

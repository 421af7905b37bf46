//! The sign of the ledger's amounts, checked against the data whatever the config says: a
//! config line is an assumption, the data is the fact.
//!
//! Every account of the ledger is a cost or a revenue account by its report category (the
//! `accounts` table or the config's ranges): a category whose ranges all lie in class 3 is
//! revenue, in classes 4–7 costs; a category without such ranges is named for what it holds
//! ("…intäkter", "…bidrag" or "…kostnader", "Köp av…", "Läkemedel", "Avskrivningar"). An
//! account whose category says neither counts by its first digit as in Kommun-Bas and
//! Region-Bas (3 revenue, 4–7 costs). In result sign costs are negative and revenue positive;
//! when at least [`MOSTLY`] of the absolute amounts of the costs lie on the wrong side, the
//! ledger is refused with the evidence — inverted (costs positive, revenue negative or absent)
//! or with costs and revenue of the same sign, which no sign convention gives.
//! SIE files carry their sign by the standard and are not checked.

use std::collections::HashMap;

use super::Categories;
use crate::config::{Config, Row, Sign};
use crate::diag::Findings;
use crate::load::Dataset;
use crate::model::money::kronor_text;

/// The share of absolute amounts (in per cent) on one side that counts as "mostly"; revenue
/// counts as evidence from a hundredth of the costs' absolute amounts.
const MOSTLY: i128 = 80;

/// How many accounts a message names per side.
const NAMED: usize = 5;

/// What an account is in the result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cost,
    Revenue,
}

/// The outcome of one kind of account, in result sign (after the configured sign is applied).
#[derive(Debug, Default)]
struct Side<'a> {
    positive: i128,
    negative: i128,
    /// Per account, its net outcome.
    accounts: HashMap<&'a str, i128>,
}

impl<'a> Side<'a> {
    fn add(&mut self, account: &'a str, amount: i64) {
        let a = i128::from(amount);
        if a > 0 {
            self.positive += a;
        } else {
            self.negative -= a;
        }
        *self.accounts.entry(account).or_default() += a;
    }

    fn absolute(&self) -> i128 {
        self.positive + self.negative
    }

    fn mostly_positive(&self) -> bool {
        self.absolute() > 0 && self.positive * 100 >= self.absolute() * MOSTLY
    }

    fn mostly_negative(&self) -> bool {
        self.absolute() > 0 && self.negative * 100 >= self.absolute() * MOSTLY
    }

    /// The net sum, in the file's sign.
    fn net(&self, file_sign: i128) -> i128 {
        (self.positive - self.negative) * file_sign
    }

    /// "accounts 4010, 5010 and 2 more" / "account 3010": the largest by absolute outcome.
    fn named(&self) -> String {
        let mut by_size: Vec<(&&str, &i128)> = self.accounts.iter().collect();
        by_size.sort_by(|a, b| b.1.abs().cmp(&a.1.abs()).then(a.0.cmp(b.0)));
        let shown: Vec<&str> = by_size.iter().take(NAMED).map(|(a, _)| **a).collect();
        let more = by_size.len().saturating_sub(NAMED);
        let list = shown.join(", ");
        match (by_size.len(), more) {
            (1, _) => format!("account {list}"),
            (_, 0) => format!("accounts {list}"),
            _ => format!("accounts {list} and {more} more"),
        }
    }
}

/// A category's kind: by its account ranges when they all lie in class 3 or all in classes
/// 4–7, else by the words of its name; `None` when neither tells.
fn category_kind(name: &str, row: Option<&Row>) -> Option<Kind> {
    if let Some(Row::Category { ranges, .. }) = row {
        let classes: Vec<u8> = ranges
            .iter()
            .filter_map(|r| r.text.trim().bytes().next())
            .collect();
        if !classes.is_empty() && classes.iter().all(|&c| c == b'3') {
            return Some(Kind::Revenue);
        }
        if !classes.is_empty() && classes.iter().all(|c| (b'4'..=b'7').contains(c)) {
            return Some(Kind::Cost);
        }
    }
    let lower = name.to_lowercase();
    // "Lämnade bidrag" (grants given) are costs; "bidrag" alone is received.
    let given = lower.contains("lämnad");
    let revenue = !given
        && ["intäkt", "bidrag", "revenue", "income"]
            .iter()
            .any(|w| lower.contains(w));
    let cost = given
        || [
            "kostnad",
            "köp",
            "läkemedel",
            "avskrivning",
            "cost",
            "expense",
        ]
        .iter()
        .any(|w| lower.contains(w));
    match (revenue, cost) {
        (true, false) => Some(Kind::Revenue),
        (false, true) => Some(Kind::Cost),
        _ => None,
    }
}

/// An account's kind by its first digit (Kommun-Bas, Region-Bas).
fn class_kind(account: &str) -> Option<Kind> {
    match account.trim_start().as_bytes().first() {
        Some(b'3') => Some(Kind::Revenue),
        Some(b'4'..=b'7') => Some(Kind::Cost),
        _ => None,
    }
}

/// Where the ledger's sign comes from: the sign applied, and how the config says it (`None`
/// when it does not).
fn stated(data: &Dataset, config: &Config) -> (Sign, Option<String>) {
    let table = if data.inputs.iter().any(|i| i.table == "ledger") {
        "ledger"
    } else {
        "transactions"
    };
    let word = |s: Sign| match s {
        Sign::Result => "result",
        Sign::DebitPositive => "debit-positive",
    };
    match config.source_of(table).and_then(|s| s.sign) {
        Some(s) => (s, Some(format!("`sources.{table}.sign: {}`", word(s)))),
        None if config.sign_stated => (config.sign, Some(format!("`sign: {}`", word(config.sign)))),
        None => (config.sign, None),
    }
}

/// Refuses a ledger whose amounts contradict the sign applied to them (see the module).
pub(crate) fn check(data: &Dataset, cats: &Categories, config: &Config, findings: &mut Findings) {
    if data.inputs.iter().any(|i| i.table == "sie") {
        return;
    }
    let Some(ledger) = data.ledger() else {
        return;
    };
    // One hash look-up per ledger row and no copy of the account text: the ledger may have
    // millions of rows.
    let kinds: HashMap<&str, Option<Kind>> = cats
        .of_account
        .iter()
        .map(|(account, &c)| {
            let name = &cats.names[c];
            let row = config.rows.iter().find(|r| r.name() == name);
            let kind = category_kind(name, row).or_else(|| class_kind(account));
            (account.as_str(), kind)
        })
        .collect();
    let (mut costs, mut revenue) = (Side::default(), Side::default());
    for (account, &amount) in ledger.text("account").iter().zip(ledger.money("actual")) {
        match kinds.get(account.as_str()).copied().flatten() {
            Some(Kind::Cost) => costs.add(account, amount),
            Some(Kind::Revenue) => revenue.add(account, amount),
            None => {}
        }
    }
    let (sign, said) = stated(data, config);
    let file_sign = if sign == Sign::DebitPositive { -1 } else { 1 };
    let kr = |ore: i128| kronor_text(ore.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64);
    let evidence = || {
        let revenue_text = if revenue.absolute() == 0 {
            "no outcome on revenue accounts".to_string()
        } else {
            format!(
                "revenue ({}) to {} kr",
                revenue.named(),
                kr(revenue.net(file_sign))
            )
        };
        format!(
            "costs ({}) add up to {} kr and {revenue_text}",
            costs.named(),
            kr(costs.net(file_sign))
        )
    };
    // Revenue below a hundredth of the costs (an accounts-payable extract) is no evidence.
    let material = revenue.absolute() * 100 >= costs.absolute() && revenue.absolute() > 0;
    let same_side = material
        && ((costs.mostly_positive() && revenue.mostly_positive())
            || (costs.mostly_negative() && revenue.mostly_negative()));
    let inverted = costs.mostly_positive() && (!material || revenue.mostly_negative());
    let message = if same_side {
        let side = if costs.net(file_sign) > 0 {
            "positive"
        } else {
            "negative"
        };
        format!(
            "costs and revenue have the same sign: {}, both {side} (expected costs and revenue of opposite signs — costs negative and revenue positive in result sign, the reverse in debit-positive; check the amounts as typed or exported)",
            evidence()
        )
    } else if inverted {
        match (&said, sign) {
            (None, _) => format!(
                "the amounts look debit-positive: {}, where result sign has costs negative and revenue positive (expected `sign: debit-positive` in the config for a debit-positive ledger)",
                evidence()
            ),
            (Some(said), Sign::Result) => format!(
                "the amounts contradict {said} in the config: {}, where result sign has costs negative and revenue positive (expected `sign: debit-positive` for a debit-positive ledger)",
                evidence()
            ),
            (Some(said), Sign::DebitPositive) => format!(
                "the amounts contradict {said} in the config: {}, as in result sign, where debit-positive has costs positive and revenue negative (expected `sign: result`, or no sign in the config, for a ledger in result sign)",
                evidence()
            ),
        }
    } else {
        return;
    };
    findings.error(&ledger.file, None, Some(ledger.shown("actual")), message);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_are_costs_or_revenue_by_ranges_then_name() {
        let row = |name: &str, ranges: &[&str]| Row::Category {
            name: name.into(),
            ranges: ranges
                .iter()
                .map(|r| crate::config::AccountRange::parse(r).unwrap())
                .collect(),
        };
        let r = row("Övrigt", &["30-37", "39"]);
        assert_eq!(category_kind("Övrigt", Some(&r)), Some(Kind::Revenue));
        let r = row("Övrigt", &["45-49", "60-77"]);
        assert_eq!(category_kind("Övrigt", Some(&r)), Some(Kind::Cost));
        let r = row("Skatteintäkter", &["80-81"]);
        assert_eq!(
            category_kind("Skatteintäkter", Some(&r)),
            Some(Kind::Revenue)
        );
        assert_eq!(category_kind("Finansiella poster", None), None);
        assert_eq!(category_kind("Personalkostnader", None), Some(Kind::Cost));
        assert_eq!(category_kind("Köp av verksamhet", None), Some(Kind::Cost));
        assert_eq!(category_kind("Läkemedel", None), Some(Kind::Cost));
        assert_eq!(category_kind("Regionbidrag", None), Some(Kind::Revenue));
        assert_eq!(category_kind("Lämnade bidrag", None), Some(Kind::Cost));
        assert_eq!(class_kind("3010"), Some(Kind::Revenue));
        assert_eq!(class_kind("8410"), None);
    }

    #[test]
    fn mostly_is_four_fifths_of_the_absolute_amounts() {
        let mut s = Side::default();
        s.add("4010", 80);
        s.add("4020", -20);
        assert!(s.mostly_positive() && !s.mostly_negative());
        s.add("4030", -1);
        assert!(!s.mostly_positive());
        assert_eq!(s.named(), "accounts 4010, 4020, 4030");
    }
}

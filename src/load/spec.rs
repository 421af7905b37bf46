//! The data contract as data: every table, its columns, their kinds and the table's key. The
//! report sections' tables are given by their modules (`crate::sections`).

use std::sync::LazyLock;

/// The kind of value a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Free text or a code; must not be empty when required.
    Text,
    /// `YYYY-MM` or `YYYYMM`.
    Month,
    /// `YYYY`.
    Year,
    /// `YYYY-MM-DD`.
    Date,
    /// Kronor with up to two decimals, kept as integer öre.
    Money,
    /// A plain number (hours, counts).
    Number,
    /// Yes or no: `ja`/`nej`, `yes`/`no`, `true`/`false`, `1`/`0`; kept as `ja` or `nej`.
    YesNo,
}

impl Kind {
    /// What a value of this kind looks like, for error messages.
    pub(crate) fn expected(self) -> &'static str {
        match self {
            Kind::Text => "a non-empty text",
            Kind::Month => "a month as YYYY-MM or YYYYMM, e.g. 2020-09",
            Kind::Year => "a year as YYYY, e.g. 2020",
            Kind::Date => "a date as YYYY-MM-DD, e.g. 2020-09-30",
            Kind::Money => "an amount in kronor, e.g. -1 234,50",
            Kind::Number => "a number, e.g. 1 234,5",
            Kind::YesNo => "ja or nej (yes or no)",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct ColumnSpec {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    /// For money the contract gives as 0 or more: why (a negative amount is an error).
    pub nonnegative: Option<&'static str>,
    /// For text: the most characters a cell holds.
    pub max_chars: usize,
    /// For text: whether a cell may be left empty when the column is required (a name, or an
    /// account's category, which the config's ranges place).
    pub may_be_empty: bool,
    /// For a date: whether a month (`YYYY-MM`, `YYYYMM`) is taken where the day is not given,
    /// read as the first day of that month.
    pub month_ok: bool,
}

/// The longest code or name, in characters.
pub(crate) const MAX_TEXT: usize = 1000;
/// The longest free text (`description`, `text`), in characters: what an Excel cell holds.
pub(crate) const MAX_LONG_TEXT: usize = 32_767;

impl ColumnSpec {
    /// The column with cells that may be left empty.
    pub(crate) const fn may_be_empty(self) -> ColumnSpec {
        ColumnSpec {
            may_be_empty: true,
            ..self
        }
    }

    /// The date column that also takes a month where the export gives no day.
    const fn or_month(self) -> ColumnSpec {
        ColumnSpec {
            month_ok: true,
            ..self
        }
    }

    /// The column as free text, which may be empty and as long as an Excel cell holds.
    pub(crate) const fn free_text(self) -> ColumnSpec {
        ColumnSpec {
            max_chars: MAX_LONG_TEXT,
            may_be_empty: true,
            ..self
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct TableSpec {
    pub name: &'static str,
    pub columns: &'static [ColumnSpec],
    /// Columns that together identify a row; a second row with the same key is an error.
    pub key: &'static [&'static str],
    /// Columns that hold unit codes, checked against the organisation tree.
    pub unit_columns: &'static [&'static str],
}

pub(crate) const fn col(name: &'static str, kind: Kind) -> ColumnSpec {
    ColumnSpec {
        name,
        kind,
        required: true,
        nonnegative: None,
        max_chars: MAX_TEXT,
        may_be_empty: false,
        month_ok: false,
    }
}

pub(crate) const fn opt(name: &'static str, kind: Kind) -> ColumnSpec {
    ColumnSpec {
        name,
        kind,
        required: false,
        nonnegative: None,
        max_chars: MAX_TEXT,
        may_be_empty: false,
        month_ok: false,
    }
}

/// A required money column the contract gives as 0 or more, and why.
pub(crate) const fn positive(name: &'static str, why: &'static str) -> ColumnSpec {
    ColumnSpec {
        name,
        kind: Kind::Money,
        required: true,
        nonnegative: Some(why),
        max_chars: MAX_TEXT,
        may_be_empty: false,
        month_ok: false,
    }
}

use Kind::*;

pub(crate) const LEDGER: TableSpec = TableSpec {
    name: "ledger",
    columns: &[
        col("period", Month),
        col("unit", Text),
        col("account", Text),
        col("actual", Money),
        opt("budget", Money),
    ],
    key: &["period", "unit", "account"],
    unit_columns: &["unit"],
};

pub(crate) const TRANSACTIONS: TableSpec = TableSpec {
    name: "transactions",
    columns: &[
        col("date", Date).or_month(),
        col("unit", Text),
        col("account", Text),
        col("amount", Money),
        opt("text", Text).free_text(),
    ],
    key: &[],
    unit_columns: &["unit"],
};

pub(crate) const BUDGET: TableSpec = TableSpec {
    name: "budget",
    columns: &[
        col("period", Month),
        col("unit", Text),
        col("account", Text),
        col("budget", Money),
    ],
    key: &["period", "unit", "account"],
    unit_columns: &["unit"],
};

pub(crate) const UNITS: TableSpec = TableSpec {
    name: "units",
    columns: &[
        col("unit", Text),
        col("name", Text).may_be_empty(),
        opt("parent", Text).may_be_empty(),
    ],
    key: &["unit"],
    unit_columns: &[],
};

pub(crate) const ACCOUNTS: TableSpec = TableSpec {
    name: "accounts",
    columns: &[
        col("account", Text),
        opt("name", Text).may_be_empty(),
        col("category", Text).may_be_empty(),
    ],
    key: &["account"],
    unit_columns: &[],
};

pub(crate) const FORECAST: TableSpec = TableSpec {
    name: "forecast",
    columns: &[
        col("period", Month),
        col("unit", Text),
        col("deviation", Money),
        opt("category", Text).may_be_empty(),
    ],
    key: &["period", "unit", "category"],
    unit_columns: &["unit"],
};

/// Who reports for which unit in the month's round (`uppfolj serve`): a user, a unit (with
/// its subtree) and a role (controller, reporter or reader).
pub(crate) const REPORTERS: TableSpec = TableSpec {
    name: "reporters",
    columns: &[col("user", Text), col("unit", Text), col("role", Text)],
    key: &["user", "unit"],
    unit_columns: &["unit"],
};

/// The core tables of the contract, before the sections' tables.
const CORE: &[TableSpec] = &[LEDGER, TRANSACTIONS, BUDGET, UNITS, ACCOUNTS, FORECAST];

/// Every table of the contract, in the order they are loaded and listed: the core tables,
/// the report sections' tables (each section's module gives its own, in the data's order)
/// and the round's.
pub(crate) fn all() -> &'static [TableSpec] {
    static ALL: LazyLock<Vec<TableSpec>> = LazyLock::new(|| {
        CORE.iter()
            .copied()
            .chain(crate::sections::tables())
            .chain([REPORTERS])
            .collect()
    });
    &ALL
}

//! The data contract as data: every table, its columns, their kinds and the table's key.

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
    const fn may_be_empty(self) -> ColumnSpec {
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
    const fn free_text(self) -> ColumnSpec {
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

const fn col(name: &'static str, kind: Kind) -> ColumnSpec {
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

const fn opt(name: &'static str, kind: Kind) -> ColumnSpec {
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
const fn positive(name: &'static str, why: &'static str) -> ColumnSpec {
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
    ],
    key: &["period", "unit"],
    unit_columns: &["unit"],
};

pub(crate) const STAFFING: TableSpec = TableSpec {
    name: "staffing",
    columns: &[
        col("period", Month),
        col("unit", Text),
        col("worked_hours", Number),
        col("scheduled_hours", Number),
        col("sick_hours", Number),
        col("employees", Number),
    ],
    key: &["period", "unit"],
    unit_columns: &["unit"],
};

pub(crate) const AGENCY: TableSpec = TableSpec {
    name: "agency",
    columns: &[
        col("period", Month),
        col("unit", Text),
        col("profession", Text),
        positive("own_cost", "staff costs are given as positive amounts"),
        positive("agency_cost", "staff costs are given as positive amounts"),
    ],
    key: &["period", "unit", "profession"],
    unit_columns: &["unit"],
};

pub(crate) const MEASURES: TableSpec = TableSpec {
    name: "measures",
    columns: &[
        col("period", Month),
        col("unit", Text),
        col("measure", Text),
        col("expected", Money),
        col("realized", Money),
        opt("decided", Date),
        opt("due", Month),
        opt("status", Text),
        opt("in_forecast", YesNo),
    ],
    key: &["period", "unit", "measure"],
    unit_columns: &["unit"],
};

pub(crate) const ADJUSTMENTS: TableSpec = TableSpec {
    name: "adjustments",
    columns: &[
        col("period", Month),
        col("unit", Text),
        col("item", Text),
        col("amount", Money),
    ],
    key: &["period", "unit", "item"],
    unit_columns: &["unit"],
};

pub(crate) const ACTIVITY: TableSpec = TableSpec {
    name: "activity",
    columns: &[
        col("period", Month),
        col("unit", Text),
        col("kpi", Text),
        col("value", Number),
    ],
    key: &["period", "unit", "kpi"],
    unit_columns: &["unit"],
};

pub(crate) const FRAMES: TableSpec = TableSpec {
    name: "frames",
    columns: &[col("year", Year), col("unit", Text), col("frame", Money)],
    key: &["year", "unit"],
    unit_columns: &["unit"],
};

/// The full-year result the council approved for a unit (often zero, sometimes a planned
/// deficit) and the unit's opening equity.
pub(crate) const APPROVED: TableSpec = TableSpec {
    name: "approved",
    columns: &[
        col("year", Year),
        col("unit", Text),
        col("result", Money),
        opt("equity", Money),
    ],
    key: &["year", "unit"],
    unit_columns: &["unit"],
};

/// Each investment project's expenditure per month (positive), and its monthly budget.
pub(crate) const INVESTMENTS: TableSpec = TableSpec {
    name: "investments",
    columns: &[
        col("period", Month),
        col("unit", Text),
        col("project", Text),
        positive(
            "actual",
            "investment expenditure is given as a positive amount",
        ),
        opt("budget", Money),
    ],
    key: &["period", "unit", "project"],
    unit_columns: &["unit"],
};

/// The investment projects: name, unit, full-year budget, planned start and category.
pub(crate) const PROJECTS: TableSpec = TableSpec {
    name: "projects",
    columns: &[
        col("project", Text),
        col("name", Text).may_be_empty(),
        col("unit", Text),
        positive(
            "budget",
            "an investment budget is given as a positive amount",
        ),
        opt("start", Month),
        opt("category", Text),
    ],
    key: &["project"],
    unit_columns: &["unit"],
};

/// The full-year expenditure of each investment project as forecast in a month.
pub(crate) const INVESTMENT_FORECAST: TableSpec = TableSpec {
    name: "investment_forecast",
    columns: &[
        col("period", Month),
        col("unit", Text),
        col("project", Text),
        positive(
            "forecast",
            "investment expenditure is given as a positive amount",
        ),
    ],
    key: &["period", "unit", "project"],
    unit_columns: &["unit"],
};

pub(crate) const REALLOCATIONS: TableSpec = TableSpec {
    name: "reallocations",
    columns: &[
        col("year", Year),
        col("from_unit", Text),
        col("to_unit", Text),
        positive(
            "amount",
            "a reallocation moves a positive amount from from_unit to to_unit; swap the units for the other direction",
        ),
        col("reference", Text),
        opt("description", Text).free_text(),
    ],
    key: &[],
    unit_columns: &["from_unit", "to_unit"],
};

/// The test section's table: an amount per unit and month.
#[cfg(test)]
pub(crate) const DEMO: TableSpec = TableSpec {
    name: "demo",
    columns: &[
        col("period", Month),
        col("unit", Text),
        col("amount", Money),
    ],
    key: &["period", "unit"],
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

/// Every table of the contract, in the order they are loaded and listed.
pub(crate) const ALL: &[TableSpec] = &[
    LEDGER,
    TRANSACTIONS,
    BUDGET,
    UNITS,
    ACCOUNTS,
    FORECAST,
    STAFFING,
    AGENCY,
    MEASURES,
    ADJUSTMENTS,
    ACTIVITY,
    FRAMES,
    REALLOCATIONS,
    APPROVED,
    INVESTMENTS,
    PROJECTS,
    INVESTMENT_FORECAST,
    #[cfg(test)]
    DEMO,
    REPORTERS,
];

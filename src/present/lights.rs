//! Traffic lights: a figure against its yellow and red limits.

use serde::Serialize;

use super::{Format, Num};
use crate::config::Limits;

/// A traffic light: `green`, `yellow` or `red`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Light {
    /// Label key in the language file, e.g. `light_sick`.
    pub label: String,
    /// What the light is about beyond the label, e.g. a profession.
    pub detail: Option<String>,
    pub value: String,
    pub status: &'static str,
}

impl Light {
    /// The signal of a percentage: its label key, what it is about beyond the label, the
    /// figure and its status.
    pub(crate) fn percent(
        label: &str,
        detail: Option<String>,
        value: &Num,
        status: &'static str,
        fmt: &Format,
    ) -> Light {
        Light {
            label: label.into(),
            detail,
            value: format!("{}{}", value.text, fmt.lang.percent),
            status,
        }
    }
}

/// Higher is worse when `yellow <= red`, lower is worse otherwise.
pub(crate) fn light(value: f64, limits: &Limits) -> &'static str {
    let higher_is_worse = limits.yellow <= limits.red;
    let (past_red, past_yellow) = if higher_is_worse {
        (value >= limits.red, value >= limits.yellow)
    } else {
        (value <= limits.red, value <= limits.yellow)
    };
    if past_red {
        "red"
    } else if past_yellow {
        "yellow"
    } else {
        "green"
    }
}

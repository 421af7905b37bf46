//! The words and number format of one report language, read from `lang/<language>.yaml`
//! among the templates (built in, or overridden by the user's template folder).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::LangError;
use crate::model::money::NumberStyle;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Lang {
    pub months: Vec<String>,
    pub months_short: Vec<String>,
    pub decimal_mark: String,
    pub group: String,
    pub minus: String,
    pub percent: String,
    pub money: BTreeMap<String, String>,
    pub labels: BTreeMap<String, String>,
}

impl Lang {
    pub(crate) fn parse(text: &str, name: &str) -> Result<Lang, LangError> {
        let lang: Lang = serde_saphyr::from_str(text).map_err(|e| LangError::Yaml {
            file: name.to_string(),
            reason: e.to_string(),
        })?;
        let one_char = |s: &str| s.chars().count() == 1;
        if lang.months.len() != 12 || lang.months_short.len() != 12 {
            return Err(LangError::Months(name.to_string()));
        }
        if !one_char(&lang.decimal_mark) || !one_char(&lang.group) || !one_char(&lang.minus) {
            return Err(LangError::Marks(name.to_string()));
        }
        Ok(lang)
    }

    pub(crate) fn style(&self) -> NumberStyle {
        let c = |s: &str| s.chars().next().unwrap_or(' ');
        NumberStyle {
            decimal_mark: c(&self.decimal_mark),
            group: c(&self.group),
            minus: c(&self.minus),
        }
    }

    pub(crate) fn month(&self, m: u32) -> &str {
        &self.months[(m as usize).clamp(1, 12) - 1]
    }

    pub(crate) fn month_short(&self, m: u32) -> &str {
        &self.months_short[(m as usize).clamp(1, 12) - 1]
    }

    pub(crate) fn label<'a>(&'a self, key: &'a str) -> &'a str {
        self.labels.get(key).map(String::as_str).unwrap_or(key)
    }
}

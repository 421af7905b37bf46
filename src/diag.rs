//! Findings about the input: errors that stop a run and warnings and notes that do not.
//! Every finding names the file, and where it can the row, the column and the value.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    fn label(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// The file, as the user named it (data folder joined with the file name).
    pub file: Option<String>,
    pub row: Option<u64>,
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.severity.label())?;
        let mut place = Vec::new();
        if let Some(file) = &self.file {
            place.push(file.clone());
        }
        if let Some(row) = self.row {
            place.push(format!("row {row}"));
        }
        if let Some(col) = &self.column {
            place.push(format!("column \"{col}\""));
        }
        if !place.is_empty() {
            write!(f, "{}: ", place.join(", "))?;
        }
        write!(f, "{}", self.message)
    }
}

/// Collects findings so that every problem is reported at once.
#[derive(Debug, Default, Clone)]
pub struct Findings {
    pub items: Vec<Finding>,
}

impl Findings {
    pub fn push(
        &mut self,
        severity: Severity,
        file: Option<&str>,
        row: Option<u64>,
        column: Option<&str>,
        message: impl Into<String>,
    ) {
        self.items.push(Finding {
            severity,
            file: file.map(str::to_string),
            row,
            column: column.map(str::to_string),
            message: message.into(),
        });
    }

    pub fn error(
        &mut self,
        file: &str,
        row: Option<u64>,
        column: Option<&str>,
        message: impl Into<String>,
    ) {
        self.push(Severity::Error, Some(file), row, column, message);
    }

    pub fn warning(
        &mut self,
        file: &str,
        row: Option<u64>,
        column: Option<&str>,
        message: impl Into<String>,
    ) {
        self.push(Severity::Warning, Some(file), row, column, message);
    }

    pub fn note(&mut self, file: &str, message: impl Into<String>) {
        self.push(Severity::Note, Some(file), None, None, message);
    }

    pub fn extend(&mut self, other: Findings) {
        self.items.extend(other.items);
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|f| f.severity == severity).count()
    }

    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.items.iter().filter(|f| f.severity == Severity::Error)
    }
}

/// Lists row numbers compactly: `rows 4, 9, 12 and 40 more`.
pub fn row_list(rows: &[u64]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<String> = rows.iter().take(SHOWN).map(u64::to_string).collect();
    let word = if rows.len() == 1 { "row" } else { "rows" };
    if rows.len() > SHOWN {
        format!(
            "{word} {} and {} more",
            shown.join(", "),
            rows.len() - SHOWN
        )
    } else {
        format!("{word} {}", shown.join(", "))
    }
}

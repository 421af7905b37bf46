//! Findings about the input: errors that stop a run and warnings and notes that do not.
//! Every finding names the file, and where it can the row, the column and the value.

use std::fmt;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Stops the run: nothing is written.
    Error,
    /// Shown; the run goes on.
    Warning,
    /// Information, e.g. what was left out.
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

/// One problem or remark about the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// How serious it is.
    pub severity: Severity,
    /// The file, as the user named it (data folder joined with the file name).
    pub file: Option<String>,
    /// The row (the line of a text file, the row of a sheet), where one applies.
    pub row: Option<u64>,
    /// The column, as the contract names it.
    pub column: Option<String>,
    /// What is wrong and what was expected.
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
    /// Every finding, in the order found.
    pub items: Vec<Finding>,
    /// Errors found but not listed one by one: each batch is one "and N more …" line.
    unlisted: usize,
    /// How many of the listed errors are such "and N more …" lines.
    summaries: usize,
}

impl Findings {
    /// Adds a finding.
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

    /// Adds an error.
    pub fn error(
        &mut self,
        file: &str,
        row: Option<u64>,
        column: Option<&str>,
        message: impl Into<String>,
    ) {
        self.push(Severity::Error, Some(file), row, column, message);
    }

    /// Adds a warning.
    pub fn warning(
        &mut self,
        file: &str,
        row: Option<u64>,
        column: Option<&str>,
        message: impl Into<String>,
    ) {
        self.push(Severity::Warning, Some(file), row, column, message);
    }

    /// Adds a note about a file.
    pub fn note(&mut self, file: &str, message: impl Into<String>) {
        self.push(Severity::Note, Some(file), None, None, message);
    }

    /// Adds every finding of `other`.
    pub fn extend(&mut self, other: Findings) {
        self.items.extend(other.items);
        self.unlisted += other.unlisted;
        self.summaries += other.summaries;
    }

    /// Says that `n` more errors of a kind (`what`, e.g. "problems in this file") were found
    /// in `file` than are listed, in one line; they count in [`Findings::error_total`].
    pub fn more_errors(&mut self, file: &str, n: usize, what: &str) {
        self.push(
            Severity::Error,
            Some(file),
            None,
            None,
            format!("and {n} more {what}"),
        );
        self.unlisted += n;
        self.summaries += 1;
    }

    /// Every error found, listed or not.
    pub fn error_total(&self) -> usize {
        self.count(Severity::Error) - self.summaries + self.unlisted
    }

    /// The errors listed one by one.
    pub fn errors_listed(&self) -> usize {
        self.count(Severity::Error) - self.summaries
    }

    /// How many findings have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|f| f.severity == severity).count()
    }

    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.count(Severity::Error) > 0
    }

    /// The errors.
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

/// The most characters of a value that a message repeats.
pub const MAX_ECHO: usize = 100;

/// A value as a message repeats it: at most [`MAX_ECHO`] characters, and beyond that the
/// beginning with the value's length said (`ABC… (209715200 characters)`).
pub fn cut(value: &str) -> String {
    match value.char_indices().nth(MAX_ECHO) {
        None => value.to_string(),
        Some((end, _)) => format!("{}… ({} characters)", &value[..end], value.chars().count()),
    }
}

/// A value in quotes as a message repeats it: `"ABC"`, or when long its beginning and its
/// length (`"ABC…" (209715200 characters)`).
pub fn quoted(value: &str) -> String {
    match value.char_indices().nth(MAX_ECHO) {
        None => format!("\"{value}\""),
        Some((end, _)) => format!(
            "\"{}…\" ({} characters)",
            &value[..end],
            value.chars().count()
        ),
    }
}

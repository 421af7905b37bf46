//! What the commands tell the user on stderr: findings, errors and the summary line of a
//! stopped run, as human lines or JSON lines.

use std::process::ExitCode;

use crate::Failure;
use crate::cli::LogFormat;
use crate::diag::{Findings, Severity};

/// Writes findings and summaries to stderr, as human lines or JSON lines.
#[derive(Debug, Clone, Copy)]
pub struct Log {
    /// Human lines or JSON lines.
    pub format: LogFormat,
}

impl Log {
    /// Every finding, one line each.
    pub fn findings(&self, findings: &Findings) {
        for f in &findings.items {
            match self.format {
                LogFormat::Human => eprintln!("{f}"),
                LogFormat::Json => {
                    let level = match f.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Note => "note",
                    };
                    eprintln!(
                        "{}",
                        serde_json::json!({"level": level, "file": f.file, "row": f.row, "column": f.column, "message": f.message})
                    );
                }
            }
        }
    }

    fn error(&self, failure: &Failure) {
        match self.format {
            LogFormat::Human => {
                for (message, snippet) in failure.messages() {
                    eprintln!("error: {message}");
                    for line in snippet {
                        eprintln!("{line}");
                    }
                }
            }
            LogFormat::Json => eprintln!(
                "{}",
                serde_json::json!({"level": "error", "message": failure.chain()})
            ),
        }
    }

    /// Says why the run stopped (`writes`: the command would have written output) and gives
    /// the failure's exit code.
    pub fn fail(&self, failure: &Failure, findings: &Findings, writes: bool) -> ExitCode {
        let tail = if writes { "; nothing was written" } else { "" };
        let summary = match failure {
            Failure::Data => {
                let (n, shown) = (findings.error_total(), findings.errors_listed());
                let listed = if shown < n {
                    format!(" ({shown} listed)")
                } else {
                    String::new()
                };
                format!(
                    "uppfolj: stopped: {} in the data{listed}{tail}",
                    count(n, "error", "errors")
                )
            }
            other => {
                self.error(other);
                format!("uppfolj: stopped{tail}")
            }
        };
        match self.format {
            LogFormat::Human => eprintln!("{summary}"),
            LogFormat::Json => eprintln!(
                "{}",
                serde_json::json!({"level": "error", "event": "stopped", "exit_code": failure.exit_code(), "message": summary})
            ),
        }
        ExitCode::from(failure.exit_code() as u8)
    }
}

/// `1 report`, `2 reports`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

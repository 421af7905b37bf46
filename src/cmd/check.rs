//! `uppfolj check`: the pre-flight of `generate`, the same code up to rendering.

use super::log::{Log, count};
use crate::Failure;
use crate::diag::{Findings, Severity};

/// `uppfolj check`: everything `generate` checks before it renders (the same code), for
/// `period` (`latest` by default); writes nothing. Every problem is in `findings`.
pub fn check(
    data: &std::path::Path,
    config: Option<&std::path::Path>,
    period: &str,
    findings: &mut Findings,
) -> Result<Checked, Failure> {
    let config = crate::config::Config::read(config)?;
    let p = crate::prepare(
        data,
        config,
        period,
        None,
        findings,
        &mut crate::clock::Laps::start(),
    )?;
    Ok(Checked {
        tables: p.loaded.data.tables.len(),
        units: p.loaded.tree.nodes.len(),
        period: p.period.to_string(),
    })
}

/// What `check` looked at.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Tables found in the data folder.
    pub tables: usize,
    /// Units in the organisation tree.
    pub units: usize,
    /// The report month checked.
    pub period: String,
}

/// Logs the findings and what was checked (or why it stopped); the exit code.
pub fn report(
    log: &Log,
    result: Result<Checked, Failure>,
    findings: &Findings,
) -> std::process::ExitCode {
    log.findings(findings);
    let (e, w) = (findings.error_total(), findings.count(Severity::Warning));
    match result {
        Ok(checked) => {
            println!(
                "uppfolj: {}, {} checked for {}: {}, {}",
                count(checked.tables, "table", "tables"),
                count(checked.units, "unit", "units"),
                checked.period,
                count(e, "error", "errors"),
                count(w, "warning", "warnings")
            );
            std::process::ExitCode::SUCCESS
        }
        Err(f) => log.fail(&f, findings, false),
    }
}

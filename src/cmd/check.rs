//! `uppfolj check`: load and validate everything, run the checks that need figures, write
//! nothing.

use std::path::Path;

use crate::Failure;
use crate::compute::{self, latest_period, sections};
use crate::config::Config;
use crate::diag::Findings;
use crate::{load, present};

/// What `check` looked at.
#[derive(Debug, Clone, Copy)]
pub struct Checked {
    /// Tables found in the data folder.
    pub tables: usize,
    /// Units in the organisation tree.
    pub units: usize,
}

/// Loads and validates everything (for the latest month where figures are needed); every
/// problem is in `findings`.
pub fn check(
    data_dir: &Path,
    config: Option<&Path>,
    findings: &mut Findings,
) -> Result<Checked, Failure> {
    let config = Config::read(config)?;
    let loaded = load::run(data_dir, config, findings)?;
    if let Some(ledger) = loaded.data.ledger()
        && let Some(latest) = latest_period(ledger)
    {
        // The checks that need figures: unmapped accounts, frames against net budgets.
        let _ = compute::categorize(
            ledger,
            loaded.data.get("accounts"),
            &loaded.config,
            findings,
        );
        let sections =
            sections::compute(&loaded.data, &loaded.tree, &loaded.config, latest, findings);
        // Commentary: every month's files read as a run would; sections dropped in the latest.
        let files = present::names::stems(loaded.tree.nodes.iter().map(|n| n.code.as_str()));
        let commentary =
            load::comments::check_all(data_dir, &loaded.config, &files, latest, findings);
        let keys = crate::commentary_keys(data_dir, &loaded.config, latest, &files, &commentary);
        compute::commentary::check_dropped(&loaded.tree, &sections, &keys, findings);
    }
    if findings.has_errors() {
        return Err(Failure::Data);
    }
    Ok(Checked {
        tables: loaded.data.tables.len(),
        units: loaded.tree.nodes.len(),
    })
}

//! Every project of the investment tables must be a project of the `projects` table, when
//! that table is given.

use std::collections::HashSet;

use super::Dataset;
use crate::diag::Findings;

/// Names each row of `investments` and `investment_forecast` whose project the `projects`
/// table does not list, with its file, row and column.
pub(super) fn check(data: &Dataset, findings: &mut Findings) {
    let Some(projects) = data.get("projects") else {
        return;
    };
    let known: HashSet<&str> = projects
        .text("project")
        .iter()
        .map(String::as_str)
        .collect();
    for name in ["investments", "investment_forecast"] {
        let Some(t) = data.get(name) else { continue };
        for (i, code) in t.text("project").iter().enumerate() {
            if code.is_empty() || known.contains(code.as_str()) {
                continue;
            }
            let (file, row) = t.origin(i);
            findings.error(
                file,
                Some(row),
                Some(t.shown("project")),
                format!(
                    "project {} is not in the projects table (expected a project of {})",
                    crate::diag::quoted(code),
                    std::path::Path::new(&projects.file)
                        .file_name()
                        .map_or(projects.file.clone(), |n| n.to_string_lossy().to_string())
                ),
            );
        }
    }
}

//! The preview after an edit of commentary alone: the data, figures and templates of the last
//! build are kept, the commentary is read again, and only the pages whose commentary changed
//! are presented, rendered and written again, in place. Anything else (data, config,
//! templates) rebuilds everything.

use std::path::PathBuf;

use crate::diag::Findings;
use crate::model::period::Month;
use crate::{Failure, compute, load, present, render, write};

/// What a build worked from.
pub(crate) struct Kept {
    pub data: PathBuf,
    /// The published output folder of the build.
    pub out_dir: PathBuf,
    pub period: Month,
    /// Each unit's file name and commentary, by node index.
    pub files: Vec<String>,
    pub commentary: Vec<Option<String>>,
    pub loaded: load::Loaded,
    pub computed: compute::Computed,
    pub templates: render::templates::Templates,
    pub epoch: i64,
    /// The previous month's published figures, for corrections of earlier months.
    pub published: Option<serde_json::Value>,
}

impl Kept {
    /// Whether every changed path is a commentary file of the report month, so that only
    /// commentary has to be read again.
    pub(crate) fn only_commentary(&self, changed: &[PathBuf]) -> bool {
        let month =
            load::comments::folder(&self.data, &self.loaded.config).join(self.period.to_string());
        let month = month.canonicalize().unwrap_or(month);
        !changed.is_empty()
            && changed.iter().all(|p| {
                p.parent() == Some(month.as_path())
                    && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"))
            })
    }
}

/// Reads the commentary again and writes the pages of the units whose commentary changed.
/// Returns how many pages were written. Refuses as a full build would (an unreadable file, a
/// section the unit does not have), leaving the pages as they were.
pub(crate) fn commentary_only(kept: &mut Kept, findings: &mut Findings) -> Result<usize, Failure> {
    let config = &kept.loaded.config;
    let commentary =
        load::comments::read_all(&kept.data, config, kept.period, &kept.files, findings);
    let dir = load::comments::folder(&kept.data, config).join(kept.period.to_string());
    let keys = present::comments::keys(&dir, &kept.files, &commentary);
    compute::commentary::check_dropped(&kept.loaded.tree, &kept.computed.sections, &keys, findings);
    if findings.has_errors() {
        return Err(Failure::Data);
    }
    let changed: Vec<usize> = (0..commentary.len())
        .filter(|&i| commentary[i] != kept.commentary[i])
        .collect();
    let views = present::reports(
        &kept.loaded,
        &kept.computed,
        &kept.files,
        &commentary,
        kept.templates.lang.clone(),
        kept.epoch,
        kept.published.as_ref(),
        &changed,
    );
    let pages = render::html_pages(&kept.templates, &views)?;
    write::plain_files(&kept.out_dir, &pages)?;
    kept.commentary = commentary;
    Ok(changed.len())
}

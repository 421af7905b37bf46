//! The preview after an edit of commentary alone: the data, figures and templates of the last
//! build are kept, the commentary is read again, and only the pages whose commentary changed
//! are presented, rendered and written again, in place. Anything else (data, config,
//! templates) rebuilds everything. The commentary is checked again as a full build checks it,
//! so its warnings (text under a heading the unit has no section for, a file for no unit) are
//! those of a full build.

use std::path::{Path, PathBuf};

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
    /// The round's entries of the build, joined to the commentary read again.
    pub round: Option<crate::cmd::generate::round::Used>,
    pub loaded: load::Loaded,
    pub computed: compute::Computed,
    pub templates: render::templates::Templates,
    pub epoch: i64,
    /// The previous month's published figures, for corrections of earlier months.
    pub published: Option<crate::model::published::Published>,
}

impl Kept {
    /// Whether every changed path is a commentary file of the report month, so that only
    /// commentary has to be read again.
    pub(crate) fn only_commentary(&self, changed: &[PathBuf]) -> bool {
        let month = self.month_folder();
        let month = month.canonicalize().unwrap_or(month);
        !changed.is_empty()
            && changed.iter().all(|p| {
                p.parent() == Some(month.as_path())
                    && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"))
            })
    }

    /// The report month's folder of commentary, as findings name its files.
    fn month_folder(&self) -> PathBuf {
        load::comments::folder(&self.data, &self.loaded.config).join(self.period.to_string())
    }

    /// The findings of the run `run` once the commentary is read again: those about the
    /// month's commentary files are replaced by `commentary` (what [`commentary_only`] found),
    /// which follow the rest.
    pub(crate) fn with_commentary_findings(
        &self,
        run: &Findings,
        commentary: &Findings,
    ) -> Findings {
        let month = self.month_folder();
        let about_commentary = |file: &Option<String>| {
            file.as_deref()
                .is_some_and(|f| Path::new(f).parent() == Some(month.as_path()))
        };
        let mut out = Findings::default();
        for f in run.items.iter().filter(|f| !about_commentary(&f.file)) {
            out.push(
                f.severity,
                f.file.as_deref(),
                f.row,
                f.column.as_deref(),
                f.message.clone(),
            );
        }
        out.extend(commentary.clone());
        out
    }
}

/// Reads the commentary again and writes the pages of the units whose commentary changed.
/// Returns how many pages were written. Refuses as a full build would (an unreadable file, a
/// section the unit does not have), leaving the pages as they were.
pub(crate) fn commentary_only(kept: &mut Kept, findings: &mut Findings) -> Result<usize, Failure> {
    let config = &kept.loaded.config;
    let mut commentary =
        load::comments::read_all(&kept.data, config, kept.period, &kept.files, findings);
    let dir = load::comments::folder(&kept.data, config).join(kept.period.to_string());
    if let Some(used) = &kept.round {
        crate::cmd::generate::round::commentary(&mut commentary, used, &dir, &kept.files, findings);
    }
    let keys = compute::commentary::keys(&dir, &kept.files, &commentary);
    compute::commentary::check_dropped(&kept.loaded.tree, &kept.computed.sections, &keys, findings);
    if findings.has_errors() {
        return Err(Failure::Data);
    }
    let changed: Vec<usize> = (0..commentary.len())
        .filter(|&i| commentary[i] != kept.commentary[i])
        .collect();
    let views = present::reports(
        &compute::basis(&kept.loaded, &kept.computed, kept.published.as_ref()),
        &kept.files,
        &commentary,
        kept.templates.lang.clone(),
        kept.epoch,
        &changed,
    );
    let pages = render::html_pages(&kept.templates, &views)?;
    write::plain_files(&kept.out_dir, &pages)?;
    kept.commentary = commentary;
    Ok(changed.len())
}

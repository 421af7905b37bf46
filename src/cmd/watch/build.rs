//! One build of the preview: the whole pipeline (HTML only) into the preview's folder, or,
//! after an edit of commentary alone, the pages whose commentary changed. Either way the
//! build's findings are those `generate` makes from the same files: the terminal shows them,
//! and every page shows the warnings.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use super::incremental::{self, Kept};
use super::pages::Words;
use crate::config::Config;
use crate::diag::{Finding, Findings, Severity};
use crate::{Failure, Formats, GenerateOptions, generate_kept};

/// A good build.
#[derive(Debug)]
pub(crate) struct Built {
    /// The folder to serve (e.g. `OUT/2020-09`).
    pub dir: PathBuf,
    /// What this build found, for the terminal: every finding of a full build; after an edit
    /// of commentary alone, the commentary's (read again).
    pub printed: Vec<Finding>,
    /// The warnings of the run as it now stands, as the terminal words them, for the pages.
    pub warnings: Vec<String>,
    /// The words of the preview's notices, in the report's language.
    pub words: Arc<Words>,
}

/// A failed build.
#[derive(Debug)]
pub(crate) struct Failed {
    /// Every error found, and the failure itself unless it is those errors.
    pub text: String,
    /// The words of the error page, in the report's language.
    pub words: Arc<Words>,
}

/// What a build of the preview works from, and what the last good build left.
pub(crate) struct Preview {
    opts: GenerateOptions,
    /// The last good build: what it worked from and the findings of the run, so that an edit
    /// of commentary alone re-renders only the pages whose commentary changed.
    last: Mutex<Option<(Kept, Findings)>>,
    /// The words of the last build, or of the config as last read, for the error page when
    /// the config cannot be read.
    words: Mutex<Arc<Words>>,
}

impl Preview {
    /// The preview of `period` of `data` into `out`; `words` until a build says otherwise.
    pub(crate) fn new(
        data: PathBuf,
        period: String,
        config: Option<PathBuf>,
        out: PathBuf,
        words: Words,
    ) -> Preview {
        let opts = GenerateOptions {
            data,
            period,
            out,
            config,
            formats: Formats::html_only(),
            if_changed: false,
            wait: std::time::Duration::from_secs(30),
            progress: None,
            // The preview replaces its output: no versions of a preview.
            keep_versions: false,
        };
        Preview {
            opts,
            last: Mutex::new(None),
            words: Mutex::new(Arc::new(words)),
        }
    }

    /// Builds after a change of `changed` (`None`: anything may have changed).
    pub(crate) fn build(&self, changed: Option<&[PathBuf]>) -> Result<Built, Failed> {
        let mut findings = Findings::default();
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if let (Some((kept, run)), Some(paths)) = (last.as_mut(), changed)
            && kept.only_commentary(paths)
        {
            let words = Arc::new(Words::from_labels(
                &kept.loaded.config.language,
                &kept.templates.labels,
            ));
            return match incremental::commentary_only(kept, &mut findings) {
                Ok(_) => {
                    *run = kept.with_commentary_findings(run, &findings);
                    Ok(Built::new(kept.out_dir.clone(), findings, run, words))
                }
                Err(failure) => Err(Failed {
                    text: failure_text(&findings, &failure),
                    words,
                }),
            };
        }
        *last = None;
        match generate_kept(&self.opts, &mut findings) {
            Ok((done, kept)) => {
                let words = match &kept {
                    Some(k) => Arc::new(Words::from_labels(
                        &k.loaded.config.language,
                        &k.templates.labels,
                    )),
                    None => self.last_words(),
                };
                *self.words.lock().unwrap_or_else(|e| e.into_inner()) = words.clone();
                let built = Built::new(done.out_dir, findings.clone(), &findings, words);
                *last = kept.map(|k| (k, findings));
                Ok(built)
            }
            Err(failure) => {
                // The language of the config as it now reads; the last one when it cannot be read.
                let mut words = self.words.lock().unwrap_or_else(|e| e.into_inner());
                if let Ok(c) = Config::read(self.opts.config.as_deref())
                    && c.language != words.language
                {
                    *words = Arc::new(Words::builtin(&c.language));
                }
                let words = words.clone();
                Err(Failed {
                    text: failure_text(&findings, &failure),
                    words,
                })
            }
        }
    }

    fn last_words(&self) -> Arc<Words> {
        self.words.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Built {
    fn new(dir: PathBuf, printed: Findings, run: &Findings, words: Arc<Words>) -> Built {
        let warnings = run
            .items
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .map(Finding::to_string)
            .collect();
        Built {
            dir,
            printed: printed.items,
            warnings,
            words,
        }
    }
}

/// A failed build as the preview page shows it: every error found, and the failure itself
/// unless it is the data's errors already listed.
fn failure_text(findings: &Findings, failure: &Failure) -> String {
    let mut lines: Vec<String> = findings.errors().map(|f| f.to_string()).collect();
    if !matches!(failure, Failure::Data) {
        lines.push(failure.chain());
    }
    lines.join("\n")
}

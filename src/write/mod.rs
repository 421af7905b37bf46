//! Output: every file is written into a temporary folder beside the target and renamed into
//! place only when all of it succeeded, so a failed run leaves the earlier output untouched;
//! the output it replaces is kept as an earlier version (`versions.rs`).

pub(crate) mod fingerprint;
pub(crate) mod landing;
mod lock;
pub(crate) mod manifest;
pub(crate) mod versions;

pub(crate) use lock::Lock;

use std::path::{Path, PathBuf};

use crate::error::{IoError, WriteError};
use crate::render::{Format, Formats};

/// A folder being filled; dropped without `publish` it is removed.
pub(crate) struct Staging {
    dir: PathBuf,
    target: PathBuf,
    published: bool,
}

impl Staging {
    pub(crate) fn new(out: &Path, name: &str) -> Result<Staging, WriteError> {
        std::fs::create_dir_all(out)
            .map_err(IoError::at(out, "the output folder cannot be created"))?;
        let dir = out.join(format!(".{name}.tmp-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .map_err(IoError::at(&dir, "cannot clear a stale temporary folder"))?;
        }
        std::fs::create_dir(&dir)
            .map_err(IoError::at(&dir, "the temporary folder cannot be created"))?;
        Ok(Staging {
            dir,
            target: out.join(name),
            published: false,
        })
    }

    pub(crate) fn write(&self, name: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(IoError::at(parent, "cannot create"))?;
        }
        #[allow(clippy::disallowed_methods)] // write/ is where files are written
        std::fs::write(&path, bytes).map_err(IoError::at(&path, "cannot write"))?;
        Ok(())
    }

    /// Moves the finished folder into place. The earlier output it replaces is kept as an
    /// earlier version (`keep`), or removed (the preview of `watch`).
    pub(crate) fn publish(mut self, keep: bool) -> Result<PathBuf, WriteError> {
        let old = self.target.with_file_name(format!(
            ".{}.old-{}",
            file_name(&self.target),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old).map_err(IoError::at(
                &self.target,
                "cannot move the earlier output aside",
            ))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(
                IoError::at(&self.target, "cannot move the new output into place")(e).into(),
            );
        }
        self.published = true;
        if had_old {
            let period = file_name(&self.target);
            let out = self.target.parent().unwrap_or(Path::new("."));
            if keep {
                // Should this fail, the folder stays aside and the next run keeps it.
                let _ = versions::keep(out, &period, &old);
            } else {
                let _ = std::fs::remove_dir_all(&old);
            }
        }
        Ok(self.target.clone())
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Cleans up after runs that were killed, called by the holder of the lock (so no other run
/// is writing): a staging folder `.<name>.tmp-<pid>` of another process is removed, never
/// published; an earlier output moved aside (`.<name>.old-<pid>`) goes back into place when
/// the run was killed before its new output took that place, and is kept as an earlier
/// version otherwise (never removed: it was published).
pub(crate) fn recover(out: &Path) {
    let own = std::process::id().to_string();
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    for name in names {
        let Some(rest) = name.strip_prefix('.') else {
            continue;
        };
        let parsed = [".tmp-", ".old-"].iter().find_map(|kind| {
            let (target, pid) = rest.rsplit_once(kind)?;
            let stale = !target.is_empty()
                && pid != own
                && !pid.is_empty()
                && pid.bytes().all(|b| b.is_ascii_digit());
            stale.then_some((target, *kind))
        });
        let Some((target, kind)) = parsed else {
            continue;
        };
        let path = out.join(&name);
        if !path.is_dir() || path.is_symlink() {
            continue;
        }
        let target = out.join(target);
        if kind == ".old-" && !target.exists() {
            let _ = std::fs::rename(&path, &target);
        } else if kind == ".old-" {
            let period = file_name(&target);
            let _ = versions::keep(out, &period, &path);
        } else {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// The write stage: every rendered file and the manifest into a staging folder beside
/// `OUT/<period>`, then published by rename. Formats of the current output that this run
/// does not write are carried over when they come from the same inputs (see [`carry_over`]).
/// Returns the published folder and what happened to the other formats, if anything.
/// `keep`: keep the output it replaces as an earlier version (see [`versions`]).
pub(crate) fn publish(
    out: &Path,
    period: &str,
    rendered: &crate::render::Rendered,
    manifest: &mut manifest::Manifest,
    formats: Formats,
    keep: bool,
) -> Result<(PathBuf, Option<String>), WriteError> {
    let staging = Staging::new(out, period)?;
    for (name, bytes) in &rendered.files {
        staging.write(name, bytes)?;
    }
    let (kept, said) = carry_over(&out.join(period), manifest, formats);
    for (name, bytes) in &kept {
        staging.write(name, bytes)?;
    }
    staging.write("manifest.json", &crate::render::json::to_json(manifest))?;
    Ok((staging.publish(keep)?, said))
}

/// The formats this run does not write, taken from the current output `dir` when its
/// manifest has the same inputs fingerprint (the files, and their entries in `manifest`);
/// otherwise they are dropped. Returns the files to keep and a sentence saying what was kept
/// or dropped (`None` when the run writes every format or there is no earlier output).
fn carry_over(
    dir: &Path,
    manifest: &mut manifest::Manifest,
    formats: Formats,
) -> (Vec<(String, Vec<u8>)>, Option<String>) {
    let missing: Vec<&dyn Format> = formats.others().collect();
    let old = manifest::Published::read(dir);
    let (Some(old), false) = (old, missing.is_empty()) else {
        return (Vec::new(), None);
    };
    // Every file of the earlier output by format, with where it goes in the manifest.
    let entries = old.reports.iter().map(|r| &r.files);
    let entries = entries.chain(old.packs.iter().map(|p| &p.files));
    let mut found: Vec<(&dyn Format, String)> = Vec::new();
    for files in entries {
        for f in &missing {
            if let Some(name) = files.get(f.name()) {
                found.push((*f, name.clone()));
            }
        }
    }
    let present: Vec<&dyn Format> = missing
        .into_iter()
        .filter(|f| found.iter().any(|(g, _)| g.name() == f.name()))
        .collect();
    if present.is_empty() {
        return (Vec::new(), None);
    }
    let shown = present
        .iter()
        .map(|f| f.about().title)
        .collect::<Vec<_>>()
        .join(" and ");
    if old.inputs_fingerprint.as_deref() != Some(manifest.inputs_fingerprint.as_str()) {
        return (
            Vec::new(),
            Some(format!(
                "the {shown} files of the earlier output were not kept: they came from other inputs and would no longer match"
            )),
        );
    }
    let mut names = found;
    for f in &present {
        names.extend(f.run_files().iter().map(|n| (*f, (*n).to_string())));
    }
    let mut files = Vec::new();
    for (format, name) in names {
        // A name that would leave the folder is never read.
        if !safe(&name) {
            continue;
        }
        let Ok(bytes) = std::fs::read(dir.join(&name)) else {
            return (
                Vec::new(),
                Some(format!(
                    "the {shown} files of the earlier output were not kept: {name} is missing"
                )),
            );
        };
        keep_entry(manifest, &old, format.name(), &name);
        files.push((name, bytes));
    }
    let when = old.generated.as_deref().unwrap_or("an earlier run");
    (
        files,
        Some(format!(
            "the {shown} files of the run of {when} were kept: they come from the same inputs"
        )),
    )
}

/// Whether `name`, read from a manifest, stays inside the output folder.
fn safe(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && Path::new(name)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Enters the kept file `name` of `format` in `manifest` for each report and pack whose entry
/// in the earlier manifest `old` names it.
fn keep_entry(
    manifest: &mut manifest::Manifest,
    old: &manifest::Published,
    format: &str,
    name: &str,
) {
    let names_it = |files: Option<&manifest::FormatFiles>| {
        files.and_then(|f| f.get(format)).map(String::as_str) == Some(name)
    };
    for r in &mut manifest.reports {
        if names_it(
            old.reports
                .iter()
                .find(|o| o.unit == r.unit)
                .map(|o| &o.files),
        ) {
            r.files.insert(format.to_string(), name.to_string());
        }
    }
    for p in &mut manifest.packs {
        if names_it(
            old.packs
                .iter()
                .find(|o| o.name == p.name)
                .map(|o| &o.files),
        ) {
            p.files.insert(format.to_string(), name.to_string());
        }
    }
}

/// Writes files outside a published run (a new project, manual pages, the preview's pages after
/// an edit of commentary) into `dir`, each by way of a temporary file renamed into place, so
/// that no file is left half-written.
pub(crate) fn plain_files(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), WriteError> {
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(IoError::at(parent, "cannot create"))?;
        }
        let tmp = path.with_file_name(format!(
            ".{}.tmp-{}",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            std::process::id()
        ));
        #[allow(clippy::disallowed_methods)] // write/ is where files are written
        std::fs::write(&tmp, bytes).map_err(IoError::at(&tmp, "cannot write"))?;
        std::fs::rename(&tmp, &path).map_err(IoError::at(&path, "cannot write"))?;
    }
    Ok(())
}

//! Versions of a published period. `OUT/<period>/` is always the latest output; a run for a
//! period that already has output publishes a new version there and keeps the one it
//! replaces, untouched, in `OUT/<period>.versions/v<N>-<made>/`: `N` is that output's version
//! number (its manifest's `version`; 1 for output made before versions were kept) and
//! `<made>` its manifest's `generated` time without colons (`2020-09-13T122640Z`), which comes
//! from `clock.rs` and so from `SOURCE_DATE_EPOCH` when set. Nothing published is removed.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use super::manifest::{Manifest, Published, read_json};
use crate::model::diff::{self, Update};

/// The suffix of the folder that keeps a period's earlier versions: `2020-09.versions`.
pub(crate) const SUFFIX: &str = ".versions";

/// The folder of a period's earlier versions.
pub(crate) fn folder(out: &Path, period: &str) -> PathBuf {
    out.join(format!("{period}{SUFFIX}"))
}

/// Whether an entry of the output folder is a folder of earlier versions, not a period.
pub(crate) fn is_versions(name: &str) -> bool {
    name.ends_with(SUFFIX)
}

/// The `figures.json` a period's latest published output holds, if any.
pub(crate) fn published(out: &Path, period: &str) -> Option<crate::model::published::Published> {
    let path = out.join(period).join("figures.json");
    // Our own output, but read as any file: regular, and not beyond what a report can be.
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > 1 << 30 {
        return None;
    }
    read_json(&path)
}

/// The version number of an output from its manifest: 1 when it has none.
fn version_of(manifest: &Published) -> u32 {
    manifest
        .version
        .and_then(|v| u32::try_from(v).ok())
        .unwrap_or(1)
}

/// The highest version number kept in `OUT/<period>.versions/` (0 when none is).
fn highest_kept(out: &Path, period: &str) -> u32 {
    let Ok(entries) = std::fs::read_dir(folder(out, period)) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let digits: String = name
                .strip_prefix('v')?
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse::<u32>().ok()
        })
        .max()
        .unwrap_or(0)
}

/// The free name under which an output with this manifest is kept: `v2-2020-10-14T081200Z`
/// (`-2`, `-3`, … added in the unlikely case that the name is taken).
fn kept_name(out: &Path, period: &str, manifest: &Published) -> String {
    let made: String = manifest
        .generated
        .as_deref()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let base = match made.is_empty() {
        true => format!("v{}", version_of(manifest)),
        false => format!("v{}-{made}", version_of(manifest)),
    };
    let dir = folder(out, period);
    let mut name = base.clone();
    let mut n = 1;
    while dir.join(&name).exists() {
        n += 1;
        name = format!("{base}-{n}");
    }
    name
}

/// Keeps `dir`, a published output of `period` (or one a killed run moved aside), as an
/// earlier version; returns where it now is.
pub(crate) fn keep(out: &Path, period: &str, dir: &Path) -> std::io::Result<PathBuf> {
    let manifest = Published::read(dir).unwrap_or_default();
    let target = folder(out, period).join(kept_name(out, period, &manifest));
    std::fs::create_dir_all(folder(out, period))?;
    std::fs::rename(dir, &target)?;
    Ok(target)
}

/// Numbers this run's version in `manifest` and, when `OUT/<period>/` has output, compares
/// this run's figures and inputs with it: what the change page and the notice show.
/// `keep` false (the preview of `watch`, which replaces its output) numbers nothing.
pub(crate) fn next<F: Serialize>(
    out: &Path,
    period: &str,
    figures: &F,
    manifest: &mut Manifest,
    epoch: i64,
    keep: bool,
) -> Option<Update> {
    if !keep {
        return None;
    }
    let current = out.join(period);
    // Read typed to number the versions; as a document for the comparison, which walks any
    // two manifests and `figures.json` files (as `uppfolj diff` does).
    let Some(old_manifest) = read_json::<Value>(&current.join("manifest.json")) else {
        manifest.version = highest_kept(out, period) + 1;
        return None;
    };
    let old = Published::read(&current).unwrap_or_default();
    let old_figures = read_json(&current.join("figures.json")).unwrap_or(Value::Null);
    let previous_version = version_of(&old);
    manifest.version = previous_version.max(highest_kept(out, period)) + 1;
    let name = kept_name(out, period, &old);
    let previous = format!("../{period}{SUFFIX}/{name}");
    let previous_href = match current.join("index.html").is_file() {
        true => format!("{previous}/index.html"),
        false => format!("{previous}/"),
    };
    manifest.previous = Some(previous);
    let new_figures = serde_json::to_value(figures).unwrap_or(Value::Null);
    let new_manifest = serde_json::to_value(&*manifest).unwrap_or(Value::Null);
    let diff = diff::compare(
        &old_figures,
        &new_figures,
        Some((&old_manifest, &new_manifest)),
    );
    Some(Update {
        version: manifest.version,
        previous_version,
        previous_href,
        date: crate::clock::format_epoch(epoch).chars().take(10).collect(),
        units_changed: diff.units.len(),
        diff,
    })
}

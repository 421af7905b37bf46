//! The fingerprint of a run: one SHA-256 over everything a run depends on (the tool, the
//! arguments, the data folder, the config, the templates and the commentary), which
//! `--if-changed` compares with the manifests of earlier runs.

use std::path::{Path, PathBuf};

use sha2::Digest;

use crate::load::{file_sha256, files};
use crate::model::hash::{hex, sha256_hex};

/// What a run's output depends on besides the tool itself.
pub(crate) struct Inputs<'a> {
    /// The data folder.
    pub data: &'a Path,
    /// The output folder (never hashed, even when it lies inside the data folder).
    pub out: &'a Path,
    /// The arguments that change the output, as text.
    pub arguments: String,
    /// The config file, templates folder and commentary folder, when configured.
    pub config: Option<&'a Path>,
    pub templates: Option<&'a Path>,
    pub comments: Option<&'a Path>,
}

/// Hashes every file below `dir` (sorted, hidden files and `skip` left out) into `h`: the
/// files the loader would read (links followed only within the folder, regular files only,
/// bounded in number), and what it would refuse by path and reason.
fn hash_tree(h: &mut sha2::Sha256, dir: &Path, label: &str, skip: &Path, max: u64) {
    let Ok(walk) = files::walk(dir, label, Some(skip), 100_000, max) else {
        return;
    };
    for (rel, f) in walk.files {
        h.update(label.as_bytes());
        h.update(rel.as_bytes());
        // A file that cannot be read counts as empty.
        let sha = file_sha256(&f).unwrap_or_else(|| sha256_hex(b""));
        h.update(sha.as_bytes());
    }
    for (path, why) in walk.refused {
        h.update(label.as_bytes());
        h.update(path.to_string_lossy().as_bytes());
        h.update(why.as_bytes());
    }
}

/// One hash of everything a run depends on.
pub(crate) fn fingerprint(inputs: &Inputs) -> String {
    let mut h = sha2::Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(inputs.arguments.as_bytes());
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let out = canon(inputs.out);
    hash_tree(
        &mut h,
        &canon(inputs.data),
        "data",
        &out,
        files::MAX_DATA_FILE,
    );
    if let Some(c) = inputs.config {
        h.update(b"config");
        h.update(std::fs::read(c).unwrap_or_default());
    }
    if let Some(t) = inputs.templates {
        hash_tree(&mut h, &canon(t), "templates", &out, files::MAX_TEXT_FILE);
    }
    if let Some(c) = inputs.comments {
        hash_tree(&mut h, &canon(c), "comments", &out, files::MAX_TEXT_FILE);
    }
    hex(&h.finalize())
}

/// The output folder of an earlier good run with this fingerprint, if any: the latest output
/// of each period (`OUT/<period>/`), never an earlier version kept beside it.
pub(crate) fn unchanged_since(out: &Path, print: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            !name.starts_with('.') && !super::versions::is_versions(&name)
        })
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter().find(|d| {
        super::manifest::Published::read(d).is_some_and(|m| m.fingerprint.as_deref() == Some(print))
    })
}

/// The fingerprint of a run: the tool, `--period` as given, the formats, and every input.
pub(crate) fn of(
    data: &Path,
    out: &Path,
    period: &str,
    formats: crate::render::Formats,
    config: &crate::config::Config,
) -> String {
    fingerprint(&Inputs {
        data,
        out,
        arguments: format!("{period}|{}", formats.fingerprint()),
        config: config.source.as_deref(),
        templates: config.templates.as_deref(),
        comments: config.comments.as_deref(),
    })
}

/// The fingerprint of a report month's inputs, whatever formats are asked for.
pub(crate) fn of_inputs(
    data: &Path,
    out: &Path,
    period: crate::model::period::Month,
    config: &crate::config::Config,
) -> String {
    fingerprint(&Inputs {
        data,
        out,
        arguments: period.to_string(),
        config: config.source.as_deref(),
        templates: config.templates.as_deref(),
        comments: config.comments.as_deref(),
    })
}

//! The fingerprint of a run: one SHA-256 over everything a run depends on (the tool, the
//! arguments, the data folder, the config, the templates and the commentary), which
//! `--if-changed` compares with the manifests of earlier runs.

use std::path::{Path, PathBuf};

use sha2::Digest;

use crate::model::hash::hex;
use crate::model::input::{Digests, Piece};

/// What a run's output depends on besides the tool itself.
pub(crate) struct Inputs<'a> {
    /// The data, templates and commentary as the load stage found them.
    pub digests: &'a Digests,
    /// The arguments that change the output, as text.
    pub arguments: String,
    /// The config file, when there is one.
    pub config: Option<&'a Path>,
}

/// Hashes the pieces of one kind of input into `h`, in their order.
fn hash_pieces(h: &mut sha2::Sha256, pieces: &[Piece]) {
    for p in pieces {
        h.update(p.label.as_bytes());
        h.update(p.name.as_bytes());
        h.update(p.value.as_bytes());
    }
}

/// One hash of everything a run depends on.
pub(crate) fn fingerprint(inputs: &Inputs) -> String {
    let mut h = sha2::Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(inputs.arguments.as_bytes());
    hash_pieces(&mut h, &inputs.digests.data);
    if let Some(c) = inputs.config {
        h.update(b"config");
        h.update(std::fs::read(c).unwrap_or_default());
    }
    hash_pieces(&mut h, &inputs.digests.templates);
    hash_pieces(&mut h, &inputs.digests.comments);
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
    digests: &Digests,
    period: &str,
    formats: crate::render::Formats,
    config: &crate::config::Config,
) -> String {
    fingerprint(&Inputs {
        digests,
        arguments: format!("{period}|{}", formats.fingerprint()),
        config: config.source.as_deref(),
    })
}

/// The fingerprint of a report month's inputs, whatever formats are asked for.
pub(crate) fn of_inputs(
    digests: &Digests,
    period: crate::model::period::Month,
    config: &crate::config::Config,
) -> String {
    fingerprint(&Inputs {
        digests,
        arguments: period.to_string(),
        config: config.source.as_deref(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_piece_of_the_inputs_counts_whatever_its_source() {
        let piece = |name: &str, value: &str| Piece {
            label: "data",
            name: name.into(),
            value: value.into(),
        };
        let print = |digests: &Digests| {
            fingerprint(&Inputs {
                digests,
                arguments: "2020-09".into(),
                config: None,
            })
        };
        let mut digests = Digests {
            data: vec![piece("ledger.csv", "aa"), piece("query \"select 1\"", "bb")],
            ..Digests::default()
        };
        let before = print(&digests);
        assert_eq!(before, print(&digests.clone()));
        // Other rows from the query: another fingerprint, so `--if-changed` runs again.
        digests.data[1].value = "cc".into();
        assert_ne!(before, print(&digests));
    }
}

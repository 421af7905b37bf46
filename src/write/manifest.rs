//! `manifest.json`: what a run wrote, from which inputs, with the fingerprint that
//! `--if-changed` compares.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::model::diff::AccountTables;
use crate::model::hash::sha256_hex;
use crate::model::input::{Commentary, Input};
use crate::model::tree::Tree;
use crate::render::{Format, Formats};

#[derive(Serialize)]
pub(crate) struct Manifest {
    pub period: String,
    pub generated: String,
    pub generator: String,
    /// SHA-256 over the tool version, the arguments, the data, config, templates and
    /// commentary; `--if-changed` compares it.
    pub fingerprint: String,
    /// The same over the report month and the inputs only (not the formats asked for): a run
    /// for some formats keeps the others of an earlier output with the same value.
    pub inputs_fingerprint: String,
    /// The output's version number within its period: 1 for the first run, one more for
    /// every run that replaced the output (see `versions.rs`).
    pub version: u32,
    /// The earlier version this one replaced, relative to this folder
    /// (`../2020-09.versions/v1-2020-10-14T081200Z`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<String>,
    pub config: Option<Input>,
    pub reports: Vec<ManifestReport>,
    pub packs: Vec<ManifestPack>,
    pub inputs: Vec<Input>,
    /// The units' commentary the reports publish, by file (see [`Commentary`]); left out
    /// when there is none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Commentary>,
    /// The units' own figures per account, for the next version's change page (see
    /// [`AccountTables`]); left out when there are none.
    #[serde(skip_serializing_if = "AccountTables::is_empty")]
    pub account_tables: AccountTables,
}

/// A pack's files by format name (`"pdf": "namnd.pdf"`): the formats written, in the order
/// of their names.
pub(crate) type FormatFiles = BTreeMap<String, String>;

#[derive(Serialize, Deserialize)]
pub(crate) struct ManifestPack {
    pub name: String,
    pub title: String,
    /// The pack's file in each format written (see [`crate::render::Format::pack_file`]).
    #[serde(flatten)]
    pub files: FormatFiles,
    pub units: Vec<String>,
}

#[derive(Serialize, Deserialize)]
pub(crate) struct ManifestReport {
    pub unit: String,
    pub name: String,
    /// The unit's file in each format written (see [`crate::render::Format::unit_file`]).
    #[serde(flatten)]
    pub files: FormatFiles,
}

/// A manifest of an earlier run as the tool reads it back to compute with: the fields of
/// [`Manifest`] it uses, with their defaults when an older manifest lacks them. Fields it
/// does not use are not read.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct Published {
    pub generated: Option<String>,
    pub fingerprint: Option<String>,
    pub inputs_fingerprint: Option<String>,
    /// See [`Manifest::version`]; `None` for output made before versions were kept.
    pub version: Option<u64>,
    pub reports: Vec<ManifestReport>,
    pub packs: Vec<ManifestPack>,
}

impl Published {
    /// The manifest in the output folder `dir`; `None` when there is none or it cannot be
    /// read as a manifest.
    pub(crate) fn read(dir: &Path) -> Option<Published> {
        read_json(&dir.join("manifest.json"))
    }
}

/// A JSON file of the tool's own output, read into `T` (`None` when it cannot be).
pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
}

/// What identifies a run in its manifest.
pub(crate) struct Run {
    /// The report month.
    pub period: String,
    /// When the output says it was made.
    pub generated: String,
    /// See [`Manifest::fingerprint`].
    pub fingerprint: String,
    /// See [`Manifest::inputs_fingerprint`].
    pub inputs_fingerprint: String,
}

/// The manifest of a run: the reports and packs written (only the formats asked for), every
/// input with its SHA-256 (as the load stage lists them), and the fingerprint.
pub(crate) fn build(
    tree: &Tree,
    config: &Config,
    inputs: &[Input],
    files: &[String],
    packs: &[Vec<usize>],
    formats: Formats,
    run: Run,
) -> Manifest {
    let Run {
        period,
        generated,
        fingerprint,
        inputs_fingerprint,
    } = run;
    let reports = tree
        .order
        .iter()
        .map(|&node| ManifestReport {
            unit: tree.nodes[node].code.clone(),
            name: tree.nodes[node].name.clone(),
            files: written(formats, |f| f.unit_file(&files[node])),
        })
        .collect();
    let packs = config
        .packs
        .iter()
        .zip(packs)
        .map(|(pack, nodes)| ManifestPack {
            name: pack.name.clone(),
            title: pack.title.clone(),
            files: written(formats, |f| f.pack_file(&pack.name)),
            units: nodes.iter().map(|&n| tree.nodes[n].code.clone()).collect(),
        })
        .collect();
    let config_input = config.source.as_ref().map(|p| {
        let sha = sha256_hex(&std::fs::read(p).unwrap_or_default());
        Input::file("config", p.display().to_string(), 0, sha)
    });
    Manifest {
        period,
        generated,
        generator: format!("uppfolj {}", env!("CARGO_PKG_VERSION")),
        fingerprint,
        inputs_fingerprint,
        version: 1,
        previous: None,
        config: config_input,
        reports,
        packs,
        inputs: inputs.to_vec(),
        comments: Vec::new(),
        account_tables: AccountTables::default(),
    }
}

/// The file of each format in `formats` that has one (`file`), by the format's name.
fn written(formats: Formats, file: impl Fn(&dyn Format) -> Option<String>) -> FormatFiles {
    formats
        .iter()
        .filter_map(|f| Some((f.name().to_string(), file(f)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A manifest reads back into the structs it was written from; an older one without
    /// versions or files reads with the defaults, and fields it does not use are skipped.
    #[test]
    fn a_manifest_reads_back_typed() {
        let text = r#"{"generated": "2020-10-14T08:12:00Z", "version": 3, "fingerprint": "f",
            "inputs_fingerprint": "i", "config": null, "inputs": [{"table": "ledger"}],
            "reports": [{"unit": "A", "name": "Nämnd A", "html": "A.html", "xlsx": "A.xlsx"}],
            "packs": [{"name": "p", "title": "P", "pdf": "p.pdf", "units": ["A"]}]}"#;
        let m: Published = serde_json::from_str(text).unwrap();
        assert_eq!(
            (m.version, m.generated.as_deref()),
            (Some(3), Some("2020-10-14T08:12:00Z"))
        );
        let files: Vec<(&str, &str)> = m.reports[0]
            .files
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(files, [("html", "A.html"), ("xlsx", "A.xlsx")]);
        assert_eq!(
            m.packs[0].files.get("pdf").map(String::as_str),
            Some("p.pdf")
        );
        assert_eq!(m.packs[0].units, ["A"]);
        let again = serde_json::to_string(&m.reports[0]).unwrap();
        assert_eq!(
            again,
            r#"{"unit":"A","name":"Nämnd A","html":"A.html","xlsx":"A.xlsx"}"#
        );

        let old: Published = serde_json::from_str(r#"{"period": "2020-09"}"#).unwrap();
        assert!(old.version.is_none() && old.reports.is_empty() && old.fingerprint.is_none());
    }
}

//! `manifest.json`: what a run wrote, from which inputs, with the fingerprint that
//! `--if-changed` compares.

use serde::Serialize;

use crate::config::Config;
use crate::model::hash::sha256_hex;
use crate::model::input::Input;
use crate::model::tree::Tree;
use crate::render::Formats;

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
}

#[derive(Serialize)]
pub(crate) struct ManifestPack {
    pub name: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdf: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xlsx: Option<String>,
    pub units: Vec<String>,
}

#[derive(Serialize)]
pub(crate) struct ManifestReport {
    pub unit: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdf: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xlsx: Option<String>,
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
            html: formats.html.then(|| format!("{}.html", files[node])),
            pdf: formats.pdf.then(|| format!("pdf/{}.pdf", files[node])),
            xlsx: formats.xlsx.then(|| format!("{}.xlsx", files[node])),
        })
        .collect();
    let packs = config
        .packs
        .iter()
        .zip(packs)
        .map(|(pack, nodes)| ManifestPack {
            name: pack.name.clone(),
            title: pack.title.clone(),
            pdf: formats.pdf.then(|| format!("{}.pdf", pack.name)),
            xlsx: formats.xlsx.then(|| format!("{}.xlsx", pack.name)),
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
    }
}

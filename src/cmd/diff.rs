//! `uppfolj diff A B`: what differs between two runs — every figure of every unit, from their
//! `figures.json`, and, for two output folders, the input and commentary files whose SHA-256
//! differs and the accounts whose figures moved, from their `manifest.json`. The same
//! comparison as the change page of a new version, grouped the same way.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::Failure;
use crate::model::diff;

/// How `diff` prints the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Lines for a terminal, grouped by unit.
    Text,
    /// One JSON document for tools.
    Json,
}

/// The comparison of `old` and `new` (each an output folder or a `figures.json` file) as
/// text or JSON, and whether anything differs. The text shows amounts as the report does,
/// in the language and money unit of `config` (the built-in defaults without one); the JSON
/// keeps them exact. A missing or unreadable file is a usage error (exit 2).
pub fn run(
    old: &Path,
    new: &Path,
    output: Output,
    config: Option<&Path>,
) -> Result<(String, bool), Failure> {
    let (old_figures, old_manifest) = read(old)?;
    let (new_figures, new_manifest) = read(new)?;
    let manifests = old_manifest.as_ref().zip(new_manifest.as_ref());
    let d = diff::compare(&old_figures, &new_figures, manifests);
    let differ = !d.is_empty();
    let text = match output {
        Output::Text => diff::to_text(&d, &amounts(config)?),
        Output::Json => {
            let doc = serde_json::json!({
                "differ": differ,
                "summary": diff::summary(&d),
                "units": d.units,
                "other": d.other,
                "inputs": d.inputs,
                "accounts": d.accounts,
            });
            let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    Ok((text, differ))
}

/// How the report shows amounts, from the config's language and `money:`.
fn amounts(config: Option<&Path>) -> Result<diff::Amounts, Failure> {
    let config = crate::config::Config::read(config)?;
    let lang = crate::render::templates::load(Vec::new(), &config.language)?.lang;
    let fmt = crate::present::Format::new(&config, lang);
    Ok(diff::Amounts {
        style: fmt.style,
        unit: fmt.unit,
        decimals: fmt.decimals,
        unit_label: fmt.unit_label(),
        kr_label: fmt
            .lang
            .money
            .get("kr")
            .cloned()
            .unwrap_or_else(|| "kr".to_string()),
    })
}

/// A run's figures and, for a folder, its manifest when it has one.
fn read(path: &Path) -> Result<(Value, Option<Value>), Failure> {
    let (figures, manifest): (PathBuf, Option<PathBuf>) = if path.is_dir() {
        (path.join("figures.json"), Some(path.join("manifest.json")))
    } else {
        (path.to_path_buf(), None)
    };
    let json = |p: &Path| -> Result<Value, Failure> {
        let text = std::fs::read_to_string(p).map_err(|e| {
            Failure::Usage(format!(
                "{}: cannot be read ({e}); expected an output folder or a figures.json file",
                p.display()
            ))
        })?;
        serde_json::from_str(&text)
            .map_err(|e| Failure::Usage(format!("{}: not JSON: {e}", p.display())))
    };
    let figures = json(&figures)?;
    if !figures.get("units").is_some_and(Value::is_object) {
        return Err(Failure::Usage(format!(
            "{}: not a figures.json of uppfolj (it has no \"units\")",
            path.display()
        )));
    }
    let manifest = manifest
        .filter(|m| m.is_file())
        .map(|m| json(&m))
        .transpose()?;
    Ok((figures, manifest))
}

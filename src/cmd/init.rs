//! `uppfolj init DIR`: a ready project to start from — the config with every option
//! commented, the sample region's data, a commentary example and the built-in templates.

use std::path::Path;

use crate::Failure;

/// The sample data, embedded so that `init` works from an installed binary.
const SAMPLE: &[(&str, &[u8])] = &[
    (
        "data/units.csv",
        include_bytes!("../../data/sample/units.csv"),
    ),
    (
        "data/accounts.csv",
        include_bytes!("../../data/sample/accounts.csv"),
    ),
    (
        "data/ledger.csv",
        include_bytes!("../../data/sample/ledger.csv"),
    ),
    (
        "data/forecast.csv",
        include_bytes!("../../data/sample/forecast.csv"),
    ),
    (
        "data/staffing.csv",
        include_bytes!("../../data/sample/staffing.csv"),
    ),
    (
        "data/agency.csv",
        include_bytes!("../../data/sample/agency.csv"),
    ),
    (
        "data/measures.csv",
        include_bytes!("../../data/sample/measures.csv"),
    ),
    (
        "data/adjustments.csv",
        include_bytes!("../../data/sample/adjustments.csv"),
    ),
    (
        "data/activity.csv",
        include_bytes!("../../data/sample/activity.csv"),
    ),
    (
        "data/frames.csv",
        include_bytes!("../../data/sample/frames.csv"),
    ),
    (
        "data/reallocations.csv",
        include_bytes!("../../data/sample/reallocations.csv"),
    ),
    (
        "data/projects.csv",
        include_bytes!("../../data/sample/projects.csv"),
    ),
    (
        "data/investments.csv",
        include_bytes!("../../data/sample/investments.csv"),
    ),
    (
        "data/investment_forecast.csv",
        include_bytes!("../../data/sample/investment_forecast.csv"),
    ),
    (
        "data/comments/2020-09/HSN.md",
        include_bytes!("../../data/sample/comments/2020-09/HSN.md"),
    ),
];

const CONFIG: &str = include_str!("../../data/sample/uppfolj.yaml");

const README: &str = "\
This folder was written by `uppfolj init`.

  uppfolj.yaml          the config: every option, with comments
  data/                 one file per table (the sample region Region Mittland); replace with your exports
  data/comments/        your commentary: comments/<period>/<unit>.md, Markdown
  templates/            the report templates, words and sentences; edit freely

Generate the reports:

  uppfolj generate --data data --config uppfolj.yaml --period latest --out out

then open out/2020-09/index.html. Check your own exports without writing anything:

  uppfolj check --data data --config uppfolj.yaml
";

/// Writes a new project into `dir` (which must be missing or empty): the sample data, a
/// commented config, the built-in templates to edit, and a README.
pub fn write(dir: &Path) -> Result<(), Failure> {
    let shown = dir.display();
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Failure::Usage(format!(
                "{shown}: the folder exists and is not empty; give a new folder"
            )));
        }
    }
    let config = CONFIG
        .replace(
            "# uppfolj configuration for the sample region. Every key is optional; see the README.",
            "# uppfolj configuration. Every key is optional, and every key is here with a comment;\n# `uppfolj man` and README.txt say more.",
        )
        .replace("# templates: templates/", "templates: templates/");
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("uppfolj.yaml".into(), config.into_bytes()),
        ("README.txt".into(), README.as_bytes().to_vec()),
    ];
    files.extend(SAMPLE.iter().map(|(n, b)| (n.to_string(), b.to_vec())));
    files.extend(
        crate::render::templates::builtin()
            .into_iter()
            .map(|(n, t)| (format!("templates/{n}"), t.as_bytes().to_vec())),
    );
    crate::write::plain_files(dir, &files)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys the config accepts at one place, from the parser's own list of expected
    /// fields (so this test follows the config type, not a copy of it).
    fn keys(yaml: &str) -> Vec<String> {
        let err = crate::config::Config::parse(yaml, std::path::Path::new("c.yaml"))
            .unwrap_err()
            .to_string();
        let list = err
            .lines()
            .next()
            .and_then(|l| l.split("expected one of ").nth(1))
            .unwrap_or_else(|| panic!("no list of keys in: {err}"));
        list.split(", ")
            .map(|k| {
                k.trim_matches(|c: char| c == '`' || c.is_whitespace())
                    .to_string()
            })
            .map(|k| k.split(' ').next().unwrap_or_default().to_string())
            .collect()
    }

    /// Every key of the config, at every level, appears in the config `init` writes.
    #[test]
    fn the_config_init_writes_names_every_key() {
        let config = CONFIG;
        let places = [
            "zz: 1\n",
            "organisation: { zz: 1 }\n",
            "money: { zz: 1 }\n",
            "thresholds: { zz: 1 }\n",
            "thresholds: { agency: { zz: 1 } }\n",
            "kpi_ratios: [{ zz: 1 }]\n",
            "packs: [{ zz: 1 }]\n",
            "packs: [{ name: a, title: b, meeting: { zz: 1 } }]\n",
            "sources: { ledger: { zz: 1 } }\n",
            "balance_requirement: { exclude: [{ zz: 1 }] }\n",
        ];
        let mut all = Vec::new();
        for place in places {
            let found = keys(place);
            assert!(found.len() > 1, "{place}: {found:?}");
            all.extend(found);
        }
        for key in &all {
            assert!(
                config.contains(&format!("{key}:")),
                "the init config lacks `{key}`"
            );
        }
        assert!(all.iter().any(|k| k == "sie_dimension") && all.iter().any(|k| k == "comments"));
        // A section with a single key.
        for key in keys("investments: { zz: 1 }\n") {
            assert!(
                config.contains(&format!("{key}:")),
                "the init config lacks `{key}`"
            );
        }
    }
}

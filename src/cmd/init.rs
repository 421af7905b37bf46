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
    let config = CONFIG.replace("# templates: templates/", "templates: templates/");
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("uppfolj.yaml".into(), config.into_bytes()),
        ("README.txt".into(), README.as_bytes().to_vec()),
    ];
    files.extend(SAMPLE.iter().map(|(n, b)| (n.to_string(), b.to_vec())));
    files.extend(
        crate::render::templates::BUILTIN
            .iter()
            .map(|(n, t)| (format!("templates/{n}"), t.as_bytes().to_vec())),
    );
    crate::write::plain_files(dir, &files)?;
    Ok(())
}

//! The output-format seam, proved by the test format `txt` (`render/format/txt.rs`): built as
//! one module and one line in the list of formats, it is written, listed in the manifest,
//! linked from the pages, counted by the summary line and carried over by a later run that
//! does not ask for it.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::diag::Findings;
use crate::{Formats, GenerateOptions, generate};

/// The mini fixture with a pack of `A` and templates that show the links to the test
/// format's files.
fn project(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    fs::create_dir_all(data.join("templates")).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mini");
    for f in ["ledger.csv", "units.csv", "forecast.csv"] {
        fs::copy(fixture.join(f), data.join(f)).unwrap();
    }
    fs::write(
        data.join("uppfolj.yaml"),
        "templates: templates\npacks:\n  - name: namnd-a\n    title: Nämnd A\n    root: A\n    levels: 2\n",
    )
    .unwrap();
    fs::write(
        data.join("templates/report.html"),
        "text: {{ downloads.txt }}; pdf: {{ downloads.pdf }}\n",
    )
    .unwrap();
    fs::write(
        data.join("templates/index.html"),
        "{% for p in packs %}{{ p.title }}: {{ p.txt }}\n{% endfor %}",
    )
    .unwrap();
    data
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

#[test]
fn a_format_of_one_module_is_written_listed_linked_counted_and_carried_over() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let data = project(dir);
    let opts = |formats: &str| GenerateOptions {
        data: data.clone(),
        period: "2020-02".into(),
        out: dir.join("out"),
        config: Some(data.join("uppfolj.yaml")),
        formats: Formats::parse(formats).unwrap(),
        if_changed: false,
        wait: Duration::from_secs(5),
        progress: None,
        keep_versions: true,
    };
    let mut findings = Findings::default();
    let done = generate(&opts("html,txt"), &mut findings).unwrap();
    let out = done.out_dir.clone();
    // Written: a file per unit and per pack.
    let a1 = fs::read_to_string(out.join("A1.txt")).unwrap();
    assert!(a1.starts_with("A1 Enhet A1: "), "{a1}");
    let pack = fs::read_to_string(out.join("namnd-a.txt")).unwrap();
    assert!(
        pack.contains("A1 Enhet A1: ") && pack.contains("A2 Enhet A2: "),
        "{pack}"
    );
    // Listed in the manifest, beside the formats' other entries.
    let m = manifest(&out);
    let report = m["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["unit"] == "A1");
    let report = report.unwrap();
    assert_eq!(report["txt"], "A1.txt", "{m}");
    assert_eq!(report["html"], "A1.html", "{m}");
    assert!(report.get("pdf").is_none(), "{m}");
    assert_eq!(m["packs"][0]["txt"], "namnd-a.txt", "{m}");
    // Linked: the report page's downloads and the index's packs.
    let page = fs::read_to_string(out.join("A1.html")).unwrap();
    assert_eq!(page, "text: A1.txt; pdf: \n");
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert_eq!(index, "Nämnd A: namnd-a.txt\n");
    // Counted: every unit's file and the pack's, by the format's own words.
    let units = m["reports"].as_array().unwrap().len();
    let counted: Vec<(&str, usize)> = done.written.iter().map(|(c, n)| (c.many, *n)).collect();
    assert_eq!(
        counted,
        [
            ("reports", units),
            ("PDFs", 0),
            ("workbooks", 0),
            ("texts", units + 1)
        ]
    );
    assert_eq!(done.packs, 1);

    // A run without it keeps its files from the same inputs, and says so.
    let mut findings = Findings::default();
    let done = generate(&opts("html"), &mut findings).unwrap();
    assert_eq!(fs::read_to_string(out.join("A1.txt")).unwrap(), a1);
    assert_eq!(fs::read_to_string(out.join("namnd-a.txt")).unwrap(), pack);
    let m = manifest(&out);
    assert_eq!(m["packs"][0]["txt"], "namnd-a.txt", "{m}");
    let said: Vec<&str> = findings.items.iter().map(|f| f.message.as_str()).collect();
    assert!(
        said.iter()
            .any(|s| s.starts_with("the text files of the run of")
                && s.ends_with("were kept: they come from the same inputs")),
        "{said:?}"
    );
    assert_eq!(done.written[3].1, 0);
    assert_eq!(done.packs, 0);
}

#[test]
fn formats_are_parsed_and_fingerprinted_by_the_list_of_formats() {
    let f = Formats::parse("TXT, html").unwrap();
    assert_eq!(
        f.fingerprint(),
        "Formats { html: true, pdf: false, xlsx: false, txt: true }"
    );
    assert_eq!(
        Formats::parse("csv").unwrap_err().to_string(),
        "\"csv\" is not a format (expected html, pdf, xlsx or txt)"
    );
    assert_eq!(
        Formats::parse(" , ").unwrap_err().to_string(),
        "no format given (expected html, pdf, xlsx or txt)"
    );
    assert_eq!(
        Formats::parse("xlsx").unwrap().keep(5),
        Some(crate::model::posting::Keep::All)
    );
    assert_eq!(
        Formats::parse("txt,html").unwrap().keep(5),
        Some(crate::model::posting::Keep::Largest(5))
    );
}

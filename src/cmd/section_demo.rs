//! The test section `demo`, end to end: added the way a new section is (one module,
//! `sections/demo.rs`, with its registry entry, table, compute step, view and sheet; one line
//! in `sections::ALL`; its two templates), it is computed from its own table, shown on the
//! HTML page and in the PDF's Typst, given a sheet in the workbook, and takes commentary
//! under its heading.

use std::path::Path;
use std::time::Duration;

use calamine::Reader;

use crate::cmd::generate::{GenerateOptions, generate, prepare};
use crate::diag::Findings;
use crate::{Formats, clock, compute, config, present, render};

/// The mini fixture with a `demo` table (2020: 1 Mkr on A1 in January, 2,5 Mkr on A2 in
/// February) and commentary for A and A1.
#[allow(clippy::disallowed_methods)] // tests write their fixtures
fn fixture(dir: &Path) {
    let mini = root().join("tests/fixtures/mini");
    for f in ["forecast.csv", "ledger.csv", "units.csv"] {
        std::fs::copy(mini.join(f), dir.join(f)).unwrap();
    }
    std::fs::write(
        dir.join("demo.csv"),
        "period;unit;amount\n2020-01;A1;1000000,00\n2020-02;A2;2500000,00\n",
    )
    .unwrap();
    let comments = dir.join("comments/2020-02");
    std::fs::create_dir_all(&comments).unwrap();
    std::fs::write(
        comments.join("A.md"),
        "Allt väl.\n\n## Demo\nDemobeloppet stiger.\n",
    )
    .unwrap();
    // Text under the heading of a section A1's report does not show (there is no
    // investments table), next to text under the demo heading, which it shows.
    std::fs::write(
        comments.join("A1.md"),
        "## Investeringar\nInga projekt.\n\n## Demo\nLitet belopp.\n",
    )
    .unwrap();
}

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_section_added_by_the_registry_is_computed_shown_and_written() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    std::fs::create_dir_all(&data).unwrap();
    fixture(&data);
    let mut findings = Findings::default();
    let opts = GenerateOptions {
        data: data.clone(),
        period: "2020-02".into(),
        out: out.clone(),
        config: None,
        formats: Formats::default(),
        if_changed: false,
        wait: Duration::from_secs(5),
        progress: None,
        keep_versions: false,
    };
    let done = generate(&opts, &mut findings).unwrap();

    // The page of A (the sum of A1 and A2) shows the section with its figure and the
    // commentary under its heading; so do A1's and the root's.
    let page =
        |stem: &str| std::fs::read_to_string(done.out_dir.join(format!("{stem}.html"))).unwrap();
    let a = page("A");
    assert!(a.contains("<section id=\"demo\">"), "{a}");
    assert!(a.contains("<p class=\"summary\">3,5 Mkr</p>"), "{a}");
    assert!(a.contains("Demobeloppet stiger."), "{a}");
    assert!(page("A1").contains("<section id=\"demo\">"));
    assert!(page("R").contains("<section id=\"demo\">"));

    // The workbook of A has the section's sheet, after the section sheets before it (the
    // mini fixture has none; empty sheets are left out) and before the chart data.
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(done.out_dir.join("A.xlsx")).unwrap();
    let names = book.sheet_names();
    let at = |name: &str| names.iter().position(|n| n == name);
    assert_eq!(at("demo"), at("Diagramdata").map(|i| i - 1), "{names:?}");
    let sheet = book.worksheet_range("demo").unwrap();
    let cells: Vec<String> = sheet.cells().map(|(_, _, c)| c.to_string()).collect();
    assert!(
        cells.iter().any(|c| c == "3500000" || c == "3.5"),
        "{cells:?}"
    );
}

#[test]
fn a_section_added_by_the_registry_has_its_typst_block_and_commentary() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    fixture(&data);
    let mut findings = Findings::default();
    let mut laps = clock::Laps::start();
    let prepared = prepare(
        &data,
        config::Config::read(None).unwrap(),
        "2020-02",
        Some(Formats::default()),
        &mut findings,
        &mut laps,
    )
    .unwrap();
    let presented = present::run(
        &compute::basis(&prepared.loaded, &prepared.computed, None),
        &prepared.files,
        &prepared.commentary,
        prepared.templates.lang.clone(),
        0,
        &|| {},
    );
    // Every section the registry gives headings is checked for text no report shows.
    let warnings: Vec<String> = findings.items.iter().map(ToString::to_string).collect();
    let dropped: Vec<&String> = warnings.iter().filter(|w| w.contains("heading")).collect();
    assert_eq!(dropped.len(), 1, "{warnings:?}");
    assert!(
        dropped[0].ends_with("A1.md: the text under the heading for Investments is not published: the report of unit A1 has no such section (no investments table, or no rows in it for the unit); move the text under another heading or above the first"),
        "{warnings:?}"
    );
    // What A1's commentary may hold: the summary and the sections its report shows.
    let a1 = prepared.loaded.tree.get("A1").unwrap();
    let offered: Vec<&str> =
        compute::commentary::sections_for(&prepared.computed.sections[a1]).collect();
    assert_eq!(offered, ["summary", "demo"]);
    let node = prepared.loaded.tree.get("A").unwrap();
    let view = &presented.views[node];
    assert_eq!(view.commentary["demo"], "Demobeloppet stiger.\n");
    let page = render::Page::new(&prepared.templates, view, render::Markup::Typst)
        .unwrap()
        .with_typst_blocks(&prepared.templates, "u1-")
        .unwrap();
    let blocks = page.typst_blocks();
    let demo = &blocks[blocks.find("== Demo").expect(blocks)..];
    assert_eq!(
        demo,
        "== Demo\n\n#comment[Demobeloppet stiger\\.]\n\n3\\,5 Mkr\n\n"
    );
}

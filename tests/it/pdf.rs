//! PDF output: typeset reports and board packs, text that pdftotext finds, metadata, page
//! count, byte-identical reruns, and unit names that cannot inject Typst markup.

use super::*;

fn tool(name: &str) -> bool {
    Command::new(name).arg("-v").output().is_ok()
}

fn pdftotext(path: &Path) -> String {
    let o = Command::new("pdftotext")
        .args(["-layout"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn pdfinfo(path: &Path) -> String {
    let o = Command::new("pdfinfo")
        .arg(path)
        .output()
        .expect("pdfinfo runs");
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// Generates the seeds into `out` with a config beside it (`uppfolj.yaml` in its parent, so
/// that two runs into sibling folders read the same config path: the packs embed the
/// manifest, which names the config file).
fn generate_seeds(data: &Path, out: &Path) -> Output {
    let cfg = out.parent().unwrap().join("uppfolj.yaml");
    let base = std::fs::read_to_string(root().join("tests/fixtures/seeds/uppfolj.yaml")).unwrap();
    std::fs::write(
        &cfg,
        format!("{base}author: Ekonomistaben\npacks:\n  - name: namnden\n    title: Månadsrapport\n    meeting: {{ body: Hälso- och sjukvårdsnämnden, date: 2020-10-20 }}\n    root: HSN\n    levels: 1\n"),
    )
    .unwrap();
    generate_to(
        data.to_str().unwrap(),
        out,
        "2020-09",
        &["--config", cfg.to_str().unwrap(), "--format", "pdf"],
    )
}

#[test]
fn unit_and_pack_pdfs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = generate_seeds(&root().join("tests/fixtures/seeds"), &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dir = out.join("2020-09");
    for f in [
        "pdf/R.pdf",
        "pdf/HSN.pdf",
        "pdf/L1.pdf",
        "pdf/L2.pdf",
        "namnden.pdf",
    ] {
        let bytes = std::fs::read(dir.join(f)).unwrap();
        assert!(bytes.starts_with(b"%PDF-"), "{f}");
    }
    assert!(
        !dir.join("HSN.html").exists() && !dir.join("HSN.xlsx").exists(),
        "only PDF asked for"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["reports"][1]["pdf"], "pdf/HSN.pdf");
    assert_eq!(manifest["packs"][0]["pdf"], "namnden.pdf");
    assert_eq!(manifest["packs"][0]["title"], "Månadsrapport");
    assert_eq!(
        manifest["packs"][0]["units"],
        serde_json::json!(["HSN", "L1", "L2"])
    );
    // pdftotext and pdfinfo (poppler-utils) are installed by .ci/run; missing, they fail.
    assert!(
        tool("pdftotext") && tool("pdfinfo"),
        "pdftotext and pdfinfo (poppler-utils) are needed for this test"
    );
    // The figures of the HTML report are in the PDF text.
    let text = pdftotext(&dir.join("pdf/HSN.pdf"));
    for needle in [
        "Avvikelsen för Hälso- och sjukvårdsnämnden uppgick för perioden ack september 2020 till -119,3 Mkr",
        "15,23 % för läkare",
        "86,7 Mkr mot förväntade 114,9 Mkr",
        "Sjuktimmar",
        "Sida 1 av",
        "HSN/798/2024",
        "Kommentar till sammanfattningen.",
    ] {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(needle),
            "{needle:?} not in the PDF text:\n{text}"
        );
    }
    let info = pdfinfo(&dir.join("namnden.pdf"));
    assert!(
        info.contains("Title:           Månadsrapport – Hälso- och sjukvårdsnämnden"),
        "{info}"
    );
    assert!(info.contains("Author:          Ekonomistaben"), "{info}");
    assert!(
        info.contains("Subject:         Månadsrapport ack september 2020"),
        "{info}"
    );
    assert!(
        info.contains("Page size:       595.276 x 841.89 pts (A4)"),
        "{info}"
    );
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(
        pages >= 8,
        "cover, contents, summary and three reports: {pages} pages"
    );
    let pack = pdftotext(&dir.join("namnden.pdf"));
    let flat = pack.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Innehåll"), "table of contents");
    assert!(flat.contains("Sammanställning"), "summary page");
    assert!(
        flat.contains(&format!("Sida {pages} av {pages}")),
        "page x of y"
    );
    assert!(
        flat.contains("Sammanträde Hälso- och sjukvårdsnämnden"),
        "cover"
    );
    let bytes = std::fs::read(dir.join("namnden.pdf")).unwrap();
    assert!(
        bytes.windows(9).any(|w| w == b"/Lang(sv)"),
        "the document language is set"
    );
}

#[test]
fn pdfs_are_byte_identical_across_runs() {
    let t = tempfile::tempdir().unwrap();
    let (a, b) = (t.path().join("a"), t.path().join("b"));
    for out in [&a, &b] {
        let o = generate_seeds(&root().join("tests/fixtures/seeds"), out);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    for f in ["pdf/HSN.pdf", "namnden.pdf"] {
        let x = std::fs::read(a.join("2020-09").join(f)).unwrap();
        let y = std::fs::read(b.join("2020-09").join(f)).unwrap();
        assert!(x == y, "{f} differs between runs");
    }
}

#[test]
fn unit_names_cannot_inject_typst() {
    let data = copy_fixture("seeds");
    let units = std::fs::read_to_string(data.path().join("units.csv")).unwrap();
    std::fs::write(
        data.path().join("units.csv"),
        units.replace(
            "Vårdenheten",
            "#panic(\"x\") *fet* $x$ [a] @ref <l> \\ `kod`",
        ),
    )
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let o = generate_seeds(data.path(), &tmp.path().join("out"));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    if tool("pdftotext") {
        let text = pdftotext(&tmp.path().join("out/2020-09/pdf/L1.pdf"));
        assert!(
            text.contains("#panic(\"x\") *fet* $x$ [a] @ref <l> \\ `kod`"),
            "{text}"
        );
    }
}

/// The text of pages `first` to `last` of a PDF.
fn pdftotext_pages(path: &Path, first: usize, last: usize) -> String {
    let o = Command::new("pdftotext")
        .args(["-f", &first.to_string(), "-l", &last.to_string()])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&o.stdout).to_string()
}

#[test]
fn pack_summary_is_one_page_with_a_column_per_signal() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = generate_seeds(&root().join("tests/fixtures/seeds"), &out);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let pack = out.join("2020-09/namnden.pdf");
    // Cover, contents, then the summary on page 3 alone: the next page is the first unit's.
    let summary = pdftotext_pages(&pack, 3, 3);
    assert!(summary.contains("Sammanställning"), "{summary}");
    for unit in ["Hälso- och sjukvårdsnämnden", "Vårdenheten", "Stödenheten"] {
        assert!(
            summary.contains(unit),
            "{unit} on the summary page:\n{summary}"
        );
    }
    assert!(
        summary.contains("Grön: inom målet."),
        "the legend:\n{summary}"
    );
    let next = pdftotext_pages(&pack, 4, 4);
    assert!(
        !next.contains("Grön: inom målet.") && next.contains("Sammanfattning"),
        "page 4 is the first unit's report:\n{next}"
    );
    // One column per signal: each signal's name once, in the header, not once per unit.
    for signal in ["Budget", "Sjukfrånvaro", "Åtgärder"] {
        assert_eq!(
            summary.matches(signal).count(),
            1,
            "{signal} heads one column:\n{summary}"
        );
    }
    assert_eq!(
        summary.matches("Inhyrd").count(),
        2,
        "a column per profession:\n{summary}"
    );
    // The summary page is landscape, so that the columns fit.
    let o = Command::new("pdfinfo")
        .args(["-f", "3", "-l", "3"])
        .arg(&pack)
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&o.stdout);
    let size = info.lines().find(|l| l.starts_with("Page    3 size:"));
    assert!(
        size.is_some_and(|l| l.contains("841.89 x 595.276")),
        "{info}"
    );
}

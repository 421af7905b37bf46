//! Versions of a published period: a rerun keeps the output it replaces in
//! `OUT/<period>.versions/`, the new version gets a change page and a notice on every report,
//! `--if-changed` writes no version for unchanged inputs, and `uppfolj diff` compares two runs.

use super::*;

/// `generate` of the mini fixture copied to `data` into `out`, HTML only.
fn run(data: &Path, out: &Path, extra: &[&str]) -> Output {
    let extra = [&["--format", "html"], extra].concat();
    let o = generate_to(data.to_str().unwrap(), out, "latest", &extra);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    o
}

/// One ledger row of unit A1 changed: staff cost of February 2020, -610,10 → -612,35.
fn change_one_row(data: &Path) {
    let ledger = data.join("ledger.csv");
    let text = std::fs::read_to_string(&ledger).unwrap();
    let changed = text.replace("2020-02;A1;5010;-610,10", "2020-02;A1;5010;-612,35");
    assert_ne!(text, changed);
    std::fs::write(&ledger, changed).unwrap();
}

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    n.sort();
    n
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

const V1: &str = "2020-02.versions/v1-2020-09-13T122640Z";

#[test]
fn a_changed_row_makes_a_new_version_with_a_change_page() {
    let data = copy_fixture("mini");
    let out = tempfile::tempdir().unwrap();
    let latest = out.path().join("2020-02");
    run(data.path(), out.path(), &[]);
    assert_eq!(manifest(&latest)["version"], 1);
    assert!(manifest(&latest).get("previous").is_none());
    assert!(!latest.join("changes.html").exists());
    assert!(
        !std::fs::read_to_string(latest.join("A1.html"))
            .unwrap()
            .contains("class=\"update\"")
    );
    let first = snapshot_dir(&latest);

    change_one_row(data.path());
    run(data.path(), out.path(), &[]);
    // The first version is kept as it was, beside the latest.
    assert_eq!(
        names(out.path()),
        ["2020-02", "2020-02.versions", "index.html", "latest"]
    );
    assert_eq!(
        names(&out.path().join("2020-02.versions")),
        ["v1-2020-09-13T122640Z"]
    );
    assert_eq!(snapshot_dir(&out.path().join(V1)), first);
    let m = manifest(&latest);
    assert_eq!(m["version"], 2);
    assert_eq!(m["previous"], "../2020-02.versions/v1-2020-09-13T122640Z");

    // Every report and the index say so, with a link to the change page.
    let notice = "<p class=\"update\" role=\"note\"><a href=\"changes.html\">Rapporten har uppdaterats 2020-09-13: 3 enheter har ändrade siffror</a></p>";
    for page in ["A1.html", "B.html", "index.html"] {
        let html = std::fs::read_to_string(latest.join(page)).unwrap();
        assert!(html.contains(notice), "{page}");
    }

    // The change page names exactly the unit chain of A1 (A1, A, R) and the category.
    let page = std::fs::read_to_string(latest.join("changes.html")).unwrap();
    // Grouped by what changed in the input: the ledger file, the account whose figures
    // moved, then the figures it moved by unit.
    let headings: Vec<&str> = page
        .lines()
        .filter(|l| l.starts_with("<h2") || l.starts_with("<h3"))
        .collect();
    assert_eq!(
        headings,
        [
            "<h2 id=\"indata\">Indatafil ändrad: ledger.csv</h2>",
            "<h3 id=\"konton\">Konton vars siffror ändrades</h3>",
            "<h3 id=\"enhet-1\"><a href=\"A.html\">Nämnd A</a> <span class=\"unit-note\">A</span></h3>",
            "<h3 id=\"enhet-2\"><a href=\"A1.html\">Enhet A1</a> <span class=\"unit-note\">A1</span></h3>",
            "<h3 id=\"enhet-3\"><a href=\"R.html\">Region Test</a> <span class=\"unit-note\">R</span></h3>",
        ]
    );
    let accounts = &page[page.find("id=\"konton\"").unwrap()..page.find("id=\"enhet-1\"").unwrap()];
    let rows: Vec<&str> = accounts
        .lines()
        .filter(|l| l.starts_with("<tr><th scope=\"row\">"))
        .collect();
    assert_eq!(rows.len(), 1, "{accounts}");
    assert!(
        rows[0].contains("<td class=\"text\"><a href=\"A1.html\">A1 Enhet A1</a></td><td class=\"text\">Utfall ack februari</td><td>-1\u{a0}210,10</td><td>-1\u{a0}212,35</td><td>-2,25</td>"),
        "{}",
        rows[0]
    );
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"sv\">"));
    assert!(page.contains("<p>Rapporten har uppdaterats 2020-09-13: 3 enheter har ändrade siffror. Jämfört med <a href=\"../2020-02.versions/v1-2020-09-13T122640Z/index.html\">version 1</a>.</p>"));
    let rows: Vec<&str> = page
        .lines()
        .filter(|l| l.contains(">Personalkostnader, utfall ack februari<"))
        .collect();
    assert_eq!(
        rows,
        ["<tr><th scope=\"row\">Personalkostnader, utfall ack februari</th><td>-1\u{a0}210,10</td><td>-1\u{a0}212,35</td><td>-2,25</td></tr>";
            3]
    );
    // A1's own rows, in the report's words: the result, the deviation and the forecast
    // first, every other figure the row moves folded below, and nothing else.
    let a1 = &page[page.find("id=\"enhet-2\"").unwrap()..page.find("id=\"enhet-3\"").unwrap()];
    let figures = |part: &str| -> Vec<String> {
        part.lines()
            .filter_map(|l| l.split("<th scope=\"row\">").nth(1)?.split("</th>").next())
            .map(str::to_string)
            .collect()
    };
    let (lead, folded) = a1.split_once("<details>").unwrap();
    assert_eq!(
        figures(lead),
        [
            "Resultat, utfall ack februari",
            "Resultat, förändring mot föregående år",
            "Resultat, avvikelse ack februari",
            "Resultat, utfall februari",
            "Resultat, avvikelse februari",
            "Avvikelse, förändring mot föregående månad",
        ]
    );
    assert_eq!(
        figures(folded),
        [
            "Personalkostnader, förändring sedan januari",
            "Avvikelse ack februari",
            "Personalkostnader, utfall ack februari",
            "Personalkostnader, förändring mot föregående år",
            "Personalkostnader, avvikelse ack februari",
            "Personalkostnader, utfall februari",
            "Personalkostnader, avvikelse februari",
            "Verksamhetens nettokostnad, utfall ack februari",
            "Verksamhetens nettokostnad, förändring mot föregående år",
            "Verksamhetens nettokostnad, avvikelse ack februari",
            "Verksamhetens nettokostnad, utfall februari",
            "Verksamhetens nettokostnad, avvikelse februari",
            "Prognosen och utvecklingen hittills, prognosen, resterande månader",
            "Prognosen och utvecklingen hittills, samma takt som hittills, resterande månader",
            "Utfall februari 2020",
            "Avvikelse februari 2020",
            "Nettokostnadsutveckling, utfall",
            "Nettokostnadsutveckling, förändring",
            "Nettokostnadsutveckling, förändring i procent",
        ]
    );
    // No path of figures.json anywhere on the page: no brackets, dotted or snake_case names.
    for name in figures(&page) {
        assert!(
            !name.contains('[') && !name.contains('_') && !name.contains("]."),
            "a JSON path on the change page: {name}"
        );
    }
    assert!(page.contains("<tr><th scope=\"row\">ledger.csv</th><td><code>b68a16fefc7d5409bfbb30bf28aabe78eb98c7345d82d79584bbf46c9be5b34e</code></td>"));

    // An unchanged rerun with --if-changed writes no version.
    let before = snapshot_dir(out.path());
    let o = run(data.path(), out.path(), &["--if-changed"]);
    assert_eq!(
        stdout(&o),
        format!(
            "uppfolj: inputs unchanged since the run that wrote {}; nothing to do\n",
            latest.display()
        )
    );
    assert_eq!(snapshot_dir(out.path()), before);

    // A rerun without it is a version of its own, in which no figure changed.
    run(data.path(), out.path(), &[]);
    assert_eq!(
        names(&out.path().join("2020-02.versions")),
        ["v1-2020-09-13T122640Z", "v2-2020-09-13T122640Z"]
    );
    assert_eq!(manifest(&latest)["version"], 3);
    assert!(
        std::fs::read_to_string(latest.join("A1.html"))
            .unwrap()
            .contains(">Rapporten har uppdaterats 2020-09-13: inga siffror har ändrats</a>")
    );
}

#[test]
fn an_earlier_output_left_aside_by_a_killed_run_is_kept() {
    let data = copy_fixture("mini");
    let out = tempfile::tempdir().unwrap();
    run(data.path(), out.path(), &[]);
    // A run killed after its new output took the place, before it kept the earlier one.
    let aside = out.path().join(".2020-02.old-999999999");
    std::fs::create_dir(&aside).unwrap();
    for (name, bytes) in snapshot_dir(&out.path().join("2020-02")) {
        std::fs::write(aside.join(name), bytes).unwrap();
    }
    run(data.path(), out.path(), &[]);
    assert_eq!(
        names(out.path()),
        ["2020-02", "2020-02.versions", "index.html", "latest"]
    );
    assert_eq!(
        names(&out.path().join("2020-02.versions")),
        ["v1-2020-09-13T122640Z", "v1-2020-09-13T122640Z-2"]
    );
}

#[test]
fn diff_compares_two_runs() {
    let data = copy_fixture("mini");
    let out = tempfile::tempdir().unwrap();
    run(data.path(), out.path(), &[]);
    change_one_row(data.path());
    run(data.path(), out.path(), &[]);
    let (v1, v2) = (out.path().join(V1), out.path().join("2020-02"));
    let s = |p: &Path| p.to_str().unwrap().to_string();

    // Equal: exit 0.
    let o = uppfolj(&["diff", &s(&v1), &s(&v1)]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "no differences\n");

    // Two folders: figures by unit, then the input files; exit 1.
    let o = uppfolj(&["diff", &s(&v1), &s(&v2)]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    // Grouped by the input that changed: the file, the account whose figures moved, then
    // the figures it moved by unit.
    assert_eq!(
        lines[..7],
        [
            "input file changed: ledger.csv",
            "  SHA-256: b68a16fefc7d5409bfbb30bf28aabe78eb98c7345d82d79584bbf46c9be5b34e → 461670f39f057b6d0eb57a5b54e94fb1878df8fcda43ff09926123a4f41e6962",
            "accounts whose figures moved:",
            "  A1 5010 actual: -1\u{a0}210,10 → -1\u{a0}212,35 kr (-2,25)",
            "figures it moved:",
            "A Nämnd A",
            // The report's unit (Mkr by default) rounds the change away: kronor with their öre.
            "  actual: -3\u{a0}139,85 → -3\u{a0}142,10 kr (-2,25)",
        ]
    );
    assert_eq!(lines.iter().filter(|l| !l.starts_with("  ")).count(), 7);
    assert!(
        text.ends_with("3 units and 1 input file differ\n"),
        "{text}"
    );
    // The JSON names the account and the input's kind and table, every amount exact.
    let o = uppfolj(&["diff", &s(&v1), &s(&v2), "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        doc["accounts"],
        serde_json::json!([{"unit": "A1", "account": "5010", "figure": "actual", "old": "-1210.10", "new": "-1212.35", "difference": "-2.25"}])
    );
    assert_eq!(
        doc["inputs"],
        serde_json::json!([{"file": "ledger.csv", "kind": "data", "table": "ledger", "old": "b68a16fefc7d5409bfbb30bf28aabe78eb98c7345d82d79584bbf46c9be5b34e", "new": "461670f39f057b6d0eb57a5b54e94fb1878df8fcda43ff09926123a4f41e6962"}])
    );

    // Two figures.json files with one figure changed: the exact text.
    let mut figures: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(v2.join("figures.json")).unwrap()).unwrap();
    figures["units"]["B"]["budget_full_year"] = serde_json::json!("4900.50");
    let edited = out.path().join("edited.json");
    std::fs::write(&edited, serde_json::to_string(&figures).unwrap()).unwrap();
    let o = uppfolj(&["diff", &s(&v2.join("figures.json")), &s(&edited)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "B Nämnd B\n  budget_full_year: 4\u{a0}800,00 → 4\u{a0}900,50 kr (+100,50)\n1 unit differs\n"
    );
    // In the config's language and money unit, as its report shows amounts.
    let config = out.path().join("uppfolj.yaml");
    std::fs::write(&config, "language: en\nmoney: { unit: tkr, decimals: 1 }\n").unwrap();
    let o = uppfolj(&[
        "diff",
        &s(&v2.join("figures.json")),
        &s(&edited),
        "--config",
        &s(&config),
    ]);
    assert_eq!(
        stdout(&o),
        "B Nämnd B\n  budget_full_year: 4.8 → 4.9 SEK k (+0.1)\n1 unit differs\n"
    );

    // JSON for tools.
    let o = uppfolj(&[
        "diff",
        &s(&v2.join("figures.json")),
        &s(&edited),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({
            "differ": true,
            "summary": "1 unit differs",
            "units": [{"code": "B", "name": "Nämnd B", "changes": [
                {"path": "budget_full_year", "old": "4800.00", "new": "4900.50", "difference": "+100.50"}
            ]}],
            "other": [],
            "inputs": [],
            "accounts": []
        })
    );

    // A missing file is wrong usage: exit 2, nothing on stdout.
    let missing = out.path().join("nothing");
    let o = uppfolj(&["diff", &s(&missing), &s(&v2)]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        format!(
            "error: {}: cannot be read (No such file or directory (os error 2)); expected an output folder or a figures.json file\nuppfolj: stopped\n",
            missing.display()
        )
    );
    let o = uppfolj(&["diff", &s(&v2)]);
    assert_eq!(o.status.code(), Some(2));
}

/// A correction of January booked before February's report: February's report lists the
/// month with what January's report published and what it is now, for the unit and every
/// unit above it, and figures.json carries it.
#[test]
fn a_correction_of_an_earlier_month_is_shown_in_the_next_report() {
    let data = copy_fixture("mini");
    let out = tempfile::tempdir().unwrap();
    let generate = |period: &str| {
        let o = generate_to(
            data.path().to_str().unwrap(),
            out.path(),
            period,
            &[
                "--config",
                "tests/fixtures/mini-kr.yaml",
                "--format",
                "html",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    };
    generate("2020-01");
    let ledger = data.path().join("ledger.csv");
    let text = std::fs::read_to_string(&ledger).unwrap();
    let corrected = text.replace("2020-01;A1;5010;-600,00", "2020-01;A1;5010;-625,00");
    assert_ne!(text, corrected);
    std::fs::write(&ledger, corrected).unwrap();
    generate("2020-02");
    let figures: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.path().join("2020-02/figures.json")).unwrap(),
    )
    .unwrap();
    let published = |code: &str| figures["units"][code]["restated"].clone();
    assert_eq!(
        published("A1"),
        serde_json::json!([{"period": "2020-01", "actual_published": "-479.75", "actual_now": "-504.75"}])
    );
    assert_eq!(published("A")[0]["period"], "2020-01");
    assert_eq!(published("R")[0]["period"], "2020-01");
    assert!(figures["units"]["A2"].get("restated").is_none());
    assert!(figures["units"]["B"].get("restated").is_none());
    let html = std::fs::read_to_string(out.path().join("2020-02/A1.html")).unwrap();
    assert!(
        html.contains("<h2 id=\"andrade-rubrik\">Ändrade uppgifter för tidigare månader</h2>"),
        "{html}"
    );
    assert!(
        html.contains("<tr><th scope=\"row\">januari 2020</th><td>-479,75</td><td>-504,75</td><td class=\"neg\">-25,00</td></tr>"),
        "{html}"
    );
    let b = std::fs::read_to_string(out.path().join("2020-02/B.html")).unwrap();
    assert!(!b.contains("andrade-rubrik"));
}

/// A new version's unit PDFs say on their first page that the report was updated.
#[test]
fn a_new_versions_pdf_says_it_was_updated() {
    let data = copy_fixture("mini");
    let out = tempfile::tempdir().unwrap();
    let generate = || {
        let o = generate_to(
            data.path().to_str().unwrap(),
            out.path(),
            "latest",
            &["--format", "pdf"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    };
    generate();
    change_one_row(data.path());
    generate();
    let text = |file: &str| {
        let o = std::process::Command::new("pdftotext")
            .args([
                out.path().join("2020-02/pdf").join(file).to_str().unwrap(),
                "-",
            ])
            .output()
            .expect("pdftotext runs");
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    assert!(
        text("A1.pdf").starts_with(
            "Rapporten har uppdaterats 2020-09-13: 3 enheter har ändrade siffror (changes.html)."
        ),
        "{}",
        text("A1.pdf")
    );
}

/// The sample region, published, then one ledger cell (staff cost of unit 1010 in September
/// 2020) and one commentary file changed and published again: the change page names the
/// ledger file, the account whose figures moved with its unit and its old and new amount,
/// the figures it moved, and the commentary file; no path of `figures.json` anywhere; and
/// the manifest lists the commentary file it published.
#[test]
fn the_sample_change_page_names_the_input_the_account_and_the_commentary() {
    let data = tempfile::tempdir().unwrap();
    copy_dir(&root().join("data/sample"), data.path());
    let config = data.path().join("uppfolj.yaml");
    let out = tempfile::tempdir().unwrap();
    let latest = out.path().join("2020-09");
    let extra = ["--format", "html", "--config", config.to_str().unwrap()];
    let generate = || {
        let o = generate_to(data.path().to_str().unwrap(), out.path(), "latest", &extra);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    };
    generate();
    let first = manifest(&latest);
    assert_eq!(
        first["comments"],
        serde_json::json!([{"unit": "HSN", "file": "comments/2020-09/HSN.md",
            "sha256": first["comments"][0]["sha256"].clone()}])
    );
    assert_eq!(
        first["account_tables"]["units"]["1010"]["5010"],
        "-27571805.51 -27564149.15 -26406518.24 -37472000.00"
    );

    let ledger = data.path().join("ledger.csv");
    let text = std::fs::read(&ledger).unwrap();
    // The sample's amounts group thousands with a no-break space.
    let (old_row, new_row) = (
        "2020-09;1010;5010;-3\u{a0}181\u{a0}626,85;".as_bytes(),
        "2020-09;1010;5010;-3\u{a0}191\u{a0}626,85;".as_bytes(),
    );
    let at = text
        .windows(old_row.len())
        .position(|w| w == old_row)
        .unwrap();
    let changed = [&text[..at], new_row, &text[at + old_row.len()..]].concat();
    std::fs::write(&ledger, changed).unwrap();
    let comment = data.path().join("comments/2020-09/HSN.md");
    let mut words = std::fs::read_to_string(&comment).unwrap();
    words.push_str("\nPrognosen är oförändrad.\n");
    std::fs::write(&comment, words).unwrap();
    generate();

    let page = std::fs::read_to_string(latest.join("changes.html")).unwrap();
    let h2: Vec<&str> = page.lines().filter(|l| l.starts_with("<h2")).collect();
    assert_eq!(
        h2,
        [
            "<h2 id=\"indata\">Indatafil ändrad: ledger.csv</h2>",
            "<h2 id=\"kommentarer\">Ändrade kommentarer</h2>",
        ]
    );
    // The account whose figures moved, with its unit and both amounts, exact.
    let accounts: Vec<&str> = page[page.find("id=\"konton\"").unwrap()..]
        .lines()
        .take_while(|l| !l.starts_with("</tbody>"))
        .filter(|l| l.starts_with("<tr><th scope=\"row\">"))
        .collect();
    assert_eq!(
        accounts,
        [
            "<tr><th scope=\"row\">5010 Löner</th><td class=\"text\"><a href=\"1010.html\">1010 Ekonomienheten</a></td><td class=\"text\">Utfall ack september</td><td>-27\u{a0}571\u{a0}805,51</td><td>-27\u{a0}581\u{a0}805,51</td><td>-10\u{a0}000,00</td></tr>"
        ]
    );
    // Then the figures it moved, the result first, for the unit and every unit above it.
    assert!(page.contains("<p>Siffror som ändringen flyttade, per enhet:</p>"));
    let units: Vec<&str> = page
        .lines()
        .filter(|l| l.starts_with("<h3 id=\"enhet-"))
        .collect();
    assert_eq!(units.len(), 4, "{units:?}");
    assert!(page.contains("<tr><th scope=\"row\">Resultat, utfall ack september</th><td>1\u{a0}114\u{a0}726,68</td><td>1\u{a0}104\u{a0}726,68</td><td>-10\u{a0}000,00</td></tr>"));
    // The commentary file, with the unit it is about.
    assert!(
        page.contains("<li>Kommentar ändrad: comments/2020-09/HSN.md (<a href=\"HSN.html\">"),
        "{page}"
    );
    // No path of figures.json: no brackets, dotted or snake_case names in any row or item.
    for line in page.lines() {
        for cell in line
            .split("<th scope=\"row\">")
            .skip(1)
            .chain(line.split("<li>").skip(1))
        {
            let name = cell.split("</").next().unwrap();
            assert!(
                !name.contains('[') && !name.contains('_') && !name.contains("]."),
                "a JSON path on the change page: {name}"
            );
        }
    }

    // `uppfolj diff` groups the same way.
    let v1 = std::fs::read_dir(out.path().join("2020-09.versions"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let o = uppfolj(&["diff", &s(&v1), &s(&latest), "--config", &s(&config)]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.starts_with("input file changed: ledger.csv\n  SHA-256: "),
        "{text}"
    );
    // The report's Mkr rounds the change away: kronor with their öre.
    assert!(
        text.contains("\naccounts whose figures moved:\n  1010 5010 actual: -27\u{a0}571\u{a0}805,51 → -27\u{a0}581\u{a0}805,51 kr (-10\u{a0}000,00)\nfigures it moved:\n1010 Ekonomienheten\n"),
        "{text}"
    );
    assert!(
        text.contains("\ncommentary changed: comments/2020-09/HSN.md\n  SHA-256: "),
        "{text}"
    );
    assert!(
        text.ends_with("4 units and 2 input files differ\n"),
        "{text}"
    );
}

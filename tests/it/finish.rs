//! The finish of the sample's reports: the bridge chart drawn from zero with distinct tick
//! labels, and the footer's time in local time.

use super::*;

/// The bridge charts (`Avvikelsens förändring sedan …`) of every report page in `dir`.
fn bridge_svgs(dir: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    files.sort();
    for path in files {
        let html = std::fs::read_to_string(&path).unwrap();
        for (start, _) in html.match_indices("<svg") {
            let end = start + html[start..].find("</svg>").unwrap() + 6;
            let svg = &html[start..end];
            if svg.contains("förändring sedan") {
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                found.push((name, svg.to_string()));
            }
        }
    }
    found
}

/// The value of attribute `name` in an SVG element's text.
fn attr(element: &str, name: &str) -> Option<f64> {
    let at = element.find(&format!(" {name}=\""))? + name.len() + 3;
    element[at..].split('"').next()?.parse().ok()
}

/// The texts of an SVG's `<text>` elements.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = t.split_once('>')?.1.split("</text>").next()?;
            Some(body.trim().to_string())
        })
        .collect()
}

#[test]
fn the_bridge_stands_on_zero_and_its_ticks_are_distinct() {
    let g = generate_into(
        "data/sample",
        Some(&root().join("data/sample/uppfolj.yaml")),
        "2020-09",
    );
    assert_eq!(g.output.status.code(), Some(0), "{}", stderr(&g.output));
    let charts = bridge_svgs(&g.out.path().join("2020-09"));
    assert!(charts.len() > 20, "{} bridge charts", charts.len());
    for (page, svg) in &charts {
        // The tick labels along the value axis: the texts that are numbers.
        let ticks: Vec<String> = texts(svg)
            .into_iter()
            .filter(|t| {
                !t.is_empty()
                    && t.chars()
                        .all(|c| c.is_ascii_digit() || ",-− \u{a0}".contains(c))
            })
            .collect();
        assert!(ticks.len() >= 3, "{page}: ticks {ticks:?}");
        let mut distinct = ticks.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            ticks.len(),
            "{page}: repeated tick labels {ticks:?}"
        );
        assert!(
            ticks
                .iter()
                .any(|t| t.chars().all(|c| c == '0' || c == ',')),
            "{page}: zero among the ticks {ticks:?}"
        );
        // The zero line (the last black line, drawn over the bars) and the start and end bars
        // (blue).
        let zero = svg
            .split("<polyline")
            .skip(1)
            .filter(|p| p.contains("stroke=\"#000000\""))
            .last()
            .and_then(|p| {
                let points = p.split("points=\"").nth(1)?.split('"').next()?;
                points.split([' ', ',']).next()?.parse::<f64>().ok()
            })
            .unwrap_or_else(|| panic!("{page}: no zero line"));
        let blue: Vec<&str> = svg
            .split("<rect")
            .skip(1)
            .filter(|r| r.contains("fill=\"#005493\""))
            .collect();
        assert_eq!(blue.len(), 2, "{page}: the start and end bars");
        for bar in blue {
            let (x, w) = (attr(bar, "x").unwrap(), attr(bar, "width").unwrap());
            assert!(
                (x - zero).abs() <= 1.0 || (x + w - zero).abs() <= 1.0,
                "{page}: a deviation's bar from {x} to {} does not start at the zero line {zero}",
                x + w
            );
        }
    }
}

/// The footer's time at SOURCE_DATE_EPOCH `epoch`, in the config's language.
fn footer_time(epoch: &str, config: &Path) -> String {
    let out = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args([
            "generate",
            "--data",
            "tests/fixtures/mini",
            "--period",
            "latest",
            "--format",
            "html",
            "--config",
        ])
        .arg(config)
        .arg("--out")
        .arg(out.path())
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let index = std::fs::read_to_string(out.path().join("latest/index.html")).unwrap();
    let footer = index.split("<footer>").nth(1).unwrap();
    footer.split("</footer>").next().unwrap().to_string()
}

#[test]
fn the_footer_says_the_local_time() {
    let dir = tempfile::tempdir().unwrap();
    let sv = dir.path().join("sv.yaml");
    let en = dir.path().join("en.yaml");
    let helsinki = dir.path().join("helsinki.yaml");
    std::fs::write(&sv, "language: sv\n").unwrap();
    std::fs::write(&en, "language: en\n").unwrap();
    std::fs::write(&helsinki, "language: sv\ntime_zone: Europe/Helsinki\n").unwrap();
    // 2026-07-07 06:23 UTC: summer time, two hours ahead in Stockholm.
    let summer = footer_time("1783405380", &sv);
    assert!(summer.contains("skapad 7 juli 2026 kl. 08.23"), "{summer}");
    // 2026-12-07 07:23 UTC: winter time, one hour ahead.
    let winter = footer_time("1796628180", &sv);
    assert!(
        winter.contains("skapad 7 december 2026 kl. 08.23"),
        "{winter}"
    );
    let english = footer_time("1796628180", &en);
    assert!(
        english.contains("created 7 December 2026 at 08:23"),
        "{english}"
    );
    // Another zone from the config: Helsinki is an hour ahead of Stockholm.
    let finland = footer_time("1796628180", &helsinki);
    assert!(
        finland.contains("skapad 7 december 2026 kl. 09.23"),
        "{finland}"
    );
}

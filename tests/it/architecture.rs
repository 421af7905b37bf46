//! The house rules of `src/`: the stages import one way. Nothing under `load/`, `compute/`
//! or `present/` knows the renderers, the writer, Tera or Typst; `render/` never reads loaded
//! tables; `compute/` knows no template and no file; only `write/` (and `init`) writes files.

use std::path::PathBuf;

use crate::root;

/// Every `.rs` file below `src/<dir>`, with its text.
fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root().join("src").join(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((p, text));
            }
        }
    }
    out.sort();
    out
}

/// The lines of a file outside its `#[cfg(test)]` module and outside comments.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let end = text.find("#[cfg(test)]").unwrap_or(text.len());
    text[..end]
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_start()))
        .filter(|(_, l)| !l.starts_with("//"))
}

/// The places in `dir` that mention one of `forbidden` in code.
fn offences(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for (path, text) in sources(dir) {
        for (n, line) in code_lines(&text) {
            for f in forbidden {
                if line.contains(f) {
                    let rel = path.strip_prefix(root()).unwrap_or(&path).display();
                    found.push(format!("{rel}:{n}: {f}: {line}"));
                }
            }
        }
    }
    found
}

const RENDERING: &[&str] = &[
    "crate::render",
    "crate::write",
    "super::render",
    "tera::",
    "typst::",
    "typst_pdf",
    "typst_layout",
    "rust_xlsxwriter",
    "pulldown_cmark",
];

#[test]
fn load_compute_and_present_know_no_renderer_and_no_writer() {
    for dir in ["load", "compute", "present", "model", "config"] {
        let found = offences(dir, RENDERING);
        assert!(
            found.is_empty(),
            "src/{dir} reaches into rendering or writing:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn render_reads_views_not_loaded_tables() {
    let found = offences(
        "render",
        &[
            "crate::load",
            "crate::compute::sections::compute",
            "std::fs::read",
        ],
    );
    assert!(
        found.is_empty(),
        "src/render reads data:\n{}",
        found.join("\n")
    );
}

#[test]
fn compute_and_present_read_no_files() {
    for dir in ["compute", "present", "model"] {
        let found = offences(dir, &["std::fs::", "File::open", "read_to_string"]);
        assert!(
            found.is_empty(),
            "src/{dir} touches files:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn config_reads_no_data() {
    let found = offences("config", &["crate::load", "crate::compute"]);
    assert!(
        found.is_empty(),
        "src/config reaches into the data:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_rule_catches_an_offence() {
    // The checker itself must see a forbidden import, or the tests above prove nothing.
    let text = "use std::fmt;\nuse crate::render::html;\n// crate::write in a comment\n#[cfg(test)]\nuse crate::write;\n";
    let lines: Vec<(usize, &str)> = code_lines(text)
        .filter(|(_, l)| RENDERING.iter().any(|f| l.contains(f)))
        .collect();
    assert_eq!(lines, [(2, "use crate::render::html;")]);
}

#[test]
fn lib_is_wiring_only() {
    let text = std::fs::read_to_string(root().join("src/lib.rs")).unwrap();
    let lines = code_lines(&text).filter(|(_, l)| !l.is_empty()).count();
    assert!(
        lines < 260,
        "src/lib.rs has grown to {lines} lines of code: move the work into a stage"
    );
    for word in ["std::fs::", "Tera", "Typst", "polars::"] {
        assert!(!text.contains(word), "src/lib.rs uses {word}");
    }
}

//! The user guide (`docs/guide/`) is tested from its own code blocks, so that it cannot drift
//! from the tool: its chapters are followed in the order of `SUMMARY.md` in an empty folder, as
//! a new user would, and each fenced block does what its info string says (the convention is
//! documented for writers in `docs/guide/src/om-handboken.md`):
//!
//! - `uppfolj` (or `uppfolj,exit=N`): every line `uppfolj …` is run with the built binary and
//!   must end with exit code 0 (or N); `cd DIR` changes the folder; `#` lines are comments;
//! - `text,output`: every line must be in the output of the last command;
//! - `LANG file=PATH`: the block is written to PATH, relative to the current folder;
//! - `LANG,norun`: not run (system commands: `useradd`, `systemctl`, `cargo install`);
//! - any other block may not hold a line that starts with `uppfolj `, so every command in the
//!   guide is either run or marked not to run.
//!
//! The link check resolves every relative link and `#anchor` of the guide's pages, of `docs/`
//! and of `README.md`. The messages in the table of the error page must be messages that other
//! tests expect, and the settings page must name every key of the sample config, every
//! top-level key and every key of running on a schedule.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::root;

/// One fenced code block of a page.
struct Block {
    /// The info string after the opening fence.
    info: String,
    /// The lines between the fences.
    body: String,
    /// The line of the opening fence (1-based), for messages.
    line: usize,
}

/// A page's text with `{{#include FILE}}` lines replaced by the file (as mdBook does).
fn page_text(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|line| match line.trim().strip_prefix("{{#include ") {
            Some(rest) => {
                let file = rest.trim_end_matches("}}").trim();
                page_text(&path.parent().unwrap().join(file))
            }
            None => format!("{line}\n"),
        })
        .collect()
}

/// The fenced code blocks of a Markdown text.
fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        let fence = line.trim_start().strip_prefix("```");
        match (&mut open, fence) {
            (None, Some(info)) => {
                open = Some(Block {
                    info: info.trim().to_string(),
                    body: String::new(),
                    line: i + 1,
                });
            }
            (Some(_), Some(_)) => out.push(open.take().unwrap()),
            (Some(b), None) => {
                b.body.push_str(line);
                b.body.push('\n');
            }
            (None, None) => {}
        }
    }
    assert!(open.is_none(), "a code block is not closed");
    out
}

/// The pages of a book in the order of its `SUMMARY.md`.
fn chapters(src: &Path) -> Vec<PathBuf> {
    let summary = std::fs::read_to_string(src.join("SUMMARY.md")).unwrap();
    links(&summary)
        .into_iter()
        .map(|(target, _)| src.join(target))
        .collect()
}

/// A command line split into words; double quotes group words.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

/// A reader following the guide: the folder they stand in and what the last command printed.
struct Reader {
    cwd: PathBuf,
    output: String,
}

impl Reader {
    /// Does what one block of a page says.
    fn follow(&mut self, page: &str, block: &Block) {
        let at = format!("{page}:{}", block.line);
        let (lang, attrs) = block.info.split_once(' ').unwrap_or((&block.info, ""));
        let tags: Vec<&str> = lang.split(',').collect();
        if let Some(file) = attrs
            .split_whitespace()
            .find_map(|a| a.strip_prefix("file="))
        {
            let path = self.cwd.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &block.body).unwrap();
        } else if tags[0] == "uppfolj" {
            let exit = tags
                .iter()
                .find_map(|t| t.strip_prefix("exit="))
                .map_or(0, |n| n.parse().unwrap());
            for line in block.body.lines().map(str::trim) {
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                if let Some(dir) = line.strip_prefix("cd ") {
                    self.cwd = self.cwd.join(dir.trim());
                    assert!(self.cwd.is_dir(), "{at}: `{line}`: no such folder");
                    continue;
                }
                let args = words(line);
                assert_eq!(
                    args[0], "uppfolj",
                    "{at}: `{line}` is not an uppfolj command"
                );
                let o = Command::new(env!("CARGO_BIN_EXE_uppfolj"))
                    .args(&args[1..])
                    .current_dir(&self.cwd)
                    .env("SOURCE_DATE_EPOCH", "1700000000")
                    .output()
                    .unwrap();
                self.output = format!(
                    "{}{}",
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                );
                assert_eq!(
                    o.status.code(),
                    Some(exit),
                    "{at}: `{line}` ended with {:?}:\n{}",
                    o.status,
                    self.output
                );
            }
        } else if tags.contains(&"output") {
            for line in block.body.lines().filter(|l| !l.trim().is_empty()) {
                assert!(
                    self.output.contains(line),
                    "{at}: the guide shows\n{line}\nbut the command printed\n{}",
                    self.output
                );
            }
        } else if !tags.contains(&"norun") {
            for line in block.body.lines() {
                let line = line.trim_start().trim_start_matches("$ ");
                assert!(
                    !line.starts_with("uppfolj "),
                    "{at}: a command in a block that is neither run (```uppfolj) nor marked \
                     not to run (```sh,norun): {line}"
                );
            }
        }
    }
}

/// Follows every page of a book in an empty folder; `after` is called with the page's file
/// name and the folder the reader started in.
fn follow_book(src: &Path, after: impl Fn(&str, &Path)) {
    let start = tempfile::tempdir().unwrap();
    let mut reader = Reader {
        cwd: start.path().to_path_buf(),
        output: String::new(),
    };
    for page in chapters(src) {
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        for block in blocks(&page_text(&page)) {
            reader.follow(&name, &block);
        }
        after(&name, start.path());
    }
}

#[test]
fn the_swedish_guide_runs_as_written_and_its_first_region_ends_with_a_report() {
    let seen_first_region = std::cell::Cell::new(false);
    follow_book(&root().join("docs/guide/src"), |page, start| {
        if page == "forsta-regionen.md" {
            let index = start.join("min-region/out/2026-01/index.html");
            assert!(
                index.is_file(),
                "the first region's page ends without {index:?}"
            );
            let report = std::fs::read_to_string(start.join("min-region/out/2026-01/HSN.html"));
            assert!(report.unwrap().contains("Hälso- och sjukvårdsnämnden"));
            seen_first_region.set(true);
        }
    });
    assert!(
        seen_first_region.get(),
        "SUMMARY.md has no forsta-regionen.md"
    );
}

#[test]
fn the_english_guide_marks_every_command() {
    follow_book(&root().join("docs/guide/en/src"), |_, _| {});
}

#[test]
fn the_first_region_uses_the_rows_init_writes() {
    let page = std::fs::read_to_string(root().join("docs/guide/src/forsta-regionen.md")).unwrap();
    let written: Vec<Block> = blocks(&page)
        .into_iter()
        .filter(|b| b.info.contains("file="))
        .collect();
    for table in ["units", "accounts", "ledger"] {
        let example = root().join(format!("data/init/{table}.example.csv"));
        let example = std::fs::read_to_string(example).unwrap();
        let block = written
            .iter()
            .find(|b| b.info.ends_with(&format!("file=data/{table}.csv")))
            .unwrap_or_else(|| panic!("the first region writes no data/{table}.csv"));
        assert_eq!(
            block.body, example,
            "data/{table}.csv differs from init's example"
        );
    }
}

#[test]
fn the_settings_page_names_every_key_of_the_sample_config() {
    let page = std::fs::read_to_string(root().join("docs/guide/src/installningar.md")).unwrap();
    let config = std::fs::read_to_string(root().join("data/sample/uppfolj.yaml")).unwrap();
    let keys: BTreeSet<&str> = config
        .lines()
        .filter_map(|l| l.strip_prefix("# ").or(Some(l)))
        .filter_map(|l| l.split_once(':').map(|(k, _)| k))
        .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect();
    // And every key the config reads at its top level, and those of running on a schedule.
    let raw = std::fs::read_to_string(root().join("src/config/raw.rs")).unwrap();
    let schedule = std::fs::read_to_string(root().join("src/config/schedule.rs")).unwrap();
    let mut keys = keys;
    for (text, name) in [
        (&raw, "RawConfig"),
        (&schedule, "RawLatest"),
        (&schedule, "RawExport"),
    ] {
        keys.extend(struct_fields(text, name));
    }
    let missing: Vec<&&str> = keys
        .iter()
        .filter(|k| !page.contains(&format!("`{k}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "installningar.md does not name {missing:?}"
    );
}

/// The `pub` fields of the struct `name` in a Rust source: the keys of a config section.
fn struct_fields<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    let body = text
        .split(&format!("pub(crate) struct {name} {{"))
        .nth(1)
        .and_then(|t| t.split("\n}").next())
        .unwrap_or_else(|| panic!("no struct {name}"));
    body.lines()
        .filter_map(|l| l.trim().strip_prefix("pub "))
        .filter_map(|l| l.split_once(':').map(|(k, _)| k))
        .collect()
}

/// The links `[text](target)` of a Markdown text outside code, with their line.
fn links(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut in_code = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        // Inline code spans hold no links.
        let prose: String = line
            .split('`')
            .enumerate()
            .filter(|(n, _)| n % 2 == 0)
            .map(|(_, s)| s)
            .collect::<Vec<_>>()
            .join(" ");
        let mut rest = prose.as_str();
        while let Some(at) = rest.find("](") {
            let tail = &rest[at + 2..];
            let Some(end) = tail.find(')') else { break };
            let target = tail[..end].split_whitespace().next().unwrap_or("");
            out.push((target.to_string(), i + 1));
            rest = &tail[end..];
        }
    }
    out
}

/// The anchors of a Markdown text's headings, as mdBook and GitHub make them.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if in_code || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#').trim();
        let slug: String = title
            .chars()
            .filter_map(|c| {
                if c.is_alphanumeric() || c == '_' || c == '-' {
                    Some(c.to_lowercase().next().unwrap())
                } else if c.is_whitespace() {
                    Some('-')
                } else {
                    None
                }
            })
            .collect();
        let mut id = slug.clone();
        let mut n = 0;
        while out.contains(&id) {
            n += 1;
            id = format!("{slug}-{n}");
        }
        out.insert(id);
    }
    out
}

/// Every Markdown file under `dir`.
fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// Where a relative link of `page` leads, or why it leads nowhere. The Swedish book is built
/// with the English one in its `en/` folder, so its links into `en/` lead into that book; a
/// book's page may not link out of its book, which the built HTML would not hold.
fn resolve(page: &Path, target: &str) -> Result<PathBuf, String> {
    let sv = root().join("docs/guide/src");
    let en = root().join("docs/guide/en/src");
    let dir = page.parent().unwrap();
    let path = match target.strip_prefix("en/") {
        Some(rest) if dir == sv => en.join(rest),
        _ => dir.join(target),
    };
    let path = normalise(&path);
    let in_a_book = |p: &Path| p.starts_with(&sv) || p.starts_with(&en);
    if in_a_book(page) && !in_a_book(&path) {
        return Err("leads out of the book".into());
    }
    if path.exists() {
        Ok(path)
    } else {
        Err("no such file".into())
    }
}

/// A path with its `.` and `..` parts resolved, without touching the file system.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn every_relative_link_and_anchor_of_the_guide_docs_and_readme_leads_somewhere() {
    let mut pages = vec![root().join("README.md")];
    markdown_files(&root().join("docs"), &mut pages);
    let mut broken = Vec::new();
    for page in &pages {
        let text = page_text(page);
        let shown = page.strip_prefix(root()).unwrap().display().to_string();
        for (target, line) in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") || target.is_empty() {
                continue;
            }
            let (file, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let file_path = if file.is_empty() {
                Ok(page.clone())
            } else {
                resolve(page, file)
            };
            match file_path {
                Err(why) => broken.push(format!("{shown}:{line}: {target}: {why}")),
                Ok(path) if !anchor.is_empty() => {
                    if !anchors(&page_text(&path)).contains(anchor) {
                        broken.push(format!("{shown}:{line}: {target}: no such heading"));
                    }
                }
                Ok(_) => {}
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// Every file under `dir` whose name ends with one of `ends`.
fn files_ending(dir: &Path, ends: &[&str], out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            files_ending(&path, ends, out);
        } else if ends.iter().any(|e| name.ends_with(e)) {
            out.push(path);
        }
    }
}

#[test]
fn the_messages_of_the_error_page_are_the_ones_the_tests_expect() {
    let mut sources = Vec::new();
    files_ending(
        &root().join("tests/fixtures"),
        &["expected.txt"],
        &mut sources,
    );
    files_ending(&root().join("tests/it"), &[".rs"], &mut sources);
    let said: String = sources
        .iter()
        .filter(|p| !p.ends_with("guide.rs"))
        .map(|p| std::fs::read_to_string(p).unwrap().replace("\\\"", "\""))
        .collect();
    let page = std::fs::read_to_string(root().join("docs/guide/src/felmeddelanden.md")).unwrap();
    let mut rows = 0;
    for row in page.lines().filter(|l| l.starts_with("| `")) {
        let message = row[3..].split('`').next().unwrap();
        for piece in message.split('…').map(str::trim).filter(|p| !p.is_empty()) {
            assert!(
                said.contains(piece),
                "no test expects this message: {piece}"
            );
        }
        rows += 1;
    }
    assert!(rows >= 10, "the error page's table has {rows} messages");
}

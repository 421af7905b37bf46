//! `uppfolj man`: manual pages from the command line's own definition, so they cannot drift
//! from it: `uppfolj.1` and one `uppfolj-<command>.1` per command with all its options. A
//! command the guide describes (`docs/guide/en/src/commands/<command>.md`, included in the
//! guide's page on the command line) gets the guide's sections too: what it reads, what it
//! writes, its exit status and examples, from the same file.

use std::path::Path;

use clap::CommandFactory;

use crate::cli::Cli;
use crate::error::WriteError;

/// Every manual page: file name → roff text.
pub fn pages() -> Result<Vec<(String, Vec<u8>)>, std::io::Error> {
    let root = Cli::command();
    let mut pages = Vec::new();
    let mut main = Vec::new();
    clap_mangen::Man::new(root.clone()).render(&mut main)?;
    pages.push(("uppfolj.1".to_string(), main));
    for sub in root.get_subcommands() {
        let name = format!("uppfolj-{}", sub.get_name());
        let page = sub.clone().name(name.clone());
        let mut out = Vec::new();
        let man = clap_mangen::Man::new(page)
            .section("1")
            .source(format!("uppfolj {}", env!("CARGO_PKG_VERSION")));
        match guide_text(sub.get_name()) {
            // The guide's sections (what it reads and writes, exit status, examples) in place
            // of the short example `--help` ends with.
            Some(text) => {
                man.render_title(&mut out)?;
                man.render_name_section(&mut out)?;
                man.render_synopsis_section(&mut out)?;
                man.render_description_section(&mut out)?;
                man.render_options_section(&mut out)?;
                out.extend(sections(text).as_bytes());
            }
            None => man.render(&mut out)?,
        }
        pages.push((format!("{name}.1"), out));
    }
    Ok(pages)
}

/// The page of `command` (`generate`, …), or uppfolj's own page without one.
pub fn page(command: Option<&str>) -> Result<Vec<u8>, crate::Failure> {
    let name = command.map_or("uppfolj.1".to_string(), |c| format!("uppfolj-{c}.1"));
    let pages = pages().map_err(|e| crate::Failure::Write(crate::IoError::at_stdout(e).into()))?;
    let known: Vec<&str> = pages
        .iter()
        .filter_map(|(n, _)| n.strip_prefix("uppfolj-")?.strip_suffix(".1"))
        .collect();
    let wanted = pages.iter().find(|(n, _)| *n == name);
    match wanted {
        Some((_, page)) => Ok(page.clone()),
        None => Err(crate::Failure::Usage(format!(
            "\"{}\" is not a command (expected one of {})",
            command.unwrap_or_default(),
            known.join(", ")
        ))),
    }
}

/// Writes every page into `dir` (created if missing).
pub fn write(dir: &Path) -> Result<Vec<String>, WriteError> {
    let pages = pages().map_err(crate::IoError::at_stdout)?;
    crate::write::plain_files(dir, &pages)?;
    Ok(pages.into_iter().map(|(n, _)| n).collect())
}

/// The guide's description of a command, where it has one.
fn guide_text(command: &str) -> Option<&'static str> {
    Some(match command {
        "generate" => include_str!("../../docs/guide/en/src/commands/generate.md"),
        "check" => include_str!("../../docs/guide/en/src/commands/check.md"),
        "init" => include_str!("../../docs/guide/en/src/commands/init.md"),
        "diff" => include_str!("../../docs/guide/en/src/commands/diff.md"),
        _ => return None,
    })
}

/// The guide's Markdown as manual page sections: each `####` heading a section (its title in
/// capitals), paragraphs as text, list items as indented paragraphs, code blocks as they are;
/// the `###` title and inline-code backticks are left out.
fn sections(markdown: &str) -> String {
    use roff::{Roff, roman};
    let plain = |s: &str| s.replace('`', "").replace("**", "");
    let mut roff = Roff::new();
    let mut code = false;
    let mut para: Vec<String> = Vec::new();
    let flush = |roff: &mut Roff, para: &mut Vec<String>| {
        if !para.is_empty() {
            roff.text([roman(para.join(" "))]);
            para.clear();
        }
    };
    for line in markdown.lines() {
        if line.starts_with("```") {
            flush(&mut roff, &mut para);
            code = !code;
            roff.control(if code { "nf" } else { "fi" }, []);
            if code {
                roff.control("RS", ["4"]);
            } else {
                roff.control("RE", []);
            }
            continue;
        }
        if code {
            roff.text([roman(line)]);
            continue;
        }
        let text = line.trim();
        if text.starts_with("### ") {
            continue;
        }
        if let Some(title) = text.strip_prefix("#### ") {
            flush(&mut roff, &mut para);
            roff.control("SH", [title.to_uppercase().as_str()]);
        } else if text.is_empty() {
            flush(&mut roff, &mut para);
        } else if let Some(item) = text.strip_prefix("- ") {
            flush(&mut roff, &mut para);
            roff.control("IP", ["\\(bu", "2"]);
            para.push(plain(item));
        } else {
            if para.is_empty() && !line.starts_with(' ') {
                roff.control("PP", []);
            }
            para.push(plain(text));
        }
    }
    flush(&mut roff, &mut para);
    roff.to_roff()
}

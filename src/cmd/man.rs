//! `uppfolj man`: manual pages from the command line's own definition, so they cannot drift
//! from it: `uppfolj.1` and one `uppfolj-<command>.1` per command with all its options.

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
        clap_mangen::Man::new(page)
            .section("1")
            .source(format!("uppfolj {}", env!("CARGO_PKG_VERSION")))
            .render(&mut out)?;
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

//! What the load stage tells the writer about the run's inputs: each input as the manifest
//! lists it ([`Input`]), and the inputs as the run's fingerprint hashes them ([`Digests`]).
//! `load` fills them from its sources, `write` reads them: the writer never learns where an
//! input came from (a file of the data folder today, a database query later).

/// One input of a run as the manifest lists it: the table it gives, where it comes from, its
/// rows and its fingerprint. A file source gives `file`; a source that is not a file gives
/// what it ran instead (`query`), so that file entries stay as they always were.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Input {
    pub table: String,
    /// The file, as named in the data folder (or the config file's path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The query that gave the rows, for a database source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    pub rows: usize,
    /// The SHA-256 of the file's bytes, or of the rows as read for a source that is not a
    /// file.
    pub sha256: String,
}

impl Input {
    /// An input read from a file.
    pub(crate) fn file(table: &str, file: String, rows: usize, sha256: String) -> Input {
        Input {
            table: table.to_string(),
            file: Some(file),
            query: None,
            rows,
            sha256,
        }
    }
}

/// A unit's commentary as the manifest lists it: the file it came from (relative to the data
/// folder, or as configured when the commentary folder lies outside it), or the round's
/// store and the unit for commentary from the round, with the SHA-256 of what was read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Commentary {
    pub unit: String,
    /// `comments/2020-09/HSN.md`, or `round.sqlite: HSN` for the round's entries.
    pub file: String,
    /// The SHA-256 of the file's bytes, or of the round's sections for the unit.
    pub sha256: String,
}

/// One place the run depends on, as its fingerprint hashes it: the folder or kind it belongs
/// to (`data`, `templates`, `comments`), its name there, and its SHA-256 (or, for an entry the
/// loader would refuse, why).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Piece {
    pub label: &'static str,
    pub name: String,
    pub value: String,
}

/// What the run's output depends on besides the tool, its arguments and the config file, in
/// the order the fingerprint hashes it. `load` gathers it before the data are read, so that
/// `--if-changed` can skip a run without reading anything; a source that is not a file adds
/// its own piece (its rows' SHA-256) to `data`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Digests {
    /// The data: every file of the data folder the loader would read or refuse.
    pub data: Vec<Piece>,
    /// The templates folder's files, when one is configured.
    pub templates: Vec<Piece>,
    /// The commentary folder's files, when one is configured.
    pub comments: Vec<Piece>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_entry_is_listed_as_it_always_was_and_a_query_entry_names_its_query() {
        let file = Input::file("ledger", "ledger.csv".into(), 3, "ab".into());
        assert_eq!(
            serde_json::to_string(&file).unwrap(),
            r#"{"table":"ledger","file":"ledger.csv","rows":3,"sha256":"ab"}"#
        );
        let query = Input {
            file: None,
            query: Some("select 1".into()),
            ..Input::file("ledger", String::new(), 1, "cd".into())
        };
        assert_eq!(
            serde_json::to_string(&query).unwrap(),
            r#"{"table":"ledger","query":"select 1","rows":1,"sha256":"cd"}"#
        );
    }
}

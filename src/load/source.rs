//! The input-source seam: a table is read from a [`Source`], which gives its rows (into the
//! table builders every reader shares), its origin (what messages name) and its fingerprint
//! (the manifest's SHA-256 and `--if-changed`). The files of the data folder (CSV, Excel,
//! Parquet) are the sources today ([`File`]); a database query is one more kind, mapped to
//! its table by `sources:` like a file, and nothing after the load stage changes for it: the
//! writer sees only [`Input`] and [`Digests`].

use std::path::{Path, PathBuf};

use super::hash::file_sha256;
use super::spec::TableSpec;
use super::table::Table;
use super::{fast, files, guard, layout::Layout, parquet, text, xlsx};
use crate::config::Config;
use crate::diag::Findings;
use crate::model::hash::sha256_hex;
use crate::model::input::{Digests, Input, Piece};

/// Where the rows of a table come from.
pub(crate) trait Source: Sync {
    /// The source's name as the `sources:` mapping and the manifest know it: for a file, its
    /// name in the data folder.
    fn name(&self) -> &str;

    /// What messages name: the file as shown (its path).
    fn origin(&self) -> String;

    /// The rows read into a table of `spec` shaped by `shape`, with what was found; `None`
    /// when they cannot be used. The table's `sha256` is the source's fingerprint.
    fn read(&self, spec: TableSpec, shape: &Layout) -> (Option<Table>, Findings);

    /// The source's fingerprint without reading its rows into a table (a file's SHA-256, a
    /// query's over its rows); `None` when it cannot be read. For a source that is not a file,
    /// [`digests`] is where it joins the run's fingerprint, so that `--if-changed` sees its
    /// rows change (the files are covered there by the walk of their folder).
    fn fingerprint(&self) -> Option<String>;

    /// How the manifest lists the table read from it, with its rows and fingerprint.
    fn input(&self, table: &str, rows: usize, sha256: String) -> Input;

    /// The file and its lowercase extension, for what applies to files only (the streaming
    /// sum of a clean `transactions.csv`, a file named again by `sources:`); `None` for a
    /// source that is not a file.
    fn file(&self) -> Option<(&Path, &str)> {
        None
    }
}

/// A table's file in the data folder.
pub(crate) struct File {
    /// The name in the data folder (relative to it, `/` between folders).
    pub name: String,
    pub path: PathBuf,
    /// The lowercase extension: `csv`, `xlsx` or `parquet`.
    pub ext: String,
}

impl Source for File {
    fn name(&self) -> &str {
        &self.name
    }

    fn origin(&self) -> String {
        self.path.display().to_string()
    }

    /// Reads the file (see [`read_file`]); a reader that panics on a damaged file gives that
    /// file's error.
    fn read(&self, spec: TableSpec, shape: &Layout) -> (Option<Table>, Findings) {
        let (path, ext) = (&self.path, self.ext.as_str());
        guard::catch_panic(|| read_file(spec, path, ext, shape)).unwrap_or_else(|panic| {
            let what = match ext {
                "csv" => "CSV",
                "xlsx" => "an Excel workbook",
                _ => "Parquet",
            };
            let mut findings = Findings::default();
            findings.error(&self.origin(), None, None, guard::message(what, &panic));
            (None, findings)
        })
    }

    fn fingerprint(&self) -> Option<String> {
        file_sha256(&self.path)
    }

    fn input(&self, table: &str, rows: usize, sha256: String) -> Input {
        Input::file(table, self.name.clone(), rows, sha256)
    }

    fn file(&self) -> Option<(&Path, &str)> {
        Some((&self.path, &self.ext))
    }
}

/// Reads one table file: a clean `ledger.csv` or `budget.csv` through Polars, anything else
/// (or a file the fast path does not take) through the checked readers. The table (`None`
/// when it cannot be used) and what was found.
fn read_file(spec: TableSpec, path: &Path, ext: &str, shape: &Layout) -> (Option<Table>, Findings) {
    let shown = path.display().to_string();
    let mut findings = Findings::default();
    if ext == "csv" && ["ledger", "budget"].contains(&spec.name) && shape.key.is_empty() {
        let mut notes = Findings::default();
        // A reader panic in the fast path only means the file goes through the checked reader.
        // The file is hashed on another core meanwhile.
        let (fast, sha) = std::thread::scope(|s| {
            let sha = s.spawn(|| file_sha256(path));
            let fast = guard::catch_panic(|| fast::table(spec, path, &shown, &mut notes));
            (fast, sha.join().ok().flatten())
        });
        if let Ok(Some(mut table)) = fast
            && let Some(sha) = sha
        {
            table.sha256 = sha;
            return (Some(table), notes);
        }
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            findings.error(&shown, None, None, format!("the file cannot be read: {e}"));
            return (None, findings);
        }
    };
    let sha = sha256_hex(&bytes);
    let table = match ext {
        "csv" => text::read(spec, &shown, &bytes, sha, shape, &mut findings),
        "xlsx" => xlsx::read(spec, &shown, path, &bytes, sha, shape, &mut findings),
        _ => parquet::read(spec, &shown, path, sha, shape, &mut findings),
    };
    (table, findings)
}

/// What a run depends on in the data, templates and commentary folders, as its fingerprint
/// hashes it (the output folder `out` left out, even inside one of them): every file the
/// loader would read, and what it would refuse and why.
pub(crate) fn digests(data: &Path, out: &Path, config: &Config) -> Digests {
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let out = canon(out);
    let folder = |dir: Option<&Path>, label, max| {
        dir.map(|d| pieces(&canon(d), label, &out, max))
            .unwrap_or_default()
    };
    let (templates, comments) = (config.templates.as_deref(), config.comments.as_deref());
    Digests {
        data: folder(Some(data), "data", files::MAX_DATA_FILE),
        templates: folder(templates, "templates", files::MAX_TEXT_FILE),
        comments: folder(comments, "comments", files::MAX_TEXT_FILE),
    }
}

/// Every file below `dir` (sorted, hidden files and `skip` left out) with its SHA-256: the
/// files the loader would read (links followed only within the folder, regular files only,
/// bounded in number), then what it would refuse, by path and reason.
fn pieces(dir: &Path, label: &'static str, skip: &Path, max: u64) -> Vec<Piece> {
    let Ok(walk) = files::walk(dir, label, Some(skip), 100_000, max) else {
        return Vec::new();
    };
    let read = walk.files.into_iter().map(|(name, f)| Piece {
        label,
        name,
        // A file that cannot be read counts as empty.
        value: file_sha256(&f).unwrap_or_else(|| sha256_hex(b"")),
    });
    let refused = walk.refused.into_iter().map(|(path, why)| Piece {
        label,
        name: path.to_string_lossy().to_string(),
        value: why,
    });
    read.chain(refused).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::load::table::{Cell, TableBuilder};
    use crate::load::{Dataset, TableSources, read_tables};
    use crate::model::money::DecimalMark;

    /// A source that is not a file: rows held in memory, as a database query gives them.
    struct Query {
        query: &'static str,
        header: Vec<String>,
        rows: Vec<Vec<&'static str>>,
    }

    impl Query {
        fn ledger(rows: Vec<Vec<&'static str>>) -> Query {
            Query {
                query: "select period, unit, account, actual, budget from rpt.ledger",
                header: ["period", "unit", "account", "actual", "budget"]
                    .map(String::from)
                    .to_vec(),
                rows,
            }
        }
    }

    impl Source for Query {
        fn name(&self) -> &str {
            self.query
        }

        fn origin(&self) -> String {
            format!("query \"{}\"", self.query)
        }

        fn read(&self, spec: TableSpec, shape: &Layout) -> (Option<Table>, Findings) {
            let mut findings = Findings::default();
            let origin = self.origin();
            let (header, mark) = (&self.header, DecimalMark::Point);
            let Some(mut builder) =
                TableBuilder::new(spec, &origin, header, mark, 0, shape, &mut findings)
            else {
                return (None, findings);
            };
            for (i, row) in self.rows.iter().enumerate() {
                let cells: Vec<Cell<'_>> = row.iter().map(|c| Cell::Text(c)).collect();
                builder.push(i as u64 + 1, &cells);
            }
            let sha = self.fingerprint().unwrap_or_default();
            (Some(builder.finish(sha, &mut findings)), findings)
        }

        fn fingerprint(&self) -> Option<String> {
            Some(sha256_hex(format!("{:?}", self.rows).as_bytes()))
        }

        fn input(&self, table: &str, rows: usize, sha256: String) -> Input {
            Input {
                file: None,
                query: Some(self.query.to_string()),
                ..Input::file(table, String::new(), rows, sha256)
            }
        }
    }

    fn load(source: Query) -> (Dataset, Findings) {
        let mut by_table: HashMap<&'static str, TableSources> = HashMap::new();
        by_table.insert("ledger", vec![Box::new(source)]);
        let mut dataset = Dataset::new(Path::new("data"));
        let mut findings = Findings::default();
        let fast = read_tables(
            &by_table,
            &Config::default(),
            None,
            &mut dataset,
            &mut findings,
        );
        assert!(fast.is_none());
        (dataset, findings)
    }

    #[test]
    fn a_source_that_is_not_a_file_feeds_a_table_and_the_manifest() {
        let source = Query::ledger(vec![
            vec!["2020-01", "10", "4010", "100.50", "90"],
            vec!["2020-02", "10", "4010", "-20", "0"],
        ]);
        let print = source.fingerprint().unwrap();
        let (dataset, findings) = load(source);
        assert!(!findings.has_errors(), "{findings:?}");
        let ledger = dataset.ledger().unwrap();
        assert_eq!(ledger.money("actual"), [10050, -2000]);
        assert_eq!(ledger.text("unit"), ["10", "10"]);
        assert_eq!(ledger.sha256, print);
        let listed = serde_json::to_string(&dataset.inputs).unwrap();
        assert_eq!(
            listed,
            format!(
                r#"[{{"table":"ledger","query":"select period, unit, account, actual, budget from rpt.ledger","rows":2,"sha256":"{print}"}}]"#
            )
        );
    }

    #[test]
    fn a_message_about_a_row_names_the_source_as_it_shows_itself() {
        let (dataset, findings) = load(Query::ledger(vec![vec![
            "2020-01", "10", "4010", "many", "0",
        ]]));
        let error = findings.errors().next().unwrap();
        assert_eq!(
            error.file.as_deref(),
            Some("query \"select period, unit, account, actual, budget from rpt.ledger\"")
        );
        assert_eq!(
            (error.row, error.column.as_deref()),
            (Some(1), Some("actual"))
        );
        assert!(dataset.inputs.iter().all(|i| i.file.is_none()));
    }

    #[test]
    #[allow(clippy::disallowed_methods)] // the test writes its data folder
    fn the_data_folder_digest_lists_each_file_with_its_hash() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ledger.csv"), "x").unwrap();
        let digests = digests(dir.path(), &dir.path().join("out"), &Config::default());
        assert_eq!(
            digests.data,
            [Piece {
                label: "data",
                name: "ledger.csv".into(),
                value: sha256_hex(b"x"),
            }]
        );
        assert!(digests.templates.is_empty() && digests.comments.is_empty());
    }
}

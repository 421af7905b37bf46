//! Why a run stopped: one typed error per stage, each keeping its cause, and the exit code
//! each kind gives. Data problems are not errors here but [`crate::diag::Findings`]: a run
//! collects all of them and stops with [`Failure::Data`].

use std::path::PathBuf;

/// Why a run did not produce output.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The data has errors; they are in the findings.
    #[error("the data has errors")]
    Data,
    /// The config file is missing or wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Wrong usage that the argument parser could not catch (e.g. a malformed `--period`).
    #[error("{0}")]
    Usage(String),
    /// The figures could not be computed (a Polars query failed).
    #[error("computing the figures failed")]
    Compute(#[source] polars::error::PolarsError),
    /// A template, a document or a workbook could not be made.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The preview server could not start.
    #[error(transparent)]
    Preview(#[from] PreviewError),
    /// The output folder could not be written, or another run holds it.
    #[error(transparent)]
    Write(#[from] WriteError),
}

impl Failure {
    /// The process exit code: 1 data or config, 2 usage, 3 output.
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Data | Failure::Config(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Compute(_) | Failure::Render(_) | Failure::Preview(_) | Failure::Write(_) => 3,
        }
    }

    /// What to print: one entry per problem, its message and the lines that show where (a
    /// YAML or Typst source snippet), which are printed as they are. Empty for
    /// [`Failure::Data`], whose findings say it all.
    pub fn messages(&self) -> Vec<(String, Vec<String>)> {
        let split = |text: &str| {
            let mut lines = text.lines().map(str::to_string);
            let head = lines.next().unwrap_or_default();
            (head, lines.collect())
        };
        match self {
            Failure::Data => Vec::new(),
            Failure::Config(e) => e.problems.iter().map(|p| split(p)).collect(),
            other => vec![split(&other.chain())],
        }
    }

    /// A problem with input that a config key names (the templates folder, a template): a
    /// config error, `file: key: message: cause`.
    pub(crate) fn config_key(
        config: Option<&std::path::Path>,
        key: &str,
        e: &dyn std::error::Error,
    ) -> Failure {
        let at = config
            .map(|p| format!("{}: ", p.display()))
            .unwrap_or_default();
        Failure::Config(ConfigError::one(format!("{at}{key}: {}", chain(e))))
    }

    /// The message with every cause, one `: ` apart (empty for [`Failure::Data`], whose
    /// findings say it all).
    pub fn chain(&self) -> String {
        if matches!(self, Failure::Data) {
            return String::new();
        }
        chain(self)
    }
}

/// An error and its causes, `error: cause: cause`.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// The config cannot be read or is wrong: every problem, each with its place in the file.
#[derive(Debug, thiserror::Error)]
#[error("{}", .problems.join("\n"))]
pub struct ConfigError {
    /// One message per problem (`file:line:column: …`, with the YAML lines where known).
    pub problems: Vec<String>,
}

impl ConfigError {
    /// One problem.
    pub(crate) fn one(message: impl Into<String>) -> ConfigError {
        ConfigError {
            problems: vec![message.into()],
        }
    }
}

/// A file or folder step that failed: the path, what was being done, and the system's reason.
#[derive(Debug, thiserror::Error)]
#[error("{}: {what}", path.display())]
pub struct IoError {
    /// The file or folder.
    pub path: PathBuf,
    /// What could not be done, e.g. "cannot write".
    pub what: &'static str,
    /// The system's reason.
    #[source]
    pub source: std::io::Error,
}

impl IoError {
    /// A closure for `map_err` that names the path and the step.
    pub(crate) fn at(
        path: impl Into<PathBuf>,
        what: &'static str,
    ) -> impl FnOnce(std::io::Error) -> IoError {
        let path = path.into();
        move |source| IoError { path, what, source }
    }

    /// Writing to standard output failed.
    pub fn at_stdout(source: std::io::Error) -> IoError {
        IoError {
            path: PathBuf::from("<stdout>"),
            what: "cannot write",
            source,
        }
    }
}

/// The render stage failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template or language file could not be read.
    #[error(transparent)]
    Io(#[from] IoError),
    /// A language file is missing or malformed.
    #[error(transparent)]
    Language(#[from] LangError),
    /// The templates do not parse.
    #[error("the {kind} cannot be parsed")]
    Parse {
        /// "templates" or "PDF templates".
        kind: &'static str,
        /// Tera's reason.
        #[source]
        source: tera::Error,
    },
    /// A view could not be handed to a template.
    #[error("template data for {name}")]
    Data {
        /// The template.
        name: String,
        /// The reason.
        #[source]
        source: tera::Error,
    },
    /// A template failed while rendering.
    #[error("template {name}")]
    Template {
        /// The template.
        name: String,
        /// Tera's reason, with its own causes.
        #[source]
        source: tera::Error,
    },
    /// Typst could not typeset a document.
    #[error("{what} cannot be typeset: {source}")]
    Typeset {
        /// "the PDF of 1100", "the pack namnd".
        what: String,
        /// Why: Typst's diagnostics as text with source lines, or what it refused to set up.
        source: TypstError,
    },
    /// The Excel writer refused a workbook.
    #[error("the Excel workbook cannot be written: {0}")]
    Workbook(String),
    /// A pack has no units.
    #[error("pack {0} has no units")]
    EmptyPack(String),
}

/// Why a document could not be typeset; its text is what the user sees.
#[derive(Debug, thiserror::Error)]
pub enum TypstError {
    /// The PDF's language is not a language code.
    #[error("invalid document language {language:?}: {reason}")]
    Language {
        /// The language given.
        language: String,
        /// Why Typst rejects it.
        reason: &'static str,
    },
    /// A virtual file's name is not a valid path.
    #[error("invalid virtual file path {path:?}: {reason}")]
    Path {
        /// The name given.
        path: String,
        /// Why Typst rejects it.
        reason: typst::syntax::PathError,
    },
    /// A virtual file has the main source's name.
    #[error("virtual file {0:?} clashes with the main source")]
    ClashesWithMain(String),
    /// Two virtual files have the same name.
    #[error("virtual file {0:?} given twice")]
    GivenTwice(String),
    /// Typst cannot declare the standards of the conformance asked for.
    #[error("{0}")]
    Standards(String),
    /// The document has errors: Typst's diagnostics as text (message, `file:line:col`, the
    /// source line, hints), followed by any warnings.
    #[error("{0}")]
    Diagnostics(String),
}

/// Why a language file (`lang/<code>.yaml` among the templates) cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LangError {
    /// The templates have no file for the report's language.
    #[error("no language file {0} among the templates")]
    Missing(String),
    /// The file is not the YAML of a language file.
    #[error("{file}: {reason}")]
    Yaml {
        /// The file, as `lang/sv.yaml`.
        file: String,
        /// The YAML parser's reason.
        reason: String,
    },
    /// The months are not twelve.
    #[error("{0}: months and months_short need 12 names each")]
    Months(String),
    /// A number mark is not one character.
    #[error("{0}: decimal_mark, group and minus must be one character each")]
    Marks(String),
}

/// Why the preview server of `watch` could not start.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    /// The address is taken or not ours.
    #[error("cannot listen on {addr}: {reason}")]
    Listen {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The system's reason.
        reason: std::io::Error,
    },
    /// The bound address could not be read back.
    #[error("cannot read the bound address: {0}")]
    Address(std::io::Error),
    /// A thread could not be started.
    #[error("cannot start the {what} thread: {reason}")]
    Thread {
        /// "build", "watch", "signal".
        what: &'static str,
        /// The system's reason.
        reason: std::io::Error,
    },
    /// The file watcher could not be created.
    #[error("cannot start file watcher: {0}")]
    Watcher(notify::Error),
    /// A file or folder could not be watched.
    #[error("cannot watch {path}: {reason}")]
    Watch {
        /// The path as given.
        path: String,
        /// The watcher's reason.
        reason: notify::Error,
    },
    /// The signal handler for Ctrl-C and SIGTERM could not be installed.
    #[error("cannot handle Ctrl-C and SIGTERM: {0}")]
    Signals(std::io::Error),
}

/// The write stage failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// A file or folder could not be written.
    #[error(transparent)]
    Io(#[from] IoError),
    /// Another run holds the output folder.
    #[error(
        "{}: another uppfolj run{} is writing to this folder; try again when it has finished, or pass --wait SECONDS",
        out.display(),
        pid.map(|p| format!(" (process {p})")).unwrap_or_default()
    )]
    Locked {
        /// The output folder.
        out: PathBuf,
        /// The process that holds it, when known.
        pid: Option<u32>,
    },
}

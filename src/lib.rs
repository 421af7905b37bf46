//! uppfolj: a month's finance and HR exports in, finished monthly follow-up reports out.
//!
//! The stages run one way, each in its own folder and each taking the previous stage's
//! output: config → load → compute → present → render → write. This file only wires them.

#![warn(missing_docs, unreachable_pub)]

pub mod cli;
mod clock;
pub mod cmd;
mod compute;
mod config;
pub mod diag;
mod error;
mod load;
mod model;
mod par;
mod present;
mod render;
mod write;

use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use cmd::check::check;
pub use cmd::watch::watch_command;
pub use cmd::{init, synth};
use diag::Findings;
pub use error::{ConfigError, Failure, IoError, RenderError, WriteError};
use model::period::Month;
pub use render::Formats;

/// What a finished run wrote.
#[derive(Debug)]
pub struct Done {
    /// The published output folder (or, when nothing changed, the earlier one).
    pub out_dir: PathBuf,
    /// `None` when `--if-changed` found nothing new.
    pub period: Option<String>,
    /// HTML reports written.
    pub reports: usize,
    /// Excel workbooks written (units and packs).
    pub workbooks: usize,
    /// PDF files written (units and packs).
    pub pdfs: usize,
    /// Board packs configured.
    pub packs: usize,
    /// Seconds per stage: load, compute, present, render, write.
    pub timings: Vec<(&'static str, f64)>,
}

/// What `uppfolj generate` was asked to do.
pub struct GenerateOptions {
    /// The data folder.
    pub data: PathBuf,
    /// `YYYY-MM`, `YYYYMM` or `latest`.
    pub period: String,
    /// The output folder; each period is written to `OUT/<period>/`.
    pub out: PathBuf,
    /// The config file, if any.
    pub config: Option<PathBuf>,
    /// Which outputs to write.
    pub formats: Formats,
    /// Do nothing when inputs, config, templates and commentary are those of the last good run.
    pub if_changed: bool,
    /// How long to wait for another run that holds the output folder.
    pub wait: Duration,
    /// A progress bar to advance per report (shown by the caller on a terminal only).
    pub progress: Option<indicatif::ProgressBar>,
}

/// Seconds spent per stage.
struct Laps {
    last: Instant,
    timings: Vec<(&'static str, f64)>,
}

impl Laps {
    fn start() -> Laps {
        Laps {
            last: Instant::now(),
            timings: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.timings.push((stage, (now - self.last).as_secs_f64()));
        self.last = now;
    }
}

/// `uppfolj generate`: the whole pipeline, written atomically.
pub fn generate(opts: &GenerateOptions, findings: &mut Findings) -> Result<Done, Failure> {
    let mut laps = Laps::start();
    let config = config::Config::read(opts.config.as_deref())?;
    let _lock = write::Lock::acquire(&opts.out, opts.wait)?;
    // Files are hashed once per run: before loading when the run may be skipped, else after
    // (the loader hashes the large files while Polars reads them).
    let early = opts.if_changed.then(|| fingerprint(opts, &config));
    if let Some(print) = &early
        && let Some(out_dir) = write::fingerprint::unchanged_since(&opts.out, print)
    {
        return Ok(Done::unchanged(out_dir, laps.timings));
    }

    let loaded = load::run(&opts.data, config, findings)?;
    let print = early.unwrap_or_else(|| fingerprint(opts, &loaded.config));
    let ledger = loaded.data.ledger().ok_or(Failure::Data)?;
    let period = compute::periods::resolve(requested_period(&opts.period)?, ledger, findings)
        .ok_or(Failure::Data)?;
    let files = present::names::stems(loaded.tree.nodes.iter().map(|n| n.code.as_str()));
    let packs = compute::packs::resolve(&loaded.config, &loaded.tree, &files)?;
    let commentary = load::comments::read_all(&opts.data, &loaded.config, period, &files, findings);
    if findings.has_errors() {
        return Err(Failure::Data);
    }
    laps.lap("load");

    let computed = compute::run(&loaded, period, findings)?;
    let keys = commentary_keys(&opts.data, &loaded.config, period, &files, &commentary);
    compute::commentary::check_dropped(&loaded.tree, &computed.sections, &keys, findings);
    laps.lap("compute");

    let progress = || {
        if let Some(pb) = &opts.progress {
            pb.inc(1);
        }
    };
    let epoch = clock::generated_epoch();
    let overrides = load::templates::read(loaded.config.templates.as_deref())
        .map_err(|e| Failure::Render(e.into()))?;
    let templates = render::templates::load(overrides, &loaded.config.language)?;
    let lang = templates.lang.clone();
    let presented = present::run(
        &loaded,
        &computed,
        &files,
        &commentary,
        lang,
        epoch,
        &progress,
    );
    laps.lap("present");

    let config = &loaded.config;
    let job = render::Job {
        formats: opts.formats,
        packs: config
            .packs
            .iter()
            .zip(packs.iter().map(Vec::as_slice))
            .collect(),
        order: &loaded.tree.order,
        author: config
            .author
            .clone()
            .unwrap_or_else(|| loaded.tree.nodes[loaded.tree.root].name.clone()),
        language: config.language.clone(),
        epoch,
        money_unit: config.money_unit,
        decimals: config.decimals,
    };
    let rendered = render::run(&job, &presented, &templates)?;
    laps.lap("render");

    let manifest = write::manifest::build(
        &loaded,
        &files,
        &packs,
        opts.formats,
        period.to_string(),
        clock::format_epoch(epoch),
        print,
    );
    let out_dir = write::publish(&opts.out, &period.to_string(), &rendered, &manifest)?;
    laps.lap("write");
    Ok(Done {
        out_dir,
        period: Some(period.to_string()),
        reports: if opts.formats.html { files.len() } else { 0 },
        workbooks: rendered.count(".xlsx"),
        pdfs: rendered.count(".pdf"),
        packs: packs.len(),
        timings: laps.timings,
    })
}

impl Done {
    fn unchanged(out_dir: PathBuf, timings: Vec<(&'static str, f64)>) -> Done {
        Done {
            out_dir,
            period: None,
            reports: 0,
            workbooks: 0,
            pdfs: 0,
            packs: 0,
            timings,
        }
    }
}

/// One hash of everything this run depends on (see [`write::fingerprint`]).
fn fingerprint(opts: &GenerateOptions, config: &config::Config) -> String {
    write::fingerprint::fingerprint(&write::fingerprint::Inputs {
        data: &opts.data,
        out: &opts.out,
        arguments: format!("{}|{:?}", opts.period, opts.formats),
        config: config.source.as_deref(),
        templates: config.templates.as_deref(),
        comments: config.comments.as_deref(),
    })
}

/// Each unit's commentary file (as shown in messages) and the sections it has text for.
pub(crate) fn commentary_keys(
    data: &std::path::Path,
    config: &config::Config,
    period: Month,
    files: &[String],
    commentary: &[Option<String>],
) -> Vec<Option<(String, Vec<String>)>> {
    let dir = load::comments::folder(data, config).join(period.to_string());
    files
        .iter()
        .zip(commentary)
        .map(|(f, c)| {
            c.as_deref().map(|md| {
                let file = dir.join(format!("{f}.md")).display().to_string();
                (file, present::comments::sections_of(md))
            })
        })
        .collect()
}

/// The month `--period` names, or `None` for `latest`.
fn requested_period(text: &str) -> Result<Option<Month>, Failure> {
    if text.eq_ignore_ascii_case("latest") {
        return Ok(None);
    }
    Month::parse(text).map(Some).ok_or_else(|| {
        Failure::Usage(format!(
            "--period \"{text}\" is not a month (expected YYYY-MM, YYYYMM or latest)"
        ))
    })
}

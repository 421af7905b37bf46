//! uppfolj: a month's finance and HR exports in, finished monthly follow-up reports out.
//!
//! The stages run one way: config → load → compute → present → render → write.
//! This file only wires them together; each stage lives in its own module.

pub mod cli;
pub mod compute;
pub mod config;
pub mod diag;
pub mod load;
pub mod money;
pub mod output;
pub mod period;
pub mod present;
pub mod render;
pub mod sections;
pub mod tree;
pub mod write;

use std::path::{Path, PathBuf};

use config::Config;
use diag::Findings;
use period::Month;

/// Why a run did not produce output.
#[derive(Debug)]
pub enum Failure {
    /// The data has errors; they are in the findings.
    Data,
    /// The config file is missing or wrong.
    Config(String),
    /// Wrong usage that the argument parser could not catch (e.g. a malformed `--period`).
    Usage(String),
    /// Templates or the output folder failed.
    Output(String),
}

impl Failure {
    /// The process exit code: 1 data or config, 2 usage, 3 output.
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Data | Failure::Config(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Output(_) => 3,
        }
    }
}

/// What a finished run wrote.
#[derive(Debug)]
pub struct Done {
    pub out_dir: PathBuf,
    pub period: Month,
    pub reports: usize,
}

pub struct GenerateOptions {
    pub data: PathBuf,
    /// `YYYY-MM`, `YYYYMM` or `latest`.
    pub period: String,
    pub out: PathBuf,
    pub config: Option<PathBuf>,
}

/// The moment the output says it was made: `SOURCE_DATE_EPOCH` when set, else now.
/// The only place that reads the clock.
pub fn generated_at() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    let (y, m, d) = load::table::civil_from_days(secs.div_euclid(86_400) as i32);
    let s = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

pub fn read_config(path: Option<&Path>) -> Result<Config, Failure> {
    match path {
        Some(p) => Config::from_file(p).map_err(Failure::Config),
        None => Ok(Config::default()),
    }
}

/// Everything loaded and checked, ready to compute.
pub struct Loaded {
    pub config: Config,
    pub data: load::Dataset,
    pub tree: tree::Tree,
}

/// Loads the config, the data and the tree; every finding is collected.
pub fn load_all(
    data_dir: &Path,
    config: Config,
    findings: &mut Findings,
) -> Result<Loaded, Failure> {
    let data = load::load(data_dir, &config, findings).ok_or(Failure::Data)?;
    let tree = tree::build(&data, &config, findings);
    if findings.has_errors() {
        return Err(Failure::Data);
    }
    let tree = tree.ok_or(Failure::Data)?;
    Ok(Loaded { config, data, tree })
}

/// `uppfolj check`: loads and validates everything, writes nothing.
pub fn check(
    data_dir: &Path,
    config: Option<&Path>,
    findings: &mut Findings,
) -> Result<Loaded, Failure> {
    let config = read_config(config)?;
    let loaded = load_all(data_dir, config, findings)?;
    if let Some(ledger) = loaded.data.ledger()
        && let Some(latest) = compute::latest_period(ledger)
    {
        let _ = compute::categorize(
            ledger,
            loaded.data.get("accounts"),
            &loaded.config,
            findings,
        );
        let _ = latest;
    }
    Ok(loaded)
}

fn resolve_period(
    text: &str,
    ledger: &load::Table,
    findings: &mut Findings,
) -> Result<Month, Failure> {
    let period = if text.eq_ignore_ascii_case("latest") {
        match compute::latest_period(ledger) {
            Some(p) => p,
            None => {
                findings.error(
                    &ledger.file,
                    None,
                    Some("actual"),
                    "--period latest: the ledger has no month with an outcome (every actual is zero)",
                );
                return Err(Failure::Data);
            }
        }
    } else {
        Month::parse(text).ok_or_else(|| {
            Failure::Usage(format!(
                "--period \"{text}\" is not a month (expected YYYY-MM, YYYYMM or latest)"
            ))
        })?
    };
    let months = ledger.months("period");
    let jan = period.january().index();
    if !months.iter().any(|&p| p >= jan && p <= period.index()) {
        findings.error(
            &ledger.file,
            None,
            Some("period"),
            format!(
                "the ledger has no rows for {} to {period} (the report period)",
                period.january()
            ),
        );
        return Err(Failure::Data);
    }
    if !months
        .iter()
        .zip(ledger.money("actual"))
        .any(|(&p, &a)| p == period.index() && a != 0)
    {
        findings.warning(
            &ledger.file,
            None,
            Some("actual"),
            format!("the ledger has no outcome for {period}; the month counts as zero"),
        );
    }
    Ok(period)
}

/// `uppfolj generate`: the whole pipeline, written atomically.
pub fn generate(opts: &GenerateOptions, findings: &mut Findings) -> Result<Done, Failure> {
    let config = read_config(opts.config.as_deref())?;
    let loaded = load_all(&opts.data, config, findings)?;
    let ledger = loaded.data.ledger().ok_or(Failure::Data)?;
    let period = resolve_period(&opts.period, ledger, findings)?;
    let cats = compute::categorize(
        ledger,
        loaded.data.get("accounts"),
        &loaded.config,
        findings,
    );
    let figures = compute::compute(&loaded.data, &loaded.tree, &cats, period)
        .map_err(|e| Failure::Output(format!("computing the figures failed: {e}")))?;
    let sections = sections::compute(&loaded.data, &loaded.tree, &loaded.config, period, findings);
    let templates = render::load(loaded.config.templates.as_deref(), &loaded.config.language)
        .map_err(Failure::Output)?;
    let tree = &loaded.tree;
    let files = present::names::stems(tree.nodes.iter().map(|n| n.code.as_str()));
    let comments_dir = loaded
        .config
        .comments
        .clone()
        .unwrap_or_else(|| opts.data.join("comments"));
    let generated = generated_at();
    let presenter = present::Presenter {
        config: &loaded.config,
        tree,
        figures: &figures,
        sections: &sections,
        files: &files,
        generated: generated.clone(),
        fmt: present::Format::new(&loaded.config, templates.lang.clone()),
    };
    let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut reports = Vec::new();
    let period_text = period.to_string();
    for &node in &tree.order {
        let mut view = presenter.report(node);
        if let Some(md) = present::comments::read(&comments_dir, &period_text, &files[node])
            .map_err(Failure::Output)?
        {
            view.comments = present::comments::split(&md);
        }
        let mut texts = std::collections::BTreeMap::new();
        let s = &view.sections;
        for (key, present) in [
            ("summary", true),
            ("forecast", true),
            ("personnel", s.personnel.is_some()),
            ("agency", s.agency.is_some()),
            ("measures", s.measures.is_some()),
            ("adjustments", s.adjustments.is_some()),
            ("activity", s.activity.is_some()),
            ("frames", s.frame.is_some()),
        ] {
            if present {
                texts.insert(
                    key.to_string(),
                    templates.text(key, &view).map_err(Failure::Output)?,
                );
            }
        }
        view.texts = texts;
        let html = templates
            .render("report.html", &view)
            .map_err(Failure::Output)?;
        let name = format!("{}.html", files[node]);
        reports.push(output::ManifestReport {
            unit: tree.nodes[node].code.clone(),
            name: tree.nodes[node].name.clone(),
            html: name.clone(),
        });
        outputs.push((name, html.into_bytes()));
    }
    let index = templates
        .render("index.html", &presenter.index())
        .map_err(Failure::Output)?;
    outputs.push(("index.html".into(), index.into_bytes()));
    let figures_json = output::figures_json(&figures, &sections, tree);
    outputs.push(("figures.json".into(), output::to_json(&figures_json)));
    let config_input = match &loaded.config.source {
        Some(p) => {
            let bytes = std::fs::read(p).unwrap_or_default();
            Some(load::InputFile {
                table: "config".into(),
                file: p.display().to_string(),
                rows: 0,
                sha256: load::sha256_hex(&bytes),
            })
        }
        None => None,
    };
    let manifest = output::Manifest {
        period: period.to_string(),
        generated,
        generator: format!("uppfolj {}", env!("CARGO_PKG_VERSION")),
        config: config_input,
        reports,
        inputs: loaded.data.inputs.clone(),
    };
    outputs.push(("manifest.json".into(), output::to_json(&manifest)));
    let staging = write::Staging::new(&opts.out, &period.to_string()).map_err(Failure::Output)?;
    for (name, bytes) in &outputs {
        staging.write(name, bytes).map_err(Failure::Output)?;
    }
    let out_dir = staging.publish().map_err(Failure::Output)?;
    Ok(Done {
        out_dir,
        period,
        reports: tree.order.len(),
    })
}

//! uppfolj: a month's finance and HR exports in, finished monthly follow-up reports out.
//!
//! The stages run one way: config → load → compute → present → render → write.
//! This file only wires them together; each stage lives in its own module.

pub mod cli;
pub mod compute;
pub mod config;
pub mod diag;
pub mod init;
pub mod load;
pub mod money;
pub mod output;
pub mod pdf;
pub mod pdfdoc;
pub mod period;
pub mod present;
pub mod render;
pub mod sections;
pub mod synth;
pub mod tree;
pub mod watch;
pub mod write;
pub mod xlsx;

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
    /// Another run holds the output folder.
    Locked(String),
}

impl Failure {
    /// The process exit code: 1 data or config, 2 usage, 3 output.
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Data | Failure::Config(_) => 1,
            Failure::Usage(_) => 2,
            Failure::Output(_) | Failure::Locked(_) => 3,
        }
    }
}

/// What a finished run wrote.
#[derive(Debug)]
pub struct Done {
    pub out_dir: PathBuf,
    /// `None` when `--if-changed` found nothing new.
    pub period: Option<Month>,
    pub reports: usize,
    pub workbooks: usize,
    pub pdfs: usize,
    pub packs: usize,
    /// Seconds per stage: load, compute, present, render, write.
    pub timings: Vec<(&'static str, f64)>,
}

pub struct GenerateOptions {
    pub data: PathBuf,
    /// `YYYY-MM`, `YYYYMM` or `latest`.
    pub period: String,
    pub out: PathBuf,
    pub config: Option<PathBuf>,
    pub formats: Formats,
    /// Do nothing when inputs, config, templates and commentary are those of the last good run.
    pub if_changed: bool,
    /// How long to wait for another run that holds the output folder.
    pub wait: std::time::Duration,
    /// A progress bar to advance per report (shown by the caller on a terminal only).
    pub progress: Option<indicatif::ProgressBar>,
}

/// The moment the output says it was made: `SOURCE_DATE_EPOCH` when set, else now.
/// The only place that reads the clock.
pub fn generated_at() -> String {
    format_epoch(generated_epoch())
}

/// Seconds since 1970: `SOURCE_DATE_EPOCH` when set, else now.
pub fn generated_epoch() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        })
}

/// `2020-09-13T12:26:40Z`.
pub fn format_epoch(secs: i64) -> String {
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

/// `uppfolj check`: loads and validates everything (for the latest month where figures are
/// needed), writes nothing.
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
        // The checks that need figures: unmapped accounts, frames against net budgets.
        let _ = compute::categorize(
            ledger,
            loaded.data.get("accounts"),
            &loaded.config,
            findings,
        );
        let _ = sections::compute(&loaded.data, &loaded.tree, &loaded.config, latest, findings);
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
    // Units with outcome in the report month, and those that had outcome earlier in the year.
    let (units, actual) = (ledger.text("unit"), ledger.money("actual"));
    let mut booked = std::collections::BTreeSet::new();
    let mut earlier = std::collections::BTreeSet::new();
    for i in 0..ledger.len() {
        if actual[i] == 0 {
            continue;
        }
        if months[i] == period.index() {
            booked.insert(units[i].as_str());
        } else if months[i] >= jan && months[i] < period.index() {
            earlier.insert(units[i].as_str());
        }
    }
    if booked.is_empty() {
        let last = compute::latest_period(ledger)
            .map(|m| format!("; the last month with an outcome is {m}"))
            .unwrap_or_default();
        findings.error(
            &ledger.file,
            None,
            Some("actual"),
            format!(
                "--period {period}: the ledger has no outcome booked in {period} (every actual of the month is zero or missing{last}); a report would show the month as zero"
            ),
        );
        return Err(Failure::Data);
    }
    let missing: Vec<&str> = earlier.difference(&booked).copied().collect();
    if !missing.is_empty() {
        const SHOWN: usize = 10;
        let mut names = missing
            .iter()
            .take(SHOWN)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if missing.len() > SHOWN {
            names.push_str(&format!(" and {} more", missing.len() - SHOWN));
        }
        findings.warning(
            &ledger.file,
            None,
            Some("actual"),
            if missing.len() == 1 {
                format!(
                    "no outcome in {period} for unit {names} (it has outcome earlier in {}); its month counts as zero",
                    period.year()
                )
            } else {
                format!(
                    "no outcome in {period} for units {names} (they have outcome earlier in {}); their month counts as zero",
                    period.year()
                )
            },
        );
    }
    Ok(period)
}

/// Which outputs `generate` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    pub html: bool,
    pub pdf: bool,
    pub xlsx: bool,
}

impl Default for Formats {
    fn default() -> Self {
        Formats {
            html: true,
            pdf: true,
            xlsx: true,
        }
    }
}

impl Formats {
    /// Parses `html,pdf,xlsx` (any subset, any order).
    pub fn parse(text: &str) -> Result<Formats, String> {
        let mut f = Formats {
            html: false,
            pdf: false,
            xlsx: false,
        };
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.to_ascii_lowercase().as_str() {
                "html" => f.html = true,
                "pdf" => f.pdf = true,
                "xlsx" => f.xlsx = true,
                other => {
                    return Err(format!(
                        "\"{other}\" is not a format (expected html, pdf or xlsx)"
                    ));
                }
            }
        }
        if !(f.html || f.pdf || f.xlsx) {
            return Err("no format given (expected html, pdf or xlsx)".into());
        }
        Ok(f)
    }
}

/// Maps `f` over `items` on all cores, keeping the order.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// The nodes of each configured pack, in order; unknown units are config errors.
fn resolve_packs(
    config: &Config,
    tree: &tree::Tree,
    files: &[String],
) -> Result<Vec<Vec<usize>>, Failure> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let at = config
        .source
        .as_ref()
        .map(|p| format!("{}: ", p.display()))
        .unwrap_or_default();
    for pack in &config.packs {
        if files.iter().any(|f| f.eq_ignore_ascii_case(&pack.name)) {
            problems.push(format!(
                "{at}packs: pack name \"{}\" is also a unit's file name; choose another",
                pack.name
            ));
        }
        let nodes = match &pack.units {
            config::PackUnits::Tree { root, levels } => match tree.get(root) {
                Some(r) => {
                    let base = tree.nodes[r].depth;
                    let start = tree.order.iter().position(|&n| n == r).unwrap_or(0);
                    let mut nodes = vec![r];
                    for &n in &tree.order[start + 1..] {
                        let d = tree.nodes[n].depth;
                        if d <= base {
                            break;
                        }
                        if d - base <= *levels {
                            nodes.push(n);
                        }
                    }
                    nodes
                }
                None => {
                    problems.push(format!(
                        "{at}packs, {}: root unit \"{root}\" is not in the organisation tree",
                        pack.name
                    ));
                    Vec::new()
                }
            },
            config::PackUnits::List(codes) => codes
                .iter()
                .filter_map(|c| {
                    let n = tree.get(c);
                    if n.is_none() {
                        problems.push(format!(
                            "{at}packs, {}: unit \"{c}\" is not in the organisation tree",
                            pack.name
                        ));
                    }
                    n
                })
                .collect(),
        };
        out.push(nodes);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Failure::Config(problems.join("\n")))
    }
}

/// Hashes every file below `dir` (sorted, hidden files and `skip` left out) into `h`.
fn hash_tree(h: &mut sha2::Sha256, dir: &Path, label: &str, skip: &Path) {
    use sha2::Digest;
    let mut stack = vec![dir.to_path_buf()];
    let mut files = Vec::new();
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.filter_map(Result::ok) {
            let p = e.path();
            let hidden = e.file_name().to_string_lossy().starts_with('.');
            if hidden || p.starts_with(skip) {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    files.sort();
    for f in files {
        h.update(label.as_bytes());
        h.update(
            f.strip_prefix(dir)
                .unwrap_or(&f)
                .to_string_lossy()
                .as_bytes(),
        );
        // A file that cannot be read counts as empty.
        let sha = load::file_sha256(&f).unwrap_or_else(|| load::sha256_hex(b""));
        h.update(sha.as_bytes());
    }
}

/// One hash of everything a run depends on: the tool, the arguments, the data folder, the
/// config, the templates and the commentary.
pub fn fingerprint(opts: &GenerateOptions, config: &Config) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(format!("{}|{:?}", opts.period, opts.formats).as_bytes());
    let out = std::fs::canonicalize(&opts.out).unwrap_or_else(|_| opts.out.clone());
    let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    hash_tree(&mut h, &canon(&opts.data), "data", &out);
    if let Some(c) = &config.source {
        h.update(b"config");
        h.update(std::fs::read(c).unwrap_or_default());
    }
    if let Some(t) = &config.templates {
        hash_tree(&mut h, &canon(t), "templates", &out);
    }
    if let Some(c) = &config.comments {
        hash_tree(&mut h, &canon(c), "comments", &out);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The output folder of an earlier good run with this fingerprint, if any.
fn unchanged_since(out: &Path, print: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(out)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.into_iter().find(|d| {
        std::fs::read_to_string(d.join("manifest.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .is_some_and(|m| m["fingerprint"] == print)
    })
}

/// A file to write: its name in the output folder and its bytes.
type OutFile = (String, Vec<u8>);

/// `uppfolj generate`: the whole pipeline, written atomically.
pub fn generate(opts: &GenerateOptions, findings: &mut Findings) -> Result<Done, Failure> {
    let started = std::time::Instant::now();
    let mut timings = Vec::new();
    let mut lap = {
        let mut last = started;
        move |stage: &'static str, timings: &mut Vec<(&'static str, f64)>| {
            let now = std::time::Instant::now();
            timings.push((stage, (now - last).as_secs_f64()));
            last = now;
        }
    };
    let config = read_config(opts.config.as_deref())?;
    let _lock = write::Lock::acquire(&opts.out, opts.wait).map_err(Failure::Locked)?;
    // Files are hashed once per run: before loading when the run may be skipped, else after
    // (the loader hashes the large files while Polars reads them).
    let early = opts.if_changed.then(|| fingerprint(opts, &config));
    if let Some(print) = &early
        && let Some(dir) = unchanged_since(&opts.out, print)
    {
        return Ok(Done {
            out_dir: dir,
            period: None,
            reports: 0,
            workbooks: 0,
            pdfs: 0,
            packs: 0,
            timings,
        });
    }
    let loaded = load_all(&opts.data, config, findings)?;
    let print = early.unwrap_or_else(|| fingerprint(opts, &loaded.config));
    let ledger = loaded.data.ledger().ok_or(Failure::Data)?;
    let period = resolve_period(&opts.period, ledger, findings)?;
    let config = &loaded.config;
    let tree = &loaded.tree;
    let files = present::names::stems(tree.nodes.iter().map(|n| n.code.as_str()));
    let packs = resolve_packs(config, tree, &files)?;

    lap("load", &mut timings);
    // compute
    let cats = compute::categorize(ledger, loaded.data.get("accounts"), config, findings);
    let figures = compute::compute(&loaded.data, tree, &cats, period)
        .map_err(|e| Failure::Output(format!("computing the figures failed: {e}")))?;
    let sections = sections::compute(&loaded.data, tree, config, period, findings);

    lap("compute", &mut timings);
    // present
    let templates =
        render::load(config.templates.as_deref(), &config.language).map_err(Failure::Output)?;
    let comments_dir = config
        .comments
        .clone()
        .unwrap_or_else(|| opts.data.join("comments"));
    let epoch = generated_epoch();
    let presenter = present::Presenter {
        config,
        tree,
        figures: &figures,
        sections: &sections,
        files: &files,
        generated: format_epoch(epoch),
        fmt: present::Format::new(config, templates.lang.clone()),
    };
    let period_text = period.to_string();
    let views: Vec<Result<(present::ReportView, Option<String>), String>> =
        par_map(&tree.order, |&node| {
            let mut view = presenter.report(node);
            let markdown = present::comments::read(&comments_dir, &period_text, &files[node])?;
            if let Some(md) = &markdown {
                view.comments = present::comments::split(md);
            }
            let s = &view.sections;
            let mut texts = std::collections::BTreeMap::new();
            for (key, shown) in [
                ("summary", true),
                ("forecast", true),
                ("personnel", s.personnel.is_some()),
                ("agency", s.agency.is_some()),
                ("measures", s.measures.is_some()),
                ("adjustments", s.adjustments.is_some()),
                ("activity", s.activity.is_some()),
                ("frames", s.frame.is_some()),
            ] {
                if shown {
                    texts.insert(key.to_string(), templates.text(key, &view)?);
                }
            }
            view.texts = texts;
            if let Some(pb) = &opts.progress {
                pb.inc(1);
            }
            Ok((view, markdown))
        });
    let views: Vec<(present::ReportView, Option<String>)> = views
        .into_iter()
        .collect::<Result<_, _>>()
        .map_err(Failure::Output)?;
    let view_of = |node: usize| -> &(present::ReportView, Option<String>) {
        let i = tree.order.iter().position(|&n| n == node).unwrap_or(0);
        &views[i]
    };
    let doc_info = pdfdoc::DocInfo {
        author: config
            .author
            .clone()
            .unwrap_or_else(|| tree.nodes[tree.root].name.clone()),
        language: config.language.clone(),
        epoch,
    };

    lap("present", &mut timings);
    // render
    let author = config
        .author
        .clone()
        .unwrap_or_else(|| tree.nodes[tree.root].name.clone());
    let xlsx_meta = |title: String| xlsx::Meta {
        title,
        author: author.clone(),
        created: epoch,
        unit: config.money_unit,
        unit_label: presenter.fmt.unit_label(),
        decimals: config.decimals,
    };
    let mut outputs: Vec<OutFile> = Vec::new();
    let rendered: Vec<Result<Vec<OutFile>, String>> = par_map(&views, |(view, markdown)| {
        let stem = view.unit.href.trim_end_matches(".html");
        let mut out = Vec::new();
        if opts.formats.html {
            out.push((
                format!("{stem}.html"),
                templates.render("report.html", view)?.into_bytes(),
            ));
        }
        if opts.formats.xlsx {
            let title = format!("{} – {}", view.unit.name, view.period);
            let meta = xlsx_meta(title);
            out.push((
                format!("{stem}.xlsx"),
                xlsx::workbook(&[view], &templates.lang, &meta)?,
            ));
        }
        if opts.formats.pdf {
            out.push((
                format!("pdf/{stem}.pdf"),
                pdfdoc::unit(&templates, view, markdown.as_deref(), &doc_info)?,
            ));
        }
        Ok(out)
    });
    for r in rendered {
        outputs.extend(r.map_err(Failure::Output)?);
    }
    let mut manifest_packs = Vec::new();
    for (pack, nodes) in config.packs.iter().zip(&packs) {
        let pack_views: Vec<&present::ReportView> = nodes.iter().map(|&n| &view_of(n).0).collect();
        let mut entry = output::ManifestPack {
            name: pack.name.clone(),
            title: pack.title.clone(),
            pdf: None,
            xlsx: None,
            units: nodes.iter().map(|&n| tree.nodes[n].code.clone()).collect(),
        };
        if opts.formats.xlsx {
            let meta = xlsx_meta(pack.title.clone());
            let name = format!("{}.xlsx", pack.name);
            outputs.push((
                name.clone(),
                xlsx::workbook(&pack_views, &templates.lang, &meta).map_err(Failure::Output)?,
            ));
            entry.xlsx = Some(name);
        }
        if opts.formats.pdf {
            let with_md: Vec<(&present::ReportView, Option<&str>)> = nodes
                .iter()
                .map(|&n| (&view_of(n).0, view_of(n).1.as_deref()))
                .collect();
            let name = format!("{}.pdf", pack.name);
            outputs.push((
                name.clone(),
                pdfdoc::pack(&templates, pack, &with_md, &doc_info).map_err(Failure::Output)?,
            ));
            entry.pdf = Some(name);
        }
        manifest_packs.push(entry);
    }
    let reports = tree
        .order
        .iter()
        .map(|&node| output::ManifestReport {
            unit: tree.nodes[node].code.clone(),
            name: tree.nodes[node].name.clone(),
            html: opts.formats.html.then(|| format!("{}.html", files[node])),
            pdf: opts.formats.pdf.then(|| format!("pdf/{}.pdf", files[node])),
            xlsx: opts.formats.xlsx.then(|| format!("{}.xlsx", files[node])),
        })
        .collect();
    if opts.formats.html {
        let index = templates
            .render("index.html", &presenter.index())
            .map_err(Failure::Output)?;
        outputs.push(("index.html".into(), index.into_bytes()));
    }
    let figures_json = output::figures_json(&figures, &sections, tree);
    outputs.push(("figures.json".into(), output::to_json(&figures_json)));
    let config_input = config.source.as_ref().map(|p| load::InputFile {
        table: "config".into(),
        file: p.display().to_string(),
        rows: 0,
        sha256: load::sha256_hex(&std::fs::read(p).unwrap_or_default()),
    });
    let manifest = output::Manifest {
        period: period_text.clone(),
        generated: format_epoch(epoch),
        generator: format!("uppfolj {}", env!("CARGO_PKG_VERSION")),
        fingerprint: print.clone(),
        config: config_input,
        reports,
        packs: manifest_packs,
        inputs: loaded.data.inputs.clone(),
    };
    outputs.push(("manifest.json".into(), output::to_json(&manifest)));

    lap("render", &mut timings);
    // write
    let staging = write::Staging::new(&opts.out, &period_text).map_err(Failure::Output)?;
    for (name, bytes) in &outputs {
        staging.write(name, bytes).map_err(Failure::Output)?;
    }
    let out_dir = staging.publish().map_err(Failure::Output)?;
    lap("write", &mut timings);
    let count = |ext: &str| {
        outputs
            .iter()
            .filter(|(n, _)| n.ends_with(ext) && !n.contains('/'))
            .count()
    };
    Ok(Done {
        out_dir,
        period: Some(period),
        reports: if opts.formats.html {
            tree.order.len()
        } else {
            0
        },
        workbooks: count(".xlsx"),
        pdfs: outputs.iter().filter(|(n, _)| n.ends_with(".pdf")).count(),
        packs: config.packs.len(),
        timings,
    })
}

/// `uppfolj watch`: regenerate the HTML preview on every change and serve it on 127.0.0.1.
pub fn watch_command(
    data: PathBuf,
    period: String,
    config: Option<PathBuf>,
    out: Option<PathBuf>,
    port: u16,
) -> Result<(), Failure> {
    let initial = read_config(config.as_deref())?;
    let out = out.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("uppfolj-watch-{}", std::process::id()))
    });
    let mut watch = vec![data.clone()];
    watch.extend(config.clone());
    watch.extend(initial.templates.clone());
    watch.extend(initial.comments.clone());
    let opts = watch::WatchOptions {
        addr: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        watch,
        ignore: vec![out.clone()],
        debounce: std::time::Duration::from_millis(200),
    };
    let build = move || {
        let mut findings = Findings::default();
        let opts = GenerateOptions {
            data: data.clone(),
            period: period.clone(),
            out: out.clone(),
            config: config.clone(),
            formats: Formats {
                html: true,
                pdf: false,
                xlsx: false,
            },
            if_changed: false,
            wait: std::time::Duration::from_secs(30),
            progress: None,
        };
        match generate(&opts, &mut findings) {
            Ok(done) => Ok(done.out_dir),
            Err(failure) => {
                let mut lines: Vec<String> = findings.errors().map(|f| f.to_string()).collect();
                match failure {
                    Failure::Data => {}
                    Failure::Config(m)
                    | Failure::Usage(m)
                    | Failure::Output(m)
                    | Failure::Locked(m) => lines.push(m),
                }
                Err(lines.join("\n"))
            }
        }
    };
    watch::run(opts, build, |addr| {
        println!("serving http://{addr}/");
        println!("uppfolj: watching for changes; stop with Ctrl-C");
    })
    .map_err(Failure::Output)
}

//! `uppfolj generate`: config → load → compute → present → render → write, the output
//! written atomically (`write/`); and `prepare`, all of it up to rendering, which `check` and
//! the preview run too. What the command prints is in `report.rs`.

mod ready;
mod report;
pub(crate) mod round;
#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests write their fixtures
mod tests;

use std::path::PathBuf;
use std::time::Duration;

pub use report::{progress, report};

use crate::diag::Findings;
use crate::model::period::Month;
use crate::{Failure, Formats, clock, cmd, compute, config, load, present, render, write};

/// What a finished run wrote.
#[derive(Debug)]
pub struct Done {
    /// The published output folder (or, when nothing changed, the earlier one).
    pub out_dir: PathBuf,
    /// `None` when `--if-changed` found nothing new.
    pub period: Option<String>,
    /// The files written per format, every format in turn (none when a format was not asked
    /// for): how the summary line names them, and how many of its unit and pack files the
    /// run wrote (the manifest's entries; the files carried over from an earlier run are not
    /// counted).
    pub written: Vec<(crate::Counted, usize)>,
    /// Board packs written (none when no format asked for writes packs).
    pub packs: usize,
    /// Seconds (and the peak memory so far) per stage: load, compute, present, render, write.
    pub timings: Vec<crate::Lap>,
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
    /// Keep the output a run replaces as an earlier version (`OUT/<period>.versions/`), with
    /// a change page; false replaces it (the preview of `watch`).
    pub keep_versions: bool,
}

/// `uppfolj generate`: the whole pipeline, written atomically.
/// With `export.wait_stable` set, it first waits for the data folder to be still (the preview
/// of `watch`, which rebuilds on each change, does not).
pub fn generate(opts: &GenerateOptions, findings: &mut Findings) -> Result<Done, Failure> {
    let config = config::Config::read(opts.config.as_deref())?;
    if let Some(wait) = config.export_wait {
        let tick = Duration::from_millis(200).min(wait.stable);
        if !ready::wait(&opts.data, &opts.out, wait, tick, findings) {
            return Err(Failure::Data);
        }
    }
    generate_kept(opts, findings).map(|(done, _)| done)
}

/// [`generate`], handing back what the run worked from (none when `--if-changed` found
/// nothing new), for the preview to re-render single pages from.
pub(crate) fn generate_kept(
    opts: &GenerateOptions,
    findings: &mut Findings,
) -> Result<(Done, Option<cmd::watch::Kept>), Failure> {
    let mut laps = clock::Laps::start();
    let config = config::Config {
        query_month: compute::periods::requested(&opts.period)?,
        ..config::Config::read(opts.config.as_deref())?
    };
    let _lock = write::Lock::acquire(&opts.out, opts.wait)?;
    // Files are hashed once per run: before loading when the run may be skipped, else after
    // (the loader hashes the large files while Polars reads them).
    let early = opts.if_changed.then(|| digests(opts, &config, &[]));
    if let Some(digests) = &early {
        let print = write::fingerprint::of(digests, &opts.period, opts.formats, &config);
        if let Some(out_dir) = write::fingerprint::unchanged_since(&opts.out, &print) {
            return Ok((Done::unchanged(out_dir, laps.timings), None));
        }
    }

    let fmts = Some(opts.formats);
    let prepared = prepare(&opts.data, config, &opts.period, fmts, findings, &mut laps)?;
    let Prepared {
        loaded,
        period,
        files,
        packs,
        commentary,
        round,
        computed,
        templates,
    } = prepared;
    let digests = early.unwrap_or_else(|| digests(opts, &loaded.config, &loaded.data.inputs));
    let print = write::fingerprint::of(&digests, &opts.period, opts.formats, &loaded.config);

    let progress = || {
        if let Some(pb) = &opts.progress {
            pb.inc(1);
        }
    };
    let epoch = clock::generated_epoch();
    // What the previous month's report published, for corrections of earlier months.
    let published = write::versions::published(&opts.out, &period.prev().to_string());
    let presented = present::run(
        &compute::basis(&loaded, &computed, published.as_ref()),
        &files,
        &commentary,
        templates.lang.clone(),
        epoch,
        &progress,
    );
    laps.lap("present");

    let mut manifest = write::manifest::build(
        &loaded.tree,
        &loaded.config,
        &loaded.data.inputs,
        &files,
        &packs,
        opts.formats,
        write::manifest::Run {
            period: period.to_string(),
            generated: clock::format_epoch(epoch),
            fingerprint: print,
            inputs_fingerprint: write::fingerprint::of_inputs(&digests, period, &loaded.config),
        },
    );
    manifest.comments = commentary_used(opts, &loaded, period, &files, &commentary);
    if let Some(used) = &round {
        manifest
            .comments
            .extend(round::commentary_used(used, &loaded.tree));
    }
    manifest.account_tables = account_tables(&loaded.tree, &computed.accounts);
    let period_name = period.to_string();
    let (out, keep) = (&opts.out, opts.keep_versions);
    let update = write::versions::next(
        out,
        &period_name,
        &presented.figures,
        &mut manifest,
        epoch,
        keep,
    );
    // The packs carry the manifest of the run (its inputs) for the archive; the commentary
    // files and the account tables are kept for the next version in manifest.json only.
    let comments = std::mem::take(&mut manifest.comments);
    let account_tables = std::mem::take(&mut manifest.account_tables);
    let manifest_json = render::json::to_json(&manifest);
    (manifest.comments, manifest.account_tables) = (comments, account_tables);
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
        manifest: &manifest_json,
        money_unit: config.money_unit,
        decimals: config.decimals,
        update: update.as_ref(),
    };
    let rendered = render::run(&job, &presented, &templates)?;
    laps.lap("render");
    let written = written(&manifest);
    let packs_written = manifest
        .packs
        .iter()
        .filter(|p| !p.files.is_empty())
        .count();

    let (out_dir, carried) = write::publish(
        out,
        &period_name,
        &rendered,
        &mut manifest,
        opts.formats,
        keep,
    )?;
    if let Some(said) = carried {
        findings.note(&out_dir.display().to_string(), said);
    }
    // The output folder's front page across months, and `latest`, after each published month.
    let months = write::landing::periods(out);
    if let Some(newest) = months.first() {
        let page = render::html::landing(&templates, &presented.index.organisation, &months)?;
        write::landing::publish(out, page.as_bytes(), &newest.period)?;
    }
    laps.lap("write");
    let done = Done {
        out_dir,
        period: Some(period.to_string()),
        written,
        packs: packs_written,
        timings: laps.timings,
    };
    let kept = cmd::watch::Kept {
        data: opts.data.clone(),
        out_dir: done.out_dir.clone(),
        period,
        files,
        commentary,
        round,
        loaded,
        computed,
        templates,
        epoch,
        published,
    };
    Ok((done, Some(kept)))
}

/// What the run's fingerprint hashes besides the tool, its arguments and the config: the
/// data, templates and commentary files, and the round's entries when the config has one.
/// `read`: the inputs already read (a database query among them is not run again).
fn digests(
    opts: &GenerateOptions,
    config: &config::Config,
    read: &[crate::model::input::Input],
) -> crate::model::input::Digests {
    let mut digests = load::digests(&opts.data, &opts.out, config, read);
    round::leave_out_store(&mut digests.data, &opts.data, config);
    digests.data.extend(round::piece(config));
    digests
}

/// The commentary files of the report month the reports publish, for the manifest: each
/// unit's file that was read, named relative to the data folder (as configured when the
/// commentary folder lies outside it), with the SHA-256 of its bytes.
fn commentary_used(
    opts: &GenerateOptions,
    loaded: &load::Loaded,
    period: Month,
    files: &[String],
    commentary: &[Option<String>],
) -> Vec<crate::model::input::Commentary> {
    let dir = load::comments::folder(&opts.data, &loaded.config).join(period.to_string());
    let canon = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let data = canon(&opts.data);
    let mut out = Vec::new();
    for (node, text) in commentary.iter().enumerate() {
        let (Some(_), Some(stem)) = (text, files.get(node)) else {
            continue;
        };
        let path = dir.join(format!("{stem}.md"));
        let Ok(bytes) = load::files::read_bounded(&path, load::files::MAX_TEXT_FILE) else {
            continue;
        };
        let real = canon(&path);
        let name = match real.strip_prefix(&data) {
            Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
            Err(_) => path.display().to_string(),
        };
        out.push(crate::model::input::Commentary {
            unit: loaded.tree.nodes[node].code.clone(),
            file: name,
            sha256: crate::model::hash::sha256_hex(&bytes),
        });
    }
    out
}

/// The account tables the manifest keeps: per unit and account, the amounts on the unit
/// itself (its accounts less those of the units right below it), as the account tables of
/// the reports give them.
fn account_tables(
    tree: &crate::model::tree::Tree,
    accounts: &[Vec<compute::accounts::AccountFigures>],
) -> crate::model::diff::AccountTables {
    use std::collections::BTreeMap;
    let amounts = |a: &compute::accounts::AccountFigures| {
        [
            a.acc.actual,
            a.acc.budget,
            a.prev_year.actual,
            a.budget_year,
        ]
    };
    let mut rows = Vec::new();
    for &node in &tree.order {
        let mut own: BTreeMap<&str, [i64; 4]> = BTreeMap::new();
        for a in accounts.get(node).into_iter().flatten() {
            own.insert(&a.account, amounts(a));
        }
        for &child in &tree.nodes[node].children {
            for a in accounts.get(child).into_iter().flatten() {
                let sums = own.entry(&a.account).or_default();
                for (s, c) in sums.iter_mut().zip(amounts(a)) {
                    *s -= c;
                }
            }
        }
        let code = &tree.nodes[node].code;
        rows.extend(
            own.into_iter()
                .map(|(account, sums)| (code.clone(), account.to_string(), sums)),
        );
    }
    crate::model::diff::AccountTables::new(rows)
}

/// How many unit and pack files of each format the run writes, by its manifest (before any
/// file of an earlier run is carried over).
fn written(manifest: &write::manifest::Manifest) -> Vec<(crate::Counted, usize)> {
    let entries = manifest.reports.iter().map(|r| &r.files);
    let entries: Vec<_> = entries
        .chain(manifest.packs.iter().map(|p| &p.files))
        .collect();
    render::format::ALL
        .iter()
        .map(|f| {
            let n = entries.iter().filter(|e| e.contains_key(f.name())).count();
            (f.about().counted, n)
        })
        .collect()
}

/// Everything `generate` checks and computes before it presents anything: the data and its
/// tree, the report month, the packs, the commentary, the figures and the templates. `check`
/// runs exactly this, so that it refuses everything `generate` would.
pub(crate) struct Prepared {
    pub(crate) loaded: load::Loaded,
    pub(crate) period: Month,
    /// Each unit's file name, by node index.
    pub(crate) files: Vec<String>,
    /// The units of each configured pack.
    pub(crate) packs: Vec<Vec<usize>>,
    /// Each unit's commentary for the month, by node index.
    pub(crate) commentary: Vec<Option<String>>,
    /// The round's entries the run uses, when the config has a round.
    pub(crate) round: Option<round::Used>,
    pub(crate) computed: compute::Computed,
    pub(crate) templates: render::templates::Templates,
}

/// config → load → compute, and the templates parsed: all that can refuse a run before
/// anything is rendered.
/// `formats`: what the run writes; `None` for `check`, which writes nothing and reads the
/// commentary of every month, not only the report month's.
pub(crate) fn prepare(
    data: &std::path::Path,
    config: config::Config,
    period: &str,
    formats: Option<Formats>,
    findings: &mut Findings,
    laps: &mut clock::Laps,
) -> Result<Prepared, Failure> {
    let asked = compute::periods::requested(period)?;
    // A database query's `:year` and `:month` are the month asked for.
    let config = config::Config {
        query_month: asked,
        ..config
    };
    // The transactions the formats list are kept while the transactions are summed, in the
    // load stage's one pass over them, for the month asked for (`latest`: the newest months).
    let keep = formats.and_then(|f| f.keep(config.largest_transactions));
    let want = keep.map(|keep| load::postings::Want {
        keep,
        period: asked,
        year_start: config.year_start(),
    });
    let mut loaded = load::run(data, config, want, findings)?;
    let ledger = loaded.data.ledger().ok_or(Failure::Data)?;
    let mut requested = asked;
    if requested.is_none() {
        // `latest`: the newest month when it counts as closed, else the one before.
        let marked = |name: &str| data.join(name).is_file();
        let rule = &loaded.config.latest;
        requested = compute::periods::latest_closed(ledger, rule, &marked, findings);
        if findings.has_errors() {
            return Err(Failure::Data);
        }
    }
    let year_start = loaded.config.year_start();
    let period =
        compute::periods::resolve(requested, ledger, year_start, findings).ok_or(Failure::Data)?;
    // The round's approved entries join the tables and commentary they stand for.
    let from_round = round::read(&mut loaded, period, findings)?;
    if let Some(used) = &from_round {
        round::tables(&mut loaded, used, period, findings);
    }
    let files = present::names::stems(loaded.tree.nodes.iter().map(|n| n.code.as_str()));
    let packs = compute::packs::resolve(&loaded.config, &loaded.tree, &files)?;
    // Commentary: the report month's files, refused before anything is computed; `check`
    // reads every month's after the figures, as it reports their findings in that order.
    let mut commentary = Vec::new();
    let dir = load::comments::folder(data, &loaded.config).join(period.to_string());
    if formats.is_some() {
        commentary = load::comments::read_all(data, &loaded.config, period, &files, findings);
        if let Some(used) = &from_round {
            round::commentary(&mut commentary, used, &dir, &files, findings);
        }
        if findings.has_errors() {
            return Err(Failure::Data);
        }
    }
    // The lists of the report's span, now that it is known, from what the load stage kept,
    // before anything is computed.
    let postings = keep.and_then(|keep| load::postings::of_leaves(&mut loaded, period, keep));
    laps.lap("load");
    let computed = compute::run(&loaded, period, postings, findings)?;
    if formats.is_none() {
        commentary = load::comments::check_all(data, &loaded.config, &files, period, findings);
        if let Some(used) = &from_round {
            round::commentary(&mut commentary, used, &dir, &files, findings);
        }
    }
    let keys = compute::commentary::keys(&dir, &files, &commentary);
    compute::commentary::check_dropped(&loaded.tree, &computed.sections, &keys, findings);
    laps.lap("compute");
    if findings.has_errors() {
        return Err(Failure::Data);
    }
    // The templates are the user's input: a folder that cannot be read, or a template that
    // does not parse, is a config mistake (exit 1), not an output failure.
    let source = loaded.config.source.as_deref();
    let overrides = load::templates::read(loaded.config.templates.as_deref())
        .map_err(|e| Failure::config_key(source, "templates", &e))?;
    let templates = render::templates::load(overrides, &loaded.config.language)
        .map_err(|e| Failure::config_key(source, "templates", &e))?;
    Ok(Prepared {
        loaded,
        period,
        files,
        packs,
        commentary,
        round: from_round,
        computed,
        templates,
    })
}

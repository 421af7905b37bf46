//! What `uppfolj generate` tells the user: a spinner while it runs, then the findings and
//! one summary line.

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::cli::LogFormat;
use crate::cmd::log::{Log, count};
use crate::diag::Findings;
use crate::{Done, Failure};

/// A spinner counting reports, on a terminal with human logging only.
pub fn progress(log: &Log) -> Option<indicatif::ProgressBar> {
    (log.format == LogFormat::Human && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} reports {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        pb
    })
}

/// Logs the findings and what the run wrote (or why it stopped); the exit code.
pub fn report(log: &Log, result: Result<Done, Failure>, findings: &Findings) -> ExitCode {
    log.findings(findings);
    match result {
        Ok(done) => {
            match &done.period {
                None => unchanged(log, &done),
                Some(period) => written(log, &done, period),
            }
            ExitCode::SUCCESS
        }
        Err(f) => log.fail(&f, findings, true),
    }
}

/// `--if-changed` found nothing new.
fn unchanged(log: &Log, done: &Done) {
    let msg = format!(
        "uppfolj: inputs unchanged since the run that wrote {}; nothing to do",
        done.out_dir.display()
    );
    match log.format {
        LogFormat::Human => println!("{msg}"),
        LogFormat::Json => eprintln!(
            "{}",
            serde_json::json!({"level": "info", "event": "unchanged", "message": msg})
        ),
    }
}

/// The counts, the folder and the seconds per stage.
fn written(log: &Log, done: &Done, period: &str) {
    let total: f64 = done.timings.iter().map(|t| t.seconds).sum();
    let stages: Vec<String> = done
        .timings
        .iter()
        .map(|l| format!("{} {:.2} s", l.stage, l.seconds))
        .collect();
    let mut counts: Vec<String> = done
        .written
        .iter()
        .map(|(c, n)| count(*n, c.one, c.many))
        .collect();
    counts.push(count(done.packs, "pack", "packs"));
    let msg = format!(
        "uppfolj: {} for {period} written to {} in {total:.2} s ({})",
        counts.join(", "),
        done.out_dir.display(),
        stages.join(", ")
    );
    match log.format {
        LogFormat::Human => println!("{msg}"),
        LogFormat::Json => {
            let stages: serde_json::Map<String, serde_json::Value> = done
                .timings
                .iter()
                .map(|l| (l.stage.to_string(), serde_json::json!(l.seconds)))
                .collect();
            // The peak resident memory at the end of each stage, in MiB (where the system says).
            let memory: serde_json::Map<String, serde_json::Value> = done
                .timings
                .iter()
                .filter_map(|l| Some((l.stage.to_string(), (l.peak_kib? / 1024).into())))
                .collect();
            let mut line = serde_json::Map::new();
            line.insert("level".into(), "info".into());
            line.insert("event".into(), "done".into());
            line.insert("period".into(), period.into());
            line.insert("out".into(), done.out_dir.display().to_string().into());
            for (c, n) in &done.written {
                line.insert(c.key.into(), (*n).into());
            }
            line.insert("packs".into(), done.packs.into());
            line.insert("seconds".into(), total.into());
            line.insert("stages".into(), stages.into());
            if !memory.is_empty() {
                line.insert("peak_memory_mib".into(), memory.into());
            }
            eprintln!("{}", serde_json::Value::Object(line));
        }
    }
}

//! The `uppfolj` binary: parse the command line, run the library, log findings, exit.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use uppfolj::cli::{Cli, Command, DiffFormat, LogFormat};
use uppfolj::diag::{Findings, Severity};
use uppfolj::{Failure, GenerateOptions};

/// Writes findings and summaries to stderr, as human lines or JSON lines.
struct Log {
    format: LogFormat,
}

impl Log {
    fn findings(&self, findings: &Findings) {
        for f in &findings.items {
            match self.format {
                LogFormat::Human => eprintln!("{f}"),
                LogFormat::Json => {
                    let level = match f.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Note => "note",
                    };
                    eprintln!(
                        "{}",
                        serde_json::json!({"level": level, "file": f.file, "row": f.row, "column": f.column, "message": f.message})
                    );
                }
            }
        }
    }

    fn error(&self, failure: &Failure) {
        match self.format {
            LogFormat::Human => {
                for (message, snippet) in failure.messages() {
                    eprintln!("error: {message}");
                    for line in snippet {
                        eprintln!("{line}");
                    }
                }
            }
            LogFormat::Json => eprintln!(
                "{}",
                serde_json::json!({"level": "error", "message": failure.chain()})
            ),
        }
    }

    fn fail(&self, failure: &Failure, findings: &Findings, writes: bool) -> ExitCode {
        let tail = if writes { "; nothing was written" } else { "" };
        let summary = match failure {
            Failure::Data => {
                let (n, shown) = (findings.error_total(), findings.errors_listed());
                let listed = if shown < n {
                    format!(" ({shown} listed)")
                } else {
                    String::new()
                };
                format!(
                    "uppfolj: stopped: {} in the data{listed}{tail}",
                    count(n, "error", "errors")
                )
            }
            other => {
                self.error(other);
                format!("uppfolj: stopped{tail}")
            }
        };
        match self.format {
            LogFormat::Human => eprintln!("{summary}"),
            LogFormat::Json => eprintln!(
                "{}",
                serde_json::json!({"level": "error", "event": "stopped", "exit_code": failure.exit_code(), "message": summary})
            ),
        }
        ExitCode::from(failure.exit_code() as u8)
    }
}

/// `1 report`, `2 reports`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let log = Log {
        format: cli.log_format,
    };
    let mut findings = Findings::default();
    match cli.command {
        Command::Generate {
            data,
            period,
            out,
            config,
            format,
            if_changed,
            wait,
        } => {
            let progress = (log.format == LogFormat::Human && std::io::stderr().is_terminal())
                .then(|| {
                    let pb = indicatif::ProgressBar::new_spinner();
                    pb.set_style(
                        indicatif::ProgressStyle::with_template(
                            "{spinner} {pos} reports {elapsed}",
                        )
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
                    );
                    pb
                });
            let opts = GenerateOptions {
                data,
                period,
                out,
                config,
                formats: format,
                if_changed,
                wait: std::time::Duration::from_secs(wait),
                progress: progress.clone(),
                keep_versions: true,
            };
            let result = uppfolj::generate(&opts, &mut findings);
            if let Some(pb) = progress {
                pb.finish_and_clear();
            }
            log.findings(&findings);
            match result {
                Ok(done) => {
                    let Some(period) = done.period else {
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
                        return ExitCode::SUCCESS;
                    };
                    let total: f64 = done.timings.iter().map(|t| t.1).sum();
                    let stages: Vec<String> = done
                        .timings
                        .iter()
                        .map(|(s, t)| format!("{s} {t:.2} s"))
                        .collect();
                    let msg = format!(
                        "uppfolj: {}, {}, {}, {} for {period} written to {} in {total:.2} s ({})",
                        count(done.reports, "report", "reports"),
                        count(done.pdfs, "PDF", "PDFs"),
                        count(done.workbooks, "workbook", "workbooks"),
                        count(done.packs, "pack", "packs"),
                        done.out_dir.display(),
                        stages.join(", ")
                    );
                    match log.format {
                        LogFormat::Human => println!("{msg}"),
                        LogFormat::Json => {
                            let stages: serde_json::Map<String, serde_json::Value> = done
                                .timings
                                .iter()
                                .map(|(s, t)| (s.to_string(), serde_json::json!(t)))
                                .collect();
                            eprintln!(
                                "{}",
                                serde_json::json!({"level": "info", "event": "done", "period": period.to_string(), "out": done.out_dir.display().to_string(), "reports": done.reports, "pdfs": done.pdfs, "workbooks": done.workbooks, "packs": done.packs, "seconds": total, "stages": stages})
                            );
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(f) => log.fail(&f, &findings, true),
            }
        }
        Command::Check {
            data,
            config,
            period,
        } => {
            let result = uppfolj::check(&data, config.as_deref(), &period, &mut findings);
            log.findings(&findings);
            let (e, w) = (findings.error_total(), findings.count(Severity::Warning));
            match result {
                Ok(checked) => {
                    println!(
                        "uppfolj: {}, {} checked for {}: {}, {}",
                        count(checked.tables, "table", "tables"),
                        count(checked.units, "unit", "units"),
                        checked.period,
                        count(e, "error", "errors"),
                        count(w, "warning", "warnings")
                    );
                    ExitCode::SUCCESS
                }
                Err(f) => log.fail(&f, &findings, false),
            }
        }
        Command::Watch {
            data,
            period,
            config,
            out,
            port,
        } => match uppfolj::watch_command(data, period, config, out, port) {
            Ok(()) => ExitCode::SUCCESS,
            Err(f) => log.fail(&f, &findings, false),
        },
        Command::Init { dir } => match uppfolj::init::write(&dir) {
            Ok(()) => {
                println!(
                    "uppfolj: a project was written to {0}\nnext: cd {0} && uppfolj generate --data data --config uppfolj.yaml --period latest --out out",
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(f) => log.fail(&f, &findings, false),
        },
        Command::Synth {
            out,
            leaves,
            accounts,
            seed,
            transactions,
        } => {
            let opts = uppfolj::synth::Options {
                leaves,
                accounts,
                seed,
                transactions,
                year: 2020,
                last_month: 9,
            };
            match uppfolj::synth::write(&out, &opts) {
                Ok(()) => {
                    println!(
                        "uppfolj: synthetic region with {leaves} leaf units written to {}",
                        out.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => log.fail(&Failure::Write(e.into()), &findings, false),
            }
        }
        Command::Diff { old, new, format } => {
            let shape = match format {
                DiffFormat::Text => uppfolj::cmd::diff::Shape::Text,
                DiffFormat::Json => uppfolj::cmd::diff::Shape::Json,
            };
            match uppfolj::cmd::diff::run(&old, &new, shape) {
                Ok((text, differ)) => {
                    print!("{text}");
                    ExitCode::from(u8::from(differ))
                }
                Err(f) => log.fail(&f, &findings, false),
            }
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "uppfolj",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
        Command::Man { out } => match out {
            Some(dir) => match uppfolj::cmd::man::write(&dir) {
                Ok(names) => {
                    println!(
                        "uppfolj: {} written to {}: {}",
                        count(names.len(), "manual page", "manual pages"),
                        dir.display(),
                        names.join(", ")
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => log.fail(&Failure::Write(e), &findings, false),
            },
            None => {
                let man = clap_mangen::Man::new(Cli::command());
                match man.render(&mut std::io::stdout()) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => log.fail(
                        &Failure::Write(uppfolj::IoError::at_stdout(e).into()),
                        &findings,
                        false,
                    ),
                }
            }
        },
    }
}

//! The `uppfolj` binary: parse the command line, run the library, print findings, exit.

use std::process::ExitCode;

use clap::Parser;
use uppfolj::cli::{Cli, Command};
use uppfolj::diag::{Findings, Severity};
use uppfolj::{Failure, GenerateOptions};

fn print_findings(findings: &Findings) {
    for f in &findings.items {
        eprintln!("{f}");
    }
}

fn fail(failure: &Failure, findings: &Findings, writes: bool) -> ExitCode {
    let tail = if writes { "; nothing was written" } else { "" };
    match failure {
        Failure::Data => {
            let n = findings.count(Severity::Error);
            eprintln!(
                "uppfolj: stopped: {n} {} in the data{tail}",
                if n == 1 { "error" } else { "errors" }
            );
        }
        Failure::Config(m) | Failure::Usage(m) | Failure::Output(m) => {
            for line in m.lines() {
                if line.starts_with(' ')
                    || line.starts_with(|c: char| c.is_ascii_digit()) && line.contains(" | ")
                {
                    eprintln!("{line}");
                } else {
                    eprintln!("error: {line}");
                }
            }
            eprintln!("uppfolj: stopped{tail}");
        }
    }
    ExitCode::from(failure.exit_code() as u8)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut findings = Findings::default();
    match cli.command {
        Command::Generate {
            data,
            period,
            out,
            config,
            format,
        } => {
            let opts = GenerateOptions {
                data,
                period,
                out,
                config,
                formats: format,
            };
            let result = uppfolj::generate(&opts, &mut findings);
            print_findings(&findings);
            match result {
                Ok(done) => {
                    println!(
                        "uppfolj: {} reports for {} written to {}",
                        done.reports,
                        done.period,
                        done.out_dir.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(f) => fail(&f, &findings, true),
            }
        }
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
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(3)
                }
            }
        }
        Command::Check { data, config } => {
            let result = uppfolj::check(&data, config.as_deref(), &mut findings);
            print_findings(&findings);
            let (e, w) = (
                findings.count(Severity::Error),
                findings.count(Severity::Warning),
            );
            match result {
                Ok(loaded) => {
                    println!(
                        "uppfolj: {} tables, {} units checked: {e} errors, {w} warnings",
                        loaded.data.tables.len(),
                        loaded.tree.nodes.len()
                    );
                    ExitCode::SUCCESS
                }
                Err(f) => fail(&f, &findings, false),
            }
        }
    }
}

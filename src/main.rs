//! The `uppfolj` binary: parse the command line, run the library, log findings, exit.

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use uppfolj::cli::{Cli, Command, DiffFormat, RoleArg, RoundCommand, ServeArgs, UserCommand};
use uppfolj::cmd::log::{Log, count};
use uppfolj::diag::Findings;
use uppfolj::{Failure, GenerateOptions};

/// mimalloc rather than the system's allocator: Polars' readers and the pages allocate on every
/// core, and glibc's arenas per thread held freed memory back: on 10 M transactions the run's
/// peak was 1.07 GiB with them, 0.85–0.87 GiB with mimalloc, and the pages are made faster
/// (`docs/performance.md`, "The allocator").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
            let progress = uppfolj::cmd::generate::progress(&log);
            let config = uppfolj::find_config(config, &mut findings);
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
            uppfolj::cmd::generate::report(&log, result, &findings)
        }
        Command::Check {
            data,
            config,
            period,
        } => {
            let config = uppfolj::find_config(config, &mut findings);
            let result = uppfolj::check(&data, config.as_deref(), &period, &mut findings);
            uppfolj::cmd::check::report(&log, result, &findings)
        }
        Command::Watch {
            data,
            period,
            config,
            out,
            port,
        } => match uppfolj::watch_command(
            data,
            period,
            uppfolj::find_config(config, &mut findings),
            out,
            port,
        ) {
            Ok(()) => ExitCode::SUCCESS,
            Err(f) => log.fail(&f, &findings, false),
        },
        Command::Init {
            dir,
            sample,
            templates,
        } => match uppfolj::init::write(&dir, uppfolj::init::Options { sample, templates }) {
            Ok(_) => {
                let next = if sample {
                    "uppfolj generate --data data --out out"
                } else {
                    "save your exports in data/ (see README.txt), then: uppfolj check --data data"
                };
                println!(
                    "uppfolj: a project was written to {0}\nnext: cd {0} && {next}",
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
            let result = uppfolj::synth::write(&out, &opts);
            uppfolj::synth::report(&log, result, &out, &opts, &findings)
        }
        Command::Diff {
            old,
            new,
            format,
            config,
        } => {
            let shape = match format {
                DiffFormat::Text => uppfolj::cmd::diff::Output::Text,
                DiffFormat::Json => uppfolj::cmd::diff::Output::Json,
            };
            let config = uppfolj::find_config(config, &mut findings);
            match uppfolj::cmd::diff::run(&old, &new, shape, config.as_deref()) {
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
        Command::Man { command, out } => man(&log, command, out, &findings),
        Command::Serve(args) => serve(&log, args, &mut findings),
        Command::Round { command } => round(command),
    }
}

/// `uppfolj serve`: the round until killed.
fn serve(log: &Log, args: ServeArgs, findings: &mut Findings) -> ExitCode {
    use uppfolj::cmd::serve::{ServeError, ServeOptions};
    let opts = ServeOptions::from(args);
    let result = uppfolj::cmd::serve::serve(&opts, findings, |addr| {
        use std::io::Write;
        // Whoever started the server may have stopped reading its output: not a reason to stop.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "serving http://{addr}/");
        let _ = writeln!(out, "uppfolj: the round is open; stop with Ctrl-C");
        let _ = out.flush();
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(ServeError::Prepare(f)) => {
            log.findings(findings);
            log.fail(&f, findings, false)
        }
        Err(e) => {
            log.findings(findings);
            eprintln!("uppfolj: error: {e}");
            ExitCode::from(1)
        }
    }
}

/// `uppfolj round …`: accounts and backups of the round's store.
fn round(command: RoundCommand) -> ExitCode {
    use uppfolj::cmd::round;
    use uppfolj::cmd::serve::Role;
    let result = match command {
        RoundCommand::User {
            command:
                UserCommand::Add {
                    name,
                    role,
                    unit,
                    db,
                },
        } => {
            let role = match role {
                RoleArg::Controller => Role::Controller,
                RoleArg::Reporter => Role::Reporter,
                RoleArg::Reader => Role::Reader,
            };
            round::add_user(&db, &name, role, &unit, std::io::stdin().lock()).map(|()| {
                format!(
                    "uppfolj: account {name} ({}) saved in {}",
                    role.as_str(),
                    db.display()
                )
            })
        }
        RoundCommand::Backup { file, db } => round::backup(&db, &file)
            .map(|()| format!("uppfolj: {} copied to {}", db.display(), file.display())),
        RoundCommand::Export { dir, db, period } => round::export(&db, &dir, period.as_deref())
            .map(|n| {
                format!(
                    "uppfolj: the entries of {n} units written to {}",
                    dir.display()
                )
            }),
        RoundCommand::Import { dir, db, user } => round::import(&db, &dir, &user).map(|i| {
            format!(
                "uppfolj: {} entries imported into {} ({} already there)",
                i.saved,
                db.display(),
                i.unchanged
            )
        }),
    };
    match result {
        Ok(msg) => {
            println!("{msg}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("uppfolj: error: {e}");
            ExitCode::from(1)
        }
    }
}

/// `uppfolj man`: the pages into a folder, or one page on stdout (a reader that stops early,
/// as `uppfolj man | head` does, is no error).
fn man(
    log: &Log,
    command: Option<String>,
    out: Option<std::path::PathBuf>,
    findings: &Findings,
) -> ExitCode {
    if let Some(dir) = out {
        return match uppfolj::cmd::man::write(&dir) {
            Ok(names) => {
                println!(
                    "uppfolj: {} written to {}: {}",
                    count(names.len(), "manual page", "manual pages"),
                    dir.display(),
                    names.join(", ")
                );
                ExitCode::SUCCESS
            }
            Err(e) => log.fail(&Failure::Write(e), findings, false),
        };
    }
    let page = match uppfolj::cmd::man::page(command.as_deref()) {
        Ok(page) => page,
        Err(f) => return log.fail(&f, findings, false),
    };
    use std::io::Write;
    match std::io::stdout().write_all(&page) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => log.fail(
            &Failure::Write(uppfolj::IoError::at_stdout(e).into()),
            findings,
            false,
        ),
    }
}

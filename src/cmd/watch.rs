//! `uppfolj watch`: regenerate the HTML preview on every change and serve it on 127.0.0.1
//! with live reload.

#[path = "../watch.rs"]
mod server;

use std::path::PathBuf;

use crate::config::Config;
use crate::diag::Findings;
use crate::{Failure, Formats, GenerateOptions, generate};

/// Watches the data, config, templates and commentary; serves the preview on `port`.
pub fn watch_command(
    data: PathBuf,
    period: String,
    config: Option<PathBuf>,
    out: Option<PathBuf>,
    port: u16,
) -> Result<(), Failure> {
    let initial = Config::read(config.as_deref())?;
    let out = out.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("uppfolj-watch-{}", std::process::id()))
    });
    let mut watch = vec![data.clone()];
    watch.extend(config.clone());
    watch.extend(initial.templates.clone());
    watch.extend(initial.comments.clone());
    let opts = server::WatchOptions {
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
                if !matches!(failure, Failure::Data) {
                    lines.push(failure.chain());
                }
                Err(lines.join("\n"))
            }
        }
    };
    server::run(opts, build, |addr| {
        println!("serving http://{addr}/");
        println!("uppfolj: watching for changes; stop with Ctrl-C");
    })
    .map_err(Failure::Preview)
}

//! `uppfolj serve`: the month's round as a web application. Unit managers write their
//! commentary, full-year forecast and measures beside their unit's figures and mark the unit
//! done; the controller approves or sends back. This module loads the round (the same
//! config → load → compute as `check`), opens the store and runs the HTTP server.
//!
//! - [`store`]: the SQLite store (entries, history, states, audit log, accounts).
//! - [`auth`]: roles, rights, accounts, sessions, trusted proxies.
//! - [`api`]: the JSON API on axum.
//! - [`pages`]: the pages for the browser (login, start, unit, board) on the same rules.

pub mod api;
pub mod auth;
pub(crate) mod commentary;
pub mod pages;
mod report_view;
pub mod store;
mod words;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use crate::Failure;
use crate::diag::Findings;
use crate::model::period::Month;
use crate::model::tree::Tree;

pub use auth::{Cidr, Role};
pub use store::{Store, StoreError};

/// How `serve` learns who is asking.
#[derive(Debug, Clone)]
pub enum AuthMode {
    /// A reverse proxy that authenticates names the user in `header`; only requests from the
    /// `trusted` addresses are believed, every other one is refused.
    Header {
        /// The header's name (`X-Forwarded-User`).
        header: String,
        /// The proxies' addresses.
        trusted: Vec<Cidr>,
    },
    /// Built-in accounts (`uppfolj round user add`), logged in with `POST /api/login`.
    Password,
}

/// What `uppfolj serve` was given.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The data folder.
    pub data: PathBuf,
    /// The config file.
    pub config: Option<PathBuf>,
    /// The report month (`YYYY-MM` or `latest`).
    pub period: String,
    /// Address to listen on (port 0 picks a free one).
    pub listen: SocketAddr,
    /// The store; default [`default_db`].
    pub db: Option<PathBuf>,
    /// Header or password authentication.
    pub auth: AuthMode,
    /// Session cookies without `Secure` (plain-HTTP testing only).
    pub insecure_cookies: bool,
}

/// Why `serve` or `round` stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The data or config was refused (the findings say why).
    #[error("the data or config was refused")]
    Prepare(#[from] Failure),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The address could not be listened on, or the server failed.
    #[error("cannot serve on {0}: {1}")]
    Listen(SocketAddr, std::io::Error),
    /// `--auth header` without a trusted proxy would refuse every request.
    #[error(
        "--auth header needs --trusted-proxy with the address of the proxy that sets the header"
    )]
    NoProxy,
    /// The header name is not a header name.
    #[error("--user-header `{0}` is not a valid header name")]
    HeaderName(String),
}

/// The store's file when `--db` is not given: `round.db` beside the config, or in the data
/// folder without a config.
pub fn default_db(data: &Path, config: Option<&Path>) -> PathBuf {
    config
        .and_then(Path::parent)
        .map_or_else(|| data.to_path_buf(), Path::to_path_buf)
        .join("round.db")
}

/// A unit's key figures for the month, öre.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub(crate) struct KeyFigures {
    pub actual_ore: i64,
    pub budget_ore: i64,
    pub deviation_ore: i64,
    pub budget_year_ore: i64,
    /// The full-year forecast deviation the data's `forecast` table gives, if any.
    pub forecast_deviation_ore: Option<i64>,
}

/// What the round is about: the month, the tree and each unit's figures.
#[derive(Debug)]
pub(crate) struct Round {
    pub period: Month,
    pub tree: Tree,
    pub figures: Vec<KeyFigures>,
    /// The first month of the report month's fiscal year.
    pub year_start: Month,
    /// The grants of the data folder's `reporters` table, by user.
    pub reporters: Vec<(String, auth::Grant)>,
    /// The deadline, YYYY-MM-DD (the config's `round: { due }`), if one is set.
    pub due: Option<String>,
    /// The store the config names (`round: { db }`), if it has `round:`.
    pub db: Option<PathBuf>,
    /// What a unit's report page is rendered from, as `generate` renders it.
    pub report: pages::ReportParts,
}

/// The grants of the `reporters` table (user, unit, role), if the data has one; a role that
/// is none of the three is an error in the data.
fn reporters(
    data: &crate::load::Dataset,
    findings: &mut Findings,
) -> Result<Vec<(String, auth::Grant)>, Failure> {
    let Some(t) = data.get("reporters") else {
        return Ok(Vec::new());
    };
    let (users, units, roles) = (t.text("user"), t.text("unit"), t.text("role"));
    let mut out = Vec::with_capacity(t.len());
    for (i, ((user, unit), role)) in users.iter().zip(units).zip(roles).enumerate() {
        let Some(role) = Role::parse(role) else {
            let (file, row) = t.origin(i);
            findings.error(
                file,
                Some(row),
                Some("role"),
                format!("the role {role:?} is none of controller, reporter, reader"),
            );
            continue;
        };
        let grant = auth::Grant {
            role,
            units: vec![unit.clone()],
        };
        out.push((user.clone(), grant));
    }
    if findings.has_errors() {
        return Err(Failure::Data);
    }
    Ok(out)
}

/// The commentary sections a unit's entry can have, by key. The one place the round names
/// the report's sections.
pub(crate) fn sections() -> Vec<&'static str> {
    crate::compute::commentary::section_keys()
}

/// Loads the round: config → load → compute, as `check` does.
fn load(opts: &ServeOptions, findings: &mut Findings) -> Result<Round, Failure> {
    let config = crate::config::Config::read(opts.config.as_deref())?;
    // As `generate` prepares an HTML run: the report month's commentary is read, so that a
    // unit's report page shows what `generate` would.
    let p = crate::prepare(
        &opts.data,
        config,
        &opts.period,
        Some(crate::Formats::html_only()),
        findings,
        &mut crate::clock::Laps::start(),
    )?;
    let figures = p
        .computed
        .figures
        .units
        .iter()
        .map(|u| KeyFigures {
            actual_ore: u.acc.actual,
            budget_ore: u.acc.budget,
            deviation_ore: u.acc.deviation(),
            budget_year_ore: u.budget_year,
            forecast_deviation_ore: u.forecast.map(|f| f.deviation),
        })
        .collect();
    let reporters = reporters(&p.loaded.data, findings)?;
    let configured = p.loaded.config.round();
    Ok(Round {
        reporters,
        due: configured.and_then(|r| r.due.clone()),
        db: configured.map(|r| r.db.clone()),
        year_start: p.period.year_start(p.loaded.config.year_start()),
        period: p.period,
        tree: p.loaded.tree.clone(),
        figures,
        report: pages::ReportParts {
            files: p.files,
            commentary: p.commentary,
            loaded: p.loaded,
            computed: p.computed,
            templates: p.templates,
        },
    })
}

/// `uppfolj serve`: loads the round, opens the store and serves until killed; `ready` is
/// told the address once the server listens.
pub fn serve(
    opts: &ServeOptions,
    findings: &mut Findings,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    if let AuthMode::Header { header, trusted } = &opts.auth {
        if trusted.is_empty() {
            return Err(ServeError::NoProxy);
        }
        if axum::http::HeaderName::from_bytes(header.as_bytes()).is_err() {
            return Err(ServeError::HeaderName(header.clone()));
        }
    }
    let round = load(opts, findings)?;
    let db = opts
        .db
        .clone()
        .or_else(|| round.db.clone())
        .unwrap_or_else(|| default_db(&opts.data, opts.config.as_deref()));
    let store = Store::open(&db)?;
    let app = api::App::new(store, round, opts.auth.clone(), !opts.insecure_cookies);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .build()
        .map_err(|e| ServeError::Listen(opts.listen, e))?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(opts.listen)
            .await
            .map_err(|e| ServeError::Listen(opts.listen, e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| ServeError::Listen(opts.listen, e))?;
        ready(addr);
        axum::serve(
            listener,
            api::router(app, pages::routes()).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .map_err(|e| ServeError::Listen(addr, e))
    })
}

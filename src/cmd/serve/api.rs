//! The round's JSON API on axum. Every request is authenticated (trusted proxy header or
//! session cookie) and checked against the caller's rights on the server; every
//! state-changing request must come from the same origin and carry the session's CSRF token.
//! Refusals of another unit, a foreign origin, a missing token or an untrusted proxy are
//! written to the store's audit log.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{self, Grant, Rights, Role, Sessions};
use super::store::State as UnitStep;
use super::store::{Content, Entry, Kind, Measure, Outcome, Store, StoreError, Transition};
use super::{AuthMode, Round};
use crate::model::money::{DecimalMark, parse_ore};
use crate::model::period::{Month, parse_date};

/// The largest request body, bytes.
pub const MAX_BODY: usize = 256 * 1024;
/// The longest commentary section, characters.
pub const MAX_TEXT: usize = 20_000;
/// The longest comment a unit is sent back with, characters.
pub const MAX_COMMENT: usize = 2_000;
/// The most measures a unit can have.
pub const MAX_MEASURES: usize = 200;
/// The longest name or status of a measure, characters.
pub const MAX_FIELD: usize = 300;

pub(super) const COOKIE: &str = "uppfolj_session";
const CSRF_HEADER: &str = "x-csrf-token";
const CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// The server's state: the store, the round, how users are known and their sessions.
#[derive(Debug)]
pub struct App {
    store: Mutex<Store>,
    pub(super) round: Round,
    pub(super) auth: AuthMode,
    pub(super) sessions: Sessions,
    secure_cookies: bool,
}

impl App {
    pub(crate) fn new(
        store: Store,
        round: Round,
        auth: AuthMode,
        secure_cookies: bool,
    ) -> Arc<App> {
        Arc::new(App {
            store: Mutex::new(store),
            round,
            auth,
            sessions: Sessions::default(),
            secure_cookies,
        })
    }

    pub(super) fn period(&self) -> String {
        self.round.period.to_string()
    }
}

/// A refused or failed request: its status, message and machine-readable code (JSON
/// `{"error": …, "code": …}`; the pages show the report language's words for the code).
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Not logged in, or not known.
    #[error("{0}")]
    Unauthorized(String),
    /// A login with an unknown user or a wrong password.
    #[error("unknown user or wrong password")]
    LoginFailed,
    /// Known, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// A state-changing request from another site or without the session's token.
    #[error("{0}")]
    CrossSite(String),
    /// No such unit or section.
    #[error("{0}")]
    NotFound(String),
    /// The request is malformed: the message says how, the code what kind of problem, the
    /// row which measure (counted from 1).
    #[error("{message}")]
    BadRequest {
        /// What kind of problem (`not_an_amount`, `measure_due`, …).
        code: &'static str,
        /// The measure's row, counted from 1, when the problem is one measure's.
        row: Option<usize>,
        /// What is wrong, in the API's words.
        message: String,
    },
    /// A stale version or a state that does not allow it: the current entry or state.
    #[error("{message}")]
    Conflict {
        /// `stale`, `approved` or `wrong_state`.
        code: &'static str,
        /// What happened.
        message: String,
        /// The current entry or state.
        current: Value,
    },
    /// Too many failed logins from this address.
    #[error("too many failed logins from this address; wait a minute")]
    TooMany,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A worker thread failed.
    #[error("the server failed to finish the request")]
    Internal,
}

impl ApiError {
    /// The HTTP status of the refusal or failure.
    pub(super) fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized(_) | ApiError::LoginFailed => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) | ApiError::CrossSite(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::TooMany => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Store(_) | ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The machine-readable code (one of [`super::words::ERROR_CODES`]).
    pub(super) fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthorized(_) => "not_logged_in",
            ApiError::LoginFailed => "login_failed",
            ApiError::TooMany => "too_many_logins",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::CrossSite(_) => "foreign_origin",
            ApiError::NotFound(_) => "not_found",
            ApiError::BadRequest { code, .. } | ApiError::Conflict { code, .. } => code,
            ApiError::Store(_) | ApiError::Internal => "server",
        }
    }

    /// The measure's row a bad request names, if any.
    pub(super) fn row(&self) -> Option<usize> {
        match self {
            ApiError::BadRequest { row, .. } => *row,
            _ => None,
        }
    }

    /// A bad request of the kind `code`.
    pub(super) fn bad(code: &'static str, message: String) -> ApiError {
        ApiError::BadRequest {
            code,
            row: None,
            message,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut body = json!({"error": self.to_string(), "code": self.code()});
        if let Some(row) = self.row() {
            body["row"] = json!(row);
        }
        if let ApiError::Conflict { current, .. } = self {
            body["current"] = current;
        }
        (status, axum::Json(body)).into_response()
    }
}

type Api<T> = Result<T, ApiError>;

/// Runs `f` on the store in a blocking thread (a save waits for its fsync there).
pub(super) async fn with_store<T, F>(app: &Arc<App>, f: F) -> Api<T>
where
    T: Send + 'static,
    F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
{
    let app = Arc::clone(app);
    tokio::task::spawn_blocking(move || {
        let mut s = app
            .store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut s)
    })
    .await
    .map_err(|_| ApiError::Internal)?
    .map_err(ApiError::from)
}

/// The request as the audit log names it.
#[derive(Debug, Clone)]
pub(super) struct Origin {
    pub(super) ip: IpAddr,
    method: String,
    path: String,
}

/// Writes a refusal to the audit log and returns it.
pub(super) async fn refuse(
    app: &Arc<App>,
    user: Option<&str>,
    at: &Origin,
    err: ApiError,
) -> ApiError {
    let (user, at, reason) = (user.map(str::to_string), at.clone(), err.to_string());
    let logged = with_store(app, move |s| {
        s.audit(
            user.as_deref(),
            &at.ip.to_string(),
            &at.method,
            &at.path,
            &reason,
        )
    })
    .await;
    match logged {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// The authenticated caller of a request, with their rights and CSRF token.
#[derive(Debug)]
pub(crate) struct Caller {
    pub(super) user: String,
    pub(super) rights: Rights,
    pub(super) csrf: String,
    pub(super) at: Origin,
    origin_ok: bool,
    token: Option<String>,
}

fn origin_of(parts: &Parts) -> Origin {
    let ip = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    Origin {
        ip,
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
    }
}

/// Whether the request's `Origin`, if any, is the server's own (its `Host`).
pub(super) fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let authority = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, a)| a.trim_end_matches('/'));
    matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
}

pub(super) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// Tokens compared in time independent of where they differ; empty never matches.
pub(super) fn same_token(a: &str, b: &str) -> bool {
    !a.is_empty()
        && a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

impl FromRequestParts<Arc<App>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Api<Caller> {
        let at = origin_of(parts);
        let (user, csrf) = match &app.auth {
            AuthMode::Header { header, trusted } => {
                if !trusted.iter().any(|c| c.contains(at.ip)) {
                    let e = ApiError::Unauthorized(format!(
                        "requests are only accepted through the trusted proxy; {} is not one",
                        at.ip
                    ));
                    return Err(refuse(app, None, &at, e).await);
                }
                let user = parts
                    .headers
                    .get(header.as_str())
                    .and_then(|v| v.to_str().ok())
                    .map(str::trim)
                    .filter(|u| !u.is_empty())
                    .ok_or_else(|| {
                        ApiError::Unauthorized(format!(
                            "the proxy did not name the user in {header}"
                        ))
                    })?
                    .to_string();
                let csrf = app.sessions.header_token(&user);
                (user, csrf)
            }
            AuthMode::Password => {
                let s = cookie(&parts.headers, COOKIE)
                    .filter(|c| !c.is_empty())
                    .and_then(|c| app.sessions.by_cookie(&c))
                    .ok_or_else(|| {
                        ApiError::Unauthorized("not logged in (POST /api/login)".into())
                    })?;
                (s.user, s.csrf)
            }
        };
        let name = user.clone();
        let account = with_store(app, move |s| s.account(&name)).await?;
        // The union of the built-in account's grant and the `reporters` table's.
        let mut grants: Vec<Grant> = account
            .into_iter()
            .filter_map(|a| {
                Role::parse(&a.role).map(|role| Grant {
                    role,
                    units: a.units,
                })
            })
            .collect();
        grants.extend(
            app.round
                .reporters
                .iter()
                .filter(|(u, _)| *u == user)
                .map(|(_, g)| g.clone()),
        );
        Ok(Caller {
            rights: Rights::of(&app.round.tree, &grants),
            user,
            csrf,
            at,
            origin_ok: same_origin(&parts.headers),
            token: parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        })
    }
}

/// What a request on a unit may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Need {
    Read,
    Write,
    Control,
}

impl Caller {
    /// The nodes the caller may read, in tree order.
    pub(super) fn visible(&self, app: &App) -> Vec<usize> {
        let tree = &app.round.tree;
        let order = tree.order.iter().copied();
        order.filter(|&n| self.rights.can_read(n)).collect()
    }

    /// Refuses a state-changing request from a foreign origin or without the session's token.
    pub(super) async fn changing(&self, app: &Arc<App>) -> Api<()> {
        let err = if !self.origin_ok {
            ApiError::CrossSite("the request comes from another site (Origin)".into())
        } else if !self
            .token
            .as_deref()
            .is_some_and(|t| same_token(t, &self.csrf))
        {
            ApiError::CrossSite(format!(
                "the request lacks the session's token ({CSRF_HEADER}; GET /api/session gives it)"
            ))
        } else {
            return Ok(());
        };
        Err(refuse(app, Some(&self.user), &self.at, err).await)
    }

    /// The checks of a state-changing request on a unit: [`Caller::changing`], then
    /// [`Caller::unit`].
    async fn changing_unit(&self, app: &Arc<App>, code: &str, need: Need) -> Api<usize> {
        self.changing(app).await?;
        self.unit(app, code, need).await
    }

    /// The unit's node if it exists (404) and the caller may do `need` with it (403).
    pub(super) async fn unit(&self, app: &Arc<App>, code: &str, need: Need) -> Api<usize> {
        let node = app
            .round
            .tree
            .get(code)
            .ok_or_else(|| ApiError::NotFound(format!("there is no unit {code}")))?;
        let ok = match need {
            Need::Read => self.rights.can_read(node),
            Need::Write => self.rights.can_write(node),
            Need::Control => self.rights.controller,
        };
        if ok {
            return Ok(node);
        }
        let what = match need {
            Need::Read => "read",
            Need::Write => "write for",
            Need::Control => "approve or send back",
        };
        let e = ApiError::Forbidden(format!("{} may not {what} unit {code}", self.user));
        Err(refuse(app, Some(&self.user), &self.at, e).await)
    }
}

/// The API's routes and `more` (the pages), the body limit and the security headers on
/// every response.
pub fn router(app: Arc<App>, more: Router<Arc<App>>) -> Router {
    Router::new()
        .route("/api/login", post(login))
        .route("/api/session", get(session))
        .route("/api/round", get(round))
        .route("/api/board.csv", get(board))
        .route("/api/units/{unit}", get(unit))
        .route("/api/units/{unit}/history", get(history))
        .route("/api/units/{unit}/commentary/{section}", put(commentary))
        .route("/api/units/{unit}/forecast", put(forecast))
        .route("/api/units/{unit}/measures", put(measures))
        .route("/api/units/{unit}/done", post(done))
        .route("/api/units/{unit}/approve", post(approve))
        .route("/api/units/{unit}/return", post(send_back))
        .merge(more)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::map_response(secure))
        .with_state(app)
}

async fn secure(mut r: Response) -> Response {
    let h = r.headers_mut();
    // A page sets its own policy (scripts and styles from the server's own path); every
    // other response gets the API's, which allows nothing.
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(CSP));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("no-referrer"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

pub(super) fn parse<T: serde::de::DeserializeOwned>(body: &Bytes) -> Api<T> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad(
            "bad_json",
            format!("the request body is not the JSON expected: {e}"),
        )
    })
}

/// A login: `POST /api/login`'s JSON and the login page's form.
#[derive(Deserialize)]
pub(super) struct Login {
    pub(super) user: String,
    pub(super) password: String,
}

async fn login(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Api<Response> {
    let l: Login = parse(&body)?;
    let (set, s) = log_in(&app, peer, &headers, l.user, l.password).await?;
    let mut r = axum::Json(json!({"user": s.user, "csrf_token": s.csrf})).into_response();
    r.headers_mut().insert(header::SET_COOKIE, set);
    Ok(r)
}

/// Checks a login (same origin, the rate limit, the password) and opens a session: the
/// `Set-Cookie` value and the session. Shared by `POST /api/login` and the login page.
pub(super) async fn log_in(
    app: &Arc<App>,
    peer: SocketAddr,
    headers: &HeaderMap,
    user: String,
    password: String,
) -> Api<(HeaderValue, auth::Session)> {
    let app = Arc::clone(app);
    if !matches!(app.auth, AuthMode::Password) {
        return Err(ApiError::NotFound(
            "logins are the proxy's job here (--auth header)".into(),
        ));
    }
    let at = Origin {
        ip: peer.ip(),
        method: "POST".into(),
        path: "/api/login".into(),
    };
    if !same_origin(headers) {
        let e = ApiError::CrossSite("the request comes from another site (Origin)".into());
        return Err(refuse(&app, None, &at, e).await);
    }
    if !app.sessions.may_try(peer.ip()) {
        return Err(refuse(&app, None, &at, ApiError::TooMany).await);
    }
    let name = user.clone();
    let ok = with_store(&app, move |s| {
        Ok(s.account(&name)?
            .and_then(|a| a.hash)
            .is_some_and(|h| auth::verify_password(&password, &h)))
    })
    .await?;
    if !ok {
        app.sessions.failed(peer.ip());
        let e = ApiError::LoginFailed;
        return Err(refuse(&app, Some(&user), &at, e).await);
    }
    let (cookie, s) = app.sessions.open(&user);
    Ok((
        session_cookie(&app, &cookie, auth::SESSION_LIFETIME.as_secs()),
        s,
    ))
}

/// The `Set-Cookie` value of a session cookie lasting `age` seconds (0: removes it).
pub(super) fn session_cookie(app: &App, cookie: &str, age: u64) -> HeaderValue {
    let secure = if app.secure_cookies { "; Secure" } else { "" };
    let set =
        format!("{COOKIE}={cookie}; HttpOnly; SameSite=Strict; Path=/; Max-Age={age}{secure}");
    // The cookie is hex: always a valid header value.
    HeaderValue::from_str(&set).unwrap_or(HeaderValue::from_static(""))
}

async fn session(caller: Caller) -> Api<axum::Json<Value>> {
    Ok(axum::Json(json!({
        "user": caller.user,
        "controller": caller.rights.controller,
        "csrf_token": caller.csrf,
    })))
}

/// Each node's state and last save for the month, in the order given.
pub(super) async fn board_rows(
    app: &Arc<App>,
    nodes: &[usize],
) -> Api<Vec<super::store::BoardRow>> {
    let tree = &app.round.tree;
    let codes: Vec<String> = nodes.iter().map(|&n| tree.nodes[n].code.clone()).collect();
    let period = app.period();
    with_store(app, move |s| {
        let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
        s.board(&period, &refs)
    })
    .await
}

async fn round(State(app): State<Arc<App>>, caller: Caller) -> Api<axum::Json<Value>> {
    let tree = &app.round.tree;
    let visible = caller.visible(&app);
    let rows = board_rows(&app, &visible).await?;
    let units: Vec<Value> = visible
        .iter()
        .zip(rows)
        .map(|(&n, r)| {
            json!({
                "unit": r.unit,
                "name": tree.nodes[n].name,
                "parent": tree.nodes[n].parent.map(|p| tree.nodes[p].code.clone()),
                "state": r.state.state,
                "saved_by": r.saved_by,
                "saved_at": r.saved_at,
                "may_write": caller.rights.can_write(n),
            })
        })
        .collect();
    Ok(axum::Json(json!({
        "period": app.period(),
        "deadline": app.round.due,
        "sections": super::sections(),
        "units": units,
    })))
}

async fn unit(u: OnUnit) -> Api<axum::Json<Value>> {
    let node = u.read().await?;
    let OnUnit {
        app, caller, code, ..
    } = u;
    let (period, c) = (app.period(), code.clone());
    let (commentary, forecast, measures, state, last) = with_store(&app, move |s| {
        let mut commentary = serde_json::Map::new();
        for key in super::sections() {
            let e = s.entry(&period, &c, &Kind::Commentary(key.to_string()))?;
            commentary.insert(key.to_string(), json!(e));
        }
        let forecast = s.entry(&period, &c, &Kind::Forecast)?;
        let measures = s.entry(&period, &c, &Kind::Measures)?;
        let state = s.state(&period, &c)?;
        let last = s.board(&period, &[c.as_str()])?;
        Ok((commentary, forecast, measures, state, last))
    })
    .await?;
    let last = last.into_iter().next();
    Ok(axum::Json(json!({
        "unit": code,
        "name": app.round.tree.nodes[node].name,
        "period": app.period(),
        "figures": app.round.figures.get(node),
        "commentary": commentary,
        "forecast": forecast,
        "measures": measures,
        "state": state,
        "may_write": caller.rights.can_write(node),
        "saved_by": last.as_ref().and_then(|l| l.saved_by.clone()),
        "saved_at": last.and_then(|l| l.saved_at),
    })))
}

async fn history(u: OnUnit) -> Api<axum::Json<Value>> {
    u.read().await?;
    let (period, code) = (u.app.period(), u.code);
    let h = with_store(&u.app, move |s| s.history(&period, &code)).await?;
    Ok(axum::Json(json!({ "history": h })))
}

/// The path of a request on one unit (and, for commentary, the section).
#[derive(Deserialize)]
struct UnitPath {
    unit: String,
    #[serde(default)]
    section: Option<String>,
}

/// A request on one unit: the server, the authenticated caller and the unit's code.
struct OnUnit {
    app: Arc<App>,
    caller: Caller,
    code: String,
    section: Option<String>,
}

impl FromRequestParts<Arc<App>> for OnUnit {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Api<OnUnit> {
        let caller = Caller::from_request_parts(parts, app).await?;
        let Path(p) = Path::<UnitPath>::from_request_parts(parts, app)
            .await
            .map_err(|e| ApiError::NotFound(e.body_text()))?;
        Ok(OnUnit {
            app: Arc::clone(app),
            caller,
            code: p.unit,
            section: p.section,
        })
    }
}

impl OnUnit {
    /// The unit's node, if the caller may read it.
    async fn read(&self) -> Api<usize> {
        self.caller.unit(&self.app, &self.code, Need::Read).await
    }

    /// The checks of a state-changing request ([`Caller::changing_unit`]), then the body.
    async fn begin<T: serde::de::DeserializeOwned>(&self, need: Need, body: &Bytes) -> Api<T> {
        self.caller
            .changing_unit(&self.app, &self.code, need)
            .await?;
        parse(body)
    }

    /// Saves an entry: 200 with the new version, or 409 with the current entry or state.
    async fn save(self, kind: Kind, content: Content, version: i64) -> Api<axum::Json<Value>> {
        let (period, who, code) = (self.app.period(), self.caller.user, self.code);
        let out = with_store(&self.app, move |s| {
            s.save((&period, &code), &kind, &content, version, &who)
        })
        .await?;
        match out {
            Outcome::Done(v) => Ok(axum::Json(json!({ "version": v }))),
            Outcome::Stale(current) => Err(stale(&current)),
            Outcome::Refused(state) => Err(ApiError::Conflict {
                code: "approved",
                message:
                    "the unit is approved; the controller must send it back before it can change"
                        .into(),
                current: json!(state),
            }),
        }
    }

    /// Moves the unit to the state `t` leads to: 200 with the state, or 409 with the current one.
    async fn change(self, t: Transition, comment: Option<String>) -> Api<axum::Json<Value>> {
        let (period, who, code) = (self.app.period(), self.caller.user, self.code);
        let out = with_store(&self.app, move |s| {
            s.transition((&period, &code), t, comment.as_deref(), &who)
        })
        .await?;
        match out {
            Outcome::Done(state) => Ok(axum::Json(json!(state))),
            Outcome::Stale(e) => Err(stale(&e)),
            Outcome::Refused(state) => Err(ApiError::Conflict {
                code: "wrong_state",
                message: format!(
                    "the unit is {}: that step is not possible now",
                    state.state.as_str()
                ),
                current: json!(state),
            }),
        }
    }
}

fn stale(current: &Entry) -> ApiError {
    ApiError::Conflict {
        code: "stale",
        message: format!(
            "the entry was saved by someone else in the meantime (version {}); nothing was overwritten",
            current.version
        ),
        current: json!(current),
    }
}

#[derive(Deserialize)]
struct TextSave {
    text: String,
    version: i64,
}

async fn commentary(u: OnUnit, body: Bytes) -> Api<axum::Json<Value>> {
    let section = u.section.clone().unwrap_or_default();
    if !super::sections().contains(&section.as_str()) {
        return Err(ApiError::NotFound(format!(
            "there is no commentary section {section}; the sections are {}",
            super::sections().join(", ")
        )));
    }
    let b: TextSave = u.begin(Need::Write, &body).await?;
    check_length(&b.text)?;
    let content = Content::Text { text: b.text };
    u.save(Kind::Commentary(section), content, b.version).await
}

/// Refuses a commentary text longer than a section holds.
pub(super) fn check_length(text: &str) -> Api<()> {
    let n = text.chars().count();
    if n > MAX_TEXT {
        return Err(ApiError::bad(
            "too_long",
            format!("the text has {n} characters; a section holds at most {MAX_TEXT}"),
        ));
    }
    Ok(())
}

/// An amount in kronor: a JSON number or a text (`-1 200 000,50`, `1200000.5`) → öre.
fn amount(v: &Value, what: &str) -> Api<i64> {
    let bad = |code: &'static str, why: &str| {
        ApiError::bad(code, format!("{what}: {v} is not an amount in kronor{why}"))
    };
    let (text, mark) = match v {
        Value::Number(n) => (n.to_string(), DecimalMark::Point),
        Value::String(s) => (s.clone(), DecimalMark::Comma),
        _ => return Err(bad("not_an_amount", "")),
    };
    match parse_ore(&text, mark) {
        Ok((ore, false)) => Ok(ore),
        Ok((_, true)) => Err(bad("too_many_decimals", " with at most two decimals")),
        Err(_) => Err(bad("not_an_amount", "")),
    }
}

#[derive(Deserialize)]
struct ForecastSave {
    deviation: Value,
    version: i64,
}

async fn forecast(u: OnUnit, body: Bytes) -> Api<axum::Json<Value>> {
    let b: ForecastSave = u.begin(Need::Write, &body).await?;
    let deviation_ore = amount(&b.deviation, "the forecast deviation")?;
    let content = Content::Forecast { deviation_ore };
    u.save(Kind::Forecast, content, b.version).await
}

#[derive(Deserialize)]
struct MeasureIn {
    name: String,
    expected: Value,
    #[serde(default)]
    realized: Option<Value>,
    #[serde(default)]
    decided: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    in_forecast: bool,
}

#[derive(Deserialize)]
struct MeasuresSave {
    measures: Vec<MeasureIn>,
    version: i64,
}

/// A measure checked: amounts exact, the decision (if given) a date, the due month (if given)
/// inside the fiscal year of the report month.
fn measure(m: MeasureIn, i: usize, year_start: Month) -> Api<Measure> {
    let what = |f: &str| format!("measure {}: {f}", i + 1);
    // Every problem of a measure names its row (counted from 1).
    let bad = |code: &'static str, message: String| ApiError::BadRequest {
        code,
        row: Some(i + 1),
        message,
    };
    let on_row = |e: ApiError| match e {
        ApiError::BadRequest { code, message, .. } => bad(code, message),
        other => other,
    };
    let name = m.name.trim().to_string();
    if name.is_empty() || name.chars().count() > MAX_FIELD {
        return Err(bad(
            "measure_name",
            what(&format!("the name must have 1 to {MAX_FIELD} characters")),
        ));
    }
    if m.status.chars().count() > MAX_FIELD {
        return Err(bad(
            "measure_status",
            what(&format!("the status has more than {MAX_FIELD} characters")),
        ));
    }
    let expected_ore = amount(&m.expected, &what("the expected effect")).map_err(on_row)?;
    let realized_ore = match &m.realized {
        None | Some(Value::Null) => 0,
        Some(v) => amount(v, &what("the realized effect")).map_err(on_row)?,
    };
    let (decided, due) = (m.decided.trim(), m.due.trim());
    if !decided.is_empty() && parse_date(decided).is_none() {
        return Err(bad(
            "measure_decided",
            what(&format!(
                "the decision date {decided:?} is not a date YYYY-MM-DD"
            )),
        ));
    }
    let end = year_start.plus(11);
    let due = match Month::parse(due).filter(|d| (year_start..=end).contains(d)) {
        Some(d) => d.to_string(),
        None if due.is_empty() => String::new(),
        None => {
            return Err(bad(
                "measure_due",
                what(&format!(
                    "the due month {due:?} is not a month YYYY-MM from {year_start} to {end}"
                )),
            ));
        }
    };
    Ok(Measure {
        name,
        expected_ore,
        realized_ore,
        decided: decided.to_string(),
        due,
        status: m.status.trim().to_string(),
        in_forecast: m.in_forecast,
    })
}

async fn measures(u: OnUnit, body: Bytes) -> Api<axum::Json<Value>> {
    let b: MeasuresSave = u.begin(Need::Write, &body).await?;
    if b.measures.len() > MAX_MEASURES {
        return Err(ApiError::bad(
            "too_many_measures",
            format!(
                "{} measures; a unit has at most {MAX_MEASURES}",
                b.measures.len()
            ),
        ));
    }
    let list = b
        .measures
        .into_iter()
        .enumerate()
        .map(|(i, m)| measure(m, i, u.app.round.year_start))
        .collect::<Api<Vec<Measure>>>()?;
    let content = Content::Measures { measures: list };
    u.save(Kind::Measures, content, b.version).await
}

async fn done(u: OnUnit) -> Api<axum::Json<Value>> {
    u.caller.changing_unit(&u.app, &u.code, Need::Write).await?;
    u.change(Transition::Done, None).await
}

async fn approve(u: OnUnit) -> Api<axum::Json<Value>> {
    u.caller
        .changing_unit(&u.app, &u.code, Need::Control)
        .await?;
    u.change(Transition::Approve, None).await
}

#[derive(Deserialize)]
struct SendBack {
    comment: String,
}

async fn send_back(u: OnUnit, body: Bytes) -> Api<axum::Json<Value>> {
    let b: SendBack = u.begin(Need::Control, &body).await?;
    let comment = b.comment.trim().to_string();
    let n = comment.chars().count();
    if n == 0 || n > MAX_COMMENT {
        return Err(ApiError::bad(
            "comment_required",
            format!("a unit is sent back with a comment of 1 to {MAX_COMMENT} characters"),
        ));
    }
    u.change(Transition::Return, Some(comment)).await
}

/// A CSV cell that a spreadsheet will not run as a formula.
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// The units not done (not started, draft, sent back), in tree order, for the reminder.
async fn board(State(app): State<Arc<App>>, caller: Caller) -> Api<Response> {
    if !caller.rights.controller {
        let e = ApiError::Forbidden(format!("{} may not see the board", caller.user));
        return Err(refuse(&app, Some(&caller.user), &caller.at, e).await);
    }
    let tree = &app.round.tree;
    let rows = board_rows(&app, &tree.order).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut write = |rec: &[&str]| {
        let r: Vec<String> = rec.iter().map(|c| cell(c)).collect();
        w.write_record(&r).map_err(|_| ApiError::Internal)
    };
    write(&["unit", "name", "state", "saved_by", "saved_at", "comment"])?;
    for (r, &n) in rows.iter().zip(&tree.order) {
        if matches!(r.state.state, UnitStep::Done | UnitStep::Approved) {
            continue;
        }
        write(&[
            r.unit.as_str(),
            tree.nodes[n].name.as_str(),
            r.state.state.as_str(),
            r.saved_by.as_deref().unwrap_or(""),
            r.saved_at.as_deref().unwrap_or(""),
            r.state.comment.as_deref().unwrap_or(""),
        ])?;
    }
    let bytes = w.into_inner().map_err(|_| ApiError::Internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"not-done.csv\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

//! The round's pages for the browser: login, the start page (the units the user may see),
//! a unit's page (its figures, the report page `generate` makes, and beside each commentary
//! section an editor with a preview; the forecast, the measures, the state) and the
//! controller's board. Pages are Tera templates (`templates/round/`) in the report's
//! language; the small script that previews and saves (`pages/round.js`) and the style sheet
//! are embedded in the binary and served from the server's own path, so the pages' policy
//! allows no inline script. Every page goes through the API's access rules: another unit's
//! page answers 403 and is written to the audit log.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::api::{self, ApiError, App, Caller, Need};
use super::store::State as Step;
use super::store::{BoardRow, Content, Entry, Kind, UnitState};
use super::{AuthMode, report_view, words};
use crate::model::section;
use crate::{compute, load, present, render};

/// The pages' policy: scripts, styles and requests to the server's own path only.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// The report page's policy: no script at all; its own embedded style sheet and figures.
const REPORT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The pages' script: the live preview, saving (with the 409 view of both texts), the
/// measures' rows and the state buttons.
const SCRIPT: &str = include_str!("pages/round.js");
/// The pages' style sheet.
const STYLE: &str = include_str!("pages/round.css");

/// What a unit's report page is rendered from: the loaded data, figures, file names,
/// the report month's commentary files and the templates, as `generate` has them.
pub(crate) struct ReportParts {
    pub files: Vec<String>,
    pub commentary: Vec<Option<String>>,
    pub loaded: load::Loaded,
    pub computed: compute::Computed,
    pub templates: render::templates::Templates,
}

impl fmt::Debug for ReportParts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReportParts")
            .field("units", &self.files.len())
            .finish_non_exhaustive()
    }
}

impl ReportParts {
    /// The commentary of a unit as the report would show it now: each section the round has
    /// saved replaces the file's text of that section; the others keep the file's.
    fn commentary_with(&self, node: usize, round: &BTreeMap<String, String>) -> Option<String> {
        let mut parts = self.commentary[node]
            .as_deref()
            .map(compute::commentary::split)
            .unwrap_or_default();
        for (k, v) in round {
            parts.insert(k.clone(), v.clone());
        }
        let md = super::commentary::assemble(&parts);
        (!md.trim().is_empty()).then_some(md)
    }

    /// A unit's report page as `generate` renders it (HTML only), with the commentary as
    /// the round has it now.
    fn page(&self, node: usize, round: &BTreeMap<String, String>) -> Result<Vec<u8>, String> {
        let mut commentary = self.commentary.clone();
        commentary[node] = self.commentary_with(node, round);
        let basis = compute::basis(&self.loaded, &self.computed, None);
        let views = present::reports(
            &basis,
            &self.files,
            &commentary,
            self.templates.lang.clone(),
            crate::clock::generated_epoch(),
            &[node],
        );
        let pages = render::html_pages(&self.templates, &views).map_err(|e| e.to_string())?;
        pages
            .into_iter()
            .next()
            .map(|(_, bytes)| bytes)
            .ok_or_else(|| "no page was rendered".to_string())
    }

    /// A unit's report as its page shows it, cut where each of the sections `keys` shows its
    /// commentary (see [`report_view`]); also the keys the report does not show.
    fn view(
        &self,
        node: usize,
        keys: &[&'static str],
        tree: &crate::model::tree::Tree,
    ) -> Result<(Vec<report_view::Chunk>, Vec<&'static str>), String> {
        let markers: BTreeMap<String, String> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.to_string(), report_view::marker(i)))
            .collect();
        let page = self.page(node, &markers)?;
        let page = String::from_utf8_lossy(&page);
        let link = |stem: &str| {
            if stem == "index" {
                return Some("/".to_string());
            }
            let n = self.files.iter().position(|f| f == stem)?;
            Some(format!("/units/{}", tree.nodes.get(n)?.code))
        };
        Ok(report_view::cut(&page, keys, &link))
    }

    /// The commentary sections of a unit's report, by key.
    fn sections(&self, node: usize) -> Vec<&'static str> {
        self.computed
            .sections
            .get(node)
            .map(|s| compute::commentary::sections_for(s).collect())
            .unwrap_or_else(|| vec![section::SUMMARY])
    }
}

/// The pages' routes (merged into the API's router, under its body limit and headers).
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(start))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/units/{unit}", get(unit_page))
        .route("/report/{page}", get(report_page))
        .route("/board", get(board_page))
        .route("/static/round.js", get(script))
        .route("/static/round.css", get(style))
        .route("/static/report.css", get(report_style))
        .route("/api/preview", post(preview))
        .fallback(no_such_page)
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

/// The report's own style sheet (the templates' `style.css`, which a report page embeds),
/// for the report shown in a unit's page.
async fn report_style(State(app): State<Arc<App>>) -> Response {
    let tera = &app.round.report.templates.tera;
    match tera.render("style.css", &tera::Context::new()) {
        Ok(css) => ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], css).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A page: HTML with the pages' policy.
fn html(status: StatusCode, body: String) -> Response {
    let mut r = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    // With `no-referrer` a browser sends a form's POST with `Origin: null`, which the
    // same-origin check refuses; `same-origin` still tells other sites nothing.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    r
}

/// The words and the caller every page has.
fn context(app: &App, caller: Option<&Caller>) -> tera::Context {
    let t = &app.round.report.templates;
    let mut ctx = tera::Context::new();
    ctx.insert("t", &t.labels);
    let period = app.round.period;
    let month = t.lang.month(period.month());
    ctx.insert("period_name", &format!("{month} {}", period.year()));
    ctx.insert("password_mode", &matches!(app.auth, AuthMode::Password));
    ctx.insert("user", &caller.map(|c| c.user.as_str()));
    ctx.insert("csrf", &caller.map(|c| c.csrf.as_str()));
    ctx.insert("controller", &caller.is_some_and(|c| c.rights.controller));
    ctx
}

/// Renders a template of `templates/round/`, or the error page when it fails.
fn render_page(app: &App, name: &str, ctx: &tera::Context, status: StatusCode) -> Response {
    match app.round.report.templates.tera.render(name, ctx) {
        Ok(body) => html(status, body),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the page {name} could not be rendered: {e}\n"),
        )
            .into_response(),
    }
}

/// The page of a refusal or failure: not logged in leads to the login page (built-in
/// accounts), anything else is an error page with the status and the reason.
fn failed(app: &App, caller: Option<&Caller>, err: ApiError) -> Response {
    if matches!(err, ApiError::Unauthorized(_)) && matches!(app.auth, AuthMode::Password) {
        return Redirect::to("/login").into_response();
    }
    let status = err.status();
    let labels = &app.round.report.templates.labels;
    let word = |k: &str| labels.get(k).cloned().unwrap_or_else(|| k.to_string());
    let title = match status {
        StatusCode::FORBIDDEN => word("round_forbidden"),
        StatusCode::NOT_FOUND => word("round_not_found"),
        StatusCode::UNAUTHORIZED => word("round_not_logged_in"),
        _ => word("round_error"),
    };
    let mut ctx = context(app, caller);
    ctx.insert("title", &title);
    ctx.insert("code", err.code());
    ctx.insert(
        "message",
        &words::error_words(labels, err.code(), err.row()),
    );
    render_page(app, "round/error.html", &ctx, status)
}

/// A path the server does not have: the API answers JSON, anything else the 404 page.
async fn no_such_page(
    State(app): State<Arc<App>>,
    caller: Result<Caller, ApiError>,
    uri: axum::http::Uri,
) -> Response {
    let e = ApiError::NotFound(format!("there is no {}", uri.path()));
    if uri.path().starts_with("/api/") {
        return e.into_response();
    }
    failed(&app, caller.as_ref().ok(), e)
}

/// A stored UTC time as the pages show it: in the config's time zone, in the report
/// language's words.
fn when(app: &App, at: &str) -> String {
    let parts = &app.round.report;
    words::local_time(at, parts.loaded.config.time_zone, &parts.templates.lang)
}

/// The deadline as the pages show it ("12 oktober 2020").
fn deadline(app: &App) -> Option<String> {
    let lang = &app.round.report.templates.lang;
    app.round.due.as_deref().map(|d| words::date_text(d, lang))
}

/// The state's word key (`round_state_done`).
fn state_key(s: Step) -> String {
    format!("round_state_{}", s.as_str())
}

#[derive(Serialize)]
struct UnitRow {
    code: String,
    name: String,
    depth: usize,
    state: &'static str,
    state_key: String,
    saved_by: Option<String>,
    saved_at: Option<String>,
    may_write: bool,
}

async fn start(State(app): State<Arc<App>>, caller: Result<Caller, ApiError>) -> Response {
    let caller = match caller {
        Ok(c) => c,
        Err(e) => return failed(&app, None, e),
    };
    let tree = &app.round.tree;
    let visible = caller.visible(&app);
    let rows = match api::board_rows(&app, &visible).await {
        Ok(r) => r,
        Err(e) => return failed(&app, Some(&caller), e),
    };
    let top = visible
        .iter()
        .map(|&n| tree.nodes[n].depth)
        .min()
        .unwrap_or(0);
    let units: Vec<UnitRow> = visible
        .iter()
        .zip(rows)
        .map(|(&n, r)| UnitRow {
            code: r.unit,
            name: tree.nodes[n].name.clone(),
            depth: tree.nodes[n].depth - top,
            state: r.state.state.as_str(),
            state_key: state_key(r.state.state),
            saved_by: r.saved_by,
            saved_at: r.saved_at.map(|s| when(&app, &s)),
            may_write: caller.rights.can_write(n),
        })
        .collect();
    let mut ctx = context(&app, Some(&caller));
    ctx.insert("units", &units);
    ctx.insert("deadline", &deadline(&app));
    render_page(&app, "round/start.html", &ctx, StatusCode::OK)
}

async fn login_page(State(app): State<Arc<App>>) -> Response {
    if !matches!(app.auth, AuthMode::Password) {
        return Redirect::to("/").into_response();
    }
    let mut ctx = context(&app, None);
    ctx.insert("error", &None::<String>);
    ctx.insert("name", "");
    render_page(&app, "round/login.html", &ctx, StatusCode::OK)
}

async fn login(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<api::Login>,
) -> Response {
    let name = f.user.clone();
    match api::log_in(&app, peer, &headers, f.user, f.password).await {
        Ok((set, _)) => {
            let mut r = Redirect::to("/").into_response();
            r.headers_mut().insert(header::SET_COOKIE, set);
            r
        }
        Err(e @ (ApiError::Unauthorized(_) | ApiError::LoginFailed | ApiError::TooMany)) => {
            let status = e.status();
            let labels = &app.round.report.templates.labels;
            let mut ctx = context(&app, None);
            ctx.insert("error", &Some(words::error_words(labels, e.code(), None)));
            ctx.insert("name", &name);
            render_page(&app, "round/login.html", &ctx, status)
        }
        Err(e) => failed(&app, None, e),
    }
}

#[derive(Deserialize)]
struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(app): State<Arc<App>>,
    caller: Result<Caller, ApiError>,
    headers: HeaderMap,
    Form(f): Form<LogoutForm>,
) -> Response {
    let caller = match caller {
        Ok(c) => c,
        Err(e) => return failed(&app, None, e),
    };
    if !api::same_origin(&headers) || !api::same_token(&f.csrf, &caller.csrf) {
        let e = ApiError::CrossSite(
            "the request comes from another site or lacks the session's token".into(),
        );
        let e = api::refuse(&app, Some(&caller.user), &caller.at, e).await;
        return failed(&app, Some(&caller), e);
    }
    let mut r = Redirect::to("/login").into_response();
    if let Some(c) = api::cookie(&headers, api::COOKIE) {
        app.sessions.close(&c);
        r.headers_mut()
            .insert(header::SET_COOKIE, api::session_cookie(&app, "", 0));
    }
    r
}

#[derive(Deserialize)]
struct PreviewIn {
    text: String,
}

/// `POST /api/preview` `{text}` → `{html}`: commentary Markdown as the reports render it
/// (sanitised), for the editors' live preview.
async fn preview(
    State(app): State<Arc<App>>,
    caller: Caller,
    body: Bytes,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    caller.changing(&app).await?;
    let p: PreviewIn = api::parse(&body)?;
    api::check_length(&p.text)?;
    Ok(axum::Json(
        json!({ "html": render::html::render_markdown(&p.text) }),
    ))
}

/// One commentary section on a unit's page.
#[derive(Serialize)]
struct SectionView {
    key: &'static str,
    text: String,
    html: String,
    version: i64,
    saved_by: Option<String>,
    saved_at: Option<String>,
}

/// One measure as its row of inputs shows it.
#[derive(Serialize, Default)]
struct MeasureView {
    name: String,
    expected: String,
    realized: String,
    decided: String,
    due: String,
    status: String,
    in_forecast: bool,
}

/// A unit's entries as the page shows them.
struct Entries {
    commentary: Vec<(&'static str, Entry)>,
    forecast: Entry,
    measures: Entry,
    state: UnitState,
}

/// Kronor with two decimals and the language's decimal mark, as an input holds them.
fn kronor_input(ore: i64, comma: bool) -> String {
    let s = crate::model::money::kronor_string(ore);
    if comma { s.replace('.', ",") } else { s }
}

async fn entries(app: &Arc<App>, code: &str, keys: Vec<&'static str>) -> Result<Entries, ApiError> {
    let (period, c) = (app.period(), code.to_string());
    api::with_store(app, move |s| {
        let mut commentary = Vec::with_capacity(keys.len());
        for key in keys {
            commentary.push((key, s.entry(&period, &c, &Kind::Commentary(key.into()))?));
        }
        Ok(Entries {
            commentary,
            forecast: s.entry(&period, &c, &Kind::Forecast)?,
            measures: s.entry(&period, &c, &Kind::Measures)?,
            state: s.state(&period, &c)?,
        })
    })
    .await
}

async fn unit_page(
    State(app): State<Arc<App>>,
    caller: Result<Caller, ApiError>,
    Path(code): Path<String>,
) -> Response {
    let caller = match caller {
        Ok(c) => c,
        Err(e) => return failed(&app, None, e),
    };
    let node = match caller.unit(&app, &code, Need::Read).await {
        Ok(n) => n,
        Err(e) => return failed(&app, Some(&caller), e),
    };
    let parts = &app.round.report;
    let e = match entries(&app, &code, parts.sections(node)).await {
        Ok(e) => e,
        Err(e) => return failed(&app, Some(&caller), e),
    };
    let keys: Vec<&'static str> = e.commentary.iter().map(|(k, _)| *k).collect();
    let sections: BTreeMap<&'static str, SectionView> = e
        .commentary
        .into_iter()
        .map(|(key, entry)| {
            let text = match entry.content {
                Some(Content::Text { text }) => text,
                _ => String::new(),
            };
            let view = SectionView {
                key,
                html: render::html::render_markdown(&text),
                text,
                version: entry.version,
                saved_by: entry.saved_by,
                saved_at: entry.saved_at.map(|s| when(&app, &s)),
            };
            (key, view)
        })
        .collect();
    let app2 = Arc::clone(&app);
    let view =
        tokio::task::spawn_blocking(move || app2.round.report.view(node, &keys, &app2.round.tree))
            .await;
    let (report, elsewhere) = match view {
        Ok(Ok(v)) => v,
        Ok(Err(msg)) => return (StatusCode::INTERNAL_SERVER_ERROR, msg).into_response(),
        Err(_) => return failed(&app, Some(&caller), ApiError::Internal),
    };
    let comma = parts.templates.lang.style().decimal_mark == ',';
    let forecast = match e.forecast.content {
        Some(Content::Forecast { deviation_ore }) => kronor_input(deviation_ore, comma),
        _ => String::new(),
    };
    let measures: Vec<MeasureView> = match e.measures.content {
        Some(Content::Measures { measures }) => measures
            .into_iter()
            .map(|m| MeasureView {
                expected: kronor_input(m.expected_ore, comma),
                realized: kronor_input(m.realized_ore, comma),
                name: m.name,
                decided: m.decided,
                due: m.due,
                status: m.status,
                in_forecast: m.in_forecast,
            })
            .collect(),
        _ => Vec::new(),
    };
    let tree = &app.round.tree;
    let mut ctx = context(&app, Some(&caller));
    ctx.insert("code", &code);
    ctx.insert("name", &tree.nodes[node].name);
    ctx.insert(
        "report_href",
        &format!("/report/{}.html", parts.files[node]),
    );
    ctx.insert("report", &report);
    ctx.insert("elsewhere", &elsewhere);
    ctx.insert("sections", &sections);
    ctx.insert("forecast", &forecast);
    ctx.insert("forecast_version", &e.forecast.version);
    ctx.insert("measures", &measures);
    ctx.insert("empty", &MeasureView::default());
    ctx.insert("measures_version", &e.measures.version);
    ctx.insert("state", e.state.state.as_str());
    ctx.insert("state_key", &state_key(e.state.state));
    ctx.insert("state_comment", &e.state.comment);
    ctx.insert("changed_by", &e.state.changed_by);
    ctx.insert(
        "changed_at",
        &e.state.changed_at.as_deref().map(|s| when(&app, s)),
    );
    let errors = words::all_error_words(&parts.templates.labels);
    ctx.insert(
        "error_words",
        &serde_json::to_string(&errors).unwrap_or_default(),
    );
    ctx.insert("may_write", &caller.rights.can_write(node));
    ctx.insert(
        "may_done",
        &(caller.rights.can_write(node)
            && matches!(
                e.state.state,
                Step::NotStarted | Step::Draft | Step::SentBack
            )),
    );
    ctx.insert(
        "may_approve",
        &(caller.rights.controller && e.state.state == Step::Done),
    );
    ctx.insert(
        "may_return",
        &(caller.rights.controller && matches!(e.state.state, Step::Done | Step::Approved)),
    );
    render_page(&app, "round/unit.html", &ctx, StatusCode::OK)
}

/// `/report/<file>.html`: the unit's report page as `generate` renders it, with the round's
/// texts as they are now; its links to other units' pages stay inside `/report/`.
async fn report_page(
    State(app): State<Arc<App>>,
    caller: Result<Caller, ApiError>,
    Path(page): Path<String>,
) -> Response {
    let caller = match caller {
        Ok(c) => c,
        Err(e) => return failed(&app, None, e),
    };
    let stem = page.strip_suffix(".html").unwrap_or(&page);
    if stem == "index" {
        return Redirect::to("/").into_response();
    }
    let parts = &app.round.report;
    let Some(node) = parts.files.iter().position(|f| f == stem) else {
        let e = ApiError::NotFound(format!("there is no report page {page}"));
        return failed(&app, Some(&caller), e);
    };
    let code = app.round.tree.nodes[node].code.clone();
    if let Err(e) = caller.unit(&app, &code, Need::Read).await {
        return failed(&app, Some(&caller), e);
    }
    let keys = super::sections();
    let e = match entries(&app, &code, keys).await {
        Ok(e) => e,
        Err(e) => return failed(&app, Some(&caller), e),
    };
    let round: BTreeMap<String, String> = e
        .commentary
        .into_iter()
        .filter(|(_, en)| en.version > 0)
        .filter_map(|(k, en)| match en.content {
            Some(Content::Text { text }) => Some((k.to_string(), text)),
            _ => None,
        })
        .collect();
    let app2 = Arc::clone(&app);
    let rendered = tokio::task::spawn_blocking(move || app2.round.report.page(node, &round)).await;
    match rendered {
        Ok(Ok(bytes)) => {
            let mut r = (
                StatusCode::OK,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                bytes,
            )
                .into_response();
            r.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(REPORT_CSP),
            );
            r
        }
        Ok(Err(msg)) => (StatusCode::INTERNAL_SERVER_ERROR, msg).into_response(),
        Err(_) => failed(&app, Some(&caller), ApiError::Internal),
    }
}

#[derive(Deserialize)]
struct BoardQuery {
    #[serde(default)]
    committee: String,
}

/// One unit's row on the board.
#[derive(Serialize)]
struct BoardView {
    code: String,
    name: String,
    depth: usize,
    committee: String,
    state: &'static str,
    state_key: String,
    saved_by: Option<String>,
    saved_at: Option<String>,
    comment: Option<String>,
    late: bool,
}

/// A committee's progress: units done (or approved) of its units.
#[derive(Serialize)]
struct Progress {
    code: String,
    name: String,
    done: usize,
    due: usize,
    selected: bool,
}

/// Today's date (UTC), `YYYY-MM-DD`.
fn today() -> String {
    let secs = i64::try_from(crate::clock::millis_now() / 1000).unwrap_or(i64::MAX);
    crate::clock::format_epoch(secs)
        .get(..10)
        .unwrap_or_default()
        .to_string()
}

/// The committee of a node: its ancestor just below the root (none for the root).
fn committee(tree: &crate::model::tree::Tree, node: usize) -> Option<usize> {
    tree.ancestors_or_self(node)
        .into_iter()
        .find(|&n| tree.nodes[n].parent == Some(tree.root))
}

fn is_done(r: &BoardRow) -> bool {
    matches!(r.state.state, Step::Done | Step::Approved)
}

async fn board_page(
    State(app): State<Arc<App>>,
    caller: Result<Caller, ApiError>,
    Query(q): Query<BoardQuery>,
) -> Response {
    let caller = match caller {
        Ok(c) => c,
        Err(e) => return failed(&app, None, e),
    };
    if !caller.rights.controller {
        let e = ApiError::Forbidden(format!("{} may not see the board", caller.user));
        let e = api::refuse(&app, Some(&caller.user), &caller.at, e).await;
        return failed(&app, Some(&caller), e);
    }
    let tree = &app.round.tree;
    let rows = match api::board_rows(&app, &tree.order).await {
        Ok(r) => r,
        Err(e) => return failed(&app, Some(&caller), e),
    };
    let late_after = app.round.due.clone().filter(|d| *d < today());
    let mut progress: Vec<Progress> = tree.nodes[tree.root]
        .children
        .iter()
        .map(|&c| Progress {
            code: tree.nodes[c].code.clone(),
            name: tree.nodes[c].name.clone(),
            done: 0,
            due: 0,
            selected: tree.nodes[c].code == q.committee,
        })
        .collect();
    let mut units = Vec::new();
    for (r, &n) in rows.iter().zip(&tree.order) {
        let com = committee(tree, n);
        if let Some(p) =
            com.and_then(|c| tree.nodes[tree.root].children.iter().position(|&x| x == c))
        {
            progress[p].due += 1;
            progress[p].done += usize::from(is_done(r));
        }
        let com_code = com.map(|c| tree.nodes[c].code.clone()).unwrap_or_default();
        if !q.committee.is_empty() && com_code != q.committee {
            continue;
        }
        units.push(BoardView {
            code: r.unit.clone(),
            name: tree.nodes[n].name.clone(),
            depth: tree.nodes[n].depth,
            committee: com.map(|c| tree.nodes[c].name.clone()).unwrap_or_default(),
            state: r.state.state.as_str(),
            state_key: state_key(r.state.state),
            saved_by: r.saved_by.clone(),
            saved_at: r.saved_at.as_deref().map(|s| when(&app, s)),
            comment: r.state.comment.clone(),
            late: late_after.is_some() && !is_done(r),
        });
    }
    let mut ctx = context(&app, Some(&caller));
    ctx.insert("units", &units);
    ctx.insert("progress", &progress);
    ctx.insert("committee", &q.committee);
    ctx.insert("deadline", &deadline(&app));
    render_page(&app, "round/board.html", &ctx, StatusCode::OK)
}

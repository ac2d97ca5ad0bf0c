//! The HTTP side of `strikesim serve`: the router and its handlers. Each
//! handler reads its request (bodies within their limits, JSON fields
//! named in errors), calls the store, the jobs or the library, and
//! answers JSON, a file or a stream of progress. Work that takes more
//! than a moment (validating a large scenario, reading a run's tables,
//! comparing) runs on blocking threads, never on the async executor.

use super::compare;
use super::form::{self, Change};
use super::guard;
use super::jobs::{Job, Jobs, RunRequest};
use super::results::{self, AnyRun, Results, RunInfo};
use super::store::{self, ScenarioRef, Store, MAX_CSV_BYTES, MAX_SCENARIO_BYTES};
use super::{ServeOptions, WebError};
use crate::app;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::Stream;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What every handler shares.
pub struct AppState {
    pub store: Store,
    pub jobs: Arc<Jobs>,
    pub token: Option<String>,
    /// Serving this machine only: the Host header is checked.
    pub local_only: bool,
    workers: usize,
    /// Each finished run's results, read once per version of its
    /// manifest (the CLI may write a run folder again).
    results: Mutex<HashMap<String, Cached>>,
}

impl AppState {
    /// The state of a server over `store`, its workers started.
    pub fn new(store: Store, options: &ServeOptions, bound: SocketAddr) -> AppState {
        AppState {
            jobs: Jobs::start(store.clone(), options.workers),
            store,
            token: options.token.clone().filter(|t| !t.is_empty()),
            local_only: bound.ip().is_loopback(),
            workers: options.workers.max(1),
            results: Mutex::new(HashMap::new()),
        }
    }
}

pub(super) type Shared = State<Arc<AppState>>;

/// A run's results and the modification time of the manifest they were read from.
type Cached = (Option<std::time::SystemTime>, Arc<Results>);

/// A route's parameters, as [`Path`] reads them, but refused as every
/// error is: JSON, a 400 naming the problem (e.g. an id that is not UTF-8).
pub(super) struct Param<T>(pub(super) T);

impl<S: Send + Sync, T: DeserializeOwned + Send> axum::extract::FromRequestParts<S> for Param<T> {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, WebError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(t)) => Ok(Param(t)),
            Err(e) => Err(WebError::BadRequest(crate::scenario::clip(&e.body_text()))),
        }
    }
}

/// Every route, behind the guard.
pub fn router(state: Arc<AppState>) -> Router {
    let json_limit = DefaultBodyLimit::max(2 * MAX_SCENARIO_BYTES + (64 << 10));
    Router::new()
        .route(
            "/",
            get(|| async { asset("text/html; charset=utf-8", INDEX) }),
        )
        .route(
            "/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/app.css",
            get(|| async { asset("text/css; charset=utf-8", APP_CSS) }),
        )
        .route("/api/home", get(home))
        .route("/api/scenarios", post(new_scenario))
        .route("/api/scenarios/{id}", get(scenario).post(save_scenario))
        .route(
            "/api/scenarios/{id}/files",
            post(upload_csv).layer(DefaultBodyLimit::max(MAX_CSV_BYTES + 1)),
        )
        .route("/api/scenarios/{id}/download", get(download_scenario))
        .route("/api/validate", post(validate))
        .route("/api/form", post(form_fields))
        .route("/api/form/apply", post(form_apply))
        .route("/api/runs", get(list_runs).post(start_run))
        .route("/api/runs/{id}", get(run))
        .route("/api/runs/{id}/events", get(events))
        .route("/api/runs/{id}/cancel", post(cancel))
        .route("/runs/{id}/files/{*path}", get(run_file))
        .route("/api/compare", post(compare::compare))
        .route("/compare/{id}/files/{*path}", get(compare::compare_file))
        .method_not_allowed_fallback(|method: axum::http::Method| async move {
            let body = serde_json::json!({ "error": format!("{method} is not allowed here") });
            (StatusCode::METHOD_NOT_ALLOWED, Json(body))
        })
        .fallback(|| async { WebError::NotFound("no such page".into()) })
        .layer(json_limit)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            guard::guard,
        ))
        .with_state(state)
}

const INDEX: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// A JSON body within its limit, or an error naming what is wrong.
pub(super) fn body<T: DeserializeOwned>(
    bytes: Result<Bytes, BytesRejection>,
) -> Result<T, WebError> {
    let bytes = within(bytes, "the request", 2 * MAX_SCENARIO_BYTES)?;
    serde_json::from_slice(&bytes).map_err(|e| {
        WebError::BadRequest(format!(
            "the request body: {}",
            crate::scenario::echo::clip_words(&e.to_string())
        ))
    })
}

/// A body read within its route's limit (`what` of at most `limit`
/// bytes), or the error that says which limit it broke.
fn within(
    bytes: Result<Bytes, BytesRejection>,
    what: &str,
    limit: usize,
) -> Result<Bytes, WebError> {
    bytes.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            store::too_large(what, limit + 1, limit)
        } else {
            WebError::BadRequest(format!("{what}: {e}"))
        }
    })
}

/// Run `f` on a blocking thread; a panic there is an internal error.
pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, WebError> + Send + 'static,
) -> Result<T, WebError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| WebError::Internal(format!("internal error (please report it): {e}")))?
}

async fn home(State(s): Shared) -> Result<Json<serde_json::Value>, WebError> {
    blocking(move || {
        let mut runs: Vec<RunInfo> = s
            .jobs
            .list()
            .iter()
            .map(|j| web_info(&s, j, false))
            .collect();
        runs.extend(
            results::cli_runs(&s.jobs, &s.store)
                .into_iter()
                .map(cli_info),
        );
        runs.sort_by(|a, b| b.record.created.cmp(&a.record.created));
        Ok(Json(serde_json::json!({
            "bundled": s.store.bundled(),
            "saved": s.store.saved(),
            "runs": runs,
            "workers": s.workers,
        })))
    })
    .await
}

async fn scenario(
    State(s): Shared,
    Param(id): Param<String>,
) -> Result<Json<serde_json::Value>, WebError> {
    let found = s.store.scenario(&id)?;
    let text = s.store.scenario_text(&found)?;
    let (name, title) = store::name_and_title(&text);
    let (kind, files) = match &found {
        ScenarioRef::Bundled(_) => ("bundled", Vec::new()),
        ScenarioRef::Saved(sid) => ("saved", s.store.saved_csvs(sid)),
    };
    Ok(Json(serde_json::json!({
        "id": id, "kind": kind, "name": name, "title": title, "text": text, "files": files,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TextBody {
    text: String,
    #[serde(default)]
    filename: Option<String>,
    #[serde(default)]
    scenario: Option<String>,
}

async fn new_scenario(
    State(s): Shared,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    let b: TextBody = body(bytes)?;
    let id = s.store.save_new(&b.text, b.filename.as_deref())?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))).into_response())
}

async fn save_scenario(
    State(s): Shared,
    Param(id): Param<String>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>, WebError> {
    let b: TextBody = body(bytes)?;
    s.store.save(&id, &b.text)?;
    Ok(Json(serde_json::json!({ "id": id })))
}

#[derive(Deserialize)]
struct UploadQuery {
    name: String,
}

async fn upload_csv(
    State(s): Shared,
    Param(id): Param<String>,
    query: Result<Query<UploadQuery>, axum::extract::rejection::QueryRejection>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    let Query(q) = query.map_err(|_| {
        WebError::BadRequest("name: missing; give the file's name as ?name=rtt.csv".into())
    })?;
    let bytes = within(bytes, "the CSV file", MAX_CSV_BYTES)?;
    s.store.add_csv(&id, &q.name, &bytes)?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "name": q.name })),
    )
        .into_response())
}

async fn download_scenario(
    State(s): Shared,
    Param(id): Param<String>,
) -> Result<Response, WebError> {
    let found = s.store.scenario(&id)?;
    let text = s.store.scenario_text(&found)?;
    let (name, _) = store::name_and_title(&text);
    let name = if store::is_safe_id(&name) {
        name
    } else {
        "scenario".into()
    };
    Ok(attachment(
        "application/toml; charset=utf-8",
        &format!("{name}.toml"),
        text.into_bytes(),
    ))
}

fn attachment(content_type: &'static str, name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    let mut r = ([(header::CONTENT_TYPE, content_type)], bytes).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// The name errors give a scenario being edited, and the folder its
/// uploaded CSVs are read from (none for a bundled or unsaved one).
fn source_of(
    s: &AppState,
    scenario: Option<&str>,
) -> Result<(String, std::path::PathBuf), WebError> {
    let none = s.store.no_files_dir();
    match scenario.map(|id| s.store.scenario(id)).transpose()? {
        Some(ScenarioRef::Saved(id)) => {
            let file = s.store.saved_file(&id);
            let dir = file.parent().map_or(none, std::path::Path::to_path_buf);
            Ok((file.display().to_string(), dir))
        }
        Some(ScenarioRef::Bundled(b)) => Ok((b.file.to_string(), none)),
        None => Ok(("scenario.toml".into(), none)),
    }
}

async fn validate(
    State(s): Shared,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>, WebError> {
    let b: TextBody = body(bytes)?;
    store::check_text_size(&b.text)?;
    let (source, files) = source_of(&s, b.scenario.as_deref())?;
    blocking(move || {
        let verdict = match app::validate_text(&b.text, &source, &files) {
            Ok(v) => v,
            Err(e) => {
                let (message, errors) = match e {
                    app::AppError::Scenario(se) => (se.to_string(), results::findings(&se)),
                    other => (other.to_string(), Vec::new()),
                };
                return Ok(Json(serde_json::json!({
                    "ok": false, "errors": errors, "warnings": [], "message": crate::scenario::echo::clip_words(&message),
                })));
            }
        };
        let warnings: Vec<_> = verdict.warnings.iter().flat_map(results::findings).collect();
        let summary = verdict.summary.split_once(": ").map_or(verdict.summary.clone(), |(_, r)| r.to_string());
        Ok(Json(serde_json::json!({
            "ok": true, "summary": summary, "errors": [], "warnings": warnings, "estimate": verdict.estimate,
        })))
    })
    .await
}

async fn form_fields(
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>, WebError> {
    let b: TextBody = body(bytes)?;
    store::check_text_size(&b.text)?;
    let fields = blocking(move || form::fields(&b.text)).await?;
    Ok(Json(serde_json::json!({ "fields": fields })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ApplyBody {
    text: String,
    changes: Vec<Change>,
}

async fn form_apply(
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<serde_json::Value>, WebError> {
    let b: ApplyBody = body(bytes)?;
    store::check_text_size(&b.text)?;
    let text = blocking(move || form::apply(&b.text, &b.changes)).await?;
    Ok(Json(serde_json::json!({ "text": text })))
}

async fn start_run(
    State(s): Shared,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    let request: RunRequest = body(bytes)?;
    let id = blocking(move || s.jobs.submit(request)).await?;
    Ok((StatusCode::ACCEPTED, Json(serde_json::json!({ "id": id }))).into_response())
}

async fn list_runs(State(s): Shared) -> Json<Vec<RunInfo>> {
    Json(
        s.jobs
            .list()
            .iter()
            .map(|j| web_info(&s, j, false))
            .collect(),
    )
}

/// A web run as the page sees it; with its results when done and `full`.
fn web_info(s: &AppState, job: &Job, full: bool) -> RunInfo {
    let mut record = job.record();
    let results = (full && record.status == super::jobs::Status::Done)
        .then(|| {
            let dir = s.jobs.out_dir(&record.id);
            let input = s.jobs.input_file(&record.id);
            cached_results(s, &record.id, &dir, Some(&input))
        })
        .and_then(|r| r.map_err(|e| record.error = Some(e.to_string())).ok());
    RunInfo {
        queue_position: s.jobs.position(&record.id),
        progress: job.progress(),
        origin: "web",
        record,
        results: results.map(|r| (*r).clone()),
    }
}

/// A CLI run folder as the page sees it.
fn cli_info(record: super::jobs::RunRecord) -> RunInfo {
    let n = record.replications.unwrap_or(0);
    RunInfo {
        record,
        origin: "cli",
        queue_position: None,
        progress: super::jobs::ProgressInfo {
            stage: "",
            done: n,
            total: n,
        },
        results: None,
    }
}

fn cached_results(
    s: &AppState,
    id: &str,
    dir: &std::path::Path,
    scenario: Option<&std::path::Path>,
) -> Result<Arc<Results>, WebError> {
    let version = std::fs::metadata(dir.join(crate::output::files::MANIFEST))
        .and_then(|m| m.modified())
        .ok();
    if let Some((v, r)) = s
        .results
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .get(id)
    {
        if *v == version {
            return Ok(Arc::clone(r));
        }
    }
    let r = Arc::new(results::results(
        dir,
        &format!("/runs/{id}/files"),
        scenario,
    )?);
    s.results
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(id.to_string(), (version, Arc::clone(&r)));
    Ok(r)
}

/// Any run, with its results when finished.
fn full_info(s: &AppState, id: &str) -> Result<RunInfo, WebError> {
    match results::find_run(&s.jobs, &s.store, id)? {
        AnyRun::Web(job) => Ok(web_info(s, &job, true)),
        AnyRun::Cli(dir) => {
            let record = results::cli_record(&dir).ok_or_else(|| {
                WebError::NotFound(format!("run \"{id}\" has no readable manifest"))
            })?;
            let mut info = cli_info(record);
            let results = cached_results(s, id, &dir, None).map_err(|e| {
                WebError::NotFound(format!(
                    "run \"{id}\" is not a run folder the workbench can read: {e}"
                ))
            })?;
            info.results = Some((*results).clone());
            Ok(info)
        }
    }
}

async fn run(State(s): Shared, Param(id): Param<String>) -> Result<Json<RunInfo>, WebError> {
    blocking(move || full_info(&s, &id).map(Json)).await
}

async fn cancel(State(s): Shared, Param(id): Param<String>) -> Result<Json<RunInfo>, WebError> {
    let job = s.jobs.cancel(&id)?;
    Ok(Json(web_info(&s, &job, false)))
}

/// Progress as server-sent events: `progress` when it changes (at most
/// four a second), then `end` with the full run, then the stream closes.
async fn events(
    State(s): Shared,
    Param(id): Param<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, WebError> {
    results::find_run(&s.jobs, &s.store, &id)?;
    let stream = futures_util::stream::unfold(
        (s, id, String::new(), false),
        |(s, id, last, ended)| async move {
            if ended {
                return None;
            }
            loop {
                let live = s.jobs.get(&id).map(|job| web_info(&s, &job, false));
                match live {
                    // Not finished: say so when it changed.
                    Some(now) if !now.record.status.finished() => {
                        let data = json(&now);
                        if data != last {
                            let event = Event::default().event("progress").data(data.clone());
                            return Some((Ok(event), (s, id, data, false)));
                        }
                    }
                    // Finished (a CLI run always is): the whole run, then the end.
                    _ => {
                        let (s2, id2) = (Arc::clone(&s), id.clone());
                        let info = blocking(move || full_info(&s2, &id2)).await;
                        let data = info.map_or_else(
                            |e| serde_json::json!({ "error": e.to_string() }).to_string(),
                            |i| json(&i),
                        );
                        return Some((
                            Ok(Event::default().event("end").data(data)),
                            (s, id, last, true),
                        ));
                    }
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v)
        .unwrap_or_else(|e| serde_json::json!({"error": e.to_string()}).to_string())
}

async fn run_file(
    State(s): Shared,
    Param((id, path)): Param<(String, String)>,
) -> Result<Response, WebError> {
    blocking(move || {
        let run = results::find_run(&s.jobs, &s.store, &id)?;
        let dir = results::finished_dir(&s.jobs, &run)?;
        let input = match &run {
            AnyRun::Web(_) => Some(s.jobs.input_file(&id)),
            AnyRun::Cli(_) => None,
        };
        let bytes = results::run_file(&dir, &path, input.as_deref()).ok_or_else(|| {
            WebError::NotFound(format!(
                "run {id} has no file \"{}\"",
                crate::scenario::clip(&path)
            ))
        })?;
        Ok(file_response(&path, bytes))
    })
    .await
}

/// A file of a run or comparison: tables and data as downloads, pages
/// and pictures inline (a page under the report's own policy).
pub(super) fn file_response(path: &str, bytes: Vec<u8>) -> Response {
    let ct = results::content_type(path);
    let base = path.rsplit('/').next().unwrap_or(path);
    let mut r = if [".csv", ".xlsx", ".json", ".toml", ".md"]
        .iter()
        .any(|e| path.ends_with(e))
    {
        attachment(ct, base, bytes)
    } else {
        ([(header::CONTENT_TYPE, ct)], bytes).into_response()
    };
    if path.ends_with(".html") {
        r.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(guard::REPORT_CSP),
        );
    }
    r
}

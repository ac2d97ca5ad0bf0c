//! `strikesim serve`: a planner's workbench in the browser, served by the
//! binary. It offers the bundled and saved scenarios, an editor validated
//! by the same checks as `strikesim validate`, runs queued onto a fixed
//! pool of worker threads with live progress and a cancel button, each
//! run's headline table, charts, report and files, and comparisons of
//! runs with the same refusals as `strikesim compare`.
//!
//! A web run is an ordinary run folder in the data folder (`--data`,
//! default `output/`), made by the same library call as `strikesim run`;
//! run folders the CLI wrote there are listed too.
//!
//! - [`store`]: the data folder, ids and saved scenarios;
//! - [`jobs`]: the queue and the workers;
//! - [`results`]: what a run or a comparison shows, and its files;
//! - [`form`]: the fields a planner changes most, written back into TOML;
//! - [`guard`]: token, same-origin and host checks, security headers;
//! - [`api`]: the HTTP handlers and the router (comparisons in `compare.rs`).
//!
//! The front end is three files embedded in the binary (`assets/`), with
//! no build step and nothing fetched from the internet.

pub mod api;
mod compare;
pub mod form;
pub mod guard;
pub mod jobs;
pub mod results;
pub mod store;

pub use api::{router, AppState};

use crate::app::AppError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

/// The environment variable that may hold the token instead of `--token`.
pub const TOKEN_ENV: &str = "STRIKESIM_TOKEN";

/// How `strikesim serve` was asked to run.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub host: IpAddr,
    pub port: u16,
    /// Where runs are kept (and read from).
    pub data: PathBuf,
    /// Required of every request when set (`--token` or [`TOKEN_ENV`]).
    pub token: Option<String>,
    /// Runs that may execute at once; the rest wait in the queue.
    pub workers: usize,
}

/// Why a request (or the server) failed: each with its HTTP status and a
/// message that names what was wrong, as the CLI's do.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    TooLarge(String),
    /// A scenario (or run options) that does not pass the checks.
    #[error("{message}")]
    Invalid {
        message: String,
        findings: Vec<results::Finding>,
    },
    #[error("{0}")]
    Busy(String),
    #[error("{0}")]
    Internal(String),
    /// The server cannot start.
    #[error("{0}")]
    Start(String),
}

impl WebError {
    /// An app error as the browser sees it: a scenario's problems one by
    /// one at their lines, anything else as its message.
    pub fn from_app(e: AppError) -> WebError {
        match e {
            AppError::Scenario(s) => WebError::Invalid {
                message: s.to_string(),
                findings: results::findings(&s),
            },
            AppError::Output(o) => WebError::Internal(o.to_string()),
            other => WebError::Invalid {
                message: other.to_string(),
                findings: Vec::new(),
            },
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal(_) | WebError::Start(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            WebError::Invalid { message, findings } => serde_json::json!({
                "error": crate::scenario::echo::clip_words(message),
                "errors": findings,
            }),
            other => serde_json::json!({ "error": other.to_string() }),
        };
        (status, axum::Json(body)).into_response()
    }
}

/// Whether an address is this machine only.
fn is_local(host: IpAddr) -> bool {
    host.is_loopback()
}

/// Start the server and serve until Ctrl-C. A host other than this
/// machine needs a token.
pub fn serve(options: ServeOptions) -> Result<(), WebError> {
    if !is_local(options.host) && options.token.as_deref().is_none_or(str::is_empty) {
        return Err(WebError::Start(format!(
            "--host {}: serving beyond this machine needs a token: give --token SECRET or set {TOKEN_ENV}; every request must then carry it",
            options.host
        )));
    }
    let store = store::Store::open(&options.data)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| WebError::Start(format!("cannot start the server's runtime: {e}")))?;
    runtime.block_on(async move {
        let addr = SocketAddr::new(options.host, options.port);
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            WebError::Start(format!(
                "cannot listen on {addr}: {e}; is another server on that port? Try --port {}",
                options.port.wrapping_add(1)
            ))
        })?;
        let bound = listener
            .local_addr()
            .map_err(|e| WebError::Start(e.to_string()))?;
        let state = AppState::new(store, &options, bound);
        let shown_host = if is_local(options.host) {
            "127.0.0.1".to_string()
        } else {
            bound.ip().to_string()
        };
        let query = options
            .token
            .as_ref()
            .map(|t| format!("?token={t}"))
            .unwrap_or_default();
        // Printed, not panicked on: a closed stdout must not stop the server.
        let mut out = std::io::stdout();
        let _ = writeln!(
            out,
            "strikesim workbench at http://{shown_host}:{}/{query}",
            bound.port()
        );
        let _ = writeln!(
            out,
            "runs are kept in {} ({} at a time); Ctrl-C stops the server",
            options.data.display(),
            options.workers.max(1)
        );
        if !is_local(options.host) {
            let _ = writeln!(
                out,
                "serving on {} beyond this machine: every request needs the token",
                options.host
            );
        }
        let _ = out.flush();
        axum::serve(listener, router(Arc::new(state)))
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| WebError::Start(format!("the server stopped: {e}")))
    })
}

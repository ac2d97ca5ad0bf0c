//! Helpers for the tests of `strikesim serve`'s handlers: a server's
//! router over a temporary data folder, driven with `tower::ServiceExt::oneshot`
//! (no socket), and the requests a browser on the workbench's page sends.
//!
//! Include it with
//!
//! ```ignore
//! #[path = "support/web.rs"]
//! mod web;
//! ```
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use strikesim::web::store::Store;
use strikesim::web::{router, AppState, ServeOptions};
use tower::ServiceExt;

/// The Host a browser sends to the server it was pointed at.
pub const HOST: &str = "127.0.0.1:8080";
/// The bundled default scenario's file, for the CLI runs compared with.
pub const DEFAULT_FILE: &str = "scenarios/default.toml";

/// A response: its status, headers and body.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    /// The body as JSON (panics, with the body, when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The `error` of a JSON error body.
    pub fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no \"error\" in {}", self.text()))
            .to_string()
    }
}

/// A server's state and router over a data folder.
pub struct Server {
    pub state: Arc<AppState>,
    pub app: Router,
    pub data: PathBuf,
}

/// The options of a test server.
pub fn options(data: &Path, workers: usize, token: Option<&str>) -> ServeOptions {
    ServeOptions {
        host: "127.0.0.1".parse().expect("address"),
        port: 0,
        data: data.to_path_buf(),
        token: token.map(str::to_string),
        workers,
    }
}

impl Server {
    /// A server over `data` (made if need be) with `workers` workers.
    pub fn new(data: &Path, workers: usize) -> Server {
        Server::with_token(data, workers, None)
    }

    pub fn with_token(data: &Path, workers: usize, token: Option<&str>) -> Server {
        let store = Store::open(data).expect("store opens");
        let state = Arc::new(AppState::new(
            store,
            &options(data, workers, token),
            "127.0.0.1:8080".parse().expect("address"),
        ));
        Server {
            app: router(Arc::clone(&state)),
            state,
            data: data.to_path_buf(),
        }
    }

    /// Send a request as built.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self
            .app
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("body").to_bytes().to_vec();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    /// A request with the browser's Host (and Origin on changes) already set.
    pub fn request(method: Method, uri: &str) -> axum::http::request::Builder {
        let b = Request::builder()
            .method(method.clone())
            .uri(uri)
            .header(header::HOST, HOST);
        if method == Method::GET || method == Method::HEAD {
            b
        } else {
            b.header(header::ORIGIN, format!("http://{HOST}"))
                .header("sec-fetch-site", "same-origin")
        }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(
            Server::request(Method::GET, uri)
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    pub async fn post(&self, uri: &str, body: &Value) -> Reply {
        self.post_raw(uri, "application/json", body.to_string().into_bytes())
            .await
    }

    pub async fn post_raw(&self, uri: &str, content_type: &str, body: Vec<u8>) -> Reply {
        self.send(
            Server::request(Method::POST, uri)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }

    /// Start a run and return its id (asserting 202).
    pub async fn start_run(&self, scenario: &str, replications: u64, seed: u64) -> String {
        let r = self
            .post(
                "/api/runs",
                &serde_json::json!({"scenario": scenario, "replications": replications, "seed": seed}),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text());
        r.json()["id"].as_str().expect("an id").to_string()
    }

    /// A run's info (asserting 200).
    pub async fn run_info(&self, id: &str) -> Value {
        let r = self.get(&format!("/api/runs/{id}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        r.json()
    }

    /// Poll a run until `pred` holds of its info, or panic after `timeout`.
    pub async fn wait_for(
        &self,
        id: &str,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Value {
        let start = Instant::now();
        loop {
            let info = self.run_info(id).await;
            if pred(&info) {
                return info;
            }
            assert!(
                start.elapsed() < timeout,
                "run {id} did not get there in {timeout:?}: {info}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Poll a run until it has finished; assert it is done.
    pub async fn wait_done(&self, id: &str) -> Value {
        let info = self
            .wait_for(id, Duration::from_secs(120), |i| {
                matches!(status(i), "done" | "failed" | "cancelled")
            })
            .await;
        assert_eq!(status(&info), "done", "{info}");
        info
    }
}

/// A run info's status word.
pub fn status(info: &Value) -> &str {
    info["status"].as_str().unwrap_or("")
}

/// The bundled default scenario's text.
pub fn default_text() -> String {
    std::fs::read_to_string(DEFAULT_FILE).expect("scenarios/default.toml")
}

/// Run the CLI: `strikesim ARGS...`, asserting success.
pub fn cli(args: &[&str]) {
    assert_cmd::Command::cargo_bin("strikesim")
        .expect("the binary")
        .args(args)
        .assert()
        .success();
}

/// The CSV tables of a run folder, by name, sorted.
pub fn csv_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("run folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    names
}

/// Everything under `dir` that holds a manifest.json, as paths.
pub fn manifests_under(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.file_name().is_some_and(|n| n == "manifest.json") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out
}

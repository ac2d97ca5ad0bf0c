//! What the workbench's requests cost, through the router without a
//! socket: a keystroke's validation of the default scenario (12 kB) and of
//! the national one (1.2 MB), the form read from the default, and a
//! finished run's page (its headline table, charts and files, read once
//! and then served from memory). The load over a real socket, 20 clients
//! polling while two runs execute, is `tests/web_load.rs`.

use axum::body::Body;
use axum::http::Request;
use criterion::{criterion_group, criterion_main, Criterion};
use http_body_util::BodyExt;
use std::sync::Arc;
use std::time::Duration;
use strikesim::scenario::DEFAULT_SCENARIO;
use strikesim::web::store::Store;
use strikesim::web::{router, AppState, ServeOptions};
use tower::ServiceExt;

fn post(path: &str, body: &serde_json::Value) -> Request<Body> {
    Request::post(path)
        .header("host", "127.0.0.1:8080")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request")
}

fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header("host", "127.0.0.1:8080")
        .body(Body::empty())
        .expect("request")
}

async fn send(app: &axum::Router, request: Request<Body>) -> serde_json::Value {
    let response = app.clone().oneshot(request).await.expect("answers");
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    serde_json::from_slice(&bytes).expect("JSON")
}

fn web(c: &mut Criterion) {
    let data = tempfile::tempdir().expect("temp dir");
    let options = ServeOptions {
        host: [127, 0, 0, 1].into(),
        port: 0,
        data: data.path().to_path_buf(),
        token: None,
        workers: 1,
    };
    let state = AppState::new(
        Store::open(data.path()).expect("store"),
        &options,
        "127.0.0.1:8080".parse().expect("address"),
    );
    let app = router(Arc::new(state));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let england = strikesim::scenario::bundled::find("england-2016-01-12")
        .expect("bundled")
        .text;

    let mut group = c.benchmark_group("web");
    group.sample_size(20);
    group.bench_function("validate_default", |b| {
        let body = serde_json::json!({ "text": DEFAULT_SCENARIO });
        b.iter(|| rt.block_on(send(&app, post("/api/validate", &body))))
    });
    group.bench_function("validate_england_2016_01_12", |b| {
        let body = serde_json::json!({ "text": england });
        b.iter(|| rt.block_on(send(&app, post("/api/validate", &body))))
    });
    group.bench_function("form_default", |b| {
        let body = serde_json::json!({ "text": DEFAULT_SCENARIO });
        b.iter(|| rt.block_on(send(&app, post("/api/form", &body))))
    });
    // A finished run of 20 replications, its page served again and again.
    let started = rt.block_on(send(
        &app,
        post(
            "/api/runs",
            &serde_json::json!({ "scenario": "b:default", "replications": 20 }),
        ),
    ));
    let id = started["id"].as_str().expect("a run id").to_string();
    loop {
        let info = rt.block_on(send(&app, get(&format!("/api/runs/{id}"))));
        match info["status"].as_str() {
            Some("done") => break,
            Some("queued" | "running") => std::thread::sleep(Duration::from_millis(200)),
            other => panic!("the run ended {other:?}: {info}"),
        }
    }
    group.bench_function("finished_run_page", |b| {
        b.iter(|| rt.block_on(send(&app, get(&format!("/api/runs/{id}")))))
    });
    group.finish();
}

criterion_group!(benches, web);
criterion_main!(benches);

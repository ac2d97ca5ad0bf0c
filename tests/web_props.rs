//! `strikesim serve`'s handlers with arbitrary requests: any method, any
//! of the routes with odd ids and paths (`..`, `%2e`, unicode, very
//! long), any body and content type. The server must never panic, never
//! answer 5xx but 503, answer /api/ errors as JSON `{"error": ...}`, and
//! never serve a file from outside its data folder. Then JSON-ish bodies
//! for validation, the form and runs: 2xx or 4xx, never 5xx. A run that
//! starts by chance is cancelled at once.

#[path = "support/web.rs"]
mod web;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};
use std::sync::OnceLock;
use web::{Reply, Server, HOST};

/// Written beside the data folder (outside it) and in its hidden parts:
/// never to be served.
const SECRET: &str = "OUTSIDE-THE-DATA-FOLDER-7f3a";

struct World {
    rt: tokio::runtime::Runtime,
    server: Server,
    _dir: tempfile::TempDir,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).expect("data");
        std::fs::write(dir.path().join("secret.txt"), SECRET).expect("secret");
        std::fs::write(dir.path().join("summary.csv"), SECRET).expect("secret");
        let out = data.join("mycli");
        web::cli(&[
            "run",
            web::DEFAULT_FILE,
            "-n",
            "2",
            "--seed",
            "1",
            "--out",
            out.to_str().expect("utf-8"),
        ]);
        std::fs::write(out.join("stray.csv"), SECRET).expect("stray");
        // A folder with a manifest that is not a run's.
        std::fs::create_dir_all(data.join("junk")).expect("junk");
        std::fs::write(data.join("junk/manifest.json"), "{\"files\": [\"x\"]}").expect("junk");
        let server = Server::new(&data, 1);
        std::fs::write(data.join(".web").join("secret.txt"), SECRET).expect("secret");
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        World {
            rt,
            server,
            _dir: dir,
        }
    })
}

/// Send, then cancel at once any run the request started.
fn send(w: &World, request: Request<Body>) -> Reply {
    let started = request.uri().path() == "/api/runs" && request.method() == Method::POST;
    let reply = w.rt.block_on(w.server.send(request));
    if started && reply.status == StatusCode::ACCEPTED {
        if let Some(id) = serde_json::from_slice::<Value>(&reply.body)
            .ok()
            .and_then(|v| v["id"].as_str().map(str::to_string))
        {
            let r =
                w.rt.block_on(w.server.post(&format!("/api/runs/{id}/cancel"), &json!({})));
            assert!(
                r.status == StatusCode::OK || r.status == StatusCode::CONFLICT,
                "{}",
                r.text()
            );
        }
    }
    reply
}

/// What every answer must be.
fn check(method: &Method, uri: &str, r: &Reply) -> Result<(), TestCaseError> {
    let s = r.status;
    prop_assert!(
        !s.is_server_error() || s == StatusCode::SERVICE_UNAVAILABLE,
        "{method} {uri}: {s} {}",
        r.text()
    );
    prop_assert!(
        !r.text().contains(SECRET),
        "{method} {uri}: served a file outside the data folder"
    );
    let path = uri.split('?').next().unwrap_or(uri);
    if path.starts_with("/api/")
        && (s.is_client_error() || s.is_server_error())
        && *method != Method::HEAD
    {
        let v: Result<Value, _> = serde_json::from_slice(&r.body);
        prop_assert!(
            v.as_ref().is_ok_and(|v| v["error"].is_string()),
            "{method} {uri}: {s} without a JSON error: {:?} ({:?})",
            r.text(),
            r.headers.get(header::CONTENT_TYPE)
        );
    }
    if s == StatusCode::OK && path.contains("/files/") {
        prop_assert!(
            path.starts_with("/runs/mycli/files/") || path.starts_with("/compare/"),
            "{uri}"
        );
    }
    Ok(())
}

/// Every byte but unreserved ones percent-encoded.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A path segment: real ids, ways out, odd characters, very long.
fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("b:default".to_string()),
        Just("mycli".to_string()),
        Just("junk".to_string()),
        Just("..".to_string()),
        Just("%2e%2e".to_string()),
        Just("%2E%2E%2F%2E%2E%2Fsecret.txt".to_string()),
        Just("..%2F..%2Fsecret.txt".to_string()),
        Just("..%5C..%5Csecret.txt".to_string()),
        Just(".web".to_string()),
        Just("%00".to_string()),
        Just("%FF%FE".to_string()),
        Just("%C3%BC%E2%9C%93".to_string()),
        Just("summary.csv".to_string()),
        Just("manifest.json".to_string()),
        Just("stray.csv".to_string()),
        Just("secret.txt".to_string()),
        Just("a".repeat(5000)),
        "[a-z0-9._-]{0,12}",
        any::<String>().prop_map(|s| encode(&s)),
    ]
}

/// A file path of several segments.
fn file_path() -> impl Strategy<Value = String> {
    prop::collection::vec(segment(), 1..4).prop_map(|v| v.join("/"))
}

fn uri() -> impl Strategy<Value = String> {
    (0usize..20, segment(), file_path(), segment()).prop_map(|(k, id, path, q)| match k {
        0 => "/".into(),
        1 => "/app.js".into(),
        2 => "/api/home".into(),
        3 => "/api/scenarios".into(),
        4 => format!("/api/scenarios/{id}"),
        5 => format!("/api/scenarios/{id}/files?name={q}"),
        6 => format!("/api/scenarios/{id}/download"),
        7 => "/api/validate".into(),
        8 => "/api/form".into(),
        9 => "/api/form/apply".into(),
        10 => "/api/runs".into(),
        11 => format!("/api/runs/{id}"),
        12 => format!("/api/runs/{id}/events"),
        13 => format!("/api/runs/{id}/cancel"),
        14 => format!("/runs/{id}/files/{path}"),
        15 => "/api/compare".into(),
        16 => format!("/compare/{id}/files/{path}"),
        17 => format!("/api/{path}"),
        18 => format!("/runs/mycli/files/{path}"),
        _ => format!("/{path}"),
    })
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        4 => Just(Method::GET),
        4 => Just(Method::POST),
        1 => Just(Method::PUT),
        1 => Just(Method::DELETE),
        1 => Just(Method::PATCH),
        1 => Just(Method::HEAD),
        1 => Just(Method::OPTIONS),
    ]
}

fn content_type() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        Just(None),
        Just(Some("application/json")),
        Just(Some("text/csv")),
        Just(Some("text/plain; charset=utf-8")),
        Just(Some("multipart/form-data; boundary=x")),
        Just(Some("application/x-www-form-urlencoded")),
    ]
}

/// A leaf of JSON: the awkward numbers and strings.
fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        Just(json!(u64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(-1)),
        Just(json!(0)),
        Just(json!(1)),
        Just(json!(2)),
        Just(json!(1e308)),
        Just(json!(-0.5)),
        Just(json!(0.05)),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        Just(json!("b:default")),
        Just(json!("mycli")),
        Just(json!("../../secret.txt")),
        Just(json!("walkouts[0].hours")),
        Just(json!("plans[1].stand_down.theatre_share")),
        "(hours|weeks_after|replications) = -?[0-9]{1,20}"
            .prop_map(|l| Value::from(web::default_text().replacen("hours = 48", &l, 1))),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("text".to_string()),
                        Just("scenario".to_string()),
                        Just("changes".to_string()),
                        Just("key".to_string()),
                        Just("value".to_string()),
                        Just("replications".to_string()),
                        Just("seed".to_string()),
                        Just("precision".to_string()),
                        Just("runs".to_string()),
                        "[a-z]{1,6}",
                    ],
                    inner
                ),
                0..5
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]))
}

#[test]
fn arbitrary_requests_get_sound_answers() {
    let w = world();
    let bodies = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        json_value().prop_map(|v| v.to_string().into_bytes()),
    ];
    let mut runner = runner(300);
    runner
        .run(
            &(method(), uri(), bodies, content_type()),
            |(method, uri, body, ct)| {
                let mut b = Request::builder()
                    .method(method.clone())
                    .uri(uri.as_str())
                    .header(header::HOST, HOST);
                if let Some(ct) = ct {
                    b = b.header(header::CONTENT_TYPE, ct);
                }
                let Ok(request) = b.body(Body::from(body)) else {
                    // Not a URI a client could send.
                    return Ok(());
                };
                let r = send(w, request);
                check(&method, &uri, &r)
            },
        )
        .unwrap();
}

#[test]
fn arbitrary_json_to_validate_form_and_runs_is_never_a_server_error() {
    let w = world();
    let mut runner = runner(300);
    let uris = prop_oneof![
        Just("/api/validate"),
        Just("/api/form"),
        Just("/api/form/apply"),
        Just("/api/runs"),
        Just("/api/compare"),
        Just("/api/scenarios"),
    ];
    // Bodies shaped like the real ones, with awkward values.
    let number = prop_oneof![Just(Value::Null), (1u64..3).prop_map(Value::from), leaf(),];
    let run = (number.clone(), number.clone(), number).prop_map(|(n, seed, p)| {
        json!({"scenario": "b:default", "replications": n, "seed": seed, "precision": p})
    });
    let key = prop_oneof![
        Just("walkouts[0].hours".to_string()),
        Just("walkouts[0].start".to_string()),
        Just("walkouts[0].kind".to_string()),
        Just("walkouts[0].participation.mean".to_string()),
        Just("plans[1].stand_down.theatre_share".to_string()),
        Just("plans[0].catch_up.weeks".to_string()),
        Just("walkouts[18446744073709551616].hours".to_string()),
        Just("plans[2].protect".to_string()),
        "[a-z]{1,8}(\\[[0-9]{1,3}\\])?(\\.[a-z_]{1,10}){0,3}",
    ];
    let value = prop_oneof![
        Just(String::new()),
        Just("24".to_string()),
        Just("-1".to_string()),
        Just("1e308".to_string()),
        Just("NaN".to_string()),
        Just("99999999999999999999".to_string()),
        Just("2016-02-30T08:00".to_string()),
        Just("full_walkout".to_string()),
        any::<String>(),
    ];
    let text = prop_oneof![
        Just(web::default_text()),
        leaf().prop_filter_map("a string", |v| v.as_str().map(str::to_string)),
        Just(String::new()),
        Just("[[walkouts]]\nhours = {".to_string()),
    ];
    let apply =
        (text.clone(), prop::collection::vec((key, value), 1..4)).prop_map(|(text, changes)| {
            let changes: Vec<Value> = changes
                .into_iter()
                .map(|(k, v)| json!({"key": k, "value": v}))
                .collect();
            json!({"text": text, "changes": changes})
        });
    let validate = text.prop_map(|t| json!({"text": t}));
    let bodies = prop_oneof![json_value(), run, apply, validate];
    runner
        .run(&(uris, bodies), |(uri, body)| {
            let uri = if body.get("changes").is_some() {
                "/api/form/apply"
            } else if body.get("replications").is_some() {
                "/api/runs"
            } else {
                uri
            };
            let request = Server::request(Method::POST, uri)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request");
            let r = send(w, request);
            prop_assert!(
                r.status.is_success() || r.status.is_client_error(),
                "{uri} {body}: {} {}",
                r.status,
                r.text()
            );
            check(&Method::POST, uri, &r)
        })
        .unwrap();
    // Every run started by chance was cancelled: soon nothing is left running.
    let start = std::time::Instant::now();
    loop {
        let runs = w.rt.block_on(w.server.get("/api/runs")).json();
        let busy: Vec<&Value> = runs
            .as_array()
            .expect("runs")
            .iter()
            .filter(|r| matches!(web::status(r), "queued" | "running"))
            .collect();
        if busy.is_empty() {
            break;
        }
        assert!(start.elapsed().as_secs() < 60, "runs still busy: {busy:?}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

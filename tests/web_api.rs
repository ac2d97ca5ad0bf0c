//! The handlers of `strikesim serve` that do not run simulations, driven
//! through the router without a socket: home, scenarios, validation, the
//! form, body limits, the security checks, and malformed requests.
//! (Runs, results, files and comparisons: tests/web_runs.rs.)

#[path = "support/web.rs"]
mod web;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::{json, Value};
use web::{default_text, Server, HOST};

fn server(workers: usize) -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = Server::new(dir.path(), workers);
    (dir, s)
}

/// The 1-based line of the first line of `text` equal to `line`.
fn line_of(text: &str, line: &str) -> u64 {
    let at = text
        .lines()
        .position(|l| l.trim() == line)
        .unwrap_or_else(|| panic!("no line {line:?}"));
    at as u64 + 1
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn home_lists_bundled_then_saved_scenarios() {
    let (_dir, s) = server(1);
    let r = s.get("/api/home").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let home = r.json();
    let bundled = home["bundled"].as_array().expect("bundled");
    assert!(bundled.len() > 3, "{home}");
    assert_eq!(bundled[0]["id"], "b:default");
    assert_eq!(bundled[0]["name"], "west-herts-2016-01-26");
    assert_eq!(bundled[0]["bytes"], default_text().len() as u64);
    assert!(bundled.iter().any(|b| b["id"] == "b:sandwell-2016-01-12"));
    assert_eq!(home["saved"], json!([]));
    assert_eq!(home["runs"], json!([]));
    assert_eq!(home["workers"], 1);

    let text = default_text().replace("name = \"west-herts-2016-01-26\"", "name = \"my-copy\"");
    let r = s
        .post(
            "/api/scenarios",
            &json!({"text": text, "filename": "../mine.toml"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().expect("id").to_string();
    assert!(id.starts_with("s-"), "{id}");

    let home = s.get("/api/home").await.json();
    let saved = home["saved"].as_array().expect("saved");
    assert_eq!(saved.len(), 1, "{home}");
    assert_eq!(saved[0]["id"], id.as_str());
    assert_eq!(saved[0]["name"], "my-copy");
    assert_eq!(saved[0]["file"], "mine.toml");
    assert_eq!(home["bundled"][0]["id"], "b:default");

    // The saved scenario reads back, and downloads under its name.
    let r = s.get(&format!("/api/scenarios/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let sc = r.json();
    assert_eq!(
        (sc["kind"].as_str(), sc["text"].as_str()),
        (Some("saved"), Some(text.as_str()))
    );
    let r = s.get(&format!("/api/scenarios/{id}/download")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.text(), text);
    assert!(
        r.header("content-disposition").contains("my-copy.toml"),
        "{:?}",
        r.headers
    );

    // Overwrite it; a bundled one is read-only.
    let r = s
        .post(
            &format!("/api/scenarios/{id}"),
            &json!({"text": "name = \"x\"\n"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        s.get(&format!("/api/scenarios/{id}")).await.json()["text"],
        "name = \"x\"\n"
    );
    let r = s
        .post("/api/scenarios/b:default", &json!({"text": "x"}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.error().contains("read-only"), "{}", r.text());
    let r = s.get("/api/scenarios/b:no-such").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.error().contains("no-such"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_scenarios_made_in_the_same_second_never_share_an_id() {
    // Ids end in four random hex digits: 300 saves in a second drew the
    // same id about once, and the second save overwrote the first.
    let (_dir, s) = server(1);
    let mut ids = std::collections::BTreeSet::new();
    for k in 0..300 {
        let r = s
            .post(
                "/api/scenarios",
                &json!({"text": format!("name = \"n{k}\"\n")}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
        ids.insert(r.json()["id"].as_str().expect("id").to_string());
    }
    assert_eq!(ids.len(), 300);
    let home = s.get("/api/home").await.json();
    let mut names: Vec<&str> = home["saved"]
        .as_array()
        .expect("saved")
        .iter()
        .filter_map(|x| x["name"].as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validation_places_errors_at_their_lines() {
    let (_dir, s) = server(1);
    let text = default_text();
    let r = s.post("/api/validate", &json!({"text": text})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["errors"], json!([]));
    let summary = v["summary"].as_str().expect("summary");
    assert!(summary.contains("1 walkout(s)"), "{summary}");

    // hours = 0: the error is at the line of that hours, on its field.
    let bad = text.replacen("hours = 48", "hours = 0", 1);
    let line = line_of(&bad, "hours = 0");
    let v = s.post("/api/validate", &json!({"text": bad})).await.json();
    assert_eq!(v["ok"], false, "{v}");
    let e = &v["errors"][0];
    assert_eq!(e["field"], "walkouts[0].hours", "{v}");
    assert_eq!(e["line"], line, "{v}");
    assert!(e["message"].as_str().unwrap_or("").contains('0'), "{v}");

    // A TOML syntax error: at its line.
    let mut lines: Vec<&str> = text.lines().collect();
    let at = line_of(&text, "[recovery]") as usize;
    lines.insert(at, "tolerance_patients = = 3");
    let broken = lines.join("\n");
    let v = s
        .post("/api/validate", &json!({"text": broken}))
        .await
        .json();
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(v["errors"][0]["line"], at as u64 + 1, "{v}");

    // An unknown key: named.
    let unknown = text.replacen(
        "weeks_after = 26",
        "weeks_after = 26\nweeks_afterwards = 3",
        1,
    );
    let v = s
        .post("/api/validate", &json!({"text": unknown}))
        .await
        .json();
    assert_eq!(v["ok"], false, "{v}");
    let said = v["errors"].to_string() + v["message"].as_str().unwrap_or("");
    assert!(said.contains("weeks_afterwards"), "{v}");
    assert_eq!(
        v["errors"][0]["line"],
        line_of(&unknown, "weeks_afterwards = 3"),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_form_reads_and_writes_the_toml() {
    let (_dir, s) = server(1);
    let text = default_text();
    let r = s.post("/api/form", &json!({"text": text})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let fields = r.json()["fields"].as_array().expect("fields").clone();
    let hours = fields
        .iter()
        .find(|f| f["key"] == "walkouts[0].hours")
        .expect("walkouts[0].hours listed");
    assert_eq!(hours["value"], "48");
    assert_eq!(hours["kind"], "number");
    assert!(fields
        .iter()
        .any(|f| f["key"] == "walkouts[0].kind" && f["kind"] == "select"));

    let r = s
        .post(
            "/api/form/apply",
            &json!({"text": text, "changes": [{"key": "walkouts[0].hours", "value": "24"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let changed = r.json()["text"].as_str().expect("text").to_string();
    // Everything else as it was (toml_edit ends the file with a newline).
    assert_eq!(
        changed.trim_end(),
        text.replacen("hours = 48", "hours = 24", 1).trim_end()
    );
    let again = s.post("/api/form", &json!({"text": changed})).await.json();
    assert!(again["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .any(|f| f["key"] == "walkouts[0].hours" && f["value"] == "24"));

    let r = s
        .post(
            "/api/form/apply",
            &json!({"text": text, "changes": [{"key": "walkouts[0].hours", "value": "two days"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert!(r.error().starts_with("walkouts[0].hours"), "{}", r.text());
    let r = s
        .post(
            "/api/form/apply",
            &json!({"text": text, "changes": [{"key": "trusts[0].code", "value": "X"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.error().contains("trusts[0].code"), "{}", r.text());

    // Emptying a field takes out that field, and only it.
    let r = s
        .post(
            "/api/form/apply",
            &json!({"text": text, "changes": [{"key": "plans[1].stand_down.days_ahead", "value": ""}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let out = r.json()["text"].as_str().expect("text").to_string();
    let differing: Vec<(&str, &str)> = text
        .lines()
        .zip(out.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(differing.len(), 1, "{differing:?}");
    let (before, after) = differing[0];
    assert!(before.contains("days_ahead = 7"), "{before}");
    assert!(
        !after.contains("days_ahead") && after.contains("clinic_share = 0.5"),
        "{after}"
    );
    assert_eq!(text.lines().count(), out.lines().count());
    // A field that is absent stays absent, whatever else has its name.
    let odd = "[[plans]]\nname = \"a\"\ndays_ahead = 3\n";
    let r = s
        .post(
            "/api/form/apply",
            &json!({"text": odd, "changes": [{"key": "plans[0].stand_down.days_ahead", "value": ""}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["text"], odd);

    // Text that is not TOML: 422 saying so.
    let r = s.post("/api/form", &json!({"text": "a = = b"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.error().contains("TOML"), "{}", r.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_their_limits_are_refused() {
    let (_dir, s) = server(1);
    let big = "#".repeat((4 << 20) + 10);
    for uri in ["/api/validate", "/api/scenarios", "/api/form"] {
        let r = s.post(uri, &json!({"text": big})).await;
        assert_eq!(
            r.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{uri}: {}",
            r.text()
        );
        assert!(r.error().contains("MiB"), "{uri}: {}", r.text());
    }
    // A JSON body beyond any limit.
    let huge = "#".repeat(9 << 20);
    let r = s.post("/api/validate", &json!({"text": huge})).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert!(r.error().contains("MiB"), "{}", r.text());
    assert!(web::manifests_under(s.data.as_path()).is_empty());

    let id = s
        .post("/api/scenarios", &json!({"text": default_text()}))
        .await
        .json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    let csv = b"a,b\n1,2\n".to_vec();
    let r = s
        .post_raw(
            &format!("/api/scenarios/{id}/files?name=rtt.csv"),
            "text/csv",
            csv.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["name"], "rtt.csv");
    assert_eq!(
        s.get(&format!("/api/scenarios/{id}")).await.json()["files"],
        json!(["rtt.csv"])
    );
    assert_eq!(
        std::fs::read(s.data.join(".web/scenarios").join(&id).join("rtt.csv")).expect("kept"),
        csv
    );

    let r = s
        .post_raw(
            &format!("/api/scenarios/{id}/files"),
            "text/csv",
            csv.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text());
    assert!(r.error().starts_with("name:"), "{}", r.text());
    let r = s
        .post_raw(
            "/api/scenarios/b:default/files?name=rtt.csv",
            "text/csv",
            csv.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.error().contains("read-only"), "{}", r.text());
    for name in ["..%2Fx.csv", "x.txt", "..x.csv", ".csv"] {
        let r = s
            .post_raw(
                &format!("/api/scenarios/{id}/files?name={name}"),
                "text/csv",
                csv.clone(),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name}: {}", r.text());
        assert!(r.error().starts_with("name:"), "{name}: {}", r.text());
    }
    assert!(!s.data.join(".web/scenarios/x.csv").exists());
    assert!(!s.data.join(".web/x.csv").exists());

    let r = s
        .post_raw(
            &format!("/api/scenarios/{id}/files?name=big.csv"),
            "text/csv",
            vec![b'1'; (32 << 20) + 2],
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert!(r.error().contains("MiB"), "{}", r.text());
    assert!(!s
        .data
        .join(".web/scenarios")
        .join(&id)
        .join("big.csv")
        .exists());
}

fn post_with(headers: &[(&str, &str)], uri: &str, body: &Value) -> Request<Body> {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::from(body.to_string())).expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_from_other_sites_and_hosts_are_refused() {
    let (_dir, s) = server(1);
    let body = json!({"text": "name = \"x\"\n"});
    let same = format!("http://{HOST}");
    let cases: [(&[(&str, &str)], StatusCode); 6] = [
        (
            &[("host", HOST), ("origin", "http://evil.example")],
            StatusCode::FORBIDDEN,
        ),
        (
            &[("host", HOST), ("sec-fetch-site", "cross-site")],
            StatusCode::FORBIDDEN,
        ),
        (&[("host", HOST), ("origin", "null")], StatusCode::FORBIDDEN),
        (
            &[
                ("host", HOST),
                ("origin", &same),
                ("sec-fetch-site", "same-origin"),
            ],
            StatusCode::CREATED,
        ),
        (&[("host", HOST)], StatusCode::CREATED),
        (
            &[("host", "evil.example"), ("origin", "http://evil.example")],
            StatusCode::FORBIDDEN,
        ),
    ];
    for (headers, want) in cases {
        let r = s.send(post_with(headers, "/api/scenarios", &body)).await;
        assert_eq!(r.status, want, "{headers:?}: {}", r.text());
        if want == StatusCode::FORBIDDEN {
            assert!(!r.error().is_empty());
        }
    }
    // Only the two accepted ones saved anything.
    assert_eq!(
        s.get("/api/home").await.json()["saved"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // A page from another name (DNS rebinding) cannot even read.
    let r = s
        .send(
            Request::get("/api/home")
                .header("host", "evil.example:8080")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.error().contains("evil.example"), "{}", r.text());
    assert!(!r.text().contains("b:default"));
    for host in ["localhost:8080", "[::1]:8080", "127.0.0.1"] {
        let r = s
            .send(
                Request::get("/api/home")
                    .header("host", host)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{host}");
    }
    // Names that only look like this machine: a rebinding site can name
    // itself 127.evil.example and resolve that to 127.0.0.1.
    for host in [
        "127.evil.example:8080",
        "127.0.0.1.evil.example",
        "localhost.evil.example:8080",
        "[::1.evil]:8080",
    ] {
        let r = s
            .send(
                Request::get("/api/home")
                    .header("host", host)
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{host}: {}", r.text());
        assert!(r.error().contains("this machine only"), "{}", r.text());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_required_when_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = Server::with_token(dir.path(), 1, Some("T0ken"));
    let get = |extra: Option<(&'static str, String)>, uri: &str| {
        let mut b = Request::get(uri).header("host", HOST);
        if let Some((k, v)) = extra {
            b = b.header(k, v);
        }
        b.body(Body::empty()).expect("request")
    };
    let r = s.send(get(None, "/api/home")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.error().contains("token"), "{}", r.text());
    let r = s
        .send(get(
            Some(("authorization", "Bearer wrong".into())),
            "/api/home",
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = s.send(get(None, "/?token=wrong")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = s
        .send(get(
            Some(("authorization", "Bearer T0ken".into())),
            "/api/home",
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["bundled"][0]["id"], "b:default");
    // A change needs it too.
    let r = s
        .send(post_with(
            &[("host", HOST)],
            "/api/validate",
            &json!({"text": ""}),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    let r = s.send(get(None, "/?token=T0ken")).await;
    assert!(r.status.is_redirection(), "{}", r.status);
    assert_eq!(r.header("location"), "/");
    // The redirect stays on this server: "//evil.example" would leave it.
    for (uri, to) in [
        ("//evil.example/?token=T0ken", "/"),
        ("/%2F%2Fevil.example?token=T0ken", "/%2F%2Fevil.example"),
        ("/api/home?token=T0ken", "/api/home"),
    ] {
        let r = s.send(get(None, uri)).await;
        assert!(r.status.is_redirection(), "{uri}: {}", r.status);
        assert_eq!(r.header("location"), to, "{uri}");
    }
    let cookie = r.header("set-cookie").to_string();
    assert!(
        cookie.contains("T0ken") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().expect("cookie").to_string();
    let r = s
        .send(get(Some(("cookie", pair.clone())), "/api/home"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = s.send(get(Some(("cookie", pair.clone())), "/")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text().contains("<html")
            || r.text().contains("<!doctype")
            || r.text().contains("<!DOCTYPE")
    );
    let r = s
        .send(post_with(
            &[("host", HOST), ("cookie", &pair)],
            "/api/validate",
            &json!({"text": default_text()}),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["ok"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_policy() {
    let (_dir, s) = server(1);
    for uri in [
        "/",
        "/app.js",
        "/app.css",
        "/api/home",
        "/api/runs/nope",
        "/nowhere",
    ] {
        let r = s.get(uri).await;
        let csp = r.header("content-security-policy");
        let script = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap_or_else(|| panic!("{uri}: no script-src in {csp:?}"));
        assert!(
            !script.contains("unsafe-inline") && !script.contains("unsafe-eval"),
            "{uri}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'self'"), "{uri}: {csp}");
        assert_eq!(r.header("x-content-type-options"), "nosniff", "{uri}");
    }
    let r = s.get("/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").starts_with("text/html"));
    assert!(!r.text().contains("<script>"), "no inline script");
    assert_eq!(
        s.get("/app.js").await.header("content-type"),
        "text/javascript; charset=utf-8"
    );
    let r = s.get("/api/home").await;
    assert_eq!(r.header("cache-control"), "no-store");
    let r = s.get("/nowhere").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.error().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_are_named() {
    let (_dir, s) = server(1);
    let cases: [(&str, &str, &str); 8] = [
        ("/api/validate", "{\"text\": ", "EOF"),
        (
            "/api/validate",
            "{\"text\": \"x\", \"colour\": 1}",
            "colour",
        ),
        ("/api/validate", "{}", "text"),
        (
            "/api/form/apply",
            "{\"text\": \"\", \"changes\": [{\"key\": \"a\"}]}",
            "value",
        ),
        (
            "/api/runs",
            "{\"scenario\": \"b:default\", \"replicas\": 3}",
            "replicas",
        ),
        (
            "/api/runs",
            "{\"scenario\": \"b:default\", \"replications\": -1}",
            "-1",
        ),
        (
            "/api/runs",
            "{\"scenario\": \"b:default\", \"seed\": \"seven\"}",
            "seven",
        ),
        ("/api/compare", "[1, 2]", "sequence"),
    ];
    for (uri, body, named) in cases {
        let r = s
            .post_raw(uri, "application/json", body.as_bytes().to_vec())
            .await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{uri} {body}: {}",
            r.text()
        );
        let e = r.error();
        assert!(e.starts_with("the request body"), "{e}");
        assert!(e.contains(named), "{uri} {body}: {e}");
    }
    // A method a route does not take, and an id that is not UTF-8: JSON too.
    for method in [Method::PUT, Method::DELETE, Method::PATCH] {
        let r = s
            .send(
                Server::request(method.clone(), "/api/home")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert!(r.error().contains(method.as_str()), "{}", r.text());
        assert!(r.header("allow").contains("GET"), "{:?}", r.headers);
    }
    for uri in [
        "/api/scenarios/%FF%FE",
        "/api/runs/%C3%28",
        "/runs/%FF/files/x",
    ] {
        let r = s.get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}: {}", r.text());
        assert!(r.error().contains("UTF-8"), "{uri}: {}", r.text());
    }
    // Nothing was started.
    assert_eq!(s.get("/api/runs").await.json(), json!([]));
    let r = s.post("/api/runs", &json!({"scenario": "nope"})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.error().contains("nope"));
}

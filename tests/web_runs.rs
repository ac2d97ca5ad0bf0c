//! Runs through `strikesim serve`'s handlers, without a socket: a run's
//! results and files (its tables byte-identical to `strikesim run`'s),
//! refusals, the queue and cancelling, a restart over the same data
//! folder, CLI run folders, paths that try to leave the data folder, and
//! comparisons. Runs are small (8 to 40 replications of the default).

#[path = "support/web.rs"]
mod web;

use axum::http::StatusCode;
use serde_json::json;
use std::path::Path;
use std::time::Duration;
use web::{cli, csv_names, manifests_under, status, Server, DEFAULT_FILE};

/// The files of a run's info, by name.
fn file_names(info: &serde_json::Value) -> Vec<String> {
    info["files"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Every CSV of two run folders is the same, byte for byte.
fn same_tables(web: &Path, cli: &Path) {
    let names = csv_names(cli);
    for want in ["summary.csv", "replications.csv", "weekly.csv"] {
        assert!(names.iter().any(|n| n == want), "{names:?}");
    }
    assert!(names.iter().any(|n| n.starts_with("by_")), "{names:?}");
    assert_eq!(csv_names(web), names);
    for n in &names {
        let a = std::fs::read(web.join(n)).expect("web table");
        let b = std::fs::read(cli.join(n)).expect("cli table");
        assert!(a == b, "{n} differs between the web run and strikesim run");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_gives_the_clis_results_and_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = Server::new(dir.path(), 2);
    let id = s.start_run("b:default", 8, 7).await;
    let info = s.wait_done(&id).await;
    assert_eq!(info["origin"], "web");
    assert_eq!(
        (info["replications"].as_u64(), info["seed"].as_u64()),
        (Some(8), Some(7))
    );
    assert_eq!(info["scenario"], "b:default");
    assert_eq!(info["name"], "west-herts-2016-01-26");
    assert!(info["finished"].is_string(), "{info}");

    let header = info["headline"]["header"]
        .as_array()
        .expect("headline header");
    assert!(
        header[0].as_str().unwrap_or("").starts_with("Measure"),
        "{header:?}"
    );
    assert!(header.iter().any(|h| h == "keep-booked"), "{header:?}");
    assert!(!info["headline"]["rows"]
        .as_array()
        .expect("rows")
        .is_empty());
    assert_eq!(
        info["world"].as_str().map(str::len),
        Some(64),
        "{}",
        info["world"]
    );

    let charts = info["charts"].as_array().expect("charts");
    assert!(!charts.is_empty(), "{info}");
    for c in charts {
        let url = c["svg"].as_str().expect("svg url");
        assert!(
            url.starts_with(&format!("/runs/{id}/files/charts/")),
            "{url}"
        );
        let r = s.get(url).await;
        assert_eq!(r.status, StatusCode::OK, "{url}");
        assert_eq!(r.header("content-type"), "image/svg+xml", "{url}");
        assert!(r.text().contains("<svg"), "{url}");
    }
    let names = file_names(&info);
    for want in [
        "summary.csv",
        "report.html",
        "manifest.json",
        "scenario.toml",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
    }
    let out = dir.path().join(&id);
    for f in info["files"].as_array().expect("files") {
        let url = f["url"].as_str().expect("url");
        let r = s.get(url).await;
        assert_eq!(r.status, StatusCode::OK, "{url}");
        assert_eq!(
            r.body.len() as u64,
            f["bytes"].as_u64().expect("bytes"),
            "{url}"
        );
    }
    let r = s.get(&format!("/runs/{id}/files/summary.csv")).await;
    assert_eq!(
        r.body,
        std::fs::read(out.join("summary.csv")).expect("summary.csv")
    );
    assert!(r.header("content-disposition").contains("summary.csv"));
    let r = s.get(&format!("/runs/{id}/files/scenario.toml")).await;
    assert_eq!(r.text(), web::default_text());
    let r = s.get(&format!("/runs/{id}/files/report.html")).await;
    assert_eq!(r.status, StatusCode::OK);
    let csp = r.header("content-security-policy");
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    assert_eq!(info["report"], format!("/runs/{id}/files/report.html"));

    // The same run by the CLI, as a process: the same tables, byte for byte.
    let cli_out = tempfile::tempdir().expect("tempdir");
    let cli_dir = cli_out.path().join("run");
    cli(&[
        "run",
        DEFAULT_FILE,
        "-n",
        "8",
        "--seed",
        "7",
        "--out",
        cli_dir.to_str().expect("utf-8"),
    ]);
    same_tables(&out, &cli_dir);

    // Listed on the home page; a finished run cannot be cancelled.
    let home = s.get("/api/home").await.json();
    assert_eq!(home["runs"][0]["id"], id.as_str());
    assert_eq!(home["runs"][0]["status"], "done");
    let r = s.post(&format!("/api/runs/{id}/cancel"), &json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.error().contains("finished"), "{}", r.text());

    // The events of a finished run: one "end" with the full run.
    let r = s.get(&format!("/api/runs/{id}/events")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").starts_with("text/event-stream"));
    let text = r.text();
    assert!(text.starts_with("event: end"), "{text}");
    assert!(text.contains("\"headline\""), "{text}");

    // Paths that try to leave the run folder, or name files it does not list.
    std::fs::write(out.join("stray.txt"), "not listed").expect("stray file");
    std::fs::write(dir.path().join("secret.txt"), "secret").expect("secret file");
    for uri in [
        "/runs/..%2F..%2Fetc%2Fpasswd/files/x".to_string(),
        format!("/runs/{id}/files/../../.web/runs/{id}/run.json"),
        format!("/runs/{id}/files/%2e%2e/secret.txt"),
        format!("/runs/{id}/files/..%2Fsecret.txt"),
        format!("/runs/{id}/files/%2e%2e/%2e%2e/etc/passwd"),
        format!("/runs/{id}/files/stray.txt"),
        format!("/runs/{id}/files//etc/passwd"),
        format!("/runs/{id}/files/charts/../stray.txt"),
        "/api/scenarios/..%2f..%2fetc/download".into(),
        "/api/scenarios/..%2F.web%2Fscenarios/download".into(),
        "/compare/../files/x".into(),
        "/compare/..%2F..%2Fsecret.txt/files/x".into(),
        "/runs/../files/secret.txt".into(),
        "/runs/.web/files/runs".into(),
        "/api/runs/..".into(),
        "/api/runs/.web".into(),
        "/api/runs/a%2Fb".into(),
        format!("/api/runs/{id}%2F..%2F{id}"),
        "/runs/./files/secret.txt".into(),
    ] {
        let r = s.get(&uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {}", r.text());
        assert!(
            !r.text().contains("not listed") && !r.text().contains("secret\""),
            "{uri}"
        );
        assert!(!r.error().is_empty(), "{uri}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_runs_leave_nothing_behind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = Server::new(dir.path(), 1);
    let text = web::default_text().replacen("hours = 48", "hours = 0", 1);
    let sid = s
        .post("/api/scenarios", &json!({"text": text}))
        .await
        .json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    let r = s
        .post("/api/runs", &json!({"scenario": sid, "replications": 8}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let v = r.json();
    assert!(
        v["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .any(|e| e["field"] == "walkouts[0].hours"),
        "{v}"
    );

    let r = s
        .post(
            "/api/runs",
            &json!({"scenario": "b:default", "replications": 0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.error().contains("--replications"), "{}", r.text());

    // No record, no input, no run folder.
    assert_eq!(s.get("/api/runs").await.json(), json!([]));
    assert_eq!(
        std::fs::read_dir(dir.path().join(".web/runs"))
            .expect("runs dir")
            .count(),
        0
    );
    let top: Vec<_> = std::fs::read_dir(dir.path())
        .expect("data")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    assert_eq!(top, vec![".web".to_string()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_runs_one_at_a_time_and_cancels() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = Server::new(dir.path(), 1);
    let first = s.start_run("b:default", 40, 1).await;
    let second = s.start_run("b:default", 8, 2).await;
    let third = s.start_run("b:default", 40, 3).await;
    let info = s
        .wait_for(&first, Duration::from_secs(30), |i| status(i) == "running")
        .await;
    assert_eq!(info["queue_position"], json!(null));
    let two = s.run_info(&second).await;
    assert_eq!(
        (status(&two), two["queue_position"].as_u64()),
        ("queued", Some(1)),
        "{two}"
    );
    let three = s.run_info(&third).await;
    assert_eq!(
        (status(&three), three["queue_position"].as_u64()),
        ("queued", Some(2)),
        "{three}"
    );

    // The run folder appears only when complete: while running, there is none.
    assert!(!dir.path().join(&first).exists());
    // At most 32 runs wait: the next is refused with 503.
    let mut more = Vec::new();
    for seed in 100..130 {
        more.push(s.start_run("b:default", 8, seed).await);
    }
    assert_eq!(s.run_info(&more[29]).await["queue_position"], 32);
    let r = s
        .post(
            "/api/runs",
            &json!({"scenario": "b:default", "replications": 8}),
        )
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text());
    assert!(r.error().contains("queue is full"), "{}", r.text());
    for id in more.iter().rev() {
        let r = s.post(&format!("/api/runs/{id}/cancel"), &json!({})).await;
        assert_eq!(status(&r.json()), "cancelled");
    }

    // A queued run is cancelled at once.
    let r = s
        .post(&format!("/api/runs/{third}/cancel"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(status(&r.json()), "cancelled");
    assert_eq!(r.json()["queue_position"], json!(null));
    assert_eq!(s.run_info(&second).await["queue_position"], 1);

    // A running one stops soon, leaving no run folder.
    let r = s
        .post(&format!("/api/runs/{first}/cancel"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let asked = std::time::Instant::now();
    s.wait_for(&first, Duration::from_secs(30), |i| {
        status(i) == "cancelled"
    })
    .await;
    // "Within a second" (leeway for a loaded machine).
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "{:?}",
        asked.elapsed()
    );
    assert!(
        !dir.path().join(&first).exists(),
        "a cancelled run left its folder"
    );
    assert!(!dir.path().join(&third).exists());

    // The second then runs to its end.
    s.wait_done(&second).await;
    let found = manifests_under(dir.path());
    assert_eq!(
        found,
        vec![dir.path().join(&second).join("manifest.json")],
        "{found:?}"
    );
    for (id, want) in [
        (&first, "cancelled"),
        (&third, "cancelled"),
        (&second, "finished"),
    ] {
        let r = s.post(&format!("/api/runs/{id}/cancel"), &json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{id}: {}", r.text());
        assert!(r.error().contains(want), "{}", r.text());
    }
    let r = s.get(&format!("/runs/{first}/files/summary.csv")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
}

/// Copy a folder and what is under it.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_tree(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let id = {
        let s = Server::new(dir.path(), 1);
        let id = s.start_run("b:default", 8, 11).await;
        s.wait_done(&id).await;
        id
    };
    // A new server over the same data folder.
    let s = Server::new(dir.path(), 1);
    let info = s.run_info(&id).await;
    assert_eq!(
        (status(&info), info["origin"].as_str()),
        ("done", Some("web")),
        "{info}"
    );
    let summary = info["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["name"] == "summary.csv")
        .expect("summary.csv")["url"]
        .as_str()
        .expect("url")
        .to_string();
    let r = s.get(&summary).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.body,
        std::fs::read(dir.path().join(&id).join("summary.csv")).expect("csv")
    );
    let home = s.get("/api/home").await.json();
    assert_eq!(home["runs"].as_array().map(Vec::len), Some(1), "{home}");

    // Runs recorded as running and queued when a server stopped: a copy of
    // its records taken then, opened by a new server, runs them again.
    let busy = Server::new(dir.path(), 1);
    let running = busy.start_run("b:default", 40, 12).await;
    let queued = busy.start_run("b:default", 8, 13).await;
    busy.wait_for(&running, Duration::from_secs(30), |i| {
        status(i) == "running"
    })
    .await;
    let later = tempfile::tempdir().expect("tempdir");
    for rid in [&running, &queued] {
        copy_tree(
            &dir.path().join(".web/runs").join(rid),
            &later.path().join(".web/runs").join(rid),
        );
    }
    for rid in [&queued, &running] {
        let r = busy
            .post(&format!("/api/runs/{rid}/cancel"), &json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let record: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            later
                .path()
                .join(".web/runs")
                .join(&running)
                .join("run.json"),
        )
        .expect("record"),
    )
    .expect("json");
    assert_eq!(record["status"], "running");
    let again = Server::new(later.path(), 2);
    for rid in [&running, &queued] {
        let info = again.run_info(rid).await;
        assert!(matches!(status(&info), "queued" | "running"), "{info}");
    }
    let done = again.wait_done(&queued).await;
    assert_eq!(done["seed"], 13);
    again.wait_done(&running).await;
    assert!(later.path().join(&queued).join("summary.csv").is_file());
    busy.wait_for(&running, Duration::from_secs(30), |i| {
        status(i) == "cancelled"
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_run_folders_are_listed_and_compared() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("mycli");
    cli(&[
        "run",
        DEFAULT_FILE,
        "-n",
        "8",
        "--seed",
        "5",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let sandwell = dir.path().join("sandwell");
    cli(&[
        "run",
        "scenarios/sandwell-2016-01-12.toml",
        "-n",
        "8",
        "--seed",
        "5",
        "--out",
        sandwell.to_str().expect("utf-8"),
    ]);
    // A folder with a manifest that is not a run's (another tool's, or damaged).
    std::fs::create_dir_all(dir.path().join("junk")).expect("junk");
    std::fs::write(dir.path().join("junk/manifest.json"), "{\"files\": []}").expect("junk");
    let s = Server::new(dir.path(), 2);
    for uri in [
        "/api/runs/junk",
        "/runs/junk/files/manifest.json",
        "/api/runs/junk/events",
    ] {
        let r = s.get(uri).await;
        assert!(
            !r.status.is_server_error(),
            "{uri}: {} {}",
            r.status,
            r.text()
        );
    }
    let r = s.get("/api/runs/junk").await;
    assert!(r.error().contains("junk"), "{}", r.text());
    let home = s.get("/api/home").await.json();
    let runs = home["runs"].as_array().expect("runs");
    assert!(!runs.iter().any(|r| r["id"] == "junk"), "{home}");
    let mine = runs
        .iter()
        .find(|r| r["id"] == "mycli")
        .expect("mycli listed");
    assert_eq!(
        (mine["origin"].as_str(), status(mine)),
        (Some("cli"), "done")
    );
    assert_eq!(mine["replications"], 8);

    let info = s.run_info("mycli").await;
    assert_eq!(info["origin"], "cli");
    let names = file_names(&info);
    assert!(names.iter().any(|n| n == "summary.csv"), "{names:?}");
    let r = s.get("/runs/mycli/files/summary.csv").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, std::fs::read(out.join("summary.csv")).expect("csv"));
    let r = s.get("/runs/mycli/files/scenario.toml").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // A web run of the same world and seed compares with it...
    let id = s.start_run("b:default", 8, 5).await;
    // Its progress as server-sent events, until the stream closes at its end.
    let events = tokio::time::timeout(
        Duration::from_secs(120),
        s.get(&format!("/api/runs/{id}/events")),
    )
    .await
    .expect("the event stream ends when the run does");
    assert_eq!(events.status, StatusCode::OK);
    let text = events.text();
    assert!(text.starts_with("event: progress\n"), "{text}");
    let last = text.trim_end().rsplit("\n\n").next().expect("an event");
    assert!(last.starts_with("event: end\n"), "{last}");
    assert!(
        last.contains("\"status\":\"done\"") && last.contains("\"headline\""),
        "{last}"
    );
    assert_eq!(text.matches("event: end").count(), 1);
    s.wait_done(&id).await;
    same_tables(&dir.path().join(&id), &out);
    let r = s
        .post("/api/compare", &json!({"runs": [id, "mycli"]}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let c = r.json();
    assert!(c["id"].as_str().unwrap_or("").starts_with("c-"), "{c}");
    assert!(
        !c["table"]["header"].as_array().expect("header").is_empty(),
        "{c}"
    );
    assert!(
        !c["table"]["rows"].as_array().expect("rows").is_empty(),
        "{c}"
    );
    let first = c["files"][0]["url"].as_str().expect("a file").to_string();
    let r = s.get(&first).await;
    assert_eq!(r.status, StatusCode::OK, "{first}");
    let cid = c["id"].as_str().expect("id");
    let r = s
        .get(&format!(
            "/compare/{cid}/files/..%2F..%2Fmycli%2Fsummary.csv"
        ))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // ...one of another world is refused as strikesim compare refuses it.
    let r = s
        .post("/api/compare", &json!({"runs": [id, "sandwell"]}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(
        r.error().contains("do not share the same world"),
        "{}",
        r.text()
    );
    let r = s.post("/api/compare", &json!({"runs": [id]})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.error().contains("two or more"), "{}", r.text());
    let r = s.post("/api/compare", &json!({"runs": [id, "nope"]})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    // The refusals left no comparison behind.
    let kept: Vec<String> = std::fs::read_dir(dir.path().join(".web/compare"))
        .expect("compare dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(kept, vec![cid.to_string()]);

    // The CLI writes the folder again while the server runs: the server
    // shows the new run, not the one it read before.
    cli(&[
        "run",
        DEFAULT_FILE,
        "-n",
        "4",
        "--seed",
        "6",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let info = s.run_info("mycli").await;
    assert_eq!(
        (info["replications"].as_u64(), info["seed"].as_u64()),
        (Some(4), Some(6))
    );
    for f in info["files"].as_array().expect("files") {
        let url = f["url"].as_str().expect("url");
        let r = s.get(url).await;
        assert_eq!(r.status, StatusCode::OK, "{url}");
        assert_eq!(
            r.body.len() as u64,
            f["bytes"].as_u64().expect("bytes"),
            "{url}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_keeps_the_scenario_it_was_started_with() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = Server::new(dir.path(), 1);
    let text = web::default_text().replacen("hours = 48", "hours = 24", 1);
    let r = s.post("/api/scenarios", &json!({"text": text})).await;
    let sid = r.json()["id"].as_str().expect("id").to_string();
    let id = s.start_run(&sid, 8, 3).await;
    // Edited (even broken) after the run was asked for: the run is not.
    let r = s
        .post(
            &format!("/api/scenarios/{sid}"),
            &json!({"text": "hours = ="}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let info = s.wait_done(&id).await;
    assert_eq!(info["scenario"], sid.as_str());
    let r = s.get(&format!("/runs/{id}/files/scenario.toml")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.text(), text);
    // The 24-hour walkout is the one that ran.
    let manifest = s.get(&format!("/runs/{id}/files/manifest.json")).await;
    assert_eq!(manifest.status, StatusCode::OK);
    let m: serde_json::Value = serde_json::from_slice(&manifest.body).expect("manifest");
    let sha = m["scenario"]["sha256"]
        .as_str()
        .expect("sha256")
        .to_string();
    assert_eq!(info["world"], sha.as_str());
    let bundled = s.start_run("b:default", 2, 3).await;
    let other = s.wait_done(&bundled).await;
    assert_ne!(
        other["world"],
        sha.as_str(),
        "a 24-hour walkout is another world"
    );
}

//! A scenario that starts its lists from an RTT CSV, through `strikesim
//! serve`'s handlers: the CSV is uploaded beside the saved scenario and
//! named by its plain file name; until it is there, and for any name that
//! would reach elsewhere on the machine, the editor's validation says so
//! at the field; once it is, the scenario validates and runs, from a
//! frozen copy of the text and the CSV.

#[path = "support/web.rs"]
mod web;

use axum::http::StatusCode;
use serde_json::json;
use web::Server;

const SCENARIO: &str = "tests/fixtures/scenarios/rtt-start.toml";
const CSV: &str = "tests/fixtures/rtt/rtt_2016_01_gt52.csv";
const FIELD: &str = "trusts[0].initial_list_from.file";

/// The first error of a validation answer, if any.
fn first_error(v: &serde_json::Value) -> Option<(String, String)> {
    let e = v["errors"].as_array()?.first()?;
    Some((
        e["field"].as_str().unwrap_or("").to_string(),
        e["message"].as_str().unwrap_or("").to_string(),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_rtt_csv_is_validated_and_run_and_nothing_else_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = Server::new(dir.path(), 1);
    let text = std::fs::read_to_string(SCENARIO)
        .expect("fixture")
        .replace("../rtt/rtt_2016_01_gt52.csv", "rtt.csv");
    let saved = s
        .post(
            "/api/scenarios",
            &json!({ "text": text, "filename": "rtt-start.toml" }),
        )
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text());
    let id = saved.json()["id"].as_str().expect("id").to_string();
    let validate = |text: String| {
        let body = json!({ "text": text, "scenario": id });
        let s = &s;
        async move { s.post("/api/validate", &body).await.json() }
    };

    // Not uploaded yet: said at the field.
    let v = validate(text.clone()).await;
    assert_eq!(v["ok"], false, "{v}");
    let (field, message) = first_error(&v).expect("an error");
    assert_eq!(field, FIELD);
    assert!(
        message.contains("no file \"rtt.csv\" has been uploaded"),
        "{message}"
    );

    // Names that would leave the scenario's folder are refused, read or not.
    for path in ["../../../etc/passwd", "/etc/passwd", "../scenarios/x.csv"] {
        let v = validate(text.replace("\"rtt.csv\"", &format!("\"{path}\""))).await;
        let (field, message) = first_error(&v).expect("an error");
        assert_eq!(field, FIELD, "{path}");
        assert!(message.contains("plain file name"), "{path}: {message}");
    }
    // So is a run of a bundled copy that names one: nothing is queued.
    let bad = s
        .post(
            "/api/scenarios",
            &json!({ "text": text.replace("\"rtt.csv\"", "\"/etc/passwd\"") }),
        )
        .await
        .json();
    let refused = s
        .post(
            "/api/runs",
            &json!({ "scenario": bad["id"], "replications": 2 }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains(FIELD), "{}", refused.text());

    // Uploaded: it validates and runs.
    let csv = std::fs::read(CSV).expect("fixture");
    let up = s
        .post_raw(
            &format!("/api/scenarios/{id}/files?name=rtt.csv"),
            "text/csv",
            csv.clone(),
        )
        .await;
    assert_eq!(up.status, StatusCode::CREATED, "{}", up.text());
    let v = validate(text.clone()).await;
    assert_eq!(v["ok"], true, "{v}");
    let run = s.start_run(&id, 2, 5).await;
    let info = s.wait_done(&run).await;
    assert_eq!(info["scenario"], id.as_str());
    // The run keeps its own copy of the CSV beside its frozen text.
    let frozen = dir.path().join(".web/runs").join(&run).join("rtt.csv");
    assert_eq!(std::fs::read(frozen).expect("the frozen CSV"), csv);
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join(&run).join("manifest.json")).expect("manifest"),
    )
    .expect("JSON");
    assert!(
        manifest.to_string().contains("rtt.csv"),
        "the manifest names the RTT file it read: {manifest}"
    );
}

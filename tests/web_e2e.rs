//! The workbench end to end, in a real headless Chromium driven through
//! the DevTools protocol (`support/cdp.rs`), against `strikesim serve` as
//! a process: open the home page, start from the default scenario, break
//! a value and see the error at its line, fix it, run 20 replications,
//! watch the progress reach the end, see every chart render, download the
//! tables and find them byte-identical to `strikesim run` of the same
//! scenario and seed; and no console errors or failed requests on the
//! way. Then compare two runs in the browser, and see a refusal.

#[path = "support/cdp.rs"]
mod cdp;
#[path = "support/server.rs"]
mod server;

use server::{cli_run, serve, DEFAULT, TABLES};
use std::time::{Duration, Instant};

const SEED: u64 = 4242;
const REPLICATIONS: u64 = 20;

/// A string as a JavaScript literal.
fn js(s: &str) -> String {
    serde_json::to_string(s).expect("a string")
}

#[test]
#[cfg_attr(
    chromium_missing,
    ignore = "needs headless Chromium at /usr/bin/chromium (apt-get install chromium)"
)]
fn a_planner_edits_runs_and_downloads_in_the_browser() {
    let data = tempfile::tempdir().expect("tempdir");
    let downloads = tempfile::tempdir().expect("tempdir");
    let server = serve(data.path());
    let base = format!("http://{}", server.addr);
    let browser = cdp::Browser::launch();
    let page = browser.new_page();
    page.set_download_dir(downloads.path());
    let long = Duration::from_secs(20);

    // Home: the bundled scenarios are there; start from the default.
    page.navigate(&format!("{base}/"));
    page.wait_for(
        "document.querySelector('a.scenario-link[data-id=\"b:default\"]')",
        long,
    );
    page.click("#new-from-default");
    page.wait_for(
        "location.hash.startsWith('#/edit/s-') && document.querySelector('#editor-text') \
         && document.querySelector('#editor-text').value.includes('name = \"west-herts-2016-01-26\"')",
        long,
    );
    page.wait_for(
        "document.querySelector('#validation-status').innerText.startsWith('Valid')",
        long,
    );
    assert_eq!(
        page.eval("document.querySelector('#run-start').disabled"),
        false
    );

    // Break the walkout's hours: the error is flagged at its line.
    let text = std::fs::read_to_string(DEFAULT).expect("the default scenario");
    let line = text
        .lines()
        .position(|l| l.trim() == "hours = 48")
        .expect("the default has `hours = 48`")
        + 1;
    let broken = text.replacen("hours = 48", "hours = 0", 1);
    page.set_value("#editor-text", &broken);
    let finding = format!(
        "#validation li.finding.error[data-line=\"{line}\"][data-field=\"walkouts[0].hours\"]"
    );
    page.wait_for(
        &format!(
            "document.querySelector({}) && document.querySelector('#editor-gutter .gutter-line.has-error[data-line=\"{line}\"]')",
            js(&finding)
        ),
        long,
    );
    assert!(page.text("#validation-status").starts_with("1 error(s)"));
    assert_eq!(
        page.eval("document.querySelector('#run-start').disabled"),
        true
    );
    // Only that line is marked.
    let marked = page.eval(
        "[...document.querySelectorAll('#editor-gutter .gutter-line.has-error')].map(d => d.dataset.line)",
    );
    assert_eq!(marked, serde_json::json!([line.to_string()]));

    // Fix it, and run 20 replications with a seed.
    page.set_value("#editor-text", &text);
    page.wait_for(
        "document.querySelector('#validation-status').innerText.startsWith('Valid') \
         && !document.querySelector('#run-start').disabled",
        long,
    );
    page.set_value("#run-replications", &REPLICATIONS.to_string());
    page.set_value("#run-seed", &SEED.to_string());
    page.click("#run-start");
    page.wait_for("location.hash.startsWith('#/runs/')", long);
    let id = page
        .eval("location.hash.slice('#/runs/'.length)")
        .as_str()
        .expect("a run id")
        .to_string();

    // Progress, watched until the run is done.
    let started = Instant::now();
    let mut seen = Vec::new();
    loop {
        let now = page.eval(
            "[document.querySelector('#run-status')?.innerText ?? '', \
              Number(document.querySelector('#run-progress')?.value ?? -1), \
              Number(document.querySelector('#run-progress')?.max ?? -1), \
              document.querySelector('#run-progress-text')?.innerText ?? '']",
        );
        let status = now[0].as_str().unwrap_or("").to_string();
        if seen.last() != Some(&now) {
            seen.push(now.clone());
        }
        if status == "done" {
            break;
        }
        assert!(
            !matches!(status.as_str(), "failed" | "cancelled"),
            "the run ended {status}: {seen:?}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "no end: {seen:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let last = seen.last().expect("a state");
    assert_eq!(
        last[1], last[2],
        "progress not at its end when done: {seen:?}"
    );
    assert_eq!(last[2].as_f64(), Some(REPLICATIONS as f64), "{seen:?}");
    assert!(
        seen.len() > 2,
        "no progress seen between start and end: {seen:?}"
    );
    assert!(
        last[3]
            .as_str()
            .unwrap_or("")
            .contains(&format!("{REPLICATIONS} of {REPLICATIONS}")),
        "{seen:?}"
    );

    // The headline table and every chart, rendered.
    page.wait_for("document.querySelector('#headline-table tbody tr')", long);
    page.wait_for(
        "(() => { const c = [...document.querySelectorAll('#charts img.chart')]; \
           return c.length >= 9 && c.every(i => i.complete && i.naturalWidth > 0); })()",
        long,
    );

    // The tables, downloaded, are the bytes of `strikesim run`.
    let cli = data.path().join("cli");
    cli_run(DEFAULT, REPLICATIONS, SEED, &cli);
    for table in TABLES {
        page.click(&format!("#downloads a.download[data-name=\"{table}\"]"));
        let got = page.wait_for_download(table, long);
        let served = std::fs::read(&got).expect("the download");
        let made = std::fs::read(cli.join(table)).expect("the CLI's table");
        assert!(
            served == made,
            "{table} from the browser differs from `strikesim run`"
        );
    }
    let shot = std::env::temp_dir().join(format!("strikesim-e2e-{id}.png"));
    page.screenshot_png(&shot);

    // Compare it with a run of another world (Sandwell, 12 January): the
    // browser shows `strikesim compare`'s refusal.
    let other = server::request(
        &server.addr,
        "POST",
        "/api/runs",
        Some(r#"{"scenario":"b:sandwell-2016-01-12","replications":4}"#),
    );
    assert_eq!(other.0, 202, "{}", other.1);
    let other_id = server::field(&other.1, "id");
    let done = Instant::now();
    loop {
        let (_, body) =
            server::request(&server.addr, "GET", &format!("/api/runs/{other_id}"), None);
        if server::field(&body, "status") == "done" {
            break;
        }
        assert!(done.elapsed() < Duration::from_secs(120), "{body}");
        std::thread::sleep(Duration::from_millis(200));
    }
    page.navigate(&format!("{base}/"));
    page.wait_for(
        &format!(
            "document.querySelector('#runs-table tr[data-run-id={}] .compare-pick') \
             && document.querySelector('#runs-table tr[data-run-id={}] .compare-pick')",
            js(&id),
            js(&other_id)
        ),
        long,
    );
    for run in [&id, &other_id] {
        page.click(&format!(
            "#runs-table tr[data-run-id=\"{run}\"] .compare-pick"
        ));
    }
    page.click("#compare-selected");
    page.wait_for(
        "(document.querySelector('#compare-error')?.innerText ?? '').includes('do not share the same world')",
        long,
    );

    let errors = page.console_errors();
    assert!(errors.is_empty(), "console errors: {errors:?}");
    // The refused comparison answers 422 on purpose; nothing else may fail.
    let failures: Vec<String> = page
        .network_failures()
        .into_iter()
        .filter(|f| !(f.contains("/api/compare") && f.contains("HTTP 422")))
        .collect();
    assert!(failures.is_empty(), "failed requests: {failures:?}");
}

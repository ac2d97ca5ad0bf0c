//! The load check of `strikesim serve`, over a real socket: 20 clients
//! poll the progress of two runs as fast as they can while both run on
//! the server's two workers. Every request must be answered (200, JSON),
//! and both runs must give the same tables, byte for byte, as the same
//! runs made alone by `strikesim run`. The latency of the polls is
//! printed (`cargo test --release --test web_load -- --nocapture`); it is
//! measured, not asserted: time is not a test's business.

#[path = "support/server.rs"]
mod server;

use server::{cli_run, field, request, serve, DEFAULT, TABLES};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CLIENTS: usize = 20;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

#[test]
fn twenty_clients_poll_two_runs_and_every_request_is_answered() {
    let data = tempfile::tempdir().expect("tempdir");
    let server = serve(data.path());
    let runs: Vec<(u64, u64)> = vec![(60, 11), (60, 12)];
    let ids: Vec<String> = runs
        .iter()
        .map(|(n, seed)| {
            let body = format!(r#"{{"scenario":"b:default","replications":{n},"seed":{seed}}}"#);
            let (status, answer) = request(&server.addr, "POST", "/api/runs", Some(&body));
            assert_eq!(status, 202, "{answer}");
            field(&answer, "id")
        })
        .collect();

    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|k| {
            let (addr, stop) = (server.addr.clone(), Arc::clone(&stop));
            let id = ids[k % ids.len()].clone();
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                let mut failures = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let started = Instant::now();
                    let (status, body) = request(&addr, "GET", &format!("/api/runs/{id}"), None);
                    latencies.push(started.elapsed());
                    if status != 200 || serde_json::from_str::<serde_json::Value>(&body).is_err() {
                        failures.push(format!("{status}: {body}"));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                (latencies, failures)
            })
        })
        .collect();

    let started = Instant::now();
    for id in &ids {
        loop {
            let (_, body) = request(&server.addr, "GET", &format!("/api/runs/{id}"), None);
            match field(&body, "status").as_str() {
                "done" => break,
                "queued" | "running" => {}
                other => panic!("run {id} ended {other}: {body}"),
            }
            assert!(
                started.elapsed() < Duration::from_secs(600),
                "runs took too long"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    let wall = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut latencies = Vec::new();
    for c in clients {
        let (l, failures) = c.join().expect("client");
        assert!(failures.is_empty(), "unanswered polls: {failures:?}");
        latencies.extend(l);
    }
    latencies.sort();
    println!(
        "load check: {CLIENTS} clients, {} polls in {:.1} s while two runs of 60 replications ran; latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        wall.as_secs_f64(),
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.95).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().expect("polls").as_secs_f64() * 1e3,
    );
    assert!(
        latencies.len() > CLIENTS * 10,
        "too few polls to say anything"
    );

    // Both runs give the bytes of the same run made alone.
    for (id, (n, seed)) in ids.iter().zip(&runs) {
        let alone = data.path().join(format!("alone-{seed}"));
        cli_run(DEFAULT, *n, *seed, &alone);
        for table in TABLES {
            let served =
                std::fs::read(data.path().join(id).join(table)).expect("served run's table");
            let cli = std::fs::read(alone.join(table)).expect("CLI run's table");
            assert!(
                served == cli,
                "{table} of {id} differs from the run made alone"
            );
        }
    }
}

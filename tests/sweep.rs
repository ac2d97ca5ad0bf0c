//! `strikesim sweep` and `strikesim seek` on the minimal scenario (one
//! trust, a few replications): a sweep point with the scenario's own values
//! gives exactly `run`'s numbers, a point with a varied value gives exactly
//! the numbers of a run of the file with that value written in (common
//! random numbers), bad `--vary` keys and values are refused by name with
//! nothing written, the grid has the points it says, and the goal seek's
//! answer meets its target on its replications while one less does not.

use std::collections::HashMap;
use std::path::Path;

use assert_cmd::Command;
use strikesim::app::sweep::seek::{Seek, SeekOptions};
use strikesim::app::Silent;

const MINIMAL: &str = include_str!("../scenarios/examples/minimal.toml");

fn strikesim(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("strikesim").expect("binary");
    c.current_dir(dir);
    c
}

/// (plan, metric) -> effect mean, low, high of a CSV with those columns,
/// keeping rows for which `keep` holds.
fn effects(
    path: &Path,
    keep: &dyn Fn(&csv::StringRecord, &csv::StringRecord) -> bool,
) -> HashMap<(String, String), [String; 3]> {
    let mut r = csv::Reader::from_path(path).expect("csv");
    let header = r.headers().expect("header").clone();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (plan, metric) = (col("plan"), col("metric"));
    let (m, lo, hi) = (
        col("effect_mean"),
        col("effect_ci95_low"),
        col("effect_ci95_high"),
    );
    r.records()
        .map(|x| x.expect("row"))
        .filter(|x| keep(&header, x))
        .map(|x| {
            (
                (x[plan].to_string(), x[metric].to_string()),
                [x[m].to_string(), x[lo].to_string(), x[hi].to_string()],
            )
        })
        .collect()
}

/// Every (plan, metric) of the sweep's rows appears in the run's
/// summary.csv with the same effect, to the last digit.
fn assert_same_effects(run: &Path, sweep: &Path, point: &str) {
    let summary = effects(&run.join("summary.csv"), &|_, _| true);
    let swept = effects(&sweep.join("sweep.csv"), &|h, r| {
        r[h.iter().position(|c| c == "point").expect("point")] == *point
    });
    assert!(swept.len() >= 20, "{} rows", swept.len());
    for (key, values) in &swept {
        assert_eq!(summary.get(key), Some(values), "{key:?}");
    }
}

#[test]
fn sweep_points_reproduce_runs_with_common_random_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("s.toml"), MINIMAL).expect("write");
    let lower = MINIMAL.replace("mean = 0.7, sd = 0.08", "mean = 0.6, sd = 0.08");
    assert_ne!(lower, MINIMAL);
    std::fs::write(d.join("lower.toml"), lower).expect("write");
    for (file, out) in [("s.toml", "run"), ("lower.toml", "run-lower")] {
        strikesim(d)
            .args(["run", file, "-n", "6", "--out", out])
            .assert()
            .success();
    }
    // A zero-width sweep: every input at the scenario's own value.
    strikesim(d)
        .args([
            "sweep",
            "s.toml",
            "-n",
            "6",
            "--out",
            "zero",
            "--vary",
            "participation=0.7",
            "--vary",
            "plan.keep-booked.consultant_act_down_share=0.25",
        ])
        .assert()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("zero/sweep.json")).expect("json"))
            .expect("json");
    assert_eq!(manifest["points"].as_array().map(Vec::len), Some(1));
    assert_same_effects(&d.join("run"), &d.join("zero"), "0");
    // A varied point equals a run of the file with that value written in.
    strikesim(d)
        .args([
            "sweep",
            "s.toml",
            "-n",
            "6",
            "--out",
            "two",
            "--vary",
            "participation=0.6,0.7",
        ])
        .assert()
        .success();
    assert_same_effects(&d.join("run-lower"), &d.join("two"), "0");
    assert_same_effects(&d.join("run"), &d.join("two"), "1");
}

#[test]
fn the_grid_has_every_combination_the_base_and_the_tornado_ends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("s.toml"), MINIMAL).expect("write");
    strikesim(d)
        .args([
            "sweep",
            "s.toml",
            "-n",
            "2",
            "--out",
            "grid",
            "--vary",
            "participation=0.6,0.8",
            "--vary",
            "plan.stand-down-half.stand_down.theatre_share=0,1",
        ])
        .assert()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("grid/sweep.json")).expect("json"))
            .expect("json");
    let points = manifest["points"].as_array().expect("points");
    // 2 x 2 grid, the scenario as written, and each input alone at its ends.
    assert_eq!(points.len(), 4 + 1 + 4);
    let grid = points.iter().filter(|p| p["grid"] == true).count();
    assert_eq!(grid, 4);
    assert_eq!(points.iter().filter(|p| p["as_written"] == true).count(), 1);
    let rows = csv::Reader::from_path(d.join("grid/sweep.csv"))
        .expect("csv")
        .records()
        .count();
    // 9 points x 2 plans x the headline measures (the report's).
    let headline = strikesim::ensemble::metrics::Metric::ALL
        .iter()
        .filter(|m| m.on_board())
        .count();
    assert_eq!(rows, 9 * 2 * headline);
    // The tornado: the plan lever only on its own plan.
    let tornado = std::fs::read_to_string(d.join("grid/tornado.csv")).expect("tornado");
    assert!(tornado.contains(
        "stand-down-half,elective_cancelled,plan.stand-down-half.stand_down.theatre_share,0,0.5,1,"
    ));
    assert!(!tornado.contains("keep-booked,elective_cancelled,plan.stand-down-half"));
    for f in [
        "charts/tornado.png",
        "charts/tornado.svg",
        "charts/tornado-cancelled.png",
        "sweep.md",
        "sweep.html",
    ] {
        assert!(d.join("grid").join(f).is_file(), "{f}");
    }
}

/// Run a sweep that must fail; its stderr. Nothing may be left in `d`
/// but the scenario.
fn refused(d: &Path, vary: &[&str]) -> String {
    let mut args = vec!["sweep", "s.toml", "-n", "2", "--out", "out"];
    for v in vary {
        args.extend(["--vary", v]);
    }
    let out = strikesim(d)
        .args(&args)
        .assert()
        .failure()
        .get_output()
        .clone();
    let left: Vec<_> = std::fs::read_dir(d)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "s.toml" && !n.starts_with(".out.lock"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_vary_is_refused_by_key_value_and_what_is_allowed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("s.toml"), MINIMAL).expect("write");
    let e = refused(d, &["participaton=0.5"]);
    assert!(e.contains("participaton") && e.contains("allowed:"), "{e}");
    assert!(e.contains("plan.NAME.consultant_act_down_share"), "{e}");
    let e = refused(d, &["participation=0.5,1.5"]);
    assert!(
        e.contains("participation=1.5") && e.contains("0 to 1"),
        "{e}"
    );
    let e = refused(d, &["plan.nope.consultant_act_down_share=0.5"]);
    assert!(
        e.contains("\"nope\"") && e.contains("keep-booked, stand-down-half"),
        "{e}"
    );
    let e = refused(d, &["plan.keep-booked.catch_up.theatre_lists=1"]);
    assert!(e.contains("has no catch_up"), "{e}");
    let e = refused(d, &["plan.stand-down-half.catch_up.weeks=0"]);
    assert!(e.contains("weeks=0") && e.contains("at least 1"), "{e}");
    // Past a bound of the format: the scenario's own check names it.
    let e = refused(d, &["plan.stand-down-half.catch_up.weeks=1000"]);
    assert!(
        e.contains("catch_up.weeks") && e.contains("1 to 104"),
        "{e}"
    );
    let e = refused(d, &["walkouts.2.participation=0.5"]);
    assert!(e.contains("1 to 1"), "{e}");
    let e = refused(d, &["participation"]);
    assert!(e.contains("KEY=V1,V2"), "{e}");
    let e = refused(
        d,
        &[
            "participation=0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8",
            "plan.keep-booked.consultant_act_down_share=0,0.1,0.2,0.3,0.4,0.5,0.6",
        ],
    );
    assert!(e.contains("at most 50"), "{e}");
}

#[test]
fn the_goal_seek_answer_is_the_smallest_that_meets_the_target_on_its_replications() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.toml");
    std::fs::write(&path, MINIMAL).expect("write");
    let options = SeekOptions {
        scenario: Some(path),
        plan: "stand-down-half".into(),
        tolerance: 0,
        by: chrono::NaiveDate::from_ymd_opt(2016, 4, 15).expect("date"),
        confidence: 0.8,
        max: 8,
        replications: Some(20),
        seed: None,
        threads: 0,
    };
    let seek = Seek::new(options).expect("valid seek");
    let answer = seek.search(&Silent).expect("an answer");
    let k = answer.answer.sessions_a_day;
    assert!(k >= 1, "this target needs a catch-up: {answer:?}");
    // Evaluated again, afresh: the same replications give the same verdicts.
    let at = seek.evaluate(k, 1, &Silent).expect("evaluate");
    let below = seek.evaluate(k - 1, 2, &Silent).expect("evaluate");
    assert!(at.met && at.share_met >= 0.8, "{at:?}");
    assert!(!below.met && below.share_met < 0.8, "{below:?}");
    assert_eq!(Some(&below), answer.below.as_ref());
    assert_eq!(at, answer.answer);
    let (lo, hi) = answer.wilson;
    assert!(lo <= at.share_met && at.share_met <= hi);
    // The answer's cost: its sessions at the default prices, each between
    // a clinic's £800 and a theatre list's £2,000.
    let (sessions, cost) = (at.sessions_run.0, at.catch_up_cost.0);
    assert!(sessions > 0.0, "{at:?}");
    assert!(
        sessions * 800.0 <= cost + 1e-6 && cost <= sessions * 2000.0 + 1e-6,
        "{at:?}"
    );
}

#[test]
fn seek_refuses_a_plan_without_catch_up_and_a_date_outside_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    std::fs::write(d.join("s.toml"), MINIMAL).expect("write");
    let out = strikesim(d)
        .args([
            "seek",
            "s.toml",
            "--plan",
            "keep-booked",
            "--by",
            "2016-04-15",
        ])
        .assert()
        .failure()
        .get_output()
        .clone();
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("no catch_up"), "{e}");
    let out = strikesim(d)
        .args([
            "seek",
            "s.toml",
            "--plan",
            "stand-down-half",
            "--by",
            "2015-04-15",
        ])
        .assert()
        .failure()
        .get_output()
        .clone();
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("--by") && e.contains("2015-04-15"), "{e}");
}

//! `run --precision`: the run stops at the first batch where the stated
//! rule holds (checked here from the written `replications.csv`, and shown
//! not to hold one batch earlier), writes the same bytes on one and two
//! threads, stops at `--max-replications` when the target cannot be met
//! and says so, and refuses bad flags naming the flag and its range.
//!
//! Runs use the minimal example (one trust, one specialty): a few hundred
//! replications take well under a second.

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx};
use predicates::str::contains;
use serde_json::Value;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use strikesim::ensemble::precision::{meets, HEADLINE};
use strikesim::ensemble::stats::summarise;

fn scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/examples/minimal.toml")
}

fn strikesim() -> Command {
    Command::cargo_bin("strikesim").expect("binary")
}

fn run(out: &Path, args: &[&str]) -> String {
    let done = strikesim()
        .arg("run")
        .arg(scenario())
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    String::from_utf8_lossy(&done.get_output().stdout).into_owned()
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("manifest"))
        .expect("json")
}

/// `replications.csv` as (header, rows of cells).
fn replications(dir: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(dir.join("replications.csv")).expect("csv");
    let mut lines = text.lines();
    let header = lines.next().expect("header").split(',').map(String::from);
    let rows = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    (header.collect(), rows)
}

/// Per plan (not the counterfactual) and headline metric, whether the
/// rule holds on the first `n` replications: the half-width of the 95%
/// interval of the paired difference within `target` of the mean's size
/// or within `floor`.
fn rule_holds(dir: &Path, n: u64, target: f64, floor: f64) -> Vec<(String, String, bool)> {
    let (header, rows) = replications(dir);
    let col = |name: &str| header.iter().position(|h| h == name).expect("column");
    let plans: Vec<String> = {
        let mut p: Vec<String> = Vec::new();
        for r in &rows {
            if r[1] != "counterfactual" && !p.contains(&r[1]) {
                p.push(r[1].clone());
            }
        }
        p
    };
    let value = |plan: &str, metric: usize| -> Vec<f64> {
        rows.iter()
            .filter(|r| r[1] == plan && r[0].parse::<u64>().expect("index") < n)
            .map(|r| r[metric].parse::<f64>().expect("number"))
            .collect()
    };
    let mut out = Vec::new();
    for plan in &plans {
        for metric in HEADLINE {
            let c = col(metric.name());
            let diffs: Vec<f64> = value(plan, c)
                .iter()
                .zip(value("counterfactual", c))
                .map(|(v, cf)| v - cf)
                .collect();
            assert_eq!(diffs.len() as u64, n);
            let s = summarise(&diffs);
            let half = (s.ci95_high - s.ci95_low) / 2.0;
            out.push((
                plan.clone(),
                metric.name().to_string(),
                meets(s.mean, half, target, floor),
            ));
        }
    }
    out
}

#[test]
fn precision_stops_at_the_first_batch_where_the_rule_holds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("run");
    let console = run(&out, &["-n", "10", "--precision", "0.1", "-j", "2"]);
    let m = manifest(&out);
    let p = &m["precision"];
    let reached = p["replications"].as_u64().expect("replications");
    assert_eq!(m["replications"].as_u64(), Some(reached));
    assert_eq!(p["target"].as_f64(), Some(0.1));
    assert_eq!(p["batch"].as_u64(), Some(10));
    assert_eq!(p["max_replications"].as_u64(), Some(2000));
    assert_eq!(p["met"], Value::Bool(true));
    assert_eq!(p["batches"].as_u64(), Some(reached / 10));
    assert!(
        reached.is_multiple_of(10) && reached > 10,
        "stopped at {reached}"
    );
    assert!(console.contains("Precision: target met"), "{console}");
    // The rule holds for every difference at the stop, from the file...
    let at_stop = rule_holds(&out, reached, 0.1, 1.0);
    assert_eq!(at_stop.len(), 8, "two plans, four headline metrics");
    assert!(at_stop.iter().all(|d| d.2), "{at_stop:?}");
    // ... and the manifest says the same of each difference.
    let diffs = p["differences"].as_array().expect("differences");
    assert_eq!(diffs.len(), 8);
    for (d, (plan, metric, _)) in diffs.iter().zip(&at_stop) {
        assert_eq!(d["plan"].as_str(), Some(plan.as_str()));
        assert_eq!(d["metric"].as_str(), Some(metric.as_str()));
        assert_eq!(d["met"], Value::Bool(true));
    }
    // It did not hold at the previous batch's end.
    let before = rule_holds(&out, reached - 10, 0.1, 1.0);
    assert!(before.iter().any(|d| !d.2), "{before:?}");
    // The report says it, and says it the same read back from the files.
    let report = std::fs::read_to_string(out.join("report.md")).expect("report");
    assert!(report.contains("### Precision"), "no precision section");
    assert!(report.contains(&format!("It stopped after {} batches", reached / 10)));
    strikesim().arg("report").arg(&out).assert().success();
    let again = std::fs::read_to_string(out.join("report.md")).expect("report");
    assert_eq!(report, again, "report drawn from the files differs");
    // The workbook's About sheet says it too.
    let bytes = std::fs::read(out.join("report.xlsx")).expect("xlsx");
    let mut book = Xlsx::new(Cursor::new(bytes)).expect("workbook");
    let about = book.worksheet_range("About").expect("About");
    let said = about.rows().any(|row| {
        matches!(row, [Data::String(k), Data::String(v), ..]
            if k == "Precision" && v.contains(&format!("met after {} batches", reached / 10)))
    });
    assert!(said, "the About sheet does not say where the run stopped");
}

#[test]
fn precision_gives_the_same_bytes_on_one_and_two_threads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    let args = |j| ["-n", "10", "--precision", "0.08", "-j", j];
    let c1 = run(&one, &args("1"));
    let c2 = run(&two, &args("2"));
    for file in [
        "summary.csv",
        "replications.csv",
        "weekly.csv",
        "report.xlsx",
    ] {
        let a = std::fs::read(one.join(file)).expect("read");
        let b = std::fs::read(two.join(file)).expect("read");
        assert!(!a.is_empty());
        assert!(a == b, "{file} differs between 1 and 2 threads");
    }
    // The manifest differs only in the threads, the wall time and the
    // hashes of the files that say them (the report).
    let strip = |mut m: Value| {
        let o = m.as_object_mut().expect("object");
        for key in ["threads", "wall_seconds", "files"] {
            o.remove(key);
        }
        m
    };
    assert_eq!(strip(manifest(&one)), strip(manifest(&two)));
    let precision = |c: &str| {
        c.lines()
            .find(|l| l.starts_with("Precision:"))
            .map(String::from)
    };
    assert!(precision(&c1).is_some());
    assert_eq!(precision(&c1), precision(&c2));
}

#[test]
fn an_impossible_target_stops_at_the_maximum_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("run");
    let console = run(
        &out,
        &[
            "-n",
            "10",
            "--precision",
            "0.0001",
            "--precision-floor",
            "0",
            "--max-replications",
            "25",
        ],
    );
    let m = manifest(&out);
    let p = &m["precision"];
    assert_eq!(m["replications"].as_u64(), Some(25));
    assert_eq!(p["replications"].as_u64(), Some(25));
    assert_eq!(p["batches"].as_u64(), Some(3), "10, 20, then 25");
    assert_eq!(p["floor"].as_f64(), Some(0.0));
    assert_eq!(p["met"], Value::Bool(false));
    assert!(
        console.contains("target NOT met by the maximum, 25"),
        "{console}"
    );
    let (_, rows) = replications(&out);
    assert_eq!(rows.len(), 25 * 3, "25 replications of 3 branches");
    let report = std::fs::read_to_string(out.join("report.md")).expect("report");
    assert!(report.contains("It reached its maximum of 25 replications"));
}

#[test]
fn bad_precision_flags_are_refused_naming_the_flag_and_its_range() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("never");
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--precision", "0"],
            &["--precision: found 0", "more than 0 and less than 1"],
        ),
        (
            &["--precision", "1"],
            &["--precision: found 1", "less than 1"],
        ),
        (&["--precision=-0.5"], &["--precision: found -0.5"]),
        (&["--precision", "NaN"], &["--precision: found NaN"]),
        (
            &[
                "--precision",
                "0.05",
                "-n",
                "100",
                "--max-replications",
                "50",
            ],
            &[
                "--max-replications: found 50",
                "100 (the first batch, -n) to 100000",
            ],
        ),
        (
            &["--precision", "0.05", "--max-replications", "200000"],
            &["--max-replications: found 200000", "to 100000"],
        ),
        (
            &["--precision", "0.05", "-n", "5"],
            &["--replications: found 5", "10 to 100000"],
        ),
        (
            &["--precision", "0.05", "--precision-floor=-1"],
            &["--precision-floor: found -1", "0 to"],
        ),
        (
            &["--max-replications", "100"],
            &["--max-replications: only with --precision"],
        ),
        (
            &["--precision-floor", "2"],
            &["--precision-floor: only with --precision"],
        ),
        (
            &["--precision", "0.05", "--shard", "0/2"],
            &["--precision: not with --shard"],
        ),
    ];
    for (args, wanted) in cases {
        let mut assert = strikesim()
            .arg("run")
            .arg(scenario())
            .args(*args)
            .arg("--out")
            .arg(&out)
            .assert()
            .failure();
        for w in *wanted {
            assert = assert.stderr(contains(*w));
        }
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}

#[test]
fn a_first_batch_from_the_scenario_too_small_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(scenario())
        .expect("scenario")
        .replace("replications = 100", "replications = 4");
    let file = dir.path().join("small.toml");
    std::fs::write(&file, text).expect("write");
    strikesim()
        .arg("run")
        .arg(&file)
        .args(["--precision", "0.05", "--out"])
        .arg(dir.path().join("never"))
        .assert()
        .failure()
        .stderr(contains("replications (the scenario's): found 4"))
        .stderr(contains("at least 10"));
}

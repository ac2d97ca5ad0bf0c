//! `strikesim series`: strikes of different runs side by side. Tiny runs of
//! the minimal scenario (one trust, a few replications) with a 24-hour, a
//! 48-hour and a full walkout; the numbers of `series.csv` are checked
//! against the runs' own `summary.csv` and `replications.csv`.

use std::collections::HashMap;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use strikesim::app::{RunOptions, Silent};

/// The minimal scenario made to postpone operations (more juniors needed,
/// no acting down, high participation), with the walkout replaced.
fn scenario_text(name: &str, start: &str, hours: u32, kind: &str) -> String {
    let text = include_str!("../scenarios/examples/minimal.toml");
    let edits = [
        ("name = \"minimal\"", format!("name = \"{name}\"")),
        ("2016-01-26T08:00", start.to_string()),
        ("hours = 48", format!("hours = {hours}")),
        (
            "kind = \"emergency_care_provided\"",
            format!("kind = \"{kind}\""),
        ),
        ("mean = 0.7, sd = 0.08", "mean = 0.9, sd = 0.05".to_string()),
        (
            "consultant_act_down_share = 0.25",
            "consultant_act_down_share = 0".to_string(),
        ),
        (
            "juniors = { foundation = 1 }",
            "juniors = { foundation = 2 }".to_string(),
        ),
        ("registrar = 4 }", "registrar = 3 }".to_string()),
        (
            "staff = { consultants = 1, foundation = 1 }",
            "staff = { consultants = 1, foundation = 2 }".to_string(),
        ),
        ("weeks_after = 12", "weeks_after = 4".to_string()),
    ];
    let mut text = text.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "minimal.toml changed: no `{from}`");
        text = text.replace(from, &to);
    }
    text
}

/// Run a tiny scenario of `replications` into `root/name`.
fn run(root: &Path, name: &str, start: &str, hours: u32, kind: &str, replications: u64) -> PathBuf {
    let path = root.join(format!("{name}.toml"));
    std::fs::write(&path, scenario_text(name, start, hours, kind)).unwrap();
    let out = root.join(name);
    let options = RunOptions::whole(Some(path), Some(out.clone()))
        .with_replications(NonZeroU64::new(replications).unwrap());
    strikesim::app::run(&options, &Silent).expect("the tiny scenario runs");
    out
}

fn jan12(root: &Path) -> PathBuf {
    run(
        root,
        "jan12-24h",
        "2016-01-12T08:00",
        24,
        "emergency_care_provided",
        4,
    )
}

fn feb10_48h(root: &Path) -> PathBuf {
    run(
        root,
        "feb10-48h",
        "2016-02-10T08:00",
        48,
        "emergency_care_provided",
        4,
    )
}

fn apr26_full(root: &Path) -> PathBuf {
    run(
        root,
        "apr26-full",
        "2016-04-26T08:00",
        48,
        "full_walkout",
        4,
    )
}

/// `strikesim series DIRS --out OUT`, which must succeed; returns stderr.
fn series(dirs: &[&Path], out: &Path) -> String {
    let output = Command::cargo_bin("strikesim")
        .unwrap()
        .arg("series")
        .args(dirs)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "series failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stderr).unwrap()
}

/// The rows of a CSV file as maps from column to cell.
fn csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

/// The cells of `summary.csv` for the plan `keep-booked` and `metric`.
fn summary(dir: &Path, metric: &str) -> HashMap<String, String> {
    csv_rows(&dir.join("summary.csv"))
        .into_iter()
        .find(|r| r["plan"] == "keep-booked" && r["metric"] == metric)
        .unwrap_or_else(|| panic!("no summary row for {metric}"))
}

/// keep-booked minus counterfactual of `metric`, replication by replication.
fn extra(dir: &Path, metric: &str) -> Vec<f64> {
    let rows = csv_rows(&dir.join("replications.csv"));
    let value = |plan: &str, i: &str| -> f64 {
        rows.iter()
            .find(|r| r["plan"] == plan && r["replication"] == i)
            .unwrap()[metric]
            .parse()
            .unwrap()
    };
    let mut reps: Vec<&str> = rows.iter().map(|r| r["replication"].as_str()).collect();
    reps.dedup();
    reps.iter()
        .map(|i| value("keep-booked", i) - value("counterfactual", i))
        .collect()
}

/// Nearest-rank percentile, as summary.csv takes them for counts.
fn nearest_rank(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

#[test]
fn a_24h_a_48h_and_a_full_walkout_side_by_side() {
    let tmp = tempfile::tempdir().unwrap();
    let a = jan12(tmp.path());
    let b = feb10_48h(tmp.path());
    let c = apr26_full(tmp.path());
    let out = tmp.path().join("out");
    let stderr = series(&[&a, &b, &c], &out);
    assert!(!stderr.contains("warning"), "same trusts: {stderr}");

    let rows = csv_rows(&out.join("series.csv"));
    assert_eq!(rows.len(), 3);
    let expect = [
        (
            "jan12-24h",
            "2016-01-12T08:00",
            "24",
            "emergency_care_provided",
            "12 Jan 2016, 24 h",
        ),
        (
            "feb10-48h",
            "2016-02-10T08:00",
            "48",
            "emergency_care_provided",
            "10 Feb 2016, 48 h",
        ),
        (
            "apr26-full",
            "2016-04-26T08:00",
            "48",
            "full_walkout",
            "26 Apr 2016, 48 h full walkout",
        ),
    ];
    for ((row, dir), (scenario, start, hours, kind, label)) in
        rows.iter().zip([&a, &b, &c]).zip(expect)
    {
        assert_eq!(row["scenario"], scenario);
        assert_eq!(row["plan"], "keep-booked", "the first plan");
        assert_eq!(row["walkout_starts"], start);
        assert_eq!(row["walkout_hours"], hours);
        assert_eq!(row["walkout_kinds"], kind);
        assert_eq!(row["strike"], label);
        assert_eq!(
            row["participation"],
            "Beta, mean 90%, sd 5% per replication"
        );

        // The run's own summary: the mean extra and the plan's own total.
        let s = summary(dir, "elective_cancelled");
        assert_eq!(row["elective_postponed_operations_mean"], s["effect_mean"]);
        assert_eq!(
            row["elective_postponed_operations_ci95_low"],
            s["effect_ci95_low"]
        );
        assert_eq!(
            row["elective_postponed_operations_ci95_high"],
            s["effect_ci95_high"]
        );
        for q in ["p50", "p05", "p95"] {
            assert_eq!(row[&format!("elective_cancelled_all_operations_{q}")], s[q]);
        }
        // Medians and percentiles of the extra, from the run's replications.
        for (column, metric) in [
            ("elective_postponed_operations", "elective_cancelled"),
            (
                "elective_postponed_inpatient_operations",
                "elective_cancelled_inpatient",
            ),
            (
                "elective_postponed_day_case_operations",
                "elective_cancelled_day_case",
            ),
            (
                "elective_postponed_in_advance_operations",
                "elective_cancelled_in_advance",
            ),
            (
                "elective_postponed_on_day_operations",
                "elective_cancelled_on_day",
            ),
            (
                "outpatient_postponed_new_appointments",
                "outpatient_cancelled_new",
            ),
            (
                "outpatient_postponed_follow_up_appointments",
                "outpatient_cancelled_follow_up",
            ),
        ] {
            let v = extra(dir, metric);
            for (q, p) in [("p50", 0.5), ("p05", 0.05), ("p95", 0.95)] {
                let cell: f64 = row[&format!("{column}_{q}")].parse().unwrap();
                assert_eq!(cell, nearest_rank(&v, p), "{scenario} {column}_{q}");
            }
        }
        // The mean of the extras is the summary's effect.
        let v = extra(dir, "elective_cancelled");
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        assert!((mean - s["effect_mean"].parse::<f64>().unwrap()).abs() < 1e-4);
        assert_eq!(row["ratio_method"], "paired_replications");
    }
    // The reference over itself is exactly 1.
    for q in ["p50", "p05", "p95"] {
        assert_eq!(rows[0][&format!("ratio_to_reference_{q}")], "1.0000");
    }
    // The 48-hour walkout's ratio: its extras over the reference's, paired.
    let (ea, eb) = (
        extra(&a, "elective_cancelled"),
        extra(&b, "elective_cancelled"),
    );
    assert!(
        ea.iter().all(|v| *v > 0.0),
        "the reference postpones operations: {ea:?}"
    );
    let mut ratios: Vec<f64> = eb.iter().zip(&ea).map(|(x, r)| x / r).collect();
    ratios.sort_by(f64::total_cmp);
    let median = (ratios[1] + ratios[2]) / 2.0;
    let cell: f64 = rows[1]["ratio_to_reference_p50"].parse().unwrap();
    assert!((cell - median).abs() < 1e-4, "{cell} against {median}");
    assert!(
        cell > 1.0,
        "a 48-hour walkout postpones more than a 24-hour one"
    );

    let md = std::fs::read_to_string(out.join("series.md")).unwrap();
    assert!(md.contains("| 26 Apr 2016, 48 h full walkout |"), "{md}");
    assert!(md.contains("1.00 (reference)"), "{md}");
    assert!(md.contains("paired: replication i of the run"), "{md}");
    let html = std::fs::read_to_string(out.join("series.html")).unwrap();
    assert_eq!(html.matches("data:image/png;base64,").count(), 2);
    for chart in ["series", "series-ratio"] {
        for ext in ["png", "svg"] {
            assert!(
                out.join(format!("charts/{chart}.{ext}")).exists(),
                "{chart}.{ext}"
            );
        }
    }
    let svg = std::fs::read_to_string(out.join("charts/series.svg")).unwrap();
    for label in ["10 Feb 2016", "48 h full walkout", "apr26-full"] {
        assert!(svg.contains(label), "bar label {label}");
    }
}

#[test]
fn a_run_over_itself_is_exactly_one_and_other_replications_use_the_medians() {
    let tmp = tempfile::tempdir().unwrap();
    let a = jan12(tmp.path());
    let fewer = run(
        tmp.path(),
        "feb10-3",
        "2016-02-10T08:00",
        48,
        "emergency_care_provided",
        3,
    );
    let out = tmp.path().join("out");
    series(&[&a, &a, &fewer], &out);
    let rows = csv_rows(&out.join("series.csv"));
    for q in ["p50", "p05", "p95"] {
        assert_eq!(rows[1][&format!("ratio_to_reference_{q}")], "1.0000");
    }
    assert_eq!(rows[1]["ratio_method"], "paired_replications");
    assert_eq!(rows[2]["ratio_method"], "ratio_of_medians");
    let num = |r: &HashMap<String, String>, c: &str| r[c].parse::<f64>().unwrap();
    let column = "elective_postponed_operations";
    let expected =
        num(&rows[2], &format!("{column}_p50")) / num(&rows[0], &format!("{column}_p50"));
    assert!((num(&rows[2], "ratio_to_reference_p50") - expected).abs() < 1e-4);
    let low = num(&rows[2], &format!("{column}_p05")) / num(&rows[0], &format!("{column}_p95"));
    assert!((num(&rows[2], "ratio_to_reference_p05") - low).abs() < 1e-4);
    let md = std::fs::read_to_string(out.join("series.md")).unwrap();
    assert!(md.contains("ratio of medians"), "{md}");
}

#[test]
fn a_directory_that_is_not_a_run_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let a = jan12(tmp.path());
    let empty = tmp.path().join("not-a-run");
    std::fs::create_dir_all(&empty).unwrap();
    let out = tmp.path().join("out");
    let assert = Command::cargo_bin("strikesim")
        .unwrap()
        .arg("series")
        .arg(&a)
        .arg(&empty)
        .arg("--out")
        .arg(&out)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("not-a-run is not a finished strikesim run"),
        "{stderr}"
    );
    assert!(stderr.contains("manifest.json"), "{stderr}");
    assert!(!out.exists(), "nothing written");

    // No run directory at all.
    Command::cargo_bin("strikesim")
        .unwrap()
        .args(["series", "--out"])
        .arg(&out)
        .assert()
        .failure();
}

#[test]
fn a_manifest_without_participation_is_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let a = jan12(tmp.path());
    let path = a.join("manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    m["walkouts"][0]["participation"] = "".into();
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let out = tmp.path().join("out");
    let err = strikesim::output::series::series(std::slice::from_ref(&a), &out).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains(
            "jan12-24h: manifest.json gives no participation for walkout `48-hour walkout`"
        ),
        "{msg}"
    );
    assert!(!out.exists(), "nothing written");
}

#[test]
fn runs_of_other_trusts_are_accepted_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let a = jan12(tmp.path());
    let b = feb10_48h(tmp.path());
    let path = b.join("manifest.json");
    let mut m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    m["trusts"][0]["code"] = "RYY".into();
    // The tables by trust name the old code: leave them out, as a run made
    // before them would.
    let breakdown = [
        "by_specialty.csv",
        "by_trust.csv",
        "by_specialty_all_trusts.csv",
    ];
    for f in breakdown {
        std::fs::remove_file(b.join(f)).unwrap();
    }
    m["files"]
        .as_array_mut()
        .unwrap()
        .retain(|f| !breakdown.contains(&f["path"].as_str().unwrap()));
    std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    let out = tmp.path().join("out");
    let stderr = series(&[&a, &b], &out);
    assert!(stderr.contains("warning:"), "{stderr}");
    assert!(
        stderr.contains("only in the first: [RXX]; only in this one: [RYY]"),
        "{stderr}"
    );
    assert!(out.join("series.csv").exists());
}

/// Not a test: writes the series of the three tiny strikes and the fixture
/// into target/fixture-series to look at.
#[test]
#[ignore]
fn render_series_for_viewing() {
    let tmp = tempfile::tempdir().unwrap();
    let a = jan12(tmp.path());
    let b = feb10_48h(tmp.path());
    let c = apr26_full(tmp.path());
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fixture-series");
    strikesim::output::series::series(&[a, b, c], &out).unwrap();
}

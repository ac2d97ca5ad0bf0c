//! Recovery as the board reads it: a plan that never lost anything is "no
//! loss", not "recovered at day 0"; a plan that never recovers is censored
//! and its median time is "not within the run", never a mean or the length
//! of the run. Run as a process, read back from the files written.

use assert_cmd::Command;
use std::path::Path;
use strikesim::ensemble::metrics::Metric;
use strikesim::output::run_data::RunData;

const DEFAULT: &str = include_str!("../scenarios/default.toml");
const PARTICIPATION: &str = r#"participation = { distribution = "beta", mean = 0.84, sd = 0.03 }"#;

/// Run `scenario` with `replications` into `dir/out`; the console summary
/// and the run read back.
fn run(dir: &Path, scenario: &str, replications: &str) -> (String, RunData) {
    let file = dir.join("scenario.toml");
    std::fs::write(&file, scenario).expect("write scenario");
    let out = dir.join("out");
    let output = Command::cargo_bin("strikesim")
        .expect("binary")
        .arg("run")
        .arg(&file)
        .args(["--replications", replications, "--out"])
        .arg(&out)
        .output()
        .expect("run strikesim");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let data = RunData::load(&out).expect("run read back");
    (String::from_utf8_lossy(&output.stdout).into_owned(), data)
}

/// The console's row for `plan` in the effect table (a plan with catch-up
/// sessions is marked `*` there).
fn console_row<'a>(stdout: &'a str, plan: &str) -> &'a str {
    stdout
        .lines()
        .find(|l| {
            (l.starts_with(&format!("{plan} ")) || l.starts_with(&format!("{plan}* ")))
                && l.contains("% / ")
        })
        .unwrap_or_else(|| panic!("no row for {plan} in:\n{stdout}"))
}

#[test]
fn a_plan_with_extra_capacity_only_has_no_loss() {
    // Nobody strikes: the catch-up plan only adds weekend lists.
    assert!(DEFAULT.contains(PARTICIPATION), "default scenario changed");
    let scenario = DEFAULT.replace(
        PARTICIPATION,
        r#"participation = { distribution = "fixed", value = 0.0 }"#,
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let (stdout, data) = run(dir.path(), &scenario, "3");
    for plan in ["consultant-cover-catch-up", "keep-booked"] {
        let r = data.recovery_of(plan);
        assert_eq!((r.no_loss, r.recovered, r.censored), (3, 0, 0), "{plan}");
        assert_eq!(r.median_text(), "no loss");
        assert!(data
            .replication_values(plan, Metric::Recovered)
            .iter()
            .all(|v| *v == 0.0));
        let row = console_row(&stdout, plan);
        assert!(row.contains("100% / 0% / 0%"), "{row}");
        assert!(row.trim_end().ends_with("no loss"), "{row}");
    }
    // With nobody on strike the walkouts cost nothing: the catch-up plan's
    // gain is all the catch-up's, none of it reads as the walkouts'.
    let plan = "consultant-cover-catch-up";
    for (walkouts, catch_up) in data
        .replication_values(plan, Metric::WalkoutExtraWaitersEnd)
        .iter()
        .zip(data.replication_values(plan, Metric::CatchUpExtraWaitersEnd))
    {
        assert_eq!(*walkouts, 0.0);
        assert!(catch_up < 0.0);
    }
    assert!(console_row(&stdout, plan).starts_with(&format!("{plan}* ")));
    let report = std::fs::read_to_string(dir.path().join("out/report.md")).expect("report");
    assert!(report.contains("there was no loss to recover from"));
    assert!(report.contains("the catch-up made good what the walkouts cost"));
    assert!(!report.contains("on average"));
}

#[test]
fn a_plan_that_never_recovers_is_censored_not_timed() {
    // Keeping every list booked with no catch-up leaves the cancelled
    // patients on the list to the end: no replication recovers.
    let dir = tempfile::tempdir().expect("temp dir");
    let (stdout, data) = run(dir.path(), DEFAULT, "4");
    let r = data.recovery_of("keep-booked");
    assert_eq!(r.no_loss + r.recovered + r.censored, 4);
    assert!(r.censored > 2, "{r:?}");
    assert_eq!(r.median_days(), None);
    assert_eq!(r.median_text(), "not within the run");
    let row = console_row(&stdout, "keep-booked");
    assert!(row.contains("not within the run"), "{row}");
    assert!(
        !row.contains("182"),
        "the end of the run is not a time: {row}"
    );
    let report = std::fs::read_to_string(dir.path().join("out/report.md")).expect("report");
    assert!(report.contains("not within the horizon"), "{report}");
    assert!(!report.contains("to recover on average"));
    // No mean or percentile of censored times is written anywhere.
    let summary = std::fs::read_to_string(dir.path().join("out/summary.csv")).expect("summary");
    assert!(!summary.contains(",recovery_days,"), "{summary}");
}

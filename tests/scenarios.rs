//! The scenario library in `scenarios/`: every file validates through the
//! library, the single-trust scenarios run (shortened), and the calibration
//! on 12 January 2016 (docs/VALIDATION.md) is guarded with a few
//! replications of the national scenario.

use std::path::{Path, PathBuf};
use strikesim::ensemble::metrics::Metric;
use strikesim::ensemble::{run_ensemble, EnsembleOptions, EnsembleResult};
use strikesim::scenario::Scenario;

/// The national scenarios: the same world of 151 trusts.
const ENGLAND: [&str; 7] = [
    "england-2016-01-12.toml",
    "england-2016-01-26-48h.toml",
    "england-2016-02-10.toml",
    "england-2016-03-09-48h.toml",
    "england-2016-04-06-48h.toml",
    "england-2016-04-26-full.toml",
    "england-2016-dispute.toml",
];

fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// Every `.toml` under `scenarios/`, examples included.
fn scenario_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![scenario_dir()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read scenarios/") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The scenario in `file` with its horizon cut to `weeks` after the walkout.
fn shortened(file: &str, weeks: u32) -> Scenario {
    Scenario::from_toml(&shortened_text(file, weeks), file).expect("valid")
}

fn shortened_text(file: &str, weeks: u32) -> String {
    let path = scenario_dir().join(file);
    let text = std::fs::read_to_string(&path).expect("read scenario");
    let line = text
        .lines()
        .find(|l| l.starts_with("weeks_after = "))
        .expect("weeks_after line");
    text.replacen(line, &format!("weeks_after = {weeks}"), 1)
}

/// A national scenario cut to `weeks` after its last walkout and a short
/// warm-up, to run its mechanisms quickly (not its calibration).
fn national_quick(file: &str, weeks: u32) -> Scenario {
    let text = shortened_text(file, weeks).replacen("\nseed = ", "\nwarm_up_weeks = 6\nseed = ", 1);
    Scenario::from_toml(&text, file).expect("valid")
}

fn ensemble(scenario: &Scenario, replications: u64) -> EnsembleResult {
    let world = scenario.world();
    run_ensemble(
        &world,
        EnsembleOptions {
            seed: scenario.file().seed,
            replications,
            threads: 2,
        },
        &|_| {},
    )
    .expect("runs")
}

/// Mean paired difference of `metric` between plan `plan` (1-based branch)
/// and the counterfactual (branch 0).
fn diff_mean(result: &EnsembleResult, plan: usize, metric: Metric) -> f64 {
    let b = result.column(plan, metric as usize);
    let c = result.column(0, metric as usize);
    b.iter().zip(&c).map(|(b, c)| b - c).sum::<f64>() / b.len() as f64
}

#[test]
fn every_scenario_file_is_valid() {
    let files = scenario_files();
    for must in ENGLAND.iter().chain(&["sandwell-2016-01-12.toml"]) {
        assert!(
            files.iter().any(|f| f.ends_with(must)),
            "{must} missing from scenarios/"
        );
    }
    assert!(files.len() >= 7, "{files:?}");
    for file in &files {
        if let Err(e) = Scenario::from_file(file) {
            panic!("{} is not valid: {e}", file.display());
        }
    }
}

#[test]
fn the_england_scenarios_hold_every_acute_trust() {
    for file in ENGLAND {
        let s = Scenario::from_file(&scenario_dir().join(file)).expect("valid");
        let trusts = &s.file().trusts;
        assert_eq!(trusts.len(), 151, "{file}");
        for code in ["RXK", "RWG"] {
            assert!(trusts.iter().any(|t| t.code == code), "{code} in {file}");
        }
    }
}

#[test]
fn the_single_trust_scenarios_run() {
    for file in scenario_files() {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("england-") {
            continue;
        }
        let rel = file.strip_prefix(scenario_dir()).unwrap();
        let scenario = shortened(&rel.to_string_lossy(), 2);
        let result = ensemble(&scenario, 2);
        assert_eq!(result.rows.len(), 2, "{name}");
        for plan in 1..=scenario.file().plans.len() {
            let lost = diff_mean(&result, plan, Metric::ElectiveActivityLostPct);
            assert!((-5.0..=100.0).contains(&lost), "{name} plan {plan}: {lost}");
        }
    }
}

/// The calibration of docs/VALIDATION.md, guarded loosely with three
/// replications of the national scenario (about 3 s each in a release
/// build, a few times that in the test profile): NHS England counted 3,454
/// elective operations postponed and trusts reported about a 10% hit.
#[test]
fn national_12_january_stays_calibrated() {
    let scenario = Scenario::from_file(&scenario_dir().join("england-2016-01-12.toml")).unwrap();
    let result = ensemble(&scenario, 3);
    let cancelled = diff_mean(&result, 1, Metric::ElectiveCancelled);
    let lost = diff_mean(&result, 1, Metric::ElectiveActivityLostPct);
    assert!(
        (2_400.0..=4_500.0).contains(&cancelled),
        "elective operations cancelled: {cancelled} (published 3,454)"
    );
    assert!(
        (7.0..=14.0).contains(&lost),
        "elective activity lost: {lost}% (published about 10%)"
    );
}

/// Sandwell: a major incident and recall bring the day's loss near 2%,
/// well below the same trust without one.
#[test]
fn sandwell_major_incident_comes_out_near_two_percent() {
    let scenario = shortened("sandwell-2016-01-12.toml", 1);
    let result = ensemble(&scenario, 20);
    let names: Vec<&str> = scenario
        .file()
        .plans
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(names, ["major-incident", "as-on-the-day"]);
    let incident = diff_mean(&result, 1, Metric::ElectiveActivityLostPct);
    let without = diff_mean(&result, 2, Metric::ElectiveActivityLostPct);
    assert!(
        (0.5..=4.0).contains(&incident),
        "major incident: {incident}%"
    );
    assert!(without > incident + 2.0, "{without}% vs {incident}%");
}

/// The later strikes of the dispute run, with what their kind implies: a
/// 48-hour walkout loses more than a 24-hour one, the full walkout (its
/// first plan planned around it) stands work down in advance, and every
/// file's first plan is the one compared with the published figure.
#[test]
fn the_later_strikes_of_2016_run() {
    let mut lost = Vec::new();
    for (file, first) in [
        ("england-2016-02-10.toml", "as-on-12-january"),
        ("england-2016-03-09-48h.toml", "as-on-12-january"),
        ("england-2016-04-26-full.toml", "as-announced"),
    ] {
        let scenario = national_quick(file, 1);
        assert_eq!(scenario.file().plans[0].name, first, "{file}");
        let result = ensemble(&scenario, 1);
        let cancelled = diff_mean(&result, 1, Metric::ElectiveCancelled);
        assert!(cancelled > 500.0, "{file}: {cancelled}");
        lost.push((file, cancelled, result));
    }
    assert!(
        lost[1].1 > 1.3 * lost[0].1,
        "48 hours ({}) against 24 ({})",
        lost[1].1,
        lost[0].1
    );
    // Planned around, the full walkout's work is stood down in advance
    // that, kept booked (the third plan), is cancelled on the day; planned
    // for the worst (the second), more in advance and less on the day.
    let full = &lost[2].2;
    let in_advance = [1, 2, 3].map(|p| diff_mean(full, p, Metric::ElectiveCancelledInAdvance));
    let on_the_day = [1, 2, 3].map(|p| diff_mean(full, p, Metric::ElectiveCancelledOnDay));
    assert!(
        in_advance[0] > 1_000.0,
        "stood down in advance: {in_advance:?}"
    );
    assert!(in_advance[1] > in_advance[0], "in advance: {in_advance:?}");
    assert_eq!(in_advance[2], 0.0);
    assert!(
        on_the_day[1] < on_the_day[0] && on_the_day[0] < on_the_day[2],
        "on the day: {on_the_day:?}"
    );
}

/// The whole dispute in one run: five walkouts, the list tracked to the
/// end of 2016 (cut here to a week after the last walkout).
#[test]
fn the_whole_dispute_runs() {
    let scenario = national_quick("england-2016-dispute.toml", 1);
    assert_eq!(
        scenario.file().walkouts.len(),
        6,
        "five walkouts, the last over two days"
    );
    let result = ensemble(&scenario, 1);
    let cancelled = diff_mean(&result, 1, Metric::ElectiveCancelled);
    let single = diff_mean(
        &ensemble(&national_quick("england-2016-01-12.toml", 1), 1),
        1,
        Metric::ElectiveCancelled,
    );
    assert!(
        cancelled > 4.0 * single,
        "dispute {cancelled} against 12 January {single}"
    );
}

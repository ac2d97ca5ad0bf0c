//! Scenarios near every numeric bound: each numeric field of the format,
//! one at a time, set near 0, 1, its usual value times 10 to 1000, the
//! integer limits (2^31 - 1, 2^32 - 1, 2^53, 2^63 - 1), huge and tiny
//! floats, infinity, NaN and -1. Whatever the value, `strikesim validate`
//! either refuses it (exit 1, naming a field) or accepts it, and then
//! `strikesim run -n 1 -j 1` finishes within a budget: exit 0 or 1, never
//! a panic (101), never a signal (an abort on out-of-memory), never past
//! [`TIME_BUDGET`] under a [`MEMORY_BUDGET_KB`] address-space limit. A
//! refused run names a field and leaves nothing in its output folder.
//!
//! The budget is a failure threshold, not a timing assertion: the scenario
//! runs in well under a second in a debug build; a value the checks let
//! through that makes it run for a minute or allocate gigabytes is the bug.
//!
//! The scenario is `tests/fixtures/bounds/template.toml`, every numeric
//! field written once as `@path@`; [`FIELDS`] lists each with its usual
//! value. Two tests: [`every_field_at_every_extreme`] walks every field
//! through the extreme points once and lists every failure; the proptest
//! draws a field, a point and a small offset from a fixed seed.

use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, RngSeed};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const TEMPLATE: &str = include_str!("fixtures/bounds/template.toml");

/// A run still going after this long has failed (it is killed).
const TIME_BUDGET: Duration = Duration::from_secs(60);
/// Address-space limit of each command (`ulimit -v`, kB): 3 GB.
const MEMORY_BUDGET_KB: u64 = 3_000_000;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// A whole number in the format (counts, days, hours, the seed).
    Int,
    /// A float (shares, rates, weeks, means).
    Num,
}
use Kind::{Int, Num};

/// Every numeric field of the template: path, kind, usual value.
const FIELDS: &[(&str, Kind, &str)] = &[
    ("weeks_after", Int, "4"),
    ("warm_up_weeks", Int, "2"),
    ("seed", Int, "1"),
    ("replications", Int, "2"),
    ("recovery.tolerance_patients", Int, "10"),
    ("recovery.share_of_peak", Num, "0.1"),
    ("walkouts[0].hours", Int, "24"),
    ("walkouts[0].participation.mean", Num, "0.7"),
    ("walkouts[0].participation.sd", Num, "0.08"),
    ("walkouts[0].between_trust_sd", Num, "0.05"),
    ("walkouts[1].participation.value", Num, "0.6"),
    ("walkouts[2].participation.low", Num, "0.5"),
    ("walkouts[2].participation.high", Num, "0.8"),
    ("walkouts[3].participation.at_work", Num, "0.43"),
    ("walkouts[3].participation.sd", Num, "0.03"),
    ("walkouts[4].participation", Num, "0.6"),
    ("plans[0].consultant_act_down_share", Num, "0.25"),
    ("plans[0].major_incident.threshold", Num, "0.2"),
    ("plans[0].major_incident.recall_share", Num, "0.3"),
    ("plans[0].major_incident.delay_hours", Int, "2"),
    ("plans[0].rebooking.binding_days", Int, "28"),
    ("plans[1].stand_down.theatre_share", Num, "0.5"),
    ("plans[1].stand_down.clinic_share", Num, "0.5"),
    ("plans[1].stand_down.days_ahead", Int, "7"),
    ("plans[1].stand_down.plan_for_participation", Num, "0.8"),
    ("plans[1].catch_up.start_days_after", Int, "3"),
    ("plans[1].catch_up.weeks", Int, "2"),
    ("plans[1].catch_up.theatre_lists", Int, "1"),
    ("plans[1].catch_up.clinics", Int, "1"),
    ("plans[1].catch_up.staff.consultants", Int, "1"),
    ("plans[1].catch_up.staff.foundation", Int, "1"),
    ("plans[1].catch_up.staff.core", Int, "1"),
    ("plans[1].catch_up.staff.registrar", Int, "1"),
    ("trusts[0].within_18w_pct", Num, "90"),
    ("trusts[0].dna_rate", Num, "0.07"),
    ("trusts[0].background_cancel_rate", Num, "0.01"),
    ("trusts[0].removal_rate_per_week", Num, "0.004"),
    ("trusts[0].offer_decline_rate", Num, "0.05"),
    ("trusts[0].deferral_weeks", Num, "8"),
    ("trusts[0].consultant_leave_share", Num, "0.1"),
    ("trusts[0].admission_notice_days", Int, "7"),
    ("trusts[0].clinic_booking_days", Int, "14"),
    ("trusts[0].theatre_booking_days", Int, "21"),
    ("trusts[0].ward_patients_per_junior", Int, "25"),
    ("trusts[0].specialties[0].waiting_list", Int, "1500"),
    ("trusts[0].specialties[0].referrals_per_week", Num, "210"),
    ("trusts[0].specialties[0].referral_pattern[0]", Num, "1.1"),
    ("trusts[0].specialties[0].admit_share", Num, "0.22"),
    ("trusts[0].specialties[0].day_case_share", Num, "0.6"),
    (
        "trusts[0].specialties[0].admitted_share_of_list",
        Num,
        "0.25",
    ),
    ("trusts[0].specialties[0].decision_weeks", Num, "2"),
    (
        "trusts[0].specialties[0].complex_pathway_share",
        Num,
        "0.05",
    ),
    ("trusts[0].specialties[0].complex_pathway_weeks", Num, "20"),
    ("trusts[0].specialties[0].priority.urgent", Num, "0.15"),
    ("trusts[0].specialties[0].priority.routine", Num, "0.85"),
    (
        "trusts[0].specialties[0].inpatient_stay_days.mean",
        Num,
        "4",
    ),
    ("trusts[0].specialties[0].inpatient_stay_days.sd", Num, "5"),
    ("trusts[0].specialties[0].consultants", Int, "8"),
    ("trusts[0].specialties[0].consultants_on_call", Int, "1"),
    (
        "trusts[0].specialties[0].rota.weekday_day.foundation",
        Int,
        "3",
    ),
    ("trusts[0].specialties[0].rota.weekday_day.core", Int, "3"),
    (
        "trusts[0].specialties[0].rota.weekday_day.registrar",
        Int,
        "4",
    ),
    ("trusts[0].specialties[0].rota.night.foundation", Int, "1"),
    ("trusts[0].specialties[0].rota.night.core", Int, "1"),
    ("trusts[0].specialties[0].rota.night.registrar", Int, "1"),
    ("trusts[0].specialties[0].rota.weekend.foundation", Int, "2"),
    ("trusts[0].specialties[0].rota.weekend.core", Int, "2"),
    ("trusts[0].specialties[0].rota.weekend.registrar", Int, "2"),
    (
        "trusts[0].specialties[0].emergency_floor.weekday_day.foundation",
        Int,
        "1",
    ),
    (
        "trusts[0].specialties[0].emergency_floor.weekday_day.core",
        Int,
        "1",
    ),
    (
        "trusts[0].specialties[0].emergency_floor.weekday_day.registrar",
        Int,
        "1",
    ),
    (
        "trusts[0].specialties[0].emergency_floor.night.foundation",
        Int,
        "1",
    ),
    (
        "trusts[0].specialties[0].emergency_floor.night.core",
        Int,
        "1",
    ),
    (
        "trusts[0].specialties[0].emergency_floor.night.registrar",
        Int,
        "1",
    ),
    (
        "trusts[0].specialties[0].emergency_floor.weekend.foundation",
        Int,
        "1",
    ),
    (
        "trusts[0].specialties[0].emergency_floor.weekend.core",
        Int,
        "1",
    ),
    (
        "trusts[0].specialties[0].emergency_floor.weekend.registrar",
        Int,
        "1",
    ),
    ("trusts[0].specialties[0].theatre_lists[0].cases", Int, "6"),
    ("trusts[0].specialties[0].theatre_lists[0].count", Int, "1"),
    (
        "trusts[0].specialties[0].theatre_lists[0].juniors.foundation",
        Int,
        "1",
    ),
    (
        "trusts[0].specialties[0].theatre_lists[0].juniors.core",
        Int,
        "0",
    ),
    (
        "trusts[0].specialties[0].theatre_lists[0].juniors.registrar",
        Int,
        "0",
    ),
    ("trusts[0].specialties[0].clinics[0].new_slots", Int, "12"),
    (
        "trusts[0].specialties[0].clinics[0].follow_up_slots",
        Int,
        "18",
    ),
    ("trusts[0].specialties[0].clinics[0].count", Int, "2"),
    (
        "trusts[0].specialties[0].clinics[0].juniors.foundation",
        Int,
        "0",
    ),
    ("trusts[0].specialties[0].clinics[0].juniors.core", Int, "0"),
    (
        "trusts[0].specialties[0].clinics[0].juniors.registrar",
        Int,
        "1",
    ),
    ("trusts[0].specialties[1].priority.p1", Num, "0.05"),
    ("trusts[0].specialties[1].priority.p2", Num, "0.25"),
    ("trusts[0].specialties[1].priority.p3", Num, "0.4"),
    ("trusts[0].specialties[1].priority.p4", Num, "0.3"),
];

/// The scenario with every field at its usual value but `field`, set to
/// `value` (TOML text).
fn render(field: &str, value: &str) -> String {
    let mut text = TEMPLATE.to_string();
    for &(path, _, usual) in FIELDS {
        let v = if path == field { value } else { usual };
        text = text.replace(&format!("@{path}@"), v);
    }
    assert!(
        !text.contains("@"),
        "a placeholder without a field in FIELDS"
    );
    text
}

/// A float as TOML writes it (`inf`, `nan`, exponents as Rust prints them).
fn toml_float(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        format!("{x:?}")
    }
}

/// A point to try, before any offset.
#[derive(Clone, Copy, Debug)]
enum Point {
    /// An integer literal (i128 so that offsets can step past i64).
    I(i128),
    /// A float literal.
    F(f64),
    /// The usual value times this.
    Times(i128),
}

const I31: i128 = (1 << 31) - 1;
const U32: i128 = (1 << 32) - 1;
const P53: i128 = 1 << 53;
const I63: i128 = i64::MAX as i128;

/// The points of the table test, per kind.
fn table_points(kind: Kind) -> Vec<Point> {
    use Point::*;
    match kind {
        Int => vec![
            I(-1),
            I(0),
            I(1),
            Times(1000),
            I(I31),
            I(U32),
            I(P53),
            I(I63),
            F(1e21),
            F(1e-300),
        ],
        Num => vec![
            F(-1.0),
            F(0.0),
            F(1e-300),
            F(1.0),
            F(1.000001),
            Times(1000),
            F(U32 as f64),
            F(P53 as f64),
            F(1e21),
            F(1e308),
            F(f64::INFINITY),
            F(f64::NAN),
        ],
    }
}

/// The points the proptest draws from: those of the table and the usual
/// value times 10 and 100, 2^31 and 2^32.
fn all_points(kind: Kind) -> Vec<Point> {
    let mut p = table_points(kind);
    p.extend([
        Point::Times(10),
        Point::Times(100),
        Point::I(I31 + 1),
        Point::I(U32 + 1),
    ]);
    p
}

/// `point` for a field of `kind` whose usual value is `usual`, moved by
/// `offset` (whole steps for integers, millionths for floats), as TOML.
fn value_text(kind: Kind, usual: &str, point: Point, offset: i64) -> String {
    let usual: f64 = usual.parse().expect("usual values are numbers");
    let base = if usual == 0.0 { 1.0 } else { usual };
    match (kind, point) {
        (Int, Point::I(i)) => (i + i128::from(offset)).to_string(),
        (Int, Point::Times(k)) => (base as i128 * k + i128::from(offset)).to_string(),
        (Num, Point::I(i)) => toml_float(i as f64 * (1.0 + offset as f64 * 1e-6)),
        (Num, Point::Times(k)) => toml_float(base * k as f64 * (1.0 + offset as f64 * 1e-6)),
        (_, Point::F(x)) if x.is_finite() && x != 0.0 => {
            toml_float(x * (1.0 + offset as f64 * 1e-6))
        }
        (_, Point::F(x)) => toml_float(x + offset as f64 * 1e-6),
    }
}

/// What one command did.
struct Ran {
    code: Option<i32>,
    stderr: String,
    took: Duration,
}

impl Ran {
    fn describe(&self) -> String {
        let how = match self.code {
            Some(c) => format!("exit {c}"),
            None if self.took >= TIME_BUDGET => "killed: past the time budget".to_string(),
            None => "killed by a signal (abort, out of memory?)".to_string(),
        };
        // The panic's message, else the last two lines (the error).
        let lines: Vec<&str> = self.stderr.lines().collect();
        let from = lines
            .iter()
            .position(|l| l.contains("panicked at"))
            .unwrap_or(lines.len().saturating_sub(2));
        let tail: Vec<String> = lines[from..lines.len().min(from + 2)]
            .iter()
            .map(|l| l.chars().take(240).collect())
            .collect();
        format!(
            "{how} after {:.1} s: {}",
            self.took.as_secs_f64(),
            tail.join(" | ")
        )
    }
}

/// `strikesim ARGS` under the memory limit and the time budget.
fn strikesim(args: &[&str]) -> Ran {
    let script = format!("ulimit -v {MEMORY_BUDGET_KB}; exec \"$0\" \"$@\"");
    let start = Instant::now();
    let out = assert_cmd::Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_strikesim"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .timeout(TIME_BUDGET)
        .output()
        .expect("bash runs");
    Ran {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        took: start.elapsed(),
    }
}

/// Exit 0, or exit 1 naming a field, within the budgets.
fn acceptable(ran: &Ran) -> bool {
    match ran.code {
        Some(0) => true,
        Some(1) => ran.stderr.contains("field `"),
        _ => false,
    }
}

fn is_empty_or_absent(dir: &Path) -> bool {
    std::fs::read_dir(dir).map_or(true, |mut d| d.next().is_none())
}

/// Validate, then run when valid: `Err` says what went wrong.
fn check(field: &str, value: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("bounds.toml");
    std::fs::write(&file, render(field, value)).expect("written");
    let file = file.to_str().expect("UTF-8 path");
    let case = format!("{field} = {value}");

    let validate = strikesim(&["validate", file]);
    if !acceptable(&validate) {
        return Err(format!("{case}: validate: {}", validate.describe()));
    }
    if validate.code != Some(0) {
        return Ok(());
    }
    let out = dir.path().join("out");
    let out_s = out.to_str().expect("UTF-8 path");
    let run = strikesim(&["run", file, "-n", "1", "-j", "1", "--out", out_s]);
    if !acceptable(&run) {
        return Err(format!("{case}: run: {}", run.describe()));
    }
    if run.code == Some(1) && !is_empty_or_absent(&out) {
        return Err(format!("{case}: run refused but left files in --out"));
    }
    Ok(())
}

#[test]
fn the_template_is_valid_and_names_every_numeric_field_once() {
    for &(path, _, _) in FIELDS {
        let marker = format!("@{path}@");
        assert_eq!(TEMPLATE.matches(&marker).count(), 1, "{marker}");
    }
    let usual = render("", "");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("usual.toml");
    std::fs::write(&file, usual).unwrap();
    let ran = strikesim(&["validate", file.to_str().unwrap()]);
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
}

/// Every field through every point of [`table_points`], two commands at a
/// time; every failure is listed before the test fails.
#[test]
fn every_field_at_every_extreme() {
    let cases: Vec<(&str, String)> = FIELDS
        .iter()
        .flat_map(|&(path, kind, usual)| {
            table_points(kind)
                .into_iter()
                .map(move |p| (path, value_text(kind, usual, p, 0)))
        })
        .collect();
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((field, value)) = cases.get(i) else {
                    break;
                };
                if let Err(e) = check(field, value) {
                    eprintln!("FAIL {e}");
                    failures.lock().unwrap().push((i, e));
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap();
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures
            .iter()
            .map(|(_, e)| e.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 24,
        failure_persistence: None,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(0x5712_1ce5),
        max_shrink_iters: 4,
        ..ProptestConfig::default()
    })]

    /// A field, a point near a bound and a small offset, drawn.
    #[test]
    fn a_field_near_a_bound_is_refused_or_runs_within_budget(
        (field, value) in (0..FIELDS.len(), any::<prop::sample::Index>(), -2i64..=2).prop_map(
            |(f, point, offset)| {
                let (path, kind, usual) = FIELDS[f];
                let points = all_points(kind);
                (path, value_text(kind, usual, points[point.index(points.len())], offset))
            }
        )
    ) {
        if let Err(e) = check(field, &value) {
            return Err(TestCaseError::fail(e));
        }
    }
}

//! The failures of the hardening audit, one process-level test per class:
//! numbers that once panicked, ran out of memory, ran for minutes or ran
//! silently wrong now stop at once with exit 1, an error naming the field,
//! the value, the range and why, and nothing written. Each case is the
//! small example scenario with one value changed, run as `strikesim run`
//! under a memory limit (`ulimit -v`) so that a regression aborts rather
//! than taking the machine.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;

const MINIMAL: &str = include_str!("../scenarios/examples/minimal.toml");
const DEFAULT: &str = include_str!("../scenarios/default.toml");

/// A bound a refusal must stay well inside; a regression that starts
/// simulating is stopped by it rather than hanging the tests.
const BUDGET: Duration = Duration::from_secs(120);

struct Case {
    dir: TempDir,
    scenario: PathBuf,
}

impl Case {
    /// The example with the first occurrence of `old` replaced by `new`.
    fn replacing(old: &str, new: &str) -> Case {
        assert!(MINIMAL.contains(old), "the example has no `{old}`");
        Case::with_text(&MINIMAL.replacen(old, new, 1))
    }

    fn with_text(text: &str) -> Case {
        let dir = tempfile::tempdir().expect("temp dir");
        let scenario = dir.path().join("s.toml");
        std::fs::write(&scenario, text).expect("write");
        Case { dir, scenario }
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// `strikesim run` with `args`, under 2 GB of address space: it must
    /// fail cleanly (exit 1, no panic, no abort) and write nothing.
    fn refused(&self, args: &[&str]) -> String {
        let bin = assert_cmd::cargo::cargo_bin("strikesim");
        let mut command = format!(
            "ulimit -v 2000000; exec '{}' run '{}' --out '{}'",
            bin.display(),
            self.scenario.display(),
            self.out().display()
        );
        for a in args {
            command.push_str(&format!(" '{a}'"));
        }
        let before = entries(self.dir.path());
        let output = Command::new("bash")
            .arg("-c")
            .arg(&command)
            .timeout(BUDGET)
            .output()
            .expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        let left: Vec<PathBuf> = entries(self.dir.path())
            .into_iter()
            .filter(|p| !before.contains(p))
            .collect();
        assert!(left.is_empty(), "a refused run left {left:?}");
        stderr
    }
}

/// What `dir` holds.
fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect()
}

fn says(stderr: &str, parts: &[&str]) {
    for part in parts {
        assert!(stderr.contains(part), "stderr lacks {part:?}:\n{stderr}");
    }
}

#[test]
fn numbers_that_panicked_are_errors() {
    let e = Case::replacing("hours = 48", "hours = 4000000000").refused(&["-n", "2"]);
    says(
        &e,
        &[
            "walkouts[0].hours",
            "found 4000000000 hours",
            "1 to 2016 hours",
        ],
    );
    let e = Case::replacing("days_ahead = 7", "days_ahead = 4000000000").refused(&["-n", "2"]);
    says(
        &e,
        &["plans[1].stand_down.days_ahead", "allowed: 1 to 14 days"],
    );
    let e = Case::replacing("weeks_after = 12", "weeks_after = 99999999").refused(&["-n", "2"]);
    says(
        &e,
        &[
            "field `weeks_after`",
            "found 99999999 weeks",
            "1 to 520 weeks",
        ],
    );
    let e = Case::replacing("name = \"minimal\"", "name = \"minimal\"")
        .refused(&["-n", "18446744073709551615"]);
    says(
        &e,
        &["--replications: found 18446744073709551615", "1 to 100000"],
    );
}

#[test]
fn sizes_that_ran_out_of_memory_are_errors() {
    let cases = [
        (
            "waiting_list = 1500",
            "waiting_list = 1000000000",
            "waiting_list",
        ),
        (
            "referrals_per_week = 210",
            "referrals_per_week = 100000000",
            "referrals_per_week",
        ),
        (
            "cases = 6,",
            "cases = 4294967295,",
            "theatre_lists[0].cases",
        ),
        (
            "new_slots = 12,",
            "new_slots = 4294967295,",
            "clinics[0].new_slots",
        ),
        (
            "cases = 6,",
            "cases = 6, count = 4294967295,",
            "theatre_lists[0].count",
        ),
        ("hours = 48", "hours = 2000000000", "walkouts[0].hours"),
        (
            "catch_up = { weeks = 4,",
            "catch_up = { weeks = 4000000,",
            "catch_up.weeks",
        ),
        (
            "theatre_lists = 1,",
            "theatre_lists = 4000000,",
            "catch_up.theatre_lists",
        ),
    ];
    for (old, new, field) in cases {
        let e = Case::replacing(old, new).refused(&["-n", "2"]);
        says(&e, &[field, "allowed: "]);
    }
    // Dates far from `start`, either way.
    let e = Case::replacing(
        "start = \"2016-01-26T08:00\"",
        "start = \"9999-01-26T08:00\"",
    )
    .refused(&["-n", "2"]);
    says(&e, &["walkouts[0].start", "within 1096 days (3 years)"]);
    let e =
        Case::replacing("start = \"2016-01-04\"", "start = \"1900-01-04\"").refused(&["-n", "2"]);
    says(&e, &["walkouts[0].start", "116.1 years"]);
    // Replications past the machine, from the command line.
    let e = Case::replacing("seed = 1", "seed = 1").refused(&["-n", "1000000000000"]);
    says(&e, &["--replications: found 1000000000000"]);
}

#[test]
fn a_run_estimated_past_this_machines_memory_is_refused_before_anything_is_made() {
    // 400 trusts of four specialties, each list the largest allowed: each
    // value in range, the whole 320 million patients (about 64 GB).
    let mut text = MINIMAL.replace("waiting_list = 1500", "waiting_list = 200000");
    let trust_start = text.find("[[trusts]]").expect("a trust");
    let specialty_start = text.find("[[trusts.specialties]]").expect("a specialty");
    let plans_start = text.find("[[plans]]").expect("plans");
    let head = text[trust_start..specialty_start].to_string();
    let specialty = text[specialty_start..plans_start].to_string();
    let specialties: String = ["110", "111", "112", "113"]
        .iter()
        .map(|code| specialty.replace("code = \"110\"", &format!("code = \"{code}\"")))
        .collect();
    let trusts: String = (0..400)
        .map(|i| head.replace("code = \"RXX\"", &format!("code = \"R{i:03}\"")) + &specialties)
        .collect();
    text.replace_range(trust_start..plans_start, &trusts);
    let e = Case::with_text(&text).refused(&["-n", "2", "-j", "1"]);
    says(
        &e,
        &[
            "field `--replications`",
            "GB of memory",
            "this machine allows",
            "--force",
        ],
    );
}

#[test]
fn values_that_were_slow_are_errors() {
    let rota = "rota.weekday_day = { foundation = 3, core = 3, registrar = 4 }";
    let e = Case::replacing(
        rota,
        &rota.replace("foundation = 3", "foundation = 3000000000"),
    )
    .refused(&["-n", "2"]);
    says(&e, &["rota.weekday_day.foundation", "0 to 500 juniors"]);
    let long = format!("name = \"{}\"", "k".repeat(65_536));
    let e = Case::replacing("name = \"keep-booked\"", &long).refused(&["-n", "2"]);
    says(&e, &["plans[0].name", "(65536 characters)", "at most 40"]);
    assert!(
        e.len() < 2_000,
        "the message repeats the name: {} bytes",
        e.len()
    );
    // 1,002 plans.
    let plan = "\n[[plans]]\nname = \"p\"\n";
    let plans: String = (0..1_000)
        .map(|i| plan.replace("\"p\"", &format!("\"p{i}\"")))
        .collect();
    let e = Case::with_text(&format!("{MINIMAL}{plans}")).refused(&["-n", "2"]);
    says(&e, &["field `plans`", "1002 entries; at most 10"]);
}

#[test]
fn numbers_that_ran_silently_wrong_are_errors() {
    let e = Case::replacing("referrals_per_week = 210", "referrals_per_week = 1e21")
        .refused(&["-n", "2"]);
    says(
        &e,
        &[
            "referrals_per_week",
            "found 1000000000000000000000",
            "0 to 20000",
        ],
    );
}

#[test]
fn a_long_unknown_field_or_value_is_echoed_short() {
    let key = "x".repeat(70_000);
    let e = Case::replacing("seed = 1", &format!("seed = 1\n{key} = 3")).refused(&["-n", "2"]);
    says(&e, &["unknown field", "(70000 characters)"]);
    assert!(e.len() < 2_000, "{} bytes", e.len());
    let kind = "y".repeat(70_000);
    let e = Case::replacing("\"emergency_care_provided\"", &format!("\"{kind}\""))
        .refused(&["-n", "2"]);
    says(&e, &["walkouts[0].kind", "characters)"]);
    assert!(e.len() < 2_000, "{} bytes", e.len());
}

#[test]
fn force_lets_a_long_run_start() {
    // Refused without --force (about 155 hours on one thread); with it the
    // run starts, which the estimate line shows, and is stopped here.
    let case = Case::with_text(&DEFAULT.replacen("weeks_after = 26", "weeks_after = 500", 1));
    let e = case.refused(&["-n", "100000", "-j", "1"]);
    says(&e, &["at most 72 hours", "--force"]);
    let output = Command::cargo_bin("strikesim")
        .expect("binary")
        .args(["validate"])
        .arg(&case.scenario)
        .output()
        .expect("validate");
    assert!(output.status.success());
    let bin = assert_cmd::cargo::cargo_bin("strikesim");
    let mut child = std::process::Command::new(bin)
        .arg("run")
        .arg(&case.scenario)
        .args(["-n", "100000", "-j", "1", "--force", "--out"])
        .arg(case.out())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stderr = child.stderr.take().expect("stderr");
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    let whole_line = |s: &str| s.find("estimate: ").is_some_and(|i| s[i..].contains('\n'));
    while !whole_line(&seen) {
        use std::io::Read;
        let n = stderr.read(&mut buf).expect("read");
        if n == 0 {
            break;
        }
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let _ = child.kill();
    let _ = child.wait();
    says(
        &seen,
        &["running anyway: --force", "estimate: this run will take"],
    );
}

/// The RTT-start fixture in a scratch folder, its CSV changed by `edit`
/// (given the header's cells and a row's cells, for each data row).
fn rtt_case(edit: impl Fn(&[String], &mut Vec<String>)) -> Case {
    let scenario = include_str!("fixtures/scenarios/rtt-start.toml")
        .replace("../rtt/rtt_2016_01_gt52.csv", "list.csv");
    let csv_text = include_str!("fixtures/rtt/rtt_2016_01_gt52.csv");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_text.as_bytes());
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect();
    let header = rows.remove(0);
    for row in &mut rows {
        edit(&header, row);
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).expect("header");
    for row in &rows {
        writer.write_record(row).expect("row");
    }
    let case = Case::with_text(&scenario);
    let bytes = writer.into_inner().expect("csv");
    std::fs::write(case.dir.path().join("list.csv"), bytes).expect("write csv");
    case
}

#[test]
fn an_rtt_file_of_a_hundred_million_patients_is_refused() {
    let case = rtt_case(|header, row| {
        let band = header.iter().position(|h| h == "Gt 00 To 01 Weeks SUM 1");
        let is_list = row[9] == "Part_2" && (row[11] == "C_110" || row[11] == "C_999");
        if let (Some(band), true) = (band, is_list) {
            for (k, h) in header.iter().enumerate() {
                if k == band || h.starts_with("Total") {
                    let n: u64 = row[k].parse().unwrap_or(0);
                    row[k] = (n + 100_000_000).to_string();
                }
            }
        }
    });
    let e = case.refused(&["-n", "2"]);
    says(
        &e,
        &[
            "trusts[0].initial_list_from",
            "lists 300000028 patients for RWG",
            "at most 200000",
        ],
    );
}

#[test]
fn a_two_megabyte_cell_of_an_rtt_file_is_echoed_short() {
    let junk = "9x".repeat(1_000_000);
    let case = rtt_case(|header, row| {
        let band = header.iter().position(|h| h == "Gt 00 To 01 Weeks SUM 1");
        if let (Some(band), true) = (band, row[9] == "Part_2" && row[11] == "C_110") {
            row[band] = junk.clone();
        }
    });
    let e = case.refused(&["-n", "2"]);
    says(&e, &["list.csv", "(2000000 characters)"]);
    assert!(e.len() < 2_000, "{} bytes", e.len());
}

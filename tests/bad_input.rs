//! One test per kind of bad input, run as a process: the command fails, the
//! message names the file, the field (and line:column where known), the
//! value found and what is allowed, and nothing is written.
//!
//! Each bad scenario is the bundled default with one line replaced, so the
//! tests follow the real format as it changes.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

const DEFAULT: &str = include_str!("../scenarios/default.toml");

/// A scratch folder with a scenario file in it, and where a run would write.
struct Case {
    dir: TempDir,
    scenario: PathBuf,
    /// 1-based line of the replaced line, if any.
    line: Option<usize>,
}

impl Case {
    fn new(text: &str, line: Option<usize>) -> Case {
        let dir = tempfile::tempdir().expect("temp dir");
        let scenario = dir.path().join("scenario.toml");
        std::fs::write(&scenario, text).expect("write scenario");
        Case {
            dir,
            scenario,
            line,
        }
    }

    /// The default scenario with the first line equal to `old` (ignoring
    /// surrounding blanks) replaced by `new`.
    fn replacing(old: &str, new: &str) -> Case {
        let mut lines: Vec<&str> = DEFAULT.lines().collect();
        let i = lines
            .iter()
            .position(|l| l.trim() == old.trim())
            .unwrap_or_else(|| panic!("the default scenario has no line `{old}`"));
        lines[i] = new;
        Case::new(&(lines.join("\n") + "\n"), Some(i + 1))
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// `strikesim run` on the scenario, writing to `out/`, two replications.
    fn run(&self) -> Failure {
        self.run_with(&["--replications", "2"])
    }

    fn run_with(&self, args: &[&str]) -> Failure {
        let out = self.out();
        let failure = fails(
            Command::cargo_bin("strikesim")
                .expect("binary")
                .arg("run")
                .arg(&self.scenario)
                .args(args)
                .arg("--out")
                .arg(&out),
        );
        assert_nothing_written(&out);
        failure
    }

    /// The message names the scenario file, and the replaced line if the
    /// error is placed at all.
    fn names_file_and_line(&self, f: &Failure) {
        f.says(&self.scenario.display().to_string());
        if let Some(line) = self.line {
            f.says(&format!("{}:{line}:", self.scenario.display()));
        }
    }
}

/// What a failed command printed.
struct Failure {
    stderr: String,
}

impl Failure {
    fn says(&self, part: &str) -> &Self {
        assert!(
            self.stderr.contains(part),
            "stderr lacks {part:?}; it was:\n{}",
            self.stderr
        );
        self
    }
}

fn fails(cmd: &mut Command) -> Failure {
    let output = cmd.output().expect("run strikesim");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !output.status.success(),
        "expected failure, got success; stderr:\n{stderr}"
    );
    assert!(
        !stderr.contains("panicked"),
        "the tool panicked on input:\n{stderr}"
    );
    Failure { stderr }
}

fn assert_nothing_written(out: &Path) {
    if out.exists() {
        let entries: Vec<_> = std::fs::read_dir(out)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        panic!(
            "a failed run left {} behind, holding {entries:?}",
            out.display()
        );
    }
}

// ---- the parser: syntax, unknown fields, values that check themselves ----

#[test]
fn toml_syntax_error() {
    let c = Case::replacing("weeks_after = 26", "weeks_after = 26 =");
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("expected");
}

#[test]
fn unknown_field_at_top_level() {
    let c = Case::replacing("weeks_after = 26", "weeks_afterr = 26");
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("unknown field `weeks_afterr`")
        .says("expected one of")
        .says("`weeks_after`");
}

#[test]
fn unknown_field_nested_in_a_trust() {
    let c = Case::replacing("dna_rate = 0.07", "dna_ratee = 0.07");
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("trusts[0].dna_ratee")
        .says("unknown field `dna_ratee`")
        .says("`dna_rate`");
}

const FIRST_LIST: &str = r#"  { session = "am", setting = "day_case", cases = 5, count = 2, juniors = { foundation = 1 } },"#;

#[test]
fn negative_capacity() {
    let c = Case::replacing(FIRST_LIST, &FIRST_LIST.replace("cases = 5", "cases = -3"));
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("trusts[0].specialties[0].theatre_lists[0].cases")
        .says("found -3")
        .says("at least 1");
}

#[test]
fn zero_capacity() {
    let c = Case::replacing(FIRST_LIST, &FIRST_LIST.replace("cases = 5", "cases = 0"));
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("trusts[0].specialties[0].theatre_lists[0].cases")
        .says("found 0")
        .says("at least 1");
}

const PARTICIPATION: &str = r#"participation = { distribution = "beta", mean = 0.84, sd = 0.03 }"#;

#[test]
fn fixed_participation_above_one() {
    let c = Case::replacing(
        PARTICIPATION,
        r#"participation = { distribution = "fixed", value = 1.5 }"#,
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("walkouts[0].participation")
        .says("1.5")
        .says("between 0 and 1");
}

#[test]
fn beta_participation_mean_below_zero() {
    let c = Case::replacing(
        PARTICIPATION,
        r#"participation = { distribution = "beta", mean = -0.1, sd = 0.03 }"#,
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("walkouts[0].participation")
        .says("-0.1")
        .says("between 0 and 1");
}

#[test]
fn turnout_below_the_emergency_floor() {
    let c = Case::replacing(
        PARTICIPATION,
        r#"participation = { distribution = "turnout", at_work = 0.05, sd = 0.03 }"#,
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("walkouts[0].participation.at_work")
        .says("0.05")
        .says("emergency floor");
}

#[test]
fn a_ward_round_of_a_thousand_patients() {
    let c = Case::replacing(
        r#"name = "West Hertfordshire Hospitals NHS Trust""#,
        "name = \"West Hertfordshire Hospitals NHS Trust\"\nward_patients_per_junior = 1000",
    );
    let f = c.run();
    f.says("trusts[0].ward_patients_per_junior")
        .says("1000")
        .says("1 to 100");
}

#[test]
fn a_review_of_inpatients_without_wards() {
    let c = Case::replacing(
        "stand_down = { theatre_share = 0.5, clinic_share = 0.5, days_ahead = 7 }",
        "stand_down = { inpatients_at_risk = true, days_ahead = 7 }",
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("plans[1].stand_down.inpatients_at_risk")
        .says("no ward is modelled");
}

#[test]
fn uniform_participation_low_above_high() {
    let c = Case::replacing(
        PARTICIPATION,
        r#"participation = { distribution = "uniform", low = 0.8, high = 0.6 }"#,
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("walkouts[0].participation.low")
        .says("0.8")
        .says("must not exceed high");
}

#[test]
fn unknown_walkout_kind() {
    let c = Case::replacing(r#"kind = "emergency_care_provided""#, r#"kind = "sit_in""#);
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("walkouts[0].kind")
        .says("sit_in")
        .says("emergency_care_provided")
        .says("full_walkout");
}

#[test]
fn impossible_date() {
    let c = Case::replacing(r#"start = "2016-01-04""#, r#"start = "2016-13-04""#);
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("field `start`")
        .says("2016-13-04")
        .says("YYYY-MM-DD");
}

// ---- cross-field checks ----

#[test]
fn walkout_ending_before_it_starts() {
    let c = Case::replacing("hours = 48", r#"end = "2016-01-25T08:00""#);
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("walkouts[0].end")
        .says("2016-01-25T08:00")
        .says("the end must be after the start");
}

#[test]
fn walkout_with_both_hours_and_end() {
    let c = Case::replacing(
        r#"kind = "emergency_care_provided""#,
        r#"kind = "emergency_care_provided"
end = "2016-01-28T08:00""#,
    );
    let f = c.run();
    f.says("walkouts[0].end").says("either `hours` or `end`");
}

#[test]
fn walkout_before_the_simulation_starts() {
    let c = Case::replacing(
        r#"start = "2016-01-26T08:00""#,
        r#"start = "2016-01-02T08:00""#,
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("walkouts[0].start")
        .says("2016-01-02T08:00")
        .says("before the simulation starts (2016-01-04)");
}

#[test]
fn unknown_trust_in_a_walkout() {
    // `grades` defaults to all three, so this line can make way.
    let c = Case::replacing(
        r#"grades = ["foundation", "core", "registrar"]"#,
        r#"trusts = ["XYZ"]"#,
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("walkouts[0].trusts[0]")
        .says("unknown trust \"XYZ\"")
        .says("RWG");
}

#[test]
fn unknown_specialty_in_a_plan() {
    let c = Case::replacing(
        "stand_down = { theatre_share = 0.5, clinic_share = 0.5, days_ahead = 7 }",
        r#"stand_down = { theatre_share = 0.5, clinic_share = 0.5, days_ahead = 7, specialties = ["999"] }"#,
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("plans[1].stand_down.specialties[0]")
        .says("unknown specialty \"999\"")
        .says("100, 101, 110");
}

#[test]
fn stand_down_further_ahead_than_the_counting_window() {
    let c = Case::replacing(
        "stand_down = { theatre_share = 0.5, clinic_share = 0.5, days_ahead = 7 }",
        "stand_down = { theatre_share = 0.5, clinic_share = 0.5, days_ahead = 15 }",
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("plans[1].stand_down.days_ahead")
        .says("found 15 days")
        .says("allowed: 1 to 14 days");
}

#[test]
fn zero_replications_in_the_file() {
    let c = Case::replacing("replications = 200", "replications = 0");
    // Without --replications, so the file's value is the one used.
    let f = c.run_with(&[]);
    c.names_file_and_line(&f);
    f.says("field `replications`")
        .says("found 0")
        .says("at least 1");
}

#[test]
fn zero_replications_on_the_command_line() {
    let c = Case::new(DEFAULT, None);
    let f = c.run_with(&["--replications", "0"]);
    f.says("--replications").says("0").says("at least 1");
}

#[test]
fn rota_that_cannot_staff_its_own_template() {
    let c = Case::replacing(
        "rota.weekday_day = { foundation = 4, core = 4, registrar = 5 }",
        "rota.weekday_day = { foundation = 1, core = 1, registrar = 1 }",
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("trusts[0].specialties[0].rota.weekday_day.registrar")
        .says("3 registrar")
        .says("0 registrar free after its emergency floor")
        .says("add registrar");
}

#[test]
fn emergency_floor_above_the_rota() {
    let c = Case::replacing(
        "emergency_floor.night = { foundation = 1, core = 1, registrar = 1 }",
        "emergency_floor.night = { foundation = 1, core = 1, registrar = 3 }",
    );
    let f = c.run();
    f.says("trusts[0].specialties[0].emergency_floor.night.registrar")
        .says("needs 3 registrar")
        .says("the floor cannot exceed the rota");
}

#[test]
fn weekday_floor_above_the_rota_is_an_error_not_a_crash() {
    let c = Case::replacing(
        "rota.weekday_day = { foundation = 4, core = 4, registrar = 5 }",
        "rota.weekday_day = { foundation = 0, core = 4, registrar = 5 }",
    );
    let f = c.run();
    f.says("trusts[0].specialties[0].emergency_floor.weekday_day.foundation")
        .says("the floor cannot exceed the rota");
}

#[test]
fn priority_shares_not_adding_to_one() {
    let c = Case::replacing(
        "admitted_share_of_list = 0.3",
        "priority = { urgent = 0.25, routine = 0.5 }",
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("trusts[0].specialties[0].priority")
        .says("0.75")
        .says("must add up to 1");
}

#[test]
fn duplicate_plan_names() {
    let c = Case::replacing(r#"name = "stand-down-half""#, r#"name = "keep-booked""#);
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("plans[1].name")
        .says("\"keep-booked\"")
        .says("appears twice");
}

#[test]
fn reserved_plan_name() {
    let c = Case::replacing(r#"name = "stand-down-half""#, r#"name = "counterfactual""#);
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("plans[1].name")
        .says("\"counterfactual\" is reserved")
        .says("choose another name");
}

// ---- values a planner mistypes ----

#[test]
fn percentage_typed_as_a_fraction() {
    let c = Case::replacing("within_18w_pct = 89.7", "within_18w_pct = 0.915");
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("trusts[0].within_18w_pct")
        .says("0.915")
        .says("percentage from 0 to 100")
        .says("did you mean 91.5?");
}

#[test]
fn walkout_years_after_the_start() {
    let c = Case::replacing(
        r#"start = "2016-01-26T08:00""#,
        r#"start = "2106-01-26T08:00""#,
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("walkouts[0].start")
        .says("2106-01-26T08:00")
        .says("90.1 years")
        .says("within 1096 days (3 years) of `start`");
}

#[test]
fn horizon_of_more_than_ten_years() {
    // Each within its own range (a walkout within three years of `start`,
    // under ten years after it), but together past ten years.
    let (c, lines) = replacing_each(&[
        ("weeks_after = 26", "weeks_after = 400"),
        (
            r#"start = "2016-01-26T08:00""#,
            r#"start = "2018-12-26T08:00""#,
        ),
    ]);
    let f = c.run();
    f.says(&format!("{}:{}:", c.scenario.display(), lines[0]));
    f.says("field `weeks_after`")
        .says("3890 days")
        .says("at most 3653 days (10 years)");
}

#[test]
fn warm_up_of_more_than_three_years() {
    let c = Case::replacing("weeks_after = 26", "warm_up_weeks = 520\nweeks_after = 26");
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("field `warm_up_weeks`")
        .says("found 520 weeks")
        .says("allowed: 0 to 156 weeks");
}

#[test]
fn run_too_big_for_the_machine() {
    // Five years after the walkout, 100,000 replications on one thread:
    // each value in range, the run about 155 hours.
    let c = Case::replacing("weeks_after = 26", "weeks_after = 500");
    let f = c.run_with(&["--replications", "100000", "-j", "1"]);
    f.says("field `--replications`")
        .says("100000 replications x 5 branches")
        .says("364-day warm-up")
        .says("core-hours")
        .says("at most 72 hours")
        .says("--shard")
        .says("--force");
    // The file's own number is named at its line.
    let (c, lines) = replacing_each(&[
        ("weeks_after = 26", "weeks_after = 500"),
        ("replications = 200", "replications = 100000"),
    ]);
    let f = c.run_with(&["-j", "1"]);
    f.says(&format!("{}:{}:", c.scenario.display(), lines[1]));
    f.says("field `replications`").says("at most 72 hours");
}

#[test]
fn replications_past_their_range_on_the_command_line() {
    let c = Case::new(DEFAULT, None);
    let f = c.run_with(&["--replications", "18446744073709551615"]);
    f.says("--replications: found 18446744073709551615; allowed: 1 to 100000");
    let f = c.run_with(&["--threads", "4294967295"]);
    f.says("--threads: found 4294967295; allowed: 0 (all cores) to 256");
}

#[test]
fn large_runs_and_long_warm_ups_are_warned_about() {
    let c = Case::replacing(
        r#"start = "2016-01-26T08:00""#,
        r#"start = "2016-12-26T08:00""#,
    );
    let output = Command::cargo_bin("strikesim")
        .expect("binary")
        .arg("validate")
        .arg(&c.scenario)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: ")
            && stderr.contains("walkouts[0].start")
            && stderr.contains("357 days after the simulation starts"),
        "{stderr}"
    );
    let c = Case::replacing("replications = 200", "replications = 100000");
    let output = Command::cargo_bin("strikesim")
        .expect("binary")
        .arg("validate")
        .arg(&c.scenario)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("warning: ")
            && stderr.contains("field `replications`: 100000 replications"),
        "{stderr}"
    );
}

// ---- every error at once, with suggestions ----

#[test]
fn two_errors_reported_at_once() {
    let mut c = Case::replacing(r#"name = "stand-down-half""#, r#"name = "keep-booked""#);
    let text = std::fs::read_to_string(&c.scenario)
        .expect("read")
        .replacen("within_18w_pct = 89.7", "within_18w_pct = 0.9", 1);
    std::fs::write(&c.scenario, text).expect("write");
    c.line = None;
    let f = c.run();
    f.says("trusts[0].within_18w_pct")
        .says("did you mean 90?")
        .says("plans[1].name")
        .says("appears twice")
        .says("2 problems in");
    assert_eq!(f.stderr.matches("error: ").count(), 2, "{}", f.stderr);
}

#[test]
fn misspelt_field_gets_a_suggestion() {
    let c = Case::replacing("weeks_after = 26", "weeks_afterr = 26");
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("did you mean `weeks_after`?");
}

#[test]
fn misspelt_value_gets_a_suggestion() {
    let c = Case::replacing(
        r#"grades = ["foundation", "core", "registrar"]"#,
        r#"grades = ["foundation", "core", "registar"]"#,
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("walkouts[0].grades[2]")
        .says("unknown variant `registar`")
        .says("did you mean `registrar`?");
}

#[test]
fn bare_participation_above_one_reads_like_a_table() {
    let message = |f: &Failure| {
        let line = f.stderr.lines().next().expect("a line").to_string();
        line.split("`: ").nth(1).expect("a field").to_string()
    };
    let bare = Case::replacing(PARTICIPATION, "participation = 1.5");
    let fb = bare.run();
    bare.names_file_and_line(&fb);
    fb.says("field `walkouts[0].participation`")
        .says("between 0 and 1");
    assert!(!fb.stderr.contains("tagged"), "{}", fb.stderr);
    let table = Case::replacing(
        PARTICIPATION,
        r#"participation = { distribution = "fixed", value = 1.5 }"#,
    );
    let ft = table.run();
    ft.says("field `walkouts[0].participation.value`");
    assert_eq!(message(&fb), message(&ft));
}

#[test]
fn bad_mean_is_named_down_to_the_field() {
    let c = Case::replacing(
        PARTICIPATION,
        r#"participation = { distribution = "beta", mean = 1.7, sd = 0.08 }"#,
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("field `walkouts[0].participation.mean`")
        .says(":49: field")
        .says("found 1.7");
    let c = Case::replacing(
        PARTICIPATION,
        r#"participation = { distribution = "betta", mean = 0.7, sd = 0.08 }"#,
    );
    c.run().says("did you mean `beta`?");
}

/// The default scenario with each `old` line (the first equal to it,
/// ignoring surrounding blanks) replaced by its `new`, and the 1-based
/// line of each.
fn replacing_each(pairs: &[(&str, &str)]) -> (Case, Vec<usize>) {
    let mut lines: Vec<&str> = DEFAULT.lines().collect();
    let mut at = Vec::new();
    for (old, new) in pairs {
        let i = lines
            .iter()
            .position(|l| l.trim() == old.trim())
            .unwrap_or_else(|| panic!("the default scenario has no line `{old}`"));
        lines[i] = new;
        at.push(i + 1);
    }
    (Case::new(&(lines.join("\n") + "\n"), None), at)
}

#[test]
fn parse_errors_in_different_sections_reported_at_once() {
    let kind = r#"kind = "emergency_care_provide""#;
    let mean = r#"participation = { distribution = "beta", mean = 1.7, sd = 0.03 }"#;
    let field = "rebookin = { binding_days = 28 }";
    let share = "stand_down = { theatre_share = -0.5, clinic_share = 0.5, days_ahead = 7 }";
    let (c, lines) = replacing_each(&[
        (r#"kind = "emergency_care_provided""#, kind),
        (PARTICIPATION, mean),
        ("rebooking = { binding_days = 28 }", field),
        (
            "stand_down = { theatre_share = 0.5, clinic_share = 0.5, days_ahead = 7 }",
            share,
        ),
    ]);
    let f = c.run();
    let file = c.scenario.display().to_string();
    // line:column of `needle` in the replaced line `k`.
    let place = |k: usize, line: &str, needle: &str| {
        let col = line.find(needle).expect("in line") + 1;
        format!("{file}:{}:{col}: field ", lines[k])
    };
    f.says(&format!("{}`walkouts[0].kind`", place(0, kind, "\"")))
        .says("unknown variant `emergency_care_provide`")
        .says("did you mean `emergency_care_provided`?")
        .says(&format!(
            "{}`walkouts[0].participation.mean`",
            place(1, mean, "1.7")
        ))
        .says("between 0 and 1 (e.g. 0.25 for 25%), found 1.7")
        .says(&format!(
            "{}`plans[0].rebookin`",
            place(2, field, "rebookin")
        ))
        .says("unknown field `rebookin`")
        .says("did you mean `rebooking`?")
        .says(&format!(
            "{}`plans[1].stand_down.theatre_share`",
            place(3, share, "-0.5")
        ))
        .says("found -0.5")
        .says("4 problems in");
    assert_eq!(f.stderr.matches("error: ").count(), 4, "{}", f.stderr);
    // In the order of the file.
    let first = |part: &str| f.stderr.find(part).expect("said");
    assert!(first("walkouts[0].kind") < first("walkouts[0].participation.mean"));
    assert!(first("participation.mean") < first("plans[0].rebookin"));
    assert!(first("plans[0].rebookin") < first("plans[1].stand_down"));
}

#[test]
fn parse_errors_and_cross_field_errors_reported_together() {
    // An unknown field (left out, nothing stands in for it) and a share
    // written as a percentage, found by the cross-field checks.
    let (c, lines) = replacing_each(&[
        ("dna_rate = 0.07", "dna_ratee = 0.07"),
        ("within_18w_pct = 89.7", "within_18w_pct = 0.9"),
    ]);
    let f = c.run();
    let file = c.scenario.display().to_string();
    f.says(&format!(
        "{file}:{}:1: field `trusts[0].dna_ratee`",
        lines[0]
    ))
    .says("did you mean `dna_rate`?")
    .says(&format!(
        "{file}:{}:18: field `trusts[0].within_18w_pct`",
        lines[1]
    ))
    .says("did you mean 90?")
    .says("2 problems in");
}

#[test]
fn bare_and_table_participation_read_the_same() {
    // What follows `field `...`: ` on the first line.
    let message = |f: &Failure| {
        let line = f.stderr.lines().next().expect("a line").to_string();
        line.split("`: ").nth(1).expect("a field").to_string()
    };
    for value in ["1.5", "-0.2", "2"] {
        let bare = Case::replacing(PARTICIPATION, &format!("participation = {value}"));
        let fb = bare.run();
        bare.names_file_and_line(&fb);
        fb.says("field `walkouts[0].participation`: ")
            .says(&format!("found {value}"));
        let table = Case::replacing(
            PARTICIPATION,
            &format!(r#"participation = {{ distribution = "fixed", value = {value} }}"#),
        );
        let ft = table.run();
        table.names_file_and_line(&ft);
        ft.says("field `walkouts[0].participation.value`: ");
        assert_eq!(message(&fb), message(&ft), "participation = {value}");
        for f in [&fb, &ft] {
            assert!(
                !f.stderr.contains("tagged") && !f.stderr.contains("expected"),
                "{}",
                f.stderr
            );
        }
    }
}

// ---- files and folders ----

#[test]
fn missing_scenario_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-scenario.toml");
    let out = dir.path().join("out");
    let f = fails(
        Command::cargo_bin("strikesim")
            .expect("binary")
            .arg("run")
            .arg(&missing)
            .args(["--replications", "2", "--out"])
            .arg(&out),
    );
    assert_nothing_written(&out);
    f.says(&missing.display().to_string())
        .says("cannot read the file");
}

#[test]
fn output_directory_that_cannot_be_written() {
    let c = Case::new(DEFAULT, None);
    let afile = c.dir.path().join("afile");
    std::fs::write(&afile, "a regular file").expect("write");
    let out = afile.join("out");
    let f = fails(
        Command::cargo_bin("strikesim")
            .expect("binary")
            .arg("run")
            .arg(&c.scenario)
            .args(["--replications", "2", "--out"])
            .arg(&out),
    );
    f.says("cannot write output directory")
        .says(&out.display().to_string());
    assert!(afile.is_file(), "the regular file was replaced");
    assert_eq!(
        std::fs::read_to_string(&afile).expect("read"),
        "a regular file"
    );
    let left: Vec<_> = std::fs::read_dir(c.dir.path())
        .expect("read dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        left.len(),
        2,
        "only the scenario and afile remain: {left:?}"
    );
}

// ---- validate ----

#[test]
fn validate_accepts_a_good_file() {
    for path in ["scenarios/default.toml", "scenarios/examples/minimal.toml"] {
        let output = Command::cargo_bin("strikesim")
            .expect("binary")
            .args(["validate", path])
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{path}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(stdout.contains("valid scenario"), "{stdout}");
        assert!(stdout.contains(path), "{stdout}");
    }
}

#[test]
fn validate_rejects_a_bad_file() {
    let c = Case::replacing(
        PARTICIPATION,
        r#"participation = { distribution = "fixed", value = 1.5 }"#,
    );
    let f = fails(
        Command::cargo_bin("strikesim")
            .expect("binary")
            .arg("validate")
            .arg(&c.scenario),
    );
    c.names_file_and_line(&f);
    f.says("walkouts[0].participation")
        .says("1.5")
        .says("between 0 and 1");
}

#[test]
fn init_writes_a_file_that_validates_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.toml");
    Command::cargo_bin("strikesim")
        .expect("binary")
        .arg("init")
        .arg(&path)
        .assert()
        .success();
    Command::cargo_bin("strikesim")
        .expect("binary")
        .arg("validate")
        .arg(&path)
        .assert()
        .success();
    let f = fails(
        Command::cargo_bin("strikesim")
            .expect("binary")
            .arg("init")
            .arg(&path),
    );
    f.says("already exists");
}

#[test]
fn the_readme_example_is_the_checked_minimal_file() {
    let readme = include_str!("../scenarios/README.md");
    let example = readme
        .split("```toml\n")
        .last()
        .and_then(|rest| rest.split("```").next())
        .expect("scenarios/README.md ends with a ```toml example");
    assert_eq!(
        example,
        include_str!("../scenarios/examples/minimal.toml"),
        "the example in scenarios/README.md differs from scenarios/examples/minimal.toml"
    );
}

#[test]
fn recovery_tolerance_of_an_earlier_version() {
    let c = Case::replacing("tolerance_patients = 10", "list_size_pct = 0.5");
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("were replaced")
        .says("tolerance_patients")
        .says("share_of_peak");
}

const CATCH_UP: &str = r#"catch_up = { start_days_after = 3, weeks = 4, days = ["sat"], theatre_lists = 1, clinics = 1, staff = { consultants = 2, registrar = 1, core = 1, foundation = 1 } }"#;

#[test]
fn catch_up_without_a_staff_pool() {
    let c = Case::replacing(
        CATCH_UP,
        r#"catch_up = { start_days_after = 3, weeks = 4, days = ["sat"], theatre_lists = 1, clinics = 1 }"#,
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("staff");
}

#[test]
fn catch_up_pool_without_a_consultant() {
    let c = Case::replacing(
        CATCH_UP,
        r#"catch_up = { start_days_after = 3, weeks = 4, days = ["sat"], theatre_lists = 1, clinics = 1, staff = { consultants = 0, registrar = 2 } }"#,
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("plans[2].catch_up.staff.consultants")
        .says("2 catch-up sessions")
        .says("no consultant");
}

#[test]
fn catch_up_pool_that_can_staff_nothing() {
    // Every first theatre list and clinic of the default needs a junior.
    let c = Case::replacing(
        CATCH_UP,
        r#"catch_up = { start_days_after = 3, weeks = 4, days = ["sat"], theatre_lists = 1, clinics = 1, staff = { consultants = 2 } }"#,
    );
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("plans[2].catch_up.staff")
        .says("none of the 2 catch-up sessions")
        .says("add juniors");
}

#[test]
fn too_few_consultants_present_after_leave_and_on_call() {
    // General Surgery runs 10 sessions a half-day: 12 in post less 2 on
    // leave (15%, rounded up) and 1 on call leaves 9.
    let c = Case::replacing("consultants = 16", "consultants = 12");
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("trusts[0].specialties[0].consultants")
        .says("only 9 of the 12 consultants are present")
        .says("1 on call");
}

// ---- the report's decision criteria ----

/// The default scenario with a `[decision]` table of `lines` at its end,
/// the first of them placed.
fn with_decision(lines: &str) -> Case {
    let text = format!("{DEFAULT}\n[decision]\n{lines}\n");
    let at = text.lines().position(|l| l == "[decision]").expect("table") + 2;
    Case::new(&text, Some(at))
}

#[test]
fn unknown_decision_objective() {
    let c = with_decision(r#"objective = "fewest_breach""#);
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("decision.objective").says("fewest_breaches");
}

#[test]
fn decision_limit_out_of_range() {
    let c = with_decision("max_on_day_cancellations = 2000000");
    let f = c.run();
    c.names_file_and_line(&f);
    f.says("decision.max_on_day_cancellations")
        .says("found 2000000 operations; allowed: 0 to 1000000 operations");
}

#[test]
fn breaches_per_pound_without_a_price() {
    let c = with_decision(r#"objective = "fewest_breaches_per_pound""#);
    let f = c.run();
    f.says(&c.scenario.display().to_string())
        .says("decision.pounds_per_breach")
        .says("needs `pounds_per_breach`");
}

//! Comparing runs: compatible runs give one table and one set of charts;
//! runs of different worlds are refused with a message naming what differs.

use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

use strikesim::app::{RunOptions, Silent};
use strikesim::ensemble::metrics::Metric;
use strikesim::output::compare::compare;
use strikesim::output::run_data::RunData;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run_small")
}

/// A copy of the fixture run in `root/name`, with its manifest changed by
/// `edit_manifest` and its summary.csv by `edit_summary`.
fn run_copy(
    root: &Path,
    name: &str,
    edit_manifest: impl FnOnce(&mut serde_json::Value),
    edit_summary: impl FnOnce(String) -> String,
) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["weekly.csv", "replications.csv"] {
        std::fs::copy(fixture().join(f), dir.join(f)).unwrap();
    }
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture().join("manifest.json")).unwrap())
            .unwrap();
    edit_manifest(&mut manifest);
    std::fs::write(
        dir.join("manifest.json"),
        serde_json::to_string_pretty(&manifest).unwrap(),
    )
    .unwrap();
    let summary = std::fs::read_to_string(fixture().join("summary.csv")).unwrap();
    std::fs::write(dir.join("summary.csv"), edit_summary(summary)).unwrap();
    dir
}

fn same(root: &Path, name: &str) -> PathBuf {
    run_copy(root, name, |_| {}, |s| s)
}

/// The second run: another scenario name, so clashing plan names get it as
/// a prefix.
fn other_scenario(m: &mut serde_json::Value) {
    m["scenario"]["name"] = "west-herts-alt".into();
}

fn refusal(a: &Path, b: &Path, out: &Path) -> String {
    let err = compare(&[a.to_path_buf(), b.to_path_buf()], out)
        .expect_err("compare refuses runs of different worlds");
    assert!(
        !out.join("compare.md").exists(),
        "nothing written on refusal"
    );
    err.to_string()
}

#[test]
fn accepts_two_compatible_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let a = same(tmp.path(), "a");
    let b = run_copy(tmp.path(), "b", other_scenario, |s| s);
    let out = tmp.path().join("out");
    compare(&[a, b], &out).expect("compatible runs compare");

    let md = std::fs::read_to_string(out.join("compare.md")).unwrap();
    for label in [
        "west-herts-2016-01-26/keep-booked",
        "west-herts-alt/keep-booked",
        "west-herts-alt/recall-and-catch-up",
    ] {
        assert!(
            md.contains(&format!("| {label} |")),
            "compare.md lacks {label}"
        );
    }
    // The counterfactual appears once per metric.
    assert_eq!(
        md.matches("| Elective operations cancelled | counterfactual |")
            .count(),
        1
    );

    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    // Header + (1 counterfactual + 2 x 3 plans) x every summarised metric.
    let summarised = Metric::ALL.iter().filter(|m| m.in_summary()).count();
    assert_eq!(csv.lines().count(), 1 + 7 * summarised);
    assert!(csv.starts_with("label,scenario,plan,metric,effect_mean,"));

    for name in strikesim::output::charts::chart_names() {
        assert!(out.join("charts").join(format!("{name}.png")).exists());
        let svg = std::fs::read_to_string(out.join("charts").join(format!("{name}.svg"))).unwrap();
        // The catch-up chart draws the plans with catch-up sessions alone.
        let plan = if name == "catch_up" {
            "west-herts-alt/recall-and-catch-up"
        } else {
            "west-herts-alt/keep-booked"
        };
        assert!(svg.contains(plan), "{name}.svg legend");
    }
    assert!(md.contains("## Catch-up sessions"));
    assert!(md.contains("| west-herts-alt/recall-and-catch-up | 66 (66 to 66) |"));

    // compare.xlsx: the labelled plans as columns of its Summary sheet,
    // each effect the number of its own run's summary.csv.
    use calamine::{Data, Reader, Xlsx};
    let file = std::fs::File::open(out.join("compare.xlsx")).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(std::io::BufReader::new(file)).unwrap();
    assert_eq!(book.sheet_names(), ["Summary", "About"]);
    let summary = book.worksheet_range("Summary").unwrap();
    let alt = RunData::load(&tmp.path().join("b")).unwrap();
    let label = "west-herts-alt/recall-and-catch-up";
    let col = (1..summary.width())
        .find(|&c| matches!(summary.get((0, c)), Some(Data::String(s)) if s == label))
        .expect("a column for the alternative run's catch-up plan");
    let row = (0..summary.height())
        .find(
            |&r| matches!(summary.get((r, 0)), Some(Data::String(s)) if s.starts_with("Net cost")),
        )
        .expect("a net cost row");
    let wanted = alt
        .summary_of("recall-and-catch-up", Metric::NetCost)
        .effect_mean;
    match summary.get((row, col)) {
        Some(Data::Float(v)) => assert!((v - wanted).abs() < 1e-9, "{v} != {wanted}"),
        other => panic!("net cost cell is {other:?}"),
    }
}

#[test]
fn refuses_a_different_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let a = same(tmp.path(), "a");
    let b = run_copy(tmp.path(), "b", |m| m["seed"] = 7.into(), |s| s);
    let msg = refusal(&a, &b, &tmp.path().join("out"));
    assert!(msg.contains("do not share the same world"), "{msg}");
    assert!(
        msg.contains("seed differs: 20160126 in west-herts-2016-01-26, 7 in"),
        "{msg}"
    );
}

#[test]
fn refuses_different_replications() {
    let tmp = tempfile::tempdir().unwrap();
    let a = same(tmp.path(), "a");
    let b = run_copy(tmp.path(), "b", |m| m["replications"] = 40.into(), |s| s);
    // The tables must hold the 40 replications the manifest claims: each
    // row again as replication 20..39.
    let path = b.join("replications.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let again: String = text
        .lines()
        .skip(1)
        .map(|l| {
            let (rep, rest) = l.split_once(',').unwrap();
            format!("{},{rest}\n", rep.parse::<u64>().unwrap() + 20)
        })
        .collect();
    std::fs::write(&path, text + &again).unwrap();
    let msg = refusal(&a, &b, &tmp.path().join("out"));
    assert!(msg.contains("replications differ: 20 in"), "{msg}");
    assert!(msg.contains("40 in"), "{msg}");
    assert!(!msg.contains("seed"), "only what differs is named: {msg}");
}

#[test]
fn refuses_different_trusts() {
    let tmp = tempfile::tempdir().unwrap();
    let a = same(tmp.path(), "a");
    let b = run_copy(
        tmp.path(),
        "b",
        |m| {
            m["trusts"].as_array_mut().unwrap().pop();
        },
        |s| s,
    );
    let msg = refusal(&a, &b, &tmp.path().join("out"));
    assert!(msg.contains("trusts differ: [RWG, RQW] in"), "{msg}");
    assert!(msg.contains("[RWG] in"), "{msg}");

    let c = run_copy(
        tmp.path(),
        "c",
        |m| m["trusts"][0]["initial_waiting_list"] = 30000.into(),
        |s| s,
    );
    let msg = refusal(&a, &c, &tmp.path().join("out"));
    assert!(
        msg.contains("trust RWG: 6 specialties and 21868 waiting"),
        "{msg}"
    );
}

#[test]
fn refuses_a_different_counterfactual() {
    let tmp = tempfile::tempdir().unwrap();
    let a = same(tmp.path(), "a");
    let b = run_copy(
        tmp.path(),
        "b",
        |_| {},
        |s| {
            s.lines()
                .map(|l| {
                    if l.starts_with("counterfactual,rtt_list_end,") {
                        let mut cells: Vec<String> = l.split(',').map(str::to_string).collect();
                        cells[5] = "99999.0000".into();
                        cells.join(",")
                    } else {
                        l.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
                + "\n"
        },
    );
    let msg = refusal(&a, &b, &tmp.path().join("out"));
    assert!(
        msg.contains("counterfactual differs: rtt_list_end mean is"),
        "{msg}"
    );
    assert!(msg.contains("99999"), "{msg}");
}

/// Two runs of the same world whose plan stands down 7 and 5 days ahead:
/// the plans branch on different days, but cancellations are counted in a
/// window set by the walkouts, so the counterfactual's rows are the same
/// and the runs compare.
#[test]
fn plans_standing_down_on_different_days_share_the_counterfactual() {
    let tmp = tempfile::tempdir().unwrap();
    let text = include_str!("../scenarios/examples/minimal.toml");
    let seven = "days_ahead = 7";
    assert!(text.contains(seven), "minimal.toml changed");
    let dirs: Vec<PathBuf> = [7, 5]
        .iter()
        .map(|days| {
            let path = tmp.path().join(format!("ahead-{days}.toml"));
            std::fs::write(&path, text.replace(seven, &format!("days_ahead = {days}"))).unwrap();
            let out = tmp.path().join(format!("run-{days}"));
            let options = RunOptions::whole(Some(path), Some(out.clone()))
                .with_replications(NonZeroU64::new(4).unwrap());
            strikesim::app::run(&options, &Silent).expect("runs");
            out
        })
        .collect();
    let runs: Vec<RunData> = dirs.iter().map(|d| RunData::load(d).unwrap()).collect();
    let (a, b) = (&runs[0].manifest.period, &runs[1].manifest.period);
    assert_ne!(a.branch, b.branch, "the plans branch on different days");
    assert_eq!(a.count_window, b.count_window);
    let window = a.count_window.expect("recorded");
    assert_eq!(
        window.from.to_string(),
        "2016-01-12",
        "14 days before 26 Jan"
    );
    assert_eq!(
        window.to.to_string(),
        "2016-01-29",
        "the day after the walkout"
    );

    // The window's metrics of the counterfactual, as written in summary.csv.
    let counted = [
        Metric::ElectiveCancelled,
        Metric::ElectiveCancelledInAdvance,
        Metric::ElectiveCancelledOnDay,
        Metric::OutpatientCancelled,
        Metric::RebookedWithin28d,
        Metric::NotRebookedWithin28d,
        Metric::ElectivePlannedWalkout,
    ];
    let cf_rows = |dir: &Path| -> Vec<String> {
        std::fs::read_to_string(dir.join("summary.csv"))
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("counterfactual,"))
            .map(str::to_string)
            .collect()
    };
    let (ra, rb) = (cf_rows(&dirs[0]), cf_rows(&dirs[1]));
    for m in counted {
        let find = |rows: &[String]| {
            rows.iter()
                .find(|l| l.split(',').nth(1) == Some(m.name()))
                .cloned()
                .unwrap_or_else(|| panic!("no counterfactual row for {}", m.name()))
        };
        assert_eq!(find(&ra), find(&rb), "{}", m.name());
    }
    assert!(
        runs[0]
            .summary_of("counterfactual", Metric::ElectiveCancelledOnDay)
            .mean
            > 0.0,
        "the window holds the background cancellations"
    );
    assert_eq!(ra, rb, "every counterfactual row is the same");

    let out = tmp.path().join("out");
    compare(&dirs, &out).expect("runs of the same world with different plans compare");
    let md = std::fs::read_to_string(out.join("compare.md")).unwrap();
    assert!(md.contains("stand-down-half (run 1)"), "{md}");
    assert!(md.contains("stand-down-half (run 2)"), "{md}");
}

#[test]
fn refuses_different_walkouts() {
    let tmp = tempfile::tempdir().unwrap();
    let a = same(tmp.path(), "a");
    let b = run_copy(
        tmp.path(),
        "b",
        |m| m["walkouts"][1]["start"] = "2016-02-09T08:00".into(),
        |s| s,
    );
    let msg = refusal(&a, &b, &tmp.path().join("out"));
    assert!(msg.contains("walkouts differ"), "{msg}");
    assert!(msg.contains("2016-02-09T08:00"), "{msg}");
}

#[test]
fn refuses_a_different_counting_window() {
    let tmp = tempfile::tempdir().unwrap();
    let a = same(tmp.path(), "a");
    let b = run_copy(
        tmp.path(),
        "b",
        |m| m["period"]["count_window"]["from"] = "2016-01-05".into(),
        |s| s,
    );
    let msg = refusal(&a, &b, &tmp.path().join("out"));
    assert!(
        msg.contains("counting window differs: 2016-01-12 to 2016-02-12 in"),
        "{msg}"
    );
}

#[test]
fn accepts_a_different_branch_day() {
    let tmp = tempfile::tempdir().unwrap();
    let a = same(tmp.path(), "a");
    let b = run_copy(
        tmp.path(),
        "b",
        |m| m["period"]["branch"] = "2016-01-21".into(),
        |s| s,
    );
    compare(&[a, b], &tmp.path().join("out")).expect("the branch day follows the plans");
}

#[test]
fn refuses_a_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let a = same(tmp.path(), "a");
    let err = compare(&[a], &tmp.path().join("out")).unwrap_err();
    assert!(err.to_string().contains("at least two run directories"));
}

/// Not a test: writes a comparison of the fixture with a renamed copy into
/// target/fixture-compare to look at.
#[test]
#[ignore]
fn render_fixture_comparison_for_viewing() {
    let tmp = tempfile::tempdir().unwrap();
    let a = same(tmp.path(), "a");
    let b = run_copy(tmp.path(), "b", other_scenario, |s| s);
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fixture-compare");
    compare(&[a, b], &out).unwrap();
}

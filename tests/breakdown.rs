//! The plans' effects by specialty and by trust (`by_specialty.csv`,
//! `by_trust.csv`, `by_specialty_all_trusts.csv`) of a run of two trusts
//! (the default trust and a copy of it without one specialty): they add
//! up to `summary.csv`, read back as written, are refused when a row is
//! missing, come out the same from shards merged and from one or two
//! threads, and appear in the report and the workbook.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use calamine::{Data, Reader, Xlsx};
use strikesim::app::{RunOptions, RunOutcome, Silent};
use strikesim::ensemble::breakdown::MEASURES;
use strikesim::ensemble::metrics::Metric;
use strikesim::output::breakdown::{
    Estimates, BY_SPECIALTY, BY_SPECIALTY_ALL_TRUSTS, BY_TRUST, FILES,
};
use strikesim::output::run_data::{RunData, COUNTERFACTUAL};
use strikesim::output::write_manifest;
use strikesim::output::xlsx::{sheet_names, SHEETS, SPECIALTIES, SPECIALTY_TOTALS, TRUSTS, XLSX};
use tempfile::TempDir;

/// Replications of the shared runs.
const N: u64 = 4;

/// The default scenario cut to four weeks after the branch point, with a
/// second trust: the first again under another code, without its last
/// specialty (Gynaecology), so the trusts' specialties differ.
fn two_trusts() -> String {
    let text = strikesim::scenario::DEFAULT_SCENARIO
        .replace("\nweeks_after = 26\n", "\nweeks_after = 4\n");
    assert!(text.contains("weeks_after = 4"));
    let trust = &text[text.find("[[trusts]]").expect("a trust")..];
    let last = trust.rfind("[[trusts.specialties]]").unwrap();
    let second = trust[..last]
        .replace("code = \"RWG\"", "code = \"RXX\"")
        .replace(
            "West Hertfordshire Hospitals NHS Trust",
            "Second Example Hospitals NHS Trust",
        );
    assert!(second.contains("RXX"));
    format!("{text}\n{second}")
}

struct Shared {
    dir: TempDir,
    scenario: PathBuf,
    /// The whole run, on the default threads.
    run: PathBuf,
    data: RunData,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let scenario = dir.path().join("two-trusts.toml");
        std::fs::write(&scenario, two_trusts()).unwrap();
        let run = dir.path().join("run");
        let options = RunOptions::whole(Some(scenario.clone()), Some(run.clone()))
            .with_replications(NonZeroU64::new(N).unwrap())
            .with_threads(2);
        let outcome = strikesim::app::run(&options, &Silent).expect("the two-trust scenario runs");
        let RunOutcome::Whole(summary) = outcome else {
            panic!("a whole run")
        };
        Shared {
            dir,
            scenario,
            run,
            data: summary.data,
        }
    })
}

fn near(a: f64, b: f64, tolerance: f64, what: &str) {
    assert!((a - b).abs() <= tolerance, "{what}: {a} vs {b}");
}

#[test]
fn the_breakdown_adds_up_to_the_summary() {
    let data = &shared().data;
    let b = &data.breakdown;
    assert_eq!(data.manifest.trusts.len(), 2);
    // 6 + 5 specialties, 2 trusts, 6 codes; per plan and measure.
    let per_plan = MEASURES.len();
    let plans = data.plans().len();
    assert_eq!(b.specialties.len(), plans * 11 * per_plan);
    assert_eq!(b.trusts.len(), plans * 2 * per_plan);
    assert_eq!(b.specialty_totals.len(), plans * 6 * per_plan);
    let mut effects = 0;
    for plan in data.plans() {
        for metric in MEASURES {
            let s = data.summary_of(plan, metric);
            let sum = |rows: Vec<(f64, f64)>| {
                let n = rows.len() as f64;
                let (e, o) = rows.iter().fold((0.0, 0.0), |(e, o), r| (e + r.0, o + r.1));
                (e, o, n * 1e-4)
            };
            let cells = sum(b
                .specialties
                .iter()
                .filter(|r| r.plan == plan && r.metric == metric.name())
                .map(|r| (r.effect_mean, r.mean))
                .collect());
            let trusts = sum(b
                .trusts_of(plan, metric)
                .iter()
                .map(|r| (r.effect_mean, r.mean))
                .collect());
            let codes = sum(b
                .specialty_totals_of(plan, metric)
                .iter()
                .map(|r| (r.effect_mean, r.mean))
                .collect());
            for (level, (e, o, tolerance)) in
                [("cells", cells), ("trusts", trusts), ("codes", codes)]
            {
                let what = format!("{plan} {} over {level}", metric.name());
                near(e, s.effect_mean, tolerance + 1e-4, &what);
                near(o, s.mean, tolerance + 1e-4, &what);
            }
            if plan != COUNTERFACTUAL && s.effect_mean.abs() > 0.0 {
                effects += 1;
            }
        }
        // A plan's effect on the list is its extra waiters.
        let list = b.trusts_of(plan, Metric::RttListEnd);
        let extra: f64 = list.iter().map(|r| r.effect_mean).sum();
        near(
            extra,
            data.summary_of(plan, Metric::ExtraWaitersEnd).mean,
            3e-4,
            plan,
        );
    }
    assert!(effects > 0, "the strike has effects to break down");
    // With one trust's rows each, a trust's totals are its own: a level of
    // its own with its own interval, equal to the summary's for one trust.
    let one = b.trusts_of("keep-booked", Metric::ElectiveCancelled);
    assert!(one.iter().all(|r| r.effect_ci95_low <= r.effect_mean));
    // The counterfactual's effect is 0 everywhere.
    assert!(b
        .specialties
        .iter()
        .filter(|r| r.plan == COUNTERFACTUAL)
        .all(|r| r.numbers()[..3] == [0.0; 3]));
    // Own intervals of counts stay at or above 0; effects may go below.
    assert!(b.specialties.iter().all(|r| r.ci95_low >= 0.0));
}

#[test]
fn the_breakdown_reads_back_as_written_and_a_missing_row_is_refused() {
    let s = shared();
    let back = RunData::load(&s.run).expect("the run reads back");
    assert_eq!(back.breakdown, s.data.breakdown);
    for f in FILES {
        assert!(
            back.manifest.files.iter().any(|e| e.path == f),
            "manifest lists {f}"
        );
    }

    // A copy of the run with one row of by_specialty.csv taken out and the
    // manifest's list made again (so the hashes match): the table no
    // longer covers every cell.
    let copy = s.dir.path().join("copy-missing-row");
    copy_dir(&s.run, &copy);
    let path = copy.join(BY_SPECIALTY);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let gone = lines.remove(7);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    write_manifest(&copy, &back.manifest).unwrap();
    let err = RunData::load(&copy).unwrap_err().to_string();
    assert!(err.contains(BY_SPECIALTY), "{err}");
    assert!(err.contains("0 rows"), "{gone}: {err}");

    // One of the three taken away altogether is refused too.
    let copy = s.dir.path().join("copy-missing-file");
    copy_dir(&s.run, &copy);
    std::fs::remove_file(copy.join(BY_TRUST)).unwrap();
    write_manifest(&copy, &back.manifest).unwrap();
    let err = RunData::load(&copy).unwrap_err().to_string();
    assert!(err.contains(BY_TRUST) && err.contains("missing"), "{err}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn strikesim() -> Command {
    let mut cmd = Command::cargo_bin("strikesim").unwrap();
    for v in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_MAX",
        "JOB_COMPLETION_INDEX",
    ] {
        cmd.env_remove(v);
    }
    cmd
}

/// Two shards merged, and one thread, give the breakdown's files byte for
/// byte as the whole run on two threads.
#[test]
fn shards_and_threads_give_the_same_bytes() {
    let s = shared();
    let shards = s.dir.path().join("shards");
    for k in 0..2 {
        strikesim()
            .arg("run")
            .arg(&s.scenario)
            .args(["-n", &N.to_string(), "-j", "1", "--out"])
            .arg(&shards)
            .args(["--shard", &format!("{k}/2")])
            .assert()
            .success();
    }
    let merged = s.dir.path().join("merged");
    strikesim()
        .arg("merge")
        .arg(&shards)
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    let one = s.dir.path().join("one-thread");
    strikesim()
        .arg("run")
        .arg(&s.scenario)
        .args(["-n", &N.to_string(), "-j", "1", "--out"])
        .arg(&one)
        .assert()
        .success();
    for other in [&merged, &one] {
        for f in FILES.iter().chain(&["summary.csv", XLSX]) {
            let a = std::fs::read(s.run.join(f)).unwrap();
            let b = std::fs::read(other.join(f)).unwrap();
            assert!(
                a == b,
                "{f} of {} differs from the whole run",
                other.display()
            );
        }
    }
}

#[test]
fn the_report_shows_the_specialties_and_trusts_hit_hardest() {
    let s = shared();
    let md = std::fs::read_to_string(s.run.join("report.md")).unwrap();
    let section = &md[md
        .find("## Specialties and trusts hit hardest")
        .expect("the section")..];
    for text in [
        "charts/extra_waiters_by_specialty.png",
        "charts/extra_over_18w_by_trust.png",
        "### Trusts",
        "Second Example Hospitals NHS Trust (RXX)",
        BY_SPECIALTY_ALL_TRUSTS,
        BY_TRUST,
    ] {
        assert!(section.contains(text), "the section lacks {text}");
    }
    // Per plan, the hardest-hit specialty first.
    let b = &s.data.breakdown;
    for plan in s.data.plans().into_iter().filter(|p| *p != COUNTERFACTUAL) {
        let rows = b.specialty_totals_of(plan, Metric::RttListEnd);
        let top = rows
            .iter()
            .max_by(|a, b| a.effect_mean.total_cmp(&b.effect_mean))
            .unwrap();
        let line = format!(
            "| {plan} | {} ({}) | {} |",
            top.specialty_name,
            top.specialty,
            top.effect_with_interval()
        );
        assert!(section.contains(&line), "{line}\n{section}");
    }
    for chart in ["extra_waiters_by_specialty", "extra_over_18w_by_trust"] {
        for ext in ["png", "svg"] {
            assert!(s.run.join(format!("charts/{chart}.{ext}")).is_file());
        }
    }
    let svg = std::fs::read_to_string(s.run.join("charts/extra_waiters_by_specialty.svg")).unwrap();
    for name in ["Trauma &amp; Orthopaedics", "Gynaecology", "keep-booked"] {
        assert!(svg.contains(name), "the chart names {name}");
    }
}

fn text(range: &calamine::Range<Data>, row: usize, col: usize) -> String {
    match range.get((row, col)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("cell ({row}, {col}) is {other:?}, not text"),
    }
}

fn number(range: &calamine::Range<Data>, row: usize, col: usize) -> f64 {
    match range.get((row, col)) {
        Some(Data::Float(v)) => *v,
        Some(Data::Int(v)) => *v as f64,
        other => panic!("cell ({row}, {col}) is {other:?}, not a number"),
    }
}

/// The workbook of a run of two trusts has the trusts' sheets, row for
/// row as their CSV files.
#[test]
fn the_workbook_has_the_trusts_sheets() {
    let s = shared();
    let bytes = std::fs::read(s.run.join(XLSX)).unwrap();
    let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        sheet_names(&s.data)
            .iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        &sheet_names(&s.data)[2..5],
        [SPECIALTIES, SPECIALTY_TOTALS, TRUSTS]
    );
    let trusts = book.worksheet_range(TRUSTS).unwrap();
    let rows = &s.data.breakdown.trusts;
    assert_eq!(trusts.get_size(), (rows.len() + 1, 10));
    let mut seen = BTreeMap::new();
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(text(&trusts, i + 1, 1), r.trust);
        assert_eq!(text(&trusts, i + 1, 2), r.trust_name);
        assert_eq!(text(&trusts, i + 1, 3), r.metric);
        for (j, v) in r.numbers().into_iter().enumerate() {
            assert_eq!(number(&trusts, i + 1, 4 + j), v, "Trusts row {}", i + 1);
        }
        *seen.entry(r.trust.clone()).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 2);
    let totals = book.worksheet_range(SPECIALTY_TOTALS).unwrap();
    let rows = &s.data.breakdown.specialty_totals;
    assert_eq!(totals.get_size(), (rows.len() + 1, 11));
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(text(&totals, i + 1, 1), r.specialty);
        assert_eq!(number(&totals, i + 1, 3), r.trusts as f64);
        assert_eq!(number(&totals, i + 1, 5), r.effect_mean);
    }
}

/// A run made before the breakdown (the fixture) reads back without it,
/// and its report and workbook leave it out.
#[test]
fn a_run_before_the_breakdown_has_none() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run_small");
    let data = RunData::load(&fixture).unwrap();
    assert!(data.breakdown.is_empty());
    assert_eq!(sheet_names(&data), SHEETS);
    let doc = strikesim::output::report::report_document(&data).to_markdown();
    assert!(!doc.contains("Specialties and trusts"));
}

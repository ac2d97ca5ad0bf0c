//! `report.xlsx`: a small real run's workbook read back with calamine holds
//! the numbers of its CSV files (every plan and headline measure of
//! summary.csv, every row of weekly.csv, replications.csv and
//! by_specialty.csv), the run's chart PNGs, and is the same bytes however
//! and whenever it is made; `report DIR` adds it to a run made before it.
//! (The sheets of runs of more than one trust: `tests/breakdown.rs`.)

use std::io::Cursor;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

use calamine::{Data, Range, Reader, Xlsx};
use strikesim::app::{RunOptions, Silent};
use strikesim::ensemble::metrics::Metric;
use strikesim::output::breakdown::Estimates;
use strikesim::output::charts::{captioned_charts, Charts};
use strikesim::output::run_data::{RunData, COUNTERFACTUAL};
use strikesim::output::xlsx::{
    headline_metrics, measure_label, sheet_names, workbook_bytes, SPECIALTIES,
    SUMMARY_COLUMNS_PER_PLAN, XLSX,
};
use strikesim::output::{redraw, Exporter};

/// A run of the minimal example with 4 replications, in a temporary folder.
fn small_run() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/examples/minimal.toml");
    let out = tmp.path().join("run");
    let options = RunOptions::whole(Some(scenario), Some(out.clone()))
        .with_replications(NonZeroU64::new(4).unwrap());
    strikesim::app::run(&options, &Silent).expect("the minimal scenario runs");
    (tmp, out)
}

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes)).expect("report.xlsx opens as a workbook")
}

fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Range<Data> {
    book.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

fn text(range: &Range<Data>, row: usize, col: usize) -> String {
    match range.get((row, col)) {
        Some(Data::String(s)) => s.clone(),
        other => panic!("cell ({row}, {col}) is {other:?}, not text"),
    }
}

fn number(range: &Range<Data>, row: usize, col: usize) -> f64 {
    match range.get((row, col)) {
        Some(Data::Float(v)) => *v,
        Some(Data::Int(v)) => *v as f64,
        other => panic!("cell ({row}, {col}) is {other:?}, not a number"),
    }
}

fn same(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-9 * b.abs().max(1.0),
        "{what}: {a} != {b}"
    );
}

#[test]
fn the_workbook_of_a_run_holds_its_tables_and_charts() {
    let (_tmp, out) = small_run();
    // The manifest lists the workbook, and loading checks its hash.
    let data = RunData::load(&out).expect("the run reads back, report.xlsx verified");
    assert!(data.manifest.files.iter().any(|f| f.path == XLSX));
    let mut book = open(std::fs::read(out.join(XLSX)).unwrap());
    let names: Vec<String> = sheet_names(&data).iter().map(|s| s.to_string()).collect();
    assert_eq!(book.sheet_names(), names);
    // One trust: its specialties, no sheets over trusts.
    assert_eq!(
        names,
        [
            "Summary",
            "Costs",
            SPECIALTIES,
            "Weekly",
            "Replications",
            "Charts",
            "About"
        ]
    );

    // Summary: plans as columns (value, 95% low, 95% high each), the
    // headline measures as rows, the effect first, then the own figure.
    let summary = sheet(&mut book, "Summary");
    let (rows, _) = summary.get_size();
    let row_of = |label: &str, effect: bool| {
        let section = if effect {
            "Strike's effect"
        } else {
            "Plan's own figure"
        };
        let start = (0..rows)
            .find(
                |&r| matches!(summary.get((r, 0)), Some(Data::String(s)) if s.starts_with(section)),
            )
            .unwrap_or_else(|| panic!("no section {section}"));
        (start..rows)
            .find(|&r| matches!(summary.get((r, 0)), Some(Data::String(s)) if s == label))
            .unwrap_or_else(|| panic!("no row {label} in {section}"))
    };
    let plans = data.plans();
    assert!(plans.len() >= 3, "minimal.toml has two plans");
    let mut checked = 0;
    for (i, plan) in plans.iter().enumerate() {
        let col = 1 + i * SUMMARY_COLUMNS_PER_PLAN as usize;
        assert_eq!(text(&summary, 0, col), *plan);
        if let Some(p) = data.manifest.plans.iter().find(|p| p.name == *plan) {
            assert_eq!(text(&summary, 1, col), p.description.trim());
        }
        assert_eq!(
            [2, 3, 4].map(|j| text(&summary, 2, col + j - 2)),
            ["Mean", "95% low", "95% high"]
        );
        for metric in headline_metrics() {
            let r = data.summary_of(plan, metric);
            let own = row_of(&measure_label(metric, false), false);
            for (j, v) in [r.mean, r.ci95_low, r.ci95_high].into_iter().enumerate() {
                same(
                    number(&summary, own, col + j),
                    v,
                    &format!("{plan} {metric:?} own"),
                );
            }
            let effect = row_of(&measure_label(metric, true), true);
            if *plan == COUNTERFACTUAL {
                assert_eq!(text(&summary, effect, col), "(reference)");
            } else {
                let values = [r.effect_mean, r.effect_ci95_low, r.effect_ci95_high];
                for (j, v) in values.into_iter().enumerate() {
                    same(
                        number(&summary, effect, col + j),
                        v,
                        &format!("{plan} {metric:?} effect"),
                    );
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, plans.len() * headline_metrics().count());

    // Costs: each plan's money, the summary's effect in pounds, then the
    // prices the manifest records.
    let costs = sheet(&mut book, "Costs");
    let (rows, _) = costs.get_size();
    let money = [
        Metric::IncomeAtRisk,
        Metric::CostOfCover,
        Metric::CostOfCatchUp,
        Metric::NetCost,
    ];
    for plan in plans.iter().filter(|p| **p != COUNTERFACTUAL) {
        for m in money {
            let row = (1..rows)
                .find(|&r| {
                    matches!(costs.get((r, 0)), Some(Data::String(s)) if s == plan)
                        && matches!(costs.get((r, 1)), Some(Data::String(s)) if s == m.label())
                })
                .unwrap_or_else(|| panic!("no Costs row for {plan} {m:?}"));
            let r = data.summary_of(plan, m);
            let values = [r.effect_mean, r.effect_ci95_low, r.effect_ci95_high];
            for (j, v) in values.into_iter().enumerate() {
                same(
                    number(&costs, row, 2 + j),
                    v,
                    &format!("Costs {plan} {m:?}"),
                );
            }
        }
    }
    let prices = data
        .manifest
        .costs
        .as_ref()
        .expect("the run records its prices");
    let price_row = |label: &str| {
        (1..rows)
            .find(|&r| matches!(costs.get((r, 1)), Some(Data::String(s)) if s.starts_with(label)))
            .unwrap_or_else(|| panic!("no price {label}"))
    };
    same(
        number(&costs, price_row("Income per elective inpatient spell"), 2),
        prices.inpatient_spell,
        "inpatient spell price",
    );
    same(
        number(&costs, price_row("Catch-up clinic"), 2),
        prices.catch_up_clinic,
        "catch-up clinic price",
    );

    // Weekly: weekly.csv row for row, the week a real date.
    let weekly = sheet(&mut book, "Weekly");
    assert_eq!(weekly.get_size(), (data.weekly.len() + 1, 7));
    let header: Vec<String> = (0..7).map(|c| text(&weekly, 0, c)).collect();
    assert_eq!(header.join(","), "plan,week_start,metric,mean,p05,p50,p95");
    for (i, r) in data.weekly.iter().enumerate() {
        let row = i + 1;
        assert_eq!(text(&weekly, row, 0), r.plan);
        let date = match weekly.get((row, 1)) {
            Some(Data::DateTime(d)) => d.as_datetime().expect("a date").date(),
            other => panic!("week_start of row {row} is {other:?}, not a date"),
        };
        assert_eq!(date, r.week_start, "row {row}");
        assert_eq!(text(&weekly, row, 2), r.metric);
        for (j, v) in [r.mean, r.p05, r.p50, r.p95].into_iter().enumerate() {
            same(number(&weekly, row, 3 + j), v, &format!("weekly row {row}"));
        }
    }

    // Replications: replications.csv row for row.
    let reps = sheet(&mut book, "Replications");
    let width = 2 + strikesim::ensemble::metrics::Metric::COUNT;
    assert_eq!(reps.get_size(), (data.replications.len() + 1, width));
    for (i, r) in data.replications.iter().enumerate() {
        same(number(&reps, i + 1, 0), r.replication as f64, "replication");
        assert_eq!(text(&reps, i + 1, 1), r.plan);
        for (j, v) in r.values.iter().enumerate() {
            same(
                number(&reps, i + 1, 2 + j),
                *v,
                &format!("replications row {}", i + 1),
            );
        }
    }

    // Specialties: by_specialty.csv row for row.
    let specialties = sheet(&mut book, SPECIALTIES);
    let rows = &data.breakdown.specialties;
    assert!(!rows.is_empty(), "the run has its breakdown by specialty");
    assert_eq!(specialties.get_size(), (rows.len() + 1, 11));
    let header: Vec<String> = (0..11).map(|c| text(&specialties, 0, c)).collect();
    assert_eq!(
        header.join(","),
        "plan,trust,specialty,specialty_name,metric,effect_mean,effect_ci95_low,effect_ci95_high,mean,ci95_low,ci95_high"
    );
    for (i, r) in rows.iter().enumerate() {
        let row = i + 1;
        let keys = [
            &r.plan,
            &r.trust,
            &r.specialty,
            &r.specialty_name,
            &r.metric,
        ];
        for (j, k) in keys.into_iter().enumerate() {
            assert_eq!(&text(&specialties, row, j), k, "Specialties row {row}");
        }
        for (j, v) in r.numbers().into_iter().enumerate() {
            same(
                number(&specialties, row, 5 + j),
                v,
                &format!("Specialties row {row}"),
            );
        }
    }

    // About: what the run was and how to read it.
    let about = sheet(&mut book, "About");
    let cells: Vec<String> = about.cells().map(|(_, _, c)| c.to_string()).collect();
    for wanted in [
        data.manifest.scenario.name.clone(),
        data.manifest.scenario.title.clone(),
        data.manifest.seed.to_string(),
        format!("strikesim {}", data.manifest.version),
        data.manifest.count_window_words(),
    ] {
        assert!(cells.contains(&wanted), "About lacks {wanted:?}: {cells:?}");
    }
    assert!(cells.iter().any(|c| c.contains("5th to 95th percentiles")));

    // Charts: every chart's PNG, the same bytes as the run's file.
    let charts = sheet(&mut book, "Charts");
    assert_eq!(
        text(&charts, 0, 0),
        strikesim::output::charts::Chart::ALL[0].caption()
    );
    let pictures = book.pictures().expect("the workbook has pictures");
    let drawn: Vec<&str> = captioned_charts()
        .map(|(name, _)| name)
        .filter(|name| out.join(format!("charts/{name}.png")).is_file())
        .collect();
    assert!(drawn.contains(&"extra_waiters_by_specialty"));
    assert_eq!(pictures.len(), drawn.len());
    for name in drawn {
        let png = std::fs::read(out.join(format!("charts/{name}.png"))).unwrap();
        assert!(
            pictures
                .iter()
                .any(|(ext, bytes)| ext == "png" && *bytes == png),
            "charts/{name}.png is not in the workbook"
        );
    }
}

#[test]
fn the_same_run_gives_the_same_workbook_bytes() {
    let (_tmp, out) = small_run();
    let written = std::fs::read(out.join(XLSX)).unwrap();
    let data = RunData::load(&out).unwrap();
    let charts = Charts.files(&data).unwrap();
    let first = workbook_bytes(&data, &charts).unwrap();
    // Past a second boundary: a clock in the file would show.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = workbook_bytes(&data, &charts).unwrap();
    assert!(first == second, "two workbooks of the same run differ");
    assert!(
        first == written,
        "drawn from memory and from the files differ"
    );
    // `strikesim report DIR` rewrites it, the same bytes.
    redraw(&out).expect("report redraws");
    assert!(std::fs::read(out.join(XLSX)).unwrap() == written);
    RunData::load(&out).expect("the redrawn run verifies");
}

/// `strikesim report DIR` on a run made before the workbook (the fixture:
/// its tables and a manifest without a file list) adds `report.xlsx` and
/// lists it in the manifest.
#[test]
fn report_adds_the_workbook_to_an_earlier_run() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run_small");
    let tmp = tempfile::tempdir().unwrap();
    for f in [
        "manifest.json",
        "summary.csv",
        "weekly.csv",
        "replications.csv",
    ] {
        std::fs::copy(fixture.join(f), tmp.path().join(f)).unwrap();
    }
    assert!(!tmp.path().join(XLSX).exists());
    redraw(tmp.path()).expect("report redraws the fixture");
    let data = RunData::load(tmp.path()).expect("the redrawn run verifies");
    assert!(data.manifest.files.iter().any(|f| f.path == XLSX));
    let mut book = open(std::fs::read(tmp.path().join(XLSX)).unwrap());
    let summary = sheet(&mut book, "Summary");
    assert_eq!(text(&summary, 0, 1), COUNTERFACTUAL);
}

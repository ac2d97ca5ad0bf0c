//! `series.md` / `series.html` (one document, two renderings) and
//! `series.csv`: the strikes' walkouts and what each postponed, one row
//! per run.

use super::figures::{Ratio, RatioMethod, Spread, MEASURES};
use super::{hours, Strike};
use crate::output::document::{Block, Document, Inline, Table};
use crate::output::human;
use crate::output::report::chart_image;
use crate::output::rows::{num, num_or_whole};
use crate::output::OutputError;

/// What the numbers of the table are, for the paragraph above it.
const FIGURES_NOTE: &str = "Each figure is the strike's effect for the run's first plan: \
     operations and appointments postponed in the run's counting window (the days under \
     Postponements counted above: normally from 14 days before the first walkout to the day after \
     the last) minus those of the same world without the strike in the same replication, so the \
     usual background on-the-day cancellations are not counted. Median over the replications, with \
     the 5th to 95th percentile in brackets (each a replication's value, as in summary.csv). \
     Inpatient and day case add up to the total replication by replication, and so do in advance \
     and on the day, but their medians need not add up to the median total.";

/// The paired-ratio note.
const PAIRED_NOTE: &str = "paired: replication i of the run over replication i of the reference \
     (same seed and number of replications, so the same draws where the worlds agree), median and \
     5th to 95th percentile of the ratios; replications where the reference postponed no operation \
     are left out";

/// The ratio-of-medians note.
const OF_MEDIANS_NOTE: &str = "ratio of medians: the run's median over the reference's; the range \
     runs from the run's 5th percentile over the reference's 95th to its 95th over the reference's \
     5th, a deliberately wide range (the runs' replications cannot be paired), not a confidence \
     interval";

/// The series document: the runs, the table of what each strike postponed
/// and the two charts.
pub fn series_document(strikes: &[Strike]) -> Document {
    let reference = &strikes[0];
    let mut blocks = vec![Block::Paragraph(Inline::from(format!(
        "{} strike{} side by side, one run each, in the order given; the reference for ratios is the first, {}.",
        strikes.len(),
        if strikes.len() == 1 { "" } else { "s" },
        reference.label()
    )))];
    blocks.push(Block::Heading(2, "Runs and walkouts".into()));
    blocks.push(Block::Table(runs_table(strikes)));
    blocks.push(Block::Heading(
        2,
        "Operations and appointments postponed".into(),
    ));
    blocks.push(Block::Paragraph(FIGURES_NOTE.into()));
    blocks.push(Block::Table(figures_table(strikes)));
    blocks.push(Block::Paragraph(Inline::from(ratio_note(strikes))));
    blocks.push(Block::Heading(2, "Charts".into()));
    blocks.push(chart_image(
        "series",
        "Elective operations postponed by each strike, inpatient and day case",
    ));
    blocks.push(chart_image(
        "series-ratio",
        "Operations postponed by each strike relative to the reference strike",
    ));
    Document {
        title: "strikesim: strikes side by side".into(),
        blocks,
    }
}

/// The walkouts of a strike, one per line: name, start, hours and kind.
fn walkout_lines(s: &Strike) -> String {
    s.walkouts
        .iter()
        .map(|w| {
            format!(
                "{}: {}, {} h, {}",
                w.name,
                w.start.format("%-d %b %Y %H:%M"),
                hours(w),
                w.kind.replace('_', " ")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The participation stated for each walkout, as in the manifest; said
/// once when the walkouts (the days of one strike) state the same.
fn participation(s: &Strike) -> String {
    let mut stated: Vec<String> = Vec::new();
    for w in &s.walkouts {
        if !stated.contains(&w.participation) {
            stated.push(w.participation.clone());
        }
    }
    stated.join(" / ")
}

/// Which run holds which strike, and how it was run.
fn runs_table(strikes: &[Strike]) -> Table {
    Table {
        header: [
            "Strike",
            "Run",
            "Scenario",
            "Plan reported",
            "Walkouts (name: start, hours, kind)",
            "Participation",
            "Postponements counted",
            "Replications",
            "Seed",
        ]
        .map(String::from)
        .to_vec(),
        rows: strikes
            .iter()
            .map(|s| {
                vec![
                    s.label(),
                    s.dir.display().to_string(),
                    s.scenario.clone(),
                    s.plan.clone(),
                    walkout_lines(s),
                    participation(s),
                    s.count_window.clone(),
                    human::count(s.replications as f64),
                    s.seed.to_string(),
                ]
            })
            .collect(),
    }
}

/// A count's median and interval: "1,234 (1,100 to 1,400)".
fn count_cell(s: Spread) -> String {
    human::with_interval(human::count, s.p50, s.p05, s.p95)
}

/// A ratio with two decimals; an open end is "no upper bound".
fn ratio_number(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.2}")
    } else {
        "no upper bound".into()
    }
}

/// The ratio cell: "1.35 (1.20 to 1.52)", or why there is none.
fn ratio_cell(r: &Ratio, reference: bool) -> String {
    match r.value {
        Some(s) if reference => format!("{} (reference)", ratio_number(s.p50)),
        Some(s) => human::with_interval(ratio_number, s.p50, s.p05, s.p95),
        None => "none: the reference postponed no operation".into(),
    }
}

/// One row per strike: each measure's median and interval, then the ratio.
fn figures_table(strikes: &[Strike]) -> Table {
    let mut header = vec!["Strike".to_string()];
    header.extend(MEASURES.iter().map(|m| m.heading.to_string()));
    header.push("Operations postponed, ratio to the reference".into());
    Table {
        header,
        rows: strikes
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut row = vec![s.label()];
                row.extend(s.spread.iter().map(|&x| count_cell(x)));
                row.push(ratio_cell(&s.ratio, i == 0));
                row
            })
            .collect(),
    }
}

/// How the ratios were made, run by run where they differ (the reference
/// itself is 1 by definition).
fn ratio_note(strikes: &[Strike]) -> String {
    let others = &strikes[1..];
    let with =
        |method| -> Vec<&Strike> { others.iter().filter(|s| s.ratio.method == method).collect() };
    let (paired, of_medians) = (with(RatioMethod::Paired), with(RatioMethod::OfMedians));
    let mut note = String::from("Ratio to the reference: ");
    if others.is_empty() {
        note.push_str("a single run is its own reference, so its ratio is 1");
    } else if of_medians.is_empty() {
        note.push_str(PAIRED_NOTE);
    } else if paired.is_empty() {
        note.push_str(OF_MEDIANS_NOTE);
        note.push_str(" (the seed or the number of replications differs from the reference's)");
    } else {
        note.push_str(&format!(
            "for {}, {PAIRED_NOTE}; for {}, whose seed or number of replications differs from the reference's, {OF_MEDIANS_NOTE}",
            names(&paired),
            names(&of_medians),
        ));
    }
    note.push('.');
    for s in &paired {
        if s.ratio.used < s.ratio.of {
            note.push_str(&format!(
                " For {}, {} of {} replications had a reference that postponed no operation and were left out.",
                s.label(),
                s.ratio.of - s.ratio.used,
                s.ratio.of
            ));
        }
    }
    note
}

/// Strikes named by their labels.
fn names(strikes: &[&Strike]) -> String {
    strikes
        .iter()
        .map(|s| s.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A CSV number: counts whole, others with four decimals, none empty.
fn csv_number(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => num_or_whole(v),
        _ => String::new(),
    }
}

/// A ratio in the CSV: four decimals; empty when there is none or it is
/// open-ended.
fn csv_ratio(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => num(v),
        _ => String::new(),
    }
}

/// The header of `series.csv`.
pub fn csv_header() -> Vec<String> {
    let mut h: Vec<String> = [
        "run_dir",
        "scenario",
        "plan",
        "strike",
        "walkout_names",
        "walkout_starts",
        "walkout_hours",
        "walkout_kinds",
        "participation",
        "replications",
        "seed",
    ]
    .map(String::from)
    .to_vec();
    for m in &MEASURES {
        for q in ["p50", "p05", "p95"] {
            h.push(format!("{}_{q}", m.column));
        }
    }
    h.extend(
        [
            "elective_postponed_operations_mean",
            "elective_postponed_operations_ci95_low",
            "elective_postponed_operations_ci95_high",
            "elective_cancelled_all_operations_p50",
            "elective_cancelled_all_operations_p05",
            "elective_cancelled_all_operations_p95",
            "ratio_to_reference_p50",
            "ratio_to_reference_p05",
            "ratio_to_reference_p95",
            "ratio_method",
            "ratio_replications_used",
        ]
        .map(String::from),
    );
    h
}

/// `series.csv`: one row per run, in the order given.
pub fn series_csv(strikes: &[Strike]) -> Result<Vec<u8>, OutputError> {
    let err = |source| OutputError::Csv {
        file: "series.csv",
        source,
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(csv_header()).map_err(err)?;
    for s in strikes {
        let join = |f: &dyn Fn(&crate::output::manifest::WalkoutInfo) -> String| {
            s.walkouts.iter().map(f).collect::<Vec<_>>().join("; ")
        };
        let mut row = vec![
            s.dir.display().to_string(),
            s.scenario.clone(),
            s.plan.clone(),
            s.label(),
            join(&|w| w.name.clone()),
            join(&|w| w.start.format("%Y-%m-%dT%H:%M").to_string()),
            join(&hours),
            join(&|w| w.kind.clone()),
            participation(s),
            s.replications.to_string(),
            s.seed.to_string(),
        ];
        for sp in &s.spread {
            row.extend([sp.p50, sp.p05, sp.p95].map(|v| csv_number(Some(v))));
        }
        let o = &s.operations_summary;
        row.extend([o.effect_mean, o.effect_ci95_low, o.effect_ci95_high].map(num));
        row.extend([o.p50, o.p05, o.p95].map(|v| csv_number(Some(v))));
        let r = s.ratio.value;
        row.extend([
            csv_ratio(r.map(|r| r.p50)),
            csv_ratio(r.map(|r| r.p05)),
            csv_ratio(r.map(|r| r.p95)),
        ]);
        row.push(s.ratio.method.name().into());
        row.push(s.ratio.used.to_string());
        w.write_record(&row).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| OutputError::Other(format!("cannot format series.csv: {e}")))
}

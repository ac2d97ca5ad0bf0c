//! The run's tables: `summary.csv`, `replications.csv`, `weekly.csv` and
//! `manifest.json`, rendered to bytes from aggregated results.
//!
//! Numbers are printed with a fixed number of decimals so that the same
//! results always give the same bytes.

use super::run_data::{SUMMARY_HEADER, WEEKLY_HEADER};
use super::OutputError;
use crate::ensemble::metrics::{Metric, WeeklyMetric};
use crate::ensemble::stats::summarise;
use crate::ensemble::EnsembleResult;
use crate::model::World;

/// A number as written in the CSV files: four decimals, no negative zero.
pub fn num(v: f64) -> String {
    let s = format!("{v:.4}");
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        "0.0000".to_string()
    } else {
        s
    }
}

/// Branch names: the counterfactual, then the plans.
pub fn branch_names(world: &World) -> Vec<String> {
    world.branches().map(|p| p.name.clone()).collect()
}

fn write_csv(
    out: &mut dyn std::io::Write,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> csv::Result<()> {
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record(header)?;
    for row in rows {
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

fn csv_bytes(
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<Vec<u8>, OutputError> {
    let mut bytes = Vec::new();
    write_csv(&mut bytes, header, rows)
        .map_err(|e| OutputError::Other(format!("cannot format CSV: {e}")))?;
    Ok(bytes)
}

/// `summary.csv`: per plan and metric, the mean with its 95% interval,
/// percentiles, and the paired difference from the counterfactual.
pub fn summary_csv(world: &World, result: &EnsembleResult) -> Result<Vec<u8>, OutputError> {
    let names = branch_names(world);
    let mut rows = Vec::new();
    for (b, name) in names.iter().enumerate() {
        for &metric in Metric::ALL {
            let values = result.column(b, metric as usize);
            let cf = result.column(0, metric as usize);
            let diffs: Vec<f64> = values.iter().zip(&cf).map(|(v, c)| v - c).collect();
            let s = summarise(&values);
            let d = summarise(&diffs);
            rows.push(vec![
                name.clone(),
                metric.name().to_string(),
                num(s.mean),
                num(s.ci95_low),
                num(s.ci95_high),
                num(s.p05),
                num(s.p50),
                num(s.p95),
                num(d.mean),
                num(d.ci95_low),
                num(d.ci95_high),
            ]);
        }
    }
    csv_bytes(&SUMMARY_HEADER, rows.into_iter())
}

/// `replications.csv`: one row per replication and plan.
pub fn replications_csv(world: &World, result: &EnsembleResult) -> Result<Vec<u8>, OutputError> {
    let mut bytes = Vec::new();
    write_replications_csv(&mut bytes, world, result)
        .map_err(|e| OutputError::Other(format!("cannot format CSV: {e}")))?;
    Ok(bytes)
}

/// Stream `replications.csv` into `out`, a row at a time, so that writing
/// it takes no memory in proportion to the replications.
pub fn write_replications_csv(
    out: &mut dyn std::io::Write,
    world: &World,
    result: &EnsembleResult,
) -> std::io::Result<()> {
    let names = branch_names(world);
    let mut header = vec!["replication", "plan"];
    header.extend(Metric::ALL.iter().map(|m| m.name()));
    let rows = result.rows.iter().flat_map(|(rep, branches)| {
        names.iter().zip(branches).map(move |(name, values)| {
            let mut row = vec![rep.to_string(), name.clone()];
            row.extend(values.iter().map(|&v| num(v)));
            row
        })
    });
    write_csv(out, &header, rows).map_err(std::io::Error::other)
}

/// `weekly.csv`: per plan, week and series, the mean and percentiles over
/// replications.
pub fn weekly_csv(world: &World, result: &EnsembleResult) -> Result<Vec<u8>, OutputError> {
    let names = branch_names(world);
    let weeks = world.week_starts();
    let mut rows = Vec::new();
    for (b, name) in names.iter().enumerate() {
        let Some(series) = result.weekly.get(b) else {
            continue;
        };
        for (w, &day) in weeks.iter().enumerate() {
            let date = world.calendar.date(day).format("%Y-%m-%d").to_string();
            for &metric in WeeklyMetric::ALL {
                let h = &series[w][metric as usize];
                let scale = metric.scale();
                rows.push(vec![
                    name.clone(),
                    date.clone(),
                    metric.name().to_string(),
                    num(h.mean() / scale),
                    num(h.quantile(0.05) / scale),
                    num(h.quantile(0.50) / scale),
                    num(h.quantile(0.95) / scale),
                ]);
            }
        }
    }
    csv_bytes(&WEEKLY_HEADER, rows.into_iter())
}

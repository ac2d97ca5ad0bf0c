//! The run's tables: `summary.csv`, `replications.csv`, `weekly.csv` and
//! `manifest.json` (and the tables by specialty and trust, `breakdown.rs`). [`summary_rows`], [`weekly_rows`] and
//! [`replication_rows`] turn aggregated results into the typed rows of
//! [`super::rows`]; the [`Tables`] exporter writes a [`RunData`]'s rows.

use std::path::Path;

use super::rows::{as_written, csv_bytes, write_rows, ReplicationRow, SummaryRow, WeeklyRow};
use super::run_data::RunData;
use super::{Body, Exporter, OutputError, OutputFile};
use crate::ensemble::metrics::{Metric, MetricRow, WeeklyMetric};
use crate::ensemble::stats::{summarise, summarise_counts};
use crate::ensemble::EnsembleResult;
use crate::model::World;

/// Branch names: the counterfactual, then the plans.
pub fn branch_names(world: &World) -> Vec<String> {
    world.branches().map(|p| p.name.clone()).collect()
}

/// The rows of `summary.csv`: per plan and metric, the strike's effect
/// (the paired difference from the counterfactual) with its 95% interval,
/// then the plan's own mean with its 95% interval and percentiles.
pub fn summary_rows(world: &World, result: &EnsembleResult) -> Vec<SummaryRow> {
    let mut rows = Vec::new();
    for (b, name) in branch_names(world).iter().enumerate() {
        for &metric in Metric::ALL.iter().filter(|m| m.in_summary()) {
            let values = result.column(b, metric as usize);
            let cf = result.column(0, metric as usize);
            let diffs: Vec<f64> = values.iter().zip(&cf).map(|(v, c)| v - c).collect();
            // The plan's own values: counts keep whole percentiles, and no
            // interval goes where the quantity cannot. The effect is a
            // difference: it can be negative and is not clamped.
            let (min, max) = metric.range();
            let s = if metric.is_count() {
                summarise_counts(&values)
            } else {
                summarise(&values)
            }
            .within(min, max);
            let d = summarise(&diffs);
            rows.push(SummaryRow {
                plan: name.clone(),
                metric: metric.name().to_string(),
                effect_mean: as_written(d.mean),
                effect_ci95_low: as_written(d.ci95_low),
                effect_ci95_high: as_written(d.ci95_high),
                mean: as_written(s.mean),
                ci95_low: as_written(s.ci95_low),
                ci95_high: as_written(s.ci95_high),
                p05: as_written(s.p05),
                p50: as_written(s.p50),
                p95: as_written(s.p95),
            });
        }
    }
    rows
}

/// The rows of `weekly.csv`: per plan, week and series, the mean and
/// percentiles over replications.
pub fn weekly_rows(world: &World, result: &EnsembleResult) -> Vec<WeeklyRow> {
    let weeks = world.week_starts();
    let mut rows = Vec::new();
    for (b, name) in branch_names(world).iter().enumerate() {
        let Some(series) = result.weekly.get(b) else {
            continue;
        };
        for (w, &day) in weeks.iter().enumerate() {
            let date = world.dates.date(day);
            for &metric in WeeklyMetric::ALL {
                let h = &series[w][metric as usize];
                let scale = metric.scale();
                rows.push(WeeklyRow {
                    plan: name.clone(),
                    week_start: date,
                    metric: metric.name().to_string(),
                    mean: as_written(h.mean() / scale),
                    p05: as_written(h.quantile(0.05) / scale),
                    p50: as_written(h.quantile(0.50) / scale),
                    p95: as_written(h.quantile(0.95) / scale),
                });
            }
        }
    }
    rows
}

/// The rows of `replications.csv`: one per replication and plan.
pub fn replication_rows(world: &World, result: &EnsembleResult) -> Vec<ReplicationRow> {
    let names = branch_names(world);
    result
        .rows
        .iter()
        .flat_map(|(rep, branches)| {
            names.iter().zip(branches).map(move |(name, values)| {
                let mut row: MetricRow = [0.0; Metric::COUNT];
                for (r, v) in row.iter_mut().zip(values) {
                    *r = as_written(*v);
                }
                ReplicationRow {
                    replication: *rep,
                    plan: name.clone(),
                    values: row,
                }
            })
        })
        .collect()
}

/// `summary.csv`, `replications.csv` (streamed) and `weekly.csv`
/// (`manifest.json` is written last, with the list of the run's files:
/// [`super::write_manifest`]).
pub struct Tables;

fn csv_error(file: &'static str) -> impl Fn(csv::Error) -> OutputError {
    move |source| OutputError::Csv { file, source }
}

impl Exporter for Tables {
    fn files<'a>(&self, run: &'a RunData) -> Result<Vec<OutputFile<'a>>, OutputError> {
        let summary = csv_bytes(&run.summary).map_err(csv_error("summary.csv"))?;
        let weekly = csv_bytes(&run.weekly).map_err(csv_error("weekly.csv"))?;
        let replications = Body::Stream(Box::new(|out| {
            write_rows(out, &run.replications).map_err(std::io::Error::other)
        }));
        let mut files = vec![
            OutputFile::bytes("summary.csv", summary),
            OutputFile {
                path: Path::new("replications.csv").to_path_buf(),
                body: replications,
            },
            OutputFile::bytes("weekly.csv", weekly),
        ];
        files.extend(run.breakdown.files()?);
        Ok(files)
    }
}

/// `replications.csv` of a result, as bytes.
pub fn replications_csv(world: &World, result: &EnsembleResult) -> Result<Vec<u8>, OutputError> {
    csv_bytes(replication_rows(world, result)).map_err(csv_error("replications.csv"))
}

//! The outputs of `strikesim sweep` (`output/NAME-sweep/` or `--out`):
//! `sweep.csv` (every point, plan and headline measure: the strike's effect
//! with its 95% interval and the plan's own mean), `tornado.csv` (each
//! input alone at its lowest and highest value, the others as written),
//! `charts/tornado.{png,svg}` (extra patients waiting over 18 weeks at the
//! end) and `charts/tornado-cancelled.{png,svg}` (extra elective operations
//! cancelled), `sweep.md` / `sweep.html` and `sweep.json` (seed,
//! replications, inputs, points, files). Everything is formatted in memory
//! and handed to the caller's staging folder; nothing here simulates.

mod page;

use std::path::Path;

use serde_json::json;

use super::charts::tornado_chart_files;
use super::rows::{num, SummaryRow};
use super::{write_files, OutputError, OutputFile};
use crate::ensemble::metrics::Metric;

/// The measures the tornado charts show: (metric, chart file stem).
pub const TORNADO_CHARTS: [(Metric, &str); 2] = [
    (Metric::RttOver18wEnd, "tornado"),
    (Metric::ElectiveCancelled, "tornado-cancelled"),
];

/// One varied input: its key, values (as given, distinct), the scenario's
/// own value (None when the file has no single value) and whether it is a
/// whole number.
#[derive(Debug, Clone)]
pub struct SweepInput {
    pub key: String,
    pub values: Vec<f64>,
    pub base: Option<f64>,
    pub whole: bool,
    /// The plan whose lever it is (None: it acts on every plan).
    pub plan: Option<String>,
}

impl SweepInput {
    /// A value as written: whole numbers without decimals.
    pub fn show(&self, v: f64) -> String {
        if self.whole {
            format!("{}", v as i64)
        } else {
            format!("{v}")
        }
    }

    /// The name on a chart: a plan's lever without `plan.NAME.`, and the
    /// plan.
    pub fn label(&self) -> (String, Option<&str>) {
        match &self.plan {
            Some(plan) => {
                let prefix = format!("plan.{plan}.");
                let lever = self.key.strip_prefix(&prefix).unwrap_or(&self.key);
                (lever.to_string(), Some(plan))
            }
            None => (self.key.clone(), None),
        }
    }

    /// A point's value of this input (None: the scenario's own).
    pub fn show_at(&self, v: Option<f64>) -> String {
        match v.or(self.base) {
            Some(v) => self.show(v),
            None => "as in the file".into(),
        }
    }

    pub fn low(&self) -> f64 {
        self.values.iter().copied().fold(f64::INFINITY, f64::min)
    }

    pub fn high(&self) -> f64 {
        self.values
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// `v` as a point holds it: None when it is the scenario's own.
    fn at(&self, v: f64) -> Option<f64> {
        (self.base != Some(v)).then_some(v)
    }
}

/// One point of the sweep and its headline rows (plans only, as in
/// `summary.csv`).
#[derive(Debug, Clone)]
pub struct SweepPoint {
    /// Per input, its value (None: the scenario's own).
    pub values: Vec<Option<f64>>,
    /// Whether the point is in the grid of the `--vary` values (else it is
    /// the base or a tornado end).
    pub in_grid: bool,
    pub rows: Vec<SummaryRow>,
}

impl SweepPoint {
    /// The summary row of `plan` and `metric`.
    pub fn row(&self, plan: &str, metric: Metric) -> Option<&SummaryRow> {
        self.rows
            .iter()
            .find(|r| r.plan == plan && r.metric == metric.name())
    }
}

/// A finished sweep.
#[derive(Debug, Clone)]
pub struct SweepData {
    pub scenario: String,
    pub title: Option<String>,
    pub source: String,
    pub sha256: String,
    pub seed: u64,
    pub replications: u64,
    pub threads: usize,
    pub wall_seconds: f64,
    pub plans: Vec<String>,
    pub inputs: Vec<SweepInput>,
    pub points: Vec<SweepPoint>,
}

/// One bar of a tornado: a plan's effect on a measure with one input at
/// its lowest and highest value, the others as written.
#[derive(Debug, Clone)]
pub struct TornadoBar {
    pub plan: String,
    pub metric: Metric,
    /// Index into [`SweepData::inputs`].
    pub input: usize,
    pub at_low: f64,
    pub at_base: f64,
    pub at_high: f64,
}

impl TornadoBar {
    /// How far the measure moves across the input's range.
    pub fn swing(&self) -> f64 {
        let lo = self.at_low.min(self.at_high).min(self.at_base);
        let hi = self.at_low.max(self.at_high).max(self.at_base);
        hi - lo
    }
}

impl SweepData {
    /// The point with these values.
    pub fn point(&self, values: &[Option<f64>]) -> Option<&SweepPoint> {
        self.points.iter().find(|p| p.values == values)
    }

    /// The scenario as written.
    pub fn base(&self) -> Option<&SweepPoint> {
        self.point(&vec![None; self.inputs.len()])
    }

    /// The tornado of `plan` for `metric`, bars by swing, largest first;
    /// another plan's levers, which cannot move it, are left out.
    pub fn tornado(&self, plan: &str, metric: Metric) -> Vec<TornadoBar> {
        let effect = |values: &[Option<f64>]| {
            self.point(values)
                .and_then(|p| p.row(plan, metric))
                .map_or(f64::NAN, |r| r.effect_mean)
        };
        let at_base = effect(&vec![None; self.inputs.len()]);
        let mut bars: Vec<TornadoBar> = self
            .inputs
            .iter()
            .enumerate()
            .filter(|(_, input)| input.plan.as_ref().is_none_or(|p| p == plan))
            .map(|(i, input)| {
                let at = |v: f64| {
                    let mut values = vec![None; self.inputs.len()];
                    values[i] = input.at(v);
                    effect(&values)
                };
                TornadoBar {
                    plan: plan.to_string(),
                    metric,
                    input: i,
                    at_low: at(input.low()),
                    at_base,
                    at_high: at(input.high()),
                }
            })
            .collect();
        // Stable: equal swings keep the order given.
        bars.sort_by(|a, b| b.swing().total_cmp(&a.swing()));
        bars
    }

    /// The line under the charts.
    pub fn source_line(&self) -> String {
        format!(
            "strikesim sweep of {} ({}), seed {}, {} replications per point, {} points",
            self.scenario,
            self.source,
            self.seed,
            self.replications,
            self.points.len()
        )
    }
}

fn csv_error(file: &'static str) -> impl Fn(csv::Error) -> OutputError {
    move |source| OutputError::Csv { file, source }
}

/// `sweep.csv`: one row per point, plan and headline measure.
fn sweep_csv(data: &SweepData) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["point".to_string(), "grid".to_string()];
    header.extend(data.inputs.iter().map(|i| i.key.clone()));
    header.extend(
        [
            "plan",
            "metric",
            "effect_mean",
            "effect_ci95_low",
            "effect_ci95_high",
            "mean",
            "ci95_low",
            "ci95_high",
        ]
        .map(String::from),
    );
    w.write_record(&header)?;
    for (k, p) in data.points.iter().enumerate() {
        for r in &p.rows {
            let mut rec = vec![
                k.to_string(),
                if p.in_grid { "yes" } else { "no" }.to_string(),
            ];
            rec.extend(
                data.inputs
                    .iter()
                    .zip(&p.values)
                    .map(|(i, v)| i.show_at(*v)),
            );
            rec.push(r.plan.clone());
            rec.push(r.metric.clone());
            for v in [
                r.effect_mean,
                r.effect_ci95_low,
                r.effect_ci95_high,
                r.mean,
                r.ci95_low,
                r.ci95_high,
            ] {
                rec.push(num(v));
            }
            w.write_record(&rec)?;
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// `tornado.csv`: per plan, headline measure and input, the effect at the
/// input's lowest value, at the scenario's own and at its highest.
fn tornado_csv(data: &SweepData) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "plan",
        "metric",
        "input",
        "input_low",
        "input_base",
        "input_high",
        "effect_at_low",
        "effect_at_base",
        "effect_at_high",
        "swing",
    ])?;
    for plan in &data.plans {
        for &metric in Metric::ALL.iter().filter(|m| m.on_board()) {
            for bar in data.tornado(plan, metric) {
                let input = &data.inputs[bar.input];
                w.write_record([
                    plan.clone(),
                    metric.name().to_string(),
                    input.key.clone(),
                    input.show(input.low()),
                    input.show_at(None),
                    input.show(input.high()),
                    num(bar.at_low),
                    num(bar.at_base),
                    num(bar.at_high),
                    num(bar.swing()),
                ])?;
            }
        }
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// `sweep.json`: what was run, for the record.
fn manifest(data: &SweepData, files: &[String]) -> Result<Vec<u8>, OutputError> {
    let inputs: Vec<_> = data
        .inputs
        .iter()
        .map(|i| json!({ "key": i.key, "values": i.values, "scenario_value": i.base }))
        .collect();
    let points: Vec<_> = data
        .points
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let values: serde_json::Map<String, serde_json::Value> = data
                .inputs
                .iter()
                .zip(&p.values)
                .map(|(i, v)| (i.key.clone(), json!(v.or(i.base))))
                .collect();
            json!({ "point": k, "grid": p.in_grid, "as_written": p.values.iter().all(Option::is_none), "values": values })
        })
        .collect();
    let m = json!({
        "tool": "strikesim",
        "version": env!("CARGO_PKG_VERSION"),
        "command": "sweep",
        "scenario": { "name": data.scenario, "title": data.title, "source": data.source, "sha256": data.sha256 },
        "seed": data.seed,
        "replications": data.replications,
        "common_random_numbers": "every point runs replications 0..replications with the same seed",
        "threads": data.threads,
        "wall_seconds": data.wall_seconds,
        "plans": data.plans,
        "inputs": inputs,
        "points": points,
        "files": files,
    });
    let mut bytes = serde_json::to_vec_pretty(&m)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Every file of a sweep, formatted and drawn in memory.
pub fn files(data: &SweepData) -> Result<Vec<OutputFile<'static>>, OutputError> {
    let mut files = tornado_chart_files(data)?;
    files.push(OutputFile::bytes(
        "sweep.csv",
        sweep_csv(data).map_err(csv_error("sweep.csv"))?,
    ));
    files.push(OutputFile::bytes(
        "tornado.csv",
        tornado_csv(data).map_err(csv_error("tornado.csv"))?,
    ));
    let doc = page::document(data);
    let pages = super::document_files("sweep", &doc, &files);
    files.extend(pages);
    let names: Vec<String> = files
        .iter()
        .map(|f| f.path.to_string_lossy().into_owned())
        .collect();
    files.push(OutputFile::bytes("sweep.json", manifest(data, &names)?));
    Ok(files)
}

/// Write a sweep's files into `dir` (the caller's staging folder).
pub fn write(dir: &Path, data: &SweepData) -> Result<(), OutputError> {
    write_files(dir, files(data)?)?;
    Ok(())
}

//! A finished run directory, read back from its files.
//!
//! [`RunData::load`] reads `manifest.json`, `summary.csv`, `weekly.csv` and
//! `replications.csv` and checks them against the file contract, so charts,
//! the report and comparisons depend only on files, never on the simulation.
//! Nothing here writes files or knows how the numbers were made.

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::OutputError;
use crate::ensemble::metrics::{Metric, WeeklyMetric};

/// The name of the no-strike world in every table.
pub const COUNTERFACTUAL: &str = "counterfactual";

/// The header of `summary.csv`, exactly.
pub const SUMMARY_HEADER: [&str; 11] = [
    "plan",
    "metric",
    "mean",
    "ci95_low",
    "ci95_high",
    "p05",
    "p50",
    "p95",
    "diff_mean",
    "diff_ci95_low",
    "diff_ci95_high",
];

/// The header of `weekly.csv`, exactly.
pub const WEEKLY_HEADER: [&str; 7] = ["plan", "week_start", "metric", "mean", "p05", "p50", "p95"];

/// Replication columns the recovery chart reads.
pub const REQUIRED_REPLICATION_METRICS: [Metric; 2] = [Metric::RecoveryDays, Metric::Recovered];

/// `manifest.json`: what was run, with which seed, on which world.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Manifest {
    #[serde(default)]
    pub tool: String,
    pub version: String,
    pub scenario: ScenarioInfo,
    pub seed: u64,
    pub replications: u64,
    #[serde(default)]
    pub threads: usize,
    #[serde(default)]
    pub wall_seconds: f64,
    pub period: Period,
    pub walkouts: Vec<WalkoutInfo>,
    pub plans: Vec<PlanInfo>,
    pub trusts: Vec<TrustInfo>,
    #[serde(default)]
    pub recovery_tolerance: Option<RecoveryTolerance>,
    #[serde(default)]
    pub metrics: Vec<MetricInfo>,
}

/// The scenario file a run was made from.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ScenarioInfo {
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub file: String,
    pub sha256: String,
}

/// The simulated calendar: warm-up from `start`, plans branch at `branch`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Period {
    pub start: NaiveDate,
    pub branch: NaiveDate,
    pub end: NaiveDate,
}

/// One walkout as the scenario described it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct WalkoutInfo {
    pub name: String,
    #[serde(deserialize_with = "minute_time", serialize_with = "write_minute_time")]
    pub start: NaiveDateTime,
    #[serde(deserialize_with = "minute_time", serialize_with = "write_minute_time")]
    pub end: NaiveDateTime,
    pub kind: String,
    #[serde(default)]
    pub grades: Vec<String>,
    #[serde(default)]
    pub participation: String,
}

/// One of the scenario's plans (the counterfactual is not listed).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PlanInfo {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub assumptions: Vec<String>,
}

/// A trust in the simulated world.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct TrustInfo {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub specialties: usize,
    #[serde(default)]
    pub initial_waiting_list: u64,
}

/// How close to the counterfactual counts as recovered.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RecoveryTolerance {
    #[serde(default)]
    pub list_size_pct: f64,
    #[serde(default)]
    pub within_18w_points: f64,
}

/// A metric's unit and meaning, as the core describes it.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct MetricInfo {
    pub name: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub description: String,
}

/// One row of `summary.csv`: a metric over replications for one plan.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SummaryRow {
    pub plan: String,
    pub metric: String,
    pub mean: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    pub p05: f64,
    pub p50: f64,
    pub p95: f64,
    pub diff_mean: f64,
    pub diff_ci95_low: f64,
    pub diff_ci95_high: f64,
}

impl SummaryRow {
    /// The nine numbers of the row, in column order.
    pub fn numbers(&self) -> [f64; 9] {
        [
            self.mean,
            self.ci95_low,
            self.ci95_high,
            self.p05,
            self.p50,
            self.p95,
            self.diff_mean,
            self.diff_ci95_low,
            self.diff_ci95_high,
        ]
    }
}

/// One row of `weekly.csv`: a weekly metric over replications for one plan.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct WeeklyRow {
    pub plan: String,
    pub week_start: NaiveDate,
    pub metric: String,
    pub mean: f64,
    pub p05: f64,
    pub p50: f64,
    pub p95: f64,
}

/// One row of `replications.csv`: the metrics the output side reads
/// ([`REQUIRED_REPLICATION_METRICS`]) of one plan in one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationRow {
    pub replication: u64,
    pub plan: String,
    /// Values of [`REQUIRED_REPLICATION_METRICS`], in that order.
    pub values: [f64; REQUIRED_REPLICATION_METRICS.len()],
}

/// Everything the output side knows about a finished run.
#[derive(Debug, Clone)]
pub struct RunData {
    pub manifest: Manifest,
    pub summary: Vec<SummaryRow>,
    pub weekly: Vec<WeeklyRow>,
    pub replications: Vec<ReplicationRow>,
}

fn minute_time<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    let s = String::deserialize(d)?;
    NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|e| {
            serde::de::Error::custom(format!("walkout time {s:?} is not YYYY-MM-DDTHH:MM ({e})"))
        })
}

fn write_minute_time<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.format("%Y-%m-%dT%H:%M").to_string())
}

fn read_error(path: &Path, message: impl Into<String>) -> OutputError {
    OutputError::Read {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn read_text(path: &Path) -> Result<String, OutputError> {
    std::fs::read_to_string(path).map_err(|e| read_error(path, e.to_string()))
}

/// Open a CSV file and check that its header starts with `expected`
/// (exactly, when `exact`).
fn csv_reader(
    path: &Path,
    expected: &[&str],
    exact: bool,
) -> Result<(csv::Reader<std::fs::File>, Vec<String>), OutputError> {
    let file = std::fs::File::open(path).map_err(|e| read_error(path, e.to_string()))?;
    let mut reader = csv::Reader::from_reader(file);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| read_error(path, format!("cannot read the header: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let matches = header.len() >= expected.len()
        && header.iter().zip(expected).all(|(a, b)| a == b)
        && (!exact || header.len() == expected.len());
    if !matches {
        return Err(read_error(
            path,
            format!(
                "header is `{}`, expected `{}`{}",
                header.join(","),
                expected.join(","),
                if exact { "" } else { ",..." }
            ),
        ));
    }
    Ok((reader, header))
}

fn check_finite(path: &Path, line: usize, what: &str, values: &[f64]) -> Result<(), OutputError> {
    if values.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(read_error(
            path,
            format!("line {line}: {what}: a number is not finite"),
        ))
    }
}

impl RunData {
    /// Read and check a run directory.
    pub fn load(dir: &Path) -> Result<RunData, OutputError> {
        let manifest_path = dir.join("manifest.json");
        let manifest: Manifest = serde_json::from_str(&read_text(&manifest_path)?)
            .map_err(|e| read_error(&manifest_path, e.to_string()))?;

        let summary = Self::load_summary(&dir.join("summary.csv"))?;
        let weekly = Self::load_weekly(&dir.join("weekly.csv"))?;
        let replications = Self::load_replications(&dir.join("replications.csv"))?;
        let data = RunData {
            manifest,
            summary,
            weekly,
            replications,
        };
        data.check(dir)?;
        Ok(data)
    }

    fn load_summary(path: &Path) -> Result<Vec<SummaryRow>, OutputError> {
        let (mut reader, _) = csv_reader(path, &SUMMARY_HEADER, true)?;
        let mut rows = Vec::new();
        for (i, row) in reader.deserialize::<SummaryRow>().enumerate() {
            let row: SummaryRow = row.map_err(|e| read_error(path, e.to_string()))?;
            let r = &row;
            check_finite(
                path,
                i + 2,
                &format!("{} {}", r.plan, r.metric),
                &r.numbers(),
            )?;
            rows.push(row);
        }
        Ok(rows)
    }

    fn load_weekly(path: &Path) -> Result<Vec<WeeklyRow>, OutputError> {
        let (mut reader, _) = csv_reader(path, &WEEKLY_HEADER, true)?;
        let mut rows = Vec::new();
        for (i, row) in reader.deserialize::<WeeklyRow>().enumerate() {
            let row: WeeklyRow = row.map_err(|e| read_error(path, e.to_string()))?;
            check_finite(
                path,
                i + 2,
                &format!("{} {} {}", row.plan, row.week_start, row.metric),
                &[row.mean, row.p05, row.p50, row.p95],
            )?;
            rows.push(row);
        }
        Ok(rows)
    }

    fn load_replications(path: &Path) -> Result<Vec<ReplicationRow>, OutputError> {
        let (mut reader, header) = csv_reader(path, &["replication", "plan"], false)?;
        let metrics = &header[2..];
        for needed in REQUIRED_REPLICATION_METRICS {
            if !metrics.iter().any(|m| m == needed.name()) {
                return Err(read_error(
                    path,
                    format!(
                        "no column `{}` (the header has: {})",
                        needed.name(),
                        header.join(",")
                    ),
                ));
            }
        }
        let mut rows = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            let record = record.map_err(|e| read_error(path, e.to_string()))?;
            let replication = record[0].parse::<u64>().map_err(|e| {
                read_error(
                    path,
                    format!("line {line}: replication {:?}: {e}", &record[0]),
                )
            })?;
            let mut values = [f64::NAN; REQUIRED_REPLICATION_METRICS.len()];
            for (name, cell) in metrics.iter().zip(record.iter().skip(2)) {
                let v = cell.parse::<f64>().map_err(|e| {
                    read_error(path, format!("line {line}: column `{name}`: {cell:?}: {e}"))
                })?;
                check_finite(path, line, name, &[v])?;
                // Keep only what the charts read, so memory stays small
                // however many replications there are.
                if let Some(i) = REQUIRED_REPLICATION_METRICS
                    .iter()
                    .position(|m| m.name() == name)
                {
                    values[i] = v;
                }
            }
            rows.push(ReplicationRow {
                replication,
                plan: record[1].to_string(),
                values,
            });
        }
        Ok(rows)
    }

    /// Cross-file checks: the plans agree with the manifest and every metric
    /// the output side reads is there for every plan.
    fn check(&self, dir: &Path) -> Result<(), OutputError> {
        let plans = self.plans();
        let summary_path = dir.join("summary.csv");
        let mut seen: Vec<&str> = Vec::new();
        for row in &self.summary {
            if !seen.contains(&row.plan.as_str()) {
                seen.push(&row.plan);
            }
        }
        if seen != plans {
            return Err(read_error(
                &summary_path,
                format!(
                    "plans are [{}], expected [{}] (`counterfactual` then the manifest's plans, in order)",
                    seen.join(", "),
                    plans.join(", ")
                ),
            ));
        }
        for plan in &plans {
            for &metric in Metric::ALL {
                if self.summary_row(plan, metric).is_none() {
                    return Err(read_error(
                        &summary_path,
                        format!("no row for plan `{plan}`, metric `{}`", metric.name()),
                    ));
                }
            }
            for &metric in WeeklyMetric::ALL {
                if self.weekly_series(plan, metric).is_empty() {
                    return Err(read_error(
                        &dir.join("weekly.csv"),
                        format!("no rows for plan `{plan}`, metric `{}`", metric.name()),
                    ));
                }
            }
            if !self.replications.iter().any(|r| r.plan == *plan) {
                return Err(read_error(
                    &dir.join("replications.csv"),
                    format!("no rows for plan `{plan}`"),
                ));
            }
        }
        if let Some(r) = self
            .replications
            .iter()
            .find(|r| !plans.contains(&r.plan.as_str()))
        {
            return Err(read_error(
                &dir.join("replications.csv"),
                format!(
                    "replication {} has plan `{}`, which the manifest does not list",
                    r.replication, r.plan
                ),
            ));
        }
        Ok(())
    }

    /// `counterfactual`, then the manifest's plans in order.
    pub fn plans(&self) -> Vec<&str> {
        std::iter::once(COUNTERFACTUAL)
            .chain(self.manifest.plans.iter().map(|p| p.name.as_str()))
            .collect()
    }

    /// The plan's position in the manifest's `plans` (its colour); `None` for
    /// the counterfactual.
    pub fn plan_index(&self, plan: &str) -> Option<usize> {
        self.manifest.plans.iter().position(|p| p.name == plan)
    }

    /// The summary row for one plan and metric.
    pub fn summary_row(&self, plan: &str, metric: Metric) -> Option<&SummaryRow> {
        self.summary
            .iter()
            .find(|r| r.plan == plan && r.metric == metric.name())
    }

    /// The summary row for a metric that [`RunData::load`] checked is there.
    pub fn summary_of(&self, plan: &str, metric: Metric) -> &SummaryRow {
        self.summary_row(plan, metric)
            .unwrap_or_else(|| panic!("summary row {plan}/{} checked at load", metric.name()))
    }

    /// The weekly rows of one plan and metric, by date.
    pub fn weekly_series(&self, plan: &str, metric: WeeklyMetric) -> Vec<&WeeklyRow> {
        let mut rows: Vec<&WeeklyRow> = self
            .weekly
            .iter()
            .filter(|r| r.plan == plan && r.metric == metric.name())
            .collect();
        rows.sort_by_key(|r| r.week_start);
        rows
    }

    /// One replication column for one plan, in replication order.
    pub fn replication_values(&self, plan: &str, metric: Metric) -> Vec<f64> {
        self.replications
            .iter()
            .filter(|r| r.plan == plan)
            .filter_map(|r| {
                let i = REQUIRED_REPLICATION_METRICS
                    .iter()
                    .position(|m| *m == metric)?;
                Some(r.values[i])
            })
            .collect()
    }

    /// The metric's unit from the manifest, if it gives one.
    pub fn unit_of(&self, metric: &str) -> Option<&str> {
        self.manifest
            .metrics
            .iter()
            .find(|m| m.name == metric)
            .map(|m| m.unit.as_str())
            .filter(|u| !u.is_empty())
    }

    /// The line under every chart and table: tool, scenario, replications, seed.
    pub fn source_line(&self) -> String {
        let m = &self.manifest;
        format!(
            "{} {} · scenario {} · {} replications · seed {}",
            if m.tool.is_empty() {
                "strikesim"
            } else {
                &m.tool
            },
            m.version,
            m.scenario.name,
            m.replications,
            m.seed
        )
    }
}

//! The results of a run as the output side knows them: the manifest and the
//! rows of the three tables. Built in memory at the end of a run
//! ([`RunData::from_ensemble`]) or read back from a run directory and
//! checked against the file contract ([`RunData::load`]); the charts, the
//! report and comparisons see no difference. Nothing here writes files or
//! knows how the numbers were made.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::breakdown::BreakdownTables;
use super::rows::{header_of, ReplicationRow, SummaryRow, WeeklyRow};
use super::tables::{replication_rows, summary_rows, weekly_rows};
use super::{coverage, files, OutputError, TABLES};
use crate::ensemble::metrics::{Metric, WeeklyMetric};
use crate::ensemble::stats::KaplanMeier;
use crate::ensemble::EnsembleResult;
use crate::model::World;

pub use super::manifest::Manifest;

/// How one plan came through the walkouts over the replications, from the
/// `no_loss`, `recovered` and `recovery_days` columns. Every replication is
/// one of: no loss, recovered, censored (not recovered by the end).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRecovery {
    pub replications: usize,
    pub no_loss: usize,
    pub recovered: usize,
    pub censored: usize,
    /// Days from the end of the walkouts to the end of the run, where
    /// censored replications sit; `None` if none are censored.
    pub horizon: Option<f64>,
    /// Share recovered by each day among the replications with a loss.
    pub km: KaplanMeier,
    /// Trusts not recovered by the end, mean over replications.
    pub trusts_not_recovered: f64,
}

impl PlanRecovery {
    /// Replications in which the walkouts caused a loss.
    pub fn with_loss(&self) -> usize {
        self.replications - self.no_loss
    }

    /// The Kaplan-Meier median days to recover among replications with a
    /// loss; `None` if fewer than half recover within the run (or none lost).
    pub fn median_days(&self) -> Option<f64> {
        self.km.median()
    }

    /// The time to recover in words, for tables: "no loss", "12 d", "not
    /// within the run".
    pub fn median_text(&self) -> String {
        if self.with_loss() == 0 {
            "no loss".into()
        } else {
            match self.median_days() {
                Some(d) => format!("{} d", d.round()),
                None => "not within the run".into(),
            }
        }
    }
}

/// The name of the no-strike world in every table.
pub const COUNTERFACTUAL: &str = "counterfactual";

/// Everything the output side knows about a finished run.
#[derive(Debug, Clone)]
pub struct RunData {
    pub manifest: Manifest,
    pub summary: Vec<SummaryRow>,
    pub weekly: Vec<WeeklyRow>,
    pub replications: Vec<ReplicationRow>,
    /// The tables by specialty and trust (empty for a run made before
    /// them).
    pub breakdown: BreakdownTables,
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

/// Read the rows of a CSV file of `T`, checking its header against `T`'s
/// (exactly, when `exact`; else it must hold every column of `T`) and that
/// every number of each row (`numbers`) is finite.
pub(super) fn read_rows<T: Serialize + DeserializeOwned + Default>(
    path: &Path,
    exact: bool,
    numbers: impl Fn(&T) -> (String, Vec<f64>),
) -> Result<Vec<T>, OutputError> {
    let expected = header_of::<T>();
    let file = std::fs::File::open(path).map_err(|e| read_error(path, e.to_string()))?;
    let mut reader = csv::Reader::from_reader(file);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| read_error(path, format!("cannot read the header: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    if exact && header != expected {
        return Err(read_error(
            path,
            format!(
                "header is `{}`, expected `{}`",
                header.join(","),
                expected.join(",")
            ),
        ));
    }
    if let Some(missing) = expected.iter().find(|c| !header.contains(c)) {
        return Err(read_error(
            path,
            format!(
                "no column `{missing}` (the header has: {})",
                header.join(",")
            ),
        ));
    }
    let mut rows = Vec::new();
    for (i, row) in reader.deserialize::<T>().enumerate() {
        let row = row.map_err(|e| read_error(path, e.to_string()))?;
        let (what, values) = numbers(&row);
        if !values.iter().all(|v| v.is_finite()) {
            return Err(read_error(
                path,
                format!("line {}: {what}: a number is not finite", i + 2),
            ));
        }
        rows.push(row);
    }
    Ok(rows)
}

impl RunData {
    /// The run of `world` whose ensemble gave `result`, described by
    /// `manifest`: the rows its tables hold.
    pub fn from_ensemble(world: &World, result: &EnsembleResult, manifest: Manifest) -> RunData {
        RunData {
            manifest,
            summary: summary_rows(world, result),
            weekly: weekly_rows(world, result),
            replications: replication_rows(world, result),
            breakdown: BreakdownTables::from_ensemble(world, result),
        }
    }

    /// Read and check a run directory: every file the manifest lists is
    /// there as listed (a manifest of an earlier version has no list: its
    /// files are not checked), then the tables are read and checked
    /// against the manifest and each other.
    pub fn load(dir: &Path) -> Result<RunData, OutputError> {
        let manifest_path = dir.join(files::MANIFEST);
        let manifest: Manifest = serde_json::from_str(&read_text(&manifest_path)?)
            .map_err(|e| read_error(&manifest_path, e.to_string()))?;
        if !manifest.files.is_empty() {
            files::verify(dir, &manifest.files, &TABLES)?;
        }
        let summary = read_rows(&dir.join("summary.csv"), true, |r: &SummaryRow| {
            (format!("{} {}", r.plan, r.metric), r.numbers().to_vec())
        })?;
        let weekly = read_rows(&dir.join("weekly.csv"), true, |r: &WeeklyRow| {
            (
                format!("{} {} {}", r.plan, r.week_start, r.metric),
                vec![r.mean, r.p05, r.p50, r.p95],
            )
        })?;
        let replications = read_rows(
            &dir.join("replications.csv"),
            false,
            |r: &ReplicationRow| {
                (
                    format!("replication {} {}", r.replication, r.plan),
                    r.values.to_vec(),
                )
            },
        )?;
        let breakdown = BreakdownTables::load(dir, &manifest.files)?;
        let data = RunData {
            manifest,
            summary,
            weekly,
            replications,
            breakdown,
        };
        data.check(dir)?;
        coverage::check(dir, &data)?;
        Ok(data)
    }

    /// Cross-file checks: the plans agree with the manifest and every metric
    /// is there for every plan.
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
            for &metric in Metric::ALL.iter().filter(|m| m.in_summary()) {
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

    /// Does `plan` add catch-up sessions after the walkouts (so its effect
    /// on the list splits into the walkouts' and the catch-up's)?
    pub fn has_catch_up(&self, plan: &str) -> bool {
        self.manifest
            .plans
            .iter()
            .any(|p| p.name == plan && p.catch_up)
    }

    /// The plans with catch-up sessions, in the manifest's order.
    pub fn catch_up_plans(&self) -> Vec<&str> {
        self.manifest
            .plans
            .iter()
            .filter(|p| p.catch_up)
            .map(|p| p.name.as_str())
            .collect()
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
            .map(|r| r.value(metric))
            .collect()
    }

    /// How `plan` came through the walkouts over its replications: no
    /// loss, recovered, censored, and the Kaplan-Meier estimate of the time
    /// to recover among those with a loss.
    pub fn recovery_of(&self, plan: &str) -> PlanRecovery {
        let no_loss = self.replication_values(plan, Metric::NoLoss);
        let recovered = self.replication_values(plan, Metric::Recovered);
        let days = self.replication_values(plan, Metric::RecoveryDays);
        let with_loss: Vec<(f64, bool)> = no_loss
            .iter()
            .zip(&recovered)
            .zip(&days)
            .filter(|((n, _), _)| **n < 0.5)
            .map(|((_, r), d)| (*d, *r >= 0.5))
            .collect();
        let km = KaplanMeier::new(&with_loss);
        PlanRecovery {
            replications: no_loss.len(),
            no_loss: no_loss.len() - with_loss.len(),
            recovered: with_loss.iter().filter(|o| o.1).count(),
            censored: km.censored.len(),
            horizon: km.censored.last().copied(),
            km,
            trusts_not_recovered: {
                let v = self.replication_values(plan, Metric::TrustsNotRecovered);
                v.iter().sum::<f64>() / v.len().max(1) as f64
            },
        }
    }

    /// The line under every chart and table: tool, scenario, replications, seed.
    pub fn source_line(&self) -> String {
        let m = &self.manifest;
        m.source_line(&format!("scenario {}", m.scenario.name))
    }
}

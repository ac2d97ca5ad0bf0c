//! The tables of a run read back against what its manifest says they
//! cover: `replications.csv` holds each of the manifest's replications
//! once for every branch (the counterfactual and each plan), and
//! `weekly.csv` every week of the manifest's period for every branch and
//! series. So a table cut short, a row lost, or a manifest edited to claim
//! another number of replications is refused even when every file matches
//! its listed hash (the manifest does not list itself). The tables by
//! specialty and trust, when the run has them, hold every plan, trust and
//! specialty with every measure ([`BreakdownTables::check`]).
//!
//! [`BreakdownTables::check`]: super::breakdown::BreakdownTables::check

use std::path::Path;

use chrono::{Datelike, Days, NaiveDate};

use super::run_data::RunData;
use super::OutputError;
use crate::ensemble::metrics::WeeklyMetric;

fn damaged(path: &Path, problem: String) -> OutputError {
    OutputError::Damaged {
        path: path.to_path_buf(),
        problem,
    }
}

/// Check `replications.csv` and `weekly.csv` of the run in `dir` against
/// its manifest.
pub fn check(dir: &Path, run: &RunData) -> Result<(), OutputError> {
    check_replications(&dir.join("replications.csv"), run)?;
    check_weeks(&dir.join("weekly.csv"), run)?;
    run.breakdown.check(dir, run)
}

/// Each branch has the replications 0..N once each, N from the manifest.
fn check_replications(path: &Path, run: &RunData) -> Result<(), OutputError> {
    let n = run.manifest.replications;
    let plans = run.plans();
    for plan in &plans {
        let mut seen: Vec<u64> = run
            .replications
            .iter()
            .filter(|r| r.plan == *plan)
            .map(|r| r.replication)
            .collect();
        if seen.len() as u64 != n {
            return Err(damaged(
                path,
                format!(
                    "has {} rows for `{plan}`, but manifest.json says {n} replications ({} rows for its {} branches; the file has {})",
                    seen.len(),
                    n.saturating_mul(plans.len() as u64),
                    plans.len(),
                    run.replications.len()
                ),
            ));
        }
        seen.sort_unstable();
        if let Some((i, r)) = seen.iter().enumerate().find(|(i, r)| **r != *i as u64) {
            return Err(damaged(
                path,
                format!(
                    "has replication {r} for `{plan}` where {i} was expected: manifest.json says replications 0 to {}, each once",
                    n.saturating_sub(1)
                ),
            ));
        }
    }
    Ok(())
}

/// The first Monday on or after `d`.
fn monday_from(d: NaiveDate) -> NaiveDate {
    let ahead = (7 - d.weekday().num_days_from_monday()) % 7;
    d + Days::new(u64::from(ahead))
}

/// Each branch and weekly series runs week by week (Mondays) from the first
/// Monday of the manifest's period to its last week.
fn check_weeks(path: &Path, run: &RunData) -> Result<(), OutputError> {
    let period = &run.manifest.period;
    let first = monday_from(period.start);
    // The last week starts within the seven days before the end (a week
    // starting on the end day itself may or may not be reported).
    let last_from = period.end - Days::new(7);
    for plan in run.plans() {
        for &metric in WeeklyMetric::ALL {
            let weeks: Vec<NaiveDate> = run
                .weekly_series(plan, metric)
                .iter()
                .map(|r| r.week_start)
                .collect();
            let what = format!("`{plan}` `{}`", metric.name());
            let (Some(&a), Some(&z)) = (weeks.first(), weeks.last()) else {
                continue; // no rows at all: refused by the plan checks
            };
            if let Some(w) = weeks
                .windows(2)
                .find(|w| w[1] - w[0] != chrono::TimeDelta::days(7))
            {
                return Err(damaged(
                    path,
                    format!(
                        "jumps from the week of {} to {} for {what}: every week of the run should be there once",
                        w[0], w[1]
                    ),
                ));
            }
            if a != first || z < last_from || z > period.end {
                return Err(damaged(
                    path,
                    format!(
                        "covers the weeks {a} to {z} for {what}, but manifest.json says the run goes from {} to {} (weeks {first} to at least {last_from})",
                        period.start, period.end
                    ),
                ));
            }
        }
    }
    Ok(())
}

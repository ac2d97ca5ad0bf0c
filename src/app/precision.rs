//! `run --precision`: the flags checked, the rule settled once the
//! scenario is read, and the run made batch by batch until the rule is met
//! or the maximum reached (the rule itself: `ensemble::precision`).
//!
//! The first batch is the run's replications (`-n`, or the scenario's
//! `replications`), and every batch after it the same size, the last cut
//! short at `--max-replications`. The rule is checked at the end of each
//! batch only, on the results so far, which depend only on the seed and
//! the replication indices: the stop, and so every byte written, is the
//! same on any number of threads.

use super::{AppError, Progress};
use crate::ensemble::precision::{check, Rule, DEFAULT_MAX, MIN_BATCH};
use crate::ensemble::{self, EnsembleResult, Runner};
use crate::model::World;
use crate::output::precision::PrecisionInfo;
use crate::output::tables::branch_names;
use std::time::Instant;

/// The largest `--precision-floor`: far above any count a run makes.
pub const MAX_FLOOR: f64 = 1e9;

/// `--precision`, `--precision-floor` and `--max-replications` as given.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PrecisionArgs {
    pub target: Option<f64>,
    pub floor: Option<f64>,
    pub max: Option<u64>,
}

/// The precision flags, checked on their own (the first batch, and so
/// the maximum's lower bound, may come from the scenario: see [`rule`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrecisionRequest {
    pub target: f64,
    pub floor: Option<f64>,
    pub max: Option<u64>,
}

/// Check the precision flags before anything is read: the target a share
/// strictly between 0 and 1, the floor 0 or more, the maximum within the
/// bound on replications and not below `-n`, neither of the last two
/// without `--precision`, and no shard.
pub fn request(
    args: PrecisionArgs,
    replications: Option<u64>,
    shard: bool,
) -> Result<Option<PrecisionRequest>, AppError> {
    let most = crate::scenario::size::max_replications();
    let Some(target) = args.target else {
        if args.floor.is_some() {
            return Err(AppError::NeedsPrecision {
                flag: "--precision-floor",
            });
        }
        if args.max.is_some() {
            return Err(AppError::NeedsPrecision {
                flag: "--max-replications",
            });
        }
        return Ok(None);
    };
    if !(target > 0.0 && target < 1.0) {
        return Err(AppError::OutOfRange {
            flag: "--precision",
            found: target.to_string(),
            allowed: "more than 0 and less than 1: the half-width of each headline difference's \
                      95% interval as a share of its mean (0.05 = within 5%)"
                .into(),
        });
    }
    if shard {
        return Err(AppError::PrecisionShard);
    }
    if let Some(floor) = args.floor.filter(|f| !(*f >= 0.0 && *f <= MAX_FLOOR)) {
        return Err(AppError::OutOfRange {
            flag: "--precision-floor",
            found: floor.to_string(),
            allowed: format!(
                "0 to {MAX_FLOOR:.0}, in each metric's own unit (operations, appointments, patients)"
            ),
        });
    }
    if let Some(n) = replications.filter(|&n| n < MIN_BATCH) {
        return Err(AppError::OutOfRange {
            flag: "--replications",
            found: n.to_string(),
            allowed: format!(
                "with --precision, the first batch: {MIN_BATCH} to {most} (an interval from fewer says little)"
            ),
        });
    }
    if let Some(max) = args.max {
        let least = replications.unwrap_or(MIN_BATCH).max(MIN_BATCH);
        if max < least || max > most {
            return Err(AppError::OutOfRange {
                flag: "--max-replications",
                found: max.to_string(),
                allowed: format!("{least} (the first batch, -n) to {most}"),
            });
        }
    }
    Ok(Some(PrecisionRequest {
        target,
        floor: args.floor,
        max: args.max,
    }))
}

/// The rule of a run whose first batch is `batch` replications (named by
/// `field`: `--replications`, or the scenario's `replications`).
pub fn rule(request: PrecisionRequest, batch: u64, field: &str) -> Result<Rule, AppError> {
    let most = crate::scenario::size::max_replications();
    if batch < MIN_BATCH {
        return Err(AppError::FirstBatch {
            field: field.to_string(),
            found: batch,
        });
    }
    let max = request.max.unwrap_or(DEFAULT_MAX.max(batch)).min(most);
    if max < batch {
        return Err(AppError::OutOfRange {
            flag: "--max-replications",
            found: max.to_string(),
            allowed: format!("{batch} (the first batch: {field}) to {most}"),
        });
    }
    Ok(Rule {
        target: request.target,
        floor: request.floor,
        batch,
        max,
    })
}

/// Warm up once, then run batches of replications until `rule` is met or
/// its maximum reached; the result, what was reached, and the wall time.
pub fn simulate(
    world: &World,
    seed: u64,
    rule: &Rule,
    threads: usize,
    progress: &dyn Progress,
) -> Result<(EnsembleResult, PrecisionInfo, f64), AppError> {
    let started = Instant::now();
    progress.start(rule.max);
    let report = |step| match step {
        ensemble::Progress::WarmUp { done, total } => progress.warm_up(done, total),
        ensemble::Progress::Replications(done) => progress.update(done),
    };
    let runner = Runner::new(world, seed, threads, &report)?.stop_on(progress.stop());
    let plans = world.plans.len();
    let mut result = EnsembleResult::default();
    let (mut batches, mut done) = (0u64, 0u64);
    let mut differences = Vec::new();
    for end in rule.boundaries() {
        batches += 1;
        progress.batch(batches, rule.max);
        let indices: Vec<u64> = (done..end).collect();
        runner.extend(&mut result, &indices, &report)?;
        done = end;
        differences = check(&result, plans, rule);
        if differences.iter().all(|d| d.met) {
            break;
        }
    }
    progress.finish();
    let info = PrecisionInfo::new(rule, batches, done, &differences, &branch_names(world));
    Ok((result, info, started.elapsed().as_secs_f64()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(target: f64) -> PrecisionArgs {
        PrecisionArgs {
            target: Some(target),
            ..PrecisionArgs::default()
        }
    }

    #[test]
    fn the_flags_are_checked_and_named() {
        for bad in [0.0, 1.0, -0.1, f64::NAN, f64::INFINITY] {
            let e = request(args(bad), None, false).unwrap_err().to_string();
            assert!(
                e.contains("--precision") && e.contains("more than 0"),
                "{e}"
            );
        }
        let e = request(args(0.05), None, true).unwrap_err().to_string();
        assert!(e.contains("--shard"), "{e}");
        let e = request(args(0.05), Some(5), false).unwrap_err().to_string();
        assert!(e.contains("--replications") && e.contains("10 to"), "{e}");
        let max = PrecisionArgs {
            max: Some(50),
            ..args(0.05)
        };
        let e = request(max, Some(100), false).unwrap_err().to_string();
        assert!(
            e.contains("--max-replications") && e.contains("100 (the first"),
            "{e}"
        );
        let floor = PrecisionArgs {
            target: None,
            floor: Some(2.0),
            max: None,
        };
        let e = request(floor, None, false).unwrap_err().to_string();
        assert!(
            e.contains("--precision-floor") && e.contains("--precision"),
            "{e}"
        );
        assert_eq!(request(PrecisionArgs::default(), None, true).unwrap(), None);
    }

    #[test]
    fn the_maximum_defaults_to_two_thousand_or_the_first_batch() {
        let req = request(args(0.05), None, false).unwrap().unwrap();
        assert_eq!(rule(req, 200, "replications").unwrap().max, DEFAULT_MAX);
        assert_eq!(rule(req, 3000, "replications").unwrap().max, 3000);
        let e = rule(req, 4, "replications").unwrap_err().to_string();
        assert!(
            e.contains("replications") && e.contains("at least 10"),
            "{e}"
        );
    }
}

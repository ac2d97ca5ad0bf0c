//! Enough replications: the stopping rule of `run --precision`.
//!
//! The headline differences are the strike's effect (each plan minus the
//! counterfactual in the same replication) on [`HEADLINE`]: extra elective
//! operations cancelled, extra outpatient appointments cancelled, and the
//! extra patients waiting over 18 and over 52 weeks at the end. A run adds
//! batches of replications until, for every plan and every headline
//! metric, the half-width of the 95% interval of the mean difference is at
//! most `target` times the mean's size, or at most an absolute floor in
//! the metric's unit (1 operation, appointment or patient unless
//! `--precision-floor` says otherwise), or until the maximum is reached.
//!
//! The interval is the one `summary.csv` gives (`stats::summarise` of the
//! differences in replication order), and it is checked only at the end of
//! a batch. Results depend only on the seed and the replication indices,
//! so the stop is the same on any number of threads.

use super::metrics::{Metric, Unit};
use super::stats::summarise;
use super::EnsembleResult;

/// The metrics whose differences must reach the target: those the
/// console and the report lead with.
pub const HEADLINE: [Metric; 4] = [
    Metric::ElectiveCancelled,
    Metric::OutpatientCancelled,
    Metric::RttOver18wEnd,
    Metric::RttOver52wEnd,
];

/// The fewest replications of the first batch: an interval from fewer
/// says little about its own width.
pub const MIN_BATCH: u64 = 10;

/// The most replications a run with `--precision` makes unless
/// `--max-replications` says otherwise (or the first batch is larger).
pub const DEFAULT_MAX: u64 = 2000;

/// The absolute floor of a difference in `unit` when none is given: one
/// of the unit (one operation, appointment or patient).
pub fn default_floor(unit: Unit) -> f64 {
    match unit {
        Unit::Percent | Unit::PercentagePoints => 0.1,
        Unit::Share => 0.001,
        _ => 1.0,
    }
}

/// How far a run goes: the target, the floor, the batches and the most
/// replications.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// The half-width of each headline difference's 95% interval, as a
    /// share of its mean's size (0.05 = within 5%).
    pub target: f64,
    /// The absolute floor for every headline difference, in its own unit;
    /// `None`: [`default_floor`] of its unit.
    pub floor: Option<f64>,
    /// Replications per batch (the first batch too).
    pub batch: u64,
    /// The most replications.
    pub max: u64,
}

impl Rule {
    /// The floor of `metric`'s difference.
    pub fn floor_of(&self, metric: Metric) -> f64 {
        self.floor.unwrap_or_else(|| default_floor(metric.unit()))
    }

    /// The replications after each batch: `batch`, `2 batch`, ... up to
    /// `max` (the last batch cut short to end at it).
    pub fn boundaries(&self) -> impl Iterator<Item = u64> + '_ {
        let step = self.batch.max(1);
        (1..)
            .map(move |k: u64| k.saturating_mul(step).min(self.max))
            .take_while(move |&n| n <= self.max)
            .scan(0, |last, n| {
                if n == *last {
                    None
                } else {
                    *last = n;
                    Some(n)
                }
            })
    }
}

/// One headline difference, checked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    /// The plan's branch index (1 for the first plan).
    pub branch: usize,
    pub metric: Metric,
    /// Mean difference, plan minus counterfactual.
    pub mean: f64,
    /// Half the width of its 95% interval.
    pub half_width: f64,
    pub floor: f64,
    /// Half-width within the target share of the mean, or within the floor.
    pub met: bool,
}

impl Difference {
    /// Half-width over the mean's size; `None` when the mean is 0.
    pub fn relative(&self) -> Option<f64> {
        (self.mean != 0.0).then(|| self.half_width / self.mean.abs())
    }
}

/// Every headline difference of every plan in `result` (plans in order,
/// then [`HEADLINE`] order), checked against `rule`.
pub fn check(result: &EnsembleResult, plans: usize, rule: &Rule) -> Vec<Difference> {
    let mut out = Vec::with_capacity(plans * HEADLINE.len());
    for branch in 1..=plans {
        for metric in HEADLINE {
            let values = result.column(branch, metric as usize);
            let cf = result.column(0, metric as usize);
            let diffs: Vec<f64> = values.iter().zip(&cf).map(|(v, c)| v - c).collect();
            let s = summarise(&diffs);
            let half_width = (s.ci95_high - s.ci95_low) / 2.0;
            let floor = rule.floor_of(metric);
            out.push(Difference {
                branch,
                metric,
                mean: s.mean,
                half_width,
                floor,
                met: meets(s.mean, half_width, rule.target, floor),
            });
        }
    }
    out
}

/// The rule for one difference: a half-width within `target` of the
/// mean's size, or within `floor`.
pub fn meets(mean: f64, half_width: f64, target: f64, floor: f64) -> bool {
    half_width <= target * mean.abs() || half_width <= floor
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_end_at_the_maximum() {
        let rule = |batch, max| Rule {
            target: 0.05,
            floor: None,
            batch,
            max,
        };
        let b: Vec<u64> = rule(10, 35).boundaries().collect();
        assert_eq!(b, vec![10, 20, 30, 35]);
        let b: Vec<u64> = rule(10, 30).boundaries().collect();
        assert_eq!(b, vec![10, 20, 30]);
        let b: Vec<u64> = rule(50, 50).boundaries().collect();
        assert_eq!(b, vec![50]);
    }

    #[test]
    fn the_rule_takes_the_target_or_the_floor() {
        assert!(meets(100.0, 5.0, 0.05, 1.0));
        assert!(!meets(100.0, 5.1, 0.05, 1.0));
        assert!(meets(0.0, 0.0, 0.05, 1.0), "nothing to measure, no spread");
        assert!(meets(3.0, 0.9, 0.05, 1.0), "within one of the unit");
        assert!(meets(-100.0, 4.0, 0.05, 1.0), "the mean's size");
        assert!(!meets(f64::NAN, f64::NAN, 0.05, 1.0));
    }
}

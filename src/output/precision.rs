//! What `run --precision` reached, as `manifest.json` records it (the
//! `precision` object) and the console says it. The report's section is
//! drawn from the same record (`report/precision.rs`), so a run read back
//! from its files says the same.

use serde::{Deserialize, Serialize};

use super::human;
use super::rows::as_written;
use crate::ensemble::metrics::Metric;
use crate::ensemble::precision::{Difference, Rule};

/// The `precision` object of `manifest.json`: the rule a run was given and
/// where it stopped. Absent from runs with a fixed number of replications.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct PrecisionInfo {
    /// The half-width of each headline difference's 95% interval, as a
    /// share of the mean's size (`--precision`).
    pub target: f64,
    /// `--precision-floor`, when given: the absolute floor of every
    /// headline difference in its own unit. Absent: one of each unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<f64>,
    /// Replications per batch (the first batch too).
    pub batch: u64,
    /// `--max-replications`.
    pub max_replications: u64,
    /// Batches run.
    pub batches: u64,
    /// Replications run (the manifest's `replications`).
    pub replications: u64,
    /// Whether every headline difference reached the rule.
    pub met: bool,
    /// Each plan's headline differences at the stop.
    pub differences: Vec<DifferenceInfo>,
}

/// One headline difference at the stop.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
pub struct DifferenceInfo {
    pub plan: String,
    /// A metric name, as in `summary.csv`.
    pub metric: String,
    /// The metric's unit, as in the manifest's `metrics`.
    pub unit: String,
    /// Mean difference, plan minus no strike.
    pub mean: f64,
    /// Half the width of its 95% interval.
    pub half_width: f64,
    /// `half_width` over the mean's size; absent (null) when the mean is 0.
    pub relative_half_width: Option<f64>,
    /// The absolute floor that also satisfies the rule.
    pub floor: f64,
    pub met: bool,
}

impl PrecisionInfo {
    /// The record of a run stopped after `batches` batches with
    /// `replications` replications and `differences` checked; `plans` are
    /// the branch names (counterfactual first).
    pub fn new(
        rule: &Rule,
        batches: u64,
        replications: u64,
        differences: &[Difference],
        plans: &[String],
    ) -> PrecisionInfo {
        PrecisionInfo {
            target: rule.target,
            floor: rule.floor,
            batch: rule.batch,
            max_replications: rule.max,
            batches,
            replications,
            met: differences.iter().all(|d| d.met),
            differences: differences
                .iter()
                .map(|d| DifferenceInfo {
                    plan: plans.get(d.branch).cloned().unwrap_or_default(),
                    metric: d.metric.name().to_string(),
                    unit: d.metric.unit().name().to_string(),
                    mean: as_written(d.mean),
                    half_width: as_written(d.half_width),
                    relative_half_width: d.relative().map(as_written),
                    floor: d.floor,
                    met: d.met,
                })
                .collect(),
        }
    }

    /// The difference furthest from the rule: the largest half-width over
    /// what the rule allows it.
    pub fn widest(&self) -> Option<&DifferenceInfo> {
        let excess = |d: &DifferenceInfo| {
            let allowed = (self.target * d.mean.abs()).max(d.floor);
            if allowed > 0.0 {
                d.half_width / allowed
            } else if d.half_width > 0.0 {
                f64::INFINITY
            } else {
                0.0
            }
        };
        self.differences
            .iter()
            .max_by(|a, b| excess(a).total_cmp(&excess(b)))
    }

    /// One line: the rule and where the run stopped, e.g. "within 5% of
    /// the mean or the floor: met after 4 batches of 200 (800
    /// replications, up to 2000)".
    pub fn short_text(&self) -> String {
        format!(
            "95% interval of each headline difference within {} of the mean or within {}: {} after {} batch{} of {} ({} replications, up to {})",
            share(self.target),
            self.floor_words(),
            if self.met { "met" } else { "NOT met, stopped at the maximum" },
            self.batches,
            if self.batches == 1 { "" } else { "es" },
            self.batch,
            self.replications,
            self.max_replications
        )
    }

    /// One paragraph for the console: where the run stopped and why.
    pub fn console_text(&self) -> String {
        let batches = format!(
            "{} batch{} of {}",
            self.batches,
            if self.batches == 1 { "" } else { "es" },
            self.batch
        );
        let rule = format!(
            "95% interval within {} of the mean or within {}",
            share(self.target),
            self.floor_words()
        );
        let mut s = if self.met {
            format!(
                "Precision: target met after {batches} ({} replications, up to {}): every headline difference has its {rule}",
                self.replications, self.max_replications
            )
        } else {
            let met = self.differences.iter().filter(|d| d.met).count();
            format!(
                "Precision: target NOT met by the maximum, {} replications ({batches}): {met} of {} headline differences have their {rule}",
                self.replications,
                self.differences.len()
            )
        };
        if let Some(w) = self.widest() {
            s.push_str(&format!(
                ". Widest: {}, {}, {} ± {}{}",
                w.plan,
                label(&w.metric).to_lowercase(),
                human::signed_count(w.mean),
                human::decimal1(w.half_width),
                w.relative_half_width.map_or(String::new(), |r| format!(
                    " ({:.1}% of the mean)",
                    100.0 * r
                ))
            ));
        }
        s.push_str(".\n");
        s
    }

    /// The floor in words: "1 of the metric's unit ..." or the value given.
    pub fn floor_words(&self) -> String {
        match self.floor {
            Some(f) => format!("{} of the metric's unit (--precision-floor)", trim(f)),
            None => "1 of the metric's unit (operation, appointment or patient)".to_string(),
        }
    }
}

/// A metric's label for people, by its name.
pub fn label(metric: &str) -> String {
    Metric::from_name(metric).map_or_else(|| metric.to_string(), |m| m.label().to_string())
}

/// A share as a percentage with as many decimals as it needs: 5%, 0.5%.
pub fn share(v: f64) -> String {
    format!("{}%", trim(100.0 * v))
}

/// A number without trailing zeros, to four decimals.
fn trim(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_floors_read_plainly() {
        assert_eq!(share(0.05), "5%");
        assert_eq!(share(0.005), "0.5%");
        assert_eq!(trim(1.0), "1");
        assert_eq!(trim(2.5), "2.5");
    }
}

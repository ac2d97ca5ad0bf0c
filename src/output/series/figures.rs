//! The numbers of a series: for each run, its first plan's extra
//! operations and appointments postponed by the strike (the plan minus the
//! no-strike world in the same replication), as a median with the 5th to
//! 95th percentile over replications, and the ratio of its extra operations
//! to the first run's. No I/O: everything comes from a loaded [`RunData`].

use std::path::Path;

use crate::ensemble::metrics::Metric;
use crate::ensemble::stats::{summarise, summarise_counts};
use crate::output::run_data::{RunData, COUNTERFACTUAL};
use crate::output::OutputError;

/// A quantity over replications: median and 5th to 95th percentile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub p50: f64,
    pub p05: f64,
    pub p95: f64,
}

/// One postponed quantity of the series: its metric, the stem of its CSV
/// columns (with the unit) and its heading in the table.
pub struct Measure {
    pub metric: Metric,
    pub column: &'static str,
    pub heading: &'static str,
}

/// Every quantity the series reports, in table order.
pub const MEASURES: [Measure; 8] = [
    Measure {
        metric: Metric::ElectiveCancelled,
        column: "elective_postponed_operations",
        heading: "Operations postponed, total",
    },
    Measure {
        metric: Metric::ElectiveCancelledInpatient,
        column: "elective_postponed_inpatient_operations",
        heading: "of which inpatient",
    },
    Measure {
        metric: Metric::ElectiveCancelledDayCase,
        column: "elective_postponed_day_case_operations",
        heading: "of which day case",
    },
    Measure {
        metric: Metric::ElectiveCancelledInAdvance,
        column: "elective_postponed_in_advance_operations",
        heading: "of which in advance",
    },
    Measure {
        metric: Metric::ElectiveCancelledOnDay,
        column: "elective_postponed_on_day_operations",
        heading: "of which on the day",
    },
    Measure {
        metric: Metric::OutpatientCancelled,
        column: "outpatient_postponed_appointments",
        heading: "Outpatient appointments postponed, total",
    },
    Measure {
        metric: Metric::OutpatientCancelledNew,
        column: "outpatient_postponed_new_appointments",
        heading: "of which new",
    },
    Measure {
        metric: Metric::OutpatientCancelledFollowUp,
        column: "outpatient_postponed_follow_up_appointments",
        heading: "of which follow-up",
    },
];

/// How a run's ratio to the reference was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatioMethod {
    /// Replication i of the run over replication i of the reference (same
    /// seed and replications); median and 5th to 95th percentile of the
    /// ratios.
    Paired,
    /// The run's median over the reference's; the range from the run's 5th
    /// percentile over the reference's 95th to its 95th over the
    /// reference's 5th.
    OfMedians,
}

impl RatioMethod {
    /// The name in `series.csv`.
    pub fn name(self) -> &'static str {
        match self {
            RatioMethod::Paired => "paired_replications",
            RatioMethod::OfMedians => "ratio_of_medians",
        }
    }
}

/// A run's extra operations postponed over the reference's.
#[derive(Debug, Clone, PartialEq)]
pub struct Ratio {
    pub method: RatioMethod,
    /// `None` when it cannot be formed (the reference postponed none).
    pub value: Option<Spread>,
    /// Paired: replications used (those where the reference postponed at
    /// least one operation) out of all.
    pub used: usize,
    pub of: usize,
}

/// The per-replication extra postponements of `plan` in `run` for one
/// metric: the plan minus the counterfactual of the same replication, in
/// replication order.
pub fn extra_per_replication(
    run: &RunData,
    dir: &Path,
    plan: &str,
    metric: Metric,
) -> Result<Vec<f64>, OutputError> {
    let by_replication = |p: &str| {
        let mut rows: Vec<(u64, f64)> = run
            .replications
            .iter()
            .filter(|r| r.plan == p)
            .map(|r| (r.replication, r.value(metric)))
            .collect();
        rows.sort_by_key(|r| r.0);
        rows
    };
    let (cf, pl) = (by_replication(COUNTERFACTUAL), by_replication(plan));
    let path = dir.join("replications.csv");
    let expected = run.manifest.replications as usize;
    for (name, rows) in [(COUNTERFACTUAL, &cf), (plan, &pl)] {
        if rows.len() != expected {
            return Err(OutputError::Read {
                path,
                message: format!(
                    "plan `{name}` has {} rows, but manifest.json says {expected} replications",
                    rows.len()
                ),
            });
        }
    }
    cf.iter()
        .zip(&pl)
        .map(|(c, p)| {
            if c.0 == p.0 {
                Ok(p.1 - c.1)
            } else {
                Err(OutputError::Read {
                    path: path.clone(),
                    message: format!(
                        "replication {} of `{COUNTERFACTUAL}` has no row of plan `{plan}` (found replication {})",
                        c.0, p.0
                    ),
                })
            }
        })
        .collect()
}

/// Median and 5th to 95th percentile of whole counts, as `summary.csv`
/// gives them (nearest rank, so each is a replication's value).
pub fn count_spread(values: &[f64]) -> Spread {
    let s = summarise_counts(values);
    Spread {
        p50: s.p50,
        p05: s.p05,
        p95: s.p95,
    }
}

/// The ratio of a run's extra operations (`values`) to the reference's:
/// paired replication by replication when `paired`, else of the medians
/// (`spread` and `reference` are the two runs' spreads).
pub fn ratio(
    values: &[f64],
    reference_values: &[f64],
    spread: Spread,
    reference: Spread,
    paired: bool,
) -> Ratio {
    if paired {
        let ratios: Vec<f64> = values
            .iter()
            .zip(reference_values)
            .filter(|(_, r)| **r > 0.0)
            .map(|(v, r)| v / r)
            .collect();
        let value = (!ratios.is_empty()).then(|| {
            // Ratios are not counts: percentiles by interpolation, as for
            // every other non-count summary.
            let s = summarise(&ratios);
            Spread {
                p50: s.p50,
                p05: s.p05,
                p95: s.p95,
            }
        });
        return Ratio {
            method: RatioMethod::Paired,
            value,
            used: ratios.len(),
            of: values.len(),
        };
    }
    let over = |a: f64, b: f64| (b > 0.0).then(|| a / b);
    let value = match (
        over(spread.p50, reference.p50),
        over(spread.p05, reference.p95),
        over(spread.p95, reference.p05),
    ) {
        (Some(p50), Some(p05), Some(p95)) => Some(Spread { p50, p05, p95 }),
        (Some(p50), Some(p05), None) => Some(Spread {
            p50,
            p05,
            p95: f64::INFINITY,
        }),
        _ => None,
    };
    Ratio {
        method: RatioMethod::OfMedians,
        value,
        used: values.len(),
        of: values.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread(p50: f64, p05: f64, p95: f64) -> Spread {
        Spread { p50, p05, p95 }
    }

    #[test]
    fn a_run_over_itself_is_exactly_one() {
        let v = [3.0, 7.0, 11.0, 13.0];
        let s = count_spread(&v);
        let r = ratio(&v, &v, s, s, true);
        assert_eq!(r.value, Some(spread(1.0, 1.0, 1.0)));
        assert_eq!((r.used, r.of), (4, 4));
    }

    #[test]
    fn paired_ratios_skip_replications_where_the_reference_postponed_none() {
        let r = ratio(
            &[4.0, 9.0],
            &[0.0, 3.0],
            spread(0.0, 0.0, 0.0),
            spread(0.0, 0.0, 0.0),
            true,
        );
        assert_eq!(r.value, Some(spread(3.0, 3.0, 3.0)));
        assert_eq!((r.used, r.of), (1, 2));
        let none = ratio(
            &[4.0],
            &[0.0],
            spread(4.0, 4.0, 4.0),
            spread(0.0, 0.0, 0.0),
            true,
        );
        assert_eq!(none.value, None);
    }

    #[test]
    fn the_ratio_of_medians_crosses_the_interval_ends() {
        let r = ratio(
            &[],
            &[],
            spread(20.0, 10.0, 30.0),
            spread(10.0, 5.0, 20.0),
            false,
        );
        assert_eq!(r.method, RatioMethod::OfMedians);
        assert_eq!(r.value, Some(spread(2.0, 0.5, 6.0)));
        let open = ratio(
            &[],
            &[],
            spread(20.0, 10.0, 30.0),
            spread(10.0, 0.0, 20.0),
            false,
        );
        assert_eq!(open.value.map(|s| s.p95), Some(f64::INFINITY));
        let none = ratio(
            &[],
            &[],
            spread(20.0, 10.0, 30.0),
            spread(0.0, 0.0, 0.0),
            false,
        );
        assert_eq!(none.value, None);
    }
}

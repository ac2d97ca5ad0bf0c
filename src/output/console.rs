//! The short human summary `strikesim run` prints on stdout.

use crate::ensemble::metrics::Metric;
use crate::ensemble::stats::summarise;
use crate::ensemble::EnsembleResult;
use crate::model::World;
use crate::output::human;

/// Per plan: cancellations (mean and 5th-95th percentile range), extra 18-
/// and 52-week waiters against the counterfactual (mean difference and its
/// 95% interval) and the time to recover.
pub fn summary_text(world: &World, result: &EnsembleResult, title: &str) -> String {
    let names: Vec<&str> = world.branches().map(|p| p.name.as_str()).collect();
    let width = names.iter().map(|n| n.len()).max().unwrap_or(10).max(14);
    let mut out = format!(
        "{title}\n{} replications. Cancellations in the walkout window: mean [5th-95th percentile]. \
         Extra waiters at the end vs the counterfactual: mean (95% CI).\n\n",
        result.rows.len()
    );
    out.push_str(&format!(
        "{:<width$}  {:>22}  {:>22}  {:>22}  {:>20}  {:>20}  {:>14}\n",
        "plan",
        "elective cancelled",
        "of which on the day",
        "outpatient cancelled",
        "extra 18w+ waiters",
        "extra 52w+ waiters",
        "recovered"
    ));
    let range = |b: usize, m: Metric| {
        let s = summarise(&result.column(b, m as usize));
        format!(
            "{} [{}-{}]",
            human::count(s.mean),
            human::count(s.p05),
            human::count(s.p95)
        )
    };
    let diff = |b: usize, m: Metric| {
        let cf = result.column(0, m as usize);
        let d: Vec<f64> = result
            .column(b, m as usize)
            .iter()
            .zip(&cf)
            .map(|(a, c)| a - c)
            .collect();
        let s = summarise(&d);
        human::with_interval(human::signed_count, s.mean, s.ci95_low, s.ci95_high)
    };
    for (b, name) in names.iter().enumerate() {
        let recovered = summarise(&result.column(b, Metric::Recovered as usize)).mean;
        let days = summarise(&result.column(b, Metric::RecoveryDays as usize)).p50;
        let rec = if b == 0 {
            "-".to_string()
        } else {
            format!("{:.0}%, {}d", 100.0 * recovered, days.round())
        };
        let (d18, d52) = if b == 0 {
            ("-".to_string(), "-".to_string())
        } else {
            (
                diff(b, Metric::RttOver18wEnd),
                diff(b, Metric::RttOver52wEnd),
            )
        };
        out.push_str(&format!(
            "{:<width$}  {:>22}  {:>22}  {:>22}  {:>20}  {:>20}  {:>14}\n",
            name,
            range(b, Metric::ElectiveCancelled),
            range(b, Metric::ElectiveCancelledOnDay),
            range(b, Metric::OutpatientCancelled),
            d18,
            d52,
            rec
        ));
    }
    out.push_str("\n\"recovered\": share of replications back within tolerance of the counterfactual before the end, and the median days it took.\n");
    out
}

//! The short human summary `strikesim run` prints on stdout, read from the
//! same rows as `summary.csv` (the paired differences are its `diff_*`
//! columns, not computed again).

use crate::ensemble::metrics::Metric;
use crate::output::human;
use crate::output::rows::SummaryRow;
use crate::output::run_data::RunData;

/// Per plan: cancellations (mean and 5th-95th percentile range), extra 18-
/// and 52-week waiters against the counterfactual (mean difference and its
/// 95% interval) and the time to recover.
pub fn summary_text(run: &RunData, title: &str) -> String {
    let replications = usize::try_from(run.manifest.replications).unwrap_or(usize::MAX);
    summary_table(&run.plans(), &run.summary, replications, title)
}

/// The summary of `plans` (the counterfactual first) from the rows of
/// `summary.csv`, over `replications`.
pub fn summary_table(
    plans: &[&str],
    summary: &[SummaryRow],
    replications: usize,
    title: &str,
) -> String {
    let width = plans.iter().map(|n| n.len()).max().unwrap_or(10).max(14);
    let mut out = format!(
        "{title}\n{replications} replications. Cancellations in the counting window: mean [5th-95th percentile]. \
         Extra waiters at the end vs the counterfactual: mean (95% CI).\n\n"
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
    let row = |plan: &str, m: Metric| {
        summary
            .iter()
            .find(|r| r.plan == plan && r.metric == m.name())
            .cloned()
            .unwrap_or_default()
    };
    let range = |plan: &str, m: Metric| {
        let s = row(plan, m);
        format!(
            "{} [{}-{}]",
            human::count(s.mean),
            human::count(s.p05),
            human::count(s.p95)
        )
    };
    let diff = |plan: &str, m: Metric| {
        let s = row(plan, m);
        human::with_interval(
            human::signed_count,
            s.diff_mean,
            s.diff_ci95_low,
            s.diff_ci95_high,
        )
    };
    for (b, name) in plans.iter().enumerate() {
        let (rec, d18, d52) = if b == 0 {
            ("-".to_string(), "-".to_string(), "-".to_string())
        } else {
            let recovered = row(name, Metric::Recovered).mean;
            let days = row(name, Metric::RecoveryDays).p50;
            (
                format!("{:.0}%, {}d", 100.0 * recovered, days.round()),
                diff(name, Metric::RttOver18wEnd),
                diff(name, Metric::RttOver52wEnd),
            )
        };
        out.push_str(&format!(
            "{:<width$}  {:>22}  {:>22}  {:>22}  {:>20}  {:>20}  {:>14}\n",
            name,
            range(name, Metric::ElectiveCancelled),
            range(name, Metric::ElectiveCancelledOnDay),
            range(name, Metric::OutpatientCancelled),
            d18,
            d52,
            rec
        ));
    }
    out.push_str("\n\"recovered\": share of replications back within tolerance of the counterfactual before the end, and the median days it took.\n");
    out
}

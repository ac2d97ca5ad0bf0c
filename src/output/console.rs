//! The short human summary `strikesim run` prints on stdout, read from the
//! same rows as `summary.csv` (the strike's effect is its `effect_*`
//! columns, not computed again).
//!
//! The headline comes first: the strike's effect under each plan, the
//! paired difference from the no-strike world. The plans' own totals,
//! background cancellations included, come second and are labelled so.

use crate::ensemble::metrics::Metric;
use crate::output::human;
use crate::output::rows::SummaryRow;
use crate::output::run_data::RunData;

/// First the strike's effect per plan (extra cancellations, extra 18- and
/// 52-week waiters: mean difference from the counterfactual and its 95%
/// interval; recovery), then every plan's own cancellations in the window
/// (mean and 5th-95th percentile range), the counterfactual's included.
pub fn summary_text(run: &RunData, title: &str) -> String {
    let replications = usize::try_from(run.manifest.replications).unwrap_or(usize::MAX);
    let window = run.manifest.count_window_words();
    summary_table(run, replications, title, &window)
}

/// The summary of the run's plans (the counterfactual first) from the rows
/// of `summary.csv` and, for recovery, `replications.csv`, over
/// `replications`, cancellations counted `window`: the effect table, the
/// totals table and the recovery footnote, in that order.
fn summary_table(data: &RunData, replications: usize, title: &str, window: &str) -> String {
    let plans = data.plans();
    let width = plans.iter().map(|n| n.len()).max().unwrap_or(10).max(14);
    let mut out = format!(
        "{title}\n{replications} replications. Cancellations are counted {window}.\n\n\
         The strike's effect: each plan minus the no-strike world in the same replication, mean (95% CI).\n"
    );
    out.push_str(&effect_table(data, &plans, width));
    out.push_str(&totals_table(data, &plans, width));
    out.push_str(RECOVERY_FOOTNOTE);
    out
}

/// The row of `summary.csv` for `plan` and `m`, or an empty row.
fn summary_row(data: &RunData, plan: &str, m: Metric) -> SummaryRow {
    data.summary
        .iter()
        .find(|r| r.plan == plan && r.metric == m.name())
        .cloned()
        .unwrap_or_default()
}

/// The strike's effect per plan (the counterfactual, first in `plans`,
/// left out): paired differences with their 95% intervals, and recovery.
fn effect_table(data: &RunData, plans: &[&str], width: usize) -> String {
    let effect = |plan: &str, m: Metric| {
        let s = summary_row(data, plan, m);
        human::with_interval(
            human::signed_count,
            s.effect_mean,
            s.effect_ci95_low,
            s.effect_ci95_high,
        )
    };
    let mut out = format!(
        "{:<width$}  {:>24}  {:>22}  {:>26}  {:>20}  {:>20}  {:>29}  {:>22}\n",
        "plan",
        "extra elective cancelled",
        "of which on the day",
        "extra outpatient cancelled",
        "extra 18w+ waiters",
        "extra 52w+ waiters",
        "no loss / recovered / not yet",
        "median days to recover"
    );
    for name in plans.iter().skip(1) {
        let rec = data.recovery_of(name);
        let share = |k: usize| format!("{:.0}%", 100.0 * k as f64 / rec.replications.max(1) as f64);
        out.push_str(&format!(
            "{:<width$}  {:>24}  {:>22}  {:>26}  {:>20}  {:>20}  {:>29}  {:>22}\n",
            name,
            effect(name, Metric::ElectiveCancelled),
            effect(name, Metric::ElectiveCancelledOnDay),
            effect(name, Metric::OutpatientCancelled),
            effect(name, Metric::RttOver18wEnd),
            effect(name, Metric::RttOver52wEnd),
            format!(
                "{} / {} / {}",
                share(rec.no_loss),
                share(rec.recovered),
                share(rec.censored)
            ),
            rec.median_text()
        ));
    }
    out
}

/// Every plan's own cancellations in the window, the counterfactual's
/// included: mean and 5th-95th percentile range.
fn totals_table(data: &RunData, plans: &[&str], width: usize) -> String {
    let range = |plan: &str, m: Metric| {
        let s = summary_row(data, plan, m);
        format!(
            "{} [{}-{}]",
            human::count(s.mean),
            human::count(s.p05),
            human::count(s.p95)
        )
    };
    let mut out = String::from(
        "\nAll cancellations in the window, including the usual background on-the-day cancellations: \
         mean [5th-95th percentile].\n",
    );
    out.push_str(&format!(
        "{:<width$}  {:>22}  {:>22}  {:>22}\n",
        "plan", "elective cancelled", "of which on the day", "outpatient cancelled",
    ));
    for name in plans {
        out.push_str(&format!(
            "{:<width$}  {:>22}  {:>22}  {:>22}\n",
            name,
            range(name, Metric::ElectiveCancelled),
            range(name, Metric::ElectiveCancelledOnDay),
            range(name, Metric::OutpatientCancelled),
        ));
    }
    out
}

/// What the recovery columns of the effect table mean.
const RECOVERY_FOOTNOTE: &str = "\nRecovery, judged per trust on the extra waiters: \"no loss\" the walkouts left no trust above the \
     tolerance; \"recovered\" every trust that lost was back within tolerance of its peak and stayed there \
     before the end; \"not yet\" not by the end of the run (censored). Median days to recover: \
     Kaplan-Meier, among replications with a loss, from the day after the last walkout.\n";

//! The short human summary `strikesim run` prints on stdout, read from the
//! same rows as `summary.csv` (the strike's effect is its `effect_*`
//! columns, not computed again).
//!
//! The headline comes first: the strike's effect under each plan, the
//! paired difference from the no-strike world; a plan with catch-up
//! sessions is marked, and its effect on the list is split below into the
//! walkouts' and the catch-up's, so the catch-up's gain never reads as the
//! walkouts shortening the list. The plans' own totals,
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
    // One more for the mark of a plan with catch-up sessions.
    let width = plans
        .iter()
        .map(|n| n.len() + 1)
        .max()
        .unwrap_or(10)
        .max(14);
    let mut out = format!(
        "{title}\n{replications} replications. Cancellations are counted {window}.\n\n\
         The strike's effect: each plan minus the no-strike world in the same replication, mean (95% CI).\n"
    );
    out.push_str(&effect_table(data, &plans, width));
    out.push_str(&catch_up_table(data, width));
    out.push_str(&totals_table(data, &plans, width));
    out.push_str(RECOVERY_FOOTNOTE);
    out
}

/// Plans with catch-up sessions: what the sessions did, and the plan's
/// effect on the list split into the walkouts' (the plan without its
/// catch-up minus no strike) and the catch-up's (the plan minus the same
/// plan without it). Empty when no plan has catch-up sessions.
fn catch_up_table(data: &RunData, width: usize) -> String {
    let plans = data.catch_up_plans();
    if plans.is_empty() {
        return String::new();
    }
    let mean = |plan: &str, m: Metric| human::count(summary_row(data, plan, m).mean);
    let effect = |plan: &str, m: Metric| {
        let s = summary_row(data, plan, m);
        human::with_interval(
            human::signed_count,
            s.effect_mean,
            s.effect_ci95_low,
            s.effect_ci95_high,
        )
    };
    let mut out = String::from(
        "\n* Includes its catch-up sessions. Split of the list: the walkouts' effect is the plan run without \
         its catch-up minus the no-strike world; the catch-up's is the plan minus that run (negative: patients \
         taken off the list). Mean (95% CI); sessions and patients seen over the whole run.\n",
    );
    out.push_str(&format!(
        "{:<width$}  {:>17}  {:>10}  {:>18}  {:>26}  {:>24}  {:>24}  {:>22}\n",
        "plan",
        "catch-up sessions",
        "operations",
        "first appointments",
        "walkouts' extra waiters:",
        "walkouts' extra waiters",
        "catch-up's change in",
        "18w+ waiters at end:",
    ));
    out.push_str(&format!(
        "{:<width$}  {:>17}  {:>10}  {:>18}  {:>26}  {:>24}  {:>24}  {:>22}\n",
        "",
        "run",
        "done",
        "seen",
        "day after last walkout",
        "at end",
        "waiters at end",
        "walkouts / catch-up",
    ));
    for name in plans {
        out.push_str(&format!(
            "{:<width$}  {:>17}  {:>10}  {:>18}  {:>26}  {:>24}  {:>24}  {:>22}\n",
            name,
            mean(name, Metric::CatchUpSessionsRun),
            mean(name, Metric::CatchUpOperations),
            mean(name, Metric::CatchUpFirstAppointments),
            effect(name, Metric::WalkoutExtraWaitersAfterWalkouts),
            effect(name, Metric::WalkoutExtraWaitersEnd),
            effect(name, Metric::CatchUpExtraWaitersEnd),
            format!(
                "{} / {}",
                human::signed_count(
                    summary_row(data, name, Metric::WalkoutExtraOver18wEnd).effect_mean
                ),
                human::signed_count(
                    summary_row(data, name, Metric::CatchUpExtraOver18wEnd).effect_mean
                ),
            ),
        ));
    }
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
        // A plan with catch-up sessions is marked: its figures include
        // them (the split is in the table below).
        let label = if data.has_catch_up(name) {
            format!("{name}*")
        } else {
            name.to_string()
        };
        let share = |k: usize| format!("{:.0}%", 100.0 * k as f64 / rec.replications.max(1) as f64);
        out.push_str(&format!(
            "{:<width$}  {:>24}  {:>22}  {:>26}  {:>20}  {:>20}  {:>29}  {:>22}\n",
            label,
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
     Kaplan-Meier, among replications with a loss, from the day after the last walkout. A plan with \
     catch-up sessions (*) is judged on its own list, catch-up included: \"no loss\" there can mean the \
     catch-up made good what the walkouts cost, not that they cost nothing (see the walkouts' effect).\n";

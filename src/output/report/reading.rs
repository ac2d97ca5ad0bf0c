//! The plain-English reading of each plan at the top of the report: first
//! the strike's effect under it (extra cancellations and long waiters
//! against the no-strike world), then its own cancellations in the window,
//! background included, its recovery, and where it ranks among the other
//! plans; and, when the strike raises the share within 18 weeks while
//! lengthening the list, why that is not an improvement. From [`RunData`]
//! alone.

use std::fmt::Write as _;

use crate::ensemble::metrics::{Metric, WeeklyMetric};
use crate::output::document::Inline;
use crate::output::human;
use crate::output::run_data::{RunData, COUNTERFACTUAL};

fn replication_count(data: &RunData, plan: &str) -> usize {
    data.replication_values(plan, Metric::Recovered).len()
}

fn not_recovered(data: &RunData, plan: &str) -> usize {
    data.replication_values(plan, Metric::Recovered)
        .iter()
        .filter(|v| **v < 0.5)
        .count()
}

/// Rank of `plan` among the scenario's plans by `key` (ascending): 0 is the
/// lowest. `None` when there is only one plan.
fn rank(data: &RunData, plan: &str, key: impl Fn(&str) -> f64) -> Option<(usize, usize)> {
    let plans: Vec<&str> = data
        .manifest
        .plans
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    if plans.len() < 2 {
        return None;
    }
    let mine = key(plan);
    let below = plans.iter().filter(|p| key(p) < mine).count();
    Some((below, plans.len()))
}

/// A plain-English paragraph for one plan.
pub(super) fn plan_reading(data: &RunData, plan: &str) -> Inline {
    use Metric as M;
    let s = |m: Metric| data.summary_of(plan, m);
    let cf = |m: Metric| data.summary_of(COUNTERFACTUAL, m);
    let ci = |m: Metric| {
        let r = s(m);
        human::with_interval(human::count, r.mean, r.ci95_low, r.ci95_high)
    };
    let diff = |m: Metric| {
        let r = s(m);
        human::with_interval(
            human::signed_count,
            r.effect_mean,
            r.effect_ci95_low,
            r.effect_ci95_high,
        )
    };
    let description = data
        .manifest
        .plans
        .iter()
        .find(|p| p.name == plan)
        .map(|p| p.description.trim().trim_end_matches('.').to_string())
        .unwrap_or_default();
    let mut text = Inline::default().strong(plan);
    if !description.is_empty() {
        let _ = write!(text, " ({description})");
    }
    let _ = write!(
        text,
        ". The strike's effect under this plan, against the same world without the strike (means \
         with 95% intervals): elective operations cancelled {}, of which stood down in advance {} and \
         cancelled on the day {}; outpatient appointments cancelled {}; at the end of the run, patients \
         waiting over 18 weeks {} and over 52 weeks {}. ",
        diff(M::ElectiveCancelled),
        diff(M::ElectiveCancelledInAdvance),
        diff(M::ElectiveCancelledOnDay),
        diff(M::OutpatientCancelled),
        diff(M::RttOver18wEnd),
        diff(M::RttOver52wEnd),
    );
    paradox_sentence(&mut text, data, plan);
    let _ = write!(
        text,
        "All cancellations {}, including the usual background on-the-day cancellations: \
         {} elective operations stood down in advance and {} cancelled on the day \
         (without the strike: {} and {}), and {} outpatient appointments (without the strike: {}). ",
        data.manifest.count_window_dates(),
        ci(M::ElectiveCancelledInAdvance),
        ci(M::ElectiveCancelledOnDay),
        human::count(cf(M::ElectiveCancelledInAdvance).mean),
        human::count(cf(M::ElectiveCancelledOnDay).mean),
        ci(M::OutpatientCancelled),
        human::count(cf(M::OutpatientCancelled).mean),
    );
    recovery_sentence(&mut text, data, plan);
    ranking_sentence(&mut text, data, plan);
    text
}

/// The 18-week paradox: in weeks when the plan's list is longer than
/// without the strike and its share within 18 weeks is nonetheless higher
/// (both means over replications), say why. The extra waiters are patients
/// whose treatment the strike put back, mostly recent referrals still
/// inside 18 weeks; they add to the list and to those within 18 weeks but
/// not to the long waiters, so the share rises while nobody waits less.
fn paradox_sentence(text: &mut Inline, data: &RunData, plan: &str) {
    let diff = data.weekly_series(plan, WeeklyMetric::Within18wPctDiff);
    let extra = data.weekly_series(plan, WeeklyMetric::ExtraWaiters);
    let peak = diff
        .iter()
        .zip(&extra)
        .filter(|(d, e)| d.week_start == e.week_start && e.mean >= 0.5)
        // Shown to one decimal: a rise that rounds to +0.0 points is none.
        .filter(|(d, _)| d.mean >= 0.05)
        .max_by(|(a, _), (b, _)| a.mean.total_cmp(&b.mean));
    if let Some((d, e)) = peak {
        let _ = write!(
            text,
            "The strike raises the share of the list within 18 weeks (by {} in the week of {}, \
             with {} more patients waiting): the extra patients are recent referrals not yet \
             treated, who dilute the share of long waiters. This is not an improvement: the \
             patients the strike put back wait longer. ",
            human::signed_points(d.mean),
            human::date(d.week_start),
            human::count(e.mean),
        );
    }
}

/// How long the plan took to recover, and how many replications never did.
fn recovery_sentence(text: &mut Inline, data: &RunData, plan: &str) {
    let rec = data.summary_of(plan, Metric::RecoveryDays);
    let total = replication_count(data, plan);
    let open = not_recovered(data, plan);
    let _ = write!(
        text,
        "The waiting list took {} days to recover on average ({} to {})",
        human::decimal1(rec.mean),
        human::decimal1(rec.ci95_low),
        human::decimal1(rec.ci95_high),
    );
    if open > 0 {
        let _ = write!(
            text,
            "; {open} of {total} replications had not recovered by the end of the run, so this average \
             counts them at the end of the run and understates the true time. "
        );
    } else {
        let _ = write!(
            text,
            "; every one of the {total} replications recovered within the run. "
        );
    }
}

/// Where the plan ranks among the scenario's plans on four counts.
fn ranking_sentence(text: &mut Inline, data: &RunData, plan: &str) {
    use Metric as M;
    let mut notes = Vec::new();
    type Key<'k> = &'k dyn Fn(&str) -> f64;
    let comparisons: [(&str, &str, Key); 4] = [
        (
            "the fewest on-the-day cancellations",
            "the most on-the-day cancellations",
            &|p| data.summary_of(p, M::ElectiveCancelledOnDay).mean,
        ),
        (
            "the fewest operations stood down in advance",
            "the most operations stood down in advance",
            &|p| data.summary_of(p, M::ElectiveCancelledInAdvance).mean,
        ),
        (
            "the fewest extra 18-week waiters",
            "the most extra 18-week waiters",
            &|p| data.summary_of(p, M::RttOver18wEnd).effect_mean,
        ),
        ("the fastest recovery", "the slowest recovery", &|p| {
            data.summary_of(p, M::RecoveryDays).mean
        }),
    ];
    for (best, worst, key) in comparisons {
        match rank(data, plan, key) {
            Some((0, _)) => notes.push(best),
            Some((r, n)) if r + 1 == n => notes.push(worst),
            _ => {}
        }
    }
    let n = data.manifest.plans.len();
    if n < 2 {
        let _ = write!(text, "It is the only plan in this run.");
    } else if notes.is_empty() {
        let _ = write!(text, "It sits between the other plans on every count.");
    } else {
        let _ = write!(text, "Of the {n} plans it has {}.", join_and(&notes));
    }
}

fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

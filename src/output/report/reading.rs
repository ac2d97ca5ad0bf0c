//! The plain-English reading of each plan at the top of the report: first
//! the strike's effect under it (extra cancellations and long waiters
//! against the no-strike world); for a plan with catch-up sessions, what
//! they did and its effect on the list split into the walkouts' and the
//! catch-up's; then its own cancellations in the window, background
//! included, its recovery, and where it ranks among the other plans; and,
//! when the strike raises the share within 18 weeks while lengthening the
//! list, why that is not an improvement. From [`RunData`] alone.

use std::fmt::Write as _;

use crate::ensemble::metrics::{Metric, WeeklyMetric};
use crate::output::document::Inline;
use crate::output::human;
use crate::output::run_data::{RunData, COUNTERFACTUAL};

/// Rank of `plan` among the scenario's plans by `key` (ascending): 0 is the
/// lowest. `None` when there is only one plan or all are tied.
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
    // Tied with every other plan (for example none recovers): no ranking.
    if plans.iter().all(|p| key(p) == mine) {
        return None;
    }
    let below = plans.iter().filter(|p| key(p) < mine).count();
    Some((below, plans.len()))
}

/// A plain-English paragraph for one plan.
pub(super) fn plan_reading(data: &RunData, plan: &str) -> Inline {
    use Metric as M;
    let s = |m: Metric| data.summary_of(plan, m);
    let cf = |m: Metric| data.summary_of(COUNTERFACTUAL, m);
    let ci = |m: Metric| s(m).count_with_interval();
    let diff = |m: Metric| s(m).effect_with_interval();
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
    catch_up_sentence(&mut text, data, plan);
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

/// For a plan with catch-up sessions: how many ran and whom they saw, and
/// its effect on the list split into the walkouts' and the catch-up's, so
/// that the catch-up's gain does not read as the walkouts shortening the
/// list.
fn catch_up_sentence(text: &mut Inline, data: &RunData, plan: &str) {
    use Metric as M;
    if !data.has_catch_up(plan) {
        return;
    }
    let s = |m: Metric| data.summary_of(plan, m);
    let count = |m: Metric| s(m).count_with_interval();
    let effect = |m: Metric| s(m).effect_with_interval();
    let _ = write!(
        text,
        "Its catch-up ran {} sessions, in which {} operations were done and {} first appointments \
         seen. The walkouts and the catch-up move the waiting list in opposite directions, so they are \
         given apart. The walkouts' effect, the same plan without its catch-up sessions against the \
         world without the strike: {} patients waiting the day after the last walkout and {} at the end \
         of the run. ",
        count(M::CatchUpSessionsRun),
        count(M::CatchUpOperations),
        count(M::CatchUpFirstAppointments),
        effect(M::WalkoutExtraWaitersAfterWalkouts),
        effect(M::WalkoutExtraWaitersEnd),
    );
    let c = s(M::CatchUpExtraWaitersEnd);
    let catch_up = if c.effect_mean <= 0.0 {
        format!(
            "took {} patients off the list by the end of the run",
            human::with_interval(
                human::count,
                -c.effect_mean,
                -c.effect_ci95_high,
                -c.effect_ci95_low
            )
        )
    } else {
        format!(
            "left {} more patients on the list at the end of the run",
            human::with_interval(
                human::count,
                c.effect_mean,
                c.effect_ci95_low,
                c.effect_ci95_high
            )
        )
    };
    let t = s(M::ExtraWaitersEnd);
    let together = if t.effect_mean < 0.0 {
        format!(
            "{} patients shorter than without the strike: the catch-up's gain, not the walkouts \
             shortening the list",
            human::with_interval(
                human::count,
                -t.effect_mean,
                -t.effect_ci95_high,
                -t.effect_ci95_low
            )
        )
    } else {
        format!(
            "{} patients longer than without the strike",
            human::with_interval(
                human::count,
                t.effect_mean,
                t.effect_ci95_low,
                t.effect_ci95_high
            )
        )
    };
    let _ = write!(
        text,
        "The catch-up's effect, the plan against the same plan without it: the catch-up sessions {catch_up}. \
         Together, the plan's list ends {together}. Of the change in patients waiting over 18 weeks at the end, the \
         walkouts account for {} and the catch-up for {}. ",
        effect(M::WalkoutExtraOver18wEnd),
        effect(M::CatchUpExtraOver18wEnd),
    );
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

/// Whether the walkouts left a loss to recover from under the plan, how
/// many replications recovered within the run, and the Kaplan-Meier median
/// time among those with a loss; never a mean of censored times.
fn recovery_sentence(text: &mut Inline, data: &RunData, plan: &str) {
    let r = data.recovery_of(plan);
    let total = r.replications;
    let lost = r.with_loss();
    if data.has_catch_up(plan) {
        let _ = write!(
            text,
            "Recovery is judged on the plan's own list, catch-up included, as the trust experiences it: \
             where it finds no loss, the catch-up made good what the walkouts cost, which is not the \
             walkouts costing nothing (their own effect is given above). "
        );
    }
    if lost == 0 {
        let _ = write!(
            text,
            "In none of the {total} replications did the walkouts leave a trust with more extra patients \
             waiting than the recovery tolerance: there was no loss to recover from. "
        );
        return;
    }
    let recovered = match r.recovered {
        0 => "none".to_string(),
        k => k.to_string(),
    };
    if r.no_loss > 0 {
        let _ = write!(
            text,
            "In {} of {total} replications the walkouts left no loss to recover from; of the other {lost}, \
             {recovered} recovered within the run and {} had not by its end. ",
            r.no_loss, r.censored
        );
    } else {
        let _ = write!(
            text,
            "In all {total} replications the walkouts left a loss; {recovered} recovered within the run \
             and {} had not by its end. ",
            r.censored
        );
    }
    match r.median_days() {
        Some(d) => {
            let _ = write!(
                text,
                "Among replications with a loss, half had recovered {} days after the last walkout \
                 (Kaplan-Meier median, counting those not recovered as still waiting at the end). ",
                human::count(d)
            );
        }
        None => {
            let _ = write!(
                text,
                "Fewer than half of those with a loss recovered, so the median time to recover is not \
                 within the horizon of the run{}. ",
                r.horizon
                    .map(|h| format!(" ({} days after the last walkout)", human::count(h)))
                    .unwrap_or_default()
            );
        }
    }
}

/// A plan's recovery as one number for ranking: no loss first, then the
/// Kaplan-Meier median days, then medians not reached within the run.
fn recovery_rank_key(data: &RunData, plan: &str) -> f64 {
    let r = data.recovery_of(plan);
    if r.with_loss() == 0 {
        -1.0
    } else {
        r.median_days().unwrap_or(f64::INFINITY)
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
            recovery_rank_key(data, p)
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

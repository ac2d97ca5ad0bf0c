//! The no-strike baseline is steady: after the warm-up the model starts
//! from its own flows' state, so with no strike the share within 18 weeks
//! holds still, the list has its stated size at `start` and moves only as
//! its demand and capacity imply, and bank holidays pause the list rather
//! than make it dip.

use strikesim::ensemble::metrics::WeeklyMetric;
use strikesim::ensemble::{run_ensemble, EnsembleOptions, EnsembleResult};
use strikesim::model::balance::Balance;
use strikesim::model::{Branch, World};
use strikesim::scenario::Scenario;

const DEFAULT: &str = include_str!("../scenarios/default.toml");

fn run(scenario: &Scenario, replications: u64) -> (World, EnsembleResult) {
    let world = scenario.world();
    let options = EnsembleOptions {
        seed: 20160126,
        replications,
        threads: 2,
    };
    let result = run_ensemble(&world, options, &|_| {}).expect("runs");
    (world, result)
}

/// The counterfactual's weekly medians of a metric, in its own units.
fn medians(result: &EnsembleResult, metric: WeeklyMetric) -> Vec<f64> {
    let cf = Branch::Counterfactual.index();
    result.weekly[cf]
        .iter()
        .map(|week| week[metric as usize].quantile(0.5) / metric.scale())
        .collect()
}

/// The counterfactual's weekly means of a metric, in its own units.
fn means(result: &EnsembleResult, metric: WeeklyMetric) -> Vec<f64> {
    let cf = Branch::Counterfactual.index();
    result.weekly[cf]
        .iter()
        .map(|week| week[metric as usize].mean() / metric.scale())
        .collect()
}

#[test]
fn with_no_strike_the_share_within_18_weeks_holds_still_and_the_list_follows_its_balance() {
    let scenario = Scenario::from_toml(DEFAULT, "default.toml").expect("valid");
    let (world, result) = run(&scenario, 24);
    let share = medians(&result, WeeklyMetric::Within18wPct);
    let (low, high) = share
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), &s| (l.min(s), h.max(s)));
    assert!(
        high - low < 1.0,
        "the no-strike median share within 18 weeks moves {low:.2}%..{high:.2}%: {share:?}"
    );

    // At `start` the list has its stated size, exactly, in every
    // replication.
    let list = means(&result, WeeklyMetric::WaitingList);
    let stated: u64 = world.trusts[0]
        .specialties
        .iter()
        .map(|sp| sp.initial_list.total())
        .sum();
    assert_eq!(list[0], stated as f64);

    // Over the run it moves as demand against capacity implies, to within
    // the 5% at which the check before a run warns.
    let (moved, predicted) = (
        list[list.len() - 1] - list[0],
        predicted_drift(&world, &list),
    );
    assert!(
        (moved - predicted).abs() < 0.05 * stated as f64,
        "the list moved {moved} against a predicted {predicted:.0}"
    );

    // Bank holidays (Good Friday and Easter Monday, the May Day and spring
    // holidays) pause the list: no week moves by more than a day's
    // referrals.
    let day_of_referrals: f64 = world.trusts[0]
        .specialties
        .iter()
        .map(|sp| sp.referrals_per_week.get() / 5.0)
        .sum();
    for (w, pair) in list.windows(2).enumerate() {
        assert!(
            (pair[1] - pair[0]).abs() < 0.5 * day_of_referrals,
            "week {w}: the list moved from {} to {} (a day's referrals is {day_of_referrals:.0})",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn without_a_warm_up_the_list_drifts_as_it_did() {
    // The control: starting from the stated list as it is (exponential
    // waits, no bookings), the share climbs for weeks as the model's flows
    // take over. This is what the warm-up removes.
    let text = DEFAULT.replace(
        "replications = 200",
        "replications = 200\nwarm_up_weeks = 0",
    );
    let scenario = Scenario::from_toml(&text, "default.toml").expect("valid");
    let (_, result) = run(&scenario, 8);
    let share = medians(&result, WeeklyMetric::Within18wPct);
    let (low, high) = share
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), &s| (l.min(s), h.max(s)));
    assert!(high - low > 1.5, "{share:?}");
}

/// The list's drift over the reported weeks that demand against capacity
/// implies, summed over specialties.
fn predicted_drift(world: &World, list: &[f64]) -> f64 {
    let weeks = (list.len() - 1) as f64;
    let t = &world.trusts[0];
    t.specialties
        .iter()
        .map(|sp| Balance::of(t, sp, sp.initial_list.total() as f64).drift_per_week() * weeks)
        .sum()
}

#[test]
fn a_specialty_with_more_referrals_than_capacity_grows_as_its_balance_says() {
    // General Surgery gets 200 more referrals a week than its clinics see:
    // the list grows by about that, less the share admitted that theatres
    // cannot take either, week after week, with no strike.
    let text = DEFAULT.replacen("referrals_per_week = 700", "referrals_per_week = 900", 1);
    let scenario = Scenario::from_toml(&text, "default.toml").expect("valid");
    assert!(
        scenario
            .warnings()
            .iter()
            .any(|w| w.to_string().contains("General Surgery")),
        "the check before the run names the specialty"
    );
    let (world, result) = run(&scenario, 8);
    let list = means(&result, WeeklyMetric::WaitingList);
    let (moved, predicted) = (
        list[list.len() - 1] - list[0],
        predicted_drift(&world, &list),
    );
    assert!(predicted > 5000.0, "{predicted}");
    // The estimate is a steady-flow sum (no bank holidays, no pipeline
    // filling): within 35% of what the simulation does. (The simulation
    // runs above it: over 8 replications with seeds 1 to 4, 7,110 to 7,390
    // before the warm-up was shared by the replications, 6,920 to 7,360
    // after; 30% was passed by this seed's luck.)
    assert!(
        (moved / predicted - 1.0).abs() < 0.35,
        "the list moved {moved} against a predicted {predicted:.0}"
    );
}

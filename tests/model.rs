//! Properties of the model and the ensemble, through the library: patients
//! are conserved, a strike nobody joins changes nothing, more participation
//! cancels more, and a fixed seed gives pinned numbers.

use strikesim::ensemble::metrics::{Metric, WeeklyMetric};
use strikesim::ensemble::{run_ensemble, simulate_replication, EnsembleOptions, EnsembleResult};
use strikesim::model::trust::{TrustSim, TrustStreams};
use strikesim::model::{Branch, World};
use strikesim::scenario::Scenario;

const DEFAULT: &str = include_str!("../scenarios/default.toml");
const PARTICIPATION: &str = r#"participation = { distribution = "beta", mean = 0.84, sd = 0.03 }"#;

/// The bundled scenario with its participation line replaced.
fn with_participation(line: &str) -> Scenario {
    assert!(DEFAULT.contains(PARTICIPATION), "default scenario changed");
    Scenario::from_toml(&DEFAULT.replace(PARTICIPATION, line), "test").expect("valid")
}

fn ensemble(scenario: &Scenario, replications: u64, seed: u64) -> (World, EnsembleResult) {
    let world = scenario.world();
    let result = run_ensemble(
        &world,
        EnsembleOptions {
            seed,
            replications,
            threads: 2,
        },
        &|_| {},
    )
    .expect("runs");
    (world, result)
}

fn mean(result: &EnsembleResult, branch: usize, metric: Metric) -> f64 {
    let v = result.column(branch, metric as usize);
    v.iter().sum::<f64>() / v.len() as f64
}

#[test]
fn every_patient_is_accounted_for_in_every_branch() {
    let scenario = Scenario::bundled_default();
    let world = scenario.world();
    for replication in 0..3 {
        for (b, outcome) in simulate_replication(&world, 11, replication)
            .iter()
            .enumerate()
        {
            let c = outcome.counters;
            let still_waiting = outcome.daily.last().expect("daily series").waiting;
            assert_eq!(
                c.initial_list + c.referred,
                c.treated_admitted + c.treated_non_admitted + c.removed + still_waiting,
                "branch {b} of replication {replication}"
            );
            assert!(
                c.referred > 50_000,
                "a half-year of referrals: {}",
                c.referred
            );
        }
    }
}

/// With nobody striking (participation 0 nationally and at every trust),
/// every plan that neither stands down nor adds catch-up sessions
/// reproduces the counterfactual exactly, counters and daily list alike,
/// whatever its act-down share: nobody is missing, so nobody acts down.
#[test]
fn a_strike_nobody_joins_changes_nothing_for_a_plan_that_stands_nothing_down() {
    const SD: &str = "between_trust_sd = 0.15";
    assert!(DEFAULT.contains(SD), "default scenario changed");
    let mut text = DEFAULT
        .replace(
            PARTICIPATION,
            r#"participation = { distribution = "fixed", value = 0.0 }"#,
        )
        .replace(SD, "between_trust_sd = 0.0");
    // Extra plans: the keep-booked plan at other act-down shares.
    for share in ["0.0", "0.5", "1.0"] {
        text.push_str(&format!(
            "\n[[plans]]\nname = \"keep-booked-{share}\"\nprotect = \"urgent\"\nconsultant_act_down_share = {share}\n"
        ));
    }
    let scenario = Scenario::from_toml(&text, "test").expect("valid");
    let plans: Vec<usize> = scenario
        .file()
        .plans
        .iter()
        .enumerate()
        .filter(|(_, p)| p.catch_up.is_none() && p.stand_down.theatre_share.get() == 0.0)
        .filter(|(_, p)| p.stand_down.clinic_share.get() == 0.0)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(plans.len(), 4, "keep-booked and the three added");
    let (_, result) = ensemble(&scenario, 4, 3);
    for &plan in &plans {
        for (_, rows) in &result.rows {
            assert_eq!(
                rows[1 + plan],
                rows[0],
                "plan {plan} row differs from the counterfactual"
            );
        }
        assert_eq!(result.weekly[1 + plan], result.weekly[0]);
    }
    // And branch by branch, counters and the daily list.
    let world = scenario.world();
    for replication in 0..2 {
        let out = simulate_replication(&world, 3, replication);
        for &plan in &plans {
            assert_eq!(out[1 + plan].counters, out[0].counters, "plan {plan}");
            assert_eq!(out[1 + plan].daily, out[0].daily, "plan {plan}");
        }
    }
}

#[test]
fn more_participation_cancels_more_on_average() {
    let low = with_participation(r#"participation = { distribution = "fixed", value = 0.3 }"#);
    let high = with_participation(r#"participation = { distribution = "fixed", value = 0.9 }"#);
    let (_, low) = ensemble(&low, 8, 5);
    let (_, high) = ensemble(&high, 8, 5);
    // Plan 1 keeps everything booked: its on-the-day cancellations are
    // what staffing could not cover.
    for metric in [Metric::ElectiveCancelledOnDay, Metric::OutpatientCancelled] {
        let (l, h) = (mean(&low, 1, metric), mean(&high, 1, metric));
        assert!(
            h > l,
            "{metric:?}: 90% participation gave {h}, 30% gave {l}"
        );
    }
    // With the same seed the counterfactual is the same world.
    assert_eq!(
        low.column(0, Metric::RttListEnd as usize),
        high.column(0, Metric::RttListEnd as usize)
    );
}

#[test]
fn a_strike_cancels_work_that_the_counterfactual_does() {
    let (_, result) = ensemble(&Scenario::bundled_default(), 6, 9);
    let cf = mean(&result, 0, Metric::OutpatientCancelled);
    let keep = mean(&result, 1, Metric::OutpatientCancelled);
    assert_eq!(cf, 0.0, "no clinic is cancelled without a strike");
    assert!(keep > 100.0, "a 48-hour walkout cancels clinics: {keep}");
    let stood_down = mean(&result, 2, Metric::ElectiveCancelledInAdvance);
    assert!(stood_down > 0.0, "the stand-down plan stands lists down");
    assert_eq!(mean(&result, 1, Metric::ElectiveCancelledInAdvance), 0.0);
}

#[test]
fn golden_values_of_a_small_fixed_seed_run() {
    let (world, result) = ensemble(&Scenario::bundled_default(), 2, 20160126);
    let csv = strikesim::output::tables::replications_csv(&world, &result).expect("csv");
    insta::assert_snapshot!(String::from_utf8(csv).expect("utf-8"));
}

/// One trust driven directly, from streams made by hand rather than by the
/// ensemble: patients in = patients treated, removed or still waiting.
#[test]
fn one_trust_run_by_hand_conserves_patients() {
    use rand::SeedableRng;
    let world = Scenario::bundled_default().world();
    let warm_up = TrustStreams {
        referrals: rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(5),
        draw_base: 98,
        participation: Vec::new(),
    };
    let streams = TrustStreams {
        referrals: rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7),
        draw_base: 99,
        participation: vec![0.7; world.walkouts.len()],
    };
    let warm = TrustSim::warm_up(&world, 0, warm_up);
    let mut sim = warm.replicate(streams);
    sim.run_until_day(world.branch_day);
    let out = sim.branch(Branch::Plan(0)).finish();
    let c = out.counters;
    let end = out.daily.last().expect("daily").waiting;
    assert_eq!(
        c.initial_list + c.referred,
        c.treated_admitted + c.treated_non_admitted + c.removed + end
    );
    assert_eq!(out.daily.len() as i64, world.days + 1);
}

/// Why no bundled scenario shows a 28-day breach: theatre lists are booked
/// 21 days ahead, a patient cancelled on the day is booked the next morning
/// ahead of everyone else, and each morning opens a whole day's lists at
/// the far end of the horizon that nobody has booked yet. So the latest
/// new date is 22 days after the cancellation, inside the 28 days.
#[test]
fn operations_cancelled_on_the_day_get_a_date_within_28_days_when_lists_are_booked_21_days_ahead() {
    let (_, result) = ensemble(&Scenario::bundled_default(), 2, 5);
    let keep_booked = 1;
    let within = mean(&result, keep_booked, Metric::RebookedWithin28d);
    assert!(within > 0.0);
    assert_eq!(
        mean(&result, keep_booked, Metric::NotRebookedWithin28d),
        0.0
    );
    assert_eq!(
        within,
        mean(&result, keep_booked, Metric::ElectiveCancelledOnDay)
    );
}

/// With lists booked further ahead than the binding days, the places open
/// to a cancelled patient are all past the deadline: breaches happen and
/// are counted, and every counted cancellation on the day is one or the
/// other.
#[test]
fn lists_booked_further_ahead_than_28_days_breach_the_rule_and_the_breach_is_counted() {
    const TRUST: &str = "background_cancel_rate = 0.01\n";
    assert!(DEFAULT.contains(TRUST), "default scenario changed");
    let text = DEFAULT.replacen(TRUST, &format!("{TRUST}theatre_booking_days = 42\n"), 1);
    let scenario = Scenario::from_toml(&text, "test").expect("valid");
    let (_, result) = ensemble(&scenario, 2, 5);
    let keep_booked = 1;
    let late = mean(&result, keep_booked, Metric::NotRebookedWithin28d);
    assert!(late > 0.0, "a breach is counted: {late}");
    let on_day = mean(&result, keep_booked, Metric::ElectiveCancelledOnDay);
    let within = mean(&result, keep_booked, Metric::RebookedWithin28d);
    assert_eq!(
        within + late,
        on_day,
        "each counted cancellation on the day ends rebooked in time or late"
    );
}

/// The bundled scenario's plan with a catch-up, and its branch index.
fn catch_up_plan(world: &World) -> usize {
    let i = world
        .plans
        .iter()
        .position(|p| p.catch_up.is_some())
        .expect("the default scenario has a catch-up plan");
    Branch::Plan(i).index()
}

/// The walkouts' effect (the plan without its catch-up minus the
/// counterfactual) and the catch-up's (the plan minus the plan without it)
/// add up exactly, in every replication, to the plan's own difference from
/// the counterfactual; for a plan without catch-up the walkouts' effect is
/// all of it.
#[test]
fn the_split_of_a_plan_into_walkouts_and_catch_up_adds_up_in_every_replication() {
    use Metric as M;
    let (world, result) = ensemble(&Scenario::bundled_default(), 3, 17);
    let catch_up = catch_up_plan(&world);
    let value = |rows: &Vec<Vec<f64>>, b: usize, m: Metric| rows[b][m as usize];
    for (rep, rows) in &result.rows {
        for b in 0..rows.len() {
            let walkouts = value(rows, b, M::WalkoutExtraWaitersEnd);
            let catch = value(rows, b, M::CatchUpExtraWaitersEnd);
            assert_eq!(
                walkouts + catch,
                value(rows, b, M::ExtraWaitersEnd),
                "replication {rep}, branch {b}: list at end"
            );
            let over_18w = value(rows, b, M::RttOver18wEnd) - value(rows, 0, M::RttOver18wEnd);
            assert_eq!(
                value(rows, b, M::WalkoutExtraOver18wEnd)
                    + value(rows, b, M::CatchUpExtraOver18wEnd),
                over_18w,
                "replication {rep}, branch {b}: over 18 weeks at end"
            );
            if b != catch_up {
                assert_eq!(catch, 0.0, "branch {b} has no catch-up");
                assert_eq!(value(rows, b, M::CatchUpSessionsRun), 0.0);
            }
        }
        // The catch-up took patients off the list.
        assert!(value(rows, catch_up, M::CatchUpExtraWaitersEnd) < 0.0);
    }
    // Week by week too: the three weekly series add up in every replication
    // (the histograms' sums are exact integers).
    let (walkouts, catch, total) = (
        WeeklyMetric::WalkoutExtraWaiters as usize,
        WeeklyMetric::CatchUpExtraWaiters as usize,
        WeeklyMetric::ExtraWaiters as usize,
    );
    for (b, weeks) in result.weekly.iter().enumerate() {
        for (w, h) in weeks.iter().enumerate() {
            assert_eq!(
                h[walkouts].sum + h[catch].sum,
                h[total].sum,
                "branch {b}, week {w}"
            );
        }
    }
}

/// Only a plan with a catch-up is run again without it, and the other
/// plans' results do not change when the scenario has no catch-up at all.
#[test]
fn a_plan_without_catch_up_has_no_extra_branch_and_unchanged_output() {
    let with = Scenario::bundled_default();
    let world = with.world();
    let catch_up = catch_up_plan(&world);
    let extra: Vec<Branch> = world.without_catch_up_ids().collect();
    assert_eq!(extra, vec![Branch::WithoutCatchUp(catch_up - 1)]);
    assert_eq!(extra[0].index(), catch_up, "it reports in its plan's row");

    const LINE: &str = "catch_up = { start_days_after = 3, weeks = 4, days = [\"sat\"], theatre_lists = 1, clinics = 1, staff = { consultants = 2, registrar = 1, core = 1, foundation = 1 } }\n";
    assert!(DEFAULT.contains(LINE), "default scenario changed");
    let without =
        Scenario::from_toml(&DEFAULT.replace(LINE, ""), "test").expect("valid without catch-up");
    assert_eq!(without.world().without_catch_up_ids().count(), 0);

    let split = strikesim::ensemble::simulate_replication_split(&world, 4, 0);
    for (b, w) in split.without_catch_up.iter().enumerate() {
        assert_eq!(w.is_some(), b == catch_up, "branch {b}");
    }
    let w = split.without_catch_up[catch_up].as_ref().unwrap();
    assert_eq!(w.counters.catch_up_sessions_run, 0);
    let c = w.counters;
    assert_eq!(
        c.initial_list + c.referred,
        c.treated_admitted + c.treated_non_admitted + c.removed + w.daily.last().unwrap().waiting,
        "patients are conserved in the branch without catch-up"
    );

    let (_, a) = ensemble(&with, 2, 8);
    let (_, b) = ensemble(&without, 2, 8);
    for ((_, rows_a), (_, rows_b)) in a.rows.iter().zip(&b.rows) {
        for branch in (0..rows_a.len()).filter(|&br| br != catch_up) {
            assert_eq!(rows_a[branch], rows_b[branch], "branch {branch}");
        }
        // Without its catch-up, the plan is the run of the same plan
        // without it: the walkouts' effect is the same numbers.
        let m = |rows: &Vec<Vec<f64>>, metric: Metric| rows[catch_up][metric as usize];
        assert_eq!(
            m(rows_a, Metric::WalkoutExtraWaitersEnd),
            m(rows_b, Metric::ExtraWaitersEnd)
        );
    }
    for branch in (0..a.weekly.len()).filter(|&br| br != catch_up) {
        assert_eq!(
            a.weekly[branch], b.weekly[branch],
            "weekly, branch {branch}"
        );
    }
}

/// In the bundled scenario the catch-up runs sessions and treats patients,
/// and the walkouts on their own never shorten the list: their effect the
/// day after the last walkout is not negative in any replication.
#[test]
fn the_default_catch_up_runs_sessions_and_the_walkouts_alone_do_not_shorten_the_list() {
    use Metric as M;
    let (world, result) = ensemble(&Scenario::bundled_default(), 6, 20160126);
    let b = catch_up_plan(&world);
    for (rep, rows) in &result.rows {
        let v = |m: Metric| rows[b][m as usize];
        assert!(v(M::CatchUpSessionsRun) > 0.0, "replication {rep}");
        assert!(v(M::CatchUpOperations) > 0.0, "replication {rep}");
        assert!(v(M::CatchUpFirstAppointments) > 0.0, "replication {rep}");
        assert!(
            v(M::WalkoutExtraWaitersAfterWalkouts) >= 0.0,
            "replication {rep}: walkouts' effect {}",
            v(M::WalkoutExtraWaitersAfterWalkouts)
        );
        assert!(v(M::WalkoutExtraWaitersEnd) >= 0.0, "replication {rep}");
    }
    assert!(
        mean(&result, b, M::ExtraWaitersEnd) < 0.0,
        "the catch-up more than makes good"
    );
}

//! Consultants are a finite pool: acting down takes a consultant who would
//! otherwise do their supporting work or lead their own session, and
//! catch-up sessions are staffed only from the plan's catch-up pool.
//!
//! Every half-day's allocation is also checked inside the model (a debug
//! assertion in `trust/sessions.rs`: consultants leading plus acting down
//! plus left over equal those present), so each run here in the test
//! profile checks invariant (b) at every half-day of every branch.

use strikesim::ensemble::simulate_replication;
use strikesim::model::outcome::Counters;
use strikesim::scenario::Scenario;

const DEFAULT: &str = include_str!("../scenarios/default.toml");
const PARTICIPATION: &str = r#"participation = { distribution = "beta", mean = 0.84, sd = 0.03 }"#;
const BETWEEN: &str = "between_trust_sd = 0.15";
const CATCH_UP: &str = r#"catch_up = { start_days_after = 3, weeks = 4, days = ["sat"], theatre_lists = 1, clinics = 1, staff = { consultants = 2, registrar = 1, core = 1, foundation = 1 } }"#;
/// The plan of the default scenario that acts down fully and catches up.
const COVER: usize = 2;

/// The default scenario with every trust's participation fixed at `p`.
fn default_with(p: f64, catch_up: &str) -> Scenario {
    for line in [PARTICIPATION, BETWEEN, CATCH_UP] {
        assert!(DEFAULT.contains(line), "default scenario changed: {line}");
    }
    let text = DEFAULT
        .replace(
            PARTICIPATION,
            &format!(r#"participation = {{ distribution = "fixed", value = {p} }}"#),
        )
        .replace(BETWEEN, "between_trust_sd = 0.0")
        .replace(CATCH_UP, catch_up);
    let s = Scenario::from_toml(&text, "test").expect("valid");
    assert_eq!(s.file().plans[COVER].name, "consultant-cover-catch-up");
    assert_eq!(s.file().plans[COVER].consultant_act_down_share.get(), 1.0);
    s
}

fn counters(s: &Scenario, replication: u64) -> Vec<Counters> {
    simulate_replication(&s.world(), 7, replication)
        .iter()
        .map(|o| o.counters)
        .collect()
}

/// With a heavy strike and everyone allowed to act down, consultants do act
/// down, and once the spare are used up some give up their own sessions;
/// never more than those acting down. (Each half-day's total is checked
/// inside the model.)
#[test]
fn full_act_down_gives_up_own_sessions_once_the_spare_are_used() {
    let s = default_with(0.95, CATCH_UP);
    for replication in 0..2 {
        let c = counters(&s, replication);
        assert_eq!(c[0].consultant_act_down, 0, "the counterfactual");
        let cover = c[1 + COVER];
        assert!(cover.consultant_act_down > 0);
        assert!(cover.consultant_act_down_own_session > 0);
        assert!(cover.consultant_act_down_own_session <= cover.consultant_act_down);
        // A plan that may divert fewer acts down less.
        let keep = c[1];
        assert!(keep.consultant_act_down < cover.consultant_act_down);
        // Work given up shows: acting down fully cancels clinics the
        // counterfactual runs.
        assert!(cover.outpatient[0] + cover.outpatient[1] > 0);
    }
}

/// One consultant in the catch-up pool and two sessions asked for per
/// specialty per day: at most one runs each day (one per specialty per
/// catch-up day), the other is counted as planned and not run.
#[test]
fn a_pool_of_one_consultant_runs_at_most_one_of_two_catch_up_sessions() {
    let one = CATCH_UP.replace("consultants = 2", "consultants = 1");
    let s = default_with(0.84, &one);
    assert!(
        s.warnings()
            .iter()
            .any(|w| format!("{w:?}").contains("only 1 of the 2")),
        "a warning says the pool is short: {:?}",
        s.warnings()
    );
    let specialties = s.file().trusts[0].specialties.len() as u64;
    let days = 4 * specialties;
    let c = counters(&s, 0)[1 + COVER];
    assert_eq!(c.catch_up_planned, 2 * days);
    assert!(
        c.catch_up_sessions_run <= days,
        "{} run",
        c.catch_up_sessions_run
    );
    assert!(c.catch_up_sessions_run > 0);
    // With two consultants both run.
    let c = counters(&default_with(0.84, CATCH_UP), 0)[1 + COVER];
    assert_eq!(
        (c.catch_up_planned, c.catch_up_sessions_run),
        (2 * days, 2 * days)
    );
}

/// A pool with no consultant is refused before anything runs.
#[test]
fn a_catch_up_pool_without_consultants_is_refused() {
    let text = DEFAULT.replace(
        CATCH_UP,
        &CATCH_UP.replace("consultants = 2", "consultants = 0"),
    );
    let e = Scenario::from_toml(&text, "test").expect_err("refused");
    assert!(
        format!("{e:?}").contains("catch_up.staff.consultants"),
        "{e:?}"
    );
}

/// Nobody strikes: the full act-down plan loses nothing to staffing. It
/// cancels no more than the counterfactual, nobody acts down, and it ends
/// below the counterfactual's list only by what its catch-up sessions
/// could see and treat.
#[test]
fn with_nobody_striking_the_cover_plan_gains_only_its_catch_up_patients() {
    let s = default_with(0.0, CATCH_UP);
    // What the catch-up sessions can take off the list: each covered
    // specialty's first theatre list (cases) and first clinic (new
    // patients), on each catch-up day.
    let weeks = 4;
    let capacity: u64 = s.file().trusts[0]
        .specialties
        .iter()
        .map(|sp| {
            u64::from(sp.theatre_lists[0].cases.get()) + u64::from(sp.clinics[0].new_slots.get())
        })
        .sum::<u64>()
        * weeks;
    let world = s.world();
    for replication in 0..3 {
        let out = simulate_replication(&world, 7, replication);
        let (cf, cover) = (&out[0], &out[1 + COVER]);
        let (a, b) = (cf.counters, cover.counters);
        assert_eq!(b.consultant_act_down, 0);
        assert_eq!(b.elective_on_day, a.elective_on_day);
        assert_eq!(b.outpatient, a.outpatient);
        assert_eq!(b.catch_up_sessions_run, b.catch_up_planned);
        let cf_end = cf.daily.last().unwrap().waiting as i64;
        let end = cover.daily.last().unwrap().waiting as i64;
        assert!(
            end <= cf_end + 50,
            "catch-up does not lengthen the list much: {end} vs {cf_end}"
        );
        assert!(
            cf_end - end <= capacity as i64,
            "the list ends {} below the counterfactual, more than the catch-up capacity {capacity}",
            cf_end - end
        );
    }
}

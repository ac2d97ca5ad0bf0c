//! A check against queueing theory.
//!
//! With no walkout, Poisson referrals and a fixed number of first
//! appointments a day, one specialty whose pathways end at the first
//! appointment is the discrete-time bulk-service queue
//!
//!     X(n+1) = max(X(n) - c, 0) + A(n),   A(n) ~ Poisson(lambda),
//!
//! counted in working days: X(n) patients wait at the start of working day
//! n, the day's clinics see min(c, X(n)) of them (booking fills the earliest
//! slots first, so everyone referred before day n is eligible), and A(n)
//! new referrals arrive, to be seen from the next working day. Its
//! stationary distribution (Bailey 1954; here computed by iterating the
//! transition on a truncated state space) gives the long-run mean list,
//! and Little's law (L = lambda W) the mean wait. The simulation must
//! match both within 3%.

use strikesim::ensemble::simulate_replication;
use strikesim::scenario::Scenario;

const LAMBDA: f64 = 8.0; // referrals per working day
const CAPACITY: usize = 10; // first appointments per working day

fn scenario() -> Scenario {
    let text = format!(
        r#"
name = "queue"
start = "2016-01-04"
weeks_after = 400

[[walkouts]]
name = "nobody strikes"
start = "2016-01-05T08:00"
hours = 24
kind = "emergency_care_provided"
participation = {{ distribution = "fixed", value = 0.0 }}

[[plans]]
name = "keep-booked"

[[trusts]]
code = "Q01"
name = "Queue"
dna_rate = 0.0
removal_rate_per_week = 0.0
offer_decline_rate = 0.0
consultant_leave_share = 0.0

[[trusts.specialties]]
code = "100"
name = "General Surgery"
waiting_list = 0
referrals_per_week = {weekly}
referral_pattern = [1.0, 1.0, 1.0, 1.0, 1.0]
admit_share = 0.0
admitted_share_of_list = 0.0
day_case_share = 1.0
decision_weeks = 0.0
complex_pathway_share = 0.0
consultants = 1
consultants_on_call = 0
rota.weekday_day = {{ registrar = 1 }}
clinics = [{{ session = "am", new_slots = {CAPACITY} }}]
"#,
        weekly = LAMBDA * 5.0
    );
    Scenario::from_toml(&text, "queue").expect("valid")
}

/// Stationary mean of X(n+1) = max(X(n) - c, 0) + Poisson(lambda).
fn analytic_mean_list(lambda: f64, c: usize) -> f64 {
    const N: usize = 400;
    let mut poisson = vec![(-lambda).exp()];
    for k in 1..N {
        poisson.push(poisson[k - 1] * lambda / k as f64);
    }
    let mut p = vec![0.0; N];
    p[0] = 1.0;
    for _ in 0..20_000 {
        let mut next = vec![0.0; N];
        for (x, &px) in p.iter().enumerate() {
            if px == 0.0 {
                continue;
            }
            let base = x.saturating_sub(c);
            for (a, &pa) in poisson.iter().enumerate() {
                if base + a < N {
                    next[base + a] += px * pa;
                }
            }
        }
        p = next;
    }
    p.iter().enumerate().map(|(x, px)| x as f64 * px).sum()
}

#[test]
fn the_list_and_the_wait_match_the_bulk_service_queue() {
    let scenario = scenario();
    let world = scenario.world();
    let working: Vec<usize> = (0..world.days as usize)
        .filter(|&d| world.dates.is_working_day(d))
        .collect();
    let (mut sum, mut days, mut treated) = (0.0, 0.0, 0.0);
    for replication in 0..6 {
        let cf = &simulate_replication(&world, 99, replication)[0];
        // Skip the first 20 weeks while the queue fills from empty.
        for &d in working.iter().filter(|&&d| d >= 140) {
            sum += cf.daily[d].waiting as f64;
            days += 1.0;
        }
        treated += cf.counters.treated_non_admitted as f64;
    }
    let simulated = sum / days;
    let expected = analytic_mean_list(LAMBDA, CAPACITY);
    let err = (simulated - expected).abs() / expected;
    eprintln!("mean list: simulated {simulated:.3}, theory {expected:.3}");
    assert!(
        err < 0.03,
        "mean list {simulated:.3} vs queueing theory {expected:.3} ({:.1}% off)",
        100.0 * err
    );
    // Little's law: the mean wait in working days is L / lambda.
    let wait_theory = expected / LAMBDA;
    // Counts start at `start`, after the warm-up.
    let counted = working
        .iter()
        .filter(|&&d| d as i64 >= world.start_day)
        .count();
    let wait_sim = simulated / (treated / 6.0 / counted as f64);
    assert!(
        (wait_sim - wait_theory).abs() / wait_theory < 0.03,
        "mean wait {wait_sim:.3} vs {wait_theory:.3} working days"
    );
}

//! Money adds up from activity: a run of the minimal example with stated
//! prices, its pounds recomputed by hand from the counts in
//! `replications.csv` (cancellations, consultant sessions acting down,
//! catch-up lists run), replication by replication; and the waterfall's
//! flows add up to the list at the end.

use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

use strikesim::app::{RunOptions, Silent};
use strikesim::ensemble::metrics::Metric as M;
use strikesim::output::run_data::{RunData, COUNTERFACTUAL};

/// The minimal example with `[costs]` added, run with 6 replications.
fn run_with(costs: &str) -> (tempfile::TempDir, RunData) {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("scenarios/examples/minimal.toml")).unwrap();
    // A table after the top-level fields: before the first [[walkouts]].
    let text = text.replacen("[[walkouts]]", &format!("{costs}\n\n[[walkouts]]"), 1);
    let scenario: PathBuf = tmp.path().join("priced.toml");
    std::fs::write(&scenario, text).unwrap();
    let out = tmp.path().join("run");
    let options = RunOptions::whole(Some(scenario), Some(out.clone()))
        .with_replications(NonZeroU64::new(6).unwrap());
    strikesim::app::run(&options, &Silent).expect("the priced scenario runs");
    let data = RunData::load(&out).expect("the run reads back");
    (tmp, data)
}

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() < 1e-6 * b.abs().max(1.0),
        "{what}: {a} != {b}"
    );
}

#[test]
fn pounds_are_counts_times_prices() {
    let (_tmp, data) = run_with(
        "[costs]\ninpatient_spell = 3000\nday_case = 700\noutpatient_first = 150\n\
         outpatient_follow_up = 90\nact_down_per_hour = 110\ncatch_up_list = 2500\n\
         catch_up_clinic = 900\nrebooked_within_year = false",
    );
    let prices = data
        .manifest
        .costs
        .clone()
        .expect("the manifest records the prices");
    assert_eq!(prices.inpatient_spell, 3000.0);
    assert!(!prices.rebooked_within_year);
    let cf: Vec<_> = data
        .replications
        .iter()
        .filter(|r| r.plan == COUNTERFACTUAL)
        .collect();
    let mut catch_up_seen = false;
    for r in &data.replications {
        let base = cf.iter().find(|c| c.replication == r.replication).unwrap();
        let v = |m| r.value(m);
        let value_cancelled = |x: &strikesim::output::rows::ReplicationRow| {
            x.value(M::ElectiveCancelledInpatient) * 3000.0
                + x.value(M::ElectiveCancelledDayCase) * 700.0
                + x.value(M::OutpatientCancelledNew) * 150.0
                + x.value(M::OutpatientCancelledFollowUp) * 90.0
        };
        let what = format!("{} replication {}", r.plan, r.replication);
        let income = value_cancelled(r) - value_cancelled(base);
        close(
            v(M::IncomeAtRisk),
            income,
            &format!("income at risk, {what}"),
        );
        let cover = v(M::ConsultantActDown) * 4.0 * 110.0;
        close(v(M::CostOfCover), cover, &format!("cover, {what}"));
        // The minimal example's catch-up is theatre lists only.
        let catch_up = v(M::CatchUpSessionsRun) * 2500.0;
        close(v(M::CostOfCatchUp), catch_up, &format!("catch-up, {what}"));
        catch_up_seen |= catch_up > 0.0;
        close(
            v(M::NetCost),
            income + cover + catch_up,
            &format!("net, {what}"),
        );
    }
    assert!(catch_up_seen, "the catch-up plan ran catch-up lists");
    // The counterfactual puts no income at risk against itself.
    assert!(cf.iter().all(|c| c.value(M::IncomeAtRisk) == 0.0));
}

#[test]
fn income_by_the_year_end_is_valued_from_the_count_window_to_31_march() {
    // Rebooked within the year (the default): income at risk is the fall in
    // work done from the start of the counting window to 31 March, so it
    // differs from the value of what was cancelled (work done again before
    // then earns its income; knock-on work after a cancelled first
    // appointment does not).
    let (_tmp, data) = run_with("[costs]\nrebooked_within_year = true");
    let prices = data.manifest.costs.clone().unwrap();
    let window = data.manifest.period.count_window.unwrap();
    assert_eq!(prices.income_from, window.from);
    assert_eq!(prices.income_to.to_string(), "2016-03-31");
    let (_tmp2, gross) = run_with("[costs]\nrebooked_within_year = false");
    let mean = |d: &RunData| d.summary_of("keep-booked", M::IncomeAtRisk).effect_mean;
    assert_ne!(mean(&data), mean(&gross));
    assert!(data
        .replications
        .iter()
        .filter(|r| r.plan == COUNTERFACTUAL)
        .all(|r| r.value(M::IncomeAtRisk) == 0.0));
}

#[test]
fn the_waterfall_flows_add_up_to_the_list_at_the_end() {
    let (_tmp, data) = run_with("");
    for r in &data.replications {
        let v = |m| r.value(m);
        let end = v(M::ListAtWalkout) + v(M::ReferredSinceWalkout)
            - v(M::TreatedAdmittedSinceWalkout)
            - v(M::TreatedNonAdmittedSinceWalkout)
            - v(M::RemovedSinceWalkout);
        assert_eq!(
            end,
            v(M::RttListEnd),
            "{} replication {}",
            r.plan,
            r.replication
        );
    }
    // The chart draws from the same rows.
    assert!(data
        .manifest
        .files
        .iter()
        .any(|f| f.path == "charts/waterfall.png"));
}

//! The check before a run that a planner makes first: does each
//! specialty's demand match its capacity? A list whose referrals outrun its
//! clinics and theatre lists grows every week with no strike at all, and a
//! strike's effect is then read against a moving baseline. A warning names
//! the specialty, the weekly flows and the drift they imply over the
//! reported horizon (see [`crate::model::balance`]).

use super::validate::Findings;
use super::Scenario;
use crate::model::balance::Balance;
use crate::output::human::count as group;

/// A no-strike list expected to move by more than this share of its size
/// over the reported horizon gets a warning.
pub const DRIFT_WARNING_SHARE: f64 = 0.05;

/// At most this many specialties are named; the rest are summed up.
const MAX_NAMED: usize = 8;

/// Warn for each specialty whose no-strike list would move by more than
/// [`DRIFT_WARNING_SHARE`] between `start` and the end of the run.
pub fn check_balance(scenario: &Scenario, f: &mut Findings) {
    let world = scenario.world();
    let weeks = (world.days - world.start_day) as f64 / 7.0;
    let mut moving: Vec<(f64, String, String)> = Vec::new();
    for (ti, t) in world.trusts.iter().enumerate() {
        for (si, sp) in t.specialties.iter().enumerate() {
            let list = sp.initial_list.total() as f64;
            let b = Balance::of(t, sp, list);
            let drift = b.drift_per_week() * weeks;
            let share = drift.abs() / list.max(1.0);
            // A shrinking estimate without spare capacity is removals
            // outrunning a queue near balance, which in the simulation
            // creeps up instead: not worth a warning.
            if share <= DRIFT_WARNING_SHARE || (drift < 0.0 && !b.has_spare_capacity()) {
                continue;
            }
            let [ip, dc] = [0, 1];
            let message = format!(
                "{} {} ({}): with no strike its list would {} by about {} patients ({:.0}% of {}) over the {:.0} weeks reported (a steady-flow estimate). Each week: {:.0} referrals against {:.0} first appointments; {:.0} inpatient and {:.0} day-case admissions needed against {:.0} and {:.0} operations; {:.0} leave the list untreated. A strike's effect is measured against this moving baseline (the paired difference is still fair), but check `referrals_per_week` and the templates",
                t.code,
                sp.name,
                sp.code,
                if drift > 0.0 { "grow" } else { "shrink" },
                group(drift.abs()),
                share * 100.0,
                group(list),
                weeks,
                b.referrals,
                b.first_appointments,
                b.admissions_needed[ip],
                b.admissions_needed[dc],
                b.operations[ip],
                b.operations[dc],
                b.removals,
            );
            moving.push((share, format!("trusts[{ti}].specialties[{si}]"), message));
        }
    }
    moving.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let more = moving.len().saturating_sub(MAX_NAMED);
    for (_, field, message) in moving.into_iter().take(MAX_NAMED) {
        f.warn(field, message);
    }
    if more > 0 {
        f.warn(
            "trusts",
            format!(
                "{more} more specialties' no-strike lists would move by more than {:.0}% over the run (the {MAX_NAMED} that move most are named above)",
                DRIFT_WARNING_SHARE * 100.0
            ),
        );
    }
}

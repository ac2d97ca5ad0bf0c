//! From a published turnout to the model's participation: one formula for
//! every walkout, of either kind.
//!
//! `participation` means the same thing in both kinds of walkout: the share
//! of the juniors asked to strike who strike. With emergency care provided
//! the juniors rostered on the emergency floor are not asked (they work);
//! in a full walkout every rostered junior is. NHS England published, on
//! each strike day, the share of the juniors who could have been at work
//! who were at work (`at_work`: "reported for duty" in a strike with
//! emergency care provided, one less "not at work" in a full walkout).
//! Those at work are the exempt plus the asked who did not strike:
//!
//! ```text
//! at_work = exempt + (1 - exempt) × (1 - participation)
//! participation = (1 - at_work) / (1 - exempt)
//! ```
//!
//! where `exempt` is the share of the rostered weekday juniors (striking
//! grades, affected trusts) on the emergency floor with emergency care
//! provided, and 0 in a full walkout. The juniors of the scenario's
//! specialties stand for all juniors: the published share is for all of
//! them.

use super::{Participation, ScenarioFile, Walkout, WalkoutKind};
use crate::model::vocab::Grade;

/// Share of the rostered weekday juniors that walkout `w` does not ask to
/// strike: those on the emergency floor (striking grades, affected
/// trusts) with emergency care provided; 0 in a full walkout, and 0 when
/// nobody is rostered.
pub fn exempt_share(file: &ScenarioFile, w: &Walkout) -> f64 {
    if w.kind == WalkoutKind::FullWalkout {
        return 0.0;
    }
    let (mut rostered, mut floor) = (0u64, 0u64);
    for t in &file.trusts {
        if !(w.trusts.is_empty() || w.trusts.contains(&t.code)) {
            continue;
        }
        for sp in &t.specialties {
            for g in Grade::ALL {
                if !w.grades.contains(&g) {
                    continue;
                }
                let i = g.index();
                let r = u64::from(sp.rota.weekday_day.as_array()[i]);
                let e = u64::from(sp.emergency_floor.weekday_day.as_array()[i]);
                rostered += r;
                floor += e.min(r);
            }
        }
    }
    if rostered == 0 {
        0.0
    } else {
        floor as f64 / rostered as f64
    }
}

/// The mean participation implied by a published `at_work` share when
/// `exempt` of the rostered juniors are not asked to strike:
/// `(1 - at_work) / (1 - exempt)`. None when `at_work` is below `exempt`
/// (more were exempt than were at work: the turnout and the floor do not
/// fit) or nobody is asked.
pub fn participation_from_turnout(at_work: f64, exempt: f64) -> Option<f64> {
    if exempt >= 1.0 || at_work < exempt {
        return None;
    }
    Some(((1.0 - at_work) / (1.0 - exempt)).clamp(0.0, 1.0))
}

/// The walkout's mean participation, whatever form it is given in (None
/// for a turnout that does not fit the floor).
pub fn participation_mean(file: &ScenarioFile, w: &Walkout) -> Option<f64> {
    Some(match &w.participation {
        Participation::Fixed { value } => value.get(),
        Participation::Uniform { low, high } => (low.get() + high.get()) / 2.0,
        Participation::Beta { mean, .. } => mean.get(),
        Participation::Turnout { at_work, .. } => {
            participation_from_turnout(at_work.get(), exempt_share(file, w))?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_formula_inverts_the_definition_of_at_work() {
        for exempt in [0.0, 0.1, 0.264, 0.5] {
            for p in [0.0, 0.3, 0.84, 1.0] {
                let at_work = exempt + (1.0 - exempt) * (1.0 - p);
                let back = participation_from_turnout(at_work, exempt).expect("fits");
                assert!((back - p).abs() < 1e-12, "exempt {exempt} p {p}: {back}");
            }
        }
        // A full walkout: nobody exempt, participation is those not at work.
        assert!((participation_from_turnout(0.22, 0.0).unwrap() - 0.78).abs() < 1e-12);
        // 12 January 2016 with a quarter on the floor.
        let p = participation_from_turnout(0.39, 0.264).unwrap();
        assert!((p - 0.61 / 0.736).abs() < 1e-12);
        // More exempt than at work does not fit.
        assert_eq!(participation_from_turnout(0.2, 0.3), None);
    }
}

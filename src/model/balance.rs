//! Demand against capacity: a specialty's weekly flows in and out of its
//! waiting list as its template and rates imply, and the drift in list
//! size they add up to.
//!
//! The same balance a waiting-list planner checks first (NHSRwaitinglist's
//! queue-balance checks are the reference): a list whose demand exceeds its
//! capacity grows every week whatever the strike does, and a list with
//! spare capacity shrinks until only patients already booked are left.
//! The model uses it twice: to seed the warm-up so the list arrives at its
//! stated size at `start` (see `trust/patients.rs`), and to warn before a
//! run when the no-strike list would move by more than a few per cent
//! (`scenario/validate/`).

use super::vocab::Setting;
use super::{SessionKind, SpecialtyModel, TrustModel};

/// A specialty's flows per week, in patients.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Balance {
    /// Referrals (new RTT clocks).
    pub referrals: f64,
    /// First appointments the clinics hold, less those who do not attend.
    pub first_appointments: f64,
    /// Patients added to the admitted lists (inpatient, day case).
    pub admissions_needed: [f64; 2],
    /// Operations the theatre lists hold, less background cancellations
    /// (inpatient, day case).
    pub operations: [f64; 2],
    /// Patients leaving the list untreated (validation, and declining two
    /// offered dates).
    pub removals: f64,
}

impl Balance {
    /// The weekly flows of specialty `sp` of trust `t` with `list` patients
    /// waiting, on a week of five working days.
    pub fn of(t: &TrustModel, sp: &SpecialtyModel, list: f64) -> Balance {
        let (mut slots, mut cases) = (0.0, [0.0; 2]);
        for tpl in &sp.templates {
            let days = tpl.weekdays[..5].iter().filter(|&&d| d).count() as f64;
            let per_week = days * f64::from(tpl.count);
            match tpl.kind {
                SessionKind::Clinic { new_slots, .. } => slots += per_week * f64::from(new_slots),
                SessionKind::Theatre { setting, cases: c } => {
                    cases[setting.index()] += per_week * f64::from(c)
                }
            }
        }
        let referrals = sp.referrals_per_week.get();
        let first_appointments = slots * (1.0 - t.dna_rate.get());
        // Patients seen go on to a decision; those to be admitted join the
        // admitted lists at the rate they are seen.
        let seen = referrals.min(first_appointments);
        let admitted = seen * sp.admit_share.get();
        let day_case = sp.day_case_share.get();
        let mut admissions_needed = [0.0; 2];
        admissions_needed[Setting::Inpatient.index()] = admitted * (1.0 - day_case);
        admissions_needed[Setting::DayCase.index()] = admitted * day_case;
        let kept = 1.0 - t.background_cancel_rate.get();
        Balance {
            referrals,
            first_appointments,
            admissions_needed,
            operations: cases.map(|c| c * kept),
            removals: list * (1.0 - (-7.0 * t.removal_rate_per_day).exp())
                + Self::declined_twice(t.offer_decline_rate.get(), referrals, admitted),
        }
    }

    /// Patients a week who decline two offered dates and go back to their
    /// GP: two declines of the first appointment (`d²` of referrals), or
    /// one there and one of the admission date, or two of the admission
    /// date (`2d²(1 - d)` of those admitted).
    fn declined_twice(d: f64, referrals: f64, admitted: f64) -> f64 {
        referrals * d * d + admitted * 2.0 * d * d * (1.0 - d)
    }

    /// Do the queues hold clearly more places than they have patients for
    /// (spare places amounting to more than 5% of the week's referrals)?
    /// Only then can a list drain: a queue near balance loses the places
    /// that fall on days it happens to be empty, so it creeps up rather
    /// than down.
    pub fn has_spare_capacity(&self) -> bool {
        let spare = (self.first_appointments - self.referrals).max(0.0)
            + (0..2)
                .map(|i| (self.operations[i] - self.admissions_needed[i]).max(0.0))
                .sum::<f64>();
        spare > 0.05 * self.referrals
    }

    /// Net weekly change in the list: each queue grows by its demand less
    /// its capacity, less removals. A queue with spare capacity is taken
    /// to have no backlog to work off (its spare places go unused), so it
    /// adds nothing either way.
    pub fn drift_per_week(&self) -> f64 {
        let first = (self.referrals - self.first_appointments).max(0.0);
        let admitted: f64 = (0..2)
            .map(|i| (self.admissions_needed[i] - self.operations[i]).max(0.0))
            .sum();
        first + admitted - self.removals
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn a_list_with_more_demand_than_capacity_grows() {
        let world = Scenario::bundled_default().world();
        let t = &world.trusts[0];
        let sp = &t.specialties[0];
        let list = sp.initial_list.total() as f64;
        let b = Balance::of(t, sp, list);
        assert_eq!(b.referrals, sp.referrals_per_week.get());
        let mut busier = sp.clone();
        busier.referrals_per_week = crate::model::values::NonNegative::try_from(b.referrals * 2.0)
            .expect("a non-negative number");
        let busy = Balance::of(t, &busier, list);
        assert!(busy.drift_per_week() > b.drift_per_week() + b.referrals * 0.5);
        let mut idle = sp.clone();
        idle.referrals_per_week = crate::model::values::NonNegative::try_from(0.0).expect("zero");
        assert!(Balance::of(t, &idle, list).drift_per_week() < 0.0);
        // Only the idle specialty has places to spare: a list near balance
        // is never said to drain.
        assert!(Balance::of(t, &idle, list).has_spare_capacity());
        assert!(!b.has_spare_capacity());
        assert!(!busy.has_spare_capacity());
    }
}

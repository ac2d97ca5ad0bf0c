//! What one specialty of one trust produced in one branch: the
//! cancellations counted in the counting window and its waiting list at
//! the end. The trust simulation keeps one per specialty beside its
//! [`super::outcome::Counters`] (`trust/`), and the ensemble breaks the
//! plans' effects down by specialty and trust from them
//! (`ensemble::breakdown`).
//!
//! The counts are the same ones [`super::outcome::Counters`] sums over the
//! trust, split by the specialty whose list, clinic or patient it was, so
//! a trust's specialties add up to its totals exactly (checked in every
//! debug build when a branch finishes).

use super::outcome::{Counters, ListState};

/// One specialty's outcome in one branch of one trust.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpecialtyOutcome {
    /// Elective admissions cancelled, in advance or on the day, as
    /// [`Counters::elective_in_advance`] and [`Counters::elective_on_day`]
    /// count them.
    pub elective_cancelled: u64,
    /// Outpatient appointments cancelled, new and follow-up, as
    /// [`Counters::outpatient`] counts them.
    pub outpatient_cancelled: u64,
    /// The specialty's waiting list at the end of the run (filled in when
    /// the branch finishes).
    pub end: ListState,
}

impl SpecialtyOutcome {
    /// Do `specialties` add up to the trust's `counters` and its list at
    /// the end, `end`?
    pub fn add_up_to(
        specialties: &[SpecialtyOutcome],
        counters: &Counters,
        end: &ListState,
    ) -> bool {
        let mut sum = SpecialtyOutcome::default();
        for s in specialties {
            sum.elective_cancelled += s.elective_cancelled;
            sum.outpatient_cancelled += s.outpatient_cancelled;
            sum.end.add(&s.end);
        }
        let elective = counters.elective_in_advance.iter().sum::<u64>()
            + counters.elective_on_day.iter().sum::<u64>();
        sum.elective_cancelled == elective
            && sum.outpatient_cancelled == counters.outpatient.iter().sum::<u64>()
            && sum.end == *end
    }
}

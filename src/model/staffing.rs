//! Rotas and staffing: juniors rostered by shift and grade, and how the
//! day's sessions are staffed from the juniors and consultants present.
//!
//! A list or clinic needs a consultant and a number of juniors by grade. A
//! more senior junior can fill a less senior junior's place; a consultant
//! acting down can fill any junior place, up to the number the plan allows
//! to be diverted. Work that cannot be staffed cannot run.
//!
//! Who is present in a given half-day (the rota less strikers, recalls and
//! consultants resting after a night) is worked out by the trust
//! simulation (`trust/sessions.rs`, `trust/walkout.rs`); this module holds
//! the rota itself and the allocation rules, which validation also uses.

use crate::engine::MINUTES_PER_HOUR;
use std::ops::Index;

/// Juniors by grade, indexed by [`super::vocab::Grade::index`]
/// (foundation, core, registrar).
pub type Juniors = [u32; 3];

/// `a - b`, grade by grade.
#[inline]
pub fn less(a: &Juniors, b: &Juniors) -> Juniors {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// The shifts of a junior rota.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    /// Monday to Friday day shift: covers elective sessions.
    WeekdayDay,
    /// Night shift, [`NIGHT_START`] to [`NIGHT_END`] the next morning.
    Night,
    /// Weekend and bank-holiday day shift: covers catch-up sessions.
    Weekend,
}

impl Shift {
    pub const ALL: [Shift; 3] = [Shift::WeekdayDay, Shift::Night, Shift::Weekend];

    /// The day shift of a day.
    pub fn day_shift(working_day: bool) -> Shift {
        if working_day {
            Shift::WeekdayDay
        } else {
            Shift::Weekend
        }
    }

    /// A number for keying random draws (weekday day 0, night 1, weekend 2).
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// Minutes after midnight at which the night shift starts, and (the next
/// morning) ends.
pub const NIGHT_START: i64 = 20 * MINUTES_PER_HOUR;
pub const NIGHT_END: i64 = 8 * MINUTES_PER_HOUR;

/// Juniors by shift and grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rota(pub [Juniors; 3]);

impl Index<Shift> for Rota {
    type Output = Juniors;
    #[inline]
    fn index(&self, shift: Shift) -> &Juniors {
        &self.0[shift.index()]
    }
}

/// Take `need[g]` juniors of grade g or any more senior grade from `spare`,
/// the most senior needs first, each from the least senior grade that can
/// do it. Returns how many places could not be filled (0 = all staffed);
/// `spare` is reduced by what was used either way.
pub fn allocate_upward(spare: &mut Juniors, need: &Juniors) -> u32 {
    let mut unfilled = 0;
    for g in (0..3).rev() {
        let mut left = need[g];
        for s in spare.iter_mut().skip(g) {
            let take = left.min(*s);
            *s -= take;
            left -= take;
        }
        unfilled += left;
    }
    unfilled
}

/// Who is free to staff elective work in one half-day of one specialty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotStaff {
    /// Juniors free for elective work, by grade (foundation, core, registrar).
    pub juniors: Juniors,
    /// Consultants free to lead a list or clinic.
    pub consultants: u32,
    /// Consultant sessions that may be diverted to act down.
    pub act_down: u32,
}

impl SlotStaff {
    /// Staff one session if possible, taking its staff out of the pool.
    /// Returns false (and takes nothing) if it cannot be staffed.
    pub fn try_staff(&mut self, need: &Juniors) -> bool {
        if self.consultants == 0 {
            return false;
        }
        let mut juniors = self.juniors;
        let unfilled = allocate_upward(&mut juniors, need);
        if unfilled > self.act_down {
            return false;
        }
        self.juniors = juniors;
        self.act_down -= unfilled;
        self.consultants -= 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seniors_cover_junior_places_but_not_the_reverse() {
        let mut spare = [0, 0, 2];
        assert_eq!(allocate_upward(&mut spare, &[1, 1, 0]), 0);
        assert_eq!(spare, [0, 0, 0]);
        let mut spare = [5, 5, 0];
        assert_eq!(allocate_upward(&mut spare, &[0, 0, 1]), 1);
        let mut spare = [1, 1, 1];
        assert_eq!(allocate_upward(&mut spare, &[1, 1, 1]), 0);
        assert_eq!(spare, [0, 0, 0]);
    }

    #[test]
    fn consultants_act_down_only_as_far_as_the_plan_allows() {
        let mut pool = SlotStaff {
            juniors: [0, 0, 1],
            consultants: 3,
            act_down: 1,
        };
        assert!(pool.try_staff(&[0, 0, 1])); // the registrar
        assert!(pool.try_staff(&[0, 1, 0])); // a consultant acts down
        assert!(!pool.try_staff(&[1, 0, 0])); // nobody left to act down
        assert_eq!(pool.consultants, 1);
        assert!(pool.try_staff(&[0, 0, 0])); // consultant-only list
        assert!(!pool.try_staff(&[0, 0, 0])); // no consultant left
    }
}

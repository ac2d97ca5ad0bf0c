//! Rotas and staffing: juniors rostered by shift and grade, and how the
//! day's sessions are staffed from the juniors and consultants present.
//!
//! A list or clinic needs a consultant and a number of juniors by grade. A
//! more senior junior can fill a less senior junior's place; a consultant
//! acting down can fill any junior place, up to the number the plan allows
//! to be diverted. Consultants are a finite pool in each half-day (the head
//! count less leave and on call): acting down takes a consultant out of it
//! just as leading a session does. Work that cannot be staffed cannot run.
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

/// Consultants away on an average day when `share` of `headcount` are on
/// leave (rounded to nine decimals, so 0.15 × 20 is 3, not a hair above).
pub fn expected_on_leave(share: f64, headcount: u32) -> f64 {
    (share * f64::from(headcount) * 1e9).round() / 1e9
}

/// The most consultants away on any day ([`consultants_on_leave`]).
pub fn most_on_leave(expected: f64) -> u32 {
    expected.ceil() as u32
}

/// Consultants away on leave on `day` when `expected` are away on an
/// average day: whole people, spread evenly so that any run of days
/// averages `expected` (no random draw, so every branch agrees). At most
/// `expected` rounded up.
pub fn consultants_on_leave(expected: f64, day: i64) -> u32 {
    let d = day as f64;
    ((d + 1.0) * expected).floor() as u32 - (d * expected).floor() as u32
}

/// Consultants present for elective work on a weekday: the head count
/// less those on leave and those on call for emergencies.
pub fn consultants_present(headcount: u32, on_leave: u32, on_call: u32) -> u32 {
    headcount.saturating_sub(on_leave).saturating_sub(on_call)
}

/// Consultants that may act down when `consultants` are present and the
/// plan lets `share` of them: the share, rounded down.
pub fn act_down_allowance(share: f64, consultants: u32) -> u32 {
    (share * f64::from(consultants)).floor() as u32
}

/// Cover a ward needing `need` juniors from `juniors` (least senior first,
/// taken out of it), then from consultants acting down, at most the
/// plan's `share` of the `consultants` present. Returns the consultants
/// acting down on the ward.
pub fn cover_ward(juniors: &mut Juniors, consultants: u32, need: u32, share: f64) -> u32 {
    let unfilled = allocate_upward(juniors, &[need, 0, 0]);
    unfilled.min(act_down_allowance(share, consultants))
}

/// Who is free to staff elective work in one half-day of one specialty.
///
/// Consultants are one pool: leading a session takes one, acting down
/// into a junior's place takes one, and nobody is used twice. Sessions
/// are staffed one by one in priority order, so acting down first uses the
/// consultants who lead nothing (their supporting work is left undone) and
/// then those of the sessions that come last, which go unstaffed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotStaff {
    /// Juniors free for elective work, by grade (foundation, core, registrar).
    pub juniors: Juniors,
    /// Consultants present and not yet used, to lead or to act down.
    pub consultants: u32,
    /// Consultants that may still be diverted to act down (the plan's
    /// share of those present, less those already acting down).
    pub act_down: u32,
    /// Consultants acting down so far.
    pub acted_down: u32,
    /// Sessions refused because no consultant was left to lead them.
    pub no_consultant: u32,
}

impl SlotStaff {
    /// The pool of a half-day: `juniors` and `consultants` present, and the
    /// plan's `act_down_share` of those consultants that may act down.
    pub fn new(juniors: Juniors, consultants: u32, act_down_share: f64) -> SlotStaff {
        SlotStaff {
            juniors,
            consultants,
            act_down: act_down_allowance(act_down_share, consultants),
            acted_down: 0,
            no_consultant: 0,
        }
    }

    /// Staff one session if possible, taking its staff out of the pool:
    /// one consultant to lead it, its juniors (seniors filling junior
    /// places), and one consultant for each place still empty, as far as
    /// the plan allows. Returns false (and takes nothing) if it cannot be
    /// staffed.
    pub fn try_staff(&mut self, need: &Juniors) -> bool {
        if self.consultants == 0 {
            self.no_consultant += 1;
            return false;
        }
        let mut juniors = self.juniors;
        let unfilled = allocate_upward(&mut juniors, need);
        if unfilled > self.act_down || 1 + unfilled > self.consultants {
            return false;
        }
        self.juniors = juniors;
        self.act_down -= unfilled;
        self.acted_down += unfilled;
        self.consultants -= 1 + unfilled;
        true
    }

    /// Staff as much of a clinic as possible when [`SlotStaff::try_staff`]
    /// cannot staff all of it: one consultant to lead it, then as many of
    /// its junior places as the juniors free and the consultants the plan
    /// lets act down can fill (one consultant must be left to lead).
    /// Returns the junior places filled, or None (taking nothing) when no
    /// consultant is free to lead it. A clinic's doctors each see an equal
    /// share of its patients, so a clinic that fills `k` of its `n` junior
    /// places runs `(1 + k) / (1 + n)` of its slots.
    pub fn try_staff_partly(&mut self, need: &Juniors) -> Option<u32> {
        if self.consultants == 0 {
            self.no_consultant += 1;
            return None;
        }
        let mut juniors = self.juniors;
        let unfilled = allocate_upward(&mut juniors, need);
        let acting = unfilled.min(self.act_down).min(self.consultants - 1);
        self.juniors = juniors;
        self.act_down -= acting;
        self.acted_down += acting;
        self.consultants -= 1 + acting;
        Some(need.iter().sum::<u32>() - unfilled + acting)
    }

    /// Of the consultants acting down, how many gave up their own session
    /// to do so: one for each session refused for want of a consultant to
    /// lead it, at most one per consultant acting down.
    pub fn own_sessions_given_up(&self) -> u32 {
        self.acted_down.min(self.no_consultant)
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
        // 4 present, a share of 0.5: two may act down.
        let mut pool = SlotStaff::new([0, 0, 1], 4, 0.5);
        assert_eq!(pool.act_down, 2);
        assert!(pool.try_staff(&[0, 0, 1])); // the registrar
        assert!(pool.try_staff(&[0, 1, 0])); // a consultant leads, one acts down
        assert_eq!(pool.consultants, 1);
        assert!(!pool.try_staff(&[1, 0, 0])); // a second would need two more
        assert!(pool.try_staff(&[0, 0, 0])); // consultant-only list
        assert!(!pool.try_staff(&[0, 0, 0])); // no consultant left
        assert_eq!((pool.acted_down, pool.no_consultant), (1, 1));
        assert_eq!(pool.own_sessions_given_up(), 1);
    }

    #[test]
    fn acting_down_uses_the_spare_consultants_first_then_the_last_sessions() {
        // Three sessions, four consultants: one spare. The first two
        // sessions each lack a junior.
        let mut pool = SlotStaff::new([0, 0, 0], 4, 1.0);
        assert!(pool.try_staff(&[1, 0, 0])); // lead + the spare acting down
        assert_eq!(pool.own_sessions_given_up(), 0);
        assert!(pool.try_staff(&[1, 0, 0])); // lead + the third session's consultant
        assert!(!pool.try_staff(&[0, 0, 0])); // the third session is given up
        assert_eq!(pool.acted_down, 2);
        assert_eq!(pool.own_sessions_given_up(), 1);
        assert_eq!(pool.consultants, 0);
    }

    /// Whatever the sessions ask, consultants used (leading and acting
    /// down) never exceed those present, and the plan's share bounds
    /// acting down.
    #[test]
    fn consultants_used_never_exceed_those_present() {
        for present in 0..8u32 {
            for juniors in [[0, 0, 0], [1, 0, 0], [0, 2, 1], [3, 3, 3]] {
                for share in [0.0, 0.3, 0.6, 1.0] {
                    for needs in [[1, 0, 0], [0, 1, 1], [2, 2, 2], [0, 0, 0]] {
                        let mut pool = SlotStaff::new(juniors, present, share);
                        let mut led = 0;
                        for _ in 0..10 {
                            if pool.try_staff(&needs) {
                                led += 1;
                            }
                        }
                        assert!(led + pool.acted_down <= present);
                        assert_eq!(led + pool.acted_down + pool.consultants, present);
                        assert!(f64::from(pool.acted_down) <= share * f64::from(present));
                        assert!(pool.own_sessions_given_up() <= pool.acted_down);
                    }
                }
            }
        }
    }

    #[test]
    fn a_clinic_short_of_juniors_is_staffed_in_part() {
        // A clinic of a consultant and two registrars, one registrar free.
        let mut pool = SlotStaff::new([0, 0, 1], 3, 0.0);
        assert!(!pool.try_staff(&[0, 0, 2]));
        assert_eq!(pool.try_staff_partly(&[0, 0, 2]), Some(1));
        assert_eq!((pool.juniors, pool.consultants), ([0, 0, 0], 2));
        // With acting down allowed, a consultant fills one place.
        let mut pool = SlotStaff::new([0, 0, 0], 3, 0.5);
        assert_eq!(pool.try_staff_partly(&[0, 0, 2]), Some(1));
        assert_eq!((pool.consultants, pool.acted_down), (1, 1));
        // No consultant: nothing runs and nothing is taken.
        let mut pool = SlotStaff::new([0, 0, 2], 0, 1.0);
        assert_eq!(pool.try_staff_partly(&[0, 0, 2]), None);
        assert_eq!(pool.juniors, [0, 0, 2]);
    }

    #[test]
    fn leave_is_spread_over_the_days_in_whole_people() {
        let days: Vec<u32> = (0..10).map(|d| consultants_on_leave(2.4, d)).collect();
        assert!(days.iter().all(|&n| n == 2 || n == 3), "{days:?}");
        assert_eq!(days.iter().sum::<u32>(), 24);
        assert_eq!(consultants_on_leave(0.0, 5), 0);
        let x = expected_on_leave(0.15, 20);
        assert_eq!(most_on_leave(x), 3);
        assert!((0..400).all(|d| consultants_on_leave(x, d) == 3));
        let x = expected_on_leave(0.15, 7);
        assert!((0..400).all(|d| consultants_on_leave(x, d) <= most_on_leave(x)));
        assert_eq!(consultants_present(16, 3, 1), 12);
        assert_eq!(consultants_present(1, 3, 1), 0);
    }
}

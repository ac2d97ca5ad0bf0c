//! Planning for a walkout known in advance: the staffing a trust expects
//! on a walkout day, and the plan's advance stand-down of the work that
//! staffing cannot cover.
//!
//! The trust does not know who will strike; it expects the walkout's mean
//! participation (or the plan's `plan_for_participation`), in each grade,
//! of the juniors asked to strike. With
//! emergency care provided those not on the emergency floor are asked; in a
//! full walkout everyone is, and the emergency floor is then filled from
//! the juniors expected at work (seniors covering junior places), then by
//! the consultants on call, then by consultants taken off elective work:
//! the trust's consultant emergency rota for the day, planned ahead.

use super::TrustSim;
use crate::engine::SimTime;
use crate::model::staffing::{
    allocate_upward, consultants_on_leave, consultants_present, cover_ward, less, Juniors, Shift,
    SlotStaff,
};
use crate::model::vocab::{SessionTime, WalkoutKind, AM_START, PM_END, PM_START};

impl TrustSim<'_> {
    /// Juniors free for elective work, and consultants present for it, that
    /// the trust expects in specialty `spec` on `day` of walkout `w` (a
    /// weekday day shift), before wards and sessions.
    pub(super) fn expected_staff(&self, spec: usize, w: usize, day: i64) -> (Juniors, u32) {
        let sp = &self.model.specialties[spec];
        let walkout = &self.world.walkouts[w];
        let p = self
            .plan
            .plan_for_participation
            .map_or(walkout.expected_participation, |p| p.get());
        let shift = Shift::day_shift(self.world.dates.is_working_day(day as usize));
        let (rota, floor) = (sp.rota[shift], sp.floor[shift]);
        let mut consultants = consultants_present(
            sp.consultants,
            consultants_on_leave(sp.consultants_on_leave, day),
            sp.consultants_on_call,
        );
        let strikers = |asked: &Juniors| -> Juniors {
            std::array::from_fn(|g| {
                if walkout.grades[g] {
                    (p * f64::from(asked[g])).round() as u32
                } else {
                    0
                }
            })
        };
        let juniors = match walkout.kind {
            WalkoutKind::EmergencyCareProvided => {
                let off_floor = less(&rota, &floor);
                less(&off_floor, &strikers(&off_floor))
            }
            WalkoutKind::FullWalkout => {
                let mut present = less(&rota, &strikers(&rota));
                let unfilled = allocate_upward(&mut present, &floor);
                consultants =
                    consultants.saturating_sub(unfilled.saturating_sub(sp.consultants_on_call));
                present
            }
        };
        (juniors, consultants)
    }

    /// The plan's advance stand-down of what the expected staffing of
    /// walkout `w` cannot cover: for each walkout half-day, the wards
    /// first, then the open sessions in staffing order (protected work
    /// first); a list or clinic that could not be staffed (a clinic not even
    /// in part) is stood down now, protected or not: protected work is
    /// staffed first, so what of it the expected staff cannot cover would
    /// be cancelled on the day, and its urgent patients are better told now
    /// (they go back at the head of the queue). Those that could be are
    /// ranked in that order, and are staffed first on the day in that
    /// order (`Session::plan_rank`).
    pub(super) fn stand_down_unstaffable(&mut self, w: usize) {
        let walkout = &self.world.walkouts[w];
        let (first, last) = (
            walkout.start.day(),
            walkout.end.day().min(self.world.days - 1),
        );
        for spec in 0..self.specs.len() {
            if !self.plan.stands_down(&self.model.specialties[spec].code) {
                continue;
            }
            for day in first..=last {
                if !self.world.dates.is_working_day(day as usize) {
                    continue;
                }
                let (mut held_juniors, mut held_consultants) = ([0u32; 3], 0u32);
                for pm in [false, true] {
                    let from = SimTime::at(day, if pm { PM_START } else { AM_START });
                    if !self.world.walkouts[w].overlaps(from, SimTime::at(day, PM_END)) {
                        continue;
                    }
                    let (mut juniors, mut consultants) = self.expected_staff(spec, w, day);
                    let allowance = self.plan.act_down_share.get();
                    if !pm {
                        // The ward, as the trust expects it that morning:
                        // the patients in beds and booked to be by then.
                        let need = self.ward_need(day, self.projected_beds(spec, day));
                        let before = juniors;
                        held_consultants = cover_ward(&mut juniors, consultants, need, allowance);
                        held_juniors = less(&before, &juniors);
                    } else {
                        juniors = less(&juniors, &held_juniors);
                    }
                    consultants = consultants.saturating_sub(held_consultants);
                    let mut ids: Vec<u32> = self.specs[spec].by_day[day as usize]
                        .iter()
                        .copied()
                        .filter(|&sid| {
                            let s = &self.specs[spec].sessions[sid as usize];
                            s.status == super::state::Status::Open
                                && !s.catch_up
                                && s.in_afternoon() == pm
                        })
                        .collect();
                    self.staffing_order(spec, &mut ids);
                    let mut pool = SlotStaff::new(juniors, consultants, allowance);
                    for (rank, sid) in ids.into_iter().enumerate() {
                        let s = &self.specs[spec].sessions[sid as usize];
                        let before = pool;
                        let staffed = pool.try_staff(&s.juniors)
                            || (!s.is_theatre() && pool.try_staff_partly(&s.juniors).is_some());
                        if staffed && s.time == SessionTime::AllDay {
                            let used = less(&before.juniors, &pool.juniors);
                            held_juniors = std::array::from_fn(|g| held_juniors[g] + used[g]);
                            held_consultants += before.consultants - pool.consultants;
                        }
                        if staffed {
                            self.specs[spec].sessions[sid as usize].plan_rank = rank as u32;
                        } else {
                            self.stand_down_session(spec, sid);
                        }
                    }
                }
            }
        }
    }
}

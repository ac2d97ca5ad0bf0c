//! Everything by which a walkout changes a trust's day: which sessions it
//! overlaps, who strikes (a counter-based draw per rota place), the plan's
//! major incident recall, consultants covering nights and resting the next
//! day, and the plan's advance stand-downs.
//!
//! The walkout itself (times, grades, participation and its sampling) is
//! `model/walkout.rs`; the normal day's staffing is `sessions.rs`, which
//! asks here when a walkout is on.

use super::state::{Event, Recall, Status, NO_SESSION, OUTPATIENT_FOLLOW_UP, OUTPATIENT_NEW};
use super::TrustSim;
use crate::engine::{SimTime, MINUTES_PER_HOUR};
use crate::model::random::{self, Purpose};
use crate::model::staffing::{allocate_upward, less, Juniors, Shift, NIGHT_END, NIGHT_START};
use crate::model::vocab::{WalkoutKind, AM_START, PM_END, PM_START};
use crate::model::SessionKind;

/// When, on its day, a plan's advance stand-down is decided: noon.
const STAND_DOWN_DECISION: i64 = 12 * MINUTES_PER_HOUR;

impl TrustSim<'_> {
    /// Schedule the plan's advance stand-down decision for each walkout
    /// affecting the trust: at noon, `stand_down_days_ahead` days before the
    /// walkout's first day (or now, if that has passed).
    pub(super) fn schedule_stand_downs(&mut self) {
        let (world, plan) = (self.world, self.plan);
        if !plan.has_stand_down() {
            return;
        }
        for (w, walkout) in world.walkouts.iter().enumerate() {
            let answered = plan
                .stand_down_kinds
                .as_ref()
                .is_none_or(|kinds| kinds.contains(&walkout.kind));
            if !walkout.trusts[self.trust] || !answered {
                continue;
            }
            let decide = SimTime::at(
                walkout.start.day() - plan.stand_down_days_ahead,
                STAND_DOWN_DECISION,
            );
            self.events.schedule(
                decide.max(self.events.now()),
                Event::StandDown { walkout: w as u16 },
            );
        }
    }

    /// Does a walkout affecting the trust overlap [from, to)? (Whether or
    /// not this branch strikes: sessions are marked in every branch, so
    /// that the counterfactual's planned walkout-day work can be counted.)
    pub(super) fn affected_by_walkout(&self, from: SimTime, to: SimTime) -> bool {
        self.world
            .walkouts
            .iter()
            .any(|w| w.trusts[self.trust] && w.overlaps(from, to))
    }

    /// The walkout affecting the trust in this half-day, if the branch
    /// strikes. The morning half-day runs to the end of the afternoon, as
    /// all-day sessions are staffed in the morning.
    pub(super) fn walkout_in_half_day(&self, day: i64, pm: bool) -> Option<usize> {
        if !self.striking {
            return None;
        }
        let from = if pm { PM_START } else { AM_START };
        let (from, to) = (SimTime::at(day, from), SimTime::at(day, PM_END));
        self.world
            .walkouts
            .iter()
            .position(|w| w.trusts[self.trust] && w.overlaps(from, to))
    }

    /// Juniors free for elective work and consultants present in a
    /// half-day of walkout `w`, from the normal day's `off_floor` juniors
    /// (rota less emergency floor) and `consultants`. With emergency care
    /// provided, strikers leave elective work only; in a full walkout the
    /// juniors present fill the emergency floor first (seniors covering
    /// junior places) and consultants fill what they cannot.
    pub(super) fn staff_in_walkout(
        &mut self,
        w: usize,
        spec: usize,
        shift: Shift,
        off_floor: Juniors,
        consultants: u32,
    ) -> (Juniors, u32) {
        let now = self.events.now();
        let recalled = self.recall_time(w).is_some_and(|t| now >= t);
        let strikers = self.strikers(w, spec, shift, recalled);
        let sp = &self.model.specialties[spec];
        match self.world.walkouts[w].kind {
            WalkoutKind::EmergencyCareProvided => (less(&off_floor, &strikers), consultants),
            WalkoutKind::FullWalkout => {
                // The juniors at work fill the floor, then the consultants
                // on call, then consultants off elective work.
                let mut present = less(&sp.rota[shift], &strikers);
                let unfilled = allocate_upward(&mut present, &sp.floor[shift]);
                let off_elective = unfilled.saturating_sub(sp.consultants_on_call);
                (present, consultants.saturating_sub(off_elective))
            }
        }
    }

    /// Consultants resting on `day` after covering the night before: in a
    /// full walkout, night places the present juniors cannot fill (from
    /// 20:00 to 08:00) are filled by consultants, who are then off the next
    /// day's lists and clinics.
    pub(super) fn resting_after_night(&mut self, spec: usize, day: i64) -> u32 {
        if !self.striking {
            return 0;
        }
        let (from, to) = (
            SimTime::at(day - 1, NIGHT_START),
            SimTime::at(day, NIGHT_END),
        );
        let night = self.world.walkouts.iter().position(|w| {
            w.trusts[self.trust] && w.kind == WalkoutKind::FullWalkout && w.overlaps(from, to)
        });
        let Some(w) = night else {
            return 0;
        };
        let recalled = self.recall_time(w).is_some_and(|t| t <= from);
        let sp = &self.model.specialties[spec];
        let (rota, floor) = (sp.rota[Shift::Night], sp.floor[Shift::Night]);
        let strikers = self.strikers(w, spec, Shift::Night, recalled);
        let mut present = less(&rota, &strikers);
        let unfilled = allocate_upward(&mut present, &floor);
        // The consultant on call covers one of the places.
        unfilled.saturating_sub(sp.consultants_on_call)
    }

    /// Juniors of each grade striking in specialty `spec` on `shift` during
    /// walkout `w`. Each rota place has its own draw, so more participation
    /// never means fewer strikers.
    fn strikers(&self, w: usize, spec: usize, shift: Shift, recalled: bool) -> Juniors {
        let walkout = &self.world.walkouts[w];
        let sp = &self.model.specialties[spec];
        let p = self.participation[w];
        let recall_share = self
            .plan
            .major_incident
            .map_or(0.0, |m| m.recall_share.get());
        let mut out = [0u32; 3];
        for (g, striking) in out.iter_mut().enumerate() {
            if !walkout.grades[g] {
                continue;
            }
            let eligible = match walkout.kind {
                WalkoutKind::EmergencyCareProvided => sp.rota[shift][g] - sp.floor[shift][g],
                WalkoutKind::FullWalkout => sp.rota[shift][g],
            };
            let place = random::key(&[w as u64, spec as u64, g as u64, shift.index() as u64]);
            for i in 0..u64::from(eligible) {
                let strikes = random::uniform(self.draw_base, Purpose::Strikes, place, i) < p;
                let returns = recalled
                    && random::uniform(self.draw_base, Purpose::Recall, place, i) < recall_share;
                if strikes && !returns {
                    *striking += 1;
                }
            }
        }
        out
    }

    /// When the plan's major incident recall takes effect for walkout `w`,
    /// if it is declared: when the share of rostered weekday juniors present
    /// across the trust falls below the threshold.
    fn recall_time(&mut self, w: usize) -> Option<SimTime> {
        match self.recall[w] {
            Recall::Never => return None,
            Recall::At(t) => return Some(t),
            Recall::NotYetChecked => {}
        }
        let decided = self.plan.major_incident.and_then(|incident| {
            let (mut rostered, mut present) = (0u32, 0u32);
            for spec in 0..self.model.specialties.len() {
                let rota = self.model.specialties[spec].rota[Shift::WeekdayDay];
                let strikers = self.strikers(w, spec, Shift::WeekdayDay, false);
                rostered += rota.iter().sum::<u32>();
                present += rota.iter().sum::<u32>() - strikers.iter().sum::<u32>();
            }
            let share = f64::from(present) / f64::from(rostered.max(1));
            (share < incident.threshold.get())
                .then(|| self.world.walkouts[w].start + incident.delay_minutes)
        });
        self.recall[w] = decided.map_or(Recall::Never, Recall::At);
        decided
    }

    /// The plan's advance stand-down for walkout `w`, at its decision: the
    /// review of inpatient admissions against ward cover (`wards.rs`), the
    /// given shares of routine (unprotected) theatre lists and clinics on
    /// walkout days, the least booked first, and what the expected
    /// staffing cannot cover (`planning.rs`).
    pub(super) fn stand_down(&mut self, w: usize) {
        if self.plan.stand_down_inpatients {
            self.review_inpatients(w);
        }
        self.stand_down_shares(w);
        if self.plan.stand_down_unstaffable {
            self.stand_down_unstaffable(w);
        }
    }

    /// The plan's stand-down shares for walkout `w`.
    fn stand_down_shares(&mut self, w: usize) {
        let walkout = &self.world.walkouts[w];
        let plan = self.plan;
        for spec in 0..self.specs.len() {
            if !plan.stands_down(&self.model.specialties[spec].code) {
                continue;
            }
            for (theatre, share) in [
                (true, plan.stand_down_theatre.get()),
                (false, plan.stand_down_clinic.get()),
            ] {
                if share <= 0.0 {
                    continue;
                }
                let mut routine: Vec<u32> = Vec::new();
                for day in walkout.start.day()..=walkout.end.day().min(self.world.days - 1) {
                    for &sid in &self.specs[spec].by_day[day as usize] {
                        let s = &self.specs[spec].sessions[sid as usize];
                        let (from, to) = s.time.bounds();
                        let overlaps =
                            walkout.overlaps(SimTime::at(day, from), SimTime::at(day, to));
                        if overlaps
                            && s.status == Status::Open
                            && s.is_theatre() == theatre
                            && !self.is_protected(s)
                        {
                            routine.push(sid);
                        }
                    }
                }
                let st = &self.specs[spec];
                routine.sort_by_key(|&sid| (st.sessions[sid as usize].booked.len(), sid));
                let n = (share * routine.len() as f64).round() as usize;
                for &sid in &routine[..n] {
                    self.stand_down_session(spec, sid);
                }
            }
        }
    }

    pub(super) fn stand_down_session(&mut self, spec: usize, sid: u32) {
        let s = &mut self.specs[spec].sessions[sid as usize];
        s.status = Status::StoodDown;
        let booked = std::mem::take(&mut s.booked);
        let admission = s.admission_setting();
        if let SessionKind::Clinic {
            follow_up_slots, ..
        } = s.kind
        {
            self.counters.outpatient[OUTPATIENT_FOLLOW_UP] += u64::from(follow_up_slots);
            self.specs[spec].outcome.outpatient_cancelled += u64::from(follow_up_slots);
        }
        let first = self.plan.stood_down_first;
        let binding = self.plan.binding_days;
        let today = self.events.now().day();
        for id in booked {
            if let Some(setting) = admission {
                self.counters.elective_in_advance[setting.index()] += 1;
                self.counters.elective_planned_walkout += 1;
                self.specs[spec].outcome.elective_cancelled += 1;
            } else {
                self.counters.outpatient[OUTPATIENT_NEW] += 1;
                self.specs[spec].outcome.outpatient_cancelled += 1;
            }
            let p = &mut self.patients[id as usize];
            p.session = NO_SESSION;
            if first && admission.is_some() {
                p.rebook_deadline = Some((today + binding) as i32);
            }
            self.enqueue(id);
        }
    }
}

//! Sessions: creating them from the weekly template (and the plan's
//! catch-up), staffing each half-day from the rota, and running or
//! cancelling them.
//!
//! The staffing here is the normal day's: the rota less its emergency
//! floor, the consultants in post less leave and on call, staff tied up in
//! all-day sessions. Catch-up sessions have their own pool, the plan's
//! catch-up staff, and are staffed when they are made. How a walkout
//! changes who is present is in `walkout.rs`, which `slot_staff` asks.

use super::state::{
    Session, Stage, Status, NO_SESSION, OUTPATIENT_FOLLOW_UP, OUTPATIENT_NEW, UNPLANNED,
};
use super::TrustSim;
use crate::engine::SimTime;
use crate::model::outcome::{ACTIVITY_FIRST, ACTIVITY_FOLLOW_UP, FLOW_ADMITTED};
use crate::model::random::{self, Purpose};
use crate::model::staffing::{
    consultants_on_leave, consultants_present, less, Juniors, Shift, SlotStaff,
};
use crate::model::vocab::{SessionTime, Setting};
use crate::model::SessionKind;
use std::cmp::Reverse;

impl TrustSim<'_> {
    /// The template's sessions of `day` (none on a bank holiday), and the
    /// plan's catch-up sessions.
    pub(super) fn create_sessions(&mut self, day: i64) {
        let dates = &self.world.dates;
        let (weekday, holiday) = (
            dates.weekday(day as usize),
            dates.is_bank_holiday(day as usize),
        );
        for spec in 0..self.specs.len() {
            if holiday {
                break;
            }
            for t in 0..self.model.specialties[spec].templates.len() {
                let tpl = &self.model.specialties[spec].templates[t];
                if tpl.weekdays[weekday] {
                    for _ in 0..tpl.count {
                        self.push_session(spec, day, t, false);
                    }
                }
            }
        }
        self.created_until = day;
        self.add_catch_up_sessions(day);
    }

    /// The plan's catch-up sessions of `day`: copies of each covered
    /// specialty's templates, theatre lists and then clinics in file order.
    /// Each is staffed when planned from the day's catch-up pool (one
    /// consultant and its juniors, each person doing one session); one the
    /// pool cannot staff is not made.
    pub(super) fn add_catch_up_sessions(&mut self, day: i64) {
        let Some(cu) = &self.plan.catch_up else {
            return;
        };
        let weekday = self.world.dates.weekday(day as usize);
        if day < cu.first_day || day > cu.last_day || !cu.weekdays[weekday] {
            return;
        }
        for spec in 0..self.specs.len() {
            let sp = &self.model.specialties[spec];
            if !cu.covers(&sp.code) {
                continue;
            }
            let theatre: Vec<usize> = (0..sp.templates.len())
                .filter(|&t| matches!(sp.templates[t].kind, SessionKind::Theatre { .. }))
                .collect();
            let clinics: Vec<usize> = (0..sp.templates.len())
                .filter(|&t| matches!(sp.templates[t].kind, SessionKind::Clinic { .. }))
                .collect();
            let mut pool = SlotStaff::new(cu.staff_juniors, cu.staff_consultants, 0.0);
            for (templates, n) in [(&theatre, cu.theatre_lists), (&clinics, cu.clinics)] {
                for k in 0..n as usize {
                    if let Some(&t) = templates.get(k % templates.len().max(1)) {
                        self.counters.catch_up_planned += 1;
                        if pool.try_staff(&self.model.specialties[spec].templates[t].juniors) {
                            self.push_session(spec, day, t, true);
                        }
                    }
                }
            }
        }
    }

    fn push_session(&mut self, spec: usize, day: i64, template: usize, catch_up: bool) {
        let tpl = &self.model.specialties[spec].templates[template];
        let (from, to) = tpl.time.bounds();
        let on_walkout = self.affected_by_walkout(SimTime::at(day, from), SimTime::at(day, to));
        let mut session = Session {
            day: day as i32,
            time: tpl.time,
            kind: tpl.kind,
            juniors: tpl.juniors,
            booked: Vec::new(),
            status: Status::Open,
            catch_up,
            on_walkout,
            closed: 0,
            plan_rank: UNPLANNED,
        };
        session.booked.reserve_exact(session.capacity());
        let st = &mut self.specs[spec];
        let q = session.queue();
        st.free_from[q] = st.free_from[q].min(day);
        st.by_day[day as usize].push(st.sessions.len() as u32);
        st.sessions.push(session);
    }

    /// 08:30 or 13:30: staff and run (or cancel) each specialty's open
    /// sessions of the half-day.
    pub(super) fn half_day(&mut self, day: i64, pm: bool) {
        if !pm {
            for st in &mut self.specs {
                st.all_day_juniors = [0; 3];
                st.all_day_consultants = 0;
            }
            self.cover_wards(day);
        }
        for spec in 0..self.specs.len() {
            let ids: Vec<u32> = self.specs[spec].by_day[day as usize]
                .iter()
                .copied()
                .filter(|&sid| {
                    let s = &self.specs[spec].sessions[sid as usize];
                    s.status == Status::Open && s.in_afternoon() == pm
                })
                .collect();
            if ids.is_empty() {
                continue;
            }
            self.staff_and_run(spec, day, pm, ids);
        }
    }

    /// Who is free for elective work in this half-day of this specialty,
    /// before the wards and the morning's all-day sessions: the juniors of
    /// the rota less its emergency floor, and the consultants in post less
    /// those on leave and on call; less strikers and consultants covering
    /// for them, and consultants resting after a night.
    pub(super) fn base_staff(&mut self, spec: usize, day: i64, pm: bool) -> (Juniors, u32) {
        let sp = &self.model.specialties[spec];
        let shift = Shift::day_shift(self.world.dates.is_working_day(day as usize));
        let mut juniors = less(&sp.rota[shift], &sp.floor[shift]);
        let mut consultants = consultants_present(
            sp.consultants,
            consultants_on_leave(sp.consultants_on_leave, day),
            sp.consultants_on_call,
        );
        if let Some(w) = self.walkout_in_half_day(day, pm) {
            (juniors, consultants) = self.staff_in_walkout(w, spec, shift, juniors, consultants);
        }
        consultants = consultants.saturating_sub(self.resting_after_night(spec, day));
        (juniors, consultants)
    }

    /// Who is free for this half-day's sessions: [`TrustSim::base_staff`]
    /// less the staff held all day by the ward and the morning's all-day
    /// sessions.
    fn slot_staff(&mut self, spec: usize, day: i64, pm: bool) -> SlotStaff {
        let (mut juniors, mut consultants) = self.base_staff(spec, day, pm);
        let st = &self.specs[spec];
        for (free, used) in juniors.iter_mut().zip(st.all_day_juniors) {
            *free = free.saturating_sub(used);
        }
        consultants = consultants.saturating_sub(st.all_day_consultants);
        SlotStaff::new(juniors, consultants, self.plan.act_down_share.get())
    }

    /// Sort a half-day's sessions into staffing order: sessions the plan
    /// ranked when it planned around the walkout first, in that order; then
    /// protected work, then theatre before clinics, then the most work (an
    /// inpatient case counts one and a half day cases: longer operations,
    /// harder to rebook).
    pub(super) fn staffing_order(&self, spec: usize, ids: &mut [u32]) {
        let st = &self.specs[spec];
        // Each key once: whether a session is protected looks at every
        // patient booked on it.
        ids.sort_by_cached_key(|&sid| {
            let s = &st.sessions[sid as usize];
            let weight = match s.admission_setting() {
                Some(Setting::DayCase) => 2,
                Some(Setting::Inpatient) | None => 3,
            };
            (
                s.plan_rank,
                !self.is_protected(s),
                !s.is_theatre(),
                Reverse(weight * s.booked.len()),
                sid,
            )
        });
    }

    /// Is the session protected from stand-downs and staffed first?
    pub(super) fn is_protected(&self, s: &Session) -> bool {
        s.catch_up || s.booked.iter().any(|&id| self.protects_patient(id))
    }

    /// Is the patient of a priority the plan protects?
    pub(super) fn protects_patient(&self, id: u32) -> bool {
        let priority = self.patients[id as usize].priority;
        self.plan
            .protect_up_to
            .is_some_and(|up_to| priority <= up_to)
    }

    /// Staff the half-day's sessions in priority order; run those staffed
    /// and cancel the rest on the day. Catch-up sessions were staffed from
    /// their own pool when they were made, and run.
    fn staff_and_run(&mut self, spec: usize, day: i64, pm: bool, mut ids: Vec<u32>) {
        ids.retain(|&sid| {
            if !self.specs[spec].sessions[sid as usize].catch_up {
                return true;
            }
            self.run_session(spec, sid, day);
            false
        });
        if ids.is_empty() {
            return;
        }
        let mut staff = self.slot_staff(spec, day, pm);
        let (present, mut led) = (staff.consultants, 0);
        self.staffing_order(spec, &mut ids);
        for sid in ids {
            let s = &self.specs[spec].sessions[sid as usize];
            let before = staff;
            let mut staffed = staff.try_staff(&s.juniors);
            if !staffed && !s.is_theatre() {
                // A clinic runs the slots of the doctors it has.
                let need = s.juniors;
                if let Some(filled) = staff.try_staff_partly(&need) {
                    let doctors = 1 + need.iter().sum::<u32>();
                    self.cut_clinic(spec, sid, day, f64::from(1 + filled) / f64::from(doctors));
                    staffed = true;
                }
            }
            let s = &self.specs[spec].sessions[sid as usize];
            if staffed && s.time == SessionTime::AllDay {
                let st = &mut self.specs[spec];
                for g in 0..3 {
                    st.all_day_juniors[g] += before.juniors[g] - staff.juniors[g];
                }
                // The lead and any consultant acting down stay all day.
                st.all_day_consultants += before.consultants - staff.consultants;
            }
            if staffed {
                led += 1;
                self.run_session(spec, sid, day);
            } else {
                self.cancel_on_day(spec, sid, day);
            }
        }
        // Nobody is conjured: leading and acting down use at most the
        // consultants present (checked in every test run).
        debug_assert_eq!(led + staff.acted_down + staff.consultants, present);
        if self.in_window(day) {
            self.counters.consultant_act_down += u64::from(staff.acted_down);
            self.counters.consultant_act_down_own_session +=
                u64::from(staff.own_sessions_given_up());
        }
    }

    /// Run a staffed session: operations (less background cancellations)
    /// or first appointments (less those who do not attend).
    fn run_session(&mut self, spec: usize, sid: u32, day: i64) {
        let booked = std::mem::take(&mut self.specs[spec].sessions[sid as usize].booked);
        let s = &mut self.specs[spec].sessions[sid as usize];
        s.status = Status::Ran;
        let (admission, on_walkout, catch_up) = (s.admission_setting(), s.on_walkout, s.catch_up);
        let follow_up_slots = match s.kind {
            SessionKind::Clinic {
                follow_up_slots, ..
            } => u64::from(follow_up_slots),
            _ => 0,
        };
        self.counters.catch_up_sessions_run += u64::from(catch_up);
        self.counters.catch_up_lists_run += u64::from(catch_up && admission.is_some());
        let counted = self.in_window(day);
        let in_year = self.in_income_window(day);
        if in_year {
            self.counters.activity_in_year[ACTIVITY_FOLLOW_UP] += follow_up_slots;
        }
        let now = self.events.now();
        for &id in &booked {
            let p = &mut self.patients[id as usize];
            p.session = NO_SESSION;
            p.attempts += 1;
            let draw = (u64::from(id), u64::from(p.attempts));
            if let Some(setting) = admission {
                if on_walkout {
                    self.counters.elective_planned_walkout += 1;
                }
                let nights = match setting {
                    Setting::Inpatient => self.stay_nights(spec, id, draw.1 as u16),
                    Setting::DayCase => None,
                };
                if let Some(nights) = nights {
                    if !self.protects_patient(id) && self.ward_refuses(spec, day, nights, None) {
                        // The ward cannot take them through the walkout.
                        if counted {
                            self.counters.elective_on_day[setting.index()] += 1;
                            self.specs[spec].outcome.elective_cancelled += 1;
                        }
                        self.rebook_binding(id, day, counted);
                        continue;
                    }
                }
                let u = random::uniform(self.draw_base, Purpose::BackgroundCancel, draw.0, draw.1);
                if u < self.model.background_cancel_rate.get() {
                    if counted {
                        self.counters.elective_on_day[setting.index()] += 1;
                        self.specs[spec].outcome.elective_cancelled += 1;
                    }
                    self.rebook_binding(id, day, counted);
                } else {
                    if on_walkout {
                        self.counters.elective_done_walkout += 1;
                    }
                    self.counters.treated_admitted += 1;
                    self.count_since_walkout(FLOW_ADMITTED);
                    if in_year {
                        self.counters.activity_in_year[setting.index()] += 1;
                    }
                    self.counters.catch_up_operations += u64::from(catch_up);
                    self.clock_stop(id, Stage::Treated);
                    if let Some(nights) = nights {
                        self.admit_to_ward(spec, day, nights);
                    }
                }
            } else {
                let u = random::uniform(self.draw_base, Purpose::DidNotAttend, draw.0, draw.1);
                if u < self.model.dna_rate.get() {
                    self.enqueue(id);
                } else {
                    self.counters.catch_up_first_appointments += u64::from(catch_up);
                    if in_year {
                        self.counters.activity_in_year[ACTIVITY_FIRST] += 1;
                    }
                    p.stage = Stage::Deciding;
                    let delay = p.decision_delay_min;
                    if delay <= 0 {
                        self.decision(id);
                    } else {
                        self.schedule_decision(id, now + delay);
                    }
                }
            }
        }
        // Reuse the allocation: the session is over.
        let mut booked = booked;
        booked.clear();
        self.specs[spec].sessions[sid as usize].booked = booked;
    }

    /// A clinic running `share` of its slots (its doctors each see an
    /// equal share): the new patients booked beyond that share, the last
    /// booked first, go back in the queue, and the follow-up slots beyond
    /// it are cancelled; both are counted as appointments cancelled.
    fn cut_clinic(&mut self, spec: usize, sid: u32, day: i64, share: f64) {
        let counted = self.in_window(day);
        let s = &mut self.specs[spec].sessions[sid as usize];
        let SessionKind::Clinic {
            new_slots,
            follow_up_slots,
        } = s.kind
        else {
            return;
        };
        let keep = |slots: u32| (share * f64::from(slots)).round() as u32;
        let kept_new = keep(new_slots) as usize;
        let dropped: Vec<u32> = if s.booked.len() > kept_new {
            s.booked.split_off(kept_new)
        } else {
            Vec::new()
        };
        let cut_follow_ups = u64::from(follow_up_slots - keep(follow_up_slots));
        if counted {
            self.counters.outpatient[OUTPATIENT_NEW] += dropped.len() as u64;
            self.counters.outpatient[OUTPATIENT_FOLLOW_UP] += cut_follow_ups;
            self.specs[spec].outcome.outpatient_cancelled += dropped.len() as u64 + cut_follow_ups;
        }
        if self.in_income_window(day) {
            self.counters.follow_up_cut_in_year += cut_follow_ups;
        }
        for id in dropped {
            self.patients[id as usize].session = NO_SESSION;
            self.enqueue(id);
        }
    }

    /// Cancel an unstaffed session on the day: theatre patients get a
    /// binding new date, clinic patients go back in the queue.
    fn cancel_on_day(&mut self, spec: usize, sid: u32, day: i64) {
        let counted = self.in_window(day);
        let s = &mut self.specs[spec].sessions[sid as usize];
        s.status = Status::Cancelled;
        let booked = std::mem::take(&mut s.booked);
        let (admission, on_walkout) = (s.admission_setting(), s.on_walkout);
        if let SessionKind::Clinic {
            follow_up_slots, ..
        } = s.kind
        {
            if counted {
                self.counters.outpatient[OUTPATIENT_FOLLOW_UP] += u64::from(follow_up_slots);
                self.specs[spec].outcome.outpatient_cancelled += u64::from(follow_up_slots);
            }
        }
        for id in booked {
            self.patients[id as usize].session = NO_SESSION;
            if let Some(setting) = admission {
                if on_walkout {
                    self.counters.elective_planned_walkout += 1;
                }
                if counted {
                    self.counters.elective_on_day[setting.index()] += 1;
                    self.specs[spec].outcome.elective_cancelled += 1;
                }
                self.rebook_binding(id, day, counted);
            } else {
                if counted {
                    self.counters.outpatient[OUTPATIENT_NEW] += 1;
                    self.specs[spec].outcome.outpatient_cancelled += 1;
                }
                self.enqueue(id);
            }
        }
    }
}

//! Elective inpatients on the wards: how long they stay, the juniors their
//! ward needs each working day, and the trust's rule for admitting one
//! whose stay would reach into a walkout.
//!
//! Wards are modelled when the trust states `ward_patients_per_junior` and
//! the specialty an inpatient stay; otherwise nothing here takes anyone off
//! the lists. An inpatient admitted on day `d` for `n` nights is on the
//! ward on days `d + 1` to `d + n` (the day of the operation is the theatre
//! team's). Each working day the ward needs one junior per
//! `ward_patients_per_junior` patients, filled before any list or clinic
//! (least senior juniors first, then consultants the plan lets act down):
//! patients in beds come first.
//!
//! In a walkout the trust admits an inpatient only if, on every walkout
//! day of the stay, its ward would stay within what the staff it expects
//! at work can cover (participation at its mean; see `planning.rs`):
//! otherwise the admission is cancelled on the day, or postponed in advance
//! by a plan that reviews its admissions (`stand_down.inpatients_at_risk`).
//! Urgent patients the plan protects are always admitted.

use super::state::NO_SESSION;
use super::TrustSim;
use crate::engine::SimTime;
use crate::model::random::{self, Purpose};
use crate::model::staffing::{act_down_allowance, cover_ward, Juniors};
use crate::model::vocab::{Setting, PM_END};
use crate::model::StayModel;
use std::f64::consts::TAU;

/// The first hour of the day shift whose walkout status decides a ward day:
/// 08:00, as the ward round.
const WARD_ROUND: i64 = 8 * crate::engine::MINUTES_PER_HOUR;

impl TrustSim<'_> {
    /// Beds counted per day: the simulated days and the longest stay after.
    pub(super) fn bed_days(world_days: i64) -> usize {
        world_days as usize + StayModel::MAX_NIGHTS as usize + 2
    }

    /// Nights patient `id` of specialty `spec` stays if admitted at their
    /// `attempt`-th booking (a counter-based draw, the same in every
    /// branch); None when wards are not modelled.
    pub(super) fn stay_nights(&self, spec: usize, id: u32, attempt: u16) -> Option<u32> {
        self.model.ward_patients_per_junior?;
        let stay = self.model.specialties[spec].inpatient_stay?;
        let key = 2 * u64::from(attempt);
        let u1 = random::uniform(self.draw_base, Purpose::Stay, u64::from(id), key);
        let u2 = random::uniform(self.draw_base, Purpose::Stay, u64::from(id), key + 1);
        // Box-Muller: one standard normal from two uniforms.
        let z = (-2.0 * (1.0 - u1).ln()).sqrt() * (TAU * u2).cos();
        Some(stay.nights(z))
    }

    /// Put an admitted inpatient in a bed for their stay.
    pub(super) fn admit_to_ward(&mut self, spec: usize, day: i64, nights: u32) {
        add_stay(&mut self.beds[spec], day, nights);
    }

    /// Elective inpatients of `spec` in beds on `day`.
    pub(super) fn in_beds(&self, spec: usize, day: i64) -> u32 {
        self.beds[spec].get(day as usize).copied().unwrap_or(0)
    }

    /// Elective inpatients of `spec` the trust expects in beds on `day`,
    /// seen from now: those in beds already, and those booked on an open
    /// inpatient list before `day` whose stay would reach it.
    pub(super) fn projected_beds(&self, spec: usize, day: i64) -> u32 {
        let mut beds = self.in_beds(spec, day);
        if self.beds[spec].is_empty() {
            return beds;
        }
        let from = self
            .events
            .now()
            .day()
            .max(day - i64::from(StayModel::MAX_NIGHTS));
        for d in from..day {
            let Some(ids) = self.specs[spec].by_day.get(d as usize) else {
                continue;
            };
            for &sid in ids {
                let s = &self.specs[spec].sessions[sid as usize];
                if !s.is_open_inpatient_list() {
                    continue;
                }
                for &id in &s.booked {
                    let attempt = self.patients[id as usize].attempts + 1;
                    if let Some(nights) = self.stay_nights(spec, id, attempt) {
                        if d + i64::from(nights) >= day {
                            beds += 1;
                        }
                    }
                }
            }
        }
        beds
    }

    /// Juniors the ward of `spec` needs on `day` for `patients` patients:
    /// one per `ward_patients_per_junior`, rounded up; none on weekends and
    /// bank holidays (the weekend rota covers them) or without wards.
    pub(super) fn ward_need(&self, day: i64, patients: u32) -> u32 {
        match self.model.ward_patients_per_junior {
            Some(per) if self.world.dates.is_working_day(day as usize) => patients.div_ceil(per),
            _ => 0,
        }
    }

    /// The walkout whose hours cover the ward round of `day` in this
    /// branch, if any.
    pub(super) fn walkout_on_ward_round(&self, day: i64) -> Option<usize> {
        if !self.striking {
            return None;
        }
        let (from, to) = (SimTime::at(day, WARD_ROUND), SimTime::at(day, PM_END));
        self.world
            .walkouts
            .iter()
            .position(|w| w.trusts[self.trust] && w.overlaps(from, to))
    }

    /// Patients the ward of `spec` can take on `day` of walkout `w`, as
    /// the trust expects when it decides: the juniors it expects free for
    /// elective work and the consultants the plan lets act down, each
    /// covering `ward_patients_per_junior`.
    pub(super) fn expected_ward_capacity(&self, spec: usize, w: usize, day: i64) -> u64 {
        let Some(per) = self.model.ward_patients_per_junior else {
            return u64::MAX;
        };
        let (juniors, consultants) = self.expected_staff(spec, w, day);
        let allowance = act_down_allowance(self.plan.act_down_share.get(), consultants);
        let doctors = juniors.iter().map(|&j| u64::from(j)).sum::<u64>() + u64::from(allowance);
        doctors * u64::from(per)
    }

    /// Would the trust refuse to admit, on `day`, an inpatient of `spec`
    /// staying `nights`, because on a walkout day of the stay its ward
    /// would need more cover than it expects to have? `planned` holds
    /// admissions already counted on top of the beds (by day).
    pub(super) fn ward_refuses(
        &self,
        spec: usize,
        day: i64,
        nights: u32,
        planned: Option<&[u32]>,
    ) -> bool {
        ward_days(day, nights).any(|t| {
            self.walkout_on_ward_round(t).is_some_and(|w| {
                let extra = planned
                    .and_then(|p| p.get(t as usize))
                    .copied()
                    .unwrap_or(0);
                u64::from(self.in_beds(spec, t) + extra) + 1
                    > self.expected_ward_capacity(spec, w, t)
            })
        })
    }

    /// 08:30 on a working day: cover each ward before the day's lists and
    /// clinics, from the juniors free for elective work (least senior
    /// first) and then the consultants the plan lets act down. What the
    /// ward takes is held all day (like an all-day list).
    pub(super) fn cover_wards(&mut self, day: i64) {
        for spec in 0..self.specs.len() {
            let need = self.ward_need(day, self.in_beds(spec, day));
            if need == 0 {
                continue;
            }
            let (mut juniors, consultants) = self.base_staff(spec, day, false);
            let before: Juniors = juniors;
            let acting = cover_ward(
                &mut juniors,
                consultants,
                need,
                self.plan.act_down_share.get(),
            );
            let st = &mut self.specs[spec];
            for g in 0..3 {
                st.all_day_juniors[g] += before[g] - juniors[g];
            }
            st.all_day_consultants += acting;
            if self.in_window(day) {
                self.counters.consultant_act_down += u64::from(acting);
            }
        }
    }

    /// The plan's review of inpatient admissions before walkout `w`: from
    /// tomorrow to the walkout's last day, in date and booking order, each
    /// booked inpatient whose stay would take a walkout day's ward past
    /// what the trust expects to cover is postponed now (counted as
    /// stood down in advance) and the place left empty; protected patients
    /// are kept and take their beds.
    pub(super) fn review_inpatients(&mut self, w: usize) {
        let today = self.events.now().day();
        let last = self.world.walkouts[w].end.day().min(self.world.days - 1);
        for spec in 0..self.specs.len() {
            if self.model.specialties[spec].inpatient_stay.is_none()
                || self.model.ward_patients_per_junior.is_none()
                || !self.plan.stands_down(&self.model.specialties[spec].code)
            {
                continue;
            }
            let mut planned = vec![0u32; self.beds[spec].len()];
            for day in today + 1..=last {
                let ids = self.specs[spec].by_day[day as usize].clone();
                for sid in ids {
                    let s = &self.specs[spec].sessions[sid as usize];
                    if !s.is_open_inpatient_list() {
                        continue;
                    }
                    let booked = s.booked.clone();
                    for id in booked {
                        let attempt = self.patients[id as usize].attempts + 1;
                        let Some(nights) = self.stay_nights(spec, id, attempt) else {
                            continue;
                        };
                        if self.protects_patient(id)
                            || !self.ward_refuses(spec, day, nights, Some(&planned))
                        {
                            add_stay(&mut planned, day, nights);
                        } else {
                            self.postpone_admission(spec, sid, id);
                        }
                    }
                }
            }
        }
    }

    /// Take a booked inpatient off session `sid` in advance, leaving the
    /// place empty.
    fn postpone_admission(&mut self, spec: usize, sid: u32, id: u32) {
        let s = &mut self.specs[spec].sessions[sid as usize];
        if let Some(i) = s.booked.iter().position(|&b| b == id) {
            s.booked.remove(i);
        }
        s.closed += 1;
        let on_walkout = s.on_walkout;
        self.counters.elective_in_advance[Setting::Inpatient.index()] += 1;
        self.specs[spec].outcome.elective_cancelled += 1;
        if on_walkout {
            self.counters.elective_planned_walkout += 1;
        }
        self.patients[id as usize].session = NO_SESSION;
        self.enqueue(id);
    }
}

/// The days an inpatient admitted on `day` for `nights` nights is on the
/// ward: from the next day to the day of discharge.
fn ward_days(day: i64, nights: u32) -> std::ops::RangeInclusive<i64> {
    day + 1..=day + i64::from(nights)
}

/// Count a stay in `beds` (patients by day), days past its end left out.
fn add_stay(beds: &mut [u32], day: i64, nights: u32) {
    for t in ward_days(day, nights) {
        if let Some(b) = beds.get_mut(t as usize) {
            *b += 1;
        }
    }
}

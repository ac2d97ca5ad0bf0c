//! Patients: the initial waiting list, referrals, the list itself (RTT
//! clocks by start day), decisions after the first appointment, removals,
//! and offers declined.
//!
//! Booking patients into sessions is in `booking.rs`; what happens to them
//! when a session runs or is cancelled is in `sessions.rs`.

use super::state::Event;
use super::state::{entry_with_patient, queue_entry_patient, Queue, QueueEntry};
use super::state::{Patient, Stage, NO_SESSION};
use super::{TrustSim, MAX_INITIAL_AGE_DAYS};
use crate::engine::{SimTime, MINUTES_PER_DAY};
use crate::model::balance::Balance;
use crate::model::outcome::{Counters, ListState, FLOW_NON_ADMITTED, FLOW_REFERRED, FLOW_REMOVED};
use crate::model::random::{self, Purpose};
use crate::model::specialty::SpecialtyOutcome;
use crate::model::{InitialList, TrustModel, DAYS_18_WEEKS, DAYS_52_WEEKS};
use rand::RngExt;
use rand_distr::{Distribution, Poisson};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::collections::BinaryHeap;
use std::sync::Arc;

/// A patient's attributes, drawn once at referral from the trust's
/// referral stream, so every branch gets the same patients.
#[derive(Debug, Clone, Copy)]
pub(super) struct Arrival {
    spec: u16,
    priority: u8,
    admit: bool,
    day_case: bool,
    decision_delay_min: i64,
    /// Minutes after referral at which the patient would leave the list
    /// untreated, if removals happen at all.
    removal_after_min: Option<i64>,
}

impl Arrival {
    /// Draw a patient of specialty `spec`. `stage` and `complex` describe
    /// patients already on the list at the start.
    pub(super) fn draw(
        rng: &mut Xoshiro256PlusPlus,
        model: &TrustModel,
        spec: usize,
        stage: Stage,
        complex: bool,
    ) -> Arrival {
        let sp = &model.specialties[spec];
        let u: [f64; 8] = std::array::from_fn(|_| rng.random());
        let priority = sp.priority_cdf.iter().position(|&c| u[0] < c).unwrap_or(3) as u8;
        // Among patients already waiting for a decision at the start,
        // complex pathways are over-represented by their length.
        let complex_share = if stage == Stage::Deciding {
            sp.complex_share.get() * sp.complex_mean_days / sp.mean_decision_days().max(1e-9)
        } else {
            sp.complex_share.get()
        };
        let exp = |x: f64| -(1.0 - x).ln();
        let decision_days = if complex {
            // Already far along a complex pathway: one step to go.
            sp.complex_mean_days * exp(u[3]) / 3.0
        } else if u[5] < complex_share {
            // Several steps in turn: Erlang-3, so few run past a year.
            sp.complex_mean_days * (exp(u[3]) + exp(u[6]) + exp(u[7])) / 3.0
        } else {
            sp.decision_mean_days * exp(u[3])
        };
        let rate = model.removal_rate_per_day;
        Arrival {
            spec: spec as u16,
            priority,
            admit: u[1] < sp.admit_share.get(),
            day_case: u[2] < sp.day_case_share.get(),
            decision_delay_min: (decision_days * MINUTES_PER_DAY as f64) as i64,
            removal_after_min: (rate > 0.0)
                .then(|| (exp(u[4]) / rate * MINUTES_PER_DAY as f64).min(1e15) as i64),
        }
    }
}

impl TrustSim<'_> {
    pub(super) fn list_add(&mut self, clock_start: i32) {
        self.by_start[(i64::from(clock_start) - self.offset) as usize] += 1;
        self.waiting += 1;
    }

    pub(super) fn clock_stop(&mut self, id: u32, stage: Stage) {
        let p = &mut self.patients[id as usize];
        debug_assert!(p.on_list());
        p.stage = stage;
        p.session = NO_SESSION;
        if let Some(ev) = p.removal.take() {
            self.events.cancel(ev);
        }
        let idx = (i64::from(p.clock_start) - self.offset) as usize;
        self.by_start[idx] -= 1;
        self.waiting -= 1;
    }

    pub(super) fn list_state(&self, day: i64) -> ListState {
        let idx = |d: i64| (d - self.offset).clamp(0, self.by_start.len() as i64 - 1) as usize;
        let sum = |from: i64| -> u64 {
            self.by_start[idx(from)..=idx(day)]
                .iter()
                .map(|&c| u64::from(c))
                .sum()
        };
        let within = sum(day - DAYS_18_WEEKS);
        let within_52 = sum(day - DAYS_52_WEEKS);
        ListState {
            waiting: self.waiting,
            within_18w: within,
            over_52w: self.waiting - within_52,
        }
    }

    /// Each specialty's outcome: its counts, and its share of the list at
    /// 00:00 on `day` as [`TrustSim::list_state`] counts it.
    pub(super) fn specialty_outcomes(&self, day: i64) -> Vec<SpecialtyOutcome> {
        let mut out: Vec<SpecialtyOutcome> = self.specs.iter().map(|s| s.outcome).collect();
        for o in &mut out {
            o.end = ListState::default();
        }
        let (from_18w, from_52w) = (day - DAYS_18_WEEKS, day - DAYS_52_WEEKS);
        for p in self.patients.iter().filter(|p| p.on_list()) {
            let end = &mut out[usize::from(p.spec)].end;
            let start = i64::from(p.clock_start);
            end.waiting += 1;
            end.within_18w += u64::from(start >= from_18w);
            end.over_52w += u64::from(start < from_52w);
        }
        out
    }

    pub(super) fn new_patient(&mut self, a: Arrival, clock_start: i32, stage: Stage) -> u32 {
        let id = self.patients.len() as u32;
        let removal = a.removal_after_min.and_then(|after| {
            let at = self.events.now() + after;
            (at < self.world.end())
                .then(|| self.events.schedule(at, Event::Removal { patient: id }))
        });
        self.patients.push(Patient {
            clock_start,
            spec: a.spec,
            priority: a.priority,
            admit: stage == Stage::AwaitingAdmission || a.admit,
            day_case: a.day_case,
            stage,
            session: NO_SESSION,
            epoch: 0,
            attempts: 0,
            declined: 0,
            rebook_deadline: None,
            rebook_counted: false,
            decision_delay_min: a.decision_delay_min,
            removal,
        });
        self.list_add(clock_start);
        if stage == Stage::Deciding {
            // Already seen in clinic: the decision is still to come.
            // Waits are memoryless: the rest of the wait is a fresh draw.
            self.schedule_decision(id, self.events.now() + a.decision_delay_min);
        } else {
            self.enqueue(id);
        }
        id
    }

    pub(super) fn seed_initial_list(&mut self, rng: &mut Xoshiro256PlusPlus) {
        let share = (self.model.within_18w.get() / 100.0).clamp(0.001, 0.999);
        // Without an RTT file: exponential ages with the stated share within
        // 18 weeks.
        let mean_age = -(DAYS_18_WEEKS as f64) / (1.0 - share).ln();
        for spec in 0..self.model.specialties.len() {
            let sp = &self.model.specialties[spec];
            let admitted = sp.initial_admitted_share.get();
            let n = sp.initial_list.total();
            let scale = self.warm_up_scale(spec);
            // Patients seen and awaiting a decision: the steady-state
            // number in that stage, first appointments a week times the
            // weeks a decision takes.
            let deciding = if n == 0 {
                0.0
            } else {
                (sp.referrals_per_week.get() * sp.mean_decision_days() / 7.0 / n as f64)
                    .clamp(0.0, 1.0 - admitted)
            };
            // (first day, day after the last, patients) of each age band.
            let bands = match &sp.initial_list {
                InitialList::Count(n) => vec![(0, 0, *n)],
                InitialList::Bands(b) => b.clone(),
            };
            for (from, to, count) in bands {
                let count = (f64::from(count) * scale).round() as u64;
                for _ in 0..count {
                    let u: f64 = rng.random();
                    let v: f64 = rng.random();
                    // A band "over F up to T weeks" holds waits of F weeks
                    // and a day up to T weeks.
                    let age = if to > from {
                        from + 1 + (u * (to - from) as f64) as i64
                    } else {
                        (-(1.0 - u).ln() * mean_age) as i64
                    }
                    .min(MAX_INITIAL_AGE_DAYS);
                    // Those already past 18 weeks are, in the model's terms,
                    // mostly complex pathways still short of a decision:
                    // start them there so the tail of the list is one the
                    // model keeps.
                    let long = age > DAYS_18_WEEKS;
                    let stage = if long {
                        Stage::Deciding
                    } else if v < admitted {
                        Stage::AwaitingAdmission
                    } else if v < admitted + deciding {
                        Stage::Deciding
                    } else {
                        Stage::AwaitingFirst
                    };
                    let a = Arrival::draw(rng, self.model, spec, stage, long);
                    self.new_patient(a, -age as i32, stage);
                    self.counters.initial_list += 1;
                }
            }
        }
    }

    /// The share of a specialty's stated list to seed at the start of the
    /// warm-up, so that the list arrives near its stated size at `start`:
    /// the stated list less the drift its demand and capacity imply over
    /// the warm-up (see [`Balance`]), kept between half and twice the list.
    /// 1 without a warm-up.
    fn warm_up_scale(&self, spec: usize) -> f64 {
        let weeks = self.world.start_day as f64 / 7.0;
        let sp = &self.model.specialties[spec];
        let n = sp.initial_list.total() as f64;
        if weeks <= 0.0 || n <= 0.0 {
            return 1.0;
        }
        let drift = Balance::of(self.model, sp, n).drift_per_week() * weeks;
        ((n - drift) / n).clamp(0.5, 2.0)
    }

    /// Referrals of every working day in `days`, drawn in day order from
    /// `rng` (in the warm-up, after the initial list), shared by all
    /// branches; one entry per day of the run, empty outside `days`.
    pub(super) fn draw_referrals(
        &self,
        rng: &mut Xoshiro256PlusPlus,
        days: std::ops::Range<i64>,
    ) -> Vec<Vec<Arrival>> {
        let dates = &self.world.dates;
        (0..self.world.days)
            .map(|day| {
                let mut today = Vec::new();
                if !days.contains(&day) || !dates.is_working_day(day as usize) {
                    return today;
                }
                let weekday = dates.weekday(day as usize);
                for spec in 0..self.model.specialties.len() {
                    let sp = &self.model.specialties[spec];
                    let mean = sp.referrals_per_week.get() * sp.referral_share[weekday];
                    if mean <= 0.0 {
                        continue;
                    }
                    let n = Poisson::new(mean).map_or(0.0, |d| d.sample(rng)) as u64;
                    for _ in 0..n {
                        today.push(Arrival::draw(
                            rng,
                            self.model,
                            spec,
                            Stage::AwaitingFirst,
                            false,
                        ));
                    }
                }
                today
            })
            .collect()
    }

    pub(super) fn referrals(&mut self, day: i64) {
        let arrivals = Arc::clone(&self.referral_book);
        for &a in &arrivals[day as usize] {
            self.new_patient(a, day as i32, Stage::AwaitingFirst);
            self.counters.referred += 1;
            self.count_since_walkout(FLOW_REFERRED);
        }
    }

    /// Decisions are made in clinic time but only matter from the next
    /// booking round, at 00:00: keep them in a bucket per day rather than
    /// one calendar event each.
    ///
    /// The clinics, tests and letters that lead to a decision happen on
    /// working days, as referrals and lists do: a delay of `d` calendar days
    /// is five-sevenths as many working days (rounded down, at least one),
    /// and the decision is made during the last of them and counts from
    /// 00:00 the next day (so the mean delay stays within a day of `d`, and
    /// no decision is ever waiting at 00:00 on a bank holiday Monday, when
    /// the week's figures are taken). A bank holiday then pauses every flow
    /// of the list alike. (Counting calendar days, a bank holiday's
    /// referrals were lost while the decisions that take patients off the
    /// list went on: the list dipped by a day's referrals and took a month
    /// to recover.)
    pub(super) fn schedule_decision(&mut self, id: u32, at: SimTime) {
        let now = self.events.now();
        let delay_days = (at - now) as f64 / MINUTES_PER_DAY as f64;
        let working = (delay_days * 5.0 / 7.0).floor().max(1.0) as u32;
        let Some(last) = self.world.dates.working_days_after(now.day(), working) else {
            return;
        };
        let day = last + 1;
        if let Some(bucket) = self.decisions.get_mut(day as usize) {
            bucket.push(id);
        }
    }

    /// Make the decisions due by 00:00 on `day`.
    pub(super) fn decide_due(&mut self, day: i64) {
        let due = std::mem::take(&mut self.decisions[day as usize]);
        for id in due {
            self.decision(id);
        }
    }

    pub(super) fn decision(&mut self, id: u32) {
        let p = &mut self.patients[id as usize];
        if p.stage != Stage::Deciding {
            return;
        }
        if p.admit {
            p.stage = Stage::AwaitingAdmission;
            self.enqueue(id);
        } else {
            self.counters.treated_non_admitted += 1;
            self.count_since_walkout(FLOW_NON_ADMITTED);
            self.clock_stop(id, Stage::Treated);
        }
    }

    pub(super) fn removal(&mut self, id: u32) {
        let p = &mut self.patients[id as usize];
        p.removal = None;
        if !p.on_list() {
            return;
        }
        if p.rebook_counted {
            p.rebook_counted = false;
            self.rebook_pending -= 1;
            self.counters.rebooked_late += 1;
        }
        self.counters.removed += 1;
        self.count_since_walkout(FLOW_REMOVED);
        self.take_off_list(id);
    }

    /// Take a patient off the list untreated, giving up any booked place.
    fn take_off_list(&mut self, id: u32) {
        let p = &self.patients[id as usize];
        let sid = p.session;
        if sid != NO_SESSION {
            let st = &mut self.specs[usize::from(p.spec)];
            let s = &mut st.sessions[sid as usize];
            if let Some(i) = s.booked.iter().position(|&b| b == id) {
                s.booked.remove(i);
            }
            let q = s.queue();
            st.free_from[q] = st.free_from[q].min(i64::from(s.day));
        }
        self.clock_stop(id, Stage::Removed);
    }

    /// 00:00 on the scenario's `start`, after the warm-up: bring each
    /// specialty's list back to its stated size and start every count from
    /// zero. The difference is taken from (or copied from) patients waiting
    /// to be booked, at random: a list longer or shorter than the model's
    /// flows would hold is a longer or shorter queue, while the patients
    /// booked or awaiting a decision are set by the flows themselves (taking
    /// them off too would stall decisions for weeks after the start).
    pub(super) fn end_warm_up(&mut self) {
        let mut rng = self.start_rng.clone();
        let n = self.specs.len();
        let (mut queued, mut listed) = (vec![Vec::new(); n], vec![Vec::new(); n]);
        for (id, p) in self.patients.iter().enumerate() {
            if p.on_list() {
                let spec = usize::from(p.spec);
                listed[spec].push(id as u32);
                if p.awaiting_booking() && p.session == NO_SESSION {
                    queued[spec].push(id as u32);
                }
            }
        }
        for spec in 0..n {
            let target = self.model.specialties[spec].initial_list.total() as usize;
            let have = listed[spec].len();
            let pool = if queued[spec].len() >= have.saturating_sub(target).max(1) {
                &mut queued[spec]
            } else {
                &mut listed[spec]
            };
            if have > target {
                // A partial Fisher-Yates shuffle picks who leaves.
                for i in 0..have - target {
                    let j = rng.random_range(i..pool.len());
                    pool.swap(i, j);
                    let id = pool[i];
                    self.take_off_list(id);
                }
            } else {
                let pool = std::mem::take(pool);
                if pool.is_empty() {
                    // Nobody to copy: the flows emptied the list.
                    continue;
                }
                for _ in have..target {
                    let like = &self.patients[pool[rng.random_range(0..pool.len())] as usize];
                    let (clock_start, stage) = (like.clock_start, like.stage);
                    let a = Arrival::draw(&mut rng, self.model, spec, stage, false);
                    self.new_patient(a, clock_start, stage);
                }
            }
        }
        self.counters = Counters {
            initial_list: self.waiting,
            ..Counters::default()
        };
        for st in &mut self.specs {
            st.outcome = SpecialtyOutcome::default();
        }
    }

    /// Drop the patients who have left the list (treated or removed) and
    /// number the rest anew, in the same order, everywhere an id is held:
    /// sessions' bookings, the booking queues (whose order is kept, as the
    /// renumbering keeps the order of ids), pending events and decisions
    /// due. Their late-rebooking flags stay counted in `rebook_pending`
    /// (no one off the list is rebooked). Used once, on the warmed-up
    /// state, so that the state of every trust at `start` can be held at
    /// once and each replication copies only the list.
    pub(super) fn compact(&mut self) {
        const GONE: u32 = u32::MAX;
        let mut new_id = vec![GONE; self.patients.len()];
        let mut next = 0u32;
        for (old, p) in self.patients.iter().enumerate() {
            if p.on_list() {
                new_id[old] = next;
                next += 1;
            }
        }
        self.patients.retain(Patient::on_list);
        self.patients.shrink_to_fit();
        let map = |id: &mut u32| {
            *id = new_id[*id as usize];
            *id != GONE
        };
        for st in &mut self.specs {
            for s in &mut st.sessions {
                s.booked.retain_mut(map);
            }
            for q in Queue::ALL {
                let heap = std::mem::take(&mut st.queues[q]);
                let entries: Vec<QueueEntry> = heap
                    .into_vec()
                    .into_iter()
                    .filter_map(|entry| {
                        let (mut id, epoch) = queue_entry_patient(entry);
                        map(&mut id).then(|| entry_with_patient(entry, id, epoch))
                    })
                    .collect();
                st.queues[q] = BinaryHeap::from(entries);
                st.queues[q].shrink_to_fit();
            }
        }
        for bucket in &mut self.decisions {
            bucket.retain_mut(map);
        }
        self.drop_past_sessions();
        self.events.shrink_to_fit();
        self.events.retain_mut(|event| match event {
            Event::Removal { patient } | Event::Requeue { patient } => map(patient),
            Event::DayStart | Event::HalfDay { .. } | Event::StandDown { .. } => true,
        });
    }

    /// Drop the sessions of the days before `start`, which have all run
    /// or been cancelled by then, and number the rest anew. Sessions are
    /// made in day order (catch-up sessions come only with a plan), so the
    /// past ones are a prefix of each specialty's and the ids of the rest
    /// all go down by its length.
    fn drop_past_sessions(&mut self) {
        let start = self.world.start_day;
        let mut shift = Vec::with_capacity(self.specs.len());
        for st in &mut self.specs {
            let k = st
                .sessions
                .iter()
                .position(|s| i64::from(s.day) >= start)
                .unwrap_or(st.sessions.len());
            debug_assert!(st.sessions[k..].iter().all(|s| i64::from(s.day) >= start));
            st.sessions.drain(..k);
            for (day, ids) in st.by_day.iter_mut().enumerate() {
                if (day as i64) < start {
                    *ids = Vec::new();
                } else {
                    ids.iter_mut().for_each(|id| *id -= k as u32);
                }
            }
            shift.push(k as u32);
        }
        for p in &mut self.patients {
            if p.session != NO_SESSION {
                let k = shift[usize::from(p.spec)];
                debug_assert!(p.session >= k, "a patient is booked into a past session");
                p.session -= k;
            }
        }
    }

    /// Does the patient decline the date offered? A first refusal defers
    /// them; a second sends them back to their GP (off the list).
    pub(super) fn declines(&mut self, id: u32) -> bool {
        let p = &mut self.patients[id as usize];
        let decline_rate = self.model.offer_decline_rate.get();
        if p.rebook_deadline.is_some() || decline_rate <= 0.0 {
            return false;
        }
        let offer = u64::from(p.attempts) << 8 | u64::from(p.declined);
        if random::uniform(self.draw_base, Purpose::DeclineOffer, u64::from(id), offer)
            >= decline_rate
        {
            return false;
        }
        p.declined += 1;
        if p.declined >= 2 {
            self.counters.removed += 1;
            self.count_since_walkout(FLOW_REMOVED);
            self.clock_stop(id, Stage::Removed);
        } else {
            let u = random::uniform(self.draw_base, Purpose::Deferral, u64::from(id), offer);
            let wait = -(1.0 - u).ln() * self.model.deferral_mean_days * MINUTES_PER_DAY as f64;
            let at = self.events.now() + wait as i64;
            if at < self.world.end() {
                self.events.schedule(at, Event::Requeue { patient: id });
            }
        }
        true
    }

    pub(super) fn requeue(&mut self, id: u32) {
        let p = &self.patients[id as usize];
        if p.awaiting_booking() && p.session == NO_SESSION {
            self.enqueue(id);
        }
    }
}

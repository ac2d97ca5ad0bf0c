//! One trust run through simulated time: referrals, booking, sessions
//! staffed from the rota, walkouts, stand-downs, recalls, rebooking and
//! catch-up, on the event calendar.
//!
//! A [`TrustSim`] is cloned at the branch point so that every plan and the
//! counterfactual continue from the same state. Patient attributes are drawn
//! once at referral from the trust's referral stream; later chance events
//! (did-not-attend, background cancellations, who strikes) are
//! counter-based draws keyed by patient or rota place, so all branches share
//! them.

use super::random::{self, draw_key, Purpose};
use super::outcome::{BranchOutcome, Counters, ListState};
use super::staffing::{allocate_upward, SlotStaff};
use super::{
    InitialList, PlanModel, SessionKind, TrustModel, World, DAYS_18_WEEKS,
    DAYS_52_WEEKS, SHIFT_NIGHT, SHIFT_WEEKDAY, SHIFT_WEEKEND,
};
use crate::engine::{Calendar, EventId, SimTime, MINUTES_PER_DAY};
use super::vocab::{SessionTime, Setting, WalkoutKind, AM_START, PM_END, PM_START};
use rand::RngExt;
use rand_distr::{Distribution, Poisson};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

/// Oldest clock start of the initial list, in days before the start.
const MAX_INITIAL_AGE_DAYS: i64 = 3 * 365;
const NO_SESSION: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    AwaitingFirst,
    Deciding,
    AwaitingAdmission,
    Treated,
    Removed,
}

#[derive(Debug, Clone)]
struct Patient {
    clock_start: i32,
    spec: u16,
    /// 0 = P1 .. 3 = P4.
    priority: u8,
    admit: bool,
    day_case: bool,
    stage: Stage,
    session: u32,
    /// Bumped each time the patient is queued; stale queue entries are
    /// skipped.
    epoch: u32,
    /// Appointments and admissions attempted so far (keys chance draws).
    attempts: u16,
    /// Dates declined so far.
    declined: u8,
    /// Binding rebooking deadline (day), for on-the-day cancellations.
    rebook_deadline: Option<i32>,
    /// This patient's on-the-day cancellation fell in the walkout window
    /// and the rebooking has not yet been counted.
    rebook_counted: bool,
    decision_delay_min: i64,
    removal: Option<EventId>,
}

impl Patient {
    fn on_list(&self) -> bool {
        matches!(
            self.stage,
            Stage::AwaitingFirst | Stage::Deciding | Stage::AwaitingAdmission
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Open,
    StoodDown,
    Ran,
    Cancelled,
}

#[derive(Debug, Clone)]
struct Session {
    day: i32,
    time: SessionTime,
    kind: SessionKind,
    juniors: [u32; 3],
    booked: Vec<u32>,
    status: Status,
    catch_up: bool,
    on_walkout: bool,
}

impl Session {
    fn capacity(&self) -> usize {
        match self.kind {
            SessionKind::Theatre { cases, .. } => cases as usize,
            SessionKind::Clinic { new_slots, .. } => new_slots as usize,
        }
    }

    /// Which booking queue fills it: 0 first appointments, 1 inpatient, 2 day case.
    fn queue(&self) -> usize {
        match self.kind {
            SessionKind::Clinic { .. } => 0,
            SessionKind::Theatre {
                setting: Setting::Inpatient,
                ..
            } => 1,
            SessionKind::Theatre {
                setting: Setting::DayCase,
                ..
            } => 2,
        }
    }

    fn is_theatre(&self) -> bool {
        matches!(self.kind, SessionKind::Theatre { .. })
    }

    fn setting_index(&self) -> usize {
        match self.kind {
            SessionKind::Theatre {
                setting: Setting::DayCase,
                ..
            } => 1,
            _ => 0,
        }
    }
}

/// Queue order: class (0 = binding rebook, 1..=4 = P1..P4), then the
/// deadline or clock start (longest wait first), then patient id, then the
/// patient's queueing epoch; packed by [`queue_entry`] into one integer in
/// that order, so the heap compares one `u128`, not a tuple.
type QueueEntry = Reverse<u128>;

fn queue_entry(class: u8, order: i32, id: u32, epoch: u32) -> QueueEntry {
    // Flipping the sign bit makes unsigned order the same as signed order.
    let order = (order as u32) ^ (1 << 31);
    Reverse(
        u128::from(class) << 96
            | u128::from(order) << 64
            | u128::from(id) << 32
            | u128::from(epoch),
    )
}

#[derive(Debug, Clone, Default)]
struct SpecState {
    sessions: Vec<Session>,
    by_day: Vec<Vec<u32>>,
    queues: [BinaryHeap<QueueEntry>; 3],
    /// Per booking queue, a day before which every open session is full, so
    /// booking can start there (it only ever skips full sessions).
    free_from: [i64; 3],
    /// Staff committed to all-day sessions today, unavailable in the afternoon.
    all_day_juniors: [u32; 3],
    all_day_consultants: u32,
}

#[derive(Debug, Clone, Copy)]
enum Event {
    DayStart,
    HalfDay { pm: bool },
    Removal { patient: u32 },
    Requeue { patient: u32 },
    StandDown { walkout: u16 },
}

/// A patient's attributes, drawn once at referral from the trust's
/// referral stream, so every branch gets the same patients.
#[derive(Debug, Clone, Copy)]
struct Arrival {
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
    fn draw(
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

/// Random inputs for one trust in one replication, made by the ensemble
/// from keyed streams.
#[derive(Debug, Clone)]
pub struct TrustStreams {
    /// Referral arrivals and patient attributes (and the initial list).
    pub referrals: Xoshiro256PlusPlus,
    /// Base key for counter-based draws.
    pub draw_base: u64,
    /// This trust's participation in each walkout.
    pub participation: Vec<f64>,
}

/// One trust's simulation state.
#[derive(Debug, Clone)]
pub struct TrustSim<'w> {
    world: &'w World,
    trust: usize,
    model: &'w TrustModel,
    plan: &'w PlanModel,
    striking: bool,
    cal: Calendar<Event>,
    patients: Vec<Patient>,
    specs: Vec<SpecState>,
    /// Patients whose decision falls due by 00:00 of each day.
    decisions: Vec<Vec<u32>>,
    /// Every working day's referrals, drawn once per replication.
    referral_book: Arc<Vec<Vec<Arrival>>>,
    draw_base: u64,
    participation: Vec<f64>,
    /// Per walkout: not yet decided, or the recall time if a major incident
    /// was declared (None inside = not declared).
    recall: Vec<Option<Option<SimTime>>>,
    counters: Counters,
    daily: Vec<ListState>,
    /// Patients on the list by clock-start day (index = day - offset).
    by_start: Vec<u32>,
    offset: i64,
    waiting: u64,
    created_until: i64,
}

impl<'w> TrustSim<'w> {
    /// Set up trust `trust` at day 0 with its initial waiting list, running
    /// as the counterfactual until [`TrustSim::branch`].
    pub fn new(world: &'w World, trust: usize, streams: TrustStreams) -> TrustSim<'w> {
        let model = &world.trusts[trust];
        let n_days = world.days as usize + 1;
        let offset = -MAX_INITIAL_AGE_DAYS;
        let mut sim = TrustSim {
            world,
            trust,
            model,
            plan: &world.counterfactual,
            striking: false,
            cal: Calendar::with_capacity(1024),
            patients: Vec::new(),
            specs: vec![
                SpecState {
                    by_day: vec![Vec::new(); n_days],
                    ..SpecState::default()
                };
                model.specialties.len()
            ],
            referral_book: Arc::new(Vec::new()),
            decisions: vec![Vec::new(); n_days],
            draw_base: streams.draw_base,
            recall: vec![None; world.walkouts.len()],
            participation: streams.participation,
            counters: Counters::default(),
            daily: Vec::with_capacity(n_days),
            by_start: vec![0; (world.days - offset) as usize + 1],
            offset,
            waiting: 0,
            created_until: -1,
        };
        let mut rng = streams.referrals;
        sim.seed_initial_list(&mut rng);
        sim.referral_book = Arc::new(sim.draw_referrals(&mut rng));
        let expected: usize = sim.referral_book.iter().map(Vec::len).sum();
        sim.patients.reserve(expected);
        let horizon = model.clinic_horizon_days.max(model.theatre_horizon_days);
        for day in 0..horizon.min(world.days) {
            sim.create_sessions(day);
        }
        sim.cal.schedule(SimTime::ZERO, Event::DayStart);
        sim
    }

    /// Run every event before 00:00 on `day`.
    pub fn run_until_day(&mut self, day: i64) {
        let until = SimTime::from_days(day) + -1;
        while let Some((now, event)) = self.cal.pop_until(until) {
            self.handle(now, event);
        }
    }

    /// A copy of this state that continues under `plan`, with the walkouts
    /// (`striking`) or without them (the counterfactual).
    pub fn branch(&self, plan: &'w PlanModel, striking: bool) -> TrustSim<'w> {
        let mut sim = self.clone();
        sim.plan = plan;
        sim.striking = striking;
        if striking {
            for (w, walkout) in self.world.walkouts.iter().enumerate() {
                if !walkout.trusts[self.trust] {
                    continue;
                }
                let decide =
                    SimTime::from_days(walkout.start.day() - plan.stand_down_days_ahead) + 12 * 60;
                if plan.stand_down_theatre.get() > 0.0 || plan.stand_down_clinic.get() > 0.0 {
                    sim.cal.schedule(
                        decide.max(sim.cal.now()),
                        Event::StandDown { walkout: w as u16 },
                    );
                }
            }
        }
        if plan.catch_up.is_some() {
            for day in 0..=sim.created_until {
                sim.add_catch_up_sessions(day);
            }
        }
        sim
    }

    /// Run to the end and hand back what happened.
    pub fn finish(mut self) -> BranchOutcome {
        let end = self.world.days;
        self.run_until_day(end);
        self.decide_due(end);
        self.daily.push(self.list_state(end));
        let late = self.patients.iter().filter(|p| p.rebook_counted).count() as u64;
        self.counters.rebooked_late += late;
        BranchOutcome {
            counters: self.counters,
            daily: self.daily,
        }
    }

    fn handle(&mut self, now: SimTime, event: Event) {
        match event {
            Event::DayStart => self.day_start(now.day()),
            Event::HalfDay { pm } => self.half_day(now.day(), pm),
            Event::Removal { patient } => self.removal(patient),
            Event::Requeue { patient } => self.requeue(patient),
            Event::StandDown { walkout } => self.stand_down(usize::from(walkout)),
        }
    }

    // ----- the waiting list -----

    fn list_add(&mut self, clock_start: i32) {
        self.by_start[(i64::from(clock_start) - self.offset) as usize] += 1;
        self.waiting += 1;
    }

    fn clock_stop(&mut self, id: u32, stage: Stage) {
        let p = &mut self.patients[id as usize];
        debug_assert!(p.on_list());
        p.stage = stage;
        p.session = NO_SESSION;
        if let Some(ev) = p.removal.take() {
            self.cal.cancel(ev);
        }
        let idx = (i64::from(p.clock_start) - self.offset) as usize;
        self.by_start[idx] -= 1;
        self.waiting -= 1;
    }

    fn list_state(&self, day: i64) -> ListState {
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

    fn enqueue(&mut self, id: u32) {
        let p = &mut self.patients[id as usize];
        p.epoch += 1;
        let (class, order) = match p.rebook_deadline {
            Some(deadline) => (0, deadline),
            None => (1 + p.priority, p.clock_start),
        };
        let q = match p.stage {
            Stage::AwaitingFirst => 0,
            _ if p.day_case => 2,
            _ => 1,
        };
        let entry = queue_entry(class, order, id, p.epoch);
        self.specs[usize::from(p.spec)].queues[q].push(entry);
    }

    // ----- patients arriving -----

    fn new_patient(&mut self, a: Arrival, clock_start: i32, stage: Stage) -> u32 {
        let id = self.patients.len() as u32;
        let removal = a.removal_after_min.and_then(|after| {
            let at = self.cal.now() + after;
            (at < self.world.end()).then(|| self.cal.schedule(at, Event::Removal { patient: id }))
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
            self.schedule_decision(id, self.cal.now() + a.decision_delay_min);
        } else {
            self.enqueue(id);
        }
        id
    }

    fn seed_initial_list(&mut self, rng: &mut Xoshiro256PlusPlus) {
        let share = (self.model.within_18w.get() / 100.0).clamp(0.001, 0.999);
        // Without an RTT file: exponential ages with the stated share within
        // 18 weeks.
        let mean_age = -(DAYS_18_WEEKS as f64) / (1.0 - share).ln();
        for spec in 0..self.model.specialties.len() {
            let sp = &self.model.specialties[spec];
            let admitted = sp.initial_admitted_share.get();
            let n = sp.initial_list.total();
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

    /// Referrals of every working day of the run, drawn in day order from
    /// the referral stream (after the initial list), shared by all branches.
    fn draw_referrals(&self, rng: &mut Xoshiro256PlusPlus) -> Vec<Vec<Arrival>> {
        let dates = &self.world.dates;
        (0..self.world.days)
            .map(|day| {
                let mut today = Vec::new();
                if !dates.is_working_day(day as usize) {
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

    fn referrals(&mut self, day: i64) {
        let arrivals = Arc::clone(&self.referral_book);
        for &a in &arrivals[day as usize] {
            self.new_patient(a, day as i32, Stage::AwaitingFirst);
            self.counters.referred += 1;
        }
    }

    // ----- days and sessions -----

    fn day_start(&mut self, day: i64) {
        self.decide_due(day);
        self.daily.push(self.list_state(day));
        let horizon = self
            .model
            .clinic_horizon_days
            .max(self.model.theatre_horizon_days);
        let ahead = day + horizon;
        if ahead < self.world.days {
            self.create_sessions(ahead);
        }
        if self.world.dates.is_working_day(day as usize) {
            self.referrals(day);
        }
        self.book(day);
        let has_sessions = self
            .specs
            .iter()
            .any(|s| !s.by_day[day as usize].is_empty());
        if has_sessions {
            self.cal.schedule(
                World::at(day, AM_START),
                Event::HalfDay { pm: false },
            );
            self.cal
                .schedule(World::at(day, PM_START), Event::HalfDay { pm: true });
        }
        self.cal
            .schedule(SimTime::from_days(day + 1), Event::DayStart);
    }

    fn create_sessions(&mut self, day: i64) {
        let dates = &self.world.dates;
        let (weekday, holiday) = (dates.weekday(day as usize), dates.is_bank_holiday(day as usize));
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

    fn add_catch_up_sessions(&mut self, day: i64) {
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
            for (pool, n) in [(&theatre, cu.theatre_lists), (&clinics, cu.clinics)] {
                for k in 0..n as usize {
                    if let Some(&t) = pool.get(k % pool.len().max(1)) {
                        self.push_session(spec, day, t, true);
                    }
                }
            }
        }
    }

    fn push_session(&mut self, spec: usize, day: i64, template: usize, catch_up: bool) {
        let tpl = &self.model.specialties[spec].templates[template];
        let (from, to) = tpl.time.bounds();
        let (from, to) = (World::at(day, from), World::at(day, to));
        let on_walkout = self
            .world
            .walkouts
            .iter()
            .any(|w| w.trusts[self.trust] && w.overlaps(from, to));
        let mut session = Session {
            day: day as i32,
            time: tpl.time,
            kind: tpl.kind,
            juniors: tpl.juniors,
            booked: Vec::new(),
            status: Status::Open,
            catch_up,
            on_walkout,
        };
        session.booked.reserve_exact(session.capacity());
        let st = &mut self.specs[spec];
        let q = session.queue();
        st.free_from[q] = st.free_from[q].min(day);
        st.by_day[day as usize].push(st.sessions.len() as u32);
        st.sessions.push(session);
    }

    /// Fill open places over the booking horizons from the queues, in
    /// queue order, earliest sessions first.
    fn book(&mut self, today: i64) {
        let m = self.model;
        for spec in 0..self.specs.len() {
            for q in 0..3 {
                let (first, last) = if q == 0 {
                    (today + 1, today + m.clinic_horizon_days)
                } else {
                    (
                        today + m.admission_notice_days.max(1),
                        today + m.theatre_horizon_days,
                    )
                };
                let end = last.min(self.world.days - 1);
                let mut free_from = end + 1;
                'days: for day in first.max(self.specs[spec].free_from[q])..=end {
                    for k in 0..self.specs[spec].by_day[day as usize].len() {
                        let sid = self.specs[spec].by_day[day as usize][k];
                        let s = &self.specs[spec].sessions[sid as usize];
                        if s.status != Status::Open || s.queue() != q {
                            continue;
                        }
                        let mut free = s.capacity().saturating_sub(s.booked.len());
                        while free > 0 {
                            let Some(id) = self.pop_valid(spec, q) else {
                                // Nobody left to book: this day may keep
                                // free places.
                                free_from = day;
                                break 'days;
                            };
                            if !self.declines(id) {
                                self.place(spec, sid, id, day);
                                free -= 1;
                            }
                        }
                    }
                }
                self.specs[spec].free_from[q] = free_from;
            }
        }
    }

    /// Does the patient decline the date offered? A first refusal defers
    /// them; a second sends them back to their GP (off the list).
    fn declines(&mut self, id: u32) -> bool {
        let p = &mut self.patients[id as usize];
        let decline_rate = self.model.offer_decline_rate.get();
        if p.rebook_deadline.is_some() || decline_rate <= 0.0 {
            return false;
        }
        let key = draw_key(self.draw_base, Purpose::DeclineOffer);
        let offer = u64::from(p.attempts) << 8 | u64::from(p.declined);
        if random::uniform(key, u64::from(id), offer) >= decline_rate {
            return false;
        }
        p.declined += 1;
        if p.declined >= 2 {
            self.counters.removed += 1;
            self.clock_stop(id, Stage::Removed);
        } else {
            let u = random::uniform(
                draw_key(self.draw_base, Purpose::Deferral),
                u64::from(id),
                offer,
            );
            let wait = -(1.0 - u).ln() * self.model.deferral_mean_days * MINUTES_PER_DAY as f64;
            let at = self.cal.now() + wait as i64;
            if at < self.world.end() {
                self.cal.schedule(at, Event::Requeue { patient: id });
            }
        }
        true
    }

    fn requeue(&mut self, id: u32) {
        let p = &self.patients[id as usize];
        if matches!(p.stage, Stage::AwaitingFirst | Stage::AwaitingAdmission)
            && p.session == NO_SESSION
        {
            self.enqueue(id);
        }
    }

    fn pop_valid(&mut self, spec: usize, q: usize) -> Option<u32> {
        while let Some(Reverse(entry)) = self.specs[spec].queues[q].pop() {
            let (id, epoch) = ((entry >> 32) as u32, entry as u32);
            let p = &self.patients[id as usize];
            let waiting = matches!(p.stage, Stage::AwaitingFirst | Stage::AwaitingAdmission);
            if p.epoch == epoch && waiting && p.session == NO_SESSION {
                return Some(id);
            }
        }
        None
    }

    fn place(&mut self, spec: usize, sid: u32, id: u32, day: i64) {
        let p = &mut self.patients[id as usize];
        p.session = sid;
        if let Some(deadline) = p.rebook_deadline.take() {
            if p.rebook_counted {
                p.rebook_counted = false;
                if day <= i64::from(deadline) {
                    self.counters.rebooked_within += 1;
                } else {
                    self.counters.rebooked_late += 1;
                }
            }
        }
        self.specs[spec].sessions[sid as usize].booked.push(id);
    }

    fn in_window(&self, day: i64) -> bool {
        let (a, b) = self.world.count_window;
        (a..=b).contains(&day)
    }

    // ----- staffing and running sessions -----

    fn half_day(&mut self, day: i64, pm: bool) {
        for spec in 0..self.specs.len() {
            let ids: Vec<u32> = self.specs[spec].by_day[day as usize]
                .iter()
                .copied()
                .filter(|&sid| {
                    let s = &self.specs[spec].sessions[sid as usize];
                    s.status == Status::Open
                        && match s.time {
                            SessionTime::Pm => pm,
                            SessionTime::Am | SessionTime::AllDay => !pm,
                        }
                })
                .collect();
            if !pm {
                self.specs[spec].all_day_juniors = [0; 3];
                self.specs[spec].all_day_consultants = 0;
            }
            if ids.is_empty() {
                continue;
            }
            self.staff_and_run(spec, day, pm, ids);
        }
    }

    /// Who is free for elective work in this half-day of this specialty.
    fn slot_staff(&mut self, spec: usize, day: i64, pm: bool, n_sessions: u32) -> SlotStaff {
        let sp = &self.model.specialties[spec];
        let shift = if self.world.dates.is_working_day(day as usize) {
            SHIFT_WEEKDAY
        } else {
            SHIFT_WEEKEND
        };
        let (rota, floor) = (sp.rota[shift], sp.floor[shift]);
        let (from, to) = if pm {
            (PM_START, PM_END)
        } else {
            (AM_START, PM_END)
        };
        let (from, to) = (World::at(day, from), World::at(day, to));
        let now = self.cal.now();
        let mut juniors = [rota[0] - floor[0], rota[1] - floor[1], rota[2] - floor[2]];
        let mut consultants = sp.consultants;
        let walkout = self.striking.then(|| {
            self.world
                .walkouts
                .iter()
                .position(|w| w.trusts[self.trust] && w.overlaps(from, to))
        });
        if let Some(Some(w)) = walkout {
            let recall_at = self.recall_time(w);
            let recalled = recall_at.is_some_and(|t| now >= t);
            let kind = self.world.walkouts[w].kind;
            let strikers = self.strikers(w, spec, shift, recalled);
            match kind {
                WalkoutKind::EmergencyCareProvided => {
                    for g in 0..3 {
                        juniors[g] -= strikers[g];
                    }
                }
                WalkoutKind::FullWalkout => {
                    let mut present = [
                        rota[0] - strikers[0],
                        rota[1] - strikers[1],
                        rota[2] - strikers[2],
                    ];
                    let unfilled = allocate_upward(&mut present, &floor);
                    consultants = consultants.saturating_sub(unfilled);
                    juniors = present;
                }
            }
        }
        consultants = consultants.saturating_sub(self.resting_after_night(spec, day));
        if pm {
            let st = &self.specs[spec];
            for (free, used) in juniors.iter_mut().zip(st.all_day_juniors) {
                *free = free.saturating_sub(used);
            }
            consultants = consultants.saturating_sub(st.all_day_consultants);
        }
        let spare_consultants = consultants.saturating_sub(n_sessions);
        SlotStaff {
            juniors,
            consultants,
            act_down: (self.plan.act_down_share.get() * f64::from(spare_consultants)).floor() as u32,
        }
    }

    /// Consultants resting on `day` after covering the night before: in a
    /// full walkout, night places the present juniors cannot fill (from
    /// 20:00 to 08:00) are filled by consultants, who are then off the next
    /// day's lists and clinics.
    fn resting_after_night(&mut self, spec: usize, day: i64) -> u32 {
        if !self.striking {
            return 0;
        }
        let (from, to) = (World::at(day - 1, 20 * 60), World::at(day, 8 * 60));
        let night = self.world.walkouts.iter().position(|w| {
            w.trusts[self.trust] && w.kind == WalkoutKind::FullWalkout && w.overlaps(from, to)
        });
        let Some(w) = night else {
            return 0;
        };
        let recalled = self.recall_time(w).is_some_and(|t| t <= from);
        let sp = &self.model.specialties[spec];
        let (rota, floor) = (sp.rota[SHIFT_NIGHT], sp.floor[SHIFT_NIGHT]);
        let strikers = self.strikers(w, spec, SHIFT_NIGHT, recalled);
        let mut present = [
            rota[0] - strikers[0],
            rota[1] - strikers[1],
            rota[2] - strikers[2],
        ];
        allocate_upward(&mut present, &floor)
    }

    /// Juniors of each grade striking in specialty `spec` on `shift` during
    /// walkout `w`. Each rota place has its own draw, so more participation
    /// never means fewer strikers.
    fn strikers(&self, w: usize, spec: usize, shift: usize, recalled: bool) -> [u32; 3] {
        let walkout = &self.world.walkouts[w];
        let sp = &self.model.specialties[spec];
        let p = self.participation[w];
        let recall_share = self.plan.major_incident.map_or(0.0, |m| m.recall_share.get());
        let mut out = [0u32; 3];
        for (g, striking) in out.iter_mut().enumerate() {
            if !walkout.grades[g] {
                continue;
            }
            let eligible = match walkout.kind {
                WalkoutKind::EmergencyCareProvided => sp.rota[shift][g] - sp.floor[shift][g],
                WalkoutKind::FullWalkout => sp.rota[shift][g],
            };
            let k = random::key(&[w as u64, spec as u64, g as u64, shift as u64]);
            for i in 0..u64::from(eligible) {
                let strikes = random::uniform(draw_key(self.draw_base, Purpose::Strikes), k, i) < p;
                let returns = recalled
                    && random::uniform(draw_key(self.draw_base, Purpose::Recall), k, i) < recall_share;
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
        if let Some(decided) = self.recall[w] {
            return decided;
        }
        let decided = self.plan.major_incident.and_then(|incident| {
            let (mut rostered, mut present) = (0u32, 0u32);
            for spec in 0..self.model.specialties.len() {
                let rota = self.model.specialties[spec].rota[SHIFT_WEEKDAY];
                let strikers = self.strikers(w, spec, SHIFT_WEEKDAY, false);
                rostered += rota.iter().sum::<u32>();
                present += rota.iter().sum::<u32>() - strikers.iter().sum::<u32>();
            }
            let share = f64::from(present) / f64::from(rostered.max(1));
            (share < incident.threshold.get())
                .then(|| self.world.walkouts[w].start + incident.delay_minutes)
        });
        self.recall[w] = Some(decided);
        decided
    }

    fn is_protected(&self, s: &Session) -> bool {
        s.catch_up
            || self.plan.protect_up_to.is_some_and(|up_to| {
                s.booked
                    .iter()
                    .any(|&id| self.patients[id as usize].priority <= up_to)
            })
    }

    fn staff_and_run(&mut self, spec: usize, day: i64, pm: bool, mut ids: Vec<u32>) {
        let mut staff = self.slot_staff(spec, day, pm, ids.len() as u32);
        {
            let st = &self.specs[spec];
            ids.sort_by_key(|&sid| {
                let s = &st.sessions[sid as usize];
                // Protected work first, then theatre before clinics, then
                // the most work: an inpatient case counts one and a half day cases
                // (longer operations, harder to rebook).
                let weight = if s.setting_index() == 0 { 3 } else { 2 };
                (
                    !self.is_protected(s),
                    !s.is_theatre(),
                    Reverse(weight * s.booked.len()),
                    sid,
                )
            });
        }
        for sid in ids {
            let s = &self.specs[spec].sessions[sid as usize];
            let before = staff;
            let staffed = staff.try_staff(&s.juniors);
            if staffed && s.time == SessionTime::AllDay {
                let st = &mut self.specs[spec];
                for g in 0..3 {
                    st.all_day_juniors[g] += before.juniors[g] - staff.juniors[g];
                }
                st.all_day_consultants += 1;
            }
            if staffed {
                self.run_session(spec, sid, day);
            } else {
                self.cancel_on_day(spec, sid, day);
            }
        }
    }

    fn run_session(&mut self, spec: usize, sid: u32, day: i64) {
        let booked = std::mem::take(&mut self.specs[spec].sessions[sid as usize].booked);
        let s = &mut self.specs[spec].sessions[sid as usize];
        s.status = Status::Ran;
        let (theatre, on_walkout) = (s.is_theatre(), s.on_walkout);
        let setting = s.setting_index();
        let counted = self.in_window(day);
        let now = self.cal.now();
        for &id in &booked {
            let p = &mut self.patients[id as usize];
            p.session = NO_SESSION;
            p.attempts += 1;
            let draw = (u64::from(id), u64::from(p.attempts));
            if theatre {
                if on_walkout {
                    self.counters.elective_planned_walkout += 1;
                }
                let u = random::uniform(
                    draw_key(self.draw_base, Purpose::BackgroundCancel),
                    draw.0,
                    draw.1,
                );
                if u < self.model.background_cancel_rate.get() {
                    if counted {
                        self.counters.elective_on_day[setting] += 1;
                    }
                    self.rebook_binding(id, day, counted);
                } else {
                    if on_walkout {
                        self.counters.elective_done_walkout += 1;
                    }
                    self.counters.treated_admitted += 1;
                    self.clock_stop(id, Stage::Treated);
                }
            } else {
                let u =
                    random::uniform(draw_key(self.draw_base, Purpose::DidNotAttend), draw.0, draw.1);
                if u < self.model.dna_rate.get() {
                    self.enqueue(id);
                } else {
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

    fn cancel_on_day(&mut self, spec: usize, sid: u32, day: i64) {
        let counted = self.in_window(day);
        let s = &mut self.specs[spec].sessions[sid as usize];
        s.status = Status::Cancelled;
        let booked = std::mem::take(&mut s.booked);
        let (theatre, setting, on_walkout) = (s.is_theatre(), s.setting_index(), s.on_walkout);
        if let SessionKind::Clinic {
            follow_up_slots, ..
        } = s.kind
        {
            if counted {
                self.counters.outpatient[1] += u64::from(follow_up_slots);
            }
        }
        for id in booked {
            self.patients[id as usize].session = NO_SESSION;
            if theatre {
                if on_walkout {
                    self.counters.elective_planned_walkout += 1;
                }
                if counted {
                    self.counters.elective_on_day[setting] += 1;
                }
                self.rebook_binding(id, day, counted);
            } else {
                if counted {
                    self.counters.outpatient[0] += 1;
                }
                self.enqueue(id);
            }
        }
    }

    /// The 28-day rule: a binding new date, booked ahead of everyone else.
    fn rebook_binding(&mut self, id: u32, day: i64, counted: bool) {
        let p = &mut self.patients[id as usize];
        p.rebook_deadline = Some((day + self.plan.binding_days) as i32);
        p.rebook_counted = counted;
        self.enqueue(id);
    }

    /// Decisions are made in clinic time but only matter from the next
    /// booking round, at 00:00: keep them in a bucket per day rather than
    /// one calendar event each.
    fn schedule_decision(&mut self, id: u32, at: SimTime) {
        let day = (at.minutes() + MINUTES_PER_DAY - 1).div_euclid(MINUTES_PER_DAY);
        if let Some(bucket) = self.decisions.get_mut(day as usize) {
            bucket.push(id);
        }
    }

    /// Make the decisions due by 00:00 on `day`.
    fn decide_due(&mut self, day: i64) {
        let due = std::mem::take(&mut self.decisions[day as usize]);
        for id in due {
            self.decision(id);
        }
    }

    fn decision(&mut self, id: u32) {
        let p = &mut self.patients[id as usize];
        if p.stage != Stage::Deciding {
            return;
        }
        if p.admit {
            p.stage = Stage::AwaitingAdmission;
            self.enqueue(id);
        } else {
            self.counters.treated_non_admitted += 1;
            self.clock_stop(id, Stage::Treated);
        }
    }

    fn removal(&mut self, id: u32) {
        let p = &mut self.patients[id as usize];
        p.removal = None;
        if !p.on_list() {
            return;
        }
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
        if p.rebook_counted {
            p.rebook_counted = false;
            self.counters.rebooked_late += 1;
        }
        self.counters.removed += 1;
        self.clock_stop(id, Stage::Removed);
    }

    // ----- the plan's advance stand-down -----

    fn stand_down(&mut self, w: usize) {
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
                        let overlaps = walkout.overlaps(World::at(day, from), World::at(day, to));
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

    fn stand_down_session(&mut self, spec: usize, sid: u32) {
        let s = &mut self.specs[spec].sessions[sid as usize];
        s.status = Status::StoodDown;
        let booked = std::mem::take(&mut s.booked);
        let (theatre, setting) = (s.is_theatre(), s.setting_index());
        if let SessionKind::Clinic {
            follow_up_slots, ..
        } = s.kind
        {
            self.counters.outpatient[1] += u64::from(follow_up_slots);
        }
        let first = self.plan.stood_down_first;
        let binding = self.plan.binding_days;
        let today = self.cal.now().day();
        for id in booked {
            if theatre {
                self.counters.elective_in_advance[setting] += 1;
                self.counters.elective_planned_walkout += 1;
            } else {
                self.counters.outpatient[0] += 1;
            }
            let p = &mut self.patients[id as usize];
            p.session = NO_SESSION;
            if first && theatre {
                p.rebook_deadline = Some((today + binding) as i32);
            }
            self.enqueue(id);
        }
    }
}

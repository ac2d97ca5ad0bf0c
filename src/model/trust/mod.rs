//! One trust run through simulated time: referrals, booking, sessions
//! staffed from the rota, walkouts, stand-downs, recalls, rebooking and
//! catch-up, on the event calendar.
//!
//! A trust is simulated in three stages, each continuing a copy of the
//! state the one before left:
//!
//! 1. the warm-up, [`TrustSim::warm_up`]: from day 0 to the scenario's
//!    `start`, without strikes, ending with the list brought back to its
//!    stated size (`end_warm_up` in `patients.rs`). It runs once per
//!    ensemble, from streams keyed by the master seed and the trust, not by
//!    the replication: the waiting list at `start` is what a planner knows;
//!    what is uncertain is what happens after it. Patients who have left
//!    the list are then dropped from the state (renumbering the rest) so
//!    that every trust's warmed state can be held at once;
//! 2. each replication, [`TrustSim::replicate`]: a copy of the warmed state
//!    that continues from `start` with the replication's streams
//!    ([`TrustStreams`]: its referrals from `start` on, its counter-based
//!    draws, its participation) up to the branch point;
//! 3. each branch, [`TrustSim::branch`]: a copy at the branch point, so
//!    that every plan and the counterfactual continue from the same state.
//!
//! Patient attributes are drawn once at referral from the referral stream;
//! later chance events (did-not-attend, background cancellations, who
//! strikes) are counter-based draws keyed by patient or rota place, so all
//! branches share them.
//!
//! This file holds the simulation's state, the event loop and branching.
//! The rest is split by concern, each file an `impl TrustSim` block:
//!
//! - `state.rs`: patients, sessions, booking queues, events (types only);
//! - `patients.rs`: the initial list, referrals, the waiting list,
//!   decisions, removals, declined offers;
//! - `booking.rs`: queueing patients and booking them into sessions;
//! - `sessions.rs`: creating sessions (and catch-up), staffing each
//!   half-day from the rota, running and cancelling sessions;
//! - `walkout.rs`: everything by which a walkout changes staffing and
//!   sessions: strikers, recalls, consultants resting after a night, the
//!   plan's advance stand-downs.

mod booking;
mod patients;
mod planning;
mod sessions;
mod state;
mod walkout;
mod wards;

use super::outcome::{BranchOutcome, Counters, ListState};
use super::specialty::SpecialtyOutcome;
use super::vocab::{AM_START, PM_START};
use super::{Branch, PlanModel, TrustModel, World};
use crate::engine::{Calendar, SimTime};
use patients::Arrival;
use rand_xoshiro::Xoshiro256PlusPlus;
use state::{Event, Patient, Recall, SpecState};
use std::sync::Arc;

/// Oldest clock start of the initial list, in days before the start.
const MAX_INITIAL_AGE_DAYS: i64 = 3 * 365;

/// Random inputs for one trust in one replication (or in the warm-up),
/// made by the ensemble from keyed streams.
#[derive(Debug, Clone)]
pub struct TrustStreams {
    /// Referral arrivals and patient attributes (in the warm-up, also the
    /// initial list and the end of the warm-up).
    pub referrals: Xoshiro256PlusPlus,
    /// Base key for counter-based draws (see [`super::random::uniform`]).
    pub draw_base: u64,
    /// This trust's participation in each walkout (unused in the warm-up,
    /// which has no strikes).
    pub participation: Vec<f64>,
}

/// One trust's simulation state.
#[derive(Debug, Clone)]
pub struct TrustSim<'w> {
    world: &'w World,
    trust: usize,
    model: &'w TrustModel,
    /// The plan of the branch being run (the counterfactual's before the
    /// branch point).
    plan: &'w PlanModel,
    /// Do the walkouts happen in this branch?
    striking: bool,
    events: Calendar<Event>,
    patients: Vec<Patient>,
    specs: Vec<SpecState>,
    /// Patients whose decision falls due by 00:00 of each day.
    decisions: Vec<Vec<u32>>,
    /// Every working day's referrals, drawn once per replication from
    /// `start` on (and once per ensemble for the warm-up); empty for the
    /// days of the other stage.
    referral_book: Arc<Vec<Vec<Arrival>>>,
    draw_base: u64,
    participation: Vec<f64>,
    /// Per walkout, what is known of its major incident recall.
    recall: Vec<Recall>,
    counters: Counters,
    daily: Vec<ListState>,
    /// Whether the list's flows are counted into `Counters::since_walkout`:
    /// from just after the list is taken at 00:00 on the first walkout day
    /// (what happens at 00:00 before that is in the list taken).
    flows_open: bool,
    /// Patients on the list by clock-start day (index = day - offset).
    by_start: Vec<u32>,
    offset: i64,
    waiting: u64,
    /// Sessions exist up to this day.
    created_until: i64,
    /// Per specialty, elective inpatients in beds by day (`wards.rs`).
    beds: Vec<Vec<u32>>,
    /// Patients whose `rebook_counted` is set: the rebookings still to be
    /// counted as late if the run ends first (kept so that
    /// [`TrustSim::finish`] need not scan every patient).
    rebook_pending: u64,
    /// The referral stream after the referral book was drawn: picks whom to
    /// take off or copy at the end of the warm-up.
    start_rng: Xoshiro256PlusPlus,
}

impl<'w> TrustSim<'w> {
    /// Trust `trust` warmed up: set up at day 0 with its initial waiting
    /// list from the warm-up `streams`, run without strikes to 00:00 on
    /// the scenario's `start` (the warm-up's referrals only), its list
    /// brought back to its stated size there, and patients who have left
    /// the list dropped. Without a warm-up (`start` is day 0) it is the
    /// initial list alone. Continue it with [`TrustSim::replicate`].
    pub fn warm_up(world: &'w World, trust: usize, streams: TrustStreams) -> TrustSim<'w> {
        let mut sim = TrustSim::new(world, trust, streams);
        let start = world.start_day;
        sim.run_until_day(start);
        if start > 0 {
            sim.events.advance_to(SimTime::from_days(start));
            sim.decide_due(start);
            sim.end_warm_up();
        }
        sim.referral_book = Arc::new(Vec::new());
        sim.compact();
        sim
    }

    /// A copy of this warmed-up state (see [`TrustSim::warm_up`]) that
    /// continues from `start` as one replication, with its `streams`:
    /// referrals of the days from `start` on, counter-based draws and
    /// participation.
    pub fn replicate(&self, streams: TrustStreams) -> TrustSim<'w> {
        let mut rng = streams.referrals;
        let book = self.draw_referrals(&mut rng, self.world.start_day..self.world.days);
        let expected: usize = book.iter().map(Vec::len).sum();
        let mut patients = Vec::with_capacity(self.patients.len() + expected);
        patients.extend_from_slice(&self.patients);
        TrustSim {
            patients,
            referral_book: Arc::new(book),
            draw_base: streams.draw_base,
            participation: streams.participation,
            start_rng: rng,
            ..self.clone_without_patients()
        }
    }

    /// A copy of everything but the patients (left empty).
    fn clone_without_patients(&self) -> TrustSim<'w> {
        TrustSim {
            world: self.world,
            trust: self.trust,
            model: self.model,
            plan: self.plan,
            striking: self.striking,
            events: self.events.clone(),
            patients: Vec::new(),
            specs: self.specs.clone(),
            decisions: self.decisions.clone(),
            referral_book: Arc::clone(&self.referral_book),
            draw_base: self.draw_base,
            participation: self.participation.clone(),
            recall: self.recall.clone(),
            counters: self.counters,
            daily: self.daily.clone(),
            flows_open: self.flows_open,
            by_start: self.by_start.clone(),
            offset: self.offset,
            waiting: self.waiting,
            created_until: self.created_until,
            rebook_pending: self.rebook_pending,
            beds: self.beds.clone(),
            start_rng: self.start_rng.clone(),
        }
    }

    /// Set up trust `trust` at day 0 with its initial waiting list and the
    /// warm-up's referrals, running as the counterfactual.
    fn new(world: &'w World, trust: usize, streams: TrustStreams) -> TrustSim<'w> {
        let model = &world.trusts[trust];
        let n_days = world.days as usize + 1;
        let offset = -MAX_INITIAL_AGE_DAYS;
        let mut sim = TrustSim {
            world,
            trust,
            model,
            plan: world.plan(Branch::Counterfactual),
            striking: Branch::Counterfactual.strikes(),
            events: Calendar::with_capacity(1024),
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
            recall: vec![Recall::NotYetChecked; world.walkouts.len()],
            participation: streams.participation,
            counters: Counters::default(),
            daily: Vec::with_capacity(n_days),
            flows_open: false,
            by_start: vec![0; (world.days - offset) as usize + 1],
            offset,
            waiting: 0,
            created_until: -1,
            beds: if model.ward_patients_per_junior.is_some() {
                vec![vec![0; Self::bed_days(world.days)]; model.specialties.len()]
            } else {
                vec![Vec::new(); model.specialties.len()]
            },
            rebook_pending: 0,
            start_rng: streams.referrals.clone(),
        };
        let mut rng = streams.referrals;
        sim.seed_initial_list(&mut rng);
        sim.referral_book = Arc::new(sim.draw_referrals(&mut rng, 0..world.start_day));
        sim.start_rng = rng;
        let expected: usize = sim.referral_book.iter().map(Vec::len).sum();
        sim.patients.reserve(expected);
        let horizon = model.clinic_horizon_days.max(model.theatre_horizon_days);
        for day in 0..horizon.min(world.days) {
            sim.create_sessions(day);
        }
        sim.events.schedule(SimTime::ZERO, Event::DayStart);
        sim
    }

    /// Run every event before 00:00 on `day`.
    pub fn run_until_day(&mut self, day: i64) {
        let until = SimTime::from_days(day) + -1;
        while let Some((now, event)) = self.events.pop_until(until) {
            self.handle(now, event);
        }
    }

    /// A copy of this state that continues as `branch`: under its plan,
    /// with the walkouts (a plan) or without them (the counterfactual).
    pub fn branch(&self, branch: Branch) -> TrustSim<'w> {
        self.clone().into_branch(branch)
    }

    /// As [`TrustSim::branch`], continuing this state itself rather than a
    /// copy (for the last branch run from a snapshot: it saves a clone).
    pub fn into_branch(self, branch: Branch) -> TrustSim<'w> {
        let mut sim = self;
        sim.plan = sim.world.plan(branch);
        sim.striking = branch.strikes();
        if sim.striking {
            sim.schedule_stand_downs();
        }
        if sim.plan.catch_up.is_some() {
            for day in 0..=sim.created_until {
                sim.add_catch_up_sessions(day);
            }
        }
        sim
    }

    /// Run to the end and hand back what happened.
    pub fn finish(self) -> BranchOutcome {
        self.finish_by_specialty().0
    }

    /// As [`TrustSim::finish`], with each specialty's share of the
    /// cancellations and of the list at the end, in the trust's order.
    pub fn finish_by_specialty(mut self) -> (BranchOutcome, Vec<SpecialtyOutcome>) {
        let end = self.world.days;
        self.run_until_day(end);
        self.decide_due(end);
        self.daily.push(self.list_state(end));
        debug_assert_eq!(
            self.rebook_pending,
            self.patients.iter().filter(|p| p.rebook_counted).count() as u64
        );
        self.counters.rebooked_late += self.rebook_pending;
        let specialties = self.specialty_outcomes(end);
        debug_assert!(SpecialtyOutcome::add_up_to(
            &specialties,
            &self.counters,
            &self.list_state(end)
        ));
        let outcome = BranchOutcome {
            counters: self.counters,
            daily: self.daily,
        };
        (outcome, specialties)
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

    /// 00:00: decisions due, the day's list state, sessions at the edge of
    /// the booking horizon, referrals, booking, and the half-days.
    fn day_start(&mut self, day: i64) {
        // (On `start` there are none: the warm-up made them, and ended.)
        self.decide_due(day);
        self.daily.push(self.list_state(day));
        self.flows_open |= day >= self.world.walkout_day;
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
            let (morning, afternoon) = (SimTime::at(day, AM_START), SimTime::at(day, PM_START));
            self.events.schedule(morning, Event::HalfDay { pm: false });
            self.events.schedule(afternoon, Event::HalfDay { pm: true });
        }
        self.events
            .schedule(SimTime::from_days(day + 1), Event::DayStart);
    }

    /// Is activity on `day` in the income window
    /// ([`super::World::income_window`])?
    pub(super) fn in_income_window(&self, day: i64) -> bool {
        let (a, b) = self.world.income_window;
        (a..=b).contains(&day)
    }

    /// Count one of the list's flows (`FLOW_*`) if the list of the first
    /// walkout day has been taken.
    pub(super) fn count_since_walkout(&mut self, flow: usize) {
        if self.flows_open {
            self.counters.since_walkout[flow] += 1;
        }
    }

    /// Are cancellations of sessions on `day` counted?
    pub(super) fn in_window(&self, day: i64) -> bool {
        let (a, b) = self.world.count_window;
        (a..=b).contains(&day)
    }
}

//! The trust simulation's state types: patients and their pathway stage,
//! sessions and their status, the booking queues, the events on the
//! calendar and what is known about a walkout's recall.
//!
//! Types only, with the small methods that read them; what the simulation
//! does with them is in the sibling files, each an `impl TrustSim` block.

use crate::engine::{EventId, SimTime};
use crate::model::specialty::SpecialtyOutcome;
use crate::model::staffing::Juniors;
use crate::model::vocab::{SessionTime, Setting};
use crate::model::SessionKind;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::{Index, IndexMut};

/// `Patient::session` of a patient not booked into a session.
pub(super) const NO_SESSION: u32 = u32::MAX;

/// Indices of [`crate::model::outcome::Counters::outpatient`].
pub(super) const OUTPATIENT_NEW: usize = 0;
pub(super) const OUTPATIENT_FOLLOW_UP: usize = 1;

/// Where a patient is on their pathway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stage {
    AwaitingFirst,
    Deciding,
    AwaitingAdmission,
    Treated,
    Removed,
}

#[derive(Debug, Clone)]
pub(super) struct Patient {
    /// RTT clock start (day; negative for the initial list).
    pub(super) clock_start: i32,
    pub(super) spec: u16,
    /// 0 = P1 .. 3 = P4.
    pub(super) priority: u8,
    pub(super) admit: bool,
    pub(super) day_case: bool,
    pub(super) stage: Stage,
    /// The session booked, or [`NO_SESSION`].
    pub(super) session: u32,
    /// Bumped each time the patient is queued; stale queue entries are
    /// skipped.
    pub(super) epoch: u32,
    /// Appointments and admissions attempted so far (keys chance draws).
    pub(super) attempts: u16,
    /// Dates declined so far.
    pub(super) declined: u8,
    /// Binding rebooking deadline (day), for on-the-day cancellations.
    pub(super) rebook_deadline: Option<i32>,
    /// This patient's on-the-day cancellation fell in the counting window
    /// and the rebooking has not yet been counted.
    pub(super) rebook_counted: bool,
    pub(super) decision_delay_min: i64,
    pub(super) removal: Option<EventId>,
}

impl Patient {
    pub(super) fn on_list(&self) -> bool {
        matches!(
            self.stage,
            Stage::AwaitingFirst | Stage::Deciding | Stage::AwaitingAdmission
        )
    }

    /// Waiting to be booked (first appointment or admission)?
    pub(super) fn awaiting_booking(&self) -> bool {
        matches!(self.stage, Stage::AwaitingFirst | Stage::AwaitingAdmission)
    }

    /// The queue the patient is booked from.
    pub(super) fn queue(&self) -> Queue {
        match self.stage {
            Stage::AwaitingFirst => Queue::FirstAppointment,
            _ if self.day_case => Queue::DayCase,
            _ => Queue::Inpatient,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    Open,
    StoodDown,
    Ran,
    Cancelled,
}

#[derive(Debug, Clone)]
pub(super) struct Session {
    pub(super) day: i32,
    pub(super) time: SessionTime,
    pub(super) kind: SessionKind,
    pub(super) juniors: Juniors,
    pub(super) booked: Vec<u32>,
    pub(super) status: Status,
    pub(super) catch_up: bool,
    /// Does a walkout affecting the trust overlap it?
    pub(super) on_walkout: bool,
    /// Places closed in advance (admissions postponed before a walkout),
    /// not to be booked again.
    pub(super) closed: u32,
    /// Its place in the staffing order the plan worked out when it planned
    /// around a walkout (`planning.rs`), or [`UNPLANNED`]: on the day,
    /// planned sessions are staffed first, in that order, so what was
    /// planned to run runs when the staff turn up as expected.
    pub(super) plan_rank: u32,
}

/// `Session::plan_rank` of a session no plan has ranked.
pub(super) const UNPLANNED: u32 = u32::MAX;

impl Session {
    pub(super) fn capacity(&self) -> usize {
        match self.kind {
            SessionKind::Theatre { cases, .. } => cases.saturating_sub(self.closed) as usize,
            SessionKind::Clinic { new_slots, .. } => new_slots as usize,
        }
    }

    /// Which booking queue fills it.
    pub(super) fn queue(&self) -> Queue {
        match self.kind {
            SessionKind::Clinic { .. } => Queue::FirstAppointment,
            SessionKind::Theatre {
                setting: Setting::Inpatient,
                ..
            } => Queue::Inpatient,
            SessionKind::Theatre {
                setting: Setting::DayCase,
                ..
            } => Queue::DayCase,
        }
    }

    /// An inpatient theatre list still to run?
    pub(super) fn is_open_inpatient_list(&self) -> bool {
        self.status == Status::Open
            && matches!(
                self.kind,
                SessionKind::Theatre {
                    setting: Setting::Inpatient,
                    ..
                }
            )
    }

    pub(super) fn is_theatre(&self) -> bool {
        matches!(self.kind, SessionKind::Theatre { .. })
    }

    /// The setting of a theatre list's admissions (`None` for a clinic).
    pub(super) fn admission_setting(&self) -> Option<Setting> {
        match self.kind {
            SessionKind::Theatre { setting, .. } => Some(setting),
            SessionKind::Clinic { .. } => None,
        }
    }

    /// Does it run in the afternoon half-day (rather than start in the
    /// morning)?
    pub(super) fn in_afternoon(&self) -> bool {
        self.time.is_afternoon()
    }
}

/// The booking queues of a specialty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Queue {
    /// First outpatient appointments, booked into clinics.
    FirstAppointment,
    /// Inpatient admissions, booked into inpatient theatre lists.
    Inpatient,
    /// Day-case admissions, booked into day-case theatre lists.
    DayCase,
}

impl Queue {
    /// In booking order.
    pub(super) const ALL: [Queue; 3] = [Queue::FirstAppointment, Queue::Inpatient, Queue::DayCase];
}

/// One value per booking queue.
#[derive(Debug, Clone, Default)]
pub(super) struct PerQueue<T>([T; 3]);

impl<T> Index<Queue> for PerQueue<T> {
    type Output = T;
    #[inline]
    fn index(&self, q: Queue) -> &T {
        &self.0[q as usize]
    }
}

impl<T> IndexMut<Queue> for PerQueue<T> {
    #[inline]
    fn index_mut(&mut self, q: Queue) -> &mut T {
        &mut self.0[q as usize]
    }
}

/// Queue order: class (0 = binding rebook, 1..=4 = P1..P4), then the
/// deadline or clock start (longest wait first), then patient id, then the
/// patient's queueing epoch; packed by [`queue_entry`] into one integer in
/// that order, so the heap compares one `u128`, not a tuple.
pub(super) type QueueEntry = Reverse<u128>;

pub(super) fn queue_entry(class: u8, order: i32, id: u32, epoch: u32) -> QueueEntry {
    // Flipping the sign bit makes unsigned order the same as signed order.
    let order = (order as u32) ^ (1 << 31);
    Reverse(
        u128::from(class) << 96
            | u128::from(order) << 64
            | u128::from(id) << 32
            | u128::from(epoch),
    )
}

/// The (patient id, epoch) of a queue entry.
pub(super) fn queue_entry_patient(entry: QueueEntry) -> (u32, u32) {
    let Reverse(entry) = entry;
    ((entry >> 32) as u32, entry as u32)
}

/// `entry` with its patient id and epoch replaced (for renumbering).
pub(super) fn entry_with_patient(entry: QueueEntry, id: u32, epoch: u32) -> QueueEntry {
    let Reverse(entry) = entry;
    let high = entry >> 64 << 64;
    Reverse(high | u128::from(id) << 32 | u128::from(epoch))
}

/// One specialty's sessions and booking queues.
#[derive(Debug, Clone, Default)]
pub(super) struct SpecState {
    pub(super) sessions: Vec<Session>,
    /// Session ids by day.
    pub(super) by_day: Vec<Vec<u32>>,
    pub(super) queues: PerQueue<BinaryHeap<QueueEntry>>,
    /// Per booking queue, a day before which every open session is full, so
    /// booking can start there (it only ever skips full sessions).
    pub(super) free_from: PerQueue<i64>,
    /// Staff committed to all-day sessions today, unavailable in the afternoon.
    pub(super) all_day_juniors: Juniors,
    pub(super) all_day_consultants: u32,
    /// Its share of the trust's counts (its list at the end is filled in
    /// when the branch finishes).
    pub(super) outcome: SpecialtyOutcome,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Event {
    DayStart,
    HalfDay { pm: bool },
    Removal { patient: u32 },
    Requeue { patient: u32 },
    StandDown { walkout: u16 },
}

/// What a branch knows about a walkout's major incident recall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Recall {
    /// Not yet worked out (it is, the first time staffing needs it).
    NotYetChecked,
    /// No major incident is declared.
    Never,
    /// Declared: recalled strikers are back from this time.
    At(SimTime),
}

//! Booking: the queues patients wait in (binding rebookings first, then by
//! priority and longest wait) and the daily round that fills open places
//! over the booking horizons.
//!
//! Which sessions exist is `sessions.rs`'s business; whether a patient
//! declines an offered date is `patients.rs`'s.

use super::state::{queue_entry, queue_entry_patient, Queue, Status, NO_SESSION};
use super::TrustSim;

impl TrustSim<'_> {
    /// Put a patient (back) in their booking queue; an earlier entry for
    /// them goes stale.
    pub(super) fn enqueue(&mut self, id: u32) {
        let p = &mut self.patients[id as usize];
        p.epoch += 1;
        let (class, order) = match p.rebook_deadline {
            Some(deadline) => (0, deadline),
            None => (1 + p.priority, p.clock_start),
        };
        let entry = queue_entry(class, order, id, p.epoch);
        self.specs[usize::from(p.spec)].queues[p.queue()].push(entry);
    }

    /// Fill open places over the booking horizons from the queues, in
    /// queue order, earliest sessions first.
    pub(super) fn book(&mut self, today: i64) {
        for spec in 0..self.specs.len() {
            for q in Queue::ALL {
                let (first, last) = self.booking_window(q, today);
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

    /// First and last day that queue `q` books into, booking on `today`:
    /// clinics from tomorrow, admissions after the minimum notice.
    fn booking_window(&self, q: Queue, today: i64) -> (i64, i64) {
        let m = self.model;
        match q {
            Queue::FirstAppointment => (today + 1, today + m.clinic_horizon_days),
            Queue::Inpatient | Queue::DayCase => (
                today + m.admission_notice_days.max(1),
                today + m.theatre_horizon_days,
            ),
        }
    }

    /// The next patient in queue `q` still waiting to be booked, skipping
    /// stale entries.
    fn pop_valid(&mut self, spec: usize, q: Queue) -> Option<u32> {
        while let Some(entry) = self.specs[spec].queues[q].pop() {
            let (id, epoch) = queue_entry_patient(entry);
            let p = &self.patients[id as usize];
            if p.epoch == epoch && p.awaiting_booking() && p.session == NO_SESSION {
                return Some(id);
            }
        }
        None
    }

    /// Book patient `id` into session `sid` on `day`, counting a binding
    /// rebooking as in time or late.
    fn place(&mut self, spec: usize, sid: u32, id: u32, day: i64) {
        let p = &mut self.patients[id as usize];
        p.session = sid;
        if let Some(deadline) = p.rebook_deadline.take() {
            if p.rebook_counted {
                p.rebook_counted = false;
                self.rebook_pending -= 1;
                if day <= i64::from(deadline) {
                    self.counters.rebooked_within += 1;
                } else {
                    self.counters.rebooked_late += 1;
                }
            }
        }
        self.specs[spec].sessions[sid as usize].booked.push(id);
    }

    /// The 28-day rule: a binding new date, booked ahead of everyone else.
    pub(super) fn rebook_binding(&mut self, id: u32, day: i64, counted: bool) {
        let p = &mut self.patients[id as usize];
        p.rebook_deadline = Some((day + self.plan.binding_days) as i32);
        if p.rebook_counted != counted {
            if counted {
                self.rebook_pending += 1;
            } else {
                self.rebook_pending -= 1;
            }
        }
        p.rebook_counted = counted;
        self.enqueue(id);
    }
}

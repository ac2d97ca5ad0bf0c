//! The event calendar: a priority queue of future events ordered by
//! (time, insertion sequence), with cancellation.
//!
//! Events live in a slab; a radix queue holds their slots by time, first in,
//! first out among equal times (by insertion sequence, kept in the slab).
//! Time never runs backwards, which is what a radix queue needs. A cancelled event's
//! slab slot is emptied and its key is skipped when it reaches the top, so
//! cancelling is O(1).

use super::radix::RadixQueue;
use super::SimTime;

/// A handle to a scheduled event, used to cancel it. Handles stay valid
/// (and harmless) after the event has fired or been cancelled: cancelling a
/// stale handle does nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EventId {
    slot: u32,
    seq: u64,
}

/// A time as an unsigned integer in the same order (sign bit flipped).
fn key(time: i64) -> u64 {
    (time as u64) ^ (1 << 63)
}

fn time_of(key: u64) -> i64 {
    (key ^ (1 << 63)) as i64
}

#[derive(Debug, Clone)]
struct Slot<E> {
    seq: u64,
    event: Option<E>,
}

/// A deterministic future-event list.
#[derive(Debug, Clone)]
pub struct Calendar<E> {
    now: SimTime,
    next_seq: u64,
    /// Slots of pending (or cancelled) events by time, first in, first out.
    queue: RadixQueue,
    slots: Vec<Slot<E>>,
    free: Vec<u32>,
    pending: usize,
}

impl<E> Default for Calendar<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Calendar<E> {
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    pub fn with_capacity(capacity: usize) -> Self {
        Calendar {
            now: SimTime::ZERO,
            next_seq: 0,
            queue: RadixQueue::new(),
            slots: Vec::with_capacity(capacity),
            free: Vec::new(),
            pending: 0,
        }
    }

    /// The time of the event most recently popped (or zero).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Number of scheduled events not yet fired or cancelled.
    pub fn len(&self) -> usize {
        self.pending
    }

    pub fn is_empty(&self) -> bool {
        self.pending == 0
    }

    /// Schedule `event` at `time`. Scheduling in the past is a logic error in
    /// the model; the event is then delivered at the current time instead,
    /// after everything already due, so causality holds.
    pub fn schedule(&mut self, time: SimTime, event: E) -> EventId {
        debug_assert!(time >= self.now, "event scheduled in the past");
        let time = time.max(self.now);
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Slot {
                    seq,
                    event: Some(event),
                };
                slot
            }
            None => {
                self.slots.push(Slot {
                    seq,
                    event: Some(event),
                });
                (self.slots.len() - 1) as u32
            }
        };
        self.queue.push(key(time.minutes()), slot);
        self.pending += 1;
        EventId { slot, seq }
    }

    /// Cancel a scheduled event. Returns the event if it was still pending.
    pub fn cancel(&mut self, id: EventId) -> Option<E> {
        let slot = self.slots.get_mut(id.slot as usize)?;
        if slot.seq != id.seq {
            return None;
        }
        let event = slot.event.take()?;
        self.pending -= 1;
        Some(event)
    }

    /// Time of the next pending event, without removing it.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        self.skip_cancelled();
        let slots = &self.slots;
        self.queue
            .peek(|s| slots[s as usize].seq)
            .map(|(k, _)| SimTime(time_of(k)))
    }

    /// Remove and return the next event, advancing the clock to its time.
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        loop {
            let slots = &self.slots;
            let (key, slot) = self.queue.pop(|s| slots[s as usize].seq)?;
            let event = self.slots[slot as usize].event.take();
            // Fired or cancelled, the slot is free for reuse from now on.
            self.free.push(slot);
            if let Some(event) = event {
                self.pending -= 1;
                self.now = SimTime(time_of(key));
                return Some((self.now, event));
            }
        }
    }

    /// Remove and return the next event if it is due at or before `until`.
    pub fn pop_until(&mut self, until: SimTime) -> Option<(SimTime, E)> {
        match self.peek_time() {
            Some(t) if t <= until => self.pop(),
            _ => None,
        }
    }

    /// Move the clock forward to `time` without firing anything. Every
    /// pending event must be due at or after `time` (a logic error
    /// otherwise: the clock never runs backwards, and it stays put then).
    pub fn advance_to(&mut self, time: SimTime) {
        debug_assert!(
            self.peek_time().is_none_or(|t| t >= time),
            "an event is due before the clock moves on"
        );
        self.now = self.now.max(time);
    }

    /// Give back the memory held beyond the pending events (after a busy
    /// spell, before the calendar is kept or copied for long).
    pub fn shrink_to_fit(&mut self) {
        self.queue.shrink_to_fit();
        self.slots.shrink_to_fit();
        self.free.shrink_to_fit();
    }

    /// Visit every pending event in slot order: `keep` may change it in
    /// place, or return `false` to cancel it. Times and the order of
    /// events due at the same time are kept, and so are the handles of the
    /// events kept.
    pub fn retain_mut(&mut self, mut keep: impl FnMut(&mut E) -> bool) {
        for slot in &mut self.slots {
            if let Some(event) = slot.event.as_mut() {
                if !keep(event) {
                    slot.event = None;
                    self.pending -= 1;
                }
            }
        }
    }

    fn skip_cancelled(&mut self) {
        loop {
            let slots = &self.slots;
            let Some((_, slot)) = self.queue.peek(|s| slots[s as usize].seq) else {
                return;
            };
            if slots[slot as usize].event.is_some() {
                return;
            }
            self.queue.pop(|s| slots[s as usize].seq);
            self.free.push(slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(cal: &mut Calendar<u32>) -> Vec<(i64, u32)> {
        std::iter::from_fn(|| cal.pop().map(|(t, e)| (t.minutes(), e))).collect()
    }

    #[test]
    fn events_come_out_in_time_order() {
        let mut cal = Calendar::new();
        for (t, e) in [(30, 1), (10, 2), (20, 3), (0, 4)] {
            cal.schedule(SimTime(t), e);
        }
        assert_eq!(drain(&mut cal), vec![(0, 4), (10, 2), (20, 3), (30, 1)]);
        assert_eq!(cal.now(), SimTime(30));
    }

    #[test]
    fn same_time_events_are_first_in_first_out() {
        let mut cal = Calendar::new();
        for e in 0..100 {
            cal.schedule(SimTime(5), e);
        }
        cal.schedule(SimTime(4), 1000);
        let out = drain(&mut cal);
        assert_eq!(out[0], (4, 1000));
        let rest: Vec<u32> = out[1..].iter().map(|&(_, e)| e).collect();
        assert_eq!(rest, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn cancelled_events_never_fire_and_stale_handles_are_harmless() {
        let mut cal = Calendar::new();
        let a = cal.schedule(SimTime(1), 1);
        let b = cal.schedule(SimTime(2), 2);
        let c = cal.schedule(SimTime(3), 3);
        assert_eq!(cal.cancel(b), Some(2));
        assert_eq!(cal.cancel(b), None);
        assert_eq!(cal.len(), 2);
        assert_eq!(cal.pop(), Some((SimTime(1), 1)));
        // `a` fired: cancelling it now does nothing, even once its slot is
        // reused by a new event.
        let d = cal.schedule(SimTime(4), 4);
        assert_eq!(cal.cancel(a), None);
        assert_eq!(drain(&mut cal), vec![(3, 3), (4, 4)]);
        assert_eq!(cal.cancel(c), None);
        assert_eq!(cal.cancel(d), None);
        assert!(cal.is_empty());
    }

    #[test]
    fn retain_mut_changes_or_cancels_pending_events_in_place() {
        let mut cal = Calendar::new();
        for (t, e) in [(30, 1), (10, 2), (20, 3), (10, 4)] {
            cal.schedule(SimTime(t), e);
        }
        cal.retain_mut(|e| {
            *e *= 10;
            *e != 30
        });
        assert_eq!(cal.len(), 3);
        cal.advance_to(SimTime(5));
        assert_eq!(cal.now(), SimTime(5));
        assert_eq!(drain(&mut cal), vec![(10, 20), (10, 40), (30, 10)]);
    }

    #[test]
    fn pop_until_stops_at_the_horizon() {
        let mut cal = Calendar::new();
        cal.schedule(SimTime(10), 1);
        cal.schedule(SimTime(20), 2);
        assert_eq!(cal.pop_until(SimTime(15)), Some((SimTime(10), 1)));
        assert_eq!(cal.pop_until(SimTime(15)), None);
        assert_eq!(cal.peek_time(), Some(SimTime(20)));
    }

    #[test]
    fn a_cloned_calendar_runs_independently_and_identically() {
        let mut cal = Calendar::new();
        for e in 0..50u32 {
            cal.schedule(SimTime(i64::from((e * 7919) % 13)), e);
        }
        let mut copy = cal.clone();
        assert_eq!(drain(&mut cal), drain(&mut copy));
    }

    #[test]
    fn interleaved_schedule_and_cancel_matches_a_reference_model() {
        // A small deterministic pseudo-random workload checked against a
        // sorted-vector reference.
        let mut cal = Calendar::new();
        let mut reference: Vec<(i64, u64, u32)> = Vec::new();
        let mut ids = Vec::new();
        let mut x: u64 = 12345;
        let mut seq = 0u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for step in 0..2000u32 {
            let r = next();
            match r % 4 {
                0 | 1 => {
                    let t = cal.now().minutes() + (r >> 8) as i64 % 50;
                    ids.push((cal.schedule(SimTime(t), step), seq));
                    reference.push((t, seq, step));
                    seq += 1;
                }
                2 if !ids.is_empty() => {
                    let (id, s) = ids.swap_remove((r >> 8) as usize % ids.len());
                    let was_pending = reference.iter().position(|&(_, q, _)| q == s);
                    let got = cal.cancel(id);
                    match was_pending {
                        Some(i) => assert_eq!(got, Some(reference.remove(i).2)),
                        None => assert_eq!(got, None),
                    }
                }
                _ => {
                    reference.sort();
                    let expected = if reference.is_empty() {
                        None
                    } else {
                        let (t, _, e) = reference.remove(0);
                        Some((SimTime(t), e))
                    };
                    assert_eq!(cal.pop(), expected);
                }
            }
            assert_eq!(cal.len(), reference.len());
        }
    }
}

//! A radix queue: a monotone priority queue on 64-bit times, first in,
//! first out among equal times.
//!
//! An event calendar only ever schedules at or after the current time, so
//! every time pushed is at least the last time popped. A radix queue uses
//! that: each entry sits in the bucket of the highest bit in which its time
//! differs from the last time popped, and only ever moves to lower buckets,
//! so popping costs amortised O(log of the time range), with plain vector
//! appends instead of a binary heap's sifting. Entries due at the current
//! time wait in a first-in, first-out line ordered by their insertion
//! sequence, which the caller supplies.

use std::collections::VecDeque;

/// Buckets 1..=64: bucket b holds times whose highest bit differing from
/// the last time popped is b - 1 (bucket 0 is unused: see `due`).
const BUCKETS: usize = 65;

#[derive(Debug, Clone)]
pub struct RadixQueue {
    last: u64,
    len: usize,
    /// Entries whose time equals `last`, in insertion order.
    due: VecDeque<u32>,
    buckets: Vec<Vec<(u64, u32)>>,
    /// Bit b - 1 set when bucket b is non-empty.
    occupied: u64,
}

impl Default for RadixQueue {
    fn default() -> Self {
        Self::new()
    }
}

impl RadixQueue {
    pub fn new() -> Self {
        RadixQueue {
            last: 0,
            len: 0,
            due: VecDeque::new(),
            buckets: vec![Vec::new(); BUCKETS],
            occupied: 0,
        }
    }

    /// Give back the memory the queue holds beyond its entries.
    pub fn shrink_to_fit(&mut self) {
        self.due.shrink_to_fit();
        self.buckets.iter_mut().for_each(Vec::shrink_to_fit);
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Add `id` at `time`. `time` must not be before the last time popped,
    /// and `id` must come after every queued id of the same time in the
    /// order `seq_of` gives (the calendar's insertion sequence does).
    #[inline]
    pub fn push(&mut self, time: u64, id: u32) {
        debug_assert!(time >= self.last, "radix queue times must not decrease");
        let time = time.max(self.last);
        if time == self.last {
            self.due.push_back(id);
        } else {
            let b = (64 - (time ^ self.last).leading_zeros()) as usize;
            self.buckets[b].push((time, id));
            self.occupied |= 1 << (b - 1);
        }
        self.len += 1;
    }

    /// Make `due` hold the entries of the smallest time; return that time.
    fn settle(&mut self, seq_of: impl Fn(u32) -> u64) -> Option<u64> {
        if !self.due.is_empty() {
            return Some(self.last);
        }
        if self.occupied == 0 {
            return None;
        }
        let b = self.occupied.trailing_zeros() as usize + 1;
        let mut items = std::mem::take(&mut self.buckets[b]);
        self.occupied &= !(1 << (b - 1));
        self.last = items
            .iter()
            .map(|&(t, _)| t)
            .min()
            .expect("bucket is non-empty");
        // `due` is empty: the ties go straight into it (no allocation),
        // then into insertion order.
        for &(t, id) in &items {
            if t == self.last {
                self.due.push_back(id);
            } else {
                let nb = (64 - (t ^ self.last).leading_zeros()) as usize;
                self.buckets[nb].push((t, id));
                self.occupied |= 1 << (nb - 1);
            }
        }
        if self.due.len() > 1 {
            self.due
                .make_contiguous()
                .sort_unstable_by_key(|&id| seq_of(id));
        }
        // Give the emptied vector's allocation back to its bucket.
        items.clear();
        if self.buckets[b].is_empty() {
            self.buckets[b] = items;
        }
        Some(self.last)
    }

    /// The next entry, without removing it.
    pub fn peek(&mut self, seq_of: impl Fn(u32) -> u64) -> Option<(u64, u32)> {
        let time = self.settle(seq_of)?;
        self.due.front().map(|&id| (time, id))
    }

    /// Remove and return the next entry: the smallest time, and among equal
    /// times the first pushed.
    pub fn pop(&mut self, seq_of: impl Fn(u32) -> u64) -> Option<(u64, u32)> {
        let time = self.settle(seq_of)?;
        self.len -= 1;
        self.due.pop_front().map(|id| (time, id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_then_insertion_order() {
        let mut q = RadixQueue::new();
        let mut reference = std::collections::BinaryHeap::new();
        let mut x: u64 = 88172645463325252;
        let mut last = 0u64;
        // Ids are insertion sequence numbers, so seq_of is the identity.
        for id in 0..20_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if !x.is_multiple_of(3) || q.is_empty() {
                // Few distinct times, so ties are common.
                let time = last + x % 7 * 100;
                q.push(time, id);
                reference.push(std::cmp::Reverse((time, id)));
            } else {
                let got = q.pop(u64::from).expect("non-empty");
                let std::cmp::Reverse(want) = reference.pop().expect("non-empty");
                assert_eq!(got, want);
                last = got.0;
            }
            assert_eq!(q.len(), reference.len());
        }
    }
}

//! A radix heap: a monotone priority queue on `u128` keys.
//!
//! An event calendar only ever schedules at or after the current time, so
//! every key pushed is at least the last key popped. A radix heap uses that:
//! each key sits in the bucket of the highest bit in which it differs from
//! the last key popped, and a key only ever moves to lower buckets, so
//! popping costs amortised O(log of the key range), with plain vector pushes
//! instead of a binary heap's sifting.

/// Number of buckets: bucket 0 holds keys equal to the last popped key,
/// bucket b (1..=128) keys whose highest differing bit is b - 1.
const BUCKETS: usize = 129;

#[derive(Debug, Clone)]
pub struct RadixHeap<V> {
    last: u128,
    len: usize,
    buckets: Vec<Vec<(u128, V)>>,
    /// Bit b - 1 set when bucket b (1..=128) is non-empty.
    occupied: u128,
}

impl<V: Copy> Default for RadixHeap<V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<V: Copy> RadixHeap<V> {
    pub fn new() -> Self {
        RadixHeap {
            last: 0,
            len: 0,
            buckets: vec![Vec::new(); BUCKETS],
            occupied: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn bucket_of(&self, key: u128) -> usize {
        (128 - (key ^ self.last).leading_zeros()) as usize
    }

    /// Add `value` under `key`; `key` must not be below the last key popped.
    #[inline]
    pub fn push(&mut self, key: u128, value: V) {
        debug_assert!(key >= self.last, "radix heap keys must not decrease");
        let b = self.bucket_of(key.max(self.last));
        self.buckets[b].push((key.max(self.last), value));
        if b > 0 {
            self.occupied |= 1 << (b - 1);
        }
        self.len += 1;
    }

    /// Make bucket 0 hold the smallest key; return it.
    fn settle(&mut self) -> Option<u128> {
        if !self.buckets[0].is_empty() {
            return Some(self.last);
        }
        if self.occupied == 0 {
            return None;
        }
        let b = self.occupied.trailing_zeros() as usize + 1;
        let items = std::mem::take(&mut self.buckets[b]);
        self.occupied &= !(1 << (b - 1));
        self.last = items
            .iter()
            .map(|&(k, _)| k)
            .min()
            .expect("bucket is non-empty");
        for &(k, v) in &items {
            let nb = self.bucket_of(k);
            self.buckets[nb].push((k, v));
            if nb > 0 {
                self.occupied |= 1 << (nb - 1);
            }
        }
        // Hand the emptied vector's allocation back to its bucket.
        let mut items = items;
        items.clear();
        if self.buckets[b].is_empty() {
            self.buckets[b] = items;
        }
        Some(self.last)
    }

    /// The entry with the smallest key, without removing it.
    pub fn peek(&mut self) -> Option<(u128, V)> {
        self.settle()?;
        self.buckets[0].last().copied()
    }

    /// Remove and return the entry with the smallest key. Among equal keys
    /// the order is unspecified: give keys a unique tie-breaker.
    pub fn pop(&mut self) -> Option<(u128, V)> {
        self.settle()?;
        self.len -= 1;
        self.buckets[0].pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_key_order_with_monotone_pushes() {
        let mut h = RadixHeap::new();
        let mut x: u64 = 88172645463325252;
        let mut reference = std::collections::BinaryHeap::new();
        let mut last = 0u128;
        for step in 0..20_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if !x.is_multiple_of(3) || h.is_empty() {
                let key = last + u128::from(x % 5000) * (1 << 64) + u128::from(step);
                h.push(key, step);
                reference.push(std::cmp::Reverse((key, step)));
            } else {
                let (k, v) = h.pop().expect("non-empty");
                let std::cmp::Reverse((rk, rv)) = reference.pop().expect("non-empty");
                assert_eq!((k, v), (rk, rv));
                last = k;
            }
            assert_eq!(h.len(), reference.len());
        }
    }
}

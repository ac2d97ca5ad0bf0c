//! Random streams keyed by (master seed, replication, trust, purpose),
//! never by thread: a replication draws the same numbers whichever thread
//! runs it and however many threads there are.

use crate::model::draws::{key, mix64};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// What a stream is used for.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum StreamPurpose {
    /// Referral arrivals, patient attributes and the initial list.
    Referrals = 1,
    /// National participation in each walkout.
    NationalParticipation = 2,
    /// A trust's participation around the national draw.
    TrustParticipation = 3,
    /// Base key of counter-based draws (did-not-attend, who strikes).
    Draws = 4,
}

/// Stands for "no trust" in national streams.
pub const NATIONAL: u64 = u64::MAX;

/// The key of a stream.
pub fn stream_key(seed: u64, replication: u64, trust: u64, purpose: StreamPurpose) -> u64 {
    key(&[seed, replication, trust, purpose as u64])
}

/// A Xoshiro256++ generator for a stream. The 256-bit state is expanded
/// from the key with SplitMix64, which we own, so the stream never changes
/// with a dependency's version.
pub fn stream(
    seed: u64,
    replication: u64,
    trust: u64,
    purpose: StreamPurpose,
) -> Xoshiro256PlusPlus {
    let k = stream_key(seed, replication, trust, purpose);
    let mut bytes = [0u8; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&mix64(k.wrapping_add(i as u64 + 1)).to_le_bytes());
    }
    Xoshiro256PlusPlus::from_seed(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn value_stability() {
        // Pinned: if this changes, every published result changes.
        let mut r = stream(1, 0, 0, StreamPurpose::Referrals);
        let first = r.next_u64();
        let mut again = stream(1, 0, 0, StreamPurpose::Referrals);
        assert_eq!(first, again.next_u64());
        assert_ne!(first, stream(1, 1, 0, StreamPurpose::Referrals).next_u64());
        assert_ne!(first, stream(1, 0, 1, StreamPurpose::Referrals).next_u64());
        assert_ne!(first, stream(1, 0, 0, StreamPurpose::Draws).next_u64());
        assert_eq!(
            first, 0xDED4_2CEB_EBEF_FDC6_u64,
            "stream changed: got {first:#X}"
        );
    }
}

//! Every fixed hash the tool relies on: the keys of random streams, the
//! counter-based draws, and the SHA-256 digests that identify a scenario
//! text or a shard body.
//!
//! Randomness is keyed, never sequenced by thread or by the order of
//! events. A *stream* ([`stream`]) is a Xoshiro256++ generator keyed by
//! (master seed, replication, trust, purpose): a replication draws the same
//! numbers on whichever thread runs it. A *counter-based draw*
//! ([`uniform`]) is a uniform number that depends only on a base key, its
//! purpose and the entity it is for (a patient and their n-th appointment,
//! a junior doctor's place on a rota), so every plan and the counterfactual
//! see the same patient not attend, the same junior strike: common random
//! numbers. The base, the purpose and each id are separate words of the
//! hash, each mixed in on its own, so no (purpose, id) pair aliases another:
//! one patient's did-not-attend draw is not another's cancellation draw.
//!
//! SHA-256 ([`sha256_hex`]) lives here too: like the keys above it is a
//! fixed function whose outputs are pinned (a scenario's identity in the
//! manifest and in shard files, [`scenario_identity`]), and the model is
//! the one layer that the scenario, the ensemble and the shards all build
//! on.
//!
//! Everything here is pinned by value-stability tests: a change to any of
//! it changes every published result. Which streams a replication opens
//! and in what order is the ensemble's business, not this module's.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use sha2::{Digest, Sha256};

/// The SplitMix64 finaliser: a strong 64-bit mixer.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Fold several words into one key.
#[inline]
pub fn key(words: &[u64]) -> u64 {
    words
        .iter()
        .fold(0x5EED_0F57_21CE_u64, |acc, &w| mix64(acc ^ w))
}

/// What a stream or a counter-based draw is for, so that two uses never
/// share numbers.
///
/// There are two families with separate key spaces: streams (keyed by
/// `key(&[seed, replication, trust, code])`) and counter-based draws
/// (hashed as `key(&[draw base, code, a, b])`, where the draw base is
/// itself the output of a stream). Codes are unique within a family and
/// repeat across the two; they are part of every published result, so a
/// purpose keeps its code for good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    // ----- streams -----
    /// Referral arrivals, patient attributes and the initial list.
    Referrals,
    /// National participation in each walkout.
    NationalParticipation,
    /// A trust's participation around the national draw.
    TrustParticipation,
    /// The base key of a trust's counter-based draws.
    DrawBase,
    // ----- counter-based draws -----
    /// Does a patient attend an outpatient appointment?
    DidNotAttend,
    /// Is a planned operation cancelled on the day for non-clinical reasons?
    BackgroundCancel,
    /// Does the junior in a rota place strike?
    Strikes,
    /// Does a striking junior answer a major incident recall?
    Recall,
    /// Does a patient decline the date offered?
    DeclineOffer,
    /// How long a patient who declined asks to wait.
    Deferral,
    /// How many nights an elective inpatient stays.
    Stay,
}

impl Purpose {
    /// The purpose's number in its family's key space (pinned).
    #[inline]
    pub const fn code(self) -> u64 {
        match self {
            Purpose::Referrals => 1,
            Purpose::NationalParticipation => 2,
            Purpose::TrustParticipation => 3,
            Purpose::DrawBase => 4,
            Purpose::DidNotAttend => 1,
            Purpose::BackgroundCancel => 2,
            Purpose::Strikes => 3,
            Purpose::Recall => 4,
            Purpose::DeclineOffer => 5,
            Purpose::Deferral => 6,
            Purpose::Stay => 7,
        }
    }

    /// Is this the purpose of a stream (rather than of a counter-based draw)?
    pub const fn is_stream(self) -> bool {
        matches!(
            self,
            Purpose::Referrals
                | Purpose::NationalParticipation
                | Purpose::TrustParticipation
                | Purpose::DrawBase
        )
    }
}

/// Stands for "no trust" in national streams.
pub const NATIONAL: u64 = u64::MAX;

/// Stands for "no replication" in the warm-up's streams, which every
/// replication of an ensemble shares (keyed by the seed and the trust).
pub const WARM_UP: u64 = u64::MAX;

/// The key of a stream.
pub fn stream_key(seed: u64, replication: u64, trust: u64, purpose: Purpose) -> u64 {
    debug_assert!(purpose.is_stream(), "{purpose:?} is not a stream");
    key(&[seed, replication, trust, purpose.code()])
}

/// A Xoshiro256++ generator for a stream. The 256-bit state is expanded
/// from the key with SplitMix64, which we own, so the stream never changes
/// with a dependency's version.
pub fn stream(seed: u64, replication: u64, trust: u64, purpose: Purpose) -> Xoshiro256PlusPlus {
    let k = stream_key(seed, replication, trust, purpose);
    let mut bytes = [0u8; 32];
    for (i, chunk) in bytes.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&mix64(k.wrapping_add(i as u64 + 1)).to_le_bytes());
    }
    Xoshiro256PlusPlus::from_seed(bytes)
}

/// A uniform draw in [0, 1) for `purpose` and the entity (`a`, `b`) it is
/// for, from a trust's draw base (the key of its [`Purpose::DrawBase`]
/// stream).
///
/// The four inputs are folded as separate words by [`key`]: each passes
/// through the mixer before the next is combined, so the purpose and the
/// ids are independent inputs. (Until issue 9 the purpose was XORed into
/// the base and the id into that, so `(DidNotAttend, id)` and
/// `(BackgroundCancel, id ^ 3)` gave the same number.)
#[inline]
pub fn uniform(base: u64, purpose: Purpose, a: u64, b: u64) -> f64 {
    debug_assert!(!purpose.is_stream(), "{purpose:?} is a stream");
    unit(key(&[base, purpose.code(), a, b]))
}

/// The top 53 bits of a word as a number in [0, 1).
#[inline]
fn unit(z: u64) -> f64 {
    (z >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// SHA-256 of some bytes, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Bytes (a digest) as lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A file a scenario reads besides its own text (an RTT CSV named by
/// `initial_list_from`): its path as the scenario writes it and the
/// SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InputDigest {
    /// The path as written in the scenario (relative ones are taken from
    /// the scenario file's folder).
    pub file: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
}

/// A scenario's identity, hex: what the manifest and shard files call its
/// `sha256`.
///
/// A scenario that reads no other file is identified by the SHA-256 of its
/// text. One that reads files (`inputs`, each once, in the order the
/// scenario first names them) is identified by the SHA-256 of
///
/// ```text
/// strikesim-scenario 1
/// text <SHA-256 of the text>
/// file <SHA-256 of the file's bytes> <length of the path in bytes> <path as written>
/// ...
/// ```
///
/// (one `file` line per input, each line ending in `\n`), so two runs with
/// the same identity started from the same text and the same bytes of every
/// file.
pub fn scenario_identity(text_sha256: &str, inputs: &[InputDigest]) -> String {
    if inputs.is_empty() {
        return text_sha256.to_string();
    }
    let mut canonical = format!("strikesim-scenario 1\ntext {text_sha256}\n");
    for input in inputs {
        canonical.push_str(&format!(
            "file {} {} {}\n",
            input.sha256,
            input.file.len(),
            input.file
        ));
    }
    sha256_hex(canonical.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    /// Every purpose of a counter-based draw.
    const DRAWS: [Purpose; 6] = [
        Purpose::DidNotAttend,
        Purpose::BackgroundCancel,
        Purpose::Strikes,
        Purpose::Recall,
        Purpose::DeclineOffer,
        Purpose::Deferral,
    ];

    #[test]
    fn value_stability() {
        // Pinned: a change here changes every result the tool gives.
        assert_eq!(mix64(0), 0xE220_A839_7B1D_CDAF);
        assert_eq!(key(&[1, 2, 3]), 0x674D_5559_8BF7_5C3F);
        assert_ne!(key(&[1, 2, 3]), key(&[1, 3, 2]));
        // uniform(42, purpose, 7, 9) for each purpose, in `DRAWS` order
        let got = DRAWS.map(|p| uniform(42, p, 7, 9));
        let pinned = [
            0.18753539616762227,
            0.5091247265870537,
            0.7016709119830222,
            0.716162202486911,
            0.8881512022834963,
            0.9025273237580916,
        ];
        assert_eq!(got, pinned, "draws changed: {got:?}");
    }

    /// The draw as it was keyed before issue 9: the purpose XORed into the
    /// base, the first id XORed into that.
    fn xor_keyed_uniform(base: u64, purpose: Purpose, a: u64, b: u64) -> f64 {
        let z = mix64(mix64(base ^ purpose.code() ^ a) ^ b.wrapping_mul(0xD6E8_FEB8_6659_FD93));
        unit(z)
    }

    #[test]
    fn the_old_collision_is_gone() {
        // Under XOR keying, patient 0's did-not-attend draw on their first
        // appointment was patient 3's background-cancellation draw
        // (1 ^ 0 == 2 ^ 3), and declining an offer aliased deferral the
        // same way (5 ^ 0 == 6 ^ 3).
        let base = 0x0123_4567_89AB_CDEF;
        let old = xor_keyed_uniform;
        assert_eq!(
            old(base, Purpose::DidNotAttend, 0, 1),
            old(base, Purpose::BackgroundCancel, 3, 1)
        );
        assert_eq!(
            old(base, Purpose::DeclineOffer, 0, 1 << 8),
            old(base, Purpose::Deferral, 3, 1 << 8)
        );
        assert_ne!(
            uniform(base, Purpose::DidNotAttend, 0, 1),
            uniform(base, Purpose::BackgroundCancel, 3, 1)
        );
        assert_ne!(
            uniform(base, Purpose::DeclineOffer, 0, 1 << 8),
            uniform(base, Purpose::Deferral, 3, 1 << 8)
        );
    }

    #[test]
    fn no_two_purposes_or_ids_share_a_draw() {
        // Every (purpose, patient id, attempt) for ids 0..10,000, the first
        // three attempts, on two draw bases: all distinct. Under XOR keying
        // this failed on its first base (ids paired as id and id ^ 3).
        for base in [0x0123_4567_89AB_CDEF, 99] {
            let mut seen = std::collections::HashMap::new();
            for purpose in DRAWS {
                for id in 0..10_000u64 {
                    for attempt in 1..=3u64 {
                        let u = uniform(base, purpose, id, attempt);
                        if let Some(other) = seen.insert(u.to_bits(), (purpose, id, attempt)) {
                            panic!("{:?} and {other:?} share {u}", (purpose, id, attempt));
                        }
                    }
                }
            }
            assert_eq!(seen.len(), DRAWS.len() * 10_000 * 3);
        }
        // and the old keying did collide on the same inputs
        let base = 0x0123_4567_89AB_CDEF;
        let dna: std::collections::HashSet<u64> = (0..10_000)
            .map(|id| xor_keyed_uniform(base, Purpose::DidNotAttend, id, 1).to_bits())
            .collect();
        let shared = (0..10_000)
            .filter(|&id| {
                dna.contains(&xor_keyed_uniform(base, Purpose::BackgroundCancel, id, 1).to_bits())
            })
            .count();
        assert_eq!(shared, 10_000, "every id pairs with id ^ 3");
    }

    #[test]
    fn swapping_the_purpose_and_an_id_changes_the_draw() {
        // The purpose and the ids are positions, not a set: (code 1, id 2)
        // is not (code 2, id 1).
        let base = 7;
        assert_ne!(
            uniform(base, Purpose::DidNotAttend, 2, 0),
            uniform(base, Purpose::BackgroundCancel, 1, 0)
        );
        assert_ne!(
            uniform(base, Purpose::Strikes, 5, 6),
            uniform(base, Purpose::Strikes, 6, 5)
        );
    }

    #[test]
    fn purpose_codes_are_pinned_and_unique_within_a_family() {
        use Purpose as P;
        let streams = [
            P::Referrals,
            P::NationalParticipation,
            P::TrustParticipation,
            P::DrawBase,
        ];
        let draws = DRAWS;
        assert_eq!(streams.map(P::code), [1, 2, 3, 4]);
        assert_eq!(draws.map(P::code), [1, 2, 3, 4, 5, 6]);
        assert!(streams.iter().all(|p| p.is_stream()));
        assert!(draws.iter().all(|p| !p.is_stream()));
    }

    #[test]
    fn uniform_draws_look_uniform() {
        let n = 100_000u64;
        let mut buckets = [0u32; 10];
        for i in 0..n {
            buckets[(uniform(99, Purpose::DidNotAttend, i, 3) * 10.0) as usize] += 1;
        }
        for b in buckets {
            assert!((9_500..10_500).contains(&b), "bucket {b}");
        }
    }

    #[test]
    fn streams_are_stable() {
        // Pinned: if this changes, every published result changes.
        let mut r = stream(1, 0, 0, Purpose::Referrals);
        let first = r.next_u64();
        let mut again = stream(1, 0, 0, Purpose::Referrals);
        assert_eq!(first, again.next_u64());
        assert_ne!(first, stream(1, 1, 0, Purpose::Referrals).next_u64());
        assert_ne!(first, stream(1, 0, 1, Purpose::Referrals).next_u64());
        assert_ne!(first, stream(1, 0, 0, Purpose::DrawBase).next_u64());
        assert_eq!(
            first, 0xDED4_2CEB_EBEF_FDC6_u64,
            "stream changed: got {first:#X}"
        );
    }

    #[test]
    fn the_identity_of_a_scenario_covers_the_files_it_reads() {
        let text = sha256_hex(b"name = \"s\"");
        let csv = |file: &str, bytes: &[u8]| InputDigest {
            file: file.into(),
            sha256: sha256_hex(bytes),
        };
        // no file: the text's own hash, as before files were covered
        assert_eq!(scenario_identity(&text, &[]), text);
        let one = scenario_identity(&text, &[csv("rtt.csv", b"a")]);
        assert_eq!(one.len(), 64);
        assert_ne!(one, text);
        assert_eq!(one, scenario_identity(&text, &[csv("rtt.csv", b"a")]));
        assert_ne!(one, scenario_identity(&text, &[csv("rtt.csv", b"b")]));
        assert_ne!(one, scenario_identity(&text, &[csv("other.csv", b"a")]));
        let two = [csv("a.csv", b"1"), csv("b.csv", b"2")];
        let swapped = [two[1].clone(), two[0].clone()];
        assert_ne!(
            scenario_identity(&text, &two),
            scenario_identity(&text, &swapped)
        );
        // pinned: a change here changes the identity of every scenario
        // that starts from an RTT file
        assert_eq!(
            one,
            "1178b94c3cdc6615f455895635581e9f3d98ed41b02920da968f0381d85dd6a0"
        );
    }

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

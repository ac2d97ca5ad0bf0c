//! Summary statistics over replications: means with 95% intervals,
//! percentiles, and a mergeable histogram for weekly series.
//!
//! The histogram keeps counts in fixed buckets (exact below 4,096, then
//! 12 significant bits, a relative error under 0.025%) and an exact integer
//! sum, so adding replications in any order or merging shards gives the
//! same bytes, and its size stops growing once the buckets in use are seen.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const EXACT_BITS: u32 = 12;

/// Bucket index of a value: the value itself below 2^12 in magnitude, then
/// (exponent, top 12 bits), keeping order.
fn bucket(v: i64) -> i64 {
    let m = v.unsigned_abs();
    let b = if m < (1 << EXACT_BITS) {
        m as i64
    } else {
        let shift = 64 - m.leading_zeros() - EXACT_BITS;
        ((i64::from(shift)) << EXACT_BITS) + (m >> shift) as i64
    };
    if v < 0 {
        -b
    } else {
        b
    }
}

/// Middle of the range of values falling in bucket `b`, a whole number
/// (rounded down), so that quantiles of whole patients are whole.
fn bucket_value(b: i64) -> f64 {
    let m = b.unsigned_abs() as i64;
    let v = if m < (1 << EXACT_BITS) {
        m as f64
    } else {
        // m = (shift << 12) + top, and top >= 2^11 whenever shift >= 1.
        let shift = (m >> EXACT_BITS) as u32;
        let top = m & ((1 << EXACT_BITS) - 1);
        let low = (top as f64) * f64::from(1u32 << shift);
        low + f64::from(((1u32 << shift) - 1) / 2)
    };
    if b < 0 {
        -v
    } else {
        v
    }
}

/// Counts of integer values in buckets, with an exact sum.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    pub count: u64,
    pub sum: i128,
    pub buckets: BTreeMap<i64, u64>,
}

impl Histogram {
    pub fn add(&mut self, v: i64) {
        self.count += 1;
        self.sum += i128::from(v);
        *self.buckets.entry(bucket(v)).or_insert(0) += 1;
    }

    pub fn merge(&mut self, o: &Histogram) {
        self.count += o.count;
        self.sum += o.sum;
        for (b, c) in &o.buckets {
            *self.buckets.entry(*b).or_insert(0) += c;
        }
    }

    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum as f64 / self.count as f64
        }
    }

    /// The value at quantile `q` (nearest rank over buckets).
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = 0;
        for (b, c) in &self.buckets {
            seen += c;
            if seen >= rank {
                return bucket_value(*b);
            }
        }
        0.0
    }
}

/// Mean, 95% interval of the mean and percentiles of a sample.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    pub mean: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
    pub p05: f64,
    pub p50: f64,
    pub p95: f64,
}

/// Two-sided 97.5% point of Student's t for `df` degrees of freedom.
pub(crate) fn t975(df: usize) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df - 1],
        // Cornish-Fisher expansion around the normal quantile.
        _ => {
            let z: f64 = 1.959_963_985;
            let d = df as f64;
            z + (z.powi(3) + z) / (4.0 * d)
                + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * d * d)
        }
    }
}

/// Percentile by linear interpolation between order statistics (R type 7).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - h.floor()) * (sorted[hi] - sorted[lo])
}

/// Percentile as the nearest rank (the smallest value with at least a
/// share `q` of the sample at or below it): always one of the values, so
/// percentiles of whole counts are whole. The histograms' rule too.
pub fn nearest_rank(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let n = sorted.len();
    let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
    sorted[rank - 1]
}

impl Summary {
    /// The same summary with its confidence interval kept within
    /// `[min, max]`, the values the quantity can take (the mean and
    /// percentiles of values in that range are already in it).
    pub fn within(self, min: f64, max: f64) -> Summary {
        Summary {
            ci95_low: self.ci95_low.clamp(min, max),
            ci95_high: self.ci95_high.clamp(min, max),
            ..self
        }
    }
}

/// Summarise whole counts: as [`summarise`], with percentiles by
/// [`nearest_rank`], so they are counts too.
pub fn summarise_counts(values: &[f64]) -> Summary {
    let mut s = summarise(values);
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    s.p05 = nearest_rank(&sorted, 0.05);
    s.p50 = nearest_rank(&sorted, 0.50);
    s.p95 = nearest_rank(&sorted, 0.95);
    s
}

/// Summarise values, summed in the order given.
pub fn summarise(values: &[f64]) -> Summary {
    let n = values.len();
    if n == 0 {
        return Summary::default();
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    let half = if n > 1 {
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        t975(n - 1) * (var / n as f64).sqrt()
    } else {
        0.0
    };
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    Summary {
        mean,
        ci95_low: mean - half,
        ci95_high: mean + half,
        p05: percentile(&sorted, 0.05),
        p50: percentile(&sorted, 0.50),
        p95: percentile(&sorted, 0.95),
    }
}

/// A Kaplan-Meier estimate of the share of a sample that has had an event
/// (for example, recovered) by each time, from observations some of which
/// are censored (the event had not happened when observation stopped).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KaplanMeier {
    /// (time, share with the event by then), one step per distinct event
    /// time, ascending.
    pub steps: Vec<(f64, f64)>,
    /// Times at which an observation was censored, ascending.
    pub censored: Vec<f64>,
    /// Number of observations.
    pub n: usize,
}

impl KaplanMeier {
    /// From observations `(time, event)`: `event` is true if the event
    /// happened at `time`, false if the observation was censored then. At
    /// equal times events come before censoring, as usual.
    pub fn new(observations: &[(f64, bool)]) -> KaplanMeier {
        let mut obs = observations.to_vec();
        obs.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        let mut at_risk = obs.len();
        let mut surviving = 1.0;
        let mut steps = Vec::new();
        let mut censored = Vec::new();
        let mut i = 0;
        while i < obs.len() {
            let t = obs[i].0;
            let same: Vec<&(f64, bool)> = obs[i..].iter().take_while(|o| o.0 == t).collect();
            let events = same.iter().filter(|o| o.1).count();
            if events > 0 {
                surviving *= 1.0 - events as f64 / at_risk as f64;
                steps.push((t, 1.0 - surviving));
            }
            censored.extend(same.iter().filter(|o| !o.1).map(|o| o.0));
            at_risk -= same.len();
            i += same.len();
        }
        KaplanMeier {
            steps,
            censored,
            n: obs.len(),
        }
    }

    /// The share with the event by `time`.
    pub fn share_by(&self, time: f64) -> f64 {
        self.steps
            .iter()
            .take_while(|s| s.0 <= time)
            .last()
            .map_or(0.0, |s| s.1)
    }

    /// The median time: the first time by which at least half have had the
    /// event; `None` if the estimate never reaches one half (more than half
    /// censored before their event, "not within the horizon").
    pub fn median(&self) -> Option<f64> {
        self.steps.iter().find(|s| s.1 >= 0.5 - 1e-12).map(|s| s.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_values_are_exact_and_large_ones_close() {
        for v in [-5000i64, -4095, -1, 0, 1, 17, 4095, 4096, 22_000, 3_500_000] {
            let got = bucket_value(bucket(v));
            let err = (got - v as f64).abs() / (v.abs().max(1) as f64);
            assert!(err < 3e-4, "{v} -> {got}");
            if v.abs() < 4096 {
                assert_eq!(got, v as f64);
            }
        }
        // Buckets keep order.
        let mut last = i64::MIN;
        for v in (-100_000..100_000).step_by(37) {
            let b = bucket(v);
            assert!(b >= last);
            last = b;
        }
    }

    #[test]
    fn histogram_merge_is_order_free() {
        let values: Vec<i64> = (0..1000).map(|i| (i * 7919) % 30_011 - 200).collect();
        let mut whole = Histogram::default();
        values.iter().for_each(|&v| whole.add(v));
        let (mut a, mut b) = (Histogram::default(), Histogram::default());
        values[..333].iter().for_each(|&v| b.add(v));
        values[333..].iter().rev().for_each(|&v| a.add(v));
        a.merge(&b);
        assert_eq!(a, whole);
        let exact = values.iter().sum::<i64>() as f64 / 1000.0;
        assert_eq!(whole.mean(), exact);
    }

    #[test]
    fn large_values_land_on_whole_numbers() {
        for v in [4096i64, 22_001, 36_353, 3_500_001, -36_353] {
            let got = bucket_value(bucket(v));
            assert_eq!(got, got.trunc(), "{v} -> {got}");
        }
    }

    #[test]
    fn counts_have_whole_percentiles_and_intervals_within_range() {
        let values = [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 7.0, 0.0, 2.0, 0.0];
        let s = summarise_counts(&values).within(0.0, f64::INFINITY);
        for p in [s.p05, s.p50, s.p95] {
            assert_eq!(p, p.trunc());
        }
        assert_eq!((s.p05, s.p50, s.p95), (0.0, 0.0, 7.0));
        assert_eq!(s.mean, 1.0);
        assert_eq!(s.ci95_low, 0.0, "not below zero");
        assert!(
            summarise(&values).ci95_low < 0.0,
            "as the t interval has it"
        );
        assert!((s.ci95_high - summarise(&values).ci95_high).abs() < 1e-12);
        // A difference is not clamped by its caller; within() is explicit.
        let shares = summarise(&[1.0, 1.0, 1.0, 0.0]).within(0.0, 1.0);
        assert_eq!(shares.ci95_high, 1.0);
        assert_eq!(nearest_rank(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.0);
    }

    #[test]
    fn summary_of_a_known_sample() {
        let s = summarise(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(s.mean, 3.0);
        assert_eq!(s.p50, 3.0);
        assert!((s.p05 - 1.2).abs() < 1e-12);
        // sd = 1.5811, se = 0.7071, t(4) = 2.776
        assert!((s.ci95_high - (3.0 + 2.776 * std::f64::consts::FRAC_1_SQRT_2)).abs() < 1e-6);
        assert!((t975(1000) - 1.962_339).abs() < 1e-3);
    }

    #[test]
    fn kaplan_meier_median_of_a_hand_made_sample() {
        // Times 1, 2+, 3, 3, 5+, 8 (+ censored): at risk 6, 5, 4, 2, 1.
        let km = KaplanMeier::new(&[
            (3.0, true),
            (1.0, true),
            (2.0, false),
            (5.0, false),
            (3.0, true),
            (8.0, true),
        ]);
        // S(1) = 5/6; S(3) = 5/6 * (1 - 2/4) = 5/12; S(8) = 0.
        assert_eq!(km.steps.len(), 3);
        assert!((km.share_by(1.0) - 1.0 / 6.0).abs() < 1e-12);
        assert!((km.share_by(4.0) - 7.0 / 12.0).abs() < 1e-12);
        assert_eq!(km.share_by(8.0), 1.0);
        assert_eq!(km.median(), Some(3.0));
        assert_eq!(km.censored, vec![2.0, 5.0]);
        // With more than half censored the median is not reached at all.
        let mostly_censored = KaplanMeier::new(&[(4.0, true), (10.0, false), (10.0, false)]);
        assert!((mostly_censored.share_by(10.0) - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(mostly_censored.median(), None);
        assert_eq!(KaplanMeier::new(&[]).median(), None);
    }
}

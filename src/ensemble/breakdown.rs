//! The plans' effects broken down by specialty and by trust: a few counts
//! of each specialty of each trust ([`MEASURES`]), summed up per trust and
//! per specialty over the trusts, and aggregated over replications.
//!
//! What is summed is decided once per world ([`Layout`]): its *units* are
//! every (trust, specialty) cell, then every trust (its specialties added
//! up), then every specialty code (its cells in every trust added up). A
//! replication gives each unit one whole number per measure and branch;
//! levels above the cell are summed within the replication first, so their
//! intervals are those of the sums, not sums of intervals.
//!
//! Over replications each unit keeps exact integer sums ([`Sums`]: the sum
//! and the sum of squares, as `i128`/`u128`) of the branch's own value and
//! of its paired difference from the counterfactual in the same
//! replication. Integer sums do not depend on the order they are added
//! in, so shards merge exactly and the number of threads cannot change a
//! byte. Means and 95% intervals come from them with the convention of
//! [`super::stats::summarise`] (Student's t on the sample variance); the
//! interval of a plan's own count is kept at or above 0, that of a
//! difference is not.

use serde::{Deserialize, Serialize};

use super::metrics::Metric;
use super::stats::t975;
use crate::model::specialty::SpecialtyOutcome;
use crate::model::World;

/// The measures of a unit, each a count named as the metric of the whole
/// run that it breaks down (its effect on `rtt_list_end` is the extra
/// patients waiting at the end).
pub const MEASURES: [Metric; 5] = [
    Metric::ElectiveCancelled,
    Metric::OutpatientCancelled,
    Metric::RttListEnd,
    Metric::RttOver18wEnd,
    Metric::RttOver52wEnd,
];

/// Number of measures.
pub const M: usize = MEASURES.len();

/// One unit's measures in one branch of one replication.
pub type Values = [u64; M];

/// The measures of one specialty's outcome, in [`MEASURES`] order.
pub fn values_of(o: &SpecialtyOutcome) -> Values {
    [
        o.elective_cancelled,
        o.outpatient_cancelled,
        o.end.waiting,
        o.end.over_18w(),
        o.end.over_52w,
    ]
}

/// What a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Specialty `specialty` of trust `trust` (indices into the world).
    Cell { trust: usize, specialty: usize },
    /// A trust, all its specialties.
    Trust(usize),
    /// A specialty code (index into [`Layout::codes`]), over every trust
    /// that has it.
    Specialty(usize),
}

/// A specialty code over the trusts, and the trusts that have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialtyCode {
    pub code: String,
    /// The name the first trust with it gives it.
    pub name: String,
    /// The cells ((trust, specialty) units) with this code, in trust order.
    pub cells: Vec<usize>,
}

/// The units of a world, in order: cells (trust by trust, each trust's
/// specialties in its order), then trusts, then specialty codes (sorted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// (trust, specialty) of each cell.
    pub cells: Vec<(usize, usize)>,
    /// Per trust, its first cell and its number of specialties.
    pub trusts: Vec<(usize, usize)>,
    pub codes: Vec<SpecialtyCode>,
}

impl Layout {
    pub fn of(world: &World) -> Layout {
        let mut cells = Vec::new();
        let mut trusts = Vec::with_capacity(world.trusts.len());
        let mut codes: Vec<SpecialtyCode> = Vec::new();
        for (t, trust) in world.trusts.iter().enumerate() {
            trusts.push((cells.len(), trust.specialties.len()));
            for (s, sp) in trust.specialties.iter().enumerate() {
                let cell = cells.len();
                cells.push((t, s));
                match codes.iter_mut().find(|c| c.code == sp.code) {
                    Some(c) => c.cells.push(cell),
                    None => codes.push(SpecialtyCode {
                        code: sp.code.clone(),
                        name: sp.name.clone(),
                        cells: vec![cell],
                    }),
                }
            }
        }
        codes.sort_by(|a, b| a.code.cmp(&b.code));
        Layout {
            cells,
            trusts,
            codes,
        }
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.cells.len() + self.trusts.len() + self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every unit, in order.
    pub fn units(&self) -> impl Iterator<Item = Unit> + '_ {
        let cells = self
            .cells
            .iter()
            .map(|&(trust, specialty)| Unit::Cell { trust, specialty });
        let trusts = (0..self.trusts.len()).map(Unit::Trust);
        let codes = (0..self.codes.len()).map(Unit::Specialty);
        cells.chain(trusts).chain(codes)
    }

    /// Every unit's values in one branch, from its cells' outcomes (in cell
    /// order): the cells' own, then each trust's and each code's sums.
    pub fn unit_values(&self, cells: &[SpecialtyOutcome]) -> Vec<Values> {
        debug_assert_eq!(cells.len(), self.cells.len());
        let mut out = Vec::with_capacity(self.len());
        out.extend(cells.iter().map(values_of));
        let sum = |ids: &mut dyn Iterator<Item = usize>, out: &[Values]| {
            let mut total = [0u64; M];
            for i in ids {
                for (t, v) in total.iter_mut().zip(&out[i]) {
                    *t += v;
                }
            }
            total
        };
        for &(first, n) in &self.trusts {
            let total = sum(&mut (first..first + n), &out);
            out.push(total);
        }
        for code in &self.codes {
            let total = sum(&mut code.cells.iter().copied(), &out);
            out.push(total);
        }
        out
    }
}

/// Exact sums over replications of one whole number: the sum and the sum
/// of squares. Written as `[sum, sum_of_squares]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sums(pub i128, pub u128);

impl Sums {
    pub fn add(&mut self, v: i64) {
        self.0 += i128::from(v);
        self.1 += u128::from(v.unsigned_abs()).pow(2);
    }

    pub fn merge(&mut self, o: &Sums) {
        self.0 += o.0;
        self.1 += o.1;
    }

    /// Mean and 95% interval of the mean over `n` values, as
    /// [`super::stats::summarise`] gives them (Student's t on the sample
    /// variance; no interval from one value).
    pub fn estimate(&self, n: u64) -> Estimate {
        if n == 0 {
            return Estimate::default();
        }
        let nf = n as f64;
        let mean = self.0 as f64 / nf;
        let half = if n > 1 {
            // n * sum of squares - sum^2, exactly: n^2 (n - 1) times the
            // sample variance, never negative.
            let spread = i128::from(n) * self.1 as i128 - self.0 * self.0;
            let var = spread.max(0) as f64 / (nf * (nf - 1.0));
            t975((n - 1) as usize) * (var / nf).sqrt()
        } else {
            0.0
        };
        Estimate {
            mean,
            ci95_low: mean - half,
            ci95_high: mean + half,
        }
    }
}

/// A mean with its 95% interval.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    pub ci95_low: f64,
    pub ci95_high: f64,
}

impl Estimate {
    /// The same estimate with its interval kept at or above 0 (a count).
    pub fn at_least_zero(self) -> Estimate {
        Estimate {
            ci95_low: self.ci95_low.max(0.0),
            ci95_high: self.ci95_high.max(0.0),
            ..self
        }
    }
}

/// One unit's sums in one branch: of its own values and of its paired
/// differences from the counterfactual, per measure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitSums {
    pub own: [Sums; M],
    pub effect: [Sums; M],
}

/// Every unit's sums in every branch, over `replications` replications.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Breakdown {
    pub replications: u64,
    /// [branch][unit], units in [`Layout`] order.
    pub sums: Vec<Vec<UnitSums>>,
}

impl Breakdown {
    /// Fold in one replication: `values[branch][unit]`, the counterfactual
    /// first.
    pub fn add(&mut self, values: &[Vec<Values>]) {
        let Some(cf) = values.first() else {
            return;
        };
        if self.sums.is_empty() {
            self.sums = values
                .iter()
                .map(|units| vec![UnitSums::default(); units.len()])
                .collect();
        }
        debug_assert_eq!(self.sums.len(), values.len());
        for (sums, units) in self.sums.iter_mut().zip(values) {
            for ((s, v), c) in sums.iter_mut().zip(units).zip(cf) {
                for m in 0..M {
                    let (v, c) = (v[m] as i64, c[m] as i64);
                    s.own[m].add(v);
                    s.effect[m].add(v - c);
                }
            }
        }
        self.replications += 1;
    }

    /// Merge another breakdown of the same world (for example a shard's).
    pub fn merge(&mut self, o: &Breakdown) {
        if self.sums.is_empty() {
            self.sums = o.sums.clone();
        } else {
            for (a, b) in self.sums.iter_mut().flatten().zip(o.sums.iter().flatten()) {
                for m in 0..M {
                    a.own[m].merge(&b.own[m]);
                    a.effect[m].merge(&b.effect[m]);
                }
            }
        }
        self.replications += o.replications;
    }

    /// Is it shaped for `branches` branches of `units` units (or empty, for
    /// no replications)?
    pub fn has_shape(&self, branches: usize, units: usize) -> bool {
        if self.replications == 0 {
            return self.sums.is_empty();
        }
        self.sums.len() == branches && self.sums.iter().all(|u| u.len() == units)
    }

    /// The plan's own mean of measure `m` of unit `u` in branch `b`, with
    /// its 95% interval (kept at or above 0: a count).
    pub fn own(&self, b: usize, u: usize, m: usize) -> Estimate {
        self.sums[b][u].own[m]
            .estimate(self.replications)
            .at_least_zero()
    }

    /// The paired difference from the counterfactual of measure `m` of
    /// unit `u` in branch `b`, with its 95% interval (not clamped).
    pub fn effect(&self, b: usize, u: usize, m: usize) -> Estimate {
        self.sums[b][u].effect[m].estimate(self.replications)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ensemble::stats::summarise;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn estimates_from_integer_sums_are_those_of_summarise() {
        let samples: [&[i64]; 6] = [
            &[],
            &[7],
            &[3, 3, 3],
            &[1, 2, 3, 4, 5],
            &[-40, 12, 0, 7, -3, 250, 18, -1],
            &[1_000_000, 999_999, 1_000_003, 998_000, 1_002_000, 1_000_000],
        ];
        for values in samples {
            let mut s = Sums::default();
            values.iter().for_each(|&v| s.add(v));
            let e = s.estimate(values.len() as u64);
            let f: Vec<f64> = values.iter().map(|&v| v as f64).collect();
            let r = summarise(&f);
            for (a, b) in [
                (e.mean, r.mean),
                (e.ci95_low, r.ci95_low),
                (e.ci95_high, r.ci95_high),
            ] {
                assert!(close(a, b), "{values:?}: {a} vs {b}");
            }
        }
        // Many replications: the normal approximation of t, as summarise.
        let values: Vec<i64> = (0..500).map(|i| (i * 7919) % 1013 - 300).collect();
        let mut s = Sums::default();
        values.iter().for_each(|&v| s.add(v));
        let r = summarise(&values.iter().map(|&v| v as f64).collect::<Vec<_>>());
        let e = s.estimate(500);
        assert!(close(e.ci95_high, r.ci95_high), "{e:?} {r:?}");
    }

    /// `values[branch][unit]` of a made-up replication `r`.
    fn replication(r: u64, branches: usize, units: usize) -> Vec<Vec<Values>> {
        (0..branches)
            .map(|b| {
                (0..units)
                    .map(|u| {
                        std::array::from_fn(|m| {
                            (r * 7919 + b as u64 * 104_729 + u as u64 * 31 + m as u64 * 3) % 997
                        })
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn halves_merged_in_any_order_are_the_whole() {
        let (branches, units) = (3, 5);
        let mut whole = Breakdown::default();
        let (mut odd, mut even) = (Breakdown::default(), Breakdown::default());
        for r in 0..41 {
            let v = replication(r, branches, units);
            whole.add(&v);
            if r % 2 == 0 { &mut even } else { &mut odd }.add(&v);
        }
        let mut merged = Breakdown::default();
        merged.merge(&odd);
        merged.merge(&even);
        assert_eq!(merged, whole);
        let mut other_way = even.clone();
        other_way.merge(&odd);
        assert_eq!(other_way, whole);
        assert_eq!(whole.replications, 41);
        assert!(whole.has_shape(branches, units));
        assert!(!whole.has_shape(branches, units + 1));
        // The counterfactual's effect is 0, with no interval.
        let e = whole.effect(0, 2, 1);
        assert_eq!((e.mean, e.ci95_low, e.ci95_high), (0.0, 0.0, 0.0));
        // An effect is the mean of the paired differences.
        let diffs: Vec<f64> = (0..41)
            .map(|r| {
                let v = replication(r, branches, units);
                v[2][4][3] as f64 - v[0][4][3] as f64
            })
            .collect();
        let s = summarise(&diffs);
        let e = whole.effect(2, 4, 3);
        assert!(close(e.mean, s.mean) && close(e.ci95_low, s.ci95_low));
    }

    #[test]
    fn a_trust_and_a_code_are_the_sums_of_their_cells() {
        let world = crate::scenario::Scenario::bundled_default().world();
        let layout = Layout::of(&world);
        let cells = world.trusts[0].specialties.len();
        assert_eq!(layout.cells.len(), cells);
        assert_eq!(layout.len(), cells + 1 + layout.codes.len());
        let codes: Vec<&str> = layout.codes.iter().map(|c| c.code.as_str()).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        assert_eq!(codes, sorted, "codes in order");
        let outcomes: Vec<SpecialtyOutcome> = (0..cells as u64)
            .map(|i| SpecialtyOutcome {
                elective_cancelled: i,
                outpatient_cancelled: 10 * i,
                end: crate::model::outcome::ListState {
                    waiting: 100 + i,
                    within_18w: 90,
                    over_52w: i % 2,
                },
            })
            .collect();
        let values = layout.unit_values(&outcomes);
        assert_eq!(values.len(), layout.len());
        let trust = values[cells];
        for m in 0..M {
            assert_eq!(trust[m], values[..cells].iter().map(|v| v[m]).sum::<u64>());
        }
        assert_eq!(values[0], [0, 0, 100, 10, 0]);
        for (k, code) in layout.codes.iter().enumerate() {
            assert_eq!(code.cells.len(), 1);
            assert_eq!(values[cells + 1 + k], values[code.cells[0]]);
        }
    }

    #[test]
    fn own_intervals_stay_at_or_above_zero() {
        let mut b = Breakdown::default();
        for v in [0u64, 0, 0, 9, 0] {
            b.add(&[vec![[v; M]]]);
        }
        let own = b.own(0, 0, 0);
        assert_eq!(own.ci95_low, 0.0);
        assert!(close(own.mean, 1.8));
    }
}

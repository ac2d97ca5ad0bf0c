//! A walkout in simulation terms: when it runs, who strikes, and how many
//! of them, as a distribution sampled once per replication.
//!
//! How a walkout then changes a trust's staffing, hour by hour (strikers,
//! recalls, stand-downs, consultants resting after a night), is the trust
//! simulation's and lives in `trust/walkout.rs`. Which random stream a
//! participation draw comes from is the ensemble's choice.

use super::values::{NonNegative, Probability};
use super::vocab::WalkoutKind;
use crate::engine::SimTime;
use rand::RngExt;
use rand_distr::{Beta, Distribution, StandardNormal};

/// Participation in a walkout: the share of the juniors asked to strike
/// who strike (in striking grades; with emergency care provided, those not
/// on the emergency floor); drawn per replication.
#[derive(Debug, Clone)]
pub enum ParticipationModel {
    Fixed(Probability),
    Uniform(Probability, Probability),
    /// A Beta distribution; `mean` stands in if the parameters are unusable.
    Beta {
        alpha: f64,
        beta: f64,
        mean: Probability,
    },
}

impl ParticipationModel {
    /// The Beta distribution with this mean and standard deviation (a
    /// fixed share when the deviation is zero).
    pub fn beta(mean: Probability, sd: Probability) -> ParticipationModel {
        let (m, s) = (mean.get(), sd.get());
        if s <= 0.0 {
            ParticipationModel::Fixed(mean)
        } else {
            let k = m * (1.0 - m) / (s * s) - 1.0;
            ParticipationModel::Beta {
                alpha: m * k,
                beta: (1.0 - m) * k,
                mean,
            }
        }
    }

    /// One national draw. A fixed share draws nothing from `rng`; the
    /// others draw one number (uniform) or what the Beta sampler takes.
    pub fn sample(&self, rng: &mut impl rand::Rng) -> f64 {
        match *self {
            ParticipationModel::Fixed(v) => v.get(),
            ParticipationModel::Uniform(lo, hi) => {
                let (lo, hi) = (lo.get(), hi.get());
                lo + (hi - lo) * rng.random::<f64>()
            }
            ParticipationModel::Beta { alpha, beta, mean } => Beta::new(alpha, beta)
                .map(|d| d.sample(rng))
                .unwrap_or(mean.get()),
        }
    }
}

/// A walkout in simulation terms.
#[derive(Debug, Clone)]
pub struct WalkoutModel {
    pub name: String,
    pub start: SimTime,
    pub end: SimTime,
    pub kind: WalkoutKind,
    /// Which grades strike, by [`super::vocab::Grade::index`].
    pub grades: [bool; 3],
    pub participation: ParticipationModel,
    /// The participation a trust expects when it plans for the walkout:
    /// the distribution's mean.
    pub expected_participation: f64,
    /// Standard deviation of a trust's participation around the national
    /// draw.
    pub between_trust_sd: NonNegative,
    /// Which trusts (by index) it affects.
    pub trusts: Vec<bool>,
}

impl WalkoutModel {
    /// Does the walkout overlap the interval [from, to)?
    pub fn overlaps(&self, from: SimTime, to: SimTime) -> bool {
        self.start < to && from < self.end
    }

    /// A trust's participation: the national draw plus a normal deviation
    /// of [`WalkoutModel::between_trust_sd`], kept within 0..=1. Draws one
    /// standard normal from `rng` whatever the deviation.
    pub fn trust_participation(&self, national: f64, rng: &mut impl rand::Rng) -> f64 {
        let z: f64 = StandardNormal.sample(rng);
        (national + self.between_trust_sd.get() * z).clamp(0.0, 1.0)
    }
}

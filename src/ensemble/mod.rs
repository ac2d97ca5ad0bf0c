//! Replications and aggregation.
//!
//! Before any replication, each trust is warmed up once ([`WarmStart`]):
//! simulated without strikes from day 0 to the scenario's `start` from
//! streams keyed by the master seed and the trust, and its list brought
//! back to its stated size there. The waiting list at `start` is what a
//! planner knows; what is uncertain is what happens after it, so every
//! replication starts from the same state at `start` and differs from then
//! on. The trusts warm up in parallel.
//!
//! A replication continues every trust from its warmed state with its own
//! streams (referrals from `start` on, counter-based draws, participation)
//! up to the branch point, then
//! runs the counterfactual and each plan from that snapshot with the same
//! random streams; a plan with a catch-up runs a second time without it
//! ([`crate::model::Branch::WithoutCatchUp`]), so that its effect on the
//! list splits exactly into the walkouts' and the catch-up's. That extra
//! branch has no row of its own: it adds columns to its plan's row.
//! Replications run in parallel on rayon, each on one thread; results are
//! folded in replication order, chunk by chunk, so the output is the same
//! bytes on any number of threads and memory holds one summary row per
//! replication and plan plus fixed-size weekly histograms.
//! An ensemble can be split into shards run on different machines and
//! merged exactly ([`shard`]).
//!
//! Which keyed streams the warm-up and a replication open, and for what, is
//! decided here ([`WarmStart::new`], [`simulate_replication_from`]); the
//! keying itself is
//! [`crate::model::random`], and participation is sampled by
//! [`crate::model::walkout`].

pub mod breakdown;
pub mod metrics;
pub mod precision;
pub mod recovery;
mod runner;
pub mod shard;
pub mod stats;

pub use runner::Runner;

use crate::model::outcome::BranchOutcome;
use crate::model::random::{stream, stream_key, Purpose, NATIONAL, WARM_UP};
use crate::model::specialty::SpecialtyOutcome;
use crate::model::trust::{TrustSim, TrustStreams};
use crate::model::{Branch, World};
use breakdown::{Breakdown, Layout};
use metrics::{metric_row, weekly_values, MetricRow, WeeklyMetric, WeeklyValues};
use rayon::prelude::*;
use recovery::{BranchRecovery, Recovery};
use serde::{Deserialize, Serialize};
use std::sync::atomic::AtomicBool;
use stats::Histogram;

/// Every trust's state at `start`, after its warm-up, shared by all the
/// replications of an ensemble (see the module docs).
#[derive(Debug, Clone)]
pub struct WarmStart<'w> {
    /// In trust order.
    trusts: Vec<TrustSim<'w>>,
}

impl<'w> WarmStart<'w> {
    /// Warm up every trust of `world` for master seed `seed`, in parallel
    /// on the current rayon pool; `trust_done` is called as each trust
    /// finishes (from any thread). The warm-up streams are keyed by the
    /// seed and the trust, with [`WARM_UP`] in place of a replication.
    pub fn new(world: &'w World, seed: u64, trust_done: &(dyn Fn() + Sync)) -> WarmStart<'w> {
        let trusts = (0..world.trusts.len())
            .into_par_iter()
            .map(|trust| {
                let t = trust as u64;
                let streams = TrustStreams {
                    referrals: stream(seed, WARM_UP, t, Purpose::Referrals),
                    draw_base: stream_key(seed, WARM_UP, t, Purpose::DrawBase),
                    participation: Vec::new(),
                };
                let sim = TrustSim::warm_up(world, trust, streams);
                trust_done();
                sim
            })
            .collect();
        WarmStart { trusts }
    }
}

/// How far an ensemble has got, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Warming up the trusts: `done` of `total` warmed.
    WarmUp { done: u64, total: u64 },
    /// Replications done so far.
    Replications(u64),
}

/// What one replication produced: per branch (counterfactual first), the
/// metric row and the weekly values.
#[derive(Debug, Clone)]
pub struct ReplicationResult {
    pub replication: u64,
    pub rows: Vec<MetricRow>,
    /// [branch][week][weekly metric]
    pub weekly: Vec<Vec<WeeklyValues>>,
    /// [branch][unit]: the measures of every unit of the world's
    /// [`Layout`] (specialties of trusts, trusts, specialties over trusts).
    pub breakdown: Vec<Vec<breakdown::Values>>,
}

/// What the branches of one replication produced, summed over trusts.
#[derive(Debug, Clone)]
pub struct ReplicationOutcomes {
    /// Per branch with a row in the tables, in [`Branch::index`] order.
    pub branches: Vec<BranchOutcome>,
    /// At the same positions, the plan run without its catch-up
    /// ([`Branch::WithoutCatchUp`]): `None` for the counterfactual and for
    /// plans without a catch-up.
    pub without_catch_up: Vec<Option<BranchOutcome>>,
    /// Per branch, its [`Recovery`] judged trust by trust against the same
    /// trust's counterfactual.
    pub recovery: Vec<BranchRecovery>,
    /// Per branch (as `branches`), every specialty of every trust, trust by
    /// trust in the world's order.
    pub specialties: Vec<Vec<SpecialtyOutcome>>,
}

impl ReplicationOutcomes {
    /// What branch `b`'s walkouts did without its catch-up: the branch run
    /// without it, or the branch itself when it has none.
    pub fn walkouts_only(&self, b: usize) -> &BranchOutcome {
        self.without_catch_up[b]
            .as_ref()
            .unwrap_or(&self.branches[b])
    }
}

/// Run the trusts' branches of one replication and add them up (warming
/// the trusts up first: to run several, see [`simulate_replication_from`]).
pub fn simulate_replication(world: &World, seed: u64, replication: u64) -> Vec<BranchOutcome> {
    simulate_replication_split(world, seed, replication).branches
}

/// As [`simulate_replication`], with each plan that has a catch-up also run
/// without it from the same snapshot, and each branch's [`Recovery`].
pub fn simulate_replication_split(
    world: &World,
    seed: u64,
    replication: u64,
) -> ReplicationOutcomes {
    let warm = WarmStart::new(world, seed, &|| {});
    simulate_replication_from(&warm, world, seed, replication)
}

/// As [`simulate_replication_split`], from trusts already warmed up for
/// the same `world` and `seed`.
pub fn simulate_replication_from(
    warm: &WarmStart<'_>,
    world: &World,
    seed: u64,
    replication: u64,
) -> ReplicationOutcomes {
    let national: Vec<f64> = world
        .walkouts
        .iter()
        .enumerate()
        .map(|(w, walkout)| {
            let key = NATIONAL - w as u64;
            let mut rng = stream(seed, replication, key, Purpose::NationalParticipation);
            walkout.participation.sample(&mut rng)
        })
        .collect();
    let n_branches = 1 + world.plans.len();
    let mut totals = vec![BranchOutcome::default(); n_branches];
    let mut without: Vec<Option<BranchOutcome>> = vec![None; n_branches];
    let mut recovery = vec![BranchRecovery::default(); n_branches];
    let cells = world.trusts.iter().map(|t| t.specialties.len()).sum();
    let mut specialties = vec![Vec::with_capacity(cells); n_branches];
    for trust in 0..world.trusts.len() {
        let t = trust as u64;
        let mut prng = stream(seed, replication, t, Purpose::TrustParticipation);
        let participation = world
            .walkouts
            .iter()
            .zip(&national)
            .map(|(w, &p)| w.trust_participation(p, &mut prng))
            .collect();
        let streams = TrustStreams {
            referrals: stream(seed, replication, t, Purpose::Referrals),
            draw_base: stream_key(seed, replication, t, Purpose::DrawBase),
            participation,
        };
        let mut sim = warm.trusts[trust].replicate(streams);
        sim.run_until_day(world.branch_day);
        let mut outcomes =
            run_branches(sim, world.branch_ids().chain(world.without_catch_up_ids()));
        let without_outcomes = outcomes.split_off(n_branches);
        let cf = &outcomes[Branch::Counterfactual.index()].0;
        for (b, (outcome, by_specialty)) in outcomes.iter().enumerate() {
            recovery[b].add_trust(Recovery::of_trust(world, &outcome.daily, &cf.daily));
            totals[b].add(outcome);
            specialties[b].extend_from_slice(by_specialty);
        }
        for (branch, (outcome, _)) in world.without_catch_up_ids().zip(&without_outcomes) {
            without[branch.index()]
                .get_or_insert_with(BranchOutcome::default)
                .add(outcome);
        }
    }
    ReplicationOutcomes {
        branches: totals,
        without_catch_up: without,
        recovery,
        specialties,
    }
}

/// Run `branches` in order from the snapshot `sim`, each from a copy of it
/// but the last, which continues the snapshot itself (one clone fewer);
/// each branch's outcome with its specialties'.
fn run_branches<'w>(
    sim: TrustSim<'w>,
    branches: impl Iterator<Item = Branch>,
) -> Vec<(BranchOutcome, Vec<SpecialtyOutcome>)> {
    let branches: Vec<Branch> = branches.collect();
    let mut outcomes = Vec::with_capacity(branches.len());
    let Some((&last, rest)) = branches.split_last() else {
        return outcomes;
    };
    for &branch in rest {
        outcomes.push(sim.branch(branch).finish_by_specialty());
    }
    outcomes.push(sim.into_branch(last).finish_by_specialty());
    outcomes
}

/// One replication, summarised (warming the trusts up first: to run
/// several, see [`run_replication_from`]).
pub fn run_replication(world: &World, seed: u64, replication: u64) -> ReplicationResult {
    let warm = WarmStart::new(world, seed, &|| {});
    run_replication_from(&warm, world, seed, replication)
}

/// One replication from trusts already warmed up for `world` and `seed`,
/// summarised (with the breakdown's units of `world`'s [`Layout`]).
pub fn run_replication_from(
    warm: &WarmStart<'_>,
    world: &World,
    seed: u64,
    replication: u64,
) -> ReplicationResult {
    let out = simulate_replication_from(warm, world, seed, replication);
    let cf = &out.branches[Branch::Counterfactual.index()];
    let weeks = world.week_starts();
    let layout = Layout::of(world);
    ReplicationResult {
        replication,
        rows: (0..out.branches.len())
            .map(|b| {
                metric_row(
                    world,
                    &out.branches[b],
                    out.walkouts_only(b),
                    cf,
                    out.recovery[b],
                )
            })
            .collect(),
        weekly: (0..out.branches.len())
            .map(|b| {
                let (o, base) = (&out.branches[b], out.walkouts_only(b));
                weeks
                    .iter()
                    .map(|&d| {
                        let d = d as usize;
                        weekly_values(&o.daily[d], &base.daily[d], &cf.daily[d])
                    })
                    .collect()
            })
            .collect(),
        breakdown: out
            .specialties
            .iter()
            .map(|cells| layout.unit_values(cells))
            .collect(),
    }
}

/// Aggregated results of an ensemble (or of a shard of one): every
/// replication's rows, weekly histograms, and the breakdown by specialty
/// and trust.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnsembleResult {
    /// (replication, branch rows) in replication order.
    pub rows: Vec<(u64, Vec<Vec<f64>>)>,
    /// [branch][week][weekly metric]
    pub weekly: Vec<Vec<Vec<Histogram>>>,
    /// Exact sums per branch and unit ([`breakdown`]).
    pub breakdown: Breakdown,
}

impl EnsembleResult {
    /// Fold in one replication. Replications must arrive in order.
    pub fn add(&mut self, r: ReplicationResult) {
        if self.weekly.is_empty() {
            self.weekly = r
                .weekly
                .iter()
                .map(|weeks| vec![vec![Histogram::default(); WeeklyMetric::COUNT]; weeks.len()])
                .collect();
        }
        for (b, weeks) in r.weekly.iter().enumerate() {
            for (w, values) in weeks.iter().enumerate() {
                for (m, &v) in values.iter().enumerate() {
                    self.weekly[b][w][m].add(v);
                }
            }
        }
        self.rows.push((
            r.replication,
            r.rows.iter().map(|row| row.to_vec()).collect(),
        ));
        self.breakdown.add(&r.breakdown);
    }

    /// Merge another result (for example a shard); rows end up sorted by
    /// replication.
    pub fn merge(&mut self, o: &EnsembleResult) {
        if self.weekly.is_empty() {
            self.weekly = o.weekly.clone();
        } else {
            for (a, b) in self
                .weekly
                .iter_mut()
                .flatten()
                .flatten()
                .zip(o.weekly.iter().flatten().flatten())
            {
                a.merge(b);
            }
        }
        self.rows.extend(o.rows.iter().cloned());
        self.rows.sort_by_key(|(r, _)| *r);
        self.breakdown.merge(&o.breakdown);
    }

    /// Values of one metric for one branch, in replication order.
    pub fn column(&self, branch: usize, metric: usize) -> Vec<f64> {
        self.rows
            .iter()
            .map(|(_, rows)| rows[branch][metric])
            .collect()
    }
}

/// Why an ensemble could not run.
#[derive(Debug, thiserror::Error)]
pub enum EnsembleError {
    /// The worker thread pool could not be started.
    #[error("cannot start {threads} worker threads: {source}")]
    ThreadPool {
        threads: usize,
        source: rayon::ThreadPoolBuildError,
    },
    /// The run was asked to stop (a cancelled run of `strikesim serve`)
    /// before all its replications ran.
    #[error("the run was cancelled after {done} of {total} replications")]
    Stopped { done: u64, total: u64 },
}

/// How to run an ensemble.
#[derive(Debug, Clone, Copy)]
pub struct EnsembleOptions {
    pub seed: u64,
    /// Replications 0..replications.
    pub replications: u64,
    /// Worker threads (0 = all cores).
    pub threads: usize,
}

/// Warm the trusts up, then run replications `indices` and fold them in
/// order. `progress` is told of each trust warmed up, then called after
/// each chunk of replications with the number done so far.
pub fn run_indices(
    world: &World,
    seed: u64,
    indices: &[u64],
    threads: usize,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<EnsembleResult, EnsembleError> {
    run_indices_until(world, seed, indices, threads, progress, None)
}

/// As [`run_indices`], checking `stop` after the warm-up and after each
/// chunk of replications: once it is set, the run ends with
/// [`EnsembleError::Stopped`] and what ran is dropped.
pub fn run_indices_until(
    world: &World,
    seed: u64,
    indices: &[u64],
    threads: usize,
    progress: &(dyn Fn(Progress) + Sync),
    stop: Option<&AtomicBool>,
) -> Result<EnsembleResult, EnsembleError> {
    let runner = Runner::new(world, seed, threads, progress)?.stop_on(stop);
    let mut result = EnsembleResult::default();
    runner.extend(&mut result, indices, progress)?;
    Ok(result)
}

/// Run a whole ensemble of `options.replications` replications.
pub fn run_ensemble(
    world: &World,
    options: EnsembleOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<EnsembleResult, EnsembleError> {
    let indices: Vec<u64> = (0..options.replications).collect();
    run_indices(world, options.seed, &indices, options.threads, progress)
}

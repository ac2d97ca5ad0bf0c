//! Running an ensemble in batches from one warm start: the thread pool and
//! every trust's warmed state are made once ([`Runner::new`]), then any
//! number of batches of replication indices run against them
//! ([`Runner::extend`]), each folded into the result in replication order.
//! `run --precision` adds batches until its rule is met; a plain run or a
//! shard is one batch ([`super::run_indices`]).
//!
//! A replication depends only on the seed and its index, never on the
//! batch it ran in or the thread, so a run made in batches gives the same
//! bytes as one made in a single go of the same indices.

use super::WarmStart;
use super::{run_replication_from, EnsembleError, EnsembleResult, Progress, ReplicationResult};
use crate::model::World;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// A thread pool and the trusts warmed up for one world and seed.
pub struct Runner<'w> {
    world: &'w World,
    seed: u64,
    pool: rayon::ThreadPool,
    warm: WarmStart<'w>,
    /// Set from outside to stop the run between chunks.
    stop: Option<&'w AtomicBool>,
}

impl<'w> Runner<'w> {
    /// Start `threads` worker threads (0 = all cores) and warm every trust
    /// up on them; `progress` is told of each trust warmed up.
    pub fn new(
        world: &'w World,
        seed: u64,
        threads: usize,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<Runner<'w>, EnsembleError> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|source| EnsembleError::ThreadPool { threads, source })?;
        let total = world.trusts.len() as u64;
        let warmed = AtomicU64::new(0);
        let warm = pool.install(|| {
            WarmStart::new(world, seed, &|| {
                let done = warmed.fetch_add(1, Ordering::Relaxed) + 1;
                progress(Progress::WarmUp { done, total });
            })
        });
        Ok(Runner {
            world,
            seed,
            pool,
            warm,
            stop: None,
        })
    }

    /// Stop between chunks once `stop` is set (None: never).
    pub fn stop_on(self, stop: Option<&'w AtomicBool>) -> Self {
        Runner { stop, ..self }
    }

    /// Whether the run has been asked to stop.
    fn stopped(&self) -> bool {
        self.stop.is_some_and(|s| s.load(Ordering::Relaxed))
    }

    /// Run replications `indices` and fold them into `result` in order
    /// (they must come after any already in it). `progress` is called
    /// after each chunk with the replications `result` then holds. Once
    /// the stop flag is set, it returns [`EnsembleError::Stopped`] at the
    /// next chunk.
    pub fn extend(
        &self,
        result: &mut EnsembleResult,
        indices: &[u64],
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<(), EnsembleError> {
        let chunk = (self.pool.current_num_threads() * 4).max(8);
        let total = (result.rows.len() + indices.len()) as u64;
        for ids in indices.chunks(chunk) {
            if self.stopped() {
                let done = result.rows.len() as u64;
                return Err(EnsembleError::Stopped { done, total });
            }
            let batch: Vec<ReplicationResult> = self.pool.install(|| {
                ids.par_iter()
                    .map(|&r| run_replication_from(&self.warm, self.world, self.seed, r))
                    .collect()
            });
            for r in batch {
                result.add(r);
            }
            progress(Progress::Replications(result.rows.len() as u64));
        }
        Ok(())
    }
}

//! The options of `strikesim run`, checked before anything runs: the
//! replications are at least one and the run mode (the whole ensemble, or
//! one shard of it) is settled, the shard index read from the scheduler's
//! environment if asked. Nothing here reads a scenario or writes a file.

use super::precision::{self, PrecisionArgs, PrecisionRequest};
use super::AppError;
use crate::ensemble::shard::ShardSpec;
use std::num::NonZeroU64;
use std::path::{Path, PathBuf};

/// Which part of the ensemble a run simulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunMode {
    /// Every replication; writes the tables, charts and report.
    Whole,
    /// The replications of one shard; writes only the shard file.
    Shard(ShardSpec),
}

/// How the command line asked for a shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardRequest {
    /// Neither `--shard` nor `--shard-from-env`.
    None,
    /// `--shard K/M`.
    Given(ShardSpec),
    /// `--shard-from-env M [--shard-base BASE]`.
    FromEnv { count: u64, base: u64 },
}

/// The arguments of `strikesim run` as given, not yet checked.
#[derive(Debug, Clone, Default)]
pub struct RunArgs {
    /// Scenario file; `None` runs the bundled default.
    pub scenario: Option<PathBuf>,
    /// Overrides the scenario's `replications`.
    pub replications: Option<u64>,
    /// Overrides the scenario's `seed`.
    pub seed: Option<u64>,
    /// Worker threads (0 = all cores).
    pub threads: usize,
    /// Output directory (default: derived from the scenario name and the mode).
    pub out: Option<PathBuf>,
    /// Run even when the run's estimated time or memory is past its limit.
    pub force: bool,
    /// `--precision`, `--precision-floor`, `--max-replications`.
    pub precision: PrecisionArgs,
}

/// Options of `strikesim run`, checked: build them with [`RunOptions::new`].
#[derive(Debug, Clone)]
pub struct RunOptions {
    scenario: Option<PathBuf>,
    replications: Option<NonZeroU64>,
    seed: Option<u64>,
    threads: usize,
    out: Option<PathBuf>,
    mode: RunMode,
    force: bool,
    precision: Option<PrecisionRequest>,
    /// The scenario's RTT files by plain name from its own folder only.
    confined: bool,
}

/// The most worker threads `-j` may ask for: more than any machine this
/// runs on has cores, and each thread holds a replication's state.
pub const MAX_THREADS: usize = 256;

impl RunOptions {
    /// Check the arguments and settle the run mode. `var` looks up an
    /// environment variable (for `--shard-from-env`).
    pub fn new(
        args: RunArgs,
        shard: ShardRequest,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Result<RunOptions, AppError> {
        let replications = match args.replications {
            Some(n) => Some(NonZeroU64::new(n).ok_or(AppError::ZeroReplications)?),
            None => None,
        };
        let most = crate::scenario::size::max_replications();
        if let Some(n) = replications.filter(|n| n.get() > most) {
            return Err(AppError::OutOfRange {
                flag: "--replications",
                found: n.to_string(),
                allowed: format!("1 to {most}, as for the scenario's `replications`"),
            });
        }
        if args.threads > MAX_THREADS {
            return Err(AppError::OutOfRange {
                flag: "--threads",
                found: args.threads.to_string(),
                allowed: format!("0 (all cores) to {MAX_THREADS}"),
            });
        }
        let mode = match shard {
            ShardRequest::None => RunMode::Whole,
            ShardRequest::Given(spec) => RunMode::Shard(spec),
            ShardRequest::FromEnv { count, base } => {
                RunMode::Shard(ShardSpec::from_env(count, base, var)?)
            }
        };
        let precision = precision::request(
            args.precision,
            replications.map(NonZeroU64::get),
            mode != RunMode::Whole,
        )?;
        Ok(RunOptions {
            scenario: args.scenario,
            replications,
            seed: args.seed,
            threads: args.threads,
            out: args.out,
            mode,
            force: args.force,
            precision,
            confined: false,
        })
    }

    /// A whole run of the scenario at `scenario` (or the bundled default)
    /// with its own replications and seed, into `out` (or the default).
    pub fn whole(scenario: Option<PathBuf>, out: Option<PathBuf>) -> RunOptions {
        RunOptions {
            scenario,
            replications: None,
            seed: None,
            threads: 0,
            out,
            mode: RunMode::Whole,
            force: false,
            precision: None,
            confined: false,
        }
    }

    /// Read the scenario's RTT files by plain name from its own folder
    /// only ([`crate::scenario::Scenario::from_file_confined`]): for a
    /// scenario written by someone else (the workbench's runs).
    pub fn confined(mut self) -> RunOptions {
        self.confined = true;
        self
    }

    pub fn is_confined(&self) -> bool {
        self.confined
    }

    /// Override the number of replications.
    pub fn with_replications(mut self, n: NonZeroU64) -> RunOptions {
        self.replications = Some(n);
        self
    }

    /// Override the master seed.
    pub fn with_seed(mut self, seed: u64) -> RunOptions {
        self.seed = Some(seed);
        self
    }

    /// Set the worker threads (0 = all cores).
    pub fn with_threads(mut self, threads: usize) -> RunOptions {
        self.threads = threads;
        self
    }

    pub fn scenario(&self) -> Option<&Path> {
        self.scenario.as_deref()
    }

    pub fn replications(&self) -> Option<NonZeroU64> {
        self.replications
    }

    pub fn seed(&self) -> Option<u64> {
        self.seed
    }

    /// Worker threads as given (0 = all cores).
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Worker threads the run will use.
    pub fn effective_threads(&self) -> usize {
        if self.threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            self.threads
        }
    }

    pub fn out(&self) -> Option<&Path> {
        self.out.as_deref()
    }

    pub fn mode(&self) -> RunMode {
        self.mode
    }

    /// `--precision` and its flags, checked; `None` for a fixed number.
    pub fn precision(&self) -> Option<PrecisionRequest> {
        self.precision
    }

    /// Run even past the limits of time and memory (`--force`).
    pub fn force(&self) -> bool {
        self.force
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn zero_replications_is_refused_before_anything_is_read() {
        let args = RunArgs {
            scenario: Some("does/not/exist.toml".into()),
            replications: Some(0),
            ..RunArgs::default()
        };
        let err = RunOptions::new(args, ShardRequest::None, &no_env).unwrap_err();
        assert!(matches!(err, AppError::ZeroReplications));
    }

    #[test]
    fn replications_and_threads_are_bounded() {
        let args = |replications, threads| RunArgs {
            replications: Some(replications),
            threads,
            ..RunArgs::default()
        };
        let err = RunOptions::new(args(u64::MAX, 0), ShardRequest::None, &no_env).unwrap_err();
        let m = err.to_string();
        assert!(
            m.contains("--replications") && m.contains("1 to 100000"),
            "{m}"
        );
        let err = RunOptions::new(args(2, 1 << 40), ShardRequest::None, &no_env).unwrap_err();
        assert!(err.to_string().contains("--threads"), "{err}");
        assert!(RunOptions::new(args(100_000, 256), ShardRequest::None, &no_env).is_ok());
    }

    #[test]
    fn the_shard_index_comes_from_the_scheduler() {
        let env = |v: &str| (v == "SLURM_ARRAY_TASK_ID").then(|| "3".to_string());
        let shard = ShardRequest::FromEnv { count: 4, base: 1 };
        let o = RunOptions::new(RunArgs::default(), shard, &env).unwrap();
        assert_eq!(o.mode(), RunMode::Shard(ShardSpec::new(2, 4).unwrap()));
        let o = RunOptions::new(RunArgs::default(), ShardRequest::None, &env).unwrap();
        assert_eq!(o.mode(), RunMode::Whole);
    }

    #[test]
    fn a_missing_scheduler_index_is_an_error() {
        let shard = ShardRequest::FromEnv { count: 4, base: 0 };
        let err = RunOptions::new(RunArgs::default(), shard, &no_env).unwrap_err();
        assert!(err.to_string().contains("--shard-from-env"), "{err}");
    }
}

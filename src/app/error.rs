//! What stops a command: one variant per way a command can fail, each
//! with the message a user sees. The scenario, output, shard and ensemble
//! errors of the library pass through unchanged.

use crate::ensemble::shard::{ShardError, ShardSpec};
use crate::ensemble::EnsembleError;
use crate::output::OutputError;
use crate::scenario::ScenarioError;
use std::path::PathBuf;

/// Anything that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    #[error("{0}")]
    Output(#[from] OutputError),
    #[error("{0}")]
    Shard(#[from] ShardError),
    #[error("{0}")]
    Ensemble(#[from] EnsembleError),
    /// `--replications 0`.
    #[error("--replications: 0 is not allowed; give a whole number of at least 1")]
    ZeroReplications,
    /// A command-line number out of its range.
    #[error("{flag}: found {found}; allowed: {allowed}")]
    OutOfRange {
        flag: &'static str,
        found: String,
        allowed: String,
    },
    /// A directory given to `merge` holds no shard file.
    #[error("{}: no shard files (shard-K-of-M.json) in this directory; give the --out directory of `strikesim run --shard`", .dir.display())]
    NoShardFiles { dir: PathBuf },
    /// A shard file whose name and content disagree.
    #[error("{path}: the file is named for shard {named} but holds shard {holds}; was it renamed? Put it back under {}", .holds.file_name())]
    RenamedShard {
        path: String,
        named: ShardSpec,
        holds: ShardSpec,
    },
    /// The scenario text carried by merged shards is not the one they ran.
    #[error("the scenario carried by the shards does not match its sha256 {sha256}; run the shards again")]
    ScenarioHash { sha256: String },
    /// A sweep or goal seek that cannot run as asked.
    #[error("{0}")]
    Sweep(#[from] crate::app::sweep::SweepError),
    /// `serve` could not start or stopped.
    #[error("serve: {0}")]
    Serve(String),
    /// `init` never writes over a file.
    #[error("{} already exists; choose another path or remove it first", .path.display())]
    Exists { path: PathBuf },
    /// `--precision-floor` or `--max-replications` without `--precision`.
    #[error("{flag}: only with --precision (it sets how far `run --precision` may go); add --precision, e.g. --precision 0.05")]
    NeedsPrecision { flag: &'static str },
    /// `--precision` on a shard.
    #[error("--precision: not with --shard or --shard-from-env: it decides when to stop from the whole ensemble's results; run it whole, or give the shards a fixed -n")]
    PrecisionShard,
    /// A first batch too small for `--precision`.
    #[error("{field}: found {found}; allowed: with --precision, the first batch: at least {min} replications (an interval from fewer says little); give -n {min} or more", min = crate::ensemble::precision::MIN_BATCH)]
    FirstBatch { field: String, found: u64 },
}

//! Sharding an ensemble across machines: which replications belong to
//! shard K of M, the shard file that carries them, and the checks that let
//! shards be merged into exactly the result of one run.
//!
//! Replication `i` belongs to shard `i % M` (round robin, 0-based shard
//! indices), so shards are balanced to within one replication and a shard
//! with `K >= N` simply holds none. A replication's random streams depend
//! on (seed, replication) alone, so a shard run twice gives the same bytes.
//!
//! No file system here: shard files are encoded to bytes and decoded from
//! bytes; `app` reads, writes and finds them.
//!
//! This file holds what a shard is ([`Shard`], [`ShardScenario`]) and the
//! format constants; `spec.rs` says which shard is which (`K/M`, file
//! names, a scheduler's environment), `file.rs` encodes and decodes the
//! shard file, `merge.rs` checks shards belong together and merges them,
//! and `error.rs` words what can go wrong.

mod error;
mod file;
mod merge;
mod spec;
#[cfg(test)]
mod tests;

use super::EnsembleResult;
use crate::model::random::InputDigest;

pub use error::ShardError;
pub use merge::{merge, Merged};
pub use spec::ShardSpec;

/// First field of every shard file.
pub const FORMAT_TAG: &str = "strikesim-shard";
/// Version of the shard file layout this build writes and reads. 3: the
/// rows and weekly histograms hold the catch-up counts and the split of a
/// plan's effect on the list into the walkouts' and the catch-up's. 4: the
/// body holds the exact sums of the breakdown by specialty and trust
/// (`breakdown`).
pub const FORMAT_VERSION: u32 = 4;

/// Environment variable of a Kubernetes Indexed Job (0-based).
pub const K8S_INDEX_VAR: &str = "JOB_COMPLETION_INDEX";
/// Environment variable of a Slurm job array task.
pub const SLURM_INDEX_VAR: &str = "SLURM_ARRAY_TASK_ID";

/// The scenario a shard ran, with its text so a merge can rebuild it, and
/// the hashes of the RTT files it read, so a merge notices a file that
/// changed since (the merge reads the files again).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ShardScenario {
    pub name: String,
    /// Where it came from, as in the manifest.
    pub source: String,
    /// The scenario's identity, as in the manifest: SHA-256 of `text` when
    /// it reads no file, else of the text's hash and `inputs`
    /// ([`crate::model::random::scenario_identity`]).
    pub sha256: String,
    pub text: String,
    /// The RTT files the scenario read when the shard ran, each once, in
    /// the order it names them.
    pub inputs: Vec<InputDigest>,
}

/// One shard's results and what they belong to.
#[derive(Debug, Clone, PartialEq)]
pub struct Shard {
    /// strikesim version that ran it.
    pub tool_version: String,
    pub scenario: ShardScenario,
    pub seed: u64,
    /// N, the replications of the whole ensemble.
    pub replications: u64,
    pub spec: ShardSpec,
    pub threads: usize,
    pub wall_seconds: f64,
    /// The replications `spec.indices(replications)`, folded in order.
    pub result: EnsembleResult,
}

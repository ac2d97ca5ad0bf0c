//! Putting shards back together: the checks that shards belong to one
//! ensemble (scenario and the RTT files it read, seed, N, M, tool
//! version), that none is given twice and none is missing, the merge into
//! one [`Merged`] result, and the check that the RTT files read again for
//! the merge are the ones the shards read.
//!
//! What does not live here: reading a shard file (`file.rs`).

use super::{Shard, ShardError, ShardScenario, ShardSpec};
use crate::ensemble::EnsembleResult;
use crate::model::random::InputDigest;
use std::collections::BTreeMap;

/// Shards merged into one ensemble.
#[derive(Debug, Clone)]
pub struct Merged {
    pub scenario: ShardScenario,
    pub seed: u64,
    pub replications: u64,
    pub shards: u64,
    /// Worker threads of all shards together.
    pub threads: usize,
    /// The longest shard's wall time: the elapsed time of the ensemble
    /// when every shard runs at once.
    pub wall_seconds: f64,
    pub result: EnsembleResult,
}

/// Merge shards, each named by where it came from. Refuses shards of
/// different ensembles (scenario hash, seed, N, M, tool version), a shard
/// given twice, and a missing shard; `interrupted` lists temporary files
/// of interrupted shard writes, named in the error for a missing shard.
pub fn merge(
    shards: &[(String, Shard)],
    interrupted: &[(ShardSpec, String)],
) -> Result<Merged, ShardError> {
    let Some((first_path, first)) = shards.first() else {
        return Err(ShardError::NoShards);
    };
    let mut by_index: BTreeMap<u64, (&str, &Shard)> = BTreeMap::new();
    for (path, s) in shards {
        check_same_ensemble((first_path, first), (path, s))?;
        if let Some((earlier, _)) = by_index.get(&s.spec.index()) {
            return Err(ShardError::Duplicate {
                shard: s.spec.index(),
                shards: s.spec.count(),
                a: earlier.to_string(),
                b: path.clone(),
            });
        }
        by_index.insert(s.spec.index(), (path, s));
    }
    let count = first.spec.count();
    let missing = missing_shards(count, &by_index, interrupted);
    if !missing.is_empty() {
        return Err(ShardError::Missing {
            shards: count,
            missing,
        });
    }
    let mut result = EnsembleResult::default();
    let (mut threads, mut wall_seconds) = (0, 0.0);
    for (_, s) in by_index.values() {
        result.merge(&s.result);
        threads += s.threads;
        wall_seconds = f64::max(wall_seconds, s.wall_seconds);
    }
    debug_assert!(result
        .rows
        .iter()
        .map(|(r, _)| *r)
        .eq(0..first.replications));
    Ok(Merged {
        scenario: first.scenario.clone(),
        seed: first.seed,
        replications: first.replications,
        shards: count,
        threads,
        wall_seconds,
        result,
    })
}

impl Merged {
    /// Refuses the merge if an RTT file the scenario reads (`now`, read
    /// again for the merge) is not the one the shards read, naming the
    /// file.
    pub fn check_inputs(&self, now: &[InputDigest]) -> Result<(), ShardError> {
        for then in &self.scenario.inputs {
            let now = now.iter().find(|n| n.file == then.file);
            if let Some(now) = now.filter(|n| n.sha256 != then.sha256) {
                return Err(ShardError::InputChanged {
                    file: then.file.clone(),
                    scenario: self.scenario.source.clone(),
                    then: then.sha256.clone(),
                    now: now.sha256.clone(),
                });
            }
        }
        Ok(())
    }
}

/// Refuses shard `other` unless it ran the same ensemble as `first`: the
/// same scenario text and RTT files, seed, N, M and strikesim version. Each
/// shard comes with the path that names it in the error; an RTT file that
/// differs is named.
fn check_same_ensemble(
    (first_path, first): (&str, &Shard),
    (path, s): (&str, &Shard),
) -> Result<(), ShardError> {
    let (a, b) = (&first.scenario.inputs, &s.scenario.inputs);
    for (x, y) in a.iter().zip(b) {
        if x.file == y.file && x.sha256 != y.sha256 {
            return Err(ShardError::Mismatch {
                what: "RTT file",
                first: first_path.to_string(),
                a: format!("{} with SHA-256 {}", x.file, x.sha256),
                other: path.to_string(),
                b: format!("{} with SHA-256 {}", y.file, y.sha256),
            });
        }
    }
    let checks: [(&'static str, String, String); 5] = [
        (
            "scenario sha256",
            first.scenario.sha256.clone(),
            s.scenario.sha256.clone(),
        ),
        ("seed", first.seed.to_string(), s.seed.to_string()),
        (
            "replications",
            first.replications.to_string(),
            s.replications.to_string(),
        ),
        (
            "number of shards",
            first.spec.count().to_string(),
            s.spec.count().to_string(),
        ),
        (
            "strikesim version",
            first.tool_version.clone(),
            s.tool_version.clone(),
        ),
    ];
    for (what, a, b) in checks {
        if a != b {
            return Err(ShardError::Mismatch {
                what,
                first: first_path.to_string(),
                a,
                other: path.to_string(),
                b,
            });
        }
    }
    Ok(())
}

/// The indices among `count` shards that `by_index` lacks, each with the
/// temporary file an interrupted write of it left, if any.
fn missing_shards(
    count: u64,
    by_index: &BTreeMap<u64, (&str, &Shard)>,
    interrupted: &[(ShardSpec, String)],
) -> Vec<(u64, Option<String>)> {
    (0..count)
        .filter(|k| !by_index.contains_key(k))
        .map(|k| {
            let tmp = interrupted
                .iter()
                .find(|(spec, _)| spec.index() == k && spec.count() == count)
                .map(|(_, p)| p.clone());
            (k, tmp)
        })
        .collect()
}

//! Why shards cannot be made, read or merged: [`ShardError`] and the
//! wording of its messages.
//!
//! What does not live here: the checks that raise them (`spec.rs`,
//! `file.rs`, `merge.rs`).

use super::FORMAT_VERSION;

/// Why shards cannot be made, read or merged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShardError {
    #[error("{0}")]
    Spec(String),
    #[error("{path}: not a strikesim shard file ({reason})")]
    NotShard { path: String, reason: String },
    #[error("{path}: damaged shard file ({reason}); run that shard again")]
    Damaged { path: String, reason: String },
    #[error("{path}: shard file format version {found}; this strikesim ({tool}) reads version {FORMAT_VERSION}")]
    FormatVersion {
        path: String,
        found: u32,
        tool: String,
    },
    #[error("{path}: written by strikesim {found}, but this is strikesim {tool}; merge with the version that ran the shards, or run them again")]
    ToolVersion {
        path: String,
        found: String,
        tool: String,
    },
    #[error("{path}: the scenario text it carries has SHA-256 {computed}, but the shard says it ran {stated}: the text was edited after the shard ran; run that shard again")]
    ScenarioText {
        path: String,
        stated: String,
        computed: String,
    },
    #[error("shards do not belong to the same ensemble: {first} has {what} {a}, but {other} has {what} {b}; merge only shards of one run of one scenario")]
    Mismatch {
        what: &'static str,
        first: String,
        a: String,
        other: String,
        b: String,
    },
    #[error("{file} (named by the scenario {scenario}) has changed since the shards ran: its SHA-256 was {then} and is now {now}; put back the file the shards read, or run the shards again")]
    InputChanged {
        file: String,
        scenario: String,
        then: String,
        now: String,
    },
    #[error("shard {shard} of {shards} given twice: {a} and {b}; pass each shard once")]
    Duplicate {
        shard: u64,
        shards: u64,
        a: String,
        b: String,
    },
    #[error("{}", missing_message(.shards, .missing))]
    Missing {
        shards: u64,
        /// Missing shard indices, with the temporary file found for each, if any.
        missing: Vec<(u64, Option<String>)>,
    },
    #[error("no shard files given")]
    NoShards,
}

fn missing_message(shards: &u64, missing: &[(u64, Option<String>)]) -> String {
    let list: Vec<String> = missing
        .iter()
        .map(|(k, tmp)| match tmp {
            Some(t) => format!(
                "shard {k} (only the temporary file {t}: that shard was interrupted before it finished)"
            ),
            None => format!("shard {k}"),
        })
        .collect();
    format!(
        "{} of {shards} shards missing: {}; run them (again) and merge once every shard file is there",
        missing.len(),
        list.join(", ")
    )
}

impl ShardError {
    /// `path` is not a shard file at all.
    pub(super) fn not_shard(path: &str, reason: &str) -> ShardError {
        ShardError::NotShard {
            path: path.into(),
            reason: reason.into(),
        }
    }

    /// `path` is a shard file, but not a whole or consistent one.
    pub(super) fn damaged(path: &str, reason: String) -> ShardError {
        ShardError::Damaged {
            path: path.into(),
            reason,
        }
    }
}

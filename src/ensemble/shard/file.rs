//! The shard file: [`Shard::encode`] and [`Shard::decode`], and the check
//! that a decoded shard has the shape of the world it claims. A shard file
//! is two lines:
//!
//! ```text
//! {"format":"strikesim-shard","format_version":1,"body_bytes":N,"body_sha256":"..."}
//! {...the body: versions, scenario text and hash, seed, N, K, M, indices, results...}
//! ```
//!
//! The first line names the format and fixes the length and SHA-256 of the
//! second, so a truncated, damaged or foreign file is refused before it is
//! parsed. Metric values travel as their IEEE-754 bit patterns, so they
//! come back exactly (NaN included) and merged tables match a single run
//! byte for byte.
//!
//! What does not live here: reading or writing files (that is `app`), and
//! the checks across shards (`merge.rs`).

use super::{Shard, ShardError, ShardScenario, ShardSpec, FORMAT_TAG, FORMAT_VERSION};
use crate::ensemble::breakdown::Breakdown;
use crate::ensemble::stats::Histogram;
use crate::ensemble::EnsembleResult;
use crate::model::random::{scenario_identity, sha256_hex};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    format_version: u32,
    body_bytes: u64,
    body_sha256: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    tool_version: String,
    scenario: ShardScenario,
    seed: u64,
    replications: u64,
    shard: u64,
    shards: u64,
    indices: Vec<u64>,
    threads: usize,
    wall_seconds: f64,
    /// Per replication: [branch][metric] as f64 bit patterns.
    rows: Vec<(u64, Vec<Vec<u64>>)>,
    /// [branch][week][weekly metric]
    weekly: Vec<Vec<Vec<Histogram>>>,
    /// The breakdown's exact sums, [branch][unit].
    breakdown: Breakdown,
}

/// This build's version, written into every shard and required of every
/// shard it reads.
const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

impl Shard {
    /// The shard file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let body = Body {
            tool_version: self.tool_version.clone(),
            scenario: self.scenario.clone(),
            seed: self.seed,
            replications: self.replications,
            shard: self.spec.index(),
            shards: self.spec.count(),
            indices: self.spec.indices(self.replications),
            threads: self.threads,
            wall_seconds: self.wall_seconds,
            rows: self
                .result
                .rows
                .iter()
                .map(|(r, branches)| {
                    let bits = branches
                        .iter()
                        .map(|row| row.iter().map(|v| v.to_bits()).collect())
                        .collect();
                    (*r, bits)
                })
                .collect(),
            weekly: self.result.weekly.clone(),
            breakdown: self.result.breakdown.clone(),
        };
        let body = serde_json::to_vec(&body).expect("a shard body serialises");
        let header = Header {
            format: FORMAT_TAG.into(),
            format_version: FORMAT_VERSION,
            body_bytes: body.len() as u64,
            body_sha256: sha256_hex(&body),
        };
        let mut out = serde_json::to_vec(&header).expect("a shard header serialises");
        out.push(b'\n');
        out.extend_from_slice(&body);
        out.push(b'\n');
        out
    }

    /// Read a shard file's bytes and check that they hang together. `path`
    /// names the file in errors.
    pub fn decode(bytes: &[u8], path: &str) -> Result<Shard, ShardError> {
        let body = checked_body(bytes, path)?;
        let body: Body = serde_json::from_slice(body)
            .map_err(|e| ShardError::damaged(path, format!("results unreadable: {e}")))?;
        let spec = body.check(path)?;
        Ok(body.into_shard(spec))
    }

    /// Check the results have the shape of the world they claim: `branches`
    /// rows of `metrics` values per replication, `branches` x `weeks` x
    /// `weekly_metrics` histograms and `branches` x `units` sums of the
    /// breakdown by specialty and trust.
    pub fn check_shape(
        &self,
        path: &str,
        branches: usize,
        metrics: usize,
        weeks: usize,
        weekly_metrics: usize,
        units: usize,
    ) -> Result<(), ShardError> {
        let rows_ok = self
            .result
            .rows
            .iter()
            .all(|(_, b)| b.len() == branches && b.iter().all(|row| row.len() == metrics));
        let weekly_ok = self.result.weekly.is_empty()
            || (self.result.weekly.len() == branches
                && self
                    .result
                    .weekly
                    .iter()
                    .all(|w| w.len() == weeks && w.iter().all(|m| m.len() == weekly_metrics)));
        let breakdown_ok = self.result.breakdown.has_shape(branches, units);
        if rows_ok && weekly_ok && breakdown_ok {
            Ok(())
        } else {
            Err(ShardError::damaged(
                path,
                format!(
                    "its results are not shaped like the scenario it carries ({branches} plans, {metrics} metrics, {weeks} weeks, {units} specialties, trusts and specialty totals)"
                ),
            ))
        }
    }
}

/// The body line of a shard file, once the header line has shown the file
/// to be a whole shard of this format version.
fn checked_body<'a>(bytes: &'a [u8], path: &str) -> Result<&'a [u8], ShardError> {
    let Some(newline) = bytes.iter().position(|&b| b == b'\n') else {
        return Err(if bytes.starts_with(b"{\"format\":\"strikesim-shard\"") {
            ShardError::damaged(path, "it ends inside its first line".into())
        } else {
            ShardError::not_shard(path, "no strikesim-shard header line")
        });
    };
    let header: Header = serde_json::from_slice(&bytes[..newline]).map_err(|_| {
        ShardError::not_shard(path, "its first line is not a strikesim-shard header")
    })?;
    if header.format != FORMAT_TAG {
        return Err(ShardError::not_shard(
            path,
            &format!("format {:?}", header.format),
        ));
    }
    if header.format_version != FORMAT_VERSION {
        return Err(ShardError::FormatVersion {
            path: path.into(),
            found: header.format_version,
            tool: TOOL_VERSION.into(),
        });
    }
    let rest = &bytes[newline + 1..];
    let body = rest.strip_suffix(b"\n").unwrap_or(rest);
    if body.len() as u64 != header.body_bytes {
        return Err(ShardError::damaged(
            path,
            format!(
                "{} bytes of results where the header promises {}: truncated or altered",
                body.len(),
                header.body_bytes
            ),
        ));
    }
    if sha256_hex(body) != header.body_sha256 {
        return Err(ShardError::damaged(
            path,
            "its results do not match the SHA-256 in its header".into(),
        ));
    }
    Ok(body)
}

impl Body {
    /// The shard it claims to be, once its version, replications, rows and
    /// weekly counts agree with that claim.
    fn check(&self, path: &str) -> Result<ShardSpec, ShardError> {
        if self.tool_version != TOOL_VERSION {
            return Err(ShardError::ToolVersion {
                path: path.into(),
                found: self.tool_version.clone(),
                tool: TOOL_VERSION.into(),
            });
        }
        self.scenario.check_text(path)?;
        let damaged = |reason: String| ShardError::damaged(path, reason);
        let spec = ShardSpec::new(self.shard, self.shards)
            .map_err(|e| damaged(format!("bad shard number: {e}")))?;
        let expected = spec.indices(self.replications);
        if self.replications == 0 || self.indices != expected {
            return Err(damaged(format!(
                "it lists replications {:?}, but shard {spec} of {} holds {:?}",
                self.indices, self.replications, expected
            )));
        }
        let rows_ids: Vec<u64> = self.rows.iter().map(|(r, _)| *r).collect();
        if rows_ids != expected {
            return Err(damaged(format!(
                "it has rows for replications {rows_ids:?}, but shard {spec} holds {expected:?}"
            )));
        }
        let counted = self
            .weekly
            .iter()
            .flatten()
            .flatten()
            .all(|h| h.count == expected.len() as u64);
        if !counted || (expected.is_empty() != self.weekly.is_empty()) {
            return Err(damaged(format!(
                "its weekly series do not count {} replications",
                expected.len()
            )));
        }
        if self.breakdown.replications != expected.len() as u64 {
            return Err(damaged(format!(
                "its results by specialty and trust count {} replications, not {}",
                self.breakdown.replications,
                expected.len()
            )));
        }
        Ok(spec)
    }

    /// The shard, metric values turned back from their bit patterns.
    fn into_shard(self, spec: ShardSpec) -> Shard {
        let rows = self
            .rows
            .into_iter()
            .map(|(r, branches)| {
                let values = branches
                    .into_iter()
                    .map(|row| row.into_iter().map(f64::from_bits).collect())
                    .collect();
                (r, values)
            })
            .collect();
        Shard {
            tool_version: self.tool_version,
            scenario: self.scenario,
            seed: self.seed,
            replications: self.replications,
            spec,
            threads: self.threads,
            wall_seconds: self.wall_seconds,
            result: EnsembleResult {
                rows,
                weekly: self.weekly,
                breakdown: self.breakdown,
            },
        }
    }
}

impl ShardScenario {
    /// Refuses a shard whose scenario text is not the one its `sha256`
    /// names: the identity is computed again from the text (and the RTT
    /// files' hashes it carries), never taken on trust.
    fn check_text(&self, path: &str) -> Result<(), ShardError> {
        let computed = scenario_identity(&sha256_hex(self.text.as_bytes()), &self.inputs);
        if computed == self.sha256 {
            return Ok(());
        }
        Err(ShardError::ScenarioText {
            path: path.into(),
            stated: self.sha256.clone(),
            computed,
        })
    }
}

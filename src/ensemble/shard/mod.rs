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
//! bytes; `app` reads, writes and finds them. A shard file is two lines:
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

use super::stats::Histogram;
use super::EnsembleResult;
use crate::model::random::sha256_hex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// First field of every shard file.
pub const FORMAT_TAG: &str = "strikesim-shard";
/// Version of the shard file layout this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// Environment variable of a Kubernetes Indexed Job (0-based).
pub const K8S_INDEX_VAR: &str = "JOB_COMPLETION_INDEX";
/// Environment variable of a Slurm job array task.
pub const SLURM_INDEX_VAR: &str = "SLURM_ARRAY_TASK_ID";

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
    #[error("shards do not belong to the same ensemble: {first} has {what} {a}, but {other} has {what} {b}; merge only shards of one run of one scenario")]
    Mismatch {
        what: &'static str,
        first: String,
        a: String,
        other: String,
        b: String,
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

/// Shard K of M: `index` in 0..count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    index: u64,
    count: u64,
}

impl ShardSpec {
    pub fn new(index: u64, count: u64) -> Result<ShardSpec, ShardError> {
        if count == 0 {
            return Err(ShardError::Spec(
                "the number of shards must be at least 1".into(),
            ));
        }
        if index >= count {
            return Err(ShardError::Spec(format!(
                "shard {index} does not exist among {count} shards: shard indices are 0-based, 0 to {}",
                count - 1
            )));
        }
        Ok(ShardSpec { index, count })
    }

    /// K, 0-based.
    pub fn index(self) -> u64 {
        self.index
    }

    /// M.
    pub fn count(self) -> u64 {
        self.count
    }

    /// The replications of this shard among `replications`, in order.
    pub fn indices(self, replications: u64) -> Vec<u64> {
        (self.index..replications)
            .step_by(self.count as usize)
            .collect()
    }

    /// `shard-K-of-M.json`.
    pub fn file_name(self) -> String {
        format!("shard-{}-of-{}.json", self.index, self.count)
    }

    /// Recognise `shard-K-of-M.json`.
    pub fn from_file_name(name: &str) -> Option<ShardSpec> {
        let rest = name.strip_prefix("shard-")?.strip_suffix(".json")?;
        let (k, m) = rest.split_once("-of-")?;
        ShardSpec::new(k.parse().ok()?, m.parse().ok()?).ok()
    }

    /// Recognise the temporary file an interrupted atomic write of
    /// `shard-K-of-M.json` leaves behind (`.shard-K-of-M.json.tmp-PID`).
    pub fn from_temporary_name(name: &str) -> Option<ShardSpec> {
        let (final_name, _) = name.strip_prefix('.')?.split_once(".tmp-")?;
        ShardSpec::from_file_name(final_name)
    }

    /// The shard named by a scheduler's environment: Kubernetes'
    /// `JOB_COMPLETION_INDEX` or Slurm's `SLURM_ARRAY_TASK_ID`, minus
    /// `base` (the first task id of the array: 0 for `--array=0-(M-1)`,
    /// 1 for `--array=1-M`). `var` looks a variable up.
    pub fn from_env(
        count: u64,
        base: u64,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ShardSpec, ShardError> {
        let (name, value) = match (var(K8S_INDEX_VAR), var(SLURM_INDEX_VAR)) {
            (Some(_), Some(_)) => {
                return Err(ShardError::Spec(format!(
                    "--shard-from-env: both {K8S_INDEX_VAR} and {SLURM_INDEX_VAR} are set; unset one, or give --shard K/M"
                )))
            }
            (Some(v), None) => (K8S_INDEX_VAR, v),
            (None, Some(v)) => (SLURM_INDEX_VAR, v),
            (None, None) => {
                return Err(ShardError::Spec(format!(
                    "--shard-from-env: neither {SLURM_INDEX_VAR} (Slurm job array) nor {K8S_INDEX_VAR} (Kubernetes Indexed Job) is set; run inside an array task or give --shard K/M"
                )))
            }
        };
        let id: u64 = value.trim().parse().map_err(|_| {
            ShardError::Spec(format!(
                "--shard-from-env: {name}={value:?} is not a whole number"
            ))
        })?;
        if name == SLURM_INDEX_VAR {
            let bound = |v: &str| var(v).and_then(|s| s.trim().parse::<u64>().ok());
            if let (Some(min), Some(max)) =
                (bound("SLURM_ARRAY_TASK_MIN"), bound("SLURM_ARRAY_TASK_MAX"))
            {
                if max >= min && max - min + 1 == count && min != base {
                    return Err(ShardError::Spec(format!(
                        "--shard-from-env {count}: the Slurm array runs {min}-{max} but --shard-base is {base}; pass --shard-base {min}, or submit --array={base}-{}",
                        base + count - 1
                    )));
                }
            }
        }
        let last = base.saturating_add(count).saturating_sub(1);
        let index = id.checked_sub(base).filter(|&k| k < count).ok_or_else(|| {
            ShardError::Spec(format!(
                "--shard-from-env {count}: {name}={id} is outside {base}-{last}, the task ids of {count} shards with --shard-base {base}{}",
                if name == SLURM_INDEX_VAR && base == 0 && id == count {
                    "; if the array is --array=1-M, pass --shard-base 1"
                } else {
                    ""
                }
            ))
        })?;
        ShardSpec::new(index, count)
    }
}

impl fmt::Display for ShardSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for ShardSpec {
    type Err = String;

    /// `K/M`, K 0-based.
    fn from_str(s: &str) -> Result<ShardSpec, String> {
        let usage = || {
            format!("{s:?} is not K/M: give the 0-based shard index and the number of shards, e.g. 0/4 to 3/4")
        };
        let (k, m) = s.split_once('/').ok_or_else(usage)?;
        let k: u64 = k.trim().parse().map_err(|_| usage())?;
        let m: u64 = m.trim().parse().map_err(|_| usage())?;
        ShardSpec::new(k, m).map_err(|e| e.to_string())
    }
}

/// The scenario a shard ran, with its text so a merge can rebuild it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShardScenario {
    pub name: String,
    /// Where it came from, as in the manifest.
    pub source: String,
    /// SHA-256 of `text`, hex.
    pub sha256: String,
    pub text: String,
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
}

impl Shard {
    /// The shard file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let body = Body {
            tool_version: self.tool_version.clone(),
            scenario: self.scenario.clone(),
            seed: self.seed,
            replications: self.replications,
            shard: self.spec.index,
            shards: self.spec.count,
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
        let not_shard = |reason: &str| ShardError::NotShard {
            path: path.into(),
            reason: reason.into(),
        };
        let damaged = |reason: String| ShardError::Damaged {
            path: path.into(),
            reason,
        };
        let Some(newline) = bytes.iter().position(|&b| b == b'\n') else {
            return Err(if bytes.starts_with(b"{\"format\":\"strikesim-shard\"") {
                damaged("it ends inside its first line".into())
            } else {
                not_shard("no strikesim-shard header line")
            });
        };
        let header: Header = serde_json::from_slice(&bytes[..newline])
            .map_err(|_| not_shard("its first line is not a strikesim-shard header"))?;
        if header.format != FORMAT_TAG {
            return Err(not_shard(&format!("format {:?}", header.format)));
        }
        if header.format_version != FORMAT_VERSION {
            return Err(ShardError::FormatVersion {
                path: path.into(),
                found: header.format_version,
                tool: env!("CARGO_PKG_VERSION").into(),
            });
        }
        let rest = &bytes[newline + 1..];
        let body = rest.strip_suffix(b"\n").unwrap_or(rest);
        if body.len() as u64 != header.body_bytes {
            return Err(damaged(format!(
                "{} bytes of results where the header promises {}: truncated or altered",
                body.len(),
                header.body_bytes
            )));
        }
        if sha256_hex(body) != header.body_sha256 {
            return Err(damaged(
                "its results do not match the SHA-256 in its header".into(),
            ));
        }
        let body: Body = serde_json::from_slice(body)
            .map_err(|e| damaged(format!("results unreadable: {e}")))?;
        if body.tool_version != env!("CARGO_PKG_VERSION") {
            return Err(ShardError::ToolVersion {
                path: path.into(),
                found: body.tool_version,
                tool: env!("CARGO_PKG_VERSION").into(),
            });
        }
        let spec = ShardSpec::new(body.shard, body.shards)
            .map_err(|e| damaged(format!("bad shard number: {e}")))?;
        let expected = spec.indices(body.replications);
        if body.replications == 0 || body.indices != expected {
            return Err(damaged(format!(
                "it lists replications {:?}, but shard {spec} of {} holds {:?}",
                body.indices, body.replications, expected
            )));
        }
        let rows_ids: Vec<u64> = body.rows.iter().map(|(r, _)| *r).collect();
        if rows_ids != expected {
            return Err(damaged(format!(
                "it has rows for replications {rows_ids:?}, but shard {spec} holds {expected:?}"
            )));
        }
        let counted = body
            .weekly
            .iter()
            .flatten()
            .flatten()
            .all(|h| h.count == expected.len() as u64);
        if !counted || (expected.is_empty() != body.weekly.is_empty()) {
            return Err(damaged(format!(
                "its weekly series do not count {} replications",
                expected.len()
            )));
        }
        let rows = body
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
        Ok(Shard {
            tool_version: body.tool_version,
            scenario: body.scenario,
            seed: body.seed,
            replications: body.replications,
            spec,
            threads: body.threads,
            wall_seconds: body.wall_seconds,
            result: EnsembleResult {
                rows,
                weekly: body.weekly,
            },
        })
    }

    /// Check the results have the shape of the world they claim: `branches`
    /// rows of `metrics` values per replication and `branches` x `weeks` x
    /// `weekly_metrics` histograms.
    pub fn check_shape(
        &self,
        path: &str,
        branches: usize,
        metrics: usize,
        weeks: usize,
        weekly_metrics: usize,
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
        if rows_ok && weekly_ok {
            Ok(())
        } else {
            Err(ShardError::Damaged {
                path: path.into(),
                reason: format!(
                    "its results are not shaped like the scenario it carries ({branches} plans, {metrics} metrics, {weeks} weeks)"
                ),
            })
        }
    }
}

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
    shards: Vec<(String, Shard)>,
    interrupted: &[(ShardSpec, String)],
) -> Result<Merged, ShardError> {
    let Some((first_path, first)) = shards.first().cloned() else {
        return Err(ShardError::NoShards);
    };
    let mut by_index: BTreeMap<u64, (String, Shard)> = BTreeMap::new();
    for (path, s) in shards {
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
                first.spec.count.to_string(),
                s.spec.count.to_string(),
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
                    first: first_path.clone(),
                    a,
                    other: path,
                    b,
                });
            }
        }
        if let Some((earlier, _)) = by_index.get(&s.spec.index) {
            return Err(ShardError::Duplicate {
                shard: s.spec.index,
                shards: s.spec.count,
                a: earlier.clone(),
                b: path,
            });
        }
        by_index.insert(s.spec.index, (path, s));
    }
    let count = first.spec.count;
    let missing: Vec<(u64, Option<String>)> = (0..count)
        .filter(|k| !by_index.contains_key(k))
        .map(|k| {
            let tmp = interrupted
                .iter()
                .find(|(spec, _)| spec.index == k && spec.count == count)
                .map(|(_, p)| p.clone());
            (k, tmp)
        })
        .collect();
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
        scenario: first.scenario,
        seed: first.seed,
        replications: first.replications,
        shards: count,
        threads,
        wall_seconds,
        result,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_replications() {
        for n in 1..20u64 {
            for m in 1..25u64 {
                let mut all: Vec<u64> = (0..m)
                    .flat_map(|k| ShardSpec::new(k, m).unwrap().indices(n))
                    .collect();
                all.sort_unstable();
                assert_eq!(all, (0..n).collect::<Vec<_>>(), "n={n} m={m}");
            }
        }
        assert_eq!(ShardSpec::new(2, 3).unwrap().indices(8), vec![2, 5]);
        assert!(ShardSpec::new(5, 7).unwrap().indices(3).is_empty());
    }

    #[test]
    fn spec_parsing_and_file_names() {
        assert_eq!(
            "1/4".parse::<ShardSpec>(),
            Ok(ShardSpec::new(1, 4).unwrap())
        );
        assert!("4/4".parse::<ShardSpec>().is_err());
        assert!("1-4".parse::<ShardSpec>().is_err());
        assert!("0/0".parse::<ShardSpec>().is_err());
        let s = ShardSpec::new(3, 7).unwrap();
        assert_eq!(s.file_name(), "shard-3-of-7.json");
        assert_eq!(ShardSpec::from_file_name("shard-3-of-7.json"), Some(s));
        assert_eq!(
            ShardSpec::from_temporary_name(".shard-3-of-7.json.tmp-4242"),
            Some(s)
        );
        assert_eq!(ShardSpec::from_file_name("shard-7-of-7.json"), None);
        assert_eq!(ShardSpec::from_file_name("summary.csv"), None);
    }

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            vars.iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn shard_from_scheduler_environment() {
        let k8s = env(&[("JOB_COMPLETION_INDEX", "2")]);
        assert_eq!(ShardSpec::from_env(3, 0, &k8s).unwrap().index(), 2);
        let slurm0 = env(&[
            ("SLURM_ARRAY_TASK_ID", "0"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "6"),
        ]);
        assert_eq!(ShardSpec::from_env(7, 0, &slurm0).unwrap().index(), 0);
        let slurm1 = env(&[
            ("SLURM_ARRAY_TASK_ID", "7"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "7"),
        ]);
        assert_eq!(ShardSpec::from_env(7, 1, &slurm1).unwrap().index(), 6);
        // A 1-based array without --shard-base 1 is caught on every task.
        let err = ShardSpec::from_env(7, 0, &slurm1).unwrap_err().to_string();
        assert!(err.contains("--shard-base 1"), "{err}");
        // A retried single task (--array=3) keeps its own index.
        let retry = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "3"),
            ("SLURM_ARRAY_TASK_MAX", "3"),
        ]);
        assert_eq!(ShardSpec::from_env(7, 0, &retry).unwrap().index(), 3);
        assert!(ShardSpec::from_env(7, 0, &env(&[])).is_err());
        assert!(ShardSpec::from_env(7, 0, &env(&[("SLURM_ARRAY_TASK_ID", "x")])).is_err());
        assert!(ShardSpec::from_env(7, 0, &env(&[("SLURM_ARRAY_TASK_ID", "7")])).is_err());
        assert!(ShardSpec::from_env(7, 1, &env(&[("SLURM_ARRAY_TASK_ID", "0")])).is_err());
        let both = env(&[("SLURM_ARRAY_TASK_ID", "1"), ("JOB_COMPLETION_INDEX", "1")]);
        assert!(ShardSpec::from_env(7, 0, &both).is_err());
    }

    fn shard(k: u64, m: u64, n: u64) -> Shard {
        let spec = ShardSpec::new(k, m).unwrap();
        let mut result = EnsembleResult::default();
        for r in spec.indices(n) {
            let mut h = Histogram::default();
            h.add(r as i64 * 3 - 4);
            result.weekly = if result.weekly.is_empty() {
                vec![vec![vec![h]]]
            } else {
                let mut w = result.weekly.clone();
                w[0][0][0].merge(&h);
                w
            };
            result
                .rows
                .push((r, vec![vec![r as f64 / 3.0, f64::NAN, -0.0]]));
        }
        Shard {
            tool_version: env!("CARGO_PKG_VERSION").into(),
            scenario: ShardScenario {
                name: "s".into(),
                source: "s.toml".into(),
                sha256: sha256_hex(b"text"),
                text: "text".into(),
            },
            seed: 7,
            replications: n,
            spec,
            threads: 2,
            wall_seconds: 1.5,
            result,
        }
    }

    #[test]
    fn encode_decode_is_exact() {
        let s = shard(1, 3, 8);
        let back = Shard::decode(&s.encode(), "x").unwrap();
        let bits = |s: &Shard| -> Vec<u64> {
            s.result
                .rows
                .iter()
                .flat_map(|(_, b)| b.iter().flatten().map(|v| v.to_bits()))
                .collect()
        };
        assert_eq!(bits(&back), bits(&s));
        assert_eq!(back.result.weekly, s.result.weekly);
        assert_eq!(back.spec, s.spec);
        let empty = shard(5, 7, 3);
        assert_eq!(
            Shard::decode(&empty.encode(), "x").unwrap().result,
            empty.result
        );
    }

    #[test]
    fn damage_is_detected() {
        let bytes = shard(0, 2, 5).encode();
        for cut in [10, bytes.len() / 2, bytes.len() - 2] {
            assert!(Shard::decode(&bytes[..cut], "x").is_err(), "cut at {cut}");
        }
        let mut flipped = bytes.clone();
        let i = bytes.len() - 20;
        flipped[i] ^= 1;
        assert!(matches!(
            Shard::decode(&flipped, "x"),
            Err(ShardError::Damaged { .. })
        ));
        assert!(matches!(
            Shard::decode(b"plan,metric\n", "x"),
            Err(ShardError::NotShard { .. })
        ));
    }

    #[test]
    fn merge_equals_the_whole_and_refuses_gaps() {
        let n = 8;
        let parts: Vec<(String, Shard)> = (0..3)
            .rev()
            .map(|k| (format!("s{k}"), shard(k, 3, n)))
            .collect();
        let merged = merge(parts.clone(), &[]).unwrap();
        let whole = shard(0, 1, n);
        assert_eq!(merged.result.weekly, whole.result.weekly);
        assert!(merged.result.rows.iter().map(|(r, _)| *r).eq(0..n));
        let gap = merge(parts[..2].to_vec(), &[]).unwrap_err();
        assert!(matches!(gap, ShardError::Missing { .. }), "{gap}");
        let mut dup = parts.clone();
        dup.push(("again".into(), shard(1, 3, n)));
        assert!(matches!(merge(dup, &[]), Err(ShardError::Duplicate { .. })));
    }
}

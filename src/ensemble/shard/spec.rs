//! Which shard is which: [`ShardSpec`] (shard K of M), the replications it
//! holds, its file name, and finding it from `K/M` or from a scheduler's
//! environment (Slurm job arrays, Kubernetes Indexed Jobs).
//!
//! What does not live here: the shard file's contents (`file.rs`) and
//! putting shards together (`merge.rs`).

use super::{ShardError, K8S_INDEX_VAR, SLURM_INDEX_VAR};
use std::fmt;
use std::str::FromStr;

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

//! Unit tests of sharding: the partition of replications, `K/M` and file
//! names, schedulers' environments, exact encode and decode, damage, and
//! merging. Shards as the command line meets them are in `tests/shards.rs`.

use super::*;
use crate::ensemble::stats::Histogram;
use crate::model::random::sha256_hex;

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
        // Two branches of two units.
        let v = |b: u64, u: u64| std::array::from_fn(|m| r * 5 + b * 3 + u + m as u64);
        result
            .breakdown
            .add(&[vec![v(0, 0), v(0, 1)], vec![v(1, 0), v(1, 1)]]);
    }
    Shard {
        tool_version: env!("CARGO_PKG_VERSION").into(),
        scenario: ShardScenario {
            name: "s".into(),
            source: "s.toml".into(),
            sha256: sha256_hex(b"text"),
            text: "text".into(),
            inputs: Vec::new(),
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
    assert_eq!(back.result.breakdown, s.result.breakdown);
    assert_eq!(back.result.breakdown.replications, 3);
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
    let merged = merge(&parts, &[]).unwrap();
    let whole = shard(0, 1, n);
    assert_eq!(merged.result.weekly, whole.result.weekly);
    assert_eq!(merged.result.breakdown, whole.result.breakdown);
    assert!(merged.result.rows.iter().map(|(r, _)| *r).eq(0..n));
    let gap = merge(&parts[..2], &[]).unwrap_err();
    assert!(matches!(gap, ShardError::Missing { .. }), "{gap}");
    let mut dup = parts.clone();
    dup.push(("again".into(), shard(1, 3, n)));
    assert!(matches!(
        merge(&dup, &[]),
        Err(ShardError::Duplicate { .. })
    ));
}

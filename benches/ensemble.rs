//! Whole-model benchmarks on the bundled default scenario: one replication
//! (every trust to the branch point, then the counterfactual and each plan),
//! and a small ensemble of 20 replications on two threads.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use strikesim::ensemble::{run_ensemble, run_replication, EnsembleOptions};
use strikesim::scenario::Scenario;

const SEED: u64 = 20160126;

fn replication(c: &mut Criterion) {
    let world = Scenario::bundled_default().world();
    let mut group = c.benchmark_group("default_scenario");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(1));
    let mut rep = 0u64;
    group.bench_function("one_replication", |b| {
        b.iter(|| {
            rep += 1;
            black_box(run_replication(&world, SEED, rep))
        })
    });
    const N: u64 = 20;
    group.throughput(Throughput::Elements(N));
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("ensemble_20_on_2_threads", |b| {
        b.iter(|| {
            let options = EnsembleOptions {
                seed: SEED,
                replications: N,
                threads: 2,
            };
            black_box(run_ensemble(&world, options, &|_| {}).expect("thread pool"))
        })
    });
    group.finish();
}

criterion_group!(benches, replication);
criterion_main!(benches);

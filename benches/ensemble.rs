//! Whole-model benchmarks on the bundled default scenario: the warm-up
//! (once per ensemble), one replication from the warmed-up trusts (every
//! trust from `start` to the branch point, then the counterfactual and each
//! plan), and a small ensemble of 20 replications on two threads (its
//! warm-up included).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use strikesim::ensemble::{run_ensemble, run_replication_from, EnsembleOptions, WarmStart};
use strikesim::scenario::Scenario;

const SEED: u64 = 20160126;

fn replication(c: &mut Criterion) {
    let world = Scenario::bundled_default().world();
    let mut group = c.benchmark_group("default_scenario");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(1));
    group.bench_function("warm_up", |b| {
        b.iter(|| black_box(WarmStart::new(&world, SEED, &|| {})))
    });
    let warm = WarmStart::new(&world, SEED, &|| {});
    let mut rep = 0u64;
    group.bench_function("one_replication", |b| {
        b.iter(|| {
            rep += 1;
            black_box(run_replication_from(&warm, &world, SEED, rep))
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

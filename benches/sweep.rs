//! What a sweep and a goal seek cost, on the bundled default scenario:
//! one sweep point of 20 replications on two threads (the varied text
//! checked and built, the warm-up, the replications and the headline rows),
//! and one goal-seek evaluation of 20 replications (the counterfactual and
//! the catch-up plan only). A sweep of P points of N replications costs
//! about P times a point with N replications; a seek about the number of
//! candidates it tries times an evaluation (README, "Performance").

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use strikesim::app::sweep::seek::{Seek, SeekOptions};
use strikesim::app::Silent;
use strikesim::ensemble::run_indices;
use strikesim::output::tables::summary_rows;
use strikesim::scenario::{Scenario, DEFAULT_SCENARIO};

const N: u64 = 20;

fn sweep(c: &mut Criterion) {
    let mut group = c.benchmark_group("default_scenario_sweep");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.throughput(Throughput::Elements(N));
    let varied = DEFAULT_SCENARIO.replace("mean = 0.84, sd = 0.03", "mean = 0.7, sd = 0.03");
    assert_ne!(varied, DEFAULT_SCENARIO);
    let indices: Vec<u64> = (0..N).collect();
    group.bench_function("one_point_20_replications_2_threads", |b| {
        b.iter(|| {
            let scenario = Scenario::from_toml(&varied, "<bench>").expect("valid");
            let world = scenario.world();
            let result = run_indices(&world, 20160126, &indices, 2, &|_| {}).expect("thread pool");
            black_box(summary_rows(&world, &result))
        })
    });
    let seek = Seek::new(SeekOptions {
        scenario: None,
        plan: "consultant-cover-catch-up".into(),
        tolerance: 0,
        by: chrono::NaiveDate::from_ymd_opt(2016, 6, 27).expect("date"),
        confidence: 0.9,
        max: 20,
        replications: Some(N),
        seed: None,
        threads: 2,
    })
    .expect("valid seek");
    group.bench_function("one_seek_evaluation_20_replications_2_threads", |b| {
        b.iter(|| black_box(seek.evaluate(2, 2, &Silent).expect("evaluate")))
    });
    group.finish();
}

criterion_group!(benches, sweep);
criterion_main!(benches);

//! What the hardening costs before and after a run: reading and checking
//! the national scenario (151 trusts, 1.2 MB of TOML: parse, bounds, the
//! checks across fields and the size estimate), and reading a finished run
//! back with every file's SHA-256 verified against its manifest (what
//! `report`, `compare` and `series` do first).

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::Path;
use strikesim::app::{self, RunOptions, Silent};
use strikesim::output::run_data::RunData;
use strikesim::scenario::size::Limits;
use strikesim::scenario::Scenario;

fn checks(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/england-2016-01-12.toml");
    let text = std::fs::read_to_string(&path).expect("the national scenario");
    let mut group = c.benchmark_group("checks");
    group.sample_size(20);
    group.bench_function("read_and_check_england_2016_01_12", |b| {
        b.iter(|| {
            let s = Scenario::from_toml(black_box(&text), "england.toml").expect("valid");
            let limits = Limits::of_this_machine(false);
            black_box(s.check_run_size(&text, 40, 2, false, limits).expect("fits"))
        })
    });
    // A finished run of the default scenario (20 replications), read back.
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("run");
    let n = std::num::NonZeroU64::new(20).expect("20");
    let options = RunOptions::whole(None, Some(out.clone())).with_replications(n);
    app::run(&options, &Silent).expect("a run of the default scenario");
    group.bench_function("load_and_verify_default_run_20", |b| {
        b.iter(|| black_box(RunData::load(&out).expect("a whole run")))
    });
    group.finish();
}

criterion_group!(benches, checks);
criterion_main!(benches);

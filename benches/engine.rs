//! The event calendar under the classic hold model: a calendar holding
//! 10,000 pending events; each step pops the earliest and schedules one new
//! event a random increment later. Increments are drawn beforehand from a
//! fixed seed so the generator's cost is not measured. A second variant
//! also cancels one scheduled event in ten, as the model cancels removals.
//!
//! Throughput is events popped per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rand::SeedableRng;
use rand_distr::{Distribution, Exp, Uniform};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::hint::black_box;
use strikesim::engine::{Calendar, EventId, SimTime};

/// Pending events held in the calendar.
const PENDING: usize = 10_000;
/// Hold steps per measured iteration.
const STEPS: usize = 10_000;
/// Pre-drawn increments, cycled.
const INCREMENTS: usize = 1 << 16;
/// Mean increment in minutes.
const MEAN: f64 = 1_000.0;

fn exponential_increments() -> Vec<i64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let exp = Exp::new(1.0 / MEAN).expect("positive rate");
    (0..INCREMENTS)
        .map(|_| exp.sample(&mut rng).round() as i64)
        .collect()
}

fn uniform_increments() -> Vec<i64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2);
    let uniform = Uniform::new_inclusive(0, 2 * MEAN as i64).expect("valid range");
    (0..INCREMENTS).map(|_| uniform.sample(&mut rng)).collect()
}

/// A calendar with `PENDING` events spread over the first increments.
fn filled(increments: &[i64]) -> Calendar<u32> {
    let mut cal = Calendar::with_capacity(PENDING);
    for (i, &dt) in increments.iter().cycle().take(PENDING).enumerate() {
        cal.schedule(SimTime(dt), i as u32);
    }
    cal
}

fn hold(c: &mut Criterion) {
    let mut group = c.benchmark_group("calendar_hold");
    group.throughput(Throughput::Elements(STEPS as u64));
    for (name, increments) in [
        ("exponential", exponential_increments()),
        ("uniform", uniform_increments()),
    ] {
        let mut cal = filled(&increments);
        let mut k = PENDING;
        group.bench_function(name, |b| {
            b.iter(|| {
                for _ in 0..STEPS {
                    let (now, event) = cal.pop().expect("the calendar never empties");
                    let dt = increments[k % INCREMENTS];
                    k += 1;
                    cal.schedule(now + dt, black_box(event));
                }
            })
        });
    }
    group.finish();
}

/// Besides the hold events, one step in ten schedules an extra event that
/// is cancelled a little later (as the model cancels removals); most are
/// still pending when cancelled, and those that fire first are not
/// replaced, so the calendar stays the same size.
fn hold_with_cancellation(c: &mut Criterion) {
    const CANCEL_EVERY: usize = 10;
    /// Extra events outstanding: each is cancelled `LAG * CANCEL_EVERY`
    /// = 1,000 steps after it was scheduled, about a tenth of its
    /// expected life (an increment of mean `MEAN` takes about `PENDING`
    /// steps to come due).
    const LAG: usize = 100;
    const DOOMED: u32 = u32::MAX;
    let mut group = c.benchmark_group("calendar_hold_cancel");
    group.throughput(Throughput::Elements(STEPS as u64));
    let increments = exponential_increments();
    let mut cal = filled(&increments);
    let mut k = PENDING;
    let mut doomed: Vec<Option<EventId>> = vec![None; LAG];
    let mut step = 0usize;
    group.bench_function("exponential_10pct", |b| {
        b.iter(|| {
            for _ in 0..STEPS {
                let (now, event) = cal.pop().expect("the calendar never empties");
                if event != DOOMED {
                    let dt = increments[k % INCREMENTS];
                    k += 1;
                    cal.schedule(now + dt, black_box(event));
                }
                if step.is_multiple_of(CANCEL_EVERY) {
                    let slot = (step / CANCEL_EVERY) % LAG;
                    if let Some(id) = doomed[slot].take() {
                        black_box(cal.cancel(id));
                    }
                    let dt = increments[k % INCREMENTS];
                    k += 1;
                    doomed[slot] = Some(cal.schedule(now + dt, DOOMED));
                }
                step += 1;
            }
        })
    });
    group.finish();
}

criterion_group!(benches, hold, hold_with_cancellation);
criterion_main!(benches);

//! Structured mutation: a valid scenario (the bundled default or the
//! minimal example) with a few of its numeric values replaced, then the
//! same checks as the `scenario` target. The bytes choose the scenario,
//! which values (any integer or float in the file, in tables or arrays)
//! and what to put there: a value near a bound (0, 1, -1, 2^31 - 1,
//! 2^32 - 1, 2^53, 2^63 - 1, 1e21, 1e308, infinity, NaN, ...) or any i64 or
//! f64. This reaches the checks past parsing far more often than byte
//! mutation does. Any input works; no corpus is needed.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use toml::{Table, Value};

const BASES: [&str; 2] = [
    strikesim::scenario::DEFAULT_SCENARIO,
    include_str!("../../scenarios/examples/minimal.toml"),
];

/// A key or an index on the way to a value.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// Per base: the parsed table and the path of every numeric value.
fn bases() -> &'static [(Table, Vec<Vec<Step>>)] {
    static BASES_PARSED: OnceLock<Vec<(Table, Vec<Vec<Step>>)>> = OnceLock::new();
    BASES_PARSED.get_or_init(|| {
        BASES
            .iter()
            .map(|text| {
                let table: Table = text.parse().expect("the bases are valid TOML");
                let mut paths = Vec::new();
                numbers(&Value::Table(table.clone()), &mut Vec::new(), &mut paths);
                (table, paths)
            })
            .collect()
    })
}

fn numbers(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match v {
        Value::Integer(_) | Value::Float(_) => out.push(at.clone()),
        Value::Table(t) => {
            for (k, v) in t {
                at.push(Step::Key(k.clone()));
                numbers(v, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                at.push(Step::Index(i));
                numbers(v, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn get_mut<'a>(mut v: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    for step in path {
        v = match (step, v) {
            (Step::Key(k), Value::Table(t)) => t.get_mut(k)?,
            (Step::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(v)
}

const INTS: &[i64] = &[
    0,
    1,
    -1,
    2,
    7,
    10,
    100,
    1000,
    10_000,
    255,
    256,
    65_535,
    65_536,
    (1 << 31) - 1,
    1 << 31,
    (1 << 32) - 1,
    1 << 32,
    1 << 53,
    i64::MAX,
    i64::MIN,
];

const FLOATS: &[f64] = &[
    0.0,
    -0.0,
    1e-300,
    5e-324,
    0.5,
    0.999_999,
    1.0,
    1.000_001,
    -1.0,
    100.0,
    4_294_967_295.0,
    9_007_199_254_740_992.0,
    1e21,
    1e308,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

fn value(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => Value::Integer(*u.choose(INTS)?),
        1 => Value::Float(*u.choose(FLOATS)?),
        2 => Value::Integer(u.arbitrary()?),
        _ => Value::Float(u.arbitrary()?),
    })
}

fn mutated(data: &[u8]) -> Result<String> {
    let mut u = Unstructured::new(data);
    let (table, paths) = u.choose(bases())?;
    let mut doc = Value::Table(table.clone());
    for _ in 0..u.int_in_range(1..=4u8)? {
        let path = u.choose(paths)?;
        let new = value(&mut u)?;
        if let Some(v) = get_mut(&mut doc, path) {
            *v = new;
        }
    }
    Ok(toml::to_string(&doc).unwrap_or_default())
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = mutated(data) {
        // To see what a crash's input is: FUZZ_PRINT=1 cargo +nightly fuzz run scenario_toml CRASH
        if std::env::var_os("FUZZ_PRINT").is_some() {
            eprintln!("{text}");
        }
        strikesim_fuzz::check_scenario(&text);
    }
});

//! What the fuzz targets share: a scenario's text through reading,
//! validation, the size check and, when it is small, the model's world.

use std::path::{Path, PathBuf};
use strikesim::scenario::size::{Limits, Size};
use strikesim::scenario::Scenario;

/// Where the text is said to come from (relative RTT paths resolve from its folder).
pub const SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/fixtures/scenarios/fuzz.toml"
);

/// A valid scenario is built into a world only below these estimates for
/// one replication on one thread (`Size`): a few core-seconds, modest memory.
const MAX_SECONDS: f64 = 2.0;
const MAX_BYTES: f64 = 256e6;

/// Read and validate `text`; when valid, check the run's size and, when
/// small, build the world. Panics are the bugs the fuzzer looks for.
pub fn check_scenario(text: &str) {
    if !rtt_files_safe(text) {
        return;
    }
    let scenario = match Scenario::from_toml(text, SOURCE) {
        Ok(s) => s,
        Err(e) => {
            // Errors are worded for people: formatting must not panic.
            let _ = e.to_string();
            return;
        }
    };
    for w in scenario.warnings() {
        let _ = w.to_string();
    }
    let file = scenario.file();
    let limits = Limits::of_this_machine(false);
    let reps = u64::from(file.replications.get());
    let _ = scenario.check_run_size(text, reps, 1, false, limits);
    let forced = Limits::of_this_machine(true);
    let _ = scenario.check_run_size(text, 1, 1, true, forced);
    let Some(size) = Size::of(file) else {
        return;
    };
    if size.seconds(1) <= MAX_SECONDS && size.bytes(1) <= MAX_BYTES {
        let _world = scenario.world();
    }
}

/// Every `file` string in the text (`initial_list_from.file`) names a
/// regular file of at most 1 MB (relative to the source's folder), or there
/// are none: the fuzzer must not read `/dev/zero` or the whole disk.
fn rtt_files_safe(text: &str) -> bool {
    if !text.contains("file") {
        return true;
    }
    // The library reads the same TOML: what does not parse here fails there
    // before any file is read.
    let Ok(value) = text.parse::<toml::Table>() else {
        return true;
    };
    let base = Path::new(SOURCE).parent().expect("a folder");
    let mut files = Vec::new();
    collect_files(&toml::Value::Table(value), &mut files);
    files.iter().all(|f| {
        let p = PathBuf::from(f);
        let p = if p.is_relative() { base.join(p) } else { p };
        std::fs::metadata(&p).is_ok_and(|m| m.is_file() && m.len() <= 1 << 20)
    })
}

/// Every string under a key `file` anywhere in the document.
fn collect_files(v: &toml::Value, out: &mut Vec<String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                match v {
                    toml::Value::String(s) if k == "file" => out.push(s.clone()),
                    _ => collect_files(v, out),
                }
            }
        }
        toml::Value::Array(a) => a.iter().for_each(|v| collect_files(v, out)),
        _ => {}
    }
}

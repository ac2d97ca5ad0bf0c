//! A scenario file on arbitrary bytes: read it, validate it and, when it
//! is valid and small, check the run's size and build the model's world
//! (`strikesim_fuzz::check_scenario`). None of it may panic: a bad file is
//! an error naming the field, a valid one builds.
//!
//! The text is named as if it sat in `tests/fixtures/scenarios/`, so the
//! seed `rtt-start.toml` finds its RTT file there. A scenario that names
//! an RTT file (`initial_list_from`) is only read when that file is a
//! regular file of at most 1 MB.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        strikesim_fuzz::check_scenario(text);
    }
});

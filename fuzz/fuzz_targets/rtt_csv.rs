//! The RTT Full CSV loader on arbitrary bytes: it must return a snapshot or
//! an error, never panic, whatever the header, the rows or the encoding.
//!
//! Each input is read whole for provider `RWG` (the fixtures' provider), so
//! the RTT fixtures are the seeds as they are; when its first line is short
//! enough to be an org code, the rest is read again for that provider, so
//! the fuzzer can name the rows it writes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strikesim::scenario::rtt_csv::parse_part2;

fuzz_target!(|data: &[u8]| {
    check(data, "RWG");
    if let Some(nl) = data.iter().position(|&b| b == b'\n') {
        if nl <= 16 {
            if let Ok(code) = std::str::from_utf8(&data[..nl]) {
                check(&data[nl + 1..], code);
            }
        }
    }
});

fn check(csv: &[u8], provider: &str) {
    if let Ok(snapshot) = parse_part2(csv, "<fuzz>", provider) {
        // What the model reads from a snapshot must not overflow either.
        let _ = snapshot.total();
        let _ = snapshot.within_weeks(18);
        let _ = snapshot.within_weeks(u32::MAX);
    }
}

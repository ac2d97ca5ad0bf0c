//! Build-time facts for the tests: whether headless Chromium is on this
//! machine. The browser tests in `tests/report.rs` are marked ignored,
//! with the reason, when it is not (so `cargo test` says so instead of
//! passing them silently), except under CI, where a missing browser must
//! fail them.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(chromium_missing)");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-changed={CHROMIUM}");
    let in_ci = std::env::var_os("CI").is_some();
    if !in_ci && !std::path::Path::new(CHROMIUM).exists() {
        println!("cargo::rustc-cfg=chromium_missing");
    }
}

const CHROMIUM: &str = "/usr/bin/chromium";

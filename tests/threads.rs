//! Results are the same bytes on any number of threads.

use assert_cmd::Command;

fn run(threads: &str, out: &std::path::Path) {
    Command::cargo_bin("strikesim")
        .expect("binary")
        .args([
            "run",
            "--replications",
            "10",
            "--seed",
            "42",
            "--threads",
            threads,
            "--out",
        ])
        .arg(out)
        .assert()
        .success();
}

#[test]
fn one_and_two_threads_write_identical_tables_and_workbook() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    run("1", &one);
    run("2", &two);
    for file in [
        "summary.csv",
        "replications.csv",
        "weekly.csv",
        "by_specialty.csv",
        "by_trust.csv",
        "by_specialty_all_trusts.csv",
        "report.xlsx",
    ] {
        let a = std::fs::read(one.join(file)).expect("read");
        let b = std::fs::read(two.join(file)).expect("read");
        assert!(!a.is_empty());
        assert!(a == b, "{file} differs between 1 and 2 threads");
    }
}

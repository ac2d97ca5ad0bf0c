//! A run folder is all of one run or none, tested as processes: refusals
//! make nothing; a run killed (kill -9, SIGTERM, SIGINT) or out of disk
//! leaves the previous run in its folder intact and no staging behind (a
//! kill -9 leaves its staging for the next run to clear); two runs into one
//! `--out` cannot both write; `report` and `compare` refuse a damaged or
//! mixed folder naming the file; `merge` refuses a shard whose scenario
//! text does not match its hash. No timing is asserted: a test waits for a
//! run's staging folder to appear before stopping it.

use assert_cmd::Command;
use predicates::str::contains;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};

const SCENARIO_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/examples");

fn minimal() -> PathBuf {
    Path::new(SCENARIO_DIR).join("minimal.toml")
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_strikesim"))
}

fn strikesim() -> Command {
    Command::cargo_bin("strikesim").unwrap()
}

/// `strikesim run minimal.toml -n N --out OUT`, finished.
fn run(out: &Path, n: u64) -> assert_cmd::assert::Assert {
    strikesim()
        .arg("run")
        .arg(minimal())
        .args(["-n", &n.to_string(), "--out"])
        .arg(out)
        .assert()
}

/// A long run (one thread, many replications) started in the background.
fn spawn_long_run(out: &Path) -> Child {
    Process::new(bin())
        .arg("run")
        .arg(minimal())
        .args(["-n", "20000", "-j", "1", "--out"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("strikesim starts")
}

/// Wait until `child` has made its staging folder for `out` (it has
/// checked the scenario and taken the lock, and is simulating).
fn wait_for_staging(child: &mut Child, out: &Path) {
    let staging = staging_of(out, child.id());
    while !staging.is_dir() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the run ended ({status}) before its staging folder appeared");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

fn name_of(out: &Path) -> String {
    out.file_name().unwrap().to_string_lossy().into_owned()
}

fn staging_of(out: &Path, pid: u32) -> PathBuf {
    out.with_file_name(format!(".{}.staging-{pid}", name_of(out)))
}

/// Every file under `dir` with its bytes, by relative path.
fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// What writes to `out` may leave: staging and old folders beside it, a
/// lock file naming a holder, temporary files inside it.
fn debris(out: &Path) -> Vec<String> {
    let name = name_of(out);
    let parent = out.parent().unwrap();
    let mut found: Vec<String> = std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with(&format!(".{name}.staging-")) || n.starts_with(&format!(".{name}.old-"))
        })
        .collect();
    let lock = parent.join(format!(".{name}.lock"));
    if lock.exists() && !std::fs::read_to_string(&lock).unwrap().is_empty() {
        found.push(format!("{} names a holder", lock.display()));
    }
    if out.is_dir() {
        found.extend(files_of(out).into_keys().filter(|k| k.contains(".tmp-")));
    }
    found
}

fn assert_no_debris(out: &Path) {
    let d = debris(out);
    assert!(d.is_empty(), "left behind: {d:?}");
}

/// `strikesim report DIR` succeeds.
fn report_ok(dir: &Path) {
    strikesim().arg("report").arg(dir).assert().success();
}

// ---- refusals make nothing ----------------------------------------------

#[test]
fn a_refused_scenario_and_a_refused_run_make_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    let text = std::fs::read_to_string(minimal()).unwrap();
    std::fs::write(&bad, text.replace("weeks_after = 12", "weeks_after = -3")).unwrap();
    let out = tmp.path().join("out");
    strikesim()
        .arg("run")
        .arg(&bad)
        .args(["-n", "2", "--out"])
        .arg(&out)
        .assert()
        .failure()
        .stderr(contains("weeks_after"));
    run(&out, 0).failure().stderr(contains("--replications"));
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["bad.toml"], "nothing but the scenario");
}

#[test]
fn a_folder_of_other_files_is_never_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("documents");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    run(&out, 2)
        .failure()
        .stderr(contains("notes.txt"))
        .stderr(contains("choose another --out"));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
    assert_no_debris(&out);
}

#[test]
fn the_shards_folder_inside_a_run_folder_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    strikesim()
        .arg("run")
        .arg(minimal())
        .args(["-n", "2", "--shard", "0/1", "--out"])
        .arg(out.join("shards"))
        .assert()
        .success();
    run(&out, 2).success();
    run(&out, 2).success();
    assert!(out.join("shards/shard-0-of-1.json").is_file());
    report_ok(&out);
    assert_no_debris(&out);
}

// ---- stopped runs ---------------------------------------------------------

#[test]
fn kill_9_mid_run_keeps_the_previous_run_and_the_next_run_clears_up() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    run(&out, 2).success();
    let before = files_of(&out);

    let mut child = spawn_long_run(&out);
    wait_for_staging(&mut child, &out);
    child.kill().unwrap(); // SIGKILL
    assert!(!child.wait().unwrap().success());
    assert!(
        staging_of(&out, child.id()).is_dir(),
        "kill -9 cannot clean up"
    );
    assert_eq!(files_of(&out), before, "the previous run is untouched");
    report_ok(&out);
    report_ok(&out);

    run(&out, 2).success();
    assert_no_debris(&out);
    report_ok(&out);
}

/// Stop a long run over a finished one with `signal`; it exits with
/// `code`, removes its staging folder and leaves the finished run as it was.
fn stopped_by(signal: &str, code: i32) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    run(&out, 2).success();
    let before = files_of(&out);
    let mut child = spawn_long_run(&out);
    wait_for_staging(&mut child, &out);
    let sent = Process::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(code), "{status}");
    assert_no_debris(&out);
    assert_eq!(files_of(&out), before, "the previous run is untouched");
    report_ok(&out);
}

#[test]
fn sigterm_mid_run_removes_the_staging_folder() {
    stopped_by("-TERM", 143);
}

#[test]
fn sigint_mid_run_removes_the_staging_folder() {
    stopped_by("-INT", 130);
}

#[test]
fn a_second_run_into_the_same_folder_is_refused_naming_the_first() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let mut first = Process::new(bin())
        .arg("run")
        .arg(minimal())
        .args(["-n", "3000", "-j", "1", "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_staging(&mut first, &out);
    run(&out, 2)
        .failure()
        .stderr(contains("being written by another strikesim"))
        .stderr(contains(format!("process {}", first.id())));
    assert!(first.wait().unwrap().success(), "the first run completes");
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("\"replications\": 3000"),
        "the first run's"
    );
    report_ok(&out);
    assert_no_debris(&out);
}

#[test]
fn a_full_disk_keeps_the_previous_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    run(&out, 2).success();
    let before = files_of(&out);
    // Files of at most 2,000 KiB: report.html (about 2.6 MB) cannot be
    // written, as on a full disk (SIGXFSZ ignored, so the write fails).
    let script = format!(
        "trap '' XFSZ; ulimit -f 2000; exec '{}' run '{}' -n 2 --out '{}'",
        bin().display(),
        minimal().display(),
        out.display()
    );
    Command::new("bash")
        .args(["-c", &script])
        .assert()
        .failure()
        .stderr(contains("cannot write"))
        .stderr(contains(out.join("report.html").display().to_string()));
    assert_no_debris(&out);
    assert_eq!(files_of(&out), before, "the previous run is untouched");
    report_ok(&out);
}

// ---- damaged and mixed folders ------------------------------------------

/// A copy of the run `from` as `to`, then `damage` done to it.
fn damaged_copy(from: &Path, to: &Path, damage: impl FnOnce(&Path)) {
    for (rel, bytes) in files_of(from) {
        let p = to.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    damage(to);
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

#[test]
fn report_and_compare_refuse_a_damaged_or_mixed_folder_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good");
    let other = tmp.path().join("other");
    run(&good, 2).success();
    strikesim()
        .arg("run")
        .arg(minimal())
        .args(["-n", "2", "--seed", "7", "--out"])
        .arg(&other)
        .assert()
        .success();
    type Damage = Box<dyn FnOnce(&Path)>;
    let cases: Vec<(&str, Damage, &str, &str)> = vec![
        (
            "first-week",
            Box::new(|d| {
                edit(&d.join("weekly.csv"), |t| {
                    let first = t
                        .lines()
                        .nth(1)
                        .unwrap()
                        .split(',')
                        .nth(1)
                        .unwrap()
                        .to_string();
                    t.lines()
                        .enumerate()
                        .filter(|(i, l)| *i == 0 || l.split(',').nth(1) == Some(first.as_str()))
                        .map(|(_, l)| format!("{l}\n"))
                        .collect()
                })
            }),
            "weekly.csv",
            "size differs",
        ),
        (
            "row-missing",
            Box::new(|d| {
                edit(&d.join("replications.csv"), |t| {
                    let lines: Vec<&str> = t.lines().collect();
                    lines[..lines.len() - 1]
                        .iter()
                        .map(|l| format!("{l}\n"))
                        .collect()
                })
            }),
            "replications.csv",
            "differs",
        ),
        (
            "thousand",
            Box::new(|d| {
                edit(&d.join("manifest.json"), |t| {
                    t.replace("\"replications\": 2,", "\"replications\": 1000,")
                })
            }),
            "replications.csv",
            "manifest.json says 1000 replications",
        ),
        (
            "foreign",
            Box::new(|d| {
                std::fs::copy(
                    d.parent().unwrap().join("other/summary.csv"),
                    d.join("summary.csv"),
                )
                .unwrap();
            }),
            "summary.csv",
            "differs",
        ),
        (
            "same-size-edit",
            Box::new(|d| {
                edit(&d.join("report.md"), |t| {
                    t.replacen("Example", "Exampel", 1)
                })
            }),
            "report.md",
            "hash differs",
        ),
        (
            "chart-missing",
            Box::new(|d| std::fs::remove_file(d.join("charts/recovery.png")).unwrap()),
            "charts/recovery.png",
            "is missing",
        ),
    ];
    for (name, damage, file, problem) in cases {
        let dir = tmp.path().join(name);
        damaged_copy(&good, &dir, damage);
        let before = files_of(&dir);
        strikesim()
            .arg("report")
            .arg(&dir)
            .assert()
            .failure()
            .stderr(contains(dir.join(file).display().to_string()))
            .stderr(contains(problem))
            .stderr(contains("run the scenario again"));
        assert_eq!(
            files_of(&dir),
            before,
            "{name}: a refused report changes nothing"
        );
        let out = tmp.path().join(format!("compare-{name}"));
        strikesim()
            .arg("compare")
            .arg(&good)
            .arg(&dir)
            .arg("--out")
            .arg(&out)
            .assert()
            .failure()
            .stderr(contains(dir.join(file).display().to_string()))
            .stderr(contains(problem));
        assert!(!out.exists(), "{name}: a refused compare writes nothing");
        assert_no_debris(&dir);
    }
}

#[test]
fn a_manifest_edited_consistently_is_still_refused_by_the_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let good = tmp.path().join("good");
    run(&good, 2).success();
    let dir = tmp.path().join("edited");
    // No file list (as from an earlier version) and a thousand replications.
    damaged_copy(&good, &dir, |d| {
        let path = d.join("manifest.json");
        let mut m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        m["replications"] = 1000.into();
        m.as_object_mut().unwrap().remove("files");
        std::fs::write(&path, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    });
    strikesim()
        .arg("report")
        .arg(&dir)
        .assert()
        .failure()
        .stderr(contains("replications.csv"))
        .stderr(contains("manifest.json says 1000 replications"));
}

// ---- merge -----------------------------------------------------------------

#[test]
fn merge_refuses_a_shard_whose_scenario_text_was_edited() {
    use strikesim::model::random::sha256_hex;
    let tmp = tempfile::tempdir().unwrap();
    let shards = tmp.path().join("shards");
    for k in 0..2 {
        strikesim()
            .arg("run")
            .arg(minimal())
            .args(["-n", "2", "--shard", &format!("{k}/2"), "--out"])
            .arg(&shards)
            .assert()
            .success();
    }
    // Edit the text shard 1 carries, and make the file whole again (its
    // header's length and hash of the body), as a careful forger would.
    let path = shards.join("shard-1-of-2.json");
    let bytes = std::fs::read_to_string(&path).unwrap();
    let (_, body) = bytes.trim_end().split_once('\n').unwrap();
    let mut body: serde_json::Value = serde_json::from_str(body).unwrap();
    let text = body["scenario"]["text"].as_str().unwrap().to_string();
    assert!(text.contains("mean = 0.7"));
    body["scenario"]["text"] = text.replace("mean = 0.7", "mean = 0.9").into();
    let body = serde_json::to_string(&body).unwrap();
    let header = serde_json::json!({
        "format": "strikesim-shard",
        "format_version": strikesim::ensemble::shard::FORMAT_VERSION,
        "body_bytes": body.len(),
        "body_sha256": sha256_hex(body.as_bytes()),
    });
    std::fs::write(&path, format!("{header}\n{body}\n")).unwrap();

    let out = tmp.path().join("merged");
    strikesim()
        .arg("merge")
        .arg(&shards)
        .arg("--out")
        .arg(&out)
        .assert()
        .failure()
        .stderr(contains("shard-1-of-2.json"))
        .stderr(contains("the text was edited after the shard ran"));
    assert!(!out.exists(), "a refused merge writes nothing");
    assert_no_debris(&out);
}

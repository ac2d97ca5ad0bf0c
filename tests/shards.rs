//! Sharded ensembles, tested as processes: shards merged give the same
//! tables, byte for byte, as one `strikesim run` (for 1, 2 and 7 shards,
//! more shards than replications included); the Slurm and Kubernetes
//! commands of docs/CLUSTER.md run as a simulated array on this machine;
//! and each reason `strikesim merge` refuses has its own test.
//!
//! Runs use a copy of the default scenario cut to four weeks after the
//! branch point, so the whole file stays quick on two cores.

use assert_cmd::Command;
use predicates::str::contains;
use std::fs::Permissions;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command as Process, Stdio};
use std::sync::OnceLock;
use std::time::Duration;
use strikesim::model::random::sha256_hex;
use tempfile::TempDir;

/// Replications of the shared ensemble.
const N: u64 = 5;
const TABLES: [&str; 6] = [
    "summary.csv",
    "replications.csv",
    "weekly.csv",
    "by_specialty.csv",
    "by_trust.csv",
    "by_specialty_all_trusts.csv",
];
const SCHEDULER_VARS: [&str; 4] = [
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "JOB_COMPLETION_INDEX",
];

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_strikesim"))
}

fn strikesim() -> Command {
    let mut cmd = Command::cargo_bin("strikesim").unwrap();
    for v in SCHEDULER_VARS {
        cmd.env_remove(v);
    }
    cmd
}

fn process() -> Process {
    let mut cmd = Process::new(bin());
    for v in SCHEDULER_VARS {
        cmd.env_remove(v);
    }
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

fn tempdir() -> TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

/// The short scenario, the single run of it and its shards 0..3 of 3,
/// made once and shared (read only) by the tests.
struct Shared {
    _dir: TempDir,
    scenario: PathBuf,
    single: PathBuf,
    three_shards: PathBuf,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let dir = tempdir();
        let scenario = dir.path().join("short.toml");
        let text = strikesim::scenario::DEFAULT_SCENARIO
            .replace("\nweeks_after = 26\n", "\nweeks_after = 4\n");
        assert!(text.contains("weeks_after = 4"));
        std::fs::write(&scenario, text).unwrap();
        let single = dir.path().join("single");
        strikesim()
            .arg("run")
            .arg(&scenario)
            .args(["--replications", &N.to_string(), "--out"])
            .arg(&single)
            .assert()
            .success();
        let three_shards = dir.path().join("three");
        run_shards(&scenario, &[], N, 3, &three_shards);
        Shared {
            _dir: dir,
            scenario,
            single,
            three_shards,
        }
    })
}

/// Run shards 0..m of m as parallel processes, one thread each.
fn run_shards(scenario: &Path, extra: &[&str], n: u64, m: u64, out: &Path) {
    let children: Vec<Child> = (0..m)
        .map(|k| {
            process()
                .arg("run")
                .arg(scenario)
                .args(extra)
                .args(["-n", &n.to_string(), "-j", "1", "--out"])
                .arg(out)
                .args(["--shard", &format!("{k}/{m}")])
                .spawn()
                .unwrap()
        })
        .collect();
    wait_all(children);
}

/// Wait for processes running at once; each must succeed.
fn wait_all(children: Vec<Child>) {
    for child in children {
        let done = child.wait_with_output().unwrap();
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
    }
}

fn assert_same_tables(a: &Path, b: &Path) {
    for t in TABLES {
        let (x, y) = (
            std::fs::read(a.join(t)).unwrap(),
            std::fs::read(b.join(t)).unwrap(),
        );
        assert!(
            x == y,
            "{t} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

fn merge(inputs: &[&Path], out: &Path) -> assert_cmd::assert::Assert {
    let mut cmd = strikesim();
    cmd.arg("merge").args(inputs).arg("--out").arg(out);
    cmd.assert()
}

fn merges_to_the_single_run(m: u64) {
    let s = shared();
    let tmp = tempdir();
    let shards = tmp.path().join("shards");
    run_shards(&s.scenario, &[], N, m, &shards);
    let out = tmp.path().join("merged");
    merge(&[&shards], &out)
        .success()
        .stdout(contains(format!("Merged {m} shards")));
    assert_same_tables(&s.single, &out);
    for f in [
        "manifest.json",
        "report.md",
        "report.html",
        "report.xlsx",
        "charts",
    ] {
        assert!(out.join(f).exists(), "merge wrote no {f}");
    }
    // The workbook depends on the run's results alone, not on how it was
    // made (threads, shards, wall time).
    assert!(
        std::fs::read(out.join("report.xlsx")).unwrap()
            == std::fs::read(s.single.join("report.xlsx")).unwrap(),
        "report.xlsx differs between the single run and the merged shards"
    );
    // The tables compared include the catch-up plan's split, made from its
    // run without catch-up in each shard.
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let split = summary
        .lines()
        .find(|l| l.starts_with("consultant-cover-catch-up,catch_up_extra_waiters_end,"))
        .expect("the catch-up plan's split in the merged summary");
    assert!(
        split.contains(",-"),
        "the catch-up takes patients off: {split}"
    );
}

#[test]
fn one_shard_merges_to_the_single_run() {
    merges_to_the_single_run(1);
}

#[test]
fn two_shards_merge_to_the_single_run() {
    merges_to_the_single_run(2);
}

#[test]
fn seven_shards_for_five_replications_merge_to_the_single_run() {
    merges_to_the_single_run(7);
}

#[test]
fn shards_of_the_bundled_scenario_merge_to_its_single_run() {
    let tmp = tempdir();
    let single = tmp.path().join("single");
    strikesim()
        .args(["run", "-n", "2", "--out"])
        .arg(&single)
        .assert()
        .success();
    let shards = tmp.path().join("shards");
    for k in 0..2 {
        strikesim()
            .args(["run", "-n", "2", "--shard", &format!("{k}/2"), "--out"])
            .arg(&shards)
            .assert()
            .success();
    }
    let out = tmp.path().join("merged");
    merge(&[&shards], &out).success();
    assert_same_tables(&single, &out);
}

#[test]
fn a_retried_shard_repeats_itself_on_any_number_of_threads() {
    let s = shared();
    let tmp = tempdir();
    let again = tmp.path().join("again");
    std::fs::create_dir_all(&again).unwrap();
    for k in [0, 2] {
        let name = format!("shard-{k}-of-3.json");
        std::fs::copy(s.three_shards.join(&name), again.join(&name)).unwrap();
    }
    strikesim()
        .arg("run")
        .arg(&s.scenario)
        .args(["-n", &N.to_string(), "-j", "2", "--shard", "1/3", "--out"])
        .arg(&again)
        .assert()
        .success();
    let out = tmp.path().join("merged");
    merge(&[&again], &out).success();
    assert_same_tables(&s.single, &out);
}

/// A fenced block of docs/CLUSTER.md, by its `title="..."`.
fn doc_block(title: &str) -> String {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/CLUSTER.md"))
            .unwrap();
    let fence = format!("title=\"{title}\"");
    let mut lines = doc
        .lines()
        .skip_while(|l| !(l.starts_with("```") && l.contains(&fence)));
    assert!(
        lines.next().is_some(),
        "docs/CLUSTER.md has no block {title}"
    );
    let block: Vec<&str> = lines.take_while(|l| !l.starts_with("```")).collect();
    block.join("\n") + "\n"
}

/// Stand-in for `sbatch`: an array runs every task at once, as separate
/// processes with Slurm's variables set, and prints a job id once all have
/// succeeded; a job with `--dependency=afterok:<that id>` then runs.
const FAKE_SBATCH: &str = r#"#!/bin/bash
set -euo pipefail
array="" dep="" parsable=0
while [[ $1 == --* ]]; do
  case $1 in
    --array=*) array=${1#--array=} ;;
    --dependency=*) dep=${1#--dependency=} ;;
    --parsable) parsable=1 ;;
    *) echo "fake sbatch: unexpected $1" >&2; exit 2 ;;
  esac
  shift
done
script=$1
if [[ -n $array ]]; then
  lo=${array%-*} hi=${array#*-} pids=()
  for ((i = lo; i <= hi; i++)); do
    SLURM_ARRAY_JOB_ID=4242 SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_MIN=$lo SLURM_ARRAY_TASK_MAX=$hi \
      bash "$script" > "logs/task-$i.log" 2>&1 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  [[ $parsable == 1 ]] && echo "4242;cluster"
else
  [[ $dep == afterok:4242 ]] || { echo "fake sbatch: merge without afterok on the array" >&2; exit 3; }
  bash "$script"
fi
"#;

#[test]
fn slurm_array_from_the_docs_matches_the_single_run() {
    let s = shared();
    let tmp = tempdir();
    let work = tmp.path();
    for name in ["shard.sbatch", "merge.sbatch", "submit.sh"] {
        std::fs::write(work.join(name), doc_block(name)).unwrap();
    }
    assert!(doc_block("shard.sbatch").contains("#SBATCH --array=0-6"));
    let fakes = work.join("bin");
    std::fs::create_dir_all(&fakes).unwrap();
    std::fs::write(fakes.join("sbatch"), FAKE_SBATCH).unwrap();
    std::fs::set_permissions(fakes.join("sbatch"), Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}:{}",
        fakes.display(),
        bin().parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let done = Process::new("bash")
        .arg("submit.sh")
        .current_dir(work)
        .env("PATH", path)
        .env("SCENARIO", &s.scenario)
        .env("REPLICATIONS", N.to_string())
        .env("SHARDS", "3")
        .env("SHARD_DIR", work.join("shards"))
        .env("OUT", work.join("results"))
        .env_remove("SLURM_CPUS_PER_TASK")
        .env_remove("JOB_COMPLETION_INDEX")
        .output()
        .unwrap();
    let logs: String = (0..3)
        .map(|i| {
            std::fs::read_to_string(work.join(format!("logs/task-{i}.log"))).unwrap_or_default()
        })
        .collect();
    assert!(
        done.status.success(),
        "{}\n{}\n{logs}",
        String::from_utf8_lossy(&done.stdout),
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(work.join("shards/shard-2-of-3.json").exists());
    assert_same_tables(&s.single, &work.join("results"));
}

/// The shell line of a Kubernetes manifest's `args`.
fn k8s_args(manifest: &str) -> String {
    let m = doc_block(manifest);
    m.lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("- strikesim "))
        .map(|rest| format!("strikesim {rest}"))
        .unwrap_or_else(|| panic!("{manifest} runs no strikesim command"))
}

#[test]
fn kubernetes_indexed_job_from_the_docs_matches_the_single_run() {
    let s = shared();
    assert!(doc_block("strikesim-shards.yaml").contains("completionMode: Indexed"));
    let tmp = tempdir();
    let work = tmp.path();
    let path = format!(
        "{}:{}",
        bin().parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let shell = |line: String, index: Option<u64>| {
        let mut cmd = Process::new("sh");
        cmd.args(["-c", &line])
            .env("PATH", &path)
            .env("SCENARIO", &s.scenario)
            .env("REPLICATIONS", N.to_string())
            .env("SHARDS", "4")
            .env("SHARD_DIR", work.join("data/shards"))
            .env("OUT", work.join("data/results"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for v in SCHEDULER_VARS {
            cmd.env_remove(v);
        }
        if let Some(i) = index {
            cmd.env("JOB_COMPLETION_INDEX", i.to_string());
        }
        cmd
    };
    let pods: Vec<Child> = (0..4)
        .map(|i| {
            shell(k8s_args("strikesim-shards.yaml"), Some(i))
                .spawn()
                .unwrap()
        })
        .collect();
    wait_all(pods);
    let done = shell(k8s_args("strikesim-merge.yaml"), None)
        .output()
        .unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert_same_tables(&s.single, &work.join("data/results"));
}

#[test]
fn a_one_based_slurm_array_needs_shard_base_1() {
    strikesim()
        .args(["run", "-n", "3", "--shard-from-env", "3"])
        .env("SLURM_ARRAY_TASK_ID", "2")
        .env("SLURM_ARRAY_TASK_MIN", "1")
        .env("SLURM_ARRAY_TASK_MAX", "3")
        .assert()
        .failure()
        .stderr(contains("--shard-base 1"));
    strikesim()
        .args(["run", "-n", "3", "--shard-from-env", "3"])
        .assert()
        .failure()
        .stderr(contains("SLURM_ARRAY_TASK_ID"));
}

// ---- refusals -------------------------------------------------------------

/// A directory holding copies of the shared shards `ks` of 3.
fn copies(ks: &[u64]) -> (TempDir, PathBuf) {
    let tmp = tempdir();
    let dir = tmp.path().join("shards");
    std::fs::create_dir_all(&dir).unwrap();
    for k in ks {
        let name = format!("shard-{k}-of-3.json");
        std::fs::copy(shared().three_shards.join(&name), dir.join(&name)).unwrap();
    }
    (tmp, dir)
}

/// Merge `dir`, expect a refusal mentioning each of `words`, and no output.
fn refused(inputs: &[&Path], out_parent: &Path, words: &[&str]) {
    let out = out_parent.join("merged");
    let mut a = merge(inputs, &out).failure();
    for w in words {
        a = a.stderr(contains(*w));
    }
    assert!(
        !out.join("summary.csv").exists(),
        "a refused merge wrote tables"
    );
}

/// Replace shard 1 of the shared set by shard 1 of another ensemble.
fn with_foreign_shard_1(extra: &[&str], n: u64, scenario: &Path, words: &[&str]) {
    let (tmp, dir) = copies(&[0, 2]);
    let other = tmp.path().join("other");
    strikesim()
        .arg("run")
        .arg(scenario)
        .args(extra)
        .args(["-n", &n.to_string(), "--shard", "1/3", "--out"])
        .arg(&other)
        .assert()
        .success();
    std::fs::copy(
        other.join("shard-1-of-3.json"),
        dir.join("shard-1-of-3.json"),
    )
    .unwrap();
    refused(&[&dir], tmp.path(), words);
}

#[test]
fn refuses_shards_of_another_scenario() {
    let tmp = tempdir();
    let edited = tmp.path().join("edited.toml");
    let text = std::fs::read_to_string(&shared().scenario).unwrap() + "\n# edited\n";
    std::fs::write(&edited, text).unwrap();
    with_foreign_shard_1(&[], N, &edited, &["scenario sha256"]);
}

#[test]
fn refuses_shards_of_another_seed() {
    with_foreign_shard_1(
        &["--seed", "99"],
        N,
        &shared().scenario,
        &["seed 20160126", "seed 99"],
    );
}

#[test]
fn refuses_shards_of_another_replication_count() {
    with_foreign_shard_1(
        &[],
        N + 1,
        &shared().scenario,
        &["replications 5", "replications 6"],
    );
}

#[test]
fn refuses_shards_of_another_shard_count() {
    let (tmp, dir) = copies(&[0, 1, 2]);
    let other = tmp.path().join("other");
    strikesim()
        .arg("run")
        .arg(&shared().scenario)
        .args(["-n", &N.to_string(), "--shard", "1/2", "--out"])
        .arg(&other)
        .assert()
        .success();
    refused(&[&dir, &other], tmp.path(), &["number of shards"]);
}

/// A folder holding the RTT-start fixture scenario (`s.toml`) and its RTT
/// file beside it (`rtt.csv`).
fn rtt_scenario() -> (TempDir, PathBuf, PathBuf) {
    let tmp = tempdir();
    let text = std::fs::read_to_string("tests/fixtures/scenarios/rtt-start.toml")
        .unwrap()
        .replace("../rtt/rtt_2016_01_gt52.csv", "rtt.csv");
    let (scenario, csv) = (tmp.path().join("s.toml"), tmp.path().join("rtt.csv"));
    std::fs::write(&scenario, text).unwrap();
    std::fs::copy("tests/fixtures/rtt/rtt_2016_01_gt52.csv", &csv).unwrap();
    (tmp, scenario, csv)
}

/// Change the RTT file's bytes (another provider's name, so it still
/// reads and gives the same list).
fn edit_rtt_file(csv: &Path) {
    let text = std::fs::read_to_string(csv).unwrap();
    assert!(text.contains("LUTON AND DUNSTABLE"));
    std::fs::write(
        csv,
        text.replace("LUTON AND DUNSTABLE", "LUTON & DUNSTABLE"),
    )
    .unwrap();
}

#[test]
fn refuses_a_merge_when_the_rtt_file_changed_since_the_shards_ran() {
    let (tmp, scenario, csv) = rtt_scenario();
    let shards = tmp.path().join("shards");
    run_shards(&scenario, &[], 2, 2, &shards);
    let original = std::fs::read(&csv).unwrap();
    edit_rtt_file(&csv);
    let then = sha256_hex(&original);
    let now = sha256_hex(&std::fs::read(&csv).unwrap());
    refused(
        &[&shards],
        tmp.path(),
        &["rtt.csv", "has changed since the shards ran", &then, &now],
    );
    // the file put back: the merge goes through
    std::fs::write(&csv, original).unwrap();
    merge(&[&shards], &tmp.path().join("merged")).success();
}

#[test]
fn refuses_shards_that_read_different_rtt_files() {
    let (tmp, scenario, csv) = rtt_scenario();
    let shards = tmp.path().join("shards");
    let one = |k: u64| {
        strikesim()
            .arg("run")
            .arg(&scenario)
            .args(["-n", "2", "--shard", &format!("{k}/2"), "--out"])
            .arg(&shards)
            .assert()
            .success();
    };
    one(0);
    edit_rtt_file(&csv);
    one(1);
    refused(
        &[&shards],
        tmp.path(),
        &["do not belong to the same ensemble", "RTT file rtt.csv"],
    );
}

/// Rewrite a shard file's body with `edit`, keeping its header honest, so
/// it is a well-formed shard file whose contents changed.
fn rewrite_body(path: &Path, edit: impl Fn(&str) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    let body = edit(text.lines().nth(1).unwrap());
    let header = format!(
        "{{\"format\":\"strikesim-shard\",\"format_version\":{},\"body_bytes\":{},\"body_sha256\":\"{}\"}}",
        strikesim::ensemble::shard::FORMAT_VERSION,
        body.len(),
        sha256_hex(body.as_bytes())
    );
    std::fs::write(path, format!("{header}\n{body}\n")).unwrap();
}

#[test]
fn the_body_rewrite_helper_keeps_a_shard_valid() {
    let (tmp, dir) = copies(&[0, 1, 2]);
    rewrite_body(&dir.join("shard-1-of-3.json"), str::to_string);
    merge(&[&dir], &tmp.path().join("merged")).success();
}

#[test]
fn refuses_shards_of_another_version() {
    let (tmp, dir) = copies(&[0, 1, 2]);
    let version = format!("\"tool_version\":\"{}\"", env!("CARGO_PKG_VERSION"));
    rewrite_body(&dir.join("shard-1-of-3.json"), |b| {
        assert!(b.contains(&version));
        b.replace(&version, "\"tool_version\":\"0.0.1\"")
    });
    refused(
        &[&dir],
        tmp.path(),
        &["shard-1-of-3.json", "strikesim 0.0.1"],
    );
}

#[test]
fn refuses_a_missing_shard() {
    let (tmp, dir) = copies(&[0, 2]);
    refused(&[&dir], tmp.path(), &["1 of 3 shards missing", "shard 1"]);
}

#[test]
fn refuses_a_duplicated_shard() {
    let (tmp, dir) = copies(&[0, 1, 2]);
    let (_tmp2, again) = copies(&[1]);
    refused(&[&dir, &again], tmp.path(), &["shard 1 of 3 given twice"]);
}

#[test]
fn refuses_a_damaged_shard_file() {
    let (tmp, dir) = copies(&[0, 1, 2]);
    let path = dir.join("shard-1-of-3.json");
    let mut bytes = std::fs::read(&path).unwrap();
    let i = bytes.len() - 40;
    bytes[i] = if bytes[i] == b'1' { b'2' } else { b'1' };
    std::fs::write(&path, bytes).unwrap();
    refused(
        &[&dir],
        tmp.path(),
        &["shard-1-of-3.json", "damaged", "SHA-256"],
    );
}

#[test]
fn refuses_a_truncated_shard_file() {
    let (tmp, dir) = copies(&[0, 1, 2]);
    let path = dir.join("shard-2-of-3.json");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    refused(
        &[&dir],
        tmp.path(),
        &["shard-2-of-3.json", "damaged", "truncated"],
    );
}

#[test]
fn refuses_a_file_that_is_not_a_shard() {
    let (tmp, dir) = copies(&[0, 1, 2]);
    let summary = shared().single.join("summary.csv");
    refused(
        &[&dir, &summary],
        tmp.path(),
        &["summary.csv", "not a strikesim shard file"],
    );
    std::fs::write(dir.join("shard-1-of-3.json"), "{\"hello\": 1}\n").unwrap();
    refused(&[&dir], tmp.path(), &["not a strikesim shard file"]);
    refused(&[&shared().single], tmp.path(), &["no shard files"]);
}

#[test]
fn refuses_a_renamed_shard() {
    let (tmp, dir) = copies(&[0, 2]);
    std::fs::copy(dir.join("shard-2-of-3.json"), dir.join("shard-1-of-3.json")).unwrap();
    refused(
        &[&dir],
        tmp.path(),
        &["named for shard 1/3 but holds shard 2/3"],
    );
}

#[test]
fn refuses_a_shard_with_only_a_temporary_file() {
    let (tmp, dir) = copies(&[0, 2]);
    let bytes = std::fs::read(shared().three_shards.join("shard-1-of-3.json")).unwrap();
    std::fs::write(
        dir.join(".shard-1-of-3.json.tmp-12345"),
        &bytes[..bytes.len() / 3],
    )
    .unwrap();
    refused(
        &[&dir],
        tmp.path(),
        &[
            "shard 1 (only the temporary file",
            ".shard-1-of-3.json.tmp-12345",
            "interrupted",
        ],
    );
}

/// A shard killed half-way writes nothing that looks complete, and the
/// array's merge reports it missing. (The killed shard runs many
/// replications so that it is surely still simulating when killed; having
/// written nothing, it is shard 1 of the shared set for the merge.)
#[test]
fn a_shard_killed_half_way_is_never_merged() {
    let (tmp, dir) = copies(&[0, 2]);
    let mut child = process()
        .arg("run")
        .arg(&shared().scenario)
        .args(["-n", "3000", "-j", "1", "--shard", "1/3", "--out"])
        .arg(&dir)
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the shard finished before it was killed"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!dir.join("shard-1-of-3.json").exists());
    refused(&[&dir], tmp.path(), &["1 of 3 shards missing", "shard 1"]);
}

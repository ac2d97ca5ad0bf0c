//! The staging folder and lock in-process: what a drop, a panic and a
//! commit leave, the shards folder carried over, an old folder put back,
//! and a second writer refused.

use super::*;

fn scratch() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let target = tmp.path().join("run");
    (tmp, target)
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

#[test]
fn a_dropped_staging_folder_is_removed_and_the_target_untouched() {
    let (tmp, target) = scratch();
    write(&target.join("manifest.json"), "old");
    let staged = Staged::begin(&target, FolderKind::Run).unwrap();
    write(&staged.dir().join("manifest.json"), "new");
    drop(staged);
    assert_eq!(names(tmp.path()), [".run.lock", "run"]);
    assert_eq!(
        std::fs::read_to_string(target.join("manifest.json")).unwrap(),
        "old"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join(".run.lock")).unwrap(),
        ""
    );
}

#[test]
fn a_panic_while_writing_removes_the_staging_folder() {
    let (tmp, target) = scratch();
    let result = std::panic::catch_unwind(|| {
        let staged = Staged::begin(&target, FolderKind::Run).unwrap();
        write(&staged.dir().join("summary.csv"), "half");
        panic!("drawing failed");
    });
    assert!(result.is_err());
    assert_eq!(names(tmp.path()), [".run.lock"], "no folder, no staging");
}

#[test]
fn a_commit_replaces_the_folder_and_keeps_its_shards() {
    let (tmp, target) = scratch();
    write(&target.join("manifest.json"), "old");
    write(&target.join("charts/gone.png"), "old chart");
    write(&target.join("shards/shard-0-of-1.json"), "shard");
    write(&target.join(".weekly.csv.tmp-999999"), "debris");
    let staged = Staged::begin(&target, FolderKind::Run).unwrap();
    assert!(
        !target.join(".weekly.csv.tmp-999999").exists(),
        "debris cleared"
    );
    write(&staged.dir().join("manifest.json"), "new");
    staged.commit().unwrap();
    assert_eq!(names(tmp.path()), [".run.lock", "run"]);
    assert_eq!(names(&target), ["manifest.json", "shards"]);
    assert_eq!(
        std::fs::read_to_string(target.join("manifest.json")).unwrap(),
        "new"
    );
}

#[test]
fn an_old_folder_left_between_the_renames_is_put_back() {
    let (tmp, target) = scratch();
    write(&tmp.path().join(".run.old-999999/manifest.json"), "old");
    write(
        &tmp.path().join(".run.staging-999998/manifest.json"),
        "half",
    );
    let staged = Staged::begin(&target, FolderKind::Run).unwrap();
    assert_eq!(
        std::fs::read_to_string(target.join("manifest.json")).unwrap(),
        "old"
    );
    drop(staged);
    assert_eq!(names(tmp.path()), [".run.lock", "run"]);
}

#[test]
fn a_second_writer_is_refused_naming_the_first() {
    let (_tmp, target) = scratch();
    let first = Staged::begin(&target, FolderKind::Run).unwrap();
    let err = Staged::begin(&target, FolderKind::Run).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("process {}", std::process::id())),
        "{msg}"
    );
    drop(first);
    Staged::begin(&target, FolderKind::Run).unwrap();
}

#[test]
fn a_folder_of_other_files_is_refused_and_an_empty_one_taken() {
    let (tmp, target) = scratch();
    write(&target.join("notes.txt"), "mine");
    let msg = Staged::begin(&target, FolderKind::Compare)
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("notes.txt") && msg.contains("compare.md"),
        "{msg}"
    );
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    Staged::begin(&empty, FolderKind::Series).unwrap();
}

#[test]
fn temporary_names() {
    assert!(is_temporary(".weekly.csv.tmp-123"));
    assert!(is_temporary(".strikesim-write-test-5"));
    assert!(!is_temporary("weekly.csv.tmp-123"));
    assert!(!is_temporary(".weekly.csv.tmp-12x"));
}

//! A scenario can start a trust's waiting list from NHS England's RTT Full
//! CSV file: the provider's Part_2 rows by treatment function and weekly
//! band become patients with clock starts inside their bands.

use assert_cmd::Command;
use std::path::Path;
use strikesim::ensemble::simulate_replication;
use strikesim::model::InitialList;
use strikesim::scenario::Scenario;

const SCENARIO: &str = "tests/fixtures/scenarios/rtt-start.toml";

#[test]
fn the_list_starts_with_the_files_patients_in_their_bands() {
    let scenario = Scenario::from_file(Path::new(SCENARIO)).expect("valid");
    let world = scenario.world();
    let [t_o, ent] = &world.trusts[0].specialties[..] else {
        panic!("two specialties");
    };
    // Expected sums of the fixture (see tests/fixtures/rtt/README.md); the
    // C_999 rows and the X01 function are not added.
    assert_eq!(t_o.initial_list.total(), 28);
    assert_eq!(ent.initial_list.total(), 13);
    let InitialList::Bands(bands) = &t_o.initial_list else {
        panic!("bands expected");
    };
    assert!(bands.contains(&(18 * 7, 19 * 7, 2)), "{bands:?}");
    assert!(
        bands.contains(&(52 * 7, 52 * 7 + 26 * 7, 4)),
        "open band: {bands:?}"
    );

    let outcome = &simulate_replication(&world, 1, 0)[0];
    let start = outcome.daily[0];
    assert_eq!(start.waiting, 41);
    // Within 18 weeks: 6 + 7 + 3 (110) and 4 + 3 + 6 (120).
    assert_eq!(start.within_18w, 29);
    // Over 52 weeks: the open band.
    assert_eq!(start.over_52w, 4);
}

#[test]
fn an_org_code_not_in_the_file_is_refused_with_its_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(SCENARIO)
        .expect("read")
        .replace("provider = \"RWG\"", "provider = \"ZZZ\"")
        .replace(
            "../rtt/",
            &format!("{}/tests/fixtures/rtt/", env!("CARGO_MANIFEST_DIR")),
        );
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, text).expect("write");
    let out = Command::cargo_bin("strikesim")
        .expect("binary")
        .arg("validate")
        .arg(&file)
        .output()
        .expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("trusts[0].initial_list_from"), "{err}");
    assert!(err.contains("ZZZ"), "{err}");
    assert!(err.contains("RWG"), "lists codes that are there: {err}");
}

#[test]
fn a_file_in_another_format_is_refused() {
    let text = std::fs::read_to_string(SCENARIO)
        .expect("read")
        .replace("rtt_2016_01_gt52.csv", "not_rtt_beds.csv");
    let err = Scenario::from_toml(&text, SCENARIO).expect_err("not an RTT file");
    assert_eq!(err.field.as_deref(), Some("trusts[0].initial_list_from"));
    assert!(err.to_string().contains("not_rtt_beds.csv"), "{err}");
}

#[test]
fn a_specialty_missing_from_the_file_is_refused() {
    let text = std::fs::read_to_string(SCENARIO)
        .expect("read")
        .replace("code = \"120\"", "code = \"502\"");
    let err = Scenario::from_toml(&text, SCENARIO).expect_err("502 is not in the file");
    assert_eq!(err.field.as_deref(), Some("trusts[0].specialties[1].code"));
    assert!(err.message.contains("110, 120, X01"), "{err}");
}

/// The scenario and its RTT file copied into a fresh folder, the file
/// named `rtt.csv` next to the scenario; `edit` changes the file's text.
fn copied(edit: impl Fn(&str) -> String) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(SCENARIO)
        .expect("read")
        .replace("../rtt/rtt_2016_01_gt52.csv", "rtt.csv");
    let csv = std::fs::read_to_string("tests/fixtures/rtt/rtt_2016_01_gt52.csv").expect("read");
    std::fs::write(dir.path().join("rtt.csv"), edit(&csv)).expect("write");
    let file = dir.path().join("s.toml");
    std::fs::write(&file, text).expect("write");
    (dir, file)
}

#[test]
fn the_scenario_hash_covers_the_rtt_file() {
    let (_a, same_a) = copied(str::to_string);
    let (_b, same_b) = copied(str::to_string);
    // Another provider's name changed: RWG's list is the same, but the
    // bytes are not, and neither is the identity.
    let (_c, other) = copied(|csv| {
        assert!(csv.contains("LUTON AND DUNSTABLE"));
        csv.replace("LUTON AND DUNSTABLE", "LUTON & DUNSTABLE")
    });
    let load = |p: &Path| Scenario::from_file(p).expect("valid");
    let (a, b, c) = (load(&same_a), load(&same_b), load(&other));

    // same text, same CSV bytes: same hash, in any folder
    assert_eq!(a.sha256(), b.sha256());
    assert_eq!(a.sha256(), load(&same_a).sha256());
    // same text, different CSV: different hash
    assert_eq!(a.text_sha256(), c.text_sha256());
    assert_ne!(a.sha256(), c.sha256());
    // the file is listed as written, with the hash of its bytes
    let bytes = std::fs::read(same_a.with_file_name("rtt.csv")).expect("read");
    assert_eq!(a.inputs().len(), 1);
    assert_eq!(a.inputs()[0].file, "rtt.csv");
    assert_eq!(
        a.inputs()[0].sha256,
        strikesim::model::random::sha256_hex(&bytes)
    );
    assert_ne!(a.sha256(), a.text_sha256());
}

#[test]
fn the_manifest_lists_the_rtt_file_and_its_hash() {
    let (dir, file) = copied(str::to_string);
    let out = dir.path().join("out");
    Command::cargo_bin("strikesim")
        .expect("binary")
        .arg("run")
        .arg(&file)
        .args(["-n", "1", "--out"])
        .arg(&out)
        .assert()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest"))
            .expect("json");
    let scenario = Scenario::from_file(&file).expect("valid");
    assert_eq!(manifest["scenario"]["sha256"], scenario.sha256());
    assert_eq!(manifest["scenario"]["inputs"][0]["file"], "rtt.csv");
    assert_eq!(
        manifest["scenario"]["inputs"][0]["sha256"],
        scenario.inputs()[0].sha256.as_str()
    );
}

#[test]
fn a_scenario_without_an_rtt_file_keeps_the_hash_of_its_text() {
    let s = Scenario::bundled_default();
    assert!(s.inputs().is_empty());
    assert_eq!(
        s.sha256(),
        strikesim::model::random::sha256_hex(strikesim::scenario::DEFAULT_SCENARIO.as_bytes())
    );
}

#[test]
fn text_from_the_workbench_reads_rtt_files_by_plain_name_from_its_folder_only() {
    let (dir, file) = copied(|csv| csv.to_string());
    let text = std::fs::read_to_string(&file).expect("read");
    // A plain name of a file in the folder reads, as beside a file.
    let confined = Scenario::from_toml_confined(&text, "s.toml", dir.path()).expect("reads");
    let beside = Scenario::from_file(&file).expect("reads");
    assert_eq!(confined.sha256(), beside.sha256());
    // A folder, a way out of it or an absolute path is refused, naming the
    // field, and nothing outside the folder is read.
    for path in [
        "../rtt/rtt_2016_01_gt52.csv",
        "/etc/passwd",
        "sub/rtt.csv",
        ".hidden.csv",
    ] {
        let escaped = text.replace("\"rtt.csv\"", &format!("\"{path}\""));
        let err = Scenario::from_toml_confined(&escaped, "s.toml", dir.path()).expect_err(path);
        assert_eq!(
            err.field.as_deref(),
            Some("trusts[0].initial_list_from.file"),
            "{path}"
        );
        assert!(err.message.contains("plain file name"), "{path}: {err}");
    }
    // A plain name that was never uploaded says so.
    let missing = text.replace("\"rtt.csv\"", "\"other.csv\"");
    let err = Scenario::from_toml_confined(&missing, "s.toml", dir.path()).expect_err("missing");
    assert!(
        err.message
            .contains("no file \"other.csv\" has been uploaded"),
        "{err}"
    );
}

//! The data folder of `strikesim serve` (`--data`, default `output/`):
//! run folders, each an ordinary run directory as `strikesim run --out`
//! writes it, beside a hidden `.web/` that holds what only the server
//! needs: saved scenarios (`.web/scenarios/ID/scenario.toml` and the RTT
//! CSVs uploaded for it), each web run's record and frozen input
//! (`.web/runs/ID/`), and comparisons (`.web/compare/ID/`).
//!
//! Every id is made here, never taken from a request as a path: a request
//! names an id, which must be of the safe form and then name an entry that
//! exists. Nothing here runs a simulation.

use super::WebError;
use crate::scenario::bundled::{self, Bundled};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The file name of a saved scenario inside its folder.
pub const SCENARIO_FILE: &str = "scenario.toml";
/// The prefix of a bundled scenario's id (`b:default`).
pub const BUNDLED_PREFIX: &str = "b:";
/// The most bytes of scenario text accepted (the England files are 1.2 MB).
pub const MAX_SCENARIO_BYTES: usize = 4 << 20;
/// The most bytes of an uploaded RTT CSV (a national month is about 9 MB).
pub const MAX_CSV_BYTES: usize = 32 << 20;

/// The data folder and its hidden `.web/` part.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// Whether `id` is of the form the server makes: letters, digits, `-`,
/// `_` and `.`, starting with a letter or digit, no `..`, at most 120
/// characters. What passes can be joined to a folder without leaving it.
pub fn is_safe_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 120
        && id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !id.contains("..")
}

/// A new id: `PREFIX-YYYYMMDD-HHMMSS-xxxx` (UTC, four random hex digits).
pub fn new_id(prefix: &str) -> String {
    let stamp = stamp(SystemTime::now())
        .replace([':', ' '], "")
        .replace('-', "");
    let (date, time) = stamp.split_at(8.min(stamp.len()));
    format!("{prefix}-{date}-{time}-{:04x}", rand::random::<u16>())
}

/// A new id of `prefix` and its folder under `parent`, made now: an id
/// already taken there (two requests in the same second can draw the
/// same four hex digits) is drawn again, never shared.
pub fn claim(parent: &Path, prefix: &str) -> std::io::Result<(String, PathBuf)> {
    loop {
        let id = new_id(prefix);
        let path = parent.join(&id);
        match fs::create_dir(&path) {
            Ok(()) => return Ok((id, path)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS` (UTC) of a time.
pub fn stamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(0), 0)
        .map_or_else(String::new, |d| d.format("%Y-%m-%d %H:%M:%S").to_string())
}

/// A scenario the server can open: bundled in the binary or saved.
#[derive(Debug, Clone)]
pub enum ScenarioRef {
    Bundled(&'static Bundled),
    Saved(String),
}

/// What the home page lists of a scenario.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ScenarioInfo {
    pub id: String,
    pub kind: &'static str,
    pub name: String,
    pub title: String,
    /// The bundled file's name, or the saved file's original name.
    pub file: String,
    pub bytes: u64,
    pub updated: Option<String>,
    /// RTT CSVs uploaded beside a saved scenario.
    pub files: Vec<String>,
}

/// The `name` and `title` of a scenario's text, read leniently (the text
/// may not be valid yet).
pub fn name_and_title(text: &str) -> (String, String) {
    let head = |key: &str| {
        text.lines()
            .take_while(|l| !l.trim_start().starts_with('['))
            .find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
            })
            .unwrap_or_default()
    };
    (head("name"), head("title"))
}

impl Store {
    /// The store over `root`, making `.web/` and its folders.
    pub fn open(root: &Path) -> Result<Store, WebError> {
        let store = Store {
            root: root.to_path_buf(),
        };
        let dirs = [
            store.scenarios_dir(),
            store.runs_dir(),
            store.compare_dir(),
            store.no_files_dir(),
        ];
        for dir in dirs {
            fs::create_dir_all(&dir)
                .map_err(|e| WebError::Internal(format!("cannot make {}: {e}", dir.display())))?;
        }
        Ok(store)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn web_dir(&self) -> PathBuf {
        self.root.join(".web")
    }

    pub fn scenarios_dir(&self) -> PathBuf {
        self.web_dir().join("scenarios")
    }

    pub fn runs_dir(&self) -> PathBuf {
        self.web_dir().join("runs")
    }

    pub fn compare_dir(&self) -> PathBuf {
        self.web_dir().join("compare")
    }

    /// An empty folder: where a bundled or unsaved scenario's RTT files
    /// are looked for (it has none).
    pub fn no_files_dir(&self) -> PathBuf {
        self.web_dir().join("no-files")
    }

    /// The folder of entry `id` under `parent`, if the id is safe and the
    /// folder exists (not a link).
    pub fn entry(parent: &Path, id: &str) -> Option<PathBuf> {
        if !is_safe_id(id) {
            return None;
        }
        let path = parent.join(id);
        let meta = fs::symlink_metadata(&path).ok()?;
        meta.is_dir().then_some(path)
    }

    /// A scenario by id: `b:STEM` for a bundled one, or a saved one's id.
    pub fn scenario(&self, id: &str) -> Result<ScenarioRef, WebError> {
        if let Some(stem) = id.strip_prefix(BUNDLED_PREFIX) {
            return bundled::find(stem)
                .filter(|b| b.stem() == stem)
                .map(ScenarioRef::Bundled)
                .ok_or_else(|| WebError::NotFound(format!("no bundled scenario \"{stem}\"")));
        }
        Store::entry(&self.scenarios_dir(), id)
            .filter(|d| d.join(SCENARIO_FILE).is_file())
            .map(|_| ScenarioRef::Saved(id.to_string()))
            .ok_or_else(|| WebError::NotFound(format!("no saved scenario \"{id}\"")))
    }

    /// The text of a scenario.
    pub fn scenario_text(&self, s: &ScenarioRef) -> Result<String, WebError> {
        match s {
            ScenarioRef::Bundled(b) => Ok(b.text.to_string()),
            ScenarioRef::Saved(id) => {
                let path = self.saved_file(id);
                fs::read_to_string(&path)
                    .map_err(|e| WebError::Internal(format!("cannot read {}: {e}", path.display())))
            }
        }
    }

    /// The scenario file of a saved scenario (its folder holds its CSVs).
    pub fn saved_file(&self, id: &str) -> PathBuf {
        self.scenarios_dir().join(id).join(SCENARIO_FILE)
    }

    /// The CSV files beside a saved scenario, by name.
    pub fn saved_csvs(&self, id: &str) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.scenarios_dir().join(id))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".csv") && is_safe_id(n))
            .collect();
        names.sort();
        names
    }

    /// Every bundled scenario, the default first.
    pub fn bundled(&self) -> Vec<ScenarioInfo> {
        bundled::BUNDLED
            .iter()
            .map(|b| {
                let (name, title) = name_and_title(b.text);
                ScenarioInfo {
                    id: format!("{BUNDLED_PREFIX}{}", b.stem()),
                    kind: "bundled",
                    name,
                    title,
                    file: b.file.to_string(),
                    bytes: b.text.len() as u64,
                    updated: None,
                    files: Vec::new(),
                }
            })
            .collect()
    }

    /// Every saved scenario, the most recently changed first.
    pub fn saved(&self) -> Vec<ScenarioInfo> {
        let mut found: Vec<(SystemTime, ScenarioInfo)> = fs::read_dir(self.scenarios_dir())
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let id = e.file_name().into_string().ok()?;
                let path = Store::entry(&self.scenarios_dir(), &id)?.join(SCENARIO_FILE);
                let meta = fs::metadata(&path).ok()?;
                let text = fs::read_to_string(&path).ok()?;
                let (name, title) = name_and_title(&text);
                let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                let file = fs::read_to_string(path.with_file_name("original-name"))
                    .unwrap_or_else(|_| format!("{name}.toml"));
                let info = ScenarioInfo {
                    files: self.saved_csvs(&id),
                    id,
                    kind: "saved",
                    name,
                    title,
                    file,
                    bytes: meta.len(),
                    updated: Some(stamp(modified)),
                };
                Some((modified, info))
            })
            .collect();
        found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
        found.into_iter().map(|(_, i)| i).collect()
    }

    /// Save `text` as a new scenario (it need not be valid yet); `original`
    /// is the uploaded file's name, kept for the download's name.
    pub fn save_new(&self, text: &str, original: Option<&str>) -> Result<String, WebError> {
        check_text_size(text)?;
        let io = |e: std::io::Error| WebError::Internal(format!("cannot save the scenario: {e}"));
        let (id, dir) = claim(&self.scenarios_dir(), "s").map_err(io)?;
        write_atomic(&dir.join(SCENARIO_FILE), text.as_bytes()).map_err(io)?;
        if let Some(name) = original.map(clean_file_name).filter(|n| !n.is_empty()) {
            fs::write(dir.join("original-name"), name).map_err(io)?;
        }
        Ok(id)
    }

    /// Overwrite a saved scenario's text.
    pub fn save(&self, id: &str, text: &str) -> Result<(), WebError> {
        check_text_size(text)?;
        match self.scenario(id)? {
            ScenarioRef::Bundled(_) => Err(WebError::Conflict(
                "bundled scenarios are read-only: save a copy (POST /api/scenarios)".into(),
            )),
            ScenarioRef::Saved(id) => write_atomic(&self.saved_file(&id), text.as_bytes())
                .map_err(|e| WebError::Internal(format!("cannot save the scenario: {e}"))),
        }
    }

    /// Keep an uploaded CSV beside a saved scenario under `name`.
    pub fn add_csv(&self, id: &str, name: &str, bytes: &[u8]) -> Result<(), WebError> {
        let ok = is_safe_id(name) && name.ends_with(".csv") && name.len() > 4;
        if !ok {
            return Err(WebError::BadRequest(format!(
                "name: \"{}\" is not allowed; allowed: letters, digits, '-', '_' and '.', ending in .csv (e.g. rtt-2015-12.csv)",
                crate::scenario::clip(name)
            )));
        }
        if bytes.len() > MAX_CSV_BYTES {
            return Err(too_large("the CSV file", bytes.len(), MAX_CSV_BYTES));
        }
        match self.scenario(id)? {
            ScenarioRef::Bundled(_) => Err(WebError::Conflict(
                "bundled scenarios are read-only: save a copy first, then upload its CSV".into(),
            )),
            ScenarioRef::Saved(id) => {
                let path = self.scenarios_dir().join(id).join(name);
                write_atomic(&path, bytes)
                    .map_err(|e| WebError::Internal(format!("cannot save {name}: {e}")))
            }
        }
    }
}

/// A file name with anything but safe characters taken out.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    base.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(100)
        .collect::<String>()
        .trim_start_matches('.')
        .to_string()
}

/// Refuse scenario text over [`MAX_SCENARIO_BYTES`].
pub fn check_text_size(text: &str) -> Result<(), WebError> {
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(too_large(
            "the scenario text",
            text.len(),
            MAX_SCENARIO_BYTES,
        ));
    }
    Ok(())
}

/// The 413 of a body or file over its limit.
pub fn too_large(what: &str, found: usize, limit: usize) -> WebError {
    WebError::TooLarge(format!(
        "{what} is {:.1} MiB; allowed: at most {} MiB",
        found as f64 / f64::from(1 << 20),
        limit >> 20
    ))
}

/// Write a file through a temporary beside it, so a reader never sees half.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    fs::write(&tmp, bytes)?;
    fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_ids_are_safe() {
        for good in ["s-20261201-101500-ab12", "west-herts-2016-01-26", "a.csv"] {
            assert!(is_safe_id(good), "{good}");
        }
        for bad in [
            "", "..", "../etc", "a/b", ".web", "a..b", "a\\b", "%2e%2e", "a b", "/abs",
        ] {
            assert!(!is_safe_id(bad), "{bad}");
        }
        assert!(!is_safe_id(&"a".repeat(121)));
        assert!(is_safe_id(&new_id("r")));
    }

    #[test]
    fn names_are_read_from_text_that_is_not_valid() {
        let (name, title) = name_and_title("name = \"x\"\ntitle = \"A walkout\"\nnonsense\n");
        assert_eq!((name.as_str(), title.as_str()), ("x", "A walkout"));
        assert_eq!(clean_file_name("../../evil name.toml"), "evilname.toml");
    }
}

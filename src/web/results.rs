//! What the workbench shows of a run and of a comparison: the run's
//! record and progress, and once done its headline table (the report's),
//! its charts and its files; the runs the CLI wrote into the data folder;
//! and a scenario's problems placed at their lines.
//!
//! A file is served only when the run's manifest lists it (or it is the
//! manifest, or a web run's frozen scenario): a request names a file, and
//! the name is looked up, never joined blindly onto a path.

use super::jobs::{Job, Jobs, ProgressInfo, RunRecord, Status};
use super::store::{self, Store};
use super::WebError;
use crate::output::charts::captioned_charts;
use crate::output::files::MANIFEST;
use crate::output::manifest::Manifest;
use crate::output::report::headline_table;
use crate::output::run_data::RunData;
use crate::scenario::ScenarioError;
use serde::Serialize;
use std::fs;
use std::path::{Path, PathBuf};

/// One problem of a scenario, at its place in the text.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Finding {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

/// Each problem of a scenario error, at most the number a message lists.
pub fn findings(e: &ScenarioError) -> Vec<Finding> {
    e.each()
        .take(crate::scenario::MAX_ERRORS_SHOWN)
        .map(|one| Finding {
            line: one.position.map(|p| p.0),
            column: one.position.map(|p| p.1),
            field: one
                .field
                .as_deref()
                .map(|f| crate::scenario::echo::clip_words(f).into_owned()),
            message: crate::scenario::echo::clip_words(&one.message).into_owned(),
        })
        .collect()
}

/// A table for the page: a header and rows of text.
#[derive(Debug, Clone, Serialize)]
pub struct TableJson {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A chart: its name, its caption and the address of its SVG.
#[derive(Debug, Clone, Serialize)]
pub struct ChartLink {
    pub name: String,
    pub title: String,
    pub svg: String,
}

/// A file of a run or comparison, and its address.
#[derive(Debug, Clone, Serialize)]
pub struct FileLink {
    pub name: String,
    pub bytes: u64,
    pub url: String,
}

/// What a finished run shows: its table, charts and files.
#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub headline: TableJson,
    pub charts: Vec<ChartLink>,
    pub files: Vec<FileLink>,
    pub report: Option<String>,
    /// The scenario's identity: runs compare only within one world.
    pub world: String,
}

/// A run as the page sees it.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    #[serde(flatten)]
    pub record: RunRecord,
    pub origin: &'static str,
    pub queue_position: Option<usize>,
    pub progress: ProgressInfo,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub results: Option<Results>,
}

/// A run of the web's or a run folder of the CLI's.
pub enum AnyRun {
    Web(std::sync::Arc<Job>),
    Cli(PathBuf),
}

/// A run by id: a web run, or a run folder (one holding a manifest) in
/// the data folder.
pub fn find_run(jobs: &Jobs, store: &Store, id: &str) -> Result<AnyRun, WebError> {
    if let Some(job) = jobs.get(id) {
        return Ok(AnyRun::Web(job));
    }
    Store::entry(store.root(), id)
        .filter(|d| d.join(MANIFEST).is_file())
        .map(AnyRun::Cli)
        .ok_or_else(|| WebError::NotFound(format!("no run \"{}\"", crate::scenario::clip(id))))
}

/// The run folder of a finished run, for reading or comparing.
pub fn finished_dir(jobs: &Jobs, run: &AnyRun) -> Result<PathBuf, WebError> {
    match run {
        AnyRun::Cli(dir) => Ok(dir.clone()),
        AnyRun::Web(job) => {
            let r = job.record();
            if r.status == Status::Done {
                Ok(jobs.out_dir(&r.id))
            } else {
                Err(WebError::Conflict(format!(
                    "run {} is {}: only finished runs have results",
                    r.id,
                    status_word(r.status)
                )))
            }
        }
    }
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Queued => "queued",
        Status::Running => "running",
        Status::Done => "done",
        Status::Failed => "failed",
        Status::Cancelled => "cancelled",
    }
}

/// The record the page shows of a run folder the CLI wrote.
pub fn cli_record(dir: &Path) -> Option<RunRecord> {
    let id = dir.file_name()?.to_str()?.to_string();
    let modified = fs::metadata(dir.join(MANIFEST)).ok()?.modified().ok()?;
    let m = read_manifest(dir)?;
    Some(RunRecord {
        id,
        scenario: None,
        name: m.scenario.name,
        title: m.scenario.title,
        replications: Some(m.replications),
        seed: Some(m.seed),
        precision: None,
        created: store::stamp(modified),
        finished: Some(store::stamp(modified)),
        status: Status::Done,
        error: None,
    })
}

/// A run folder's manifest, if it holds one a run wrote (another tool's
/// `manifest.json` does not read as one).
fn read_manifest(dir: &Path) -> Option<Manifest> {
    serde_json::from_str(&fs::read_to_string(dir.join(MANIFEST)).ok()?).ok()
}

/// Run folders in the data folder that no web run made, newest first.
pub fn cli_runs(jobs: &Jobs, store: &Store) -> Vec<RunRecord> {
    let mut found: Vec<RunRecord> = fs::read_dir(store.root())
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let id = e.file_name().into_string().ok()?;
            if jobs.get(&id).is_some() {
                return None;
            }
            let dir = Store::entry(store.root(), &id)?;
            cli_record(&dir)
        })
        .collect();
    found.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
    found
}

/// The headline table, charts and files of a finished run folder; `base`
/// is the address its files are served under, `scenario` a web run's
/// frozen scenario file.
pub fn results(dir: &Path, base: &str, scenario: Option<&Path>) -> Result<Results, WebError> {
    let data = RunData::load(dir).map_err(|e| WebError::Internal(e.to_string()))?;
    let table = headline_table(&data);
    let listed: Vec<&str> = data
        .manifest
        .files
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    let charts = captioned_charts()
        .filter(|(name, _)| listed.contains(&format!("charts/{name}.svg").as_str()))
        .map(|(name, caption)| ChartLink {
            name: name.to_string(),
            title: caption.to_string(),
            svg: format!("{base}/charts/{name}.svg"),
        })
        .collect();
    let mut files: Vec<FileLink> = data
        .manifest
        .files
        .iter()
        .map(|f| FileLink {
            name: f.path.clone(),
            bytes: f.bytes,
            url: format!("{base}/{}", f.path),
        })
        .collect();
    files.sort_by_key(|f| (file_rank(&f.name), f.name.clone()));
    for (name, path) in [
        (MANIFEST, Some(dir.join(MANIFEST))),
        ("scenario.toml", scenario.map(Path::to_path_buf)),
    ] {
        if let Some(bytes) = path.and_then(|p| fs::metadata(p).ok()).map(|m| m.len()) {
            files.push(FileLink {
                name: name.to_string(),
                bytes,
                url: format!("{base}/{name}"),
            });
        }
    }
    let report = listed
        .contains(&"report.html")
        .then(|| format!("{base}/report.html"));
    Ok(Results {
        headline: TableJson {
            header: table.header,
            rows: table.rows,
        },
        charts,
        files,
        report,
        world: data.manifest.scenario.sha256.clone(),
    })
}

/// Tables first, then the report and workbook, then the charts.
fn file_rank(name: &str) -> u8 {
    if name.starts_with("charts/") {
        3
    } else if name.ends_with(".csv") {
        0
    } else if name.starts_with("report") {
        1
    } else {
        2
    }
}

/// The bytes of file `name` of a run folder, if the manifest lists it (or
/// it is the manifest); `scenario` is a web run's frozen scenario.
pub fn run_file(dir: &Path, name: &str, scenario: Option<&Path>) -> Option<Vec<u8>> {
    if name == MANIFEST {
        return fs::read(dir.join(MANIFEST)).ok();
    }
    if name == "scenario.toml" {
        return scenario.and_then(|p| fs::read(p).ok());
    }
    let listed = read_manifest(dir)?.files.iter().any(|f| f.path == name);
    listed.then(|| fs::read(dir.join(name)).ok()).flatten()
}

/// Every file under a comparison's folder, by its relative path.
pub fn folder_files(dir: &Path) -> Vec<(String, u64)> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, u64)>) {
        for e in fs::read_dir(dir).into_iter().flatten().flatten() {
            let Ok(name) = e.file_name().into_string() else {
                continue;
            };
            let Ok(meta) = fs::symlink_metadata(e.path()) else {
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let rel = format!("{prefix}{name}");
            if meta.is_dir() {
                walk(&e.path(), &format!("{rel}/"), out);
            } else if meta.is_file() {
                out.push((rel, meta.len()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort_by_key(|(n, _)| (file_rank(n), n.clone()));
    out
}

/// The content type of a file, by its extension.
pub fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "html" => "text/html; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "json" => "application/json",
        "toml" => "application/toml; charset=utf-8",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

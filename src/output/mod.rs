//! Output side: tables (CSV, JSON), charts and the board report.
//!
//! Everything here reads results and writes files; nothing here samples a
//! random number or runs the model. The shape is hyperfine's: a run's
//! results are one [`RunData`] (typed rows, the same whether built from an
//! ensemble or read back from a run directory); each output format is an
//! [`Exporter`] that turns it into files as bytes; [`write_files`] is the
//! one place files are written, each atomically (to a temporary file in the
//! same directory, then renamed into place), so an interrupted run never
//! leaves a half-written file that looks whole.
//!
//! [`write_run`] writes everything of a run into a staging folder (what
//! `strikesim run` and `merge` do), `manifest.json` last with the list of
//! the run's files ([`files`]); [`folder`] locks an output folder and moves
//! a finished staging folder into place; [`redraw`] redraws the charts,
//! report and workbook of a finished run from its files (`strikesim report
//! DIR`).

use std::io::Write;
use std::path::{Path, PathBuf};

use charts::{ChartError, Charts};
use folder::{FolderKind, Staged};
use manifest::Manifest;
use report::Report;
use run_data::RunData;
use tables::Tables;
use xlsx::Xlsx;

/// A failure writing or reading run output.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write output directory {path}: {source}")]
    Dir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("cannot format {file}: {source}")]
    Csv {
        file: &'static str,
        source: csv::Error,
    },
    #[error("cannot format manifest.json: {0}")]
    Json(#[from] serde_json::Error),
    #[error("drawing chart {chart}: {source}")]
    Chart {
        chart: &'static str,
        source: ChartError,
    },
    #[error("{0}")]
    Other(String),
    /// Another process holds the lock of the output folder.
    #[error("{} is being written by another strikesim ({}; lock file {}); wait for it to finish, or choose another --out", .path.display(), holder_words(.holder), .lock.display())]
    Locked {
        path: PathBuf,
        lock: PathBuf,
        /// The holder's pid as its lock file gives it (empty if not yet written).
        holder: String,
    },
    /// An output folder that holds something else, which a run would replace.
    #[error("{} cannot be used as an output folder: {why}; choose another --out, or empty it first (a run replaces its folder whole)", .path.display())]
    NotOutputFolder { path: PathBuf, why: String },
    /// A file of a run that is not as its manifest lists it.
    #[error("{} {problem}: the folder is not all of one run; run the scenario again into it (strikesim run ... --out DIR)", .path.display())]
    Damaged { path: PathBuf, problem: String },
}

/// The holder of a lock in words.
fn holder_words(pid: &str) -> String {
    if pid.is_empty() {
        "a process that is just starting".into()
    } else {
        format!("process {pid}")
    }
}

/// One file of output: where it goes (relative to the output directory)
/// and what it holds.
pub struct OutputFile<'a> {
    pub path: PathBuf,
    pub body: Body<'a>,
}

/// What a file holds: bytes, or a writer that streams them (for tables
/// that grow with the replications, so they need not be held in memory).
pub enum Body<'a> {
    Bytes(Vec<u8>),
    Stream(Fill<'a>),
}

/// Writes a file's bytes into the writer it is given.
pub type Fill<'a> = Box<dyn FnOnce(&mut dyn Write) -> std::io::Result<()> + 'a>;

impl OutputFile<'_> {
    pub fn bytes(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Self {
        OutputFile {
            path: path.into(),
            body: Body::Bytes(bytes),
        }
    }

    /// The bytes, if they are held rather than streamed.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.body {
            Body::Bytes(b) => Some(b),
            Body::Stream(_) => None,
        }
    }
}

/// The held bytes of the file at `path` among `files` (an image a
/// document embeds).
pub(crate) fn file_bytes<'f>(files: &'f [OutputFile], path: &str) -> Option<&'f [u8]> {
    files
        .iter()
        .find(|f| f.path.to_str() == Some(path))
        .and_then(|f| f.as_bytes())
}

/// `STEM.md` and `STEM.html` of `doc`, the HTML embedding its images from
/// `files`.
pub(crate) fn document_files(
    stem: &str,
    doc: &document::Document,
    files: &[OutputFile],
) -> [OutputFile<'static>; 2] {
    let html = doc.to_html(|p| file_bytes(files, p));
    [
        OutputFile::bytes(format!("{stem}.md"), doc.to_markdown().into_bytes()),
        OutputFile::bytes(format!("{stem}.html"), html.into_bytes()),
    ]
}

/// An output format: renders a run into files, writing nothing itself.
pub trait Exporter {
    fn files<'a>(&self, run: &'a RunData) -> Result<Vec<OutputFile<'a>>, OutputError>;
}

/// Write `files` under `dir` (creating subdirectories), each atomically;
/// return the paths written, in order.
pub fn write_files(dir: &Path, files: Vec<OutputFile>) -> Result<Vec<PathBuf>, OutputError> {
    let mut written = Vec::with_capacity(files.len());
    for file in files {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent().filter(|p| !p.exists()) {
            ensure_writable_dir(parent)?;
        }
        match file.body {
            Body::Bytes(bytes) => write_atomic(&path, &bytes)?,
            Body::Stream(fill) => write_atomic_with(&path, fill)?,
        }
        written.push(path);
    }
    Ok(written)
}

/// Write everything of a run into `dir` (a staging folder): the tables,
/// the charts, the report and the workbook (which embed the charts), then the manifest
/// with the list of those files ([`write_manifest`]).
pub fn write_run(dir: &Path, run: &RunData) -> Result<(), OutputError> {
    let mut files = Tables.files(run)?;
    let charts = Charts.files(run)?;
    let report = Report::with_charts(&charts).files(run)?;
    let workbook = Xlsx::with_charts(&charts).files(run)?;
    files.extend(charts);
    files.extend(report);
    files.extend(workbook);
    write_files(dir, files)?;
    write_manifest(dir, &run.manifest)?;
    Ok(())
}

/// Write `manifest.json` into the run folder `dir`, its file list made
/// from the files now there: the last file of a run.
pub fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), OutputError> {
    let mut manifest = manifest.clone();
    manifest.files = files::list(dir)?;
    write_atomic(
        &dir.join(files::MANIFEST),
        &serde_json::to_vec_pretty(&manifest)?,
    )
}

/// Redraw the charts, report and workbook of a finished run from its files alone,
/// under the folder's lock and through a staging folder (the tables kept,
/// the manifest's file list rewritten); return the chart files written
/// (named in the run's folder).
pub fn redraw(dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    if !dir.join(files::MANIFEST).is_file() {
        // Says what is wrong, and nothing is locked or made.
        RunData::load(dir)?;
    }
    let staged = Staged::begin(dir, FolderKind::Run)?;
    let run = RunData::load(dir)?;
    let charts = Charts.files(&run)?;
    let mut report = Report::with_charts(&charts).files(&run)?;
    report.extend(Xlsx::with_charts(&charts).files(&run)?);
    let chart_paths: Vec<PathBuf> = charts.iter().map(|f| dir.join(&f.path)).collect();
    let drawn: Vec<String> = charts
        .iter()
        .chain(&report)
        .map(|f| f.path.to_string_lossy().replace('\\', "/"))
        .collect();
    for kept in kept_files(&run.manifest)
        .iter()
        .filter(|f| !drawn.contains(f))
    {
        staged.keep(kept)?;
    }
    let write = |files| write_files(staged.dir(), files).map_err(|e| staged.relabel(e));
    write(charts)?;
    write(report)?;
    write_manifest(staged.dir(), &run.manifest).map_err(|e| staged.relabel(e))?;
    staged.commit()?;
    Ok(chart_paths)
}

/// The files of a run a redraw carries over: those its manifest lists, or
/// the tables for a manifest of an earlier version without a list.
fn kept_files(manifest: &Manifest) -> Vec<String> {
    if manifest.files.is_empty() {
        TABLES.iter().map(|s| s.to_string()).collect()
    } else {
        manifest.files.iter().map(|f| f.path.clone()).collect()
    }
}

/// The tables of a run, read back by [`RunData::load`].
pub const TABLES: [&str; 3] = ["summary.csv", "weekly.csv", "replications.csv"];

/// Write `bytes` to `path` atomically: a temporary sibling file, flushed and
/// synced, then renamed over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// Write `path` atomically from `fill`, which streams into a buffered
/// temporary sibling file; renamed over `path` once complete.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), OutputError> {
    let err = |source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let _guard = TempFile::new(&tmp);
    let result = (|| {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        fill(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(err)
}

/// A temporary file being written: removed when dropped if it is still
/// there (an error, a panic in `fill`), and by the signal handler if the
/// process is stopped meanwhile.
struct TempFile<'a>(&'a Path);

impl<'a> TempFile<'a> {
    fn new(path: &'a Path) -> Self {
        folder::pending::register(path, folder::pending::Undo::Remove);
        TempFile(path)
    }
}

impl Drop for TempFile<'_> {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.0);
        folder::pending::forget(self.0);
    }
}

/// Create `dir` (and parents) and check that a file can be written in it.
pub fn ensure_writable_dir(dir: &Path) -> Result<(), OutputError> {
    let err = |source| OutputError::Dir {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(err)?;
    let probe = dir.join(format!(".strikesim-write-test-{}", std::process::id()));
    std::fs::File::create(&probe).map_err(err)?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

pub mod breakdown;
pub mod charts;
pub mod compare;
pub mod console;
pub mod coverage;
pub mod document;
pub mod files;
pub mod folder;
pub mod human;
pub mod manifest;
pub mod precision;
pub mod report;
pub mod rows;
pub mod run_data;
pub mod series;
pub mod sweep;
pub mod tables;
pub mod xlsx;

//! Output side: tables (CSV, JSON), charts and the board report.
//!
//! Everything here reads results and writes files; nothing here samples a
//! random number or runs the model. Every file is written atomically: to a
//! temporary file in the same directory, then renamed into place, so an
//! interrupted run never leaves a half-written file that looks whole.

use std::io::Write;
use std::path::{Path, PathBuf};

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
    #[error("{0}")]
    Other(String),
}

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
    let result = (|| {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        fill(&mut w)?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
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

pub mod charts;
pub mod compare;
pub mod console;
pub mod human;
pub mod manifest;
pub mod report;
pub mod run_data;
pub mod tables;

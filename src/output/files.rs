//! The manifest's list of a run's files: every file of the run folder
//! except `manifest.json` itself, with its path relative to the folder,
//! its size in bytes and its SHA-256. [`list`] makes the list from a
//! finished folder; [`verify`] checks a folder against it, so a damaged or
//! mixed folder (a file missing, cut short, or copied in from another run)
//! is refused by name before anything is drawn from it.
//!
//! Hidden entries (a name starting with `.`: temporary files) and the
//! `shards` folder (shard files kept beside a run, see `folder`) are not
//! part of a run and are not listed.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::OutputError;

/// The name of the manifest, the one file of a run not in its own list.
pub const MANIFEST: &str = "manifest.json";

/// The folder of shard files that may sit inside a run folder (the default
/// `output/NAME/shards/`): not part of the run.
pub const SHARDS: &str = "shards";

/// One file of a run, as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct FileEntry {
    /// Relative to the run folder, `/`-separated (`charts/recovery.png`).
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
}

/// Is this entry of a folder part of a run? Not hidden, not the manifest
/// (at the top), not the shards folder (at the top).
fn is_run_entry(name: &str, top: bool) -> bool {
    !name.starts_with('.') && !(top && (name == MANIFEST || name == SHARDS))
}

/// Every file of the run in `dir` but the manifest, sorted by path.
pub fn list(dir: &Path) -> Result<Vec<FileEntry>, OutputError> {
    let mut relative = Vec::new();
    collect(dir, "", &mut relative)?;
    relative.sort();
    relative
        .into_iter()
        .map(|rel| {
            let path = dir.join(&rel);
            let (bytes, sha256) = digest(&path).map_err(|e| read_error(&path, e))?;
            Ok(FileEntry {
                path: rel,
                bytes,
                sha256,
            })
        })
        .collect()
}

/// Add the relative paths of the files under `dir/prefix` to `out`.
fn collect(dir: &Path, prefix: &str, out: &mut Vec<String>) -> Result<(), OutputError> {
    let here = dir.join(prefix);
    let entries = std::fs::read_dir(&here).map_err(|e| read_error(&here, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| read_error(&here, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_run_entry(&name, prefix.is_empty()) {
            continue;
        }
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        let kind = entry
            .file_type()
            .map_err(|e| read_error(&entry.path(), e))?;
        if kind.is_dir() {
            collect(dir, &rel, out)?;
        } else {
            out.push(rel);
        }
    }
    Ok(())
}

/// Size and SHA-256 (hex) of a file, read in pieces.
fn digest(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((bytes, crate::model::random::hex(&hasher.finalize())))
}

fn read_error(path: &Path, e: std::io::Error) -> OutputError {
    OutputError::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// A relative path inside the run folder, or `None` for one that leaves it
/// (absolute, `..`) or is empty.
fn inside(dir: &Path, rel: &str) -> Option<PathBuf> {
    let p = Path::new(rel);
    let ok = !rel.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
    ok.then(|| dir.join(p))
}

/// The error for a file of the run in `dir` that is not as the manifest
/// lists it.
fn damaged(path: PathBuf, problem: String) -> OutputError {
    OutputError::Damaged { path, problem }
}

/// Check every file `files` lists in `dir`: there, of its size, with its
/// hash; and that the list holds each of `required` (the tables read back).
pub fn verify(dir: &Path, files: &[FileEntry], required: &[&str]) -> Result<(), OutputError> {
    for name in required {
        if !files.iter().any(|f| f.path == *name) {
            return Err(damaged(
                dir.join(MANIFEST),
                format!("does not list {name} among the run's files"),
            ));
        }
    }
    for f in files {
        let Some(path) = inside(dir, &f.path) else {
            return Err(damaged(
                dir.join(MANIFEST),
                format!("lists `{}`, which is not a path inside the run", f.path),
            ));
        };
        let (bytes, sha256) = match digest(&path) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(damaged(path, "is missing".into()))
            }
            Err(e) => return Err(damaged(path, format!("cannot be read ({e})"))),
        };
        if bytes != f.bytes {
            return Err(damaged(
                path,
                format!(
                    "is {bytes} bytes, but manifest.json says {} (size differs)",
                    f.bytes
                ),
            ));
        }
        if sha256 != f.sha256 {
            return Err(damaged(
                path,
                format!(
                    "has SHA-256 {sha256}, but manifest.json says {} (hash differs: a file of another run, or edited)",
                    f.sha256
                ),
            ));
        }
    }
    Ok(())
}

//! An output folder is all of one run or none: a run (and `merge`,
//! `report`, `compare --out`, `series --out`) writes into a fresh staging
//! folder beside its target and moves it into place only when complete,
//! keeping the previous folder intact until then. For the target
//! `parent/NAME`, all in `parent`:
//!
//! - `.NAME.lock`: the lock ([`lock::FolderLock`]), taken first; a second
//!   process writing the same target is refused at once, naming the
//!   holder's pid.
//! - `.NAME.staging-PID`: the new folder while it is written.
//! - `.NAME.old-PID`: the previous folder for the moment of the swap
//!   (`NAME` → `.NAME.old-PID`, staging → `NAME`, then the old one is
//!   removed).
//!
//! Holding the lock, [`Staged::begin`] clears what dead processes left:
//! other staging and old folders of `NAME` (an old folder is put back as
//! `NAME` if a process died between the two renames) and temporary files
//! (`.*.tmp-PID`) inside `NAME`. Its own staging folder is removed on every
//! way out that is not a commit: an error or a panic (`Drop`), SIGINT or
//! SIGTERM ([`pending`]).
//!
//! A folder `shards` inside the target (the default place of shard files,
//! `output/NAME/shards/`) is not part of the run: it is carried over into
//! the new folder at the swap. Shard files themselves are written one file
//! at a time, atomically, without this lock, so sibling shards can write
//! into one folder at once.

mod lock;
pub mod pending;

use std::path::{Path, PathBuf};

use super::files::SHARDS;
use super::OutputError;
use lock::FolderLock;
use pending::{remove_path, Undo};

pub use pending::install_signal_cleanup;

/// What an output folder holds, and the file that shows a folder is one
/// (so a folder of other things is never replaced).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderKind {
    /// A run: `strikesim run`, `merge`, `report`.
    Run,
    /// `strikesim compare --out`.
    Compare,
    /// `strikesim series --out`.
    Series,
    /// `strikesim sweep`.
    Sweep,
}

impl FolderKind {
    fn marker(self) -> &'static str {
        match self {
            FolderKind::Run => "manifest.json",
            FolderKind::Compare => "compare.md",
            FolderKind::Series => "series.md",
            FolderKind::Sweep => "sweep.md",
        }
    }

    fn what(self) -> &'static str {
        match self {
            FolderKind::Run => "run",
            FolderKind::Compare => "comparison",
            FolderKind::Series => "series",
            FolderKind::Sweep => "sweep",
        }
    }
}

/// The names beside a target folder.
#[derive(Debug, Clone)]
struct Siblings {
    parent: PathBuf,
    name: String,
}

impl Siblings {
    fn of(target: &Path) -> Result<Siblings, OutputError> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| OutputError::Dir {
                path: target.to_path_buf(),
                source: std::io::Error::other(
                    "give a folder by name (not `.`, `..` or `/`): a run is written beside it and moved into place",
                ),
            })?;
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."))
            .to_path_buf();
        Ok(Siblings { parent, name })
    }

    fn lock(&self) -> PathBuf {
        self.parent.join(format!(".{}.lock", self.name))
    }

    fn staging(&self) -> PathBuf {
        self.parent
            .join(format!(".{}.staging-{}", self.name, std::process::id()))
    }

    fn old(&self) -> PathBuf {
        self.parent
            .join(format!(".{}.old-{}", self.name, std::process::id()))
    }

    /// Staging and old folders of this target left in the parent by any
    /// process: (path, is an old folder).
    fn leftovers(&self) -> Vec<(PathBuf, bool)> {
        let staging = format!(".{}.staging-", self.name);
        let old = format!(".{}.old-", self.name);
        let Ok(entries) = std::fs::read_dir(&self.parent) else {
            return Vec::new();
        };
        let mut found: Vec<(PathBuf, bool)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let is = |prefix: &str| name.strip_prefix(prefix).is_some_and(is_pid);
                if is(&staging) {
                    Some((e.path(), false))
                } else if is(&old) {
                    Some((e.path(), true))
                } else {
                    None
                }
            })
            .collect();
        found.sort();
        found
    }
}

/// Is `s` a process id (the suffix of a staging, old or temporary name)?
fn is_pid(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// An output folder being written: locked, with its staging folder.
/// Dropped without [`Staged::commit`], it removes the staging folder and
/// the target is as it was.
#[derive(Debug)]
pub struct Staged {
    target: PathBuf,
    names: Siblings,
    staging: PathBuf,
    committed: bool,
    // Declared last: released after the staging folder is removed.
    _lock: FolderLock,
}

impl Staged {
    /// Lock `target`, clear what dead processes left, check that the target
    /// is absent, empty or a folder of `kind` (never replace other files),
    /// and make a fresh staging folder.
    pub fn begin(target: &Path, kind: FolderKind) -> Result<Staged, OutputError> {
        let names = Siblings::of(target)?;
        let dir_error = |source| OutputError::Dir {
            path: target.to_path_buf(),
            source,
        };
        std::fs::create_dir_all(&names.parent).map_err(dir_error)?;
        let lock = FolderLock::acquire(target, &names.lock())?;
        clear_leftovers(target, &names);
        check_replaceable(target, kind)?;
        let staging = names.staging();
        remove_path(&staging);
        pending::register(&staging, Undo::Remove);
        let staged = Staged {
            target: target.to_path_buf(),
            names,
            staging,
            committed: false,
            _lock: lock,
        };
        std::fs::create_dir(&staged.staging).map_err(dir_error)?;
        Ok(staged)
    }

    /// The staging folder: write the run here.
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// The folder the run goes to.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// An error about a file in the staging folder, said of the file it
    /// was to become in the target.
    pub fn relabel(&self, e: OutputError) -> OutputError {
        let moved = |p: PathBuf| match p.strip_prefix(&self.staging) {
            Ok(rel) => self.target.join(rel),
            Err(_) => p,
        };
        match e {
            OutputError::Write { path, source } => OutputError::Write {
                path: moved(path),
                source,
            },
            OutputError::Dir { path, source } => OutputError::Dir {
                path: moved(path),
                source,
            },
            other => other,
        }
    }

    /// Put the file `rel` of the current target into the staging folder
    /// unchanged (a hard link, or a copy where links are not possible):
    /// files of a run that a redraw keeps.
    pub fn keep(&self, rel: &str) -> Result<(), OutputError> {
        let from = self.target.join(rel);
        let to = self.staging.join(rel);
        let err = |source| OutputError::Write {
            path: self.target.join(rel),
            source,
        };
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(err)?;
        }
        if std::fs::hard_link(&from, &to).is_err() {
            std::fs::copy(&from, &to).map_err(err)?;
        }
        Ok(())
    }

    /// Move the finished staging folder into place: the previous folder
    /// aside, the new one in, the previous one removed. The `shards`
    /// folder of the previous one is carried over first.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let err = |source| OutputError::Dir {
            path: self.target.clone(),
            source,
        };
        let old = self.names.old();
        // Held through the renames: a signal waits for them to finish.
        let mut held = pending::registry();
        let shards = self.target.join(SHARDS);
        if shards.is_dir() {
            std::fs::rename(&shards, self.staging.join(SHARDS)).map_err(err)?;
        }
        let had_old = self.target.exists();
        if had_old {
            std::fs::rename(&self.target, &old).map_err(err)?;
        }
        if let Err(e) = std::fs::rename(&self.staging, &self.target) {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(err(e));
        }
        self.committed = true;
        pending::forget_in(&mut held, &self.staging);
        drop(held);
        if had_old {
            remove_path(&old);
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            // A shards folder moved in before a failed swap goes back.
            let shards = self.staging.join(SHARDS);
            if shards.is_dir() && !self.target.join(SHARDS).exists() {
                let _ = std::fs::rename(&shards, self.target.join(SHARDS));
            }
            remove_path(&self.staging);
            pending::forget(&self.staging);
        }
    }
}

/// Remove what dead processes left of `target`'s writes (the caller holds
/// its lock, so no live process is writing them): staging folders, old
/// folders (one is put back if the target itself is gone) and temporary
/// files inside the target.
fn clear_leftovers(target: &Path, names: &Siblings) {
    for (path, is_old) in names.leftovers() {
        if is_old && !target.exists() && std::fs::rename(&path, target).is_ok() {
            continue;
        }
        remove_path(&path);
    }
    remove_temporaries(target, true);
}

/// Remove the temporary files (`.NAME.tmp-PID`, and write probes) under
/// `dir`, not looking into `shards` (sibling shards write there unlocked).
fn remove_temporaries(dir: &Path, top: bool) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            let skip = name.starts_with('.') || (top && name == SHARDS);
            if !skip {
                remove_temporaries(&path, false);
            }
        } else if is_temporary(&name) {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// A temporary file of an atomic write (`.NAME.tmp-PID`) or a write probe.
pub fn is_temporary(name: &str) -> bool {
    let tmp = name.starts_with('.')
        && name
            .rsplit_once(".tmp-")
            .is_some_and(|(_, pid)| is_pid(pid));
    tmp || name.starts_with(".strikesim-write-test-")
}

/// Refuse to replace `target` unless it is absent, holds nothing but
/// hidden entries and `shards`, or is a folder of `kind`.
fn check_replaceable(target: &Path, kind: FolderKind) -> Result<(), OutputError> {
    let Ok(meta) = std::fs::symlink_metadata(target) else {
        return Ok(());
    };
    let refuse = |why: String| OutputError::NotOutputFolder {
        path: target.to_path_buf(),
        why,
    };
    if !meta.is_dir() {
        return Err(refuse("it is not a folder".into()));
    }
    if target.join(kind.marker()).is_file() {
        return Ok(());
    }
    let entries = std::fs::read_dir(target).map_err(|source| OutputError::Dir {
        path: target.to_path_buf(),
        source,
    })?;
    let other = entries.filter_map(Result::ok).find(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        !name.starts_with('.') && name != SHARDS
    });
    match other {
        None => Ok(()),
        Some(e) => Err(refuse(format!(
            "it holds {} and is not a strikesim {} folder (no {})",
            e.file_name().to_string_lossy(),
            kind.what(),
            kind.marker()
        ))),
    }
}

#[cfg(test)]
mod tests;

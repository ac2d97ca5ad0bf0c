//! What this process must undo if it is stopped: its staging folders and
//! temporary files (removed) and the lock files it holds (emptied, so no
//! file names a holder that is gone). Everything that makes such a path
//! registers it here and forgets it once it is moved into place or
//! removed; [`install_signal_cleanup`] makes SIGINT and SIGTERM undo what
//! is registered before the process exits. Errors and panics are undone
//! by the owners' `Drop` guards, which forget their paths too.
//!
//! The registry is one mutex: a folder moved into place ([`super::Staged`]'s
//! commit) holds it for its renames, so a signal either undoes the staging
//! before the move or finds nothing left to undo after it.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// What to do with a registered path when the process is stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Undo {
    /// A staging folder or temporary file of this process: remove it.
    Remove,
    /// A lock file this process holds: empty it (the OS drops the lock).
    Empty,
}

static PENDING: Mutex<Vec<(PathBuf, Undo)>> = Mutex::new(Vec::new());

/// The registry, even if a panicking thread held it (a list of paths
/// cannot be left half-changed).
pub(crate) fn registry() -> MutexGuard<'static, Vec<(PathBuf, Undo)>> {
    PENDING.lock().unwrap_or_else(|p| p.into_inner())
}

/// Undo `path` with `undo` if the process is stopped before [`forget`].
pub(crate) fn register(path: &Path, undo: Undo) {
    registry().push((path.to_path_buf(), undo));
}

/// `path` is settled: nothing to undo for it any more.
pub(crate) fn forget(path: &Path) {
    forget_in(&mut registry(), path);
}

/// [`forget`] with the registry already held.
pub(crate) fn forget_in(pending: &mut Vec<(PathBuf, Undo)>, path: &Path) {
    pending.retain(|(p, _)| p != path);
}

/// Remove a file or a folder and everything in it; gone already is fine.
/// A folder still being written to by another thread may gain a file while
/// it is removed: try a few times.
pub(crate) fn remove_path(path: &Path) {
    for _ in 0..3 {
        let done = match std::fs::symlink_metadata(path) {
            Err(_) => return,
            Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
            Ok(_) => std::fs::remove_file(path),
        };
        if done.is_ok() {
            return;
        }
    }
}

/// Undo everything registered, holding the registry so that nothing is
/// moved into place meanwhile; the guard is returned so the caller can
/// exit while still holding it.
fn undo_all() -> MutexGuard<'static, Vec<(PathBuf, Undo)>> {
    let mut pending = registry();
    for (path, undo) in pending.drain(..) {
        match undo {
            Undo::Remove => remove_path(&path),
            Undo::Empty => {
                if let Ok(f) = std::fs::OpenOptions::new().write(true).open(&path) {
                    let _ = f.set_len(0);
                }
            }
        }
    }
    pending
}

/// On SIGINT or SIGTERM, remove this process's staging folders and
/// temporary files, empty its lock files, and exit with 128 + the signal
/// (130, 143), as a shell reports a process stopped by it. Call once, at
/// the start of `main`. Without it a stopped run leaves its staging folder
/// for the next run of the same `--out` to remove.
#[cfg(unix)]
pub fn install_signal_cleanup() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("signal-cleanup".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let _held = undo_all();
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// Signals are not caught off Unix: Ctrl+C stops the process, and the next
/// run of the same `--out` removes what it left.
#[cfg(not(unix))]
pub fn install_signal_cleanup() -> std::io::Result<()> {
    Ok(())
}

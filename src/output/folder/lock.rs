//! The lock on an output folder: `.NAME.lock` beside the folder `NAME`,
//! locked with the OS's advisory file lock ([`std::fs::File::try_lock`])
//! and holding the holder's process id. The OS releases the lock when the
//! process ends, however it ends (kill -9 included), so a lock is never
//! stale; the file itself stays (removing it would let two processes lock
//! two different files of the same name) and is emptied on release, so
//! only a process that was killed outright leaves a pid in it, which the
//! next holder overwrites.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use super::pending::{self, Undo};
use crate::output::OutputError;

/// A held lock on an output folder; released when dropped.
#[derive(Debug)]
pub struct FolderLock {
    file: File,
    path: PathBuf,
}

impl FolderLock {
    /// Lock `target` through the lock file `path`, or refuse at once
    /// naming the process that holds it.
    pub fn acquire(target: &Path, path: &Path) -> Result<FolderLock, OutputError> {
        let io = |source| OutputError::Dir {
            path: target.to_path_buf(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                return Err(OutputError::Locked {
                    path: target.to_path_buf(),
                    lock: path.to_path_buf(),
                    holder: holder.trim().to_string(),
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        pending::register(path, Undo::Empty);
        let lock = FolderLock {
            file,
            path: path.to_path_buf(),
        };
        lock.write_holder(&std::process::id().to_string())
            .map_err(io)?;
        Ok(lock)
    }

    /// Replace the lock file's content with `text`.
    fn write_holder(&self, text: &str) -> std::io::Result<()> {
        let mut f = &self.file;
        f.set_len(0)?;
        f.rewind()?;
        f.write_all(text.as_bytes())?;
        f.sync_all()
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        let _ = self.write_holder("");
        pending::forget(&self.path);
        // Closing the file releases the lock.
    }
}

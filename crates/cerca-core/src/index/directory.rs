//! tantivy's memory-mapped directory, with every file private from its creation.
//!
//! `MmapDirectory` creates segment files with the umask's mode (0644 usually) and
//! they stay so while a sync runs, or forever after a kill: another user could read
//! the documents' text from them. This wrapper creates them 0600 and otherwise
//! leaves everything to `MmapDirectory`. (`atomic_write` needs nothing: tantivy
//! writes through a temporary file, which `tempfile` creates 0600.)

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    AntiCallToken, DirectoryLock, FileHandle, Lock, MmapDirectory, TerminatingWrite, WatchCallback,
    WatchHandle, WritePtr,
};
use tantivy::Directory;

use super::private::private_options;
use crate::error::cannot_write;

#[derive(Clone, Debug)]
pub(crate) struct PrivateDirectory {
    inner: MmapDirectory,
    root: PathBuf,
}

impl PrivateDirectory {
    pub fn open(root: &Path) -> Result<PrivateDirectory, OpenDirectoryError> {
        Ok(PrivateDirectory {
            inner: MmapDirectory::open(root)?,
            root: root.to_path_buf(),
        })
    }
}

/// A file written once, synced when tantivy says it is complete (as
/// `MmapDirectory`'s own writer does).
struct SyncedFile(File);

impl Write for SyncedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl TerminatingWrite for SyncedFile {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        self.0.flush()?;
        self.0.sync_data()
    }
}

/// The lock a reader takes while it opens segments (so that a writer's
/// cleanup removes none of them meanwhile), where it cannot open the lock file
/// for writing: the same lock, on the file opened for reading. With no lock
/// file at all, no writer ever worked here: there is nothing to wait for.
fn reader_lock(path: &Path) -> Result<DirectoryLock, LockError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Ok(DirectoryLock::from(Box::new(())))
        }
        Err(error) => return Err(LockError::wrap_io_error(error)),
    };
    lock_exclusive(&file).map_err(LockError::wrap_io_error)?;
    // Dropping the file releases the lock.
    Ok(DirectoryLock::from(Box::new(file)))
}

#[cfg(unix)]
fn lock_exclusive(file: &File) -> io::Result<()> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock on a descriptor this function's caller keeps open.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(unix))]
fn lock_exclusive(_file: &File) -> io::Result<()> {
    Ok(())
}

impl Directory for PrivateDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let file = private_options()
            .write(true)
            .create_new(true)
            .open(self.root.join(path))
            .map_err(|error| match error.kind() {
                io::ErrorKind::AlreadyExists => OpenWriteError::FileAlreadyExists(path.into()),
                _ => OpenWriteError::wrap_io_error(error, path.into()),
            })?;
        Ok(BufWriter::new(Box::new(SyncedFile(file))))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        // MmapDirectory creates the lock file with the umask's mode; made here
        // first, it keeps ours.
        let path = self.root.join(&lock.filepath);
        if !path.exists() {
            let _ = private_options().write(true).create(true).open(&path);
        }
        match self.inner.acquire_lock(lock) {
            Err(LockError::IoError(error)) if lock.is_blocking && cannot_write(&error) => {
                reader_lock(&path)
            }
            other => other,
        }
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

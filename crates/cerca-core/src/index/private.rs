//! Files and folders only their owner may read: an index holds copies of the
//! documents' text. Every file cerca writes is created with mode 0600 (never
//! made private afterwards, when another user may already have opened it),
//! whatever the umask, and replaced atomically.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Mode of every file of an index.
#[cfg(unix)]
const FILE_MODE: u32 = 0o600;
/// Mode of an index directory.
#[cfg(unix)]
const DIR_MODE: u32 = 0o700;

/// Options that create a file readable by its owner only.
pub(crate) fn private_options() -> fs::OpenOptions {
    let mut options = fs::OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
    options
}

/// Creates `dir` and its missing parents, each with mode 0700 (the
/// directories that exist already are left as they are).
pub(crate) fn create_private_dirs(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(dir).map_err(Error::io(dir))
}

/// Takes group and other permissions off an existing directory: one made by
/// someone else (`mkdir`, with the umask's 0755 or worse) must not let other
/// users list the index. The owner's own bits stay (a `chmod 500` to keep an
/// index from changing is the owner's choice).
#[cfg(unix)]
pub(crate) fn make_dir_private(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(dir)
        .map_err(Error::io(dir))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        let private = fs::Permissions::from_mode(mode & 0o700);
        fs::set_permissions(dir, private).map_err(Error::io(dir))?;
    }
    Ok(())
}

#[cfg(not(unix))]
pub(crate) fn make_dir_private(_dir: &Path) -> Result<()> {
    Ok(())
}

/// Replaces `path` with `bytes` so that a reader sees the old or the new
/// content, never a part, even if the process dies: a private temporary file
/// beside it, synced, renamed over it, and the directory synced.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    replace(path, bytes, true)
}

/// Replaces `path` with `bytes` as [`write_atomically`] does, but without
/// waiting for the disk: for information that costs nothing to lose.
#[cfg_attr(not(feature = "files"), allow(dead_code))]
pub(crate) fn write_quickly(path: &Path, bytes: &[u8]) -> Result<()> {
    replace(path, bytes, false)
}

fn replace(path: &Path, bytes: &[u8], durable: bool) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = private_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&temporary)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            if durable {
                file.sync_data()?;
            }
            Ok(())
        })
        .and_then(|()| fs::rename(&temporary, path));
    if let Err(error) = written {
        let _ = fs::remove_file(&temporary);
        return Err(Error::io(path)(error));
    }
    if durable {
        sync_dir(dir);
    }
    Ok(())
}

/// Makes a rename in `dir` durable. Best effort: some file systems refuse to
/// sync a directory, and the rename itself is already atomic.
fn sync_dir(dir: &Path) {
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o777)
            .unwrap_or(0)
    }

    #[test]
    fn an_atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stato.json");
        write_atomically(&path, b"uno").unwrap();
        write_atomically(&path, b"due").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"due");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        assert_eq!(mode(&path), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn an_existing_directory_is_made_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let open = dir.path().join("aperta");
        fs::create_dir(&open).unwrap();
        fs::set_permissions(&open, fs::Permissions::from_mode(0o777)).unwrap();
        make_dir_private(&open).unwrap();
        assert_eq!(mode(&open), 0o700);
    }
}

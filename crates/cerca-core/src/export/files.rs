//! The files of an export: a new folder, files written through a buffer,
//! data files split by size.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Creates `out` (and its parents), or takes it if it is an empty folder:
/// an export never mixes its files with another's.
pub(crate) fn new_folder(out: &Path) -> Result<()> {
    match fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::Export {
                    path: out.to_path_buf(),
                    reason: "the folder is not empty; give a new or an empty folder".into(),
                });
            }
            Ok(())
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            fs::create_dir_all(out).map_err(Error::io(out))
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotADirectory => Err(Error::Export {
            path: out.to_path_buf(),
            reason: "it is a file, not a folder".into(),
        }),
        Err(error) => Err(Error::io(out)(error)),
    }
}

/// Writes `text` to `out/name`; `executable` for the scripts.
pub(crate) fn write_file(out: &Path, name: &str, text: &str, executable: bool) -> Result<PathBuf> {
    let path = out.join(name);
    fs::write(&path, text).map_err(Error::io(&path))?;
    if executable {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).map_err(Error::io(&path))?;
    }
    Ok(path)
}

/// A file written through a buffer, counting its bytes.
pub(crate) struct CountingFile {
    pub path: PathBuf,
    writer: BufWriter<File>,
    pub bytes: u64,
}

impl CountingFile {
    pub fn create(path: PathBuf) -> Result<CountingFile> {
        let file = File::create(&path).map_err(Error::io(&path))?;
        Ok(CountingFile {
            path,
            writer: BufWriter::with_capacity(1 << 20, file),
            bytes: 0,
        })
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.writer
            .write_all(bytes)
            .map_err(Error::io(&self.path))?;
        self.bytes += bytes.len() as u64;
        Ok(())
    }

    /// Flushes the buffer and syncs the file to disk.
    pub fn finish(self) -> Result<(PathBuf, u64)> {
        let file = self
            .writer
            .into_inner()
            .map_err(|error| Error::io(&self.path)(error.into_error()))?;
        file.sync_all().map_err(Error::io(&self.path))?;
        Ok((self.path, self.bytes))
    }
}

//! The files of an export: written in a folder beside the one asked for,
//! which takes its name only when every file is complete, so that an
//! export that fails or is killed leaves no half of itself behind.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Where an export is written while it is under way.
pub(crate) struct Staging {
    /// The folder asked for, absolute: what the files' texts name.
    out: PathBuf,
    /// The folder written, beside it.
    temp: PathBuf,
    done: bool,
}

const PARTIAL: &str = ".cerca-export-";

impl Staging {
    /// Checks that `out` is new or an empty folder and starts writing
    /// beside it (removing what killed exports to it left).
    pub fn begin(out: &Path) -> Result<Staging> {
        let refuse = |reason: &str| Error::Export {
            path: out.to_path_buf(),
            reason: reason.into(),
        };
        match fs::read_dir(out).map(|mut entries| entries.next().is_some()) {
            Ok(true) => {
                return Err(refuse(
                    "the folder is not empty; give a new or an empty folder",
                ))
            }
            Ok(false) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotADirectory => {
                return Err(refuse("it is a file, not a folder"))
            }
            Err(error) => return Err(io_error(out)(error)),
        }
        let Some(name) = out.file_name().and_then(|name| name.to_str()) else {
            return Err(refuse("give the export's folder a name (in UTF-8)"));
        };
        let parent = match out.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        fs::create_dir_all(parent).map_err(io_error(parent))?;
        let parent = parent.canonicalize().map_err(io_error(parent))?;
        remove_leftovers(&parent, name);
        let temp = parent.join(format!(".{name}{PARTIAL}{}", std::process::id()));
        if temp.exists() {
            fs::remove_dir_all(&temp).map_err(io_error(&temp))?;
        }
        fs::create_dir(&temp).map_err(io_error(&temp))?;
        Ok(Staging {
            out: parent.join(name),
            temp,
            done: false,
        })
    }

    /// The folder the export will be: what configurations and scripts name.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// The folder to write the files into.
    pub fn dir(&self) -> &Path {
        &self.temp
    }

    /// Gives the written folder its name.
    pub fn finish(mut self) -> Result<()> {
        // An empty folder given as the destination is replaced.
        let _ = fs::remove_dir(&self.out);
        fs::rename(&self.temp, &self.out).map_err(|error| match error.kind() {
            std::io::ErrorKind::DirectoryNotEmpty | std::io::ErrorKind::AlreadyExists => {
                Error::Export {
                    path: self.out.clone(),
                    reason: "another export wrote there meanwhile".into(),
                }
            }
            _ => io_error(&self.out)(error),
        })?;
        self.done = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}

/// Removes the folders of exports to `name` whose process is gone (killed).
fn remove_leftovers(parent: &Path, name: &str) {
    let prefix = format!(".{name}{PARTIAL}");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|file_name| file_name.strip_prefix(&prefix))
            .and_then(|pid| pid.parse::<libc::pid_t>().ok())
        else {
            continue;
        };
        // SAFETY: kill with signal 0 only asks whether the process exists.
        let gone = unsafe { libc::kill(pid, 0) } != 0
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// An I/O error of an export (not the index's "disk full" advice: nothing of
/// the export is kept, and the index is not involved).
pub(crate) fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io { path, source }
}

/// Writes `text` to `dir/name`; `executable` for the scripts.
pub(crate) fn write_file(dir: &Path, name: &str, text: &str, executable: bool) -> Result<()> {
    let path = dir.join(name);
    fs::write(&path, text).map_err(io_error(&path))?;
    if executable {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).map_err(io_error(&path))?;
    }
    Ok(())
}

/// A file written through a buffer, counting its bytes.
pub(crate) struct CountingFile {
    path: PathBuf,
    writer: BufWriter<File>,
    pub bytes: u64,
}

impl CountingFile {
    pub fn create(path: PathBuf) -> Result<CountingFile> {
        let file = File::create(&path).map_err(io_error(&path))?;
        Ok(CountingFile {
            path,
            writer: BufWriter::with_capacity(1 << 20, file),
            bytes: 0,
        })
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.writer.write_all(bytes).map_err(io_error(&self.path))?;
        self.bytes += bytes.len() as u64;
        Ok(())
    }

    /// Flushes the buffer and syncs the file to disk; its name and size.
    pub fn finish(self) -> Result<(String, u64)> {
        let file = self
            .writer
            .into_inner()
            .map_err(|error| io_error(&self.path)(error.into_error()))?;
        file.sync_all().map_err(io_error(&self.path))?;
        let name = self
            .path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok((name, self.bytes))
    }
}

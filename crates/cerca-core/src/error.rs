//! The errors of cerca-core.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{LockError, OpenReadError, OpenWriteError};
use tantivy::TantivyError;

/// Everything that can go wrong in cerca-core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No index at this path.
    #[error("no index at {path}: run `cerca index PATH` first")]
    NoIndex {
        /// Where one was looked for.
        path: PathBuf,
    },
    /// The path exists and holds something that is not a cerca index.
    #[error("{path} is not a cerca index ({reason}); nothing was changed there")]
    NotAnIndex {
        /// The path.
        path: PathBuf,
        /// What it holds instead, in words.
        reason: String,
    },
    /// An index written by another version of cerca.
    #[error("the index at {path} has format {found}, this cerca reads format {expected}: rebuild it with `cerca index --rebuild` (its folders are kept)")]
    IncompatibleIndex {
        /// The index directory.
        path: PathBuf,
        /// The format it has.
        found: String,
        /// The format this version reads ([`FORMAT_VERSION`](crate::FORMAT_VERSION)).
        expected: u32,
    },
    /// The index files are damaged.
    #[error("the index at {path} is damaged ({reason}): run `cerca check` for details, then `cerca index --rebuild` to rebuild it from its folders")]
    CorruptIndex {
        /// The index directory.
        path: PathBuf,
        /// What is damaged, in words.
        reason: String,
    },
    /// A rebuild cannot tell which folders the index had.
    #[error("cannot rebuild the index at {path}: the list of its folders is lost ({reason}); give them, as in `cerca index --rebuild FOLDER…` (nothing was changed)")]
    RootsLost {
        /// The index directory.
        path: PathBuf,
        /// Why the list is lost, in words.
        reason: String,
    },
    /// Another process (or writer) is writing to the index.
    #[error(
        "the index at {path} is busy: another cerca is writing to it; try again when it is done, or use --wait"
    )]
    IndexBusy {
        /// The index directory.
        path: PathBuf,
    },
    /// The index cannot be written here (a read-only mount, a backup, another
    /// user's index): searching it works, syncing it does not.
    #[error("the index at {path} cannot be written ({source}): it can be searched, but to sync it, make it writable (or copy it somewhere writable)")]
    ReadOnly {
        /// The index directory.
        path: PathBuf,
        /// The system's refusal.
        #[source]
        source: Arc<std::io::Error>,
    },
    /// The disk holding the index is full (`path`: what was being written).
    #[error("the disk is full (writing {path}): what was committed before is kept and the partial files were removed; free some space and run `cerca index` again")]
    DiskFull {
        /// What was being written.
        path: PathBuf,
    },
    /// `forget` was given a path that is not a root of the index.
    #[error("{path} is not a root of this index; {}", list_roots(roots))]
    NotARoot {
        /// The path given.
        path: PathBuf,
        /// The index's roots.
        roots: Vec<PathBuf>,
    },
    /// The query could not be parsed.
    #[error(transparent)]
    Query(#[from] cerca_query::ParseError),
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },
    /// The semantic model's files are not where they were looked for.
    #[error("the semantic model is not in {dir}: fetch it with `scripts/fetch-model.sh` (or set CERCA_MODEL_DIR to where it is)")]
    ModelMissing {
        /// Where they were looked for.
        dir: PathBuf,
    },
    /// The file of an index's vectors is damaged (the index's words are not).
    #[error("the vectors file {path} is damaged: run `cerca index` to make the vectors again (`cerca search --lexical` searches without them meanwhile)")]
    CorruptVectors {
        /// The vectors file.
        path: PathBuf,
    },
    /// The semantic model failed, or cannot be used as asked.
    #[error("semantic search: {reason}")]
    Semantic {
        /// What went wrong, in words.
        reason: String,
    },
    /// An export cannot be written as asked (`path`: where it was to go).
    #[error("cannot export to {path}: {reason}")]
    Export {
        /// The folder the export was to write.
        path: PathBuf,
        /// Why not, in words.
        reason: String,
    },
    /// An option given to the library is out of what it takes.
    #[error("{option}: {reason}")]
    BadOption {
        /// The option, as the library names it.
        option: &'static str,
        /// Why it is refused, and what it takes.
        reason: String,
    },
    /// A query construct the engine it is translated to cannot express
    /// (`cerca translate`).
    #[error(transparent)]
    Untranslatable(Box<crate::export::Untranslatable>),
    /// An error inside the search library.
    #[error("search engine error: {0}")]
    Engine(#[source] tantivy::TantivyError),
}

impl From<TantivyError> for Error {
    fn from(error: TantivyError) -> Self {
        Error::Engine(error)
    }
}

/// The roots named by [`Error::NotARoot`].
fn list_roots(roots: &[PathBuf]) -> String {
    if roots.is_empty() {
        return "it has no folders".to_owned();
    }
    let roots: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
    format!(
        "its roots (the folders given to `cerca index`) are: {}",
        roots.join(", ")
    )
}

/// cerca-core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| match is_disk_full(&source) {
            true => Error::DiskFull { path },
            false => Error::Io { path, source },
        }
    }

    /// An engine error about the index at `path`, in words: damage, a full
    /// disk and a busy lock are told apart from the rest.
    pub(crate) fn from_engine(path: PathBuf, error: TantivyError) -> Error {
        let io_error = match &error {
            TantivyError::IoError(io) => Some(&**io),
            TantivyError::OpenWriteError(OpenWriteError::IoError { io_error, .. })
            | TantivyError::OpenReadError(OpenReadError::IoError { io_error, .. }) => {
                Some(&**io_error)
            }
            _ => None,
        };
        // tantivy reports some write failures as text only (`InternalError`).
        if io_error.is_some_and(is_disk_full) || says_disk_full(&error.to_string()) {
            return Error::DiskFull { path };
        }
        // Index files that do not decode: garbage where a structure should be.
        let undecodable = io_error.is_some_and(|e| {
            matches!(
                e.kind(),
                std::io::ErrorKind::InvalidData
                    | std::io::ErrorKind::UnexpectedEof
                    | std::io::ErrorKind::Other
            )
        });
        // A merge or indexing thread that panicked read damaged data.
        let thread_panicked = matches!(
            &error,
            TantivyError::SystemError(text) | TantivyError::ErrorInThread(text)
                if text.contains("panicked")
        );
        let damaged = undecodable
            || thread_panicked
            || matches!(
                error,
                TantivyError::DataCorruption(_)
                    | TantivyError::IncompatibleIndex(_)
                    | TantivyError::DeserializeError(_)
                    | TantivyError::OpenReadError(_)
            );
        if damaged {
            return Error::CorruptIndex {
                path,
                reason: damage_in_words(&error),
            };
        }
        match error {
            TantivyError::LockFailure(LockError::LockBusy, _) => Error::IndexBusy { path },
            TantivyError::LockFailure(LockError::IoError(io), _) if cannot_write(&io) => {
                Error::ReadOnly { path, source: io }
            }
            other => Error::Engine(other),
        }
    }
}

/// What is damaged, without tantivy's debug dumps.
fn damage_in_words(error: &TantivyError) -> String {
    match error {
        TantivyError::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            format!("{}: {io_error}", filepath.display())
        }
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(path)) => {
            format!("{} is missing", path.display())
        }
        TantivyError::IoError(io_error) => io_error.to_string(),
        // tantivy shows a corruption only as Debug text (quoted paths, the
        // decoder's own Debug, the file's content): the file it names is
        // what a person can use.
        TantivyError::DataCorruption(corruption) => {
            let debug = format!("{corruption:?}");
            match debug
                .split_once("(in file `")
                .and_then(|(_, rest)| rest.split_once("`)"))
            {
                Some((file, _)) => format!("{} does not decode", file.trim_matches('"')),
                None => "a file of the index does not decode".to_owned(),
            }
        }
        other => other.to_string(),
    }
}

/// Whether an error says this process may not write there.
pub(crate) fn cannot_write(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
    )
}

fn is_disk_full(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::StorageFull
}

/// Whether an error's text holds the system's own words for a full disk.
fn says_disk_full(text: &str) -> bool {
    // ENOSPC on Linux, the BSDs and macOS; ERROR_DISK_FULL and
    // ERROR_HANDLE_DISK_FULL on Windows.
    let codes: &[i32] = if cfg!(windows) { &[112, 39] } else { &[28] };
    codes
        .iter()
        .any(|&code| text.contains(&std::io::Error::from_raw_os_error(code).to_string()))
}

/// Runs `work` on the index at `path`; a panic inside it (tantivy panics on
/// some damaged files) becomes [`Error::CorruptIndex`] saying what was being
/// done, so that damage never takes the process down.
pub(crate) fn guard_panics<T>(
    path: &Path,
    doing: &str,
    work: impl FnOnce() -> Result<T>,
) -> Result<T> {
    // The panic's own text ("index out of bounds: the len is 490 but the
    // index is 18446744073709528722") is the engine's, not the user's: a
    // program's panic hook sees it (the CLI shows it with CERCA_SHOW_PANICS).
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|_| {
        Err(Error::CorruptIndex {
            path: path.to_path_buf(),
            reason: format!("{doing} failed on data that does not decode"),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_on_damaged_data_is_said_without_the_engines_words() {
        let guarded: Result<()> = guard_panics(Path::new("/i"), "reading the terms", || {
            panic!("index out of bounds: the len is 490 but the index is 18446744073709528722")
        });
        match guarded {
            Err(Error::CorruptIndex { reason, .. }) => {
                assert_eq!(
                    reason,
                    "reading the terms failed on data that does not decode"
                )
            }
            other => panic!("{other:?}"),
        }
    }
}

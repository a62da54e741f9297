//! Typed errors and skip reasons of the reading layer.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

#[cfg(feature = "files")]
use super::worker::WorkerError;

/// Why an extractor could not get text out of bytes it was given.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// The content is not valid for its format (e.g. a truncated archive).
    #[error("malformed {format} content: {reason}")]
    Malformed {
        /// The format, e.g. `"pdf"`.
        format: &'static str,
        /// What is wrong, for a person.
        reason: String,
    },
    /// The content is valid but cannot be read (e.g. an encrypted PDF).
    #[error("unreadable {format} content: {reason}")]
    Unreadable {
        /// The format, e.g. `"pdf"`.
        format: &'static str,
        /// Why, for a person.
        reason: String,
    },
    /// The extractor panicked (a bug in it or in a parser it uses); caught by
    /// [`read_file`](super::read_file) so that one file cannot stop the indexing.
    #[error("extractor panicked: {message}")]
    Panicked {
        /// The panic's message, if it had one.
        message: String,
    },
    /// The content would take more than a budget of [`ReadLimits`](super::ReadLimits) (or
    /// of the format's own work limits) to extract; reported by
    /// [`read_file`](super::read_file) as [`ReadError::OverBudget`].
    #[error("over budget: {0}")]
    OverBudget(Budget),
    /// Any other failure of a third-party parser.
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync + 'static>),
}

/// Which budget a file went over: it fails alone, and the caller goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Budget {
    /// Its text passed [`ReadLimits::max_text_bytes`](super::ReadLimits::max_text_bytes).
    Text {
        /// The cap in bytes.
        limit: u64,
    },
    /// Its extraction passed [`ReadLimits::max_time`](super::ReadLimits::max_time) (the
    /// worker was killed).
    Time {
        /// The time limit.
        limit: Duration,
    },
    /// Its extraction needed more memory than
    /// [`ReadLimits::max_memory`](super::ReadLimits::max_memory) (an allocation of the
    /// worker failed).
    Memory {
        /// The memory limit in bytes.
        limit: u64,
    },
    /// A work limit of the format itself, e.g. the content a PDF page makes the reader
    /// parse (see each format's module); in words.
    Work {
        /// What went over which limit, for a person.
        reason: String,
    },
}

impl std::fmt::Display for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Budget::Text { limit } => write!(f, "more than {} of text", bytes(*limit)),
            Budget::Time { limit } => write!(f, "took longer than {}", seconds(*limit)),
            Budget::Memory { limit } => write!(f, "used more than {} of memory", bytes(*limit)),
            Budget::Work { reason } => f.write_str(reason),
        }
    }
}

/// A size for a person: `64 MiB`, `1 GiB`, `1.5 KiB`, `100 bytes`.
///
/// ```
/// use cerca_core::read::bytes;
///
/// assert_eq!(bytes(64 << 20), "64 MiB");
/// assert_eq!(bytes(3 << 29), "1.5 GiB");
/// assert_eq!(bytes(1000), "1000 bytes");
/// ```
pub fn bytes(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if n >= size {
            let tenths = n * 10 / size;
            return if tenths.is_multiple_of(10) {
                format!("{} {unit}", tenths / 10)
            } else {
                format!("{}.{} {unit}", tenths / 10, tenths % 10)
            };
        }
    }
    format!("{n} bytes")
}

/// A duration for a person: `30 s`, `0.5 s`.
fn seconds(d: Duration) -> String {
    let millis = d.as_millis();
    if millis.is_multiple_of(1000) {
        format!("{} s", millis / 1000)
    } else {
        format!("{} s", d.as_secs_f64())
    }
}

/// Why the walk passed over an entry without reading it (not an error).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// No extractor handles this kind (the lower-case extension, `""` for none).
    UnsupportedKind(String),
    /// Bigger than the size limit.
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// Excluded by the `exclude` globs, or not matched by the `include` globs
    /// (a directory is reported once, and not entered).
    Excluded,
    /// A hidden file or directory (name starting with `.`), while `hidden` is off
    /// (a directory is reported once, and not entered).
    Hidden,
    /// Matched by a `.gitignore` or `.ignore` file, while `ignore_files` is on
    /// (a directory is reported once, and not entered).
    Ignored,
    /// A symbolic link, while `follow_symlinks` is off (its target is not
    /// looked at: broken or not, it is passed over).
    Symlink,
    /// A symbolic link whose target does not exist, while `follow_symlinks`
    /// is on: nothing to read, as for a deleted file.
    BrokenSymlink,
    /// Not a regular file nor a directory (FIFO, socket, device): never read.
    NotRegularFile,
    /// Binary content: only known once read, see [`ReadError::Binary`] and
    /// [`ReadError::skip_reason`]; the walk itself never reports it.
    Binary,
    /// A cerca index (a folder holding `cerca-index.json`): its files are
    /// the index's, not documents (reported once, and not entered).
    IndexDirectory,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SkipReason::UnsupportedKind(kind) if kind.is_empty() => {
                f.write_str("unsupported kind (no extension)")
            }
            SkipReason::UnsupportedKind(kind) => write!(f, "unsupported kind .{kind}"),
            SkipReason::TooLarge { size, limit } => {
                write!(f, "too large ({size} bytes, limit {limit})")
            }
            SkipReason::Excluded => f.write_str("excluded"),
            SkipReason::Hidden => f.write_str("hidden"),
            SkipReason::Ignored => f.write_str("ignored (.gitignore, .ignore)"),
            SkipReason::Symlink => f.write_str("symbolic link not followed"),
            SkipReason::BrokenSymlink => f.write_str("broken symbolic link"),
            SkipReason::NotRegularFile => f.write_str("not a regular file"),
            SkipReason::Binary => f.write_str("binary content"),
            SkipReason::IndexDirectory => f.write_str("a cerca index"),
        }
    }
}

impl SkipReason {
    /// A short label without the figures, to count skips by reason (`"too large"`).
    pub fn label(&self) -> String {
        match self {
            SkipReason::TooLarge { .. } => "too large".to_owned(),
            other => other.to_string(),
        }
    }
}

/// Why a file (or a folder of the walk) could not be read.
///
/// Every variant names the path concerned (shown lossily when it is not UTF-8).
/// [`ReadError::is_skip`] tells the benign "not for the index" cases (binary, too
/// large, unsupported kind) from real failures.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// An I/O error: permission denied, deleted before or while reading, unreadable folder…
    #[error("{}: {source}", path.display())]
    Io {
        /// The path concerned.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The file looks binary (a NUL byte in its first 8 KiB, outside UTF-16).
    #[error("{}: binary content, not text", path.display())]
    Binary {
        /// The file.
        path: PathBuf,
    },
    /// The file is bigger than the size limit.
    #[error("{}: too large ({size} bytes, limit {limit})", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// No extractor handles this file's kind.
    #[error("{}: unsupported kind {kind:?}", path.display())]
    UnsupportedKind {
        /// The file.
        path: PathBuf,
        /// Its kind (lower-case extension, `""` for none).
        kind: String,
    },
    /// The extractor failed on the file's content.
    #[error("{}: cannot extract text: {source}", path.display())]
    Extract {
        /// The file.
        path: PathBuf,
        /// The extractor's error.
        #[source]
        source: ExtractError,
    },
    /// The file's size or modification time changed between the walk and the read:
    /// it is being written; read it again later.
    #[error("{}: changed while being read", path.display())]
    ChangedWhileReading {
        /// The file.
        path: PathBuf,
    },
    /// Extracting the file's text went over a budget of [`ReadLimits`](super::ReadLimits)
    /// (text, time, memory) or of its format; the file fails alone.
    #[error("{}: over budget: {budget}", path.display())]
    OverBudget {
        /// The file.
        path: PathBuf,
        /// Which budget, with its limit.
        budget: Budget,
    },
    #[cfg(feature = "files")]
    /// The extraction worker failed on this file (crashed, could not start, broke the
    /// protocol); the next file gets a fresh worker.
    #[error("{}: extraction worker {source}", path.display())]
    Worker {
        /// The file.
        path: PathBuf,
        /// What happened to the worker.
        #[source]
        source: WorkerError,
    },
    /// Reading stopped because the caller's interrupt flag was set (see
    /// [`FileReader::with_interrupt`](super::FileReader::with_interrupt)):
    /// the file is neither read nor broken.
    #[error("{}: reading was interrupted", path.display())]
    Interrupted {
        /// The file.
        path: PathBuf,
    },
    /// Following symbolic links led back into one of the link's own ancestors.
    #[error("{}: symbolic link loop (back to {})", path.display(), ancestor.display())]
    SymlinkLoop {
        /// The link.
        path: PathBuf,
        /// The ancestor folder it points back to.
        ancestor: PathBuf,
    },
    #[cfg(feature = "files")]
    /// An `include`/`exclude` glob of the walk options is not valid.
    #[error("invalid glob {pattern:?}: {source}")]
    InvalidGlob {
        /// The glob as given.
        pattern: String,
        /// What is wrong with it.
        #[source]
        source: globset::Error,
    },
}

impl ReadError {
    /// `true` for files that are simply not for the index (binary, too large,
    /// unsupported kind): callers count them as skipped, not failed.
    pub fn is_skip(&self) -> bool {
        matches!(
            self,
            ReadError::Binary { .. }
                | ReadError::TooLarge { .. }
                | ReadError::UnsupportedKind { .. }
        )
    }

    /// The path concerned (`None` only for [`ReadError::InvalidGlob`]).
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            ReadError::Io { path, .. }
            | ReadError::Binary { path }
            | ReadError::TooLarge { path, .. }
            | ReadError::UnsupportedKind { path, .. }
            | ReadError::Extract { path, .. }
            | ReadError::ChangedWhileReading { path }
            | ReadError::Interrupted { path }
            | ReadError::OverBudget { path, .. }
            | ReadError::SymlinkLoop { path, .. } => Some(path),
            #[cfg(feature = "files")]
            ReadError::Worker { path, .. } => Some(path),
            #[cfg(feature = "files")]
            ReadError::InvalidGlob { .. } => None,
        }
    }

    /// The [`SkipReason`] matching a skip error, `None` for a real failure.
    pub fn skip_reason(&self) -> Option<SkipReason> {
        match self {
            ReadError::TooLarge { size, limit, .. } => Some(SkipReason::TooLarge {
                size: *size,
                limit: *limit,
            }),
            ReadError::UnsupportedKind { kind, .. } => {
                Some(SkipReason::UnsupportedKind(kind.clone()))
            }
            ReadError::Binary { .. } => Some(SkipReason::Binary),
            _ => None,
        }
    }
}

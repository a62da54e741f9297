//! The errors of cerca-core.

use std::path::PathBuf;

/// Everything that can go wrong in cerca-core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No index at this path.
    #[error("no index at {path}: run `cerca index PATH` first")]
    NoIndex { path: PathBuf },
    /// The directory exists and holds something that is not a cerca index.
    #[error("{path} is not a cerca index ({reason}); nothing was changed there")]
    NotAnIndex { path: PathBuf, reason: String },
    /// An index written by another version of cerca.
    #[error("the index at {path} has format {found}, this cerca reads format {expected}: re-create it with `cerca index`")]
    IncompatibleIndex {
        path: PathBuf,
        found: String,
        expected: u32,
    },
    /// The index files are damaged.
    #[error("the index at {path} is damaged: {reason}")]
    CorruptIndex { path: PathBuf, reason: String },
    /// Another process (or writer) is writing to the index.
    #[error(
        "the index at {path} is busy: another cerca is writing to it; try again when it is done"
    )]
    IndexBusy { path: PathBuf },
    /// `forget` was given a path that is not a root of the index.
    #[error("{path} is not a root of this index; its roots are: {}", roots.iter().map(|r| r.display().to_string()).collect::<Vec<_>>().join(", "))]
    NotARoot { path: PathBuf, roots: Vec<PathBuf> },
    /// The query could not be parsed.
    #[error(transparent)]
    Query(#[from] cerca_query::ParseError),
    /// A file or directory could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// An error inside the search library.
    #[error("search engine error: {0}")]
    Engine(#[from] tantivy::TantivyError),
}

/// cerca-core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }
}

//! How a root is walked ([`WalkOptions`]) and what the walk finds ([`FoundFile`]).
//!
//! Plain data, kept without the `files` feature: an index records its roots
//! with their options, and a program may fill its own [`FoundFile`]s.

use std::fs;
use std::path::PathBuf;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// Default size limit for one file: 64 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// How to walk a root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct WalkOptions {
    /// Also walk hidden files and folders (name starting with `.`). Default: `false`.
    pub hidden: bool,
    /// Follow symbolic links (to files and folders, inside the root or not); loops are
    /// reported as [`ReadError::SymlinkLoop`](super::ReadError::SymlinkLoop). Default: `false`: links are reported as
    /// [`SkipReason::Symlink`](super::SkipReason::Symlink) and not followed. Followed links whose target does not
    /// exist are [`SkipReason::BrokenSymlink`](super::SkipReason::BrokenSymlink).
    pub follow_symlinks: bool,
    /// If not empty, only files matching one of these globs are reported.
    ///
    /// Globs are matched against the path relative to the root, `/`-separated; `*`
    /// does not cross `/`, `**` does; a glob without `/` matches at any depth
    /// (`*.md` = `**/*.md`), as in `.gitignore`. Matching is case-sensitive.
    pub include: Vec<String>,
    /// Files and folders matching one of these globs (same rules as `include`) are
    /// skipped ([`SkipReason::Excluded`](super::SkipReason::Excluded)); a folder is not entered (`build/**`
    /// also excludes the folder `build` itself).
    pub exclude: Vec<String>,
    /// Files bigger than this many bytes are skipped ([`SkipReason::TooLarge`](super::SkipReason::TooLarge)).
    /// Default: [`DEFAULT_MAX_FILE_SIZE`].
    pub max_file_size: u64,
    /// Skip what `.gitignore` files (inside a git repository), `.ignore` files
    /// and `.git/info/exclude` exclude, as ripgrep does
    /// ([`SkipReason::Ignored`](super::SkipReason::Ignored)); the root itself is always walked. Default: `true`.
    pub ignore_files: bool,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            hidden: false,
            follow_symlinks: false,
            include: Vec::new(),
            exclude: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            ignore_files: true,
        }
    }
}

with_setters!(WalkOptions {
    with_hidden => hidden: bool,
    with_follow_symlinks => follow_symlinks: bool,
    with_include => include: Vec<String>,
    with_exclude => exclude: Vec<String>,
    with_max_file_size => max_file_size: u64,
    with_ignore_files => ignore_files: bool,
});

/// A file found by the walk, with its metadata (not read yet).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FoundFile {
    /// Its path: the canonical root joined with the path relative to it (not UTF-8
    /// necessarily: display it with `path.display()`).
    pub path: PathBuf,
    /// Its size in bytes.
    pub size: u64,
    /// Its modification time, at the file system's full precision.
    pub modified: SystemTime,
    /// Its status-change time (`ctime`): set by the system on every write, rename or
    /// `chmod`, and, unlike the modification time, never set back by tools. The
    /// modification time where the platform has none.
    pub changed: SystemTime,
    /// Its inode number (0 where the platform has none): a file saved by writing a
    /// new file and renaming it over the old one gets a new one.
    pub inode: u64,
    /// Its kind: the lower-case extension, `""` for none.
    pub kind: String,
}

impl FoundFile {
    /// The found file for `path` with this metadata (of the file itself, not of a link
    /// to it) and kind.
    ///
    /// ```
    /// use cerca_core::read::FoundFile;
    ///
    /// let path = std::env::temp_dir().join(format!("cerca-found-doc-{}.txt", std::process::id()));
    /// std::fs::write(&path, "Ciao").unwrap();
    /// let found = FoundFile::new(path.clone(), &std::fs::metadata(&path).unwrap(), "txt");
    /// assert_eq!(found.size, 4);
    /// assert!(found.same_file_as(&std::fs::metadata(&path).unwrap()));
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn new(path: PathBuf, metadata: &fs::Metadata, kind: impl Into<String>) -> FoundFile {
        let modified = metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        let (changed, inode) = change_time_and_inode(metadata).unwrap_or((modified, 0));
        FoundFile {
            path,
            size: metadata.len(),
            modified,
            changed,
            inode,
            kind: kind.into(),
        }
    }

    /// Whether `metadata` (of the same path, taken later) shows the file as it was
    /// found: same size, modification and status-change times, and inode.
    pub fn same_file_as(&self, metadata: &fs::Metadata) -> bool {
        let modified = metadata.modified().ok();
        let (changed, inode) = change_time_and_inode(metadata)
            .unwrap_or((modified.unwrap_or(SystemTime::UNIX_EPOCH), 0));
        metadata.len() == self.size
            && modified == Some(self.modified)
            && changed == self.changed
            && inode == self.inode
    }
}

#[cfg(unix)]
fn change_time_and_inode(metadata: &fs::Metadata) -> Option<(SystemTime, u64)> {
    use std::os::unix::fs::MetadataExt;
    let seconds = metadata.ctime();
    let nanos = u32::try_from(metadata.ctime_nsec()).ok()?;
    let changed = if seconds >= 0 {
        SystemTime::UNIX_EPOCH + std::time::Duration::new(seconds.unsigned_abs(), nanos)
    } else {
        SystemTime::UNIX_EPOCH - std::time::Duration::from_secs(seconds.unsigned_abs())
            + std::time::Duration::from_nanos(u64::from(nanos))
    };
    Some((changed, metadata.ino()))
}

#[cfg(not(unix))]
fn change_time_and_inode(_metadata: &fs::Metadata) -> Option<(SystemTime, u64)> {
    None
}

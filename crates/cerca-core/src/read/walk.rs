//! Walking a root folder: which files to read, which to skip and why.

use std::collections::{HashSet, VecDeque};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use super::ignore_files::IgnoreRules;
use super::{
    kind_of, Extractors, FoundFile, ReadError, SkipReason, WalkOptions, INDEX_MARKER_FILE,
};

/// What the walk reports, in file-name order within each folder.
#[derive(Debug)]
#[non_exhaustive]
pub enum WalkEvent {
    /// A file to read with [`read_file`](super::read_file).
    File(FoundFile),
    /// An entry passed over on purpose (not an error).
    Skipped {
        /// The entry.
        path: PathBuf,
        /// Why.
        reason: SkipReason,
    },
    /// An entry that could not be examined; the walk goes on.
    Failed {
        /// The entry.
        path: PathBuf,
        /// What went wrong.
        error: ReadError,
    },
}

/// Walks `root` (see [`WalkOptions`]); an invalid root or glob is reported as a single
/// [`WalkEvent::Failed`] (use [`Walk::new`] to get it as a `Result` instead).
///
/// The root is canonicalized once (a root given as a symbolic link is resolved); a root
/// that is a file is walked as that one file.
///
/// ```
/// use cerca_core::read::{walk, Extractors, WalkEvent, WalkOptions};
///
/// let dir = std::env::temp_dir().join(format!("cerca-read-doc-walk-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("sub")).unwrap();
/// std::fs::write(dir.join("sub/a.md"), "# A").unwrap();
/// std::fs::write(dir.join("b.jpg"), "").unwrap();
/// let events: Vec<WalkEvent> = walk(&dir, &WalkOptions::default(), &Extractors::default()).collect();
/// assert!(matches!(&events[0], WalkEvent::Skipped { .. })); // b.jpg: unsupported kind
/// assert!(matches!(&events[1], WalkEvent::File(f) if f.path.ends_with("sub/a.md")));
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn walk(root: &Path, options: &WalkOptions, extractors: &Extractors) -> Walk {
    Walk::new(root, options, extractors).unwrap_or_else(|error| Walk {
        inner: None,
        pending: Some(WalkEvent::Failed {
            path: root.to_path_buf(),
            error,
        }),
        ahead: VecDeque::new(),
        follow_symlinks: options.follow_symlinks,
        root: root.to_path_buf(),
        hidden: options.hidden,
        max_file_size: options.max_file_size,
        include: None,
        exclude: None,
        supported: HashSet::new(),
        reads_other_kinds: false,
        skipped_folders: Vec::new(),
        ignores: None,
    })
}

/// The iterator of [`walk`]: yields [`WalkEvent`]s; owns everything it needs.
pub struct Walk {
    inner: Option<walkdir::IntoIter>,
    pending: Option<WalkEvent>,
    /// Entries examined, in walk order, whose files may still need their
    /// metadata: taken a batch at a time, on several threads.
    ahead: VecDeque<Ahead>,
    follow_symlinks: bool,
    root: PathBuf,
    hidden: bool,
    max_file_size: u64,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    /// The kinds some extractor claims…
    supported: HashSet<String>,
    /// …and whether the others (not binary by name) are read as text.
    reads_other_kinds: bool,
    skipped_folders: Vec<PathBuf>,
    /// The `.gitignore`/`.ignore` rules in force, if they are honoured.
    ignores: Option<IgnoreRules>,
}

impl Walk {
    /// Prepares a walk of `root`: fails with [`ReadError::Io`] if the root cannot be
    /// canonicalized (missing, permission denied) or [`ReadError::InvalidGlob`].
    pub fn new(
        root: &Path,
        options: &WalkOptions,
        extractors: &Extractors,
    ) -> Result<Walk, ReadError> {
        let include = compile_globs(&options.include)?;
        let exclude = compile_globs(&options.exclude)?;
        let canonical = fs::canonicalize(root).map_err(|source| ReadError::Io {
            path: root.to_path_buf(),
            source,
        })?;
        let inner = walkdir::WalkDir::new(&canonical)
            .follow_links(options.follow_symlinks)
            // As `sort_by_file_name`, which parses both paths at every
            // comparison: the entries sorted are those of one folder, so
            // their paths differ only after the same `folder/`.
            .sort_by(|a, b| path_bytes(a.path()).cmp(path_bytes(b.path())))
            .into_iter();
        let ignores = options
            .ignore_files
            .then(|| IgnoreRules::for_root(&canonical));
        Ok(Walk {
            inner: Some(inner),
            pending: None,
            ahead: VecDeque::new(),
            follow_symlinks: options.follow_symlinks,
            root: canonical,
            hidden: options.hidden,
            max_file_size: options.max_file_size,
            include,
            exclude,
            supported: extractors.kinds().into_iter().map(str::to_string).collect(),
            // Files without extension are read as text: so are other kinds.
            reads_other_kinds: extractors.for_kind("").is_some(),
            skipped_folders: Vec::new(),
            ignores,
        })
    }

    /// Does not enter these folders (canonical paths under the root), and says
    /// nothing of them: they are walked on their own (a root inside a root).
    pub fn skipping(mut self, folders: Vec<PathBuf>) -> Walk {
        self.skipped_folders = folders;
        self
    }

    /// The canonical root being walked.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn skip_dir(&mut self) {
        if let Some(inner) = self.inner.as_mut() {
            inner.skip_current_dir();
        }
    }

    /// Examines one entry: `None` for folders to enter silently; a file to
    /// read still needs its metadata.
    fn examine(&mut self, entry: walkdir::DirEntry) -> Option<Ahead> {
        let path = entry.path();
        let file_type = entry.file_type();
        let skipped = |reason| {
            Some(Ahead::Event(WalkEvent::Skipped {
                path: path.to_path_buf(),
                reason,
            }))
        };
        if entry.depth() > 0 && !self.hidden && is_hidden(entry.file_name()) {
            if file_type.is_dir() {
                self.skip_dir();
            }
            return skipped(SkipReason::Hidden);
        }
        let ignored = entry.depth() > 0
            && self
                .ignores
                .as_mut()
                .is_some_and(|rules| rules.is_ignored(path, entry.depth(), file_type.is_dir()));
        if ignored {
            if file_type.is_dir() {
                self.skip_dir();
            }
            return skipped(SkipReason::Ignored);
        }
        let relative = match path.strip_prefix(&self.root) {
            Ok(relative) if !relative.as_os_str().is_empty() => relative,
            // The root itself (a file given as root): match its name.
            _ => Path::new(entry.file_name()),
        };
        let excluded = self
            .exclude
            .as_ref()
            .is_some_and(|set| set.is_match(relative));
        if file_type.is_dir() {
            if entry.depth() > 0 && self.skipped_folders.iter().any(|f| f == path) {
                self.skip_dir();
                return None;
            }
            if path.join(INDEX_MARKER_FILE).exists() {
                self.skip_dir();
                return skipped(SkipReason::IndexDirectory);
            }
            if entry.depth() > 0 && excluded {
                self.skip_dir();
                return skipped(SkipReason::Excluded);
            }
            if let Some(rules) = self.ignores.as_mut() {
                rules.enter(path, entry.depth());
            }
            return None;
        }
        let included = self
            .include
            .as_ref()
            .is_none_or(|set| set.is_match(relative));
        if excluded || !included {
            return skipped(SkipReason::Excluded);
        }
        if file_type.is_symlink() {
            // Only seen when not following links.
            return skipped(SkipReason::Symlink);
        }
        if !file_type.is_file() {
            return skipped(SkipReason::NotRegularFile);
        }
        let kind = kind_of(path);
        let read = self.supported.contains(&kind)
            || (self.reads_other_kinds && super::read_as_text(&kind));
        if !read {
            return skipped(SkipReason::UnsupportedKind(kind));
        }
        Some(Ahead::File {
            path: entry.into_path(),
            kind,
            metadata: None,
        })
    }

    /// The event of a file to read, given its metadata.
    fn file_event(
        &self,
        path: PathBuf,
        kind: String,
        metadata: io::Result<fs::Metadata>,
    ) -> WalkEvent {
        let failed = |path: PathBuf, source| WalkEvent::Failed {
            path: path.clone(),
            error: ReadError::Io { path, source },
        };
        let metadata = match metadata {
            Ok(metadata) => metadata,
            Err(error) => return failed(path, error),
        };
        let size = metadata.len();
        if size > self.max_file_size {
            return WalkEvent::Skipped {
                path,
                reason: SkipReason::TooLarge {
                    size,
                    limit: self.max_file_size,
                },
            };
        }
        if let Err(error) = metadata.modified() {
            return failed(path, error);
        }
        WalkEvent::File(FoundFile::new(path, &metadata, kind))
    }

    /// Examines the next entries, up to [`AHEAD`] of them, and takes the
    /// metadata of their files on several threads: on a warm cache, the
    /// kernel's `statx` of each file is most of a walk.
    fn look_ahead(&mut self) {
        while self.ahead.len() < AHEAD {
            let Some(inner) = self.inner.as_mut() else {
                break;
            };
            let Some(entry) = inner.next() else {
                self.inner = None;
                break;
            };
            let ahead = match entry {
                Ok(entry) => self.examine(entry),
                Err(error) => Some(Ahead::Event(walkdir_event(error))),
            };
            self.ahead.extend(ahead);
        }
        let follow = self.follow_symlinks;
        let mut files: Vec<(&Path, &mut Option<io::Result<fs::Metadata>>)> = self
            .ahead
            .iter_mut()
            .filter_map(|ahead| match ahead {
                Ahead::File {
                    path,
                    metadata: metadata @ None,
                    ..
                } => Some((path.as_path(), metadata)),
                _ => None,
            })
            .collect();
        let stat = |(path, metadata): &mut (&Path, &mut Option<io::Result<fs::Metadata>>)| {
            **metadata = Some(match follow {
                true => fs::metadata(path),
                false => fs::symlink_metadata(path),
            });
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        if threads < 2 || files.len() < 2 * STAT_CHUNK {
            files.iter_mut().for_each(stat);
            return;
        }
        let chunk = files.len().div_ceil(threads).max(STAT_CHUNK);
        std::thread::scope(|scope| {
            for part in files.chunks_mut(chunk) {
                scope.spawn(move || part.iter_mut().for_each(stat));
            }
        });
    }
}

/// How many entries a walk examines ahead of the one it reports.
const AHEAD: usize = 1024;
/// Fewer files than twice this are not worth a thread.
const STAT_CHUNK: usize = 64;

/// An entry examined ahead of its turn.
enum Ahead {
    Event(WalkEvent),
    /// A file to read, once its metadata (taken ahead) says how big it is.
    File {
        path: PathBuf,
        kind: String,
        metadata: Option<io::Result<fs::Metadata>>,
    },
}

fn path_bytes(path: &Path) -> &[u8] {
    path.as_os_str().as_encoded_bytes()
}

impl Iterator for Walk {
    type Item = WalkEvent;

    fn next(&mut self) -> Option<WalkEvent> {
        if let Some(event) = self.pending.take() {
            return Some(event);
        }
        if self.ahead.is_empty() {
            self.look_ahead();
        }
        match self.ahead.pop_front()? {
            Ahead::Event(event) => Some(event),
            Ahead::File {
                path,
                kind,
                metadata,
            } => {
                let metadata =
                    metadata.unwrap_or_else(|| Err(io::Error::other("metadata unavailable")));
                Some(self.file_event(path, kind, metadata))
            }
        }
    }
}

impl std::fmt::Debug for Walk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Walk")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

/// Hidden: the name starts with `.`.
fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// Compiles globs as documented on [`WalkOptions::include`]; `None` when there is none.
fn compile_globs(patterns: &[String]) -> Result<Option<GlobSet>, ReadError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let invalid = |source| ReadError::InvalidGlob {
            pattern: pattern.clone(),
            source,
        };
        let trimmed = pattern.trim();
        let trimmed = trimmed.strip_prefix("./").unwrap_or(trimmed);
        let trimmed = trimmed.trim_start_matches('/').trim_end_matches('/');
        let mut variants = vec![if trimmed.contains('/') {
            trimmed.to_string()
        } else {
            format!("**/{trimmed}")
        }];
        // `dir/**` also matches `dir` itself, so that the folder is not entered.
        if let Some(dir) = variants[0].strip_suffix("/**") {
            if !dir.is_empty() && dir != "**" {
                variants.push(dir.to_string());
            }
        }
        for variant in variants {
            let glob = GlobBuilder::new(&variant)
                .literal_separator(true)
                .build()
                .map_err(invalid)?;
            builder.add(glob);
        }
    }
    builder
        .build()
        .map(Some)
        .map_err(|source| ReadError::InvalidGlob {
            pattern: patterns.join(", "),
            source,
        })
}

/// What a walkdir error means: a broken link (followed) is a skip, any
/// other error a failure naming the path concerned.
fn walkdir_event(error: walkdir::Error) -> WalkEvent {
    let path = error.path().map(Path::to_path_buf).unwrap_or_default();
    if let Some(ancestor) = error.loop_ancestor() {
        let ancestor = ancestor.to_path_buf();
        let error = ReadError::SymlinkLoop {
            path: path.clone(),
            ancestor,
        };
        return WalkEvent::Failed { path, error };
    }
    let source = error
        .into_io_error()
        .unwrap_or_else(|| io::Error::other("walk error"));
    let is_link = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && source.kind() == io::ErrorKind::NotFound {
        return WalkEvent::Skipped {
            path,
            reason: SkipReason::BrokenSymlink,
        };
    }
    let error = ReadError::Io {
        path: path.clone(),
        source,
    };
    WalkEvent::Failed { path, error }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// More files than one thread stats, in folders of their own, with a
    /// few to skip: every file once, in name order within each folder, with
    /// its own size, as one stat at a time gave them.
    #[test]
    fn files_stated_ahead_come_in_order_with_their_own_metadata() {
        let dir = tempfile::tempdir().unwrap();
        for folder in ["a", "b"] {
            fs::create_dir(dir.path().join(folder)).unwrap();
            for i in (0..AHEAD + 300).rev() {
                let name = format!("{folder}/{i:05}.txt");
                fs::write(dir.path().join(&name), "x".repeat(i % 50)).unwrap();
            }
            fs::write(dir.path().join(folder).join("foto.jpg"), "").unwrap();
        }
        fs::write(dir.path().join("a/00007.txt"), "y".repeat(5000)).unwrap();
        let options = WalkOptions {
            max_file_size: 4000,
            ..WalkOptions::default()
        };
        let root = fs::canonicalize(dir.path()).unwrap();
        let mut files = Vec::new();
        let mut skipped = Vec::new();
        for event in walk(&root, &options, &Extractors::default()) {
            match event {
                WalkEvent::File(found) => {
                    let expected = fs::metadata(&found.path).unwrap().len();
                    assert_eq!(found.size, expected, "{}", found.path.display());
                    files.push(found.path.strip_prefix(&root).unwrap().to_path_buf());
                }
                WalkEvent::Skipped { path, reason } => skipped.push((
                    path.strip_prefix(&root).unwrap().to_path_buf(),
                    reason.label(),
                )),
                WalkEvent::Failed { path, error } => panic!("{}: {error}", path.display()),
            }
        }
        assert_eq!(files.len(), 2 * (AHEAD + 300) - 1);
        let mut sorted = files.clone();
        sorted.sort();
        assert_eq!(files, sorted, "name order");
        assert_eq!(skipped.len(), 3, "{skipped:?}");
        assert!(skipped[0].0.ends_with("a/00007.txt"), "{skipped:?}");
    }

    fn set(patterns: &[&str]) -> GlobSet {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        match compile_globs(&patterns) {
            Ok(Some(set)) => set,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn glob_rules() {
        let s = set(&["*.md"]);
        assert!(s.is_match("a.md") && s.is_match("x/y/a.md") && !s.is_match("a.txt"));
        let s = set(&["docs/*.txt"]);
        assert!(
            s.is_match("docs/a.txt") && !s.is_match("docs/x/a.txt") && !s.is_match("z/docs/a.txt")
        );
        let s = set(&["build/**", "node_modules/"]);
        assert!(s.is_match("build") && s.is_match("build/x/y.txt"));
        assert!(s.is_match("node_modules") && s.is_match("a/node_modules"));
        assert!(matches!(
            compile_globs(&["a[".to_string()]),
            Err(ReadError::InvalidGlob { pattern, .. }) if pattern == "a["
        ));
        assert!(matches!(compile_globs(&[]), Ok(None)));
    }

    #[test]
    fn hidden_names() {
        assert!(is_hidden(".git".as_ref()));
        assert!(!is_hidden("a.txt".as_ref()));
    }
}

//! The sync's own state, in files of its own beside tantivy's, so that no
//! commit (a library user's plain [`IndexWriter::commit`](crate::IndexWriter::commit)
//! included) and no damage to tantivy's files can take it away:
//!
//! - `cerca-roots.json`: the roots, each with its walk options. Small; read
//!   by `status` and every sync; written (and synced to disk) before a sync
//!   reads anything, so a root given once is never forgotten, even after a kill.
//! - `cerca-last-sync.json`: when each root's last complete sync ended. Only
//!   information, rewritten after every sync (even one that changed nothing),
//!   so not synced to disk.
//! - `cerca-known.json`: files read whose state no document records (read
//!   once and found binary, or touched with the same content). Only a cache:
//!   lost or unreadable, it costs a re-read of those files, nothing more.
//!   Read by syncs only, never by searches.
//!
//! - `cerca-purge-pending`: written before a commit that removes documents,
//!   removed once their text is purged from the index files; left by a kill,
//!   it makes the next sync (or forget) purge.
//!
//! The roots are also saved with every commit of a sync (tantivy's commit
//! payload): if `cerca-roots.json` is lost or damaged, a rebuild finds them
//! there. The files are replaced atomically, under the writer lock. An index
//! in memory keeps them in memory.

// Most of it serves the Syncer, which is built with the `files` feature.
#![cfg_attr(not(feature = "files"), allow(dead_code))]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::plan::Stamp;
use crate::error::{Error, Result};
use crate::index::private::{write_atomically, write_quickly};
use crate::read::WalkOptions;

pub(crate) const ROOTS_FILE: &str = "cerca-roots.json";
pub(crate) const KNOWN_FILE: &str = "cerca-known.json";
pub(crate) const LAST_SYNC_FILE: &str = "cerca-last-sync.json";
/// Present from the commit that removes documents until their text is purged:
/// a sync or forget killed in between leaves it, and the next writer purges.
pub(crate) const PURGE_PENDING_FILE: &str = "cerca-purge-pending";
/// Version of both files' layout.
const STATE_FORMAT: u32 = 1;

/// A folder (or a single file) an index keeps in sync, and how to walk it.
///
/// The options belong to the root: every later sync walks it with them, until
/// the root is given again with others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Root {
    /// The root's canonical path (any path the OS accepts: not UTF-8 necessarily).
    #[serde(with = "path_repr")]
    pub path: PathBuf,
    /// Which files under it to read.
    #[serde(default)]
    pub options: WalkOptions,
}

impl Root {
    /// A root walked with the default options.
    pub fn new(path: impl Into<PathBuf>) -> Root {
        Root::with_options(path, WalkOptions::default())
    }

    /// A root walked with these options.
    pub fn with_options(path: impl Into<PathBuf>, options: WalkOptions) -> Root {
        Root {
            path: path.into(),
            options,
        }
    }
}

/// A root as the index records it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RootStatus {
    /// The root and its options.
    pub root: Root,
    /// When its last complete sync ended; `None` before the first one ends
    /// (it was interrupted, or is running).
    pub last_sync: Option<SystemTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RootsFile {
    format: u32,
    pub roots: Vec<Root>,
}

impl Default for RootsFile {
    fn default() -> Self {
        RootsFile::new(Vec::new())
    }
}

impl RootsFile {
    pub fn new(roots: Vec<Root>) -> RootsFile {
        RootsFile {
            format: STATE_FORMAT,
            roots,
        }
        .sorted()
    }

    /// Sorted by path, as [`RootsFile::set`] keeps them (a file written by
    /// hand, or by an older cerca, may not be).
    fn sorted(mut self) -> RootsFile {
        self.roots.sort_by(|a, b| a.path.cmp(&b.path));
        self
    }

    /// Adds `root`, or replaces the options of the root with its path.
    /// Whether anything changed.
    pub fn set(&mut self, root: &Root) -> bool {
        // Kept sorted by path: found in log time, however many there are.
        match self.roots.binary_search_by(|r| r.path.cmp(&root.path)) {
            Ok(at) if self.roots[at] == *root => false,
            Ok(at) => {
                self.roots[at].options = root.options.clone();
                true
            }
            Err(at) => {
                self.roots.insert(at, root.clone());
                true
            }
        }
    }

    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.roots.iter().map(|r| r.path.as_path())
    }
}

/// When each root's last complete sync ended.
pub(crate) type LastSyncs = HashMap<PathBuf, SystemTime>;

#[derive(Serialize, Deserialize)]
struct LastSyncRecord {
    #[serde(with = "path_repr")]
    path: PathBuf,
    /// Seconds since the Unix epoch.
    at: u64,
}

/// What a sync learnt of a file that its document (if any) does not record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Known {
    /// The file as it was when read.
    pub stamp: Stamp,
    /// When the sync started reading it (nanoseconds since the epoch).
    pub checked: i64,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Outcome {
    /// Same content as the document with this stamp (it was only touched).
    Current { document: Stamp },
    /// Not for the index (binary content…): not read again until it changes.
    Skipped { reason: String },
    /// Could not be read (broken, over a budget): reported again by every
    /// sync, not read again until it changes (a file that takes a minute to
    /// fail must not take that minute from every ad-hoc search).
    Failed { message: String },
}

/// By the path's bytes: hashing a `Path` parses its components, which costs
/// more than the rest of a sync with nothing to do.
pub(crate) type KnownFiles = rustc_hash::FxHashMap<std::ffi::OsString, Known>;

#[derive(Serialize, Deserialize)]
struct KnownFileRecord {
    #[serde(with = "path_repr")]
    path: PathBuf,
    #[serde(flatten)]
    known: Known,
}

#[derive(Serialize, Deserialize)]
struct KnownFilesFile {
    format: u32,
    files: Vec<KnownFileRecord>,
}

/// Where the state lives: beside the index's files, or in memory.
pub(crate) enum StateStore {
    Dir(PathBuf),
    Memory(Mutex<MemoryState>),
}

#[derive(Default)]
pub(crate) struct MemoryState {
    roots: RootsFile,
    known: KnownFiles,
    last_syncs: LastSyncs,
    purge_pending: bool,
}

impl StateStore {
    pub fn in_dir(dir: &Path) -> StateStore {
        StateStore::Dir(dir.to_path_buf())
    }

    pub fn in_memory() -> StateStore {
        StateStore::Memory(Mutex::default())
    }

    pub fn load_roots(&self) -> Result<RootsFile> {
        match self {
            // The file lost (deleted by hand, say): the copy in the last
            // commit has them.
            StateStore::Dir(dir) => Ok(match load_roots(dir)? {
                Some(roots) => roots,
                None => payload_roots(dir).unwrap_or_default(),
            }),
            StateStore::Memory(state) => Ok(lock(state).roots.clone()),
        }
    }

    /// Whether the roots are in their own file (else they were read from
    /// the last commit, and the next sync writes the file again).
    pub fn has_roots_file(&self) -> bool {
        match self {
            StateStore::Dir(dir) => dir.join(ROOTS_FILE).exists(),
            StateStore::Memory(_) => true,
        }
    }

    pub fn save_roots(&self, roots: &RootsFile) -> Result<()> {
        match self {
            StateStore::Dir(dir) => save_roots(dir, roots),
            StateStore::Memory(state) => {
                lock(state).roots = roots.clone();
                Ok(())
            }
        }
    }

    /// The known files; none if the file is missing or unreadable (a cache).
    pub fn load_known(&self) -> KnownFiles {
        match self {
            StateStore::Dir(dir) => std::fs::read(dir.join(KNOWN_FILE))
                .ok()
                .and_then(|bytes| serde_json::from_slice::<KnownFilesFile>(&bytes).ok())
                .filter(|file| file.format == STATE_FORMAT)
                .map(|file| {
                    file.files
                        .into_iter()
                        .map(|record| (record.path.into_os_string(), record.known))
                        .collect()
                })
                .unwrap_or_default(),
            StateStore::Memory(state) => lock(state).known.clone(),
        }
    }

    pub fn save_known(&self, known: &KnownFiles) -> Result<()> {
        match self {
            StateStore::Dir(dir) => {
                let mut files: Vec<KnownFileRecord> = known
                    .iter()
                    .map(|(path, known)| KnownFileRecord {
                        path: PathBuf::from(path),
                        known: known.clone(),
                    })
                    .collect();
                files.sort_by(|a, b| a.path.cmp(&b.path));
                let file = KnownFilesFile {
                    format: STATE_FORMAT,
                    files,
                };
                let path = dir.join(KNOWN_FILE);
                let bytes = serde_json::to_vec(&file).map_err(|e| Error::io(&path)(e.into()))?;
                write_atomically(&path, &bytes)
            }
            StateStore::Memory(state) => {
                lock(state).known = known.clone();
                Ok(())
            }
        }
    }
}

impl StateStore {
    /// Records, durably, that removed documents' text awaits a purge.
    pub fn mark_purge_pending(&self) -> Result<()> {
        match self {
            StateStore::Dir(dir) => write_atomically(&dir.join(PURGE_PENDING_FILE), b""),
            StateStore::Memory(state) => {
                lock(state).purge_pending = true;
                Ok(())
            }
        }
    }

    pub fn purge_pending(&self) -> bool {
        match self {
            StateStore::Dir(dir) => dir.join(PURGE_PENDING_FILE).exists(),
            StateStore::Memory(state) => lock(state).purge_pending,
        }
    }

    pub fn clear_purge_pending(&self) -> Result<()> {
        match self {
            StateStore::Dir(dir) => {
                let path = dir.join(PURGE_PENDING_FILE);
                match std::fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(path)(e)),
                    _ => Ok(()),
                }
            }
            StateStore::Memory(state) => {
                lock(state).purge_pending = false;
                Ok(())
            }
        }
    }

    pub fn load_last_syncs(&self) -> LastSyncs {
        match self {
            StateStore::Dir(dir) => std::fs::read(dir.join(LAST_SYNC_FILE))
                .ok()
                .and_then(|bytes| serde_json::from_slice::<Vec<LastSyncRecord>>(&bytes).ok())
                .unwrap_or_default()
                .into_iter()
                .map(|record| {
                    let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(record.at);
                    (record.path, at)
                })
                .collect(),
            StateStore::Memory(state) => lock(state).last_syncs.clone(),
        }
    }

    /// Notes that the syncs of `roots` ended now; forgets roots no longer in `all`.
    pub fn note_synced(&self, roots: &[PathBuf], all: &RootsFile) -> Result<()> {
        let mut last = self.load_last_syncs();
        let now = SystemTime::now();
        for root in roots {
            last.insert(root.clone(), now);
        }
        last.retain(|path, _| all.paths().any(|root| root == path));
        match self {
            StateStore::Dir(dir) => {
                let mut records: Vec<LastSyncRecord> = last
                    .into_iter()
                    .map(|(path, at)| LastSyncRecord {
                        path,
                        at: at
                            .duration_since(SystemTime::UNIX_EPOCH)
                            .map_or(0, |d| d.as_secs()),
                    })
                    .collect();
                records.sort_by(|a, b| a.path.cmp(&b.path));
                let path = dir.join(LAST_SYNC_FILE);
                let bytes = serde_json::to_vec(&records).map_err(|e| Error::io(&path)(e.into()))?;
                write_quickly(&path, &bytes)
            }
            StateStore::Memory(state) => {
                lock(state).last_syncs = last;
                Ok(())
            }
        }
    }

    /// The roots with their last sync.
    pub fn statuses(&self) -> Result<Vec<RootStatus>> {
        let last = self.load_last_syncs();
        Ok(self
            .load_roots()?
            .roots
            .into_iter()
            .map(|root| RootStatus {
                last_sync: last.get(&root.path).copied(),
                root,
            })
            .collect())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The state is replaced whole: a panic elsewhere cannot leave it half-written.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl RootsFile {
    /// The roots as a commit's payload (the copy a rebuild falls back on).
    pub fn to_payload(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The roots from a commit's payload: this format's, or the bare list of
    /// paths that cerca 0.1 (index format 2) kept there.
    pub fn from_payload(payload: &str) -> Option<RootsFile> {
        #[derive(Deserialize)]
        struct Legacy {
            roots: Vec<PathBuf>,
        }
        if let Ok(file) = serde_json::from_str::<RootsFile>(payload) {
            return (file.format == STATE_FORMAT).then(|| file.sorted());
        }
        let legacy: Legacy = serde_json::from_str(payload).ok()?;
        Some(RootsFile::new(
            legacy.roots.into_iter().map(Root::new).collect(),
        ))
    }
}

/// The roots file in `dir`, `None` if there is none.
pub(crate) fn load_roots(dir: &Path) -> Result<Option<RootsFile>> {
    let path = dir.join(ROOTS_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path)(e)),
    };
    let corrupt = |reason: String| Error::CorruptIndex {
        path: dir.to_path_buf(),
        reason: format!("{ROOTS_FILE}: {reason}"),
    };
    let file: RootsFile = serde_json::from_slice(&bytes).map_err(|e| corrupt(e.to_string()))?;
    if file.format != STATE_FORMAT {
        return Err(corrupt(format!("unknown format {}", file.format)));
    }
    Ok(Some(file.sorted()))
}

/// The roots carried by tantivy's last commit, if it has them.
pub(crate) fn payload_roots(dir: &Path) -> Option<RootsFile> {
    #[derive(serde::Deserialize)]
    struct Meta {
        payload: Option<String>,
    }
    let meta: Meta =
        serde_json::from_slice(&std::fs::read(dir.join(crate::index::META_FILE)).ok()?).ok()?;
    RootsFile::from_payload(&meta.payload?)
}

pub(crate) fn save_roots(dir: &Path, roots: &RootsFile) -> Result<()> {
    let path = dir.join(ROOTS_FILE);
    let bytes = serde_json::to_vec_pretty(roots).map_err(|e| Error::io(&path)(e.into()))?;
    write_atomically(&path, &bytes)
}

/// Paths in JSON: a string when they are UTF-8, else `{"bytes": "<hex>"}`
/// with their exact bytes, so that any path the OS accepts can be a root.
mod path_repr {
    use std::path::{Path, PathBuf};

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::index::{path_bytes, path_from_bytes};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Text(String),
        Bytes { bytes: String },
    }

    pub fn serialize<S: Serializer>(path: &Path, serializer: S) -> Result<S::Ok, S::Error> {
        match path.to_str() {
            Some(text) => Repr::Text(text.to_owned()),
            None => Repr::Bytes {
                bytes: path_bytes(path)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect(),
            },
        }
        .serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<PathBuf, D::Error> {
        match Repr::deserialize(deserializer)? {
            Repr::Text(text) => Ok(PathBuf::from(text)),
            Repr::Bytes { bytes } => {
                let decoded: Option<Vec<u8>> = (0..bytes.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(bytes.get(i..i + 2)?, 16).ok())
                    .collect();
                decoded
                    .map(|b| path_from_bytes(&b))
                    .ok_or_else(|| serde::de::Error::custom("a path's bytes must be hex pairs"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_keep_their_options_and_any_path_bytes() {
        let dir = tempfile::tempdir().unwrap();
        #[cfg(unix)]
        let odd = {
            use std::os::unix::ffi::OsStrExt;
            PathBuf::from(std::ffi::OsStr::from_bytes(b"/dati/caf\xe9"))
        };
        #[cfg(not(unix))]
        let odd = PathBuf::from("/dati/cafe");
        let options = WalkOptions {
            exclude: vec!["build/**".into()],
            hidden: true,
            ..WalkOptions::default()
        };
        let mut roots = RootsFile::new(Vec::new());
        assert!(roots.set(&Root::with_options(&odd, options.clone())));
        assert!(roots.set(&Root::new("/note")));
        assert!(!roots.set(&Root::new("/note")));
        save_roots(dir.path(), &roots).unwrap();
        let loaded = load_roots(dir.path()).unwrap().unwrap();
        assert_eq!(loaded, roots);
        assert_eq!(loaded.roots[0].path, odd);
        assert_eq!(loaded.roots[0].options, options);

        let mut replaced = loaded.clone();
        assert!(replaced.set(&Root::new(&odd)));
        assert_eq!(replaced.roots[0].options, WalkOptions::default());
        assert_eq!(replaced.roots.len(), 2);
    }

    #[test]
    fn an_unreadable_known_file_is_only_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(KNOWN_FILE), "{ rotto").unwrap();
        assert!(StateStore::in_dir(dir.path()).load_known().is_empty());
    }

    #[test]
    fn a_damaged_roots_file_is_an_error_not_an_empty_list() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(ROOTS_FILE), "{ rotto").unwrap();
        let error = StateStore::in_dir(dir.path()).load_roots().unwrap_err();
        assert!(matches!(error, Error::CorruptIndex { .. }), "{error}");
    }
}

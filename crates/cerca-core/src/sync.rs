//! Keeping an index in step with folders on disk.
//!
//! A sync walks its roots, compares each file's size and modification time
//! with what the index holds, reads only the files that are new or changed
//! (a content hash tells a real change from a touch), and removes documents
//! whose files are gone. It commits every [`SyncOptions::commit_every_bytes`]
//! or [`SyncOptions::commit_every`], so a sync killed half-way keeps what it
//! committed and the next one finishes the job.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::index::{path_bytes, write_private_file};
use crate::read::{
    read_file, Extractors, FoundFile, ReadLimits, SkipReason, Walk, WalkEvent, WalkOptions,
};
use crate::{Document, Index, IndexWriter};

/// How to sync.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    pub walk: WalkOptions,
    /// Commit after reading this many bytes…
    pub commit_every_bytes: u64,
    /// …or after this long, whichever comes first.
    pub commit_every: Duration,
    /// If another writer holds the index, wait for it instead of failing.
    pub wait_for_lock: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            walk: WalkOptions::default(),
            commit_every_bytes: 64 << 20,
            commit_every: Duration::from_secs(10),
            wait_for_lock: false,
        }
    }
}

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    /// Passed over on purpose: unsupported kind, too large, binary…
    pub skipped: usize,
    /// Could not be read; their previous entries, if any, are kept.
    pub failed: usize,
    pub bytes_read: u64,
    /// Indexed without any text: empty files, PDFs without a text layer (scans).
    pub without_text: usize,
    #[serde(serialize_with = "as_seconds")]
    pub elapsed: Duration,
    /// Skipped files per reason (`"kind .jpg"`, `"binary"`, `"too large"`…).
    pub skipped_by_reason: BTreeMap<String, usize>,
    /// Indexed files per kind (`"txt"`, `"md"`, `""` for no extension).
    pub indexed_by_kind: BTreeMap<String, usize>,
    /// Each failure: the path and why.
    pub failures: Vec<(PathBuf, String)>,
}

impl SyncReport {
    fn count_skip(&mut self, reason: String) {
        self.skipped += 1;
        *self.skipped_by_reason.entry(reason).or_default() += 1;
    }

    fn count_indexed(&mut self, kind: &str) {
        *self.indexed_by_kind.entry(kind.to_owned()).or_default() += 1;
    }

    fn count_failure(&mut self, path: &Path, message: String, progress: &mut dyn SyncProgress) {
        self.failed += 1;
        progress.failed(path, &message);
        self.failures.push((path.to_path_buf(), message));
    }
}

fn as_seconds<S: serde::Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(duration.as_secs_f64())
}

/// Hears about a sync's progress (for progress bars). All methods do nothing by default.
pub trait SyncProgress {
    /// The walk is done: `files` files with `bytes` bytes need reading.
    fn planned(&mut self, _files: usize, _bytes: u64) {}
    /// One planned file was handled.
    fn file_done(&mut self, _path: &Path, _bytes: u64) {}
    /// An entry was passed over on purpose (unsupported kind, too large, binary…).
    fn skipped(&mut self, _path: &Path, _reason: &SkipReason) {}
    /// An entry could not be read; `message` says why. The sync goes on.
    fn failed(&mut self, _path: &Path, _message: &str) {}
}

/// A [`SyncProgress`] that ignores everything.
pub struct NoProgress;
impl SyncProgress for NoProgress {}

/// Where a sync that changed nothing notes its time (it commits nothing).
const LAST_SYNC_FILE: &str = "cerca-last-sync";

/// What the index records about its roots, saved with each commit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct IndexState {
    /// The folders (or files) the index keeps in sync, canonical.
    pub roots: BTreeSet<PathBuf>,
    /// When the last sync that changed the index ended (seconds since the
    /// Unix epoch); [`Index::last_sync`] also counts syncs that changed nothing.
    pub last_sync: Option<u64>,
    /// Files already read whose size and modification time no document
    /// records: touched after indexing (same content), or skipped once read
    /// (binary). With them a sync reads neither again until it changes.
    /// Keyed by the hex of the path's bytes.
    #[serde(default)]
    known: BTreeMap<String, KnownFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct KnownFile {
    modified: u64,
    size: u64,
    /// Why it is not indexed; `None`: its document is current.
    skipped: Option<String>,
}

impl KnownFile {
    fn of(found: &FoundFile, skipped: Option<String>) -> KnownFile {
        KnownFile {
            modified: seconds(found.modified),
            size: found.size,
            skipped,
        }
    }

    fn matches(&self, found: &FoundFile) -> bool {
        self.size == found.size && self.modified == seconds(found.modified)
    }
}

fn known_key(path: &Path) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = path_bytes(path);
    let mut key = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        key.push(char::from(HEX[usize::from(byte >> 4)]));
        key.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    key
}

/// What the walk decided about a file.
enum Plan {
    /// New or changed: read it.
    Read { found: FoundFile, is_new: bool },
    /// Up to date, nothing to read.
    Unchanged { kind: String },
    /// Skipped when last read and not changed since.
    StillSkipped { reason: String },
}

impl Index {
    /// The roots and last sync time saved in the index.
    pub fn state(&self) -> Result<IndexState> {
        match self.commit_data()? {
            Some(data) => serde_json::from_str(&data).map_err(|e| Error::CorruptIndex {
                path: self.display_path(),
                reason: format!("unreadable commit data: {e}"),
            }),
            None => Ok(IndexState::default()),
        }
    }

    /// Adds `roots` to the index's roots (if not there) and syncs them.
    ///
    /// With no `roots`, syncs every root the index already holds.
    pub fn sync(
        &self,
        roots: &[PathBuf],
        options: &SyncOptions,
        progress: &mut dyn SyncProgress,
    ) -> Result<SyncReport> {
        let started = Instant::now();
        let mut writer = self.writer_waiting(options.wait_for_lock)?;
        let mut state = self.state()?;
        let state_before = state.clone();
        let roots: Vec<PathBuf> = if roots.is_empty() {
            state.roots.iter().cloned().collect()
        } else {
            let mut canonical = Vec::new();
            for root in roots {
                canonical.push(root.canonicalize().map_err(Error::io(root))?);
            }
            canonical
        };
        state.roots.extend(roots.iter().cloned());
        // Walk each folder once: a root inside another one is walked with it.
        let roots: Vec<PathBuf> = roots
            .iter()
            .filter(|root| {
                !roots
                    .iter()
                    .any(|other| other != *root && root.starts_with(other))
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .cloned()
            .collect();

        let mut report = SyncReport::default();
        let extractors = Extractors::default();
        let stored: HashMap<PathBuf, (SystemTime, u64)> = self
            .stored_files()?
            .into_iter()
            .map(|file| (file.path, (file.modified, file.size)))
            .collect();

        // Walk every root first: the plan gives progress totals, and the
        // files seen tell which documents to remove.
        let mut to_read: Vec<(FoundFile, bool)> = Vec::new();
        let mut seen: HashSet<PathBuf> = HashSet::new();
        let mut unwalked: Vec<PathBuf> = Vec::new();
        for root in &roots {
            let walk = match Walk::new(root, &options.walk, &extractors) {
                Ok(walk) => walk,
                Err(error) => {
                    report.count_failure(root, error.to_string(), progress);
                    unwalked.push(root.clone());
                    continue;
                }
            };
            for event in walk {
                match event {
                    WalkEvent::File(found) => {
                        seen.insert(found.path.clone());
                        match plan(&found, stored.get(&found.path), &state) {
                            Plan::Read { found, is_new } => to_read.push((found, is_new)),
                            Plan::Unchanged { kind } => {
                                report.unchanged += 1;
                                report.count_indexed(&kind);
                            }
                            Plan::StillSkipped { reason } => report.count_skip(reason),
                        }
                    }
                    WalkEvent::Skipped { path, reason } => {
                        report.count_skip(reason.label());
                        progress.skipped(&path, &reason);
                    }
                    WalkEvent::Failed { path, error } => {
                        report.count_failure(&path, error.to_string(), progress);
                        // Whatever was indexed under an unreadable entry stays.
                        unwalked.push(path);
                    }
                }
            }
        }

        progress.planned(to_read.len(), to_read.iter().map(|(f, _)| f.size).sum());
        let limits = ReadLimits {
            max_file_size: options.walk.max_file_size,
            ..ReadLimits::default()
        };
        let mut since_commit = (0u64, Instant::now());
        for (found, is_new) in to_read {
            let key = known_key(&found.path);
            match read_file(&found, &extractors, &limits) {
                Ok(read) => {
                    report.bytes_read += read.bytes_read;
                    since_commit.0 += read.bytes_read;
                    report.count_indexed(&found.kind);
                    if !is_new && self.stored_hash(&found.path)? == Some(read.hash) {
                        // Only touched: remember the new stamp instead of re-indexing.
                        state.known.insert(key, KnownFile::of(&found, None));
                        report.unchanged += 1;
                    } else {
                        state.known.remove(&key);
                        let document = Document::from_file(found.clone(), read);
                        if document.body.trim().is_empty() {
                            report.without_text += 1;
                        }
                        if is_new {
                            writer.add(&document)?;
                            report.added += 1;
                        } else {
                            writer.replace(&document)?;
                            report.updated += 1;
                        }
                    }
                }
                Err(error) if error.is_skip() => {
                    let reason = error.skip_reason();
                    if let Some(reason) = &reason {
                        progress.skipped(&found.path, reason);
                    }
                    let label = reason.map_or_else(|| error.to_string(), |r| r.label());
                    state
                        .known
                        .insert(key, KnownFile::of(&found, Some(label.clone())));
                    report.count_skip(label);
                    if !is_new {
                        // No longer something we index (it became binary, say).
                        writer.delete(&found.path);
                        report.removed += 1;
                    }
                }
                Err(error) => report.count_failure(&found.path, error.to_string(), progress),
            }
            progress.file_done(&found.path, found.size);
            if since_commit.0 >= options.commit_every_bytes
                || since_commit.1.elapsed() >= options.commit_every
            {
                self.commit_state(&mut writer, &state)?;
                since_commit = (0, Instant::now());
            }
        }

        let gone = |path: &Path| {
            roots.iter().any(|root| path.starts_with(root))
                && !unwalked.iter().any(|dir| path.starts_with(dir))
                && !seen.contains(path)
        };
        for path in stored.keys().filter(|path| gone(path)) {
            writer.delete(path);
            report.removed += 1;
        }
        state.known.retain(|key, _| {
            let path = crate::index::path_from_bytes(&unhex(key));
            !gone(&path)
        });
        let changed = report.added + report.updated + report.removed > 0 || state != state_before;
        if changed {
            state.last_sync = Some(seconds(SystemTime::now()));
            self.commit_state(&mut writer, &state)?;
            writer.finish()?;
        } else {
            // Nothing to write: a commit would only cost time (this is the
            // path of every `cerca search QUERY FOLDER` on an unchanged folder).
            // The time is still worth keeping, in a file of its own.
            drop(writer);
            self.note_unchanged_sync();
        }
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// When the last complete sync ended (seconds since the Unix epoch),
    /// whether it changed anything or not.
    pub fn last_sync(&self) -> Result<Option<u64>> {
        let committed = self.state()?.last_sync;
        let noted = self
            .path()
            .and_then(|dir| std::fs::read_to_string(dir.join(LAST_SYNC_FILE)).ok())
            .and_then(|text| text.trim().parse::<u64>().ok());
        Ok(committed.max(noted))
    }

    fn note_unchanged_sync(&self) {
        if let Some(dir) = self.path() {
            let now = seconds(SystemTime::now()).to_string();
            let temporary = dir.join(format!("{LAST_SYNC_FILE}.tmp"));
            // Only a timestamp for `cerca status`: losing it loses nothing.
            if write_private_file(&temporary, now.as_bytes()).is_ok() {
                let _ = std::fs::rename(&temporary, dir.join(LAST_SYNC_FILE));
            }
        }
    }

    /// Removes a root and every document under it.
    ///
    /// Returns how many documents were removed; an error if `root` is not one of the index's roots.
    pub fn forget(&self, root: &Path) -> Result<usize> {
        let mut writer = self.writer()?;
        let mut state = self.state()?;
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        if !state.roots.remove(&root) {
            return Err(Error::NotARoot {
                path: root,
                roots: state.roots.into_iter().collect(),
            });
        }
        let mut removed = 0;
        for file in self.stored_files()? {
            let still_covered = state.roots.iter().any(|other| file.path.starts_with(other));
            if file.path.starts_with(&root) && !still_covered {
                writer.delete(&file.path);
                removed += 1;
            }
        }
        state.known.retain(|key, _| {
            let path = crate::index::path_from_bytes(&unhex(key));
            !path.starts_with(&root) || state.roots.iter().any(|other| path.starts_with(other))
        });
        self.commit_state(&mut writer, &state)?;
        writer.finish()?;
        Ok(removed)
    }

    fn commit_state(&self, writer: &mut IndexWriter<'_>, state: &IndexState) -> Result<()> {
        let data = serde_json::to_string(state).map_err(|e| Error::CorruptIndex {
            path: self.display_path(),
            reason: e.to_string(),
        })?;
        writer.commit_with_data(&data)
    }

    /// A writer, retrying while another process holds the lock if `wait` is set.
    pub fn writer_waiting(&self, wait: bool) -> Result<IndexWriter<'_>> {
        loop {
            match self.writer() {
                Err(Error::IndexBusy { .. }) if wait => {
                    std::thread::sleep(Duration::from_millis(200))
                }
                other => return other,
            }
        }
    }
}

/// What to do with a file the walk found, given what the index holds.
fn plan(found: &FoundFile, stored: Option<&(SystemTime, u64)>, state: &IndexState) -> Plan {
    let known = match state.known.is_empty() {
        true => None,
        false => state
            .known
            .get(&known_key(&found.path))
            .filter(|known| known.matches(found)),
    };
    let kind = found.kind.clone();
    match (stored, known) {
        (
            _,
            Some(KnownFile {
                skipped: Some(reason),
                ..
            }),
        ) => Plan::StillSkipped {
            reason: reason.clone(),
        },
        (Some(_), Some(_)) => Plan::Unchanged { kind },
        (Some(&(modified, size)), None)
            if size == found.size && seconds(modified) == seconds(found.modified) =>
        {
            Plan::Unchanged { kind }
        }
        (stored, _) => Plan::Read {
            found: found.clone(),
            is_new: stored.is_none(),
        },
    }
}

/// Modification times as the index stores them: to the second.
fn seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn unhex(key: &str) -> Vec<u8> {
    (0..key.len() / 2)
        .filter_map(|i| u8::from_str_radix(key.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

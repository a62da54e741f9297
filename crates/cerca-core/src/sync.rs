//! Keeping an index in step with folders on disk.
//!
//! A sync walks its roots, compares each file's size and modification time
//! with what the index holds, reads only the files that are new or changed
//! (a content hash tells a real change from a touch), and removes documents
//! whose files are gone. It commits every [`SyncOptions::commit_every_bytes`]
//! or [`SyncOptions::commit_every`], so a sync killed half-way keeps what it
//! committed and the next one finishes the job.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::read::{read_file, Extractors, FoundFile, ReadLimits, Walk, WalkEvent, WalkOptions};
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
            commit_every_bytes: 256 << 20,
            commit_every: Duration::from_secs(30),
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
    #[serde(serialize_with = "as_seconds")]
    pub elapsed: Duration,
    /// Skipped files per reason (`"kind .jpg"`, `"binary"`, `"too large"`…).
    pub skipped_by_reason: BTreeMap<String, usize>,
    /// Indexed files per kind (`"txt"`, `"md"`, `""` for no extension).
    pub indexed_by_kind: BTreeMap<String, usize>,
    /// Each failure: the path and why.
    pub failures: Vec<(PathBuf, String)>,
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
    /// A file was skipped or failed.
    fn problem(&mut self, _path: &Path, _message: &str, _failed: bool) {}
}

/// A [`SyncProgress`] that ignores everything.
pub struct NoProgress;
impl SyncProgress for NoProgress {}

/// What the index records about its roots, saved with each commit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct IndexState {
    /// The folders (or files) the index keeps in sync, canonical.
    pub roots: BTreeSet<PathBuf>,
    /// When the last complete sync ended (seconds since the Unix epoch).
    pub last_sync: Option<u64>,
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
        let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
        let mut failed_dirs: Vec<PathBuf> = Vec::new();
        for root in &roots {
            let walk = match Walk::new(root, &options.walk, &extractors) {
                Ok(walk) => walk,
                Err(error) => {
                    report.failed += 1;
                    progress.problem(root, &error.to_string(), true);
                    report.failures.push((root.clone(), error.to_string()));
                    failed_dirs.push(root.clone());
                    continue;
                }
            };
            for event in walk {
                match event {
                    WalkEvent::File(found) => {
                        seen.insert(found.path.clone());
                        match stored.get(&found.path) {
                            Some(&(modified, size))
                                if size == found.size && same_second(modified, found.modified) =>
                            {
                                report.unchanged += 1;
                                *report
                                    .indexed_by_kind
                                    .entry(found.kind.clone())
                                    .or_default() += 1;
                            }
                            previous => {
                                let is_new = previous.is_none();
                                to_read.push((found, is_new));
                            }
                        }
                    }
                    WalkEvent::Skipped { path, reason } => {
                        report.skipped += 1;
                        *report
                            .skipped_by_reason
                            .entry(reason.to_string())
                            .or_default() += 1;
                        progress.problem(&path, &reason.to_string(), false);
                    }
                    WalkEvent::Failed { path, error } => {
                        report.failed += 1;
                        progress.problem(&path, &error.to_string(), true);
                        report.failures.push((path.clone(), error.to_string()));
                        // Whatever was indexed under an unreadable entry stays.
                        failed_dirs.push(path);
                    }
                }
            }
        }

        progress.planned(to_read.len(), to_read.iter().map(|(f, _)| f.size).sum());
        let limits = ReadLimits {
            max_file_size: options.walk.max_file_size,
        };
        let mut since_commit = (0u64, Instant::now());
        for (found, is_new) in to_read {
            match read_file(&found, &extractors, &limits) {
                Ok(read) => {
                    report.bytes_read += read.bytes_read;
                    since_commit.0 += read.bytes_read;
                    let unchanged = !is_new && self.stored_hash(&found.path)? == Some(read.hash);
                    if unchanged {
                        // Only touched: re-indexing would give the same document.
                        report.unchanged += 1;
                    } else if is_new {
                        writer.add(&Document::from_file(found.clone(), read))?;
                        report.added += 1;
                    } else {
                        writer.replace(&Document::from_file(found.clone(), read))?;
                        report.updated += 1;
                    }
                    *report
                        .indexed_by_kind
                        .entry(found.kind.clone())
                        .or_default() += 1;
                }
                Err(error) if error.is_skip() => {
                    report.skipped += 1;
                    let reason = error
                        .skip_reason()
                        .map_or_else(|| error.to_string(), |r| r.to_string());
                    *report.skipped_by_reason.entry(reason).or_default() += 1;
                    progress.problem(&found.path, &error.to_string(), false);
                    if !is_new {
                        // It is no longer something we index (it became binary, say).
                        writer.delete(&found.path);
                        report.removed += 1;
                    }
                }
                Err(error) => {
                    report.failed += 1;
                    progress.problem(&found.path, &error.to_string(), true);
                    report
                        .failures
                        .push((found.path.clone(), error.to_string()));
                }
            }
            progress.file_done(&found.path, found.size);
            if since_commit.0 >= options.commit_every_bytes
                || since_commit.1.elapsed() >= options.commit_every
            {
                self.commit_state(&mut writer, &state)?;
                since_commit = (0, Instant::now());
            }
        }

        for path in stored.keys() {
            let under_synced_root = roots.iter().any(|root| path.starts_with(root));
            let protected = failed_dirs.iter().any(|dir| path.starts_with(dir));
            if under_synced_root && !protected && !seen.contains(path) {
                writer.delete(path);
                report.removed += 1;
            }
        }
        state.last_sync = Some(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        );
        self.commit_state(&mut writer, &state)?;
        writer.finish()?;
        report.elapsed = started.elapsed();
        Ok(report)
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

/// Modification times as the index stores them: to the second.
fn same_second(a: SystemTime, b: SystemTime) -> bool {
    let seconds = |t: SystemTime| t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    seconds(a) == seconds(b)
}

//! What a sync did, and what it says while it runs.

// Most of it serves the Syncer, which is built with the `files` feature.
#![cfg_attr(not(feature = "files"), allow(dead_code))]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::read::SkipReason;

/// What a sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SyncReport {
    /// Files indexed for the first time.
    pub added: usize,
    /// Files whose content changed, indexed again.
    pub updated: usize,
    /// Documents removed: their files are gone, or no longer chosen.
    pub removed: usize,
    /// Files found as they were indexed (or read again and found with the same content).
    pub unchanged: usize,
    /// Passed over on purpose: unsupported kind, too large, binary…
    pub skipped: usize,
    /// Could not be read; their previous entries, if any, are kept.
    pub failed: usize,
    /// Bytes of the files read.
    pub bytes_read: u64,
    /// Indexed without any text: empty files, PDFs without a text layer (scans).
    pub without_text: usize,
    /// The sync was interrupted: what it had read is committed, the rest is
    /// for the next sync.
    pub interrupted: bool,
    /// Documents that got their vector (semantic search).
    pub embedded: usize,
    /// Documents left without a vector for their text (the sync was
    /// interrupted, or it had no embedder for an index with semantic search
    /// on): the next sync with one makes them.
    pub without_vectors: usize,
    /// Why the vectors could not be made (a full disk, the model failing):
    /// the documents read are committed and searchable by their words.
    pub vectors_error: Option<String>,
    /// How long the sync took.
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
    pub(crate) fn count_skip(&mut self, reason: String) {
        self.skipped += 1;
        *self.skipped_by_reason.entry(reason).or_default() += 1;
    }

    pub(crate) fn count_indexed(&mut self, kind: &str) {
        *self.indexed_by_kind.entry(kind.to_owned()).or_default() += 1;
    }

    pub(crate) fn count_failure(
        &mut self,
        path: &Path,
        message: String,
        progress: &mut dyn SyncProgress,
    ) {
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
    /// Another writer holds the index and the sync waits for it (with
    /// [`SyncOptions::wait_for_lock`](super::SyncOptions::wait_for_lock)):
    /// said once, before the wait.
    fn waiting_for_writer(&mut self) {}
    /// After the last commit, `documents` documents need a vector (semantic
    /// search is on): the slow part begins.
    fn embedding_planned(&mut self, _documents: usize) {}
    /// `documents` more documents have their vector.
    fn embedded(&mut self, _documents: usize) {}
}

/// A [`SyncProgress`] that ignores everything.
pub struct NoProgress;
impl SyncProgress for NoProgress {}

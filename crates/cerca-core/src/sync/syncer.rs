//! The [`Syncer`] and one run of it: lock, walk, plan, read, commit, purge.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rustc_hash::{FxHashMap, FxHashSet};

use super::pipeline::{Pipeline, Prepared};
use super::plan::{plan, Plan, Stamp};
use super::root_set::{is_under, RootSet};
use super::state::{Known, KnownFiles, Outcome, RootsFile};
use super::{NoProgress, Root, SyncProgress, SyncReport};
use crate::error::{Error, Result};
use crate::index::{nanos, Freshness, StoredFile};
use crate::read::{Extractors, FoundFile, ReadError, ReadLimits, Walk, WalkEvent, WorkerCommand};
use crate::semantic::{embedding, Embedder};
use crate::{Index, IndexWriter};

/// How to sync (which files to read belongs to each [`Root`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SyncOptions {
    /// Commit after reading this many bytes (default 256 MiB)…
    ///
    /// Each commit ends a segment per indexing thread, and every segment
    /// costs searches and space (its own term dictionaries): on the bulk
    /// corpus (128 MB), 64 MiB made 4 segments and 87.7 MB of index, 256 MiB
    /// makes 2 and 86.8 MB, in the same time.
    pub commit_every_bytes: u64,
    /// …or after this long, whichever comes first.
    pub commit_every: Duration,
    /// If another writer holds the index, wait for it instead of failing.
    pub wait_for_lock: bool,
    /// Set it to `true` (from a signal handler, another thread…) to stop the
    /// sync soon: it commits what it has read, and returns a report that
    /// says [`SyncReport::interrupted`]. The next sync goes on from there.
    pub interrupt: Option<Arc<AtomicBool>>,
    /// How many threads read, extract and analyze files (`None`: one per
    /// core, at most 8). tantivy's own indexing threads come on top.
    pub threads: Option<usize>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            commit_every_bytes: 256 << 20,
            commit_every: Duration::from_secs(10),
            wait_for_lock: false,
            interrupt: None,
            threads: None,
        }
    }
}

with_setters!(SyncOptions {
    with_commit_every_bytes => commit_every_bytes: u64,
    with_commit_every => commit_every: Duration,
    with_wait_for_lock => wait_for_lock: bool,
    with_interrupt => interrupt: Option<Arc<AtomicBool>>,
    with_threads => threads: Option<usize>,
});

/// Keeps an index in step with its roots (folders, or single files).
///
/// It owns how files are read (the [`Extractors`], a caller's own included)
/// and the sync's state: the roots with their options, and what it learnt of
/// files that no document records. That state lives in files of its own
/// beside the index's (`cerca-roots.json`, `cerca-known.json`…: see
/// ARCHITECTURE.md), so no commit can erase it.
pub struct Syncer<'a> {
    index: &'a Index,
    extractors: Arc<Extractors>,
    limits: ReadLimits,
    worker: Option<WorkerCommand>,
    options: SyncOptions,
    embedder: Option<Arc<dyn Embedder>>,
}

impl<'a> Syncer<'a> {
    /// A syncer for `index`, with the built-in extractors and default options.
    pub fn new(index: &'a Index) -> Syncer<'a> {
        Syncer {
            index,
            extractors: Arc::new(Extractors::default()),
            limits: ReadLimits::default(),
            worker: None,
            options: SyncOptions::default(),
            embedder: None,
        }
    }

    /// Makes the vectors of new and changed documents with `embedder`, after
    /// the sync's last commit, when the index has semantic search on (see
    /// [`Index::enable_semantic`]). The slow part of a sync: it can be
    /// interrupted as the rest ([`SyncOptions::interrupt`]), and the next
    /// sync goes on from there.
    pub fn with_embedder(mut self, embedder: Arc<dyn Embedder>) -> Syncer<'a> {
        self.embedder = Some(embedder);
        self
    }

    /// Reads files with these extractors (a registry with a caller's own
    /// [`Extractor`](crate::read::Extractor)s, say) instead of the built-in ones.
    pub fn with_extractors(mut self, extractors: impl Into<Arc<Extractors>>) -> Syncer<'a> {
        self.extractors = extractors.into();
        self
    }

    /// Syncs with these options.
    pub fn with_options(mut self, options: SyncOptions) -> Syncer<'a> {
        self.options = options;
        self
    }

    /// Reads each file within these limits of text, time and memory (the size
    /// limit is each root's own, [`WalkOptions::max_file_size`](crate::read::WalkOptions::max_file_size)).
    pub fn with_read_limits(mut self, limits: ReadLimits) -> Syncer<'a> {
        self.limits = limits;
        self
    }

    /// Extracts the risky kinds (PDF, office documents…) in a worker process
    /// started with `command`, where time and memory limits hold and a parser
    /// that crashes fails one file only. Without it, they are extracted in
    /// this process, with the in-process bounds only (see [`FileReader`](crate::read::FileReader)).
    pub fn with_worker(mut self, command: WorkerCommand) -> Syncer<'a> {
        self.worker = Some(command);
        self
    }

    /// Adds `roots` to the index's roots (or gives roots it has new options)
    /// and syncs them; with no `roots`, syncs every root the index has.
    pub fn sync(&self, roots: &[Root], progress: &mut dyn SyncProgress) -> Result<SyncReport> {
        let started = Instant::now();
        let writer = match self.index.writer() {
            Err(Error::IndexBusy { .. }) if self.options.wait_for_lock => {
                // A wait with no word looks like a hang.
                progress.waiting_for_writer();
                self.index.writer_waiting(true, self.interrupt_flag())
            }
            other => other,
        };
        let writer = match writer {
            // Interrupted while waiting for another writer: nothing was done.
            Err(Error::IndexBusy { .. }) if self.options.wait_for_lock && self.interrupted() => {
                return Ok(SyncReport {
                    interrupted: true,
                    elapsed: started.elapsed(),
                    ..SyncReport::default()
                });
            }
            other => other?,
        };
        // From here on, the writer has reloaded what the index holds: no other
        // process can change it until we are done.
        let mut report = Run::new(self, writer, progress)
            .sync(roots)
            .inspect_err(|_| self.remove_leftover_files())?;
        if !report.interrupted {
            // The words are committed whatever happens to the vectors.
            if let Err(error) = self.embed(&mut report, progress) {
                report.vectors_error = Some(error.to_string());
            }
        }
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// The sync's last phase, with semantic search on: the missing vectors,
    /// under the writer's lock (two syncs must not append the same vectors).
    fn embed(&self, report: &mut SyncReport, progress: &mut dyn SyncProgress) -> Result<()> {
        match self.index.vectors.current() {
            Ok(None) => return Ok(()),
            // Made again below.
            Ok(Some(_)) | Err(Error::CorruptVectors { .. }) => {}
            Err(error) => return Err(error),
        }
        let Some(embedder) = &self.embedder else {
            if let Ok(Some(status)) = self.index.semantic_status() {
                report.without_vectors =
                    usize::try_from(status.documents - status.with_vectors).unwrap_or(usize::MAX);
            }
            return Ok(());
        };
        let _writer = match self.index.writer() {
            // Another sync took the lock since: it makes them.
            Err(Error::IndexBusy { .. }) => return Ok(()),
            other => other?,
        };
        let outcome =
            embedding::embed_missing(self.index, &**embedder, self.interrupt_flag(), progress)?;
        report.embedded = outcome.embedded;
        report.without_vectors = outcome.pending;
        report.interrupted |= outcome.interrupted;
        Ok(())
    }

    /// Removes a root and every document under it that no other root covers,
    /// and purges their text from the index files.
    ///
    /// Returns how many documents were removed; [`Error::NotARoot`] if `root`
    /// is not one of the index's roots (given as a path that leads to it, or
    /// as recorded, if it no longer exists).
    pub fn forget(&self, root: &Path) -> Result<usize> {
        let writer = self
            .index
            .writer_waiting(self.options.wait_for_lock, self.interrupt_flag())?;
        self.forget_with(writer, root)
            .inspect_err(|_| self.remove_leftover_files())
    }

    fn forget_with(&self, mut writer: IndexWriter<'_>, root: &Path) -> Result<usize> {
        let store = &self.index.state;
        let mut roots = store.load_roots()?;
        // A root that no longer exists is named as recorded, or relative to here.
        let canonical = root
            .canonicalize()
            .or_else(|_| std::path::absolute(root))
            .unwrap_or_else(|_| root.to_path_buf());
        let Some(position) = roots
            .roots
            .iter()
            .position(|r| r.path == canonical || r.path == root)
        else {
            return Err(Error::NotARoot {
                path: canonical,
                roots: roots.paths().map(Path::to_path_buf).collect(),
            });
        };
        let all: Vec<PathBuf> = roots.paths().map(Path::to_path_buf).collect();
        let all = RootSet::new(all.iter().map(PathBuf::as_path));
        let forgotten = roots.roots.remove(position).path;
        // Its own documents go, even those a root around it would cover (that
        // root's options decide that: it is synced again below).
        let owned = |path: &Path| all.owner(path) == Some(forgotten.as_path());
        self.index.verify_checksums()?;
        let mut removed = 0;
        for file in self.index.stored_files()? {
            if owned(&file.path) {
                writer.delete(&file.path);
                removed += 1;
            }
        }
        store.mark_purge_pending()?;
        writer.commit_with_payload(&roots.to_payload())?;
        // Only once its documents are gone: killed in between, the root is
        // still there, and forgetting it again finishes the job.
        store.save_roots(&roots)?;
        let mut known = store.load_known();
        let before = known.len();
        known.retain(|path, _| !owned(Path::new(path)));
        if known.len() != before {
            store.save_known(&known)?;
        }
        store.note_synced(&[], &roots)?;
        writer.purge_deleted()?;
        writer.finish()?;
        self.remove_leftover_files();
        store.clear_purge_pending()?;
        let around: Vec<Root> = roots
            .roots
            .iter()
            .filter(|r| forgotten.starts_with(&r.path))
            .cloned()
            .collect();
        if around.is_empty() {
            return Ok(removed);
        }
        let again = Syncer {
            index: self.index,
            extractors: Arc::clone(&self.extractors),
            limits: self.limits,
            worker: self.worker.clone(),
            embedder: self.embedder.clone(),
            options: SyncOptions {
                wait_for_lock: true,
                ..self.options.clone()
            },
        };
        let report = again.sync(&around, &mut NoProgress)?;
        Ok(removed.saturating_sub(report.added))
    }

    /// Once a writer is gone (and with it the threads that wrote and merged
    /// segments): the files no commit refers to go, so that a full disk
    /// does not stay full after a failure, and purged text does not stay in
    /// the files of segments merged away while a searcher still held them
    /// (tantivy's own cleanup keeps those). Best effort: the next writer
    /// tries again.
    fn remove_leftover_files(&self) {
        if let Ok(writer) = self.index.writer() {
            let _ = writer.remove_uncommitted_segments();
        }
    }

    fn interrupt_flag(&self) -> Option<&AtomicBool> {
        self.options.interrupt.as_deref()
    }

    fn interrupted(&self) -> bool {
        self.interrupt_flag()
            .is_some_and(|flag| flag.load(Ordering::SeqCst))
    }
}

/// A file to read, and the size limit of its root.
pub(super) struct ToRead {
    pub(super) found: FoundFile,
    pub(super) is_new: bool,
    pub(super) max_file_size: u64,
}

/// What walking the roots found.
#[derive(Default)]
struct Walked {
    to_read: Vec<ToRead>,
    /// Every file the walks reported, read or not.
    seen: FxHashSet<OsString>,
    /// Roots walked to the end (their missing files are gone).
    complete: Vec<PathBuf>,
    /// Roots and folders that could not be walked: what is under them stays.
    unwalked: Vec<PathBuf>,
}

/// How many walked entries may wait for the plan.
const EVENTS_AHEAD: usize = 4096;

/// One sync, from the lock to the last commit.
struct Run<'s, 'a> {
    syncer: &'s Syncer<'a>,
    writer: IndexWriter<'a>,
    progress: &'s mut dyn SyncProgress,
    report: SyncReport,
    /// By the path's bytes (see [`KnownFiles`]).
    stored: FxHashMap<OsString, StoredFile>,
    known: KnownFiles,
    known_changed: bool,
    changed: bool,
    /// The roots, as saved with each commit.
    roots: RootsFile,
    purge_marked: bool,
    /// The index was verified before this run changed it (see
    /// [`Index::verify_checksums`]).
    verified: bool,
}

impl<'s, 'a> Run<'s, 'a> {
    fn new(
        syncer: &'s Syncer<'a>,
        writer: IndexWriter<'a>,
        progress: &'s mut dyn SyncProgress,
    ) -> Self {
        Run {
            syncer,
            writer,
            progress,
            report: SyncReport::default(),
            stored: FxHashMap::default(),
            known: KnownFiles::default(),
            known_changed: false,
            changed: false,
            roots: RootsFile::default(),
            purge_marked: false,
            verified: false,
        }
    }

    fn sync(mut self, given: &[Root]) -> Result<SyncReport> {
        let index = self.syncer.index;
        let store = &index.state;
        let mut roots = store.load_roots()?;
        let given = canonical_roots(given)?;
        let mut roots_changed = false;
        for root in &given {
            roots_changed |= roots.set(root);
        }
        if roots_changed || !store.has_roots_file() {
            store.save_roots(&roots)?;
        }
        let targets = if given.is_empty() {
            roots.roots.clone()
        } else {
            given
        };
        self.roots = roots.clone();

        let walked = self.walk(&targets, &roots)?;
        self.progress.planned(
            walked.to_read.len(),
            walked.to_read.iter().map(|file| file.found.size).sum(),
        );
        // Only a sync that changes documents pays for reading every file.
        let changes = !walked.to_read.is_empty()
            || self.stored.keys().any(|path| !walked.seen.contains(path));
        if changes {
            self.verify()?;
        }
        self.read_all(&walked.to_read)?;
        if !self.report.interrupted {
            self.remove_gone(&walked, &roots);
        }
        if self.changed || self.known_changed {
            self.commit()?;
        }
        // A signal that came once every file was read (the commit of what
        // tantivy's threads still held can take seconds) stops the run too:
        // the caller asked to stop, and says so; the next sync does the rest.
        self.report.interrupted |= self.syncer.interrupted();
        if self.report.interrupted {
            return Ok(self.report);
        }
        store.note_synced(&walked.complete, &roots)?;
        // Removed files' text must leave the disk now (or what a killed
        // writer left to purge); the old text of changed files goes with
        // tantivy's merges (see `Index::writer`).
        let purge = self.report.removed > 0 || store.purge_pending();
        if purge {
            self.writer.purge_deleted()?;
        }
        if self.changed || purge {
            self.writer.finish()?;
        }
        if purge {
            self.syncer.remove_leftover_files();
            store.clear_purge_pending()?;
        }
        Ok(self.report)
    }

    /// Walks every target root; a root inside another is walked on its own,
    /// with its own options, and skipped by the walk of the outer one.
    ///
    /// Each walk runs on a thread of its own, ahead of the plan of the files
    /// it found; the first one also runs while the index's list of files
    /// is read. (A repeat search of an unchanged folder is mostly this walk
    /// and that list.)
    fn walk(&mut self, targets: &[Root], roots: &RootsFile) -> Result<Walked> {
        let mut walked = Walked::default();
        let all = RootSet::new(roots.paths());
        let mut listed = false;
        for root in targets {
            let nested: Vec<PathBuf> = all.inside(&root.path).map(Path::to_path_buf).collect();
            let walk = match Walk::new(&root.path, &root.options, &self.syncer.extractors) {
                Ok(walk) => walk.skipping(nested.clone()),
                Err(error) => {
                    self.report
                        .count_failure(&root.path, error.to_string(), self.progress);
                    walked.unwalked.push(root.path.clone());
                    continue;
                }
            };
            let mut complete = true;
            std::thread::scope(|scope| -> Result<()> {
                let (sender, events) = std::sync::mpsc::sync_channel(EVENTS_AHEAD);
                scope.spawn(move || {
                    for event in walk {
                        if sender.send(event).is_err() {
                            break; // the plan stopped
                        }
                    }
                });
                if !listed {
                    self.list_indexed_files()?;
                    listed = true;
                }
                for event in events {
                    if self.syncer.interrupted() {
                        self.report.interrupted = true;
                        complete = false;
                        break;
                    }
                    self.plan_event(event, &mut walked, root, &all, &nested);
                }
                Ok(())
            })?;
            if complete {
                walked.complete.push(root.path.clone());
            }
        }
        if !listed {
            self.list_indexed_files()?;
        }
        Ok(walked)
    }

    /// Plans what the walk of `root` reported.
    fn plan_event(
        &mut self,
        event: WalkEvent,
        walked: &mut Walked,
        root: &Root,
        all: &RootSet,
        nested: &[PathBuf],
    ) {
        match event {
            WalkEvent::File(found) => {
                let elsewhere =
                    !nested.is_empty() && all.owner(&found.path) != Some(root.path.as_path());
                if elsewhere {
                    return; // a single-file root of its own
                }
                let key = found.path.as_os_str();
                walked.seen.insert(key.to_owned());
                let stored = self.stored.get(key);
                let known = match self.known.is_empty() {
                    true => None,
                    false => self.known.get(key),
                };
                match plan(&found, stored, known) {
                    Plan::Read { is_new } => walked.to_read.push(ToRead {
                        found,
                        is_new,
                        max_file_size: root.options.max_file_size,
                    }),
                    Plan::Unchanged => {
                        self.report.unchanged += 1;
                        self.report.count_indexed(&found.kind);
                    }
                    Plan::StillSkipped { reason } => self.report.count_skip(reason),
                    Plan::StillFailed { message } => {
                        self.report
                            .count_failure(&found.path, message, self.progress)
                    }
                }
            }
            WalkEvent::Skipped { path, reason } => {
                self.report.count_skip(reason.label());
                self.progress.skipped(&path, &reason);
            }
            WalkEvent::Failed { path, error } => {
                // A folder one may not read is gone for this index,
                // as a file one may not read is (made private to
                // hide it, its text must not be served); what was
                // indexed under a folder that failed otherwise (an
                // I/O error, a disk gone) stays.
                let denied = matches!(
                    &error,
                    ReadError::Io { source, .. }
                        if source.kind() == std::io::ErrorKind::PermissionDenied
                );
                self.report
                    .count_failure(&path, error.to_string(), self.progress);
                if !denied {
                    walked.unwalked.push(path);
                }
            }
        }
    }

    /// Reads the index's list of files, and what the last syncs learnt of
    /// the others.
    fn list_indexed_files(&mut self) -> Result<()> {
        self.stored = self
            .syncer
            .index
            .stored_files()?
            .into_iter()
            .map(|file| (file.path.clone().into_os_string(), file))
            .collect();
        self.known = self.syncer.index.state.load_known();
        Ok(())
    }

    fn read_all(&mut self, files: &[ToRead]) -> Result<()> {
        let syncer = self.syncer;
        let options = &syncer.options;
        let pipeline = Pipeline {
            index: syncer.index,
            extractors: &syncer.extractors,
            limits: syncer.limits,
            worker: syncer.worker.as_ref(),
            interrupt: options.interrupt.as_ref(),
            threads: options.threads.unwrap_or_else(Pipeline::default_threads),
        };
        let mut since_commit = (0u64, Instant::now());
        pipeline.run(files, |done| {
            if syncer.interrupted() {
                self.report.interrupted = true;
                return Ok(false);
            }
            let file = &files[done.file];
            since_commit.0 += self.take(file, done.checked, done.prepared?)?;
            self.progress.file_done(&file.found.path, file.found.size);
            if since_commit.0 >= options.commit_every_bytes
                || since_commit.1.elapsed() >= options.commit_every
            {
                self.commit()?;
                since_commit = (0, Instant::now());
            }
            Ok(true)
        })
    }

    /// Takes what the pipeline made of one file into the index; how many
    /// bytes it read.
    fn take(&mut self, file: &ToRead, checked: SystemTime, prepared: Prepared) -> Result<u64> {
        let ToRead { found, is_new, .. } = file;
        let (document, body, bytes_read) = match prepared {
            Prepared::Document {
                document,
                body,
                bytes_read,
            } => (document, body, bytes_read),
            Prepared::Unchanged { bytes_read } => {
                self.report.bytes_read += bytes_read;
                self.report.count_indexed(&found.kind);
                if let Some(stored) = self.stored.get(found.path.as_os_str()) {
                    let document = Stamp::of_stored(stored);
                    // Only touched, or read again to be sure: the document is current.
                    self.remember(found, checked, Outcome::Current { document });
                }
                self.report.unchanged += 1;
                return Ok(bytes_read);
            }
            Prepared::Failed(error) => {
                self.failed(file, checked, error);
                return Ok(0);
            }
        };
        self.report.bytes_read += bytes_read;
        self.report.count_indexed(&found.kind);
        if document.body.trim().is_empty() {
            self.report.without_text += 1;
        }
        let freshness = Freshness {
            changed: found.changed,
            inode: found.inode,
            checked,
        };
        self.writer.add_analyzed(&document, &body, &freshness)?;
        if self.known.remove(found.path.as_os_str()).is_some() {
            self.known_changed = true;
        }
        if *is_new {
            self.report.added += 1;
        } else {
            self.report.updated += 1;
        }
        self.changed = true;
        Ok(bytes_read)
    }

    /// A file that could not be read: skipped (not something we index),
    /// left for the next sync, or failed.
    fn failed(&mut self, file: &ToRead, checked: SystemTime, error: ReadError) {
        let ToRead { found, is_new, .. } = file;
        if error.is_skip() {
            let reason = error.skip_reason();
            if let Some(reason) = &reason {
                self.progress.skipped(&found.path, reason);
            }
            let label = reason.map_or_else(|| error.to_string(), |r| r.label());
            self.remember(
                found,
                checked,
                Outcome::Skipped {
                    reason: label.clone(),
                },
            );
            self.report.count_skip(label);
            // No longer something we index (it became binary, say).
            self.remove_stale(found, *is_new);
            return;
        }
        if let ReadError::Interrupted { .. } = error {
            // Not read: the next sync reads it.
            self.report.interrupted = true;
            return;
        }
        // It changed since it was read: what the index holds is not what
        // the file says any more (a document overwritten by something
        // broken, or deleted), and must not be found. A file being written,
        // or a worker that failed, says nothing of the file: the next sync
        // reads it again.
        let transient = matches!(
            error,
            ReadError::ChangedWhileReading { .. } | ReadError::Worker { .. }
        );
        let message = error.to_string();
        self.report
            .count_failure(&found.path, message.clone(), self.progress);
        if !transient {
            self.remove_stale(found, *is_new);
            self.remember(found, checked, Outcome::Failed { message });
        }
    }

    /// Removes the document of a file that was indexed before and now
    /// gives no text.
    fn remove_stale(&mut self, found: &FoundFile, is_new: bool) {
        if !is_new {
            self.writer.delete(&found.path);
            self.report.removed += 1;
            self.changed = true;
        }
    }

    fn remember(&mut self, found: &FoundFile, checked: SystemTime, outcome: Outcome) {
        let known = Known {
            stamp: Stamp::of_found(found),
            checked: nanos(checked),
            outcome,
        };
        self.known
            .insert(found.path.clone().into_os_string(), known);
        self.known_changed = true;
    }

    /// Removes the documents of files the walks did not find.
    fn remove_gone(&mut self, walked: &Walked, roots: &RootsFile) {
        let all = RootSet::new(roots.paths());
        let complete: FxHashSet<&Path> = walked.complete.iter().map(PathBuf::as_path).collect();
        let unwalked: FxHashSet<&Path> = walked.unwalked.iter().map(PathBuf::as_path).collect();
        let gone = |key: &OsString| {
            let path = Path::new(key);
            all.owner(path).is_some_and(|root| complete.contains(root))
                && !is_under(&unwalked, path)
                && !walked.seen.contains(key)
        };
        for key in self.stored.keys().filter(|key| gone(key)) {
            self.writer.delete(Path::new(key));
            self.report.removed += 1;
            self.changed = true;
        }
        let before = self.known.len();
        self.known.retain(|key, _| !gone(key));
        self.known_changed |= self.known.len() != before;
    }

    fn verify(&mut self) -> Result<()> {
        if !self.verified {
            self.syncer.index.verify_checksums()?;
            self.verified = true;
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        // Even a commit that only records state goes through tantivy's
        // commit, which a damaged meta.json takes down.
        self.verify()?;
        if self.report.removed > 0 && !self.purge_marked {
            self.syncer.index.state.mark_purge_pending()?;
            self.purge_marked = true;
        }
        self.writer.commit_with_payload(&self.roots.to_payload())?;
        if self.known_changed {
            self.syncer.index.state.save_known(&self.known)?;
            self.known_changed = false;
        }
        Ok(())
    }
}

/// The roots with canonical paths, each once (the last options given win).
fn canonical_roots(roots: &[Root]) -> Result<Vec<Root>> {
    let mut canonical: Vec<Root> = Vec::new();
    let mut position: FxHashMap<PathBuf, usize> = FxHashMap::default();
    for root in roots {
        let path = root.path.canonicalize().map_err(Error::io(&root.path))?;
        let given = Root::with_options(path.clone(), root.options.clone());
        match position.get(&path) {
            Some(&at) => canonical[at] = given,
            None => {
                position.insert(path, canonical.len());
                canonical.push(given);
            }
        }
    }
    Ok(canonical)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_disk(dir: &Path, needle: &[u8]) -> bool {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries.flatten().any(|entry| {
                    let bytes = std::fs::read(entry.path()).unwrap_or_default();
                    bytes.windows(needle.len()).any(|w| w == needle)
                })
            })
            .unwrap_or(false)
    }

    #[test]
    fn text_left_by_a_writer_killed_before_its_purge_is_purged_by_the_next_sync() {
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("docs");
        std::fs::create_dir(&docs).unwrap();
        // Nine stay: one deleted in ten is below the share tantivy's merges purge.
        for i in 0..9 {
            std::fs::write(docs.join(format!("resta{i}.txt")), "Una quercia.\n").unwrap();
        }
        std::fs::write(docs.join("va.txt"), "Codice qzvkxwplmj.\n").unwrap();
        let index_dir = dir.path().join("index");
        let index = Index::create(&index_dir).unwrap();
        Syncer::new(&index)
            .sync(&[Root::new(&docs)], &mut NoProgress)
            .unwrap();
        std::fs::remove_file(docs.join("va.txt")).unwrap();
        // What a sync does up to its last commit, then a kill: no purge.
        let gone = docs.canonicalize().unwrap().join("va.txt");
        let mut writer = index.writer().unwrap();
        writer.delete(&gone);
        index.state.mark_purge_pending().unwrap();
        writer.commit().unwrap();
        drop(writer);
        assert!(on_disk(&index_dir, b"qzvkxwplmj"), "not purged yet");

        let report = Syncer::new(&index).sync(&[], &mut NoProgress).unwrap();
        assert_eq!(report.removed, 0, "{report:?}");
        assert!(
            !on_disk(&index_dir, b"qzvkxwplmj"),
            "purged by the next sync"
        );
        assert!(!index.state.purge_pending());
    }
}

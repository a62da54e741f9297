//! Writing documents: one per path, always.

use std::path::Path;
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use tantivy::indexer::UserOperation;
use tantivy::TantivyDocument;

use super::{datetime, day_to_datetime, key_term, path_bytes, Index};
use crate::analysis::{PreAnalyzed, PreAnalyzer};
use crate::error::Result;
use crate::Document;

/// How many times a purge waits for tantivy's own merges, and how long each time.
#[cfg(feature = "files")]
const PURGE_ATTEMPTS: u32 = 200;
#[cfg(feature = "files")]
const PURGE_RETRY: std::time::Duration = std::time::Duration::from_millis(50);

/// What the sync knows of a file besides what a [`Document`] says: enough to
/// tell, on the next sync, whether it may have changed unseen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Freshness {
    pub changed: SystemTime,
    pub inode: u64,
    /// When the sync started reading the file.
    pub checked: SystemTime,
}

/// Adds, replaces and deletes documents; changes become visible on [`commit`](IndexWriter::commit).
///
/// The index keeps one document per path: adding a document replaces any
/// other with the same path, in the same commit.
///
/// Adding and deleting take `&self`, so several threads can add documents to
/// one writer at once (each document's text is analyzed on the thread that
/// adds it); committing takes `&mut self`, once they are done.
///
/// ```
/// use cerca_core::{Document, Index, SearchOptions};
///
/// # fn main() -> cerca_core::Result<()> {
/// let index = Index::create_in_ram()?;
/// let mut writer = index.writer()?;
/// std::thread::scope(|scope| {
///     for thread in 0..4 {
///         let writer = &writer;
///         scope.spawn(move || {
///             let path = format!("nota-{thread}.txt");
///             writer.add(&Document::new(path, "Nota", "Le esercitazioni della settimana"))
///         });
///     }
/// });
/// writer.commit()?;
/// assert_eq!(index.search("esercitazione", &SearchOptions::default())?.total, 4);
/// # Ok(()) }
/// ```
pub struct IndexWriter<'a> {
    index: &'a Index,
    /// Adds and deletes share it (tantivy's take `&self`); a failed add
    /// takes it alone, to learn the cause from tantivy's threads.
    writer: RwLock<tantivy::IndexWriter>,
    /// Analyzers for documents added without their analysis (the sync's
    /// pipeline analyzes on its own threads), one per thread adding at the
    /// same time: each keeps its cache of stems between documents.
    analyzers: Mutex<Vec<PreAnalyzer>>,
}

impl std::fmt::Debug for IndexWriter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexWriter")
            .field("index", self.index)
            .finish_non_exhaustive()
    }
}

impl<'a> IndexWriter<'a> {
    pub(crate) fn new(index: &'a Index, writer: tantivy::IndexWriter) -> Self {
        IndexWriter {
            index,
            writer: RwLock::new(writer),
            analyzers: Mutex::new(Vec::new()),
        }
    }

    /// Adds a document, replacing any document with the same path.
    ///
    /// Several threads may add at once (see [`IndexWriter`]); two documents
    /// with the same path added at once leave one of them, never both.
    pub fn add(&self, document: &Document) -> Result<()> {
        let freshness = Freshness {
            changed: document.modified,
            inode: 0,
            // Never compared with its file: a sync reads it again.
            checked: UNIX_EPOCH,
        };
        let mut analyzer = self
            .analyzers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .unwrap_or_default();
        let body = analyzer.analyze(&document.body);
        self.analyzers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(analyzer);
        self.add_analyzed(document, &body, &freshness)
    }

    /// The same as [`add`](IndexWriter::add), which already replaces.
    pub fn replace(&self, document: &Document) -> Result<()> {
        self.add(document)
    }

    /// Adds a document whose body `body` is the analysis of.
    pub(crate) fn add_analyzed(
        &self,
        document: &Document,
        body: &PreAnalyzed,
        freshness: &Freshness,
    ) -> Result<()> {
        let doc = self.to_tantivy(document, body, freshness);
        // One batch: its delete and its add get consecutive stamps, so a
        // document of the same path added by another thread at the same
        // time is either deleted by this one or deletes it.
        let operations = [
            UserOperation::Delete(key_term(self.index.fields, &document.path)),
            UserOperation::Add(doc),
        ];
        let added = self.shared().run(operations);
        if let Err(error) = added {
            // An indexing thread died, and tantivy only says so: the cause
            // (a full disk, say) comes back when the threads are joined, as
            // a commit does. Nothing is committed: it fails, or is aborted.
            let mut writer = self.writer.write().unwrap_or_else(PoisonError::into_inner);
            let cause = match writer.prepare_commit() {
                Err(cause) => cause,
                Ok(prepared) => {
                    let _ = prepared.abort();
                    error
                }
            };
            let error = self.index.engine_error(cause);
            let _ = writer.rollback();
            return Err(error);
        }
        Ok(())
    }

    /// tantivy's writer, for what takes `&self` there.
    fn shared(&self) -> std::sync::RwLockReadGuard<'_, tantivy::IndexWriter> {
        self.writer.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// tantivy's writer, for what takes `&mut self` there (no lock is taken).
    fn exclusive(&mut self) -> &mut tantivy::IndexWriter {
        self.writer
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Removes the document with this path, if any.
    pub fn delete(&self, path: &Path) {
        self.shared().delete_term(key_term(self.index.fields, path));
    }

    /// Removes every document.
    pub fn delete_all(&self) -> Result<()> {
        self.shared()
            .delete_all_documents()
            .map_err(|e| self.index.engine_error(e))?;
        Ok(())
    }

    /// Makes the changes durable and visible to searches.
    ///
    /// On failure (a full disk, say) the changes since the last commit are
    /// dropped and the index stays as it was at the last commit; the files
    /// they had written are removed once the writer is dropped and another
    /// one is made ([`Index::writer`] removes them).
    pub fn commit(&mut self) -> Result<()> {
        if let Err(error) = self.exclusive().commit() {
            let error = self.index.engine_error(error);
            self.recover();
            return Err(error);
        }
        self.index.reload()
    }

    /// Commits with `payload` saved in tantivy's record of the commit.
    #[cfg(feature = "files")]
    pub(crate) fn commit_with_payload(&mut self, payload: &str) -> Result<()> {
        let committed = self.exclusive().prepare_commit().and_then(|mut prepared| {
            prepared.set_payload(payload);
            prepared.commit()
        });
        if let Err(error) = committed {
            let error = self.index.engine_error(error);
            self.recover();
            return Err(error);
        }
        self.index.reload()
    }

    /// Drops the changes made since the last commit.
    pub fn rollback(&mut self) -> Result<()> {
        let rolled_back = self.exclusive().rollback();
        rolled_back.map_err(|e| self.index.engine_error(e))?;
        Ok(())
    }

    /// Waits for background merges to end (they also end when the writer is dropped).
    pub fn finish(self) -> Result<()> {
        let index = self.index;
        self.writer
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .wait_merging_threads()
            .map_err(|e| index.engine_error(e))
    }

    /// Rewrites the segments holding deleted or replaced documents without
    /// them: until then their text is still in the index files.
    #[cfg(feature = "files")]
    pub(crate) fn purge_deleted(&mut self) -> Result<()> {
        let index = self.index;
        let engine = |e| index.engine_error(e);
        for attempt in 0.. {
            let with_deletes: Vec<_> = index
                .index
                .searchable_segment_metas()
                .map_err(engine)?
                .into_iter()
                .filter(|meta| meta.has_deletes())
                .map(|meta| meta.id())
                .collect();
            if with_deletes.is_empty() {
                break;
            }
            let merging = self.exclusive().merge(&with_deletes);
            match merging.wait() {
                Ok(_) => break,
                // tantivy's own merges (started by the last commit) hold some of
                // them: they drop deleted documents too; once they end, the
                // segments left are ours to rewrite.
                Err(tantivy::TantivyError::InvalidArgument(_)) if attempt < PURGE_ATTEMPTS => {
                    std::thread::sleep(PURGE_RETRY);
                }
                Err(error) => return Err(engine(error)),
            }
        }
        // Our searcher still holds the old segments; files in use are kept.
        index.reload()?;
        self.remove_leftover_files()
    }

    /// Removes the files no commit refers to: those of segments merged away,
    /// and those a writer that died (killed, disk full) left behind.
    pub(crate) fn remove_leftover_files(&self) -> Result<()> {
        self.shared()
            .garbage_collect_files()
            .wait()
            .map_err(|e| self.index.engine_error(e))?;
        if let Some(dir) = self.index.path() {
            remove_dead_temporaries(dir);
        }
        Ok(())
    }

    /// Removes every segment file the last commit does not list. Only for a
    /// writer that has written nothing yet (it holds the lock: no other
    /// writer exists, and readers use committed segments only): after a
    /// failure, tantivy's own cleanup may still count a dead writer's
    /// segment as alive.
    #[cfg(feature = "files")]
    pub(crate) fn remove_uncommitted_segments(&self) -> Result<()> {
        let Some(dir) = self.index.path() else {
            return Ok(());
        };
        let committed: std::collections::HashSet<String> = self
            .index
            .index
            .searchable_segment_metas()
            .map_err(|e| self.index.engine_error(e))?
            .iter()
            .map(|meta| meta.id().uuid_string())
            .collect();
        for entry in std::fs::read_dir(dir).map_err(crate::Error::io(dir))? {
            let path = entry.map_err(crate::Error::io(dir))?.path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let Some((segment, _)) = name.split_once('.') else {
                continue;
            };
            let is_segment = segment.len() == 32 && segment.bytes().all(|b| b.is_ascii_hexdigit());
            if is_segment && !committed.contains(segment) {
                let _ = std::fs::remove_file(&path);
            }
        }
        Ok(())
    }

    /// After a failed commit: back to the last commit.
    fn recover(&mut self) {
        let _ = self.exclusive().rollback();
    }

    fn to_tantivy(
        &self,
        document: &Document,
        body: &PreAnalyzed,
        freshness: &Freshness,
    ) -> TantivyDocument {
        let f = self.index.fields;
        let mut doc = TantivyDocument::new();
        doc.add_bytes(f.key, &path_bytes(&document.path));
        doc.add_text(f.path, document.path.to_string_lossy());
        doc.add_text(f.title, &document.title);
        doc.add_text(f.title_words, &document.title);
        doc.add_text(f.body, &body.terms);
        doc.add_text(f.body_words, &body.word_forms);
        doc.add_text(f.body_text, &document.body);
        if let Some(date) = document.date {
            doc.add_date(f.date, day_to_datetime(date));
        }
        doc.add_date(f.modified, datetime(document.modified));
        doc.add_u64(f.size, document.size);
        doc.add_bytes(f.hash, &document.hash.to_le_bytes());
        doc.add_text(f.kind, &document.kind);
        doc.add_date(f.changed, datetime(freshness.changed));
        doc.add_u64(f.inode, freshness.inode);
        doc.add_date(f.checked, datetime(freshness.checked));
        doc.add_u64(f.fingerprint, crate::semantic::fingerprint(document));
        doc
    }
}

/// Removes the temporary files of writes a killed process never finished:
/// tantivy's (`.tmp…`: only a writer makes them, and this one holds the
/// lock) and cerca's own (`.NAME.PID.tmp`, once that process is gone).
/// Best effort.
fn remove_dead_temporaries(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if is_dead_temporary(name, process_is_alive) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn is_dead_temporary(name: &str, alive: impl Fn(u32) -> bool) -> bool {
    if !name.starts_with('.') {
        return false;
    }
    if let Some(pid) = name
        .strip_suffix(".tmp")
        .and_then(|rest| rest.rsplit_once('.'))
        .and_then(|(_, pid)| pid.parse::<u32>().ok())
    {
        return !alive(pid);
    }
    name.starts_with(".tmp")
}

#[cfg(target_os = "linux")]
fn process_is_alive(pid: u32) -> bool {
    std::path::Path::new("/proc").join(pid.to_string()).exists()
}

/// Without a cheap way to tell, every process is taken for alive.
#[cfg(not(target_os = "linux"))]
fn process_is_alive(_pid: u32) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::is_dead_temporary;

    #[test]
    fn only_temporaries_of_dead_writers_are_removed() {
        let alive = |pid: u32| pid == 42;
        assert!(is_dead_temporary(".tmpA1b2C3", alive));
        assert!(is_dead_temporary(".cerca-roots.json.7.tmp", alive));
        assert!(!is_dead_temporary(".cerca-roots.json.42.tmp", alive));
        assert!(!is_dead_temporary("meta.json", alive));
        assert!(!is_dead_temporary(".managed.json", alive));
        assert!(!is_dead_temporary(".tantivy-writer.lock", alive));
        assert!(!is_dead_temporary("note.tmp", alive));
    }
}

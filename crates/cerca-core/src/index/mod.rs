//! Storage: creating, opening, checking and writing a cerca index.
//!
//! An index directory holds tantivy's files, the marker `cerca-index.json`
//! (format version), and the sync's own state (see [`crate::sync`]). Every
//! file in it is created 0600 and the directory is 0700 ([`private`]).

mod check;
mod convert;
mod directory;
pub(crate) mod private;
mod writer;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tantivy::schema::Value;
use tantivy::{IndexReader, ReloadPolicy, TantivyDocument, Term};

use crate::analysis::{self, StopWords};
use crate::error::{Error, Result};
use crate::schema::Fields;
use crate::semantic::IndexVectors;
use crate::sync::state::StateStore;
use crate::Document;

pub use check::CheckReport;
pub(crate) use convert::{
    datetime, datetime_to_day, day_to_datetime, nanos, path_bytes, path_from_bytes, system_time,
};
use directory::PrivateDirectory;
#[cfg(feature = "files")]
pub(crate) use writer::Freshness;
pub use writer::IndexWriter;

/// The on-disk format this version writes and reads.
pub const FORMAT_VERSION: u32 = 5;
/// The file that marks a directory as a cerca index.
pub(crate) const MARKER_FILE: &str = crate::read::INDEX_MARKER_FILE;
/// tantivy's record of the last commit.
pub(crate) const META_FILE: &str = "meta.json";
/// Memory the writer may use per indexing thread.
const WRITER_MEMORY_PER_THREAD: usize = 128 << 20;
/// The share of deleted documents that makes a segment worth rewriting.
const DELETED_SHARE_BEFORE_MERGE: f32 = 0.2;
/// How often a writer waiting for another process's lock tries again.
const LOCK_RETRY: Duration = Duration::from_millis(200);

#[derive(Serialize, Deserialize)]
struct Marker {
    format: u32,
    created_by: String,
}

impl Marker {
    fn current() -> Marker {
        Marker {
            format: FORMAT_VERSION,
            created_by: format!("cerca {}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// A searchable collection of documents, on disk or in memory.
///
/// ```
/// use cerca_core::{Document, Index, SearchOptions};
///
/// # fn main() -> cerca_core::Result<()> {
/// let index = Index::create_in_ram()?;
/// let mut writer = index.writer()?;
/// writer.add(&Document::new("a.txt", "Esercitazioni", "Le esercitazioni militari dell'esercito"))?;
/// writer.commit()?;
/// let results = index.search("esercitazione militare", &SearchOptions::default())?;
/// assert_eq!(results.total, 1);
/// # Ok(()) }
/// ```
pub struct Index {
    pub(crate) index: tantivy::Index,
    pub(crate) fields: Fields,
    pub(crate) reader: IndexReader,
    pub(crate) stopwords: StopWords,
    pub(crate) state: StateStore,
    pub(crate) vectors: IndexVectors,
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Index {
    /// Creates a new index in `dir` (made if missing, readable by its owner only).
    ///
    /// Fails if `dir` already holds an index or any other file. The index is
    /// made whole in a private folder beside `dir`, then renamed to `dir`: a
    /// process killed meanwhile leaves no half-made index, and of several
    /// processes creating the same index at once exactly one succeeds (the
    /// others get [`Error::NotAnIndex`] "an index already exists there").
    pub fn create(dir: &Path) -> Result<Index> {
        if dir.exists() {
            let empty = fs::read_dir(dir).map_err(Error::io(dir))?.next().is_none();
            if !empty {
                if !creation_was_interrupted(dir) {
                    return Err(already_there(dir));
                }
                // Only a marker (and maybe roots): made again where it is.
                populate_new_index(dir).map_err(|error| match error {
                    Error::Engine(tantivy::TantivyError::IndexAlreadyExists) => already_there(dir),
                    other => other,
                })?;
                return Index::open(dir);
            }
        }
        let parent = match dir.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        private::create_private_dirs(parent)?;
        remove_abandoned_staging(parent, dir);
        let staging = staging_dir(parent, dir)?;
        let made = populate_new_index(&staging).and_then(|()| {
            // Replaces `dir` only if it is missing or an empty directory.
            fs::rename(&staging, dir).map_err(|error| match error.kind() {
                std::io::ErrorKind::DirectoryNotEmpty | std::io::ErrorKind::AlreadyExists => {
                    already_there(dir)
                }
                _ => Error::io(dir)(error),
            })
        });
        if let Err(error) = made {
            let _ = fs::remove_dir_all(&staging);
            return Err(error);
        }
        Index::open(dir)
    }

    /// Opens the index in `dir`.
    ///
    /// A missing directory, a directory that is not a cerca index, an index
    /// of another format and damaged files are each a distinct [`Error`];
    /// opening never changes or deletes anything.
    pub fn open(dir: &Path) -> Result<Index> {
        crate::error::guard_panics(dir, "opening the index", || Index::open_unguarded(dir))
    }

    fn open_unguarded(dir: &Path) -> Result<Index> {
        if !dir.exists() {
            return Err(Error::NoIndex { path: dir.into() });
        }
        if !dir.is_dir() {
            return Err(Error::NotAnIndex {
                path: dir.into(),
                reason: "it is a file, not an index directory".into(),
            });
        }
        let marker = read_marker(dir)?;
        if creation_was_interrupted(dir) {
            return Err(Error::NoIndex { path: dir.into() });
        }
        if marker.format != FORMAT_VERSION {
            return Err(Error::IncompatibleIndex {
                path: dir.into(),
                found: marker.format.to_string(),
                expected: FORMAT_VERSION,
            });
        }
        let index = open_tantivy(dir)?;
        let fields = Fields::find(&index.schema()).ok_or_else(|| Error::IncompatibleIndex {
            path: dir.into(),
            found: format!("{} with another schema", marker.format),
            expected: FORMAT_VERSION,
        })?;
        Index::wrap(index, fields, Some(dir.to_path_buf()))
    }

    /// Opens the index in `dir`, creating it if there is none.
    ///
    /// Safe to call from several processes at once: one creates the index,
    /// the others open it.
    pub fn open_or_create(dir: &Path) -> Result<Index> {
        match Index::open(dir) {
            Err(Error::NoIndex { .. }) => match Index::create(dir) {
                // Another process created it in between.
                Err(Error::NotAnIndex { .. }) if dir.join(MARKER_FILE).exists() => Index::open(dir),
                created => created,
            },
            other => other,
        }
    }

    /// Creates an index held in memory only.
    pub fn create_in_ram() -> Result<Index> {
        let (schema, fields) = Fields::build();
        Index::wrap(tantivy::Index::create_in_ram(schema), fields, None)
    }

    fn wrap(index: tantivy::Index, fields: Fields, path: Option<PathBuf>) -> Result<Index> {
        analysis::register(index.tokenizers());
        let display = path.clone().unwrap_or_else(|| PathBuf::from("(in memory)"));
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| Error::from_engine(display, e))?;
        let state = match &path {
            Some(dir) => StateStore::in_dir(dir),
            None => StateStore::in_memory(),
        };
        let vectors = match &path {
            Some(dir) => IndexVectors::in_dir(dir),
            None => IndexVectors::in_memory(),
        };
        Ok(Index {
            index,
            fields,
            reader,
            stopwords: StopWords::italian(),
            state,
            vectors,
            path,
        })
    }

    /// The index directory, or `None` for an index in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// How many documents the last reloaded commit holds.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Makes searches see the latest commit (of this or another process).
    pub fn reload(&self) -> Result<()> {
        crate::error::guard_panics(&self.display_path(), "opening the last commit", || {
            self.reader.reload().map_err(|e| self.engine_error(e))
        })
    }

    /// Starts writing. Only one writer can exist per index at a time, across
    /// processes: another one gets [`Error::IndexBusy`].
    ///
    /// The writer sees the latest commit, of whatever process: this index's
    /// searches are reloaded to it, and files left by a writer that died
    /// (a kill, a full disk) are removed.
    pub fn writer(&self) -> Result<IndexWriter<'_>> {
        if let Some(dir) = self.path() {
            private::make_dir_private(dir).map_err(|error| match error {
                Error::Io { source, .. } if crate::error::cannot_write(&source) => {
                    Error::ReadOnly {
                        path: dir.to_path_buf(),
                        source: std::sync::Arc::new(source),
                    }
                }
                other => other,
            })?;
        }
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let options = tantivy::indexer::IndexWriterOptions::builder()
            .num_worker_threads(threads)
            .memory_budget_per_thread(WRITER_MEMORY_PER_THREAD)
            .build();
        let writer: tantivy::IndexWriter = self
            .index
            .writer_with_options(options)
            .map_err(|e| self.engine_error(e))?;
        writer.set_merge_policy(Box::new(merge_policy()));
        let writer = IndexWriter::new(self, writer);
        writer.remove_leftover_files()?;
        self.reload_if_changed()?;
        Ok(writer)
    }

    /// A writer; while another process holds the lock, waits for it if `wait`
    /// is set (until `interrupted` turns true, if given), else fails with
    /// [`Error::IndexBusy`].
    pub fn writer_waiting(
        &self,
        wait: bool,
        interrupted: Option<&std::sync::atomic::AtomicBool>,
    ) -> Result<IndexWriter<'_>> {
        loop {
            match self.writer() {
                Err(Error::IndexBusy { .. })
                    if wait
                        && !interrupted
                            .is_some_and(|flag| flag.load(std::sync::atomic::Ordering::SeqCst)) =>
                {
                    std::thread::sleep(LOCK_RETRY)
                }
                other => return other,
            }
        }
    }

    /// Reloads only if another commit than the one searched is on disk:
    /// opening every segment again costs milliseconds.
    fn reload_if_changed(&self) -> Result<()> {
        let on_disk: std::collections::BTreeMap<_, _> = self
            .index
            .searchable_segment_metas()
            .map_err(|e| self.engine_error(e))?
            .iter()
            .map(|meta| (meta.id(), meta.delete_opstamp()))
            .collect();
        if self.reader.searcher().generation().segments() == &on_disk {
            return Ok(());
        }
        self.reload()
    }

    pub(crate) fn display_path(&self) -> PathBuf {
        self.path
            .clone()
            .unwrap_or_else(|| PathBuf::from("(in memory)"))
    }

    /// An engine error in words: damage, a full disk and a busy lock are
    /// told apart from the rest.
    pub(crate) fn engine_error(&self, error: tantivy::TantivyError) -> Error {
        Error::from_engine(self.display_path(), error)
    }

    /// The content hash stored for the document at `path`, if it is indexed.
    pub fn stored_hash(&self, path: &Path) -> Result<Option<u128>> {
        crate::error::guard_panics(&self.display_path(), "reading a stored document", || {
            self.read_stored_hash(path)
        })
    }

    fn read_stored_hash(&self, path: &Path) -> Result<Option<u128>> {
        Ok(self.stored_doc(path)?.and_then(|doc| {
            doc.get_first(self.fields.hash)
                .and_then(|v| v.as_bytes())
                .and_then(|b| <[u8; 16]>::try_from(b).ok())
                .map(u128::from_le_bytes)
        }))
    }

    /// The document of `path` as the index stores it (its text as read, not
    /// the file as it is now), if it is indexed: for showing a hit's text.
    /// Nothing is read from the file system.
    pub fn document(&self, path: &Path) -> Result<Option<Document>> {
        crate::error::guard_panics(&self.display_path(), "reading a stored document", || {
            let Some(doc) = self.stored_doc(path)? else {
                return Ok(None);
            };
            let mut document = self.document_of(&doc);
            document.path = path.to_path_buf();
            Ok(Some(document))
        })
    }

    /// Calls `each` with every document of the index, as [`Index::document`]
    /// gives it, one at a time (memory stays that of one document), in the
    /// order of the index's segments. Stops at the first error `each` returns.
    /// Returns how many documents were given.
    ///
    /// This is how an index is exported to another engine (see [`crate::export`]).
    pub fn for_each_document(&self, mut each: impl FnMut(Document) -> Result<()>) -> Result<u64> {
        crate::error::guard_panics(&self.display_path(), "reading the stored documents", || {
            let searcher = self.reader.searcher();
            let mut given = 0;
            for segment in searcher.segment_readers() {
                let store = segment
                    .get_store_reader(1)
                    .map_err(Error::io(self.display_path()))?;
                for doc_id in segment.doc_ids_alive() {
                    let doc: TantivyDocument =
                        store.get(doc_id).map_err(|e| self.engine_error(e))?;
                    each(self.document_of(&doc))?;
                    given += 1;
                }
            }
            Ok(given)
        })
    }

    /// A stored document's fields: the hit's, as a search reads them; then its text and hash.
    fn document_of(&self, doc: &TantivyDocument) -> Document {
        let hit = self.hit(doc, 0, None, None);
        let f = self.fields;
        Document {
            path: hit.path,
            title: hit.title,
            body: doc
                .get_first(f.body_text)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned(),
            date: hit.date,
            modified: hit.modified,
            size: hit.size,
            hash: doc
                .get_first(f.hash)
                .and_then(|v| v.as_bytes())
                .and_then(|b| <[u8; 16]>::try_from(b).ok())
                .map_or(0, u128::from_le_bytes),
            kind: hit.kind,
        }
    }

    fn stored_doc(&self, path: &Path) -> Result<Option<TantivyDocument>> {
        let searcher = self.reader.searcher();
        let query = tantivy::query::TermQuery::new(
            key_term(self.fields, path),
            tantivy::schema::IndexRecordOption::Basic,
        );
        let found = searcher
            .search(
                &query,
                &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
            )
            .map_err(|e| self.engine_error(e))?;
        let Some(&(_, address)) = found.first() else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(address).map_err(|e| self.engine_error(e))?;
        Ok(Some(doc))
    }

    /// What the index records of every indexed document's file, to tell
    /// whether it changed.
    ///
    /// Read from columns, without touching the stored text: this is what
    /// keeps a sync with nothing to do fast. Damaged columns are an
    /// [`Error::CorruptIndex`], never a panic.
    pub fn stored_files(&self) -> Result<Vec<StoredFile>> {
        crate::error::guard_panics(&self.display_path(), "reading the document list", || {
            self.read_stored_files()
        })
    }

    fn read_stored_files(&self) -> Result<Vec<StoredFile>> {
        let searcher = self.reader.searcher();
        let mut files = Vec::with_capacity(usize::try_from(searcher.num_docs()).unwrap_or(0));
        let missing = |column: &str| Error::CorruptIndex {
            path: self.display_path(),
            reason: format!("the {column} column is missing"),
        };
        for segment in searcher.segment_readers() {
            let columns = segment.fast_fields();
            let engine = |e| self.engine_error(e);
            let keys = columns
                .bytes("key")
                .map_err(engine)?
                .ok_or_else(|| missing("key"))?;
            let modified = columns.date("modified").map_err(engine)?;
            let changed = columns.date("changed").map_err(engine)?;
            let checked = columns.date("checked").map_err(engine)?;
            let size = columns.u64("size").map_err(engine)?;
            let inode = columns.u64("inode").map_err(engine)?;
            // One pass over the sorted keys beats a dictionary lookup per document.
            let mut paths_by_ord = Vec::new();
            let mut stream = keys
                .dictionary()
                .stream()
                .map_err(Error::io(self.display_path()))?;
            while stream.advance() {
                paths_by_ord.push(path_from_bytes(stream.key()));
            }
            for doc in segment.doc_ids_alive() {
                let Some(path) = keys
                    .term_ords(doc)
                    .next()
                    .and_then(|ord| paths_by_ord.get(usize::try_from(ord).ok()?))
                else {
                    continue;
                };
                let instant = |column: &tantivy::columnar::Column<tantivy::DateTime>| {
                    column.first(doc).map_or(UNIX_EPOCH, system_time)
                };
                files.push(StoredFile {
                    path: path.clone(),
                    size: size.first(doc).unwrap_or(0),
                    modified: instant(&modified),
                    changed: instant(&changed),
                    inode: inode.first(doc).unwrap_or(0),
                    checked: instant(&checked),
                });
            }
        }
        Ok(files)
    }

    /// Fails with [`Error::CorruptIndex`] when a file of the last commit
    /// does not match its checksum. Syncs call it before they change
    /// documents, so that damage is reported instead of written over.
    pub fn verify_checksums(&self) -> Result<()> {
        check::verify_checksums(self)
    }

    /// Verifies every file of the index: see [`CheckReport`].
    pub fn check(dir: &Path) -> CheckReport {
        check::check(dir)
    }

    /// Empties the index in `dir` of its documents, keeping the folders it
    /// syncs (and their options), with `roots` added, so that the next sync
    /// reads them all again.
    ///
    /// For an index that is damaged or of another format. Its folders come
    /// from `cerca-roots.json`, else from the copy saved with the last sync's
    /// commit (where cerca 0.1 kept them too); when both are lost and no
    /// `roots` are given, it fails with [`Error::RootsLost`] and changes
    /// nothing. Fails with [`Error::IndexBusy`] while another process writes
    /// to it, and with [`Error::NotAnIndex`] if `dir` is not a cerca index.
    pub fn rebuild(dir: &Path, roots: &[crate::Root]) -> Result<Index> {
        check::rebuild(dir, roots)
    }
}

/// tantivy's default policy, but a segment a fifth of whose documents were
/// replaced or deleted is rewritten without them: the old text of changed
/// files does not stay on disk for ever.
fn merge_policy() -> tantivy::merge_policy::LogMergePolicy {
    let mut policy = tantivy::merge_policy::LogMergePolicy::default();
    policy.set_del_docs_ratio_before_merge(DELETED_SHARE_BEFORE_MERGE);
    policy
}

/// What the index remembers of a file, to tell whether it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StoredFile {
    /// The document's path.
    pub path: PathBuf,
    /// The file's size when it was read.
    pub size: u64,
    /// Its modification time then.
    pub modified: SystemTime,
    /// Its status-change time then (see [`FoundFile::changed`](crate::read::FoundFile::changed)).
    pub changed: SystemTime,
    /// Its inode then.
    pub inode: u64,
    /// When the sync that indexed it started reading it (the Unix epoch for a
    /// document added by hand): a file changed within the file system's clock
    /// tick of this instant may have changed again unseen.
    pub checked: SystemTime,
}

pub(crate) fn key_term(fields: Fields, path: &Path) -> Term {
    Term::from_field_bytes(fields.key, &path_bytes(path))
}

fn already_there(dir: &Path) -> Error {
    Error::NotAnIndex {
        path: dir.into(),
        reason: if dir.join(MARKER_FILE).exists() {
            "an index already exists there".into()
        } else {
            "the directory is not empty".into()
        },
    }
}

fn read_marker(dir: &Path) -> Result<Marker> {
    let bytes = match fs::read(dir.join(MARKER_FILE)) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let empty = fs::read_dir(dir).map_err(Error::io(dir))?.next().is_none();
            return Err(if empty {
                Error::NoIndex { path: dir.into() }
            } else if dir.join(META_FILE).exists() {
                Error::NotAnIndex {
                    path: dir.into(),
                    reason: "a tantivy index not written by cerca".into(),
                }
            } else {
                Error::NotAnIndex {
                    path: dir.into(),
                    reason: format!("no {MARKER_FILE}"),
                }
            });
        }
        Err(e) => return Err(Error::io(dir.join(MARKER_FILE))(e)),
    };
    serde_json::from_slice(&bytes).map_err(|e| Error::CorruptIndex {
        path: dir.into(),
        reason: format!("{MARKER_FILE}: {e}"),
    })
}

/// tantivy's index in `dir`, without a reader (opening none of its segments).
fn open_tantivy(dir: &Path) -> Result<tantivy::Index> {
    let directory = PrivateDirectory::open(dir).map_err(|e| Error::CorruptIndex {
        path: dir.into(),
        reason: e.to_string(),
    })?;
    tantivy::Index::open(directory).map_err(|e| Error::from_engine(dir.to_path_buf(), e))
}

/// How new indexes store their documents' text: zstd (level 3) in blocks of
/// 4 KiB. On the bulk corpus zstd took the index from 0.91× to 0.72× its
/// input (the stored text was 60% of it), at the same indexing time and
/// snippet latency as lz4. A hit decompresses its whole block: with 4 KiB
/// blocks instead of tantivy's 16 KiB, a search printing ten snippets as a
/// process took 0.2–0.4 ms less (of 3), for an index 2.9% larger (0.695×
/// instead of 0.676×). Indexes made before keep their settings, and are
/// read as before.
fn index_settings() -> tantivy::IndexSettings {
    tantivy::IndexSettings {
        docstore_compression: tantivy::store::Compressor::Zstd(tantivy::store::ZstdCompressor {
            compression_level: Some(3),
        }),
        docstore_blocksize: STORED_TEXT_BLOCK_BYTES,
        ..tantivy::IndexSettings::default()
    }
}

/// The size of a block of stored text before compression (see [`index_settings`]).
const STORED_TEXT_BLOCK_BYTES: usize = 4 << 10;

/// An empty tantivy index in `dir`, then the marker: until the marker says
/// this format, an index being rebuilt in place still reads as the old one.
fn populate_new_index(dir: &Path) -> Result<()> {
    let (schema, _) = Fields::build();
    let directory = PrivateDirectory::open(dir).map_err(|e| Error::CorruptIndex {
        path: dir.into(),
        reason: e.to_string(),
    })?;
    tantivy::Index::create(directory, schema, index_settings()).map_err(|e| match e {
        tantivy::TantivyError::IndexAlreadyExists => Error::Engine(e),
        e => Error::from_engine(dir.to_path_buf(), e),
    })?;
    let marker =
        serde_json::to_vec_pretty(&Marker::current()).map_err(|e| Error::io(dir)(e.into()))?;
    private::write_atomically(&dir.join(MARKER_FILE), &marker)
}

/// A new private, empty directory beside `dir`, named after it.
fn staging_dir(parent: &Path, dir: &Path) -> Result<PathBuf> {
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    for attempt in 0u32.. {
        let staging = parent.join(format!(
            ".{name}.new-{}-{nanos}-{attempt}",
            std::process::id()
        ));
        let mut builder = fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        match builder.create(&staging) {
            Ok(()) => return Ok(staging),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {}
            Err(e) => return Err(Error::io(staging)(e)),
        }
    }
    unreachable!("the loop returns")
}

/// Removes the staging folders beside `dir` of creators that were killed
/// (their process is gone): they hold no documents, only a first commit.
fn remove_abandoned_staging(parent: &Path, dir: &Path) {
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    let prefix = format!(".{name}.new-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| !process_alive(pid)) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let sent = unsafe { libc::kill(pid, 0) };
    sent == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// Whether a process creating an index in `dir` died between writing the
/// marker and tantivy's first `meta.json` (cerca 0.1 created indexes in
/// place), or a rebuild died after clearing it: such a directory holds no
/// documents (maybe roots, which are kept).
fn creation_was_interrupted(dir: &Path) -> bool {
    dir.join(MARKER_FILE).is_file() && !dir.join(META_FILE).exists()
}

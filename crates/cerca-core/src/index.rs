//! Creating, opening and writing a cerca index.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tantivy::directory::MmapDirectory;
use tantivy::schema::Value;
use tantivy::{IndexReader, ReloadPolicy, TantivyDocument, Term};

use crate::analysis::{self, StopWords};
use crate::error::{Error, Result};
use crate::schema::Fields;
use crate::Document;

/// The on-disk format this version writes and reads.
pub const FORMAT_VERSION: u32 = 2;
/// The file that marks a directory as a cerca index.
const MARKER_FILE: &str = "cerca-index.json";
/// Memory the writer may use per indexing thread.
const WRITER_MEMORY_PER_THREAD: usize = 128 << 20;

#[derive(Serialize, Deserialize)]
struct Marker {
    format: u32,
    created_by: String,
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
    pub(crate) stopwords: Arc<StopWords>,
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
    /// Fails if `dir` already holds an index or any other file.
    pub fn create(dir: &Path) -> Result<Index> {
        create_private_dir(dir)?;
        let not_empty = fs::read_dir(dir).map_err(Error::io(dir))?.next().is_some();
        if not_empty && !creation_was_interrupted(dir) {
            return Err(if dir.join(MARKER_FILE).exists() {
                Error::NotAnIndex {
                    path: dir.into(),
                    reason: "an index already exists there".into(),
                }
            } else {
                Error::NotAnIndex {
                    path: dir.into(),
                    reason: "the directory is not empty".into(),
                }
            });
        }
        let marker = Marker {
            format: FORMAT_VERSION,
            created_by: format!("cerca {}", env!("CARGO_PKG_VERSION")),
        };
        let marker = serde_json::to_vec_pretty(&marker).map_err(|e| Error::io(dir)(e.into()))?;
        write_private_file(&dir.join(MARKER_FILE), &marker)?;
        let (schema, fields) = Fields::build();
        let directory = MmapDirectory::open(dir).map_err(|e| Error::CorruptIndex {
            path: dir.into(),
            reason: e.to_string(),
        })?;
        let index = tantivy::Index::create(directory, schema, tantivy::IndexSettings::default())?;
        Index::wrap(index, fields, Some(dir.to_path_buf()))
    }

    /// Opens the index in `dir`.
    ///
    /// A missing directory, a directory that is not a cerca index, an index
    /// of another format and damaged files are each a distinct [`Error`];
    /// opening never changes or deletes anything.
    pub fn open(dir: &Path) -> Result<Index> {
        if !dir.is_dir() {
            return Err(Error::NoIndex { path: dir.into() });
        }
        let marker = match fs::read(dir.join(MARKER_FILE)) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let empty = fs::read_dir(dir).map_err(Error::io(dir))?.next().is_none();
                return Err(if empty {
                    Error::NoIndex { path: dir.into() }
                } else if dir.join("meta.json").exists() {
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
        let marker: Marker = serde_json::from_slice(&marker).map_err(|e| Error::CorruptIndex {
            path: dir.into(),
            reason: format!("{MARKER_FILE}: {e}"),
        })?;
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
        let corrupt = |reason: String| Error::CorruptIndex {
            path: dir.into(),
            reason,
        };
        let directory = MmapDirectory::open(dir).map_err(|e| corrupt(e.to_string()))?;
        let index = tantivy::Index::open(directory).map_err(|e| corrupt(e.to_string()))?;
        let fields = Fields::find(&index.schema()).ok_or_else(|| Error::IncompatibleIndex {
            path: dir.into(),
            found: format!("{} with another schema", marker.format),
            expected: FORMAT_VERSION,
        })?;
        Index::wrap(index, fields, Some(dir.to_path_buf()))
    }

    /// Opens the index in `dir`, creating it if there is none.
    pub fn open_or_create(dir: &Path) -> Result<Index> {
        match Index::open(dir) {
            Err(Error::NoIndex { .. }) => Index::create(dir),
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
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Index {
            index,
            fields,
            reader,
            stopwords: Arc::new(StopWords::italian()),
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
        Ok(self.reader.reload()?)
    }

    /// Starts writing. Only one writer can exist per index at a time, across processes.
    pub fn writer(&self) -> Result<IndexWriter<'_>> {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4);
        let options = tantivy::indexer::IndexWriterOptions::builder()
            .num_worker_threads(threads)
            .memory_budget_per_thread(WRITER_MEMORY_PER_THREAD)
            .build();
        let writer = self
            .index
            .writer_with_options(options)
            .map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => Error::IndexBusy {
                    path: self.display_path(),
                },
                other => Error::Engine(other),
            })?;
        Ok(IndexWriter {
            index: self,
            writer,
        })
    }

    pub(crate) fn display_path(&self) -> PathBuf {
        self.path
            .clone()
            .unwrap_or_else(|| PathBuf::from("(in memory)"))
    }

    /// The user data saved with the last commit (see [`IndexWriter::commit_with_data`]).
    pub fn commit_data(&self) -> Result<Option<String>> {
        Ok(self.index.load_metas()?.payload)
    }

    /// The content hash stored for the document at `path`, if it is indexed.
    pub fn stored_hash(&self, path: &Path) -> Result<Option<u128>> {
        let searcher = self.reader.searcher();
        let query = tantivy::query::TermQuery::new(
            key_term(self.fields, path),
            tantivy::schema::IndexRecordOption::Basic,
        );
        let found = searcher.search(
            &query,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )?;
        let Some(&(_, address)) = found.first() else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(address)?;
        Ok(doc
            .get_first(self.fields.hash)
            .and_then(|v| v.as_bytes())
            .and_then(|b| <[u8; 16]>::try_from(b).ok())
            .map(u128::from_le_bytes))
    }

    /// Path, size and modification time of every indexed document.
    ///
    /// Read from columns, without touching the stored text: this is what
    /// keeps a sync with nothing to do fast.
    pub fn stored_files(&self) -> Result<Vec<StoredFile>> {
        let searcher = self.reader.searcher();
        let mut files = Vec::with_capacity(searcher.num_docs() as usize);
        for segment in searcher.segment_readers() {
            let columns = segment.fast_fields();
            let keys = columns.bytes("key")?.ok_or_else(|| Error::CorruptIndex {
                path: self.display_path(),
                reason: "the key column is missing".into(),
            })?;
            let modified = columns.date("modified")?;
            let size = columns.u64("size")?;
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
                    .and_then(|ord| paths_by_ord.get(ord as usize))
                else {
                    continue;
                };
                files.push(StoredFile {
                    path: path.clone(),
                    modified: modified.first(doc).map_or(UNIX_EPOCH, system_time),
                    size: size.first(doc).unwrap_or(0),
                });
            }
        }
        Ok(files)
    }
}

/// What the index remembers of a file, to tell whether it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub path: PathBuf,
    pub modified: SystemTime,
    pub size: u64,
}

/// Adds, replaces and deletes documents; changes become visible on [`commit`](IndexWriter::commit).
pub struct IndexWriter<'a> {
    index: &'a Index,
    writer: tantivy::IndexWriter,
}

impl IndexWriter<'_> {
    /// Adds a document. Use [`replace`](IndexWriter::replace) if its path may already be indexed.
    pub fn add(&mut self, document: &Document) -> Result<()> {
        self.writer.add_document(self.to_tantivy(document))?;
        Ok(())
    }

    /// Adds a document, removing any document with the same path.
    pub fn replace(&mut self, document: &Document) -> Result<()> {
        self.delete(&document.path);
        self.add(document)
    }

    /// Removes the document with this path, if any.
    pub fn delete(&mut self, path: &Path) {
        self.writer.delete_term(key_term(self.index.fields, path));
    }

    /// Removes every document.
    pub fn delete_all(&mut self) -> Result<()> {
        self.writer.delete_all_documents()?;
        Ok(())
    }

    /// Makes the changes durable and visible to searches.
    pub fn commit(&mut self) -> Result<()> {
        self.writer.commit()?;
        self.after_commit()
    }

    /// Commits, storing `data` with the commit (read back by [`Index::commit_data`]).
    pub fn commit_with_data(&mut self, data: &str) -> Result<()> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(data);
        prepared.commit()?;
        self.after_commit()
    }

    fn after_commit(&mut self) -> Result<()> {
        if let Some(dir) = self.index.path() {
            make_files_private(dir)?;
        }
        self.index.reload()
    }

    /// Drops the changes made since the last commit.
    pub fn rollback(&mut self) -> Result<()> {
        self.writer.rollback()?;
        Ok(())
    }

    /// Waits for background merges to end (they also end when the writer is dropped).
    pub fn finish(self) -> Result<()> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }

    fn to_tantivy(&self, document: &Document) -> TantivyDocument {
        let f = self.index.fields;
        let mut doc = TantivyDocument::new();
        doc.add_bytes(f.key, &path_bytes(&document.path));
        doc.add_text(f.path, document.path.to_string_lossy());
        doc.add_text(f.title, &document.title);
        doc.add_text(f.title_words, &document.title);
        doc.add_text(f.body, &document.body);
        doc.add_text(f.body_words, &document.body);
        if let Some(date) = document.date {
            doc.add_date(f.date, day_to_datetime(date));
        }
        doc.add_date(f.modified, datetime(document.modified));
        doc.add_u64(f.size, document.size);
        doc.add_bytes(f.hash, &document.hash.to_le_bytes());
        doc.add_text(f.kind, &document.kind);
        doc
    }
}

fn key_term(fields: Fields, path: &Path) -> Term {
    Term::from_field_bytes(fields.key, &path_bytes(path))
}

#[cfg(unix)]
pub(crate) fn path_bytes(path: &Path) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
pub(crate) fn path_bytes(path: &Path) -> Vec<u8> {
    path.to_string_lossy().into_owned().into_bytes()
}

#[cfg(unix)]
pub(crate) fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(OsString::from_vec(bytes.to_vec()))
}

#[cfg(not(unix))]
pub(crate) fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(OsString::from(String::from_utf8_lossy(bytes).into_owned()))
}

pub(crate) fn datetime(time: SystemTime) -> tantivy::DateTime {
    let seconds = match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_secs() as i64,
        Err(before) => -(before.duration().as_secs() as i64),
    };
    tantivy::DateTime::from_timestamp_secs(seconds)
}

pub(crate) fn system_time(time: tantivy::DateTime) -> SystemTime {
    let seconds = time.into_timestamp_secs();
    if seconds >= 0 {
        UNIX_EPOCH + std::time::Duration::from_secs(seconds as u64)
    } else {
        UNIX_EPOCH - std::time::Duration::from_secs(seconds.unsigned_abs())
    }
}

pub(crate) fn day_to_datetime(day: time::Date) -> tantivy::DateTime {
    tantivy::DateTime::from_timestamp_secs(day.midnight().assume_utc().unix_timestamp())
}

pub(crate) fn datetime_to_day(time: tantivy::DateTime) -> time::Date {
    time.into_utc().date()
}

/// Whether a process creating an index in `dir` died between writing the
/// marker and tantivy's first `meta.json`: such a directory holds no data
/// and creating the index again is safe.
fn creation_was_interrupted(dir: &Path) -> bool {
    dir.join(MARKER_FILE).is_file() && !dir.join("meta.json").exists()
}

/// Creates `dir` and its missing parents; the directory itself gets mode 0700.
fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(Error::io(dir))
}

pub(crate) fn write_private_file(path: &Path, bytes: &[u8]) -> Result<()> {
    fs::write(path, bytes).map_err(Error::io(path))?;
    set_private(path, 0o600)
}

#[cfg(unix)]
fn set_private(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(Error::io(path))
}

#[cfg(not(unix))]
fn set_private(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}

/// Index files hold copies of the documents' text: only their owner may read them.
#[cfg(unix)]
fn make_files_private(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    for entry in fs::read_dir(dir).map_err(Error::io(dir))? {
        let entry = entry.map_err(Error::io(dir))?;
        let Ok(metadata) = entry.metadata() else {
            continue;
        };
        if metadata.is_file() && metadata.permissions().mode() & 0o077 != 0 {
            // A file merged away in between is not an error.
            let _ = set_private(&entry.path(), 0o600);
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn make_files_private(_dir: &Path) -> Result<()> {
    Ok(())
}

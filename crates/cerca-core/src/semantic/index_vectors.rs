//! An index's vectors as its searches and syncs see them: the vectors file,
//! read again only when another process (or writer) changed it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use tantivy::Searcher;

use super::store::{vectors_path, VectorStore};
use super::{Embedder, SemanticStatus};
use crate::error::{Error, Result};
use crate::Index;

/// The vectors of one index: in its directory, or in memory.
#[derive(Debug)]
pub(crate) struct IndexVectors {
    /// `None` for an index in memory, whose store lives in `cached` only.
    path: Option<PathBuf>,
    cached: Mutex<Option<Cached>>,
}

#[derive(Debug, Clone)]
struct Cached {
    /// What the file looked like when read.
    stamp: Option<FileStamp>,
    store: Arc<VectorStore>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

fn stamp(path: &Path) -> Option<FileStamp> {
    let metadata = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
    #[cfg(not(unix))]
    let inode = 0;
    Some(FileStamp {
        len: metadata.len(),
        modified: metadata.modified().ok(),
        inode,
    })
}

impl IndexVectors {
    pub fn in_dir(dir: &Path) -> IndexVectors {
        IndexVectors {
            path: Some(vectors_path(dir)),
            cached: Mutex::new(None),
        }
    }

    pub fn in_memory() -> IndexVectors {
        IndexVectors {
            path: None,
            cached: Mutex::new(None),
        }
    }

    /// The vectors file, for an index on disk.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Cached>> {
        self.cached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The vectors as they are now; `None` if semantic search is off.
    pub fn current(&self) -> Result<Option<Arc<VectorStore>>> {
        let mut cached = self.lock();
        let Some(path) = &self.path else {
            return Ok(cached.as_ref().map(|c| Arc::clone(&c.store)));
        };
        let now = stamp(path);
        if let Some(c) = cached
            .as_ref()
            .filter(|c| c.stamp.is_some() && c.stamp == now)
        {
            return Ok(Some(Arc::clone(&c.store)));
        }
        let Some(store) = VectorStore::load(path)? else {
            *cached = None;
            return Ok(None);
        };
        let store = Arc::new(store);
        *cached = Some(Cached {
            stamp: now,
            store: Arc::clone(&store),
        });
        Ok(Some(store))
    }

    /// The vectors to change (by a writer, holding the index's lock): read
    /// whole from the file, not shared with searches. A damaged file is
    /// given as an empty store of no model: its vectors are made again.
    pub fn for_writing(&self) -> Result<Option<VectorStore>> {
        match &self.path {
            Some(path) => match VectorStore::load(path) {
                Err(Error::CorruptVectors { .. }) => Ok(Some(VectorStore::new("", 0))),
                other => other,
            },
            None => Ok(self.lock().as_ref().map(|c| (*c.store).clone())),
        }
    }

    /// After a writer changed `store` (and, on disk, its file).
    pub fn written(&self, store: VectorStore) {
        let stamp = self.path.as_deref().and_then(stamp);
        *self.lock() = Some(Cached {
            stamp,
            store: Arc::new(store),
        });
    }

    /// Starts an empty store of `model`'s vectors.
    fn create(&self, model: &str, dimensions: usize) -> Result<()> {
        let mut store = VectorStore::new(model, dimensions);
        if let Some(path) = &self.path {
            store.save(path)?;
        }
        self.written(store);
        Ok(())
    }

    fn remove(&self) -> Result<()> {
        if let Some(path) = &self.path {
            match std::fs::remove_file(path) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    return Err(Error::io(path)(error))
                }
                _ => {}
            }
        }
        *self.lock() = None;
        Ok(())
    }
}

impl Index {
    /// Turns semantic search on for this index, with vectors of `embedder`'s
    /// model: the next sync with this embedder (see
    /// [`Syncer::with_embedder`](crate::Syncer::with_embedder)) makes the
    /// vectors of every document. Kept in the index: later syncs keep the
    /// vectors in step. Already on with another model: its vectors are
    /// dropped and made again with this one.
    pub fn enable_semantic(&self, embedder: &dyn Embedder) -> Result<()> {
        let _writer = self.writer()?;
        if let Some(store) = self.vectors.for_writing()? {
            if store.model() == embedder.model() && store.dimensions() == embedder.dimensions() {
                return Ok(());
            }
        }
        self.vectors.create(embedder.model(), embedder.dimensions())
    }

    /// Whether semantic search is on (without reading the vectors).
    pub fn semantic_enabled(&self) -> bool {
        match self.vectors.path() {
            Some(path) => path.exists(),
            None => self.vectors.lock().is_some(),
        }
    }

    /// The model of the index's vectors, reading them (they are kept for
    /// the searches that follow); `None` if semantic search is off, and
    /// [`Error::CorruptVectors`] if they cannot be read.
    pub fn semantic_model(&self) -> Result<Option<String>> {
        Ok(self
            .vectors
            .current()?
            .map(|store| store.model().to_owned()))
    }

    /// Turns semantic search off and deletes the index's vectors.
    pub fn disable_semantic(&self) -> Result<()> {
        let _writer = self.writer()?;
        self.vectors.remove()
    }

    /// Whether semantic search is on, with which model, and how many
    /// documents have their vectors; `None` if it is off.
    pub fn semantic_status(&self) -> Result<Option<SemanticStatus>> {
        let Some(store) = self.vectors.current()? else {
            return Ok(None);
        };
        let searcher = self.reader.searcher();
        let mut with_vectors = 0;
        for_each_fingerprint(&searcher, |fingerprint, _| {
            with_vectors += u64::from(store.contains(fingerprint));
        })?;
        Ok(Some(SemanticStatus {
            model: store.model().to_owned(),
            with_vectors,
            documents: searcher.num_docs(),
        }))
    }
}

/// Calls `each` with the fingerprint and address of every live document.
pub(crate) fn for_each_fingerprint(
    searcher: &Searcher,
    mut each: impl FnMut(u64, tantivy::DocAddress),
) -> Result<()> {
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let column = segment.fast_fields().u64("fingerprint")?;
        let alive = segment.alive_bitset();
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|bits| !bits.is_alive(doc)) {
                continue;
            }
            if let Some(fingerprint) = column.first(doc) {
                each(fingerprint, tantivy::DocAddress::new(ord as u32, doc));
            }
        }
    }
    Ok(())
}

//! Making the vectors of documents that have none for their current text:
//! a sync's last phase with semantic search on, or
//! [`Index::make_vectors`].
//!
//! A sync runs it after its last commit, so what it read is searchable by
//! its words while the model works (a few passages a second). The model
//! uses every core on its own (OpenMP), so the phase runs alone rather
//! than beside the reading threads. Vectors are appended to their file
//! batch by batch: an interrupted phase keeps what it made, and the next
//! sync makes the rest.

use std::sync::atomic::{AtomicBool, Ordering};

use rustc_hash::FxHashSet;
use tantivy::schema::Value;
use tantivy::{DocAddress, TantivyDocument};

use super::quantized::Quantized;
use super::store::VectorStore;
use super::{for_each_fingerprint, passage_text, Embedder};
use crate::error::Result;
use crate::{Index, SyncProgress};

/// Passages embedded (and appended to the file) at a time: enough to keep
/// both cores busy, few enough that an interruption loses little.
const BATCH: usize = 8;
/// Dead vectors (of texts no document has any more) are dropped from the
/// file when they are this many…
const MIN_DEAD_TO_REWRITE: usize = 256;
/// …and more than this share of it.
const DEAD_SHARE_TO_REWRITE: f64 = 0.25;

/// What the phase did.
#[derive(Debug, Default)]
pub(crate) struct Embedded {
    pub embedded: usize,
    /// Documents still without their vector (the phase was interrupted).
    pub pending: usize,
    pub interrupted: bool,
}

impl Index {
    /// Makes the vectors of the documents that have none for their current
    /// text (semantic search must be on: see [`Index::enable_semantic`]);
    /// returns how many it made. For documents added with an
    /// [`IndexWriter`](crate::IndexWriter): a [`Syncer`](crate::Syncer)
    /// given the embedder does it after each sync. Takes the writer's lock
    /// ([`Error::IndexBusy`](crate::Error::IndexBusy) while another writer
    /// holds it).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use cerca_core::{Document, Embedder, Index, SearchOptions, SemanticSearch};
    ///
    /// /// A toy model: one dimension per topic word.
    /// #[derive(Debug)]
    /// struct Topics;
    ///
    /// impl Embedder for Topics {
    ///     fn model(&self) -> &str { "topics" }
    ///     fn dimensions(&self) -> usize { 2 }
    ///     fn embed_passages(&self, texts: &[&str]) -> cerca_core::Result<Vec<Vec<f32>>> {
    ///         texts.iter().map(|text| self.embed_query(text)).collect()
    ///     }
    ///     fn embed_query(&self, text: &str) -> cerca_core::Result<Vec<f32>> {
    ///         let health = ["febbre", "tosse", "malattia"].iter().any(|w| text.contains(w));
    ///         Ok(if health { vec![1.0, 0.0] } else { vec![0.0, 1.0] })
    ///     }
    /// }
    ///
    /// # fn main() -> cerca_core::Result<()> {
    /// let index = Index::create_in_ram()?;
    /// index.enable_semantic(&Topics)?;
    /// let mut writer = index.writer()?;
    /// writer.add(&Document::new("a.txt", "Influenza", "Febbre alta e tosse"))?;
    /// writer.add(&Document::new("b.txt", "Cucina", "La pasta al pomodoro"))?;
    /// writer.add(&Document::new("c.txt", "Sport", "La partita di calcio"))?;
    /// writer.commit()?;
    /// drop(writer);
    /// assert_eq!(index.make_vectors(&Topics)?, 3);
    ///
    /// let options =
    ///     SearchOptions::default().with_semantic(Some(SemanticSearch::new(Arc::new(Topics))));
    /// // No document has the word "malattia": its meaning finds one.
    /// let results = index.search("malattia", &options)?;
    /// assert_eq!(results.hits[0].path.to_str(), Some("a.txt"));
    /// # Ok(()) }
    /// ```
    pub fn make_vectors(&self, embedder: &dyn Embedder) -> Result<usize> {
        let _writer = self.writer()?;
        Ok(embed_missing(self, embedder, None, &mut crate::NoProgress)?.embedded)
    }
}

/// Makes the missing vectors of `index` (whose writer lock the caller
/// holds); nothing if semantic search is off for it.
pub(crate) fn embed_missing(
    index: &Index,
    embedder: &dyn Embedder,
    interrupt: Option<&AtomicBool>,
    progress: &mut dyn SyncProgress,
) -> Result<Embedded> {
    let Some(mut store) = index.vectors.for_writing()? else {
        return Ok(Embedded::default());
    };
    let path = index.vectors.path().map(std::path::Path::to_path_buf);
    if store.model() != embedder.model() || store.dimensions() != embedder.dimensions() {
        // Vectors of another model mean nothing to this one's queries.
        store = VectorStore::new(embedder.model(), embedder.dimensions());
        if let Some(path) = &path {
            store.save(path)?;
        }
    }
    let searcher = index.reader.searcher();
    let mut live = FxHashSet::default();
    let mut missing: Vec<(u64, DocAddress)> = Vec::new();
    for_each_fingerprint(&searcher, |fingerprint, address| {
        if live.insert(fingerprint) && !store.contains(fingerprint) {
            missing.push((fingerprint, address));
        }
    })?;
    let mut outcome = Embedded::default();
    if !missing.is_empty() {
        progress.embedding_planned(missing.len());
    }
    let fields = index.fields;
    for (done, batch) in missing.chunks(BATCH).enumerate() {
        if interrupt.is_some_and(|flag| flag.load(Ordering::SeqCst)) {
            outcome.interrupted = true;
            outcome.pending = missing.len() - done * BATCH;
            break;
        }
        let mut texts = Vec::with_capacity(batch.len());
        for (_, address) in batch {
            let doc: TantivyDocument = searcher.doc(*address)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            texts.push(passage_text(&text(fields.title), &text(fields.body_text)));
        }
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let vectors = embedder.embed_passages(&texts)?;
        if vectors.len() != texts.len() || vectors.iter().any(|v| v.len() != store.dimensions()) {
            return Err(crate::Error::Semantic {
                reason: format!(
                    "the model gave {} vectors for {} passages, or vectors of another size than {}",
                    vectors.len(),
                    texts.len(),
                    store.dimensions()
                ),
            });
        }
        let quantized: Vec<(u64, Quantized)> = batch
            .iter()
            .zip(&vectors)
            .map(|((fingerprint, _), vector)| (*fingerprint, Quantized::new(vector)))
            .collect();
        store.append(path.as_deref(), &quantized)?;
        outcome.embedded += quantized.len();
        progress.embedded(quantized.len());
    }
    let dead = store.records().saturating_sub(live.len());
    if !outcome.interrupted
        && dead >= MIN_DEAD_TO_REWRITE
        && dead as f64 > DEAD_SHARE_TO_REWRITE * store.records() as f64
    {
        store.retain(|fingerprint| live.contains(&fingerprint));
        if let Some(path) = &path {
            store.save(path)?;
        }
    }
    index.vectors.written(store);
    Ok(outcome)
}

//! Semantic search: a vector of meaning beside each document's words.
//!
//! An [`Embedder`] turns texts into unit vectors whose dot product says how
//! close their meanings are. An index with semantic search on (see
//! [`Index::enable_semantic`](crate::Index::enable_semantic)) keeps one
//! vector per document — made from its title and the start of its text, by
//! [`Syncer::with_embedder`](crate::Syncer::with_embedder) after each sync's
//! last commit, so the words are searchable first — and a search given a
//! [`SemanticSearch`] fuses the two: the lexical top candidates and the
//! documents nearest the query in meaning (even those sharing no word with
//! it) are ranked by their lexical score and their cosine together.
//!
//! cerca's model, multilingual-e5-small, comes with the `semantic` feature
//! as `E5Model`; any other [`Embedder`] works the same way.

#[cfg(feature = "semantic")]
mod e5;
pub(crate) mod embedding;
pub(crate) mod fusion;
mod index_vectors;
pub(crate) mod quantized;
pub(crate) mod store;

use std::sync::Arc;

#[cfg(feature = "semantic")]
pub use e5::E5Model;
pub(crate) use index_vectors::{for_each_fingerprint, IndexVectors};

use crate::error::Result;
use crate::Document;

/// Turns texts into unit vectors (L2-normalized): the closer two texts'
/// meanings, the larger their vectors' dot product.
///
/// Implementations must give the same vector for the same text every time:
/// a document's vector is made once and kept while its text is unchanged.
pub trait Embedder: Send + Sync + std::fmt::Debug {
    /// Names the model and its version. Vectors of another model are not
    /// comparable: an index made with another one makes its vectors again.
    fn model(&self) -> &str;

    /// How many numbers each vector has.
    fn dimensions(&self) -> usize;

    /// The vectors of documents' passages, one per text, in order.
    fn embed_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>>;

    /// The vector of a query.
    fn embed_query(&self, text: &str) -> Result<Vec<f32>>;
}

/// The first bytes of a document's text that go into its vector (with the
/// title). e5 reads 512 tokens, about 2,000 bytes of Italian; the embedder
/// trims what does not fit.
pub const PASSAGE_BYTES: usize = 4096;

/// The text a document's vector is made from: its title, then the start of
/// its text (the title is not repeated when the text starts with it).
pub fn passage_text(title: &str, body: &str) -> String {
    let (title, body) = passage_parts(title, body);
    let mut text = String::with_capacity(title.len() + 2 + body.len());
    text.push_str(title);
    if !title.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(body);
    text
}

fn passage_parts<'t>(title: &'t str, body: &'t str) -> (&'t str, &'t str) {
    let title = title.trim();
    let title = if body.trim_start().starts_with(title) {
        ""
    } else {
        title
    };
    (title, truncate(body, PASSAGE_BYTES))
}

/// `text` cut to at most `max` bytes, at a character boundary.
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// A hash of the text a document's vector is made from: the key of its
/// vector. The same as hashing [`passage_text`], without making it.
pub(crate) fn fingerprint(document: &Document) -> u64 {
    let (title, body) = passage_parts(&document.title, &document.body);
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(title.as_bytes());
    if !title.is_empty() {
        hasher.update(b"\n\n");
    }
    hasher.update(body.as_bytes());
    hasher.digest()
}

/// How a search uses meaning (see [`SearchOptions::semantic`](crate::SearchOptions::semantic)).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SemanticSearch {
    /// The model of the index's vectors, to embed the query with.
    pub embedder: Arc<dyn Embedder>,
    /// How much meaning weighs against words: the weight of the cosine's
    /// z-score, the best lexical score counting 1.
    pub weight: f32,
    /// How many of the best lexical hits are ranked again (more if the page
    /// asked for goes further).
    pub lexical_candidates: usize,
    /// How many documents nearest the query in meaning join them, whether or
    /// not they have its words (filters and `+`/`-` words still hold).
    pub semantic_candidates: usize,
    /// How far (in standard deviations of the nearest documents' cosines) a
    /// document without the query's words must stand out to join: the
    /// model finds some document near any text, even a string of random
    /// letters.
    pub standing_out: f32,
}

impl SemanticSearch {
    /// The tuned defaults (BENCHMARKS.md, "Semantic ranking").
    pub fn new(embedder: Arc<dyn Embedder>) -> SemanticSearch {
        SemanticSearch {
            embedder,
            weight: DEFAULT_WEIGHT,
            lexical_candidates: DEFAULT_LEXICAL_CANDIDATES,
            semantic_candidates: DEFAULT_SEMANTIC_CANDIDATES,
            standing_out: DEFAULT_STANDING_OUT,
        }
    }
}

const DEFAULT_WEIGHT: f32 = 0.3;
const DEFAULT_LEXICAL_CANDIDATES: usize = 100;
const DEFAULT_SEMANTIC_CANDIDATES: usize = 20;
const DEFAULT_STANDING_OUT: f32 = 3.0;

/// Whether semantic search is on for an index, and how far its vectors are.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SemanticStatus {
    /// The model the vectors are made with.
    pub model: String,
    /// Documents whose current text has its vector.
    pub with_vectors: u64,
    /// Documents in the index.
    pub documents: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_is_the_hash_of_the_passage_text() {
        let cases = [
            ("Titolo", "Il testo del documento."),
            ("", "Solo testo."),
            ("Il testo", "Il testo comincia col titolo."),
            ("Lungo", &"àè ".repeat(3000)),
        ];
        for (title, body) in cases {
            let document = Document::new("a.txt", title, body);
            let text = passage_text(title, body);
            assert_eq!(
                fingerprint(&document),
                xxhash_rust::xxh3::xxh3_64(text.as_bytes())
            );
            assert!(text.len() <= title.len() + 2 + PASSAGE_BYTES);
        }
    }

    #[test]
    fn the_title_is_not_repeated() {
        assert_eq!(
            passage_text("Roma", "Roma è la capitale."),
            "Roma è la capitale."
        );
        assert_eq!(passage_text("Roma", "La capitale."), "Roma\n\nLa capitale.");
    }
}

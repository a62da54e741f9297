//! Scaling out: cerca's documents, Italian analysis and query language for
//! distributed engines.
//!
//! An archive that outgrows one machine can feed an existing cluster and
//! keep cerca's readers, analysis and query language:
//!
//! - [`opensearch`]: index settings and mapping that reproduce cerca's Italian
//!   analysis with the engine's own filters, the documents as bulk NDJSON,
//!   and queries translated to the Query DSL (OpenSearch and Elasticsearch).
//! - [`sphinx`]: a sharded, mirrored Sphinx (or Manticore) configuration with
//!   the same analysis, the documents as xmlpipe2, and queries translated to
//!   SphinxQL.
//!
//! Both exports read the documents as the index stores them
//! ([`Index::for_each_document`](crate::Index::for_each_document)): the text
//! cerca's readers extracted, one document in memory at a time. Both
//! translations take the query's tree and make cerca's decisions before the
//! engine sees a word: stopwords are left out of the bag of words (unless the
//! query holds nothing else), a word also looks for its other genders and
//! numbers, prefix and fuzzy words look up folded word forms. What an engine
//! cannot express is an [`Untranslatable`] error that names the construct
//! and where it was written.

mod files;
mod italian;
pub mod opensearch;
mod query_words;
pub mod sphinx;

use std::path::Path;

pub use italian::{ELIDED_WORDS, STOPWORDS};

use cerca_query::Span;

/// A query construct the target engine cannot express.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{engine} cannot express {what}: {hint}")]
pub struct Untranslatable {
    /// The engine translated to (`OpenSearch`, `Sphinx`).
    pub engine: &'static str,
    /// The construct, as written (`lukascenko~`).
    pub what: String,
    /// Where it was written in the query.
    pub span: Span,
    /// What to write instead, or why not.
    pub hint: String,
}

impl Untranslatable {
    /// The message, then the query's line with carets under the construct
    /// (as [`ParseError::render`](cerca_query::ParseError::render) shows errors).
    pub fn render(&self, query: &str) -> String {
        cerca_query::render_at(query, self.span, self)
    }
}

/// The number other engines know a document by: a hash of its path's bytes,
/// positive and never 0 (Sphinx takes neither 0 nor, through SphinxQL,
/// numbers above `i64::MAX`). The same path always has the same number.
pub fn document_id(path: &Path) -> u64 {
    let bytes = crate::index::path_bytes(path);
    (xxhash_rust::xxh3::xxh3_64(&bytes) & (i64::MAX as u64)).max(1)
}

/// Seconds since 1970 of a day's start (UTC).
fn day_seconds(day: time::Date) -> i64 {
    day.midnight().assume_utc().unix_timestamp()
}

/// Seconds since 1970 (negative before) of an instant.
fn instant_seconds(instant: std::time::SystemTime) -> i64 {
    match instant.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_ids_are_positive_stable_and_distinct() {
        let a = document_id(Path::new("/a/b.txt"));
        assert_eq!(a, document_id(Path::new("/a/b.txt")));
        assert_ne!(a, document_id(Path::new("/a/c.txt")));
        assert!(a > 0 && a <= i64::MAX as u64);
    }

    #[test]
    fn instants_before_1970_are_negative() {
        let before = std::time::UNIX_EPOCH - std::time::Duration::from_secs(100);
        assert_eq!(instant_seconds(before), -100);
        let day = time::Date::from_calendar_date(2025, time::Month::September, 15).unwrap();
        assert_eq!(day_seconds(day), 1_757_894_400);
    }
}

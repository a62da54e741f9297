//! OpenSearch and Elasticsearch: settings and mapping with cerca's Italian
//! analysis, the documents as bulk NDJSON, queries as the Query DSL.
//!
//! The analysis, in the engines' built-in filters (no plugin needed):
//!
//! | cerca | here |
//! |---|---|
//! | Unicode words, hyphens split | `standard` tokenizer |
//! | `perche'` → `perché` | `pattern_replace` character filters, one per vowel |
//! | elision (`dell'energia` → `energia`), both apostrophes | `elision` with [`ELIDED_WORDS`](super::ELIDED_WORDS), case-insensitive |
//! | words of 100 bytes or more dropped | `length` (at most 99 characters) |
//! | lower case | `lowercase` |
//! | stopwords keep their word | `keyword_marker` with the Snowball list |
//! | Snowball Italian | `snowball`, `language: Italian` |
//! | accents folded after stemming | `asciifolding` |
//! | word forms for prefix and fuzzy words | the `words` sub-field of `title` and `body`: no stemming, stopwords removed |
//!
//! Not reproduced: composing a letter and a combining accent into one
//! character (cerca's `ComposedAccents`; the `analysis-icu` plugin's
//! `icu_normalizer` would). Ranking is the engine's BM25 over `title`
//! (weight 0.1) and `body`, without cerca's bonus for query words close
//! together.

mod bulk;
mod settings;
mod translate;

pub use bulk::{export, Export, ExportReport};
pub use settings::{index_body, ANALYZER, WORD_FORM_ANALYZER};
pub use translate::translate;

//! Sphinx (2.2, Debian's `sphinxsearch`) and Manticore: a sharded, mirrored
//! configuration with cerca's Italian analysis, the documents as xmlpipe2,
//! queries as SphinxQL.
//!
//! The analysis, in Sphinx's terms:
//!
//! | cerca | here |
//! |---|---|
//! | elision, both apostrophes | `regexp_filter` removing [`ELIDED_WORDS`](super::ELIDED_WORDS) and the apostrophe |
//! | Unicode words: letters of every script, digits; `www.debian.org`, `3.0`, `nome_file` one word | an explicit `charset_table` (each letter lower case, accents folded), ideographs as words of their own (`ngram_chars`), combining accents dropped (`ignore_chars`), and `regexp_filter`s joining letters around `.` and `:`, digits around `.`, `,` and `;` |
//! | Snowball Italian | `morphology = libstemmer_italian`, `min_stemming_len = 1` |
//! | stopwords indexed (phrases stay exact), left out of a query's bag of words | no `stopwords` in the index; [`translate`] leaves them out as cerca does |
//! | prefix words on word forms | `dict = keywords`, `index_exact_words = 1`, `min_prefix_len = 1` |
//! | one collection | `global_idf`: every shard ranks with the whole collection's word counts |
//!
//! What differs: accents are folded before stemming (cerca folds after);
//! `perche'` loses its apostrophe instead of becoming `perché` (the same once
//! folded); a phrase with slop is Sphinx's proximity (the words in any order
//! within a window); `path:` takes fragments only, as whole words of the
//! path; there are no fuzzy words and no boosts on groups (errors, see
//! [`translate`]). Ranking is Sphinx's BM25.

mod config;
mod translate;
mod xmlpipe;

pub use config::{export, Export, ExportReport};
pub use translate::{translate, SphinxQuery};
pub use xmlpipe::{charset_table, ignore_chars, ngram_chars, MAX_BODY_BYTES};

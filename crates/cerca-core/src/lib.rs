//! cerca's engine: Italian full-text search on tantivy.
//!
//! - [`analysis`]: Italian text analysis (tokenizer and filters).
//! - [`read`]: files to text: walking folders, decoding, extracting per kind.
//! - [`Index`]: create, open, check and write an index of [`Document`]s.
//! - [`Syncer`]: keep an index in step with folders on disk.
//! - [`search`](Index::search): queries in cerca's language, ranked hits with snippets.
//! - [`semantic`]: vectors of meaning beside the words (the model comes with
//!   the `semantic` feature).
//!
//! # Features
//!
//! Reading files is optional; with `default-features = false` this crate is
//! the index, the writer, search, snippets and the Italian analysis only.
//!
//! - `files` (default): walking folders, decoding, plain text and Markdown,
//!   the extraction worker and the [`Syncer`].
//! - `html`, `pdf`, `office` (DOCX, ODT), `epub`, `mail` (`.eml`), `rtf`
//!   (all default): one reader each. A kind whose reader is left out is
//!   skipped as an unsupported kind.
//! - `semantic`: the e5 model (fetched by `scripts/fetch-model.sh`).
//!
//! ```
//! use cerca_core::{Document, Index, SearchOptions};
//!
//! # fn main() -> cerca_core::Result<()> {
//! let index = Index::create_in_ram()?;
//! let mut writer = index.writer()?;
//! writer.add(&Document::new("zapad.txt", "Zapad-2025", "Le esercitazioni militari Zapad-2025 in Bielorussia"))?;
//! writer.commit()?;
//! let results = index.search("esercitazione militare", &SearchOptions::default())?;
//! assert_eq!(results.hits[0].title, "Zapad-2025");
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

/// Builder-style setters for an options struct whose fields are public but
/// which cannot be built with a literal outside this crate (it is
/// `#[non_exhaustive]`, so that it may grow): `with_FIELD(value)` for each
/// field named; those listed after `into` take anything that converts into
/// the field's type (`with_index_name("cerca")` for a `String`).
macro_rules! with_setters {
    ($type:ty { $($setter:ident => $field:ident: $value:ty),* $(,)? }
     $(into { $($into_setter:ident => $into_field:ident: $into_value:ty),* $(,)? })?) => {
        impl $type {
            $(
                #[doc = concat!("Sets [`", stringify!($field), "`](Self::", stringify!($field), ").")]
                #[must_use]
                pub fn $setter(mut self, $field: $value) -> Self {
                    self.$field = $field;
                    self
                }
            )*
            $($(
                #[doc = concat!("Sets [`", stringify!($into_field), "`](Self::", stringify!($into_field), ").")]
                #[must_use]
                pub fn $into_setter(mut self, $into_field: impl Into<$into_value>) -> Self {
                    self.$into_field = $into_field.into();
                    self
                }
            )*)?
        }
    };
}

pub mod analysis;
mod document;
mod error;
pub mod export;
mod index;
pub mod read;
mod schema;
mod search;
pub mod semantic;
mod sync;

pub use document::{kind_of, Document};
pub use error::{Error, Result};
pub use index::{CheckReport, Index, IndexWriter, StoredFile, FORMAT_VERSION};
pub use search::{
    Hit, HitDetail, Operator, SearchOptions, SearchResults, Snippet, SortOrder, SNIPPET_CHARS,
};
pub use semantic::{Embedder, SemanticSearch, SemanticStatus};
pub use sync::{
    NoProgress, Root, RootStatus, SyncProgress, SyncReport, COARSE_RACY_WINDOW, RACY_WINDOW,
};
#[cfg(feature = "files")]
pub use sync::{SyncOptions, Syncer};

/// The query language, re-exported for programs that parse queries themselves.
pub use cerca_query as query;

/// The search library cerca is built on, re-exported so that a program using
/// [`analysis`] with its own tantivy schema gets the version cerca uses.
pub use tantivy;

/// The README's Rust examples, compiled and run as doc-tests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

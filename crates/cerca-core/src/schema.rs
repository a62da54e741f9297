//! The fields of a cerca index.
//!
//! | field | holds | used for |
//! |---|---|---|
//! | `key` | the path's exact bytes | the unique key of a document |
//! | `path` | the path as text (lossy where not UTF-8) | display, `path:` queries, sorting |
//! | `title`, `body` | stemmed Italian terms, positions | words and phrases, BM25 |
//! | `title_words`, `body_words` | folded word forms, no positions, no norms | prefix and fuzzy terms (constant scores) |
//! | `body_text` | the body as read (stored only) | snippets, a hit's text |
//!
//! The title is stored in `title` and analyzed by tantivy; the body is
//! analyzed once by the indexing pipeline, and `body` and `body_words` take
//! its terms pre-analyzed (see [`PreAnalyzed`](crate::analysis::PreAnalyzed)).
//! | `date`, `modified` | day / instant (to the nanosecond in the column) | `date:` and `modified:` ranges, sorting, change detection |
//! | `size`, `hash`, `kind` | file facts | change detection, `ext:` |
//! | `changed`, `inode`, `checked` | status-change time, inode, when the sync read the file | change detection (columns only) |
//! | `fingerprint` | a hash of the title and body (indexed, column) | finding a document's vector, and the documents of a vector (semantic search) |

use tantivy::schema::{
    BytesOptions, DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};

use crate::analysis::{ITALIAN, ITALIAN_WORD_FORMS, PRE_ANALYZED};

/// Handles to every field of the schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub key: Field,
    pub path: Field,
    pub title: Field,
    pub body: Field,
    pub title_words: Field,
    pub body_words: Field,
    pub body_text: Field,
    pub date: Field,
    pub modified: Field,
    pub size: Field,
    pub hash: Field,
    pub kind: Field,
    pub changed: Field,
    pub inode: Field,
    pub checked: Field,
    pub fingerprint: Field,
}

fn text(analyzer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(record),
    )
}

/// Word forms: matched or not (prefix and fuzzy queries score constantly),
/// so neither frequencies nor lengths are kept.
fn word_forms(analyzer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    )
}

fn date(precision: DateTimePrecision) -> DateOptions {
    DateOptions::default()
        .set_indexed()
        .set_stored()
        .set_fast()
        .set_precision(precision)
}

/// A column only: read by the sync for every document, never searched nor shown.
fn instant_column() -> DateOptions {
    DateOptions::default()
        .set_fast()
        .set_precision(DateTimePrecision::Nanoseconds)
}

impl Fields {
    /// Builds the schema and returns it with its fields.
    pub fn build() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let positions = IndexRecordOption::WithFreqsAndPositions;
        let fields = Fields {
            key: builder.add_bytes_field(
                "key",
                BytesOptions::default()
                    .set_indexed()
                    .set_stored()
                    .set_fast(),
            ),
            path: builder.add_text_field("path", STRING | STORED | FAST),
            title: builder.add_text_field("title", text(ITALIAN, positions).set_stored()),
            body: builder.add_text_field("body", text(PRE_ANALYZED, positions)),
            title_words: builder.add_text_field("title_words", word_forms(ITALIAN_WORD_FORMS)),
            body_words: builder.add_text_field("body_words", word_forms(PRE_ANALYZED)),
            body_text: builder.add_text_field("body_text", STORED),
            date: builder.add_date_field("date", date(DateTimePrecision::Seconds)),
            // Nanoseconds: two saves within one second must not look the same.
            modified: builder.add_date_field("modified", date(DateTimePrecision::Nanoseconds)),
            size: builder.add_u64_field("size", NumericOptions::default().set_stored().set_fast()),
            hash: builder.add_bytes_field("hash", BytesOptions::default().set_stored()),
            kind: builder.add_text_field("kind", STRING | STORED),
            changed: builder.add_date_field("changed", instant_column()),
            inode: builder.add_u64_field("inode", NumericOptions::default().set_fast()),
            checked: builder.add_date_field("checked", instant_column()),
            fingerprint: builder.add_u64_field(
                "fingerprint",
                NumericOptions::default().set_indexed().set_fast(),
            ),
        };
        (builder.build(), fields)
    }

    /// Looks the fields up in an existing schema; `None` if one is missing or of another type.
    pub fn find(schema: &Schema) -> Option<Fields> {
        let (expected, fields) = Fields::build();
        let same = expected.fields().all(|(field, entry)| {
            schema.get_field(entry.name()).ok() == Some(field)
                && schema.get_field_entry(field) == entry
        });
        (same && schema.num_fields() == expected.num_fields()).then_some(fields)
    }
}

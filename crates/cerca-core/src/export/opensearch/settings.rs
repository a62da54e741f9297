//! The body of the request that creates the index: settings and mapping.

use serde_json::{json, Map, Value};

use crate::analysis::fold_accents;
use crate::export::{ELIDED_WORDS, STOPWORDS};

/// The name of the analyzer of `title` and `body` in the settings.
pub const ANALYZER: &str = "cerca_italian";
/// The name of the analyzer of their `words` sub-fields.
pub const WORD_FORM_ANALYZER: &str = "cerca_italian_word_forms";

/// Settings and mapping for an index with `shards` primary shards and
/// `replicas` copies of each: the body of `PUT /INDEX`.
///
/// ```
/// let body = cerca_core::export::opensearch::index_body(3, 1);
/// assert_eq!(body["settings"]["index"]["number_of_shards"], 3);
/// assert_eq!(body["mappings"]["properties"]["body"]["analyzer"], "cerca_italian");
/// ```
pub fn index_body(shards: u32, replicas: u32) -> Value {
    let text = json!({
        "type": "text",
        "analyzer": ANALYZER,
        "fields": {
            "words": {
                "type": "text",
                "analyzer": WORD_FORM_ANALYZER,
                "index_options": "docs",
                "norms": false
            }
        }
    });
    // In this order: the `ch` rules before the plain `e` one.
    let accents = accent_apostrophes();
    let char_filters: Vec<&str> = accents.iter().map(|(name, _)| name.as_str()).collect();
    let char_filter_definitions: Map<String, Value> = accents.iter().cloned().collect();
    let mut folded: Vec<String> = STOPWORDS.iter().map(|word| fold_accents(word)).collect();
    folded.sort();
    folded.dedup();
    json!({
        "settings": {
            "index": { "number_of_shards": shards, "number_of_replicas": replicas },
            "analysis": {
                "char_filter": char_filter_definitions,
                "filter": {
                    "cerca_long_words": { "type": "length", "max": crate::analysis::MAX_WORD_BYTES - 1 },
                    "cerca_elision": { "type": "elision", "articles_case": true, "articles": ELIDED_WORDS },
                    "cerca_stopwords_unstemmed": { "type": "keyword_marker", "keywords": STOPWORDS },
                    "cerca_stemmer": { "type": "snowball", "language": "Italian" },
                    "cerca_stopwords_folded": { "type": "stop", "stopwords": folded }
                },
                "analyzer": {
                    ANALYZER: {
                        "type": "custom",
                        "tokenizer": "standard",
                        "char_filter": char_filters,
                        "filter": ["cerca_long_words", "cerca_elision", "lowercase",
                                   "cerca_stopwords_unstemmed", "cerca_stemmer", "asciifolding"]
                    },
                    WORD_FORM_ANALYZER: {
                        "type": "custom",
                        "tokenizer": "standard",
                        "char_filter": char_filters,
                        "filter": ["cerca_long_words", "cerca_elision", "lowercase",
                                   "asciifolding", "cerca_stopwords_folded"]
                    }
                }
            }
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "path": { "type": "keyword" },
                "title": text,
                "body": text,
                "date": { "type": "date", "format": "strict_date_optional_time||epoch_millis" },
                // `date`, not `date_nanos`: files older than 1970 exist.
                "modified": { "type": "date" },
                "kind": { "type": "keyword" },
                "size": { "type": "long" }
            }
        }
    })
}

/// `perche'` → `perché`, `citta'` → `città`: a vowel, an apostrophe, and no
/// letter or digit after it. An `e` after `ch` takes an acute accent.
fn accent_apostrophes() -> Vec<(String, Value)> {
    const END: &str = "['\u{2019}](?![\\p{L}\\p{N}])";
    let mut filters = Vec::new();
    let mut add = |name: String, pattern: String, replacement: &str| {
        let filter =
            json!({ "type": "pattern_replace", "pattern": pattern, "replacement": replacement });
        filters.push((name, filter));
    };
    // First, so that the plain `e` rule does not take `perche'`.
    add(
        "cerca_accent_che".into(),
        format!("(?<=[cC][hH])e{END}"),
        "é",
    );
    add(
        "cerca_accent_CHE".into(),
        format!("(?<=[cC][hH])E{END}"),
        "É",
    );
    for (vowel, accented) in [
        ('a', 'à'),
        ('e', 'è'),
        ('i', 'ì'),
        ('o', 'ò'),
        ('u', 'ù'),
        ('A', 'À'),
        ('E', 'È'),
        ('I', 'Ì'),
        ('O', 'Ò'),
        ('U', 'Ù'),
    ] {
        let case = if vowel.is_lowercase() { "" } else { "_upper" };
        add(
            format!("cerca_accent_{}{case}", vowel.to_ascii_lowercase()),
            format!("{vowel}{END}"),
            &accented.to_string(),
        );
    }
    filters
}

//! The seed article, indexed on disk, closed, reopened and searched.

mod common;

use cerca_core::{Document, Index, SearchOptions};
use common::{count, seed_index};

#[test]
fn an_index_written_closed_and_reopened_finds_the_seed() {
    let (dir, index) = seed_index();
    assert_eq!(index.num_docs(), 1);
    drop(index);
    let index = Index::open(&dir.path().join("index")).expect("reopen");
    assert_eq!(index.num_docs(), 1);
    assert_eq!(count(&index, "esercitazione militare"), 1);
}

#[test]
fn each_analyzer_case_finds_the_seed() {
    let (_dir, index) = seed_index();
    for query in [
        "abbattimento",  // dall'abbattimento
        "ungheria",      // l'Ungheria
        "europa",        // d'Europa
        "ucraina",       // l'Ucraina
        "esercitazione", // esercitazioni
        "prigioniero",   // prigionieri
        "venerdi",       // venerdì
        "zapad",         // Zapad-2025
        "2025",
        "\"zapad 2025\"",
        "\"casa bianca\"",
        "agenzia",  // dall'agenzia
        "altra",    // un'altra
        "ultimo",   // all'"ultimo
        "militare", // militari: a gap in Snowball's stems
        "BIELORUSSIA",
        "perche'", // not in the text: must not match
    ] {
        let expected = usize::from(query != "perche'");
        assert_eq!(count(&index, query), expected, "{query}");
    }
}

#[test]
fn an_absent_term_finds_nothing() {
    let (_dir, index) = seed_index();
    assert_eq!(count(&index, "pizza"), 0);
    assert_eq!(count(&index, "energia"), 0);
    assert_eq!(count(&index, "\"bianca casa\""), 0);
}

#[test]
fn the_date_header_is_the_date_and_not_the_text() {
    let (_dir, index) = seed_index();
    let results = index
        .search("zapad", &SearchOptions::default())
        .expect("search");
    let hit = &results.hits[0];
    assert_eq!(
        hit.date.map(|d| d.to_string()).as_deref(),
        Some("2025-09-15")
    );
    assert_eq!(
        hit.title,
        "Il riavvicinamento tra Washington e Mosca passa da Minsk."
    );
    assert_eq!(count(&index, "date"), 0, "the header word is not body text");
    assert_eq!(count(&index, "date:2025-09-15"), 1);
    assert_eq!(count(&index, "date:2025-09-16"), 0);
}

#[test]
fn snippets_mark_the_words_reached_through_stems() {
    let (_dir, index) = seed_index();
    let results = index
        .search("esercitazione militare", &SearchOptions::default())
        .expect("search");
    let snippet = results.hits[0].snippet.as_ref().expect("snippet");
    let marked: Vec<&str> = snippet
        .highlights
        .iter()
        .map(|r| &snippet.text[r.clone()])
        .collect();
    assert!(marked.contains(&"esercitazioni"), "{marked:?}");
    assert!(marked.contains(&"militari"), "{marked:?}");
    assert!(snippet.text.chars().count() <= cerca_core::SNIPPET_CHARS + 2);
}

#[test]
fn elided_words_are_highlighted_without_their_article() {
    let (_dir, index) = seed_index();
    let results = index
        .search(
            "ungheria abbattimento",
            &SearchOptions::default().with_operator(cerca_core::Operator::Any),
        )
        .expect("search");
    let snippet = results.hits[0].snippet.as_ref().expect("snippet");
    for range in &snippet.highlights {
        let word = &snippet.text[range.clone()];
        assert!(["Ungheria", "abbattimento"].contains(&word), "{word}");
    }
    assert!(!snippet.highlights.is_empty());
}

#[test]
fn new_indexes_store_text_with_zstd_and_lz4_indexes_still_work() {
    let (dir, index) = seed_index();
    drop(index);
    let index_dir = dir.path().join("index");
    let meta = std::fs::read_to_string(index_dir.join("meta.json")).unwrap();
    assert!(meta.contains("\"docstore_compression\": \"zstd"), "{meta}");

    // Every index made before zstd says lz4: its old and new documents are
    // read, and its snippets shown, as before.
    let legacy = tempfile::tempdir().unwrap();
    let legacy_dir = legacy.path().join("index");
    let index = Index::create(&legacy_dir).unwrap();
    drop(index);
    let meta_path = legacy_dir.join("meta.json");
    let meta = std::fs::read_to_string(&meta_path).unwrap();
    let zstd = meta
        .split('"')
        .find(|part| part.starts_with("zstd"))
        .expect("a zstd compressor")
        .to_owned();
    std::fs::write(&meta_path, meta.replace(&zstd, "lz4")).unwrap();
    let index = Index::open(&legacy_dir).unwrap();
    let mut writer = index.writer().unwrap();
    writer
        .add(&Document::new(
            "/a.txt",
            "Energia",
            "Il prezzo dell'energia sale ancora",
        ))
        .unwrap();
    writer.commit().unwrap();
    drop(writer);
    drop(index);
    let index = Index::open(&legacy_dir).unwrap();
    let results = index.search("energia", &SearchOptions::default()).unwrap();
    assert_eq!(results.total, 1);
    let snippet = results.hits[0].snippet.as_ref().unwrap();
    assert_eq!(&snippet.text[snippet.highlights[0].clone()], "energia");
    let meta = std::fs::read_to_string(&meta_path).unwrap();
    assert!(meta.contains("\"docstore_compression\": \"lz4\""), "{meta}");
}

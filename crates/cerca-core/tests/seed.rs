//! The seed article, indexed on disk, closed, reopened and searched.

mod common;

use cerca_core::{Index, SearchOptions};
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
            &SearchOptions {
                operator: cerca_core::Operator::Any,
                ..Default::default()
            },
        )
        .expect("search");
    let snippet = results.hits[0].snippet.as_ref().expect("snippet");
    for range in &snippet.highlights {
        let word = &snippet.text[range.clone()];
        assert!(["Ungheria", "abbattimento"].contains(&word), "{word}");
    }
    assert!(!snippet.highlights.is_empty());
}

//! Set identities of the query language on the squad-it paragraphs (2,007 files).

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use cerca_core::{HitDetail, Index, SearchOptions};

fn squad_index() -> &'static Index {
    static INDEX: OnceLock<(tempfile::TempDir, Index)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let index = Index::create(&dir.path().join("index")).expect("create");
            let report = common::sync(&index, &[&common::shared().join("data/squad-it/docs")]);
            assert_eq!(report.failed, 0, "{:?}", report.failures);
            assert_eq!(report.added, 2007);
            (dir, index)
        })
        .1
}

fn hits(query: &str) -> BTreeSet<PathBuf> {
    let options = SearchOptions::default()
        .with_limit(5000)
        .with_detail(HitDetail::Columns);
    let results = squad_index()
        .search(query, &options)
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    assert!(!results.relaxed, "{query} must not fall back to OR");
    assert!(results.total < 5000);
    results.hits.into_iter().map(|hit| hit.path).collect()
}

const PAIRS: [(&str, &str); 8] = [
    ("guerra", "mondiale"),
    ("acqua", "energia"),
    ("città", "fiume"),
    ("re", "regno"),
    ("popolazione", "censimento"),
    ("chiesa", "cattolica"),
    ("università", "studenti"),
    ("petrolio", "prezzo"),
];

#[test]
fn union_and_intersection_add_up() {
    for (a, b) in PAIRS {
        let (or, and) = (
            hits(&format!("{a} OR {b}")).len(),
            hits(&format!("{a} AND {b}")).len(),
        );
        let (only_a, only_b) = (hits(a).len(), hits(b).len());
        assert!(only_a > 0 && only_b > 0, "{a} {b}: pick words that occur");
        assert_eq!(
            or,
            only_a + only_b - and,
            "|{a} OR {b}| = |{a}| + |{b}| - |{a} AND {b}|"
        );
    }
}

#[test]
fn exclusion_subtracts_the_intersection() {
    for (a, b) in PAIRS {
        let without = hits(&format!("{a} -{b}")).len();
        assert_eq!(
            without,
            hits(a).len() - hits(&format!("{a} AND {b}")).len(),
            "|{a} -{b}|"
        );
        assert_eq!(
            hits(&format!("{a} AND NOT {b}")).len(),
            without,
            "{a} AND NOT {b}"
        );
    }
}

#[test]
fn phrase_hits_are_within_the_and_of_their_words() {
    let mut stricter = 0;
    for phrase in [
        "guerra mondiale",
        "chiesa cattolica",
        "stati uniti",
        "prima guerra",
        "seconda guerra mondiale",
    ] {
        let phrase_hits = hits(&format!("\"{phrase}\""));
        let words = phrase.split(' ').collect::<Vec<_>>().join(" AND ");
        let and_hits = hits(&words);
        assert!(!phrase_hits.is_empty(), "{phrase}");
        assert!(phrase_hits.is_subset(&and_hits), "\"{phrase}\" ⊆ {words}");
        stricter += usize::from(phrase_hits.len() < and_hits.len());
    }
    assert!(
        stricter >= 3,
        "phrases should usually be stricter than their words"
    );
}

#[test]
fn prefix_and_fuzzy_never_find_less_than_the_word() {
    for word in [
        "guerra",
        "esercito",
        "città",
        "energia",
        "popolazione",
        "studenti",
        "re",
        "stati",
    ] {
        let exact = hits(word);
        assert!(!exact.is_empty(), "{word}");
        assert!(
            hits(&format!("{word}*")).is_superset(&exact),
            "{word}* ⊇ {word}"
        );
        assert!(
            hits(&format!("{word}~1")).is_superset(&exact),
            "{word}~1 ⊇ {word}"
        );
    }
}

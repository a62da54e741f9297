//! The official Snowball Italian vocabulary, word by word, through cerca's stemmer.

use std::path::Path;

use cerca_core::analysis::ItalianStemmer;

#[test]
fn every_word_of_the_official_list_gets_its_official_stem() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/stemming/snowball-italian");
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (the shared data must sit beside the project)",
                dir.join(name).display()
            )
        })
    };
    let (words, stems) = (read("voc.txt"), read("output.txt"));
    let words: Vec<&str> = words.lines().collect();
    let stems: Vec<&str> = stems.lines().collect();
    assert_eq!(
        words.len(),
        stems.len(),
        "voc.txt and output.txt must pair up"
    );
    assert!(
        words.len() > 30_000,
        "the list is the whole vocabulary, got {}",
        words.len()
    );

    let stemmer = ItalianStemmer::new();
    let wrong: Vec<String> = words
        .iter()
        .zip(&stems)
        .filter_map(|(word, stem)| {
            let got = stemmer.stem(word);
            (got != *stem).then(|| format!("{word}: expected {stem}, got {got}"))
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {} words stem wrongly:\n{}",
        wrong.len(),
        words.len(),
        wrong[..wrong.len().min(20)].join("\n")
    );
}

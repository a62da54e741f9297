//! The real model, multilingual-e5-small (with the `semantic` feature, after
//! `scripts/fetch-model.sh`): paraphrases found with no word in common.
#![cfg(feature = "semantic")]

use std::sync::{Arc, OnceLock};

use cerca_core::semantic::E5Model;
use cerca_core::{Document, Embedder, Error, Index, SearchOptions, SemanticSearch};

fn model() -> Arc<E5Model> {
    static MODEL: OnceLock<Arc<E5Model>> = OnceLock::new();
    MODEL
        .get_or_init(|| Arc::new(E5Model::load_default().expect("run scripts/fetch-model.sh")))
        .clone()
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Paragraphs on unrelated subjects; each question below shares no word
/// with the paragraph that answers it.
const PARAGRAPHS: [(&str, &str, &str); 5] = [
    (
        "salute.txt",
        "Stagione fredda",
        "In questi giorni molti bambini restano a casa con febbre alta, tosse e brividi: i pediatri raccomandano riposo e molta acqua.",
    ),
    (
        "cucina.txt",
        "Carbonara",
        "Guanciale croccante, tuorli e pecorino romano: la carbonara si manteca fuori dal fuoco perché l'uovo non si rapprenda.",
    ),
    (
        "sport.txt",
        "Derby",
        "Allo stadio Olimpico i giallorossi hanno battuto la Lazio due a uno con un gol nel recupero.",
    ),
    (
        "tasse.txt",
        "Dichiarazione dei redditi",
        "Entro il 30 settembre va presentato il modello 730 con le detrazioni per le spese mediche e gli interessi del mutuo.",
    ),
    (
        "clima.txt",
        "Ghiacciai",
        "Le estati sempre più calde riducono i ghiacciai alpini: la Marmolada ha perso metà del suo volume in trent'anni.",
    ),
];

const QUESTIONS: [(&str, &str); 5] = [
    ("sintomi dell'influenza", "salute.txt"),
    ("come preparare un primo piatto romano", "cucina.txt"),
    ("risultato della partita di calcio", "sport.txt"),
    ("scadenze fiscali", "tasse.txt"),
    ("riscaldamento globale in montagna", "clima.txt"),
];

#[test]
fn vectors_are_unit_length_and_paraphrases_are_nearest() {
    let model = model();
    assert_eq!(model.dimensions(), 384);
    let texts: Vec<String> = PARAGRAPHS
        .iter()
        .map(|(_, title, body)| cerca_core::semantic::passage_text(title, body))
        .collect();
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let passages = model.embed_passages(&texts).unwrap();
    for vector in &passages {
        assert!((dot(vector, vector) - 1.0).abs() < 1e-3);
    }
    for (question, answer) in QUESTIONS {
        let query = model.embed_query(question).unwrap();
        let best = (0..passages.len())
            .max_by(|&a, &b| dot(&query, &passages[a]).total_cmp(&dot(&query, &passages[b])))
            .unwrap();
        assert_eq!(PARAGRAPHS[best].0, answer, "{question}");
    }
}

#[test]
fn a_semantic_search_finds_the_answer_without_its_words() {
    let model = model();
    let index = Index::create_in_ram().unwrap();
    index.enable_semantic(&*model).unwrap();
    let mut writer = index.writer().unwrap();
    for (path, title, body) in PARAGRAPHS {
        writer.add(&Document::new(path, title, body)).unwrap();
    }
    writer.commit().unwrap();
    drop(writer);
    assert_eq!(index.make_vectors(&*model).unwrap(), PARAGRAPHS.len());
    let options = SearchOptions::default().with_semantic(Some(SemanticSearch::new(model.clone())));
    for (question, answer) in QUESTIONS {
        let words = index.search(question, &SearchOptions::default()).unwrap();
        assert_eq!(
            words.total, 0,
            "{question} shares no word with any paragraph"
        );
        let results = index.search(question, &options).unwrap();
        assert_eq!(results.hits[0].path.to_str(), Some(answer), "{question}");
    }
}

#[test]
fn long_and_odd_texts_are_embedded_without_trouble() {
    let model = model();
    let long = "parola ".repeat(20_000);
    let odd = "nul\0byte, \u{202e}rovesciato, emoji 🎉, 𝔐𝔞𝔱𝔥";
    let vectors = model.embed_passages(&[&long, odd, ""]).unwrap();
    assert_eq!(vectors.len(), 3);
    assert!(vectors.iter().all(|v| v.iter().all(|x| x.is_finite())));
    assert!(model.embed_query("").unwrap().iter().all(|x| x.is_finite()));
}

#[test]
fn a_missing_or_wrong_model_file_is_a_clear_error() {
    let empty = tempfile::tempdir().unwrap();
    let error = E5Model::load(empty.path()).unwrap_err();
    assert!(matches!(error, Error::ModelMissing { .. }), "{error}");
    assert!(
        error.to_string().contains("scripts/fetch-model.sh"),
        "{error}"
    );
    std::fs::write(empty.path().join("e5-small-q4.bin"), b"not the weights").unwrap();
    let error = E5Model::load(empty.path()).unwrap_err();
    assert!(matches!(error, Error::Semantic { .. }), "{error}");
}

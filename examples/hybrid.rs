//! Hybrid search: words and meaning ranked together with the e5 model, so
//! that a query finds a text about the same thing in other words.
//!
//! ```sh
//! scripts/fetch-model.sh    # the model, once
//! cargo run -p cerca-core --features semantic --example hybrid
//! ```
//!
//! Needs the `semantic` feature and the model (`E5Model::default_dir`).

use std::sync::Arc;

use cerca_core::semantic::E5Model;
use cerca_core::{Document, Index, SearchOptions, SemanticSearch};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = Arc::new(E5Model::load_default()?);
    let index = Index::create_in_ram()?;
    index.enable_semantic(model.as_ref())?;
    let mut writer = index.writer()?;
    let texts = [
        (
            "salute.txt",
            "Influenza",
            "Febbre alta, tosse e mal di gola per una settimana.",
        ),
        (
            "cucina.txt",
            "Ricetta",
            "La pasta al pomodoro con basilico fresco.",
        ),
        (
            "sport.txt",
            "Calcio",
            "La partita è finita due a uno dopo i supplementari.",
        ),
    ];
    for (path, title, body) in texts {
        writer.add(&Document::new(path, title, body))?;
    }
    writer.commit()?;
    // Making vectors takes the writer's lock: this writer is done.
    drop(writer);
    // A Syncer given the model makes them after each sync; documents
    // added by hand get theirs here.
    let made = index.make_vectors(model.as_ref())?;
    println!("{made} vectors made");

    let query = "sintomi della malattia";
    let words_only = index.search(query, &SearchOptions::default())?;
    let options = SearchOptions::default().with_semantic(Some(SemanticSearch::new(model)));
    let hybrid = index.search(query, &options)?;
    println!(
        "{query:?}: {} by words, {} by words and meaning",
        words_only.total,
        hybrid.hits.len()
    );
    let best = hybrid.hits.first().ok_or("no hit by meaning")?;
    println!("best: {} ({})", best.path.display(), best.title);
    assert_eq!(words_only.total, 0);
    assert_eq!(best.path.to_str(), Some("salute.txt"));
    Ok(())
}

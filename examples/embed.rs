//! Embedding cerca: index strings a program already has (rows of its own
//! database, say) and search them, with no file on disk.
//!
//! ```sh
//! cargo run -p cerca-core --example embed -- "esercitazione militare"
//! ```
//!
//! Needs no feature of cerca-core: `default-features = false` is enough.

use cerca_core::{Document, Index, SearchOptions};

/// Rows as a program might read them from its database: an id, a title, a text.
const ARTICLES: &[(u32, &str, &str)] = &[
    (
        1,
        "Zapad-2025",
        "Le esercitazioni militari Zapad-2025 si svolgono in Bielorussia.",
    ),
    (
        2,
        "Il prezzo dell'energia",
        "L'energia costa di più: le bollette della città salgono ancora.",
    ),
    (
        3,
        "Manovre navali",
        "Una esercitazione della marina militare nel Mediterraneo.",
    ),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let query = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "esercitazione militare".to_owned());

    // In memory; `Index::create(dir)` or `Index::open(dir)` keep it on disk.
    let index = Index::create_in_ram()?;
    let mut writer = index.writer()?;
    for (id, title, text) in ARTICLES {
        // The path is the document's identity: adding the same path again
        // replaces the document, so a row's id makes a good one.
        writer.add(&Document::new(format!("articoli/{id}"), *title, *text))?;
    }
    writer.commit()?;

    let results = index.search(&query, &SearchOptions::default())?;
    println!("{} documents match {query:?}", results.total);
    for hit in &results.hits {
        let score = hit.score.unwrap_or_default();
        println!(
            "{}. {} {} ({score:.2})",
            hit.rank,
            hit.path.display(),
            hit.title
        );
    }
    // Italian analysis: `esercitazione militare` finds `esercitazioni militari`.
    if query == "esercitazione militare" {
        assert_eq!(results.total, 2);
    }
    Ok(())
}

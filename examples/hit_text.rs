//! Showing a hit: its snippet with the matched words marked, then the whole
//! text the index stored for it (nothing is read from the disk again).
//!
//! ```sh
//! cargo run -p cerca-core --example hit_text
//! ```
//!
//! Needs no feature of cerca-core.

use cerca_core::{Document, Index, SearchOptions, Snippet};

/// The snippet with each matched word in [brackets].
fn marked(snippet: &Snippet) -> String {
    let mut marked = String::new();
    let mut at = 0;
    for range in &snippet.highlights {
        marked.push_str(&snippet.text[at..range.start]);
        marked.push('[');
        marked.push_str(&snippet.text[range.clone()]);
        marked.push(']');
        at = range.end;
    }
    marked.push_str(&snippet.text[at..]);
    marked
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let index = Index::create_in_ram()?;
    let mut writer = index.writer()?;
    writer.add(&Document::new(
        "note/energia.txt",
        "Il prezzo dell'energia",
        "Questa settimana il prezzo dell'energia è salito ancora. \
         Le città chiedono aiuti perché le bollette delle scuole sono raddoppiate.",
    ))?;
    writer.commit()?;

    // Snippets come with the hits by default (`HitDetail::Snippet`).
    let results = index.search("energia citta", &SearchOptions::default())?;
    let hit = results.hits.first().ok_or("no hit")?;
    let snippet = hit.snippet.as_ref().ok_or("no snippet")?;
    println!("{} — {}", hit.path.display(), hit.title);
    println!("  {}", marked(snippet));
    // `energia` after an elision and `città` with its accent are found.
    let words: Vec<&str> = snippet
        .highlights
        .iter()
        .map(|range| &snippet.text[range.clone()])
        .collect();
    assert_eq!(words, ["energia", "città"]);

    // The stored document: its whole text as it was indexed.
    let stored = index.document(&hit.path)?.ok_or("not stored")?;
    println!(
        "whole text ({} bytes):\n  {}",
        stored.body.len(),
        stored.body
    );
    assert!(stored.body.ends_with("raddoppiate."));
    Ok(())
}

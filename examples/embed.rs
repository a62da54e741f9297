//! Embedding cerca: index the `seeds/` folder in memory and search it.
//!
//! ```sh
//! cargo run --example embed -- "esercitazione militare"
//! ```

use std::path::Path;

use cerca_core::read::{read_file, walk, Extractors, ReadLimits, WalkEvent, WalkOptions};
use cerca_core::{Document, Index, SearchOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let query = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "esercitazione militare".to_owned());
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds");

    // An index held in memory; `Index::create(dir)` would keep it on disk.
    let index = Index::create_in_ram()?;
    let mut writer = index.writer()?;
    let extractors = Extractors::default();
    for event in walk(&seeds, &WalkOptions::default(), &extractors) {
        let WalkEvent::File(found) = event else {
            continue;
        };
        let read = read_file(&found, &extractors, &ReadLimits::default())?;
        writer.add(&Document::from_file(found, read))?;
    }
    writer.commit()?;

    let results = index.search(&query, &SearchOptions::default())?;
    println!("{} documents match {query:?}", results.total);
    for hit in &results.hits {
        println!(
            "{}. {} ({:.2})",
            hit.rank,
            hit.path.display(),
            hit.score.unwrap_or_default()
        );
        println!("   {}", hit.title);
        if let Some(snippet) = &hit.snippet {
            // Mark the matched words with [brackets].
            let mut marked = String::new();
            let mut at = 0;
            for range in &snippet.highlights {
                marked.push_str(&snippet.text[at..range.start]);
                marked.push_str(&format!("[{}]", &snippet.text[range.clone()]));
                at = range.end;
            }
            marked.push_str(&snippet.text[at..]);
            println!("   {marked}");
        }
    }
    Ok(())
}

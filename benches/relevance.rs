//! Relevance evaluator: indexes a docs folder, asks every question of a
//! queries TSV, prints MRR@10, nDCG@10, Recall@10 and Recall@100.
//!
//! ```sh
//! cargo bench -p cerca-core --bench relevance -- ../shared/data/squad-it/docs ../shared/data/squad-it/queries-dev.tsv
//! ```

#[path = "support/relevance.rs"]
mod relevance;

use std::path::PathBuf;
use std::time::Instant;

use cerca_core::{Index, NoProgress, Root, Syncer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // cargo bench passes `--bench`; everything else is ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/squad-it");
    let docs = args
        .first()
        .map_or_else(|| shared.join("docs"), PathBuf::from);
    let tsv = args
        .get(1)
        .map_or_else(|| shared.join("queries-dev.tsv"), PathBuf::from);

    let dir = tempfile::tempdir()?;
    let index = Index::create(&dir.path().join("index"))?;
    let started = Instant::now();
    let report = Syncer::new(&index).sync(&[Root::new(&docs)], &mut NoProgress)?;
    println!(
        "indexed {} documents of {} in {:.2} s ({} failed)",
        report.added,
        docs.display(),
        started.elapsed().as_secs_f64(),
        report.failed
    );

    let questions = relevance::load_questions(&tsv)?;
    let started = Instant::now();
    let metrics = relevance::evaluate(&index, &questions)?;
    let elapsed = started.elapsed().as_secs_f64();
    println!("{metrics}");
    println!(
        "{:.2} s for {} questions ({:.2} ms each)",
        elapsed,
        questions.len(),
        elapsed * 1e3 / questions.len().max(1) as f64
    );
    Ok(())
}

//! Embedding throughput of the semantic model, and what vectors add to an
//! index (with the `semantic` feature, after `scripts/fetch-model.sh`):
//!
//! ```sh
//! cargo bench -p cerca-core --features semantic --bench embedding -- [N]
//! ```
//!
//! Embeds the first N (default 200) squad-it paragraphs as a sync does
//! (batches of 8), then N queries, and prints passages/s, tokens/s, query
//! latency percentiles, and the index's size and its vectors'.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cerca_core::semantic::{passage_text, E5Model};
use cerca_core::{Embedder, Index, NoProgress, Root, Syncer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/squad-it");
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(shared.join("docs"))
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files.truncate(count);
    let model: Arc<dyn Embedder> = Arc::new(E5Model::load_default()?);

    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).map(|t| passage_text("", &t)))
        .collect::<Result<_, _>>()?;
    let bytes: usize = texts.iter().map(String::len).sum();
    let started = Instant::now();
    for batch in texts.chunks(8) {
        let batch: Vec<&str> = batch.iter().map(String::as_str).collect();
        model.embed_passages(&batch)?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{} passages ({:.0} bytes each) in {:.1} s: {:.2} passages/s, {:.1} KB/s",
        texts.len(),
        bytes as f64 / texts.len().max(1) as f64,
        elapsed,
        texts.len() as f64 / elapsed,
        bytes as f64 / elapsed / 1e3
    );

    let questions = std::fs::read_to_string(shared.join("queries-dev.tsv"))?;
    let mut times: Vec<Duration> = Vec::new();
    for line in questions.lines().take(count) {
        let question = line.split('\t').nth(1).unwrap_or_default();
        let started = Instant::now();
        model.embed_query(question)?;
        times.push(started.elapsed());
    }
    times.sort();
    let at = |p: f64| times[((times.len() - 1) as f64 * p) as usize].as_secs_f64() * 1e3;
    println!(
        "{} queries: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        times.len(),
        at(0.5),
        at(0.95),
        at(1.0)
    );

    // What the vectors add to an index of these files.
    let docs = tempfile::tempdir()?;
    for (i, file) in files.iter().enumerate() {
        std::fs::copy(file, docs.path().join(format!("{i}.txt")))?;
    }
    let place = tempfile::tempdir()?;
    let index = Index::create(&place.path().join("index"))?;
    Syncer::new(&index).sync(&[Root::new(docs.path())], &mut NoProgress)?;
    let before = size(place.path())?;
    index.enable_semantic(&*model)?;
    Syncer::new(&index)
        .with_embedder(model.clone())
        .sync(&[], &mut NoProgress)?;
    // (Other files change with a second sync: its state, not the vectors.)
    let vectors = std::fs::metadata(place.path().join("index/cerca-vectors.bin"))?.len();
    println!(
        "index of {} documents: {:.1} KB; their vectors {:.1} KB more ({:.0} bytes per document)",
        files.len(),
        before as f64 / 1e3,
        vectors as f64 / 1e3,
        vectors as f64 / files.len().max(1) as f64
    );
    Ok(())
}

fn size(dir: &Path) -> std::io::Result<u64> {
    let mut total = 0;
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry?;
        if entry.file_type().is_file() {
            total += entry.metadata()?.len();
        }
    }
    Ok(total)
}

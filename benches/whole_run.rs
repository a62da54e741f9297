//! Whole runs on a folder: full index, re-sync with no change, index size,
//! and search latency per query in-process (p50/p99).
//!
//! ```sh
//! ../shared/data/unpack-bulk.sh /tmp/bulk
//! cargo bench -p cerca-core --bench whole_run -- /tmp/bulk
//! ```
//! Without a folder it uses `../shared/data/squad-it/docs`. Peak memory is
//! best read from outside: `/usr/bin/time -v target/release/deps/whole_run-* /tmp/bulk`.

#[path = "support/folder.rs"]
mod folder;

use std::path::Path;
use std::time::{Duration, Instant};

use cerca_core::{HitDetail, Index, NoProgress, Operator, Root, SearchOptions, Syncer};
use folder::folder_argument;

/// Typical one- to three-word queries.
const QUERIES: [&str; 16] = [
    "energia",
    "guerra",
    "esercitazione militare",
    "ministro della difesa",
    "casa bianca",
    "storia d'Italia",
    "amore",
    "file di configurazione",
    "compilatore",
    "lettera",
    "governo italiano",
    "funzione",
    "chiesa cattolica",
    "pacchetto debian",
    "notte",
    "popolo libertà democrazia",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = folder_argument();
    let dir = tempfile::tempdir()?;
    let index_dir = dir.path().join("index");
    let index = Index::create(&index_dir)?;

    let started = Instant::now();
    let full = Syncer::new(&index).sync(&[Root::new(&folder)], &mut NoProgress)?;
    let full_time = started.elapsed();
    let mb = full.bytes_read as f64 / 1e6;
    println!("folder: {}", folder.display());
    println!(
        "full index: {} files ({} failed, {} skipped), {:.1} MB in {:.2} s = {:.1} MB/s",
        full.added,
        full.failed,
        full.skipped,
        mb,
        full_time.as_secs_f64(),
        mb / full_time.as_secs_f64()
    );

    let started = Instant::now();
    let again = Syncer::new(&index).sync(&[], &mut NoProgress)?;
    let resync = started.elapsed();
    println!(
        "re-sync, no change: {:.3} s ({:.1}% of the full index), {} unchanged, {} bytes read",
        resync.as_secs_f64(),
        100.0 * resync.as_secs_f64() / full_time.as_secs_f64(),
        again.unchanged,
        again.bytes_read
    );
    let size = dir_size(&index_dir);
    println!(
        "index size: {:.1} MB = {:.2}x the input",
        size as f64 / 1e6,
        size as f64 / full.bytes_read.max(1) as f64
    );

    for (label, detail) in [
        ("top 10 with snippets", HitDetail::Snippet),
        ("top 10 without snippets", HitDetail::Stored),
        ("top 10 paths only", HitDetail::Columns),
    ] {
        let options = SearchOptions::default()
            .with_operator(Operator::All)
            .with_detail(detail);
        let mut times: Vec<Duration> = Vec::new();
        for _round in 0..20 {
            for query in QUERIES {
                let started = Instant::now();
                index.search(query, &options)?;
                times.push(started.elapsed());
            }
        }
        times.sort();
        let at =
            |q: f64| times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e3;
        println!(
            "search {label}: p50 {:.3} ms, p99 {:.3} ms over {} runs",
            at(0.5),
            at(0.99),
            times.len()
        );
    }
    Ok(())
}

fn dir_size(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.metadata().ok())
        .filter(|metadata| metadata.is_file())
        .map(|metadata| metadata.len())
        .sum()
}

//! How fast tantivy alone takes cerca's documents on this machine: the
//! ceiling of any indexing pipeline built on it.
//!
//! ```sh
//! cargo bench -p cerca-core --bench indexing_ceiling -- /tmp/bulk
//! ```
//!
//! Every file of the folder is read into memory and analyzed once by
//! [`PreAnalyzer`] (as the sync's reading threads do) before the clock
//! starts; then one tantivy index with the fields that take the body
//! (`body`: stems with positions, `body_words`: word forms, `body_text`:
//! stored, zstd level 3 in 16 KiB blocks, as cerca's) is built from them
//! with tantivy's own indexing threads (as many as cerca's writer uses) and
//! committed. Nothing is read, extracted, analyzed nor checked on the clock:
//! what it measures is tantivy's part of cerca's full index, and it prints
//! the rate that part alone allows, then the same without the word forms.
//! It also times the analysis alone, on as many threads.

#[path = "support/folder.rs"]
mod folder;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use cerca_core::analysis::{
    PreAnalyzed, PreAnalyzedTokenizer, PreAnalyzer, PRE_ANALYZED, STOPWORD_MARK,
};
use cerca_core::tantivy;
use folder::folder_argument;
use tantivy::indexer::IndexWriterOptions;
use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions, STORED, STRING};
use tantivy::store::{Compressor, ZstdCompressor};
use tantivy::{IndexSettings, TantivyDocument};

/// As cerca's writer: tantivy's threads and memory per thread.
const MEMORY_PER_THREAD: usize = 128 << 20;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = folder_argument();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let files = read_folder(&folder)?;
    let bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
    let mb = bytes as f64 / 1e6;
    println!(
        "folder: {} ({} files, {mb:.1} MB), {threads} threads",
        folder.display(),
        files.len()
    );

    let (started, cpu) = (Instant::now(), cpu_seconds());
    let analyzed = analyze(&files, threads);
    let seconds = started.elapsed().as_secs_f64();
    let analysis_cpu = cpu_seconds() - cpu;
    println!(
        "analysis alone: {seconds:.2} s = {:.1} MB/s, {analysis_cpu:.2} s of CPU",
        mb / seconds
    );
    let pieces = |text: &str| text.split(' ').filter(|piece| !piece.is_empty()).count();
    let terms: usize = analyzed.iter().map(|a| pieces(&a.terms)).sum();
    let stopwords: usize = analyzed
        .iter()
        .map(|a| {
            a.terms
                .split(' ')
                .filter(|t| t.starts_with(STOPWORD_MARK))
                .count()
        })
        .sum();
    let word_forms: usize = analyzed.iter().map(|a| pieces(&a.word_forms)).sum();
    println!(
        "postings to write: {terms} terms with positions ({stopwords} of stopwords), \
         {word_forms} word forms of a document"
    );

    for word_forms in [true, false] {
        let dir = tempfile::tempdir()?;
        let (started, cpu) = (Instant::now(), cpu_seconds());
        index(dir.path(), &files, &analyzed, threads, word_forms)?;
        let seconds = started.elapsed().as_secs_f64();
        let tantivy_cpu = cpu_seconds() - cpu;
        let size: u64 = std::fs::read_dir(dir.path())?
            .flatten()
            .filter_map(|entry| entry.metadata().ok())
            .map(|metadata| metadata.len())
            .sum();
        println!(
            "tantivy alone, {}: {seconds:.2} s = {:.1} MB/s, {tantivy_cpu:.2} s of CPU, \
             index {:.2}x the input",
            if word_forms {
                "stems, word forms and text"
            } else {
                "stems and text"
            },
            mb / seconds,
            size as f64 / bytes as f64
        );
        // The CPU both need, shared by every core at best.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
        println!(
            "  with the analysis, on {cores} cores at best: {:.1} MB/s",
            mb * cores / (analysis_cpu + tantivy_cpu)
        );
    }
    Ok(())
}

/// The CPU time this process used so far (user and system), in seconds.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return 0.0;
    }
    let seconds = |time: libc::timeval| time.tv_sec as f64 + time.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Every regular file under `folder`, as text.
fn read_folder(folder: &Path) -> std::io::Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(folder).sort_by_file_name() {
        let entry = entry?;
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path())?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            files.push((entry.path().display().to_string(), text));
        }
    }
    Ok(files)
}

/// The analysis of every text, on `threads` threads (each its own
/// analyzer, taking the next text as the sync's reading threads do).
fn analyze(files: &[(String, String)], threads: usize) -> Vec<PreAnalyzed> {
    let next = AtomicUsize::new(0);
    let mut analyzed: Vec<(usize, PreAnalyzed)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut analyzer = PreAnalyzer::new();
                    let mut done = Vec::new();
                    loop {
                        let at = next.fetch_add(1, Ordering::Relaxed);
                        let Some((_, text)) = files.get(at) else {
                            return done;
                        };
                        done.push((at, analyzer.analyze(text)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| handle.join().unwrap_or_default())
            .collect()
    });
    analyzed.sort_by_key(|(at, _)| *at);
    analyzed.into_iter().map(|(_, terms)| terms).collect()
}

/// Builds and commits the index of `files`, analyzed as `analyzed`.
fn index(
    dir: &std::path::Path,
    files: &[(String, String)],
    analyzed: &[PreAnalyzed],
    threads: usize,
    word_forms: bool,
) -> tantivy::Result<()> {
    let mut builder = Schema::builder();
    let pre_analyzed = |record, fieldnorms| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(PRE_ANALYZED)
                .set_index_option(record)
                .set_fieldnorms(fieldnorms),
        )
    };
    let path = builder.add_text_field("path", STRING | STORED);
    let body = builder.add_text_field(
        "body",
        pre_analyzed(IndexRecordOption::WithFreqsAndPositions, true),
    );
    let body_words =
        builder.add_text_field("body_words", pre_analyzed(IndexRecordOption::Basic, false));
    let body_text = builder.add_text_field("body_text", STORED);
    let settings = IndexSettings {
        docstore_compression: Compressor::Zstd(ZstdCompressor {
            compression_level: Some(3),
        }),
        ..IndexSettings::default()
    };
    let index = tantivy::Index::builder()
        .schema(builder.build())
        .settings(settings)
        .create_in_dir(dir)?;
    index
        .tokenizers()
        .register(PRE_ANALYZED, PreAnalyzedTokenizer::default());
    let mut writer: tantivy::IndexWriter = index.writer_with_options(
        IndexWriterOptions::builder()
            .num_worker_threads(threads)
            .memory_budget_per_thread(MEMORY_PER_THREAD)
            .build(),
    )?;
    for ((name, text), terms) in files.iter().zip(analyzed) {
        let mut doc = TantivyDocument::new();
        doc.add_text(path, name);
        doc.add_text(body, &terms.terms);
        if word_forms {
            doc.add_text(body_words, &terms.word_forms);
        }
        doc.add_text(body_text, text);
        writer.add_document(doc)?;
    }
    writer.commit()?;
    writer.wait_merging_threads()
}

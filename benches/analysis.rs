//! Analyzer throughput on Italian text (criterion).
//!
//! ```sh
//! cargo bench -p cerca-core --bench analysis
//! ```

use std::path::PathBuf;

use cerca_core::analysis::{italian_analyzer, word_form_analyzer, ItalianTokenizer, WordAnalyzer};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tantivy::tokenizer::{TextAnalyzer, TokenStream, Tokenizer};
use unicode_segmentation::UnicodeSegmentation;

/// About 1 MB of Italian: the squad-it paragraphs, or the seed repeated.
fn italian_text() -> String {
    let squad =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/squad-it/docs");
    let mut text = String::new();
    for entry in walkdir::WalkDir::new(&squad)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_file() {
            text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
            text.push('\n');
        }
        if text.len() > 1 << 20 {
            break;
        }
    }
    if text.is_empty() {
        text = include_str!("../seeds/000_d1f79b4f03d9532a.txt").repeat(350);
    }
    text
}

fn count_tokens(analyzer: &mut TextAnalyzer, text: &str) -> usize {
    let mut stream = analyzer.token_stream(text);
    let mut tokens = 0;
    while stream.advance() {
        tokens += 1;
    }
    tokens
}

fn analyzers(c: &mut Criterion) {
    let text = italian_text();
    let mut group = c.benchmark_group("analysis");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function("tokenizer", |b| {
        b.iter(|| {
            let mut tokenizer = ItalianTokenizer;
            let mut stream = tokenizer.token_stream(&text);
            let mut tokens = 0;
            while stream.advance() {
                tokens += 1;
            }
            tokens
        })
    });
    group.bench_function("UAX #29 words alone (reference)", |b| {
        b.iter(|| {
            text.split_word_bound_indices()
                .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
                .count()
        })
    });
    let mut italian = italian_analyzer();
    group.bench_function("italian (stemmed)", |b| {
        b.iter(|| count_tokens(&mut italian, &text))
    });
    let mut forms = word_form_analyzer();
    group.bench_function("word forms", |b| b.iter(|| count_tokens(&mut forms, &text)));
    let mut one_pass = WordAnalyzer::new();
    group.bench_function("one pass (snippets, queries)", |b| {
        b.iter(|| {
            let mut tokens = 0;
            one_pass.analyze(&text, |_| tokens += 1);
            tokens
        })
    });
    group.finish();
}

criterion_group!(benches, analyzers);
criterion_main!(benches);

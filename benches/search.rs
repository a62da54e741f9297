//! Query parsing and search latency on the squad-it paragraphs (criterion).
//!
//! ```sh
//! cargo bench -p cerca-core --bench search
//! ```

use std::path::PathBuf;

use cerca_core::{HitDetail, Index, NoProgress, Operator, Root, SearchOptions, Syncer};
use criterion::{criterion_group, criterion_main, Criterion};

const QUERIES: [&str; 6] = [
    "energia",
    "guerra mondiale",
    "\"chiesa cattolica\"",
    "popolazione città censimento",
    "univers*",
    "title:petrolio OR prezzo",
];

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for query in QUERIES
        .iter()
        .chain(&["(energia OR gas) AND NOT nucleare date:2025-09 path:\"a b/*\" trump^2"])
    {
        group.bench_function(*query, |b| b.iter(|| cerca_query::parse(query)));
    }
    group.finish();
}

fn search(c: &mut Criterion) {
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/squad-it/docs");
    let dir = tempfile::tempdir().expect("temp dir");
    let index = Index::create(&dir.path().join("index")).expect("index");
    Syncer::new(&index)
        .sync(&[Root::new(docs)], &mut NoProgress)
        .expect("sync");
    let mut group = c.benchmark_group("search top 10");
    for (name, detail) in [
        ("with snippets", HitDetail::Snippet),
        ("without snippets", HitDetail::Stored),
        ("paths only", HitDetail::Columns),
    ] {
        for query in QUERIES {
            let options = SearchOptions::default()
                .with_operator(Operator::Any)
                .with_detail(detail);
            group.bench_function(format!("{query} ({name})"), |b| {
                b.iter(|| index.search(query, &options))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, parse, search);
criterion_main!(benches);

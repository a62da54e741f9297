//! Relevance evaluator: indexes a docs folder, asks every question of a
//! queries TSV, prints MRR@10, nDCG@10, Recall@10 and Recall@100.
//!
//! ```sh
//! cargo bench -p cerca-core --bench relevance -- ../shared/data/squad-it/docs ../shared/data/squad-it/queries-dev.tsv
//! ```
//!
//! With `--features semantic` (after `scripts/fetch-model.sh`), the index
//! gets vectors and the questions are asked by words, then by words and
//! meaning. The index is kept in `target/bench-indexes/` (making the vectors
//! of squad-it takes minutes; a later run only syncs it). `CERCA_TUNE=1`
//! also tries other fusion weights and candidate counts (query vectors are
//! made once).

#[path = "support/relevance.rs"]
mod relevance;

use std::path::{Path, PathBuf};
use std::time::Instant;

use cerca_core::{Index, Root, Syncer};

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
    let index = open_index(dir.path())?;
    let started = Instant::now();
    let report = sync(&index, &docs)?;
    println!(
        "indexed {} documents of {} in {:.2} s ({} failed, {} vectors made)",
        report.added,
        docs.display(),
        started.elapsed().as_secs_f64(),
        report.failed,
        report.embedded,
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
    #[cfg(feature = "semantic")]
    semantic::evaluate(&index, &questions)?;
    Ok(())
}

#[cfg(not(feature = "semantic"))]
fn open_index(temporary: &Path) -> cerca_core::Result<Index> {
    Index::create(&temporary.join("index"))
}

#[cfg(not(feature = "semantic"))]
fn sync(index: &Index, docs: &Path) -> cerca_core::Result<cerca_core::SyncReport> {
    Syncer::new(index).sync(&[Root::new(docs)], &mut cerca_core::NoProgress)
}

#[cfg(feature = "semantic")]
fn open_index(_temporary: &Path) -> cerca_core::Result<Index> {
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-indexes/relevance");
    let index = Index::open_or_create(&dir)?;
    index.enable_semantic(&*semantic::model())?;
    Ok(index)
}

#[cfg(feature = "semantic")]
fn sync(index: &Index, docs: &Path) -> cerca_core::Result<cerca_core::SyncReport> {
    Syncer::new(index)
        .with_embedder(semantic::model())
        .sync(&[Root::new(docs)], &mut semantic::Dots::default())
}

#[cfg(feature = "semantic")]
mod semantic {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    use std::time::Duration;

    use cerca_core::semantic::E5Model;
    use cerca_core::{Embedder, Index, SemanticSearch, SyncProgress};

    use super::relevance::{self, Question};

    pub fn model() -> Arc<dyn Embedder> {
        static MODEL: OnceLock<Arc<dyn Embedder>> = OnceLock::new();
        MODEL
            .get_or_init(|| match E5Model::load_default() {
                Ok(model) => Arc::new(model),
                Err(error) => panic!("{error}"),
            })
            .clone()
    }

    /// Says how the vectors come along (minutes for squad-it).
    #[derive(Default)]
    pub struct Dots {
        planned: usize,
        done: usize,
    }

    impl SyncProgress for Dots {
        fn embedding_planned(&mut self, documents: usize) {
            self.planned = documents;
            eprintln!("making {documents} vectors");
        }

        fn embedded(&mut self, documents: usize) {
            self.done += documents;
            if self.done % 200 < documents || self.done == self.planned {
                eprintln!("  {}/{}", self.done, self.planned);
            }
        }
    }

    /// The model, with each query's vector made once (for trying weights).
    #[derive(Debug)]
    struct RememberedQueries {
        model: Arc<dyn Embedder>,
        queries: Mutex<HashMap<String, Vec<f32>>>,
    }

    impl Embedder for RememberedQueries {
        fn model(&self) -> &str {
            self.model.model()
        }

        fn dimensions(&self) -> usize {
            self.model.dimensions()
        }

        fn embed_passages(&self, texts: &[&str]) -> cerca_core::Result<Vec<Vec<f32>>> {
            self.model.embed_passages(texts)
        }

        fn embed_query(&self, text: &str) -> cerca_core::Result<Vec<f32>> {
            let known = self.queries.lock().ok().and_then(|q| q.get(text).cloned());
            if let Some(vector) = known {
                return Ok(vector);
            }
            let vector = self.model.embed_query(text)?;
            if let Ok(mut queries) = self.queries.lock() {
                queries.insert(text.to_owned(), vector.clone());
            }
            Ok(vector)
        }
    }

    fn percentile(times: &mut [Duration], p: f64) -> f64 {
        times.sort();
        let at = ((times.len() as f64 - 1.0) * p).round() as usize;
        times.get(at).map_or(0.0, |t| t.as_secs_f64() * 1e3)
    }

    pub fn evaluate(index: &Index, questions: &[Question]) -> cerca_core::Result<()> {
        let remembered: Arc<dyn Embedder> = Arc::new(RememberedQueries {
            model: model(),
            queries: Mutex::new(HashMap::new()),
        });
        let semantic = SemanticSearch::new(remembered.clone());
        let (metrics, mut times) = relevance::evaluate_with(index, questions, Some(semantic))?;
        println!("semantic (weight 0.3, 100 + 20 candidates): {metrics}");
        println!(
            "semantic search, query embedded each time: p50 {:.1} ms, p95 {:.1} ms",
            percentile(&mut times, 0.5),
            percentile(&mut times, 0.95)
        );
        let semantic = SemanticSearch::new(remembered.clone());
        let (_, mut known) = relevance::evaluate_with(index, questions, Some(semantic))?;
        println!(
            "semantic search, query vector already made: p50 {:.1} ms, p95 {:.1} ms",
            percentile(&mut known, 0.5),
            percentile(&mut known, 0.95)
        );
        if std::env::var_os("CERCA_TUNE").is_none() {
            return Ok(());
        }
        for standing_out in [0.0f32, 2.0, 2.5, 3.5] {
            let mut semantic = SemanticSearch::new(remembered.clone());
            semantic.standing_out = standing_out;
            let (metrics, _) = relevance::evaluate_with(index, questions, Some(semantic))?;
            println!("standing out by {standing_out}: {metrics}");
        }
        for weight in [0.2f32, 0.3, 0.4, 0.5] {
            for dense in [0usize, 10, 20, 50] {
                let mut semantic = SemanticSearch::new(remembered.clone());
                semantic.weight = weight;
                semantic.semantic_candidates = dense;
                let (metrics, _) = relevance::evaluate_with(index, questions, Some(semantic))?;
                println!("weight {weight} dense {dense}: {metrics}");
            }
        }
        Ok(())
    }
}

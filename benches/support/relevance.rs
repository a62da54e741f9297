//! The relevance evaluator: questions with one relevant document each, as in
//! `../shared/data/squad-it/queries-dev.tsv` (`id<TAB>question<TAB>relevant path`,
//! the path relative to the TSV's folder). Questions are searched as plain
//! words with OR semantics, as the peers get them.

use std::path::{Path, PathBuf};

use std::time::{Duration, Instant};

use cerca_core::{HitDetail, Index, Operator, SearchOptions, SemanticSearch};

/// One question and the document that answers it.
pub struct Question {
    pub text: String,
    pub relevant: PathBuf,
}

/// Reads a queries TSV; relevant paths are made absolute against its folder.
pub fn load_questions(tsv: &Path) -> std::io::Result<Vec<Question>> {
    let base = tsv.parent().unwrap_or(Path::new("."));
    let text = std::fs::read_to_string(tsv)?;
    let mut questions = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let mut fields = line.split('\t');
        let (Some(_id), Some(question), Some(relevant)) =
            (fields.next(), fields.next(), fields.next())
        else {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "{}:{}: expected id<TAB>question<TAB>path",
                    tsv.display(),
                    number + 1
                ),
            ));
        };
        let relevant = base.join(relevant);
        let relevant = relevant.canonicalize().unwrap_or(relevant);
        questions.push(Question {
            text: question.to_owned(),
            relevant,
        });
    }
    Ok(questions)
}

/// Rank-based measures over a set of questions.
#[derive(Debug, Clone, Copy, Default)]
pub struct Metrics {
    pub questions: usize,
    pub mrr_at_10: f64,
    pub ndcg_at_10: f64,
    pub recall_at_10: f64,
    pub recall_at_100: f64,
}

impl std::fmt::Display for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "questions {}  MRR@10 {:.4}  nDCG@10 {:.4}  Recall@10 {:.4}  Recall@100 {:.4}",
            self.questions, self.mrr_at_10, self.ndcg_at_10, self.recall_at_10, self.recall_at_100
        )
    }
}

/// Searches every question (top 100, OR) and measures where its document ranks.
pub fn evaluate(index: &Index, questions: &[Question]) -> cerca_core::Result<Metrics> {
    Ok(evaluate_with(index, questions, None)?.0)
}

/// The same, by words and meaning when `semantic` is given; with the time
/// each search took.
#[allow(dead_code)] // not every user of this module ranks by meaning
pub fn evaluate_with(
    index: &Index,
    questions: &[Question],
    semantic: Option<SemanticSearch>,
) -> cerca_core::Result<(Metrics, Vec<Duration>)> {
    let options = SearchOptions::default()
        .with_limit(100)
        .with_operator(Operator::Any)
        .with_detail(HitDetail::Columns)
        .with_semantic(semantic);
    let mut times = Vec::with_capacity(questions.len());
    let mut metrics = Metrics {
        questions: questions.len(),
        ..Metrics::default()
    };
    for question in questions {
        let Ok(node) = cerca_core::query::parse_literal(&question.text) else {
            continue;
        };
        let started = Instant::now();
        let results = index.search_parsed(&node, &options)?;
        times.push(started.elapsed());
        let Some(rank) = results
            .hits
            .iter()
            .position(|hit| hit.path == question.relevant)
            .map(|i| i + 1)
        else {
            continue;
        };
        if rank <= 10 {
            metrics.mrr_at_10 += 1.0 / rank as f64;
            metrics.ndcg_at_10 += 1.0 / (rank as f64 + 1.0).log2();
            metrics.recall_at_10 += 1.0;
        }
        metrics.recall_at_100 += 1.0;
    }
    let n = questions.len().max(1) as f64;
    metrics.mrr_at_10 /= n;
    metrics.ndcg_at_10 /= n;
    metrics.recall_at_10 /= n;
    metrics.recall_at_100 /= n;
    Ok((metrics, times))
}

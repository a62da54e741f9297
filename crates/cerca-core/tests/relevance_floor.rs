//! Ranking quality must not drop: every 8th squad-it dev question (about 500),
//! against a floor recorded from the full evaluation
//! (`cargo bench -p cerca-core --bench relevance`, see BENCHMARKS.md).

#[path = "../../../benches/support/relevance.rs"]
mod relevance;

mod common;

use cerca_core::Index;

/// When the floors were set this slice measured MRR@10 0.7893 and
/// Recall@100 0.9801 (full dev set: 0.7967 and 0.9828); the floors leave
/// room for noise, not for a regression.
const MRR_AT_10_FLOOR: f64 = 0.775;
const RECALL_AT_100_FLOOR: f64 = 0.97;

#[test]
fn the_dev_questions_rank_their_paragraph_high_enough() {
    let squad = common::shared().join("data/squad-it");
    let dir = tempfile::tempdir().unwrap();
    let index = Index::create(&dir.path().join("index")).unwrap();
    common::sync(&index, &[&squad.join("docs")]);
    let questions = relevance::load_questions(&squad.join("queries-dev.tsv")).unwrap();
    let slice: Vec<_> = questions.into_iter().step_by(8).collect();
    let metrics = relevance::evaluate(&index, &slice).unwrap();
    println!("{metrics}");
    assert!(slice.len() > 450, "{} questions", slice.len());
    assert!(
        metrics.mrr_at_10 >= MRR_AT_10_FLOOR,
        "MRR@10 fell under {MRR_AT_10_FLOOR}: {metrics}"
    );
    assert!(
        metrics.recall_at_100 >= RECALL_AT_100_FLOOR,
        "Recall@100 fell under {RECALL_AT_100_FLOOR}: {metrics}"
    );
}

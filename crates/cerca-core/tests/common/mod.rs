//! Helpers shared by cerca-core's integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use cerca_core::{Index, NoProgress, SearchOptions, SyncOptions, SyncReport};

/// The seed article's folder.
pub fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds")
}

/// `../shared` beside the project.
pub fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

pub fn sync(index: &Index, roots: &[&Path]) -> SyncReport {
    let roots: Vec<PathBuf> = roots.iter().map(|r| r.to_path_buf()).collect();
    index.sync(&roots, &SyncOptions::default(), &mut NoProgress).expect("sync")
}

/// How many documents match `query` (AND semantics).
pub fn count(index: &Index, query: &str) -> usize {
    index.count(query, &SearchOptions::default()).unwrap_or_else(|e| panic!("{query}: {e}"))
}

/// Paths of the documents matching `query` with the given options, in rank order.
pub fn paths(index: &Index, query: &str, options: &SearchOptions) -> Vec<PathBuf> {
    index
        .search(query, options)
        .unwrap_or_else(|e| panic!("{query}: {e}"))
        .hits
        .into_iter()
        .map(|hit| hit.path)
        .collect()
}

/// An index in a temp dir holding the seed article.
pub fn seed_index() -> (tempfile::TempDir, Index) {
    let dir = tempfile::tempdir().expect("temp dir");
    let index = Index::create(&dir.path().join("index")).expect("create");
    sync(&index, &[&seeds()]);
    (dir, index)
}

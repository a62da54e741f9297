//! Helpers shared by cerca-core's integration tests.
#![allow(dead_code)]

pub mod hostile;
pub mod pdf;

use std::path::{Path, PathBuf};

use cerca_core::{Index, NoProgress, Root, SearchOptions, SyncOptions, SyncReport, Syncer};

/// The seed article's folder.
pub fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds")
}

/// `../shared` beside the project.
pub fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

pub fn sync(index: &Index, roots: &[&Path]) -> SyncReport {
    sync_with(index, roots, &SyncOptions::default())
}

/// Roots with the default walk options.
pub fn roots(paths: &[&Path]) -> Vec<Root> {
    paths.iter().copied().map(Root::new).collect()
}

/// Syncs `roots` (with their own options) with `options`, without progress.
pub fn sync_roots(index: &Index, roots: &[Root], options: &SyncOptions) -> SyncReport {
    Syncer::new(index)
        .with_options(options.clone())
        .sync(roots, &mut NoProgress)
        .expect("sync")
}

/// Waits until files written so far are no longer "racy": a sync now will
/// trust their stamps next time, instead of reading them again to be sure.
pub fn settle() {
    std::thread::sleep(cerca_core::RACY_WINDOW + std::time::Duration::from_millis(20));
}

/// How many documents match `query` (AND semantics).
pub fn count(index: &Index, query: &str) -> usize {
    index
        .count(query, &SearchOptions::default())
        .unwrap_or_else(|e| panic!("{query}: {e}"))
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

// ---- Files on disk for sync tests ----

/// A fixed instant `n` seconds after a base time: whole, distinct seconds, since the
/// index compares modification times to the second.
pub fn at(n: u64) -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_750_000_000 + n)
}

/// Sets a file's modification time.
pub fn set_mtime(path: &Path, time: std::time::SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|file| file.set_modified(time))
        .unwrap_or_else(|e| panic!("set mtime of {}: {e}", path.display()));
}

/// Writes `bytes` to `path` (creating missing folders) and sets its modification time.
pub fn write_at(path: &Path, bytes: impl AsRef<[u8]>, time: std::time::SystemTime) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .unwrap_or_else(|e| panic!("mkdir {}: {e}", parent.display()));
    }
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    set_mtime(path, time);
}

/// The canonical form of an existing path (what the index stores).
pub fn canonical(path: &Path) -> PathBuf {
    path.canonicalize()
        .unwrap_or_else(|e| panic!("canonicalize {}: {e}", path.display()))
}

/// A temp dir holding an empty on-disk index in `index/` and a folder `docs/` for files.
pub fn temp_index() -> (tempfile::TempDir, Index, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let index = Index::create(&dir.path().join("index")).expect("create");
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).expect("mkdir docs");
    (dir, index, docs)
}

/// Syncs `roots` with `options`, without progress.
pub fn try_sync_with(
    index: &Index,
    roots: &[&Path],
    options: &SyncOptions,
) -> cerca_core::Result<SyncReport> {
    Syncer::new(index)
        .with_options(options.clone())
        .sync(&self::roots(roots), &mut NoProgress)
}

pub fn sync_with(index: &Index, roots: &[&Path], options: &SyncOptions) -> SyncReport {
    try_sync_with(index, roots, options).expect("sync")
}

/// Sizes of the files (summed).
pub fn total_size(paths: &[&Path]) -> u64 {
    paths
        .iter()
        .map(|p| {
            std::fs::metadata(p)
                .unwrap_or_else(|e| panic!("stat {}: {e}", p.display()))
                .len()
        })
        .sum()
}

/// Whether permission bits are enforced for us (they are not when running as root):
/// tries to open a chmod-000 probe file.
#[cfg(unix)]
pub fn permissions_enforced(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join(".permission-probe");
    std::fs::write(&probe, b"x").expect("write probe");
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).expect("chmod probe");
    let enforced = std::fs::File::open(&probe).is_err();
    let _ = std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o600));
    let _ = std::fs::remove_file(&probe);
    enforced
}

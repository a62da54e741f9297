//! The folder a whole-run bench works on.

use std::path::PathBuf;

/// The first argument that is not a flag (cargo passes `--bench`), else
/// squad-it's paragraphs beside the repository.
pub fn folder_argument() -> PathBuf {
    std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/squad-it/docs")
        })
}

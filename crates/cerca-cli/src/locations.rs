//! Where cerca keeps its files: the index in the user's data directory, the
//! cached indexes of ad-hoc searches in the user's cache directory (XDG).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use directories::ProjectDirs;

fn project_dirs() -> Result<ProjectDirs> {
    ProjectDirs::from("", "", "cerca")
        .context("cannot tell your home directory: set HOME, or give --index DIR")
}

/// The index to use: `--index`/`CERCA_INDEX` if given, else `<data dir>/index`.
pub fn index_dir(given: Option<&Path>) -> Result<PathBuf> {
    match given {
        Some(dir) => Ok(dir.to_path_buf()),
        None => Ok(project_dirs()?.data_dir().join("index")),
    }
}

/// The cached index for an ad-hoc search of these (canonical) paths.
pub fn cache_index_dir(paths: &[PathBuf]) -> Result<PathBuf> {
    let mut key = Vec::new();
    for path in paths {
        key.extend_from_slice(path.as_os_str().as_encoded_bytes());
        key.push(0);
    }
    let name = paths
        .first()
        .and_then(|p| p.file_name())
        .map(|n| {
            n.to_string_lossy()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
                .take(32)
                .collect::<String>()
        })
        .unwrap_or_default();
    let hash = cerca_core::read::content_hash(&key);
    Ok(project_dirs()?
        .cache_dir()
        .join(format!("{name}-{hash:032x}")))
}

//! Where cerca keeps its files: the index in the user's data directory, the
//! cached indexes of ad-hoc searches in the user's cache directory (XDG).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use directories::ProjectDirs;

/// The variable that names the index when `--index` is not given.
pub const INDEX_VARIABLE: &str = "CERCA_INDEX";

const NO_HOME: &str = "cannot tell your home directory: set HOME, or give --index DIR";

fn project_dirs() -> Result<ProjectDirs> {
    // Without HOME, the home directory comes from the user database
    // (getpwuid), whose modules a static C library cannot load: glibc loads
    // a second libc into the process, which crashed for a user not in
    // /etc/passwd. The static build (`cargo build-static`) reads HOME only.
    if cfg!(target_feature = "crt-static") && std::env::var_os("HOME").is_none_or(|h| h.is_empty())
    {
        anyhow::bail!(NO_HOME);
    }
    ProjectDirs::from("", "", "cerca").context(NO_HOME)
}

/// `$variable/cerca` if `variable` holds an absolute path (the XDG base
/// directories, as `directories` reads them on Linux and the BSDs), which
/// needs no home directory.
fn xdg_dir(variable: &str) -> Option<PathBuf> {
    if !cfg!(all(unix, not(target_os = "macos"))) {
        return None;
    }
    std::env::var_os(variable)
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .map(|dir| dir.join("cerca"))
}

/// One of cerca's base directories: `$variable/cerca`, else the one `pick`
/// takes from the home directory (`~/.local/share/cerca`, `~/.cache/cerca`).
fn base_dir(variable: &str, pick: fn(&ProjectDirs) -> &Path) -> Result<PathBuf> {
    match xdg_dir(variable) {
        Some(dir) => Ok(dir),
        None => Ok(pick(&project_dirs()?).to_path_buf()),
    }
}

/// The index to use: `--index`, else `CERCA_INDEX` if set and not empty (an
/// empty variable is as if unset, as shells mean it), else `<data dir>/index`.
///
/// A path that names a file is refused here, before any command takes it
/// for a missing index.
pub fn index_dir(given: Option<&Path>) -> Result<PathBuf> {
    let from_env = std::env::var_os(INDEX_VARIABLE)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from);
    let (dir, source) = match (given, from_env) {
        (Some(dir), _) => (dir.to_path_buf(), "--index"),
        (None, Some(dir)) => (dir, INDEX_VARIABLE),
        (None, None) => return Ok(base_dir("XDG_DATA_HOME", ProjectDirs::data_dir)?.join("index")),
    };
    if dir.exists() && !dir.is_dir() {
        anyhow::bail!(
            "{} is a file, not an index directory: give {source} the directory of an index \
             (or a new one, that `cerca index` creates)",
            dir.display()
        );
    }
    Ok(dir)
}

/// The directory of the cached indexes of ad-hoc searches:
/// `$XDG_CACHE_HOME/cerca`, else `~/.cache/cerca`.
pub fn cache_root() -> Result<PathBuf> {
    base_dir("XDG_CACHE_HOME", ProjectDirs::cache_dir)
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
    Ok(cache_root()?.join(cache_name(&name, hash)))
}

fn cache_name(name: &str, hash: u128) -> String {
    format!("{name}-{hash:032x}")
}

/// Whether a directory name in the cache root is one of ours
/// (`NAME-` and 32 hexadecimal digits): `cerca cache clear` removes nothing else.
pub fn is_cache_name(name: &OsString) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    name.len() > 32
        && name.is_char_boundary(name.len() - 33)
        && name[name.len() - 33..].starts_with('-')
        && name[name.len() - 32..]
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_names_are_told_from_other_directories() {
        assert!(is_cache_name(&cache_name("notizie", 7).into()));
        assert!(is_cache_name(&cache_name("", u128::MAX).into()));
        assert!(!is_cache_name(&OsString::from("notizie")));
        assert!(!is_cache_name(&OsString::from(format!(
            "x_{}",
            "0".repeat(32)
        ))));
    }
}

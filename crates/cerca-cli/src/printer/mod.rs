//! Output formats, one file each, behind one [`Sink`] interface (as ripgrep's printer).
//!
//! - [`standard`]: ranked hits for people, with colored highlights.
//! - [`json`]: JSON Lines for programs.
//! - [`paths`]: matching paths only (`-l`).
//! - [`count`]: the number of matching documents (`-c`).

mod count;
pub mod json;
mod paths;
mod standard;

use std::io;
use std::path::{Path, PathBuf};

use cerca_core::SearchResults;

pub use count::Count;
pub use json::Json;
pub use paths::Paths;
pub use standard::Standard;

/// Receives the results of each query.
pub trait Sink {
    /// The results of one query; `query` is its line number in a batch.
    fn results(&mut self, results: &SearchResults, query: Option<usize>) -> io::Result<()>;

    /// A query of a batch that could not run; `at` is the part of its line
    /// at fault, in characters, when one is. Only JSON reports it in-line;
    /// the other formats leave it to the caller's error output.
    fn query_error(
        &mut self,
        _query: usize,
        _message: &str,
        _at: Option<std::ops::Range<usize>>,
    ) -> io::Result<()> {
        Ok(())
    }
}

/// A path as people read it: relative to the current directory when under it.
pub fn display_path(path: &Path, current_dir: Option<&Path>) -> PathBuf {
    current_dir
        .and_then(|dir| path.strip_prefix(dir).ok())
        .filter(|relative| !relative.as_os_str().is_empty())
        .map_or_else(|| path.to_path_buf(), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_the_current_directory_are_relative() {
        let dir = Path::new("/home/me");
        assert_eq!(
            display_path(Path::new("/home/me/a/b.txt"), Some(dir)),
            Path::new("a/b.txt")
        );
        assert_eq!(
            display_path(Path::new("/etc/x"), Some(dir)),
            Path::new("/etc/x")
        );
        assert_eq!(display_path(Path::new("/etc/x"), None), Path::new("/etc/x"));
    }
}

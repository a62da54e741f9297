//! Matching paths only, one a line (`-l`), or each ended by NUL (`-l -0`).

use std::io::{self, Write};
use std::path::PathBuf;

use cerca_core::SearchResults;

use super::{display_path, Sink};
use crate::output;

pub struct Paths<W> {
    out: W,
    current_dir: Option<PathBuf>,
    /// End each path with NUL (`-0`) instead of a newline.
    null: bool,
    /// Show control characters escaped (for a terminal) instead of the exact bytes.
    escape: bool,
}

impl<W: Write> Paths<W> {
    pub fn new(out: W, current_dir: Option<PathBuf>, null: bool, escape: bool) -> Self {
        Paths {
            out,
            current_dir,
            null,
            escape,
        }
    }
}

impl<W: Write> Sink for Paths<W> {
    fn results(&mut self, results: &SearchResults, _query: Option<usize>) -> io::Result<()> {
        for hit in &results.hits {
            let path = display_path(&hit.path, self.current_dir.as_deref());
            if self.escape {
                self.out.write_all(output::escape_path(&path).as_bytes())?;
            } else {
                self.out.write_all(path.as_os_str().as_encoded_bytes())?;
            }
            self.out.write_all(if self.null { b"\0" } else { b"\n" })?;
        }
        self.out.flush()
    }
}

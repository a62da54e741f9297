//! Matching paths only, one a line (`-l`).

use std::io::{self, Write};
use std::path::PathBuf;

use cerca_core::SearchResults;

use super::{display_path, Sink};

pub struct Paths<W> {
    out: W,
    current_dir: Option<PathBuf>,
}

impl<W: Write> Paths<W> {
    pub fn new(out: W, current_dir: Option<PathBuf>) -> Self {
        Paths { out, current_dir }
    }
}

impl<W: Write> Sink for Paths<W> {
    fn results(&mut self, results: &SearchResults, _query: Option<usize>) -> io::Result<()> {
        for hit in &results.hits {
            let path = display_path(&hit.path, self.current_dir.as_deref());
            self.out.write_all(path.as_os_str().as_encoded_bytes())?;
            self.out.write_all(b"\n")?;
        }
        self.out.flush()
    }
}

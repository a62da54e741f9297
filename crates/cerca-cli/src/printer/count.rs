//! The number of matching documents (`-c`).

use std::io::{self, Write};

use cerca_core::SearchResults;

use super::Sink;

pub struct Count<W> {
    out: W,
}

impl<W: Write> Count<W> {
    pub fn new(out: W) -> Self {
        Count { out }
    }
}

impl<W: Write> Sink for Count<W> {
    fn results(&mut self, results: &SearchResults, _query: Option<usize>) -> io::Result<()> {
        writeln!(self.out, "{}", results.total)?;
        self.out.flush()
    }
}

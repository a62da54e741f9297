//! The human format: path and date, title, and a snippet with the matched words highlighted.

use std::io::{self, Write};
use std::path::PathBuf;

use anstyle::{AnsiColor, Style};
use cerca_core::{Hit, SearchResults};

use super::{display_path, Sink};
use crate::output::{escape, escape_path, Controls};

const PATH: Style = AnsiColor::Magenta.on_default().bold();
const DATE: Style = AnsiColor::Green.on_default();
const TITLE: Style = Style::new().bold();
const MATCH: Style = AnsiColor::Red.on_default().bold();

/// Ranked hits for a terminal. Colors are written as ANSI escapes: the
/// stream it writes to strips them when colors are off. What comes from
/// documents and file names is never written raw: its control characters
/// are escaped, so that only cerca's own escapes reach the terminal.
pub struct Standard<W> {
    out: W,
    current_dir: Option<PathBuf>,
    /// The hits of one search, written to `out` at once: standard output
    /// flushes every line (about 40 writes for ten hits).
    page: Vec<u8>,
}

impl<W: Write> Standard<W> {
    pub fn new(out: W, current_dir: Option<PathBuf>) -> Self {
        Standard {
            out,
            current_dir,
            page: Vec::new(),
        }
    }

    fn hit(&mut self, hit: &Hit) -> io::Result<()> {
        let path = display_path(&hit.path, self.current_dir.as_deref());
        write!(self.page, "{PATH}{}{PATH:#}", escape_path(&path))?;
        if let Some(date) = hit.date {
            write!(self.page, "  {DATE}{date}{DATE:#}")?;
        }
        writeln!(self.page)?;
        if !hit.title.is_empty() {
            writeln!(
                self.page,
                "  {TITLE}{}{TITLE:#}",
                escape(&hit.title, Controls::Inline)
            )?;
        }
        if let Some(snippet) = hit.snippet.as_ref().filter(|s| !s.text.is_empty()) {
            write!(self.page, "  ")?;
            let mut at = 0;
            for range in &snippet.highlights {
                // Escaped piece by piece: the highlights are byte ranges of the raw text.
                write!(
                    self.page,
                    "{}{MATCH}{}{MATCH:#}",
                    escape(
                        snippet.text.get(at..range.start).unwrap_or_default(),
                        Controls::Inline
                    ),
                    escape(
                        snippet.text.get(range.clone()).unwrap_or_default(),
                        Controls::Inline
                    )
                )?;
                at = range.end;
            }
            writeln!(
                self.page,
                "{}",
                escape(snippet.text.get(at..).unwrap_or_default(), Controls::Inline)
            )?;
        }
        writeln!(self.page)
    }
}

impl<W: Write> Sink for Standard<W> {
    fn results(&mut self, results: &SearchResults, _query: Option<usize>) -> io::Result<()> {
        self.page.clear();
        for hit in &results.hits {
            self.hit(hit)?;
        }
        self.out.write_all(&self.page)?;
        self.out.flush()
    }
}

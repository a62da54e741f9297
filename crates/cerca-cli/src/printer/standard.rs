//! The human format: path and date, title, and a snippet with the matched words highlighted.

use std::io::{self, Write};
use std::path::PathBuf;

use anstyle::{AnsiColor, Style};
use cerca_core::{Hit, SearchResults};

use super::{display_path, Sink};

const PATH: Style = AnsiColor::Magenta.on_default().bold();
const DATE: Style = AnsiColor::Green.on_default();
const TITLE: Style = Style::new().bold();
const MATCH: Style = AnsiColor::Red.on_default().bold();

/// Ranked hits for a terminal. Colors are written as ANSI escapes: the
/// stream it writes to strips them when colors are off.
pub struct Standard<W> {
    out: W,
    current_dir: Option<PathBuf>,
}

impl<W: Write> Standard<W> {
    pub fn new(out: W, current_dir: Option<PathBuf>) -> Self {
        Standard { out, current_dir }
    }

    fn hit(&mut self, hit: &Hit) -> io::Result<()> {
        let path = display_path(&hit.path, self.current_dir.as_deref());
        write!(self.out, "{PATH}{}{PATH:#}", path.display())?;
        if let Some(date) = hit.date {
            write!(self.out, "  {DATE}{date}{DATE:#}")?;
        }
        writeln!(self.out)?;
        if !hit.title.is_empty() {
            writeln!(self.out, "  {TITLE}{}{TITLE:#}", hit.title)?;
        }
        if let Some(snippet) = hit.snippet.as_ref().filter(|s| !s.text.is_empty()) {
            write!(self.out, "  ")?;
            let mut at = 0;
            for range in &snippet.highlights {
                write!(
                    self.out,
                    "{}{MATCH}{}{MATCH:#}",
                    &snippet.text[at..range.start],
                    &snippet.text[range.clone()]
                )?;
                at = range.end;
            }
            writeln!(self.out, "{}", &snippet.text[at..])?;
        }
        writeln!(self.out)
    }
}

impl<W: Write> Sink for Standard<W> {
    fn results(&mut self, results: &SearchResults, _query: Option<usize>) -> io::Result<()> {
        for hit in &results.hits {
            self.hit(hit)?;
        }
        self.out.flush()
    }
}

//! A body builder shared by the rich-document extractors: text goes in piece by piece,
//! whitespace collapses to single spaces, and block boundaries end lines, so that the
//! words of two paragraphs, cells or notes never glue together.

// Each reader that uses it uses part of it.
#![cfg_attr(
    not(all(feature = "office", feature = "mail", feature = "pdf", feature = "rtf")),
    allow(dead_code)
)]

/// Builds a body of `\n`-separated lines without blank lines nor stray spaces.
#[derive(Debug, Default)]
pub(crate) struct Lines {
    body: String,
    line: String,
    pending_space: bool,
}

impl Lines {
    /// Appends text; runs of whitespace become one space (none at a line's start).
    pub(crate) fn text(&mut self, text: &str) {
        for c in text.chars() {
            self.char(c);
        }
    }

    /// Appends one character (a newline ends the line).
    pub(crate) fn char(&mut self, c: char) {
        if c == '\n' {
            self.end_line();
        } else if c.is_whitespace() {
            self.pending_space = true;
        } else if !c.is_control() {
            if self.pending_space && !self.line.is_empty() {
                self.line.push(' ');
            }
            self.pending_space = false;
            self.line.push(c);
        }
    }

    /// A word boundary (a tab, a space-like element).
    pub(crate) fn space(&mut self) {
        self.pending_space = true;
    }

    /// A block boundary: ends the current line if it has text.
    pub(crate) fn end_line(&mut self) {
        if !self.line.is_empty() {
            self.body.push_str(&self.line);
            self.body.push('\n');
            self.line.clear();
        }
        self.pending_space = false;
    }

    /// Appends already built lines (e.g. a chapter's text) after ending the current line.
    pub(crate) fn append(&mut self, other: &str) {
        self.end_line();
        for line in other.lines() {
            self.text(line);
            self.end_line();
        }
    }

    /// Whether nothing was written yet.
    pub(crate) fn is_empty(&self) -> bool {
        self.body.is_empty() && self.line.is_empty()
    }

    /// The body, every line ended by `\n`.
    pub(crate) fn finish(mut self) -> String {
        self.end_line();
        self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_spaces() {
        let mut lines = Lines::default();
        lines.text("  Il  perché\t");
        lines.text("della ");
        lines.end_line();
        lines.end_line();
        lines.text("città");
        lines.space();
        lines.text("è");
        lines.char('\n');
        lines.char('\u{7}');
        lines.append("a\n\n b \n");
        assert_eq!(lines.finish(), "Il perché della\ncittà è\na\nb\n");
        assert!(Lines::default().is_empty());
    }
}

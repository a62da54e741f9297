//! Writing to the terminal: through writers (a closed pipe is an error that
//! `main` ends quietly on, where `println!` panics), with control characters
//! from documents and file names made visible, and errors said once.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Writes `bytes` to standard output and flushes it.
pub fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

/// `cerca: MESSAGE` on standard error, control characters escaped (a message
/// can name any file). A standard error that cannot be written is not worth
/// an error of its own.
pub fn error(message: &str) {
    let _ = writeln!(
        io::stderr().lock(),
        "cerca: {}",
        escape(message, Controls::Lines)
    );
}

/// A line for the person at the terminal on standard error (a note, the
/// query's tree), control characters escaped.
pub fn note(message: &str) {
    let _ = writeln!(io::stderr().lock(), "{}", escape(message, Controls::Lines));
}

/// The error and its causes, each said once: a cause whose text its
/// effect already holds (cerca-core's and the reader's errors print their
/// source, and report it as their source too) is not repeated.
pub fn causes(error: &anyhow::Error) -> String {
    let mut text = String::new();
    let mut last = String::new();
    for cause in error.chain() {
        let said = cause.to_string();
        if last.contains(&said) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&said);
        last = said;
    }
    text
}

/// How [`escape`] shows control characters.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Controls {
    /// Every one as an escape (`\x1b`, `\n`, `\t`…): a file name on one line.
    Escaped,
    /// Line breaks and tabs as spaces, the others escaped: a title or a
    /// snippet, read as running text.
    Inline,
    /// Line breaks and tabs kept, the others escaped: a message of several lines.
    Lines,
}

/// `text` with control characters (C0, DEL, C1) shown as `controls` says: a
/// document's title or a file's name must not reach a terminal raw, where
/// `ESC ]0;…` sets the window title and `ESC [2J` clears the screen.
/// Printable text, all of Unicode, is kept.
pub fn escape(text: &str, controls: Controls) -> Cow<'_, str> {
    let kept = |c: char| controls == Controls::Lines && matches!(c, '\n' | '\t');
    if !text.chars().any(|c| is_unsafe(c) && !kept(c)) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if kept(c) => escaped.push(c),
            '\n' | '\r' | '\t' if controls == Controls::Inline => escaped.push(' '),
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            '\t' => escaped.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(escaped, "\\x{:02x}", u32::from(c));
            }
            c if is_unsafe(c) => {
                let _ = write!(escaped, "\\u{{{:04x}}}", u32::from(c));
            }
            c => escaped.push(c),
        }
    }
    Cow::Owned(escaped)
}

/// Control characters, and the bidirectional overrides and isolates that
/// make a terminal show text in another order than it is (`U+202E` turns
/// `txt.exe` around).
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A path as people read it on a terminal: lossy where it is not UTF-8,
/// control characters escaped.
pub fn escape_path(path: &std::path::Path) -> String {
    escape(&path.to_string_lossy(), Controls::Escaped).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        use Controls::*;
        assert_eq!(escape("città", Escaped), "città");
        assert_eq!(escape("a\x1b]0;x\x07b", Escaped), "a\\x1b]0;x\\x07b");
        assert_eq!(escape("a\nb\tc", Escaped), "a\\nb\\tc");
        // C1 controls: U+009B is a CSI on some terminals.
        assert_eq!(escape("a\u{9b}2J", Escaped), "a\\x9b2J");
        assert_eq!(escape("a\nb\tc\x1b", Inline), "a b c\\x1b");
        assert_eq!(escape("a\nb\r\x1b", Lines), "a\nb\\r\\x1b");
        // Bidirectional overrides would show the text in another order.
        assert_eq!(escape("a\u{202e}txt.exe", Escaped), "a\\u{202e}txt.exe");
        assert_eq!(escape("\u{2066}x\u{2069}", Inline), "\\u{2066}x\\u{2069}");
    }

    #[test]
    fn a_cause_already_said_is_not_repeated() {
        let io = std::io::Error::from(std::io::ErrorKind::NotFound);
        let said = io.to_string();
        #[derive(Debug)]
        struct Wrapper(std::io::Error);
        impl std::fmt::Display for Wrapper {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "missing: {}", self.0)
            }
        }
        impl std::error::Error for Wrapper {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let error = anyhow::Error::new(Wrapper(io)).context("cannot sync");
        assert_eq!(causes(&error), format!("cannot sync: missing: {said}"));
    }
}

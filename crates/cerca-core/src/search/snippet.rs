//! Snippets: the passage of a document that best shows why it matched.
//!
//! The text is analyzed again in one pass ([`WordAnalyzer`]) and every word
//! whose stem, word form, prefix or near spelling the query asked for is a
//! match; the window of about [`SNIPPET_CHARS`] characters holding the most
//! distinct matched words wins. Highlights are byte ranges in the snippet
//! text, so a terminal can color them and JSON can carry them.

use std::collections::HashSet;
use std::ops::Range;

use serde::Serialize;

use crate::analysis::WordAnalyzer;

use super::compile::Highlight;

/// The length of a snippet, in characters.
pub const SNIPPET_CHARS: usize = 200;
/// Only this much of a document is read for its snippet.
const MAX_SCANNED_BYTES: usize = 1 << 20;

/// A passage of a document with the matched words marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The passage, whitespace collapsed, with `…` where it was cut.
    pub text: String,
    /// Byte ranges of matched words in `text`.
    pub highlights: Vec<Range<usize>>,
}

pub(crate) struct Highlighter {
    highlight: Highlight,
    analyzer: WordAnalyzer,
}

struct Match {
    range: Range<usize>,
    /// Which word of the query it matched, to count distinct ones.
    word: usize,
}

impl Highlighter {
    pub fn new(highlight: Highlight) -> Self {
        Highlighter {
            highlight,
            analyzer: WordAnalyzer::new(),
        }
    }

    /// The best passage of `text`, or its beginning if nothing matches.
    pub fn snippet(&mut self, text: &str) -> Snippet {
        let scanned = &text[..floor_char_boundary(text, MAX_SCANNED_BYTES)];
        let matches = self.matches(scanned);
        let window = best_window(scanned, &matches);
        render(scanned, window, &matches)
    }

    fn matches(&mut self, text: &str) -> Vec<Match> {
        let highlight = &self.highlight;
        let stems: Vec<&String> = highlight.stems.iter().collect();
        let mut matches = Vec::new();
        self.analyzer.analyze(text, |token| {
            let word = stems
                .iter()
                .position(|stem| stem.as_str() == token.term)
                .or_else(|| {
                    highlight
                        .prefixes
                        .iter()
                        .position(|prefix| token.word.starts_with(prefix.as_str()))
                        .map(|i| stems.len() + i)
                })
                .or_else(|| {
                    highlight
                        .fuzzy
                        .iter()
                        .position(|(word, distance)| {
                            strsim::osa_distance(word, token.word) <= usize::from(*distance)
                        })
                        .map(|i| stems.len() + highlight.prefixes.len() + i)
                });
            if let Some(word) = word {
                matches.push(Match {
                    range: token.offset_from..token.offset_to,
                    word,
                });
            }
        });
        matches
    }
}

/// The byte range of the window with the most distinct matched words (then the most matches).
fn best_window(text: &str, matches: &[Match]) -> Range<usize> {
    let window_bytes = |start: usize| {
        let Some((end, _)) = text[start..].char_indices().nth(SNIPPET_CHARS) else {
            return start..text.len();
        };
        // End between words, not inside one.
        let cut = text[start..start + end]
            .rfind(char::is_whitespace)
            .filter(|&at| at > end / 2)
            .unwrap_or(end);
        start..start + cut
    };
    let mut best: Option<(usize, usize, Range<usize>)> = None;
    for (i, first) in matches.iter().enumerate() {
        // Start a little before the first match, at a word boundary.
        let start = lead_in_start(text, first.range.start);
        let window = window_bytes(start);
        let inside = matches[i..]
            .iter()
            .take_while(|m| m.range.end <= window.end);
        let distinct: HashSet<usize> = inside.clone().map(|m| m.word).collect();
        let score = (distinct.len(), inside.count());
        if best.as_ref().is_none_or(|(d, n, _)| score > (*d, *n)) {
            best = Some((score.0, score.1, window));
        }
    }
    best.map_or_else(|| window_bytes(0), |(_, _, window)| window)
}

/// Where a window should start to show some context before a match at `at`.
fn lead_in_start(text: &str, at: usize) -> usize {
    const LEAD_IN_CHARS: usize = 40;
    let before = &text[..at];
    let Some((lead_in, _)) = before.char_indices().rev().nth(LEAD_IN_CHARS - 1) else {
        // Close to the start: show it all.
        return 0;
    };
    if let Some(sentence) = before.rfind(['.', '!', '?', '\n']).map(|i| i + 1) {
        if sentence >= lead_in {
            return sentence;
        }
    }
    before[lead_in..]
        .find(char::is_whitespace)
        .map_or(lead_in, |i| lead_in + i)
}

/// The window's text with whitespace collapsed and highlight ranges remapped.
fn render(text: &str, window: Range<usize>, matches: &[Match]) -> Snippet {
    let mut out = String::with_capacity(window.len() + 8);
    if window.start > 0 {
        out.push('…');
    }
    let mut highlights = Vec::new();
    let mut pending = matches
        .iter()
        .filter(|m| m.range.start >= window.start && m.range.end <= window.end)
        .peekable();
    let mut open: Option<(usize, usize)> = None; // (snippet start, source end)
    let mut last_was_space = true;
    for (i, c) in text[window.clone()].char_indices() {
        let at = window.start + i;
        if open.is_none() {
            if let Some(m) = pending.next_if(|m| m.range.start == at) {
                open = Some((out.len(), m.range.end));
            }
        }
        if c.is_whitespace() {
            if !last_was_space {
                out.push(' ');
            }
            last_was_space = true;
        } else {
            out.push(c);
            last_was_space = false;
        }
        if let Some((start, end)) = open {
            if at + c.len_utf8() >= end {
                highlights.push(start..out.len());
                open = None;
            }
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    if window.end < text.len() {
        out.push('…');
    }
    Snippet {
        text: out,
        highlights,
    }
}

fn floor_char_boundary(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    (0..=at)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn highlighter(stems: &[&str], prefixes: &[&str], fuzzy: &[(&str, u8)]) -> Highlighter {
        Highlighter::new(Highlight {
            stems: stems.iter().map(|s| s.to_string()).collect(),
            prefixes: prefixes.iter().map(|s| s.to_string()).collect(),
            fuzzy: fuzzy.iter().map(|(w, d)| (w.to_string(), *d)).collect(),
        })
    }

    fn marked(snippet: &Snippet) -> Vec<&str> {
        snippet
            .highlights
            .iter()
            .map(|r| &snippet.text[r.clone()])
            .collect()
    }

    #[test]
    fn marks_surface_forms_reached_through_stems_and_elision() {
        let text = "Le esercitazioni militari dell'esercito e i prezzi dell’energia.";
        let snippet = highlighter(&["esercit", "energ"], &[], &[]).snippet(text);
        assert_eq!(marked(&snippet), ["esercitazioni", "energia"]);
        assert_eq!(snippet.text, text);
    }

    #[test]
    fn marks_prefix_and_fuzzy_matches() {
        let text = "Lukashenko incontra i bielorussi a Minsk.";
        let snippet = highlighter(&[], &["bielorus"], &[("lukascenko", 2)]).snippet(text);
        assert_eq!(marked(&snippet), ["Lukashenko", "bielorussi"]);
    }

    #[test]
    fn picks_the_window_with_the_most_distinct_words() {
        let filler = "parole senza importanza alcuna. ".repeat(20);
        let text =
            format!("{filler}Il ministro parla. {filler}Il ministro della difesa parla. {filler}");
        let snippet = highlighter(&["ministr", "difes"], &[], &[]).snippet(&text);
        assert_eq!(marked(&snippet), ["ministro", "difesa"]);
        assert!(snippet.text.starts_with('…') && snippet.text.ends_with('…'));
        assert!(snippet.text.chars().count() <= SNIPPET_CHARS + 2);
    }

    #[test]
    fn collapses_whitespace_and_keeps_ranges_right() {
        let text = "uno\n\n  due\r\n\ttre   energia";
        let snippet = highlighter(&["energ"], &[], &[]).snippet(text);
        assert_eq!(snippet.text, "uno due tre energia");
        assert_eq!(marked(&snippet), ["energia"]);
    }

    #[test]
    fn without_matches_shows_the_beginning() {
        let text = "x ".repeat(300);
        let snippet = highlighter(&["energ"], &[], &[]).snippet(&text);
        assert!(snippet.highlights.is_empty());
        assert!(snippet.text.starts_with("x x") && snippet.text.ends_with('…'));
    }

    #[test]
    fn handles_empty_and_multibyte_text() {
        assert_eq!(highlighter(&["energ"], &[], &[]).snippet("").text, "");
        let text = "città ".repeat(100);
        let snippet = highlighter(&["citt"], &[], &[]).snippet(&text);
        assert!(!snippet.highlights.is_empty());
        for range in &snippet.highlights {
            assert_eq!(&snippet.text[range.clone()], "città");
        }
    }
}

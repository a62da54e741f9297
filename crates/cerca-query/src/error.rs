//! Parse errors: what went wrong, where, and how to show it to a person.
//!
//! Every error carries a [`Span`] into the query text so the command line can
//! underline the culprit (see [`ParseError::render`]). Messages always say what
//! was expected, because the reader of an error is someone fixing a query.

use crate::ast::Span;
use thiserror::Error;
use unicode_width::UnicodeWidthChar;

/// The fields a `name:` prefix may name, in the order error messages list them.
pub const KNOWN_FIELDS: [&str; 6] = ["title", "body", "path", "ext", "date", "modified"];

/// What kind of mistake the query contains. Each variant's `Display` is the
/// full message, saying what was expected instead.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The query is empty or only whitespace.
    #[error("empty query: expected at least one word, phrase or filter")]
    EmptyQuery,

    /// A `"` (or `“`) opened a phrase or quoted value that never closes.
    #[error("unclosed quote: expected a closing `\"` to end the phrase")]
    UnclosedQuote,

    /// A phrase with nothing (or only spaces) between its quotes.
    #[error("empty phrase: expected some words between the quotes")]
    EmptyPhrase,

    /// A `(` without its `)`.
    #[error("unclosed parenthesis: expected a `)` to close this `(`")]
    UnclosedParen,

    /// A `)` that closes nothing.
    #[error("unexpected `)`: there is no `(` for it to close (expected a matching `(` before it)")]
    UnexpectedCloseParen,

    /// `()`: a group with nothing inside.
    #[error("empty parentheses: expected a query between `(` and `)`")]
    EmptyGroup,

    /// `a AND`, `OR b`, `NOT`, `a AND OR b`, a `-` or `+` not attached to a word.
    #[error("{}", missing_operand_message(operator))]
    MissingOperand {
        /// The operator as written: `AND`, `&&`, `OR`, `||`, `NOT`, `-` or `+`.
        operator: String,
    },

    /// `foo:bar` where `foo` is not one of [`KNOWN_FIELDS`].
    #[error(
        "unknown field `{name}`: expected one of title, body, path, ext, date, modified \
         (write `{name}\\:` to search for the colon itself)"
    )]
    UnknownField {
        /// The name before the colon, as written.
        name: String,
    },

    /// `title:` with nothing usable right after the colon.
    #[error("`{field}:` has no value: expected {}", field_value_hint(field))]
    EmptyFieldValue {
        /// The field name, lower-case.
        field: String,
    },

    /// A `date:`/`modified:` value that is not a date, comparison or range.
    #[error("malformed date: {expected}")]
    MalformedDate {
        /// What a valid value looks like at that point.
        expected: &'static str,
    },

    /// A well-formed date that does not exist on the calendar (`2025-02-30`).
    #[error("impossible date `{value}`: {reason}")]
    ImpossibleDate {
        /// The date as written.
        value: String,
        /// Why it cannot exist, e.g. "February 2025 has 28 days".
        reason: String,
    },

    /// A date range whose start is not before its end.
    #[error("empty date range: expected the start to come before the end")]
    InvertedDateRange,

    /// `word~N` with `N` not 0, 1 or 2.
    #[error("fuzzy distance must be 0, 1 or 2 (as in `lukascenko~1`), found `{found}`")]
    FuzzyDistance {
        /// The text after `~`.
        found: String,
    },

    /// `"phrase"~N` with `N` missing or not a whole number.
    #[error(
        "phrase slop must be a whole number (as in `\"ministro difesa\"~3`), found {}",
        quoted_or_nothing(found)
    )]
    BadSlop {
        /// The text after `~`, empty if there was none.
        found: String,
    },

    /// `x^N` with `N` missing or not a finite positive number.
    #[error(
        "boost must be a positive number (as in `trump^2` or `trump^0.5`), found {}",
        quoted_or_nothing(found)
    )]
    BadBoost {
        /// The text after `^`, empty if there was none.
        found: String,
    },

    /// A `*` that does not end a word: alone, leading, in the middle, doubled.
    #[error(
        "`*` must end a word, as in `bielorus*` (a prefix needs at least one character; \
         write `\\*` for a literal star)"
    )]
    MisplacedWildcard,

    /// A `~` or `^` that is not attached to what it modifies.
    #[error("{}", detached_modifier_message(*modifier))]
    DetachedModifier {
        /// `~` or `^`.
        modifier: char,
    },

    /// A `\` at the very end of the query, with nothing to escape.
    #[error("dangling `\\` at the end: expected a character to escape after it (write `\\\\` for a backslash)")]
    DanglingEscape,

    /// A `path:` glob that cannot be matched (an unclosed `[`, say); found by
    /// the engine, which turns globs into patterns.
    #[error("invalid path glob `{pattern}`: expected a glob such as `cucina/*.md` or `path:\"my docs/**\"` (a `[` needs its `]`)")]
    BadPathGlob {
        /// The glob as written.
        pattern: String,
    },

    /// A `^` boost on a filter, which matches or not and has no score.
    #[error("`{field}:` is a filter: it keeps documents or not, with no score for `^` to boost; expected `{field}:VALUE` alone (boost words instead, as in `casa^2`)")]
    BoostOnFilter {
        /// The filter's name.
        field: String,
    },

    /// A `path:` glob whose pattern grows past what the engine's automaton
    /// may hold (many `?` after a `*`, say).
    #[error("path glob `{pattern}` is too complex to match: use fewer `?` after a `*`, or a folder or name fragment such as `path:cucina/` or `path:ricetta`")]
    PathGlobTooComplex {
        /// The glob as written.
        pattern: String,
    },

    /// The query asks for more work than a search may do (see [`limits`](crate::limits)).
    #[error(
        "{what}: {found}, at most {limit} (a query this costly could take minutes or gigabytes)"
    )]
    OverLimit {
        /// What is over its limit, in words.
        what: &'static str,
        /// How many (or how large) the query has.
        found: usize,
        /// The limit.
        limit: usize,
    },

    /// Parentheses, `NOT`s or boosts nested deeper than the parser allows.
    #[error(
        "query nested too deeply: expected at most {limit} levels of parentheses, NOT and boosts"
    )]
    TooDeep {
        /// The maximum depth.
        limit: usize,
    },
}

fn missing_operand_message(operator: &str) -> String {
    let place = match operator {
        "AND" | "&&" | "OR" | "||" => "on both sides of it",
        "-" | "+" => "attached right after it (as in `-trump`)",
        _ => "after it",
    };
    format!("`{operator}` is missing an operand: expected a word, phrase or parenthesized group {place}")
}

fn field_value_hint(field: &str) -> &'static str {
    match field {
        "path" => "a path or glob right after the colon, as in `path:cucina/*` or `path:\"my docs/*.md\"`",
        "ext" => "a file extension right after the colon, as in `ext:md`",
        "date" | "modified" => {
            "a date right after the colon, as in `date:2025-09`, `date:>=2025-09-01` or `modified:>7d`"
        }
        _ => "a word, phrase or parenthesized group right after the colon, as in `title:casa` or `title:(casa OR bianca)`",
    }
}

fn quoted_or_nothing(found: &str) -> String {
    if found.is_empty() {
        "nothing".to_owned()
    } else {
        format!("`{found}`")
    }
}

fn detached_modifier_message(modifier: char) -> String {
    match modifier {
        '~' => "`~` must directly follow a word (fuzzy: `lukascenko~`) or a phrase (slop: `\"casa bianca\"~2`), once"
            .to_owned(),
        '^' => "`^` must directly follow a word, phrase or group, as in `trump^2`".to_owned(),
        other => format!("`{other}` must directly follow what it modifies"),
    }
}

/// A query that could not be parsed: what is wrong ([`kind`](Self::kind)) and
/// where ([`span`](Self::span), a byte range into the query).
///
/// The span always lies inside the query and on character boundaries; errors
/// found at the end of the input use the empty span `len..len`.
///
/// ```
/// use cerca_query::{parse, ParseErrorKind};
///
/// let err = parse("foo:bar").unwrap_err();
/// assert!(matches!(err.kind, ParseErrorKind::UnknownField { .. }));
/// assert_eq!((err.span.start, err.span.end), (0, 3));
/// assert!(err.to_string().contains("title, body, path, ext, date, modified"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind}")]
pub struct ParseError {
    /// What is wrong.
    pub kind: ParseErrorKind,
    /// Where, as a byte range into the query.
    pub span: Span,
}

impl ParseError {
    /// An error of `kind` at `span`.
    pub fn new(kind: ParseErrorKind, span: Span) -> ParseError {
        ParseError { kind, span }
    }

    /// The message, then the offending line of `input` and a line of carets
    /// under the span, ready to print on a terminal:
    ///
    /// ```
    /// let err = cerca_query::parse("casa AND").unwrap_err();
    /// assert_eq!(
    ///     err.render("casa AND"),
    ///     format!("{err}\n  casa AND\n       ^^^")
    /// );
    /// ```
    ///
    /// Columns are counted in characters (so accented letters line up), control
    /// characters are shown as spaces, and at least one caret is drawn even for
    /// an empty span. It never panics, even if `input` is not the text the
    /// error came from.
    pub fn render(&self, input: &str) -> String {
        render_at(input, self.span, self)
    }
}

/// The bidirectional embeddings, overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The longest query line [`ParseError::render`] shows whole, in characters.
const RENDERED_CHARS: usize = 100;

/// The largest char boundary `<= index` (clamped to the string's length).
fn floor_char_boundary(s: &str, index: usize) -> usize {
    let mut i = index.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `message`, then the line of `input` holding `span` and a line of carets
/// under the span: how [`ParseError::render`] shows an error, for errors
/// found later in a query (by an engine compiling or translating it). It
/// never panics, even if the span is not in `input`.
///
/// ```
/// let span = cerca_query::Span::new(5, 11);
/// assert_eq!(
///     cerca_query::render_at("casa cane~", span, &"no fuzzy words here"),
///     "no fuzzy words here\n  casa cane~\n       ^^^^^"
/// );
/// ```
pub fn render_at(input: &str, span: Span, message: &dyn std::fmt::Display) -> String {
    let start = floor_char_boundary(input, span.start);
    let end = floor_char_boundary(input, span.end).max(start);
    let line_start = input[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = input[start..].find('\n').map_or(input.len(), |i| start + i);
    // Controls, and the marks that reorder a terminal's text, would be
    // escaped (wider) or would move what follows: a space stands in.
    let line: Vec<char> = input[line_start..line_end]
        .chars()
        .map(|c| {
            if c.is_control() || is_bidi_control(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let column = input[line_start..start].chars().count();
    let width = input[start..end.min(line_end)].chars().count().max(1);
    // A query of kilobytes is shown around its error, not whole.
    let (shown, column, width) = if line.len() <= RENDERED_CHARS {
        (line.iter().collect::<String>(), column, width)
    } else {
        let width = width.min(RENDERED_CHARS / 2);
        let to = (column.saturating_sub(RENDERED_CHARS / 4) + RENDERED_CHARS).min(line.len());
        let from = to.saturating_sub(RENDERED_CHARS).min(column);
        let mut shown: String = line[from..to].iter().collect();
        if to < line.len() {
            shown.push('…');
        }
        match from {
            0 => (shown, column, width),
            _ => (format!("…{shown}"), column - from + 1, width),
        }
    };
    // The caret goes under the columns the characters take on a
    // terminal: two for 日, none for a combining accent or a zero-width
    // space.
    let chars: Vec<char> = shown.chars().collect();
    let column_end = column.min(chars.len());
    let span_end = (column + width).min(chars.len());
    let columns = |part: &[char]| part.iter().map(|&c| c.width().unwrap_or(0)).sum::<usize>();
    let (column, width) = (
        columns(&chars[..column_end]),
        columns(&chars[column_end..span_end]).max(1),
    );
    format!(
        "{message}\n  {}\n  {}{}",
        shown.trim_end(),
        " ".repeat(column),
        "^".repeat(width)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(kind: ParseErrorKind, start: usize, end: usize) -> ParseError {
        ParseError::new(kind, Span::new(start, end))
    }

    #[test]
    fn render_shows_a_long_query_around_its_error() {
        let query = format!("{} foo:bar {}", "casa ".repeat(2000), "mare ".repeat(2000));
        let start = query.find("foo").unwrap();
        let e = err(
            ParseErrorKind::UnknownField { name: "foo".into() },
            start,
            start + 3,
        );
        let out = e.render(&query);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines[1].chars().count() <= 2 + RENDERED_CHARS + 2,
            "{}",
            lines[1]
        );
        assert!(
            lines[1].starts_with("  …") && lines[1].ends_with('…'),
            "{}",
            lines[1]
        );
        let caret = lines[2].find('^').unwrap();
        let under: String = lines[1]
            .chars()
            .skip(lines[2][..caret].chars().count())
            .take(3)
            .collect();
        assert_eq!(under, "foo");
        assert_eq!(lines[2].trim_start(), "^^^");

        // Underlining a whole 20 KB query takes at most half a line.
        let e = err(ParseErrorKind::EmptyGroup, 0, query.len());
        let out = e.render(&query);
        let carets = out.lines().nth(2).unwrap().trim_start();
        assert_eq!(carets, "^".repeat(RENDERED_CHARS / 2));
        assert!(out.lines().nth(1).unwrap().starts_with("  casa"));
    }

    #[test]
    fn render_underlines_the_span() {
        let e = err(ParseErrorKind::UnknownField { name: "foo".into() }, 5, 8);
        let out = e.render("casa foo:bar");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("unknown field `foo`"));
        assert_eq!(lines[1], "  casa foo:bar");
        assert_eq!(lines[2], "       ^^^");
    }

    #[test]
    fn render_counts_columns_in_chars() {
        // "città " is 7 bytes but 6 chars: the caret must sit under "x".
        let e = err(ParseErrorKind::MisplacedWildcard, 7, 8);
        let out = e.render("città *");
        assert_eq!(out.lines().nth(2), Some("        ^"));
    }

    #[test]
    fn render_puts_the_caret_under_terminal_columns() {
        // By characters, the caret sat 5 columns left of `"` after three
        // double-width ones, right of `(` after zero-width ones, and far
        // from `(` after a right-to-left override (echoed escaped).
        let caret_under = |query: &str, at: &str| {
            let start = query.find(at).unwrap();
            let e = err(ParseErrorKind::UnclosedParen, start, start + at.len());
            let out = e.render(query);
            let lines: Vec<&str> = out.lines().collect();
            (lines[1].to_owned(), lines[2].to_owned())
        };
        let (shown, caret) = caret_under("日本語 \"x", "\"");
        assert_eq!(
            (shown.as_str(), caret.as_str()),
            ("  日本語 \"x", "         ^")
        );
        let (_, caret) = caret_under("caffe\u{301} (", "(");
        assert_eq!(caret, "        ^");
        let (_, caret) = caret_under("\u{200b}\u{200b}\u{200b} (", "(");
        assert_eq!(caret, "   ^");
        let (shown, caret) = caret_under("a\u{202e}b (", "(");
        assert_eq!((shown.as_str(), caret.as_str()), ("  a b (", "      ^"));
    }

    #[test]
    fn render_at_end_of_input_draws_one_caret() {
        let e = err(ParseErrorKind::UnclosedParen, 3, 3);
        assert!(e.render("(ab").ends_with("\n  (ab\n     ^"));
    }

    #[test]
    fn render_empty_input() {
        let e = err(ParseErrorKind::EmptyQuery, 0, 0);
        assert_eq!(
            e.render(""),
            format!("{}\n  \n  ^", ParseErrorKind::EmptyQuery)
        );
    }

    #[test]
    fn render_shows_only_the_offending_line() {
        let e = err(ParseErrorKind::UnexpectedCloseParen, 5, 6);
        let out = e.render("a\nb\tc)\nd");
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[1], "  b c)");
        assert_eq!(lines[2], "     ^");
    }

    #[test]
    fn render_never_panics_on_foreign_input() {
        let e = err(ParseErrorKind::EmptyGroup, 2, 40);
        let out = e.render("àè");
        assert!(out.contains('^'));
    }

    #[test]
    fn messages_say_what_was_expected() {
        let kinds = [
            ParseErrorKind::EmptyQuery,
            ParseErrorKind::UnclosedQuote,
            ParseErrorKind::EmptyPhrase,
            ParseErrorKind::UnclosedParen,
            ParseErrorKind::EmptyGroup,
            ParseErrorKind::MissingOperand {
                operator: "AND".into(),
            },
            ParseErrorKind::UnknownField { name: "foo".into() },
            ParseErrorKind::EmptyFieldValue {
                field: "title".into(),
            },
            ParseErrorKind::MalformedDate {
                expected: crate::date::EXPECTED_VALUE,
            },
            ParseErrorKind::UnexpectedCloseParen,
            ParseErrorKind::InvertedDateRange,
            ParseErrorKind::DanglingEscape,
            ParseErrorKind::TooDeep { limit: 3 },
        ];
        for kind in kinds {
            assert!(kind.to_string().contains("expected"), "{kind}");
        }
        let boost = ParseErrorKind::BadBoost { found: "".into() }.to_string();
        assert!(boost.contains("positive number") && boost.ends_with("found nothing"));
        let fuzzy = ParseErrorKind::FuzzyDistance { found: "5".into() }.to_string();
        assert!(fuzzy.contains("0, 1 or 2") && fuzzy.contains("`5`"));
    }
}

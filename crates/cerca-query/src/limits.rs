//! How much work a query may ask for.
//!
//! A search engine behind a shell or a server must not let one query take
//! minutes or gigabytes: sloppy phrases grow with their slop and repeated
//! words, prefixes and fuzzy words with how many word forms they expand to.
//! [`check`] refuses, with an error that points at the culprit, what no
//! person needs; identical clauses are the engine's to fold (`di di di` costs
//! what `di` costs). The engine enforces further caps of its own (expansions
//! per prefix, repeats of one stem in a sloppy phrase).

use std::collections::HashSet;

use crate::{Expr, Node, ParseError, ParseErrorKind, Span, TermKind};

/// Longest query text, in bytes.
pub const MAX_QUERY_BYTES: usize = 4096;
/// Most distinct words in a query (phrase words included).
pub const MAX_WORDS: usize = 128;
/// Most words in one phrase.
pub const MAX_PHRASE_WORDS: usize = 32;
/// Largest phrase slop (`"a b"~32`).
pub const MAX_SLOP: u32 = 32;
/// Most distinct prefix (`bielorus*`) and fuzzy (`lukascenko~`) words.
pub const MAX_EXPANDING_WORDS: usize = 16;
/// Most distinct sloppy phrases (`"ministro difesa"~3`): each one is a
/// positional intersection (291 of them in a 4 KB query took 4.2 s).
pub const MAX_SLOPPY_PHRASES: usize = 16;

/// Refuses a query text longer than [`MAX_QUERY_BYTES`] (before parsing it).
///
/// ```
/// use cerca_query::limits;
///
/// assert!(limits::check_length("casa bianca").is_ok());
/// assert!(limits::check_length(&"casa ".repeat(1000)).is_err());
/// ```
pub fn check_length(input: &str) -> Result<(), ParseError> {
    if input.len() <= MAX_QUERY_BYTES {
        return Ok(());
    }
    let start = (0..=MAX_QUERY_BYTES)
        .rev()
        .find(|&i| input.is_char_boundary(i))
        .unwrap_or(0);
    Err(over(
        "query too long (bytes)",
        input.len(),
        MAX_QUERY_BYTES,
        Span::new(start, input.len()),
    ))
}

/// Refuses a parsed query that asks for more than the limits of this module.
///
/// ```
/// use cerca_query::{limits, parse};
///
/// assert!(limits::check(&parse(r#""ministro difesa"~3 bielorus*"#).unwrap()).is_ok());
/// let err = limits::check(&parse(r#""ministro difesa"~100"#).unwrap()).unwrap_err();
/// assert!(err.to_string().contains("at most 32"));
/// ```
pub fn check(node: &Node) -> Result<(), ParseError> {
    let mut counts = Counts::default();
    counts.visit(node)?;
    if counts.words.len() > MAX_WORDS {
        return Err(over(
            "too many distinct words",
            counts.words.len(),
            MAX_WORDS,
            node.span,
        ));
    }
    if counts.sloppy.len() > MAX_SLOPPY_PHRASES {
        return Err(over(
            "too many distinct sloppy phrases",
            counts.sloppy.len(),
            MAX_SLOPPY_PHRASES,
            counts.first_sloppy_over.unwrap_or(node.span),
        ));
    }
    if counts.expanding.len() > MAX_EXPANDING_WORDS {
        return Err(over(
            "too many distinct prefix and fuzzy words",
            counts.expanding.len(),
            MAX_EXPANDING_WORDS,
            counts.first_expanding_over.unwrap_or(node.span),
        ));
    }
    Ok(())
}

fn over(what: &'static str, found: usize, limit: usize, span: Span) -> ParseError {
    ParseError::new(ParseErrorKind::OverLimit { what, found, limit }, span)
}

#[derive(Default)]
struct Counts {
    words: HashSet<String>,
    expanding: HashSet<(String, bool)>,
    /// Where the first expanding word past the limit is.
    first_expanding_over: Option<Span>,
    sloppy: HashSet<(Vec<String>, u32)>,
    /// Where the first sloppy phrase past the limit is.
    first_sloppy_over: Option<Span>,
}

impl Counts {
    fn visit(&mut self, node: &Node) -> Result<(), ParseError> {
        match &node.expr {
            Expr::Term(term) => {
                let word = term.text.to_lowercase();
                if term.kind != TermKind::Exact {
                    let prefix = term.kind == TermKind::Prefix;
                    if self.expanding.insert((word.clone(), prefix))
                        && self.expanding.len() > MAX_EXPANDING_WORDS
                    {
                        self.first_expanding_over.get_or_insert(node.span);
                    }
                }
                self.words.insert(word);
            }
            Expr::Phrase(phrase) => {
                let words: Vec<String> = phrase
                    .text
                    .split_whitespace()
                    .map(str::to_lowercase)
                    .collect();
                if words.len() > MAX_PHRASE_WORDS {
                    return Err(over(
                        "too many words in a phrase",
                        words.len(),
                        MAX_PHRASE_WORDS,
                        node.span,
                    ));
                }
                if phrase.slop > MAX_SLOP {
                    return Err(over(
                        "phrase slop too large",
                        usize::try_from(phrase.slop).unwrap_or(usize::MAX),
                        usize::try_from(MAX_SLOP).unwrap_or(usize::MAX),
                        node.span,
                    ));
                }
                if phrase.slop > 0
                    && self.sloppy.insert((words.clone(), phrase.slop))
                    && self.sloppy.len() > MAX_SLOPPY_PHRASES
                {
                    self.first_sloppy_over.get_or_insert(node.span);
                }
                self.words.extend(words);
            }
            Expr::Implicit(items) | Expr::And(items) | Expr::Or(items) => {
                for item in items {
                    self.visit(item)?;
                }
            }
            Expr::Not(inner) | Expr::Required(inner) => self.visit(inner)?,
            Expr::Field { inner, .. } | Expr::Boost { inner, .. } => self.visit(inner)?,
            Expr::Path(_) | Expr::Ext(_) | Expr::Date { .. } => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn error(query: &str) -> (ParseErrorKind, Span) {
        let node = parse(query).unwrap_or_else(|e| panic!("{query}: {e}"));
        match check(&node) {
            Err(e) => (e.kind, e.span),
            Ok(()) => panic!("{query} passed the limits"),
        }
    }

    #[test]
    fn sloppy_phrases_are_counted_once_each() {
        let phrases: Vec<String> = (0..20)
            .map(|i| format!("\"ministro difesa{i}\"~3"))
            .collect();
        let query = phrases.join(" ");
        let (kind, span) = error(&query);
        assert_eq!(
            kind,
            ParseErrorKind::OverLimit {
                what: "too many distinct sloppy phrases",
                found: 20,
                limit: MAX_SLOPPY_PHRASES
            }
        );
        let seventeenth = query.find(&phrases[16]).unwrap();
        assert_eq!(span.start, seventeenth);
        // The same one repeated, or exact phrases, cost nothing more.
        let same = vec!["\"ministro difesa\"~3"; 100].join(" ");
        assert!(check(&parse(&same).unwrap()).is_ok());
        let exact: Vec<String> = (0..40).map(|i| format!("\"casa {i}\"")).collect();
        assert!(check(&parse(&exact.join(" ")).unwrap()).is_ok());
    }

    #[test]
    fn repeated_words_cost_nothing_and_count_once() {
        let many = "di ".repeat(1000);
        assert!(check(&parse(&many).unwrap()).is_ok());
        let many = vec!["a*"; 1000].join(" OR ");
        assert!(check(&parse(&many).unwrap()).is_ok());
    }

    #[test]
    fn each_limit_points_at_its_culprit() {
        let words: Vec<String> = (0..200).map(|i| format!("parola{i}")).collect();
        let (kind, _) = error(&words.join(" "));
        assert_eq!(
            kind,
            ParseErrorKind::OverLimit {
                what: "too many distinct words",
                found: 200,
                limit: MAX_WORDS
            }
        );
        let query = format!("casa \"{}\"", words[..40].join(" "));
        let (kind, span) = error(&query);
        assert!(matches!(kind, ParseErrorKind::OverLimit { found: 40, .. }));
        assert_eq!(span.start, 5);
        let (kind, span) = error("casa \"ministro difesa\"~100");
        assert!(matches!(
            kind,
            ParseErrorKind::OverLimit {
                found: 100,
                limit: 32,
                ..
            }
        ));
        assert_eq!((span.start, span.end), (5, 26));
        let prefixes: Vec<String> = (0..20).map(|i| format!("p{i}*")).collect();
        let (kind, span) = error(&prefixes.join(" "));
        assert!(matches!(
            kind,
            ParseErrorKind::OverLimit {
                found: 20,
                limit: 16,
                ..
            }
        ));
        let sixteen: usize = prefixes[..16].iter().map(|p| p.len() + 1).sum();
        assert_eq!(span.start, sixteen, "the first word over the limit");
    }

    #[test]
    fn a_long_text_is_refused_before_parsing() {
        let text = "è".repeat(MAX_QUERY_BYTES);
        let err = check_length(&text).unwrap_err();
        assert!(text.is_char_boundary(err.span.start));
        assert_eq!(err.span.end, text.len());
        assert!(err.to_string().contains("at most 4096"), "{err}");
    }
}

//! Splits text into words by the Unicode word boundary rules (UAX #29).
//!
//! UAX #29 already keeps an apostrophe between two letters inside the word
//! (`dell'energia`, `dell’energia`), which lets [`ElisionFilter`] see the
//! elision, and splits hyphenated words (`Zapad-2025` → `Zapad`, `2025`) at
//! consecutive positions, so the phrase `"zapad 2025"` still matches.
//!
//! One Italian habit needs the text around a word: in plain-ASCII text an
//! accent is often written as an apostrophe after the word (`perche'`,
//! `citta'`, `e'`). UAX #29 would drop that apostrophe, so the tokenizer keeps
//! it on the token when it follows a final vowel and no letter follows it;
//! [`AccentApostropheFilter`] then turns it into the accent.
//!
//! [`ElisionFilter`]: super::ElisionFilter
//! [`AccentApostropheFilter`]: super::AccentApostropheFilter

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use unicode_segmentation::{UWordBoundIndices, UnicodeSegmentation};

/// The word tokenizer of the Italian analyzer.
///
/// ```
/// use cerca_core::analysis::ItalianTokenizer;
/// use tantivy::tokenizer::{TokenStream, Tokenizer};
///
/// let mut tokenizer = ItalianTokenizer;
/// let mut stream = tokenizer.token_stream("Zapad-2025, perche' no");
/// let mut words = Vec::new();
/// while let Some(token) = stream.next() {
///     words.push(token.text.clone());
/// }
/// assert_eq!(words, ["Zapad", "2025", "perche'", "no"]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct ItalianTokenizer;

/// The token stream of [`ItalianTokenizer`].
pub struct ItalianTokenStream<'a> {
    text: &'a str,
    segments: UWordBoundIndices<'a>,
    token: Token,
}

impl Tokenizer for ItalianTokenizer {
    type TokenStream<'a> = ItalianTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ItalianTokenStream<'a> {
        ItalianTokenStream {
            text,
            segments: text.split_word_bound_indices(),
            token: Token::default(),
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'A' | 'E' | 'I' | 'O' | 'U')
}

/// Length in bytes of an accent apostrophe right after `text[..end]`, if any.
///
/// The word must end in a plain vowel, the apostrophe must not be followed by
/// a letter or digit (that would be an elision), and the word must not be
/// opened by an apostrophe, where the closing one is a quote (`'ciao'`).
fn accent_apostrophe_len(text: &str, start: usize, end: usize) -> usize {
    let word = &text[start..end];
    if !word.chars().next_back().is_some_and(is_vowel) {
        return 0;
    }
    let mut after = text[end..].chars();
    let Some(apostrophe) = after.next().filter(|&c| is_apostrophe(c)) else {
        return 0;
    };
    if after.next().is_some_and(char::is_alphanumeric) {
        return 0;
    }
    let opened_by_quote = text[..start]
        .chars()
        .next_back()
        .is_some_and(|c| is_apostrophe(c) || c == '\u{2018}');
    if opened_by_quote {
        return 0;
    }
    apostrophe.len_utf8()
}

impl TokenStream for ItalianTokenStream<'_> {
    fn advance(&mut self) -> bool {
        for (start, segment) in self.segments.by_ref() {
            if !segment.chars().any(char::is_alphanumeric) {
                continue;
            }
            let end = start + segment.len();
            let end = end + accent_apostrophe_len(self.text, start, end);
            self.token.text.clear();
            self.token.text.push_str(&self.text[start..end]);
            self.token.offset_from = start;
            self.token.offset_to = end;
            self.token.position = self.token.position.wrapping_add(1);
            self.token.position_length = 1;
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut tokenizer = ItalianTokenizer;
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    fn words(text: &str) -> Vec<String> {
        tokens(text).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn keeps_elisions_inside_the_word() {
        assert_eq!(
            words("dell'energia dell’esercito c'è"),
            ["dell'energia", "dell’esercito", "c'è"]
        );
    }

    #[test]
    fn splits_hyphens_at_consecutive_positions() {
        let t = tokens("Zapad-2025");
        assert_eq!(t, [("Zapad".into(), 0, 5, 0), ("2025".into(), 6, 10, 1)]);
    }

    #[test]
    fn keeps_numbers_whole() {
        assert_eq!(
            words("nel 2022, 3,5 milioni e 1.000 soldati"),
            ["nel", "2022", "3,5", "milioni", "e", "1.000", "soldati"]
        );
    }

    #[test]
    fn drops_punctuation_and_quotes() {
        assert_eq!(
            words("all'\"ultimo dittatore d'Europa\""),
            ["all", "ultimo", "dittatore", "d'Europa"]
        );
    }

    #[test]
    fn keeps_a_final_apostrophe_written_for_an_accent() {
        assert_eq!(
            words("perche' la citta' e' bella"),
            ["perche'", "la", "citta'", "e'", "bella"]
        );
        let t = tokens("citta'.");
        assert_eq!(t[0].2, 6);
    }

    #[test]
    fn a_closing_quote_is_not_an_accent() {
        assert_eq!(
            words("disse 'ciao' e usci'"),
            ["disse", "ciao", "e", "usci'"]
        );
        assert_eq!(words("l' embargo"), ["l", "embargo"]);
    }

    #[test]
    fn positions_count_words() {
        let positions: Vec<usize> = tokens("a b, c").into_iter().map(|t| t.3).collect();
        assert_eq!(positions, [0, 1, 2]);
    }
}

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
    /// Where the next space-delimited chunk of text starts.
    cursor: usize,
    /// A chunk that needs the full UAX #29 rules: its start and its segments.
    segments: Option<(usize, UWordBoundIndices<'a>)>,
    token: Token,
}

impl Tokenizer for ItalianTokenizer {
    type TokenStream<'a> = ItalianTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ItalianTokenStream<'a> {
        ItalianTokenStream {
            text,
            cursor: 0,
            segments: None,
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
    if opened_by_quote || quote_is_open(text, start) {
        return 0;
    }
    apostrophe.len_utf8()
}

/// How far back on its line a word looks for a quote it may close.
const QUOTE_LOOKBACK_BYTES: usize = 300;

/// Whether a single quote opened earlier on the line (`'la sicurezza'`) is
/// still open at `at`: then an apostrophe after a word closes it, and is no
/// accent. A quote opens where an apostrophe starts a word (after a space or
/// an opening bracket) and closes where one ends a word.
fn quote_is_open(text: &str, at: usize) -> bool {
    let mut from = at.saturating_sub(QUOTE_LOOKBACK_BYTES);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let line = &text[from..at];
    let line = line
        .rfind('\n')
        .map_or(line, |newline| &line[newline + 1..]);
    let mut open = 0usize;
    let mut previous: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if is_apostrophe(c) || c == '\u{2018}' {
            let after_word = previous.is_some_and(char::is_alphanumeric);
            let before_word = chars.peek().is_some_and(|n| n.is_alphanumeric());
            match (after_word, before_word) {
                (false, true) => open += 1,
                (true, false) => open = open.saturating_sub(1),
                _ => {}
            }
        }
        previous = Some(c);
    }
    open > 0
}

/// Whitespace never inside a word. (U+202F, the narrow no-break space, can
/// join digits under UAX #29: `10 000`.)
fn is_break_space(c: char) -> bool {
    c.is_whitespace() && c != '\u{202F}'
}

/// A letter of the Latin blocks up to Latin Extended-B: all of class ALetter.
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (('\u{C0}'..='\u{24F}').contains(&c) && c != '×' && c != '÷')
}

fn is_latin_alphanumeric(c: char) -> bool {
    is_latin_letter(c) || c.is_ascii_digit()
}

/// Punctuation that joins nothing at the edge of a chunk (`_` joins, so it stays).
fn is_edge_punctuation(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_punctuation() && c != '_'
    } else {
        matches!(
            c,
            '«' | '»' | '“' | '”' | '‘' | '’' | '„' | '‹' | '›' | '…' | '–' | '—'
        )
    }
}

/// Whether UAX #29 would make `core` one word: Latin letters and digits,
/// with apostrophes only between two letters (`dell'energia`).
fn is_simple_word(core: &str) -> bool {
    let mut previous: Option<char> = None;
    let mut chars = core.chars().peekable();
    while let Some(c) = chars.next() {
        let fine = is_latin_alphanumeric(c)
            || (is_apostrophe(c)
                && previous.is_some_and(is_latin_letter)
                && chars.peek().copied().is_some_and(is_latin_letter));
        if !fine {
            return false;
        }
        previous = Some(c);
    }
    true
}

impl ItalianTokenStream<'_> {
    fn emit(&mut self, start: usize, end: usize) -> bool {
        let end = end + accent_apostrophe_len(self.text, start, end);
        self.token.text.clear();
        self.token.text.push_str(&self.text[start..end]);
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1);
        self.token.position_length = 1;
        true
    }
}

/// Most words are plain Latin letters between spaces and punctuation: those
/// are cut directly, and only the other chunks (`Zapad-2025`, `1.000`,
/// other scripts) go through the full UAX #29 rules, which give the same
/// words (a test holds the two to it) at several times the cost.
impl TokenStream for ItalianTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some((base, segments)) = &mut self.segments {
                let base = *base;
                for (start, segment) in segments.by_ref() {
                    if segment.chars().any(char::is_alphanumeric) {
                        return self.emit(base + start, base + start + segment.len());
                    }
                }
                self.segments = None;
            }
            let rest = &self.text[self.cursor..];
            let Some(skip) = rest.find(|c: char| !is_break_space(c)) else {
                self.cursor = self.text.len();
                return false;
            };
            let chunk_start = self.cursor + skip;
            let chunk_end = self.text[chunk_start..]
                .find(is_break_space)
                .map_or(self.text.len(), |i| chunk_start + i);
            self.cursor = chunk_end;
            let chunk = &self.text[chunk_start..chunk_end];
            let trimmed_start = chunk.trim_start_matches(is_edge_punctuation);
            let core = trimmed_start.trim_end_matches(is_edge_punctuation);
            if core.is_empty() {
                continue;
            }
            if is_simple_word(core) {
                let start = chunk_start + (chunk.len() - trimmed_start.len());
                return self.emit(start, start + core.len());
            }
            self.segments = Some((chunk_start, chunk.split_word_bound_indices()));
        }
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
        // The quote opened words before.
        assert_eq!(
            words("la 'sicurezza nazionale' e la 'sicurezza', poi perche'"),
            [
                "la",
                "sicurezza",
                "nazionale",
                "e",
                "la",
                "sicurezza",
                "poi",
                "perche'"
            ]
        );
        assert_eq!(
            words("‘nella citta' vecchia"),
            ["nella", "citta", "vecchia"],
            "an open quote takes the apostrophe"
        );
        assert_eq!(
            words("disse 'si'\npiu' tardi"),
            ["disse", "si", "piu'", "tardi"]
        );
    }

    /// The words of plain UAX #29 segmentation, as the tokenizer must give them.
    ///
    /// (UAX #29 attaches a combining mark after a space to the space; a word
    /// never starts with a space, so that space is left out.)
    fn uax29_words(text: &str) -> Vec<(String, usize, usize)> {
        text.split_word_bound_indices()
            .map(|(start, segment)| {
                let word = segment.trim_start_matches(is_break_space);
                (start + segment.len() - word.len(), word)
            })
            .filter(|(_, segment)| segment.chars().any(char::is_alphanumeric))
            .map(|(start, segment)| {
                let end = start + segment.len();
                let end = end + accent_apostrophe_len(text, start, end);
                (text[start..end].to_owned(), start, end)
            })
            .collect()
    }

    fn fast_words(text: &str) -> Vec<(String, usize, usize)> {
        tokens(text)
            .into_iter()
            .map(|(word, from, to, _)| (word, from, to))
            .collect()
    }

    #[test]
    fn the_fast_path_cuts_words_as_uax29_does() {
        for text in [
            include_str!("../../../../seeds/000_d1f79b4f03d9532a.txt"),
            "«Città», disse: “perché no?” — l'8 settembre, l’Ungheria; G7 e 3a (nota).",
            "all'\"ultimo dell'“ultimo 10\u{202F}000 1.000,5 e.g. www.esempio.it a_b __x__ 'ciao' po'",
            "Москва́ 東京 naïve façade ǅemal × ÷ µ ª º ﬁne",
            "parola\u{301} \u{301}parola ,;:!? ... ’’ ‘x’",
        ] {
            assert_eq!(fast_words(text), uax29_words(text), "{text}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_fast_path_agrees_with_uax29_on_any_text(text in "\\PC{0,80}") {
            proptest::prop_assert_eq!(fast_words(&text), uax29_words(&text));
        }

        #[test]
        fn the_fast_path_agrees_with_uax29_on_latin_text(
            text in "([a-zA-Zàèéìòù0-9'’.,;:!?«»“” _-]|\\PC){0,60}"
        ) {
            proptest::prop_assert_eq!(fast_words(&text), uax29_words(&text));
        }
    }

    #[test]
    fn positions_count_words() {
        let positions: Vec<usize> = tokens("a b, c").into_iter().map(|t| t.3).collect();
        assert_eq!(positions, [0, 1, 2]);
    }
}

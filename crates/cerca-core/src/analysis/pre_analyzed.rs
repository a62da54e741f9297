//! A text analyzed once, in the form the index's pre-analyzed fields take.
//!
//! A body feeds two fields: `body` (stemmed terms with positions) and
//! `body_words` (folded word forms, for prefix and fuzzy queries). Given the
//! text, tantivy would run two analyzers over it, and the tokenizer and the
//! filters twice (a third of the indexing time on the bulk corpus). Instead
//! the indexing pipeline runs [`PreAnalyzer`] once per text, on its own
//! threads, and gives each field a plain string of its terms that
//! [`PreAnalyzedTokenizer`] only splits at spaces:
//!
//! - terms: one piece per word position, separated by single spaces; a
//!   position whose word gives no term (a word too long to index) is an empty
//!   piece, so phrases keep their gaps: `casa␣␣cas` is `cas` at 0 and 2;
//! - word forms: the folded forms that are not stopwords, separated by
//!   spaces, each once (their queries match a form or not: neither where nor
//!   how often is asked, and every repeat would cost tantivy's indexing
//!   thread a lookup in its table of terms for nothing).
//!
//! No term contains a space: the tokenizer splits words at every space.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::accent_folding::fold_accents_into;
use super::word_cache::{ShortWord, WordCache};
use super::{stopwords, ItalianStemmer, WordAnalyzer};

/// The name [`PreAnalyzedTokenizer`] is registered under in an index.
pub const PRE_ANALYZED: &str = "cerca_pre_analyzed";

/// A text's terms and word forms, as [`PreAnalyzedTokenizer`] reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PreAnalyzed {
    /// The stemmed terms, one piece per position, separated by spaces.
    pub terms: String,
    /// The folded word forms that are not stopwords, separated by spaces;
    /// a form is there once, or a few times at most (the forms of words too
    /// long to cache, or written with and without accents, may repeat).
    pub word_forms: String,
}

/// Runs the Italian analysis once per text and gives both fields' terms.
///
/// It gives exactly what [`italian_analyzer`](super::italian_analyzer) and
/// [`word_form_analyzer`](super::word_form_analyzer) give (tests hold it to
/// them). Like [`ItalianStemmer`], it keeps what it made of recent words:
/// their term, and whether their word form is a stopword's.
///
/// ```
/// use cerca_core::analysis::PreAnalyzer;
///
/// let analyzed = PreAnalyzer::new().analyze("Le esercitazioni e le città");
/// assert_eq!(analyzed.terms, "·le esercit ·e ·le citt");
/// assert_eq!(analyzed.word_forms, "esercitazioni citta");
/// let repeated = PreAnalyzer::new().analyze("Città, città, città!");
/// assert_eq!(repeated.word_forms, "citta");
/// ```
#[derive(Debug, Clone)]
pub struct PreAnalyzer {
    stemmer: ItalianStemmer,
    /// Sorted: the folded stopwords, which the word-form field leaves out.
    stopword_forms: Vec<String>,
    /// By lower-case word.
    cache: WordCache<WordTerms<ShortWord>>,
    /// The number of the text being analyzed (never 0): the cache's words
    /// remember the last text whose word forms got them.
    text_number: u32,
}

/// What a lower-case word gives.
#[derive(Debug, Clone)]
struct WordTerms<S> {
    /// Its term: the folded stem (empty: none).
    term: S,
    /// Whether its folded form is a stopword's (then it has no word form).
    stopword_form: bool,
    /// The number of the last text whose word forms got its form (0: none).
    form_given_in: u32,
}

impl Default for PreAnalyzer {
    fn default() -> Self {
        PreAnalyzer::new()
    }
}

impl PreAnalyzer {
    /// An analyzer with an empty cache of stems.
    pub fn new() -> Self {
        PreAnalyzer {
            stemmer: ItalianStemmer::new(),
            stopword_forms: stopwords::folded_word_forms(),
            cache: WordCache::default(),
            text_number: 0,
        }
    }

    /// Analyzes `text` once.
    pub fn analyze(&mut self, text: &str) -> PreAnalyzed {
        // Stems and forms are shorter than the text, spaces included.
        let mut out = PreAnalyzed {
            terms: String::with_capacity(text.len()),
            word_forms: String::with_capacity(text.len()),
        };
        self.text_number = self.text_number.wrapping_add(1);
        if self.text_number == 0 {
            // The numbers start over: a word's number would lie.
            self.cache = WordCache::default();
            self.text_number = 1;
        }
        let PreAnalyzer {
            stemmer,
            stopword_forms,
            cache,
            text_number,
        } = self;
        // How many pieces `out.terms` holds: the position of the next one.
        let mut pieces = 0;
        WordAnalyzer::word_forms(text, |form| {
            let mut uncached = None;
            let cached = cache.get_or_make(form.lowercase, || {
                let terms = terms_of(stemmer, stopword_forms, form.lowercase, form.word);
                let short = ShortWord::new(&terms.term).map(|term| WordTerms {
                    term,
                    stopword_form: terms.stopword_form,
                    form_given_in: 0,
                });
                uncached = Some(terms);
                short
            });
            let (term, give_form) = match (cached, &uncached) {
                (Some(terms), _) => {
                    let first_time = terms.form_given_in != *text_number;
                    terms.form_given_in = *text_number;
                    (terms.term.as_str(), !terms.stopword_form && first_time)
                }
                (None, Some(terms)) => (terms.term.as_str(), !terms.stopword_form),
                (None, None) => {
                    let terms = uncached.insert(terms_of(
                        stemmer,
                        stopword_forms,
                        form.lowercase,
                        form.word,
                    ));
                    (terms.term.as_str(), !terms.stopword_form)
                }
            };
            if give_form {
                if !out.word_forms.is_empty() {
                    out.word_forms.push(' ');
                }
                out.word_forms.push_str(form.word);
            }
            if term.is_empty() {
                // A stem made of accents only gives no term, as in the analyzer.
                return;
            }
            let position = form.position.max(pieces);
            for piece in pieces..=position {
                if piece > 0 {
                    out.terms.push(' ');
                }
            }
            out.terms.push_str(term);
            pieces = position + 1;
        });
        out.terms.shrink_to_fit();
        out.word_forms.shrink_to_fit();
        out
    }
}

/// The terms of a lower-case word whose folded form is `word`.
fn terms_of(
    stemmer: &ItalianStemmer,
    stopword_forms: &[String],
    lowercase: &str,
    word: &str,
) -> WordTerms<String> {
    let mut term = String::new();
    fold_accents_into(&stemmer.term_stem_uncached(lowercase), &mut term);
    let stopword_form = stopword_forms
        .binary_search_by(|stop| stop.as_str().cmp(word))
        .is_ok();
    WordTerms {
        term,
        stopword_form,
        form_given_in: 0,
    }
}

/// Reads the terms [`PreAnalyzer`] wrote: splits at spaces, one position per
/// piece (empty pieces are positions without a term).
///
/// ```
/// use cerca_core::analysis::PreAnalyzedTokenizer;
/// use tantivy::tokenizer::{TokenStream, Tokenizer};
///
/// let mut tokenizer = PreAnalyzedTokenizer::default();
/// let mut stream = tokenizer.token_stream("cas  cas");
/// let mut tokens = Vec::new();
/// while let Some(token) = stream.next() {
///     tokens.push((token.text.clone(), token.position));
/// }
/// assert_eq!(tokens, [("cas".to_string(), 0), ("cas".to_string(), 2)]);
/// ```
#[derive(Debug, Clone, Default)]
pub struct PreAnalyzedTokenizer {
    token: Token,
}

/// The tokens of one pre-analyzed string.
pub struct PreAnalyzedStream<'a> {
    pieces: std::str::Split<'a, char>,
    /// The position and byte offset of the next piece.
    position: usize,
    offset: usize,
    token: &'a mut Token,
}

impl Tokenizer for PreAnalyzedTokenizer {
    type TokenStream<'a> = PreAnalyzedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PreAnalyzedStream<'a> {
        self.token.reset();
        PreAnalyzedStream {
            pieces: text.split(' '),
            position: 0,
            offset: 0,
            token: &mut self.token,
        }
    }
}

impl TokenStream for PreAnalyzedStream<'_> {
    fn advance(&mut self) -> bool {
        for piece in self.pieces.by_ref() {
            let (position, offset) = (self.position, self.offset);
            self.position += 1;
            self.offset += piece.len() + 1;
            if piece.is_empty() {
                continue;
            }
            let token = &mut *self.token;
            token.text.clear();
            token.text.push_str(piece);
            token.position = position;
            token.position_length = 1;
            token.offset_from = offset;
            token.offset_to = offset + piece.len();
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{italian_analyzer, word_form_analyzer, MAX_WORD_BYTES};
    use tantivy::tokenizer::TextAnalyzer;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position));
        }
        out
    }

    fn replayed(pre_analyzed: &str) -> Vec<(String, usize)> {
        tokens(
            &mut TextAnalyzer::from(PreAnalyzedTokenizer::default()),
            pre_analyzed,
        )
    }

    /// What the two analyzers give (the word forms' positions are not kept).
    fn expected(text: &str) -> (Vec<(String, usize)>, Vec<String>) {
        let terms = tokens(&mut italian_analyzer(), text);
        let forms = tokens(&mut word_form_analyzer(), text);
        (terms, forms.into_iter().map(|(form, _)| form).collect())
    }

    /// The pre-analyzer gives the analyzers' terms, and their word forms in
    /// the same order, each from its first place on.
    fn check(text: &str) {
        let analyzed = PreAnalyzer::new().analyze(text);
        let (terms, forms) = expected(text);
        assert_eq!(replayed(&analyzed.terms), terms, "terms of {text:?}");
        let got: Vec<String> = replayed(&analyzed.word_forms)
            .into_iter()
            .map(|(form, _)| form)
            .collect();
        let mut first_places = Vec::new();
        for form in forms {
            if !first_places.contains(&form) {
                first_places.push(form);
            }
        }
        // A form repeats only as the form of several lower-case words (`u`,
        // `ù`), or of a word too long to cache.
        let mut spellings: std::collections::HashMap<String, std::collections::HashSet<String>> =
            std::collections::HashMap::new();
        WordAnalyzer::word_forms(text, |form| {
            spellings
                .entry(form.word.to_owned())
                .or_default()
                .insert(form.lowercase.to_owned());
        });
        for form in got.iter().filter(|form| form.len() <= ShortWord::MAX) {
            let times = got.iter().filter(|other| *other == form).count();
            assert!(
                times <= spellings.get(form).map_or(0, |s| s.len()),
                "{form:?} {times} times in {got:?}"
            );
        }
        let mut got_first = Vec::new();
        for form in got {
            if !got_first.contains(&form) {
                got_first.push(form);
            }
        }
        assert_eq!(got_first, first_places, "word forms of {text:?}");
    }

    #[test]
    fn gives_what_the_two_analyzers_give_on_the_seed() {
        check(include_str!("../../../../seeds/000_d1f79b4f03d9532a.txt"));
    }

    #[test]
    fn keeps_the_gaps_of_words_too_long_to_index() {
        let long = "x".repeat(MAX_WORD_BYTES);
        check(&format!("{long} casa {long} {long} casa {long}"));
        let analyzed = PreAnalyzer::new().analyze(&format!("{long} casa {long} casa"));
        assert_eq!(analyzed.terms, " cas  cas");
    }

    #[test]
    fn odd_texts() {
        for text in [
            "",
            " ",
            "l'",
            "dell'energia nell’ambito c'è",
            "perche' citta' E' PIÙ",
            "a\u{300} e\u{301}",
            "\u{301}\u{300} casa",
            "Zapad-2025 3.14 1,5 a_b",
            "ﬁne ǅ ß İstanbul",
            "di di di di il la",
        ] {
            check(text);
        }
    }

    #[test]
    fn a_stream_starts_at_position_zero_each_time() {
        let mut tokenizer = PreAnalyzedTokenizer::default();
        for _ in 0..2 {
            let mut stream = tokenizer.token_stream(" a b");
            assert!(stream.advance());
            assert_eq!(
                (stream.token().text.as_str(), stream.token().position),
                ("a", 1)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn gives_what_the_two_analyzers_give(
            text in "([a-zA-Z0-9àèéìòùÀÈÉ'’\\-_.,\u{300}\u{301}ﬁ]{0,12}[ \n]){0,40}"
        ) {
            check(&text);
        }
    }

    #[test]
    fn one_analyzer_serves_many_texts() {
        let mut analyzer = PreAnalyzer::new();
        analyzer.analyze("gatti e cani");
        let second = analyzer.analyze("cani e gatti");
        assert_eq!(second.word_forms, "cani gatti");
        let long = "precipitevolissimevolmente".repeat(2);
        assert_eq!(
            analyzer.analyze(&format!("{long} e {long}")).word_forms,
            format!("{long} {long}")
        );
        assert_eq!(second.terms, "can ·e gatt");
    }

    #[test]
    fn a_text_gives_each_word_form_once() {
        let mut analyzer = PreAnalyzer::new();
        let first = analyzer.analyze("gatti e cani, gatti e cani; Gatti!");
        assert_eq!(first.word_forms, "gatti cani");
        assert_eq!(first.terms, "gatt ·e can gatt ·e can gatt");
        // The next text gives them again.
        assert_eq!(analyzer.analyze("cani cani").word_forms, "cani");
    }

    #[test]
    fn the_numbers_of_texts_start_over_safely() {
        let mut analyzer = PreAnalyzer::new();
        assert_eq!(analyzer.analyze("cani").word_forms, "cani");
        // 2^32 texts later, the numbers come back to the one "cani" was given in.
        analyzer.text_number = u32::MAX;
        assert_eq!(analyzer.analyze("cani").word_forms, "cani");
        assert_eq!(analyzer.text_number, 1);
    }
}

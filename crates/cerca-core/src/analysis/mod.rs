//! Italian text analysis: from text to index terms.
//!
//! One analyzer serves indexing and queries. It is a tantivy [`TextAnalyzer`]
//! composed of small filters, one per file, applied in this order:
//!
//! 1. [`ItalianTokenizer`]: Unicode words; hyphens split, numbers kept.
//! 2. [`AccentApostropheFilter`]: `perche'` → `perché`.
//! 3. [`ElisionFilter`]: `dell'energia` → `energia`.
//! 4. [`ComposedAccents`]: `a` + U+0300 → `à` (Unicode NFC); after elision,
//!    whose offsets follow the text's bytes, which composing changes.
//! 5. [`LowerCaser`].
//! 6. [`ItalianStemmer`]: Snowball Italian, `esercitazioni` → `esercit`; a
//!    stopword keeps its word, marked: `della` → `·della` ([`STOPWORD_MARK`]).
//! 7. [`AccentFolding`]: after stemming, which needs the accents.
//!
//! A second analyzer, [`word_form_analyzer`], stops before stemming: it
//! indexes the folded word forms that prefix and fuzzy queries match
//! (`esercitaz*` must find `esercitazioni`, whose stem is `esercit`).
//!
//! [`WordAnalyzer`] runs both in one pass, for query terms and snippets;
//! [`PreAnalyzer`] does, for indexing, and [`PreAnalyzedTokenizer`] hands its
//! terms to tantivy (see [`pre_analyzed`](PreAnalyzed)).

mod accent_apostrophe;
mod accent_folding;
mod composed_accents;
mod elision;
mod inflections;
mod lower_caser;
mod pre_analyzed;
mod rewrite;
mod stemmer;
mod stopwords;
mod tokenizer;
mod word_cache;

pub use accent_apostrophe::AccentApostropheFilter;
pub use accent_folding::{fold_accents, fold_accents_into, AccentFolding};
pub use composed_accents::ComposedAccents;
pub use elision::ElisionFilter;
pub use inflections::inflections;
pub use lower_caser::LowerCaser;
pub use pre_analyzed::{
    PreAnalyzed, PreAnalyzedStream, PreAnalyzedTokenizer, PreAnalyzer, PRE_ANALYZED,
};
pub use rewrite::{RewritingStream, RewritingTokenizer, TokenRewrite};
pub use stemmer::ItalianStemmer;
pub use stopwords::{
    is_stopword, stopword_term, StopWords, QUERY_EXTRAS, SNOWBALL_ITALIAN, STOPWORD_MARK,
};
pub use tokenizer::{ItalianTokenStream, ItalianTokenizer};

use tantivy::tokenizer::{
    RemoveLongFilter, StopWordFilter, TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager,
};

/// The name the stemming analyzer is registered under in an index.
pub const ITALIAN: &str = "cerca_italian";
/// The name the word-form analyzer is registered under in an index.
pub const ITALIAN_WORD_FORMS: &str = "cerca_italian_word_forms";

/// Words of this many bytes or more are not indexed (base64 blobs, long URLs…).
pub const MAX_WORD_BYTES: usize = 100;

/// The Italian analyzer: the terms of the stemmed text fields.
///
/// ```
/// use cerca_core::analysis::italian_analyzer;
/// use tantivy::tokenizer::TokenStream;
///
/// let mut analyzer = italian_analyzer();
/// let mut stream = analyzer.token_stream("Dell'energia nelle città");
/// let mut terms = Vec::new();
/// while let Some(token) = stream.next() {
///     terms.push(token.text.clone());
/// }
/// assert_eq!(terms, ["energ", "·nelle", "citt"]);
/// ```
pub fn italian_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(ItalianTokenizer)
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(AccentApostropheFilter)
        .filter(ElisionFilter)
        .filter(ComposedAccents)
        .filter(LowerCaser)
        .filter(ItalianStemmer::new())
        .filter(AccentFolding)
        .build()
}

/// The word-form analyzer: like [`italian_analyzer`] without stemming.
pub fn word_form_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(ItalianTokenizer)
        .filter(RemoveLongFilter::limit(MAX_WORD_BYTES))
        .filter(AccentApostropheFilter)
        .filter(ElisionFilter)
        .filter(ComposedAccents)
        .filter(LowerCaser)
        .filter(AccentFolding)
        .filter(StopWordFilter::remove(stopwords::folded_word_forms()))
        .build()
}

/// Registers both analyzers under [`ITALIAN`] and [`ITALIAN_WORD_FORMS`],
/// and the reader of pre-analyzed text under [`PRE_ANALYZED`].
///
/// tantivy stores only analyzer names in an index: this must run every time
/// an index is opened. A program with its own tantivy schema gets cerca's
/// Italian analysis (elision, accents, stopwords, stemming) by naming
/// [`ITALIAN`] as a text field's tokenizer and calling this on its index's
/// [`tokenizers()`](tantivy::Index::tokenizers):
///
/// ```
/// use cerca_core::analysis::{self, ITALIAN};
/// use cerca_core::tantivy::collector::Count;
/// use cerca_core::tantivy::query::QueryParser;
/// use cerca_core::tantivy::schema::{Schema, TextFieldIndexing, TextOptions};
/// use cerca_core::tantivy::{doc, Index};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let mut builder = Schema::builder();
/// let indexing = TextFieldIndexing::default().set_tokenizer(ITALIAN);
/// let text = builder.add_text_field("text", TextOptions::default().set_indexing_options(indexing));
/// let index = Index::create_in_ram(builder.build());
/// analysis::register(index.tokenizers());
///
/// let mut writer = index.writer(15_000_000)?;
/// writer.add_document(doc!(text => "Le esercitazioni dell'esercito in Bielorussia"))?;
/// writer.commit()?;
///
/// let searcher = index.reader()?.searcher();
/// let query = QueryParser::for_index(&index, vec![text]).parse_query("esercitazione")?;
/// assert_eq!(searcher.search(&query, &Count)?, 1);
/// # Ok(()) }
/// ```
pub fn register(manager: &TokenizerManager) {
    manager.register(ITALIAN, italian_analyzer());
    manager.register(ITALIAN_WORD_FORMS, word_form_analyzer());
    manager.register(PRE_ANALYZED, PreAnalyzedTokenizer::default());
}

/// One word of analyzed text, before stemming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct WordForm<'a> {
    /// The folded word form (`esercitazioni`, `citta`), as the word-form fields index it.
    pub word: &'a str,
    /// The lower-case word before folding (`esercitazioni`, `città`): what the stemmer takes.
    pub lowercase: &'a str,
    /// Where the word starts in the analyzed text, in bytes (after any elision).
    pub offset_from: usize,
    /// Where it ends (exclusive).
    pub offset_to: usize,
    /// Word position, counting every word.
    pub position: usize,
}

/// One word of analyzed text, in both its indexed forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AnalyzedToken<'a> {
    /// The term of the stemmed fields (`esercit`).
    pub term: &'a str,
    /// The folded word form (`esercitazioni`).
    pub word: &'a str,
    /// The lower-case word before folding and stemming (`esercitazioni`, `città`).
    pub lowercase: &'a str,
    /// Where the word starts in the analyzed text, in bytes (after any elision).
    pub offset_from: usize,
    /// Where it ends (exclusive).
    pub offset_to: usize,
    /// Word position, counting every word.
    pub position: usize,
}

/// Runs the Italian analysis once and yields each word's term and word form.
///
/// It gives exactly the terms of [`italian_analyzer`] and
/// [`word_form_analyzer`] (a test holds them to it), at the cost of one pass.
///
/// ```
/// use cerca_core::analysis::WordAnalyzer;
///
/// let mut analyzer = WordAnalyzer::new();
/// let mut seen = Vec::new();
/// analyzer.analyze("Esercitazioni dell'Esercito", |t| seen.push((t.term.to_owned(), t.word.to_owned())));
/// assert_eq!(seen, [("esercit".into(), "esercitazioni".into()), ("eserc".into(), "esercito".into())]);
/// ```
#[derive(Debug, Default, Clone)]
pub struct WordAnalyzer {
    stemmer: ItalianStemmer,
}

impl WordAnalyzer {
    /// An analyzer with an empty cache of stems.
    pub fn new() -> Self {
        WordAnalyzer::default()
    }

    /// Calls `each` for every word of `text`, in order, without stemming (the cheap part).
    pub fn word_forms(text: &str, mut each: impl FnMut(WordForm<'_>)) {
        let mut tokenizer = ItalianTokenizer;
        let mut stream = tokenizer.token_stream(text);
        let mut folded = Token::default();
        while stream.advance() {
            let token = stream.token_mut();
            let kept = token.text.len() < MAX_WORD_BYTES
                && AccentApostropheFilter.rewrite(token)
                && ElisionFilter.rewrite(token)
                && ComposedAccents.rewrite(token)
                && LowerCaser.rewrite(token)
                && {
                    folded.clone_from(token);
                    AccentFolding.rewrite(&mut folded)
                };
            if kept {
                each(WordForm {
                    word: &folded.text,
                    lowercase: &token.text,
                    offset_from: token.offset_from,
                    offset_to: token.offset_to,
                    position: token.position,
                });
            }
        }
    }

    /// Calls `each` for every word of `text`, in order, with its term.
    pub fn analyze(&mut self, text: &str, mut each: impl FnMut(AnalyzedToken<'_>)) {
        WordAnalyzer::word_forms(text, |form| {
            let term = self.term_of(form.lowercase);
            if !term.is_empty() {
                each(AnalyzedToken {
                    term: &term,
                    word: form.word,
                    lowercase: form.lowercase,
                    offset_from: form.offset_from,
                    offset_to: form.offset_to,
                    position: form.position,
                });
            }
        });
    }

    /// The term of a lower-case word, as the stemmed fields index it.
    pub fn term_of(&mut self, lowercase: &str) -> String {
        fold_accents(self.stemmer.term_stem(lowercase))
    }

    /// The terms of `text`, with their positions.
    pub fn terms(&mut self, text: &str) -> Vec<(usize, String)> {
        let mut terms = Vec::new();
        self.analyze(text, |t| terms.push((t.position, t.term.to_owned())));
        terms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    fn terms(text: &str) -> Vec<String> {
        run(&mut italian_analyzer(), text)
            .into_iter()
            .map(|t| t.0)
            .collect()
    }

    #[test]
    fn elided_words_are_found_under_their_own_term() {
        assert_eq!(terms("dell'energia"), terms("energia"));
        assert_eq!(terms("dall'abbattimento"), terms("abbattimento"));
        assert_eq!(terms("l'Ungheria"), terms("ungheria"));
        assert_eq!(terms("d’Europa"), terms("europa"));
        assert_eq!(terms("un'altra"), terms("altra"));
        assert_eq!(
            terms("nell'ambito sull'isola quest'anno"),
            terms("ambito isola anno")
        );
        assert_eq!(terms("c'è"), terms("è"));
        assert_eq!(terms("all'\"ultimo"), terms("all ultimo"));
    }

    #[test]
    fn accents_written_as_apostrophes_match_real_accents() {
        assert_eq!(terms("perche'"), terms("perché"));
        assert_eq!(terms("citta'"), terms("città"));
        assert_eq!(terms("e'"), terms("è"));
    }

    #[test]
    fn unaccented_spellings_match_accented_ones() {
        for (plain, accented) in [
            ("venerdi", "venerdì"),
            ("citta", "città"),
            ("perche", "perché"),
            ("piu", "più"),
        ] {
            assert_eq!(terms(plain), terms(accented), "{plain}");
        }
    }

    #[test]
    fn accents_do_not_break_stems() {
        assert_eq!(terms("verità"), ["verit"]);
        assert_ne!(terms("verità"), terms("vero"));
    }

    #[test]
    fn hyphenated_words_give_consecutive_positions() {
        let tokens = run(&mut italian_analyzer(), "Zapad-2025");
        assert_eq!(
            tokens,
            [("zapad".into(), 0, 5, 0), ("2025".into(), 6, 10, 1)]
        );
    }

    #[test]
    fn stopwords_keep_their_positions() {
        let tokens = run(&mut italian_analyzer(), "il ministro della Difesa");
        let positions: Vec<_> = tokens.iter().map(|t| (t.0.as_str(), t.3)).collect();
        assert_eq!(
            positions,
            [("·il", 0), ("ministr", 1), ("·della", 2), ("difes", 3)]
        );
    }

    #[test]
    fn elision_offsets_point_at_the_word() {
        let text = "prezzi dell’energia";
        let tokens = run(&mut italian_analyzer(), text);
        assert_eq!(&text[tokens[1].1..tokens[1].2], "energia");
    }

    #[test]
    fn long_words_are_not_indexed() {
        let long = "a".repeat(MAX_WORD_BYTES);
        assert_eq!(terms(&format!("casa {long} casa")), ["cas", "cas"]);
    }

    #[test]
    fn word_forms_are_folded_but_not_stemmed() {
        let forms: Vec<String> = run(
            &mut word_form_analyzer(),
            "Esercitazioni dell'Ucraìna nelle città perche'",
        )
        .into_iter()
        .map(|t| t.0)
        .collect();
        // `nelle` and `perché` are stopwords: no prefix or fuzzy term needs them.
        assert_eq!(forms, ["esercitazioni", "ucraina", "citta"]);
    }

    #[test]
    fn the_one_pass_analyzer_agrees_with_both_analyzers() {
        let text = include_str!("../../../../seeds/000_d1f79b4f03d9532a.txt");
        let stemmed = run(&mut italian_analyzer(), text);
        let forms = run(&mut word_form_analyzer(), text);
        let mut one_pass = Vec::new();
        WordAnalyzer::new().analyze(text, |t| {
            one_pass.push((
                t.term.to_owned(),
                t.word.to_owned(),
                t.offset_from,
                t.offset_to,
                t.position,
            ))
        });
        assert_eq!(one_pass.len(), stemmed.len());
        for (one, stem) in one_pass.iter().zip(&stemmed) {
            assert_eq!(
                (&one.0, one.2, one.3, one.4),
                (&stem.0, stem.1, stem.2, stem.3)
            );
        }
        let stopword_forms = stopwords::folded_word_forms();
        let content_forms: Vec<(&String, usize)> = one_pass
            .iter()
            .filter(|one| !stopword_forms.contains(&one.1))
            .map(|one| (&one.1, one.4))
            .collect();
        let indexed_forms: Vec<(&String, usize)> = forms.iter().map(|f| (&f.0, f.3)).collect();
        assert_eq!(content_forms, indexed_forms);
    }
}

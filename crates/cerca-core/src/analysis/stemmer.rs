//! Snowball Italian stemming through rust-stemmers, with a cache.
//!
//! rust-stemmers allocates on every call and takes most of the analysis time
//! (about 80% when measured on the bulk corpus). Word frequencies follow
//! Zipf's law, so a small cache of recent words answers most tokens.

use rust_stemmers::{Algorithm, Stemmer};
use tantivy::tokenizer::Token;

use super::rewrite::{token_filter_from_rewrite, TokenRewrite};
use super::stopwords::{is_stopword, stopword_term};
use super::word_cache::{ShortWord, WordCache};

/// Replaces a lower-case word by the stem it is indexed under (see
/// [`ItalianStemmer::term_stem`]).
///
/// Each clone starts with an empty cache, so analyzers cloned for indexing
/// threads do not share (or copy) one.
///
/// ```
/// use cerca_core::analysis::{ItalianStemmer, TokenRewrite};
/// use tantivy::tokenizer::Token;
///
/// let mut stemmer = ItalianStemmer::new();
/// let mut token = Token { text: "esercitazioni".into(), ..Token::default() };
/// stemmer.rewrite(&mut token);
/// assert_eq!(token.text, "esercit");
/// ```
pub struct ItalianStemmer {
    stemmer: Stemmer,
    cache: WordCache<ShortWord>,
    /// The stem of the last word too long to cache.
    uncached: String,
}

token_filter_from_rewrite!(ItalianStemmer);

impl ItalianStemmer {
    /// The Snowball Italian stemmer, with an empty cache.
    pub fn new() -> Self {
        ItalianStemmer {
            stemmer: Stemmer::create(Algorithm::Italian),
            cache: WordCache::default(),
            uncached: String::new(),
        }
    }

    /// The Snowball Italian stem of a lower-case `word` (the official
    /// algorithm's, word for word: a test holds it to the official list).
    pub fn stem(&self, word: &str) -> String {
        snowball(&self.stemmer, word)
    }

    /// The stem a lower-case `word` is indexed under: its Snowball stem,
    /// except for stopwords (their word, marked: [`STOPWORD_MARK`](super::STOPWORD_MARK))
    /// and the few words Snowball conflates with others (perché, però, cioè…).
    /// Cached: no allocation for a cached word.
    pub fn term_stem(&mut self, word: &str) -> &str {
        let ItalianStemmer {
            stemmer,
            cache,
            uncached,
        } = self;
        let mut made = None;
        let cached = cache.get_or_make(word, || {
            let stem = indexed_stem(stemmer, word);
            let short = ShortWord::new(&stem);
            made = Some(stem);
            short
        });
        match cached {
            Some(stem) => stem.as_str(),
            None => {
                *uncached = made.unwrap_or_else(|| indexed_stem(stemmer, word));
                uncached
            }
        }
    }

    /// [`term_stem`](ItalianStemmer::term_stem), leaving the cache alone
    /// (for callers that cache more than the stem).
    pub(crate) fn term_stem_uncached(&self, word: &str) -> String {
        indexed_stem(&self.stemmer, word)
    }
}

/// Words Snowball conflates with others a reader keeps apart, and their own
/// stems (the word itself): `perché` and `perciò` both stem to `perc`,
/// `però` to `per` (the preposition), `cioè` to `cio` (`ciò`). Sorted.
const EXCEPTIONS: &[(&str, &str)] = &[
    ("cioe", "cioe"),
    ("cioè", "cioè"),
    ("perche", "perche"),
    ("perché", "perché"),
    ("percio", "percio"),
    ("perciò", "perciò"),
    ("pero", "pero"),
    ("però", "però"),
];

/// See [`ItalianStemmer::term_stem`].
fn indexed_stem(stemmer: &Stemmer, word: &str) -> String {
    if is_stopword(word) {
        return stopword_term(word);
    }
    if let Ok(at) = EXCEPTIONS.binary_search_by(|(exception, _)| (*exception).cmp(word)) {
        return EXCEPTIONS[at].1.to_owned();
    }
    snowball(stemmer, word)
}

fn snowball(stemmer: &Stemmer, word: &str) -> String {
    let stem = stemmer.stem(word);
    match word.strip_prefix(DIVAN) {
        Some(rest) if !stem.starts_with(DIVAN) => divan_stem(rest),
        _ => stem.into_owned(),
    }
}

/// Snowball 2.x starts the Italian RV region after a leading `divan`, so that
/// `divano` (sofa) stems to `divan`, not to `div` like `diva`. rust-stemmers
/// 1.2 predates that rule; the official word list expects it.
const DIVAN: &str = "divan";

/// The stem of `divan` + `rest` when only `rest` may lose a suffix: its final
/// vowel, as Snowball's residual-vowel step removes it.
fn divan_stem(rest: &str) -> String {
    let rest = rest
        .strip_suffix(['a', 'e', 'i', 'o', 'à', 'è', 'ì', 'ò'])
        .unwrap_or(rest);
    format!("{DIVAN}{rest}")
}

impl Default for ItalianStemmer {
    fn default() -> Self {
        ItalianStemmer::new()
    }
}

impl Clone for ItalianStemmer {
    fn clone(&self) -> Self {
        ItalianStemmer::new()
    }
}

impl std::fmt::Debug for ItalianStemmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ItalianStemmer")
            .field("cached_words", &self.cache.len())
            .finish()
    }
}

impl TokenRewrite for ItalianStemmer {
    fn rewrite(&mut self, token: &mut Token) -> bool {
        // The common case, a cached word, copies the stem without allocating.
        let stem = self.term_stem(&token.text);
        token.text.clear();
        token.text.push_str(stem);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflates_singular_and_plural() {
        let stemmer = ItalianStemmer::new();
        assert_eq!(stemmer.stem("esercitazione"), stemmer.stem("esercitazioni"));
        assert_eq!(stemmer.stem("prigioniero"), stemmer.stem("prigionieri"));
        // Snowball reads `militare` as a verb in -are: the inflections module
        // bridges such gaps at query time.
        assert_eq!(stemmer.stem("militare"), "milit");
        assert_eq!(stemmer.stem("militari"), "militar");
    }

    #[test]
    fn function_words_snowball_conflates_keep_stems_of_their_own() {
        let mut stemmer = ItalianStemmer::new();
        let stems: Vec<String> = [
            "perché", "perciò", "però", "per", "cioè", "ciò", "alle", "alleati",
        ]
        .iter()
        .map(|w| stemmer.term_stem(w).to_owned())
        .collect();
        let mut distinct = stems.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), stems.len(), "{stems:?}");
        // A stopword's term is marked as such (see `stopwords`).
        assert_eq!(stemmer.term_stem("perche"), "·perche");
        assert_eq!(stemmer.term_stem("perciò"), "perciò");
        // The official stems stay as they are.
        assert_eq!(stemmer.stem("perché"), "perc");
        assert!(EXCEPTIONS.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
    }

    #[test]
    fn keeps_divan_whole_as_snowball_2_does() {
        let stemmer = ItalianStemmer::new();
        assert_eq!(stemmer.stem("divano"), "divan");
        assert_eq!(stemmer.stem("divani"), "divan");
        assert_eq!(stemmer.stem("diva"), "div");
        assert_eq!(stemmer.stem("diventare"), "divent");
    }

    #[test]
    fn cached_and_uncached_stems_agree() {
        let mut stemmer = ItalianStemmer::new();
        let first = stemmer.term_stem("bielorussia").to_owned();
        let second = stemmer.term_stem("bielorussia").to_owned();
        assert_eq!(first, second);
        assert_eq!(stemmer.cache.len(), 1);
        let long = "precipitevolissimevolmente".repeat(2);
        assert_eq!(
            stemmer.term_stem(&long),
            Stemmer::create(Algorithm::Italian).stem(&long)
        );
        assert_eq!(stemmer.stem("bielorussia"), first);
    }

    #[test]
    fn the_cache_starts_over_when_full() {
        let mut stemmer = ItalianStemmer::new();
        for i in 0..super::super::word_cache::CAPACITY + 10 {
            stemmer.term_stem(&format!("parola{i}"));
        }
        assert!(stemmer.cache.len() <= super::super::word_cache::CAPACITY);
        assert_eq!(stemmer.term_stem("case"), "cas");
    }

    #[test]
    fn clones_start_empty() {
        let mut stemmer = ItalianStemmer::new();
        stemmer.term_stem("casa");
        assert_eq!(stemmer.clone().cache.len(), 0);
    }
}

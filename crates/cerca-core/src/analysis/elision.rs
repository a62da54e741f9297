//! Removes the elided article or preposition in front of a word.
//!
//! `dell'energia`, `l'Ungheria`, `d'Europa`, `un'altra`, `c'è`, `quest'anno`:
//! what stands before the apostrophe is an article, preposition or pronoun
//! whose vowel was dropped; the word that matters is after it. Xapian keeps
//! the whole `dell'energia` as one term, so a search for `energia` misses it.
//! Both `'` and the typographic `’` are apostrophes here.

use tantivy::tokenizer::Token;

use super::rewrite::{token_filter_from_rewrite, TokenRewrite};

/// Keeps only what follows the last apostrophe inside a token.
///
/// The token's start offset moves past the apostrophe too, so snippets
/// highlight `energia`, not `dell'energia`.
///
/// ```
/// use cerca_core::analysis::{ElisionFilter, TokenRewrite};
/// use tantivy::tokenizer::Token;
///
/// let mut token = Token { text: "dell’energia".into(), offset_to: 14, ..Token::default() };
/// assert!(ElisionFilter.rewrite(&mut token));
/// assert_eq!(token.text, "energia");
/// assert_eq!(token.offset_from, 7);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct ElisionFilter;

token_filter_from_rewrite!(ElisionFilter);

impl TokenRewrite for ElisionFilter {
    fn rewrite(&mut self, token: &mut Token) -> bool {
        let cut = token
            .text
            .char_indices()
            .filter(|&(_, c)| c == '\'' || c == '\u{2019}')
            .map(|(i, c)| i + c.len_utf8())
            .next_back();
        if let Some(cut) = cut.filter(|&cut| cut < token.text.len()) {
            token.text.drain(..cut);
            token.offset_from += cut;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rewrite::rewritten;

    fn apply(text: &str) -> (String, usize) {
        let token = rewritten(ElisionFilter, text).expect("kept");
        (token.text, token.offset_from)
    }

    #[test]
    fn strips_elided_articles_and_prepositions() {
        for (input, word) in [
            ("dell'energia", "energia"),
            ("dall'abbattimento", "abbattimento"),
            ("l'Ungheria", "Ungheria"),
            ("d'Europa", "Europa"),
            ("un'altra", "altra"),
            ("nell'ambito", "ambito"),
            ("sull'isola", "isola"),
            ("quest'anno", "anno"),
            ("c'è", "è"),
            ("all’ultimo", "ultimo"),
        ] {
            assert_eq!(apply(input).0, word, "{input}");
        }
    }

    #[test]
    fn moves_the_start_offset_past_the_apostrophe() {
        assert_eq!(apply("dell'energia"), ("energia".into(), 15));
        assert_eq!(apply("dell’energia"), ("energia".into(), 17));
    }

    #[test]
    fn leaves_words_without_elision_alone() {
        assert_eq!(apply("energia"), ("energia".into(), 10));
        assert_eq!(apply("nell'"), ("nell'".into(), 10));
    }
}

//! Removes accents, so that `venerdi` matches `venerdì` and `citta` matches `città`.
//!
//! The analyzer folds *after* stemming: the Snowball Italian stemmer relies on
//! accents (`verità` → `verit`, but `verita` → `ver`, colliding with `vero`).
//! Stemming the accented form and folding the stem keeps both spellings of the
//! same word together in most cases.

use tantivy::tokenizer::Token;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

use super::rewrite::{token_filter_from_rewrite, TokenRewrite};

/// Strips combining marks from a token's letters (`à` → `a`, `ç` → `c`).
///
/// Letters that are not a base letter plus marks (`ß`, `æ`, `ø`) stay as they
/// are: they are not accents. A token made only of marks is dropped.
///
/// ```
/// use cerca_core::analysis::{AccentFolding, TokenRewrite};
/// use tantivy::tokenizer::Token;
///
/// let mut token = Token { text: "perché".into(), ..Token::default() };
/// AccentFolding.rewrite(&mut token);
/// assert_eq!(token.text, "perche");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct AccentFolding;

token_filter_from_rewrite!(AccentFolding);

/// `word` without accents.
pub fn fold_accents(word: &str) -> String {
    let mut folded = String::with_capacity(word.len());
    fold_accents_into(word, &mut folded);
    folded
}

/// Appends `word` without accents to `out`.
pub fn fold_accents_into(word: &str, out: &mut String) {
    if word.is_ascii() {
        out.push_str(word);
        return;
    }
    for c in word.chars() {
        decompose_canonical(c, |part| {
            if !is_combining_mark(part) {
                out.push(part);
            }
        });
    }
}

impl TokenRewrite for AccentFolding {
    fn rewrite(&mut self, token: &mut Token) -> bool {
        if !token.text.is_ascii() {
            token.text = fold_accents(&token.text);
        }
        !token.text.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rewrite::rewritten;

    #[test]
    fn folds_italian_accents() {
        assert_eq!(fold_accents("àèéìòù"), "aeeiou");
        assert_eq!(fold_accents("venerdì"), "venerdi");
        assert_eq!(fold_accents("ÀÈ"), "AE");
    }

    #[test]
    fn folds_other_latin_accents_and_keeps_other_letters() {
        assert_eq!(fold_accents("façade naïve Łódź"), "facade naive Łodz");
        assert_eq!(fold_accents("straße"), "straße");
        assert_eq!(fold_accents("Москва́"), "Москва");
    }

    #[test]
    fn drops_tokens_made_only_of_marks() {
        assert_eq!(rewritten(AccentFolding, "\u{0301}\u{0a3e}"), None);
    }

    #[test]
    fn leaves_ascii_alone() {
        assert_eq!(
            rewritten(AccentFolding, "energia")
                .map(|t| t.text)
                .as_deref(),
            Some("energia")
        );
    }
}

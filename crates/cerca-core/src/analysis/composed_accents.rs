//! Composes accents written as separate combining marks.

use tantivy::tokenizer::Token;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::rewrite::{token_filter_from_rewrite, TokenRewrite};

/// Writes a word in composed form (Unicode NFC): `città` typed as `a` and a
/// combining grave accent (U+0300), as macOS names files and some editors
/// save text, becomes the one character `à`, which the filters after it
/// (stemming, folding, stopwords) know. Without it such a word was indexed
/// as `citta`, not `citt`, and neither spelling of a query found it.
///
/// ```
/// use cerca_core::analysis::{ComposedAccents, TokenRewrite};
/// use tantivy::tokenizer::Token;
///
/// let mut token = Token { text: "citta\u{300}".into(), ..Token::default() };
/// ComposedAccents.rewrite(&mut token);
/// assert_eq!(token.text, "città");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct ComposedAccents;

token_filter_from_rewrite!(ComposedAccents);

impl TokenRewrite for ComposedAccents {
    fn rewrite(&mut self, token: &mut Token) -> bool {
        // Most words are ASCII, and most others already composed.
        if !token.text.is_ascii() && token.text.chars().any(is_combining_mark) {
            token.text = token.text.nfc().collect();
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rewrite::rewritten;

    fn apply(text: &str) -> String {
        rewritten(ComposedAccents, text).expect("kept").text
    }

    #[test]
    fn composes_accents_and_leaves_the_rest() {
        assert_eq!(apply("citta\u{300}"), "città");
        assert_eq!(apply("caffe\u{301}"), "caffé");
        assert_eq!(apply("PERCHE\u{301}"), "PERCHÉ");
        assert_eq!(apply("città"), "città");
        assert_eq!(apply("casa"), "casa");
        // A mark with nothing to compose with stays.
        assert_eq!(apply("q\u{300}"), "q\u{300}");
    }
}

//! Reads a word-final apostrophe as the accent it stands for.
//!
//! Plain-ASCII Italian writes `perche'`, `citta'`, `e'` for `perché`, `città`,
//! `è`. Without this filter `e'` would index as the conjunction `e`, and
//! `citta'` would stem differently from `città`.

use tantivy::tokenizer::Token;

use super::rewrite::{token_filter_from_rewrite, TokenRewrite};

/// Replaces a final `'` or `’` after a vowel by the accented vowel.
///
/// The vowel gets a grave accent (`à è ì ò ù`), except an `e` after `ch`,
/// which is acute as in `perché`, `poiché`, `benché`. (Snowball turns acute
/// into grave accents anyway, and folding removes both; the difference only
/// matters for stopwords such as `perché`.)
///
/// ```
/// use cerca_core::analysis::{AccentApostropheFilter, TokenRewrite};
/// use tantivy::tokenizer::Token;
///
/// let mut token = Token { text: "perche'".into(), ..Token::default() };
/// assert!(AccentApostropheFilter.rewrite(&mut token));
/// assert_eq!(token.text, "perché");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct AccentApostropheFilter;

token_filter_from_rewrite!(AccentApostropheFilter);

fn accented(vowel: char, after_ch: bool) -> Option<char> {
    Some(match vowel {
        'e' if after_ch => 'é',
        'E' if after_ch => 'É',
        'a' => 'à',
        'e' => 'è',
        'i' => 'ì',
        'o' => 'ò',
        'u' => 'ù',
        'A' => 'À',
        'E' => 'È',
        'I' => 'Ì',
        'O' => 'Ò',
        'U' => 'Ù',
        _ => return None,
    })
}

impl TokenRewrite for AccentApostropheFilter {
    fn rewrite(&mut self, token: &mut Token) -> bool {
        let text = &token.text;
        let Some(stripped) = text.strip_suffix(['\'', '\u{2019}']) else {
            return true;
        };
        let mut chars = stripped.chars();
        let Some(vowel) = chars.next_back() else {
            return true;
        };
        let before = chars.as_str().to_lowercase();
        if let Some(accent) = accented(vowel, before.ends_with("ch")) {
            let mut word = String::with_capacity(stripped.len() + 1);
            word.push_str(chars.as_str());
            word.push(accent);
            token.text = word;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rewrite::rewritten;

    fn apply(text: &str) -> String {
        rewritten(AccentApostropheFilter, text).expect("kept").text
    }

    #[test]
    fn turns_apostrophes_into_accents() {
        assert_eq!(apply("citta'"), "città");
        assert_eq!(apply("e'"), "è");
        assert_eq!(apply("E'"), "È");
        assert_eq!(apply("perche'"), "perché");
        assert_eq!(apply("Poiche’"), "Poiché");
        assert_eq!(apply("cosi'"), "così");
        assert_eq!(apply("pero'"), "però");
        assert_eq!(apply("virtu'"), "virtù");
    }

    #[test]
    fn leaves_other_words_alone() {
        assert_eq!(apply("città"), "città");
        assert_eq!(apply("dell'energia"), "dell'energia");
        assert_eq!(apply("nell'"), "nell'");
        assert_eq!(apply("'"), "'");
    }
}

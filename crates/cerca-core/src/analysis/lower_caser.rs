//! Lower-cases tokens.

use tantivy::tokenizer::Token;

use super::rewrite::{token_filter_from_rewrite, TokenRewrite};

/// Lower-cases a token, without allocating when it is already lower-case ASCII.
///
/// ```
/// use cerca_core::analysis::{LowerCaser, TokenRewrite};
/// use tantivy::tokenizer::Token;
///
/// let mut token = Token { text: "Città".into(), ..Token::default() };
/// LowerCaser.rewrite(&mut token);
/// assert_eq!(token.text, "città");
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct LowerCaser;

token_filter_from_rewrite!(LowerCaser);

impl TokenRewrite for LowerCaser {
    fn rewrite(&mut self, token: &mut Token) -> bool {
        if token.text.is_ascii() {
            token.text.make_ascii_lowercase();
        } else if token.text.chars().any(char::is_uppercase) {
            token.text = token.text.to_lowercase();
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rewrite::rewritten;

    fn apply(text: &str) -> String {
        rewritten(LowerCaser, text).expect("kept").text
    }

    #[test]
    fn lower_cases_ascii_and_accented_letters() {
        assert_eq!(apply("NATO"), "nato");
        assert_eq!(apply("È"), "è");
        assert_eq!(apply("PERCHÉ"), "perché");
        assert_eq!(apply("già"), "già");
        assert_eq!(apply("2025"), "2025");
    }
}

//! The one adapter that turns a per-token rewrite rule into a tantivy filter.
//!
//! tantivy's filter interface needs three types per filter (the filter, a
//! tokenizer wrapper and a stream wrapper). Every cerca filter is the same
//! shape, "look at one token, change it or drop it", so the wrappers live here
//! once and each filter file holds only its rule. The rules can also be
//! applied directly to a token, which is how snippets read word forms and
//! stems from a single pass.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// A rule applied to each token of a stream.
pub trait TokenRewrite: Clone + Send + Sync + 'static {
    /// Rewrites `token` in place. Returns `false` to drop the token.
    ///
    /// Offsets must stay inside the original token and on char boundaries of
    /// the source text: snippets highlight `text[offset_from..offset_to]`.
    fn rewrite(&mut self, token: &mut Token) -> bool;
}

/// Implements tantivy's `TokenFilter` for a [`TokenRewrite`] rule.
macro_rules! token_filter_from_rewrite {
    ($rule:ty) => {
        impl ::tantivy::tokenizer::TokenFilter for $rule {
            type Tokenizer<T: ::tantivy::tokenizer::Tokenizer> =
                $crate::analysis::rewrite::RewritingTokenizer<T, $rule>;

            fn transform<T: ::tantivy::tokenizer::Tokenizer>(self, inner: T) -> Self::Tokenizer<T> {
                $crate::analysis::rewrite::RewritingTokenizer::new(inner, self)
            }
        }
    };
}
pub(crate) use token_filter_from_rewrite;

/// A tokenizer whose tokens pass through a [`TokenRewrite`] rule.
#[derive(Clone)]
pub struct RewritingTokenizer<T, R> {
    inner: T,
    rule: R,
}

impl<T, R> RewritingTokenizer<T, R> {
    pub(crate) fn new(inner: T, rule: R) -> Self {
        RewritingTokenizer { inner, rule }
    }
}

impl<T: Tokenizer, R: TokenRewrite> Tokenizer for RewritingTokenizer<T, R> {
    type TokenStream<'a> = RewritingStream<'a, T::TokenStream<'a>, R>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RewritingStream {
            inner: self.inner.token_stream(text),
            rule: &mut self.rule,
        }
    }
}

/// The stream of a [`RewritingTokenizer`].
pub struct RewritingStream<'a, S, R> {
    inner: S,
    rule: &'a mut R,
}

impl<S: TokenStream, R: TokenRewrite> TokenStream for RewritingStream<'_, S, R> {
    fn advance(&mut self) -> bool {
        while self.inner.advance() {
            if self.rule.rewrite(self.inner.token_mut()) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.inner.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.inner.token_mut()
    }
}

/// Applies `rule` to a token holding `text` (at offset 10) and returns the
/// token if the rule keeps it.
#[cfg(test)]
pub(crate) fn rewritten(mut rule: impl TokenRewrite, text: &str) -> Option<Token> {
    let mut token = Token {
        text: text.into(),
        offset_from: 10,
        offset_to: 10 + text.len(),
        ..Token::default()
    };
    rule.rewrite(&mut token).then_some(token)
}

//! Recursive-descent parser from tokens to a [`Node`] tree.
//!
//! Grammar, loosest binding first:
//!
//! ```text
//! query   := or EOF
//! or      := seq ( (OR | ||) seq )*
//! seq     := chain chain*                    clauses side by side → Implicit
//! chain   := unary ( (AND | &&) unary )*     explicit AND → And
//! unary   := NOT unary | -unary | +unary | postfix
//! postfix := primary ( ^number )*
//! primary := word [* | ~[0-2]] | phrase [~n] | ( or )
//!          | title:value | body:value | path:… | ext:… | date:… | modified:…
//! value   := word [* | ~[0-2]] | phrase [~n] | ( or )
//! ```
//!
//! So `NOT`/`-`/`+` bind tightest, then explicit `AND`, then juxtaposition,
//! then `OR`: `a AND b c` is `Implicit[And[a, b], c]` and `a b OR c` is
//! `Or[Implicit[a, b], c]`. An explicit `AND` only ever joins its two
//! neighbours; a whole run joined by `AND` becomes a single `And`.
//!
//! The tree is normalized as it is built: a list of one clause is just that
//! clause, and a list inside a list of the same kind is flattened (also
//! through parentheses: `(a OR b) OR c` is `Or[a, b, c]`). A `^` boost after a
//! field clause boosts the whole clause: `title:casa^2` is
//! `Boost[Field[title, casa]]`.

use crate::ast::{Expr, Node, Phrase, Span, Term, TermKind, TextField};
use crate::error::{ParseError, ParseErrorKind};
use crate::lexer::{Arg, Lexer, Token, TokenKind};

/// How deeply parentheses, `NOT`/`-`/`+` and boosts may nest. Keeps the
/// recursive parser, printer and `Drop` far from the stack's end, whatever the input.
pub const MAX_DEPTH: usize = 100;

/// Parses a query into its syntax tree.
///
/// ```
/// use cerca_query::{parse, Expr, TermKind};
///
/// let node = parse("bielorus* OR lukascenko~1").unwrap();
/// let Expr::Or(clauses) = &node.expr else { panic!("expected OR") };
/// let Expr::Term(first) = &clauses[0].expr else { panic!("expected a term") };
/// assert_eq!(first.text, "bielorus");
/// assert_eq!(first.kind, TermKind::Prefix);
///
/// assert!(parse("title:").is_err());
/// ```
pub fn parse(input: &str) -> Result<Node, ParseError> {
    if input.trim().is_empty() {
        return Err(ParseError::new(
            ParseErrorKind::EmptyQuery,
            Span::new(0, input.len()),
        ));
    }
    let mut parser = Parser {
        input,
        lexer: Lexer::new(input),
        peeked: None,
        depth: 0,
    };
    let node = parser.or()?;
    match parser.next()? {
        None => Ok(node),
        // `or` only stops before a `)` or at the end.
        Some(tok) => Err(ParseError::new(
            ParseErrorKind::UnexpectedCloseParen,
            tok.span,
        )),
    }
}

/// The three list-building operators.
#[derive(Clone, Copy)]
enum List {
    Or,
    Implicit,
    And,
}

struct Parser<'a> {
    input: &'a str,
    lexer: Lexer<'a>,
    /// One token of lookahead (`Some(None)` means the end was peeked).
    peeked: Option<Option<Token>>,
    depth: usize,
}

impl Parser<'_> {
    fn peek_kind(&mut self) -> Result<Option<&TokenKind>, ParseError> {
        if self.peeked.is_none() {
            self.peeked = Some(self.lexer.next_token()?);
        }
        Ok(self
            .peeked
            .as_ref()
            .and_then(|t| t.as_ref())
            .map(|t| &t.kind))
    }

    fn next(&mut self) -> Result<Option<Token>, ParseError> {
        match self.peeked.take() {
            Some(tok) => Ok(tok),
            None => self.lexer.next_token(),
        }
    }

    /// Takes the next token if it starts exactly at `end` (no space between)
    /// and satisfies `wanted`.
    fn next_if_glued(
        &mut self,
        end: usize,
        wanted: fn(&TokenKind) -> bool,
    ) -> Result<Option<Token>, ParseError> {
        self.peek_kind()?;
        match &self.peeked {
            Some(Some(tok)) if tok.span.start == end && wanted(&tok.kind) => self.next(),
            _ => Ok(None),
        }
    }

    /// Takes the next token if it is `kind`.
    fn next_if(&mut self, kind: &TokenKind) -> Result<Option<Token>, ParseError> {
        if self.peek_kind()? == Some(kind) {
            self.next()
        } else {
            Ok(None)
        }
    }

    fn enter(&mut self, span: Span) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError::new(
                ParseErrorKind::TooDeep { limit: MAX_DEPTH },
                span,
            ));
        }
        Ok(())
    }

    fn missing_operand(&self, op: &Token) -> ParseError {
        ParseError::new(
            ParseErrorKind::MissingOperand {
                operator: self.input[op.span.start..op.span.end].to_owned(),
            },
            op.span,
        )
    }

    fn or(&mut self) -> Result<Node, ParseError> {
        let mut items = vec![self.seq(None)?];
        while let Some(op) = self.next_if(&TokenKind::Or)? {
            items.push(self.seq(Some(&op))?);
        }
        Ok(combine(List::Or, items))
    }

    /// `after` is the operator just before this operand, for error messages.
    fn seq(&mut self, after: Option<&Token>) -> Result<Node, ParseError> {
        let mut items = vec![self.chain(after)?];
        while self
            .peek_kind()?
            .is_some_and(|kind| !matches!(kind, TokenKind::Or | TokenKind::And | TokenKind::RParen))
        {
            items.push(self.chain(None)?);
        }
        Ok(combine(List::Implicit, items))
    }

    fn chain(&mut self, after: Option<&Token>) -> Result<Node, ParseError> {
        let mut items = vec![self.unary(after)?];
        while let Some(op) = self.next_if(&TokenKind::And)? {
            items.push(self.unary(Some(&op))?);
        }
        Ok(combine(List::And, items))
    }

    fn unary(&mut self, after: Option<&Token>) -> Result<Node, ParseError> {
        let Some(tok) = self.next()? else {
            return Err(match after {
                Some(op) => self.missing_operand(op),
                // Unreachable in practice: blank queries and `(` at the end are caught earlier.
                None => ParseError::new(
                    ParseErrorKind::EmptyQuery,
                    Span::new(self.input.len(), self.input.len()),
                ),
            });
        };
        let span = tok.span;
        let error = |kind| Err(ParseError::new(kind, span));
        let primary = match tok.kind {
            TokenKind::And | TokenKind::Or | TokenKind::RParen => {
                return match (after, &tok.kind) {
                    (Some(op), _) => Err(self.missing_operand(op)),
                    (None, TokenKind::RParen) => error(ParseErrorKind::UnexpectedCloseParen),
                    (None, _) => Err(self.missing_operand(&tok)),
                };
            }
            TokenKind::Star => return error(ParseErrorKind::MisplacedWildcard),
            TokenKind::Tilde(_) => {
                return error(ParseErrorKind::DetachedModifier { modifier: '~' })
            }
            TokenKind::Caret(_) => {
                return error(ParseErrorKind::DetachedModifier { modifier: '^' })
            }
            TokenKind::Not => return self.prefixed(&tok, false, Expr::Not),
            TokenKind::Minus => return self.prefixed(&tok, true, Expr::Not),
            TokenKind::Plus => return self.prefixed(&tok, true, Expr::Required),
            TokenKind::Word(text) => self.term(text, span)?,
            TokenKind::Phrase(text) => self.phrase(text, span)?,
            TokenKind::LParen => self.group(span)?,
            TokenKind::TextField(field) => self.field(field, span)?,
            TokenKind::Path(path) => Node::new(Expr::Path(path), span),
            TokenKind::Ext(ext) => Node::new(Expr::Ext(ext), span),
            TokenKind::Date(field, range) => Node::new(Expr::Date { field, range }, span),
        };
        self.boosts(primary)
    }

    /// `NOT x`, `-x`, `+x`; `glued` operators must touch their operand.
    fn prefixed(
        &mut self,
        op: &Token,
        glued: bool,
        wrap: fn(Box<Node>) -> Expr,
    ) -> Result<Node, ParseError> {
        if glued {
            self.peek_kind()?;
            let touching = matches!(&self.peeked, Some(Some(tok)) if tok.span.start == op.span.end);
            if !touching {
                return Err(self.missing_operand(op));
            }
        }
        self.enter(op.span)?;
        let inner = self.unary(Some(op))?;
        self.depth -= 1;
        let span = op.span.join(inner.span);
        Ok(Node::new(wrap(Box::new(inner)), span))
    }

    /// A word and the `*` or `~N` glued to it.
    fn term(&mut self, text: String, mut span: Span) -> Result<Node, ParseError> {
        let mut kind = TermKind::Exact;
        if let Some(star) = self.next_if_glued(span.end, |k| *k == TokenKind::Star)? {
            span.end = star.span.end;
            kind = TermKind::Prefix;
            // `a*b`: a wildcard inside a word is not supported.
            if self
                .next_if_glued(span.end, |k| matches!(k, TokenKind::Word(_)))?
                .is_some()
            {
                return Err(ParseError::new(
                    ParseErrorKind::MisplacedWildcard,
                    star.span,
                ));
            }
        } else if let Some(tilde) =
            self.next_if_glued(span.end, |k| matches!(k, TokenKind::Tilde(_)))?
        {
            span.end = tilde.span.end;
            let distance = match tilde.kind {
                TokenKind::Tilde(Some(Arg { text, span })) => match text.parse::<u8>() {
                    Ok(d) if d <= 2 => Some(d),
                    _ => {
                        return Err(ParseError::new(
                            ParseErrorKind::FuzzyDistance { found: text },
                            span,
                        ))
                    }
                },
                _ => None,
            };
            kind = TermKind::Fuzzy { distance };
        }
        Ok(Node::new(Expr::Term(Term { text, kind }), span))
    }

    /// A phrase and the `~N` slop glued to it.
    fn phrase(&mut self, text: String, mut span: Span) -> Result<Node, ParseError> {
        let mut slop = 0;
        if let Some(tilde) = self.next_if_glued(span.end, |k| matches!(k, TokenKind::Tilde(_)))? {
            span.end = tilde.span.end;
            let (found, at) = match tilde.kind {
                TokenKind::Tilde(Some(Arg { text, span })) => (text, span),
                _ => (String::new(), tilde.span),
            };
            slop = found
                .parse::<u32>()
                .map_err(|_| ParseError::new(ParseErrorKind::BadSlop { found }, at))?;
        }
        Ok(Node::new(Expr::Phrase(Phrase { text, slop }), span))
    }

    /// `( … )`: the node inside, with a span covering the parentheses.
    fn group(&mut self, open: Span) -> Result<Node, ParseError> {
        self.enter(open)?;
        let unclosed = ParseError::new(ParseErrorKind::UnclosedParen, open);
        match self.peek_kind()? {
            None => return Err(unclosed),
            Some(TokenKind::RParen) => {
                let close = self.next()?.map_or(open, |t| t.span);
                return Err(ParseError::new(
                    ParseErrorKind::EmptyGroup,
                    open.join(close),
                ));
            }
            Some(_) => {}
        }
        let inner = self.or()?;
        match self.next()? {
            Some(close) => {
                self.depth -= 1;
                Ok(Node::new(inner.expr, open.join(close.span)))
            }
            None => Err(unclosed),
        }
    }

    /// `title:` / `body:` followed, with no space, by a word, phrase or group.
    fn field(&mut self, field: TextField, span: Span) -> Result<Node, ParseError> {
        let value = self.next_if_glued(span.end, |k| {
            matches!(
                k,
                TokenKind::Word(_) | TokenKind::Phrase(_) | TokenKind::LParen
            )
        })?;
        let Some(value) = value else {
            return Err(ParseError::new(
                ParseErrorKind::EmptyFieldValue {
                    field: field.to_string(),
                },
                span,
            ));
        };
        let inner = match value.kind {
            TokenKind::Word(text) => self.term(text, value.span)?,
            TokenKind::Phrase(text) => self.phrase(text, value.span)?,
            _ => self.group(value.span)?,
        };
        let span = span.join(inner.span);
        Ok(Node::new(
            Expr::Field {
                field,
                inner: Box::new(inner),
            },
            span,
        ))
    }

    /// Any `^N` glued after a clause; also rejects other modifiers there.
    fn boosts(&mut self, mut node: Node) -> Result<Node, ParseError> {
        let mut boosts = 0;
        while let Some(tok) = self.next_if_glued(node.span.end, |k| {
            matches!(
                k,
                TokenKind::Caret(_) | TokenKind::Star | TokenKind::Tilde(_)
            )
        })? {
            let arg = match tok.kind {
                TokenKind::Caret(arg) => arg,
                TokenKind::Star => {
                    return Err(ParseError::new(ParseErrorKind::MisplacedWildcard, tok.span))
                }
                _ => {
                    return Err(ParseError::new(
                        ParseErrorKind::DetachedModifier { modifier: '~' },
                        tok.span,
                    ))
                }
            };
            boosts += 1;
            if self.depth + boosts > MAX_DEPTH {
                return Err(ParseError::new(
                    ParseErrorKind::TooDeep { limit: MAX_DEPTH },
                    tok.span,
                ));
            }
            let factor = match arg {
                Some(Arg { text, span }) => match text.parse::<f32>() {
                    Ok(f) if f.is_finite() && f > 0.0 => f,
                    _ => {
                        return Err(ParseError::new(
                            ParseErrorKind::BadBoost { found: text },
                            span,
                        ))
                    }
                },
                None => {
                    return Err(ParseError::new(
                        ParseErrorKind::BadBoost {
                            found: String::new(),
                        },
                        tok.span,
                    ))
                }
            };
            let span = node.span.join(tok.span);
            node = Node::new(
                Expr::Boost {
                    inner: Box::new(node),
                    factor,
                },
                span,
            );
        }
        Ok(node)
    }
}

/// Builds a list node, unwrapping a single item and flattening same-kind children.
fn combine(list: List, items: Vec<Node>) -> Node {
    let span = match (items.first(), items.last()) {
        (Some(first), Some(last)) => first.span.join(last.span),
        _ => Span::default(),
    };
    let mut flat = Vec::with_capacity(items.len());
    for item in items {
        match (list, item.expr) {
            (List::Or, Expr::Or(children))
            | (List::Implicit, Expr::Implicit(children))
            | (List::And, Expr::And(children)) => flat.extend(children),
            (_, expr) => flat.push(Node::new(expr, item.span)),
        }
    }
    if flat.len() == 1 {
        if let Some(only) = flat.pop() {
            return only;
        }
    }
    let expr = match list {
        List::Or => Expr::Or(flat),
        List::Implicit => Expr::Implicit(flat),
        List::And => Expr::And(flat),
    };
    Node::new(expr, span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{AgoUnit, DateField, DatePoint, DateRange, Day};

    fn p(input: &str) -> Node {
        parse(input)
            .unwrap_or_else(|e| panic!("{input}: {e}\n{}", e.render(input)))
            .strip_spans()
    }

    fn t(text: &str) -> Node {
        Node::term(text)
    }

    /// Parses `input`, expecting an error of `kind` at `start..end`.
    fn fails(input: &str, kind: ParseErrorKind, start: usize, end: usize) -> ParseError {
        let err = parse(input).expect_err(input);
        assert_eq!(err.kind, kind, "{input}");
        assert_eq!((err.span.start, err.span.end), (start, end), "{input}");
        assert!(
            err.to_string().contains("expected") || err.to_string().contains("must"),
            "{err}"
        );
        err
    }

    fn missing(op: &str) -> ParseErrorKind {
        ParseErrorKind::MissingOperand {
            operator: op.into(),
        }
    }

    fn day(y: i32, m: u8, d: u8) -> Option<DatePoint> {
        Some(DatePoint::Day(Day::new(y, m, d).unwrap()))
    }

    fn date(field: DateField, start: Option<DatePoint>, end: Option<DatePoint>) -> Node {
        Node::new(
            Expr::Date {
                field,
                range: DateRange { start, end },
            },
            Span::default(),
        )
    }

    #[test]
    fn single_word_is_not_wrapped() {
        assert_eq!(p("casa"), t("casa"));
        assert_eq!(parse(" casa ").unwrap().span, Span::new(1, 5));
    }

    #[test]
    fn juxtaposition_is_implicit() {
        assert_eq!(
            p("esercitazione militare"),
            Node::implicit(vec![t("esercitazione"), t("militare")])
        );
        let node = parse("a  bb").unwrap();
        assert_eq!(node.span, Span::new(0, 5));
    }

    #[test]
    fn lowercase_and_italian_connectives_are_words() {
        assert_eq!(
            p("guerra e pace o non and or not"),
            Node::implicit(
                ["guerra", "e", "pace", "o", "non", "and", "or", "not"]
                    .map(t)
                    .to_vec()
            )
        );
    }

    #[test]
    fn boolean_operators() {
        assert_eq!(p("a AND b"), Node::and(vec![t("a"), t("b")]));
        assert_eq!(p("a && b"), Node::and(vec![t("a"), t("b")]));
        assert_eq!(p("a OR b || c"), Node::or(vec![t("a"), t("b"), t("c")]));
        assert_eq!(p("a AND b AND c"), Node::and(vec![t("a"), t("b"), t("c")]));
        assert_eq!(p("NOT b"), Node::not(t("b")));
        assert_eq!(p("a AND NOT b"), Node::and(vec![t("a"), Node::not(t("b"))]));
        assert_eq!(p("a -b"), Node::implicit(vec![t("a"), Node::not(t("b"))]));
        assert_eq!(p("+a"), Node::required(t("a")));
        assert_eq!(
            p("+a b"),
            Node::implicit(vec![Node::required(t("a")), t("b")])
        );
        assert_eq!(p("--a"), Node::not(Node::not(t("a"))));
        assert_eq!(p("NOT(a)"), Node::not(t("a")));
    }

    #[test]
    fn precedence() {
        assert_eq!(
            p("a b OR c"),
            Node::or(vec![Node::implicit(vec![t("a"), t("b")]), t("c")])
        );
        assert_eq!(
            p("a AND b c"),
            Node::implicit(vec![Node::and(vec![t("a"), t("b")]), t("c")])
        );
        assert_eq!(
            p("a b AND c"),
            Node::implicit(vec![t("a"), Node::and(vec![t("b"), t("c")])])
        );
        assert_eq!(
            p("a OR b AND c"),
            Node::or(vec![t("a"), Node::and(vec![t("b"), t("c")])])
        );
        assert_eq!(p("NOT a AND b"), Node::and(vec![Node::not(t("a")), t("b")]));
        assert_eq!(p("-a OR b"), Node::or(vec![Node::not(t("a")), t("b")]));
    }

    #[test]
    fn groups_and_flattening() {
        assert_eq!(p("(a OR b) OR c"), Node::or(vec![t("a"), t("b"), t("c")]));
        assert_eq!(p("a OR (b OR c)"), Node::or(vec![t("a"), t("b"), t("c")]));
        assert_eq!(p("(a b) c"), Node::implicit(vec![t("a"), t("b"), t("c")]));
        assert_eq!(p("((a))"), t("a"));
        assert_eq!(
            p("(energia OR gas) AND NOT nucleare"),
            Node::and(vec![
                Node::or(vec![t("energia"), t("gas")]),
                Node::not(t("nucleare"))
            ])
        );
        // A group's span covers its parentheses.
        assert_eq!(parse("x (a OR b)").unwrap().span, Span::new(0, 10));
        let node = parse("-(a OR b)").unwrap();
        let Expr::Not(inner) = &node.expr else {
            panic!("{node:?}")
        };
        assert_eq!(inner.span, Span::new(1, 9));
        assert_eq!(node.span, Span::new(0, 9));
    }

    #[test]
    fn phrases() {
        assert_eq!(p(r#""casa bianca""#), Node::phrase("casa bianca", 0));
        assert_eq!(
            p(r#""ministro difesa"~3"#),
            Node::phrase("ministro difesa", 3)
        );
        assert_eq!(p("“casa bianca”"), Node::phrase("casa bianca", 0));
        assert_eq!(p(r#""dice \"no\"""#), Node::phrase(r#"dice "no""#, 0));
        assert_eq!(parse(r#""a b"~3"#).unwrap().span, Span::new(0, 7));
        assert_eq!(
            p(r#""ministro della difesa"~3 -trump"#),
            Node::implicit(vec![
                Node::phrase("ministro della difesa", 3),
                Node::not(t("trump"))
            ])
        );
    }

    #[test]
    fn prefix_and_fuzzy() {
        assert_eq!(p("bielorus*"), Node::prefix("bielorus"));
        assert_eq!(p("lukascenko~"), Node::fuzzy("lukascenko", None));
        assert_eq!(p("lukascenko~2"), Node::fuzzy("lukascenko", Some(2)));
        assert_eq!(p("lukascenko~0"), Node::fuzzy("lukascenko", Some(0)));
        assert_eq!(parse("bielorus*").unwrap().span, Span::new(0, 9));
        assert_eq!(parse("luka~1").unwrap().span, Span::new(0, 6));
        assert_eq!(p(r"a\*"), t("a*"));
        assert_eq!(p(r"a\**"), Node::prefix("a*"));
    }

    #[test]
    fn words_keep_italian_punctuation() {
        assert_eq!(p("dell'energia"), t("dell'energia"));
        assert_eq!(p("dell’energia"), t("dell’energia"));
        assert_eq!(p("Zapad-2025"), t("Zapad-2025"));
        assert_eq!(p("perché più"), Node::implicit(vec![t("perché"), t("più")]));
        assert_eq!(p(r"a\:b"), t("a:b"));
        assert_eq!(p("10:30"), t("10:30"));
    }

    #[test]
    fn text_fields() {
        assert_eq!(p("title:casa"), Node::field(TextField::Title, t("casa")));
        assert_eq!(
            p("body:\"casa bianca\""),
            Node::field(TextField::Body, Node::phrase("casa bianca", 0))
        );
        assert_eq!(
            p("title:(a OR b)"),
            Node::field(TextField::Title, Node::or(vec![t("a"), t("b")]))
        );
        assert_eq!(
            p("title:bielo* body:luka~1"),
            Node::implicit(vec![
                Node::field(TextField::Title, Node::prefix("bielo")),
                Node::field(TextField::Body, Node::fuzzy("luka", Some(1))),
            ])
        );
        assert_eq!(
            p("title:casa^2"),
            Node::boost(Node::field(TextField::Title, t("casa")), 2.0)
        );
        assert_eq!(
            p("title:(casa^2)"),
            Node::field(TextField::Title, Node::boost(t("casa"), 2.0))
        );
        assert_eq!(
            p("-title:casa"),
            Node::not(Node::field(TextField::Title, t("casa")))
        );
        assert_eq!(parse("title:(a b)").unwrap().span, Span::new(0, 11));
        // Only the value is glued: the next word is a separate clause.
        assert_eq!(
            p("title:casa bianca"),
            Node::implicit(vec![Node::field(TextField::Title, t("casa")), t("bianca")])
        );
    }

    #[test]
    fn path_and_ext() {
        let path = |s: &str| Node::new(Expr::Path(s.into()), Span::default());
        let ext = |s: &str| Node::new(Expr::Ext(s.into()), Span::default());
        assert_eq!(p("path:cucina/*"), path("cucina/*"));
        assert_eq!(
            p("path:\"notes/*.md\" ext:md"),
            Node::implicit(vec![path("notes/*.md"), ext("md")])
        );
        assert_eq!(p("ext:.MD"), ext("md"));
        assert_eq!(
            p("(path:a OR ext:txt)"),
            Node::or(vec![path("a"), ext("txt")])
        );
        assert_eq!(p("-path:archivio/**"), Node::not(path("archivio/**")));
        assert_eq!(
            parse("path:a:b~2").unwrap().expr,
            Expr::Path("a:b~2".into())
        );
    }

    #[test]
    fn dates() {
        assert_eq!(
            p("date:2025-09-15"),
            date(DateField::Date, day(2025, 9, 15), day(2025, 9, 16))
        );
        assert_eq!(
            p("title:(casa OR bianca) date:2025-09"),
            Node::implicit(vec![
                Node::field(TextField::Title, Node::or(vec![t("casa"), t("bianca")])),
                date(DateField::Date, day(2025, 9, 1), day(2025, 10, 1)),
            ])
        );
        assert_eq!(
            p("modified:>7d"),
            date(
                DateField::Modified,
                Some(DatePoint::Ago {
                    amount: 7,
                    unit: AgoUnit::Days
                }),
                None
            )
        );
        assert_eq!(
            p("(date:[2025-09-01 TO *])"),
            date(DateField::Date, day(2025, 9, 1), None)
        );
        assert_eq!(parse("x date:2025").unwrap().span, Span::new(0, 11));
    }

    #[test]
    fn boosts() {
        assert_eq!(p("trump^2"), Node::boost(t("trump"), 2.0));
        assert_eq!(p("trump^0.5"), Node::boost(t("trump"), 0.5));
        assert_eq!(
            p("\"casa bianca\"^3"),
            Node::boost(Node::phrase("casa bianca", 0), 3.0)
        );
        assert_eq!(
            p("(a OR b)^2"),
            Node::boost(Node::or(vec![t("a"), t("b")]), 2.0)
        );
        assert_eq!(p("bielo*^2"), Node::boost(Node::prefix("bielo"), 2.0));
        assert_eq!(p("a^2^3"), Node::boost(Node::boost(t("a"), 2.0), 3.0));
        assert_eq!(p("-a^2"), Node::not(Node::boost(t("a"), 2.0)));
        assert_eq!(parse("trump^0.5").unwrap().span, Span::new(0, 9));
    }

    #[test]
    fn empty_query() {
        fails("", ParseErrorKind::EmptyQuery, 0, 0);
        fails(" \t\n ", ParseErrorKind::EmptyQuery, 0, 4);
    }

    #[test]
    fn quotes_errors() {
        fails(r#"a "casa bianca"#, ParseErrorKind::UnclosedQuote, 2, 14);
        fails("“casa", ParseErrorKind::UnclosedQuote, 0, 7);
        fails(r#""""#, ParseErrorKind::EmptyPhrase, 0, 2);
    }

    #[test]
    fn paren_errors() {
        fails("(a OR b", ParseErrorKind::UnclosedParen, 0, 1);
        fails("x ((a) b", ParseErrorKind::UnclosedParen, 2, 3);
        fails("(", ParseErrorKind::UnclosedParen, 0, 1);
        fails("a)", ParseErrorKind::UnexpectedCloseParen, 1, 2);
        fails(") a", ParseErrorKind::UnexpectedCloseParen, 0, 1);
        fails("(a))", ParseErrorKind::UnexpectedCloseParen, 3, 4);
        fails("x ()", ParseErrorKind::EmptyGroup, 2, 4);
        fails("( )", ParseErrorKind::EmptyGroup, 0, 3);
        fails("title:()", ParseErrorKind::EmptyGroup, 6, 8);
    }

    #[test]
    fn missing_operands_point_at_the_operator() {
        fails("a AND", missing("AND"), 2, 5);
        fails("OR b", missing("OR"), 0, 2);
        fails("NOT", missing("NOT"), 0, 3);
        fails("a AND OR b", missing("AND"), 2, 5);
        fails("a OR", missing("OR"), 2, 4);
        fails("a ||", missing("||"), 2, 4);
        fails("&& a", missing("&&"), 0, 2);
        fails("(a AND) b", missing("AND"), 3, 6);
        fails("(OR a)", missing("OR"), 1, 3);
        fails("a AND NOT", missing("NOT"), 6, 9);
        fails("a -", missing("-"), 2, 3);
        fails("a - b", missing("-"), 2, 3);
        fails("+ a", missing("+"), 0, 1);
        fails("(-)", missing("-"), 1, 2);
        let err = parse("a AND").unwrap_err();
        assert!(err.to_string().contains("both sides"), "{err}");
    }

    #[test]
    fn unknown_field() {
        let err = fails(
            "casa foo:bar",
            ParseErrorKind::UnknownField { name: "foo".into() },
            5,
            8,
        );
        assert!(err
            .to_string()
            .contains("title, body, path, ext, date, modified"));
    }

    #[test]
    fn empty_field_values() {
        let empty = |field: &str| ParseErrorKind::EmptyFieldValue {
            field: field.into(),
        };
        fails("title:", empty("title"), 0, 6);
        fails("a body: casa", empty("body"), 2, 7);
        fails("(title:)", empty("title"), 1, 7);
        fails("title:-a", empty("title"), 0, 6);
        fails("title:AND", empty("title"), 0, 6);
        fails("title:*", empty("title"), 0, 6);
        fails("path:", empty("path"), 0, 5);
        fails("ext:", empty("ext"), 0, 4);
        let boost = ParseErrorKind::BoostOnFilter {
            field: "ext".to_owned(),
        };
        fails("casa ext:txt^2", boost, 5, 14);
        fails("date:", empty("date"), 0, 5);
        fails("modified: >7d", empty("modified"), 0, 9);
    }

    #[test]
    fn date_errors() {
        let err = parse("date:2025-13-40").unwrap_err();
        assert!(matches!(err.kind, ParseErrorKind::ImpossibleDate { .. }));
        assert_eq!(err.span, Span::new(5, 15));
        let err = parse("x date:2025-02-30").unwrap_err();
        assert!(matches!(err.kind, ParseErrorKind::ImpossibleDate { .. }));
        assert_eq!(err.span, Span::new(7, 17));
        let err = parse("date:ieri").unwrap_err();
        assert!(matches!(err.kind, ParseErrorKind::MalformedDate { .. }));
        assert_eq!(err.span, Span::new(5, 9));
        fails(
            "date:2025-09-30..2025-09-01",
            ParseErrorKind::InvertedDateRange,
            5,
            27,
        );
        fails(
            "modified:[2025 TO 2024]",
            ParseErrorKind::InvertedDateRange,
            9,
            23,
        );
    }

    #[test]
    fn fuzzy_distance() {
        let fuzzy = |found: &str| ParseErrorKind::FuzzyDistance {
            found: found.into(),
        };
        fails("lukascenko~3", fuzzy("3"), 11, 12);
        fails("luka~25 x", fuzzy("25"), 5, 7);
        fails("luka~x", fuzzy("x"), 5, 6);
        fails("luka~-1", fuzzy("-1"), 5, 7);
    }

    #[test]
    fn phrase_slop() {
        let slop = |found: &str| ParseErrorKind::BadSlop {
            found: found.into(),
        };
        fails(r#""a b"~"#, slop(""), 5, 6);
        fails(r#""a b"~x"#, slop("x"), 6, 7);
        fails(r#""a b"~1.5"#, slop("1.5"), 6, 9);
    }

    #[test]
    fn bad_boost() {
        let boost = |found: &str| ParseErrorKind::BadBoost {
            found: found.into(),
        };
        fails("trump^", boost(""), 5, 6);
        fails("trump^0", boost("0"), 6, 7);
        fails("trump^-2", boost("-2"), 6, 8);
        fails("trump^x", boost("x"), 6, 7);
        fails("trump^inf", boost("inf"), 6, 9);
        fails("trump^NaN", boost("NaN"), 6, 9);
        fails("trump^1e39", boost("1e39"), 6, 10);
        fails("(a)^", boost(""), 3, 4);
    }

    #[test]
    fn misplaced_wildcards() {
        let w = ParseErrorKind::MisplacedWildcard;
        fails("*", w.clone(), 0, 1);
        fails("a *", w.clone(), 2, 3);
        fails("*abc", w.clone(), 0, 1);
        fails("a*b", w.clone(), 1, 2);
        fails("a**", w.clone(), 2, 3);
        fails("\"a b\"*", w.clone(), 5, 6);
        fails("(a)*", w.clone(), 3, 4);
        fails("a AND *", w.clone(), 6, 7);
        fails("luka~*", w, 5, 6);
    }

    #[test]
    fn detached_modifiers() {
        let tilde = ParseErrorKind::DetachedModifier { modifier: '~' };
        let caret = ParseErrorKind::DetachedModifier { modifier: '^' };
        fails("a ~2", tilde.clone(), 2, 4);
        fails("~", tilde.clone(), 0, 1);
        fails("(a)~2", tilde.clone(), 3, 5);
        fails("a*~", tilde.clone(), 2, 3);
        fails("a~1~", tilde.clone(), 3, 4);
        fails("a^2~", tilde, 3, 4);
        fails("a ^2", caret.clone(), 2, 4);
        fails("^", caret, 0, 1);
    }

    #[test]
    fn dangling_escape() {
        fails("casa\\", ParseErrorKind::DanglingEscape, 4, 5);
        fails("a \\", ParseErrorKind::DanglingEscape, 2, 3);
    }

    #[test]
    fn nesting_is_limited() {
        let deep = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(p(&deep(MAX_DEPTH)), t("a"));
        let err = parse(&deep(MAX_DEPTH + 1)).unwrap_err();
        assert_eq!(err.kind, ParseErrorKind::TooDeep { limit: MAX_DEPTH });
        assert_eq!(err.span, Span::new(MAX_DEPTH, MAX_DEPTH + 1));

        assert!(parse(&format!("{}a", "-".repeat(MAX_DEPTH))).is_ok());
        assert!(parse(&format!("{}a", "NOT ".repeat(MAX_DEPTH + 1))).is_err());
        assert!(parse(&format!("a{}", "^2".repeat(MAX_DEPTH))).is_ok());
        assert!(parse(&format!("a{}", "^2".repeat(MAX_DEPTH + 1))).is_err());
        // Far too deep input fails cleanly instead of overflowing the stack.
        let huge = "(".repeat(100_000);
        assert!(parse(&huge).is_err());
        assert!(parse(&"-".repeat(100_000)).is_err());
    }

    #[test]
    fn spans_of_compound_nodes() {
        let node = parse("a OR title:b^2").unwrap();
        assert_eq!(node.span, Span::new(0, 14));
        let Expr::Or(items) = &node.expr else {
            panic!("{node:?}")
        };
        assert_eq!(items[1].span, Span::new(5, 14));
        let Expr::Boost { inner, .. } = &items[1].expr else {
            panic!("{node:?}")
        };
        assert_eq!(inner.span, Span::new(5, 12));
        let Expr::Field { inner, .. } = &inner.expr else {
            panic!("{node:?}")
        };
        assert_eq!(inner.span, Span::new(11, 12));
    }
}

/// Reads `input` as plain words, with no syntax at all (like `grep -F`).
///
/// Each run of non-space characters is an exact word, side by side with the
/// others; quotes, colons, `-`, `*` and upper-case `AND` are just text. Use it
/// for text typed by people who do not know the query language, or taken
/// from elsewhere (a question, a title).
///
/// ```
/// use cerca_query::{parse_literal, Node};
///
/// let node = parse_literal("Cos'è il \"MHC: classe I\"?").unwrap();
/// assert!(node.same_shape(&Node::implicit(vec![
///     Node::term("Cos'è"), Node::term("il"), Node::term("\"MHC:"), Node::term("classe"), Node::term("I\"?"),
/// ])));
/// ```
pub fn parse_literal(input: &str) -> Result<Node, ParseError> {
    let mut words: Vec<Node> = input
        .split_whitespace()
        .map(|word| {
            let start = word.as_ptr() as usize - input.as_ptr() as usize;
            let mut node = Node::term(word);
            node.span = Span::new(start, start + word.len());
            node
        })
        .collect();
    match words.len() {
        0 => Err(ParseError::new(
            ParseErrorKind::EmptyQuery,
            Span::new(0, input.len()),
        )),
        1 => Ok(words.remove(0)),
        _ => Ok(Node::new(Expr::Implicit(words), Span::new(0, input.len()))),
    }
}

#[cfg(test)]
mod literal_tests {
    use super::*;

    #[test]
    fn literal_text_has_no_syntax() {
        let node = parse_literal("  a AND -b  ").unwrap();
        assert!(node.same_shape(&Node::implicit(vec![
            Node::term("a"),
            Node::term("AND"),
            Node::term("-b")
        ])));
        let Expr::Implicit(words) = &node.expr else {
            panic!("{node:?}")
        };
        assert_eq!(words[2].span, Span::new(8, 10));
        assert!(parse_literal(" \t").is_err());
        assert!(parse_literal("solo")
            .unwrap()
            .same_shape(&Node::term("solo")));
    }
}

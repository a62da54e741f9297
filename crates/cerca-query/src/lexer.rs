//! Turns query text into tokens, each with its byte span.
//!
//! The lexer is pulled one token at a time by the parser, so errors surface
//! roughly in reading order. It is context-sensitive in exactly one place:
//! after `path:`, `ext:`, `date:` and `modified:` it reads the whole value
//! itself, because those values follow their own rules (raw paths may contain
//! `*` and `:`, date ranges contain spaces) and the parser should not have to
//! reassemble them from word tokens.
//!
//! Rules worth knowing:
//! - A word is a run of characters up to whitespace or one of `"“”()*~^`.
//!   `'`, `’`, `-`, `+` and digits inside a word are part of it.
//! - `\` makes the next character, whatever it is, part of the word.
//! - `-`, `+`, `&&` and `||` are operators only where a token starts.
//! - `AND`, `OR`, `NOT` are operators only when written in upper case without escapes.
//! - `name:` starts a field clause when `name` is a known field (any letter
//!   case). When `name` is made only of letters but unknown, it is an error;
//!   otherwise (`10:30`, `a1:b`, `dell'arte:x`) the colon is part of the word.

use crate::ast::{DateField, DateRange, Span, TextField};
use crate::date;
use crate::error::{ParseError, ParseErrorKind};

/// The text after a `~` or `^` and where it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Arg {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TokenKind {
    /// A word, escapes removed.
    Word(String),
    /// A quoted phrase, escapes removed.
    Phrase(String),
    /// An unescaped `*`.
    Star,
    /// `~` and the argument glued to it, if any.
    Tilde(Option<Arg>),
    /// `^` and the argument glued to it, if any.
    Caret(Option<Arg>),
    LParen,
    RParen,
    And,
    Or,
    Not,
    Minus,
    Plus,
    /// `title:` or `body:`; the value is the next token.
    TextField(TextField),
    /// A whole `path:…` clause.
    Path(String),
    /// A whole `ext:…` clause, normalized (no leading dot, lower case).
    Ext(String),
    /// A whole `date:…` or `modified:…` clause.
    Date(DateField, DateRange),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

const QUOTES: [char; 3] = ['"', '“', '”'];

/// Characters that end a word (besides whitespace).
fn ends_word(c: char) -> bool {
    c.is_whitespace() || QUOTES.contains(&c) || matches!(c, '(' | ')' | '*' | '~' | '^')
}

/// Characters that may follow `&&`/`||` for them to count as operators.
fn ends_operator(c: Option<char>) -> bool {
    c.is_none_or(|c| c.is_whitespace() || QUOTES.contains(&c) || matches!(c, '(' | ')'))
}

enum FieldName {
    Text(TextField),
    Path,
    Ext,
    Date(DateField),
}

fn field_named(name: &str) -> Option<FieldName> {
    Some(match name.to_lowercase().as_str() {
        "title" => FieldName::Text(TextField::Title),
        "body" => FieldName::Text(TextField::Body),
        "path" => FieldName::Path,
        "ext" => FieldName::Ext,
        "date" => FieldName::Date(DateField::Date),
        "modified" => FieldName::Date(DateField::Modified),
        _ => return None,
    })
}

pub(crate) struct Lexer<'a> {
    input: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(input: &'a str) -> Lexer<'a> {
        Lexer { input, pos: 0 }
    }

    fn peek(&self) -> Option<char> {
        self.input[self.pos..].chars().next()
    }

    /// What follows the `:` at the current position.
    fn rest_after_colon(&self) -> &str {
        self.input[self.pos..].strip_prefix(':').unwrap_or_default()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.pos)
    }

    fn error(&self, kind: ParseErrorKind, span: Span) -> ParseError {
        ParseError::new(kind, span)
    }

    /// The next token, `None` at the end of the input.
    pub fn next_token(&mut self) -> Result<Option<Token>, ParseError> {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        let input = self.input;
        let rest = &input[self.pos..];
        let kind = match c {
            '(' | ')' | '*' | '-' | '+' => {
                self.bump();
                match c {
                    '(' => TokenKind::LParen,
                    ')' => TokenKind::RParen,
                    '*' => TokenKind::Star,
                    '-' => TokenKind::Minus,
                    _ => TokenKind::Plus,
                }
            }
            '~' | '^' => {
                self.bump();
                let arg = self.modifier_arg();
                if c == '~' {
                    TokenKind::Tilde(arg)
                } else {
                    TokenKind::Caret(arg)
                }
            }
            _ if QUOTES.contains(&c) => {
                let text = self.quoted()?;
                if text.trim().is_empty() {
                    return Err(self.error(ParseErrorKind::EmptyPhrase, self.span_from(start)));
                }
                TokenKind::Phrase(text)
            }
            '&' | '|'
                if (rest.starts_with("&&") || rest.starts_with("||"))
                    && ends_operator(rest[2..].chars().next()) =>
            {
                self.pos += 2;
                if c == '&' {
                    TokenKind::And
                } else {
                    TokenKind::Or
                }
            }
            _ => return self.word(start).map(Some),
        };
        Ok(Some(Token {
            kind,
            span: self.span_from(start),
        }))
    }

    /// The argument glued to a `~` or `^`: everything up to whitespace or a special character.
    fn modifier_arg(&mut self) -> Option<Arg> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| !ends_word(c) && c != '\\' && c != ':')
        {
            self.bump();
        }
        (self.pos > start).then(|| Arg {
            text: self.input[start..self.pos].to_owned(),
            span: self.span_from(start),
        })
    }

    /// A quoted string starting at the current (quote) character.
    ///
    /// Inside quotes only `\"`, `\“`, `\”` and `\\` are escapes; any other
    /// backslash is kept, so that `"C:\Users"` means what it says.
    fn quoted(&mut self) -> Result<String, ParseError> {
        let open = self.pos;
        self.bump();
        let mut text = String::new();
        loop {
            match self.bump() {
                None => return Err(self.error(ParseErrorKind::UnclosedQuote, self.span_from(open))),
                Some('\\') => match self.peek() {
                    Some(c) if c == '\\' || QUOTES.contains(&c) => {
                        text.push(c);
                        self.bump();
                    }
                    _ => text.push('\\'),
                },
                Some(c) if QUOTES.contains(&c) => return Ok(text),
                Some(c) => text.push(c),
            }
        }
    }

    /// A word, a keyword operator, or a field clause (`name:` plus, for
    /// path/ext/date fields, the whole value).
    fn word(&mut self, start: usize) -> Result<Token, ParseError> {
        let mut text = String::new();
        let mut escaped = false;
        // Set once a colon has been taken as part of the word: later colons are too.
        let mut literal_colons = false;
        while let Some(c) = self.peek() {
            if ends_word(c) {
                break;
            }
            match c {
                '\\' => {
                    let backslash = self.pos;
                    self.bump();
                    let Some(next) = self.bump() else {
                        return Err(
                            self.error(ParseErrorKind::DanglingEscape, self.span_from(backslash))
                        );
                    };
                    text.push(next);
                    escaped = true;
                }
                ':' if !literal_colons && !escaped && !text.is_empty() => {
                    if let Some(field) = field_named(&text) {
                        self.bump();
                        return self.field(field, start);
                    }
                    // `http://…`, `file:///…`: a URL is text, not a field.
                    let url = self.rest_after_colon().starts_with("//");
                    if text.chars().all(char::is_alphabetic) && !url {
                        return Err(self.error(
                            ParseErrorKind::UnknownField { name: text },
                            self.span_from(start),
                        ));
                    }
                    literal_colons = true;
                    text.push(':');
                    self.bump();
                }
                _ => {
                    text.push(c);
                    self.bump();
                }
            }
        }
        let kind = match text.as_str() {
            "AND" if !escaped => TokenKind::And,
            "OR" if !escaped => TokenKind::Or,
            "NOT" if !escaped => TokenKind::Not,
            _ => TokenKind::Word(text),
        };
        Ok(Token {
            kind,
            span: self.span_from(start),
        })
    }

    /// Whatever follows `name:`; `start` is where the name began.
    fn field(&mut self, field: FieldName, start: usize) -> Result<Token, ParseError> {
        let empty = |lexer: &Lexer, name: &str| {
            lexer.error(
                ParseErrorKind::EmptyFieldValue {
                    field: name.to_owned(),
                },
                lexer.span_from(start),
            )
        };
        let kind = match field {
            FieldName::Text(f) => TokenKind::TextField(f),
            FieldName::Path => {
                let value = self.raw_value()?;
                if value.is_empty() {
                    return Err(empty(self, "path"));
                }
                TokenKind::Path(value)
            }
            FieldName::Ext => {
                let value = self.raw_value()?;
                let value = value.trim_start_matches('.').to_lowercase();
                if value.is_empty() {
                    return Err(empty(self, "ext"));
                }
                if value.contains('^') {
                    // No extension has one: it is a boost, and a filter has
                    // no score to boost (`ext:txt^2` matched nothing).
                    return Err(self.error(
                        ParseErrorKind::BoostOnFilter {
                            field: "ext".to_owned(),
                        },
                        self.span_from(start),
                    ));
                }
                TokenKind::Ext(value)
            }
            FieldName::Date(f) => {
                let value_start = self.pos;
                self.date_text()?;
                if self.pos == value_start {
                    return Err(empty(self, &f.to_string()));
                }
                let text = &self.input[value_start..self.pos];
                TokenKind::Date(f, date::parse_value(text, value_start)?)
            }
        };
        Ok(Token {
            kind,
            span: self.span_from(start),
        })
    }

    /// A path or extension: a quoted string, or a bare run of non-space
    /// characters taken literally. A bare value stops at a `)` it did not
    /// open, so `(path:docs/*)` works and `path:foto(1).jpg` too.
    fn raw_value(&mut self) -> Result<String, ParseError> {
        if self.peek().is_some_and(|c| QUOTES.contains(&c)) {
            return self.quoted();
        }
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            match c {
                _ if c.is_whitespace() => break,
                '(' => depth += 1,
                ')' if depth == 0 => break,
                ')' => depth -= 1,
                _ => {}
            }
            self.bump();
        }
        Ok(self.input[start..self.pos].to_owned())
    }

    /// Advances over a date value: a bracketed range (which may hold spaces)
    /// or a bare run up to whitespace or a parenthesis.
    fn date_text(&mut self) -> Result<(), ParseError> {
        let start = self.pos;
        if self.peek().is_some_and(|c| c == '[' || c == '{') {
            match self.input[start..].find([']', '}']) {
                Some(close) => self.pos = start + close + 1,
                None => {
                    self.pos = self.input.len();
                    return Err(self.error(
                        ParseErrorKind::MalformedDate {
                            expected: date::EXPECTED_CLOSING_BRACKET,
                        },
                        self.span_from(start),
                    ));
                }
            }
        } else {
            while self
                .peek()
                .is_some_and(|c| !c.is_whitespace() && c != '(' && c != ')')
            {
                self.bump();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{DatePoint, Day};

    /// Tokens with their spans as `(start, end)` pairs.
    type Lexed = Vec<(TokenKind, (usize, usize))>;

    fn lex(input: &str) -> Result<Lexed, ParseError> {
        let mut lexer = Lexer::new(input);
        let mut out = Vec::new();
        while let Some(t) = lexer.next_token()? {
            out.push((t.kind, (t.span.start, t.span.end)));
        }
        Ok(out)
    }

    fn kinds(input: &str) -> Vec<TokenKind> {
        lex(input)
            .unwrap_or_else(|e| panic!("{input}: {e}"))
            .into_iter()
            .map(|(k, _)| k)
            .collect()
    }

    fn word(s: &str) -> TokenKind {
        TokenKind::Word(s.to_owned())
    }

    fn lex_err(input: &str) -> (ParseErrorKind, (usize, usize)) {
        let e = lex(input).expect_err(input);
        (e.kind, (e.span.start, e.span.end))
    }

    #[test]
    fn words_and_spans() {
        assert_eq!(
            lex("esercitazione  militare").unwrap(),
            vec![
                (word("esercitazione"), (0, 13)),
                (word("militare"), (15, 23))
            ]
        );
        // Spans are bytes: "città" is 6 bytes.
        assert_eq!(
            lex("città è").unwrap(),
            vec![(word("città"), (0, 6)), (word("è"), (7, 9))]
        );
    }

    #[test]
    fn italian_words_stay_whole() {
        assert_eq!(
            kinds("dell'energia dell’energia Zapad-2025 C++ e o non and or not"),
            [
                "dell'energia",
                "dell’energia",
                "Zapad-2025",
                "C++",
                "e",
                "o",
                "non",
                "and",
                "or",
                "not"
            ]
            .map(word)
        );
    }

    #[test]
    fn operators() {
        use TokenKind::*;
        assert_eq!(
            kinds("a AND b OR NOT c && d || -e +f"),
            vec![
                word("a"),
                And,
                word("b"),
                Or,
                Not,
                word("c"),
                And,
                word("d"),
                Or,
                Minus,
                word("e"),
                Plus,
                word("f")
            ]
        );
        // `&&`/`||` glued to a word are part of it.
        assert_eq!(kinds("&&x a||b"), vec![word("&&x"), word("a||b")]);
        assert_eq!(kinds("NOT(a)"), vec![Not, LParen, word("a"), RParen]);
    }

    #[test]
    fn escapes() {
        assert_eq!(
            kinds(r#"a\:b \"x\" \*\-\(\)\~\^\\\+ \AND \ "#),
            vec![
                word("a:b"),
                word("\"x\""),
                word("*-()~^\\+"),
                word("AND"),
                word(" ")
            ]
        );
        assert_eq!(lex_err("abc\\"), (ParseErrorKind::DanglingEscape, (3, 4)));
    }

    #[test]
    fn modifiers() {
        use TokenKind::*;
        let arg = |text: &str, s: usize, e: usize| {
            Some(Arg {
                text: text.into(),
                span: Span::new(s, e),
            })
        };
        assert_eq!(
            lex("bielorus* luka~2^0.5 x~ y^").unwrap(),
            vec![
                (word("bielorus"), (0, 8)),
                (Star, (8, 9)),
                (word("luka"), (10, 14)),
                (Tilde(arg("2", 15, 16)), (14, 16)),
                (Caret(arg("0.5", 17, 20)), (16, 20)),
                (word("x"), (21, 22)),
                (Tilde(None), (22, 23)),
                (word("y"), (24, 25)),
                (Caret(None), (25, 26)),
            ]
        );
    }

    #[test]
    fn phrases() {
        assert_eq!(
            lex(r#""casa bianca"~3"#).unwrap()[0],
            (TokenKind::Phrase("casa bianca".into()), (0, 13))
        );
        assert_eq!(
            kinds(r#""a \"b\" c\\" “tipografiche” ”rovesce“ "C:\Users""#),
            vec![
                TokenKind::Phrase(r#"a "b" c\"#.into()),
                TokenKind::Phrase("tipografiche".into()),
                TokenKind::Phrase("rovesce".into()),
                TokenKind::Phrase(r"C:\Users".into()),
            ]
        );
        assert_eq!(
            lex_err(r#"a "casa bianca"#),
            (ParseErrorKind::UnclosedQuote, (2, 14))
        );
        assert_eq!(lex_err(r#"x "\""#), (ParseErrorKind::UnclosedQuote, (2, 5)));
        assert_eq!(lex_err(r#"x "  ""#), (ParseErrorKind::EmptyPhrase, (2, 6)));
    }

    #[test]
    fn fields() {
        assert_eq!(
            lex("title:casa BODY:\"x\"").unwrap(),
            vec![
                (TokenKind::TextField(TextField::Title), (0, 6)),
                (word("casa"), (6, 10)),
                (TokenKind::TextField(TextField::Body), (11, 16)),
                (TokenKind::Phrase("x".into()), (16, 19)),
            ]
        );
        assert_eq!(
            lex("path:cucina/* ext:.MD").unwrap(),
            vec![
                (TokenKind::Path("cucina/*".into()), (0, 13)),
                (TokenKind::Ext("md".into()), (14, 21)),
            ]
        );
        assert_eq!(
            kinds(r#"(path:"my docs/*.md") path:foto(1).jpg) path:C:\x"#),
            vec![
                TokenKind::LParen,
                TokenKind::Path("my docs/*.md".into()),
                TokenKind::RParen,
                TokenKind::Path("foto(1).jpg".into()),
                TokenKind::RParen,
                TokenKind::Path(r"C:\x".into()),
            ]
        );
    }

    #[test]
    fn dates() {
        let d = |y, m, day| Some(DatePoint::Day(Day::new(y, m, day).unwrap()));
        assert_eq!(
            lex("(date:[2025-09-01 TO 2025-09-30])").unwrap(),
            vec![
                (TokenKind::LParen, (0, 1)),
                (
                    TokenKind::Date(
                        DateField::Date,
                        DateRange {
                            start: d(2025, 9, 1),
                            end: d(2025, 10, 1)
                        }
                    ),
                    (1, 32)
                ),
                (TokenKind::RParen, (32, 33)),
            ]
        );
        assert_eq!(
            lex_err("modified:[2025 TO"),
            (
                ParseErrorKind::MalformedDate {
                    expected: date::EXPECTED_CLOSING_BRACKET
                },
                (9, 17)
            )
        );
        let (kind, span) = lex_err("x date:2025-02-30 y");
        assert!(matches!(kind, ParseErrorKind::ImpossibleDate { .. }));
        assert_eq!(span, (7, 17));
    }

    #[test]
    fn colons() {
        assert_eq!(
            kinds("10:30 a1:b dell'arte:x 10:30:00 :x"),
            ["10:30", "a1:b", "dell'arte:x", "10:30:00", ":x"].map(word)
        );
        assert_eq!(
            lex_err("casa foo:bar"),
            (ParseErrorKind::UnknownField { name: "foo".into() }, (5, 8))
        );
        // A URL is a word: its scheme is no field.
        assert_eq!(
            kinds("http://localhost:631 file:///tmp/a"),
            ["http://localhost:631", "file:///tmp/a"].map(word)
        );
        assert_eq!(
            lex_err("http:/example.org"),
            (
                ParseErrorKind::UnknownField {
                    name: "http".into()
                },
                (0, 4)
            )
        );
        // An escape anywhere before the colon makes it literal.
        assert_eq!(kinds(r"ti\tle:x"), vec![word("title:x")]);
    }

    #[test]
    fn empty_field_values() {
        for (input, field, span) in [
            ("title:", "title", (0, 6)),
            ("path: x", "path", (0, 5)),
            ("(ext:)", "ext", (1, 5)),
            ("ext:.", "ext", (0, 5)),
            ("path:\"\"", "path", (0, 7)),
            ("date: 2025", "date", (0, 5)),
            ("modified:", "modified", (0, 9)),
        ] {
            // `title:` itself lexes fine; the parser reports its missing value.
            if field == "title" {
                assert_eq!(kinds(input), vec![TokenKind::TextField(TextField::Title)]);
                continue;
            }
            assert_eq!(
                lex_err(input),
                (
                    ParseErrorKind::EmptyFieldValue {
                        field: field.into()
                    },
                    span
                ),
                "{input}"
            );
        }
    }
}

//! The typed syntax tree a query parses into.
//!
//! Every node carries the [`Span`] of the query text it came from, so that
//! errors found later (by the engine compiling the tree) can still point at
//! the user's input. The tree knows nothing of any search engine: words are
//! kept exactly as typed (unescaped), and analysis happens in the engine.

use std::fmt;

/// A byte range `start..end` in the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The first byte.
    pub start: usize,
    /// The byte after the last one.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A node of the tree: what it is and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What was written.
    pub expr: Expr,
    /// Where in the query text.
    pub span: Span,
}

/// The constructs of the language.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A single word, possibly a prefix (`bielorus*`) or fuzzy (`lukascenko~`) one.
    Term(Term),
    /// `"casa bianca"` or, with a slop, `"ministro difesa"~3`.
    Phrase(Phrase),
    /// Clauses written side by side (`a b c`): combined with the search's default
    /// operator (AND unless the caller asks for OR).
    Implicit(Vec<Node>),
    /// `a AND b AND c`.
    And(Vec<Node>),
    /// `a OR b OR c`.
    Or(Vec<Node>),
    /// `NOT a` or `-a`: documents that do not match `a`.
    Not(Box<Node>),
    /// `+a`: `a` must match even when the default operator is OR.
    Required(Box<Node>),
    /// `title:…` or `body:…` restricting a word, phrase or group to one text field.
    Field {
        /// The field.
        field: TextField,
        /// What must match in it.
        inner: Box<Node>,
    },
    /// `path:cucina/*`: a path fragment, or a glob when it holds `*`, `?` or `[`.
    Path(String),
    /// `ext:md`: the file kind (extension, without the dot).
    Ext(String),
    /// `date:…` (the document's date) or `modified:…` (file modification time).
    Date {
        /// Which date.
        field: DateField,
        /// The time it must fall in.
        range: DateRange,
    },
    /// `a^2`: multiply the score of `inner` by `factor`.
    Boost {
        /// The boosted clause.
        inner: Box<Node>,
        /// What its score is multiplied by.
        factor: f32,
    },
}

/// A single word as typed, with escapes removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// The word, escapes removed, not analyzed.
    pub text: String,
    /// How it matches.
    pub kind: TermKind,
}

/// How a word matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    /// Through the analyzer: stems, elision, accents.
    Exact,
    /// `word*`: every word form starting with `word`.
    Prefix,
    /// `word~` (distance `None`: chosen from the word's length) or `word~2`.
    Fuzzy {
        /// The edit distance written (0 to 2), if any.
        distance: Option<u8>,
    },
}

/// A quoted phrase; `slop` is the number of extra positions allowed (`~N`), 0 if none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    /// The text between the quotes, escapes removed.
    pub text: String,
    /// Extra positions allowed between its words.
    pub slop: u32,
}

/// Text fields a word or phrase can be restricted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextField {
    /// `title:`: the document's title.
    Title,
    /// `body:`: the document's text.
    Body,
}

/// Date fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateField {
    /// The document's own date (a `date` header, front matter, metadata).
    Date,
    /// The file's modification time.
    Modified,
}

/// A calendar day, validated (`2025-02-30` cannot exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    /// The year.
    pub year: i32,
    /// The month, 1 to 12.
    pub month: u8,
    /// The day of the month, from 1.
    pub day: u8,
}

/// A point in time a date bound refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePoint {
    /// The start (00:00 UTC) of a calendar day.
    Day(Day),
    /// `7d`, `2w`, `3m`, `1y`, `12h`: that long before the moment the query runs.
    Ago {
        /// How many units.
        amount: u32,
        /// Of what.
        unit: AgoUnit,
    },
}

/// The unit of a relative time (`modified:>7d`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgoUnit {
    /// `h`.
    Hours,
    /// `d`.
    Days,
    /// `w`: 7 days.
    Weeks,
    /// `m`: months.
    Months,
    /// `y`: years.
    Years,
}

/// A half-open range of time `[start, end)`; a missing bound is unbounded.
///
/// `date:2025-09` is `[2025-09-01, 2025-10-01)`; `date:<=2025-09-15` is
/// `[.., 2025-09-16)`; `date:>2025-09-15` is `[2025-09-16, ..)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    /// The first instant in the range, if bounded.
    pub start: Option<DatePoint>,
    /// The first instant after the range, if bounded.
    pub end: Option<DatePoint>,
}

impl fmt::Display for TextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TextField::Title => "title",
            TextField::Body => "body",
        })
    }
}

impl fmt::Display for DateField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateField::Date => "date",
            DateField::Modified => "modified",
        })
    }
}

impl Node {
    /// A node for `expr` written at `span`.
    pub fn new(expr: Expr, span: Span) -> Node {
        Node { expr, span }
    }

    /// A copy of the tree with every span set to `0..0`, so that trees parsed
    /// from differently written queries can be compared by shape.
    ///
    /// ```
    /// use cerca_query::parse;
    /// let a = parse("a   OR b").unwrap();
    /// let b = parse("(a OR b)").unwrap();
    /// assert_ne!(a, b);
    /// assert_eq!(a.strip_spans(), b.strip_spans());
    /// ```
    pub fn strip_spans(&self) -> Node {
        let strip = |node: &Node| Box::new(node.strip_spans());
        let list = |nodes: &[Node]| nodes.iter().map(Node::strip_spans).collect();
        let expr = match &self.expr {
            Expr::Implicit(nodes) => Expr::Implicit(list(nodes)),
            Expr::And(nodes) => Expr::And(list(nodes)),
            Expr::Or(nodes) => Expr::Or(list(nodes)),
            Expr::Not(inner) => Expr::Not(strip(inner)),
            Expr::Required(inner) => Expr::Required(strip(inner)),
            Expr::Field { field, inner } => Expr::Field {
                field: *field,
                inner: strip(inner),
            },
            Expr::Boost { inner, factor } => Expr::Boost {
                inner: strip(inner),
                factor: *factor,
            },
            leaf => leaf.clone(),
        };
        Node::new(expr, Span::default())
    }

    /// Whether both trees are equal once spans are ignored.
    pub fn same_shape(&self, other: &Node) -> bool {
        self.strip_spans() == other.strip_spans()
    }

    // Builders with empty spans, for constructing trees in code and tests.

    /// An exact word.
    pub fn term(text: impl Into<String>) -> Node {
        Node::unspanned(Expr::Term(Term {
            text: text.into(),
            kind: TermKind::Exact,
        }))
    }

    /// A prefix word (`text*`).
    pub fn prefix(text: impl Into<String>) -> Node {
        Node::unspanned(Expr::Term(Term {
            text: text.into(),
            kind: TermKind::Prefix,
        }))
    }

    /// A fuzzy word (`text~` or `text~N`).
    pub fn fuzzy(text: impl Into<String>, distance: Option<u8>) -> Node {
        Node::unspanned(Expr::Term(Term {
            text: text.into(),
            kind: TermKind::Fuzzy { distance },
        }))
    }

    /// A phrase with a slop.
    pub fn phrase(text: impl Into<String>, slop: u32) -> Node {
        Node::unspanned(Expr::Phrase(Phrase {
            text: text.into(),
            slop,
        }))
    }

    /// Clauses side by side.
    pub fn implicit(nodes: Vec<Node>) -> Node {
        Node::unspanned(Expr::Implicit(nodes))
    }

    /// Clauses joined by `AND`.
    pub fn and(nodes: Vec<Node>) -> Node {
        Node::unspanned(Expr::And(nodes))
    }

    /// Clauses joined by `OR`.
    pub fn or(nodes: Vec<Node>) -> Node {
        Node::unspanned(Expr::Or(nodes))
    }

    /// `NOT node`.
    // A constructor taking the operand, not an operator on `self`: `std::ops::Not` does not fit.
    #[allow(clippy::should_implement_trait)]
    pub fn not(node: Node) -> Node {
        Node::unspanned(Expr::Not(Box::new(node)))
    }

    /// `+node`.
    pub fn required(node: Node) -> Node {
        Node::unspanned(Expr::Required(Box::new(node)))
    }

    /// `field:node`.
    pub fn field(field: TextField, node: Node) -> Node {
        Node::unspanned(Expr::Field {
            field,
            inner: Box::new(node),
        })
    }

    /// `node^factor`.
    pub fn boost(node: Node, factor: f32) -> Node {
        Node::unspanned(Expr::Boost {
            inner: Box::new(node),
            factor,
        })
    }

    fn unspanned(expr: Expr) -> Node {
        Node::new(expr, Span::default())
    }
}

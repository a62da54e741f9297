//! The cerca query language: a parser from query text to a typed syntax tree
//! with spans, typed errors that point into the query, and printers back to
//! query text ([`Node`]'s `Display`) and to an outline ([`explain`]).
//!
//! The crate knows nothing about indexes or files: words are kept exactly as
//! typed (escapes removed) and the search engine analyzes them later.
//!
//! ```
//! use cerca_query::{parse, Expr};
//!
//! let node = parse(r#""ministro della difesa"~3 -trump date:2025-09"#).unwrap();
//! assert!(matches!(node.expr, Expr::Implicit(ref clauses) if clauses.len() == 3));
//!
//! let err = parse("casa AND").unwrap_err();
//! eprintln!("{}", err.render("casa AND"));
//! ```
//!
//! # Syntax
//!
//! | written                               | meaning                                          |
//! |---------------------------------------|--------------------------------------------------|
//! | `esercitazione militare`              | words side by side: [`Expr::Implicit`], the caller picks AND or OR |
//! | `a AND b`, `a && b`                   | [`Expr::And`]                                    |
//! | `a OR b`, `a \|\| b`                  | [`Expr::Or`]                                     |
//! | `NOT a`, `-a`                         | [`Expr::Not`]                                    |
//! | `+a`                                  | [`Expr::Required`]                               |
//! | `"casa bianca"`, `“casa bianca”`      | phrase; `"ministro difesa"~3` allows 3 extra positions |
//! | `bielorus*`                           | prefix                                           |
//! | `lukascenko~`, `lukascenko~2`         | fuzzy, distance 0, 1 or 2 (none: by word length) |
//! | `title:casa`, `body:"a b"`, `title:(a OR b)` | restrict to a text field                  |
//! | `path:cucina/*`, `path:"my docs/*.md"` | path fragment or glob, taken literally          |
//! | `ext:md`, `ext:.MD`                   | file extension (dot stripped, lower-cased)       |
//! | `date:2025-09`, `modified:>7d`, …      | dates and ranges, see below                      |
//! | `trump^2`, `(a OR b)^0.5`             | boost by a finite positive factor                |
//! | `\"`, `\:`, `\*`, `\-`, `\\`, `\ ` …  | a backslash makes any character part of the word |
//!
//! `AND`, `OR`, `NOT` are operators only in upper case: `and`, `or`, `not`
//! and the Italian `e`, `o`, `non` are ordinary words. Apostrophes (`dell'energia`,
//! `dell’energia`) and inner hyphens (`Zapad-2025`) belong to the word; `-`
//! and `+` are operators only at the start of a word and must touch it.
//!
//! Date values (`date:` is the document's date, `modified:` the file's):
//! `2025-09-15` (that day), `2025-09` (that month), `2025` (that year),
//! `>=2025-09-01`, `>2025-09-01`, `<2026`, `<=2025-09`,
//! `2025-09-01..2025-09-30` (both ends included; either may be left out),
//! `[2025-09-01 TO 2025-09-30]` (`{`/`}` exclude an end, `*` leaves it open),
//! and times ago `>7d` (within the last 7 days) or `<2w` (older than two
//! weeks), with units `h`, `d`, `w`, `m`, `y`. Each value becomes a half-open
//! [`DateRange`]: a day, month or year runs from its first day up to the
//! first day after it, so `<=2025-09` ends at 2025-10-01 (excluded).
//!
//! # Decisions on ambiguous points
//!
//! * **Precedence**: `NOT`/`-`/`+` bind tightest, then an explicit `AND`,
//!   then juxtaposition, then `OR`. An explicit `AND` joins only its two
//!   neighbours, so `a AND b c` is `Implicit[And[a, b], c]`, `a b AND c` is
//!   `Implicit[a, And[b, c]]`, a run joined only by `AND` is one `And`, and
//!   `a b OR c` is `Or[Implicit[a, b], c]`.
//! * **Normalization**: lists of one clause are unwrapped and nested lists of
//!   the same operator are flattened, also across parentheses.
//! * **Colons**: `name:` is a field when `name` is a known field (any letter
//!   case). If `name` is made only of letters but is not a field (`foo:bar`),
//!   that is an [`UnknownField`](ParseErrorKind::UnknownField) error, unless
//!   `//` follows the colon: a URL (`http://localhost:631`) is a word. Otherwise
//!   (`10:30`, `a1:b`, `dell'arte:x`) the colon is part of the word. `a\:b`, or
//!   any escape before the colon, makes it a plain word.
//! * **Field values**: `title:` and `body:` take a word (with `*` or `~`), a
//!   phrase or a parenthesized group, glued to the colon. Inside a group other
//!   field clauses keep their own field. A boost after a field clause boosts
//!   the whole clause. `path:` and `ext:` values are raw: a quoted string, or
//!   everything up to whitespace (or a `)` the value did not open).
//! * **Wildcards**: `*` only ends a word; `*` alone, `*abc`, `a*b` and `a**`
//!   are errors. There are no other wildcards outside `path:`.
//! * **Phrases**: empty or blank phrases are errors; inside quotes only `\"`,
//!   `\“`, `\”` and `\\` are escapes, other backslashes are kept. Any of the
//!   quotes `"`, `“`, `”` opens and closes a phrase.
//! * **Depth**: nesting (parentheses, `NOT`s, boosts) is limited to
//!   [`MAX_DEPTH`] levels, so no query can overflow the stack.

#![deny(missing_docs)]

pub mod ast;
mod date;
mod error;
mod lexer;
pub mod limits;
mod parser;
mod print;

pub use ast::*;
pub use error::{render_at, ParseError, ParseErrorKind, KNOWN_FIELDS};
pub use parser::{parse, parse_literal, MAX_DEPTH};
pub use print::explain;

//! Turning a tree back into text: canonical query syntax ([`Display`] for
//! [`Node`]) and a readable outline ([`explain`]).
//!
//! The canonical form is what [`parse`](crate::parse) reads back into the same
//! tree (spans aside): operators are written `AND`, `OR`, `-` and `+`,
//! parentheses appear only where precedence needs them, special characters
//! in words are escaped, and dates use their shortest form.
//!
//! [`Display`]: fmt::Display

use std::fmt::{self, Write};

use crate::ast::{DatePoint, DateRange, Expr, Node, Phrase, Term, TermKind};

/// Binding strength, loosest first (the order matters: it is compared).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Or,
    Implicit,
    And,
    Unary,
    Postfix,
}

fn level(expr: &Expr) -> Level {
    match expr {
        Expr::Or(_) => Level::Or,
        Expr::Implicit(_) => Level::Implicit,
        Expr::And(_) => Level::And,
        Expr::Not(_) | Expr::Required(_) => Level::Unary,
        _ => Level::Postfix,
    }
}

/// Canonical query syntax that parses back to an equal tree (spans aside).
///
/// ```
/// use cerca_query::parse;
/// let node = parse(r#"(energia OR gas)  AND NOT "centrale nucleare"~2"#).unwrap();
/// assert_eq!(node.to_string(), r#"(energia OR gas) AND -"centrale nucleare"~2"#);
/// assert!(parse(&node.to_string()).unwrap().same_shape(&node));
/// ```
impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_node(f, self, Level::Or)
    }
}

/// Writes `node`, in parentheses if it binds more loosely than `min`.
fn write_node(f: &mut fmt::Formatter<'_>, node: &Node, min: Level) -> fmt::Result {
    if level(&node.expr) < min {
        f.write_char('(')?;
        write_expr(f, node)?;
        f.write_char(')')
    } else {
        write_expr(f, node)
    }
}

fn write_expr(f: &mut fmt::Formatter<'_>, node: &Node) -> fmt::Result {
    match &node.expr {
        Expr::Term(term) => write_term(f, term),
        Expr::Phrase(phrase) => write_phrase(f, phrase),
        // Same-kind children are parenthesized; the parser would flatten them anyway.
        Expr::Or(nodes) => write_list(f, nodes, " OR ", Level::Implicit),
        Expr::Implicit(nodes) => write_list(f, nodes, " ", Level::And),
        Expr::And(nodes) => write_list(f, nodes, " AND ", Level::Unary),
        Expr::Not(inner) => {
            f.write_char('-')?;
            write_node(f, inner, Level::Unary)
        }
        Expr::Required(inner) => {
            f.write_char('+')?;
            write_node(f, inner, Level::Unary)
        }
        Expr::Field { field, inner } => {
            write!(f, "{field}:")?;
            match inner.expr {
                Expr::Term(_) | Expr::Phrase(_) => write_expr(f, inner),
                _ => {
                    f.write_char('(')?;
                    write_expr(f, inner)?;
                    f.write_char(')')
                }
            }
        }
        Expr::Path(path) => {
            f.write_str("path:")?;
            write_raw(f, path)
        }
        Expr::Ext(ext) => {
            f.write_str("ext:")?;
            write_raw(f, ext)
        }
        Expr::Date { field, range } => write!(f, "{field}:{range}"),
        Expr::Boost { inner, factor } => {
            // A bare path, extension or date value would swallow the `^`.
            if matches!(inner.expr, Expr::Path(_) | Expr::Ext(_) | Expr::Date { .. }) {
                f.write_char('(')?;
                write_expr(f, inner)?;
                f.write_char(')')?;
            } else {
                write_node(f, inner, Level::Postfix)?;
            }
            write!(f, "^{factor}")
        }
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, nodes: &[Node], sep: &str, min: Level) -> fmt::Result {
    for (i, node) in nodes.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        write_node(f, node, min)?;
    }
    Ok(())
}

fn write_term(f: &mut fmt::Formatter<'_>, term: &Term) -> fmt::Result {
    write_word(f, &term.text)?;
    match term.kind {
        TermKind::Exact => Ok(()),
        TermKind::Prefix => f.write_char('*'),
        TermKind::Fuzzy { distance: None } => f.write_char('~'),
        TermKind::Fuzzy {
            distance: Some(distance),
        } => write!(f, "~{distance}"),
    }
}

/// A word with a `\` before every character that would otherwise mean something else.
fn write_word(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    // Unescaped, these whole words are operators.
    let keyword = matches!(text, "AND" | "OR" | "NOT" | "&&" | "||");
    for (i, c) in text.chars().enumerate() {
        let special = c.is_whitespace()
            || matches!(
                c,
                '"' | '“' | '”' | '(' | ')' | '*' | '~' | '^' | '\\' | ':'
            )
            || (i == 0 && (keyword || c == '-' || c == '+'));
        if special {
            f.write_char('\\')?;
        }
        f.write_char(c)?;
    }
    Ok(())
}

fn write_phrase(f: &mut fmt::Formatter<'_>, phrase: &Phrase) -> fmt::Result {
    write_quoted(f, &phrase.text)?;
    if phrase.slop > 0 {
        write!(f, "~{}", phrase.slop)?;
    }
    Ok(())
}

/// `"…"` with the escapes the lexer understands inside quotes.
fn write_quoted(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    f.write_char('"')?;
    for c in text.chars() {
        if matches!(c, '"' | '“' | '”' | '\\') {
            f.write_char('\\')?;
        }
        f.write_char(c)?;
    }
    f.write_char('"')
}

/// A path or extension: bare when the lexer would read it back unchanged, else quoted.
fn write_raw(f: &mut fmt::Formatter<'_>, value: &str) -> fmt::Result {
    let needs_quotes = value.is_empty()
        || value
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '"' | '“' | '”' | '(' | ')'));
    if needs_quotes {
        write_quoted(f, value)
    } else {
        f.write_str(value)
    }
}

/// An indented outline of the tree, one node per line, for `--explain`.
///
/// ```
/// let node = cerca_query::parse(r#"esercitazione AND bielorus* AND "casa bianca""#).unwrap();
/// assert_eq!(
///     cerca_query::explain(&node),
///     "AND\n  term \"esercitazione\"\n  prefix \"bielorus\"\n  phrase \"casa bianca\" ~0"
/// );
/// ```
pub fn explain(node: &Node) -> String {
    let mut out = String::new();
    explain_into(&mut out, node, 0);
    out.pop(); // the last newline
    out
}

fn explain_into(out: &mut String, node: &Node, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    let children: &[Node] = match &node.expr {
        Expr::Term(Term { text, kind }) => {
            let _ = match kind {
                TermKind::Exact => write!(out, "term {text:?}"),
                TermKind::Prefix => write!(out, "prefix {text:?}"),
                TermKind::Fuzzy { distance: None } => write!(out, "fuzzy {text:?} ~auto"),
                TermKind::Fuzzy { distance: Some(d) } => write!(out, "fuzzy {text:?} ~{d}"),
            };
            &[]
        }
        Expr::Phrase(Phrase { text, slop }) => {
            let _ = write!(out, "phrase {text:?} ~{slop}");
            &[]
        }
        Expr::Implicit(nodes) => {
            out.push_str("IMPLICIT (default operator)");
            nodes
        }
        Expr::And(nodes) => {
            out.push_str("AND");
            nodes
        }
        Expr::Or(nodes) => {
            out.push_str("OR");
            nodes
        }
        Expr::Not(inner) => {
            out.push_str("NOT");
            std::slice::from_ref(inner.as_ref())
        }
        Expr::Required(inner) => {
            out.push_str("REQUIRED");
            std::slice::from_ref(inner.as_ref())
        }
        Expr::Field { field, inner } => {
            let _ = write!(out, "FIELD {field}");
            std::slice::from_ref(inner.as_ref())
        }
        Expr::Boost { inner, factor } => {
            let _ = write!(out, "BOOST {factor}");
            std::slice::from_ref(inner.as_ref())
        }
        Expr::Path(path) => {
            let glob = path.contains(['*', '?', '[']);
            let _ = write!(out, "path {path:?}{}", if glob { " (glob)" } else { "" });
            &[]
        }
        Expr::Ext(ext) => {
            let _ = write!(out, "ext {ext:?}");
            &[]
        }
        Expr::Date { field, range } => {
            let _ = write!(out, "{field} {}", explain_range(range));
            &[]
        }
    };
    out.push('\n');
    for child in children {
        explain_into(out, child, depth + 1);
    }
}

/// `[2025-09-01, 2025-10-01)`, `[now-7d, ..)`.
fn explain_range(range: &DateRange) -> String {
    let point = |p: Option<DatePoint>| match p {
        None => "..".to_owned(),
        Some(DatePoint::Day(day)) => day.to_string(),
        Some(ago @ DatePoint::Ago { .. }) => format!("now-{ago}"),
    };
    format!("[{}, {})", point(range.start), point(range.end))
}

#[cfg(test)]
mod tests {
    use crate::ast::{AgoUnit, DateField, TextField};
    use crate::{explain, parse, Expr, Node};

    fn shown(input: &str) -> String {
        parse(input)
            .unwrap_or_else(|e| panic!("{input}: {e}"))
            .to_string()
    }

    #[test]
    fn canonical_forms() {
        for (input, canonical) in [
            ("esercitazione   militare", "esercitazione militare"),
            ("a && b || c", "a AND b OR c"),
            ("a AND NOT b", "a AND -b"),
            ("NOT NOT a", "--a"),
            ("+a -b", "+a -b"),
            ("(a OR b) c", "(a OR b) c"),
            ("(a b) AND c", "(a b) AND c"),
            ("a AND (b OR c)", "a AND (b OR c)"),
            ("((a))", "a"),
            ("-(a b)", "-(a b)"),
            ("title:(casa OR bianca)", "title:(casa OR bianca)"),
            ("TITLE:casa^2", "title:casa^2"),
            ("title:(casa^2)", "title:(casa^2)"),
            ("body:“casa bianca”~0", "body:\"casa bianca\""),
            ("(a OR b)^2", "(a OR b)^2"),
            ("luka~ luka~2 bielo*", "luka~ luka~2 bielo*"),
            ("trump^0.50", "trump^0.5"),
            (
                "path:\"my docs/*.md\" ext:.MD",
                "path:\"my docs/*.md\" ext:md",
            ),
            ("(path:cucina/*)^2", "(path:cucina/*)^2"),
            ("date:2025-09-01..2025-09-30", "date:2025-09"),
            ("modified:>7d", "modified:>7d"),
            (r"a\:b \AND \-x x-y \\ \*", r"a\:b \AND \-x x-y \\ \*"),
            (r"\&& \|| &&x", r"\&& \|| &&x"),
            (r#""a \"b\" \\ c""#, r#""a \"b\" \\ c""#),
        ] {
            assert_eq!(shown(input), canonical, "{input}");
        }
    }

    #[test]
    fn hand_built_trees_print_and_reparse() {
        let tree = Node::or(vec![
            Node::implicit(vec![
                Node::and(vec![Node::term("a b"), Node::not(Node::term("-c"))]),
                Node::required(Node::field(
                    TextField::Title,
                    Node::or(vec![Node::term("x"), Node::phrase("y \"z\"", 2)]),
                )),
            ]),
            Node::boost(
                Node::new(Expr::Path("a (b).md".into()), Default::default()),
                1.5,
            ),
            Node::new(
                Expr::Date {
                    field: DateField::Modified,
                    range: crate::DateRange {
                        start: None,
                        end: Some(crate::DatePoint::Ago {
                            amount: 2,
                            unit: AgoUnit::Weeks,
                        }),
                    },
                },
                Default::default(),
            ),
        ]);
        let text = tree.to_string();
        assert_eq!(
            text,
            r#"a\ b AND -\-c +title:(x OR "y \"z\""~2) OR (path:"a (b).md")^1.5 OR modified:<2w"#
        );
        assert!(parse(&text).unwrap().same_shape(&tree));
    }

    #[test]
    fn explain_outline() {
        let node = parse(
            r#"(energia OR gas~) AND NOT title:"centrale nucleare"~3 path:doc/* ext:md date:2025-09 modified:>7d bielo*^2"#,
        )
        .unwrap();
        let expected = "\
IMPLICIT (default operator)
  AND
    OR
      term \"energia\"
      fuzzy \"gas\" ~auto
    NOT
      FIELD title
        phrase \"centrale nucleare\" ~3
  path \"doc/*\" (glob)
  ext \"md\"
  date [2025-09-01, 2025-10-01)
  modified [now-7d, ..)
  BOOST 2
    prefix \"bielo\"";
        assert_eq!(explain(&node), expected);
        assert_eq!(explain(&parse("+a").unwrap()), "REQUIRED\n  term \"a\"");
        assert_eq!(explain(&parse("luka~1").unwrap()), "fuzzy \"luka\" ~1");
    }
}

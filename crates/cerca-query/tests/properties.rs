//! Property tests: the parser never panics and reports sane spans on any
//! input, and printing a tree then parsing it gives the same tree back.

use cerca_query::{
    parse, AgoUnit, DateField, DatePoint, DateRange, Day, Expr, Node, Span, TextField,
};
use proptest::prelude::*;
use proptest::sample::select;

/// Checks everything that must hold for any input, whether it parses or not.
fn check_any_input(input: &str) -> Result<(), TestCaseError> {
    match parse(input) {
        Err(err) => {
            let Span { start, end } = err.span;
            prop_assert!(start <= end && end <= input.len(), "{err:?} for {input:?}");
            prop_assert!(input.is_char_boundary(start) && input.is_char_boundary(end));
            let rendered = err.render(input);
            prop_assert!(rendered.starts_with(&err.to_string()));
            prop_assert!(rendered.lines().last().is_some_and(|l| l.ends_with('^')));
        }
        Ok(node) => {
            prop_assert!(node.span.end <= input.len());
            // Whatever parses prints to text that parses back to the same tree.
            let text = node.to_string();
            let again = parse(&text)
                .map_err(|e| TestCaseError::fail(format!("{input:?} printed as {text:?}: {e}")))?;
            prop_assert!(
                again.same_shape(&node),
                "{input:?} printed as {text:?} parsed differently:\n{:?}\n{:?}",
                node.strip_spans(),
                again.strip_spans()
            );
        }
    }
    Ok(())
}

/// Pieces of query syntax, glued together at random.
fn syntax_soup() -> impl Strategy<Value = String> {
    let pieces = vec![
        "\"",
        "“",
        "”",
        "(",
        ")",
        "\\",
        ":",
        "*",
        "~",
        "^",
        "+",
        "-",
        "AND",
        "OR",
        "NOT",
        "&&",
        "||",
        " ",
        " ",
        "a",
        "è",
        "casa",
        "'",
        "’",
        "title:",
        "body:",
        "path:",
        "ext:",
        "date:",
        "modified:",
        "foo:",
        "2025",
        "-09",
        "-15",
        "..",
        "[",
        "]",
        "{",
        "}",
        " TO ",
        ">",
        ">=",
        "<",
        "<=",
        "7d",
        "2w",
        "2",
        "0.5",
        "10:30",
        ".md",
        "\t",
        "\n",
    ];
    prop::collection::vec(select(pieces), 0..12).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn never_panics_on_any_string(input in any::<String>()) {
        check_any_input(&input)?;
    }

    #[test]
    fn never_panics_on_printable_unicode(input in "\\PC*") {
        check_any_input(&input)?;
    }

    #[test]
    fn never_panics_on_syntax_soup(input in syntax_soup()) {
        check_any_input(&input)?;
    }

    #[test]
    fn printed_trees_parse_back(node in node()) {
        let text = node.to_string();
        let parsed = parse(&text)
            .map_err(|e| TestCaseError::fail(format!("{text:?}: {e}\n{}", e.render(&text))))?;
        prop_assert_eq!(parsed.strip_spans(), node, "printed as {:?}", text);
    }
}

// ---- Generators of trees the parser can produce (normalized shapes). ----

fn bare(expr: Expr) -> Node {
    Node::new(expr, Span::default())
}

/// Words from letters (accented too) and characters that need escaping.
fn word_text() -> impl Strategy<Value = String> {
    let plain = select(vec![
        'a', 'b', 'z', 'Z', 'à', 'è', 'é', 'ì', 'ò', 'ù', 'ç', 'ß', '1', '0', '\'', '’', '.', '/',
        '&', '|', '[', ']', '{', '}', ',', '!', '?', '<', '>', '=',
    ]);
    let special = select(vec![
        '"', '“', '”', '(', ')', '\\', ':', '*', '~', '^', '-', '+', ' ', '\t',
    ]);
    let chars = prop_oneof![4 => plain, 1 => special];
    prop_oneof![
        8 => prop::collection::vec(chars, 1..8).prop_map(|v| v.into_iter().collect()),
        1 => select(vec!["AND", "OR", "NOT", "&&", "||", "and", "e", "o", "non", "-", "+", "title:x", "10:30"])
            .prop_map(String::from),
    ]
}

fn phrase_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        select(vec![
            'a', 'è', ' ', '"', '“', '”', '\\', '(', ':', '*', '~', 'x', '\'',
        ]),
        1..12,
    )
    .prop_map(|v| v.into_iter().collect::<String>())
    .prop_filter("a phrase needs a non-blank text", |s| !s.trim().is_empty())
}

fn raw_value() -> impl Strategy<Value = String> {
    prop::collection::vec(
        select(vec![
            'a', 'ò', '/', '*', '?', '.', ' ', '(', ')', '"', '\\', ':', '^', '~', '-', '[',
        ]),
        1..10,
    )
    .prop_map(|v| v.into_iter().collect())
}

fn factor() -> impl Strategy<Value = f32> {
    prop_oneof![
        select(vec![0.5f32, 1.0, 2.0, 1.5, 0.001, 1e30]),
        prop::num::f32::POSITIVE | prop::num::f32::NORMAL | prop::num::f32::SUBNORMAL,
    ]
}

fn any_day() -> impl Strategy<Value = Day> {
    (prop_oneof![1900i32..2100, 0i32..=9999], 1u8..=12, 1u8..=31).prop_map(|(y, m, d)| {
        Day::new(y, m, d.min(Day::days_in_month(y, m))).expect("clamped day is valid")
    })
}

/// A day bound as the parser produces them: a day, or the day after one
/// (from `>` and `]`), which may fall in year 10000.
fn bound_day() -> impl Strategy<Value = Day> {
    (any_day(), any::<bool>()).prop_map(|(d, after)| if after { d.next_day() } else { d })
}

fn ago() -> impl Strategy<Value = DatePoint> {
    (
        0u32..1000,
        select(vec![
            AgoUnit::Hours,
            AgoUnit::Days,
            AgoUnit::Weeks,
            AgoUnit::Months,
            AgoUnit::Years,
        ]),
    )
        .prop_map(|(amount, unit)| DatePoint::Ago { amount, unit })
}

fn point() -> impl Strategy<Value = DatePoint> {
    prop_oneof![bound_day().prop_map(DatePoint::Day), ago()]
}

/// Hours (class 0) or months (class 1), as the parser compares them.
fn comparable(p: DatePoint) -> Option<(u8, u64)> {
    let DatePoint::Ago { amount, unit } = p else {
        return None;
    };
    let a = u64::from(amount);
    Some(match unit {
        AgoUnit::Hours => (0, a),
        AgoUnit::Days => (0, a * 24),
        AgoUnit::Weeks => (0, a * 168),
        AgoUnit::Months => (1, a),
        AgoUnit::Years => (1, a * 12),
    })
}

/// Ranges the parser accepts: never empty when that can be told.
fn date_range() -> impl Strategy<Value = DateRange> {
    (prop::option::of(point()), prop::option::of(point()))
        .prop_map(|(start, end)| DateRange { start, end })
        .prop_filter("the parser rejects empty ranges", |r| {
            match (r.start, r.end) {
                (Some(DatePoint::Day(a)), Some(DatePoint::Day(b))) => a < b,
                (Some(a), Some(b)) => match (comparable(a), comparable(b)) {
                    (Some((ca, a)), Some((cb, b))) if ca == cb => a > b,
                    _ => true,
                },
                _ => true,
            }
        })
}

fn leaf() -> impl Strategy<Value = Node> {
    prop_oneof![
        4 => word_text().prop_map(Node::term),
        1 => word_text().prop_map(Node::prefix),
        1 => (word_text(), prop::option::of(0u8..=2)).prop_map(|(w, d)| Node::fuzzy(w, d)),
        2 => (phrase_text(), prop_oneof![3 => Just(0u32), 1 => 1u32..20, 1 => any::<u32>()])
            .prop_map(|(text, slop)| Node::phrase(text, slop)),
        1 => raw_value().prop_map(|p| bare(Expr::Path(p))),
        1 => "[a-z0-9]{1,4}(\\.[a-z0-9]{1,3})?".prop_map(|e| bare(Expr::Ext(e))),
        1 => (select(vec![DateField::Date, DateField::Modified]), date_range())
            .prop_map(|(field, range)| bare(Expr::Date { field, range })),
    ]
}

/// Splices children of the same list kind into the parent, as the parser does.
fn flatten(nodes: Vec<Node>, same: fn(&Expr) -> Option<&Vec<Node>>) -> Vec<Node> {
    let mut out = Vec::new();
    for node in nodes {
        match same(&node.expr) {
            Some(children) => out.extend(children.iter().cloned()),
            None => out.push(node),
        }
    }
    out
}

fn node() -> impl Strategy<Value = Node> {
    leaf().prop_recursive(4, 32, 4, |inner| {
        let list = || prop::collection::vec(inner.clone(), 2..4);
        prop_oneof![
            list().prop_map(|v| Node::implicit(flatten(v, |e| match e {
                Expr::Implicit(c) => Some(c),
                _ => None,
            }))),
            list().prop_map(|v| Node::and(flatten(v, |e| match e {
                Expr::And(c) => Some(c),
                _ => None,
            }))),
            list().prop_map(|v| Node::or(flatten(v, |e| match e {
                Expr::Or(c) => Some(c),
                _ => None,
            }))),
            inner.clone().prop_map(Node::not),
            inner.clone().prop_map(Node::required),
            (
                select(vec![TextField::Title, TextField::Body]),
                inner.clone()
            )
                .prop_map(|(f, n)| Node::field(f, n)),
            (inner, factor()).prop_map(|(n, f)| Node::boost(n, f)),
        ]
    })
}

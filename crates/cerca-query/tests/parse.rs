//! Realistic queries through the public API: the trees they give, how they
//! print back, and the errors a user would see.

use cerca_query::{
    explain, parse, AgoUnit, DateField, DatePoint, DateRange, Day, Expr, Node, ParseErrorKind,
    Span, TextField,
};

fn p(input: &str) -> Node {
    parse(input)
        .unwrap_or_else(|e| panic!("{input}: {e}\n{}", e.render(input)))
        .strip_spans()
}

fn t(text: &str) -> Node {
    Node::term(text)
}

fn bare(expr: Expr) -> Node {
    Node::new(expr, Span::default())
}

fn day(y: i32, m: u8, d: u8) -> Option<DatePoint> {
    Some(DatePoint::Day(Day::new(y, m, d).expect("valid day")))
}

fn date(field: DateField, start: Option<DatePoint>, end: Option<DatePoint>) -> Node {
    bare(Expr::Date {
        field,
        range: DateRange { start, end },
    })
}

/// Prints `input`'s tree and checks the text parses back to the same tree.
fn round_trip(input: &str) -> String {
    let node = p(input);
    let text = node.to_string();
    assert_eq!(p(&text), node, "{input} printed as {text}");
    text
}

#[test]
fn two_words() {
    assert_eq!(
        p("esercitazione militare"),
        Node::implicit(vec![t("esercitazione"), t("militare")])
    );
}

#[test]
fn phrase_with_slop_and_exclusion() {
    assert_eq!(
        p(r#""ministro della difesa"~3 -trump"#),
        Node::implicit(vec![
            Node::phrase("ministro della difesa", 3),
            Node::not(t("trump")),
        ])
    );
}

#[test]
fn field_group_and_month() {
    assert_eq!(
        p("title:(casa OR bianca) date:2025-09"),
        Node::implicit(vec![
            Node::field(TextField::Title, Node::or(vec![t("casa"), t("bianca")])),
            date(DateField::Date, day(2025, 9, 1), day(2025, 10, 1)),
        ])
    );
}

#[test]
fn grouped_or_and_not() {
    assert_eq!(
        p("(energia OR gas) AND NOT nucleare"),
        Node::and(vec![
            Node::or(vec![t("energia"), t("gas")]),
            Node::not(t("nucleare")),
        ])
    );
}

#[test]
fn quoted_path_and_extension() {
    assert_eq!(
        p(r#"path:"notes/*.md" ext:md"#),
        Node::implicit(vec![
            bare(Expr::Path("notes/*.md".into())),
            bare(Expr::Ext("md".into())),
        ])
    );
    assert_eq!(p("path:cucina/*"), bare(Expr::Path("cucina/*".into())));
}

#[test]
fn italian_elisions_and_accents() {
    assert_eq!(
        p("l'esercitazione dell’energia perché"),
        Node::implicit(vec![t("l'esercitazione"), t("dell’energia"), t("perché")])
    );
    assert_eq!(
        p("sicurezza e difesa o non"),
        Node::implicit(["sicurezza", "e", "difesa", "o", "non"].map(t).to_vec())
    );
}

#[test]
fn a_complex_query() {
    let node = p(
        r#"(title:"Zapad-2025" OR bielorus*^2) +lukascenko~1 -"casa bianca" modified:>7d date:[2025-09-01 TO 2025-09-30] ext:.PDF"#,
    );
    assert_eq!(
        node,
        Node::implicit(vec![
            Node::or(vec![
                Node::field(TextField::Title, Node::phrase("Zapad-2025", 0)),
                Node::boost(Node::prefix("bielorus"), 2.0),
            ]),
            Node::required(Node::fuzzy("lukascenko", Some(1))),
            Node::not(Node::phrase("casa bianca", 0)),
            date(
                DateField::Modified,
                Some(DatePoint::Ago {
                    amount: 7,
                    unit: AgoUnit::Days
                }),
                None
            ),
            date(DateField::Date, day(2025, 9, 1), day(2025, 10, 1)),
            bare(Expr::Ext("pdf".into())),
        ])
    );
}

#[test]
fn date_forms() {
    use DateField::{Date, Modified};
    for (query, start, end) in [
        ("date:2025-09-15", day(2025, 9, 15), day(2025, 9, 16)),
        ("date:2025", day(2025, 1, 1), day(2026, 1, 1)),
        ("date:>=2025-09-01", day(2025, 9, 1), None),
        ("date:>2025-09-01", day(2025, 9, 2), None),
        ("date:<2026", None, day(2026, 1, 1)),
        ("date:<=2025-09", None, day(2025, 10, 1)),
        (
            "date:2025-09-01..2025-09-30",
            day(2025, 9, 1),
            day(2025, 10, 1),
        ),
        ("date:2025-09-01..", day(2025, 9, 1), None),
        ("date:..2025-09-30", None, day(2025, 10, 1)),
        ("date:{2025-09-01 TO *]", day(2025, 9, 2), None),
        ("date:2024-02-29", day(2024, 2, 29), day(2024, 3, 1)),
    ] {
        assert_eq!(p(query), date(Date, start, end), "{query}");
    }
    assert_eq!(
        p("modified:<2w"),
        date(
            Modified,
            None,
            Some(DatePoint::Ago {
                amount: 2,
                unit: AgoUnit::Weeks
            })
        )
    );
}

#[test]
fn canonical_text_round_trips() {
    for (query, canonical) in [
        ("esercitazione militare", "esercitazione militare"),
        (
            r#""ministro della difesa"~3 -trump"#,
            r#""ministro della difesa"~3 -trump"#,
        ),
        (
            "title:(casa OR bianca) date:2025-09",
            "title:(casa OR bianca) date:2025-09",
        ),
        (
            "(energia OR gas) AND NOT nucleare",
            "(energia OR gas) AND -nucleare",
        ),
        ("path:\"notes/*.md\" ext:md", "path:notes/*.md ext:md"),
        ("a b OR c", "a b OR c"),
        ("a AND b c", "a AND b c"),
        ("date:[2025-09-01 TO 2025-09-30]", "date:2025-09"),
        ("modified:>=7d", "modified:>7d"),
        ("“casa bianca”", "\"casa bianca\""),
        (r"http\://esempio.it", r"http\://esempio.it"),
    ] {
        assert_eq!(round_trip(query), canonical, "{query}");
    }
}

#[test]
fn explain_for_the_cli() {
    let node = parse(r#"esercitazione AND bielorus* AND "casa bianca""#).unwrap();
    assert_eq!(
        explain(&node),
        "AND\n  term \"esercitazione\"\n  prefix \"bielorus\"\n  phrase \"casa bianca\" ~0"
    );
}

#[test]
fn errors_a_user_would_make() {
    for (query, expected_kind, span, hint) in [
        (
            "\"casa bianca",
            ParseErrorKind::UnclosedQuote,
            (0, 12),
            "closing",
        ),
        (
            "(energia OR gas",
            ParseErrorKind::UnclosedParen,
            (0, 1),
            "`)`",
        ),
        (
            "energia)",
            ParseErrorKind::UnexpectedCloseParen,
            (7, 8),
            "`(`",
        ),
        ("   ", ParseErrorKind::EmptyQuery, (0, 3), "at least one"),
        (
            "energia AND",
            ParseErrorKind::MissingOperand {
                operator: "AND".into(),
            },
            (8, 11),
            "operand",
        ),
        (
            "autore:rossi",
            ParseErrorKind::UnknownField {
                name: "autore".into(),
            },
            (0, 6),
            "title, body, path, ext, date, modified",
        ),
        (
            "title: casa",
            ParseErrorKind::EmptyFieldValue {
                field: "title".into(),
            },
            (0, 6),
            "right after the colon",
        ),
        (
            "luka~3",
            ParseErrorKind::FuzzyDistance { found: "3".into() },
            (5, 6),
            "0, 1 or 2",
        ),
        (
            "trump^0",
            ParseErrorKind::BadBoost { found: "0".into() },
            (6, 7),
            "positive",
        ),
        ("()", ParseErrorKind::EmptyGroup, (0, 2), "between"),
        ("casa\\", ParseErrorKind::DanglingEscape, (4, 5), "escape"),
        (
            "date:2025-09-30..2025-09-01",
            ParseErrorKind::InvertedDateRange,
            (5, 27),
            "before",
        ),
    ] {
        let err = parse(query).expect_err(query);
        assert_eq!(err.kind, expected_kind, "{query}");
        assert_eq!((err.span.start, err.span.end), span, "{query}");
        assert!(err.to_string().contains(hint), "{query}: {err}");
    }

    let err = parse("date:2025-02-30").unwrap_err();
    assert_eq!(
        err.kind,
        ParseErrorKind::ImpossibleDate {
            value: "2025-02-30".into(),
            reason: "February 2025 has 28 days".into(),
        }
    );
    assert_eq!(err.span, Span::new(5, 15));
    let err = parse("date:2025-13-40").unwrap_err();
    assert!(matches!(err.kind, ParseErrorKind::ImpossibleDate { .. }));
    assert_eq!(err.span, Span::new(5, 15));
}

#[test]
fn rendered_error_points_at_the_culprit() {
    let query = "città AND autore:rossi";
    let err = parse(query).unwrap_err();
    let rendered = err.render(query);
    let lines: Vec<&str> = rendered.lines().collect();
    assert_eq!(lines.len(), 3, "{rendered}");
    assert_eq!(lines[0], err.to_string());
    assert_eq!(lines[1], "  città AND autore:rossi");
    assert_eq!(lines[2], "            ^^^^^^");
}

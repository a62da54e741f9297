//! `export::opensearch::translate` and `export::sphinx::translate` on every
//! construct of the query language, against golden files.
//!
//! `CERCA_BLESS=1 cargo test -p cerca-core --test translate` writes the files
//! anew from what the code does now; read the diff before committing it.

use std::fmt::Write;
use std::path::PathBuf;

use cerca_core::export::{opensearch, sphinx};
use cerca_core::query::parse;
use cerca_core::{Error, Operator};

/// Every construct, and the ones an engine cannot express.
const QUERIES: &[(&str, Operator)] = &[
    ("esercitazione militare", Operator::All),
    ("esercitazione militare", Operator::Any),
    ("ministro della difesa", Operator::All),
    ("della", Operator::All),
    ("\"ministro della difesa\"", Operator::All),
    ("\"stati uniti\"~2", Operator::All),
    ("dell'energia", Operator::All),
    ("Zapad-2025 perche'", Operator::All),
    ("città", Operator::All),
    ("esercitaz*", Operator::All),
    ("zapad-20*", Operator::All),
    ("lukascenko~", Operator::All),
    ("casa~1", Operator::All),
    ("title:zapad", Operator::All),
    ("body:\"casa bianca\"", Operator::All),
    ("title:(crisi OR energia)", Operator::All),
    ("energia OR petrolio", Operator::All),
    ("energia OR -petrolio", Operator::All),
    ("esercito -guerra", Operator::All),
    ("NOT guerra esercito", Operator::All),
    ("-guerra", Operator::All),
    ("+esercito guerra pace", Operator::Any),
    ("ext:md governo ministro", Operator::Any),
    ("path:cucina", Operator::All),
    ("path:ricette/cucina/*.md", Operator::All),
    ("path:[abc", Operator::All),
    ("ext:PDF esercitazione", Operator::All),
    ("-ext:pdf esercitazione", Operator::All),
    ("ext:pdf OR esercitazione", Operator::All),
    ("date:2025-09 minsk", Operator::All),
    ("date:>=2025-09-15 modified:<2026", Operator::All),
    ("-date:2025 minsk", Operator::All),
    ("militare^2 esercitazione", Operator::All),
    ("title:minsk^1.5", Operator::All),
    ("(crisi petrolifera)^2", Operator::All),
    ("\"casa bianca\"^2", Operator::All),
    ("(a OR b) AND (c OR d) AND NOT (e f)", Operator::All),
    ("\"di di di di di\"~3", Operator::All),
    // Nothing to search for: nothing found (not everything).
    ("'", Operator::All),
    ("\"della\"", Operator::All),
    ("www.debian.org 3,14 nome_file", Operator::All),
    ("path:\"x\\\"y\"", Operator::All),
    ("date:>=10000-01-01", Operator::All),
];

fn golden_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

fn outcome(query: &str, result: Result<String, Error>) -> String {
    match result {
        Ok(text) => text,
        Err(Error::Untranslatable(error)) => format!("cannot translate: {}", error.render(query)),
        Err(Error::Query(error)) => format!("invalid query: {}", error.render(query)),
        Err(other) => format!("error: {other}"),
    }
}

fn check_golden(name: &str, translate: impl Fn(&str, Operator) -> Result<String, Error>) {
    let mut text = String::new();
    for (query, operator) in QUERIES {
        let result = translate(query, *operator);
        let _ = writeln!(
            text,
            "## {query}   [{operator:?}]\n{}\n",
            outcome(query, result)
        );
    }
    let path = golden_path(name);
    if std::env::var_os("CERCA_BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != text {
        let first_difference = expected
            .lines()
            .zip(text.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{name} differs from the translation (first at line {}):\n  expected: {:?}\n  got:      {:?}\n\
             run with CERCA_BLESS=1 to write it anew",
            first_difference + 1,
            expected.lines().nth(first_difference),
            text.lines().nth(first_difference)
        );
    }
}

#[test]
fn opensearch_translations_match_the_golden_file() {
    check_golden("opensearch.txt", |query, operator| {
        let body = opensearch::translate(&parse(query)?, operator)?;
        Ok(serde_json::to_string_pretty(&body).unwrap())
    });
}

#[test]
fn sphinx_translations_match_the_golden_file() {
    check_golden("sphinx.txt", |query, operator| {
        let translated = sphinx::translate(&parse(query)?, operator)?;
        translated.to_sql("cerca", 10, 0)
    });
}

#[test]
fn times_ago_are_date_maths_for_opensearch_and_seconds_for_sphinx() {
    let node = parse("modified:>7d esercitazione").unwrap();
    let dsl = opensearch::translate(&node, Operator::All)
        .unwrap()
        .to_string();
    assert!(
        dsl.contains(r#"{"range":{"modified":{"gte":"now-168h"}}}"#),
        "{dsl}"
    );
    let sql = sphinx::translate(&node, Operator::All).unwrap();
    let week_ago = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 7 * 24 * 3600;
    let bound: u64 = sql.filters[0]
        .trim_start_matches("modified >= ")
        .parse()
        .unwrap();
    assert!(bound.abs_diff(week_ago) < 60, "{:?}", sql.filters);
}

#[test]
fn every_query_of_the_language_translates_or_says_why() {
    // Whatever parses gives a translation or a typed error, never a panic.
    for query in [
        "a",
        "\"a\"~0",
        "a*",
        "a~0",
        "(((a)))",
        "a^0.5",
        "date:..2025",
        "modified:<1h",
    ] {
        let node = parse(query).unwrap();
        for result in [
            opensearch::translate(&node, Operator::All).map(|_| ()),
            sphinx::translate(&node, Operator::All).map(|_| ()),
        ] {
            assert!(
                matches!(result, Ok(()) | Err(Error::Untranslatable(_))),
                "{query}: {result:?}"
            );
        }
    }
}

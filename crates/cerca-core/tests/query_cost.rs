//! Bounded query cost: the most expensive queries we could build finish
//! quickly or are refused with an error that points into the query; huge
//! limits and offsets cost nothing. (Bounds are generous: a debug build on a
//! shared machine. `cargo bench -p cerca-core --bench worst_queries` measures.)

use std::time::{Duration, Instant};

use cerca_core::query::ParseErrorKind;
use cerca_core::{Document, Error, HitDetail, Index, Operator, SearchOptions};

/// Documents full of the same few words: every sloppy phrase of them has
/// candidates everywhere.
fn dense_index() -> Index {
    let index = Index::create_in_ram().unwrap();
    let mut writer = index.writer().unwrap();
    let words = [
        "di", "la", "il", "che", "e", "casa", "case", "del", "una", "per", "con", "non",
    ];
    for d in 0..80 {
        let body: Vec<&str> = (0..1000)
            .map(|i| words[(i * 7 + d * 3 + i / 5) % words.len()])
            .collect();
        let doc = Document::new(format!("/denso/{d}.txt"), "denso", body.join(" "));
        writer.add(&doc).unwrap();
    }
    writer.commit().unwrap();
    index
}

fn over_limit(index: &Index, query: &str) -> bool {
    match index.search(query, &SearchOptions::default()) {
        Err(Error::Query(error)) => {
            assert!(
                matches!(error.kind, ParseErrorKind::OverLimit { .. }),
                "{query}: {error}"
            );
            assert!(error.span.end <= query.len());
            true
        }
        Err(other) => panic!("{query}: {other}"),
        Ok(_) => false,
    }
}

#[test]
fn the_costliest_queries_finish_quickly_or_are_refused() {
    let index = dense_index();
    let many_prefixes: Vec<String> = (0..1000).map(|i| format!("p{i}*")).collect();
    let refused = [
        "\"di di di di di di di di di di di di di di di di di di di di\"~100".to_owned(),
        "\"di di di di di di di di\"~30".to_owned(),
        "\"casa case casa case casa case casa case\"~10".to_owned(),
        many_prefixes.join(" OR "),
        "parola ".repeat(1000),
    ];
    for query in &refused {
        assert!(over_limit(&index, query), "{query} should be refused");
    }
    let phrase = "\"la casa di una casa\"".to_owned();
    let allowed = [
        // At the limits: slop 32, three repeats, sixteen prefixes.
        "\"di la di il di che e casa\"~32".to_owned(),
        "\"di di di\"~32".to_owned(),
        (0..16)
            .map(|i| format!("{}*", ["d", "l", "c", "e"][i % 4].repeat(1 + i / 4)))
            .collect::<Vec<_>>()
            .join(" OR "),
        // Repeats fold: the same clause a thousand times costs one.
        vec!["d*"; 600].join(" OR "),
        vec![phrase.as_str(); 150].join(" "),
        "di ".repeat(1300),
        // Many words: 127 proximity pairs, capped.
        (0..120)
            .map(|i| format!("{} parola{i}", ["di", "la", "casa"][i % 3]))
            .collect::<Vec<_>>()
            .join(" "),
    ];
    for query in &allowed {
        for operator in [Operator::All, Operator::Any] {
            let options = SearchOptions::default()
                .with_operator(operator)
                .with_relax(true);
            let started = Instant::now();
            let results = index.search(query, &options);
            let took = started.elapsed();
            assert!(results.is_ok(), "{:.60}…: {:?}", query, results.err());
            assert!(
                took < Duration::from_secs(20),
                "{:.60}… took {took:?}",
                query
            );
        }
    }
}

#[test]
fn huge_limits_and_offsets_cost_nothing() {
    let index = dense_index();
    let total = index.count("casa", &SearchOptions::default()).unwrap();
    assert!(total > 50);
    for (limit, offset) in [
        (usize::MAX, 0),
        (1_000_000_000_000, 0),
        (10, usize::MAX),
        (usize::MAX, usize::MAX),
        (usize::MAX, 50),
    ] {
        let options = SearchOptions::default()
            .with_limit(limit)
            .with_offset(offset)
            .with_detail(HitDetail::Columns);
        let results = index.search("casa", &options).unwrap();
        assert_eq!(results.total, total);
        let expected = total.saturating_sub(offset).min(limit);
        assert_eq!(
            results.hits.len(),
            expected,
            "limit {limit}, offset {offset}"
        );
    }
}

#[test]
fn an_invalid_path_glob_is_an_error_not_a_broader_search() {
    let index = dense_index();
    for query in ["casa path:[abc", "casa path:denso/[]"] {
        match index.search(query, &SearchOptions::default()) {
            Err(Error::Query(error)) => {
                assert!(
                    matches!(error.kind, ParseErrorKind::BadPathGlob { .. }),
                    "{error}"
                );
                assert_eq!(&query[error.span.start..error.span.start + 5], "path:");
            }
            other => panic!("{query}: {other:?}"),
        }
    }
}

#[test]
fn a_path_glob_too_complex_to_match_says_so_not_a_missing_bracket() {
    // Refused as "a `[` needs its `]`" although it has none (and `*a?????`
    // was refused too: `(?s)` keeps its automaton small enough now).
    let index = dense_index();
    let query = "casa path:*a????????";
    match index.search(query, &SearchOptions::default()) {
        Err(Error::Query(error)) => {
            assert!(
                matches!(error.kind, ParseErrorKind::PathGlobTooComplex { .. }),
                "{error}"
            );
            assert!(error.to_string().contains("too complex"), "{error}");
            assert_eq!(&query[error.span.start..], "path:*a????????");
        }
        other => panic!("{query}: {other:?}"),
    }
    // Globs of the usual shapes are matched.
    let usual = [
        "casa path:*.txt",
        "casa path:denso/**",
        "casa path:d????/*",
        "casa path:*a?????",
    ];
    for query in usual {
        assert!(
            index.search(query, &SearchOptions::default()).is_ok(),
            "{query}"
        );
    }
}

#[test]
fn a_url_is_searched_as_text() {
    let index = Index::create_in_ram().unwrap();
    let mut writer = index.writer().unwrap();
    writer
        .add(&Document::new(
            "/n/cups.txt",
            "CUPS",
            "L'interfaccia di CUPS è su http://localhost:631 nel browser.",
        ))
        .unwrap();
    writer.commit().unwrap();
    let results = index
        .search("http://localhost:631", &SearchOptions::default())
        .unwrap();
    assert_eq!(results.total, 1);
}

#[test]
fn explain_lists_each_fields_terms_for_the_operator_given() {
    let index = dense_index();
    let node = cerca_core::query::parse("casa bielorus* -pizza ext:md").unwrap();
    let all = index.explain(&node, Operator::All).unwrap();
    let any = index.explain(&node, Operator::Any).unwrap();
    assert!(all.contains("all of them must match"), "{all}");
    assert!(any.contains("any of them may match"), "{any}");
    for expected in [
        "title, body: term cas",
        "title_words, body_words: word forms starting with bielorus",
        "title, body: term pizz   <- pizza (excluded)",
        "kind: term md",
    ] {
        assert!(all.contains(expected), "{expected}:\n{all}");
    }
    assert!(
        !all.contains("TermQuery") && !all.contains("field="),
        "no Debug dump: {all}"
    );
}

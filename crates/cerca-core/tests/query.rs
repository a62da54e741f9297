//! Every construct of the query language, compiled and run on a small corpus.

mod common;

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use cerca_core::{Document, Error, HitDetail, Index, Operator, SearchOptions, SortOrder};
use common::{count, seed_index};

fn day(text: &str) -> time::Date {
    time::Date::parse(
        text,
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap()
}

/// Five small documents with titles, kinds, dates and modification times.
fn corpus() -> Index {
    let index = Index::create_in_ram().unwrap();
    let mut writer = index.writer().unwrap();
    let now = SystemTime::now();
    let docs = [
        (
            "/notes/cucina/pasta.md",
            "Pasta al pomodoro",
            "La pasta al pomodoro della nonna. Il pomodoro è maturo.",
            Some("2024-05-01"),
            2,
        ),
        (
            "/notes/cucina/dolci/torta.txt",
            "Torta di mele",
            "Una torta di mele e cannella, ricetta della casa bianca.",
            Some("2025-09-15"),
            40,
        ),
        (
            "/notes/politica/trump.txt",
            "Trump e la Casa Bianca",
            "Il presidente Trump alla Casa Bianca incontra il ministro della Difesa.",
            Some("2025-09-20"),
            400,
        ),
        (
            "/notes/politica/energia.html",
            "Energia",
            "Il prezzo dell'energia e del gas sale; la crisi energetica continua.",
            None,
            1,
        ),
        (
            "/notes/viaggi/minsk.txt",
            "Viaggio a Minsk",
            "Lukashenko e i bielorussi a Minsk; esercitazioni militari in Bielorussia.",
            Some("2025-10-02"),
            10,
        ),
    ];
    for (path, title, body, date, days_ago) in docs {
        let mut doc = Document::new(path, title, body);
        doc.date = date.map(day);
        doc.modified = now - Duration::from_secs(days_ago * 86_400);
        writer.add(&doc).unwrap();
    }
    writer.commit().unwrap();
    index
}

/// File names (without extension) of all matches, sorted.
fn names(index: &Index, query: &str) -> Vec<String> {
    names_with(index, query, Operator::All)
}

/// File names (without extension) of all matches with `operator`, sorted.
fn names_with(index: &Index, query: &str, operator: Operator) -> Vec<String> {
    let options = SearchOptions::default()
        .with_limit(100)
        .with_operator(operator);
    let mut names: Vec<String> = common::paths(index, query, &options)
        .into_iter()
        .map(|p: PathBuf| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn words_are_anded_by_default_and_ored_on_request() {
    let index = corpus();
    assert_eq!(names(&index, "casa bianca"), ["torta", "trump"]);
    let strict = index
        .search("pasta torta", &SearchOptions::default())
        .unwrap();
    assert_eq!(
        (strict.total, strict.relaxed),
        (0, false),
        "no document has both"
    );
    assert!(index.search("pasta torta", &relaxing()).unwrap().relaxed);
    assert_eq!(names(&index, "pasta AND torta"), Vec::<String>::new());
    let any = SearchOptions::default()
        .with_operator(Operator::Any)
        .with_limit(100)
        .with_sort(SortOrder::Path);
    let paths = common::paths(&index, "pasta torta", &any);
    assert_eq!(paths.len(), 2);
}

/// Options that let an AND with no full match fall back to OR.
fn relaxing() -> SearchOptions {
    SearchOptions::default().with_relax(true)
}

#[test]
fn and_falls_back_to_or_ranking_fuller_matches_first() {
    let index = corpus();
    let results = index.search("pomodoro torta mele", &relaxing()).unwrap();
    assert!(results.relaxed);
    assert_eq!(results.total, 2);
    assert!(
        results.hits[0].path.ends_with("torta.txt"),
        "two of three words beat one"
    );
    let strict = index.search("pomodoro maturo", &relaxing()).unwrap();
    assert!(!strict.relaxed);
    let none = index.search("zzz yyy", &relaxing()).unwrap();
    assert_eq!((none.total, none.relaxed), (0, false));
}

#[test]
fn boolean_operators_and_exclusions() {
    let index = corpus();
    assert_eq!(names(&index, "pasta OR torta"), ["pasta", "torta"]);
    assert_eq!(names(&index, "casa AND NOT trump"), ["torta"]);
    assert_eq!(names(&index, "casa -trump"), ["torta"]);
    assert_eq!(names(&index, "NOT casa"), ["energia", "minsk", "pasta"]);
    assert_eq!(names(&index, "-casa"), ["energia", "minsk", "pasta"]);
    assert_eq!(names(&index, "(pasta OR torta) AND NOT mele"), ["pasta"]);
    assert_eq!(
        names(&index, "pasta OR NOT casa"),
        ["energia", "minsk", "pasta"]
    );
    // Lower-case Italian connectives are words (here stopwords, dropped).
    assert_eq!(names(&index, "pasta o pomodoro"), ["pasta"]);
    assert_eq!(names(&index, "pasta e pomodoro"), ["pasta"]);
}

#[test]
fn exclusions_hold_in_any_mode_and_in_the_or_fallback() {
    let index = corpus();
    let any = SearchOptions::default()
        .with_operator(Operator::Any)
        .with_limit(100);
    let found: Vec<PathBuf> = common::paths(&index, "casa pomodoro -trump", &any);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|p| !p.ends_with("trump.txt")));
    // `casa bianca torta` has no document with all three: the fallback still excludes.
    let relaxed = index.search("bianca pomodoro -trump", &relaxing()).unwrap();
    assert!(relaxed.relaxed);
    assert!(
        relaxed
            .hits
            .iter()
            .all(|hit| !hit.path.ends_with("trump.txt")),
        "{:?}",
        relaxed.hits
    );
    assert_eq!(relaxed.total, 2);
}

#[test]
fn the_or_fallback_keeps_every_filter_and_shows_no_internal_score() {
    let index = corpus();
    for (query, expected) in [
        // Every kind of filter, with a word no document has: nothing.
        ("ext:pdf pomodoro torta", 0),
        ("ext:txt ornitorinco", 0),
        ("path:nessuna/* pomodoro torta", 0),
        ("date:1999 pomodoro torta", 0),
        ("title:ornitorinco pomodoro torta", 0),
        ("+ornitorinco pomodoro torta", 0),
        // Filters inside a group of words hold too.
        ("torta pomodoro AND ext:pdf", 0),
        ("torta pomodoro AND NOT pasta AND NOT mele", 0),
        ("(torta ext:pdf) OR (pomodoro ext:pdf) trump", 0),
        ("torta pomodoro AND path:politica/*", 0),
        // Filters that hold, with words of which some match.
        ("ext:md pomodoro ornitorinco", 1),
        ("path:torta.txt pomodoro torta mele ornitorinco", 1),
    ] {
        let results = index.search(query, &relaxing()).unwrap();
        assert_eq!(results.total, expected, "{query}: {:?}", results.hits);
        for hit in &results.hits {
            let score = hit.score.unwrap_or_default();
            assert!(score < 100.0, "{query}: score {score} carries an offset");
        }
    }
}

#[test]
fn required_words_hold_even_in_any_mode() {
    let index = corpus();
    let any = SearchOptions::default()
        .with_operator(Operator::Any)
        .with_limit(100);
    let paths = common::paths(&index, "+torta pasta trump", &any);
    assert_eq!(paths.len(), 1);
    assert!(paths[0].ends_with("torta.txt"));
}

#[test]
fn phrases_and_proximity() {
    let index = corpus();
    assert_eq!(names(&index, "\"casa bianca\""), ["torta", "trump"]);
    assert_eq!(names(&index, "\"bianca casa\""), Vec::<String>::new());
    assert_eq!(names(&index, "\"ministro della difesa\""), ["trump"]);
    assert_eq!(names(&index, "\"ministro difesa\""), Vec::<String>::new());
    assert_eq!(names(&index, "\"ministro difesa\"~1"), ["trump"]);
    // Five words stand between `Trump` and `ministro`.
    assert_eq!(names(&index, "\"trump ministro\"~5"), ["trump"]);
    assert_eq!(names(&index, "\"trump ministro\"~4"), Vec::<String>::new());
}

#[test]
fn prefixes_match_unstemmed_word_forms() {
    let index = corpus();
    assert_eq!(names(&index, "bielorus*"), ["minsk"]);
    assert_eq!(names(&index, "esercitaz*"), ["minsk"]);
    assert_eq!(names(&index, "energ*"), ["energia"]);
    assert_eq!(names(&index, "pomodor*"), ["pasta"]);
}

#[test]
fn fuzzy_terms_tolerate_misspellings() {
    let index = corpus();
    assert_eq!(names(&index, "lukascenko~"), ["minsk"]);
    assert_eq!(names(&index, "lukascenko~1"), ["minsk"]);
    assert_eq!(names(&index, "lukascenko~0"), Vec::<String>::new());
    assert_eq!(names(&index, "pomodro~1"), ["pasta"]);
}

#[test]
fn fields_restrict_where_words_match() {
    let index = corpus();
    assert_eq!(names(&index, "title:mele"), ["torta"]);
    assert_eq!(names(&index, "title:bianca"), ["trump"]);
    assert_eq!(names(&index, "body:bianca"), ["torta", "trump"]);
    assert_eq!(names(&index, "title:(pasta OR torta)"), ["pasta", "torta"]);
    assert_eq!(names(&index, "title:\"casa bianca\""), ["trump"]);
    assert_eq!(names(&index, "title:energ*"), ["energia"]);
}

#[test]
fn paths_and_kinds() {
    let index = corpus();
    assert_eq!(names(&index, "path:cucina/*"), ["pasta"]);
    assert_eq!(names(&index, "path:cucina"), ["pasta", "torta"]);
    assert_eq!(names(&index, "path:cucina/**"), ["pasta", "torta"]);
    assert_eq!(names(&index, "path:*.txt"), ["minsk", "torta", "trump"]);
    assert_eq!(names(&index, "path:\"politica/*\" energia"), ["energia"]);
    assert_eq!(names(&index, "ext:md"), ["pasta"]);
    assert_eq!(names(&index, "ext:.HTML"), ["energia"]);
}

#[test]
fn dates_on_the_document_date() {
    let index = corpus();
    assert_eq!(names(&index, "date:2025-09-15"), ["torta"]);
    assert_eq!(names(&index, "date:2025-09"), ["torta", "trump"]);
    assert_eq!(names(&index, "date:2025"), ["minsk", "torta", "trump"]);
    assert_eq!(names(&index, "date:>=2025-09-16"), ["minsk", "trump"]);
    assert_eq!(names(&index, "date:>2025-09-20"), ["minsk"]);
    assert_eq!(names(&index, "date:<2025"), ["pasta"]);
    assert_eq!(names(&index, "date:<=2025-09-15"), ["pasta", "torta"]);
    assert_eq!(
        names(&index, "date:[2025-09-01 TO 2025-09-30]"),
        ["torta", "trump"]
    );
    assert_eq!(
        names(&index, "date:2025-09-01..2025-09-30"),
        ["torta", "trump"]
    );
    assert_eq!(names(&index, "date:2025-09-16.."), ["minsk", "trump"]);
    assert_eq!(names(&index, "torta date:2025"), ["torta"]);
}

#[test]
fn dates_on_the_modification_time() {
    let index = corpus();
    assert_eq!(names(&index, "modified:>7d"), ["energia", "pasta"]);
    assert_eq!(names(&index, "modified:<30d"), ["torta", "trump"]);
    assert_eq!(
        names(&index, "modified:>1y"),
        ["energia", "minsk", "pasta", "torta"]
    );
}

#[test]
fn hits_sort_by_date_and_path() {
    let index = corpus();
    let sorted = |sort| {
        let options = SearchOptions::default().with_limit(100).with_sort(sort);
        common::paths(&index, "path:notes", &options)
            .into_iter()
            .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        sorted(SortOrder::DateAscending)[..4],
        ["pasta", "torta", "trump", "minsk"]
    );
    assert_eq!(
        sorted(SortOrder::DateDescending)[..4],
        ["minsk", "trump", "torta", "pasta"]
    );
    assert_eq!(
        sorted(SortOrder::Path),
        ["torta", "pasta", "energia", "trump", "minsk"]
    );
}

#[test]
fn paging_gives_disjoint_ranks() {
    let index = corpus();
    let page = |offset| {
        let options = SearchOptions::default()
            .with_limit(2)
            .with_offset(offset)
            .with_sort(SortOrder::Path);
        index.search("path:notes", &options).unwrap()
    };
    let (first, second) = (page(0), page(2));
    assert_eq!(first.total, 5);
    assert_eq!(
        first.hits.iter().map(|h| h.rank).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(
        second.hits.iter().map(|h| h.rank).collect::<Vec<_>>(),
        [3, 4]
    );
    assert!(first
        .hits
        .iter()
        .all(|a| second.hits.iter().all(|b| a.path != b.path)));
}

#[test]
fn boosts_change_the_ranking() {
    let index = corpus();
    let first = |query: &str| {
        let options = SearchOptions::default().with_operator(Operator::Any);
        index.search(query, &options).unwrap().hits[0].path.clone()
    };
    let plain = first("pasta trump");
    let boosted_other = if plain.ends_with("pasta.md") {
        first("pasta trump^5")
    } else {
        first("pasta^5 trump")
    };
    assert_ne!(plain, boosted_other);
}

#[test]
fn escapes_make_special_characters_literal() {
    let index = corpus();
    // `\-` keeps the word positive; `\*` makes the star a character (dropped by the analyzer).
    assert_eq!(names(&index, "\\-pasta"), ["pasta"]);
    assert_eq!(names(&index, "pasta\\*"), ["pasta"]);
    assert_eq!(names(&index, "path:\"cucina/dolci\""), ["torta"]);
}

#[test]
fn a_query_of_stopwords_searches_them_as_given() {
    let index = corpus();
    assert_eq!(names(&index, "della"), ["pasta", "torta", "trump"]);
    assert_eq!(names(&index, "della nonna"), ["pasta"]);
}

#[test]
fn invalid_queries_are_typed_errors_with_positions() {
    let index = corpus();
    for (query, start) in [
        ("\"casa bianca", 0),
        ("(pasta", 0),
        ("pasta AND", 6),
        ("foo:bar", 0),
        ("date:2025-13-40", 5),
    ] {
        match index.search(query, &SearchOptions::default()) {
            Err(Error::Query(error)) => {
                assert_eq!(error.span.start, start, "{query}: {error}");
                assert!(error.render(query).contains('^'));
            }
            other => panic!("{query}: expected a query error, got {other:?}"),
        }
    }
}

#[test]
fn explain_shows_the_tree_and_the_terms() {
    let index = corpus();
    let node = cerca_core::query::parse("esercitazioni OR bielorus*").unwrap();
    let explained = index.explain(&node, Operator::All).unwrap();
    assert!(explained.contains("OR"), "{explained}");
    assert!(explained.contains("esercit"), "{explained}");
}

#[test]
fn the_seed_answers_the_issue_examples() {
    let (_dir, index) = seed_index();
    for query in [
        "esercitazione militare",
        "\"ministro della difesa\"",
        "\"ministro difesa\"~3",
        "bielorus*",
        "esercitaz*",
        "lukascenko~",
        "lukascenko~2",
        "title:riavvicinamento",
        "body:(trump OR putin)",
        "body:\"casa bianca\"",
        "date:2025-09-15",
        "date:2025-09",
        "date:2025",
        "date:>=2025-09-01",
        "date:<2026",
        "date:[2025-09-01 TO 2025-09-30]",
        "date:2025-09-01..2025-09-30",
        "trump^2",
        "ext:txt",
        "path:seeds/*",
        "minsk AND NOT pizza",
        "minsk -pizza",
        "NOT pizza",
        "dell'energia OR Zapad-2025",
        "della",
    ] {
        assert_eq!(count(&index, query), 1, "{query}");
    }
    for query in [
        "date:<2025-09-15",
        "minsk -trump",
        "NOT minsk",
        "ext:md",
        "\"difesa ministro\"~1",
    ] {
        assert_eq!(count(&index, query), 0, "{query}");
    }
}

#[test]
fn hits_read_from_columns_agree_with_the_stored_documents() {
    let index = corpus();
    // A second segment, so that hits come from two.
    let mut writer = index.writer().unwrap();
    let mut late = Document::new("/notes/viaggi/roma.txt", "Roma", "Il ministro a Roma.");
    late.date = Some(day("2023-01-31"));
    writer.add(&late).unwrap();
    writer.commit().unwrap();
    drop(writer);
    index.reload().unwrap();
    for sort in [SortOrder::Score, SortOrder::Path, SortOrder::DateDescending] {
        let search = |detail| {
            let options = SearchOptions::default()
                .with_limit(100)
                .with_operator(Operator::Any)
                .with_sort(sort)
                .with_detail(detail);
            index
                .search("ministro OR pasta OR torta", &options)
                .unwrap()
        };
        let stored = search(HitDetail::Stored);
        let columns = search(HitDetail::Columns);
        assert_eq!(stored.total, 4);
        assert_eq!(columns.total, stored.total);
        assert_eq!(columns.hits.len(), stored.hits.len());
        for (from_columns, from_store) in columns.hits.iter().zip(&stored.hits) {
            assert_eq!(from_columns.path, from_store.path);
            assert_eq!(from_columns.rank, from_store.rank);
            assert_eq!(from_columns.score, from_store.score);
            assert_eq!(from_columns.date, from_store.date);
            assert_eq!(from_columns.modified, from_store.modified);
            assert_eq!(from_columns.size, from_store.size);
            assert!(from_columns.title.is_empty() && from_columns.snippet.is_none());
            assert!(!from_store.title.is_empty() && from_store.snippet.is_none());
        }
    }
    let with_snippet = index.search("ministro", &SearchOptions::default()).unwrap();
    assert!(with_snippet.hits.iter().all(|hit| hit.snippet.is_some()));
}

/// File names (without extension) of all matches with `--any`, sorted.
fn names_any(index: &Index, query: &str) -> Vec<String> {
    names_with(index, query, Operator::Any)
}

#[test]
fn filters_hold_with_any_and_words_need_one_match_beside_them() {
    let index = corpus();
    assert_eq!(names_any(&index, "ext:md pomodoro torta"), ["pasta"]);
    assert!(names_any(&index, "ext:txt pomodoro").is_empty());
    assert_eq!(
        names_any(&index, "path:/notes/politica/* prezzo casa"),
        ["energia", "trump"]
    );
    assert_eq!(names_any(&index, "date:2025 pomodoro torta"), ["torta"]);
    // Beside a `+` word the others only rank, as documented.
    assert_eq!(names_any(&index, "+minsk pasta"), ["minsk"]);
    assert_eq!(names_any(&index, "pasta torta"), ["pasta", "torta"]);
}

#[test]
fn a_stopword_on_its_own_side_of_an_or_is_searched() {
    let index = corpus();
    assert_eq!(
        names(&index, "della OR ornitorinco"),
        ["pasta", "torta", "trump"]
    );
    assert_eq!(
        names(&index, "della OR minsk"),
        ["minsk", "pasta", "torta", "trump"]
    );
    // In a bag of words it is still left out.
    assert_eq!(names(&index, "torta della"), ["torta"]);
    assert_eq!(names(&index, "(torta della) OR minsk"), ["minsk", "torta"]);
}

#[test]
fn a_sloppy_phrase_matches_the_same_documents_counted_listed_or_sorted() {
    let index = Index::create_in_ram().unwrap();
    let mut writer = index.writer().unwrap();
    for (path, body) in [
        ("/a.txt", "casa x amore y vita"),
        ("/b.txt", "casa amore z vita"),
        ("/c.txt", "una casa sola qui"),
    ] {
        writer.add(&Document::new(path, "", body)).unwrap();
    }
    writer.commit().unwrap();
    drop(writer);
    for (query, expected) in [("\"casa amore vita\"~1", 1), ("\"casa amore vita\"~2", 2)] {
        let listed = |sort| {
            let options = SearchOptions::default().with_limit(10).with_sort(sort);
            index.search(query, &options).unwrap().hits.len()
        };
        let counted = index.count(query, &SearchOptions::default()).unwrap();
        assert_eq!(counted, expected, "{query}: count");
        assert_eq!(listed(SortOrder::Score), expected, "{query}: ranked");
        assert_eq!(listed(SortOrder::Path), expected, "{query}: by path");
    }
}

#[test]
fn a_stopword_required_excluded_or_in_a_field_is_searched() {
    let index = corpus();
    assert!(names(&index, "pasta -della").is_empty());
    assert!(names(&index, "pasta NOT della").is_empty());
    assert!(names(&index, "pomodoro title:della").is_empty());
    assert!(names(&index, "+della minsk").is_empty());
    assert_eq!(names(&index, "+della pomodoro"), ["pasta"]);
    assert_eq!(names(&index, "NOT della"), ["energia", "minsk"]);
}

#[test]
fn dates_far_from_now_saturate_instead_of_wrapping_around() {
    let index = corpus();
    let dated = ["minsk", "pasta", "torta", "trump"];
    for query in [
        "date:<3000",
        "date:>1600",
        "date:1500..2030",
        "date:[1500-01-01 TO 2025-12-31]",
        "date:<9999-12-31",
    ] {
        assert_eq!(names(&index, query), dated, "{query}");
    }
    assert!(names(&index, "date:<1600").is_empty());
    assert!(names(&index, "date:>2500").is_empty());
}

#[test]
fn a_path_filter_matches_names_holding_a_newline() {
    // `.` does not cross a newline unless told: `path:nota` missed
    // "/n/prima\nnota.txt", and `path:**/*.txt` too.
    let index = Index::create_in_ram().unwrap();
    let mut writer = index.writer().unwrap();
    writer
        .add(&Document::new("/n/prima\nnota.txt", "", "Il gufo reale."))
        .unwrap();
    writer.commit().unwrap();
    for query in [
        "gufo path:nota",
        "gufo path:**/*.txt",
        "gufo path:/n/*",
        "gufo path:prima?nota.txt",
    ] {
        let results = index.search(query, &SearchOptions::default()).unwrap();
        assert_eq!(results.total, 1, "{query}");
    }
}

#[test]
fn accents_written_as_combining_marks_are_the_same_words() {
    // "città" with U+0300 after the `a` was indexed as `citta`, "città" with
    // `à` as `citt`: neither spelling of a query found both.
    let index = Index::create_in_ram().unwrap();
    let mut writer = index.writer().unwrap();
    writer
        .add(&Document::new(
            "/n/nfd.txt",
            "",
            "La citta\u{300} e il caffe\u{301}.",
        ))
        .unwrap();
    writer
        .add(&Document::new("/n/nfc.txt", "", "La città e il caffé."))
        .unwrap();
    writer.commit().unwrap();
    for query in ["città", "citta\u{300}", "citta", "caffè", "caffe", "citt*"] {
        let results = index.search(query, &SearchOptions::default()).unwrap();
        assert_eq!(results.total, 2, "{query}");
    }
    let options = SearchOptions::default().with_detail(HitDetail::Snippet);
    let results = index.search("città", &options).unwrap();
    for hit in &results.hits {
        let snippet = hit.snippet.as_ref().unwrap();
        let marked: Vec<&str> = snippet
            .highlights
            .iter()
            .map(|range| &snippet.text[range.clone()])
            .collect();
        assert!(
            marked == ["città"] || marked == ["citta\u{300}"],
            "{marked:?}"
        );
    }
}

/// Content words whose Snowball stem is a stopword's (`alleati` and `alle`
/// gave `alle`, `eroe` and `ero` gave `ero`, `comando` and `come` gave
/// `com`) were dropped from queries as stopwords, and alone found every
/// document with the stopword.
#[test]
fn content_words_stemmed_like_stopwords_are_neither_dropped_nor_confused() {
    let index = Index::create_in_ram().unwrap();
    let mut writer = index.writer().unwrap();
    for (path, body) in [
        (
            "/a.txt",
            "Gli alleati sbarcarono in Sicilia. L'eroe greco Achille.",
        ),
        (
            "/b.txt",
            "Ci vediamo alle sette, come ero solito fare; il greco antico.",
        ),
        ("/c.txt", "Il comando militare diede l'ordine."),
    ] {
        writer.add(&Document::new(path, "Nota", body)).unwrap();
    }
    writer.commit().unwrap();
    let paths = |query: &str| -> Vec<PathBuf> {
        let options = SearchOptions::default();
        let mut paths: Vec<PathBuf> = index
            .search(query, &options)
            .unwrap_or_else(|e| panic!("{query}: {e}"))
            .hits
            .into_iter()
            .map(|hit| hit.path)
            .collect();
        paths.sort();
        paths
    };
    let a = vec![PathBuf::from("/a.txt")];
    assert_eq!(paths("alleati"), a);
    assert_eq!(paths("eroe"), a);
    assert_eq!(paths("eroe greco"), a, "eroe must match too");
    assert_eq!(paths("comando"), vec![PathBuf::from("/c.txt")]);
    // The stopwords themselves are still found when a query is only them.
    assert_eq!(paths("alle"), vec![PathBuf::from("/b.txt")]);
    assert_eq!(paths("\"come ero\""), vec![PathBuf::from("/b.txt")]);
}

//! `cerca search`: the human, JSON, `-l` and `-c` outputs, colors, paging,
//! sorting, AND/OR, `--explain`, and the query syntax through the CLI.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, UNIX_EPOCH};

use common::{json_path, set_modified, sorted_lines, write_corpus, Run, Sandbox, SEED_NAME};

const ESC: &str = "\x1b[";

/// Asserts that the last line of stderr is the `N of M documents in T ms` summary.
#[track_caller]
fn assert_summary_line(run: &Run, shown: usize, total: usize) {
    let last = run
        .stderr
        .lines()
        .last()
        .unwrap_or_else(|| panic!("stderr is empty"));
    let prefix = format!("{shown} of {total} documents in ");
    let time = last
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix(" ms"))
        .unwrap_or_else(|| panic!("last stderr line {last:?} is not `{prefix}… ms`"));
    let ms: f64 = time
        .parse()
        .unwrap_or_else(|_| panic!("time {time:?} is not a number"));
    assert!((0.0..60_000.0).contains(&ms), "time {ms}");
}

/// Whether every occurrence of `word` in `text` is wrapped in ANSI escapes:
/// an SGR sequence just before it and a reset just after.
fn wrapped_in_escapes(text: &str, word: &str) -> bool {
    let mut found = false;
    for (at, _) in text.match_indices(word) {
        let before = &text[..at];
        let after = &text[at + word.len()..];
        let Some(start) = before.rfind(ESC) else {
            return false;
        };
        let sgr = &before[start + ESC.len()..];
        let is_sgr = sgr.ends_with('m')
            && sgr[..sgr.len() - 1]
                .chars()
                .all(|c| c.is_ascii_digit() || c == ';');
        if !is_sgr || !after.starts_with("\x1b[0m") {
            return false;
        }
        found = true;
    }
    found
}

fn seed_sandbox() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.copy_seed(&format!("seeds/{SEED_NAME}"));
    sandbox
}

#[test]
fn seed_search_prints_path_date_title_and_snippet() {
    let sandbox = seed_sandbox();
    let run = sandbox.run(&["search", "esercitazione militare", "seeds"]);
    run.code(0);
    let lines = run.lines();
    assert_eq!(
        lines[0],
        format!("seeds/{SEED_NAME}  2025-09-15"),
        "path line, relative to the current dir:\n{}",
        run.stdout
    );
    assert_eq!(
        lines[1],
        "  Il riavvicinamento tra Washington e Mosca passa da Minsk."
    );
    let snippet = lines[2];
    assert!(snippet.starts_with("  "), "{snippet:?}");
    assert!(
        snippet.contains("esercitazioni") && snippet.contains("militari"),
        "{snippet:?}"
    );
    assert!(
        !run.stdout.contains('\x1b'),
        "no colors into a pipe:\n{:?}",
        run.stdout
    );
    assert_summary_line(&run, 1, 1);
}

#[test]
fn color_always_wraps_the_matched_words_in_escapes() {
    let sandbox = seed_sandbox();
    let run = sandbox.run(&[
        "search",
        "--color",
        "always",
        "esercitazione militare",
        "seeds",
    ]);
    run.code(0);
    assert!(
        wrapped_in_escapes(&run.stdout, "esercitazioni"),
        "{:?}",
        run.stdout
    );
    assert!(
        wrapped_in_escapes(&run.stdout, "militari"),
        "{:?}",
        run.stdout
    );
    // A word that is not matched is not highlighted.
    assert!(
        !wrapped_in_escapes(&run.stdout, "congiunte"),
        "{:?}",
        run.stdout
    );
    assert_summary_line(&run, 1, 1);
}

#[test]
fn color_never_and_no_color_print_no_escapes() {
    let sandbox = seed_sandbox();
    let args = ["search", "esercitazione militare", "seeds"];
    let never = sandbox.run_env(
        &[
            "search",
            "--color",
            "never",
            "esercitazione militare",
            "seeds",
        ],
        &[("CLICOLOR_FORCE", "1")],
    );
    never.code(0).stdout_has("esercitazioni");
    assert!(!never.stdout.contains('\x1b'), "{:?}", never.stdout);

    // `auto` does color when the environment forces it…
    let forced = sandbox.run_env(&args, &[("CLICOLOR_FORCE", "1")]);
    forced.code(0);
    assert!(
        wrapped_in_escapes(&forced.stdout, "esercitazioni"),
        "{:?}",
        forced.stdout
    );
    // …but never with NO_COLOR set, which wins over CLICOLOR_FORCE.
    for auto in [
        &args[..],
        &[
            "search",
            "--color",
            "auto",
            "esercitazione militare",
            "seeds",
        ][..],
    ] {
        let no_color = sandbox.run_env(auto, &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")]);
        no_color.code(0).stdout_has("esercitazioni");
        assert!(!no_color.stdout.contains('\x1b'), "{:?}", no_color.stdout);
        assert_eq!(no_color.stdout, never.stdout);
    }
}

#[test]
fn json_lines_hold_every_field() {
    let sandbox = seed_sandbox();
    let seed = sandbox.path(&format!("seeds/{SEED_NAME}"));
    let note = sandbox.write(
        "seeds/nota.txt",
        "Nota senza data sulle esercitazioni militari della settimana.\n",
    );
    set_modified(&seed, UNIX_EPOCH + Duration::from_secs(1_700_000_000));

    let run = sandbox.run(&["search", "--json", "esercitazione militare", "seeds"]);
    run.code(0);
    assert_eq!(
        run.stderr, "",
        "--json writes nothing else, not even the summary"
    );
    let hits = run.json();
    assert_eq!(hits.len(), 2, "{}", run.stdout);

    let expected_keys: BTreeSet<&str> = [
        "rank",
        "score",
        "path",
        "title",
        "date",
        "modified",
        "size",
        "kind",
        "snippet",
        "highlights",
    ]
    .into();
    let mut previous_score = f64::INFINITY;
    for (i, hit) in hits.iter().enumerate() {
        let keys: BTreeSet<&str> = hit
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys, expected_keys,
            "no `query` outside a batch, no `relaxed` unless relaxed: {hit}"
        );
        assert_eq!(hit["rank"], i + 1, "ranks are 1-based: {hit}");
        let score = hit["score"]
            .as_f64()
            .unwrap_or_else(|| panic!("score is a number: {hit}"));
        assert!(
            score > 0.0 && score <= previous_score,
            "scores decrease: {hit}"
        );
        previous_score = score;
        let path = hit["path"].as_str().unwrap();
        assert!(std::path::Path::new(path).is_absolute(), "{path}");
        assert_eq!(hit["kind"], "txt");

        let snippet = hit["snippet"].as_str().unwrap();
        let highlights = hit["highlights"].as_array().unwrap();
        assert!(!highlights.is_empty(), "{hit}");
        let mut end_of_previous = 0;
        let mut words = BTreeSet::new();
        for range in highlights {
            let (start, end) = (
                range[0].as_u64().unwrap() as usize,
                range[1].as_u64().unwrap() as usize,
            );
            assert!(
                end_of_previous <= start && start < end && end <= snippet.len(),
                "range {range} in {snippet:?}"
            );
            end_of_previous = end;
            let word = snippet
                .get(start..end)
                .unwrap_or_else(|| panic!("range {range} not on char boundaries"));
            words.insert(word.to_lowercase());
        }
        assert_eq!(
            words,
            BTreeSet::from(["esercitazioni".to_owned(), "militari".to_owned()]),
            "{hit}"
        );
    }

    let by_path = |path: &std::path::Path| {
        hits.iter()
            .find(|h| h["path"] == json_path(path))
            .expect("hit for path")
    };
    let seed_hit = by_path(&seed);
    assert_eq!(
        seed_hit["title"],
        "Il riavvicinamento tra Washington e Mosca passa da Minsk."
    );
    assert_eq!(seed_hit["date"], "2025-09-15");
    assert_eq!(seed_hit["modified"], "2023-11-14T22:13:20Z");
    assert_eq!(seed_hit["size"], std::fs::metadata(&seed).unwrap().len());

    let note_hit = by_path(&note);
    assert!(
        note_hit["date"].is_null(),
        "a file without date has date null: {note_hit}"
    );
    assert_eq!(
        note_hit["title"],
        "Nota senza data sulle esercitazioni militari della settimana."
    );
    let modified = note_hit["modified"].as_str().unwrap();
    assert!(
        modified.len() == 20 && modified.ends_with('Z') && &modified[10..11] == "T",
        "RFC 3339: {modified}"
    );
}

/// Six documents about cats, with the word `gatto` 1 to 6 times.
fn cats() -> Sandbox {
    let sandbox = Sandbox::new();
    for i in 1..=6 {
        let text = format!(
            "Storia numero {i}. {} Fine della storia di oggi.",
            "Il gatto dorme sul divano. ".repeat(i)
        );
        sandbox.write(&format!("gatti/g{i}.txt"), text);
    }
    sandbox.run(&["index", "--index", "idx", "gatti"]).code(0);
    sandbox
}

#[test]
fn limit_and_offset_page_through_disjoint_ranks() {
    let sandbox = cats();
    let first = sandbox.run(&["search", "--index", "idx", "-n", "2", "gatto"]);
    first.code(0);
    assert_eq!(
        first.stdout.matches("gatti/g").count(),
        2,
        "{}",
        first.stdout
    );
    assert_summary_line(&first, 2, 6);
    let long = sandbox.run(&["search", "--index", "idx", "--limit", "3", "gatto"]);
    assert_summary_line(&long, 3, 6);

    let mut seen = BTreeSet::new();
    let mut ranks = Vec::new();
    let mut scores = Vec::new();
    for offset in ["0", "2", "4", "6"] {
        let page = sandbox.run(&[
            "search", "--index", "idx", "--json", "-n", "2", "--offset", offset, "gatto",
        ]);
        page.code(0);
        let hits = page.json();
        assert_eq!(
            hits.len(),
            if offset == "6" { 0 } else { 2 },
            "offset {offset}: {}",
            page.stdout
        );
        for hit in hits {
            assert!(
                seen.insert(hit["path"].as_str().unwrap().to_owned()),
                "pages overlap: {hit}"
            );
            ranks.push(hit["rank"].as_u64().unwrap());
            scores.push(hit["score"].as_f64().unwrap());
        }
    }
    assert_eq!(ranks, [1, 2, 3, 4, 5, 6]);
    assert_eq!(seen.len(), 6);
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "scores decrease across pages: {scores:?}"
    );
}

#[test]
fn sort_orders_by_score_date_newest_first_and_path() {
    let sandbox = Sandbox::new();
    sandbox.write("sd/b.txt", "date 2024-03-01 Il gatto nero.\n");
    sandbox.write("sd/c.txt", "date 2025-09-15 Il gatto bianco.\n");
    sandbox.write(
        "sd/a.txt",
        "date 2023-01-20 Il gatto rosso del gatto, gatto gatto.\n",
    );
    sandbox.write("sd/d.txt", "Un gatto senza data.\n");
    sandbox.write(
        "sd/0.txt",
        "Un altro gatto senza data, lungo lungo lungo lungo lungo.\n",
    );
    sandbox.run(&["index", "--index", "idx", "sd"]).code(0);
    let order = |sort: &str| {
        let run = sandbox.run(&[
            "search", "--index", "idx", "--json", "--sort", sort, "gatto",
        ]);
        run.code(0);
        run.json()
            .iter()
            .map(|hit| {
                let path = hit["path"].as_str().unwrap();
                (
                    path.rsplit('/').next().unwrap().to_owned(),
                    hit["date"].as_str().map(str::to_owned),
                    hit["score"].as_f64(),
                )
            })
            .collect::<Vec<_>>()
    };
    let names = |hits: &[(String, Option<String>, Option<f64>)]| {
        hits.iter().map(|h| h.0.clone()).collect::<Vec<_>>()
    };

    let by_date = order("date");
    assert_eq!(
        names(&by_date[..3]),
        ["a.txt", "b.txt", "c.txt"],
        "oldest first: {by_date:?}"
    );
    assert!(
        by_date[3..].iter().all(|h| h.1.is_none()) && by_date.len() == 5,
        "undated last: {by_date:?}"
    );
    assert!(
        by_date.iter().all(|h| h.2.is_none()),
        "no score when not sorted by score: {by_date:?}"
    );

    let newest = order("-date");
    assert_eq!(
        names(&newest[..3]),
        ["c.txt", "b.txt", "a.txt"],
        "newest first: {newest:?}"
    );
    assert!(
        newest[3..].iter().all(|h| h.1.is_none()),
        "undated last: {newest:?}"
    );
    let glued = sandbox.run(&["search", "--index", "idx", "-l", "--sort=-date", "gatto"]);
    assert_eq!(glued.lines()[0], "sd/c.txt");

    assert_eq!(
        names(&order("path")),
        ["0.txt", "a.txt", "b.txt", "c.txt", "d.txt"]
    );

    let by_score = order("score");
    let scores: Vec<f64> = by_score.iter().map(|h| h.2.expect("score")).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{by_score:?}");
    assert_eq!(
        by_score[0].0, "a.txt",
        "four `gatto` rank first: {by_score:?}"
    );

    let bad = sandbox.run(&["search", "--index", "idx", "--sort", "size", "gatto"]);
    bad.code(2).stderr_has("size");
}

#[test]
fn words_are_anded_by_default_and_ored_with_any() {
    let sandbox = cats();
    sandbox.write("gatti/cane.txt", "Il cane dorme in giardino.\n");
    sandbox.run(&["index", "--index", "idx"]).code(0);

    let all = sandbox.run(&["search", "--index", "idx", "-l", "gatto storia"]);
    all.code(0);
    assert_eq!(all.lines().len(), 6, "{}", all.stdout);
    let default = sandbox.run(&["search", "--index", "idx", "-l", "gatto dorme"]);
    assert_eq!(
        default.lines().len(),
        6,
        "cane.txt has `dorme` but no `gatto`: {}",
        default.stdout
    );
    let explicit = sandbox.run(&["search", "--index", "idx", "-l", "--all", "gatto dorme"]);
    explicit.code(0);
    assert_eq!(explicit.stdout, default.stdout, "--all is the default");

    let any = sandbox.run(&["search", "--index", "idx", "-l", "--any", "gatto cane"]);
    any.code(0);
    assert_eq!(any.lines().len(), 7, "{}", any.stdout);
    assert!(
        !any.stderr.contains("no document has every word"),
        "--any needs no fallback: {}",
        any.stderr
    );

    let conflict = sandbox.run(&["search", "--index", "idx", "--any", "--all", "gatto"]);
    conflict.code(2);
}

#[test]
fn and_falls_back_to_or_with_a_note_on_stderr() {
    let sandbox = cats();
    // `gatto` is in every document, `ippopotamo` in none.
    let run = sandbox.run(&["search", "--index", "idx", "gatto ippopotamo"]);
    run.code(0);
    assert_eq!(run.stdout.matches("gatti/g").count(), 6, "{}", run.stdout);
    run.stderr_has("no document has every word of the query; showing documents with some of them");
    assert_summary_line(&run, 6, 6);

    // Scripts get what they asked for: no document has both words.
    for mode in ["--json", "-l", "-c"] {
        let strict = sandbox.run(&["search", "--index", "idx", mode, "gatto ippopotamo"]);
        strict.code(1);
        assert!(
            strict.stdout.is_empty() || strict.stdout == "0\n",
            "{mode}: {}",
            strict.stdout
        );
        assert!(!strict.stderr.contains("no document has every word"));
    }
    let batch = sandbox.run_stdin(
        &["search", "--index", "idx", "--batch", "-"],
        "gatto ippopotamo\n",
    );
    batch.code(1);
    assert!(!batch.stdout.contains("\"path\""), "{}", batch.stdout);
    // … unless they ask for any of the words.
    let any = sandbox.run(&[
        "search",
        "--index",
        "idx",
        "--json",
        "--any",
        "gatto ippopotamo",
    ]);
    any.code(0);
    assert_eq!(any.json().len(), 6, "{}", any.stdout);
    assert!(any.json().iter().all(|hit| hit.get("relaxed").is_none()));

    let none = sandbox.run(&["search", "--index", "idx", "ippopotamo giraffa"]);
    none.code(1);
    assert_eq!(none.stdout, "");
    assert!(
        !none.stderr.contains("no document has every word"),
        "{}",
        none.stderr
    );
    assert_summary_line(&none, 0, 0);
}

#[test]
fn files_with_matches_prints_paths_only() {
    let sandbox = cats();
    let run = sandbox.run(&["search", "--index", "idx", "-l", "--sort", "path", "gatto"]);
    run.code(0);
    let expected: Vec<String> = (1..=6).map(|i| format!("gatti/g{i}.txt")).collect();
    assert_eq!(
        run.lines(),
        expected,
        "relative to the current directory, one per line"
    );
    assert_eq!(run.stderr, "");

    // From elsewhere, paths are absolute.
    let elsewhere = sandbox.run_in(
        &sandbox.home(),
        &[
            "search",
            "--index",
            &sandbox.path("idx").to_string_lossy(),
            "--files-with-matches",
            "--sort",
            "path",
            "gatto",
        ],
    );
    elsewhere.code(0);
    let absolute: Vec<String> = (1..=6)
        .map(|i| {
            sandbox
                .path(&format!("gatti/g{i}.txt"))
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(elsewhere.lines(), absolute);

    let limited = sandbox.run(&["search", "--index", "idx", "-l", "-n", "2", "gatto"]);
    assert_eq!(limited.lines().len(), 2);
}

#[test]
fn count_prints_only_the_number_of_matches() {
    let sandbox = cats();
    let run = sandbox.run(&["search", "--index", "idx", "-c", "gatto"]);
    run.code(0);
    assert_eq!(run.stdout, "6\n");
    assert_eq!(run.stderr, "");
    // The count ignores the limit.
    assert_eq!(
        sandbox
            .run(&["search", "--index", "idx", "--count", "-n", "1", "gatto"])
            .stdout,
        "6\n"
    );
    let none = sandbox.run(&["search", "--index", "idx", "-c", "ippopotamo"]);
    none.code(1);
    assert_eq!(none.stdout, "0\n");
    sandbox
        .run(&["search", "--index", "idx", "-c", "-l", "gatto"])
        .code(2);
    sandbox
        .run(&["search", "--index", "idx", "-c", "--json", "gatto"])
        .code(2);
}

#[test]
fn explain_prints_the_parsed_tree_on_stderr() {
    let sandbox = Sandbox::new();
    write_corpus(&sandbox);
    let run = sandbox.run(&[
        "search",
        "--explain",
        "esercitazione \"casa bianca\" -pomodoro",
        "corpus",
    ]);
    run.code(0);
    for line in [
        "IMPLICIT",
        "term \"esercitazione\"",
        "phrase \"casa bianca\"",
        "NOT",
        "term \"pomodoro\"",
        "all of them must match",
        "index terms looked up:",
        "title, body: term esercit",
        "title, body: phrase [cas bianc]",
        "title, body: term pomodor   <- pomodoro (excluded)",
    ] {
        run.stderr_has(line);
    }
    assert!(
        !run.stderr.contains("TermQuery"),
        "no Debug dump: {}",
        run.stderr
    );
    let any = sandbox.run(&["search", "--explain", "--any", "casa bianca", "corpus"]);
    any.stderr_has("any of them may match");
    assert!(
        !run.stdout.contains("IMPLICIT"),
        "the tree goes to stderr only"
    );
    run.stdout_has("corpus/notizie/zapad.txt");
    assert_summary_line(&run, 1, 1);
}

/// Runs `-l QUERY` over the corpus index; the sorted paths (relative to `corpus/`).
fn matches(sandbox: &Sandbox, query: &str, extra: &[&str]) -> (i32, Vec<String>) {
    let mut args = vec!["search", "--index", "idx", "-l", "-n", "100"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--", query]);
    let run = sandbox.run(&args);
    assert!(
        run.code == 0 || run.code == 1,
        "{query:?} failed:\n{}",
        run.stderr
    );
    let paths = sorted_lines(&run)
        .into_iter()
        .map(|p| p.strip_prefix("corpus/").unwrap_or(&p).to_owned())
        .collect();
    (run.code, paths)
}

fn corpus_index() -> Sandbox {
    let sandbox = Sandbox::new();
    write_corpus(&sandbox);
    sandbox.run(&["index", "--index", "idx", "corpus"]).code(0);
    sandbox
}

#[test]
fn query_syntax_through_the_cli() {
    let sandbox = corpus_index();
    const ZAPAD: &str = "notizie/zapad.txt";
    const ENERGIA: &str = "notizie/energia.txt";
    const RICETTA: &str = "cucina/ricetta.md";
    const TORTA: &str = "cucina/dolci/torta.txt";
    let cases: &[(&str, &[&str])] = &[
        // Words: stems, elisions, accents, hyphens.
        ("esercitazione militare", &[ZAPAD]),
        ("dell'agenzia", &[ZAPAD]),
        ("agenzia", &[ZAPAD]),
        ("l'Ungheria", &[ZAPAD]),
        ("ungheria", &[ZAPAD]),
        ("Zapad-2025", &[ZAPAD]),
        ("venerdi", &[ZAPAD]),
        ("prigioniero", &[ZAPAD]),
        ("energia", &[ENERGIA]),
        // Phrases.
        ("\"casa bianca\"", &[ZAPAD]),
        ("“Casa Bianca”", &[ZAPAD]),
        ("casa bianca", &[ENERGIA, ZAPAD]),
        ("\"ministro della Difesa\"", &[ZAPAD]),
        ("\"ministro Difesa\"", &[]),
        ("\"ministro Difesa\"~2", &[ZAPAD]),
        // Prefix and fuzzy.
        ("bielorus*", &[ZAPAD]),
        ("pomod*", &[RICETTA]),
        ("lukascenko~", &[ZAPAD]),
        ("lukascenko", &[]),
        // Boolean operators.
        ("energia OR torta", &[ENERGIA, TORTA]),
        ("casa NOT pasta", &[TORTA, ENERGIA, ZAPAD]),
        ("casa -pomodoro", &[TORTA, ENERGIA, ZAPAD]),
        ("casa -pomodoro -torta", &[ENERGIA, ZAPAD]),
        ("casa AND (energia OR mele)", &[TORTA, ENERGIA]),
        ("+casa lukashenko^2", &[ZAPAD]),
        // Fields.
        ("title:pasta", &[RICETTA]),
        ("title:prezzo", &[ENERGIA]),
        ("title:lukashenko", &[]),
        ("title:(pasta OR prezzo)", &[RICETTA, ENERGIA]),
        ("body:lukashenko", &[ZAPAD]),
        ("path:cucina/*", &[RICETTA]),
        ("path:cucina/**", &[TORTA, RICETTA]),
        ("path:dolci", &[TORTA]),
        ("casa path:notizie", &[ENERGIA, ZAPAD]),
        ("ext:md", &[RICETTA]),
        ("ext:.MD", &[RICETTA]),
        ("casa ext:txt", &[TORTA, ENERGIA, ZAPAD]),
        ("date:2025-09-15", &[ZAPAD]),
        ("date:2025-09", &[ZAPAD]),
        ("date:2024", &[ENERGIA]),
        ("date:>=2025-01-01", &[ZAPAD]),
        ("date:<2025", &[ENERGIA]),
        ("date:2024-01-01..2025-12-31", &[ENERGIA, ZAPAD]),
        ("casa date:2024", &[ENERGIA]),
        ("date:2023", &[]),
        ("modified:>7d", &[TORTA, RICETTA, ENERGIA, ZAPAD]),
    ];
    let mut failures = Vec::new();
    for (query, expected) in cases {
        let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        expected.sort();
        let (code, found) = matches(&sandbox, query, &[]);
        let expected_code = if expected.is_empty() { 1 } else { 0 };
        if found != expected || code != expected_code {
            failures.push(format!("{query:?}: expected {expected:?} (exit {expected_code}), found {found:?} (exit {code})"));
        }
    }
    assert!(
        failures.is_empty(),
        "queries gone wrong:\n{}",
        failures.join("\n")
    );
}

#[test]
fn any_matches_documents_with_either_word() {
    let sandbox = corpus_index();
    let (code, found) = matches(&sandbox, "pomodoro lukashenko", &["--any"]);
    assert_eq!(code, 0);
    assert_eq!(found, ["cucina/ricetta.md", "notizie/zapad.txt"]);
}

#[test]
fn any_still_excludes_negated_words() {
    let sandbox = corpus_index();
    // Every document has `casa`; only the recipe has `pomodoro`: it must go.
    let (code, found) = matches(&sandbox, "casa -pomodoro", &["--any"]);
    assert_eq!(code, 0);
    assert_eq!(
        found,
        [
            "cucina/dolci/torta.txt",
            "notizie/energia.txt",
            "notizie/zapad.txt"
        ]
    );
    // The seed has `esercitazioni` and `Trump`: `-trump` must exclude it.
    let (code, found) = matches(&sandbox, "esercitazione -trump", &["--any"]);
    assert_eq!((code, found), (1, Vec::<String>::new()));
}

#[test]
fn the_or_fallback_still_excludes_negated_words() {
    let sandbox = corpus_index();
    // No document has all of `esercitazione militare` without `trump`; the
    // fallback must not bring back the seed, which has `Trump`.
    let run = sandbox.run(&[
        "search",
        "--index",
        "idx",
        "-l",
        "esercitazione militare -trump",
    ]);
    assert!(
        !run.stdout.contains("zapad"),
        "excluded document shown:\n{}{}",
        run.stdout,
        run.stderr
    );
    run.code(1);
}

#[test]
fn query_words_that_look_like_flags_need_double_dash() {
    let sandbox = corpus_index();
    let (code, found) = matches(&sandbox, "-pomodoro casa", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        found,
        [
            "cucina/dolci/torta.txt",
            "notizie/energia.txt",
            "notizie/zapad.txt"
        ]
    );
}

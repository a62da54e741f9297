//! Queries a user (or a server passing a user's input through) could send to
//! sink the machine: refused with a caret, or answered within bounds.

mod common;

use common::Sandbox;

fn seeded() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.copy_seed("docs/seed.txt");
    sandbox.write(
        "docs/cups.txt",
        "L'interfaccia web di CUPS: http://localhost:631\n",
    );
    sandbox.run(&["index", "--index", "idx", "docs"]).code(0);
    sandbox
}

#[test]
fn huge_limits_and_offsets_answer_instead_of_aborting() {
    let sandbox = seeded();
    for args in [
        &["-n", "1000000000000"][..],
        &["--offset", "18446744073709551615"],
        &["-n", "18446744073709551615", "--offset", "1"],
    ] {
        let mut all = vec!["search", "--index", "idx", "--json"];
        all.extend_from_slice(args);
        all.push("esercitazione");
        let run = sandbox.run(&all);
        assert!(run.code == 0 || run.code == 1, "{args:?}: {}", run.stderr);
        assert!(!run.stderr.contains("memory allocation") && !run.stderr.contains("panicked"));
    }
}

#[test]
fn costly_queries_are_refused_with_a_caret() {
    let sandbox = seeded();
    let repeated = format!("\"{}\"~100", vec!["di"; 20].join(" "));
    let prefixes: Vec<String> = (0..20).map(|i| format!("p{i}*")).collect();
    for (query, says) in [
        (repeated.as_str(), "phrase slop too large: 100, at most 32"),
        (
            "\"di di di di di di di di\"~30",
            "repeats of one word in a phrase with slop: 8, at most 3",
        ),
        (
            &prefixes.join(" OR "),
            "too many distinct prefix and fuzzy words: 20, at most 16",
        ),
        ("casa path:[abc", "invalid path glob `[abc`"),
    ] {
        let run = sandbox.run(&["search", "--index", "idx", query]);
        run.code(2).stderr_has(says).stderr_has("^");
    }
}

#[test]
fn minus_f_is_suggested_only_where_it_helps() {
    let sandbox = seeded();
    let words: Vec<String> = (0..130).map(|i| format!("parola{i}")).collect();
    let many = words.join(" ");
    // Over a size limit, as text or not: -F cannot help.
    for args in [vec![many.as_str()], vec!["-F", many.as_str()]] {
        let mut full = vec!["search", "--index", "idx"];
        full.extend(args);
        let run = sandbox.run(&full);
        run.code(2).stderr_has("at most 128").stderr_lacks("-F");
    }
    // A syntax error is text pasted as a query: -F reads it so.
    sandbox
        .run(&["search", "--index", "idx", "casa (bianca"])
        .code(2)
        .stderr_has("-F");
}

#[test]
fn a_url_is_searched_as_words() {
    let sandbox = seeded();
    sandbox
        .run(&["search", "--index", "idx", "-l", "http://localhost:631"])
        .code(0)
        .stdout_has("docs/cups.txt");
}

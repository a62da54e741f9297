//! Exit codes and error messages: 0 when something matched, 1 when nothing
//! did, 2 on errors (bad query, no index, bad paths, a busy index).

mod common;

use std::fs;
use std::process::Stdio;
use std::time::Duration;

use common::{write_corpus, Run, Sandbox};

fn corpus() -> Sandbox {
    let sandbox = Sandbox::new();
    write_corpus(&sandbox);
    sandbox.run(&["index", "--index", "idx", "corpus"]).code(0);
    sandbox
}

#[test]
fn exit_0_when_something_matched_1_when_nothing_did() {
    let sandbox = corpus();
    for format in [&[][..], &["--json"][..], &["-l"][..], &["-c"][..]] {
        let mut args = vec!["search", "--index", "idx"];
        args.extend_from_slice(format);
        let mut hit = args.clone();
        hit.push("lukashenko");
        sandbox.run(&hit).code(0);
        let mut miss = args;
        miss.push("ippopotamo");
        let run = sandbox.run(&miss);
        run.code(1);
        if format == ["-c"] {
            assert_eq!(run.stdout, "0\n");
        } else {
            assert_eq!(run.stdout, "", "{format:?}");
        }
    }
    // Paging past the last hit still matched something.
    sandbox
        .run(&["search", "--index", "idx", "--offset", "10", "lukashenko"])
        .code(0);
}

/// Asserts that stderr shows `query` on a line and carets under `columns` (in chars) of it.
#[track_caller]
fn assert_caret(run: &Run, query: &str, columns: std::ops::Range<usize>) {
    run.code(2).stderr_has("cerca: invalid query: ");
    assert_eq!(run.stdout, "");
    let lines: Vec<&str> = run.stderr.lines().collect();
    let at = lines
        .iter()
        .position(|line| *line == format!("  {query}"))
        .unwrap_or_else(|| panic!("the query is not shown:\n{}", run.stderr));
    let carets = lines
        .get(at + 1)
        .unwrap_or_else(|| panic!("no caret line:\n{}", run.stderr));
    let expected = format!(
        "  {}{}",
        " ".repeat(columns.start),
        "^".repeat(columns.len())
    );
    assert_eq!(
        *carets, expected,
        "caret line under {query:?}:\n{}",
        run.stderr
    );
}

#[test]
fn a_bad_query_exits_2_and_points_at_the_error() {
    let sandbox = corpus();
    let run = sandbox.run(&["search", "--index", "idx", "casa AND"]);
    assert_caret(&run, "casa AND", 5..8);
    run.stderr_has("`AND` is missing an operand");

    let run = sandbox.run(&["search", "--index", "idx", "foo:bar casa"]);
    assert_caret(&run, "foo:bar casa", 0..3);
    run.stderr_has("unknown field `foo`");

    // Columns count characters, not bytes.
    let run = sandbox.run(&["search", "--index", "idx", "città (perché"]);
    assert_caret(&run, "città (perché", 6..7);
    run.stderr_has("unclosed parenthesis");
    let run = sandbox.run(&["search", "--index", "idx", "città x~9"]);
    assert_caret(&run, "città x~9", 8..9);

    // Also in the other output formats and in ad-hoc mode: nothing on stdout.
    for extra in ["--json", "-l", "-c"] {
        let run = sandbox.run(&["search", "--index", "idx", extra, "\"unclosed"]);
        assert_caret(&run, "\"unclosed", 0..9);
    }
    let run = sandbox.run(&["search", "*abc", "corpus"]);
    run.code(2).stderr_has("  *abc\n");
}

#[test]
fn a_missing_index_says_to_run_cerca_index() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["search", "--index", "nessuno", "casa"]);
    run.code(2)
        .stderr_has("no index at nessuno")
        .stderr_has("cerca index");
    assert!(
        !sandbox.path("nessuno").exists(),
        "searching creates nothing"
    );

    fs::create_dir(sandbox.path("vuota")).unwrap();
    for args in [
        &["search", "--index", "vuota", "casa"][..],
        &["status", "--index", "vuota"][..],
        &["forget", "--index", "vuota", "corpus"][..],
    ] {
        let run = sandbox.run(args);
        run.code(2).stderr_has("cerca index");
    }
    assert_eq!(
        fs::read_dir(sandbox.path("vuota")).unwrap().count(),
        0,
        "the empty dir stays empty"
    );
}

#[test]
fn a_directory_that_is_not_an_index_is_left_alone() {
    let sandbox = Sandbox::new();
    write_corpus(&sandbox);
    sandbox.write("altro/lettera.txt", "Cara nonna, ti scrivo.\n");
    let search = sandbox.run(&["search", "--index", "altro", "casa"]);
    search.code(2).stderr_has("not a cerca index");
    let index = sandbox.run(&["index", "--index", "altro", "corpus"]);
    index.code(2).stderr_has("not a cerca index");
    let names: Vec<_> = fs::read_dir(sandbox.path("altro"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["lettera.txt"], "nothing was written there");
}

/// As rg: the PATHs that exist are searched, the others reported, exit 2.
#[test]
fn a_path_that_does_not_exist_is_reported_and_the_others_searched() {
    let sandbox = corpus();
    let run = sandbox.run(&["search", "-l", "casa", "corpus", "manca", "altro"]);
    run.code(2)
        .stderr_has("cannot search manca: ")
        .stderr_has("cannot search altro: ");
    assert_eq!(common::sorted_lines(&run).len(), 4, "{}", run.stdout);
    let run = sandbox.run(&["search", "-c", "casa", "manca", "corpus/cucina"]);
    run.code(2).stderr_has("cannot search manca");
    assert_eq!(run.count(), 2);
    // Nothing to search at all.
    let run = sandbox.run(&["search", "casa", "manca"]);
    run.code(2).stderr_has("cannot search manca");
    assert_eq!(run.stdout, "");
    sandbox
        .run(&["search", "-l", "casa", "corpus/notizie/zapad.txt/sotto"])
        .code(2);
    let index = sandbox.run(&["index", "--index", "idx", "manca"]);
    index.code(2).stderr_has("manca");
    // The index is unharmed.
    sandbox
        .run(&["search", "--index", "idx", "-c", "casa"])
        .code(0)
        .stdout_has("4\n");
}

#[test]
fn an_unreadable_path_is_an_error() {
    let sandbox = corpus();
    if common::reads_everything(&sandbox) {
        eprintln!("skipped: this process reads files whatever their mode (root)");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let locked = sandbox.path("corpus/cucina");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let run = sandbox.run(&["search", "casa", "corpus/cucina"]);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    run.code(2).stderr_has("corpus/cucina");
}

#[test]
fn a_busy_index_is_reported_and_waited_for_on_request() {
    let sandbox = corpus();
    sandbox.write("corpus/nuovo.txt", "Un fenicottero nuovo in casa.\n");
    let index = cerca_core::Index::open(&sandbox.path("idx")).expect("open the index");
    let writer = index.writer().expect("hold the writer");

    let run = sandbox.run(&["index", "--index", "idx", "corpus"]);
    run.code(2).stderr_has("busy");
    assert_eq!(run.stdout, "");
    sandbox
        .run(&["index", "--index", "idx"])
        .code(2)
        .stderr_has("busy");
    sandbox
        .run(&["forget", "--index", "idx", "corpus"])
        .code(2)
        .stderr_has("busy");
    // Readers are not blocked.
    sandbox
        .run(&["search", "--index", "idx", "-c", "casa"])
        .code(0)
        .stdout_has("4\n");
    sandbox
        .run(&["status", "--index", "idx"])
        .code(0)
        .stdout_has("documents: 4\n");

    // --wait waits for the writer to go.
    let output = waits_for_the_writer(
        &sandbox,
        writer,
        &["index", "--index", "idx", "--wait", "corpus"],
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("waiting for another cerca"));
    let summary = common::parse_summary(&String::from_utf8(output.stdout).unwrap());
    assert_eq!(summary, common::summary(1, 0, 0, 4, 0, 0));
    sandbox
        .run(&["search", "--index", "idx", "-l", "fenicottero"])
        .code(0)
        .stdout_has("corpus/nuovo.txt");

    // forget too: the message says --wait, and forget has it.
    let writer = index.writer().expect("hold the writer again");
    sandbox
        .run(&["forget", "--index", "idx", "corpus"])
        .code(2)
        .stderr_has("--wait");
    let output = waits_for_the_writer(
        &sandbox,
        writer,
        &["forget", "--index", "idx", "--wait", "corpus"],
    );
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("forgot corpus"));

    // --rebuild too (it failed at once, saying to use the --wait it had).
    sandbox.run(&["index", "--index", "idx", "corpus"]).code(0);
    let writer = index.writer().expect("hold the writer once more");
    sandbox
        .run(&["index", "--index", "idx", "--rebuild"])
        .code(2)
        .stderr_has("busy");
    let output = waits_for_the_writer(
        &sandbox,
        writer,
        &["index", "--index", "idx", "--rebuild", "--wait"],
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("waiting for another cerca"));
    let summary = common::parse_summary(&String::from_utf8(output.stdout).unwrap());
    assert_eq!(summary, common::summary(5, 0, 0, 0, 0, 0));
}

/// Runs `cerca ARGS…` while `writer` is held, asserts that it waits, lets
/// the writer go, and returns what it printed (it must exit 0).
fn waits_for_the_writer(
    sandbox: &Sandbox,
    writer: cerca_core::IndexWriter<'_>,
    args: &[&str],
) -> std::process::Output {
    let mut waiting = sandbox
        .std_command()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        waiting.try_wait().unwrap().is_none(),
        "cerca {args:?} did not wait"
    );
    drop(writer);
    let output = waiting.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "cerca {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

#[test]
fn bad_arguments_exit_2() {
    let sandbox = corpus();
    sandbox
        .run(&["search", "--index", "idx", "-n", "molti", "casa"])
        .code(2);
    sandbox
        .run(&["search", "--index", "idx", "--color", "sempre", "casa"])
        .code(2);
    sandbox
        .run(&["search", "--index", "idx"])
        .code(2)
        .stderr_has("QUERY");
    sandbox
        .run(&["index", "--index", "idx", "--max-size", "tanto", "corpus"])
        .code(2)
        .stderr_has("not a size");
    sandbox.run(&["cerca"]).code(2);
    sandbox.run(&[]).code(2);
    // Accepted and half ignored before: -0 with -c printed a count, and
    // --index with folders searched the folders only.
    sandbox
        .run(&["search", "--index", "idx", "-0", "-c", "casa"])
        .code(2)
        .stderr_has("cannot be used with");
    sandbox
        .run(&["search", "--index", "idx", "casa", "corpus"])
        .code(2)
        .stderr_has("cannot be searched together")
        .stderr_has("path:");
    // CERCA_INDEX is only a default: folders given are searched.
    let idx = sandbox.path("idx");
    sandbox
        .run_env(
            &["search", "-c", "casa", "corpus"],
            &[("CERCA_INDEX", idx.to_str().unwrap())],
        )
        .code(0);
}

/// A file that cannot be read in an ad-hoc search: the results, then exit 2
/// (as grep), the file named on standard error.
#[test]
fn a_file_that_cannot_be_read_gives_results_then_exit_2() {
    let sandbox = corpus();
    sandbox.write("corpus/rotto.docx", "not a zip archive at all");
    let run = sandbox.run(&["search", "-l", "casa", "corpus"]);
    run.code(2).stderr_has("rotto.docx");
    assert_eq!(common::sorted_lines(&run).len(), 4, "{}", run.stdout);
    // Its path is said once.
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains("rotto.docx"))
        .unwrap();
    assert_eq!(line.matches("rotto.docx").count(), 1, "{line}");
    // In the index, the sync says it failed (exit 1), and searches are not errors.
    sandbox.run(&["index", "--index", "idx", "corpus"]).code(1);
    sandbox
        .run(&["search", "--index", "idx", "-c", "casa"])
        .code(0);
}

/// Each cause once, in words: no `(os error 2): … (os error 2)`, no Debug text.
#[test]
fn errors_say_each_cause_once() {
    let sandbox = corpus();
    let runs = [
        sandbox.run(&["index", "--index", "idx", "manca"]),
        sandbox.run(&["index", "--index", "corpus/cucina/ricetta.md", "corpus"]),
        sandbox.run(&["search", "--index", "nessuno", "casa"]),
        sandbox.run(&["forget", "--index", "idx", "/non/esiste"]),
    ];
    for run in &runs {
        run.code(2);
        let error = run.stderr.trim_end();
        assert!(error.starts_with("cerca: "), "{error}");
        let mut parts: Vec<&str> = error.split(": ").collect();
        let before = parts.len();
        parts.dedup();
        assert_eq!(parts.len(), before, "a cause is repeated: {error}");
        for debug in ["Os {", "kind:", "Some(", "\"\\"] {
            assert!(!error.contains(debug), "Debug text in: {error}");
        }
    }
    let missing = &runs[0];
    assert_eq!(
        missing.stderr.matches("No such file or directory").count(),
        1,
        "{}",
        missing.stderr
    );
    // The index is named once.
    assert_eq!(
        runs[2].stderr.matches("nessuno").count(),
        1,
        "{}",
        runs[2].stderr
    );
}

#[test]
fn an_index_that_is_a_file_is_said_so() {
    let sandbox = corpus();
    for args in [
        &["search", "--index", "corpus/cucina/ricetta.md", "casa"][..],
        &["status", "--index", "corpus/cucina/ricetta.md"][..],
        &["index", "--index", "corpus/cucina/ricetta.md", "corpus"][..],
    ] {
        sandbox
            .run(args)
            .code(2)
            .stderr_has("corpus/cucina/ricetta.md is a file, not an index directory");
    }
    sandbox
        .run_env(&["status"], &[("CERCA_INDEX", "corpus/cucina/ricetta.md")])
        .code(2)
        .stderr_has("is a file, not an index directory: give CERCA_INDEX");
}

/// `CERCA_INDEX=` is as if unset: the default index is used.
#[test]
fn an_empty_index_variable_is_as_if_unset() {
    let sandbox = Sandbox::new();
    write_corpus(&sandbox);
    sandbox
        .run_env(&["index", "corpus"], &[("CERCA_INDEX", "")])
        .code(0);
    assert!(sandbox.data().join("cerca/index").is_dir());
    sandbox
        .run_env(&["search", "-c", "casa"], &[("CERCA_INDEX", "")])
        .code(0)
        .stdout_has("4\n");
}

/// A query that does not parse says how to search it as text (-F).
#[test]
fn a_query_that_does_not_parse_points_at_literal() {
    let sandbox = corpus();
    let run = sandbox.run(&["search", "--index", "idx", "foo:bar casa"]);
    run.code(2).stderr_has("give -F");
    let run = sandbox.run(&["search", "--index", "idx", "\"non chiusa"]);
    run.code(2).stderr_has("give -F");
    sandbox
        .run(&["search", "--index", "idx", "-F", "\"non chiusa"])
        .code(1);
    // A bad date was meant as a filter: -F would not help.
    let run = sandbox.run(&["search", "--index", "idx", "date:2025-13"]);
    run.code(2).stderr_has("month 13");
    assert!(!run.stderr.contains("-F"), "{}", run.stderr);
}

/// Damage is said in words: no Debug text of tantivy's or the decoder's.
#[test]
fn a_damaged_index_is_said_in_words() {
    let sandbox = corpus();
    fs::write(sandbox.path("idx/meta.json"), "{garbage\n").unwrap();
    let run = sandbox.run(&["search", "--index", "idx", "casa"]);
    run.code(2)
        .stderr_has("meta.json does not decode")
        .stderr_has("cerca index --rebuild");
    for debug in [
        "Error(",
        "line: 1",
        "`\"meta.json\"`",
        "Data corrupted: 'Data corruption",
    ] {
        assert!(
            !run.stderr.contains(debug),
            "Debug text {debug:?} in:\n{}",
            run.stderr
        );
    }
    // The index is named once.
    assert_eq!(run.stderr.matches("idx").count(), 1, "{}", run.stderr);
}

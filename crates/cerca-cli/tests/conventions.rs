//! The shell conventions rg users expect: a closed pipe ends a command
//! quietly, NO_COLOR and `--color never` mean no escape code at all, text
//! from documents and file names never reaches a terminal raw, -q and -0,
//! lossless JSON paths.

mod common;

use std::fs;

use common::{has_escape, write_corpus, Sandbox};

fn corpus() -> Sandbox {
    let sandbox = Sandbox::new();
    write_corpus(&sandbox);
    sandbox.run(&["index", "--index", "idx", "corpus"]).code(0);
    sandbox
}

/// `cerca … | head -1` for every subcommand that prints: exit 0, no panic.
#[test]
fn a_closed_pipe_ends_every_command_quietly() {
    let sandbox = corpus();
    let commands: &[&[&str]] = &[
        &["status", "--index", "idx"],
        &["status", "--index", "idx", "--json"],
        &["check", "--index", "idx"],
        &["completions", "bash"],
        &["man"],
        &["--help"],
        &["search", "--index", "idx", "casa"],
        &["search", "--index", "idx", "-l", "casa"],
        &["search", "--index", "idx", "--json", "casa"],
        &["index", "--index", "idx"],
        &["cache", "list"],
        &["forget", "--index", "idx", "corpus"],
    ];
    for args in commands {
        let (code, stderr) = sandbox.run_closed_stdout(args);
        assert_eq!(
            code, 0,
            "cerca {args:?} on a closed pipe exited {code}:\n{stderr}"
        );
        assert!(!stderr.contains("panicked"), "cerca {args:?}:\n{stderr}");
    }
}

/// A person at a terminal: with NO_COLOR or --color never nothing but text
/// reaches it, the footer and the progress bar included.
#[test]
fn no_color_means_no_escape_code_on_a_terminal() {
    let sandbox = corpus();
    let (code, colored) = sandbox.run_tty(&["search", "--index", "idx", "casa"], &[]);
    assert_eq!(code, 0);
    assert!(
        has_escape(&colored),
        "colors are on by default on a terminal"
    );

    for (args, env) in [
        (
            &["search", "--index", "idx", "casa"][..],
            &[("NO_COLOR", "1")][..],
        ),
        (
            &["search", "--index", "idx", "--color", "never", "casa"][..],
            &[][..],
        ),
        (
            &["--color", "never", "search", "--index", "idx", "casa"][..],
            &[][..],
        ),
    ] {
        let (code, output) = sandbox.run_tty(args, env);
        assert_eq!(code, 0, "{}", String::from_utf8_lossy(&output));
        assert!(
            !has_escape(&output),
            "cerca {args:?} {env:?} wrote an escape code:\n{:?}",
            String::from_utf8_lossy(&output)
        );
        assert!(
            String::from_utf8_lossy(&output).contains("documents in"),
            "the footer is there"
        );
    }
}

#[test]
fn no_color_means_no_escape_code_in_the_progress_bar() {
    let sandbox = Sandbox::new();
    // Enough files that the bar is drawn while the sync runs (a debug build).
    common::write_big_folder(&sandbox, 1500);
    let (code, output) = sandbox.run_tty(&["index", "--index", "idx", "big"], &[("NO_COLOR", "1")]);
    let text = String::from_utf8_lossy(&output);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("1500 added"), "{text}");
    assert!(
        !has_escape(&output),
        "the sync wrote an escape code:\n{text:?}"
    );
}

/// Documents whose title and text hold terminal control sequences: on a
/// terminal they are shown escaped; --json and -0 keep them exact.
#[test]
fn control_sequences_from_documents_never_reach_the_terminal_raw() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "docs/trappola.html",
        "<html><head><title>Titolo \u{1b}]0;finestra rubata\u{7}</title></head>\
         <body><p>La pagina \u{1b}[2J cancella lo schermo e \u{1b}]8;;http://esempio.invalid\u{1b}\\\
         un collegamento\u{1b}]8;;\u{1b}\\ nascosto, e \u{9b}31m un CSI a otto bit.</p></body></html>",
    );
    // A file name with an escape in it.
    sandbox.write(
        "docs/nome\u{1b}[31mrosso.txt",
        "Il collegamento nascosto nel nome.\n",
    );
    // A kind, and a file that fails, named with escapes: the sync's summary
    // and messages name them too (a kind is the lower-case extension).
    sandbox.write("docs/tipo.\u{1b}[2J", "ignorato");
    sandbox.write("docs/rotto\u{1b}]0;titolo\u{7}.docx", "not a zip archive");
    let (code, output) = sandbox.run_tty(&["index", "--index", "idx", "docs"], &[]);
    let text = String::from_utf8_lossy(&output);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("1 failed"), "{text}");
    for raw in ["\u{1b}[2J", "\u{1b}[2j", "\u{1b}]0;"] {
        assert!(!text.contains(raw), "the sync wrote {raw:?} raw:\n{text:?}");
    }

    for args in [
        &["search", "--index", "idx", "collegamento"][..],
        &[
            "search",
            "--index",
            "idx",
            "--color",
            "never",
            "collegamento",
        ][..],
        &["search", "--index", "idx", "-l", "collegamento"][..],
    ] {
        let (code, output) = sandbox.run_tty(args, &[]);
        let text = String::from_utf8_lossy(&output);
        assert_eq!(code, 0, "{text}");
        for raw in [
            "\u{1b}]0;",
            "\u{1b}[2J",
            "\u{1b}]8;",
            "\u{1b}[31mrosso",
            "\u{9b}",
        ] {
            assert!(
                !text.contains(raw),
                "cerca {args:?} wrote {raw:?} raw to the terminal:\n{text:?}"
            );
        }
        assert!(text.contains("\\x1b"), "shown escaped: {text:?}");
    }

    // Programs get the exact bytes.
    let json = sandbox.run(&["search", "--index", "idx", "--json", "finestra"]);
    json.code(0);
    assert_eq!(
        json.json()[0]["title"],
        "Titolo \u{1b}]0;finestra rubata\u{7}"
    );
    let null = sandbox.run(&["search", "--index", "idx", "-l0", "nome"]);
    null.code(0);
    assert_eq!(null.stdout, "docs/nome\u{1b}[31mrosso.txt\0");
}

#[test]
fn names_in_warnings_never_start_a_line_of_their_own() {
    // A newline in a file's name went to standard error raw: the rest of
    // the name read as a line of its own ("skipped …" / "cannot index …").
    let sandbox = Sandbox::new();
    sandbox.write("d/grande\nfalso.txt", "parola ".repeat(100));
    sandbox.write("d/rotto\nfalso.docx", "non è un documento");
    let run = sandbox.run(&["index", "--index", "idx", "--max-size", "100", "d"]);
    run.code(1);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert!(
        lines.iter().all(|line| line.starts_with("cerca: ")),
        "{}",
        run.stderr
    );
    run.stderr_has("grande\\nfalso.txt")
        .stderr_has("rotto\\nfalso.docx");
}

#[test]
fn quiet_prints_nothing_and_answers_exactly() {
    let sandbox = corpus();
    let found = sandbox.run(&["search", "--index", "idx", "-q", "casa"]);
    found.code(0);
    assert_eq!((found.stdout.as_str(), found.stderr.as_str()), ("", ""));
    let missing = sandbox.run(&["search", "--index", "idx", "--quiet", "ippopotamo"]);
    missing.code(1);
    assert_eq!((missing.stdout.as_str(), missing.stderr.as_str()), ("", ""));
    // No document has both words: people get the relaxed hits, -q and -c the truth.
    let relaxed = sandbox.run(&["search", "--index", "idx", "pomodoro lukashenko"]);
    relaxed.code(0).stderr_has("some of them");
    sandbox
        .run(&["search", "--index", "idx", "-c", "pomodoro lukashenko"])
        .code(1);
    let quiet = sandbox.run(&["search", "--index", "idx", "-q", "pomodoro lukashenko"]);
    quiet.code(1);
    assert_eq!((quiet.stdout.as_str(), quiet.stderr.as_str()), ("", ""));
    // Ad hoc too.
    sandbox.run(&["search", "-q", "pomodoro", "corpus"]).code(0);
    sandbox
        .run(&["search", "-q", "ippopotamo", "corpus"])
        .code(1);
    // As grep -q and rg -q: a match is success even when something failed
    // (a missing path, a file that cannot be read); without one, exit 2.
    sandbox
        .run(&["search", "-q", "pomodoro", "corpus", "manca"])
        .code(0);
    sandbox
        .run(&["search", "-q", "ippopotamo", "corpus", "manca"])
        .code(2);
    sandbox
        .run(&["search", "-c", "pomodoro", "corpus", "manca"])
        .code(2);
}

#[test]
fn null_ends_each_path_with_nul() {
    let sandbox = corpus();
    let run = sandbox.run(&[
        "search", "--index", "idx", "-l", "-0", "--sort", "path", "pasta",
    ]);
    run.code(0);
    assert_eq!(run.stdout, "corpus/cucina/ricetta.md\0");
    let run = sandbox.run(&["search", "--index", "idx", "-l0", "--sort", "path", "casa"]);
    assert_eq!(run.stdout.matches('\0').count(), 4, "{:?}", run.stdout);
    assert!(!run.stdout.contains('\n'));
    // -0 is for the paths of -l.
    sandbox
        .run(&["search", "--index", "idx", "-0", "casa"])
        .code(2)
        .stderr_has("--files-with-matches");
}

/// A name that is not UTF-8 is printed as its bytes in base64, as rg does.
#[cfg(target_os = "linux")]
#[test]
fn json_paths_that_are_not_utf8_keep_their_bytes() {
    use base64::Engine;
    use std::os::unix::ffi::OsStrExt;

    let sandbox = Sandbox::new();
    let name = std::ffi::OsStr::from_bytes(b"citt\xe0.txt");
    fs::create_dir(sandbox.path("docs")).unwrap();
    let path = sandbox.path("docs").join(name);
    fs::write(&path, "Una citta di mare.\n").unwrap();
    sandbox.write("docs/paese.txt", "Un paese di mare.\n");
    sandbox.run(&["index", "--index", "idx", "docs"]).code(0);
    let run = sandbox.run(&[
        "search", "--index", "idx", "--json", "--sort", "path", "mare",
    ]);
    run.code(0);
    let objects = run.json();
    assert_eq!(objects.len(), 2, "{}", run.stdout);
    let bytes = base64::engine::general_purpose::STANDARD.encode(path.as_os_str().as_bytes());
    assert_eq!(objects[0]["path"], serde_json::json!({ "bytes": bytes }));
    assert_eq!(
        objects[1]["path"],
        sandbox.path("docs/paese.txt").to_str().unwrap()
    );
}

/// `cerca index --json` with a failure whose name is not UTF-8.
#[cfg(target_os = "linux")]
#[test]
fn the_sync_report_in_json_keeps_names_that_are_not_utf8() {
    use base64::Engine;
    use std::os::unix::ffi::OsStrExt;

    let sandbox = Sandbox::new();
    fs::create_dir(sandbox.path("docs")).unwrap();
    let path = sandbox
        .path("docs")
        .join(std::ffi::OsStr::from_bytes(b"rott\xf2.docx"));
    fs::write(&path, "not a zip archive").unwrap();
    sandbox.write("docs/buono.txt", "Un testo buono.\n");
    let run = sandbox.run(&["index", "--index", "idx", "--json", "docs"]);
    run.code(1);
    let report = &run.json()[0];
    assert_eq!(report["added"], 1);
    let bytes = base64::engine::general_purpose::STANDARD.encode(path.as_os_str().as_bytes());
    assert_eq!(
        report["failures"][0][0],
        serde_json::json!({ "bytes": bytes })
    );
    assert!(report["failures"][0][1].as_str().unwrap().contains("docx"));
}

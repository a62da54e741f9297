//! `--help`, `--version`, `cerca completions` and `cerca man`.

mod common;

use common::Sandbox;

#[test]
fn help_mentions_examples() {
    let sandbox = Sandbox::new();
    let top = sandbox.run(&["--help"]);
    top.code(0)
        .stdout_has("Examples:")
        .stdout_has("cerca search \"esercitazione militare\" seeds");
    for command in ["index", "search", "status", "forget", "completions", "man"] {
        top.stdout_has(command);
    }
    let search = sandbox.run(&["search", "--help"]);
    search
        .code(0)
        .stdout_has("Examples:")
        .stdout_has("Query syntax")
        .stdout_has("Exit status");
    for flag in [
        "--json",
        "--limit",
        "--offset",
        "--sort",
        "--any",
        "--batch",
        "--explain",
        "--color",
        "--index",
        "CERCA_INDEX",
    ] {
        search.stdout_has(flag);
    }
    sandbox
        .run(&["index", "--help"])
        .code(0)
        .stdout_has("Examples:")
        .stdout_has("--wait");
    sandbox
        .run(&["help", "search"])
        .code(0)
        .stdout_has("Examples:");
}

#[test]
fn version_is_printed() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["--version"])
        .code(0)
        .stdout_has(&format!("cerca {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn completions_are_printed_for_each_shell() {
    let sandbox = Sandbox::new();
    let bash = sandbox.run(&["completions", "bash"]);
    bash.code(0)
        .stdout_has("_cerca()")
        .stdout_has("complete -F _cerca");
    bash.stdout_has("--batch");
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let run = sandbox.run(&["completions", shell]);
        run.code(0);
        assert!(
            run.stdout.len() > 500 && run.stdout.contains("search"),
            "{shell}: {}",
            run.stdout
        );
    }
    sandbox.run(&["completions", "tcsh"]).code(2);
}

#[test]
fn the_man_page_is_roff() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["man"]);
    run.code(0)
        .stdout_has(".TH cerca")
        .stdout_has(".SH NAME")
        .stdout_has(".SH SYNOPSIS");
    assert_eq!(run.stderr, "");
}

/// One page: every command in it, the sections a man page has, and no
/// reference to a page that cerca does not produce (`cerca-search(1)`).
#[test]
fn the_man_page_holds_every_command_and_refers_to_no_other_page() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["man"]);
    run.code(0);
    for section in [
        ".SH COMMANDS",
        ".SS \"cerca search\"",
        ".SS \"cerca index\"",
        ".SS \"cerca status\"",
        ".SS \"cerca cache\"",
        ".SH \"QUERY SYNTAX\"",
        ".SH \"EXIT STATUS\"",
        ".SH \"ENVIRONMENT\"",
        ".SH \"FILES\"",
        "CERCA_INDEX",
        "NO_COLOR",
        "\\-\\-files\\-with\\-matches",
        "\\-\\-quiet",
    ] {
        run.stdout_has(section);
    }
    assert!(
        !run.stdout.contains("cerca-search") && !run.stdout.contains("(1)"),
        "a reference to another page:\n{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("extract-worker"),
        "the hidden worker is not shown"
    );
}

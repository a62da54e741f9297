//! `cerca search QUERY PATH…`: the ad-hoc mode, with a cached index per set of
//! paths under `$XDG_CACHE_HOME/cerca`, kept in step with the disk.

mod common;

use std::fs;
use std::time::Duration;

use common::{assert_private_tree, sorted_lines, write_corpus, Sandbox};

/// The cached indexes under `$XDG_CACHE_HOME/cerca`.

#[test]
fn an_ad_hoc_search_keeps_a_private_cached_index() {
    let sandbox = Sandbox::new();
    sandbox.write("note/a.txt", "Il fenicottero rosa vive nello stagno.\n");
    sandbox.write("note/b.txt", "Il pellicano pesca.\n");
    assert!(!sandbox.cache().exists());

    let run = sandbox.run(&["search", "fenicottero", "note"]);
    run.code(0).stdout_has("note/a.txt");
    assert!(!run.stdout.contains("b.txt"));

    let cached = sandbox.cached_indexes();
    assert_eq!(cached.len(), 1, "{cached:?}");
    let name = cached[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let hash = name
        .strip_prefix("note-")
        .unwrap_or_else(|| panic!("named after the folder: {name}"));
    assert!(
        hash.len() == 32 && hash.chars().all(|c| c.is_ascii_hexdigit()),
        "{name}"
    );
    assert!(cached[0].join("cerca-index.json").is_file());
    // The cache, and every directory cerca made for it, is its owner's only.
    assert_private_tree(&sandbox.cache());
    assert!(
        !sandbox.data().exists(),
        "the ad-hoc mode does not touch the main index"
    );

    // The same search again uses the same cached index.
    sandbox
        .run(&["search", "pellicano", "note"])
        .code(0)
        .stdout_has("note/b.txt");
    assert_eq!(sandbox.cached_indexes(), cached);
    assert_private_tree(&sandbox.cache());
}

#[test]
fn a_file_rewritten_with_the_same_size_and_time_is_read_again() {
    let sandbox = Sandbox::new();
    let file = sandbox.write("note/a.txt", "Il fenicottero rosa.\n");
    let modified = fs::metadata(&file).unwrap().modified().unwrap();
    sandbox.run(&["search", "fenicottero", "note"]).code(0);

    // 100 ms later, same size, and (as an editor or `rsync` may leave it)
    // the same modification time: the text changed all the same.
    std::thread::sleep(Duration::from_millis(100));
    fs::write(&file, "Il ornitorinco rosa.\n").unwrap();
    assert_eq!(
        fs::metadata(&file).unwrap().len(),
        "Il fenicottero rosa.\n".len() as u64
    );
    common::set_modified(&file, modified);
    sandbox
        .run(&["search", "ornitorinco", "note"])
        .code(0)
        .stdout_has("note/a.txt");
    sandbox.run(&["search", "fenicottero", "note"]).code(1);
}

#[test]
fn a_file_rewritten_at_once_after_a_search_is_read_again() {
    let sandbox = Sandbox::new();
    let file = sandbox.write("note/a.txt", "Il fenicottero rosa.\n");
    sandbox.run(&["search", "fenicottero", "note"]).code(0);
    // At once: likely within the same tick of the file system's clock.
    fs::write(&file, "Il ornitorinco rosa.\n").unwrap();
    sandbox
        .run(&["search", "ornitorinco", "note"])
        .code(0)
        .stdout_has("note/a.txt");
    sandbox.run(&["search", "fenicottero", "note"]).code(1);
}

#[test]
fn changes_and_deletions_show_in_the_next_search() {
    let sandbox = Sandbox::new();
    sandbox.write("note/a.txt", "Il fenicottero rosa.\n");
    sandbox.write("note/b.txt", "Il pellicano pesca.\n");
    sandbox
        .run(&["search", "-c", "fenicottero OR pellicano", "note"])
        .code(0)
        .stdout_has("2\n");

    sandbox.write(
        "note/b.txt",
        "Il pellicano bianco pesca nel lago salato di sera.\n",
    );
    sandbox
        .run(&["search", "-l", "lago", "note"])
        .code(0)
        .stdout_has("note/b.txt");
    fs::remove_file(sandbox.path("note/a.txt")).unwrap();
    let gone = sandbox.run(&["search", "fenicottero", "note"]);
    gone.code(1);
    assert_eq!(gone.stdout, "");
    sandbox.write("note/sotto/c.txt", "Un fenicottero nuovo.\n");
    let again = sandbox.run(&["search", "-l", "fenicottero", "note"]);
    again.code(0);
    assert_eq!(again.lines(), ["note/sotto/c.txt"]);
}

#[test]
fn hits_come_only_from_the_given_paths() {
    let sandbox = Sandbox::new();
    write_corpus(&sandbox);
    // A main index holding everything must not leak into ad-hoc searches.
    sandbox.run(&["index", "corpus"]).code(0);
    assert_eq!(sandbox.run(&["search", "-c", "casa"]).stdout, "4\n");

    let folder = sandbox.run(&["search", "-l", "casa", "corpus/cucina"]);
    assert_eq!(
        sorted_lines(&folder),
        ["corpus/cucina/dolci/torta.txt", "corpus/cucina/ricetta.md"]
    );
    let file = sandbox.run(&["search", "-l", "casa", "corpus/notizie/zapad.txt"]);
    assert_eq!(sorted_lines(&file), ["corpus/notizie/zapad.txt"]);
    let both = sandbox.run(&[
        "search",
        "-l",
        "casa",
        "corpus/cucina/dolci",
        "corpus/notizie/energia.txt",
    ]);
    assert_eq!(
        sorted_lines(&both),
        [
            "corpus/cucina/dolci/torta.txt",
            "corpus/notizie/energia.txt"
        ]
    );
    sandbox
        .run(&["search", "lukashenko", "corpus/cucina"])
        .code(1);
    assert_eq!(sandbox.cached_indexes().len(), 3);
}

#[test]
fn the_order_and_spelling_of_paths_do_not_matter() {
    let sandbox = Sandbox::new();
    write_corpus(&sandbox);
    let one = sandbox.run(&["search", "-l", "casa", "corpus/cucina", "corpus/notizie"]);
    one.code(0);
    let two = sandbox.run(&[
        "search",
        "-l",
        "casa",
        "./corpus/notizie/",
        "corpus/cucina",
        "corpus/cucina",
    ]);
    two.code(0);
    assert_eq!(sorted_lines(&one), sorted_lines(&two));
    assert_eq!(sorted_lines(&one).len(), 4);
    assert_eq!(
        sandbox.cached_indexes().len(),
        1,
        "one cached index for one set of folders"
    );
}

#[test]
fn ad_hoc_json_writes_nothing_else() {
    let sandbox = Sandbox::new();
    write_corpus(&sandbox);
    let run = sandbox.run(&["search", "--json", "casa bianca", "corpus"]);
    run.code(0);
    assert_eq!(run.stderr, "", "no progress or summary outside a terminal");
    let hits = run.json();
    assert_eq!(hits.len(), 2);
    assert!(hits.iter().all(|h| h["path"]
        .as_str()
        .unwrap()
        .starts_with(&*sandbox.work().to_string_lossy())));
}

#[test]
fn nested_paths_list_each_file_once() {
    let sandbox = Sandbox::new();
    write_corpus(&sandbox);
    let run = sandbox.run(&[
        "search",
        "-l",
        "torta",
        "corpus/cucina",
        "corpus/cucina/dolci",
    ]);
    run.code(0);
    assert_eq!(run.lines(), ["corpus/cucina/dolci/torta.txt"]);
}

#[test]
fn a_cache_from_another_version_is_rebuilt() {
    let sandbox = Sandbox::new();
    sandbox.write("note/a.txt", "Il fenicottero rosa vive nello stagno.\n");
    sandbox.run(&["search", "fenicottero", "note"]).code(0);
    let cached = sandbox.cached_indexes();
    fs::write(
        cached[0].join("cerca-index.json"),
        r#"{"format": 1, "created_by": "cerca 0.0.1"}"#,
    )
    .unwrap();
    sandbox
        .run(&["search", "fenicottero", "note"])
        .code(0)
        .stdout_has("note/a.txt");
}

#[test]
fn gitignored_files_are_left_out_unless_no_ignore() {
    let sandbox = Sandbox::new();
    sandbox.write("repo/.git/HEAD", "ref: refs/heads/main\n");
    sandbox.write("repo/.gitignore", "build/\n");
    sandbox.write("repo/nota.txt", "Il fenicottero rosa.\n");
    sandbox.write("repo/build/copia.txt", "Il fenicottero generato.\n");
    let run = sandbox.run(&["search", "-l", "fenicottero", "repo"]);
    run.code(0);
    assert_eq!(run.lines(), ["repo/nota.txt"], "{}", run.stdout);
    let all = sandbox.run(&["search", "-l", "--no-ignore", "fenicottero", "repo"]);
    assert_eq!(all.lines().len(), 2, "{}", all.stdout);
    // The same in an index, where the choice belongs to the folder.
    sandbox.run(&["index", "--index", "idx", "repo"]).code(0);
    let indexed = sandbox.run(&["search", "--index", "idx", "-c", "fenicottero"]);
    indexed.stdout_has("1\n");
}

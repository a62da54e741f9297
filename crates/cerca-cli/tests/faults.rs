//! Faults: `cerca index` killed with SIGKILL at different moments must leave
//! an index that opens and searches, and that the next `cerca index` completes
//! to hold exactly the files on disk.
//!
//! A sync commits every 64 MiB read or 10 s (cerca-core's defaults, not
//! settable from the CLI), so with a folder that takes a few seconds to index
//! a kill loses everything since the sync began: these tests check that the
//! index stays the last complete commit and that a re-run finishes the job.
//! (Checks after a kill allow for a periodic commit on a slow machine.)

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{
    big_file_name as file_name, seed_text, unique_word, write_big_file as write_file, Sandbox,
};

/// Files in the generated folder: enough that indexing takes seconds in a debug build.
const FILES: usize = 2000;
/// A word of the seed, so of every generated file.
const COMMON_WORD: &str = "bielorussia";

/// Starts `cerca index --index idx big`, SIGKILLs it after `delay`.
fn kill_after(sandbox: &Sandbox, delay: Duration) {
    let mut child = sandbox
        .std_command()
        .args(["index", "--index", "idx", "big"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start cerca index");
    std::thread::sleep(delay);
    let status = child.try_wait().expect("poll cerca index");
    assert!(
        status.is_none(),
        "cerca index ended ({status:?}) before the kill at {delay:?}: make the folder bigger"
    );
    child.kill().expect("SIGKILL cerca index");
    let status = child.wait().expect("reap cerca index");
    assert!(!status.success());
}

/// After a kill: the index opens, `status` and `search` work (exit 0 or 1,
/// never 2). Returns the number of documents with `COMMON_WORD`.
fn check_after_kill(sandbox: &Sandbox, delay: Duration, may_not_exist: bool) -> Option<usize> {
    let status = sandbox.run(&["status", "--index", "idx"]);
    if may_not_exist && status.code == 2 && status.stderr.contains("no index at") {
        // Killed before the index was created: that is no damage.
        return None;
    }
    status.code(0).stdout_has("documents: ");
    let count = sandbox.run(&["search", "--index", "idx", "-c", COMMON_WORD]);
    assert!(
        count.code == 0 || count.code == 1,
        "search after a kill at {delay:?} failed:\n{}",
        count.stderr
    );
    let n = count.count();
    let listed = sandbox.run(&["search", "--index", "idx", "-l", "-n", "1", "unicoparola7"]);
    assert!(listed.code == 0 || listed.code == 1, "{}", listed.stderr);
    Some(n)
}

/// Re-runs the killed `cerca index` to the end and checks that the index holds exactly `on_disk`.
///
/// The same command: a first sync killed before its first commit has not
/// recorded the folder yet, so a bare `cerca index` would have nothing to sync.
fn complete_and_verify(
    sandbox: &Sandbox,
    on_disk: &BTreeSet<usize>,
    gone: &BTreeSet<usize>,
    unique_words_every: usize,
) {
    let run = sandbox.run(&["index", "--index", "idx", "big"]);
    run.code(0);
    let summary = run.summary();
    assert_eq!(summary["failed"], 0, "{}", run.stdout);
    assert_eq!(
        summary["added"] + summary["updated"] + summary["unchanged"],
        on_disk.len(),
        "{}",
        run.stdout
    );

    let count = sandbox.run(&["search", "--index", "idx", "-c", COMMON_WORD]);
    count.code(0);
    assert_eq!(
        count.count(),
        on_disk.len(),
        "one document per file on disk"
    );
    let listed = sandbox.run(&[
        "search",
        "--index",
        "idx",
        "-l",
        "-n",
        "100000",
        COMMON_WORD,
    ]);
    let listed: Vec<&str> = listed.stdout.lines().collect();
    let expected: BTreeSet<String> = on_disk.iter().map(|&i| file_name(i)).collect();
    assert_eq!(listed.len(), expected.len(), "no document twice");
    assert_eq!(
        listed
            .into_iter()
            .map(str::to_owned)
            .collect::<BTreeSet<_>>(),
        expected
    );
    sandbox
        .run(&["status", "--index", "idx"])
        .code(0)
        .stdout_has(&format!("documents: {}\n", on_disk.len()));

    // Each unique word finds its file and nothing else; those of deleted files
    // find nothing. (Every `unique_words_every`-th file, to save time.)
    if unique_words_every > 0 {
        let all: Vec<usize> = on_disk
            .iter()
            .chain(gone)
            .copied()
            .filter(|i| i % unique_words_every == 0 || *i >= FILES)
            .collect();
        let queries: String = all.iter().map(|&i| unique_word(i) + "\n").collect();
        let batch = sandbox.run_stdin(
            &["search", "--index", "idx", "--batch", "-", "-n", "3"],
            &queries,
        );
        batch.code(0);
        let mut found = vec![Vec::new(); all.len()];
        for object in batch.json() {
            let line = object["query"].as_u64().unwrap() as usize;
            match object["path"].as_str() {
                Some(path) => found[line].push(path.to_owned()),
                // A query that matched nothing says so.
                None => assert_eq!(object["total"], 0, "{object}"),
            }
        }
        for (line, &i) in all.iter().enumerate() {
            let expected: Vec<String> = if on_disk.contains(&i) {
                vec![sandbox.path(&file_name(i)).to_string_lossy().into_owned()]
            } else {
                Vec::new()
            };
            assert_eq!(found[line], expected, "{}", unique_word(i));
        }
    }
}

#[test]
fn sigkill_during_index_leaves_a_usable_index_and_a_rerun_completes() {
    let started = Instant::now();
    let sandbox = Sandbox::new();
    let seed = seed_text();
    for i in 0..FILES {
        write_file(&sandbox, &seed, i, "");
    }
    let mut on_disk: BTreeSet<usize> = (0..FILES).collect();
    let mut gone = BTreeSet::new();

    // 1. A new index, killed early (creating the index, walking the folder).
    let delay = Duration::from_millis(50);
    kill_after(&sandbox, delay);
    if let Some(n) = check_after_kill(&sandbox, delay, true) {
        assert!(n <= FILES);
    }
    complete_and_verify(&sandbox, &on_disk, &gone, 10);

    // 2. Half the files changed, killed while reading them: the index is still
    //    the last complete commit (each file exactly once).
    for i in (0..FILES).step_by(2) {
        write_file(&sandbox, &seed, i, "zebra");
    }
    let delay = Duration::from_millis(300);
    kill_after(&sandbox, delay);
    let n = check_after_kill(&sandbox, delay, false).unwrap();
    assert_eq!(n, FILES, "a kill keeps every file of the last commit, once");
    complete_and_verify(&sandbox, &on_disk, &gone, 0);
    assert_eq!(
        sandbox
            .run(&["search", "--index", "idx", "-c", "zebra"])
            .count(),
        FILES / 2
    );

    // 3. Files deleted, added and changed, killed a second in.
    for i in (0..FILES).step_by(20) {
        fs::remove_file(sandbox.path(&file_name(i))).unwrap();
        on_disk.remove(&i);
        gone.insert(i);
    }
    for i in FILES..FILES + 100 {
        write_file(&sandbox, &seed, i, "giraffa");
        on_disk.insert(i);
    }
    for &i in on_disk.iter().filter(|&&i| i < FILES) {
        write_file(&sandbox, &seed, i, "giraffa");
    }
    let delay = Duration::from_secs(1);
    kill_after(&sandbox, delay);
    let n = check_after_kill(&sandbox, delay, false).unwrap();
    // Additions may be committed before the deletions (which come at the end).
    assert!(
        (FILES..=FILES + 100).contains(&n),
        "{n} documents after a kill at {delay:?}"
    );
    complete_and_verify(&sandbox, &on_disk, &gone, 1);
    assert_eq!(
        sandbox
            .run(&["search", "--index", "idx", "-c", "giraffa"])
            .count(),
        on_disk.len()
    );
    assert_eq!(
        sandbox
            .run(&["search", "--index", "idx", "-c", "zebra"])
            .code(1)
            .count(),
        0
    );

    eprintln!("SIGKILL test took {:?}", started.elapsed());
}

/// What a kill between writing `cerca-index.json` and tantivy's first
/// `meta.json` leaves (seen with kills 2–4 ms after start): the marker alone.
fn marker_only_index(sandbox: &Sandbox) -> std::path::PathBuf {
    sandbox.write("docs/a.txt", "Il fenicottero rosa.\n");
    sandbox.run(&["index", "--index", "full", "docs"]).code(0);
    let dir = sandbox.path("killed");
    fs::create_dir(&dir).unwrap();
    fs::copy(
        sandbox.path("full/cerca-index.json"),
        dir.join("cerca-index.json"),
    )
    .unwrap();
    dir
}

#[test]
fn an_index_killed_while_being_created_can_be_rebuilt() {
    let sandbox = Sandbox::new();
    marker_only_index(&sandbox);
    // It holds no data: cerca says there is no index yet, and how to make one.
    let status = sandbox.run(&["status", "--index", "killed"]);
    status
        .code(2)
        .stderr_has("no index")
        .stderr_has("cerca index");
    assert!(!status.stderr.contains("panicked"), "{}", status.stderr);
    sandbox.run(&["index", "--index", "killed", "docs"]).code(0);
    sandbox
        .run(&["search", "--index", "killed", "fenicottero"])
        .code(0);
}

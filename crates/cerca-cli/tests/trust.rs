//! An index a user can trust, tried with real processes: concurrent runs keep
//! one document per file, signals keep the work done, files are private from
//! their creation, damage and other formats say what to do, a full disk is
//! said in words, and a file rewritten at once is never stale.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{in_mount_namespace, mode, shell, write_big_folder, Sandbox};

/// A word of the seed, so of every generated file.
const COMMON_WORD: &str = "bielorussia";

fn spawn(sandbox: &Sandbox, args: &[&str]) -> Child {
    sandbox
        .std_command()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start cerca")
}

struct Finished {
    args: String,
    code: i32,
    stdout: String,
    stderr: String,
}

fn finish(child: Child, args: &[&str]) -> Finished {
    let output = child.wait_with_output().expect("wait for cerca");
    Finished {
        args: args.join(" "),
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn signal(child: &Child, name: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
}

/// Documents of the index, by `cerca status`.
fn documents(sandbox: &Sandbox, index: &str) -> usize {
    let status = sandbox.run(&["status", "--index", index]);
    status.code(0);
    status
        .lines()
        .iter()
        .find_map(|line| line.strip_prefix("documents: "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", status.stdout))
}

fn assert_one_document_per_file(sandbox: &Sandbox, index: &str, files: usize) {
    assert_eq!(documents(sandbox, index), files, "documents = files");
    sandbox.run(&["check", "--index", index]).code(0);
    let count = sandbox.run(&["search", "--index", index, "-c", COMMON_WORD]);
    assert_eq!(count.count(), files);
}

#[test]
fn concurrent_indexing_forgetting_and_searching_keep_one_document_per_file() {
    let sandbox = Sandbox::new();
    write_big_folder(&sandbox, 300);
    let runs: Vec<Vec<&str>> = vec![
        vec!["index", "--index", "idx", "big"],
        vec!["index", "--wait", "--index", "idx", "big"],
        vec!["index", "--index", "idx", "big"],
        vec!["index", "--wait", "--index", "idx", "big"],
        vec!["search", "-c", COMMON_WORD, "big"],
        vec!["search", "-c", COMMON_WORD, "big"],
        vec!["index", "--wait", "--index", "idx", "big"],
        vec!["search", "-c", COMMON_WORD, "big"],
    ];
    let children: Vec<Child> = runs.iter().map(|args| spawn(&sandbox, args)).collect();
    // A forget in the middle of it all.
    std::thread::sleep(Duration::from_millis(300));
    let forget = spawn(&sandbox, &["forget", "--index", "idx", "big"]);
    let mut finished: Vec<Finished> = children
        .into_iter()
        .zip(&runs)
        .map(|(child, args)| finish(child, args))
        .collect();
    finished.push(finish(forget, &["forget"]));
    for run in &finished {
        let busy = run.stderr.contains("is busy");
        let forgot_first = run.args == "forget" && run.stderr.contains("not a root");
        assert!(
            run.code == 0 || (run.code == 2 && (busy || forgot_first)),
            "cerca {} exited {}: {}",
            run.args,
            run.code,
            run.stderr
        );
        assert!(!run.stderr.contains("damaged"), "{}", run.stderr);
        if run.args.starts_with("search") {
            assert_eq!(run.stdout.trim(), "300", "ad-hoc: every file once");
        }
    }
    // Whatever the order was, one more sync makes the index the folder.
    sandbox
        .run(&["index", "--wait", "--index", "idx", "big"])
        .code(0);
    assert_one_document_per_file(&sandbox, "idx", 300);
}

#[test]
fn indexes_and_ad_hoc_caches_created_at_once_hold_every_file_once() {
    let sandbox = Sandbox::new();
    write_big_folder(&sandbox, 200);
    let index_args = ["index", "--index", "nuovo", "big"];
    let search_args = ["search", "-c", COMMON_WORD, "big"];
    let mut children = Vec::new();
    for _ in 0..6 {
        children.push((spawn(&sandbox, &index_args), &index_args[..]));
        children.push((spawn(&sandbox, &search_args), &search_args[..]));
    }
    for (child, args) in children {
        let run = finish(child, args);
        assert!(!run.stderr.contains("damaged"), "{}", run.stderr);
        if args[0] == "search" {
            assert_eq!((run.code, run.stdout.trim()), (0, "200"), "{}", run.stderr);
        } else {
            assert!(
                run.code == 0 || run.stderr.contains("is busy"),
                "{}: {}",
                run.code,
                run.stderr
            );
        }
    }
    assert_one_document_per_file(&sandbox, "nuovo", 200);
    // The cache too, searched again.
    sandbox
        .run(&["search", "-c", COMMON_WORD, "big"])
        .stdout_has("200\n");
}

/// Files of the folder an interrupted sync reads: enough that, in a debug
/// build, it is still reading when the signal comes.
const INTERRUPTED_FILES: usize = 6000;

/// Starts a first index of `big/` and sends it signal `name` once it reads files.
fn interrupted_first_index(sandbox: &Sandbox, name: &str) -> Finished {
    let args = ["index", "--index", "idx", "big"];
    let mut child = spawn(sandbox, &args);
    // The roots are recorded first, then the walk, then the reading.
    let started = Instant::now();
    while !sandbox.path("idx/cerca-roots.json").exists() {
        assert!(started.elapsed() < Duration::from_secs(60), "no roots file");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(400));
    assert!(
        child.try_wait().expect("poll").is_none(),
        "the sync ended before the signal: make the folder bigger"
    );
    signal(&child, name);
    finish(child, &args)
}

#[test]
fn ctrl_c_or_sigterm_on_a_first_index_keeps_what_was_read() {
    let sandbox = Sandbox::new();
    write_big_folder(&sandbox, INTERRUPTED_FILES);
    for name in ["INT", "TERM"] {
        let _ = fs::remove_dir_all(sandbox.path("idx"));
        let run = interrupted_first_index(&sandbox, name);
        assert_eq!(run.code, 130, "SIG{name}: {}", run.stderr);
        assert!(
            run.stderr.contains("interrupted") && run.stderr.contains("documents kept"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("cerca index"), "{}", run.stderr);
        let kept = documents(&sandbox, "idx");
        // All of them when the signal came during the last commit (reading
        // is faster than indexing): that is still an interrupted run.
        assert!(
            kept > 0 && kept <= INTERRUPTED_FILES,
            "SIG{name}: {kept} kept"
        );
        assert!(
            run.stderr.contains(&format!("{kept} documents kept")),
            "{}",
            run.stderr
        );
        common::assert_private_tree(&sandbox.path("idx"));
        // The folder was recorded: a bare `cerca index` finishes the job.
        let resumed = sandbox.run(&["index", "--index", "idx"]);
        resumed.code(0);
        assert_eq!(
            resumed.summary()["added"],
            INTERRUPTED_FILES - kept,
            "{}",
            resumed.stdout
        );
        assert_one_document_per_file(&sandbox, "idx", INTERRUPTED_FILES);
    }
}

/// Every file and folder under `dir` that others may read.
fn readable_by_others(dir: &Path) -> Vec<(PathBuf, u32)> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            let mode = fs::symlink_metadata(&path).ok()?.permissions();
            let mode = std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777;
            (mode & 0o077 != 0).then_some((path, mode))
        })
        .collect()
}

#[test]
fn index_files_are_private_from_their_creation_whatever_the_umask() {
    let sandbox = Sandbox::new();
    write_big_folder(&sandbox, 2000);
    let binary = common::binary();
    let binary = binary.display();
    let mut child = shell(
        &sandbox,
        &format!("umask 000; exec '{binary}' index --index idx big"),
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .expect("start cerca");
    // Watch the index while it is written, then kill it mid-way.
    let started = Instant::now();
    let index = sandbox.path("idx");
    let mut looks = 0;
    while started.elapsed() < Duration::from_millis(2500) {
        if index.exists() {
            assert_eq!(mode(&index) & 0o077, 0, "the index folder");
        }
        let open = readable_by_others(&index);
        assert!(
            open.is_empty(),
            "readable by others while indexing: {open:?}"
        );
        looks += 1;
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reap");
    assert!(looks > 100);
    assert!(readable_by_others(&index).is_empty());
    // The next run, with the same umask, finishes privately too.
    let status = shell(
        &sandbox,
        &format!("umask 000; exec '{binary}' index --index idx big >/dev/null"),
    )
    .status()
    .expect("run cerca");
    assert!(status.success());
    common::assert_private_tree(&index);
}

#[test]
fn a_file_rewritten_100_ms_after_a_sync_is_found_by_the_next_one() {
    let sandbox = Sandbox::new();
    let file = sandbox.write("docs/nota.txt", "Il fenicottero rosa.\n");
    let modified = fs::metadata(&file).unwrap().modified().unwrap();
    sandbox.run(&["index", "--index", "idx", "docs"]).code(0);
    std::thread::sleep(Duration::from_millis(100));
    // Same size, and the modification time put back as tools may leave it.
    fs::write(&file, "Il ornitorinco rosa.\n").unwrap();
    common::set_modified(&file, modified);
    let run = sandbox.run(&["index", "--index", "idx"]);
    assert_eq!(run.summary()["updated"], 1, "{}", run.stdout);
    sandbox
        .run(&["search", "--index", "idx", "ornitorinco"])
        .code(0);
    sandbox
        .run(&["search", "--index", "idx", "fenicottero"])
        .code(1);
}

#[test]
fn walk_options_belong_to_their_folder() {
    let sandbox = Sandbox::new();
    sandbox.write("docs/nota.txt", "Il fenicottero rosa.\n");
    sandbox.write("docs/build/x.txt", "Il fenicottero generato.\n");
    sandbox.write("docs/.nascosta.txt", "Il fenicottero nascosto.\n");
    sandbox
        .run(&[
            "index",
            "--index",
            "idx",
            "--exclude",
            "build/**",
            "--hidden",
            "docs",
        ])
        .code(0);
    let count = |sandbox: &Sandbox| {
        sandbox
            .run(&["search", "--index", "idx", "-c", "fenicottero"])
            .count()
    };
    assert_eq!(count(&sandbox), 2);
    // The next plain sync (the example of `cerca index --help`) keeps them.
    sandbox.write("docs/build/y.txt", "Il fenicottero di nuovo.\n");
    let run = sandbox.run(&["index", "--index", "idx"]);
    assert_eq!(run.summary()["added"], 0, "{}", run.stdout);
    assert_eq!(count(&sandbox), 2);
    sandbox
        .run(&["status", "--index", "idx"])
        .code(0)
        .stdout_has("options: --hidden, --exclude 'build/**'");
    // Options without a folder are refused: they would belong to nothing.
    sandbox
        .run(&["index", "--index", "idx", "--exclude", "*.md"])
        .code(2)
        .stderr_has("give the folder");
    // The folder given again with other options: those from now on.
    sandbox.run(&["index", "--index", "idx", "docs"]).code(0);
    assert_eq!(count(&sandbox), 3, "build/ now, hidden files no more");
    let status = sandbox.run(&["status", "--index", "idx"]);
    assert!(!status.stdout.contains("options:"), "{}", status.stdout);
}

/// Overwrites the middle of every `.term` and `.fast` file of `dir` with garbage.
fn damage(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().map(|e| e.to_string_lossy().into_owned());
        if matches!(ext.as_deref(), Some("term" | "fast")) {
            let mut bytes = fs::read(&path).unwrap();
            let middle = bytes.len() / 2;
            let end = (middle + 256).min(bytes.len());
            for byte in &mut bytes[middle.saturating_sub(256)..end] {
                *byte = 0x5A;
            }
            fs::write(&path, bytes).unwrap();
        }
    }
}

fn no_panic(run: &common::Run) {
    assert!(
        !run.stderr.contains("panicked") && run.code != 101,
        "{}",
        run.stderr
    );
}

#[test]
fn a_damaged_index_is_found_reported_and_rebuilt_from_its_folders() {
    let sandbox = Sandbox::new();
    write_big_folder(&sandbox, 300);
    sandbox.run(&["index", "--index", "idx", "big"]).code(0);
    sandbox
        .run(&["check", "--index", "idx"])
        .code(0)
        .stdout_has("sound");
    damage(&sandbox.path("idx"));

    let check = sandbox.run(&["check", "--index", "idx"]);
    check.code(2).stderr_has("cerca index --rebuild");
    assert!(
        check.stdout.contains(".term") || check.stdout.contains(".fast"),
        "{}",
        check.stdout
    );
    for query in [
        COMMON_WORD,
        "unicoparola7",
        "unicopar*",
        "bielorusia~1",
        "ext:txt",
    ] {
        let run = sandbox.run(&["search", "--index", "idx", query]);
        no_panic(&run);
        assert!(
            run.code == 2 || run.code == 0 || run.code == 1,
            "{}",
            run.stderr
        );
        if run.code == 2 {
            assert!(
                run.stderr.contains("cerca check"),
                "{query}: {}",
                run.stderr
            );
        }
    }
    let sync = sandbox.run(&["index", "--index", "idx"]);
    no_panic(&sync);
    sync.code(2).stderr_has("damaged");

    let rebuilt = sandbox.run(&["index", "--index", "idx", "--rebuild"]);
    rebuilt.code(0);
    assert_eq!(rebuilt.summary()["added"], 300, "{}", rebuilt.stdout);
    sandbox.run(&["check", "--index", "idx"]).code(0);
    assert_one_document_per_file(&sandbox, "idx", 300);
}

#[test]
fn a_damaged_ad_hoc_cache_is_rebuilt_by_itself() {
    let sandbox = Sandbox::new();
    write_big_folder(&sandbox, 100);
    sandbox
        .run(&["search", "-c", COMMON_WORD, "big"])
        .stdout_has("100\n");
    let caches = sandbox.cached_indexes();
    assert_eq!(caches.len(), 1);
    damage(&caches[0]);
    for _ in 0..2 {
        let run = sandbox.run(&["search", "-c", COMMON_WORD, "big"]);
        no_panic(&run);
        run.code(0).stdout_has("100\n");
    }
}

#[test]
fn an_index_of_another_format_says_to_rebuild_it_and_keeps_its_folders() {
    let sandbox = Sandbox::new();
    sandbox.write("docs/nota.txt", "Il fenicottero rosa.\n");
    sandbox.run(&["index", "--index", "idx", "docs"]).code(0);
    fs::write(
        sandbox.path("idx/cerca-index.json"),
        r#"{"format": 2, "created_by": "cerca 0.1.0"}"#,
    )
    .unwrap();
    for args in [
        &["index", "--index", "idx"][..],
        &["search", "--index", "idx", "rosa"],
    ] {
        sandbox
            .run(args)
            .code(2)
            .stderr_has("cerca index --rebuild");
    }
    sandbox
        .run(&["index", "--index", "idx", "--rebuild"])
        .code(0);
    sandbox
        .run(&["search", "--index", "idx", "-c", "fenicottero"])
        .stdout_has("1\n");
}

#[test]
fn a_full_disk_is_said_in_words_and_leaves_no_partial_files() {
    let sandbox = Sandbox::new();
    sandbox.write("piccola/nota.txt", "Il fenicottero rosa.\n");
    write_big_folder(&sandbox, 2000);
    let binary = common::binary();
    let binary = binary.display();
    let script = format!(
        "set -u; mkdir -p disk && mount -t tmpfs -o size=512k tmpfs disk || {{ echo 'cannot mount' >&2; exit 1; }}
         '{binary}' index --index disk/idx piccola >/dev/null; echo \"first=$?\"
         '{binary}' index --index disk/idx big >/dev/null 2>err.txt; echo \"second=$?\"
         echo files:; ls -a disk/idx
         '{binary}' search --index disk/idx -c fenicottero; echo \"search=$?\"
         '{binary}' check --index disk/idx >/dev/null; echo \"check=$?\"
         cp disk/idx/meta.json meta.json"
    );
    let Some(output) = in_mount_namespace(&sandbox, &script) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let err = fs::read_to_string(sandbox.path("err.txt")).unwrap_or_default();
    assert!(
        stdout.contains("first=0"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("second=2"), "{stdout}\n{err}");
    assert!(err.contains("is full"), "said in words: {err}");
    assert!(!err.contains("panicked") && !err.contains("Os {"), "{err}");
    assert!(
        stdout.contains("search=0") && stdout.contains("\n1\n"),
        "what was committed is kept: {stdout}"
    );
    assert!(stdout.contains("check=0"), "{stdout}");
    // Every segment file left is one the last commit refers to.
    let meta = fs::read_to_string(sandbox.path("meta.json"))
        .unwrap()
        .replace('-', "");
    let files: Vec<&str> = stdout
        .split("files:\n")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .take_while(|line| !line.chars().all(|c| c.is_ascii_digit()))
        .collect();
    for file in files {
        let segment = file.split('.').next().unwrap_or_default();
        let ours = file.starts_with("cerca-")
            || file.starts_with(".tantivy-")
            || file.starts_with(".managed")
            || file == "meta.json"
            || file == "."
            || file == "..";
        assert!(
            ours || meta.contains(segment),
            "left behind: {file}\n{stdout}"
        );
    }
}

#[test]
fn a_disk_full_before_any_document_is_written_is_said_in_words_too() {
    // Recording a new folder is the first write: it said "No space left on
    // device (os error 28)".
    let sandbox = Sandbox::new();
    sandbox.write("piccola/nota.txt", "Il fenicottero rosa.\n");
    sandbox.write("altra/nota.txt", "Il pellicano bianco.\n");
    let binary = common::binary();
    let binary = binary.display();
    let script = format!(
        "set -u; mkdir -p disk && mount -t tmpfs -o size=512k tmpfs disk || {{ echo 'cannot mount' >&2; exit 1; }}
         '{binary}' index --index disk/idx piccola >/dev/null; echo \"first=$?\"
         dd if=/dev/zero of=disk/riempi bs=4k 2>/dev/null
         '{binary}' index --index disk/idx altra >/dev/null 2>err.txt; echo \"second=$?\"
         rm disk/riempi
         '{binary}' search --index disk/idx -c fenicottero; echo \"search=$?\""
    );
    let Some(output) = in_mount_namespace(&sandbox, &script) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let err = fs::read_to_string(sandbox.path("err.txt")).unwrap_or_default();
    assert!(stdout.contains("first=0"), "{stdout}");
    assert!(stdout.contains("second=2"), "{stdout}\n{err}");
    assert!(err.contains("disk is full"), "said in words: {err}");
    assert!(!err.contains("os error"), "{err}");
    assert!(
        stdout.contains("search=0\n") && stdout.contains("1\n"),
        "{stdout}"
    );
}

#[test]
fn a_full_disk_under_the_ad_hoc_cache_says_what_to_free() {
    // It said to "run `cerca index` again", which has nothing to do with it.
    let sandbox = Sandbox::new();
    sandbox.write("piccola/nota.txt", "Il fenicottero rosa.\n");
    let binary = common::binary();
    let cache = sandbox.cache();
    let script = format!(
        "set -u; mkdir -p '{cache}' && mount -t tmpfs -o size=256k tmpfs '{cache}' || {{ echo 'cannot mount' >&2; exit 1; }}
         dd if=/dev/zero of='{cache}/riempi' bs=4k 2>/dev/null
         '{binary}' search -c fenicottero piccola 2>err.txt; echo \"search=$?\"",
        cache = cache.display(),
        binary = binary.display()
    );
    let Some(output) = in_mount_namespace(&sandbox, &script) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let err = fs::read_to_string(sandbox.path("err.txt")).unwrap_or_default();
    assert!(stdout.contains("search=2"), "{stdout}\n{err}");
    assert!(
        err.contains("is full") && err.contains("cache clear"),
        "{err}"
    );
    assert!(!err.contains("cerca index"), "{err}");
}

#[test]
fn a_cache_without_its_marker_or_turned_into_a_file_heals() {
    let sandbox = Sandbox::new();
    write_big_folder(&sandbox, 20);
    let search = || sandbox.run(&["search", "-c", COMMON_WORD, "big"]);
    search().stdout_has("20\n");
    let cache = sandbox.cached_indexes().remove(0);
    fs::remove_file(cache.join("cerca-index.json")).unwrap();
    search().code(0).stdout_has("20\n");
    fs::remove_dir_all(&cache).unwrap();
    fs::write(&cache, "non un indice").unwrap();
    search().code(0).stdout_has("20\n");
}

#[test]
fn a_rebuild_after_the_roots_file_is_damaged_keeps_the_folders() {
    let sandbox = Sandbox::new();
    write_big_folder(&sandbox, 20);
    sandbox.run(&["index", "--index", "idx", "big"]).code(0);
    fs::write(sandbox.path("idx/cerca-roots.json"), "{").unwrap();
    sandbox.run(&["index", "--index", "idx"]).code(2);
    // The check names the damage and says to rebuild, not to run itself.
    let checked = sandbox.run(&["check", "--index", "idx"]);
    checked
        .code(2)
        .stdout_has("damaged: ")
        .stdout_has("cerca-roots.json")
        .stderr_has("cerca index --rebuild");
    assert!(
        !checked.stdout.contains("cerca check"),
        "{}",
        checked.stdout
    );
    sandbox
        .run(&["index", "--index", "idx", "--rebuild"])
        .code(0);
    assert_one_document_per_file(&sandbox, "idx", 20);
    // With the copy in the commit gone too, a rebuild refuses and keeps all.
    fs::remove_file(sandbox.path("idx/cerca-roots.json")).unwrap();
    let meta = fs::read_to_string(sandbox.path("idx/meta.json")).unwrap();
    let mut meta: serde_json::Value = serde_json::from_str(&meta).unwrap();
    meta["payload"] = serde_json::Value::Null;
    fs::write(sandbox.path("idx/meta.json"), meta.to_string()).unwrap();
    sandbox
        .run(&["index", "--index", "idx", "--rebuild"])
        .code(2)
        .stderr_has("cerca index --rebuild FOLDER");
    assert_eq!(documents(&sandbox, "idx"), 20);
    sandbox
        .run(&["index", "--index", "idx", "--rebuild", "big"])
        .code(0);
    assert_one_document_per_file(&sandbox, "idx", 20);
}

#[test]
fn ctrl_c_while_waiting_for_the_lock_says_interrupted() {
    let sandbox = Sandbox::new();
    write_big_folder(&sandbox, INTERRUPTED_FILES);
    let first = spawn(&sandbox, &["index", "--index", "idx", "big"]);
    let started = Instant::now();
    while !sandbox.path("idx/cerca-roots.json").exists() {
        assert!(started.elapsed() < Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(5));
    }
    let args = ["index", "--wait", "--index", "idx", "big"];
    let waiting = spawn(&sandbox, &args);
    std::thread::sleep(Duration::from_millis(500));
    signal(&waiting, "INT");
    let run = finish(waiting, &args);
    assert_eq!(run.code, 130, "{}", run.stderr);
    assert!(run.stderr.contains("interrupted"), "{}", run.stderr);
    assert!(!run.stderr.contains("busy"), "{}", run.stderr);
    let first = finish(first, &["index"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
}

#[test]
fn a_vanished_folder_can_be_forgotten_by_its_relative_name() {
    let sandbox = Sandbox::new();
    sandbox.write("via/a.txt", "Il fenicottero rosa.\n");
    sandbox.run(&["index", "--index", "idx", "via"]).code(0);
    fs::remove_dir_all(sandbox.path("via")).unwrap();
    sandbox
        .run(&["forget", "--index", "idx", "via"])
        .code(0)
        .stdout_has("1 documents removed");
}

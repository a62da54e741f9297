//! `cerca watch`: a running watcher keeps the index current through every
//! kind of change, and stops cleanly on Ctrl-C.
//!
//! The watcher's own figure is "within about a second"; the tests allow
//! ten, so that a loaded machine does not fail them.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::Sandbox;

const PATIENCE: Duration = Duration::from_secs(10);

/// A `cerca watch` process, stopped with SIGINT when dropped.
struct Watching {
    child: Child,
}

impl Watching {
    /// Starts `cerca watch --index idx ARGS…` and waits until it watches.
    fn start(sandbox: &Sandbox, args: &[&str]) -> Watching {
        let mut command = sandbox.std_command();
        command
            .args(["watch", "--index", "idx"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("start cerca watch");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        loop {
            match lines.next() {
                Some(Ok(line)) if line.contains("watching") => break,
                Some(Ok(_)) => continue,
                other => panic!("cerca watch ended before watching: {other:?}"),
            }
        }
        // The rest of standard error is drained so the watcher never blocks on it.
        std::thread::spawn(move || lines.for_each(drop));
        Watching { child }
    }

    /// Sends SIGINT and returns the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        common::interrupt(&mut self.child, PATIENCE)
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `cerca search -l QUERY` lists exactly `expected` (file names).
fn eventually(sandbox: &Sandbox, query: &str, expected: &[&str]) {
    let deadline = Instant::now() + PATIENCE;
    let mut last = Vec::new();
    while Instant::now() < deadline {
        let run = sandbox.run(&["search", "--index", "idx", "-l", query]);
        last = run
            .stdout
            .lines()
            .map(|line| {
                Path::new(line)
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect::<Vec<_>>();
        last.sort();
        if last == expected {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("after {PATIENCE:?}, `{query}` lists {last:?}, not {expected:?}");
}

fn watched_folder() -> (Sandbox, Watching) {
    let sandbox = Sandbox::new();
    sandbox.write(
        "docs/fenicottero.txt",
        "Il fenicottero rosa vive nello stagno.\n",
    );
    let watching = Watching::start(&sandbox, &["docs"]);
    // It synced first: what was there is searchable.
    eventually(&sandbox, "fenicottero", &["fenicottero.txt"]);
    (sandbox, watching)
}

#[test]
fn new_changed_and_deleted_files_are_seen() {
    let (sandbox, watching) = watched_folder();
    sandbox.write("docs/pellicano.md", "# Pellicano\n\nIl pellicano pesca.\n");
    eventually(&sandbox, "pellicano", &["pellicano.md"]);
    sandbox.write(
        "docs/pellicano.md",
        "# Pellicano\n\nOra mangia le aringhe.\n",
    );
    eventually(&sandbox, "aringhe", &["pellicano.md"]);
    eventually(&sandbox, "pesca", &[]);
    std::fs::remove_file(sandbox.path("docs/fenicottero.txt")).unwrap();
    eventually(&sandbox, "fenicottero", &[]);
    assert!(watching.stop().success());
}

#[test]
fn an_editors_save_through_a_temporary_file_is_seen() {
    let (sandbox, _watching) = watched_folder();
    // As vim, gedit and most editors save: a new file renamed over the old one.
    sandbox.write("docs/.fenicottero.txt.swp", "Il fenicottero bianco.\n");
    std::fs::rename(
        sandbox.path("docs/.fenicottero.txt.swp"),
        sandbox.path("docs/fenicottero.txt"),
    )
    .unwrap();
    eventually(&sandbox, "bianco", &["fenicottero.txt"]);
    eventually(&sandbox, "rosa", &[]);
}

#[test]
fn moves_and_folder_renames_are_seen() {
    let (sandbox, _watching) = watched_folder();
    sandbox.write("docs/uccelli/airone.txt", "L'airone cenerino.\n");
    eventually(&sandbox, "airone", &["airone.txt"]);
    std::fs::rename(
        sandbox.path("docs/uccelli"),
        sandbox.path("docs/trampolieri"),
    )
    .unwrap();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let run = sandbox.run(&["search", "--index", "idx", "-l", "airone"]);
        if run.stdout.trim_end().ends_with("trampolieri/airone.txt") && run.lines().len() == 1 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the renamed folder: {}",
            run.stdout
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::rename(
        sandbox.path("docs/fenicottero.txt"),
        sandbox.path("docs/trampolieri/fenicottero.txt"),
    )
    .unwrap();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let run = sandbox.run(&["search", "--index", "idx", "-l", "fenicottero"]);
        if run
            .stdout
            .trim_end()
            .ends_with("trampolieri/fenicottero.txt")
            && run.lines().len() == 1
        {
            break;
        }
        assert!(Instant::now() < deadline, "the moved file: {}", run.stdout);
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_burst_of_files_is_all_indexed() {
    let (sandbox, _watching) = watched_folder();
    for i in 0..1000 {
        sandbox.write(
            &format!("docs/burst/{i:04}.txt"),
            format!("Nota numero {i} sul gabbiano.\n"),
        );
    }
    let deadline = Instant::now() + PATIENCE * 3;
    loop {
        let run = sandbox.run(&["search", "--index", "idx", "-c", "gabbiano"]);
        if run.stdout.trim() == "1000" {
            break;
        }
        assert!(Instant::now() < deadline, "after the burst: {}", run.stdout);
        std::thread::sleep(Duration::from_millis(200));
    }
    let check = sandbox.run(&["check", "--index", "idx"]);
    check.code(0);
}

#[test]
fn folder_options_hold_while_watching() {
    let sandbox = Sandbox::new();
    sandbox.write("docs/a.txt", "Il cormorano.\n");
    let _watching = Watching::start(&sandbox, &["--exclude", "bozze/**", "docs"]);
    sandbox.write("docs/bozze/b.txt", "Il cormorano in bozza.\n");
    sandbox.write("docs/c.txt", "Il cormorano nero.\n");
    eventually(&sandbox, "cormorano", &["a.txt", "c.txt"]);
    // Hidden files are skipped, as by `cerca index`.
    sandbox.write("docs/.nascosto.txt", "Il cormorano nascosto.\n");
    sandbox.write("docs/d.txt", "Il cormorano bianco.\n");
    eventually(&sandbox, "cormorano", &["a.txt", "c.txt", "d.txt"]);
}

#[test]
fn other_writers_can_work_between_syncs() {
    let (sandbox, _watching) = watched_folder();
    sandbox.write("altro/gru.txt", "La gru migra.\n");
    // The watcher does not hold the lock while it waits for changes.
    sandbox.run(&["index", "--index", "idx", "altro"]).code(0);
    eventually(&sandbox, "gru", &["gru.txt"]);
    // A folder added by another cerca is watched within seconds.
    sandbox.write("altro/cicogna.txt", "La cicogna.\n");
    eventually(&sandbox, "cicogna", &["cicogna.txt"]);
}

#[test]
fn a_folder_gone_and_made_again_is_watched_again() {
    let sandbox = Sandbox::new();
    sandbox.write("docs/a.txt", "Il cormorano.\n");
    sandbox.write("altro/b.txt", "La gru.\n");
    let watching = Watching::start(&sandbox, &["docs", "altro"]);
    eventually(&sandbox, "cormorano OR gru", &["a.txt", "b.txt"]);
    // One folder goes (its documents stay, as for `cerca index`: an
    // unmounted disk is not an empty one); the watch goes on.
    std::fs::rename(sandbox.path("docs"), sandbox.path("docs.via")).unwrap();
    sandbox.write("altro/c.txt", "La gru cenerina.\n");
    eventually(&sandbox, "cenerina", &["c.txt"]);
    // It comes back, made anew (as `rm -rf d && git clone … d`).
    sandbox.write("docs/d.txt", "Il cormorano nuovo.\n");
    eventually(&sandbox, "cormorano", &["d.txt"]);
    sandbox.write("docs/e.txt", "Il cormorano dopo.\n");
    eventually(&sandbox, "dopo", &["e.txt"]);
    assert!(watching.stop().success());
}

#[test]
fn ctrl_c_stops_cleanly_and_a_restart_catches_up() {
    let (sandbox, watching) = watched_folder();
    let status = watching.stop();
    assert!(status.success(), "{status:?}");
    // Changed while nobody watched: the next watch syncs it first.
    sandbox.write("docs/martin.txt", "Il martin pescatore.\n");
    let _again = Watching::start(&sandbox, &[]);
    eventually(&sandbox, "martin", &["martin.txt"]);
}

#[test]
fn an_index_without_folders_is_refused() {
    let sandbox = Sandbox::new();
    sandbox.write("docs/a.txt", "Il cormorano.\n");
    sandbox.run(&["index", "--index", "idx", "docs"]).code(0);
    sandbox.run(&["forget", "--index", "idx", "docs"]).code(0);
    sandbox
        .run(&["watch", "--index", "idx"])
        .code(2)
        .stderr_has("no folder to watch");
    sandbox
        .run(&["watch", "--index", "idx", "--exclude", "x"])
        .code(2)
        .stderr_has("give the folder too");
}

#[test]
fn a_folder_missing_at_start_is_watched_once_it_comes() {
    let sandbox = Sandbox::new();
    sandbox.write("docs/a.txt", "Il cormorano.\n");
    sandbox.run(&["index", "--index", "idx", "docs"]).code(0);
    std::fs::rename(sandbox.path("docs"), sandbox.path("docs.via")).unwrap();
    let _watching = Watching::start(&sandbox, &[]);
    // Back (a disk mounted later), with a file written while unwatched.
    std::fs::rename(sandbox.path("docs.via"), sandbox.path("docs")).unwrap();
    sandbox.write("docs/b.txt", "Il cormorano bianco.\n");
    eventually(&sandbox, "bianco", &["b.txt"]);
}

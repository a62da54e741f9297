//! `cerca index`, `cerca status`, `cerca forget`: the sync summary through
//! additions, changes, deletions and renames; re-syncing known folders; where
//! the index lives (`--index`, `CERCA_INDEX`, the XDG data dir); permissions.

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use common::{assert_private_tree, set_modified, sorted_lines, summary, Sandbox};
use serde_json::Value;

/// `docs/` with three indexable documents and two that are skipped.
fn docs(sandbox: &Sandbox) {
    sandbox.write(
        "docs/alfa.txt",
        "date 2025-01-02 Il canguro salta nel deserto australiano.\n",
    );
    sandbox.write(
        "docs/beta.md",
        "# Appunti\n\nLa giraffa mangia le foglie dell'acacia.\n",
    );
    sandbox.write(
        "docs/sotto/gamma.html",
        "<html><head><title>Pagina</title></head><body><p>Il pinguino nuota.</p></body></html>",
    );
    sandbox.write("docs/foto.jpg", [0xff, 0xd8, 0xff, 0xe0]);
    sandbox.write("docs/dati.txt", b"binario\0\x01\x02");
}

fn index(sandbox: &Sandbox, args: &[&str]) -> common::Run {
    let mut all = vec!["index", "--index", "idx"];
    all.extend_from_slice(args);
    sandbox.run(&all)
}

fn found(sandbox: &Sandbox, query: &str) -> Vec<String> {
    let run = sandbox.run(&["search", "--index", "idx", "-l", "-n", "1000", query]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    sorted_lines(&run)
}

#[test]
fn index_prints_a_summary_and_follows_every_change() {
    let sandbox = Sandbox::new();
    docs(&sandbox);

    let first = index(&sandbox, &["docs"]);
    first.code(0);
    assert_eq!(
        first.summary(),
        summary(3, 0, 0, 0, 2, 0),
        "{}",
        first.stdout
    );
    assert_eq!(first.lines()[1], "indexed: 1 html, 1 md, 1 txt");
    assert_eq!(
        first.lines()[2],
        "skipped: 1 binary content, 1 unsupported kind .jpg"
    );
    assert_eq!(found(&sandbox, "canguro"), ["docs/alfa.txt"]);
    assert_eq!(found(&sandbox, "pinguino"), ["docs/sotto/gamma.html"]);

    // Nothing changed: nothing read.
    let again = index(&sandbox, &["docs"]);
    again.code(0);
    assert_eq!(
        again.summary(),
        summary(0, 0, 0, 3, 2, 0),
        "{}",
        again.stdout
    );
    assert!(
        again.stdout.contains("; 0.0 MB read in "),
        "{}",
        again.stdout
    );

    // Touched only (new modification time, same content): still unchanged.
    set_modified(
        &sandbox.path("docs/alfa.txt"),
        SystemTime::now() + Duration::from_secs(5),
    );
    assert_eq!(
        index(&sandbox, &["docs"]).summary(),
        summary(0, 0, 0, 3, 2, 0)
    );

    // Modified.
    sandbox.write(
        "docs/alfa.txt",
        "date 2025-01-02 Il canguro rosso salta nel deserto, lontano dal koala.\n",
    );
    let modified = index(&sandbox, &["docs"]);
    assert_eq!(
        modified.summary(),
        summary(0, 1, 0, 2, 2, 0),
        "{}",
        modified.stdout
    );
    assert_eq!(found(&sandbox, "koala"), ["docs/alfa.txt"]);
    assert_eq!(
        found(&sandbox, "canguro").len(),
        1,
        "replaced, not added twice"
    );

    // Deleted.
    fs::remove_file(sandbox.path("docs/beta.md")).unwrap();
    let deleted = index(&sandbox, &["docs"]);
    assert_eq!(
        deleted.summary(),
        summary(0, 0, 1, 2, 2, 0),
        "{}",
        deleted.stdout
    );
    assert!(found(&sandbox, "giraffa").is_empty());
    sandbox
        .run(&["search", "--index", "idx", "giraffa"])
        .code(1);

    // Renamed: the old path goes, the new one comes.
    fs::rename(
        sandbox.path("docs/sotto/gamma.html"),
        sandbox.path("docs/sotto/delta.html"),
    )
    .unwrap();
    let renamed = index(&sandbox, &["docs"]);
    assert_eq!(
        renamed.summary(),
        summary(1, 0, 1, 1, 2, 0),
        "{}",
        renamed.stdout
    );
    assert_eq!(found(&sandbox, "pinguino"), ["docs/sotto/delta.html"]);

    // A file that stopped being indexable is removed.
    sandbox.write("docs/alfa.txt", b"ora binario\0\0\0");
    let binary = index(&sandbox, &["docs"]);
    assert_eq!(
        binary.summary(),
        summary(0, 0, 1, 1, 3, 0),
        "{}",
        binary.stdout
    );
    assert!(found(&sandbox, "koala").is_empty());
}

#[test]
fn index_json_prints_the_report() {
    let sandbox = Sandbox::new();
    docs(&sandbox);
    let run = index(&sandbox, &["--json", "docs"]);
    run.code(0);
    let reports = run.json();
    assert_eq!(reports.len(), 1, "{}", run.stdout);
    let report = &reports[0];
    for (key, n) in [
        ("added", 3),
        ("updated", 0),
        ("removed", 0),
        ("unchanged", 0),
        ("skipped", 2),
        ("failed", 0),
    ] {
        assert_eq!(report[key], n, "{key}: {report}");
    }
    assert!(report["bytes_read"].as_u64().unwrap() > 0);
    assert!(report["elapsed"].is_f64());
    assert_eq!(
        report["indexed_by_kind"],
        serde_json::json!({"html": 1, "md": 1, "txt": 1})
    );
    assert_eq!(
        report["skipped_by_reason"],
        serde_json::json!({"binary content": 1, "unsupported kind .jpg": 1})
    );
    assert_eq!(report["failures"], Value::Array(Vec::new()));
}

#[test]
fn a_file_that_cannot_be_read_is_counted_as_failed_and_exits_1() {
    let sandbox = Sandbox::new();
    docs(&sandbox);
    sandbox.write("docs/rotto.docx", "non è un documento Word");
    // A link to nothing is passed over, not a failure.
    std::os::unix::fs::symlink(
        "/nonexistent/cerca-test-target",
        sandbox.path("docs/collegamento.txt"),
    )
    .unwrap();
    let run = index(&sandbox, &["docs"]);
    run.code(1)
        .stderr_has("rotto.docx")
        .stderr_lacks("collegamento");
    assert_eq!(run.summary()["failed"], 1, "{}", run.stdout);
    run.stdout_has("1 symbolic link not followed");
    assert_eq!(
        run.summary()["added"],
        3,
        "the other files are indexed all the same"
    );
    assert_eq!(found(&sandbox, "canguro"), ["docs/alfa.txt"]);
}

#[test]
fn index_without_paths_resyncs_every_known_folder() {
    let sandbox = Sandbox::new();
    docs(&sandbox);
    sandbox.write("altri/uno.txt", "Il lama vive sulle Ande.\n");
    index(&sandbox, &["docs"]).code(0);
    let second = index(&sandbox, &["altri"]);
    assert_eq!(
        second.summary(),
        summary(1, 0, 0, 0, 0, 0),
        "only the given folder is synced: {}",
        second.stdout
    );

    sandbox.write("altri/due.txt", "Il condor vola sulle Ande.\n");
    sandbox.write("docs/nuovo.txt", "Il canguro grigio.\n");
    fs::remove_file(sandbox.path("docs/beta.md")).unwrap();
    let resync = index(&sandbox, &[]);
    resync.code(0);
    assert_eq!(
        resync.summary(),
        summary(2, 0, 1, 3, 2, 0),
        "{}",
        resync.stdout
    );
    assert_eq!(found(&sandbox, "condor"), ["altri/due.txt"]);
    assert_eq!(
        found(&sandbox, "canguro"),
        ["docs/alfa.txt", "docs/nuovo.txt"]
    );
    assert_eq!(found(&sandbox, "ande"), ["altri/due.txt", "altri/uno.txt"]);

    // A known folder given again adds nothing.
    let again = index(&sandbox, &["./docs"]);
    assert_eq!(
        again.summary(),
        summary(0, 0, 0, 3, 2, 0),
        "{}",
        again.stdout
    );
    assert_eq!(
        status_folders(&sandbox.run(&["status", "--index", "idx"])).len(),
        2,
        "still two roots"
    );
}

#[test]
fn nested_roots_index_each_file_once() {
    let sandbox = Sandbox::new();
    docs(&sandbox);
    index(&sandbox, &["docs"]).code(0);
    // A folder inside a known one: a new file under both is one document.
    index(&sandbox, &["docs/sotto"]).code(0);
    sandbox.write("docs/sotto/nuovo.txt", "Il koala dorme.\n");
    let resync = index(&sandbox, &[]);
    assert_eq!(
        resync.summary(),
        summary(1, 0, 0, 3, 2, 0),
        "{}",
        resync.stdout
    );
    assert_eq!(found(&sandbox, "koala"), ["docs/sotto/nuovo.txt"]);
    assert_eq!(found(&sandbox, "pinguino"), ["docs/sotto/gamma.html"]);
    let status = sandbox.run(&["status", "--index", "idx"]);
    status.code(0).stdout_has("documents: 4\n");
    assert_eq!(
        status_folders(&status).len(),
        2,
        "two roots: {}",
        status.stdout
    );
}

#[test]
fn the_same_folder_twice_is_indexed_once() {
    let sandbox = Sandbox::new();
    docs(&sandbox);
    let twice = index(&sandbox, &["docs", "./docs"]);
    twice.code(0);
    assert_eq!(twice.summary()["added"], 3, "{}", twice.stdout);
    assert_eq!(found(&sandbox, "canguro"), ["docs/alfa.txt"]);
    sandbox
        .run(&["status", "--index", "idx"])
        .code(0)
        .stdout_has("documents: 3\n");
}

#[test]
fn the_same_folder_twice_counts_each_file_once() {
    let sandbox = Sandbox::new();
    docs(&sandbox);
    let twice = index(&sandbox, &["docs", "./docs"]);
    assert_eq!(
        twice.summary(),
        summary(3, 0, 0, 0, 2, 0),
        "{}",
        twice.stdout
    );
    let again = index(&sandbox, &["docs", "./docs"]);
    assert_eq!(
        again.summary(),
        summary(0, 0, 0, 3, 2, 0),
        "{}",
        again.stdout
    );
}

#[test]
fn index_without_paths_on_a_new_index_says_what_to_do() {
    let sandbox = Sandbox::new();
    let run = index(&sandbox, &[]);
    run.code(2).stderr_has("cerca index");
    assert!(!sandbox.path("idx").exists(), "nothing created");
}

#[test]
fn a_single_file_can_be_indexed() {
    let sandbox = Sandbox::new();
    docs(&sandbox);
    let run = index(&sandbox, &["docs/beta.md"]);
    assert_eq!(run.summary(), summary(1, 0, 0, 0, 0, 0), "{}", run.stdout);
    assert_eq!(found(&sandbox, "giraffa"), ["docs/beta.md"]);
    assert!(found(&sandbox, "canguro").is_empty());
}

#[test]
fn status_lists_folders_documents_size_and_last_sync() {
    let sandbox = Sandbox::new();
    docs(&sandbox);
    sandbox.write("altri/uno.txt", "Il lama vive sulle Ande.\n");
    let before = sandbox.run(&["status", "--index", "idx"]);
    before.code(2).stderr_has("cerca index");

    index(&sandbox, &["docs", "altri"]).code(0);
    let run = sandbox.run(&["status", "--index", "idx"]);
    run.code(0);
    let lines = run.lines();
    assert_eq!(lines[0], "index: idx");
    assert_eq!(lines[1], "documents: 4");
    let size: f64 = lines[2]
        .strip_prefix("size: ")
        .and_then(|s| s.strip_suffix(" MB"))
        .unwrap()
        .parse()
        .unwrap();
    assert!(size >= 0.0, "{}", lines[2]);
    let last_sync = lines[3].strip_prefix("last sync: ").unwrap();
    assert!(
        last_sync.len() == 20 && last_sync.ends_with('Z') && last_sync.starts_with("20"),
        "RFC 3339: {last_sync}"
    );
    assert_eq!(lines[4], "semantic search: off");
    assert_eq!(lines[5], "folders:");
    let mut roots: Vec<String> = vec![
        format!("  {}", sandbox.path("altri").display()),
        format!("  {}", sandbox.path("docs").display()),
    ];
    roots.sort();
    assert_eq!(
        status_folders(&run),
        roots,
        "canonical, absolute roots:\n{}",
        run.stdout
    );
    // Each with its own last sync, and no options (the defaults).
    assert_eq!(
        lines[5..]
            .iter()
            .filter(|line| line.starts_with("    last sync: 20"))
            .count(),
        2,
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("options:"), "{}", run.stdout);
}

/// The folder lines of `cerca status` (indented by two; their details by four).
fn status_folders(run: &common::Run) -> Vec<String> {
    let lines = run.lines();
    let start = lines
        .iter()
        .position(|l| *l == "folders:")
        .map_or(lines.len(), |i| i + 1);
    lines[start..]
        .iter()
        .filter(|line| line.starts_with("  ") && !line.starts_with("    "))
        .map(|line| line.to_string())
        .collect()
}

#[test]
fn forget_removes_a_folder_and_its_documents() {
    let sandbox = Sandbox::new();
    docs(&sandbox);
    sandbox.write(
        "altri/uno.txt",
        "Il lama vive sulle Ande, non il canguro.\n",
    );
    index(&sandbox, &["docs", "altri"]).code(0);
    assert_eq!(found(&sandbox, "canguro").len(), 2);

    let run = sandbox.run(&["forget", "--index", "idx", "docs"]);
    run.code(0);
    assert_eq!(run.stdout, "forgot docs: 3 documents removed\n");
    sandbox
        .run(&["search", "--index", "idx", "giraffa"])
        .code(1);
    sandbox
        .run(&["search", "--index", "idx", "path:docs"])
        .code(1);
    assert_eq!(found(&sandbox, "canguro"), ["altri/uno.txt"]);

    let status = sandbox.run(&["status", "--index", "idx"]);
    status.code(0).stdout_has("documents: 1\n");
    assert!(
        !status
            .stdout
            .contains(&*sandbox.path("docs").to_string_lossy()),
        "{}",
        status.stdout
    );

    // A re-sync does not bring it back.
    let resync = index(&sandbox, &[]);
    assert_eq!(
        resync.summary(),
        summary(0, 0, 0, 1, 0, 0),
        "{}",
        resync.stdout
    );
    sandbox
        .run(&["search", "--index", "idx", "giraffa"])
        .code(1);

    // Forgetting what is not a root is an error that names the roots.
    let unknown = sandbox.run(&["forget", "--index", "idx", "docs"]);
    unknown
        .code(2)
        .stderr_has("not a root")
        .stderr_has(&sandbox.path("altri").to_string_lossy());
    // An index that keeps no folder says so, not an empty list.
    sandbox.run(&["forget", "--index", "idx", "altri"]).code(0);
    sandbox
        .run(&["forget", "--index", "idx", "altri"])
        .code(2)
        .stderr_has("not a root of this index; it has no folders");
}

#[test]
fn index_option_wins_over_cerca_index_which_wins_over_the_data_dir() {
    let sandbox = Sandbox::new();
    sandbox.write("uno/a.txt", "Il fenicottero rosa.\n");
    sandbox.write("due/b.txt", "Il pellicano bianco.\n");
    let env_index = sandbox.path("da-env");
    let env = [("CERCA_INDEX", env_index.to_str().unwrap())];

    sandbox.run_env(&["index", "uno"], &env).code(0);
    assert!(
        env_index.join("cerca-index.json").is_file(),
        "CERCA_INDEX is where the index goes"
    );
    sandbox
        .run_env(&["index", "--index", "da-opzione", "due"], &env)
        .code(0);
    assert!(sandbox.path("da-opzione/cerca-index.json").is_file());
    assert!(
        !sandbox.data().exists(),
        "the data dir is not touched when an index is given"
    );

    sandbox.run_env(&["search", "fenicottero"], &env).code(0);
    sandbox.run_env(&["search", "pellicano"], &env).code(1);
    sandbox
        .run_env(&["search", "--index", "da-opzione", "pellicano"], &env)
        .code(0);
    sandbox
        .run_env(&["search", "--index", "da-opzione", "fenicottero"], &env)
        .code(1);
    sandbox
        .run_env(&["status"], &env)
        .code(0)
        .stdout_has(&format!("index: {}", env_index.display()));

    // Neither: the index in the XDG data dir, which does not exist yet.
    let none = sandbox.run(&["search", "fenicottero"]);
    none.code(2).stderr_has("cerca index");
    sandbox.run(&["index", "uno", "due"]).code(0);
    let default = sandbox.data().join("cerca/index");
    assert!(
        default.join("cerca-index.json").is_file(),
        "default index in $XDG_DATA_HOME/cerca/index"
    );
    sandbox.run(&["search", "pellicano"]).code(0);
    assert!(
        !sandbox.home().join(".local").exists(),
        "HOME is not used when XDG_DATA_HOME is set"
    );
}

#[test]
fn the_index_is_readable_by_its_owner_only() {
    let sandbox = Sandbox::new();
    docs(&sandbox);
    index(&sandbox, &["docs"]).code(0);
    assert_private_tree(&sandbox.path("idx"));
    // New segments of later syncs too.
    sandbox.write("docs/nuovo.txt", "Il canguro grigio.\n");
    index(&sandbox, &["docs"]).code(0);
    sandbox.run(&["forget", "--index", "idx", "docs"]).code(0);
    assert_private_tree(&sandbox.path("idx"));

    // The default index, and the directories cerca creates for it.
    sandbox.run(&["index", "docs"]).code(0);
    assert_private_tree(&sandbox.data().join("cerca"));
}

#[test]
fn a_file_over_the_size_limit_is_named_on_stderr() {
    let sandbox = Sandbox::new();
    sandbox.write("big/piccolo.txt", "Un gatto.\n");
    sandbox.write("big/grande.txt", "Un elefante. ".repeat(200));
    let run = sandbox.run(&["index", "--index", "idx", "--max-size", "1K", "big"]);
    run.code(0)
        .stderr_has("grande.txt")
        .stderr_has("too large")
        .stderr_has("--max-size");
    assert!(!run.stderr.contains("piccolo.txt"), "{}", run.stderr);
    assert!(run.stdout.contains("1 too large"), "{}", run.stdout);
}

/// As `cerca search` with its PATHs (and rg): the folders that exist are
/// indexed, the others reported, exit 2; nothing is created when none exists.
#[test]
fn a_folder_that_does_not_exist_is_reported_and_the_others_indexed() {
    let sandbox = Sandbox::new();
    docs(&sandbox);
    let run = index(&sandbox, &["docs", "manca"]);
    run.code(2)
        .stderr_has("cannot index manca: No such file or directory");
    assert_eq!(found(&sandbox, "canguro").len(), 1, "docs/ was indexed");
    let status = sandbox.run(&["status", "--index", "idx", "--json"]);
    status.code(0);
    assert!(!status.stdout.contains("manca"), "{}", status.stdout);
    // Nothing that exists: no index is made.
    let run = sandbox.run(&["index", "--index", "nuovo", "manca", "altro"]);
    run.code(2)
        .stderr_has("cannot index manca")
        .stderr_has("cannot index altro");
    assert!(!sandbox.path("nuovo").exists());
}

/// A user the system does not know (a container's `-u 12345`), without HOME:
/// the XDG directories are enough; without them, an error that says what to
/// do (the static build crashed asking the user database for a home).
#[test]
fn a_user_without_home_or_passwd_entry_uses_the_xdg_directories() {
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| out.stdout.starts_with(b"0\n"));
    let has_setpriv = std::process::Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !(is_root && has_setpriv) {
        eprintln!("skipped: becoming an unknown user needs root and setpriv (util-linux)");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let sandbox = Sandbox::new();
    docs(&sandbox);
    // The unknown user must reach the binary and the sandbox.
    let root = sandbox.home().parent().unwrap().to_path_buf();
    let binary = root.join("cerca");
    if fs::hard_link(common::binary(), &binary).is_err() {
        fs::copy(common::binary(), &binary).unwrap();
    }
    for dir in [root.clone(), sandbox.work(), sandbox.path("docs")] {
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
    }
    let as_stranger = |env: &[(&str, &Path)], args: &[&str]| {
        let mut command = std::process::Command::new("setpriv");
        command
            .args(["--reuid=12345", "--regid=12345", "--clear-groups", "--"])
            .arg(&binary)
            .args(args)
            .current_dir(sandbox.work())
            .env_clear()
            .env("PATH", "/usr/bin:/bin");
        for (key, value) in env {
            command.env(key, value);
        }
        command.output().unwrap()
    };
    let xdg = [
        ("XDG_DATA_HOME", sandbox.data()),
        ("XDG_CACHE_HOME", sandbox.cache()),
    ];
    let xdg: Vec<(&str, &Path)> = xdg.iter().map(|(k, v)| (*k, v.as_path())).collect();
    fs::create_dir_all(sandbox.data()).unwrap();
    fs::create_dir_all(sandbox.cache()).unwrap();
    for dir in [sandbox.data(), sandbox.cache()] {
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
    }
    let indexed = as_stranger(&xdg, &["index", "docs"]);
    assert_eq!(indexed.status.code(), Some(0), "{indexed:?}");
    assert!(sandbox
        .data()
        .join("cerca/index/cerca-index.json")
        .is_file());
    let ad_hoc = as_stranger(&xdg, &["search", "-l", "canguro", "docs"]);
    assert_eq!(ad_hoc.status.code(), Some(0), "{ad_hoc:?}");
    assert!(sandbox.cache().join("cerca").is_dir());
    let lost = as_stranger(&[], &["status"]);
    assert_eq!(lost.status.code(), Some(2), "{lost:?}");
    assert!(String::from_utf8_lossy(&lost.stderr).contains("set HOME, or give --index DIR"));
}

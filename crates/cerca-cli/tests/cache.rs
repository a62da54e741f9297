//! `cerca cache list` and `cerca cache clear`, and the eviction of the
//! least recently used ad-hoc caches (at most 16 are kept).

mod common;

use std::fs;
use std::process::Stdio;

use common::{json_path, Sandbox};

/// What the cache directory holds, but the lock files of its caches.
fn cache_dirs(sandbox: &Sandbox) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(sandbox.cache().join("cerca"))
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|name| !name.ends_with(".lock"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn cache_list_shows_each_cache_and_clear_removes_them() {
    let sandbox = Sandbox::new();
    sandbox.write("uno/a.txt", "Il fenicottero rosa.\n");
    sandbox.write("due/b.txt", "Il fenicottero bianco.\n");
    let empty = sandbox.run(&["cache", "list"]);
    empty.code(0).stdout_has("no cached index");
    sandbox.run(&["search", "-c", "fenicottero", "uno"]).code(0);
    sandbox.run(&["search", "-c", "fenicottero", "due"]).code(0);

    let list = sandbox.run(&["cache", "list", "--json"]);
    list.code(0);
    let caches = list.json();
    assert_eq!(caches.len(), 2, "{}", list.stdout);
    // Most recently used first.
    assert_eq!(
        caches[0]["paths"],
        serde_json::json!([json_path(&sandbox.path("due"))])
    );
    assert_eq!(
        caches[1]["paths"],
        serde_json::json!([json_path(&sandbox.path("uno"))])
    );
    assert!(caches[0]["size"].as_u64().unwrap() > 0);
    sandbox
        .run(&["cache", "list"])
        .code(0)
        .stdout_has(&sandbox.path("uno").display().to_string());

    // Something of someone else's in the cache directory is left alone.
    fs::write(sandbox.cache().join("cerca/appunti.txt"), "mio").unwrap();
    let clear = sandbox.run(&["cache", "clear"]);
    clear.code(0).stdout_has("removed 2 cached indexes");
    assert_eq!(cache_dirs(&sandbox), ["appunti.txt"]);
    // The next search rebuilds its cache.
    sandbox
        .run(&["search", "-c", "fenicottero", "uno"])
        .code(0)
        .stdout_has("1\n");
}

#[test]
fn the_least_recently_used_caches_are_evicted_past_16() {
    let sandbox = Sandbox::new();
    for i in 0..18 {
        sandbox.write(&format!("c{i:02}/a.txt"), format!("La parola numero{i}.\n"));
    }
    for i in 0..17 {
        sandbox
            .run(&["search", "-q", "parola", &format!("c{i:02}")])
            .code(0);
    }
    // c00 was used again: c01 is now the least recently used.
    sandbox.run(&["search", "-q", "parola", "c00"]).code(0);
    sandbox.run(&["search", "-q", "parola", "c17"]).code(0);
    let dirs = cache_dirs(&sandbox);
    assert_eq!(dirs.len(), 16, "{dirs:?}");
    assert!(dirs.iter().any(|d| d.starts_with("c00-")), "{dirs:?}");
    assert!(dirs.iter().any(|d| d.starts_with("c17-")), "{dirs:?}");
    assert!(!dirs.iter().any(|d| d.starts_with("c01-")), "{dirs:?}");
    assert!(!dirs.iter().any(|d| d.starts_with("c02-")), "{dirs:?}");
}

#[test]
fn searches_at_once_on_more_folders_than_the_cache_keeps_all_succeed() {
    // Each search's eviction removed caches the others were still using:
    // most of 24 failed with "cannot remove the old cached index".
    let sandbox = Sandbox::new();
    for i in 0..24 {
        sandbox.write(&format!("c{i:02}/a.txt"), "La parola cercata.\n");
    }
    let children: Vec<_> = (0..24)
        .map(|i| {
            sandbox
                .std_command()
                .args(["search", "-c", "parola", &format!("c{i:02}")])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for (i, child) in children.into_iter().enumerate() {
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "c{i:02}: {stderr}");
        assert_eq!(String::from_utf8_lossy(&output.stdout), "1\n", "c{i:02}");
    }
    assert!(cache_dirs(&sandbox).len() <= 16);
}

#[test]
fn cache_clear_passes_over_a_cache_a_search_is_using() {
    let sandbox = Sandbox::new();
    sandbox.write("uno/a.txt", "Il fenicottero rosa.\n");
    sandbox.write("due/b.txt", "Il fenicottero bianco.\n");
    sandbox.run(&["search", "-c", "fenicottero", "uno"]).code(0);
    sandbox.run(&["search", "-c", "fenicottero", "due"]).code(0);
    let uno = cache_dirs(&sandbox)
        .into_iter()
        .find(|name| name.starts_with("uno-"))
        .unwrap();
    // What a search under way holds.
    let lock = fs::File::open(sandbox.cache().join(format!("cerca/{uno}.lock"))).unwrap();
    lock.lock_shared().unwrap();
    sandbox
        .run(&["cache", "clear"])
        .code(0)
        .stdout_has("removed 1 cached indexes")
        .stdout_has("kept 1 in use");
    assert_eq!(cache_dirs(&sandbox), [uno]);
    drop(lock);
    sandbox
        .run(&["cache", "clear"])
        .code(0)
        .stdout_has("removed 1 cached indexes");
    assert!(cache_dirs(&sandbox).is_empty());
}

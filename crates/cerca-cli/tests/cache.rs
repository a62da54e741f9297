//! `cerca cache list` and `cerca cache clear`, and the eviction of the
//! least recently used ad-hoc caches (at most 16 are kept).

mod common;

use std::fs;

use common::{json_path, Sandbox};

fn cache_dirs(sandbox: &Sandbox) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(sandbox.cache().join("cerca"))
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
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

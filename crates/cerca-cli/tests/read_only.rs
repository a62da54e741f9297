//! An index on a read-only mount (a backup, a CD, a shared volume): readers
//! never take a lock, so searching, `status`, `check` and `--explain` work;
//! syncing says, in words, that the index cannot be written.

mod common;

use common::{in_mount_namespace, Sandbox};

#[test]
fn a_read_only_index_can_be_searched_and_says_why_it_cannot_be_synced() {
    let sandbox = Sandbox::new();
    sandbox.copy_seed("docs/seed.txt");
    let binary = common::binary();
    let cerca = binary.display();
    let script = format!(
        "set -u; mkdir -p disk && mount -t tmpfs tmpfs disk || {{ echo 'cannot mount' >&2; exit 1; }}
         '{cerca}' index --index disk/idx docs >/dev/null && mount -o remount,ro disk || exit 1
         '{cerca}' search --index disk/idx -c esercitazione; echo \"search=$?\"
         '{cerca}' search --index disk/idx --explain esercitazione >/dev/null 2>&1; echo \"explain=$?\"
         '{cerca}' status --index disk/idx >/dev/null; echo \"status=$?\"
         '{cerca}' check --index disk/idx >/dev/null; echo \"check=$?\"
         '{cerca}' index --index disk/idx 2>err.txt; echo \"index=$?\"
         '{cerca}' index --index disk/idx --rebuild 2>rebuild.txt; echo \"rebuild=$?\""
    );
    let Some(output) = in_mount_namespace(&sandbox, &script) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "1\nsearch=0",
        "explain=0",
        "status=0",
        "check=0",
        "index=2",
        "rebuild=2",
    ] {
        assert!(stdout.contains(expected), "{expected}:\n{stdout}\n{stderr}");
    }
    for said in ["err.txt", "rebuild.txt"] {
        let err = std::fs::read_to_string(sandbox.path(said)).unwrap_or_default();
        assert!(err.contains("cannot be written"), "{said}: {err}");
        assert!(
            !err.contains("Os {") && !err.contains("Some(") && !err.contains("busy"),
            "{said}: {err}"
        );
    }
}

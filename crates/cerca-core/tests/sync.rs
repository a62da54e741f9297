//! `Index::sync` on real files in temporary folders: what each sync reports and what
//! searches find afterwards.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use cerca_core::read::WalkOptions;
use cerca_core::{
    Error, Hit, Index, Root, SearchOptions, SyncOptions, SyncProgress, SyncReport, Syncer,
};
use common::{
    at, canonical, count, roots, set_mtime, settle, sync, sync_roots, temp_index, total_size,
    try_sync_with, write_at,
};

/// Syncs `docs` with a size limit that makes a 2000-byte file "too large".
fn sync_limited(index: &Index, docs: &Path) -> SyncReport {
    let options = WalkOptions::default().with_max_file_size(1000);
    let root = Root::with_options(docs, options);
    sync_roots(index, &[root], &SyncOptions::default())
}

/// The index's roots.
fn root_paths(index: &Index) -> Vec<PathBuf> {
    index
        .roots()
        .unwrap()
        .into_iter()
        .map(|status| status.root.path)
        .collect()
}

fn forget(index: &Index, root: &Path) -> cerca_core::Result<usize> {
    Syncer::new(index).forget(root)
}

/// The hits for `query` (up to 100).
fn hits(index: &Index, query: &str) -> Vec<Hit> {
    let options = SearchOptions::default().with_limit(100);
    index
        .search(query, &options)
        .unwrap_or_else(|e| panic!("{query}: {e}"))
        .hits
}

/// The one hit for `query`.
fn only_hit(index: &Index, query: &str) -> Hit {
    let mut found = hits(index, query);
    assert_eq!(found.len(), 1, "{query}: {found:?}");
    found.remove(0)
}

fn kinds(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|&(k, n)| (k.to_string(), n)).collect()
}

/// Asserts the change counts of a report: (added, updated, removed, unchanged, skipped, failed).
#[track_caller]
fn assert_counts(report: &SyncReport, expected: (usize, usize, usize, usize, usize, usize)) {
    let actual = (
        report.added,
        report.updated,
        report.removed,
        report.unchanged,
        report.skipped,
        report.failed,
    );
    assert_eq!(
        actual, expected,
        "(added, updated, removed, unchanged, skipped, failed) of {report:#?}"
    );
}

/// A folder with every supported kind, unsupported kinds, a binary file, a hidden
/// file, a file too large for [`small_limit`] and an empty file. Returns the files
/// that get indexed.
fn mixed_folder(docs: &Path) -> Vec<PathBuf> {
    let indexed = [
        (
            "esercito.txt",
            "Le esercitazioni militari in Bielorussia.\n",
        ),
        ("LEGGIMI", "Istruzioni per il giardiniere.\n"),
        (
            "ricetta.md",
            "# Torta di mele\n\nUna torta con la cannella.\n",
        ),
        (
            "pagina.html",
            "<html><head><title>Energia</title></head><body><p>Il prezzo del gas.</p></body></html>",
        ),
        (
            "vecchia.HTM",
            "<p>Una pagina antica sul telegrafo.</p>",
        ),
        ("vuoto.txt", ""),
        ("sotto/cartella/profondo.txt", "Un sommergibile nel profondo.\n"),
    ];
    for (name, text) in indexed {
        write_at(&docs.join(name), text, at(0));
    }
    write_at(&docs.join("foto.jpg"), "fotografia finta", at(0));
    write_at(&docs.join("documento.doc"), "pergamena", at(0));
    write_at(
        &docs.join("binario.txt"),
        b"PK\x03\x04\x00\x00 zaffiro",
        at(0),
    );
    write_at(&docs.join(".nascosto.txt"), "segreto nascosto", at(0));
    write_at(
        &docs.join("grande.txt"),
        &"mammut ".repeat(2000 / 7 + 1)[..2000],
        at(0),
    );
    indexed
        .iter()
        .map(|(name, _)| canonical(&docs.join(name)))
        .collect()
}

#[test]
fn first_sync_adds_every_supported_file_and_skips_the_rest() {
    let (_dir, index, docs) = temp_index();
    let indexed = mixed_folder(&docs);

    let report = sync_limited(&index, &docs);

    assert_counts(&report, (7, 0, 0, 0, 5, 0));
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    assert_eq!(report.without_text, 1, "the empty file");
    assert_eq!(
        report.indexed_by_kind,
        kinds(&[("", 1), ("htm", 1), ("html", 1), ("md", 1), ("txt", 3)])
    );
    let mut reasons = report.skipped_by_reason.clone();
    let too_large: Vec<String> = reasons
        .keys()
        .filter(|k| k.starts_with("too large"))
        .cloned()
        .collect();
    assert_eq!(too_large.len(), 1, "{reasons:?}");
    assert_eq!(reasons.remove(&too_large[0]), Some(1));
    assert_eq!(
        reasons,
        kinds(&[
            ("binary content", 1),
            ("hidden", 1),
            ("unsupported kind .jpg", 1),
            ("unsupported kind .doc", 1),
        ])
    );
    let indexed_refs: Vec<&Path> = indexed.iter().map(PathBuf::as_path).collect();
    assert_eq!(report.bytes_read, total_size(&indexed_refs));
    assert!(report.elapsed > Duration::ZERO);

    assert_eq!(index.num_docs(), 7);
    let mut stored: Vec<PathBuf> = index
        .stored_files()
        .unwrap()
        .into_iter()
        .map(|f| f.path)
        .collect();
    stored.sort();
    let mut expected = indexed.clone();
    expected.sort();
    assert_eq!(
        stored, expected,
        "stored paths are the canonical paths of the indexed files"
    );

    for word in [
        "esercitazione",
        "giardiniere",
        "cannella",
        "gas",
        "telegrafo",
        "sommergibile",
    ] {
        assert_eq!(count(&index, word), 1, "{word}");
    }
    for word in ["fotografia", "pergamena", "zaffiro", "segreto", "mammut"] {
        assert_eq!(count(&index, word), 0, "{word} is in a skipped file");
    }
    // The empty file is a document, titled by its name.
    let empty = only_hit(&index, "path:vuoto");
    assert_eq!(empty.title, "vuoto.txt");
    assert_eq!(empty.size, 0);
    assert_eq!(empty.kind, "txt");
    assert_eq!(empty.modified, at(0));
    assert_eq!(only_hit(&index, "telegrafo").kind, "htm");
    assert_eq!(only_hit(&index, "giardiniere").kind, "");
}

#[test]
fn a_second_sync_without_changes_reads_nothing() {
    let (_dir, index, docs) = temp_index();
    mixed_folder(&docs);
    settle();
    let first = sync_limited(&index, &docs);

    let second = sync_limited(&index, &docs);

    assert_counts(&second, (0, 0, 0, 7, 5, 0));
    assert_eq!(second.bytes_read, 0, "no indexed file is read");
    assert_eq!(second.indexed_by_kind, first.indexed_by_kind);
    // Skipped files are reported again (the binary one is even read again, uncounted in
    // `bytes_read`: see `a_second_sync_without_changes_plans_no_read_at_all`).
    assert_eq!(
        second.skipped_by_reason.len(),
        5,
        "{:?}",
        second.skipped_by_reason
    );
    assert_eq!(index.num_docs(), 7);
    assert_eq!(count(&index, "cannella"), 1);
}

/// Records what the sync planned to read.
#[derive(Default)]
struct Plan(Vec<(usize, u64)>);

impl SyncProgress for Plan {
    fn planned(&mut self, files: usize, bytes: u64) {
        self.0.push((files, bytes));
    }
}

#[test]
fn a_second_sync_without_changes_plans_no_read_at_all() {
    let (_dir, index, docs) = temp_index();
    write_at(&docs.join("testo.txt"), "Una lucertola al sole.\n", at(0));
    write_at(
        &docs.join("binario.txt"),
        b"PK\x03\x04\x00\x00 zaffiro",
        at(0),
    );
    settle();
    let mut first = Plan::default();
    Syncer::new(&index)
        .sync(&roots(&[&docs]), &mut first)
        .unwrap();
    let both = total_size(&[&docs.join("testo.txt"), &docs.join("binario.txt")]);
    assert_eq!(first.0, [(2, both)]);

    let mut second = Plan::default();
    let report = Syncer::new(&index)
        .sync(&roots(&[&docs]), &mut second)
        .unwrap();

    assert_counts(&report, (0, 0, 0, 1, 1, 0));
    assert_eq!(
        second.0,
        [(0, 0)],
        "an unchanged binary file need not be read again"
    );
}

#[test]
fn a_modified_file_is_reindexed() {
    let (_dir, index, docs) = temp_index();
    let file = docs.join("nota.txt");
    write_at(&file, "Il gatto dorme sul divano.\n", at(0));
    write_at(&docs.join("altra.txt"), "Un'altra nota.\n", at(0));
    settle();
    sync(&index, &[&docs]);
    assert_eq!(count(&index, "gatto"), 1);

    // Same size, other words, a later modification time.
    write_at(&file, "Il cane corre sul prato...\n", at(10));
    assert_eq!(fs::metadata(&file).unwrap().len(), 27);
    let report = sync(&index, &[&docs]);

    assert_counts(&report, (0, 1, 0, 1, 0, 0));
    assert_eq!(report.bytes_read, 27);
    assert_eq!(index.num_docs(), 2);
    assert_eq!(count(&index, "cane"), 1, "new words are found");
    assert_eq!(count(&index, "prato"), 1);
    assert_eq!(count(&index, "gatto"), 0, "old words are gone");
    assert_eq!(count(&index, "divano"), 0);
    let hit = only_hit(&index, "cane");
    assert_eq!(hit.path, canonical(&file));
    assert_eq!(hit.modified, at(10));
}

#[test]
fn a_touched_file_is_read_but_not_reindexed() {
    let (_dir, index, docs) = temp_index();
    let file = docs.join("nota.txt");
    write_at(&file, "Il gatto dorme sul divano.\n", at(0));
    write_at(&docs.join("altra.txt"), "Un'altra nota.\n", at(0));
    settle();
    sync(&index, &[&docs]);

    set_mtime(&file, at(10));
    let report = sync(&index, &[&docs]);

    assert_counts(&report, (0, 0, 0, 2, 0, 0));
    assert_eq!(
        report.bytes_read, 27,
        "the touched file is read to compare its hash"
    );
    assert_eq!(report.indexed_by_kind, kinds(&[("txt", 2)]));
    assert_eq!(index.num_docs(), 2);
    assert_eq!(count(&index, "gatto"), 1);
}

#[test]
fn a_touched_file_is_read_once_not_on_every_sync() {
    let (_dir, index, docs) = temp_index();
    let file = docs.join("nota.txt");
    write_at(&file, "Il gatto dorme sul divano.\n", at(0));
    settle();
    sync(&index, &[&docs]);
    set_mtime(&file, at(10));
    settle();
    let touched = sync(&index, &[&docs]);
    assert_eq!(touched.bytes_read, 27);

    let after = sync(&index, &[&docs]);

    assert_counts(&after, (0, 0, 0, 1, 0, 0));
    assert_eq!(after.bytes_read, 0, "nothing changed since the last sync");
    assert_eq!(
        only_hit(&index, "gatto").modified,
        at(0),
        "a document keeps the time its content last changed: a touch re-indexes nothing"
    );
}

#[test]
fn a_deleted_file_is_removed() {
    let (_dir, index, docs) = temp_index();
    write_at(&docs.join("resta.txt"), "Una quercia secolare.\n", at(0));
    write_at(&docs.join("va.txt"), "Un pioppo abbattuto.\n", at(0));
    settle();
    sync(&index, &[&docs]);
    assert_eq!(count(&index, "pioppo"), 1);

    fs::remove_file(docs.join("va.txt")).unwrap();
    let report = sync(&index, &[&docs]);

    assert_counts(&report, (0, 0, 1, 1, 0, 0));
    assert_eq!(report.bytes_read, 0);
    assert_eq!(index.num_docs(), 1);
    assert_eq!(count(&index, "pioppo"), 0);
    assert_eq!(count(&index, "quercia"), 1);
}

#[test]
fn a_renamed_or_moved_file_is_found_under_its_new_path_only() {
    let (_dir, index, docs) = temp_index();
    write_at(&docs.join("bozza.txt"), "Il faro sulla scogliera.\n", at(0));
    write_at(&docs.join("altro.txt"), "Una barca a vela.\n", at(0));
    sync(&index, &[&docs]);
    let old = canonical(&docs.join("bozza.txt"));

    fs::create_dir(docs.join("archivio")).unwrap();
    fs::rename(docs.join("bozza.txt"), docs.join("archivio/faro.txt")).unwrap();
    let report = sync(&index, &[&docs]);

    assert_counts(&report, (1, 0, 1, 1, 0, 0));
    assert_eq!(index.num_docs(), 2);
    let hit = only_hit(&index, "faro");
    assert_eq!(hit.path, canonical(&docs.join("archivio/faro.txt")));
    assert_eq!(count(&index, "path:bozza"), 0, "the old path is gone");
    assert!(index.stored_files().unwrap().iter().all(|f| f.path != old));

    // A plain rename in the same folder.
    fs::rename(docs.join("altro.txt"), docs.join("vela.txt")).unwrap();
    let report = sync(&index, &[&docs]);
    assert_counts(&report, (1, 0, 1, 1, 0, 0));
    assert_eq!(
        only_hit(&index, "barca").path,
        canonical(&docs.join("vela.txt"))
    );
}

#[test]
fn files_in_new_folders_are_added_and_deleted_folders_removed() {
    let (_dir, index, docs) = temp_index();
    write_at(
        &docs.join("radice.txt"),
        "Alla radice dell'albero.\n",
        at(0),
    );
    sync(&index, &[&docs]);

    write_at(
        &docs.join("nuova/sotto/foglia.md"),
        "# Foglia\n\nUna foglia d'acero.\n",
        at(1),
    );
    write_at(&docs.join("nuova/ramo.txt"), "Un ramo spezzato.\n", at(1));
    let report = sync(&index, &[&docs]);
    assert_counts(&report, (2, 0, 0, 1, 0, 0));
    assert_eq!(report.indexed_by_kind, kinds(&[("md", 1), ("txt", 2)]));
    assert_eq!(
        only_hit(&index, "acero").path,
        canonical(&docs.join("nuova/sotto/foglia.md"))
    );
    assert_eq!(only_hit(&index, "acero").title, "Foglia");

    fs::remove_dir_all(docs.join("nuova")).unwrap();
    let report = sync(&index, &[&docs]);
    assert_counts(&report, (0, 0, 2, 1, 0, 0));
    assert_eq!(index.num_docs(), 1);
    assert_eq!(count(&index, "acero"), 0);
    assert_eq!(count(&index, "ramo"), 0);
    assert_eq!(count(&index, "radice"), 1);
}

#[test]
fn a_file_that_becomes_binary_or_too_large_leaves_the_index() {
    let (_dir, index, docs) = temp_index();
    write_at(&docs.join("diventa-binario.txt"), "Un ippopotamo.\n", at(0));
    write_at(&docs.join("diventa-grande.txt"), "Un elefante.\n", at(0));
    write_at(&docs.join("resta.txt"), "Una giraffa.\n", at(0));
    sync_limited(&index, &docs);

    write_at(
        &docs.join("diventa-binario.txt"),
        b"Un ippopotamo.\x00\n",
        at(5),
    );
    write_at(
        &docs.join("diventa-grande.txt"),
        "elefante ".repeat(200),
        at(5),
    );
    let report = sync_limited(&index, &docs);

    assert_counts(&report, (0, 0, 2, 1, 2, 0));
    assert_eq!(report.skipped_by_reason["binary content"], 1);
    assert_eq!(index.num_docs(), 1);
    assert_eq!(count(&index, "ippopotamo"), 0);
    assert_eq!(count(&index, "elefante"), 0);
    assert_eq!(count(&index, "giraffa"), 1);
}

#[test]
fn several_roots_are_synced_remembered_and_forgotten() {
    let (dir, index, _docs) = temp_index();
    let a = dir.path().join("alfa");
    let b = dir.path().join("beta");
    write_at(&a.join("uno.txt"), "Il lupo nel bosco.\n", at(0));
    write_at(&a.join("due.txt"), "La volpe nel bosco.\n", at(0));
    write_at(&b.join("tre.txt"), "Il delfino nel mare.\n", at(0));

    let report = sync(&index, &[&a]);
    assert_counts(&report, (2, 0, 0, 0, 0, 0));
    // Syncing B alone does not touch A's documents.
    fs::remove_file(a.join("due.txt")).unwrap();
    let report = sync(&index, &[&b]);
    assert_counts(&report, (1, 0, 0, 0, 0, 0));
    assert_eq!(count(&index, "bosco"), 2);
    assert_eq!(count(&index, "delfino"), 1);

    assert_eq!(root_paths(&index), vec![canonical(&a), canonical(&b)]);
    assert!(index.last_sync().unwrap().is_some());

    // No roots: every known root is synced.
    write_at(&b.join("quattro.txt"), "La balena nel mare.\n", at(1));
    let report = sync(&index, &[]);
    assert_counts(&report, (1, 0, 1, 2, 0, 0));
    assert_eq!(count(&index, "volpe"), 0);
    assert_eq!(count(&index, "mare"), 2);

    // A root given through another spelling is the same root.
    let dotted = dir.path().join("beta/../alfa/.");
    let report = sync(&index, &[&dotted]);
    assert_counts(&report, (0, 0, 0, 1, 0, 0));
    assert_eq!(index.roots().unwrap().len(), 2);

    assert_eq!(forget(&index, &a).unwrap(), 1);
    assert_eq!(count(&index, "lupo"), 0, "A's documents are gone");
    assert_eq!(count(&index, "mare"), 2, "B's documents stay");
    assert_eq!(index.num_docs(), 2);
    let roots: Vec<PathBuf> = root_paths(&index);
    assert_eq!(roots, vec![canonical(&b)]);
    // A later sync of every root leaves A alone.
    let report = sync(&index, &[]);
    assert_counts(&report, (0, 0, 0, 2, 0, 0));
    assert_eq!(count(&index, "lupo"), 0);

    match forget(&index, &a) {
        Err(Error::NotARoot { path, roots }) => {
            assert_eq!(path, canonical(&a));
            assert_eq!(roots, vec![canonical(&b)]);
        }
        other => panic!("forgetting a forgotten root: {other:?}"),
    }
    let inside = b.join("tre.txt");
    assert!(matches!(
        forget(&index, &inside),
        Err(Error::NotARoot { .. })
    ));
    assert!(matches!(
        forget(&index, &dir.path().join("mai-esistito")),
        Err(Error::NotARoot { .. })
    ));
    assert_eq!(index.num_docs(), 2, "failed forgets change nothing");
}

#[test]
fn nested_roots_do_not_duplicate_documents() {
    let (_dir, index, docs) = temp_index();
    let inner = docs.join("interno");
    write_at(&docs.join("fuori.txt"), "Il castoro costruisce.\n", at(0));
    write_at(&inner.join("dentro.txt"), "La lontra nuota.\n", at(0));
    sync(&index, &[&docs]);
    sync(&index, &[&inner]);
    assert_eq!(index.num_docs(), 2);

    write_at(&inner.join("nuovo.txt"), "Il tasso dorme.\n", at(1));
    let report = sync(&index, &[]);

    assert_eq!(count(&index, "tasso"), 1, "one document per file");
    assert_eq!(index.num_docs(), 3);
    assert_counts(&report, (1, 0, 0, 2, 0, 0));
    assert_eq!(report.indexed_by_kind, kinds(&[("txt", 3)]));

    // Forgetting the inner root keeps what the outer one still covers.
    assert_eq!(forget(&index, &inner).unwrap(), 0);
    assert_eq!(count(&index, "lontra"), 1);
}

#[test]
fn too_large_files_are_counted_under_one_reason() {
    let (_dir, index, docs) = temp_index();
    write_at(&docs.join("grande.txt"), "a".repeat(1500), at(0));
    write_at(&docs.join("enorme.txt"), "b".repeat(3000), at(0));

    let report = sync_limited(&index, &docs);

    assert_counts(&report, (0, 0, 0, 0, 2, 0));
    assert_eq!(
        report.skipped_by_reason.len(),
        1,
        "{:?}",
        report.skipped_by_reason
    );
}

/// Stops the sync (as a crash would) when `file_done` is called for the `n`-th time.
struct CrashAfter(usize);

impl SyncProgress for CrashAfter {
    fn file_done(&mut self, _path: &Path, _bytes: u64) {
        self.0 -= 1;
        if self.0 == 0 {
            panic!("simulated crash");
        }
    }
}

#[test]
fn an_interrupted_sync_keeps_its_commits_and_the_next_one_finishes() {
    let (dir, index, docs) = temp_index();
    for name in ["a.txt", "b.txt", "c.txt", "d.txt"] {
        write_at(&docs.join(name), format!("Il riccio {name}.\n"), at(0));
    }
    let options = SyncOptions::default().with_commit_every_bytes(1);
    let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        Syncer::new(&index)
            .with_options(options.clone())
            .sync(&roots(&[&docs]), &mut CrashAfter(3))
    }));
    assert!(crashed.is_err(), "the sync was interrupted");
    drop(index);

    let index = Index::open(&dir.path().join("index")).unwrap();
    let committed = index.num_docs() as usize;
    assert!(
        (1..4).contains(&committed),
        "{committed} documents committed"
    );
    assert_eq!(count(&index, "riccio"), committed);
    let roots: Vec<PathBuf> = root_paths(&index);
    assert_eq!(
        roots,
        vec![canonical(&docs)],
        "the roots were committed too"
    );

    let report = sync(&index, &[]);
    assert_counts(&report, (4 - committed, 0, 0, committed, 0, 0));
    assert_eq!(count(&index, "riccio"), 4);
}

/// A progress that runs `action` once, when the walk is done and before any file is read.
struct BeforeReading<F: FnMut()>(Option<F>);

impl<F: FnMut()> SyncProgress for BeforeReading<F> {
    fn planned(&mut self, _files: usize, _bytes: u64) {
        if let Some(mut action) = self.0.take() {
            action();
        }
    }
}

/// Indexes `nota.txt` ("Il gatto dorme sul divano.") and `altra.txt`; returns the note's path.
fn indexed_note(index: &Index, docs: &Path) -> PathBuf {
    let file = docs.join("nota.txt");
    write_at(&file, "Il gatto dorme sul divano.\n", at(0));
    write_at(&docs.join("altra.txt"), "Un'altra nota.\n", at(0));
    settle();
    assert_counts(&sync(index, &[docs]), (2, 0, 0, 0, 0, 0));
    file
}

/// Syncs `docs` while `path` has mode 000, then gives it `mode` back.
/// The flag is false where mode 000 denies nothing (tests run as root).
fn sync_while_unreadable(
    index: &Index,
    docs: &Path,
    path: &Path,
    mode: u32,
    scratch: &Path,
) -> (SyncReport, bool) {
    fs::set_permissions(path, fs::Permissions::from_mode(0o000)).unwrap();
    let report = sync(index, &[docs]);
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    let enforced = common::permissions_enforced(scratch);
    if !enforced {
        println!("note: running as root: mode 000 denies nothing, permission assertions skipped");
    }
    (report, enforced)
}

#[test]
fn an_unreadable_file_loses_its_entry_and_is_reported_failed() {
    let (dir, index, docs) = temp_index();
    let file = indexed_note(&index, &docs);
    write_at(&file, "Il cane corre sul prato...\n", at(10));
    let (report, enforced) = sync_while_unreadable(&index, &docs, &file, 0o644, dir.path());
    if !enforced {
        return assert_counts(&report, (0, 1, 0, 1, 0, 0));
    }
    assert_counts(&report, (0, 0, 0, 1, 0, 1));
    assert_eq!(report.failures.len(), 1);
    assert_eq!(report.failures[0].0, canonical(&file));
    // Made unreadable (to hide it, say): its old text is not served.
    assert_eq!(count(&index, "gatto"), 0);
    assert_eq!(count(&index, "cane"), 0);
}

#[test]
fn a_file_replaced_by_a_broken_symlink_is_gone_from_the_index() {
    let (dir, index, docs) = temp_index();
    let file = indexed_note(&index, &docs);
    fs::remove_file(&file).unwrap();
    symlink(dir.path().join("nowhere.txt"), &file).unwrap();

    let report = sync(&index, &[&docs]);
    assert_counts(&report, (0, 0, 1, 1, 1, 0));
    assert_eq!(count(&index, "gatto"), 0);

    let following = Root::with_options(&docs, WalkOptions::default().with_follow_symlinks(true));
    let report = sync_roots(&index, &[following], &SyncOptions::default());
    assert_counts(&report, (0, 0, 0, 1, 1, 0));
    assert_eq!(
        report.skipped_by_reason,
        BTreeMap::from([("broken symbolic link".to_owned(), 1)])
    );
}

#[test]
fn a_file_changed_while_syncing_keeps_its_entry_until_the_next_sync() {
    let (_dir, index, docs) = temp_index();
    let file = indexed_note(&index, &docs);
    write_at(&file, "Il cane corre sul prato...\n", at(10));
    let writing = file.clone();
    // Written again between the walk and the read.
    let mut progress = BeforeReading(Some(move || {
        write_at(&writing, "Il topo mangia formaggio.\n", at(20))
    }));

    let report = Syncer::new(&index)
        .sync(&roots(&[&docs]), &mut progress)
        .unwrap();

    assert_counts(&report, (0, 0, 0, 1, 0, 1));
    assert_eq!(report.failures[0].0, canonical(&file));
    assert!(
        report.failures[0].1.contains("changed while being read"),
        "{:?}",
        report.failures
    );
    assert_eq!(report.bytes_read, 0);
    assert_eq!(count(&index, "gatto"), 1, "the previous entry is kept");
    assert_eq!(count(&index, "cane"), 0);

    let report = sync(&index, &[&docs]);
    assert_counts(&report, (0, 1, 0, 1, 0, 0));
    assert_eq!(count(&index, "topo"), 1);
    assert_eq!(count(&index, "gatto"), 0);
}

#[test]
fn a_file_deleted_while_syncing_is_reported_failed_and_removed() {
    let (_dir, index, docs) = temp_index();
    let file = indexed_note(&index, &docs);
    set_mtime(&file, at(10));
    let deleting = file.clone();
    let mut progress = BeforeReading(Some(move || fs::remove_file(&deleting).unwrap()));

    let report = Syncer::new(&index)
        .sync(&roots(&[&docs]), &mut progress)
        .unwrap();

    assert_counts(&report, (0, 0, 1, 1, 0, 1));
    assert_eq!(report.failures[0].0, canonical(&docs).join("nota.txt"));
    assert_eq!(count(&index, "gatto"), 0, "no hit for a file that is gone");

    let report = sync(&index, &[&docs]);
    assert_counts(&report, (0, 0, 0, 1, 0, 0));
    assert_eq!(count(&index, "gatto"), 0);
}

#[test]
fn a_folder_made_unreadable_loses_its_documents() {
    let (dir, index, docs) = temp_index();
    let locked = docs.join("chiusa");
    write_at(
        &locked.join("dentro.txt"),
        "Un baule nella soffitta.\n",
        at(0),
    );
    write_at(&docs.join("fuori.txt"), "Un divano in salotto.\n", at(0));
    sync(&index, &[&docs]);
    let (report, enforced) = sync_while_unreadable(&index, &docs, &locked, 0o755, dir.path());
    if !enforced {
        return assert_counts(&report, (0, 0, 0, 2, 0, 0));
    }
    // As for a file made unreadable: its text is not served (it was made
    // private to hide it, say). A folder that fails otherwise (an I/O
    // error, a disk gone) keeps what was indexed under it.
    assert_counts(&report, (0, 0, 1, 1, 0, 1));
    assert_eq!(report.failures[0].0, canonical(&locked));
    assert_eq!(count(&index, "baule"), 0);
    assert_eq!(count(&index, "divano"), 1);
}

#[test]
fn a_root_that_vanished_keeps_its_documents() {
    let (dir, index, _docs) = temp_index();
    let a = dir.path().join("chiavetta");
    let b = dir.path().join("disco");
    write_at(&a.join("foto.txt"), "Le vacanze al lago.\n", at(0));
    write_at(&b.join("note.txt"), "La lista della spesa.\n", at(0));
    let (a_path, b_path) = (canonical(&a), canonical(&b));
    sync(&index, &[&a, &b]);

    // An unplugged drive: the root is not there for this sync.
    fs::rename(&a, dir.path().join("altrove")).unwrap();
    write_at(&b.join("nuova.txt"), "Un'altra spesa.\n", at(1));
    let report = sync(&index, &[]);

    assert_counts(&report, (1, 0, 0, 1, 0, 1));
    assert_eq!(report.failures[0].0, a_path);
    assert_eq!(
        count(&index, "vacanze"),
        1,
        "the vanished root's documents are kept"
    );
    assert_eq!(count(&index, "spesa"), 2);
    let roots: Vec<PathBuf> = root_paths(&index);
    assert_eq!(
        roots,
        vec![a_path.clone(), b_path],
        "the root is still known"
    );

    // Plugged back in, with one file fewer.
    fs::rename(dir.path().join("altrove"), &a).unwrap();
    write_at(&a.join("altra.txt"), "Il lago ghiacciato.\n", at(2));
    fs::remove_file(a.join("foto.txt")).unwrap();
    let report = sync(&index, &[]);
    assert_counts(&report, (1, 0, 1, 2, 0, 0));
    assert_eq!(count(&index, "vacanze"), 0);
    assert_eq!(only_hit(&index, "lago").path, a_path.join("altra.txt"));
}

/// UTF-16 LE with a byte-order mark.
fn utf16le(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

#[test]
fn encodings_and_formats_through_sync() {
    let (_dir, index, docs) = temp_index();
    write_at(
        &docs.join("latino.txt"),
        b"Il perch\xe9 della citt\xe0 vecchia.\n",
        at(0),
    );
    write_at(
        &docs.join("utf16.txt"),
        utf16le("Gli scoiattoli mangiano nocciole.\n"),
        at(0),
    );
    write_at(
        &docs.join("windows.txt"),
        "La prima riga parla della casa\r\nbianca e la seconda continua.\r\n",
        at(0),
    );
    write_at(
        &docs.join("articolo.md"),
        "---\ntitle: \"Il senso del titolo\"\ndate: 2025-09-15T10:00:00Z\n---\n# Un altro titolo\n\nTesto in **grassetto** e [un collegamento](https://esempio.it/nascosto).\n",
        at(0),
    );
    write_at(
        &docs.join("pagina.html"),
        "<!DOCTYPE html><html><head><title>La pagina del vulcano</title><script>var segretissimo = 1;</script><style>.lava { color: red }</style></head><body><h1>Etna</h1><p>Il vulcano &egrave; attivo.</p></body></html>",
        at(0),
    );
    let report = sync(&index, &[&docs]);
    assert_counts(&report, (5, 0, 0, 0, 0, 0));

    let latin = canonical(&docs.join("latino.txt"));
    assert_eq!(only_hit(&index, "perché").path, latin);
    assert_eq!(only_hit(&index, "citta").path, latin, "accents are folded");
    assert_eq!(only_hit(&index, "città").path, latin);

    assert_eq!(
        only_hit(&index, "nocciole").path,
        canonical(&docs.join("utf16.txt"))
    );
    assert_eq!(
        only_hit(&index, "scoiattolo").path,
        canonical(&docs.join("utf16.txt"))
    );

    let crlf = only_hit(&index, "\"casa bianca\"");
    assert_eq!(
        crlf.path,
        canonical(&docs.join("windows.txt")),
        "a phrase spans the line break"
    );

    let md = only_hit(&index, "grassetto");
    assert_eq!(md.path, canonical(&docs.join("articolo.md")));
    assert_eq!(md.title, "Il senso del titolo");
    assert_eq!(
        md.date.map(|d| d.to_string()).as_deref(),
        Some("2025-09-15")
    );
    assert_eq!(count(&index, "\"testo in grassetto\""), 1);
    assert_eq!(count(&index, "esempio"), 0, "link targets are not text");

    let html = only_hit(&index, "vulcano");
    assert_eq!(html.path, canonical(&docs.join("pagina.html")));
    assert_eq!(html.title, "La pagina del vulcano");
    assert_eq!(count(&index, "etna"), 1);
    assert_eq!(
        count(&index, "segretissimo"),
        0,
        "script text is not indexed"
    );
    assert_eq!(count(&index, "lava"), 0, "style text is not indexed");
    assert_eq!(
        count(&index, "\"vulcano è attivo\""),
        1,
        "entities are decoded"
    );
}

#[test]
fn a_non_utf8_file_name_is_its_own_document() {
    let (_dir, index, docs) = temp_index();
    let latin_name = docs.join(OsStr::from_bytes(b"caf\xe9.txt"));
    let utf8_name = docs.join("café.txt");
    write_at(&latin_name, "Una bevanda nera e amara.\n", at(0));
    write_at(&utf8_name, "Una bevanda chiara e dolce.\n", at(0));
    settle();

    let report = sync(&index, &[&docs]);
    assert_counts(&report, (2, 0, 0, 0, 0, 0));
    assert_eq!(count(&index, "bevanda"), 2);

    let root = canonical(&docs);
    let latin = only_hit(&index, "amara");
    let expected = root.join(OsStr::from_bytes(b"caf\xe9.txt"));
    assert_eq!(
        latin.path.as_os_str().as_bytes(),
        expected.as_os_str().as_bytes()
    );
    assert_eq!(latin.title, "Una bevanda nera e amara.");
    let utf8 = only_hit(&index, "dolce");
    assert_eq!(
        utf8.path.as_os_str().as_bytes(),
        root.join("café.txt").as_os_str().as_bytes()
    );

    // The stored path matches the walked one byte for byte: nothing to do next time.
    let report = sync(&index, &[&docs]);
    assert_counts(&report, (0, 0, 0, 2, 0, 0));
    assert_eq!(report.bytes_read, 0);

    // Deleting the non-UTF-8 one removes it only.
    fs::remove_file(&latin_name).unwrap();
    let report = sync(&index, &[&docs]);
    assert_counts(&report, (0, 0, 1, 1, 0, 0));
    assert_eq!(count(&index, "amara"), 0);
    assert_eq!(count(&index, "dolce"), 1);
}

/// Watches the index from a second handle while a sync runs.
struct Watcher {
    reader: Index,
    docs_seen: Vec<u64>,
    words_found: Vec<usize>,
    roots_seen: Vec<usize>,
}

impl SyncProgress for Watcher {
    fn file_done(&mut self, _path: &Path, _bytes: u64) {
        self.reader.reload().unwrap();
        self.docs_seen.push(self.reader.num_docs());
        self.words_found.push(count(&self.reader, "ghianda"));
        self.roots_seen.push(self.reader.roots().unwrap().len());
    }
}

fn watched_sync(options: &SyncOptions) -> Watcher {
    let (dir, index, docs) = temp_index();
    for (i, name) in ["a.txt", "b.txt", "c.txt", "d.txt"].iter().enumerate() {
        write_at(&docs.join(name), format!("La ghianda numero {i}.\n"), at(0));
    }
    let mut watcher = Watcher {
        reader: Index::open(&dir.path().join("index")).unwrap(),
        docs_seen: Vec::new(),
        words_found: Vec::new(),
        roots_seen: Vec::new(),
    };
    let report = Syncer::new(&index)
        .with_options(options.clone())
        .sync(&roots(&[&docs]), &mut watcher)
        .unwrap();
    assert_counts(&report, (4, 0, 0, 0, 0, 0));
    watcher.reader.reload().unwrap();
    assert_eq!(watcher.reader.num_docs(), 4);
    assert_eq!(count(&watcher.reader, "ghianda"), 4);
    watcher
}

#[test]
fn periodic_commits_are_seen_by_readers_during_the_sync() {
    let options = SyncOptions::default().with_commit_every_bytes(1);
    let watcher = watched_sync(&options);

    let seen = &watcher.docs_seen;
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "a commit after each file: {seen:?}"
    );
    assert!(seen[2] >= 2, "{seen:?}");
    assert_eq!(
        watcher
            .words_found
            .iter()
            .map(|&n| n as u64)
            .collect::<Vec<_>>(),
        *seen,
        "the reader searches what was committed"
    );
    assert!(
        watcher.roots_seen.iter().all(|&n| n == 1),
        "the roots are recorded before the first file is read: {:?}",
        watcher.roots_seen
    );
}

#[test]
fn without_periodic_commits_readers_see_the_sync_at_its_end() {
    let watcher = watched_sync(&SyncOptions::default());
    assert_eq!(watcher.docs_seen, [0, 0, 0, 0]);
    assert_eq!(watcher.words_found, [0, 0, 0, 0]);
}

#[test]
fn a_concurrent_sync_is_refused_or_waits_for_the_lock() {
    let (dir, index, docs) = temp_index();
    let index_dir = dir.path().join("index");
    write_at(&docs.join("a.txt"), "Un orologio a pendolo.\n", at(0));

    let other = Index::open(&index_dir).unwrap();
    let held = other.writer().unwrap();
    match try_sync_with(&index, &[&docs], &SyncOptions::default()) {
        Err(Error::IndexBusy { path }) => assert_eq!(path, index_dir),
        other => panic!("a second writer: {other:?}"),
    }
    assert!(matches!(
        forget(&index, &docs),
        Err(Error::IndexBusy { .. })
    ));
    drop(held);
    assert_eq!(count(&index, "orologio"), 0, "the refused sync did nothing");

    let (locked_tx, locked_rx) = mpsc::channel();
    let holder = std::thread::spawn({
        let index_dir = index_dir.clone();
        move || {
            let other = Index::open(&index_dir).unwrap();
            let held = other.writer().unwrap();
            locked_tx.send(Instant::now()).unwrap();
            std::thread::sleep(Duration::from_millis(300));
            drop(held);
        }
    });
    let locked_at = locked_rx.recv().unwrap();
    let options = SyncOptions::default().with_wait_for_lock(true);
    let report = try_sync_with(&index, &[&docs], &options).expect("waits, then syncs");
    let waited = locked_at.elapsed();
    holder.join().unwrap();

    assert!(waited >= Duration::from_millis(300), "waited {waited:?}");
    assert_counts(&report, (1, 0, 0, 0, 0, 0));
    assert_eq!(count(&index, "orologio"), 1);
}

#[test]
fn a_sync_with_nothing_to_do_commits_nothing_but_notes_its_time() {
    let (dir, index, docs) = temp_index();
    write_at(&docs.join("nota.txt"), "Il gatto dorme.\n", at(0));
    sync(&index, &[&docs]);
    let meta = dir.path().join("index/meta.json");
    let committed = fs::read(&meta).unwrap();
    let first = index.last_sync().unwrap().expect("a sync happened");

    std::thread::sleep(Duration::from_millis(1100));
    assert_counts(&sync(&index, &[&docs]), (0, 0, 0, 1, 0, 0));

    assert_eq!(fs::read(&meta).unwrap(), committed, "no commit");
    assert!(index.last_sync().unwrap().expect("noted") > first);
}

/// The same folder synced with one reading thread and with several: the
/// same documents, counts and hits (the pipeline's threads finish files in
/// any order; nothing may depend on it).
#[test]
fn how_many_threads_read_changes_nothing() {
    let docs_dir = tempfile::tempdir().unwrap();
    let docs = docs_dir.path();
    let words = ["riccio", "esercitazione", "città", "perché", "dell'energia"];
    for i in 0..120 {
        let word = words[i % words.len()];
        let body = format!("Nota {i}: {word} e ancora {word}.\n").repeat(1 + i % 7);
        fs::write(docs.join(format!("n{i:03}.txt")), body).unwrap();
    }
    fs::write(docs.join("binario.txt"), b"\0\x01\x02 non testo").unwrap();
    fs::write(docs.join("vuota.md"), "").unwrap();
    let mut results = Vec::new();
    for threads in [1, 4] {
        let dir = tempfile::tempdir().unwrap();
        let index = Index::create(&dir.path().join("index")).unwrap();
        let options = SyncOptions::default()
            .with_threads(Some(threads))
            // Commits between files too.
            .with_commit_every_bytes(500);
        let report = sync_roots(&index, &roots(&[docs]), &options);
        let mut stored: Vec<(PathBuf, u64)> = index
            .stored_files()
            .unwrap()
            .into_iter()
            .map(|file| (file.path, file.size))
            .collect();
        stored.sort();
        let found: Vec<(usize, Vec<PathBuf>)> = ["riccio", "esercitazioni", "citta", "energia*"]
            .iter()
            .map(|query| {
                let mut paths: Vec<PathBuf> =
                    hits(&index, query).into_iter().map(|h| h.path).collect();
                paths.sort();
                (count(&index, query), paths)
            })
            .collect();
        let counts = (
            report.added,
            report.skipped,
            report.failed,
            report.without_text,
        );
        results.push((counts, stored, found));
    }
    assert_eq!(
        results[0].0,
        (121, 1, 0, 1),
        "added, skipped, failed, without text"
    );
    assert_eq!(results[0], results[1]);
}

//! The sync's trust properties: its state survives any commit, its options
//! belong to the roots, it never serves stale text nor two documents for one
//! path, it keeps its work when interrupted, and it purges removed text.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cerca_core::read::{ExtractError, Extracted, Extractor, Extractors, WalkOptions};
use cerca_core::{
    Document, Error, Index, NoProgress, Root, SyncOptions, SyncProgress, SyncReport, Syncer,
};
use common::{at, canonical, count, roots, sync, sync_roots, temp_index, write_at};

fn root_statuses(index: &Index) -> Vec<Root> {
    index
        .roots()
        .unwrap()
        .into_iter()
        .map(|status| status.root)
        .collect()
}

fn excluding(docs: &Path, glob: &str) -> Root {
    Root::with_options(
        docs,
        WalkOptions::default().with_exclude(vec![glob.to_owned()]),
    )
}

#[test]
fn a_plain_commit_after_a_sync_keeps_the_roots_and_their_options() {
    let (_dir, index, docs) = temp_index();
    write_at(&docs.join("nota.txt"), "Il gatto dorme.\n", at(0));
    write_at(&docs.join("build/x.txt"), "Il cane abbaia.\n", at(0));
    sync_roots(
        &index,
        &[excluding(&docs, "build/**")],
        &SyncOptions::default(),
    );

    // An embedding program adds a document of its own and commits.
    let mut writer = index.writer().unwrap();
    writer
        .add(&Document::new("/altrove/a.txt", "A", "una giraffa"))
        .unwrap();
    writer.commit().unwrap();
    drop(writer);

    assert_eq!(
        root_statuses(&index),
        [excluding(&canonical(&docs), "build/**")]
    );
    let report = Syncer::new(&index).sync(&[], &mut NoProgress).unwrap();
    assert_eq!((report.added, report.removed), (0, 0), "{report:?}");
    assert_eq!(count(&index, "cane"), 0, "still excluded");
    assert_eq!(
        count(&index, "giraffa"),
        1,
        "the program's own document stays"
    );
}

#[test]
fn options_belong_to_the_root_until_it_is_given_again() {
    let (_dir, index, docs) = temp_index();
    write_at(&docs.join("nota.txt"), "Il gatto dorme.\n", at(0));
    write_at(&docs.join("build/x.txt"), "Il cane abbaia.\n", at(0));
    write_at(&docs.join(".nascosta.txt"), "Il gufo veglia.\n", at(0));
    let hidden_too = Root::with_options(
        &docs,
        WalkOptions::default()
            .with_hidden(true)
            .with_exclude(vec!["build/**".to_owned()]),
    );
    sync_roots(&index, &[hidden_too], &SyncOptions::default());
    assert_eq!((count(&index, "gufo"), count(&index, "cane")), (1, 0));

    // A plain sync uses them.
    write_at(&docs.join("build/y.txt"), "Il cane dorme.\n", at(1));
    let report = sync(&index, &[]);
    assert_eq!((report.added, report.removed), (0, 0), "{report:?}");
    assert_eq!((count(&index, "gufo"), count(&index, "cane")), (1, 0));

    // Given again with other options, the root has those from now on.
    let report = sync_roots(&index, &[Root::new(&docs)], &SyncOptions::default());
    assert_eq!((report.added, report.removed), (2, 1), "{report:?}");
    assert_eq!((count(&index, "gufo"), count(&index, "cane")), (0, 2));
    assert_eq!(root_statuses(&index), [Root::new(canonical(&docs))]);
    let report = sync(&index, &[]);
    assert_eq!((report.added, report.removed), (0, 0), "{report:?}");
}

#[test]
fn a_root_inside_another_is_walked_with_its_own_options() {
    let (_dir, index, docs) = temp_index();
    let inner = docs.join("progetto");
    write_at(&docs.join("build/a.txt"), "Il castoro fuori.\n", at(0));
    write_at(&inner.join("build/b.txt"), "Il castoro dentro.\n", at(0));
    sync_roots(
        &index,
        &[excluding(&docs, "build/**")],
        &SyncOptions::default(),
    );
    sync_roots(&index, &[Root::new(&inner)], &SyncOptions::default());
    assert_eq!(count(&index, "castoro"), 1, "only the inner root's build/");

    let report = sync(&index, &[]);
    assert_eq!((report.added, report.removed), (0, 0), "{report:?}");
    assert_eq!(index.num_docs(), 1);
}

/// A custom kind, read by the caller's extractor.
struct Csv;

impl Extractor for Csv {
    fn extensions(&self) -> &'static [&'static str] {
        &["csv"]
    }

    fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
        let text = cerca_core::read::decode::decode(bytes);
        if !text.contains(';') {
            return Err(ExtractError::Malformed {
                format: "csv",
                reason: "no ';' in it".into(),
            });
        }
        Ok(Extracted::new(text.replace(';', " ")).with_title("tabella"))
    }
}

#[test]
fn the_sync_reads_files_with_the_callers_extractors() {
    let (_dir, index, docs) = temp_index();
    write_at(
        &docs.join("dati.csv"),
        "comune;abitanti\nBologna;390000\n",
        at(0),
    );
    let report = sync(&index, &[&docs]);
    assert_eq!(report.added, 1, "no built-in reader for .csv: read as text");
    assert_eq!(count(&index, "title:tabella"), 0);

    write_at(
        &docs.join("dati.csv"),
        "comune;abitanti\nBologna;390001\n",
        at(1),
    );
    let mut extractors = Extractors::default();
    extractors.register(Box::new(Csv));
    let report = Syncer::new(&index)
        .with_extractors(extractors)
        .sync(&[], &mut NoProgress)
        .unwrap();
    assert_eq!(report.updated, 1, "{report:?}");
    assert_eq!(count(&index, "title:tabella bologna"), 1);
}

#[test]
fn a_file_that_no_longer_reads_is_not_found_by_its_old_text() {
    // A document overwritten with something broken failed, and its old
    // text stayed searchable: a result the file no longer backs.
    let (_dir, index, docs) = temp_index();
    let table = docs.join("dati.csv");
    write_at(&table, "comune;abitanti\nBologna;390000\n", at(0));
    let mut extractors = Extractors::default();
    extractors.register(Box::new(Csv));
    let syncer = Syncer::new(&index).with_extractors(extractors);
    let report = syncer.sync(&roots(&[&docs]), &mut NoProgress).unwrap();
    assert_eq!(report.added, 1, "{report:?}");
    assert_eq!(count(&index, "bologna"), 1);

    write_at(&table, "tabella rovinata, Bologna persa\n", at(1));
    let report = syncer.sync(&[], &mut NoProgress).unwrap();
    assert_eq!((report.failed, report.removed), (1, 1), "{report:?}");
    assert_eq!(count(&index, "bologna"), 0);
    // Still failing, still said: it is not taken for a file read before.
    let report = syncer.sync(&[], &mut NoProgress).unwrap();
    assert_eq!((report.failed, report.removed), (1, 0), "{report:?}");

    write_at(&table, "comune;abitanti\nModena;185000\n", at(2));
    let report = syncer.sync(&[], &mut NoProgress).unwrap();
    assert_eq!(report.added, 1, "{report:?}");
    assert_eq!(count(&index, "modena"), 1);
}

/// Fails every file, counting how many it was given.
struct AlwaysBroken(Arc<std::sync::atomic::AtomicUsize>);

impl Extractor for AlwaysBroken {
    fn extensions(&self) -> &'static [&'static str] {
        &["rotto"]
    }

    fn extract(&self, _: &[u8]) -> Result<Extracted, ExtractError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Err(ExtractError::Malformed {
            format: "rotto",
            reason: "sempre".into(),
        })
    }
}

#[test]
fn a_file_that_failed_is_reported_again_but_read_again_only_once_changed() {
    // Every ad-hoc search read (and failed) the same broken files again.
    let (_dir, index, docs) = temp_index();
    let broken = docs.join("a.rotto");
    write_at(&broken, "x", at(0));
    write_at(&docs.join("b.txt"), "Il gatto.\n", at(0));
    common::settle();
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut extractors = Extractors::default();
    extractors.register(Box::new(AlwaysBroken(Arc::clone(&calls))));
    let syncer = Syncer::new(&index).with_extractors(extractors);
    for _ in 0..3 {
        let report = syncer.sync(&roots(&[&docs]), &mut NoProgress).unwrap();
        assert_eq!(report.failed, 1, "{report:?}");
        assert!(report.failures[0].1.contains("sempre"), "{report:?}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    write_at(&broken, "y", at(1));
    let report = syncer.sync(&[], &mut NoProgress).unwrap();
    assert_eq!(report.failed, 1, "{report:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "changed: read again");
}

#[test]
fn a_file_rewritten_with_the_same_size_and_time_is_read_again() {
    let (_dir, index, docs) = temp_index();
    let file = docs.join("nota.txt");
    fs::write(&file, "Il gatto dorme.\n").unwrap();
    let modified = fs::metadata(&file).unwrap().modified().unwrap();
    sync(&index, &[&docs]);

    std::thread::sleep(Duration::from_millis(100));
    fs::write(&file, "Il cane dorme..\n").unwrap();
    common::set_mtime(&file, modified);
    let report = sync(&index, &[&docs]);

    assert_eq!(report.updated, 1, "{report:?}");
    assert_eq!((count(&index, "cane"), count(&index, "gatto")), (1, 0));
}

#[test]
fn a_file_rewritten_at_once_after_its_sync_is_read_again_next_time() {
    let (_dir, index, docs) = temp_index();
    let file = docs.join("nota.txt");
    for round in 0..20 {
        // Written right before the sync: within the tick of its read.
        let (old, new) = if round % 2 == 0 {
            ("gatto", "topo!")
        } else {
            ("topo!", "gatto")
        };
        fs::write(&file, format!("Il {old} dorme.\n")).unwrap();
        sync(&index, &[&docs]);
        fs::write(&file, format!("Il {new} dorme.\n")).unwrap();
        sync(&index, &[&docs]);
        let new = new.trim_end_matches('!');
        assert_eq!(count(&index, new), 1, "round {round}: {new}");
        assert_eq!(index.num_docs(), 1);
    }
}

#[test]
fn syncs_from_two_handles_at_once_add_each_file_once() {
    let (dir, index, docs) = temp_index();
    for i in 0..200 {
        write_at(
            &docs.join(format!("f{i:03}.txt")),
            format!("Il numero {i}.\n"),
            at(0),
        );
    }
    let index_dir = dir.path().join("index");
    let waiting = SyncOptions::default().with_wait_for_lock(true);
    let other = std::thread::spawn({
        let (index_dir, docs, waiting) = (index_dir.clone(), docs.clone(), waiting.clone());
        move || {
            let index = Index::open(&index_dir).unwrap();
            sync_roots(&index, &roots(&[&docs]), &waiting).added
        }
    });
    let here = sync_roots(&index, &roots(&[&docs]), &waiting).added;
    let there = other.join().unwrap();

    assert_eq!(here + there, 200, "each file added once: {here} + {there}");
    index.reload().unwrap();
    assert_eq!(index.num_docs(), 200);
    assert!(Index::check(&index_dir).is_sound());
}

#[test]
fn indexes_created_at_once_are_one_index() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nuovo");
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || Index::open_or_create(&path).map(|_| ()))
        })
        .collect();
    for thread in threads {
        thread
            .join()
            .unwrap()
            .expect("every creator gets the index");
    }
    assert!(Index::open(&path).is_ok());
    let leftovers: Vec<PathBuf> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| *p != path)
        .collect();
    assert!(
        leftovers.is_empty(),
        "no staging folder left: {leftovers:?}"
    );
}

/// Sets the interrupt flag once `after` files are done.
struct InterruptAfter {
    after: usize,
    flag: Arc<AtomicBool>,
}

impl SyncProgress for InterruptAfter {
    fn file_done(&mut self, _path: &Path, _bytes: u64) {
        self.after = self.after.saturating_sub(1);
        if self.after == 0 {
            self.flag.store(true, Ordering::SeqCst);
        }
    }
}

#[test]
fn a_root_that_is_not_utf8_is_kept_and_synced() {
    use std::os::unix::ffi::OsStrExt;
    let (_dir, index, docs) = temp_index();
    let odd = docs.join(std::ffi::OsStr::from_bytes(b"archivio-caf\xe9"));
    write_at(&odd.join("nota.txt"), "Il gatto dorme.\n", at(0));
    sync(&index, &[&odd]);
    assert_eq!(root_statuses(&index), [Root::new(canonical(&odd))]);
    write_at(&odd.join("altra.txt"), "Il cane dorme.\n", at(1));
    let report = sync(&index, &[]);
    assert_eq!(report.added, 1, "{report:?}");
    assert_eq!(Syncer::new(&index).forget(&odd).unwrap(), 2);
}

/// Whether any file of the index directory contains `needle`.
fn on_disk(dir: &Path, needle: &[u8]) -> bool {
    fs::read_dir(dir).unwrap().any(|entry| {
        let bytes = fs::read(entry.unwrap().path()).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle)
    })
}

#[test]
fn text_of_deleted_files_and_forgotten_roots_leaves_the_disk() {
    let (dir, index, docs) = temp_index();
    let index_dir = dir.path().join("index");
    let other = dir.path().join("altri");
    write_at(&docs.join("resta.txt"), "Una quercia secolare.\n", at(0));
    write_at(&docs.join("va.txt"), "Codice segreto zqxjvkwpfy.\n", at(0));
    write_at(&other.join("b.txt"), "Parola chiave mbvrtqlnsd.\n", at(0));
    sync(&index, &[&docs]);
    sync(&index, &[&other]);
    assert!(
        on_disk(&index_dir, b"zqxjvkwpfy"),
        "the test can see stored text"
    );
    assert!(on_disk(&index_dir, b"mbvrtqlnsd"));

    fs::remove_file(docs.join("va.txt")).unwrap();
    let report = sync(&index, &[]);
    assert_eq!(report.removed, 1);
    assert!(
        !on_disk(&index_dir, b"zqxjvkwpfy"),
        "purged at the end of the sync"
    );

    Syncer::new(&index).forget(&other).unwrap();
    assert!(!on_disk(&index_dir, b"mbvrtqlnsd"), "purged by forget");
    assert_eq!(count(&index, "quercia"), 1);
}

#[test]
fn forgotten_text_leaves_the_disk_even_from_segments_tantivy_merged_meanwhile() {
    // Many small commits keep tantivy's own merges busy while the purge
    // runs: segments merged away while a searcher still held them kept
    // their files (text of the forgotten root included) after the run.
    for round in 0..3 {
        let (dir, index, docs) = temp_index();
        let index_dir = dir.path().join("index");
        let other = dir.path().join("altri");
        for i in 0..40 {
            let text = format!("Appunto {i} di una cartella: parola fqzmxwvkrt {round}.\n");
            write_at(&other.join(format!("o{i}.txt")), text, at(i));
            let text = format!("Nota {i} che resta.\n");
            write_at(&docs.join(format!("d{i}.txt")), text, at(i));
        }
        let every_file = SyncOptions::default().with_commit_every_bytes(1);
        sync_roots(&index, &roots(&[&docs, &other]), &every_file);
        Syncer::new(&index).forget(&other).unwrap();
        assert!(
            !on_disk(&index_dir, b"fqzmxwvkrt"),
            "round {round}: {:?}",
            fs::read_dir(&index_dir).unwrap().count()
        );
        assert_eq!(count(&index, "resta"), 40);
    }
}

#[test]
fn the_old_text_of_a_changed_file_leaves_the_disk_once_a_fifth_of_its_segment_changed() {
    let (dir, index, docs) = temp_index();
    let file = docs.join("nota.txt");
    write_at(&file, "La password era hgtrewqsdf.\n", at(0));
    write_at(&docs.join("altra.txt"), "Un'altra nota.\n", at(0));
    sync(&index, &[&docs]);
    write_at(&file, "Nessuna password qui.\n", at(1));
    sync(&index, &[&docs]);
    assert!(!on_disk(&dir.path().join("index"), b"hgtrewqsdf"));
    assert_eq!(count(&index, "password"), 1);
}

#[cfg(unix)]
#[test]
fn the_index_directory_is_made_private_even_when_it_exists() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("indice");
    fs::create_dir(&path).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o777)).unwrap();
    let index = Index::create(&path).unwrap();
    assert_eq!(mode(&path), 0o700, "an empty directory made beforehand");

    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    let docs = dir.path().join("docs");
    write_at(&docs.join("a.txt"), "Il gatto.\n", at(0));
    sync(&index, &[&docs]);
    assert_eq!(mode(&path), 0o700, "made private again by the writer");
}

/// Overwrites 128 bytes of every `.fast` and `.term` file of `dir` with
/// garbage, at `at` (a fraction of each file's length).
fn damage(dir: &Path, at: f64) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().map(|e| e.to_string_lossy().into_owned());
        if matches!(ext.as_deref(), Some("fast" | "term")) {
            let mut bytes = fs::read(&path).unwrap();
            let start = ((bytes.len() as f64 * at) as usize).saturating_sub(64);
            let end = (start + 128).min(bytes.len());
            for byte in &mut bytes[start..end] {
                *byte = 0xA5;
            }
            fs::write(&path, bytes).unwrap();
        }
    }
}

#[test]
fn damage_is_an_error_that_says_so_never_a_panic() {
    let (dir, index, docs) = temp_index();
    for i in 0..30 {
        write_at(
            &docs.join(format!("f{i}.txt")),
            format!("Il riccio {i}.\n"),
            at(0),
        );
    }
    sync(&index, &[&docs]);
    drop(index);
    let index_dir = dir.path().join("index");
    for at in [0.25, 0.5, 0.75] {
        damage(&index_dir, at);
        let report = Index::check(&index_dir);
        assert!(!report.is_sound());
        assert!(!report.damaged_files.is_empty(), "{report:?}");
        // Whatever reads the damage says so, in an error.
        if let Ok(index) = Index::open(&index_dir) {
            let synced = Syncer::new(&index).sync(&[], &mut NoProgress);
            assert!(
                matches!(synced, Err(Error::CorruptIndex { .. })),
                "{at}: {synced:?}"
            );
            for query in ["riccio", "ricc*", "riccio~1", "\"il riccio\"", "ext:txt"] {
                match index.search(query, &Default::default()) {
                    Ok(_) | Err(Error::CorruptIndex { .. }) => {}
                    Err(other) => panic!("{at}: {query}: {other}"),
                }
            }
        }

        let index = Index::rebuild(&index_dir, &[]).unwrap();
        assert_eq!(index.num_docs(), 0);
        assert_eq!(root_statuses(&index), [Root::new(canonical(&docs))]);
        let report: SyncReport = sync(&index, &[]);
        assert_eq!(report.added, 30);
        assert!(Index::check(&index_dir).is_sound());
    }
}

#[test]
fn an_index_of_the_previous_format_is_rebuilt_with_its_roots() {
    let (dir, index, docs) = temp_index();
    write_at(&docs.join("a.txt"), "Il gatto dorme.\n", at(0));
    drop(index);
    let index_dir = dir.path().join("index");
    // What cerca 0.1 left: format 2, roots in the commit payload.
    fs::write(
        index_dir.join("cerca-index.json"),
        r#"{"format": 2, "created_by": "cerca 0.1.0"}"#,
    )
    .unwrap();
    let meta = fs::read_to_string(index_dir.join("meta.json")).unwrap();
    let mut meta: serde_json::Value = serde_json::from_str(&meta).unwrap();
    let payload = serde_json::json!({ "roots": [canonical(&docs)], "last_sync": 1 });
    meta["payload"] = serde_json::Value::String(payload.to_string());
    fs::write(index_dir.join("meta.json"), meta.to_string()).unwrap();

    let error = Index::open(&index_dir).unwrap_err();
    assert!(matches!(error, Error::IncompatibleIndex { .. }), "{error}");
    assert!(
        error.to_string().contains("cerca index --rebuild"),
        "{error}"
    );

    let index = Index::rebuild(&index_dir, &[]).unwrap();
    assert_eq!(root_statuses(&index), [Root::new(canonical(&docs))]);
    assert_eq!(sync(&index, &[]).added, 1);
}

#[test]
fn an_interrupted_first_sync_keeps_what_it_read_and_its_root() {
    // Stopped after 4 of 10 files, and after the last of 5: the commit of
    // what tantivy's threads still hold can take seconds after the last
    // file is read, and a Ctrl-C then was ignored (exit 0, no word).
    for (files, after) in [(10, 4), (5, 5)] {
        let (dir, index, docs) = temp_index();
        for i in 0..files {
            write_at(
                &docs.join(format!("f{i}.txt")),
                format!("Il riccio {i}.\n"),
                at(0),
            );
        }
        let flag = Arc::new(AtomicBool::new(false));
        let options = SyncOptions::default().with_interrupt(Some(Arc::clone(&flag)));
        let mut progress = InterruptAfter {
            after,
            flag: Arc::clone(&flag),
        };
        let report = Syncer::new(&index)
            .with_options(options)
            .sync(&roots(&[&docs]), &mut progress)
            .unwrap();

        assert!(report.interrupted, "{files} {after}");
        assert_eq!(report.added, after);
        drop(index);
        let index = Index::open(&dir.path().join("index")).unwrap();
        assert_eq!(
            index.num_docs() as usize,
            after,
            "what was read is committed"
        );
        assert_eq!(root_statuses(&index), [Root::new(canonical(&docs))]);
        assert_eq!(index.roots().unwrap()[0].last_sync, None, "not complete");

        let report = sync(&index, &[]);
        assert_eq!(
            (report.added, report.unchanged),
            (files - after, after),
            "{report:?}"
        );
        assert!(index.roots().unwrap()[0].last_sync.is_some());
    }
}

#[test]
fn a_rebuild_interrupted_after_clearing_can_be_run_again() {
    let (dir, index, docs) = temp_index();
    write_at(&docs.join("a.txt"), "Il gatto dorme.\n", at(0));
    sync(&index, &[&docs]);
    drop(index);
    let index_dir = dir.path().join("index");
    // As if killed right after the rebuild removed tantivy's files.
    for entry in fs::read_dir(&index_dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name != "cerca-index.json" && name != "cerca-roots.json" {
            fs::remove_file(&path).unwrap();
        }
    }
    assert!(matches!(
        Index::open(&index_dir),
        Err(Error::NoIndex { .. })
    ));
    let index = Index::rebuild(&index_dir, &[]).unwrap();
    assert_eq!(sync(&index, &[]).added, 1);
}

/// A folder synced with `build/**` excluded, its index closed: `(temp dir
/// holding `index/`, the folder)`.
fn synced_without_build() -> (tempfile::TempDir, PathBuf) {
    let (dir, index, docs) = temp_index();
    write_at(&docs.join("a.txt"), "Il gatto dorme.\n", at(0));
    write_at(&docs.join("build/b.txt"), "Il cane dorme.\n", at(0));
    sync_roots(
        &index,
        &[excluding(&docs, "build/**")],
        &SyncOptions::default(),
    );
    (dir, docs)
}

#[test]
fn a_damaged_roots_file_is_rebuilt_from_the_copy_in_the_last_commit() {
    let (dir, docs) = synced_without_build();
    let index_dir = dir.path().join("index");
    fs::write(index_dir.join("cerca-roots.json"), "{").unwrap();

    let index = Index::rebuild(&index_dir, &[]).unwrap();
    assert_eq!(
        root_statuses(&index),
        [excluding(&canonical(&docs), "build/**")]
    );
    assert_eq!(sync(&index, &[]).added, 1);
}

#[test]
fn a_deleted_roots_file_is_read_from_the_copy_in_the_last_commit() {
    // The index said it held no folder (and `cerca index` refused to run)
    // although the last commit carried them, with their options.
    let (dir, docs) = synced_without_build();
    let index_dir = dir.path().join("index");
    fs::remove_file(index_dir.join("cerca-roots.json")).unwrap();

    let index = Index::open(&index_dir).unwrap();
    assert_eq!(
        root_statuses(&index),
        [excluding(&canonical(&docs), "build/**")]
    );
    write_at(&docs.join("c.txt"), "Il topo dorme.\n", at(1));
    let report = sync(&index, &[]);
    assert_eq!((report.added, report.unchanged), (1, 1), "{report:?}");
    assert!(index_dir.join("cerca-roots.json").exists(), "written again");
    assert!(Index::check(&index_dir).is_sound());
}

#[test]
fn documents_outside_every_folder_are_damage_check_reports() {
    // A folder dropped from the roots file by hand: its documents could no
    // longer be synced nor forgotten, and check said "sound".
    let (dir, index, docs) = temp_index();
    let other = dir.path().join("altri");
    write_at(&docs.join("a.txt"), "Il gatto dorme.\n", at(0));
    write_at(&other.join("b.txt"), "Il cane dorme.\n", at(0));
    sync(&index, &[&docs, &other]);
    drop(index);
    let index_dir = dir.path().join("index");
    let roots_path = index_dir.join("cerca-roots.json");
    let mut roots: serde_json::Value =
        serde_json::from_slice(&fs::read(&roots_path).unwrap()).unwrap();
    let list = roots["roots"].as_array_mut().unwrap();
    let before = list.len();
    list.retain(|root| !root["path"].as_str().unwrap().ends_with("altri"));
    assert_eq!(list.len(), before - 1, "{roots}");
    fs::write(&roots_path, serde_json::to_vec(&roots).unwrap()).unwrap();

    let report = Index::check(&index_dir);
    assert!(!report.is_sound());
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("1 documents lie outside")),
        "{report:?}"
    );
    let index = Index::rebuild(&index_dir, &[]).unwrap();
    assert_eq!(sync(&index, &[]).added, 1);
    assert_eq!(count(&index, "cane"), 0);
    assert!(Index::check(&index_dir).is_sound());
}

#[cfg(target_os = "linux")]
#[test]
fn temporary_files_of_killed_writers_are_removed_by_the_next_one() {
    // SIGKILL mid-write left them for good (a rebuild alone removed them).
    let (dir, index, docs) = temp_index();
    write_at(&docs.join("a.txt"), "Il gatto dorme.\n", at(0));
    sync(&index, &[&docs]);
    let index_dir = dir.path().join("index");
    let dead = [".tmpQ1w2E3", ".cerca-roots.json.4000000000.tmp"];
    let ours = format!(".cerca-roots.json.{}.tmp", std::process::id());
    for name in dead.iter().copied().chain([ours.as_str()]) {
        fs::write(index_dir.join(name), "{").unwrap();
    }
    write_at(&docs.join("b.txt"), "Il cane dorme.\n", at(1));
    sync(&index, &[]);
    for name in dead {
        assert!(!index_dir.join(name).exists(), "{name}");
    }
    assert!(index_dir.join(&ours).exists(), "a live process's is kept");
}

#[test]
fn a_rebuild_that_cannot_tell_the_folders_changes_nothing() {
    let (dir, index, docs) = temp_index();
    write_at(&docs.join("a.txt"), "Il gatto dorme.\n", at(0));
    sync(&index, &[&docs]);
    // A program's own commit drops the copy in the commit; then the file goes.
    let mut writer = index.writer().unwrap();
    writer
        .add(&Document::new("/altrove/b.txt", "B", "un topo"))
        .unwrap();
    writer.commit().unwrap();
    drop(writer);
    drop(index);
    let index_dir = dir.path().join("index");
    fs::remove_file(index_dir.join("cerca-roots.json")).unwrap();

    match Index::rebuild(&index_dir, &[]) {
        Err(Error::RootsLost { .. }) => {}
        other => panic!("a rebuild without its folders: {other:?}"),
    }
    let index = Index::open(&index_dir).unwrap();
    assert_eq!(index.num_docs(), 2, "nothing was changed");
    // Given the folders, it rebuilds.
    let index = Index::rebuild(&index_dir, &[Root::new(&docs)]).unwrap();
    assert_eq!(sync(&index, &[]).added, 1);
}

#[test]
fn forgetting_a_root_inside_another_leaves_only_what_the_outer_one_covers() {
    let (_dir, index, docs) = temp_index();
    let inner = docs.join("interno");
    write_at(&docs.join("a.txt"), "Il castoro fuori.\n", at(0));
    write_at(&inner.join("b.txt"), "La lontra segretissima.\n", at(0));
    sync_roots(
        &index,
        &[excluding(&docs, "interno/**")],
        &SyncOptions::default(),
    );
    sync(&index, &[&inner]);
    assert_eq!(count(&index, "lontra"), 1);

    let removed = Syncer::new(&index).forget(&inner).unwrap();
    assert_eq!(removed, 1);
    assert_eq!(count(&index, "lontra"), 0, "the outer root excludes it");
    assert_eq!(count(&index, "castoro"), 1);

    // Where the outer root does cover it, it stays.
    sync(&index, &[&docs]);
    sync(&index, &[&inner]);
    sync_roots(&index, &[Root::new(&docs)], &SyncOptions::default());
    assert_eq!(Syncer::new(&index).forget(&inner).unwrap(), 0);
    assert_eq!(count(&index, "lontra"), 1);
}

#[cfg(unix)]
#[test]
fn an_owner_made_read_only_index_directory_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, index, docs) = temp_index();
    let index_dir = dir.path().join("index");
    write_at(&docs.join("a.txt"), "Il gatto.\n", at(0));
    fs::set_permissions(&index_dir, fs::Permissions::from_mode(0o500)).unwrap();
    // (As root, writing still works: the mode is only not loosened.)
    let _ = Syncer::new(&index).sync(&roots(&[&docs]), &mut NoProgress);
    let mode = fs::metadata(&index_dir).unwrap().permissions().mode() & 0o777;
    fs::set_permissions(&index_dir, fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(mode, 0o500);
}

#[test]
fn staging_folders_of_killed_creators_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    // A pid above any system's limit: that process is surely gone.
    let abandoned = dir.path().join(".indice.new-99999999-1-0");
    fs::create_dir(&abandoned).unwrap();
    fs::write(abandoned.join("meta.json"), "{}").unwrap();
    let alive = dir
        .path()
        .join(format!(".indice.new-{}-1-0", std::process::id()));
    fs::create_dir(&alive).unwrap();
    Index::create(&dir.path().join("indice")).unwrap();
    assert!(!abandoned.exists());
    assert!(alive.exists(), "a running creator's folder stays");
}

/// A copy of the index directory `from` in `to`, with `bytes` written at the
/// fraction `at` of each file whose extension is `ext`.
fn damaged_copy(from: &Path, to: &Path, ext: &str, at: f64, bytes: &[u8]) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let mut content = fs::read(&path).unwrap();
        if path.extension().is_some_and(|e| e == ext) {
            let start = (content.len() as f64 * at) as usize;
            for (i, byte) in bytes.iter().enumerate() {
                if let Some(slot) = content.get_mut(start + i) {
                    *slot = *byte;
                }
            }
        }
        fs::write(to.join(path.file_name().unwrap()), content).unwrap();
    }
}

#[test]
fn damage_read_while_comparing_a_file_by_content_is_an_error_not_a_panic() {
    let (dir, index, docs) = temp_index();
    let words = ["casa", "mare", "governo", "legge", "popolo", "storia"];
    // Written now and synced at once: the next sync compares them by content,
    // reading their stored hashes (through the postings and the store).
    for i in 0..20 {
        let text: Vec<String> = (0..600)
            .map(|j| format!("{}{}", words[(i + j) % words.len()], (i * 7 + j * 13) % 997))
            .collect();
        fs::write(docs.join(format!("f{i}.txt")), text.join(" ")).unwrap();
    }
    sync(&index, &[&docs]);
    drop(index);
    let index_dir = dir.path().join("index");
    let mut outcomes = (0, 0);
    for ext in ["store", "idx"] {
        for step in 1..40 {
            let copy = tempfile::tempdir().unwrap();
            let at = f64::from(step) / 40.0;
            damaged_copy(&index_dir, copy.path(), ext, at, &[0xFF; 4]);
            let Ok(index) = Index::open(copy.path()) else {
                continue;
            };
            match Syncer::new(&index).sync(&[], &mut NoProgress) {
                Ok(_) => outcomes.0 += 1,
                Err(Error::CorruptIndex { .. }) => outcomes.1 += 1,
                Err(other) => panic!("{ext} at {at}: {other}"),
            }
        }
    }
    assert!(
        outcomes.0 + outcomes.1 > 0,
        "no damaged copy could be opened"
    );
}

/// A sync and a forget of `docs` on a damaged `index` both stop with the
/// damage, the sync's naming `culprit`.
fn sync_and_forget_stop_on_damage(index: &Index, docs: &Path, culprit: &str) {
    let synced = Syncer::new(index).sync(&[], &mut NoProgress);
    assert!(
        matches!(&synced, Err(Error::CorruptIndex { reason, .. }) if reason.contains(culprit)),
        "{synced:?}"
    );
    let forgot = Syncer::new(index).forget(docs);
    assert!(
        matches!(forgot, Err(Error::CorruptIndex { .. })),
        "{forgot:?}"
    );
}

#[test]
fn a_sync_or_forget_that_would_write_into_damaged_postings_stops_first() {
    let (dir, index, docs) = temp_index();
    for i in 0..50 {
        write_at(
            &docs.join(format!("f{i}.txt")),
            format!("Il riccio {i} attraversa la strada.\n"),
            at(i),
        );
    }
    sync(&index, &[&docs]);
    drop(index);
    let copy = tempfile::tempdir().unwrap();
    // The head of the postings: deleting a path reads them, and on these
    // it missed the old documents (every changed file held twice) or
    // aborted inside tantivy's threads.
    damaged_copy(
        &dir.path().join("index"),
        copy.path(),
        "idx",
        0.0,
        &[0xFF; 64],
    );
    write_at(&docs.join("f0.txt"), "Il riccio cambia strada.\n", at(100));
    fs::remove_file(docs.join("f1.txt")).unwrap();
    let index = Index::open(copy.path()).unwrap();
    sync_and_forget_stop_on_damage(&index, &docs, ".idx");
    // Nothing was written: the rebuild reads the folder as it is.
    drop(index);
    let index = Index::rebuild(copy.path(), &[]).unwrap();
    assert_eq!(sync(&index, &[]).added, 49);
    assert!(Index::check(copy.path()).is_sound());
}

#[test]
fn a_document_count_changed_in_meta_json_is_damage_found_before_any_commit() {
    let (dir, index, docs) = temp_index();
    for i in 0..40 {
        write_at(
            &docs.join(format!("f{i}.txt")),
            format!("Il riccio {i}.\n"),
            at(i),
        );
    }
    sync(&index, &[&docs]);
    drop(index);
    let index_dir = dir.path().join("index");
    // meta.json has no checksum: one digit changed went unnoticed by check,
    // and the next sync's commit aborted the process (SIGABRT, exit 134).
    let meta_path = index_dir.join("meta.json");
    let meta = fs::read_to_string(&meta_path).unwrap();
    let key = "\"max_doc\": ";
    let start = meta.find(key).unwrap() + key.len();
    let digits = meta[start..].find(|c: char| !c.is_ascii_digit()).unwrap();
    let max_doc: u32 = meta[start..start + digits].parse().unwrap();
    let changed = format!(
        "{}{}{}",
        &meta[..start],
        max_doc - 5,
        &meta[start + digits..]
    );
    fs::write(&meta_path, changed).unwrap();

    let report = Index::check(&index_dir);
    assert!(!report.is_sound());
    assert!(
        report.problems.iter().any(|p| p.contains("meta.json")),
        "{report:?}"
    );
    let index = Index::open(&index_dir).unwrap();
    sync_and_forget_stop_on_damage(&index, &docs, "meta.json");
    drop(index);
    let index = Index::rebuild(&index_dir, &[]).unwrap();
    assert_eq!(sync(&index, &[]).added, 40);
    assert!(Index::check(&index_dir).is_sound());
}

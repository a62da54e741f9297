//! Opening what is not a (good) index fails clearly and changes nothing.

use std::fs;

use cerca_core::{Document, Error, Index};

#[test]
fn a_missing_index_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nothing-here");
    let error = Index::open(&missing).unwrap_err();
    assert!(matches!(error, Error::NoIndex { .. }), "{error}");
    assert!(error.to_string().contains("cerca index"), "{error}");
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    assert!(matches!(Index::open(&empty), Err(Error::NoIndex { .. })));
}

#[test]
fn a_foreign_directory_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("tesi.txt"), "la mia tesi").unwrap();
    let error = Index::open(dir.path()).unwrap_err();
    assert!(matches!(error, Error::NotAnIndex { .. }), "{error}");
    let error = Index::create(dir.path()).unwrap_err();
    assert!(matches!(error, Error::NotAnIndex { .. }), "{error}");
    assert!(matches!(
        Index::open_or_create(dir.path()),
        Err(Error::NotAnIndex { .. })
    ));
    assert_eq!(
        fs::read_to_string(dir.path().join("tesi.txt")).unwrap(),
        "la mia tesi"
    );
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_tantivy_index_not_written_by_cerca_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let schema = tantivy::schema::Schema::builder().build();
    tantivy::Index::create_in_dir(dir.path(), schema).unwrap();
    let error = Index::open(dir.path()).unwrap_err();
    assert!(
        error.to_string().contains("not written by cerca"),
        "{error}"
    );
}

fn index_with_a_document() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    let index = Index::create(&path).unwrap();
    let mut writer = index.writer().unwrap();
    writer.add(&Document::new("/a.txt", "A", "testo")).unwrap();
    writer.commit().unwrap();
    writer.finish().unwrap();
    (dir, path)
}

#[test]
fn another_format_version_is_incompatible() {
    let (_dir, path) = index_with_a_document();
    fs::write(
        path.join("cerca-index.json"),
        r#"{"format": 999, "created_by": "cerca 9"}"#,
    )
    .unwrap();
    let error = Index::open(&path).unwrap_err();
    assert!(matches!(error, Error::IncompatibleIndex { .. }), "{error}");
}

#[test]
fn damaged_files_are_reported_as_corrupt_and_kept() {
    let (_dir, path) = index_with_a_document();
    fs::write(path.join("meta.json"), "{ not json").unwrap();
    let error = Index::open(&path).unwrap_err();
    assert!(matches!(error, Error::CorruptIndex { .. }), "{error}");
    assert_eq!(
        fs::read_to_string(path.join("meta.json")).unwrap(),
        "{ not json"
    );

    fs::write(path.join("cerca-index.json"), "garbage").unwrap();
    assert!(matches!(
        Index::open(&path),
        Err(Error::CorruptIndex { .. })
    ));
}

#[test]
fn a_second_writer_is_told_the_index_is_busy() {
    let (_dir, path) = index_with_a_document();
    let first = Index::open(&path).unwrap();
    let _writer = first.writer().unwrap();
    let second = Index::open(&path).unwrap();
    let error = second.writer().expect_err("the second writer must fail");
    assert!(matches!(error, Error::IndexBusy { .. }), "{error}");
    assert!(
        error.to_string().contains(&path.display().to_string()),
        "{error}"
    );
    // Readers keep searching the last commit meanwhile.
    assert_eq!(second.count("testo", &Default::default()).unwrap(), 1);
}

#[test]
fn index_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, path) = index_with_a_document();
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o700
    );
    for entry in fs::read_dir(&path).unwrap() {
        let entry = entry.unwrap();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode & 0o077,
            0,
            "{} has mode {mode:o}",
            entry.path().display()
        );
    }
}

#[test]
fn documents_are_added_replaced_and_deleted_by_path() {
    let index = Index::create_in_ram().unwrap();
    let mut writer = index.writer().unwrap();
    writer
        .add(&Document::new("/n/a.txt", "A", "prima versione"))
        .unwrap();
    writer
        .add(&Document::new("/n/b.txt", "B", "altro testo"))
        .unwrap();
    writer.commit().unwrap();
    writer
        .replace(&Document::new("/n/a.txt", "A", "seconda versione"))
        .unwrap();
    writer.commit().unwrap();
    assert_eq!(index.num_docs(), 2);
    assert_eq!(index.count("prima", &Default::default()).unwrap(), 0);
    assert_eq!(index.count("seconda", &Default::default()).unwrap(), 1);
    writer.delete(std::path::Path::new("/n/b.txt"));
    writer.commit().unwrap();
    assert_eq!(index.num_docs(), 1);
}

#[test]
fn an_index_whose_creation_was_interrupted_is_created_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("index");
    drop(Index::create(&path).unwrap());
    // As if killed after writing the marker, before tantivy's first meta.json.
    for entry in fs::read_dir(&path).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != "cerca-index.json" {
            fs::remove_file(entry.path()).unwrap();
        }
    }
    assert!(matches!(Index::open(&path), Err(Error::NoIndex { .. })));
    let index = Index::open_or_create(&path).expect("created again");
    assert_eq!(index.num_docs(), 0);
    assert!(Index::open(&path).is_ok());
}

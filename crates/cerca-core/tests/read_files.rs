//! Integration tests of the reading layer on real files in temporary folders.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};

use cerca_core::read::{
    decode::decode, read_file, walk, ExtractError, Extracted, Extractor, Extractors, FoundFile,
    HtmlExtractor, MarkdownExtractor, ReadError, ReadFile, ReadLimits, SkipReason, TextExtractor,
    Walk, WalkEvent, WalkOptions,
};
use proptest::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn tempdir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("cannot create a temporary folder: {e}"),
    }
}

fn events(root: &Path, options: &WalkOptions) -> Vec<WalkEvent> {
    walk(root, options, &Extractors::default()).collect()
}

/// File names (relative to `root`'s canonical path) of the `File` events.
fn found_names(events: &[WalkEvent], root: &Path) -> Vec<String> {
    let root = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    events
        .iter()
        .filter_map(|e| match e {
            WalkEvent::File(f) => Some(
                f.path
                    .strip_prefix(&root)
                    .unwrap_or(&f.path)
                    .to_string_lossy()
                    .into_owned(),
            ),
            _ => None,
        })
        .collect()
}

fn skipped(events: &[WalkEvent]) -> Vec<(String, SkipReason)> {
    events
        .iter()
        .filter_map(|e| match e {
            WalkEvent::Skipped { path, reason } => Some((file_name(path), reason.clone())),
            _ => None,
        })
        .collect()
}

/// [`skipped`], with each reason as people read it.
fn skip_reasons(events: &[WalkEvent]) -> Vec<(String, String)> {
    skipped(events)
        .into_iter()
        .map(|(name, reason)| (name, reason.to_string()))
        .collect()
}

fn failed(events: &[WalkEvent]) -> Vec<(&PathBuf, &ReadError)> {
    events
        .iter()
        .filter_map(|e| match e {
            WalkEvent::Failed { path, error } => Some((path, error)),
            _ => None,
        })
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The `FoundFile` the walk reports for `path`.
fn find(root: &Path, options: &WalkOptions, path: &Path) -> Option<FoundFile> {
    let path = fs::canonicalize(path).ok()?;
    walk(root, options, &Extractors::default()).find_map(|e| match e {
        WalkEvent::File(f) if f.path == path => Some(f),
        _ => None,
    })
}

/// Writes `bytes` as `name` in a fresh folder, finds it by walking, reads it.
fn write_and_read(name: &str, bytes: &[u8]) -> Result<ReadFile, ReadError> {
    write_and_read_with(name, bytes, &ReadLimits::default())
}

fn write_and_read_with(
    name: &str,
    bytes: &[u8],
    limits: &ReadLimits,
) -> Result<ReadFile, ReadError> {
    let dir = tempdir();
    let path = dir.path().join(name);
    fs::write(&path, bytes).map_err(|source| ReadError::Io {
        path: path.clone(),
        source,
    })?;
    let found = find(dir.path(), &WalkOptions::default(), &path)
        .unwrap_or_else(|| panic!("{name} not found by the walk"));
    read_file(&found, &Extractors::default(), limits)
}

fn extracted(name: &str, bytes: &[u8]) -> Extracted {
    match write_and_read(name, bytes) {
        Ok(read) => read.extracted,
        Err(e) => panic!("{name}: {e}"),
    }
}

fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
    let mut bytes = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        bytes.extend(if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    bytes
}

fn ymd(x: &Extracted) -> Option<String> {
    x.date.map(|d| d.to_string())
}

// ---------------------------------------------------------------- encodings

#[test]
fn utf8_file() {
    let x = extracted("a.txt", "Il perché della città\nseconda riga\n".as_bytes());
    assert_eq!(x.body, "Il perché della città\nseconda riga\n");
    assert_eq!(x.title.as_deref(), Some("Il perché della città"));
    assert_eq!(x.date, None);
}

#[test]
fn utf8_bom_file() {
    let x = extracted("a.txt", b"\xEF\xBB\xBF date 2025-09-15 perch\xC3\xA9");
    assert_eq!(x.body, "perché");
    assert_eq!(ymd(&x).as_deref(), Some("2025-09-15"));
}

#[test]
fn utf16_le_and_be_bom_files() {
    for le in [true, false] {
        let x = extracted("a.txt", &utf16("date 2025-09-15\r\nÈ così: città\r\n", le));
        assert_eq!(x.body, "È così: città\n", "little endian: {le}");
        assert_eq!(ymd(&x).as_deref(), Some("2025-09-15"));
    }
}

#[test]
fn latin1_file() {
    let x = extracted("a.txt", b"Il perch\xE9 della citt\xE0\n");
    assert_eq!(x.body, "Il perché della città\n");
    let x = extracted("b.md", b"# Citt\xE0\n\nperch\xE9");
    assert_eq!(x.title.as_deref(), Some("Città"));
    assert_eq!(x.body, "Città\nperché\n");
}

#[test]
fn windows_1252_curly_quotes() {
    let x = extracted("a.txt", b"L\x92altra citt\xE0: \x93s\xEC\x94");
    assert_eq!(x.body, "L’altra città: “sì”");
}

#[test]
fn crlf_line_ends() {
    let x = extracted("a.txt", b"\r\n\r\nPrima riga\r\nseconda\r\n");
    assert_eq!(x.body, "\n\nPrima riga\nseconda\n");
    assert_eq!(x.title.as_deref(), Some("Prima riga"));
    let x = extracted("a.md", b"---\r\ntitle: Ciao\r\n---\r\n# H\r\n\r\ntesto\r\n");
    assert_eq!(x.title.as_deref(), Some("Ciao"));
    assert_eq!(x.body, "H\ntesto\n");
}

#[test]
fn one_megabyte_without_newline() {
    let text = "parola ".repeat(150_000);
    let read = match write_and_read("big.txt", text.as_bytes()) {
        Ok(read) => read,
        Err(e) => panic!("{e}"),
    };
    assert!(read.bytes_read > 1_000_000);
    assert_eq!(read.extracted.body, text);
    let title = read.extracted.title.unwrap_or_default();
    assert!(
        title.ends_with('…') && title.chars().count() <= 120,
        "{title}"
    );
}

#[test]
fn empty_files() {
    for name in ["a.txt", "a.md", "a.html", "LEGGIMI"] {
        assert_eq!(extracted(name, b""), Extracted::default(), "{name}");
    }
}

#[test]
fn binary_with_nul_is_a_skip() {
    let err = write_and_read("a.txt", b"PK\x03\x04\x00\x00 not text").err();
    assert!(
        matches!(&err, Some(ReadError::Binary { path }) if path.ends_with("a.txt")),
        "{err:?}"
    );
    let err = err.map(|e| (e.is_skip(), e.skip_reason()));
    assert_eq!(err, Some((true, Some(SkipReason::Binary))));
    // A NUL past the first 8 KiB is not sniffed.
    let mut late = vec![b'a'; 9000];
    late.push(0);
    assert!(write_and_read("b.txt", &late).is_ok());
}

// ---------------------------------------------------------------- sizes and kinds

#[test]
fn over_the_size_limit() -> TestResult {
    let dir = tempdir();
    fs::write(dir.path().join("big.txt"), "x".repeat(101))?;
    fs::write(dir.path().join("small.txt"), "x".repeat(100))?;
    let options = WalkOptions::default().with_max_file_size(100);
    let ev = events(dir.path(), &options);
    assert_eq!(found_names(&ev, dir.path()), ["small.txt"]);
    assert_eq!(
        skipped(&ev),
        [(
            "big.txt".to_string(),
            SkipReason::TooLarge {
                size: 101,
                limit: 100
            }
        )]
    );

    // read_file checks its own limit too, before opening the file.
    let err = write_and_read_with(
        "c.txt",
        b"12345",
        &ReadLimits::default().with_max_file_size(4),
    )
    .err();
    assert!(
        matches!(&err, Some(ReadError::TooLarge { size: 5, limit: 4, path }) if path.ends_with("c.txt")),
        "{err:?}"
    );
    assert!(err.is_some_and(|e| e.is_skip()));
    Ok(())
}

#[test]
fn unsupported_kinds_are_skipped() -> TestResult {
    let dir = tempdir();
    for name in [
        "a.TXT",
        "b.jpg",
        "c.md",
        "d.markdown",
        "e.HTM",
        "f.html",
        "g",
        "h.doc",
    ] {
        fs::write(dir.path().join(name), "testo")?;
    }
    let ev = events(dir.path(), &WalkOptions::default());
    assert_eq!(
        found_names(&ev, dir.path()),
        ["a.TXT", "c.md", "d.markdown", "e.HTM", "f.html", "g"]
    );
    assert_eq!(
        skipped(&ev),
        [
            (
                "b.jpg".to_string(),
                SkipReason::UnsupportedKind("jpg".into())
            ),
            (
                "h.doc".to_string(),
                SkipReason::UnsupportedKind("doc".into())
            ),
        ]
    );
    let kinds: Vec<String> = ev
        .iter()
        .filter_map(|e| match e {
            WalkEvent::File(f) => Some(f.kind.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, ["txt", "md", "markdown", "htm", "html", ""]);
    Ok(())
}

#[test]
fn read_file_refuses_unknown_kind() -> TestResult {
    let dir = tempdir();
    let path = dir.path().join("a.jpg");
    fs::write(&path, "x")?;
    let found = FoundFile::new(path.clone(), &fs::metadata(&path)?, "jpg");
    let err = read_file(&found, &Extractors::default(), &ReadLimits::default()).err();
    assert!(matches!(&err, Some(ReadError::UnsupportedKind { kind, .. }) if kind == "jpg"));
    assert!(err.is_some_and(|e| e.is_skip()));
    Ok(())
}

#[test]
fn sorted_order() -> TestResult {
    let dir = tempdir();
    for name in ["c.txt", "a.txt", "b/z.txt", "b/a.txt", "B.txt"] {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap_or(dir.path()))?;
        fs::write(path, "x")?;
    }
    let ev = events(dir.path(), &WalkOptions::default());
    assert_eq!(
        found_names(&ev, dir.path()),
        ["B.txt", "a.txt", "b/a.txt", "b/z.txt", "c.txt"]
    );
    Ok(())
}

// ---------------------------------------------------------------- hidden, globs, names

#[test]
fn hidden_files_and_folders() -> TestResult {
    let dir = tempdir();
    fs::create_dir_all(dir.path().join(".git/objects"))?;
    fs::write(dir.path().join(".git/objects/x.txt"), "x")?;
    fs::write(dir.path().join(".nascosto.txt"), "x")?;
    fs::write(dir.path().join("visibile.txt"), "x")?;
    let ev = events(dir.path(), &WalkOptions::default());
    assert_eq!(found_names(&ev, dir.path()), ["visibile.txt"]);
    assert_eq!(
        skipped(&ev),
        [
            (".git".to_string(), SkipReason::Hidden),
            (".nascosto.txt".to_string(), SkipReason::Hidden)
        ]
    );
    let ev = events(dir.path(), &WalkOptions::default().with_hidden(true));
    assert_eq!(
        found_names(&ev, dir.path()),
        [".git/objects/x.txt", ".nascosto.txt", "visibile.txt"]
    );
    // A hidden root given explicitly is walked.
    let ev = events(&dir.path().join(".git"), &WalkOptions::default());
    assert_eq!(
        found_names(&ev, &dir.path().join(".git")),
        ["objects/x.txt"]
    );
    Ok(())
}

#[test]
fn include_and_exclude_globs() -> TestResult {
    let dir = tempdir();
    for name in [
        "a.txt",
        "docs/b.md",
        "docs/draft/c.md",
        "build/d.txt",
        "notes/e.html",
        "notes/f.md",
    ] {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap_or(dir.path()))?;
        fs::write(path, "x")?;
    }
    let include = WalkOptions::default().with_include(vec!["*.md".into()]);
    let ev = events(dir.path(), &include);
    assert_eq!(
        found_names(&ev, dir.path()),
        ["docs/b.md", "docs/draft/c.md", "notes/f.md"]
    );
    assert!(skipped(&ev).iter().all(|(_, r)| *r == SkipReason::Excluded));

    let exclude = WalkOptions::default().with_exclude(vec![
        "docs/draft/**".into(),
        "build".into(),
        "notes/*.html".into(),
    ]);
    let ev = events(dir.path(), &exclude);
    assert_eq!(
        found_names(&ev, dir.path()),
        ["a.txt", "docs/b.md", "notes/f.md"]
    );
    assert_eq!(
        skipped(&ev),
        [
            ("build".to_string(), SkipReason::Excluded),
            ("draft".to_string(), SkipReason::Excluded),
            ("e.html".to_string(), SkipReason::Excluded),
        ]
    );

    let both = WalkOptions::default()
        .with_include(vec!["docs/**".into()])
        .with_exclude(vec!["c.md".into()]);
    assert_eq!(
        found_names(&events(dir.path(), &both), dir.path()),
        ["docs/b.md"]
    );

    let bad = WalkOptions::default().with_include(vec!["[".into()]);
    let ev = events(dir.path(), &bad);
    assert_eq!(ev.len(), 1);
    assert!(
        matches!(&failed(&ev)[..], [(_, ReadError::InvalidGlob { pattern, .. })] if pattern == "[")
    );
    assert!(Walk::new(dir.path(), &bad, &Extractors::default()).is_err());
    Ok(())
}

#[test]
fn non_utf8_file_name() -> TestResult {
    let dir = tempdir();
    let name = OsStr::from_bytes(b"caf\xe9.txt");
    let path = dir.path().join(name);
    fs::write(&path, "perché")?;
    let ev = events(dir.path(), &WalkOptions::default());
    let found = match &ev[..] {
        [WalkEvent::File(found)] => found.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(found.path.file_name(), Some(name));
    assert_eq!(found.kind, "txt");
    let read = read_file(&found, &Extractors::default(), &ReadLimits::default())?;
    assert_eq!(read.extracted.body, "perché");
    // Errors display the name lossily.
    fs::remove_file(&path)?;
    let err = read_file(&found, &Extractors::default(), &ReadLimits::default()).err();
    let message = err.map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("caf\u{FFFD}.txt"), "{message}");
    Ok(())
}

#[test]
fn missing_root_fails_once() {
    let dir = tempdir();
    let missing = dir.path().join("manca");
    let ev = events(&missing, &WalkOptions::default());
    assert!(
        matches!(&failed(&ev)[..], [(p, ReadError::Io { path, .. })] if **p == missing && *path == missing)
    );
    assert_eq!(ev.len(), 1);
}

#[test]
fn root_that_is_a_file() -> TestResult {
    let dir = tempdir();
    let path = dir.path().join("solo.md");
    fs::write(&path, "# Solo")?;
    let ev = events(&path, &WalkOptions::default());
    assert!(matches!(&ev[..], [WalkEvent::File(f)] if f.kind == "md"));
    Ok(())
}

// ---------------------------------------------------------------- symbolic links

#[test]
fn symlink_loop_with_follow() -> TestResult {
    let dir = tempdir();
    fs::create_dir_all(dir.path().join("a"))?;
    fs::write(dir.path().join("a/testo.txt"), "x")?;
    symlink(dir.path(), dir.path().join("a/giro"))?;
    fs::write(dir.path().join("z.txt"), "x")?;
    let follow = WalkOptions::default().with_follow_symlinks(true);
    let ev = events(dir.path(), &follow);
    let failures = failed(&ev);
    assert!(
        matches!(&failures[..], [(p, ReadError::SymlinkLoop { path, .. })] if p.ends_with("a/giro") && path.ends_with("a/giro")),
        "{failures:?}"
    );
    assert_eq!(found_names(&ev, dir.path()), ["a/testo.txt", "z.txt"]);
    // Not following: the link is a skip.
    let ev = events(dir.path(), &WalkOptions::default());
    assert_eq!(skipped(&ev), [("giro".to_string(), SkipReason::Symlink)]);
    Ok(())
}

#[test]
fn broken_symlink_is_a_skip_followed_or_not() -> TestResult {
    // A link to nothing failed the walk (exit 1 on Debian's manuals, which
    // ship some): there is nothing to read, as for a deleted file.
    let dir = tempdir();
    symlink(
        dir.path().join("non-esiste.txt"),
        dir.path().join("rotto.txt"),
    )?;
    fs::write(dir.path().join("vero.txt"), "x")?;
    for (follow_symlinks, reason) in [
        (false, SkipReason::Symlink),
        (true, SkipReason::BrokenSymlink),
    ] {
        let ev = events(
            dir.path(),
            &WalkOptions::default().with_follow_symlinks(follow_symlinks),
        );
        assert!(failed(&ev).is_empty(), "follow {follow_symlinks}: {ev:?}");
        assert_eq!(skipped(&ev), [("rotto.txt".to_string(), reason)]);
        assert_eq!(found_names(&ev, dir.path()), ["vero.txt"]);
    }
    assert_eq!(
        SkipReason::BrokenSymlink.to_string(),
        "broken symbolic link"
    );
    Ok(())
}

#[test]
fn symlink_outside_root_not_followed_by_default() -> TestResult {
    let outside = tempdir();
    fs::create_dir_all(outside.path().join("cartella"))?;
    fs::write(outside.path().join("fuori.txt"), "x")?;
    fs::write(outside.path().join("cartella/dentro.txt"), "x")?;
    let dir = tempdir();
    symlink(
        outside.path().join("fuori.txt"),
        dir.path().join("link.txt"),
    )?;
    symlink(outside.path().join("cartella"), dir.path().join("link-dir"))?;
    let ev = events(dir.path(), &WalkOptions::default());
    assert!(found_names(&ev, dir.path()).is_empty());
    assert_eq!(
        skipped(&ev),
        [
            ("link-dir".to_string(), SkipReason::Symlink),
            ("link.txt".to_string(), SkipReason::Symlink)
        ]
    );
    let ev = events(
        dir.path(),
        &WalkOptions::default().with_follow_symlinks(true),
    );
    assert_eq!(
        found_names(&ev, dir.path()),
        ["link-dir/dentro.txt", "link.txt"]
    );
    Ok(())
}

#[test]
fn root_given_as_symlink() -> TestResult {
    let dir = tempdir();
    let real = dir.path().join("reale");
    fs::create_dir_all(&real)?;
    fs::write(real.join("a.txt"), "x")?;
    let link = dir.path().join("collegamento");
    symlink(&real, &link)?;
    let walker = Walk::new(&link, &WalkOptions::default(), &Extractors::default())?;
    assert_eq!(walker.root(), fs::canonicalize(&real)?);
    let paths: Vec<PathBuf> = walker
        .filter_map(|e| match e {
            WalkEvent::File(f) => Some(f.path),
            _ => None,
        })
        .collect();
    assert_eq!(paths, [fs::canonicalize(&real)?.join("a.txt")]);
    Ok(())
}

// ---------------------------------------------------------------- failures while reading

/// Whether permission bits are enforced for us (not when running as root).
fn permissions_enforced(dir: &Path) -> bool {
    let probe = dir.join("probe");
    if fs::write(&probe, "x").is_err() {
        return false;
    }
    let _ = fs::set_permissions(&probe, fs::Permissions::from_mode(0o000));
    let enforced = fs::File::open(&probe).is_err();
    let _ = fs::set_permissions(&probe, fs::Permissions::from_mode(0o600));
    let _ = fs::remove_file(&probe);
    enforced
}

#[test]
fn permission_denied() -> TestResult {
    let dir = tempdir();
    let locked = dir.path().join("chiusa");
    fs::create_dir_all(&locked)?;
    fs::write(locked.join("segreto.txt"), "x")?;
    let file = dir.path().join("privato.txt");
    fs::write(&file, "x")?;
    fs::write(dir.path().join("z.txt"), "x")?;
    let found = find(dir.path(), &WalkOptions::default(), &file);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000))?;
    fs::set_permissions(&file, fs::Permissions::from_mode(0o000))?;

    let enforced = permissions_enforced(dir.path());
    let ev = events(dir.path(), &WalkOptions::default());
    let read = found.map(|f| read_file(&f, &Extractors::default(), &ReadLimits::default()));
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755))?;
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644))?;

    // The walk goes on in any case.
    assert!(found_names(&ev, dir.path()).contains(&"z.txt".to_string()));
    if !enforced {
        println!("note: running with privileges (root): permission bits are not enforced, permission-denied assertions skipped");
        return Ok(());
    }
    let failures = failed(&ev);
    assert!(
        matches!(&failures[..], [(p, ReadError::Io { path, source })] if p.ends_with("chiusa") && path.ends_with("chiusa") && source.kind() == std::io::ErrorKind::PermissionDenied),
        "{failures:?}"
    );
    assert!(
        matches!(read, Some(Err(ReadError::Io { ref path, ref source })) if path.ends_with("privato.txt") && source.kind() == std::io::ErrorKind::PermissionDenied),
        "{read:?}"
    );
    Ok(())
}

#[test]
fn deleted_between_walk_and_read() -> TestResult {
    let dir = tempdir();
    let path = dir.path().join("via.txt");
    fs::write(&path, "x")?;
    let found = find(dir.path(), &WalkOptions::default(), &path).ok_or("not found")?;
    fs::remove_file(&path)?;
    let err = read_file(&found, &Extractors::default(), &ReadLimits::default()).err();
    assert!(
        matches!(&err, Some(ReadError::Io { path: p, source }) if *p == found.path && source.kind() == std::io::ErrorKind::NotFound),
        "{err:?}"
    );
    assert!(err.is_some_and(|e| !e.is_skip() && e.to_string().contains("via.txt")));
    Ok(())
}

#[test]
fn changed_between_walk_and_read() -> TestResult {
    let dir = tempdir();
    let path = dir.path().join("cambia.txt");
    fs::write(&path, "prima")?;
    let found = find(dir.path(), &WalkOptions::default(), &path).ok_or("not found")?;
    fs::write(&path, "dopo, più lungo")?;
    let err = read_file(&found, &Extractors::default(), &ReadLimits::default()).err();
    assert!(
        matches!(&err, Some(ReadError::ChangedWhileReading { path: p }) if *p == found.path),
        "{err:?}"
    );
    // Same size, other modification time.
    fs::write(&path, "prima")?;
    let found = find(dir.path(), &WalkOptions::default(), &path).ok_or("not found")?;
    let earlier = found.modified - std::time::Duration::from_secs(10);
    let mut stale = found;
    stale.modified = earlier;
    let err = read_file(&stale, &Extractors::default(), &ReadLimits::default()).err();
    assert!(
        matches!(err, Some(ReadError::ChangedWhileReading { .. })),
        "{err:?}"
    );
    Ok(())
}

#[test]
fn fifo_is_not_read() -> TestResult {
    let dir = tempdir();
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("tubo.txt"))
        .status();
    if !made.is_ok_and(|s| s.success()) {
        println!("note: mkfifo unavailable, test skipped");
        return Ok(());
    }
    let ev = events(dir.path(), &WalkOptions::default());
    assert_eq!(
        skipped(&ev),
        [("tubo.txt".to_string(), SkipReason::NotRegularFile)]
    );
    Ok(())
}

#[test]
fn hash_and_bytes_read() -> TestResult {
    let a = write_and_read("a.txt", b"ciao")?;
    let b = write_and_read("b.md", b"ciao")?;
    assert_eq!(a.hash, b.hash);
    assert_eq!(a.hash, cerca_core::read::content_hash(b"ciao"));
    assert_eq!(a.bytes_read, 4);
    Ok(())
}

// ---------------------------------------------------------------- formats

#[test]
fn seed_article_text() {
    let seed = " date 2025-09-15 Il riavvicinamento tra Washington e Mosca passa da Minsk. Stando a quanto riportato dall'agenzia di stampa Reuters, ufficiali militari statunitensi avrebbero assistito ieri alle esercitazioni di guerra congiunte tra Russia e Bielorussia.\n\nLa presenza degli ufficiali statunitensi è stata presentata come una sorpresa.\n";
    let x = extracted("000_d1f79b4f03d9532a.txt", seed.as_bytes());
    assert_eq!(ymd(&x).as_deref(), Some("2025-09-15"));
    assert_eq!(
        x.title.as_deref(),
        Some("Il riavvicinamento tra Washington e Mosca passa da Minsk.")
    );
    assert_eq!(
        x.body,
        seed.trim_start().trim_start_matches("date 2025-09-15 ")
    );
}

#[test]
fn text_invalid_date_header_stays() {
    let x = extracted("a.txt", b"date 2025-13-40 Testo qualsiasi");
    assert_eq!(x.date, None);
    assert_eq!(x.body, "date 2025-13-40 Testo qualsiasi");
}

#[test]
fn markdown_yaml_front_matter() {
    let x = extracted(
        "a.md",
        b"---\ntitle: \"Il perch\xC3\xA9 di Minsk\"\ndate: 2025-09-15T10:00:00Z\ntags: [a, b]\n---\n\n# Altro titolo\n\nTesto **grassetto** e [link](https://example.com/pagina).\n",
    );
    assert_eq!(x.title.as_deref(), Some("Il perché di Minsk"));
    assert_eq!(ymd(&x).as_deref(), Some("2025-09-15"));
    assert_eq!(x.body, "Altro titolo\nTesto grassetto e link.\n");
}

#[test]
fn markdown_toml_front_matter() {
    let x = extracted(
        "a.markdown",
        b"+++\ntitle = 'Titolo TOML'\ndate = \"2024-02-29\"\n+++\nCorpo.\n",
    );
    assert_eq!(x.title.as_deref(), Some("Titolo TOML"));
    assert_eq!(ymd(&x).as_deref(), Some("2024-02-29"));
    assert_eq!(x.body, "Corpo.\n");
}

#[test]
fn markdown_first_heading_and_no_markup() {
    let x = extracted(
        "a.md",
        b"date 2025-01-02\nIntro con `codice` e ~~barrato~~.\n\n## Il *primo* titolo\n\n- **grassetto**\n- [testo](http://example.org \"titolo\")\n\n```rust\nlet x = 1;\n```\n",
    );
    assert_eq!(x.title.as_deref(), Some("Il primo titolo"));
    assert_eq!(ymd(&x).as_deref(), Some("2025-01-02"));
    assert_eq!(
        x.body,
        "Intro con codice e barrato.\nIl primo titolo\ngrassetto\ntesto\nlet x = 1;\n"
    );
    for markup in ["**", "`", "](", "http", "##", "~~"] {
        assert!(!x.body.contains(markup), "{markup} in {:?}", x.body);
    }
    let x = extracted("b.md", b"Solo una riga di testo.\n");
    assert_eq!(x.title.as_deref(), Some("Solo una riga di testo."));
}

#[test]
fn html_page() {
    let page = b"<!DOCTYPE html>\n<html><head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\n\
<title>Il perch\xE8 &amp; il come</title>\n\
<meta name=\"DC.date.issued\" content=\"2025-09-15\">\n\
<style>body { font-family: serif }</style>\n\
<script>document.write('<p>nascosto</p>');</script>\n\
</head><body><h1>Titolo H1</h1><p>L\x92altra citt&agrave;</p><p>d&#8217;arte</p>\
<noscript>abilita</noscript><template><p>modello</p></template>\
<ul><li>uno</li><li>due</li></ul><p>a<br>b</p></body></html>";
    let x = extracted("pagina.html", page);
    assert_eq!(x.title.as_deref(), Some("Il perchè & il come"));
    assert_eq!(ymd(&x).as_deref(), Some("2025-09-15"));
    assert_eq!(x.body, "Titolo H1\nL’altra città\nd’arte\nuno\ndue\na\nb\n");
    for hidden in ["nascosto", "font-family", "abilita", "modello"] {
        assert!(!x.body.contains(hidden), "{hidden}");
    }
}

#[test]
fn html_meta_charset_and_h1_title() {
    let x = extracted(
        "a.htm",
        b"<html><head><meta charset=\"iso-8859-1\"><meta property=\"article:published_time\" content=\"2024-05-06T07:08:09Z\"></head>\
<body><h1>Citt\xE0 <b>d'arte</b></h1><time datetime=\"2020-01-01\">x</time></body>",
    );
    assert_eq!(x.title.as_deref(), Some("Città d'arte"));
    assert_eq!(ymd(&x).as_deref(), Some("2024-05-06"));
    let x = extracted(
        "b.html",
        b"<p>Niente data <time datetime=\"2023-04-05T10:00\">ieri</time></p>",
    );
    assert_eq!(
        (x.title.as_deref(), ymd(&x).as_deref()),
        (None, Some("2023-04-05"))
    );
    let x = extracted("c.html", &utf16("<title>UTF-16 è</title><p>ok</p>", true));
    assert_eq!(
        (x.title.as_deref(), x.body.as_str()),
        (Some("UTF-16 è"), "ok\n")
    );
}

// ---------------------------------------------------------------- extension point

#[test]
fn custom_extractor_plugs_in() -> TestResult {
    struct Binary;
    impl Extractor for Binary {
        fn extensions(&self) -> &'static [&'static str] {
            &["bin"]
        }
        fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
            if bytes.first() == Some(&0xFF) {
                return Err(ExtractError::Malformed {
                    format: "bin",
                    reason: "bad magic".into(),
                });
            }
            Ok(Extracted::new(format!("{} bytes", bytes.len())))
        }
        fn accepts_binary(&self) -> bool {
            true
        }
    }
    let mut extractors = Extractors::default();
    extractors.register(Box::new(Binary));
    let dir = tempdir();
    fs::write(dir.path().join("a.bin"), b"\0\0\0")?;
    fs::write(dir.path().join("b.bin"), b"\xFF")?;
    let found: Vec<FoundFile> = walk(dir.path(), &WalkOptions::default(), &extractors)
        .filter_map(|e| match e {
            WalkEvent::File(f) => Some(f),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 2);
    let a = read_file(&found[0], &extractors, &ReadLimits::default())?;
    assert_eq!(a.extracted.body, "3 bytes");
    let b = read_file(&found[1], &extractors, &ReadLimits::default()).err();
    assert!(
        matches!(&b, Some(ReadError::Extract { path, source: ExtractError::Malformed { .. } }) if path.ends_with("b.bin"))
    );
    assert!(b.is_some_and(|e| !e.is_skip()));
    Ok(())
}

// ---------------------------------------------------------------- never panic

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decode_and_extractors_never_panic_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = decode(&bytes);
        let _ = TextExtractor.extract(&bytes);
        let _ = MarkdownExtractor.extract(&bytes);
        let _ = HtmlExtractor.extract(&bytes);
    }

    #[test]
    fn extractors_never_panic_on_markup_like_text(text in "[-+<>/&#;:=\"'!?a-zè0-9 \n\r\t\u{feff}\\[\\]()*_`~|]{0,400}") {
        for prefix in ["", "---\n", "+++\n", "date 2025-09-15 ", "<title>", "<script>", "<meta charset="] {
            let input = format!("{prefix}{text}");
            let _ = TextExtractor.extract(input.as_bytes());
            let _ = MarkdownExtractor.extract(input.as_bytes());
            let _ = HtmlExtractor.extract(input.as_bytes());
        }
    }
}

/// Writes each `(path, content)` under `root`, making folders.
fn write_tree(root: &Path, files: &[(&str, &str)]) {
    for (path, content) in files {
        let path = root.join(path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        fs::write(&path, content).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

#[test]
fn ignore_files_are_honoured_as_ripgrep_does() {
    let dir = tempdir();
    let repo = dir.path().join("progetto");
    write_tree(
        &repo,
        &[
            (".git/HEAD", "ref: refs/heads/main\n"),
            (".git/info/exclude", "privato.txt\n"),
            (".gitignore", "build/\n*.log\n!tieni.log\n"),
            ("nota.txt", "sì"),
            ("privato.txt", "no"),
            ("build/uscita.txt", "no"),
            ("errori.log", "no"),
            ("tieni.log", "sì"),
            ("sotto/.gitignore", "bozza.md\n"),
            ("sotto/bozza.md", "no"),
            ("sotto/testo.md", "sì"),
            ("sotto/.ignore", "!bozza.md\nsegreto.txt\n"),
            ("sotto/segreto.txt", "no"),
            ("altro/bozza.md", "sì: the rule of sotto/ stays there"),
        ],
    );
    let options =
        WalkOptions::default().with_include(vec!["*.txt".into(), "*.md".into(), "*.log".into()]);
    let found = found_names(&events(&repo, &options), &repo);
    // `.ignore` re-includes what the `.gitignore` beside it excludes; `.log`
    // files are text (a kind no extractor claims is read as text).
    assert_eq!(
        found,
        [
            "altro/bozza.md",
            "nota.txt",
            "sotto/bozza.md",
            "sotto/testo.md",
            "tieni.log"
        ]
    );
    let ignored: Vec<String> = skipped(&events(&repo, &options))
        .into_iter()
        .filter(|(_, reason)| *reason == SkipReason::Ignored)
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        ignored,
        ["build", "errori.log", "privato.txt", "segreto.txt"]
    );

    // A folder inside the repository: the rules above it still apply.
    let found = found_names(&events(&repo.join("sotto"), &options), &repo.join("sotto"));
    assert_eq!(found, ["bozza.md", "testo.md"]);
    // An ignored folder given by name is walked.
    let found = found_names(&events(&repo.join("build"), &options), &repo.join("build"));
    assert_eq!(found, ["uscita.txt"]);

    // Off: everything.
    let all = options.clone().with_ignore_files(false);
    assert_eq!(found_names(&events(&repo, &all), &repo).len(), 9);
}

#[test]
fn a_gitignore_outside_a_repository_does_not_count_an_ignore_file_does() {
    let dir = tempdir();
    write_tree(
        dir.path(),
        &[
            (".gitignore", "a.txt\n"),
            (".ignore", "b.txt\n"),
            ("a.txt", "x"),
            ("b.txt", "x"),
        ],
    );
    assert_eq!(
        found_names(&events(dir.path(), &WalkOptions::default()), dir.path()),
        ["a.txt"]
    );
}

#[test]
fn kinds_no_extractor_claims_are_read_as_text_unless_binary_by_name() {
    let dir = tempdir();
    write_tree(
        dir.path(),
        &[
            ("verbale 12.03.2024", "Il verbale della riunione."),
            ("LEGGIMI.Debian", "Note per Debian."),
            ("server.log", "errore del server"),
            ("foto.jpg", "not read"),
            ("archivio.zip", "not read"),
            ("strano.xyz", "\0\u{1}\u{2} dati binari"),
        ],
    );
    let events = events(dir.path(), &WalkOptions::default());
    let found = found_names(&events, dir.path());
    assert_eq!(
        found,
        [
            "LEGGIMI.Debian",
            "server.log",
            "strano.xyz",
            "verbale 12.03.2024"
        ]
    );
    let reasons = skip_reasons(&events);
    assert_eq!(
        reasons,
        [
            (
                "archivio.zip".to_string(),
                "unsupported kind .zip".to_string()
            ),
            ("foto.jpg".to_string(), "unsupported kind .jpg".to_string()),
        ]
    );
    // Read as text, with the kind of their name; binary content is found on reading.
    let extractors = Extractors::default();
    let read = |name: &str| {
        let path = dir.path().join(name);
        let found = FoundFile::new(
            path.clone(),
            &fs::metadata(&path).unwrap(),
            extractors.kind_of(&path),
        );
        read_file(&found, &extractors, &ReadLimits::default())
    };
    let verbale = read("verbale 12.03.2024").unwrap();
    assert_eq!(verbale.extracted.body, "Il verbale della riunione.");
    assert!(matches!(read("strano.xyz"), Err(ReadError::Binary { .. })));
}

#[test]
fn a_cerca_index_inside_a_folder_is_passed_over_whole() {
    let dir = tempdir();
    write_tree(
        dir.path(),
        &[
            ("nota.txt", "testo"),
            ("indice/cerca-index.json", "{\"format\": 4}"),
            ("indice/meta.json", "{}"),
            ("indice/abc.store", "x"),
        ],
    );
    let events = events(dir.path(), &WalkOptions::default());
    assert_eq!(found_names(&events, dir.path()), ["nota.txt"]);
    let reasons = skip_reasons(&events);
    assert_eq!(
        reasons,
        [("indice".to_string(), "a cerca index".to_string())]
    );
}

/// A page typeset by TeX through dvips and Ghostscript (`tests/fixtures/tex`,
/// made by its `make.sh`): separate accents, ligatures, hyphenated line ends.
/// Each word is found as often as `pdftotext` finds it (counts printed by
/// `make.sh`, on NFC text).
#[test]
fn a_pdf_typeset_by_tex_reads_as_pdftotext_reads_it() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tex/tesi.pdf");
    let extractors = Extractors::default();
    let found = FoundFile::new(path.clone(), &fs::metadata(&path).unwrap(), "pdf");
    let read = read_file(&found, &extractors, &ReadLimits::default()).unwrap();
    let body = read.extracted.body.to_lowercase();
    let words: Vec<&str> = body.split(|c: char| !c.is_alphanumeric()).collect();
    let pdftotext = [
        ("più", 4),
        ("perché", 5),
        ("modificare", 2),
        ("figura", 3),
        ("città", 2),
        ("qualità", 3),
        ("università", 2),
        ("ufficio", 1),
        ("affluenza", 1),
        ("effetto", 1),
        ("flusso", 1),
        ("fiume", 1),
        ("beneficio", 1),
        ("internazionalizzazione", 1),
        ("professionalmente", 1),
        ("inequivocabilmente", 1),
        ("contemporaneamente", 1),
        ("devono", 1),
    ];
    for (word, expected) in pdftotext {
        let found = words.iter().filter(|w| **w == word).count();
        assert_eq!(found, expected, "{word} in {body}");
    }
    // Where pdftotext leaves a dotless i and a combining accent, the word is whole.
    assert_eq!(words.iter().filter(|w| **w == "così").count(), 2, "{body}");
    assert!(!body.contains(['`', '´', '\u{FB01}']), "{body}");
    // dvips names the DVI file as the title: that is no title.
    assert_eq!(read.extracted.title, None);
}

/// A regular file replaced by a FIFO between the walk and the read: opening
/// the FIFO waited for a writer forever (the sync hung, holding the lock).
#[test]
fn a_file_replaced_by_a_fifo_after_the_walk_is_not_waited_for() {
    let dir = tempdir();
    let path = dir.path().join("nota.txt");
    fs::write(&path, "testo").unwrap();
    let found = FoundFile::new(path.clone(), &fs::metadata(&path).unwrap(), "txt");
    fs::remove_file(&path).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&path).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let read = read_file(&found, &Extractors::default(), &ReadLimits::default());
        let _ = send.send(read.map(|_| ()));
    });
    let read = receive
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the read returns instead of waiting for a writer");
    assert!(
        matches!(read, Err(ReadError::ChangedWhileReading { .. })),
        "{read:?}"
    );
}

//! Exports for OpenSearch and Sphinx, read back.

use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use cerca_core::export::{document_id, opensearch, sphinx};
use cerca_core::{Document, Error, Index};

fn sample_index() -> Index {
    let index = Index::create_in_ram().unwrap();
    let mut writer = index.writer().unwrap();
    let mut dated = Document::new(
        "/archivio/notizie/zapad.txt",
        "Zapad-2025",
        "Le esercitazioni militari dell'esercito bielorusso & russo <oggi>.",
    );
    dated.date = Some(time::Date::from_calendar_date(2025, time::Month::September, 15).unwrap());
    dated.modified = UNIX_EPOCH + Duration::new(1_757_900_000, 123_456_789);
    dated.size = 2048;
    writer.add(&dated).unwrap();
    for i in 0..40 {
        let body = format!(
            "Documento numero {i}: la città\u{1b}[2J e il ministro della difesa. {}",
            "testo ".repeat(50)
        );
        writer
            .add(&Document::new(
                format!("/archivio/varie/doc-{i}.md"),
                format!("Doc {i}"),
                body,
            ))
            .unwrap();
    }
    writer.commit().unwrap();
    index
}

fn lines(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[test]
fn opensearch_export_splits_bulk_files_and_keeps_every_document() {
    let index = sample_index();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("os");
    let options = opensearch::Export::default()
        .with_index_name("archivio")
        .with_shards(2)
        .with_max_file_bytes(4096);
    let report = opensearch::export(&index, &out, &options).unwrap();
    assert_eq!(report.documents, 41);
    let bulk: Vec<&PathBuf> = report
        .files
        .iter()
        .filter(|file| file.extension().is_some_and(|ext| ext == "ndjson"))
        .collect();
    assert!(bulk.len() > 3, "{bulk:?}");
    let mut sources = Vec::new();
    for file in &bulk {
        let size = std::fs::metadata(file).unwrap().len();
        let file_lines = lines(file);
        // Within the size, unless one document alone is larger.
        assert!(
            size <= 4096 || file_lines.len() == 2,
            "{} is {size} bytes",
            file.display()
        );
        for pair in file_lines.chunks(2) {
            assert_eq!(pair[0]["index"]["_index"], "archivio");
            sources.push((pair[0]["index"]["_id"].clone(), pair[1].clone()));
        }
    }
    assert_eq!(sources.len(), 41);
    let zapad = sources
        .iter()
        .find(|(_, source)| source["title"] == "Zapad-2025")
        .unwrap();
    let id = document_id(Path::new("/archivio/notizie/zapad.txt")).to_string();
    assert_eq!(zapad.0, serde_json::json!(id));
    assert_eq!(zapad.1["date"], "2025-09-15");
    assert_eq!(zapad.1["modified"], "2025-09-15T01:33:20.123456789Z");
    assert_eq!(zapad.1["kind"], "txt");
    assert_eq!(zapad.1["size"], 2048);
    assert!(zapad.1["body"].as_str().unwrap().contains("& russo <oggi>"));
    // A document without a date has no date field (not a made-up one).
    assert!(
        sources
            .iter()
            .filter(|(_, source)| source.get("date").is_some())
            .count()
            == 1
    );

    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("settings.json")).unwrap()).unwrap();
    assert_eq!(settings["settings"]["index"]["number_of_shards"], 2);
    let analysis = &settings["settings"]["analysis"];
    let articles = analysis["filter"]["cerca_elision"]["articles"]
        .as_array()
        .unwrap();
    for elided in ["dell", "l", "un", "quest", "nell", "sull"] {
        assert!(articles.contains(&serde_json::json!(elided)), "{elided}");
    }
    assert_eq!(analysis["filter"]["cerca_stemmer"]["language"], "Italian");
    let filters = analysis["analyzer"]["cerca_italian"]["filter"]
        .as_array()
        .unwrap();
    let position = |name: &str| filters.iter().position(|f| f == name).unwrap();
    assert!(
        position("cerca_stemmer") < position("asciifolding"),
        "accents are folded after stemming"
    );
    assert!(position("cerca_elision") < position("cerca_stemmer"));
    let script = std::fs::read_to_string(out.join("load.sh")).unwrap();
    assert!(script.contains("/_bulk") && script.contains("$url/archivio"));
}

#[test]
fn an_export_never_writes_into_a_folder_that_holds_files() {
    let index = sample_index();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
    let error = opensearch::export(&index, dir.path(), &opensearch::Export::default()).unwrap_err();
    assert!(matches!(error, Error::Export { .. }), "{error}");
    assert!(error.to_string().contains("not empty"), "{error}");
    let error = sphinx::export(&index, dir.path(), &sphinx::Export::default()).unwrap_err();
    assert!(error.to_string().contains("not empty"), "{error}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("keep.txt")).unwrap(),
        "mine"
    );
    let error = opensearch::export(
        &index,
        &dir.path().join("keep.txt"),
        &opensearch::Export::default(),
    )
    .unwrap_err();
    assert!(error.to_string().contains("is a file"), "{error}");
}

#[test]
fn bad_export_options_are_refused_before_anything_is_written() {
    let index = sample_index();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x");
    for options in [
        opensearch::Export::default().with_index_name("Maiuscole"),
        opensearch::Export::default().with_index_name(""),
        opensearch::Export::default().with_shards(0),
        opensearch::Export::default().with_max_file_bytes(0),
    ] {
        let error = opensearch::export(&index, &out, &options).unwrap_err();
        assert!(matches!(error, Error::Export { .. }), "{error}");
    }
    for options in [
        sphinx::Export::default().with_shards(0),
        sphinx::Export::default().with_nodes(0),
        sphinx::Export::default().with_index_name("shard1"),
        sphinx::Export::default().with_index_name("a-b"),
        sphinx::Export::default().with_first_port(65534),
        sphinx::Export::default().with_host("host; rm -rf /"),
    ] {
        let error = sphinx::export(&index, &out, &options).unwrap_err();
        assert!(matches!(error, Error::Export { .. }), "{error}");
    }
    assert!(!out.exists());
}

#[test]
fn sphinx_export_shards_mirrors_and_escapes() {
    let index = sample_index();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sx");
    let options = sphinx::Export::default()
        .with_shards(4)
        .with_nodes(3)
        .with_first_port(20000);
    let report = sphinx::export(&index, &out, &options).unwrap();
    assert_eq!(report.documents, 41);
    assert_eq!(report.per_shard.iter().sum::<u64>(), 41);
    assert!(
        report.per_shard.iter().all(|count| *count > 0),
        "{:?}",
        report.per_shard
    );
    let mut documents = 0;
    for shard in 0..4 {
        let xml = std::fs::read_to_string(out.join(format!("shard-{shard}.xml"))).unwrap();
        assert!(xml.starts_with("<?xml") && xml.ends_with("</sphinx:docset>\n"));
        documents += xml.matches("<sphinx:document id=").count();
        assert!(!xml.contains('\u{1b}'), "control characters are not XML");
        if xml.contains("Zapad-2025") {
            assert!(xml.contains("&amp; russo &lt;oggi&gt;"));
            assert!(xml.contains(
                "<has_date>1</has_date><date>1757894400</date><modified>1757900000</modified>"
            ));
            let id = document_id(Path::new("/archivio/notizie/zapad.txt"));
            assert_eq!(id % 4, shard);
        }
    }
    assert_eq!(documents, 41);
    // Node 0: the distributed index, every shard on its primary then its mirror.
    let head = std::fs::read_to_string(out.join("node-0.conf")).unwrap();
    assert!(head.contains("index cerca\n{\n    type = distributed"));
    assert!(
        head.contains("agent = 127.0.0.1:20000|127.0.0.1:20002:shard0"),
        "{head}"
    );
    assert!(head.contains("agent = 127.0.0.1:20002|127.0.0.1:20004:shard1"));
    assert!(head.contains("agent = 127.0.0.1:20000|127.0.0.1:20002:shard3"));
    assert!(head.contains("listen = 127.0.0.1:20001:mysql41"));
    assert!(head.contains("morphology = libstemmer_italian"));
    assert!(head.contains("regexp_filter = (?i)\\b(c|l|all|dall|dell|"));
    // Node 1 holds shard 1 and the mirrors of shards 0 and 3, not the distributed index.
    let node1 = std::fs::read_to_string(out.join("node-1.conf")).unwrap();
    for shard in ["shard0", "shard1", "shard3"] {
        assert!(node1.contains(&format!("index {shard}\n")), "{shard}");
    }
    assert!(!node1.contains("index shard2\n") && !node1.contains("type = distributed"));
    for script in ["build.sh", "start.sh", "stop.sh"] {
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(out.join(script)).unwrap().permissions(),
        );
        assert_eq!(mode & 0o111, 0o111, "{script} is executable");
    }
}

/// An index on disk whose stored text is damaged past its first documents.
fn damaged_index(dir: &Path) -> Index {
    let index = Index::create(dir).unwrap();
    let mut writer = index.writer().unwrap();
    for i in 0..2000 {
        let body = format!(
            "documento {i} {}",
            "parole diverse ogni volta ".repeat(20 + i % 7)
        );
        writer
            .add(&Document::new(format!("/d/{i}.txt"), format!("t{i}"), body))
            .unwrap();
    }
    writer.commit().unwrap();
    drop(writer);
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "store") {
            let mut bytes = std::fs::read(&path).unwrap();
            let middle = bytes.len() / 2;
            bytes[middle..middle + 4096].fill(0xAB);
            std::fs::write(&path, bytes).unwrap();
        }
    }
    Index::open(dir).unwrap()
}

#[test]
fn a_failed_export_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let index = damaged_index(&dir.path().join("idx"));
    let parent = dir.path().join("exports");
    std::fs::create_dir(&parent).unwrap();
    let out = parent.join("os");
    let failed = opensearch::export(&index, &out, &opensearch::Export::default());
    assert!(failed.is_err(), "{failed:?}");
    let failed = sphinx::export(&index, &parent.join("sx"), &sphinx::Export::default());
    assert!(failed.is_err(), "{failed:?}");
    let left: Vec<_> = std::fs::read_dir(&parent).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn what_a_killed_export_left_is_removed_and_an_empty_folder_is_taken() {
    let index = sample_index();
    let dir = tempfile::tempdir().unwrap();
    // A process id no process has (above the kernel's limit).
    let leftover = dir.path().join(".os.cerca-export-999999999");
    std::fs::create_dir(&leftover).unwrap();
    std::fs::write(leftover.join("bulk-00001.ndjson"), "half").unwrap();
    let out = dir.path().join("os");
    std::fs::create_dir(&out).unwrap();
    let report = opensearch::export(&index, &out, &opensearch::Export::default()).unwrap();
    assert!(!leftover.exists());
    assert!(
        report
            .files
            .iter()
            .all(|file| file.starts_with(&out) && file.exists()),
        "{:?}",
        report.files
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["os"]);
}

#[test]
fn nodes_without_a_shard_are_refused() {
    let index = sample_index();
    let dir = tempfile::tempdir().unwrap();
    let options = sphinx::Export::default().with_shards(2).with_nodes(4);
    let error = sphinx::export(&index, &dir.path().join("sx"), &options).unwrap_err();
    assert!(error.to_string().contains("without a shard"), "{error}");
    // One more node than shards: the last holds a mirror.
    let options = sphinx::Export::default().with_shards(2).with_nodes(3);
    sphinx::export(&index, &dir.path().join("sx"), &options).unwrap();
}

#[test]
fn statements_refuse_names_and_limits_sphinx_would_not_take() {
    let query = sphinx::translate(
        &cerca_core::query::parse("casa").unwrap(),
        cerca_core::Operator::All,
    )
    .unwrap();
    for name in ["cerca; SHOW TABLES", "", "1abc", "a b", "shard0", "x\ny"] {
        assert!(
            matches!(query.to_sql(name, 10, 0), Err(Error::BadOption { .. })),
            "{name:?}"
        );
    }
    assert!(query.to_sql("cerca", usize::MAX, 1).is_err());
    assert!(query.to_sql("cerca", 100_001, 0).is_err());
    let sql = query.to_sql("cerca", 10, 4990).unwrap();
    assert!(sql.ends_with(", max_matches = 5000"), "{sql}");
}

//! Semantic search without the real model: a toy embedder whose dimensions
//! are topics, so that texts sharing no word can share a meaning. The
//! sync, storage and fusion of vectors are tested here; the real model in
//! `semantic_model.rs` (with the `semantic` feature).

use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use cerca_core::{
    Embedder, Error, Index, NoProgress, Root, SearchOptions, SemanticSearch, SyncOptions,
    SyncProgress, Syncer,
};

const TOPICS: [&[&str]; 3] = [
    &[
        "influenza",
        "febbre",
        "tosse",
        "sintomi",
        "malattia",
        "medico",
    ],
    &[
        "carbonara",
        "pasta",
        "ricetta",
        "cucina",
        "guanciale",
        "forno",
    ],
    &["calcio", "derby", "partita", "pallone", "stadio", "squadra"],
];

/// One dimension per topic, one for everything else.
#[derive(Debug, Default)]
struct Topics {
    name: &'static str,
    passages: AtomicUsize,
    /// Set after the first batch (to interrupt a sync), if given.
    interrupt_after_first: Option<Arc<AtomicBool>>,
}

impl Topics {
    fn named(name: &'static str) -> Topics {
        Topics {
            name,
            ..Topics::default()
        }
    }

    fn vector(text: &str) -> Vec<f32> {
        let mut vector = vec![0.0f32; TOPICS.len() + 1];
        vector[TOPICS.len()] = 0.3;
        for word in text.to_lowercase().split(|c: char| !c.is_alphanumeric()) {
            if let Some(topic) = TOPICS.iter().position(|words| words.contains(&word)) {
                vector[topic] += 1.0;
            }
        }
        let norm = vector.iter().map(|v| v * v).sum::<f32>().sqrt();
        vector.iter().map(|v| v / norm).collect()
    }
}

impl Embedder for Topics {
    fn model(&self) -> &str {
        if self.name.is_empty() {
            "topics"
        } else {
            self.name
        }
    }

    fn dimensions(&self) -> usize {
        TOPICS.len() + 1
    }

    fn embed_passages(&self, texts: &[&str]) -> cerca_core::Result<Vec<Vec<f32>>> {
        self.passages.fetch_add(texts.len(), Ordering::SeqCst);
        if let Some(flag) = &self.interrupt_after_first {
            flag.store(true, Ordering::SeqCst);
        }
        Ok(texts.iter().map(|text| Topics::vector(text)).collect())
    }

    fn embed_query(&self, text: &str) -> cerca_core::Result<Vec<f32>> {
        Ok(Topics::vector(text))
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    fs::write(dir.join(name), text).unwrap();
}

/// Three documents, each about one topic, in a folder.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "salute.txt",
        "Influenza stagionale\n\nFebbre alta e tosse: il medico consiglia riposo.\n",
    );
    write(
        dir.path(),
        "cucina.txt",
        "Ricetta della carbonara\n\nGuanciale, uova e pecorino sulla pasta.\n",
    );
    write(
        dir.path(),
        "sport.md",
        "# Il derby\n\nAllo stadio la squadra giallorossa vince la partita.\n",
    );
    dir
}

struct Setup {
    docs: tempfile::TempDir,
    _place: tempfile::TempDir,
    index: Index,
    embedder: Arc<Topics>,
}

fn semantic_index() -> Setup {
    let docs = folder();
    let place = tempfile::tempdir().unwrap();
    let index = Index::create(&place.path().join("index")).unwrap();
    let embedder = Arc::new(Topics::default());
    index.enable_semantic(&*embedder).unwrap();
    let report = syncer(&index, &embedder)
        .sync(&[Root::new(docs.path())], &mut NoProgress)
        .unwrap();
    assert_eq!((report.added, report.embedded), (3, 3));
    Setup {
        docs,
        _place: place,
        index,
        embedder,
    }
}

fn syncer<'a>(index: &'a Index, embedder: &Arc<Topics>) -> Syncer<'a> {
    Syncer::new(index).with_embedder(embedder.clone())
}

fn by_meaning(embedder: &Arc<Topics>) -> SearchOptions {
    SearchOptions::default().with_semantic(Some(SemanticSearch::new(embedder.clone())))
}

fn names(index: &Index, query: &str, options: &SearchOptions) -> Vec<String> {
    index
        .search(query, options)
        .unwrap()
        .hits
        .iter()
        .map(|hit| hit.path.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn each_document_gets_one_vector_once() {
    let setup = semantic_index();
    let status = setup.index.semantic_status().unwrap().unwrap();
    assert_eq!(
        (status.model.as_str(), status.with_vectors, status.documents),
        ("topics", 3, 3)
    );
    let report = syncer(&setup.index, &setup.embedder)
        .sync(&[], &mut NoProgress)
        .unwrap();
    assert_eq!((report.unchanged, report.embedded), (3, 0));
    assert_eq!(setup.embedder.passages.load(Ordering::SeqCst), 3);
}

#[test]
fn a_changed_text_gets_a_new_vector_and_a_moved_file_keeps_its_own() {
    let setup = semantic_index();
    let dir = setup.docs.path();
    write(
        dir,
        "cucina.txt",
        "Ricetta della carbonara\n\nCambiata: al forno.\n",
    );
    fs::rename(dir.join("sport.md"), dir.join("calcio.md")).unwrap();
    let report = syncer(&setup.index, &setup.embedder)
        .sync(&[], &mut NoProgress)
        .unwrap();
    assert_eq!((report.updated, report.added, report.removed), (1, 1, 1));
    assert_eq!(
        report.embedded, 1,
        "the moved file's text has its vector already"
    );
    let status = setup.index.semantic_status().unwrap().unwrap();
    assert_eq!(status.with_vectors, 3);
}

#[test]
fn meaning_finds_a_document_that_has_none_of_the_words() {
    let setup = semantic_index();
    let words_only = SearchOptions::default();
    assert_eq!(
        setup
            .index
            .search("sintomi malattia", &words_only)
            .unwrap()
            .total,
        0
    );
    let options = by_meaning(&setup.embedder);
    let results = setup.index.search("sintomi malattia", &options).unwrap();
    // The unrelated documents, no nearer than the average, are not hits.
    assert_eq!(
        names(&setup.index, "sintomi malattia", &options),
        ["salute.txt"]
    );
    assert_eq!(results.total, 1);
    assert!(results.hits[0].score.is_some_and(f32::is_finite));
    // Words still count: a document with the word comes before by meaning alone.
    assert_eq!(
        names(&setup.index, "pallone derby", &options)[0],
        "sport.md"
    );
}

#[test]
fn filters_and_excluded_words_hold_for_documents_found_by_meaning() {
    let setup = semantic_index();
    write(
        setup.docs.path(),
        "ambulatorio.md",
        "# Ambulatorio\n\nIl medico visita chi ha la febbre.\n",
    );
    syncer(&setup.index, &setup.embedder)
        .sync(&[], &mut NoProgress)
        .unwrap();
    let options = by_meaning(&setup.embedder);
    let markdown = names(&setup.index, "sintomi malattia ext:md", &options);
    assert_eq!(markdown, ["ambulatorio.md"]);
    let without = names(&setup.index, "sintomi malattia -tosse", &options);
    assert_eq!(without, ["ambulatorio.md"]);
    // Inside groups, with AND, NOT and OR, as well.
    for query in [
        "sintomi malattia AND ext:md",
        "(sintomi ext:md) OR (malattia ext:md)",
        "sintomi malattia AND path:ambulatorio.md",
    ] {
        assert_eq!(
            names(&setup.index, query, &options),
            ["ambulatorio.md"],
            "{query}"
        );
    }
    let not = names(&setup.index, "sintomi malattia AND NOT tosse", &options);
    assert_eq!(not, ["ambulatorio.md"]);
    let any = by_meaning(&setup.embedder).with_operator(cerca_core::Operator::Any);
    let required = names(&setup.index, "sintomi malattia +guanciale", &any);
    assert_eq!(required, ["cucina.txt"]);
    let within =
        by_meaning(&setup.embedder).with_within(vec![setup.docs.path().join("salute.txt")]);
    assert_eq!(
        names(&setup.index, "sintomi malattia", &within),
        ["salute.txt"]
    );
    let outside =
        by_meaning(&setup.embedder).with_within(vec![setup.docs.path().join("cucina.txt")]);
    assert!(names(&setup.index, "sintomi malattia", &outside).is_empty());
}

#[test]
fn pages_of_a_semantic_search_follow_each_other() {
    let setup = semantic_index();
    let options = by_meaning(&setup.embedder).with_operator(cerca_core::Operator::Any);
    let query = "febbre guanciale stadio malattia";
    let all = names(&setup.index, query, &options);
    assert_eq!(all.len(), 3);
    assert_eq!(all[0], "salute.txt", "two words of its topic");
    let mut paged = Vec::new();
    for offset in 0..4 {
        let page = options.clone().with_offset(offset).with_limit(1);
        paged.extend(names(&setup.index, query, &page));
    }
    assert_eq!(paged, all);
    assert_eq!(setup.index.search(query, &options).unwrap().total, 3);
}

#[test]
fn filters_alone_or_another_sort_search_by_words() {
    let setup = semantic_index();
    let options = by_meaning(&setup.embedder);
    assert_eq!(names(&setup.index, "ext:md", &options), ["sport.md"]);
    let by_path = by_meaning(&setup.embedder).with_sort(cerca_core::SortOrder::Path);
    assert!(names(&setup.index, "sintomi malattia", &by_path).is_empty());
}

#[test]
fn an_interrupted_embedding_keeps_its_vectors_and_the_next_sync_goes_on() {
    let docs = tempfile::tempdir().unwrap();
    for i in 0..20 {
        write(
            docs.path(),
            &format!("{i}.txt"),
            &format!("Documento {i} sulla febbre"),
        );
    }
    let place = tempfile::tempdir().unwrap();
    let index = Index::create(&place.path().join("index")).unwrap();
    let flag = Arc::new(AtomicBool::new(false));
    let embedder = Arc::new(Topics {
        interrupt_after_first: Some(flag.clone()),
        ..Topics::default()
    });
    index.enable_semantic(&*embedder).unwrap();
    let options = SyncOptions::default().with_interrupt(Some(flag.clone()));
    let report = syncer(&index, &embedder)
        .with_options(options)
        .sync(&[Root::new(docs.path())], &mut NoProgress)
        .unwrap();
    assert!(report.interrupted);
    assert_eq!(report.added, 20, "the words were committed first");
    assert!(report.embedded > 0 && report.embedded < 20, "{report:?}");
    assert_eq!(report.without_vectors, 20 - report.embedded);
    let words = SearchOptions::default();
    assert_eq!(index.count("febbre", &words).unwrap(), 20);

    let fresh = Arc::new(Topics::default());
    let again = syncer(&index, &fresh).sync(&[], &mut NoProgress).unwrap();
    assert_eq!(again.embedded, 20 - report.embedded);
    assert_eq!(index.semantic_status().unwrap().unwrap().with_vectors, 20);
}

/// Searches the index from another handle while the model works.
#[derive(Debug)]
struct SearchingWhileEmbedding {
    dir: std::path::PathBuf,
    found: AtomicUsize,
}

impl Embedder for SearchingWhileEmbedding {
    fn model(&self) -> &str {
        "topics"
    }

    fn dimensions(&self) -> usize {
        TOPICS.len() + 1
    }

    fn embed_passages(&self, texts: &[&str]) -> cerca_core::Result<Vec<Vec<f32>>> {
        let other = Index::open(&self.dir)?;
        let total = other.count("febbre", &SearchOptions::default())?;
        self.found.store(total, Ordering::SeqCst);
        Ok(texts.iter().map(|text| Topics::vector(text)).collect())
    }

    fn embed_query(&self, text: &str) -> cerca_core::Result<Vec<f32>> {
        Ok(Topics::vector(text))
    }
}

#[test]
fn the_words_are_searchable_while_the_vectors_are_made() {
    let docs = folder();
    let place = tempfile::tempdir().unwrap();
    let dir = place.path().join("index");
    let index = Index::create(&dir).unwrap();
    let embedder = Arc::new(SearchingWhileEmbedding {
        dir: dir.clone(),
        found: AtomicUsize::new(0),
    });
    index.enable_semantic(&*embedder).unwrap();
    Syncer::new(&index)
        .with_embedder(embedder.clone())
        .sync(&[Root::new(docs.path())], &mut NoProgress)
        .unwrap();
    assert_eq!(embedder.found.load(Ordering::SeqCst), 1);
}

#[test]
fn another_model_makes_every_vector_again() {
    let setup = semantic_index();
    let other = Arc::new(Topics::named("topics v2"));
    setup.index.enable_semantic(&*other).unwrap();
    let report = syncer(&setup.index, &other)
        .sync(&[], &mut NoProgress)
        .unwrap();
    assert_eq!(report.embedded, 3);
    let status = setup.index.semantic_status().unwrap().unwrap();
    assert_eq!(
        (status.model.as_str(), status.with_vectors),
        ("topics v2", 3)
    );
    // Searching with the old model is refused, not answered with nonsense.
    let error = setup
        .index
        .search("sintomi", &by_meaning(&setup.embedder))
        .unwrap_err();
    assert!(matches!(error, Error::Semantic { .. }), "{error}");
}

#[test]
fn a_damaged_vectors_file_is_said_and_made_again_by_the_next_sync() {
    let setup = semantic_index();
    let path = setup.index.path().unwrap().join("cerca-vectors.bin");
    let mut bytes = fs::read(&path).unwrap();
    bytes[3] ^= 0xff;
    fs::write(&path, &bytes).unwrap();
    let error = setup
        .index
        .search("sintomi", &by_meaning(&setup.embedder))
        .unwrap_err();
    assert!(matches!(error, Error::CorruptVectors { .. }), "{error}");
    assert!(error.to_string().contains("cerca index"), "{error}");
    // The words are intact.
    assert_eq!(
        setup
            .index
            .count("febbre", &SearchOptions::default())
            .unwrap(),
        1
    );
    let report = syncer(&setup.index, &setup.embedder)
        .sync(&[], &mut NoProgress)
        .unwrap();
    assert_eq!(report.embedded, 3);
    let hits = names(
        &setup.index,
        "sintomi malattia",
        &by_meaning(&setup.embedder),
    );
    assert_eq!(hits[0], "salute.txt");
}

#[test]
fn a_rebuild_keeps_the_vectors_of_unchanged_texts() {
    let setup = semantic_index();
    let dir = setup.index.path().unwrap().to_path_buf();
    drop(setup.index);
    let index = Index::rebuild(&dir, &[]).unwrap();
    assert!(index.semantic_enabled());
    let report = syncer(&index, &setup.embedder)
        .sync(&[], &mut NoProgress)
        .unwrap();
    assert_eq!((report.added, report.embedded), (3, 0));
}

#[test]
fn semantic_search_can_be_turned_off() {
    let setup = semantic_index();
    setup.index.disable_semantic().unwrap();
    assert!(!setup.index.semantic_enabled());
    assert_eq!(setup.index.semantic_status().unwrap(), None);
    // Asked for, meaning is not used: the words alone answer.
    let results = setup
        .index
        .search("sintomi malattia", &by_meaning(&setup.embedder))
        .unwrap();
    assert_eq!(results.total, 0);
}

#[test]
fn a_sync_without_an_embedder_counts_what_is_left() {
    let setup = semantic_index();
    write(setup.docs.path(), "nuovo.txt", "La tosse di notte");
    let report = Syncer::new(&setup.index)
        .sync(&[], &mut NoProgress)
        .unwrap();
    assert_eq!(
        (report.added, report.embedded, report.without_vectors),
        (1, 0, 1)
    );
    // Found by its words, ranked without a vector.
    let hits = names(&setup.index, "tosse", &by_meaning(&setup.embedder));
    assert!(hits.contains(&"nuovo.txt".to_owned()), "{hits:?}");
}

/// Hears about the vectors being made.
#[derive(Default)]
struct Heard {
    planned: usize,
    embedded: usize,
}

impl SyncProgress for Heard {
    fn embedding_planned(&mut self, documents: usize) {
        self.planned = documents;
    }

    fn embedded(&mut self, documents: usize) {
        self.embedded += documents;
    }
}

#[test]
fn progress_hears_about_the_vectors() {
    let docs = folder();
    let place = tempfile::tempdir().unwrap();
    let index = Index::create(&place.path().join("index")).unwrap();
    let embedder = Arc::new(Topics::default());
    index.enable_semantic(&*embedder).unwrap();
    let mut heard = Heard::default();
    syncer(&index, &embedder)
        .sync(&[Root::new(docs.path())], &mut heard)
        .unwrap();
    assert_eq!((heard.planned, heard.embedded), (3, 3));
}

#[test]
fn check_names_a_damaged_vectors_file() {
    let setup = semantic_index();
    let dir = setup.index.path().unwrap().to_path_buf();
    assert!(Index::check(&dir).is_sound());
    let path = dir.join("cerca-vectors.bin");
    let mut bytes = fs::read(&path).unwrap();
    let middle = bytes.len() - 30;
    bytes[middle] ^= 1;
    fs::write(&path, &bytes).unwrap();
    let report = Index::check(&dir);
    assert!(!report.is_sound());
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.contains("not whole vectors")),
        "{:?}",
        report.problems
    );
    bytes[3] ^= 1;
    fs::write(&path, &bytes).unwrap();
    let report = Index::check(&dir);
    assert!(
        report.problems.iter().any(|p| p.contains("vectors file")),
        "{:?}",
        report.problems
    );
}

/// A model that fails on every passage.
#[derive(Debug)]
struct Broken;

impl Embedder for Broken {
    fn model(&self) -> &str {
        "topics"
    }

    fn dimensions(&self) -> usize {
        TOPICS.len() + 1
    }

    fn embed_passages(&self, _texts: &[&str]) -> cerca_core::Result<Vec<Vec<f32>>> {
        Err(Error::Semantic {
            reason: "out of order".into(),
        })
    }

    fn embed_query(&self, text: &str) -> cerca_core::Result<Vec<f32>> {
        Ok(Topics::vector(text))
    }
}

#[test]
fn a_failing_model_leaves_the_words_indexed_and_says_why() {
    let docs = folder();
    let place = tempfile::tempdir().unwrap();
    let index = Index::create(&place.path().join("index")).unwrap();
    index.enable_semantic(&Broken).unwrap();
    let report = Syncer::new(&index)
        .with_embedder(Arc::new(Broken))
        .sync(&[Root::new(docs.path())], &mut NoProgress)
        .unwrap();
    assert_eq!(report.added, 3);
    let error = report.vectors_error.unwrap_or_default();
    assert!(error.contains("out of order"), "{error}");
    assert_eq!(index.count("febbre", &SearchOptions::default()).unwrap(), 1);
    // A model that works makes them next time.
    let report = Syncer::new(&index)
        .with_embedder(Arc::new(Topics::default()))
        .sync(&[], &mut NoProgress)
        .unwrap();
    assert_eq!((report.embedded, report.vectors_error), (3, None));
}

#[test]
fn pages_past_the_candidates_follow_each_other_too() {
    let docs = tempfile::tempdir().unwrap();
    for i in 0..12 {
        let topic = ["la pasta", "la partita", "il medico"][i % 3];
        let text = format!("Nota {i}: febbre {}, {topic}\n", "e febbre ".repeat(i));
        write(docs.path(), &format!("{i:02}.txt"), &text);
    }
    let place = tempfile::tempdir().unwrap();
    let index = Index::create(&place.path().join("index")).unwrap();
    let embedder = Arc::new(Topics::default());
    index.enable_semantic(&*embedder).unwrap();
    syncer(&index, &embedder)
        .sync(&[Root::new(docs.path())], &mut NoProgress)
        .unwrap();
    let mut semantic = SemanticSearch::new(embedder.clone());
    semantic.lexical_candidates = 4;
    let options = SearchOptions::default()
        .with_limit(100)
        .with_operator(cerca_core::Operator::Any)
        .with_semantic(Some(semantic));
    let all = names(&index, "febbre medico", &options);
    assert_eq!(all.len(), 12, "{all:?}");
    // Promoted by meaning or not, each document is counted once.
    assert_eq!(index.search("febbre medico", &options).unwrap().total, 12);
    for size in [1, 2, 3, 5] {
        let mut paged = Vec::new();
        for offset in (0..12).step_by(size) {
            let page = options.clone().with_offset(offset).with_limit(size);
            paged.extend(names(&index, "febbre medico", &page));
        }
        assert_eq!(paged, all, "pages of {size}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_for_the_vectors_file_is_damage_not_a_hang() {
    let setup = semantic_index();
    let path = setup.index.path().unwrap().join("cerca-vectors.bin");
    fs::remove_file(&path).unwrap();
    let fifo = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    let error = setup
        .index
        .search("sintomi", &by_meaning(&setup.embedder))
        .unwrap_err();
    assert!(matches!(error, Error::CorruptVectors { .. }), "{error}");
    fs::remove_file(&path).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &path).unwrap();
    let error = setup
        .index
        .search("sintomi", &by_meaning(&setup.embedder))
        .unwrap_err();
    assert!(matches!(error, Error::CorruptVectors { .. }), "{error}");
}

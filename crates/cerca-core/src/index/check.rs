//! Finding damage (`cerca check`) and rebuilding an index from its roots.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::directory::INDEX_WRITER_LOCK;
use tantivy::Directory;

use super::directory::PrivateDirectory;
use super::{open_tantivy, populate_new_index, read_marker, Index, MARKER_FILE, META_FILE};
use crate::error::{cannot_write, guard_panics, Error, Result};
use crate::semantic::store::VECTORS_FILE;
use crate::sync::root_set::RootSet;
use crate::sync::state::{self, RootsFile, KNOWN_FILE, ROOTS_FILE};
use crate::sync::Root;
use tantivy::directory::error::LockError;

/// Most duplicated paths a check lists (it counts them all).
const MAX_LISTED: usize = 20;

/// What [`Index::check`] found. The index is sound when [`CheckReport::is_sound`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CheckReport {
    /// The index directory.
    pub path: PathBuf,
    /// Why the index cannot be opened at all (missing, not a cerca index,
    /// another format, damaged), if it cannot.
    pub unopenable: Option<String>,
    /// Documents in the last commit.
    pub documents: u64,
    /// Segments in the last commit.
    pub segments: usize,
    /// Files whose checksum does not match their content.
    pub damaged_files: Vec<PathBuf>,
    /// Other problems found reading the index (columns, stored documents, the
    /// sync's state), in words.
    pub problems: Vec<String>,
    /// Paths held by more than one document (at most 20 listed).
    pub duplicated_paths: Vec<PathBuf>,
    /// How many paths are held by more than one document.
    pub duplicates: usize,
}

impl CheckReport {
    /// Nothing wrong was found.
    pub fn is_sound(&self) -> bool {
        self.unopenable.is_none()
            && self.damaged_files.is_empty()
            && self.problems.is_empty()
            && self.duplicates == 0
    }
}

pub(super) fn check(dir: &Path) -> CheckReport {
    let mut report = CheckReport {
        path: dir.to_path_buf(),
        ..CheckReport::default()
    };
    // Checksums first, from the commit alone: a file damaged so badly that
    // the index does not open is still named.
    if let Ok(index) = read_marker(dir).and_then(|_| open_tantivy(dir)) {
        match guard_panics(dir, "verifying checksums", || damaged_files(&index)) {
            Ok(damaged) => report.damaged_files = damaged,
            Err(error) => report.problems.push(problem_in_words(error)),
        }
        match guard_panics(dir, "counting documents", || meta_disagreement(&index)) {
            Ok(None) => {}
            Ok(Some(problem)) => report.problems.push(problem),
            Err(error) => report.problems.push(problem_in_words(error)),
        }
    }
    let index = match Index::open(dir) {
        Ok(index) => index,
        Err(error) => {
            report.unopenable = Some(error.to_string());
            return report;
        }
    };
    let searcher = index.reader.searcher();
    report.documents = searcher.num_docs();
    report.segments = searcher.segment_readers().len();
    let roots = match index.state.load_roots() {
        Ok(roots) => roots,
        Err(error) => {
            report.problems.push(problem_in_words(error));
            RootsFile::default()
        }
    };
    let roots = RootSet::new(roots.paths());
    match index.stored_files() {
        Ok(files) => {
            let mut seen = HashSet::new();
            let mut outside = (0, None);
            for file in files {
                // An index written by a program that keeps no folders has
                // none, and no document of its own is out of place.
                if !roots.is_empty() && roots.owner(&file.path).is_none() {
                    outside.0 += 1;
                    outside.1.get_or_insert_with(|| file.path.clone());
                }
                if !seen.insert(file.path.clone()) {
                    report.duplicates += 1;
                    if report.duplicated_paths.len() < MAX_LISTED {
                        report.duplicated_paths.push(file.path);
                    }
                }
            }
            if let (count, Some(first)) = outside {
                // No sync or forget would ever touch them: the list of
                // folders lost some (edited by hand, say).
                report.problems.push(format!(
                    "{count} documents lie outside every folder of the index (the first: {}); \
                     no sync would ever update them",
                    first.display()
                ));
            }
        }
        Err(error) => report.problems.push(problem_in_words(error)),
    }
    if let Err(error) = read_every_stored_document(&index) {
        report.problems.push(problem_in_words(error));
    }
    if let Some(problem) = vectors_problem(&index) {
        report.problems.push(problem);
    }
    report
}

/// What is wrong with the index's vectors (semantic search), if anything.
fn vectors_problem(index: &Index) -> Option<String> {
    let path = index.vectors.path()?;
    match index.vectors.current() {
        Err(error) => Some(error.to_string()),
        Ok(Some(store)) => {
            let len = fs::metadata(path).ok()?.len();
            let extra = len
                .checked_sub(store.valid_len())
                .filter(|extra| *extra > 0)?;
            Some(format!(
                "the vectors file {} ends with {extra} bytes that are not whole vectors (a write \
                 cut short, or damage): `cerca index` makes the vectors after them again",
                path.display()
            ))
        }
        Ok(None) => None,
    }
}

/// What is wrong, without the advice to run `cerca check` that damage
/// found elsewhere carries: the report is that check.
fn problem_in_words(error: Error) -> String {
    match error {
        Error::CorruptIndex { reason, .. } => reason,
        other => other.to_string(),
    }
}

/// An error naming the damaged files of the last commit, if any. Run before
/// a writer changes documents: deleting a path reads the postings, and on
/// damaged ones it can miss the old document (a path held twice) or take
/// the process down inside tantivy's threads.
pub(super) fn verify_checksums(index: &Index) -> Result<()> {
    let dir = index.display_path();
    let damaged = guard_panics(&dir, "verifying checksums", || damaged_files(&index.index))?;
    let Some(first) = damaged.first() else {
        let disagreement = guard_panics(&dir, "counting documents", || {
            meta_disagreement(&index.index)
        })?;
        return match disagreement {
            None => Ok(()),
            Some(reason) => Err(Error::CorruptIndex { path: dir, reason }),
        };
    };
    let more = match damaged.len() {
        1 => String::new(),
        n => format!(" and {} other files", n - 1),
    };
    Err(Error::CorruptIndex {
        path: dir,
        reason: format!("the checksum of {}{more} does not match", first.display()),
    })
}

/// The files of the last commit whose checksum does not match, or whose
/// footer (where the checksum is) cannot even be read.
fn damaged_files(index: &tantivy::Index) -> Result<Vec<PathBuf>> {
    let directory = index.directory();
    let segments: Vec<String> = index
        .searchable_segment_metas()
        .map_err(Error::Engine)?
        .iter()
        .map(|meta| meta.id().uuid_string())
        .collect();
    let mut damaged: Vec<PathBuf> = directory
        .list_managed_files()
        .into_iter()
        .filter(|path| {
            let name = path.to_string_lossy();
            segments
                .iter()
                .any(|segment| name.starts_with(segment.as_str()))
        })
        .filter(|path| !matches!(directory.validate_checksum(path), Ok(true)))
        .collect();
    damaged.sort();
    Ok(damaged)
}

/// How the commit (`meta.json`, which has no checksum) disagrees with the
/// segments it lists, if it does. A wrong document count there makes
/// tantivy's commit abort the whole process from one of its threads, so it
/// is caught before any writer touches the index.
fn meta_disagreement(index: &tantivy::Index) -> Result<Option<String>> {
    let schema = index.schema();
    for segment in index.searchable_segments().map_err(Error::Engine)? {
        let counted = segment.meta().max_doc();
        let reader = tantivy::SegmentReader::open(&segment).map_err(Error::Engine)?;
        for (field, entry) in schema.fields() {
            if !entry.has_fieldnorms() {
                continue;
            }
            let held = reader
                .get_fieldnorms_reader(field)
                .map_err(Error::Engine)?
                .num_docs();
            if held != counted {
                return Ok(Some(format!(
                    "{META_FILE} says segment {} holds {counted} documents, its files hold {held}",
                    segment.id().short_uuid_string()
                )));
            }
        }
    }
    Ok(None)
}

/// Decompresses every block of stored text (what snippets and hits read).
fn read_every_stored_document(index: &Index) -> Result<()> {
    let dir = index.display_path();
    guard_panics(&dir, "reading the stored documents", || {
        let searcher = index.reader.searcher();
        for segment in searcher.segment_readers() {
            let store = segment
                .get_store_reader(0)
                .map_err(|e| Error::CorruptIndex {
                    path: dir.clone(),
                    reason: format!("document store: {e}"),
                })?;
            for doc in store.iter::<tantivy::TantivyDocument>(segment.alive_bitset()) {
                doc.map_err(|e| Error::CorruptIndex {
                    path: dir.clone(),
                    reason: format!("stored document: {e}"),
                })?;
            }
        }
        Ok(())
    })
}

pub(super) fn rebuild(dir: &Path, given: &[Root]) -> Result<Index> {
    if !dir.is_dir() {
        return Index::open(dir);
    }
    let ours = dir.join(MARKER_FILE).exists() || dir.join(ROOTS_FILE).exists();
    if !ours {
        // Not ours: refuse with the reason `open` gives, touching nothing.
        read_marker(dir)?;
        return Err(Error::NotAnIndex {
            path: dir.into(),
            reason: format!("no {MARKER_FILE}"),
        });
    }
    let mut roots = match roots_to_keep(dir) {
        Kept::Roots(roots) => roots,
        Kept::None => RootsFile::default(),
        Kept::Lost(reason) if given.is_empty() => {
            return Err(Error::RootsLost {
                path: dir.into(),
                reason,
            })
        }
        Kept::Lost(_) => RootsFile::default(),
    };
    for root in given {
        let path = root.path.canonicalize().map_err(Error::io(&root.path))?;
        roots.set(&Root::with_options(path, root.options.clone()));
    }
    let directory = PrivateDirectory::open(dir).map_err(|e| Error::CorruptIndex {
        path: dir.into(),
        reason: e.to_string(),
    })?;
    let lock = directory
        .acquire_lock(&INDEX_WRITER_LOCK)
        .map_err(|error| match error {
            LockError::IoError(io) if cannot_write(&io) => Error::ReadOnly {
                path: dir.into(),
                source: io,
            },
            LockError::IoError(io) => Error::io(dir)(
                // The lock's own error, unless tantivy still holds it too.
                std::sync::Arc::try_unwrap(io)
                    .unwrap_or_else(|io| std::io::Error::new(io.kind(), io.to_string())),
            ),
            LockError::LockBusy => Error::IndexBusy { path: dir.into() },
        })?;
    // Roots first, where the rebuild cannot take them: killed at any later
    // point, a new rebuild finds them.
    state::save_roots(dir, &roots)?;
    clear(dir)?;
    populate_new_index(dir)?;
    drop(lock);
    Index::open(dir)
}

/// What a rebuild can keep of the folders an index had.
enum Kept {
    Roots(RootsFile),
    /// The index had none (it was new).
    None,
    /// It had some, but their list is gone: why.
    Lost(String),
}

/// The roots recorded in `cerca-roots.json`, or else those saved with the
/// last commit of a sync (also cerca 0.1's, format 2).
fn roots_to_keep(dir: &Path) -> Kept {
    let file = state::load_roots(dir);
    if let Ok(Some(roots)) = &file {
        return Kept::Roots(roots.clone());
    }
    if let Some(roots) = state::payload_roots(dir) {
        return Kept::Roots(roots);
    }
    match file {
        Err(error) => Kept::Lost(error.to_string()),
        Ok(_) if index_has_documents(dir) => Kept::Lost(format!("{ROOTS_FILE} is missing")),
        Ok(_) => Kept::None,
    }
}

/// Whether tantivy's last commit (if readable) lists any document.
fn index_has_documents(dir: &Path) -> bool {
    #[derive(serde::Deserialize)]
    struct Meta {
        segments: Vec<serde_json::Value>,
    }
    fs::read(dir.join(META_FILE))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Meta>(&bytes).ok())
        .is_none_or(|meta| !meta.segments.is_empty())
}

/// Removes tantivy's files and the sync's caches: `meta.json` first, so that
/// from the first removal on the directory reads as an unfinished index, never
/// as a damaged one. Keeps the roots, the lock files and the vectors (keyed
/// by the texts they were made from, they hold for the same files read
/// again, and are the slowest part to make).
fn clear(dir: &Path) -> Result<()> {
    let meta = dir.join(META_FILE);
    if meta.exists() {
        fs::remove_file(&meta).map_err(Error::io(&meta))?;
    }
    for entry in fs::read_dir(dir).map_err(Error::io(dir))? {
        let path = entry.map_err(Error::io(dir))?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let keep = name == ROOTS_FILE
            || name == MARKER_FILE
            || name == VECTORS_FILE
            || name.starts_with(".tantivy-");
        if !keep && path.is_file() {
            fs::remove_file(&path).map_err(Error::io(&path))?;
        }
    }
    let known = dir.join(KNOWN_FILE);
    if known.exists() {
        fs::remove_file(&known).map_err(Error::io(&known))?;
    }
    Ok(())
}

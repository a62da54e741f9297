//! What the last `cerca index` could not read or passed over, per folder, kept
//! beside the index for `cerca status`.
//!
//! The sync's own report counts skips by reason for the whole run and lists
//! failures; which folder each file belongs to, and the skipped files' names,
//! are only heard while it runs. [`Recorder`] hears them, and the CLI writes
//! them to `cerca-cli-last-report.json` in the index directory (private, as
//! every file there; a rebuild removes it with the rest, the next sync writes
//! it again). Each reason keeps at most [`EXAMPLES`] file names: the file
//! stays small whatever the folders hold.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};
use cerca_core::read::SkipReason;
use cerca_core::{SyncProgress, SyncReport};
use serde::{Deserialize, Serialize};

use crate::printer::json::{rfc3339, JsonPath};

/// The file's name in the index directory.
pub const FILE: &str = "cerca-cli-last-report.json";
/// Version of its layout.
const FORMAT: u32 = 1;
/// File names kept per reason.
pub const EXAMPLES: usize = 10;

/// The last sync's files that failed or were skipped, per folder.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct LastReport {
    pub format: u32,
    /// When the sync ended (RFC 3339).
    pub finished: String,
    pub folders: Vec<FolderReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FolderReport {
    pub path: JsonPath,
    pub failed: Grouped,
    pub skipped: Grouped,
}

/// Files grouped by reason: how many, and the first few.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Grouped {
    pub count: usize,
    pub by_reason: Vec<Reason>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reason {
    pub reason: String,
    pub count: usize,
    /// At most [`EXAMPLES`] of them.
    pub files: Vec<JsonPath>,
}

/// Groups as they are heard: reason → (count, first files).
type Heard = BTreeMap<String, (usize, Vec<PathBuf>)>;

fn hear(groups: &mut Heard, reason: String, path: &Path) {
    let (count, files) = groups.entry(reason).or_default();
    *count += 1;
    if files.len() < EXAMPLES {
        files.push(path.to_path_buf());
    }
}

fn grouped(heard: Heard) -> Grouped {
    let mut by_reason: Vec<Reason> = heard
        .into_iter()
        .map(|(reason, (count, files))| Reason {
            reason,
            count,
            files: files.iter().map(|f| JsonPath::new(f)).collect(),
        })
        .collect();
    // The most frequent reasons first: they are what a person looks for.
    by_reason.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
    Grouped {
        count: by_reason.iter().map(|r| r.count).sum(),
        by_reason,
    }
}

/// A [`SyncProgress`] that passes everything on to `inner` and records the
/// skipped files by path (the sync's report lists the failures itself).
pub struct Recorder<'a> {
    inner: &'a mut dyn SyncProgress,
    skipped: Vec<(PathBuf, String)>,
}

impl<'a> Recorder<'a> {
    pub fn new(inner: &'a mut dyn SyncProgress) -> Self {
        Recorder {
            inner,
            skipped: Vec::new(),
        }
    }

    /// The skipped files heard, each with its reason.
    pub fn into_skipped(self) -> Skipped {
        Skipped(self.skipped)
    }
}

/// The files a sync skipped, each with its reason.
pub struct Skipped(Vec<(PathBuf, String)>);

impl Skipped {
    /// The report of a sync that ended now: `synced` are the folders it
    /// walked, `folders` all the index's; the others keep what `previous`
    /// said of them. `indexed` are the paths the index holds now.
    pub fn report(
        self,
        folders: &[PathBuf],
        synced: &[PathBuf],
        sync: &SyncReport,
        previous: Option<&LastReport>,
        indexed: &HashSet<PathBuf>,
    ) -> LastReport {
        let mut heard: Vec<(Heard, Heard)> = vec![Default::default(); folders.len()];
        let folder_of = |path: &Path| super::folder_of(folders, path);
        for (path, message) in &sync.failures {
            if let Some(i) = folder_of(path) {
                hear(&mut heard[i].0, reason_of(path, message), path);
            }
        }
        let mut named: HashSet<&Path> = sync.failures.iter().map(|(p, _)| p.as_path()).collect();
        for (path, reason) in &self.0 {
            if let Some(i) = folder_of(path) {
                hear(&mut heard[i].1, reason.clone(), path);
            }
            named.insert(path);
        }
        for (i, folder) in folders.iter().enumerate() {
            if let Some(before) = previous.and_then(|p| p.folder(folder)) {
                carry_binary(&mut heard[i].1, &before.skipped, &named, indexed);
            }
        }
        LastReport {
            format: FORMAT,
            finished: rfc3339(SystemTime::now()),
            folders: folders
                .iter()
                .zip(heard)
                .filter_map(|(folder, (failed, skipped))| {
                    if synced.contains(folder) {
                        return Some(FolderReport {
                            path: JsonPath::new(folder),
                            failed: grouped(failed),
                            skipped: grouped(skipped),
                        });
                    }
                    previous?.folder(folder).cloned()
                })
                .collect(),
        }
    }
}

/// Binary files are only found by reading them, and the sync does not read
/// a file again until it changes (nor tell its name when it passes over
/// it): those the last report named are kept while they are still there,
/// not indexed, and not named by this sync. Of those it only counted, the
/// count is kept.
fn carry_binary(
    heard: &mut Heard,
    before: &Grouped,
    named: &HashSet<&Path>,
    indexed: &HashSet<PathBuf>,
) {
    let label = SkipReason::Binary.label();
    let Some(binary) = before.by_reason.iter().find(|r| r.reason == label) else {
        return;
    };
    let unnamed = binary.count.saturating_sub(binary.files.len());
    let still: Vec<PathBuf> = binary
        .files
        .iter()
        .map(JsonPath::to_path)
        .filter(|path| {
            !named.contains(path.as_path())
                && !indexed.contains(path)
                && fs::symlink_metadata(path).is_ok()
        })
        .collect();
    if still.is_empty() && unnamed == 0 {
        return;
    }
    let (count, files) = heard.entry(label).or_default();
    *count += still.len() + unnamed;
    files.extend(still.into_iter().take(EXAMPLES.saturating_sub(files.len())));
}

/// A failure's message without the path it mostly starts with.
fn reason_of(path: &Path, message: &str) -> String {
    let prefix = format!("{}: ", path.display());
    message.strip_prefix(&prefix).unwrap_or(message).to_owned()
}

impl SyncProgress for Recorder<'_> {
    fn planned(&mut self, files: usize, bytes: u64) {
        self.inner.planned(files, bytes);
    }

    fn file_done(&mut self, path: &Path, bytes: u64) {
        self.inner.file_done(path, bytes);
    }

    fn skipped(&mut self, path: &Path, reason: &SkipReason) {
        self.skipped.push((path.to_path_buf(), reason.label()));
        self.inner.skipped(path, reason);
    }

    fn failed(&mut self, path: &Path, message: &str) {
        self.inner.failed(path, message);
    }

    fn waiting_for_writer(&mut self) {
        self.inner.waiting_for_writer();
    }

    fn embedding_planned(&mut self, documents: usize) {
        self.inner.embedding_planned(documents);
    }

    fn embedded(&mut self, documents: usize) {
        self.inner.embedded(documents);
    }
}

impl LastReport {
    /// Writes it into the index directory, replacing the last one whole
    /// (written aside, then renamed).
    pub fn save(&self, index_dir: &Path) -> Result<()> {
        let path = index_dir.join(FILE);
        let temporary = index_dir.join(format!("{FILE}.tmp"));
        let bytes = serde_json::to_vec(self)?;
        let mut file = super::private_file(&temporary)
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        file.write_all(&bytes)
            .with_context(|| format!("cannot write {}", temporary.display()))?;
        drop(file);
        fs::rename(&temporary, &path).with_context(|| format!("cannot write {}", path.display()))
    }

    /// The last one written into the index directory, if any (one that does
    /// not read is as none: it only tells what the last sync saw).
    pub fn load(index_dir: &Path) -> Option<LastReport> {
        let bytes = fs::read(index_dir.join(FILE)).ok()?;
        serde_json::from_slice::<LastReport>(&bytes)
            .ok()
            .filter(|report| report.format == FORMAT)
    }

    /// The report of one folder.
    pub fn folder(&self, path: &Path) -> Option<&FolderReport> {
        self.folders.iter().find(|f| f.path.to_path() == path)
    }
}

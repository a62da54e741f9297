//! `cerca index`: add folders and sync.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use std::sync::Arc;

use anyhow::Result;
use cerca_core::{Embedder, Error, Index, Root, SyncReport, Syncer};

use crate::args::{ColorChoice, IndexArgs};
use crate::interrupt::{self, Interrupted};
use crate::locations;
use crate::output::{self, escape, Controls};
use crate::printer::json::JsonPath;
use crate::progress::{Bar, WAITING};
use crate::{semantic, Reported};

use super::last_report::{LastReport, Recorder};
use super::{about_index, roots, syncer};

/// `Index::rebuild` with the folders `paths` (or the index's own), waiting
/// for another writer with `--wait` (until a signal comes).
fn rebuild(
    dir: &Path,
    paths: &[PathBuf],
    args: &IndexArgs,
    interrupt: &AtomicBool,
) -> cerca_core::Result<Index> {
    let roots = roots(paths, &args.walk);
    waiting(args.wait, interrupt, || Index::rebuild(dir, &roots))
}

/// `work`, which takes the writer's lock, again while another writer holds
/// it if `wait` is set (until a signal comes).
fn waiting<T>(
    wait: bool,
    interrupt: &AtomicBool,
    mut work: impl FnMut() -> cerca_core::Result<T>,
) -> cerca_core::Result<T> {
    let mut said = false;
    loop {
        match work() {
            Err(Error::IndexBusy { .. }) if wait && !interrupt.load(Ordering::SeqCst) => {
                if !std::mem::replace(&mut said, true) {
                    output::error(WAITING);
                }
                std::thread::sleep(LOCK_RETRY)
            }
            other => return other,
        }
    }
}

/// How often a waiting rebuild tries the lock again.
const LOCK_RETRY: Duration = Duration::from_millis(100);

pub fn run(args: &IndexArgs, color: ColorChoice) -> Result<bool> {
    let dir = locations::index_dir(args.location.index.as_deref())?;
    super::walk_options_need_folders(&args.paths, &args.walk, "index")?;
    // As rg with its PATHs: the folders that exist are indexed, the others
    // reported, and the exit status says something went wrong.
    let (paths, missing) = existing(&args.paths);
    if !args.paths.is_empty() && paths.is_empty() {
        return Err(Reported.into());
    }
    let interrupt = interrupt::arm()?;
    // The model first: a cerca that cannot make vectors changes nothing.
    let model = match args.semantic {
        true => Some(semantic::model()?),
        false => None,
    };
    let index = if args.rebuild {
        rebuild(&dir, &paths, args, &interrupt).map_err(|e| {
            about_index(e, &dir, || {
                format!("cannot rebuild the index at {}", dir.display())
            })
        })?
    } else {
        super::open_for_folders(&dir, &paths)?
    };
    let mut out = io::stdout().lock();
    if paths.is_empty() && index.roots()?.is_empty() {
        if args.rebuild {
            writeln!(
                out,
                "rebuilt {}: it holds no folder; add one with `cerca index PATH`",
                dir.display()
            )?;
            return Ok(true);
        }
        if index.num_docs() > 0 {
            // Written by a program that keeps no folders, or its record lost.
            anyhow::bail!(
                "the index at {} holds {} documents but no record of their folders: \
                 give them again with `cerca index PATH…`",
                dir.display(),
                index.num_docs()
            );
        }
        anyhow::bail!(
            "the index at {} holds no folder yet: run `cerca index PATH`",
            dir.display()
        );
    }
    let mut syncer = syncer(&index, args.wait, Arc::clone(&interrupt))?;
    if let Some(model) = semantic_model(&index, &dir, args, model, &interrupt)? {
        syncer = syncer.with_embedder(model);
    }
    let report = sync_recorded(&syncer, &index, &roots(&paths, &args.walk), &paths, color)
        .map_err(|e| {
            about_index(e, &dir, || {
                format!("cannot sync the index at {}", dir.display())
            })
        })?;
    if args.json {
        serde_json::to_writer(&mut out, &json_report(&report)?)?;
        writeln!(out)?;
    } else {
        print_summary(&mut out, &report)?;
    }
    if report.interrupted {
        return Err(Interrupted {
            kept: index.num_docs(),
            resume: "cerca index",
        }
        .into());
    }
    if let Some(error) = &report.vectors_error {
        output::error(&format!(
            "the vectors were not all made: {error}; the words are indexed, and the next \
             `cerca index` makes the missing vectors"
        ));
        return Ok(false);
    }
    if missing {
        return Err(Reported.into());
    }
    Ok(report.failed == 0)
}

/// The paths of `given` that exist, and whether some did not (each of those
/// is reported, as `cerca search` reports its PATHs).
fn existing(given: &[PathBuf]) -> (Vec<PathBuf>, bool) {
    let mut missing = false;
    let paths = given
        .iter()
        .filter(|path| match path.metadata() {
            Ok(_) => true,
            Err(error) => {
                output::error(&format!("cannot index {}: {error}", path.display()));
                missing = true;
                false
            }
        })
        .cloned()
        .collect();
    (paths, missing)
}

/// Syncs `roots` (given on the command line as `given`) with a progress bar,
/// and keeps what it saw of each folder for `cerca status`.
pub fn sync_recorded(
    syncer: &Syncer<'_>,
    index: &Index,
    roots: &[Root],
    given: &[PathBuf],
    color: ColorChoice,
) -> cerca_core::Result<SyncReport> {
    let mut bar = Bar::new(color);
    let mut recorder = Recorder::new(&mut bar);
    let report = syncer.sync(roots, &mut recorder);
    let skipped = recorder.into_skipped();
    bar.finish();
    let report = report?;
    if !report.interrupted {
        // Only for `cerca status`: a report that cannot be written is said, not fatal.
        if let Err(error) = save_last_report(skipped, index, given, &report) {
            output::error(&format!(
                "{} (`cerca status` will not show this sync's skipped and failed files)",
                output::causes(&error)
            ));
        }
    }
    Ok(report)
}

/// The model to make vectors with, if the index has (or is given) semantic
/// search; `--no-semantic` turns it off.
fn semantic_model(
    index: &Index,
    dir: &Path,
    args: &IndexArgs,
    given: Option<Arc<dyn Embedder>>,
    interrupt: &AtomicBool,
) -> Result<Option<Arc<dyn Embedder>>> {
    let about = |e| {
        about_index(e, dir, || {
            format!("cannot change the index at {}", dir.display())
        })
    };
    if args.no_semantic {
        waiting(args.wait, interrupt, || index.disable_semantic()).map_err(about)?;
        return Ok(None);
    }
    if let Some(model) = given {
        waiting(args.wait, interrupt, || index.enable_semantic(&*model)).map_err(about)?;
        return Ok(Some(model));
    }
    Ok(model_of(index))
}

/// The model of an index with semantic search on, if this cerca has it (or
/// says why not).
pub fn model_of(index: &Index) -> Option<Arc<dyn Embedder>> {
    if !index.semantic_enabled() {
        return None;
    }
    if !semantic::BUILT_IN {
        output::note(
            "cerca: this index has semantic search on, but this cerca was built without it: \
             new documents get no vector (`cerca index --no-semantic` turns it off)",
        );
        return None;
    }
    match semantic::model() {
        Ok(model) => Some(model),
        Err(error) => {
            output::error(&format!(
                "{}: the words are indexed, the vectors of new documents are not made",
                output::causes(&error)
            ));
            None
        }
    }
}

/// The report as JSON, its failures' paths lossless (serde refuses a path
/// that is not UTF-8): `[path, message]` pairs, a path as `--json` prints it.
fn json_report(report: &SyncReport) -> Result<serde_json::Value> {
    let mut without_failures = report.clone();
    without_failures.failures = Vec::new();
    let mut value = serde_json::to_value(without_failures)?;
    value["failures"] = report
        .failures
        .iter()
        .map(|(path, message)| serde_json::json!([JsonPath::new(path), message]))
        .collect();
    Ok(value)
}

/// Writes what this sync saw of each folder beside the index.
fn save_last_report(
    skipped: super::last_report::Skipped,
    index: &Index,
    given: &[PathBuf],
    report: &SyncReport,
) -> Result<()> {
    let Some(dir) = index.path() else {
        return Ok(());
    };
    let folders: Vec<PathBuf> = index.roots()?.into_iter().map(|s| s.root.path).collect();
    // The sync walked the folders given (as it canonicalized them), or all.
    let synced: Vec<PathBuf> = if given.is_empty() {
        folders.clone()
    } else {
        given.iter().filter_map(|p| p.canonicalize().ok()).collect()
    };
    let previous = LastReport::load(dir);
    let indexed = index.stored_files()?.into_iter().map(|f| f.path).collect();
    skipped
        .report(&folders, &synced, report, previous.as_ref(), &indexed)
        .save(dir)
}

pub fn print_summary(out: &mut dyn Write, report: &SyncReport) -> io::Result<()> {
    writeln!(
        out,
        "{} added, {} updated, {} removed, {} unchanged, {} skipped, {} failed; {:.1} MB read in {:.2} s",
        report.added,
        report.updated,
        report.removed,
        report.unchanged,
        report.skipped,
        report.failed,
        report.bytes_read as f64 / 1e6,
        report.elapsed.as_secs_f64()
    )?;
    if !report.indexed_by_kind.is_empty() {
        let kinds: Vec<String> = report
            .indexed_by_kind
            .iter()
            .map(|(kind, n)| {
                // Kinds and reasons come from file names: escaped, as names are.
                format!(
                    "{n} {}",
                    if kind.is_empty() {
                        "(no extension)".into()
                    } else {
                        escape(kind, Controls::Escaped)
                    }
                )
            })
            .collect();
        writeln!(out, "indexed: {}", kinds.join(", "))?;
        if report.without_text > 0 {
            writeln!(
                out,
                "without text: {} (empty files, or PDFs that are scans without a text layer)",
                report.without_text
            )?;
        }
    }
    match (report.embedded, report.without_vectors) {
        (0, 0) => {}
        (made, 0) => writeln!(out, "vectors: {made} made")?,
        (made, left) => writeln!(
            out,
            "vectors: {made} made, {left} documents still without (`cerca index` makes them)"
        )?,
    }
    if !report.skipped_by_reason.is_empty() {
        let reasons: Vec<String> = report
            .skipped_by_reason
            .iter()
            .map(|(reason, n)| format!("{n} {}", escape(reason, Controls::Escaped)))
            .collect();
        writeln!(out, "skipped: {}", reasons.join(", "))?;
    }
    Ok(())
}

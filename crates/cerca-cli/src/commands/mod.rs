//! One file per subcommand; each returns whether something was found (exit 0) or not (exit 1).

pub mod cache;
pub mod check;
pub mod export;
pub mod extract_worker;
pub mod forget;
pub mod index;
pub mod last_report;
pub mod search;
pub mod serve;
pub mod status;
pub mod translate;
pub mod watch;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::{Context, Result};
use cerca_core::read::{WalkOptions, DEFAULT_MAX_FILE_SIZE};
use cerca_core::{Error, Index, Root, SyncOptions, Syncer};

use crate::args::WalkArgs;

/// Opens the index, saying what to do when there is none.
pub fn open_index(dir: &Path) -> Result<Index> {
    Index::open(dir).map_err(|error| {
        about_index(error, dir, || {
            format!("cannot open the index at {}", dir.display())
        })
    })
}

/// The index to sync `paths` into: opened, or made if folders are given
/// (with none, there must already be one).
pub fn open_for_folders(dir: &Path, paths: &[PathBuf]) -> Result<Index> {
    if paths.is_empty() {
        return open_index(dir);
    }
    Index::open_or_create(dir).map_err(|error| {
        about_index(error, dir, || {
            format!("cannot open or create the index at {}", dir.display())
        })
    })
}

/// A core error about the index in `dir`, with `doing` as context unless the
/// error names the index itself (no index, busy, damaged, read-only…: "the
/// index at DIR …", "DIR is not a cerca index", which also say what to do):
/// the path is then said once.
pub fn about_index(error: Error, dir: &Path, doing: impl FnOnce() -> String) -> anyhow::Error {
    let text = error.to_string();
    let dir = dir.display().to_string();
    let names_it = [format!("index at {dir} "), format!("index at {dir}:")]
        .iter()
        .any(|said| text.contains(said.as_str()))
        || text.ends_with(&format!("index at {dir}"))
        || text.starts_with(&format!("{dir} is not a cerca index"));
    if names_it {
        error.into()
    } else {
        anyhow::Error::new(error).context(doing())
    }
}

/// Which of `folders` `path` belongs to: the deepest one it is under (a
/// folder inside another is synced on its own, with its own options).
pub fn folder_of(folders: &[PathBuf], path: &Path) -> Option<usize> {
    folders
        .iter()
        .enumerate()
        .filter(|(_, folder)| path.starts_with(folder))
        .max_by_key(|(_, folder)| folder.as_os_str().len())
        .map(|(i, _)| i)
}

/// A new file (or an old one, emptied) only its owner can read, as every
/// file cerca keeps.
pub fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Walk options given without a folder: refused, since they belong to the
/// folders given with them (`command` names the example's command).
pub fn walk_options_need_folders(paths: &[PathBuf], walk: &WalkArgs, command: &str) -> Result<()> {
    if paths.is_empty() && walk.any_given() {
        anyhow::bail!(
            "--hidden, --follow, --include, --exclude and --max-size belong to the folders given \
             with them: give the folder too, e.g. `cerca {command} --exclude 'build/**' FOLDER` \
             (`cerca status` shows each folder's options)"
        );
    }
    Ok(())
}

/// The folders given on the command line, each with the walk options given.
pub fn roots(paths: &[PathBuf], walk: &WalkArgs) -> Vec<Root> {
    let options = WalkOptions::default()
        .with_hidden(walk.hidden)
        .with_follow_symlinks(walk.follow)
        .with_include(walk.include.clone())
        .with_exclude(walk.exclude.clone())
        .with_max_file_size(walk.max_size.unwrap_or(DEFAULT_MAX_FILE_SIZE))
        .with_ignore_files(!walk.no_ignore);
    paths
        .iter()
        .map(|path| Root::with_options(path, options.clone()))
        .collect()
}

/// A syncer as the CLI runs it: risky kinds extracted in `cerca extract-worker`,
/// stopped by `interrupt`.
pub fn syncer(
    index: &Index,
    wait_for_lock: bool,
    interrupt: Arc<AtomicBool>,
) -> Result<Syncer<'_>> {
    let options = SyncOptions::default()
        .with_wait_for_lock(wait_for_lock)
        .with_interrupt(Some(interrupt));
    let worker = extract_worker::worker_command()
        .context("cannot tell where this cerca is, to start its extraction worker")?;
    Ok(Syncer::new(index).with_options(options).with_worker(worker))
}

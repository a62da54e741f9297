//! `cerca watch`: keeps the index current as files change.
//!
//! A change is not applied file by file: the folder it is in is synced
//! again, which costs little when little changed (the walk compares each
//! file with its document's columns) and already handles every way files
//! change: saves through a temporary file renamed over the old one, moves,
//! folder renames, deletions. Events only say which folders to sync, and
//! when: once they have been quiet for [`QUIET`], or [`LONGEST_WAIT`] after
//! the first, and never more often than [`BETWEEN_SYNCS`].

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use cerca_core::{Index, Root, SyncReport};
use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};

use super::index::{model_of, print_summary, sync_recorded};
use super::{about_index, folder_of, roots, syncer};
use crate::args::{ColorChoice, WatchArgs};
use crate::printer::json::rfc3339;
use crate::{interrupt, locations, output};

/// Sync once events have been quiet this long…
const QUIET: Duration = Duration::from_millis(300);
/// …or this long after the first, if they never are (a copy of 10,000 files).
const LONGEST_WAIT: Duration = Duration::from_secs(1);
/// At most one sync (and its commits) this often.
const BETWEEN_SYNCS: Duration = Duration::from_secs(1);
/// Events waiting to be looked at; more, and every folder is synced whole.
const EVENT_QUEUE: usize = 4096;
/// How often, without events, the index's folders are looked at again (new
/// ones, gone ones back, ones made again).
const LOOK_AGAIN: Duration = Duration::from_secs(3);
/// How often a wait looks at the interrupt flag.
const TICK: Duration = Duration::from_millis(100);

pub fn run(args: &WatchArgs, color: ColorChoice) -> Result<bool> {
    let dir = locations::index_dir(args.location.index.as_deref())?;
    super::walk_options_need_folders(&args.paths, &args.walk, "watch")?;
    let interrupt = interrupt::arm()?;
    let index = super::open_for_folders(&dir, &args.paths)?;
    if args.paths.is_empty() && index.roots()?.is_empty() {
        anyhow::bail!(
            "the index at {} holds no folder to watch: run `cerca watch PATH`",
            dir.display()
        );
    }
    let mut syncer = syncer(&index, true, Arc::clone(&interrupt))?;
    if let Some(model) = model_of(&index) {
        syncer = syncer.with_embedder(model);
    }
    let sync = |roots: &[Root], given: &[PathBuf]| {
        sync_recorded(&syncer, &index, roots, given, color).map_err(|e| {
            about_index(e, &dir, || {
                format!("cannot sync the index at {}", dir.display())
            })
        })
    };

    // What changed while nobody watched.
    let report = sync(&roots(&args.paths, &args.walk), &args.paths)?;
    print_summary(&mut std::io::stdout().lock(), &report)?;
    if report.interrupted {
        return Ok(stopped());
    }
    keep_current(&index, &dir, &interrupt, &sync)?;
    Ok(stopped())
}

/// Syncs roots (given on the command line as the paths) and reports.
pub type SyncFn<'a> = dyn Fn(&[Root], &[PathBuf]) -> Result<SyncReport> + 'a;

/// Watches the index's folders and syncs them with `sync` as they change,
/// until `interrupt` is set.
pub fn keep_current(
    index: &Index,
    dir: &Path,
    interrupt: &AtomicBool,
    sync: &SyncFn<'_>,
) -> Result<()> {
    let index_dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let mut events = Events::new(&index_dir)?;
    let (mut folders, _) = events.follow(index)?;
    output::note(&format!(
        "cerca: watching {} for changes (Ctrl-C stops)",
        describe(&folders)
    ));
    let mut last_sync = Instant::now();
    while let Some(changed) = events.next_batch(&folders, interrupt) {
        // A bounded commit rate, whatever the burst.
        while last_sync.elapsed() < BETWEEN_SYNCS {
            if interrupt.load(Ordering::SeqCst) {
                return Ok(());
            }
            std::thread::sleep(TICK);
        }
        // The folders as the index has them now (another cerca may have
        // added or forgotten some): a forgotten folder is not synced back.
        let current: Vec<Root> = index.roots()?.into_iter().map(|s| s.root).collect();
        let mut targets: Vec<Root> = match &changed {
            Changed::Everything => current.clone(),
            Changed::Folders(paths) => current
                .iter()
                .filter(|root| paths.contains(&root.path))
                .cloned()
                .collect(),
            Changed::Nothing => Vec::new(),
        };
        // Folders to watch anew: added by another cerca, back after being
        // gone, or made again (`rm -rf d && git clone … d`); what happened
        // there unwatched is synced too.
        let (now, renewed) = events.follow(index)?;
        folders = now;
        for root in current.into_iter().filter(|r| renewed.contains(&r.path)) {
            if !targets.iter().any(|t| t.path == root.path) {
                targets.push(root);
            }
        }
        if targets.is_empty() {
            continue;
        }
        last_sync = Instant::now();
        // A folder gone is a failure of this sync (as for `cerca index`),
        // not of the watch: every folder is synced, and says so.
        let result = match targets.iter().all(|root| root.path.exists()) {
            true => sync(&targets, &[]),
            false => sync(&[], &[]),
        };
        match result {
            Ok(report) => {
                say(&report, last_sync.elapsed())?;
                if report.interrupted {
                    break;
                }
            }
            Err(error) => output::error(&format!("{} (still watching)", output::causes(&error))),
        }
    }
    Ok(())
}

fn stopped() -> bool {
    output::note("cerca: stopped watching; every sync done is committed");
    true
}

/// One line per sync that changed something.
fn say(report: &SyncReport, took: Duration) -> std::io::Result<()> {
    let changed = report.added + report.updated + report.removed + report.failed;
    if changed == 0 && report.embedded == 0 {
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} {} added, {} updated, {} removed, {} failed{} ({:.2} s)",
        rfc3339(std::time::SystemTime::now()),
        report.added,
        report.updated,
        report.removed,
        report.failed,
        match report.embedded {
            0 => String::new(),
            n => format!(", {n} vectors made"),
        },
        took.as_secs_f64()
    )?;
    out.flush()
}

fn describe(folders: &[Root]) -> String {
    match folders {
        [one] => output::escape_path(&one.path),
        many => format!("{} folders", many.len()),
    }
}

/// What a batch of events asks to sync.
#[derive(Debug, PartialEq, Eq)]
enum Changed {
    /// Events were lost (the queue overflowed, the system said so): all.
    Everything,
    Folders(BTreeSet<PathBuf>),
    /// No event for a while: time to look for folders to watch anew.
    Nothing,
}

/// The file system's events for the index's folders.
struct Events {
    watcher: notify::RecommendedWatcher,
    queue: Receiver<notify::Result<notify::Event>>,
    /// Set when events had to be dropped (the queue was full).
    overflowed: Arc<AtomicBool>,
    /// What is watched (a single-file root: its parent folder), with the
    /// identity it had then (to tell a folder made again).
    watched: BTreeMap<PathBuf, Option<(u64, u64)>>,
    /// What could not be watched, said once.
    complained: BTreeSet<PathBuf>,
    /// Trees watched folder by folder (one of their folders cannot be read).
    one_by_one: BTreeSet<PathBuf>,
    /// Whether `follow` ran once (what it watches later is watched anew).
    followed: bool,
    /// Events in here are the index's own writes.
    index_dir: PathBuf,
}

impl Events {
    fn new(index_dir: &Path) -> Result<Events> {
        let (sender, queue) = sync_channel(EVENT_QUEUE);
        let overflowed = Arc::new(AtomicBool::new(false));
        let full = Arc::clone(&overflowed);
        let watcher = notify::recommended_watcher(move |event| {
            if sender.try_send(event).is_err() {
                full.store(true, Ordering::SeqCst);
            }
        })
        .context("cannot watch for file changes")?;
        Ok(Events {
            watcher,
            queue,
            overflowed,
            watched: BTreeMap::new(),
            complained: BTreeSet::new(),
            one_by_one: BTreeSet::new(),
            followed: false,
            index_dir: index_dir.to_path_buf(),
        })
    }

    /// Watches the index's folders now: new ones, and those gone or made
    /// again since they were watched; leaves forgotten ones. Returns the
    /// folders, and those watched anew (not at the first call).
    fn follow(&mut self, index: &Index) -> Result<(Vec<Root>, BTreeSet<PathBuf>)> {
        let first = !std::mem::replace(&mut self.followed, true);
        let folders: Vec<Root> = index.roots()?.into_iter().map(|s| s.root).collect();
        let wanted: BTreeMap<PathBuf, PathBuf> = folders
            .iter()
            .map(|r| (watch_target(&r.path), r.path.clone()))
            .collect();
        self.watched.retain(|path, _| {
            let keep = wanted.contains_key(path);
            if !keep {
                let _ = self.watcher.unwatch(path);
            }
            keep
        });
        let mut renewed = BTreeSet::new();
        for (path, root) in &wanted {
            let now = identity(path);
            match self.watched.get(path) {
                Some(then) if now.is_some() && *then == now => continue,
                Some(_) => {
                    let _ = self.watcher.unwatch(path);
                    self.watched.remove(path);
                }
                None => {}
            }
            if now.is_none() {
                continue; // gone for now: looked for again later
            }
            let mode = if path == root && path.is_dir() {
                RecursiveMode::Recursive
            } else {
                RecursiveMode::NonRecursive
            };
            let watched = match self.watcher.watch(path, mode) {
                // A folder it cannot read inside the tree stops notify from
                // watching the rest: then each folder it can read, one by one.
                Err(error) if mode == RecursiveMode::Recursive && is_permission(&error) => {
                    let _ = self.watcher.unwatch(path);
                    if self.complained.insert(path.clone()) {
                        output::error(&format!(
                            "cannot watch every folder under {}: {error}; the others are watched one by one",
                            output::escape_path(path)
                        ));
                    }
                    self.one_by_one.insert(path.clone());
                    self.watch_each(path);
                    Ok(())
                }
                other => other,
            };
            match watched {
                Ok(()) => {
                    self.watched.insert(path.clone(), now);
                    if !self.one_by_one.contains(path) {
                        self.complained.remove(path);
                    }
                    if !first {
                        renewed.insert(root.clone());
                    }
                }
                Err(error) => {
                    if self.complained.insert(path.clone()) {
                        output::error(&format!(
                            "cannot watch {}: {}{}",
                            output::escape_path(path),
                            error,
                            advice(&error)
                        ));
                    }
                }
            }
        }
        Ok((folders, renewed))
    }

    /// Waits for events that matter, then gathers them until they are quiet;
    /// `None` once `interrupt` is set (or the watcher is gone).
    fn next_batch(&mut self, folders: &[Root], interrupt: &AtomicBool) -> Option<Changed> {
        let mut changed = BTreeSet::new();
        let mut everything = false;
        let mut first: Option<Instant> = None;
        let mut last = Instant::now();
        let waiting = Instant::now();
        loop {
            if interrupt.load(Ordering::SeqCst) {
                return None;
            }
            let wait = match first {
                None if waiting.elapsed() >= LOOK_AGAIN => return Some(Changed::Nothing),
                None => TICK,
                Some(first) => {
                    let deadline = (last + QUIET).min(first + LONGEST_WAIT);
                    match deadline.checked_duration_since(Instant::now()) {
                        Some(left) => left.min(TICK),
                        None => break,
                    }
                }
            };
            let relevant = match self.queue.recv_timeout(wait) {
                Ok(Ok(event)) if event.need_rescan() => {
                    everything = true;
                    true
                }
                Ok(Ok(event)) => self.note(&event, folders, &mut changed),
                // An error of the watcher (an event lost): sync everything.
                Ok(Err(_)) => {
                    everything = true;
                    true
                }
                Err(RecvTimeoutError::Timeout) => false,
                Err(RecvTimeoutError::Disconnected) => return None,
            };
            if self.overflowed.swap(false, Ordering::SeqCst) {
                everything = true;
            }
            if relevant || everything {
                last = Instant::now();
                first.get_or_insert(last);
            }
        }
        Some(match everything {
            true => Changed::Everything,
            false => Changed::Folders(changed),
        })
    }

    /// Watches `top` and every folder under it that can be read, each on
    /// its own (not recursively).
    fn watch_each(&mut self, top: &Path) {
        let folders = walkdir::WalkDir::new(top)
            .into_iter()
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_type().is_dir());
        for folder in folders {
            let _ = self
                .watcher
                .watch(folder.path(), RecursiveMode::NonRecursive);
        }
    }

    /// Adds the folders `event` touches to `changed`; whether it touched any.
    fn note(
        &mut self,
        event: &notify::Event,
        folders: &[Root],
        changed: &mut BTreeSet<PathBuf>,
    ) -> bool {
        if !matters(&event.kind) {
            return false;
        }
        // Under a tree watched folder by folder, a new folder is watched too.
        if matches!(event.kind, EventKind::Create(_)) {
            let new_folders: Vec<PathBuf> = event
                .paths
                .iter()
                .filter(|path| path.is_dir())
                .filter(|path| self.one_by_one.iter().any(|top| path.starts_with(top)))
                .cloned()
                .collect();
            for folder in new_folders {
                self.watch_each(&folder);
            }
        }
        let paths: Vec<PathBuf> = folders.iter().map(|r| r.path.clone()).collect();
        let mut any = false;
        for path in &event.paths {
            if path.starts_with(&self.index_dir) {
                continue; // the index's own files
            }
            let Some(i) = folder_of(&paths, path) else {
                continue;
            };
            let root = &folders[i];
            if !root.options.hidden && is_hidden_under(path, &root.path) {
                continue;
            }
            changed.insert(root.path.clone());
            any = true;
        }
        any
    }
}

/// Whether an event can mean a file's content, name or presence changed
/// (reading a file, as the sync itself does, cannot).
fn matters(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Whether a component of `path` under `root` is hidden (a dot file or
/// folder: editors' swap and temporary files, `.git`).
fn is_hidden_under(path: &Path, root: &Path) -> bool {
    path.strip_prefix(root).is_ok_and(|rest| {
        rest.components().any(|c| match c {
            Component::Normal(name) => name.as_encoded_bytes().first() == Some(&b'.'),
            _ => false,
        })
    })
}

/// A folder's device and inode, to tell it from one made again in its place.
fn identity(path: &Path) -> Option<(u64, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((metadata.dev(), metadata.ino()))
    }
    #[cfg(not(unix))]
    {
        Some((0, u64::from(metadata.is_dir())))
    }
}

/// What is watched for a root: the folder itself, or a single file's folder
/// (a file saved by renaming a new one over it is a new file to watch).
fn watch_target(root: &Path) -> PathBuf {
    if root.is_file() {
        if let Some(parent) = root.parent() {
            return parent.to_path_buf();
        }
    }
    root.to_path_buf()
}

fn is_permission(error: &notify::Error) -> bool {
    match &error.kind {
        notify::ErrorKind::Io(io) => io.kind() == std::io::ErrorKind::PermissionDenied,
        _ => false,
    }
}

fn advice(error: &notify::Error) -> &'static str {
    match error.kind {
        notify::ErrorKind::MaxFilesWatch => {
            " (the system's limit of watched folders: raise it with \
             `sysctl fs.inotify.max_user_watches=524288`; changes there are seen by the next \
             `cerca index`)"
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_components_are_those_under_the_root() {
        let root = Path::new("/home/me/.note");
        assert!(!is_hidden_under(Path::new("/home/me/.note/a.txt"), root));
        assert!(is_hidden_under(
            Path::new("/home/me/.note/.a.txt.swp"),
            root
        ));
        assert!(is_hidden_under(
            Path::new("/home/me/.note/.git/index"),
            root
        ));
    }

    #[test]
    fn reading_a_file_is_not_a_change_but_writing_it_is() {
        use notify::event::{CreateKind, ModifyKind};
        assert!(!matters(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!matters(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(matters(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(matters(&EventKind::Create(CreateKind::File)));
        assert!(matters(&EventKind::Modify(ModifyKind::Any)));
        assert!(matters(&EventKind::Remove(
            notify::event::RemoveKind::Folder
        )));
    }
}

//! `cerca cache`: the cached indexes of ad-hoc searches, and their eviction.
//!
//! Each set of paths searched ad hoc has its index in the cache directory
//! (see [`locations::cache_index_dir`]). After every ad-hoc search the least
//! recently used ones are removed until at most [`MAX_CACHES`] are left,
//! holding at most [`MAX_CACHE_BYTES`] together; the one just used is always
//! kept. The last use is the modification time of a stamp file in each.
//!
//! A search holds a shared lock on its cache's lock file (beside the cache,
//! so that it outlives it) from before it opens the cache to its last hit;
//! eviction and `cache clear` take it exclusively, without waiting, and pass
//! over a cache in use.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, Result};
use cerca_core::Index;
use serde::Serialize;

use crate::args::{CacheAction, CacheArgs};
use crate::locations;
use crate::output::{self, escape_path};
use crate::printer::json::{rfc3339, JsonPath};

/// At most this many cached indexes are kept.
pub const MAX_CACHES: usize = 16;
/// At most this many bytes of cached indexes are kept (1 GB).
pub const MAX_CACHE_BYTES: u64 = 1_000_000_000;
/// The stamp whose modification time is a cache's last use.
const USED_FILE: &str = "cerca-cli-last-used";

/// One cached index.
struct Cache {
    dir: PathBuf,
    size: u64,
    last_used: SystemTime,
}

#[derive(Serialize)]
struct CacheLine {
    dir: JsonPath,
    /// The paths it indexes (empty if it cannot be read: it is rebuilt when used).
    paths: Vec<JsonPath>,
    size: u64,
    last_used: String,
}

pub fn run(args: &CacheArgs) -> Result<bool> {
    let root = locations::cache_root()?;
    match args.action {
        CacheAction::List { json } => list(&root, json),
        CacheAction::Clear => clear(&root),
    }
}

fn list(root: &Path, json: bool) -> Result<bool> {
    let caches = caches(root)?;
    let mut out = io::stdout().lock();
    for cache in &caches {
        // Reading an index's folders takes no lock: a search under way is not disturbed.
        let paths: Vec<PathBuf> = Index::open(&cache.dir)
            .and_then(|index| index.roots())
            .map(|roots| roots.into_iter().map(|s| s.root.path).collect())
            .unwrap_or_default();
        if json {
            let line = CacheLine {
                dir: JsonPath::new(&cache.dir),
                paths: paths.iter().map(|p| JsonPath::new(p)).collect(),
                size: cache.size,
                last_used: rfc3339(cache.last_used),
            };
            serde_json::to_writer(&mut out, &line)?;
            writeln!(out)?;
        } else {
            let shown: Vec<String> = paths.iter().map(|p| escape_path(p)).collect();
            writeln!(
                out,
                "{}  {:.1} MB  last used {}\n  {}",
                if shown.is_empty() {
                    "(unreadable: rebuilt when next used)".to_owned()
                } else {
                    shown.join(", ")
                },
                cache.size as f64 / 1e6,
                rfc3339(cache.last_used),
                escape_path(&cache.dir)
            )?;
        }
    }
    if !json && caches.is_empty() {
        writeln!(out, "no cached index in {}", escape_path(root))?;
    }
    out.flush()?;
    Ok(true)
}

fn clear(root: &Path) -> Result<bool> {
    let caches = caches(root)?;
    let (mut removed, mut freed, mut in_use) = (0, 0, 0);
    for cache in &caches {
        let done = remove_unused(&cache.dir)
            .with_context(|| format!("cannot remove the cached index {}", cache.dir.display()))?;
        if done {
            removed += 1;
            freed += cache.size;
        } else {
            in_use += 1;
        }
    }
    let mut out = io::stdout().lock();
    write!(
        out,
        "removed {removed} cached indexes ({:.1} MB) from {}",
        freed as f64 / 1e6,
        escape_path(root)
    )?;
    if in_use > 0 {
        write!(out, "; kept {in_use} in use by a search under way")?;
    }
    writeln!(out)?;
    Ok(true)
}

/// The cached indexes under `root`, most recently used first.
fn caches(root: &Path) -> Result<Vec<Cache>> {
    let entries = match fs::read_dir(root) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", root.display())),
    };
    let mut caches = Vec::new();
    for entry in entries.flatten() {
        let dir = entry.path();
        if !locations::is_cache_name(&entry.file_name()) || !dir.is_dir() {
            continue;
        }
        caches.push(Cache {
            size: dir_size(&dir),
            last_used: last_used(&dir),
            dir,
        });
    }
    caches.sort_by_key(|c| std::cmp::Reverse(c.last_used));
    Ok(caches)
}

fn dir_size(dir: &Path) -> u64 {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|entry| entry.metadata().ok())
                .filter(|metadata| metadata.is_file())
                .map(|metadata| metadata.len())
                .sum()
        })
        .unwrap_or(0)
}

fn last_used(dir: &Path) -> SystemTime {
    fs::metadata(dir.join(USED_FILE))
        .or_else(|_| fs::metadata(dir))
        .and_then(|metadata| metadata.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

/// Records that the cache in `dir` was used now. Only eviction reads it: a
/// stamp that cannot be written is not worth failing a search for.
pub fn note_used(dir: &Path) {
    if let Ok(file) = super::private_file(&dir.join(USED_FILE)) {
        let _ = file.set_modified(SystemTime::now());
    }
}

/// Removes the least recently used caches beyond the caps, never `current`.
pub fn evict(current: &Path) {
    let Some(root) = current.parent() else {
        return;
    };
    let Ok(caches) = caches(root) else {
        return;
    };
    let mut kept = 1;
    let mut bytes = caches
        .iter()
        .find(|c| c.dir == current)
        .map_or(0, |c| c.size);
    for cache in caches.iter().filter(|c| c.dir != current) {
        if kept < MAX_CACHES && bytes + cache.size <= MAX_CACHE_BYTES {
            kept += 1;
            bytes += cache.size;
            continue;
        }
        if let Err(error) = remove_unused(&cache.dir) {
            output::error(&format!(
                "cannot remove the old cached index {}: {error}",
                cache.dir.display()
            ));
        }
    }
}

/// A search's hold on its cache: while it lives, no eviction or `cache
/// clear` removes the cache.
pub struct InUse {
    lock: fs::File,
}

impl InUse {
    /// Waits for any removal of the cache in `dir` under way, then holds it.
    pub fn hold(dir: &Path) -> Result<InUse> {
        let lock_path = lock_path(dir);
        if let Some(root) = dir.parent() {
            private_dirs(root).with_context(|| format!("cannot create {}", root.display()))?;
        }
        loop {
            let lock = open_lock(&lock_path)?;
            lock.lock_shared()
                .with_context(|| format!("cannot lock {}", lock_path.display()))?;
            // Removal unlinks the lock file last: a lock taken on one already
            // unlinked guards nothing, so it is taken again on the new one.
            if is_linked_at(&lock, &lock_path) {
                return Ok(InUse { lock });
            }
        }
    }

    /// Runs `work` (removing a damaged cache) once no other search uses the
    /// cache, then holds it as before.
    pub fn exclusively<T>(&self, work: impl FnOnce() -> Result<T>) -> Result<T> {
        self.lock.lock().context("cannot lock the cached index")?;
        let done = work();
        self.lock
            .lock_shared()
            .context("cannot lock the cached index")?;
        done
    }
}

fn lock_path(dir: &Path) -> PathBuf {
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    dir.with_file_name(name)
}

fn open_lock(path: &Path) -> Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))
}

fn private_dirs(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

#[cfg(unix)]
fn is_linked_at(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(held), Ok(linked)) => held.dev() == linked.dev() && held.ino() == linked.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_linked_at(_: &fs::File, path: &Path) -> bool {
    path.exists()
}

/// Removes the cache in `dir` unless a search holds it; whether it did.
fn remove_unused(dir: &Path) -> Result<bool> {
    let lock_path = lock_path(dir);
    let lock = open_lock(&lock_path)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => return Ok(false),
        Err(fs::TryLockError::Error(error)) => {
            return Err(error).with_context(|| format!("cannot lock {}", lock_path.display()))
        }
    }
    if !is_linked_at(&lock, &lock_path) {
        // Another removal got there first.
        return Ok(true);
    }
    match fs::remove_dir_all(dir) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => {
            return Err(error).with_context(|| format!("cannot remove {}", dir.display()))
        }
    }
    fs::remove_file(&lock_path)
        .with_context(|| format!("cannot remove {}", lock_path.display()))?;
    Ok(true)
}

//! `cerca status`: the index's folders with their options, documents, last
//! sync, and what its last `cerca index` could not read or passed over.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;
use cerca_core::read::DEFAULT_MAX_FILE_SIZE;
use cerca_core::{Index, RootStatus};
use serde::Serialize;

use crate::args::StatusArgs;
use crate::locations;
use crate::output::{escape, escape_path, Controls};
use crate::printer::json::{rfc3339, JsonPath};

use super::last_report::{FolderReport, Grouped, LastReport};

/// Reasons and file names shown per folder in the text format (`--json` has
/// all the report keeps).
const REASONS_SHOWN: usize = 5;
const FILES_SHOWN: usize = 3;

#[derive(Serialize)]
struct Status {
    index: JsonPath,
    documents: u64,
    size: u64,
    last_sync: Option<String>,
    /// `null` when semantic search is off.
    semantic: Option<Semantic>,
    folders: Vec<Folder>,
}

#[derive(Serialize)]
struct Semantic {
    model: String,
    /// Documents whose current text has its vector.
    with_vectors: u64,
    /// Whether this cerca can make vectors and search with them.
    built_in: bool,
    /// Why the vectors cannot be read (`model` is empty then).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize)]
struct Folder {
    path: JsonPath,
    documents: usize,
    options: Options,
    last_sync: Option<String>,
    /// What the last `cerca index` of this folder could not read, or passed
    /// over; `null` when no report was kept (an index synced by an older cerca).
    failed: Option<Grouped>,
    skipped: Option<Grouped>,
}

#[derive(Serialize)]
struct Options {
    hidden: bool,
    /// .gitignore, .ignore and .git/info/exclude are honoured (false: --no-ignore).
    ignore_files: bool,
    follow: bool,
    include: Vec<String>,
    exclude: Vec<String>,
    max_size: u64,
}

pub fn run(args: &StatusArgs) -> Result<bool> {
    let dir = locations::index_dir(args.location.index.as_deref())?;
    let index = super::open_index(&dir)?;
    let roots = index.roots()?;
    let size: u64 = std::fs::read_dir(&dir)?
        .filter_map(|entry| entry.ok()?.metadata().ok())
        .filter(|metadata| metadata.is_file())
        .map(|metadata| metadata.len())
        .sum();
    let paths: Vec<PathBuf> = roots.iter().map(|s| s.root.path.clone()).collect();
    let documents = documents_per_folder(&paths, index.stored_files()?.iter().map(|f| &*f.path));
    let report = LastReport::load(&dir);
    let folders = roots
        .iter()
        .zip(documents)
        .map(|(status, documents)| folder(status, documents, report.as_ref()))
        .collect();
    let status = Status {
        index: JsonPath::new(&dir),
        documents: index.num_docs(),
        size,
        last_sync: index.last_sync()?.map(rfc3339),
        semantic: semantic_status(&index),
        folders,
    };
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &status)?;
        writeln!(out)?;
    } else {
        text(&mut out, &dir, &status)?;
    }
    out.flush()?;
    Ok(true)
}

/// The index's vectors, as far as they can be read (a damaged file says so).
fn semantic_status(index: &Index) -> Option<Semantic> {
    let built_in = crate::semantic::BUILT_IN;
    match index.semantic_status() {
        Ok(status) => status.map(|status| Semantic {
            model: status.model,
            with_vectors: status.with_vectors,
            built_in,
            error: None,
        }),
        Err(error) => Some(Semantic {
            model: String::new(),
            with_vectors: 0,
            built_in,
            error: Some(error.to_string()),
        }),
    }
}

fn folder(status: &RootStatus, documents: usize, report: Option<&LastReport>) -> Folder {
    let options = &status.root.options;
    let kept: Option<&FolderReport> = report.and_then(|r| r.folder(&status.root.path));
    Folder {
        path: JsonPath::new(&status.root.path),
        documents,
        options: Options {
            hidden: options.hidden,
            ignore_files: options.ignore_files,
            follow: options.follow_symlinks,
            include: options.include.clone(),
            exclude: options.exclude.clone(),
            max_size: options.max_file_size,
        },
        last_sync: status.last_sync.map(rfc3339),
        failed: kept.map(|k| k.failed.clone()),
        skipped: kept.map(|k| k.skipped.clone()),
    }
}

/// How many of `files` each folder holds (see [`super::folder_of`]).
fn documents_per_folder<'a>(
    folders: &[PathBuf],
    files: impl Iterator<Item = &'a Path>,
) -> Vec<usize> {
    let mut counts = vec![0; folders.len()];
    for i in files.filter_map(|file| super::folder_of(folders, file)) {
        counts[i] += 1;
    }
    counts
}

fn text(out: &mut dyn Write, dir: &Path, status: &Status) -> io::Result<()> {
    writeln!(out, "index: {}", escape_path(dir))?;
    writeln!(out, "documents: {}", status.documents)?;
    writeln!(out, "size: {:.1} MB", status.size as f64 / 1e6)?;
    writeln!(out, "last sync: {}", when(status.last_sync.as_deref()))?;
    match &status.semantic {
        None => writeln!(out, "semantic search: off")?,
        Some(Semantic {
            error: Some(error), ..
        }) => writeln!(out, "semantic search: on, but {error}")?,
        Some(semantic) => {
            writeln!(
                out,
                "semantic search: on ({}), {} of {} documents have their vector",
                semantic.model, semantic.with_vectors, status.documents
            )?;
            if semantic.with_vectors < status.documents {
                writeln!(out, "  `cerca index` makes the others")?;
            }
            if !semantic.built_in {
                writeln!(
                    out,
                    "  this cerca was built without semantic search: it searches by words only"
                )?;
            }
        }
    }
    writeln!(out, "folders:")?;
    for folder in &status.folders {
        let path = folder.path.to_path();
        writeln!(out, "  {}", escape_path(&path))?;
        writeln!(out, "    documents: {}", folder.documents)?;
        let options = describe(&folder.options);
        if !options.is_empty() {
            writeln!(out, "    options: {}", options.join(", "))?;
        }
        writeln!(out, "    last sync: {}", when(folder.last_sync.as_deref()))?;
        for (what, grouped) in [("failed", &folder.failed), ("skipped", &folder.skipped)] {
            if let Some(grouped) = grouped.as_ref().filter(|g| g.count > 0) {
                group(out, &path, what, grouped)?;
            }
        }
    }
    Ok(())
}

/// `failed: 3` and the first reasons, each with its first files (relative to the folder).
fn group(out: &mut dyn Write, folder: &Path, what: &str, grouped: &Grouped) -> io::Result<()> {
    writeln!(out, "    {what}: {}", grouped.count)?;
    for reason in grouped.by_reason.iter().take(REASONS_SHOWN) {
        let mut files: Vec<String> = reason
            .files
            .iter()
            .take(FILES_SHOWN)
            .map(|file| {
                let file = file.to_path();
                let relative = file.strip_prefix(folder).unwrap_or(&file);
                let relative = if relative.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    relative
                };
                escape_path(relative)
            })
            .collect();
        if reason.count > files.len() {
            files.push(format!("and {} more", reason.count - files.len()));
        }
        writeln!(
            out,
            "      {} {}: {}",
            reason.count,
            escape(&reason.reason, Controls::Inline),
            files.join(", ")
        )?;
    }
    let more = grouped.by_reason.len().saturating_sub(REASONS_SHOWN);
    if more > 0 {
        writeln!(
            out,
            "      … {more} more reasons (`cerca status --json` lists them)"
        )?;
    }
    Ok(())
}

fn when(time: Option<&str>) -> &str {
    time.unwrap_or("never (or interrupted: `cerca index` goes on)")
}

/// The options that differ from the defaults, as the flags that set them.
fn describe(options: &Options) -> Vec<String> {
    let mut flags = Vec::new();
    if options.hidden {
        flags.push("--hidden".to_owned());
    }
    if !options.ignore_files {
        flags.push("--no-ignore".to_owned());
    }
    if options.follow {
        flags.push("--follow".to_owned());
    }
    for glob in &options.include {
        flags.push(format!("--include '{}'", escape(glob, Controls::Escaped)));
    }
    for glob in &options.exclude {
        flags.push(format!("--exclude '{}'", escape(glob, Controls::Escaped)));
    }
    if options.max_size != DEFAULT_MAX_FILE_SIZE {
        flags.push(format!("--max-size {}", options.max_size));
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_counts_for_the_deepest_folder_it_is_under() {
        let folders = [
            PathBuf::from("/a"),
            PathBuf::from("/a/b"),
            PathBuf::from("/c"),
        ];
        let files = ["/a/x", "/a/b/y", "/a/b/z", "/ab/w", "/c"].map(Path::new);
        assert_eq!(documents_per_folder(&folders, files.into_iter()), [1, 2, 1]);
    }
}

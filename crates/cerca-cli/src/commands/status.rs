//! `cerca status`: the index's folders with their options, size and last sync.

use std::time::SystemTime;

use anyhow::Result;
use cerca_core::read::{WalkOptions, DEFAULT_MAX_FILE_SIZE};

use crate::args::IndexLocation;
use crate::locations;

pub fn run(args: &IndexLocation) -> Result<bool> {
    let dir = locations::index_dir(args.index.as_deref())?;
    let index = super::open_index(&dir)?;
    let roots = index.roots()?;
    let size: u64 = std::fs::read_dir(&dir)?
        .filter_map(|entry| entry.ok()?.metadata().ok())
        .filter(|metadata| metadata.is_file())
        .map(|metadata| metadata.len())
        .sum();
    println!("index: {}", dir.display());
    println!("documents: {}", index.num_docs());
    println!("size: {:.1} MB", size as f64 / 1e6);
    println!("last sync: {}", when(index.last_sync()?));
    println!("folders:");
    for status in &roots {
        println!("  {}", status.root.path.display());
        let options = describe(&status.root.options);
        if !options.is_empty() {
            println!("    options: {}", options.join(", "));
        }
        println!("    last sync: {}", when(status.last_sync));
    }
    Ok(true)
}

fn when(time: Option<SystemTime>) -> String {
    let Some(time) = time else {
        return "never (or interrupted: `cerca index` goes on)".to_owned();
    };
    let seconds = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    i64::try_from(seconds)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| seconds.to_string())
}

/// The options that differ from the defaults, as the flags that set them.
fn describe(options: &WalkOptions) -> Vec<String> {
    let mut flags = Vec::new();
    if options.hidden {
        flags.push("--hidden".to_owned());
    }
    if !options.ignore_files {
        flags.push("--no-ignore".to_owned());
    }
    if options.follow_symlinks {
        flags.push("--follow".to_owned());
    }
    for glob in &options.include {
        flags.push(format!("--include '{glob}'"));
    }
    for glob in &options.exclude {
        flags.push(format!("--exclude '{glob}'"));
    }
    if options.max_file_size != DEFAULT_MAX_FILE_SIZE {
        flags.push(format!("--max-size {}", options.max_file_size));
    }
    flags
}

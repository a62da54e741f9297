//! `cerca status`: the index's folders, size and last sync.

use anyhow::Result;

use crate::args::IndexLocation;
use crate::locations;

pub fn run(args: &IndexLocation) -> Result<bool> {
    let dir = locations::index_dir(args.index.as_deref())?;
    let index = super::open_index(&dir)?;
    let state = index.state()?;
    let size: u64 = std::fs::read_dir(&dir)?
        .filter_map(|entry| entry.ok()?.metadata().ok())
        .filter(|metadata| metadata.is_file())
        .map(|metadata| metadata.len())
        .sum();
    println!("index: {}", dir.display());
    println!("documents: {}", index.num_docs());
    println!("size: {:.1} MB", size as f64 / 1e6);
    let last_sync = index.last_sync()?.map_or_else(
        || "never".to_owned(),
        |secs| {
            time::OffsetDateTime::from_unix_timestamp(secs as i64)
                .ok()
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_else(|| secs.to_string())
        },
    );
    println!("last sync: {last_sync}");
    println!("folders:");
    for root in &state.roots {
        println!("  {}", root.display());
    }
    Ok(true)
}

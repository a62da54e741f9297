//! One file per subcommand; each returns whether something was found (exit 0) or not (exit 1).

pub mod extract_worker;
pub mod forget;
pub mod index;
pub mod search;
pub mod status;

use std::path::Path;

use anyhow::{Context, Result};
use cerca_core::read::WalkOptions;
use cerca_core::{Index, SyncOptions};

use crate::args::WalkArgs;

/// Opens the index, saying what to do when there is none.
pub fn open_index(dir: &Path) -> Result<Index> {
    Index::open(dir).with_context(|| format!("cannot open the index at {}", dir.display()))
}

pub fn sync_options(walk: &WalkArgs, wait_for_lock: bool) -> SyncOptions {
    SyncOptions {
        walk: WalkOptions {
            hidden: walk.hidden,
            follow_symlinks: walk.follow,
            include: walk.include.clone(),
            exclude: walk.exclude.clone(),
            max_file_size: walk.max_size,
        },
        wait_for_lock,
        ..SyncOptions::default()
    }
}

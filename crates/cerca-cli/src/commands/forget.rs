//! `cerca forget`: remove a folder and its documents.

use anyhow::{Context, Result};
use cerca_core::Syncer;

use crate::args::ForgetArgs;
use crate::locations;

pub fn run(args: &ForgetArgs) -> Result<bool> {
    let dir = locations::index_dir(args.location.index.as_deref())?;
    let index = super::open_index(&dir)?;
    let removed = Syncer::new(&index).forget(&args.path).with_context(|| {
        format!(
            "cannot forget {} in the index at {}",
            args.path.display(),
            dir.display()
        )
    })?;
    println!(
        "forgot {}: {removed} documents removed",
        args.path.display()
    );
    Ok(true)
}

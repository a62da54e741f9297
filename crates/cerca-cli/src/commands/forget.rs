//! `cerca forget`: remove a folder and its documents.

use std::io::Write;
use std::sync::Arc;

use anyhow::Result;

use crate::args::ForgetArgs;
use crate::{interrupt, locations};

pub fn run(args: &ForgetArgs) -> Result<bool> {
    let dir = locations::index_dir(args.location.index.as_deref())?;
    let index = super::open_index(&dir)?;
    // Ctrl-C stops a wait for the writer; without --wait it ends cerca at once, as usual.
    let interrupt = if args.wait {
        interrupt::arm()?
    } else {
        Arc::default()
    };
    let syncer = super::syncer(&index, args.wait, interrupt)?;
    let removed = syncer.forget(&args.path).map_err(|error| {
        super::about_index(error, &dir, || {
            format!(
                "cannot forget {} in the index at {}",
                args.path.display(),
                dir.display()
            )
        })
    })?;
    writeln!(
        std::io::stdout().lock(),
        "forgot {}: {removed} documents removed",
        args.path.display()
    )?;
    Ok(true)
}

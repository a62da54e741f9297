//! `cerca extract-worker` (hidden): the extraction worker's process. The sync starts it
//! through [`worker_command`] (given to its `FileReader`) to extract PDFs and the other
//! risky kinds out of its own process, within memory and time limits; nobody runs it by
//! hand.

use std::io;

use anyhow::{Context, Result};
use cerca_core::read::{serve_worker, WorkerCommand};

/// The hidden subcommand's name.
pub const SUBCOMMAND: &str = "extract-worker";

/// How to start the worker: this very `cerca`, with the hidden subcommand.
pub fn worker_command() -> io::Result<WorkerCommand> {
    Ok(WorkerCommand::new(std::env::current_exe()?).arg(SUBCOMMAND))
}

/// Serves extraction requests on standard input and output until the parent closes them.
pub fn run() -> Result<bool> {
    serve_worker(io::stdin().lock(), io::stdout().lock()).context("extraction worker")?;
    Ok(true)
}

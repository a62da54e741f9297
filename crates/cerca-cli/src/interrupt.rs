//! Ctrl-C and `kill` during a sync: it commits what it has read and stops,
//! and cerca says how much was kept and how to go on.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use anyhow::{Context, Result};

/// Exit status of an interrupted run (128 + SIGINT, as shells report it).
pub const EXIT_STATUS: u8 = 130;

/// Arms SIGINT and SIGTERM: the first one sets the returned flag (the sync
/// watches it), a second one ends the process at once, as usual.
pub fn arm() -> Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    #[cfg(unix)]
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // In this order: the default action is restored only once the flag is set.
        signal_hook::flag::register_conditional_default(signal, Arc::clone(&flag))
            .and_then(|_| signal_hook::flag::register(signal, Arc::clone(&flag)))
            .context("cannot watch for Ctrl-C")?;
    }
    Ok(flag)
}

/// The error a command returns when a signal stopped its sync.
#[derive(Debug)]
pub struct Interrupted {
    /// Documents the index holds after the last commit.
    pub kept: u64,
    /// What to run to finish the job.
    pub resume: &'static str,
}

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "interrupted: {} documents kept in the index; run `{}` to go on",
            self.kept, self.resume
        )
    }
}

impl std::error::Error for Interrupted {}

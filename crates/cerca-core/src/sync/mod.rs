//! Keeping an index in step with folders on disk: the [`Syncer`].
//!
//! A sync holds the index's writer lock from start to end, and reads what the
//! index holds only once it has it: two syncs never index a file twice. It
//! records the roots it is given (with their options) before reading
//! anything, walks them, compares each file's stamp with what the index
//! records ([`plan`]), reads only the files that are new or may have changed
//! (a content hash tells a real change from a touch), and removes documents
//! whose files are gone. It commits every [`SyncOptions::commit_every_bytes`]
//! or [`SyncOptions::commit_every`], so a sync killed half-way keeps what it
//! committed and the next one finishes the job; an interrupted sync (see
//! [`SyncOptions::interrupt`]) commits what it read and stops. At its end, if
//! it removed documents, their text is purged from the index files (the
//! segments that held them are rewritten); so does [`Syncer::forget`].
//!
//! ```
//! use cerca_core::{Index, NoProgress, Root, SearchOptions, Syncer};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let folder = tempfile::tempdir()?;
//! std::fs::write(folder.path().join("nota.txt"), "Le esercitazioni militari")?;
//! let index = Index::create_in_ram()?;
//! let report = Syncer::new(&index).sync(&[Root::new(folder.path())], &mut NoProgress)?;
//! assert_eq!(report.added, 1);
//! assert_eq!(index.count("esercitazione", &SearchOptions::default())?, 1);
//! // The root is remembered: a later sync with no roots syncs it again.
//! assert_eq!(Syncer::new(&index).sync(&[], &mut NoProgress)?.unchanged, 1);
//! # Ok(()) }
//! ```
//!
//! Without the `files` feature there is no [`Syncer`], but an index still
//! records its roots ([`Index::roots`]) and [`Index::rebuild`] keeps them.

#[cfg(feature = "files")]
mod pipeline;
mod plan;
mod report;
pub(crate) mod root_set;
pub(crate) mod state;
#[cfg(feature = "files")]
mod syncer;

use std::time::SystemTime;

pub use plan::{COARSE_RACY_WINDOW, RACY_WINDOW};
pub use report::{NoProgress, SyncProgress, SyncReport};
pub use state::{Root, RootStatus};
#[cfg(feature = "files")]
pub use syncer::{SyncOptions, Syncer};

use crate::error::Result;
use crate::Index;

impl Index {
    /// The roots the index keeps in sync, with their options and last sync.
    pub fn roots(&self) -> Result<Vec<RootStatus>> {
        self.state.statuses()
    }

    /// When the last complete sync of any root ended.
    pub fn last_sync(&self) -> Result<Option<SystemTime>> {
        Ok(self.roots()?.into_iter().filter_map(|r| r.last_sync).max())
    }
}

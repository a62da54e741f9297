//! Change detection: from what the walk found and what the index records,
//! whether a file must be read.
//!
//! A file is unchanged when its size, modification time, status-change time
//! and inode are all as recorded, at full precision. That is not enough on
//! its own: a file system stamps times from a clock that ticks (a few
//! milliseconds on Linux, two seconds on FAT), so a file written again within
//! the tick in which the sync read it keeps the very same stamp. Such a file
//! is *racy* (git's word for it): the next sync reads it again and compares
//! its content, until a sync has read it well after its last change.
//!
//! How close is too close depends on the file system's tick. Times with
//! nanoseconds (ext4, XFS, btrfs, tmpfs, APFS) come from a clock that ticks
//! every few milliseconds: [`RACY_WINDOW`]. Times in whole seconds (FAT, ext3,
//! HFS+, some network shares) tick every second or two: [`COARSE_RACY_WINDOW`].

// Most of it serves the Syncer, which is built with the `files` feature.
#![cfg_attr(not(feature = "files"), allow(dead_code))]

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::state::{Known, Outcome};
use crate::index::{nanos, StoredFile};
use crate::read::FoundFile;

/// A change this close before a read may have been followed by another one
/// with the same stamp, on a file system with nanosecond times (a tick of the
/// kernel's clock is at most 10 ms), with a margin.
pub const RACY_WINDOW: Duration = Duration::from_millis(100);
/// The same on a file system with times in whole seconds (FAT: 2 s).
pub const COARSE_RACY_WINDOW: Duration = Duration::from_secs(3);

/// What identifies one version of a file, without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Stamp {
    pub size: u64,
    /// Nanoseconds since the Unix epoch.
    pub modified: i64,
    pub changed: i64,
    pub inode: u64,
}

impl Stamp {
    pub fn of_found(found: &FoundFile) -> Stamp {
        Stamp {
            size: found.size,
            modified: nanos(found.modified),
            changed: nanos(found.changed),
            inode: found.inode,
        }
    }

    pub fn of_stored(stored: &StoredFile) -> Stamp {
        Stamp {
            size: stored.size,
            modified: nanos(stored.modified),
            changed: nanos(stored.changed),
            inode: stored.inode,
        }
    }

    /// Whether a file with this stamp, read at `checked`, may have been
    /// written again without its stamp changing. Every write sets the
    /// status-change time, which is never earlier than the modification time.
    pub fn is_racy(&self, checked: i64) -> bool {
        const SECOND: i64 = 1_000_000_000;
        let coarse = self.changed % SECOND == 0 && self.modified % SECOND == 0;
        let window = if coarse {
            COARSE_RACY_WINDOW
        } else {
            RACY_WINDOW
        };
        let window = i64::try_from(window.as_nanos()).unwrap_or(i64::MAX);
        self.changed.max(self.modified).saturating_add(window) > checked
    }
}

/// What to do with a file the walk found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Plan {
    /// New, changed, or possibly changed: read it.
    Read { is_new: bool },
    /// Up to date, nothing to read.
    Unchanged,
    /// Skipped for this reason when last read, and not changed since.
    StillSkipped { reason: String },
    /// Failed with this message when last read, and not changed since.
    StillFailed { message: String },
}

pub(crate) fn plan(found: &FoundFile, stored: Option<&StoredFile>, known: Option<&Known>) -> Plan {
    let stamp = Stamp::of_found(found);
    let stored_stamp = stored.map(Stamp::of_stored);
    if let Some(known) = known.filter(|k| k.stamp == stamp && !stamp.is_racy(k.checked)) {
        match &known.outcome {
            Outcome::Skipped { reason } if stored.is_none() => {
                return Plan::StillSkipped {
                    reason: reason.clone(),
                }
            }
            Outcome::Failed { message } if stored.is_none() => {
                return Plan::StillFailed {
                    message: message.clone(),
                }
            }
            Outcome::Current { document } if stored_stamp == Some(*document) => {
                return Plan::Unchanged
            }
            _ => {}
        }
    }
    match stored {
        Some(stored) if stored_stamp == Some(stamp) && !stamp.is_racy(nanos(stored.checked)) => {
            Plan::Unchanged
        }
        stored => Plan::Read {
            is_new: stored.is_none(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::time::{SystemTime, UNIX_EPOCH};

    fn from_nanos(n: i64) -> SystemTime {
        UNIX_EPOCH + Duration::from_nanos(n.unsigned_abs())
    }

    const SECOND: i64 = 1_000_000_000;
    /// With nanoseconds, as on most file systems.
    const BASE: i64 = 1_750_000_000 * SECOND + 123_456_789;

    fn found(size: u64, modified: i64) -> FoundFile {
        FoundFile {
            path: PathBuf::from("/d/a.txt"),
            size,
            modified: from_nanos(modified),
            changed: from_nanos(modified),
            inode: 7,
            kind: "txt".into(),
        }
    }

    fn stored(size: u64, modified: i64, checked: i64) -> StoredFile {
        StoredFile {
            path: PathBuf::from("/d/a.txt"),
            size,
            modified: from_nanos(modified),
            changed: from_nanos(modified),
            inode: 7,
            checked: from_nanos(checked),
        }
    }

    #[test]
    fn a_file_read_well_after_its_last_change_is_unchanged() {
        let file = found(10, BASE);
        assert_eq!(
            plan(&file, Some(&stored(10, BASE, BASE + 60 * SECOND)), None),
            Plan::Unchanged
        );
    }

    #[test]
    fn any_difference_of_the_stamp_is_a_change_even_within_a_second() {
        let record = stored(10, BASE, BASE + 60 * SECOND);
        let read = Plan::Read { is_new: false };
        assert_eq!(plan(&found(10, BASE + 1), Some(&record), None), read);
        assert_eq!(plan(&found(11, BASE), Some(&record), None), read);
        let mut renamed_over = found(10, BASE);
        renamed_over.inode = 8;
        assert_eq!(plan(&renamed_over, Some(&record), None), read);
        let mut chmodded = found(10, BASE);
        chmodded.changed = from_nanos(BASE + SECOND);
        assert_eq!(plan(&chmodded, Some(&record), None), read);
    }

    #[test]
    fn a_file_changed_within_the_tick_of_its_read_is_read_again() {
        // Written, read 50 ms later, written again in the same tick: same stamp.
        let record = stored(10, BASE, BASE + SECOND / 20);
        assert_eq!(
            plan(&found(10, BASE), Some(&record), None),
            Plan::Read { is_new: false }
        );
    }

    #[test]
    fn a_racy_file_checked_again_later_is_settled_by_the_known_entry() {
        let record = stored(10, BASE, BASE + SECOND / 20);
        let file = found(10, BASE);
        let later = Known {
            stamp: Stamp::of_found(&file),
            checked: BASE + 10 * SECOND,
            outcome: Outcome::Current {
                document: Stamp::of_stored(&record),
            },
        };
        assert_eq!(plan(&file, Some(&record), Some(&later)), Plan::Unchanged);
        let still_racy = Known {
            checked: BASE + SECOND / 20,
            ..later.clone()
        };
        assert_eq!(
            plan(&file, Some(&record), Some(&still_racy)),
            Plan::Read { is_new: false }
        );
        // The entry speaks of another version of the document: it no longer counts.
        let other_document = stored(10, BASE - SECOND, BASE);
        assert_eq!(
            plan(&file, Some(&other_document), Some(&later)),
            Plan::Read { is_new: false }
        );
    }

    #[test]
    fn times_in_whole_seconds_get_the_coarse_window() {
        let whole = 1_750_000_000 * SECOND;
        let fine = Stamp::of_found(&found(10, BASE));
        let coarse = Stamp::of_found(&found(10, whole));
        assert!(fine.is_racy(BASE + SECOND / 20));
        assert!(!fine.is_racy(BASE + SECOND / 5));
        assert!(coarse.is_racy(whole + 2 * SECOND));
        assert!(!coarse.is_racy(whole + 4 * SECOND));
    }

    #[test]
    fn a_skipped_file_stays_skipped_until_it_changes() {
        let file = found(10, BASE);
        let skipped = Known {
            stamp: Stamp::of_found(&file),
            checked: BASE + 60 * SECOND,
            outcome: Outcome::Skipped {
                reason: "binary content".into(),
            },
        };
        assert_eq!(
            plan(&file, None, Some(&skipped)),
            Plan::StillSkipped {
                reason: "binary content".into()
            }
        );
        assert_eq!(
            plan(&found(11, BASE), None, Some(&skipped)),
            Plan::Read { is_new: true }
        );
    }

    #[test]
    fn a_document_added_by_hand_is_never_trusted_to_match_its_file() {
        let file = found(10, BASE);
        assert_eq!(
            plan(&file, Some(&stored(10, BASE, 0)), None),
            Plan::Read { is_new: false }
        );
    }
}

//! Keeping an index in step with a folder, with a progress callback: the
//! folder is the seed article (`seeds/`) and a few notes, copied to a
//! temporary directory; a second sync after a change reads only what changed.
//!
//! ```sh
//! cargo run -p cerca-core --example sync_folder
//! ```
//!
//! Needs the `files` feature (on by default).

use std::path::{Path, PathBuf};

use cerca_core::read::SkipReason;
use cerca_core::{Index, Root, SearchOptions, SyncProgress, Syncer};

/// Prints what a sync does as it does it: a progress bar would update here.
#[derive(Default)]
struct Printer {
    planned: usize,
    done: usize,
}

impl SyncProgress for Printer {
    fn planned(&mut self, files: usize, bytes: u64) {
        self.planned = files;
        println!("  {files} files to read ({bytes} bytes)");
    }

    fn file_done(&mut self, path: &Path, bytes: u64) {
        self.done += 1;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        println!("  [{}/{}] {name} ({bytes} bytes)", self.done, self.planned);
    }

    fn skipped(&mut self, path: &Path, reason: &SkipReason) {
        println!("  skipped {}: {reason}", path.display());
    }

    fn failed(&mut self, path: &Path, message: &str) {
        println!("  failed {}: {message}", path.display());
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let folder = dir.path().join("documenti");
    std::fs::create_dir(&folder)?;
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds");
    for entry in std::fs::read_dir(&seeds)? {
        let path = entry?.path();
        if let Some(name) = path.file_name() {
            std::fs::copy(&path, folder.join(name))?;
        }
    }
    let note = folder.join("nota.md");
    std::fs::write(
        &note,
        "# Riunione\n\nSi parla delle esercitazioni di lunedì.",
    )?;
    std::fs::write(folder.join("foto.jpg"), [0xFF, 0xD8, 0xFF])?;

    let index = Index::create(&dir.path().join("indice"))?;
    let syncer = Syncer::new(&index);

    println!("first sync of {}", folder.display());
    let report = syncer.sync(&[Root::new(&folder)], &mut Printer::default())?;
    println!(
        "added {}, skipped {}, failed {}",
        report.added, report.skipped, report.failed
    );
    assert_eq!((report.added, report.skipped, report.failed), (2, 1, 0));

    // The folder is recorded: a sync with no roots syncs it again, and
    // reads only the file that changed.
    std::fs::write(&note, "# Riunione\n\nRinviata: niente esercitazioni.")?;
    println!("second sync");
    let report = syncer.sync(&[], &mut Printer::default())?;
    println!("updated {}, unchanged {}", report.updated, report.unchanged);
    assert_eq!((report.updated, report.unchanged), (1, 1));

    let results = index.search("rinviata", &SearchOptions::default())?;
    let paths: Vec<PathBuf> = results.hits.iter().map(|hit| hit.path.clone()).collect();
    println!("\"rinviata\" is in {paths:?}");
    assert_eq!(results.total, 1);
    Ok(())
}

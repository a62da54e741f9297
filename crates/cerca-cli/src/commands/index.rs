//! `cerca index`: add folders and sync.

use anyhow::{Context, Result};
use cerca_core::{Index, SyncReport};

use crate::args::IndexArgs;
use crate::interrupt::{self, Interrupted};
use crate::locations;
use crate::progress::Bar;

use super::{roots, syncer};

pub fn run(args: &IndexArgs) -> Result<bool> {
    let dir = locations::index_dir(args.location.index.as_deref())?;
    if args.paths.is_empty() && args.walk.any_given() {
        anyhow::bail!(
            "--hidden, --follow, --include, --exclude and --max-size belong to the folders given \
             with them: give the folder too, e.g. `cerca index --exclude 'build/**' FOLDER` \
             (`cerca status` shows each folder's options)"
        );
    }
    let index = if args.rebuild {
        Index::rebuild(&dir, &roots(&args.paths, &args.walk))
            .with_context(|| format!("cannot rebuild the index at {}", dir.display()))?
    } else if args.paths.is_empty() {
        super::open_index(&dir)?
    } else {
        Index::open_or_create(&dir)
            .with_context(|| format!("cannot open or create the index at {}", dir.display()))?
    };
    if args.paths.is_empty() && index.roots()?.is_empty() {
        if args.rebuild {
            println!(
                "rebuilt {}: it holds no folder; add one with `cerca index PATH`",
                dir.display()
            );
            return Ok(true);
        }
        anyhow::bail!(
            "the index at {} holds no folder yet: run `cerca index PATH`",
            dir.display()
        );
    }
    let interrupt = interrupt::arm()?;
    let syncer = syncer(&index, args.wait, interrupt)?;
    let mut bar = Bar::new();
    let report = syncer.sync(&roots(&args.paths, &args.walk), &mut bar);
    bar.finish();
    let report = report.with_context(|| format!("cannot sync the index at {}", dir.display()))?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_summary(&report);
    }
    if report.interrupted {
        return Err(Interrupted {
            kept: index.num_docs(),
            resume: "cerca index",
        }
        .into());
    }
    Ok(report.failed == 0)
}

pub fn print_summary(report: &SyncReport) {
    println!(
        "{} added, {} updated, {} removed, {} unchanged, {} skipped, {} failed; {:.1} MB read in {:.2} s",
        report.added,
        report.updated,
        report.removed,
        report.unchanged,
        report.skipped,
        report.failed,
        report.bytes_read as f64 / 1e6,
        report.elapsed.as_secs_f64()
    );
    if !report.indexed_by_kind.is_empty() {
        let kinds: Vec<String> = report
            .indexed_by_kind
            .iter()
            .map(|(kind, n)| {
                format!(
                    "{n} {}",
                    if kind.is_empty() {
                        "(no extension)"
                    } else {
                        kind
                    }
                )
            })
            .collect();
        println!("indexed: {}", kinds.join(", "));
        if report.without_text > 0 {
            println!(
                "without text: {} (empty files, or PDFs that are scans without a text layer)",
                report.without_text
            );
        }
    }
    if !report.skipped_by_reason.is_empty() {
        let reasons: Vec<String> = report
            .skipped_by_reason
            .iter()
            .map(|(reason, n)| format!("{n} {reason}"))
            .collect();
        println!("skipped: {}", reasons.join(", "));
    }
}

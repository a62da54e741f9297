//! `cerca index`: add folders and sync.

use std::path::PathBuf;

use anyhow::{Context, Result};
use cerca_core::{Index, SyncReport};

use crate::args::IndexArgs;
use crate::locations;
use crate::progress::Bar;

use super::sync_options;

pub fn run(args: &IndexArgs) -> Result<bool> {
    let dir = locations::index_dir(args.location.index.as_deref())?;
    let index = if args.paths.is_empty() {
        super::open_index(&dir)?
    } else {
        Index::open_or_create(&dir)
            .with_context(|| format!("cannot open or create the index at {}", dir.display()))?
    };
    let roots: Vec<PathBuf> = args.paths.clone();
    if roots.is_empty() && index.state()?.roots.is_empty() {
        anyhow::bail!(
            "the index at {} holds no folder yet: run `cerca index PATH`",
            dir.display()
        );
    }
    let mut bar = Bar::new();
    let report = index.sync(&roots, &sync_options(&args.walk, args.wait), &mut bar);
    bar.finish();
    let report = report.with_context(|| format!("cannot sync the index at {}", dir.display()))?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_summary(&report);
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

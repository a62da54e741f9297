//! `cerca check`: verify an index.

use std::io::Write;

use anyhow::Result;
use cerca_core::Index;

use crate::args::IndexLocation;
use crate::locations;
use crate::output::{escape, escape_path, Controls};

pub fn run(args: &IndexLocation) -> Result<bool> {
    let dir = locations::index_dir(args.index.as_deref())?;
    let report = Index::check(&dir);
    if let Some(reason) = &report.unopenable {
        anyhow::bail!("{reason}");
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "index: {}\ndocuments: {}\nsegments: {}",
        dir.display(),
        report.documents,
        report.segments
    )?;
    if report.is_sound() {
        writeln!(out, "sound: every checksum matches, every column and stored text reads, one document per path")?;
        return Ok(true);
    }
    for file in &report.damaged_files {
        writeln!(
            out,
            "damaged: {} (its checksum does not match)",
            file.display()
        )?;
    }
    for problem in &report.problems {
        writeln!(out, "damaged: {}", escape(problem, Controls::Lines))?;
    }
    if report.duplicates > 0 {
        writeln!(
            out,
            "{} paths have more than one document:",
            report.duplicates
        )?;
        for path in &report.duplicated_paths {
            writeln!(out, "  {}", escape_path(path))?;
        }
    }
    out.flush()?;
    anyhow::bail!(
        "the index at {} is damaged: rebuild it from its folders with `cerca index --rebuild{}`",
        dir.display(),
        args.index
            .as_ref()
            .map(|d| format!(" --index {}", d.display()))
            .unwrap_or_default()
    )
}

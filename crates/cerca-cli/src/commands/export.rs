//! `cerca export`: the index for a distributed engine.

use std::io::Write;

use anyhow::{Context, Result};
use cerca_core::export::{opensearch, sphinx};

use crate::args::{Engine, ExportArgs};
use crate::locations;

pub fn run(args: &ExportArgs) -> Result<bool> {
    let dir = locations::index_dir(args.location.index.as_deref())?;
    let index = super::open_index(&dir)?;
    let out = &args.out;
    let doing = || {
        format!(
            "cannot export the index at {} to {}",
            dir.display(),
            out.display()
        )
    };
    let mut stdout = std::io::stdout().lock();
    match args.to {
        Engine::Opensearch => {
            refuse(
                args.nodes.is_some() || args.host.is_some() || args.port.is_some(),
                "--nodes, --host and --port are for --to sphinx",
            )?;
            let mut options = opensearch::Export::default().with_index_name(&args.name);
            if let Some(shards) = args.shards {
                options = options.with_shards(shards);
            }
            if let Some(replicas) = args.replicas {
                options = options.with_replicas(replicas);
            }
            if let Some(bytes) = args.max_file_size {
                options = options.with_max_file_bytes(bytes);
            }
            let report = opensearch::export(&index, out, &options).with_context(doing)?;
            writeln!(
                stdout,
                "exported {} documents to {} ({} bulk files, {} bytes): load them with {}/load.sh [URL]",
                report.documents,
                out.display(),
                report
                    .files
                    .iter()
                    .filter(|file| file.extension().is_some_and(|ext| ext == "ndjson"))
                    .count(),
                report.data_bytes,
                out.display()
            )?;
        }
        Engine::Sphinx => {
            refuse(args.replicas.is_some() || args.max_file_size.is_some(),
                "--replicas and --max-file-size are for --to opensearch (Sphinx mirrors each shard once)")?;
            let mut options = sphinx::Export::default().with_index_name(&args.name);
            if let Some(shards) = args.shards {
                options = options.with_shards(shards);
            }
            if let Some(nodes) = args.nodes {
                options = options.with_nodes(nodes);
            }
            if let Some(host) = &args.host {
                options = options.with_host(host);
            }
            if let Some(port) = args.port {
                options = options.with_first_port(port);
            }
            let report = sphinx::export(&index, out, &options).with_context(doing)?;
            let per_shard: Vec<String> = report.per_shard.iter().map(u64::to_string).collect();
            // Each shard's count, unless there are too many to read.
            let per_shard = match per_shard.len() {
                0..=16 => format!(" ({})", per_shard.join(", ")),
                _ => String::new(),
            };
            writeln!(
                stdout,
                "exported {} documents to {} in {} shards{} on {} nodes: \
                 run {out}/build.sh, then {out}/start.sh; SphinxQL on {}:{}, index {}",
                report.documents,
                out.display(),
                options.shards,
                per_shard,
                options.nodes,
                options.host,
                options.sql_port(0),
                options.index_name,
                out = out.display(),
            )?;
            if report.cut > 0 {
                crate::output::note(&format!(
                    "{} documents had bodies longer than {mib} MiB: Sphinx gets their first {mib} MiB",
                    report.cut,
                    mib = sphinx::MAX_BODY_BYTES >> 20
                ));
            }
        }
    }
    Ok(true)
}

fn refuse(given: bool, message: &str) -> Result<()> {
    if given {
        anyhow::bail!("{message}");
    }
    Ok(())
}

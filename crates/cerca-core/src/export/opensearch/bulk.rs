//! The export: settings, the documents as bulk NDJSON split by size, and a
//! script that loads them.

use std::path::{Path, PathBuf};

use serde_json::json;

use crate::error::{Error, Result};
use crate::export::document_id;
use crate::export::files::{write_file, CountingFile, Staging};
use crate::{Document, Index};

/// How to export an index for OpenSearch or Elasticsearch.
///
/// ```
/// use cerca_core::export::opensearch::Export;
///
/// let options = Export::default().with_index_name("archivio").with_shards(3).with_max_file_bytes(10 << 20);
/// assert_eq!(options.index_name, "archivio");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Export {
    /// The engine's index the documents go to (lower case, digits, `-`, `_`).
    pub index_name: String,
    /// Its primary shards (`number_of_shards`).
    pub shards: u32,
    /// Copies of each shard (`number_of_replicas`).
    pub replicas: u32,
    /// A bulk file ends before it would grow past this many bytes (one
    /// document larger than this still gets a file of its own). The engines
    /// take requests of at most 100 MB by default.
    pub max_file_bytes: u64,
}

impl Default for Export {
    fn default() -> Self {
        Export {
            index_name: "cerca".into(),
            shards: 1,
            replicas: 1,
            max_file_bytes: 50 << 20,
        }
    }
}

with_setters!(Export {
    with_shards => shards: u32,
    with_replicas => replicas: u32,
    with_max_file_bytes => max_file_bytes: u64,
} into {
    with_index_name => index_name: String,
});

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ExportReport {
    /// Documents exported.
    pub documents: u64,
    /// The files written, data files and scripts.
    pub files: Vec<PathBuf>,
    /// Bytes of document data written.
    pub data_bytes: u64,
}

/// Writes into `out` (a new or empty folder): `settings.json` (the body of
/// `PUT /INDEX`, see [`index_body`](super::index_body)), `bulk-00001.ndjson`…
/// (action and document line pairs for `POST /_bulk`), and `load.sh` (which
/// sends them with curl). Documents are read one at a time.
pub fn export(index: &Index, out: &Path, options: &Export) -> Result<ExportReport> {
    check_options(out, options)?;
    let staging = Staging::begin(out)?;
    let dir = staging.dir().to_path_buf();
    let mut report = ExportReport::default();
    let mut names = Vec::new();
    let body = super::index_body(options.shards, options.replicas);
    let settings = serde_json::to_string_pretty(&body).unwrap_or_default();
    write_file(&dir, "settings.json", &settings, false)?;
    names.push("settings.json".to_owned());
    let mut current: Option<CountingFile> = None;
    let mut line = Vec::new();
    report.documents = index.for_each_document(|document| {
        line.clear();
        bulk_lines(&mut line, &options.index_name, &document);
        let full = current.as_ref().is_some_and(|file| {
            file.bytes > 0 && file.bytes + line.len() as u64 > options.max_file_bytes
        });
        if full {
            if let Some(file) = current.take() {
                finish(file, &mut report, &mut names)?;
            }
        }
        let file = match &mut current {
            Some(file) => file,
            None => {
                let name = format!("bulk-{:05}.ndjson", names.len());
                current.insert(CountingFile::create(dir.join(name))?)
            }
        };
        file.write(&line)
    })?;
    if let Some(file) = current.take() {
        finish(file, &mut report, &mut names)?;
    }
    write_file(&dir, "load.sh", &load_script(&options.index_name), true)?;
    names.push("load.sh".to_owned());
    report.files = names.iter().map(|name| staging.out().join(name)).collect();
    staging.finish()?;
    Ok(report)
}

fn finish(file: CountingFile, report: &mut ExportReport, names: &mut Vec<String>) -> Result<()> {
    let (name, bytes) = file.finish()?;
    report.data_bytes += bytes;
    names.push(name);
    Ok(())
}

fn check_options(out: &Path, options: &Export) -> Result<()> {
    let name = &options.index_name;
    let valid = !name.is_empty()
        && name.len() <= 255
        && !name.starts_with(['-', '_', '+', '.'])
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    let reason = if !valid {
        format!("{name:?} is not an index name the engines take (lower-case letters, digits, `-` and `_`, not first)")
    } else if options.shards == 0 {
        "an index needs at least one shard".into()
    } else if options.max_file_bytes == 0 {
        "the largest bulk file must be at least one byte".into()
    } else {
        return Ok(());
    };
    Err(Error::Export {
        path: out.to_path_buf(),
        reason,
    })
}

/// The action line and the document line of one document.
pub(crate) fn bulk_lines(out: &mut Vec<u8>, index_name: &str, document: &Document) {
    let action = json!({ "index": { "_index": index_name, "_id": document_id(&document.path).to_string() } });
    let mut source = json!({
        "path": document.path.to_string_lossy(),
        "title": document.title,
        "body": document.body,
        "modified": rfc3339(document.modified),
        "kind": document.kind,
        "size": document.size,
    });
    if let Some(day) = document.date {
        source["date"] = json!(day.to_string());
    }
    // Serializing a `Value` cannot fail.
    let _ = serde_json::to_writer(&mut *out, &action);
    out.push(b'\n');
    let _ = serde_json::to_writer(&mut *out, &source);
    out.push(b'\n');
}

/// An instant as RFC 3339 with nanoseconds (the engines keep milliseconds),
/// or the epoch for one out of its range.
fn rfc3339(instant: std::time::SystemTime) -> String {
    let format = time::format_description::well_known::Rfc3339;
    time::OffsetDateTime::from(instant)
        .format(&format)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

fn load_script(index_name: &str) -> String {
    format!(
        r#"#!/bin/sh
# Loads this export (written by `cerca export --to opensearch`) into
# OpenSearch or Elasticsearch: ./load.sh [URL]  (default: $OPENSEARCH_URL,
# then http://localhost:9200). The index {index_name} must not exist yet.
set -eu
url="${{1:-${{OPENSEARCH_URL:-http://localhost:9200}}}}"
cd "$(dirname "$0")"
curl -fsS -X PUT "$url/{index_name}" -H 'Content-Type: application/json' --data-binary @settings.json
echo
for file in bulk-*.ndjson; do
    [ -e "$file" ] || continue
    answer=$(curl -fsS -X POST "$url/_bulk" -H 'Content-Type: application/x-ndjson' --data-binary @"$file")
    case "$answer" in
        *'"errors":false'*) echo "$file: loaded" ;;
        *) echo "$file: the engine refused documents: $answer" >&2; exit 1 ;;
    esac
done
curl -fsS -X POST "$url/{index_name}/_refresh" >/dev/null
echo "{index_name}: ready"
"#
    )
}

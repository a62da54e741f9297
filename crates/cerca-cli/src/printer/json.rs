//! JSON Lines: one object per hit, for programs.

use std::io::{self, Write};
use std::path::Path;

use base64::Engine;
use cerca_core::{Hit, SearchResults};
use serde::{Deserialize, Serialize};

use super::Sink;

/// A path, losslessly: a string when it is UTF-8, else its bytes in base64
/// as ripgrep writes them (`{"bytes": "…"}`, the standard alphabet, padded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum JsonPath {
    Text(String),
    Bytes { bytes: String },
}

impl JsonPath {
    pub fn new(path: &Path) -> JsonPath {
        match path.to_str() {
            Some(text) => JsonPath::Text(text.to_owned()),
            None => JsonPath::Bytes {
                bytes: base64::engine::general_purpose::STANDARD
                    .encode(path.as_os_str().as_encoded_bytes()),
            },
        }
    }

    /// The path again (a lossy one if the base64 does not decode: this
    /// reads files cerca wrote).
    pub fn to_path(&self) -> std::path::PathBuf {
        match self {
            JsonPath::Text(text) => text.into(),
            JsonPath::Bytes { bytes } => {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(bytes)
                    .unwrap_or_default();
                path_from_bytes(decoded)
            }
        }
    }
}

#[cfg(unix)]
fn path_from_bytes(bytes: Vec<u8>) -> std::path::PathBuf {
    use std::os::unix::ffi::OsStringExt;
    std::ffi::OsString::from_vec(bytes).into()
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: Vec<u8>) -> std::path::PathBuf {
    String::from_utf8_lossy(&bytes).into_owned().into()
}

/// One JSON object per hit; in a batch, one per failed query too, and one
/// with the total for a query that printed no hit.
pub struct Json<W> {
    out: W,
}

#[derive(Serialize)]
pub struct JsonHit<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<usize>,
    rank: usize,
    score: Option<f32>,
    path: JsonPath,
    title: &'a str,
    date: Option<String>,
    modified: String,
    size: u64,
    kind: &'a str,
    snippet: &'a str,
    highlights: Vec<[usize; 2]>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    relaxed: bool,
}

#[derive(Serialize)]
struct JsonError<'a> {
    query: usize,
    error: &'a str,
    /// The characters of the line at fault (`start` inclusive, `end`
    /// exclusive), as the caret under a single query shows them.
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<JsonSpan>,
}

#[derive(Serialize)]
struct JsonSpan {
    start: usize,
    end: usize,
}

/// A batch query that printed no hit: none matched, or `--offset` is past them.
#[derive(Serialize)]
struct JsonTotal {
    query: usize,
    total: usize,
}

impl<W: Write> Json<W> {
    pub fn new(out: W) -> Self {
        Json { out }
    }

    fn line(&mut self, value: &impl Serialize) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, value)?;
        self.out.write_all(b"\n")
    }
}

/// To the second, as `modified:` queries count.
pub fn rfc3339(time: std::time::SystemTime) -> String {
    let time = time::OffsetDateTime::from(time);
    time.replace_nanosecond(0)
        .unwrap_or(time)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A hit as `--json` (and `cerca serve`'s API) writes it.
pub fn json_hit(hit: &Hit, query: Option<usize>, relaxed: bool) -> JsonHit<'_> {
    let snippet = hit.snippet.as_ref();
    JsonHit {
        query,
        rank: hit.rank,
        score: hit.score,
        path: JsonPath::new(&hit.path),
        title: &hit.title,
        date: hit.date.map(|d| d.to_string()),
        modified: rfc3339(hit.modified),
        size: hit.size,
        kind: &hit.kind,
        snippet: snippet.map_or("", |s| &s.text),
        highlights: snippet.map_or_else(Vec::new, |s| {
            s.highlights.iter().map(|r| [r.start, r.end]).collect()
        }),
        relaxed,
    }
}

impl<W: Write> Sink for Json<W> {
    fn results(&mut self, results: &SearchResults, query: Option<usize>) -> io::Result<()> {
        for hit in &results.hits {
            self.line(&json_hit(hit, query, results.relaxed))?;
        }
        // In a batch every query answers at least one line: a query lost
        // on the way is never taken for one that matched nothing.
        if let (Some(query), true) = (query, results.hits.is_empty()) {
            self.line(&JsonTotal {
                query,
                total: results.total,
            })?;
        }
        self.out.flush()
    }

    fn query_error(
        &mut self,
        query: usize,
        message: &str,
        at: Option<std::ops::Range<usize>>,
    ) -> io::Result<()> {
        self.line(&JsonError {
            query,
            error: message,
            at: at.map(|at| JsonSpan {
                start: at.start,
                end: at.end,
            }),
        })?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_are_not_utf8_keep_their_bytes() {
        assert_eq!(
            serde_json::to_string(&JsonPath::new(Path::new("a/b.txt"))).ok(),
            Some(r#""a/b.txt""#.to_owned())
        );
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let path = Path::new(std::ffi::OsStr::from_bytes(b"a\xff.txt"));
            let json = JsonPath::new(path);
            assert_eq!(
                serde_json::to_string(&json).ok(),
                Some(r#"{"bytes":"Yf8udHh0"}"#.to_owned())
            );
            assert_eq!(json.to_path(), path);
        }
    }
}

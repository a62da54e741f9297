//! JSON Lines: one object per hit, for programs.

use std::io::{self, Write};

use cerca_core::{Hit, SearchResults};
use serde::Serialize;

use super::Sink;

/// One JSON object per hit; in a batch, one per failed query too.
pub struct Json<W> {
    out: W,
}

#[derive(Serialize)]
struct JsonHit<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    query: Option<usize>,
    rank: usize,
    score: Option<f32>,
    path: String,
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
fn rfc3339(time: std::time::SystemTime) -> String {
    let time = time::OffsetDateTime::from(time);
    time.replace_nanosecond(0)
        .unwrap_or(time)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn json_hit(hit: &Hit, query: Option<usize>, relaxed: bool) -> JsonHit<'_> {
    let snippet = hit.snippet.as_ref();
    JsonHit {
        query,
        rank: hit.rank,
        score: hit.score,
        path: hit.path.to_string_lossy().into_owned(),
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
        self.out.flush()
    }

    fn query_error(&mut self, query: usize, message: &str) -> io::Result<()> {
        self.line(&JsonError {
            query,
            error: message,
        })?;
        self.out.flush()
    }
}

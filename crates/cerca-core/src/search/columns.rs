//! Hits read from the index's columns, without the stored documents.
//!
//! A stored document is read whole, body included, from a compressed block:
//! listing a hundred novels' paths read tens of megabytes. Path, dates and
//! size are columns too, a few bytes per document.

use std::time::UNIX_EPOCH;

use tantivy::columnar::{BytesColumn, Column};
use tantivy::{DateTime, DocAddress, Searcher};

use crate::error::{Error, Result};
use crate::index::{datetime_to_day, path_from_bytes, system_time};

use super::Hit;

/// The columns of each segment, opened when a hit first needs them.
pub(super) struct HitColumns<'a> {
    searcher: &'a Searcher,
    segments: Vec<Option<SegmentColumns>>,
    key: Vec<u8>,
}

struct SegmentColumns {
    key: BytesColumn,
    date: Column<DateTime>,
    modified: Column<DateTime>,
    size: Column<u64>,
}

impl<'a> HitColumns<'a> {
    pub fn new(searcher: &'a Searcher) -> Self {
        HitColumns {
            searcher,
            segments: Vec::new(),
            key: Vec::new(),
        }
    }

    /// The hit at `address`, with an empty title and kind and no snippet.
    pub fn hit(&mut self, address: DocAddress, rank: usize, score: Option<f32>) -> Result<Hit> {
        let segment = usize::try_from(address.segment_ord).unwrap_or(usize::MAX);
        if self.segments.len() <= segment {
            self.segments.resize_with(segment + 1, || None);
        }
        let columns = match &mut self.segments[segment] {
            Some(columns) => columns,
            slot => slot.insert(SegmentColumns::open(self.searcher, address)?),
        };
        let doc = address.doc_id;
        self.key.clear();
        if let Some(ord) = columns.key.term_ords(doc).next() {
            columns
                .key
                .ord_to_bytes(ord, &mut self.key)
                .map_err(|e| Error::Engine(e.into()))?;
        }
        Ok(Hit {
            rank,
            score,
            path: path_from_bytes(&self.key),
            title: String::new(),
            date: columns.date.first(doc).map(datetime_to_day),
            modified: columns.modified.first(doc).map_or(UNIX_EPOCH, system_time),
            size: columns.size.first(doc).unwrap_or(0),
            kind: String::new(),
            snippet: None,
        })
    }
}

impl SegmentColumns {
    fn open(searcher: &Searcher, address: DocAddress) -> Result<SegmentColumns> {
        let columns = searcher.segment_reader(address.segment_ord).fast_fields();
        let missing = |column: &str| {
            Error::Engine(tantivy::TantivyError::SchemaError(format!(
                "the {column} column is missing"
            )))
        };
        Ok(SegmentColumns {
            key: columns.bytes("key")?.ok_or_else(|| missing("key"))?,
            date: columns.date("date")?,
            modified: columns.date("modified")?,
            size: columns.u64("size")?,
        })
    }
}

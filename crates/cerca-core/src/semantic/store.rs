//! The vectors of an index's documents, in a file of their own beside the
//! index's (`cerca-vectors.bin`), keyed by the documents' fingerprints.
//!
//! Keyed by fingerprint (a hash of the text a vector was made from), a
//! vector can never belong to another text: a changed document has a new
//! fingerprint and waits for its new vector, a renamed one keeps its vector,
//! and vectors no document has any longer are dropped when the file is
//! rewritten. The index's commits never have to wait for the model.
//!
//! The file is a header (magic, version, dimensions, model) and then
//! fixed-size records, each with its own checksum: records are only ever
//! appended (by the writer that holds the index's lock), so a process killed
//! while appending leaves a torn last record, which readers ignore and the
//! next append overwrites. Rewrites (dropping dead vectors) replace the file
//! atomically.

use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::xxh3_64;

use super::quantized::{dot, Quantized};
use crate::error::{Error, Result};
use crate::index::private;

/// The file's name in the index directory.
pub(crate) const VECTORS_FILE: &str = "cerca-vectors.bin";
const MAGIC: &[u8; 8] = b"CERCAVEC";
const VERSION: u32 = 1;
/// No model has vectors this long; a header saying so is damage.
const MAX_DIMENSIONS: usize = 8192;
const MAX_MODEL_NAME: usize = 1024;

/// Every vector of an index, in memory.
#[derive(Debug, Clone)]
pub(crate) struct VectorStore {
    model: String,
    dimensions: usize,
    fingerprints: Vec<u64>,
    scales: Vec<f32>,
    /// Row after row, `dimensions` values each.
    values: Vec<i8>,
    /// The last row of each fingerprint.
    rows: FxHashMap<u64, usize>,
    /// How much of the file holds whole, valid records: appends start there.
    valid_len: u64,
}

impl VectorStore {
    /// An empty store of `model`'s vectors.
    pub fn new(model: &str, dimensions: usize) -> VectorStore {
        VectorStore {
            model: model.to_owned(),
            dimensions,
            fingerprints: Vec::new(),
            scales: Vec::new(),
            values: Vec::new(),
            rows: FxHashMap::default(),
            valid_len: header(model, dimensions).len() as u64,
        }
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    pub fn dimensions(&self) -> usize {
        self.dimensions
    }

    /// How much of its file holds whole, valid records.
    pub fn valid_len(&self) -> u64 {
        self.valid_len
    }

    /// How many distinct fingerprints have a vector.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// How many records the file holds, dead ones included.
    pub fn records(&self) -> usize {
        self.fingerprints.len()
    }

    pub fn contains(&self, fingerprint: u64) -> bool {
        self.rows.contains_key(&fingerprint)
    }

    /// The cosine of `query` with the vector of `fingerprint`, if it has one.
    pub fn cosine(&self, query: &[f32], fingerprint: u64) -> Option<f32> {
        let row = *self.rows.get(&fingerprint)?;
        Some(dot(query, self.scales[row], self.row(row)))
    }

    /// The `k` fingerprints whose vectors are nearest `query`, nearest first,
    /// with their cosines.
    pub fn nearest(&self, query: &[f32], k: usize) -> Vec<(u64, f32)> {
        if k == 0 || query.len() != self.dimensions {
            return Vec::new();
        }
        let mut scored: Vec<(u64, f32)> = self
            .rows
            .iter()
            .map(|(&fingerprint, &row)| (fingerprint, dot(query, self.scales[row], self.row(row))))
            .collect();
        let by_cosine = |a: &(u64, f32), b: &(u64, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        if scored.len() > k {
            scored.select_nth_unstable_by(k - 1, by_cosine);
            scored.truncate(k);
        }
        scored.sort_by(by_cosine);
        scored
    }

    fn row(&self, row: usize) -> &[i8] {
        &self.values[row * self.dimensions..(row + 1) * self.dimensions]
    }

    fn push(&mut self, fingerprint: u64, vector: &Quantized) {
        let row = self.fingerprints.len();
        self.fingerprints.push(fingerprint);
        self.scales.push(vector.scale);
        self.values.extend_from_slice(&vector.values);
        self.rows.insert(fingerprint, row);
    }

    /// Reads the file at `path`: `None` if there is none. A damaged header
    /// is [`Error::CorruptVectors`]; a damaged or torn record ends the vectors
    /// read (those after it are made again).
    pub fn load(path: &Path) -> Result<Option<VectorStore>> {
        let mut file = match crate::read::open_regular(path) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(Error::io(path)(error)),
        };
        // A FIFO or a device in its place (/dev/zero) would hang or never end.
        let metadata = file.metadata().map_err(Error::io(path))?;
        if !metadata.is_file() {
            return Err(Error::CorruptVectors {
                path: path.to_path_buf(),
            });
        }
        let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
        std::io::Read::read_to_end(&mut file, &mut bytes).map_err(Error::io(path))?;
        let (model, dimensions, mut at) =
            parse_header(&bytes).ok_or_else(|| Error::CorruptVectors {
                path: path.to_path_buf(),
            })?;
        let mut store = VectorStore::new(&model, dimensions);
        let size = record_size(dimensions);
        while let Some(record) = bytes.get(at..at + size) {
            let (body, checksum) = record.split_at(size - 8);
            if xxh3_64(body).to_le_bytes() != checksum {
                break;
            }
            let (fingerprint, rest) = body.split_at(8);
            let (scale, values) = rest.split_at(4);
            let vector = Quantized {
                scale: f32::from_le_bytes(scale.try_into().unwrap_or_default()),
                values: values.iter().map(|&b| b as i8).collect(),
            };
            store.push(
                u64::from_le_bytes(fingerprint.try_into().unwrap_or_default()),
                &vector,
            );
            at += size;
        }
        store.valid_len = at as u64;
        Ok(Some(store))
    }

    /// Writes a new file with this store's header and vectors, replacing
    /// any file at `path` at once.
    pub fn save(&mut self, path: &Path) -> Result<()> {
        let mut bytes = header(&self.model, self.dimensions);
        for row in 0..self.fingerprints.len() {
            bytes.extend(record(
                self.fingerprints[row],
                self.scales[row],
                self.row(row),
            ));
        }
        private::write_atomically(path, &bytes)?;
        self.valid_len = bytes.len() as u64;
        Ok(())
    }

    /// Adds vectors, to the file at `path` too (durably) when given.
    pub fn append(&mut self, path: Option<&Path>, vectors: &[(u64, Quantized)]) -> Result<()> {
        if let Some(path) = path {
            let mut bytes = Vec::with_capacity(vectors.len() * record_size(self.dimensions));
            for (fingerprint, vector) in vectors {
                bytes.extend(record(*fingerprint, vector.scale, &vector.values));
            }
            let mut file = private::private_options()
                .write(true)
                .open(path)
                .map_err(Error::io(path))?;
            // A torn record a killed writer left: written over.
            file.set_len(self.valid_len)
                .and_then(|()| file.seek(SeekFrom::Start(self.valid_len)))
                .and_then(|_| file.write_all(&bytes))
                .and_then(|()| file.sync_data())
                .map_err(Error::io(path))?;
            self.valid_len += bytes.len() as u64;
        }
        for (fingerprint, vector) in vectors {
            self.push(*fingerprint, vector);
        }
        Ok(())
    }

    /// Keeps only the vectors of these fingerprints (in memory; [`save`](Self::save) writes it).
    pub fn retain(&mut self, live: impl Fn(u64) -> bool) {
        let mut kept = VectorStore::new(&self.model, self.dimensions);
        let mut rows: Vec<(u64, usize)> = self
            .rows
            .iter()
            .filter(|(fingerprint, _)| live(**fingerprint))
            .map(|(&fingerprint, &row)| (fingerprint, row))
            .collect();
        rows.sort_unstable_by_key(|&(_, row)| row);
        for (fingerprint, row) in rows {
            let vector = Quantized {
                scale: self.scales[row],
                values: self.row(row).to_vec(),
            };
            kept.push(fingerprint, &vector);
        }
        kept.valid_len = self.valid_len;
        *self = kept;
    }
}

/// The vectors file of the index in `dir`.
pub(crate) fn vectors_path(dir: &Path) -> PathBuf {
    dir.join(VECTORS_FILE)
}

fn record_size(dimensions: usize) -> usize {
    8 + 4 + dimensions + 8
}

fn record(fingerprint: u64, scale: f32, values: &[i8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(record_size(values.len()));
    bytes.extend(fingerprint.to_le_bytes());
    bytes.extend(scale.to_le_bytes());
    bytes.extend(values.iter().map(|&v| v as u8));
    let checksum = xxh3_64(&bytes);
    bytes.extend(checksum.to_le_bytes());
    bytes
}

fn header(model: &str, dimensions: usize) -> Vec<u8> {
    let mut bytes = MAGIC.to_vec();
    bytes.extend(VERSION.to_le_bytes());
    bytes.extend((dimensions as u32).to_le_bytes());
    bytes.extend((model.len() as u32).to_le_bytes());
    bytes.extend(model.as_bytes());
    let checksum = xxh3_64(&bytes);
    bytes.extend(checksum.to_le_bytes());
    bytes
}

/// The model, dimensions and where records start, if the header is whole.
fn parse_header(bytes: &[u8]) -> Option<(String, usize, usize)> {
    let u32_at = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    if bytes.get(..8)? != MAGIC || u32_at(8)? != VERSION {
        return None;
    }
    let dimensions = u32_at(12)? as usize;
    let name_len = u32_at(16)? as usize;
    if dimensions == 0 || dimensions > MAX_DIMENSIONS || name_len > MAX_MODEL_NAME {
        return None;
    }
    let end = 20 + name_len;
    let model = std::str::from_utf8(bytes.get(20..end)?).ok()?;
    let checksum = bytes.get(end..end + 8)?;
    if xxh3_64(&bytes[..end]).to_le_bytes() != checksum {
        return None;
    }
    Some((model.to_owned(), dimensions, end + 8))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn vector(x: f32, y: f32) -> Quantized {
        Quantized::new(&[x, y, 0.0])
    }

    fn saved_store(dir: &Path) -> (PathBuf, VectorStore) {
        let path = dir.join(VECTORS_FILE);
        let mut store = VectorStore::new("test-model", 3);
        store.save(&path).unwrap();
        store
            .append(Some(&path), &[(1, vector(1.0, 0.0)), (2, vector(0.0, 1.0))])
            .unwrap();
        (path, store)
    }

    #[test]
    fn vectors_come_back_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let (path, _) = saved_store(dir.path());
        let store = VectorStore::load(&path).unwrap().unwrap();
        assert_eq!(
            (store.model(), store.dimensions(), store.len()),
            ("test-model", 3, 2)
        );
        let nearest = store.nearest(&[0.6, 0.8, 0.0], 2);
        assert_eq!(nearest.iter().map(|n| n.0).collect::<Vec<_>>(), [2, 1]);
        assert!((store.cosine(&[1.0, 0.0, 0.0], 1).unwrap() - 1.0).abs() < 0.01);
        assert_eq!(store.cosine(&[1.0, 0.0, 0.0], 3), None);
    }

    #[test]
    fn a_torn_last_record_is_ignored_then_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let (path, _) = saved_store(dir.path());
        let full = fs::metadata(&path).unwrap().len();
        // A writer killed in the middle of its second record.
        let file = fs::OpenOptions::new().write(true).open(&path).unwrap();
        file.set_len(full - 5).unwrap();
        let mut store = VectorStore::load(&path).unwrap().unwrap();
        assert_eq!(store.len(), 1);
        store.append(Some(&path), &[(3, vector(0.0, 1.0))]).unwrap();
        let store = VectorStore::load(&path).unwrap().unwrap();
        assert_eq!(store.len(), 2);
        assert!(store.contains(1) && store.contains(3) && !store.contains(2));
    }

    #[test]
    fn a_flipped_byte_ends_the_vectors_read_there() {
        let dir = tempfile::tempdir().unwrap();
        let (path, _) = saved_store(dir.path());
        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 10;
        bytes[last] ^= 0x40;
        fs::write(&path, &bytes).unwrap();
        let store = VectorStore::load(&path).unwrap().unwrap();
        assert!(store.contains(1) && !store.contains(2));
    }

    #[test]
    fn a_damaged_header_is_an_error_and_a_missing_file_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let (path, _) = saved_store(dir.path());
        let mut bytes = fs::read(&path).unwrap();
        bytes[14] ^= 1;
        fs::write(&path, &bytes).unwrap();
        let error = VectorStore::load(&path).unwrap_err();
        assert!(matches!(error, Error::CorruptVectors { .. }), "{error}");
        assert!(VectorStore::load(&dir.path().join("none"))
            .unwrap()
            .is_none());
    }

    #[test]
    fn retain_drops_dead_vectors_and_save_shrinks_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut store) = saved_store(dir.path());
        store.append(Some(&path), &[(1, vector(0.0, 1.0))]).unwrap();
        assert_eq!(store.records(), 3);
        let before = fs::metadata(&path).unwrap().len();
        store.retain(|fingerprint| fingerprint == 1);
        store.save(&path).unwrap();
        assert!(fs::metadata(&path).unwrap().len() < before);
        let store = VectorStore::load(&path).unwrap().unwrap();
        assert_eq!((store.len(), store.records()), (1, 1));
        // The later vector of fingerprint 1 is the one kept.
        assert!(store.cosine(&[0.0, 1.0, 0.0], 1).unwrap() > 0.99);
    }

    #[test]
    fn nearest_of_an_empty_store_or_a_wrong_query_is_empty() {
        let store = VectorStore::new("m", 3);
        assert!(store.nearest(&[1.0, 0.0, 0.0], 5).is_empty());
        let dir = tempfile::tempdir().unwrap();
        let (_, store) = saved_store(dir.path());
        assert!(store.nearest(&[1.0, 0.0], 5).is_empty());
        assert!(store.nearest(&[1.0, 0.0, 0.0], 0).is_empty());
    }
}

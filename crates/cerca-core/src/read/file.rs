//! Reading one found file: size limit, bytes, change detection, binary sniffing,
//! extraction within the text cap, and content hash. The steps are shared with
//! [`FileReader`](super::FileReader), which sends risky kinds to a worker process instead
//! of extracting them here.

use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::Duration;

use super::{
    decode, open_regular, Budget, ExtractError, Extracted, Extractor, Extractors, FoundFile,
    ReadError, DEFAULT_MAX_FILE_SIZE,
};

/// Default cap on the text of one file: 64 MiB.
///
/// About fifteen times the whole Bible, or a 10,000-page report of dense tables: no
/// document a person searches has more, while a hostile PDF can draw one small stream
/// into gigabytes of text. Equal to [`DEFAULT_MAX_FILE_SIZE`], so that a plain-text
/// file under the size limit is never refused for its text (its text is at most its
/// size, unless a legacy encoding turns many bytes into 2-3 bytes of UTF-8).
pub const DEFAULT_MAX_TEXT_BYTES: u64 = 64 * 1024 * 1024;

/// Default time limit for the extraction of one file in the worker: 60 s.
///
/// A 64 MiB PDF of a few thousand text pages takes `pdf-extract` well under that on a
/// slow machine; a file that takes longer is stuck or hostile, and one minute is what a
/// person will wait for a sync to move on. Recoll lets filters run far longer (15 min)
/// because its filters are whole external programs (OCR…); ours are not.
pub const DEFAULT_MAX_TIME: Duration = Duration::from_secs(60);

/// Default memory limit of the extraction worker: 1 GiB.
///
/// Our own limits keep an honest PDF well below it (streams decompress to at most
/// 256 MiB per file, the file itself is at most 64 MiB); a file that needs more is
/// hostile, and 1 GiB is what a desktop indexer may take from a machine that is being
/// used without anybody noticing.
pub const DEFAULT_MAX_MEMORY: u64 = 1024 * 1024 * 1024;

/// Limits applied when reading a file: each file is read and extracted within them, or
/// fails alone ([`ReadError::TooLarge`], [`ReadError::OverBudget`]).
///
/// `max_time` and `max_memory` only hold for the kinds a [`FileReader`](super::FileReader)
/// with a worker sends to it (see [`Extractors::isolated`]): in-process extraction cannot
/// be stopped nor limited in memory from outside, so it relies on the formats' own limits
/// (see each module) and on the text cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadLimits {
    /// Files bigger than this many bytes are not read ([`ReadError::TooLarge`]).
    pub max_file_size: u64,
    /// Most bytes of text (body and title) one file may yield: counted as it is produced
    /// by the extractors whose text can outgrow their input (PDF), checked after
    /// extraction for the others ([`Budget::Text`]).
    pub max_text_bytes: u64,
    /// Longest the worker may take over one file, wall clock ([`Budget::Time`]).
    pub max_time: Duration,
    /// Most memory the worker may use, set as its own resource limit when it starts
    /// ([`Budget::Memory`]).
    pub max_memory: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_text_bytes: DEFAULT_MAX_TEXT_BYTES,
            max_time: DEFAULT_MAX_TIME,
            max_memory: DEFAULT_MAX_MEMORY,
        }
    }
}

with_setters!(ReadLimits {
    with_max_file_size => max_file_size: u64,
    with_max_text_bytes => max_text_bytes: u64,
    with_max_time => max_time: Duration,
    with_max_memory => max_memory: u64,
});

/// What reading a file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadFile {
    /// Title, body and date.
    pub extracted: Extracted,
    /// [`content_hash`] of the raw bytes.
    pub hash: u128,
    /// How many bytes were read (the file's size).
    pub bytes_read: u64,
}

/// The content hash of raw bytes: xxh3-128.
///
/// ```
/// use cerca_core::read::content_hash;
///
/// assert_eq!(content_hash(b"ciao"), content_hash(b"ciao"));
/// assert_ne!(content_hash(b"ciao"), content_hash(b"Ciao"));
/// ```
pub fn content_hash(bytes: &[u8]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// Reads a file found by the walk and extracts its text, in this process.
///
/// In order: no extractor for `found.kind` → [`ReadError::UnsupportedKind`]; `found.size`
/// over the limit → [`ReadError::TooLarge`] (not opened); the bytes are read (at most
/// limit + 1; a file that is no longer a regular one when opened → [`ReadError::ChangedWhileReading`],
/// never waiting on a FIFO) and the path stat'ed again: a size, modification or status-change time or inode
/// different from `found`'s → [`ReadError::ChangedWhileReading`]; a NUL byte in the first 8 KiB (not in
/// UTF-16 with BOM, and unless the extractor [accepts binary](super::Extractor::accepts_binary))
/// → [`ReadError::Binary`]; then extraction ([`ReadError::Extract`], also for an extractor
/// that panicked; [`ReadError::OverBudget`] past the text cap) and the hash of the raw
/// bytes. Any I/O failure → [`ReadError::Io`].
///
/// No time or memory limit holds here: a [`FileReader`](super::FileReader) with a worker
/// gives them.
///
/// ```
/// use cerca_core::read::{read_file, Extractors, FoundFile, ReadLimits};
///
/// let path = std::env::temp_dir().join(format!("cerca-read-doc-file-{}.txt", std::process::id()));
/// std::fs::write(&path, "Ciao").unwrap();
/// let found = FoundFile::new(path.clone(), &std::fs::metadata(&path).unwrap(), "txt");
/// let read = read_file(&found, &Extractors::default(), &ReadLimits::default()).unwrap();
/// assert_eq!((read.extracted.body.as_str(), read.bytes_read), ("Ciao", 4));
/// std::fs::remove_file(&path).unwrap();
/// ```
pub fn read_file(
    found: &FoundFile,
    extractors: &Extractors,
    limits: &ReadLimits,
) -> Result<ReadFile, ReadError> {
    let extractor = extractor_for(found, extractors)?;
    let bytes = load(found, extractor, limits)?;
    let extracted = extract_in_process(extractor, &bytes, limits.max_text_bytes)
        .map_err(|e| extract_error(&found.path, e))?;
    Ok(ReadFile {
        extracted,
        hash: content_hash(&bytes),
        bytes_read: bytes.len() as u64,
    })
}

/// The extractor of a found file's kind.
pub(crate) fn extractor_for<'e>(
    found: &FoundFile,
    extractors: &'e Extractors,
) -> Result<&'e dyn Extractor, ReadError> {
    extractors
        .for_kind(&found.kind)
        .ok_or_else(|| ReadError::UnsupportedKind {
            path: found.path.clone(),
            kind: found.kind.clone(),
        })
}

/// The bytes of a found file, after the size, change and binary checks of [`read_file`].
pub(crate) fn load(
    found: &FoundFile,
    extractor: &dyn Extractor,
    limits: &ReadLimits,
) -> Result<Vec<u8>, ReadError> {
    let path = &found.path;
    let limit = limits.max_file_size;
    if found.size > limit {
        return Err(ReadError::TooLarge {
            path: path.clone(),
            size: found.size,
            limit,
        });
    }

    let io_error = |source| ReadError::Io {
        path: path.clone(),
        source,
    };
    let file = open_regular(path).map_err(io_error)?;
    // No longer the regular file the walk found (replaced by a FIFO, a
    // device…): opening it did not wait, reading it must not either.
    if !file.metadata().map_err(io_error)?.file_type().is_file() {
        return Err(ReadError::ChangedWhileReading { path: path.clone() });
    }
    let capacity = usize::try_from(found.size).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    let after = std::fs::metadata(path).map_err(io_error)?;
    if bytes.len() as u64 != found.size || !found.same_file_as(&after) {
        return Err(ReadError::ChangedWhileReading { path: path.clone() });
    }

    if !extractor.accepts_binary() && decode::looks_binary(&bytes) {
        return Err(ReadError::Binary { path: path.clone() });
    }
    Ok(bytes)
}

/// Extracts here: a panic becomes [`ExtractError::Panicked`], and text over the cap
/// [`Budget::Text`] (whether the extractor counted it or not). The worker process
/// extracts through this function too.
pub(crate) fn extract_in_process(
    extractor: &dyn Extractor,
    bytes: &[u8],
    max_text_bytes: u64,
) -> Result<Extracted, ExtractError> {
    let extracted = catch_unwind(AssertUnwindSafe(|| {
        extractor.extract_capped(bytes, max_text_bytes)
    }))
    .unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(ExtractError::Panicked { message })
    })?;
    let text = extracted.body.len() + extracted.title.as_ref().map_or(0, String::len);
    if text as u64 > max_text_bytes {
        return Err(ExtractError::OverBudget(Budget::Text {
            limit: max_text_bytes,
        }));
    }
    Ok(extracted)
}

/// The [`ReadError`] for an extraction error: over budget, or failed.
pub(crate) fn extract_error(path: &Path, error: ExtractError) -> ReadError {
    match error {
        ExtractError::OverBudget(budget) => ReadError::OverBudget {
            path: path.to_path_buf(),
            budget,
        },
        source => ReadError::Extract {
            path: path.to_path_buf(),
            source,
        },
    }
}

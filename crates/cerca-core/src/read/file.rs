//! Reading one found file: size limit, bytes, change detection, binary sniffing,
//! extraction and content hash.

use std::fs::File;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::{decode, ExtractError, Extracted, Extractors, FoundFile, ReadError};

/// Default size limit for one file: 64 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Limits applied when reading a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Files bigger than this many bytes are not read ([`ReadError::TooLarge`]).
    pub max_file_size: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// What reading a file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Reads a file found by the walk and extracts its text.
///
/// In order: no extractor for `found.kind` → [`ReadError::UnsupportedKind`]; `found.size`
/// over the limit → [`ReadError::TooLarge`] (not opened); the bytes are read (at most
/// limit + 1) and the path stat'ed again: a size, modification or status-change time or inode
/// different from `found`'s → [`ReadError::ChangedWhileReading`]; a NUL byte in the first 8 KiB (not in
/// UTF-16 with BOM, and unless the extractor [accepts binary](super::Extractor::accepts_binary))
/// → [`ReadError::Binary`]; then extraction ([`ReadError::Extract`], also for an extractor
/// that panicked) and the hash of the raw bytes. Any I/O failure → [`ReadError::Io`].
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
    let path = &found.path;
    let extractor = extractors
        .for_kind(&found.kind)
        .ok_or_else(|| ReadError::UnsupportedKind {
            path: path.clone(),
            kind: found.kind.clone(),
        })?;
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
    let file = File::open(path).map_err(io_error)?;
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
    let extracted = catch_unwind(AssertUnwindSafe(|| extractor.extract(&bytes)))
        .unwrap_or_else(|panic| {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(ExtractError::Panicked { message })
        })
        .map_err(|source| ReadError::Extract {
            path: path.clone(),
            source,
        })?;
    Ok(ReadFile {
        extracted,
        hash: content_hash(&bytes),
        bytes_read: bytes.len() as u64,
    })
}

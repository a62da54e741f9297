//! Bounded reading of the zip containers of DOCX, ODT and EPUB, on the `zip` crate
//! (deflate and stored entries only: the methods these formats use).
//!
//! Limits, against damaged files and zip bombs: at most [`MAX_ENTRIES`] entries; an entry
//! whose *declared* uncompressed size is over [`MAX_ENTRY_BYTES`], or would take the
//! document's parts over [`MAX_TOTAL_BYTES`], is refused before it is read; and since
//! declared sizes can lie, the same limits are enforced while reading (the decompressed
//! stream goes through [`Read::take`] and reading one byte too many is an error). The
//! CRC-32 of every entry read is checked by the `zip` crate.
//!
//! Errors name the format: a broken or truncated archive, a missing part or an invalid
//! entry are [`ExtractError::Malformed`]; an encrypted document (an OLE file, or
//! encrypted entries), an unsupported compression method or a limit exceeded are
//! [`ExtractError::Unreadable`].

use std::io::{Cursor, Read};

use zip::result::ZipError;
use zip::ZipArchive;

use super::text::{parse_date_prefix, title_from_text};
use super::xml::{first_texts, xml_text};
use super::{ExtractError, Extracted};

/// Most entries a container may have.
pub const MAX_ENTRIES: usize = 10_000;
/// Most bytes one entry may decompress to: 128 MiB.
pub const MAX_ENTRY_BYTES: u64 = 128 * 1024 * 1024;
/// Most bytes all the entries read from one document may decompress to: 256 MiB.
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;

/// The signature of an OLE compound file: what Office writes for a password-protected
/// DOCX (and for the old binary `.doc`).
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// A zip container opened for bounded reads of its parts.
#[derive(Debug)]
pub(crate) struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    format: &'static str,
    /// Decompressed bytes read so far, against [`MAX_TOTAL_BYTES`].
    total: u64,
}

impl<'a> Archive<'a> {
    /// Opens the container of a `format` document (`"docx"`…).
    pub(crate) fn open(bytes: &'a [u8], format: &'static str) -> Result<Self, ExtractError> {
        if bytes.starts_with(&OLE_MAGIC) {
            return Err(ExtractError::Unreadable {
                format,
                reason: "an OLE compound file, not a zip: a password-protected (encrypted) \
                         document or an old binary format"
                    .to_string(),
            });
        }
        let zip = ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| zip_error(format, "not a readable zip archive", e))?;
        if zip.len() > MAX_ENTRIES {
            return Err(ExtractError::Unreadable {
                format,
                reason: format!("{} zip entries, over the limit of {MAX_ENTRIES}", zip.len()),
            });
        }
        Ok(Archive {
            zip,
            format,
            total: 0,
        })
    }

    /// The names of the parts in `folder` (`word/`) whose file name starts
    /// with `prefix` and ends with `suffix`, sorted.
    pub(crate) fn part_names(&self, folder: &str, prefix: &str, suffix: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .zip
            .file_names()
            .filter_map(|name| name.ok())
            .filter(|name| {
                name.strip_prefix(folder).is_some_and(|file| {
                    !file.contains('/') && file.starts_with(prefix) && file.ends_with(suffix)
                })
            })
            .map(|name| name.into_owned())
            .collect();
        names.sort();
        names
    }

    /// The decompressed bytes of a part that must be there.
    pub(crate) fn read(&mut self, name: &str) -> Result<Vec<u8>, ExtractError> {
        self.read_optional(name)?
            .ok_or_else(|| self.malformed(format!("missing part {name}")))
    }

    /// The decompressed bytes of a part, `None` when there is no such entry.
    pub(crate) fn read_optional(&mut self, name: &str) -> Result<Option<Vec<u8>>, ExtractError> {
        let format = self.format;
        let remaining = MAX_TOTAL_BYTES.saturating_sub(self.total);
        let mut entry = match self.zip.by_name(name) {
            Ok(entry) => entry,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(zip_error(format, &format!("cannot open part {name}"), e)),
        };
        let limit = MAX_ENTRY_BYTES.min(remaining);
        let declared = entry.size();
        let bytes = read_limited(&mut entry, declared, limit, format, name)?;
        self.total += bytes.len() as u64;
        Ok(Some(bytes))
    }

    /// A [`ExtractError::Malformed`] of this archive's format.
    /// The document's extraction from its `body` and an optional properties
    /// part (`docProps/core.xml`, `meta.xml`): the part's `title`, else the
    /// body's first line, and the first of its two `dates` that parses.
    pub(crate) fn with_properties(
        &mut self,
        body: String,
        part: &str,
        dates: [&[u8]; 2],
    ) -> Result<Extracted, ExtractError> {
        match self.read_optional(part)? {
            Some(properties) => with_properties(body, &properties, dates)
                .map_err(|e| self.malformed(format!("{part}: {e}"))),
            None => with_properties(body, b"", dates).map_err(|e| self.malformed(e)),
        }
    }

    pub(crate) fn malformed(&self, reason: String) -> ExtractError {
        ExtractError::Malformed {
            format: self.format,
            reason,
        }
    }
}

/// Reads at most `limit` bytes of an entry whose declared size is `declared`: refused
/// up front when the declared size is over the limit, and when the data turns out longer
/// than the limit whatever was declared (one byte too many is read, no more).
fn read_limited(
    reader: impl Read,
    declared: u64,
    limit: u64,
    format: &'static str,
    name: &str,
) -> Result<Vec<u8>, ExtractError> {
    if declared > limit {
        return Err(too_large(format, name, declared));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ExtractError::Malformed {
            format,
            reason: format!("cannot read part {name}: {e}"),
        })?;
    if bytes.len() as u64 > limit {
        return Err(too_large(format, name, bytes.len() as u64));
    }
    Ok(bytes)
}

fn too_large(format: &'static str, name: &str, size: u64) -> ExtractError {
    ExtractError::Unreadable {
        format,
        reason: format!(
            "part {name} decompresses to {size} bytes or more, over the limits of \
             {MAX_ENTRY_BYTES} bytes per part and {MAX_TOTAL_BYTES} per document (a zip bomb?)"
        ),
    }
}

fn zip_error(format: &'static str, context: &str, error: ZipError) -> ExtractError {
    match error {
        ZipError::UnsupportedArchive(_)
        | ZipError::InvalidPassword
        | ZipError::CompressionMethodNotSupported(_) => ExtractError::Unreadable {
            format,
            reason: format!("{context}: {error}"),
        },
        error => ExtractError::Malformed {
            format,
            reason: format!("{context}: {error}"),
        },
    }
}

/// A document's extraction from its `body` and the XML that holds its
/// properties (`docProps/core.xml`, `meta.xml`, a flat ODF document): the
/// first `title` element, else the body's first line, and the first of the
/// two `dates` elements that parses.
pub(crate) fn with_properties(
    body: String,
    properties: &[u8],
    dates: [&[u8]; 2],
) -> Result<Extracted, String> {
    let mut title = None;
    let mut date = None;
    if !properties.is_empty() {
        let found = first_texts(&xml_text(properties), &[b"title", dates[0], dates[1]])?;
        let [found_title, first, second] =
            <[Option<String>; 3]>::try_from(found).unwrap_or_default();
        title = found_title;
        date = first
            .as_deref()
            .and_then(parse_date_prefix)
            .or_else(|| second.as_deref().and_then(parse_date_prefix));
    }
    Ok(Extracted {
        title: title.or_else(|| title_from_text(&body)),
        body,
        date,
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    use super::*;

    fn build(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            let options =
                SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
            assert!(zip.start_file(*name, options).is_ok());
            assert!(zip.write_all(data).is_ok());
        }
        zip.finish().map(Cursor::into_inner).unwrap_or_default()
    }

    fn reason(result: Result<impl std::fmt::Debug, ExtractError>) -> String {
        match result {
            Err(e) => e.to_string(),
            Ok(v) => format!("unexpected success: {v:?}"),
        }
    }

    #[test]
    fn reads_parts() -> Result<(), ExtractError> {
        let bytes = build(&[("a.xml", b"<a/>"), ("dir/b.xml", "città".as_bytes())]);
        let mut archive = Archive::open(&bytes, "docx")?;
        assert_eq!(archive.read("a.xml")?, b"<a/>");
        assert_eq!(
            archive.read_optional("dir/b.xml")?.as_deref(),
            Some("città".as_bytes())
        );
        assert_eq!(archive.read_optional("nope")?, None);
        assert_eq!(
            reason(archive.read("nope")),
            "malformed docx content: missing part nope"
        );
        Ok(())
    }

    #[test]
    fn damaged_archives() {
        let bytes = build(&[("a.xml", "il perché della città ".repeat(100).as_bytes())]);
        let truncated = &bytes[..bytes.len() / 2];
        assert!(reason(Archive::open(truncated, "odt")).starts_with("malformed odt content"));
        assert!(reason(Archive::open(b"garbage", "odt")).starts_with("malformed odt content"));
        let mut ole = OLE_MAGIC.to_vec();
        ole.extend_from_slice(&[0; 512]);
        assert!(reason(Archive::open(&ole, "docx")).contains("encrypted"));
        // A flipped byte in the compressed data: an inflate or CRC error, not a panic.
        let mut flipped = bytes.clone();
        flipped[40] ^= 0xFF;
        if let Ok(mut archive) = Archive::open(&flipped, "epub") {
            assert!(archive.read("a.xml").is_err());
        }
    }

    #[test]
    fn limits_hold_while_reading() {
        let endless = std::io::repeat(0);
        let got = read_limited(endless, 10, 1000, "epub", "a.xhtml");
        assert!(reason(got).contains("decompresses to 1001 bytes or more"));
        let got = read_limited(&b"abc"[..], 10, 1000, "epub", "a.xhtml");
        assert_eq!(got.ok().as_deref(), Some(&b"abc"[..]));
        let got = read_limited(&b"abc"[..], 5000, 1000, "epub", "a.xhtml");
        assert!(reason(got).contains("decompresses to 5000 bytes"));
        let got = read_limited(&b"abc"[..], 3, 3, "epub", "a.xhtml");
        assert!(got.is_ok());
    }

    /// An entry whose declared sizes lie (1000 bytes for 4 MiB): caught while reading
    /// (by the `zip` crate itself, before our `take` limit would be reached).
    #[test]
    fn lying_sizes_are_caught_while_reading() {
        let big = 4 << 20;
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        assert!(zip.start_file("bomb.xml", options).is_ok());
        let chunk = vec![0u8; 1 << 20];
        let mut written = 0;
        while written < big {
            let n = chunk.len().min(big - written);
            assert!(zip.write_all(&chunk[..n]).is_ok());
            written += n;
        }
        let mut bytes = zip.finish().map(Cursor::into_inner).unwrap_or_default();
        // Declare 1000 bytes uncompressed in the local header and the central directory.
        let real = u32::try_from(big).unwrap_or(u32::MAX).to_le_bytes();
        let mut patched = 0;
        for i in 0..bytes.len().saturating_sub(4) {
            if bytes[i..i + 4] == real {
                bytes[i..i + 4].copy_from_slice(&1000u32.to_le_bytes());
                patched += 1;
            }
        }
        assert_eq!(patched, 2);
        match Archive::open(&bytes, "docx") {
            Ok(mut archive) => {
                let started = std::time::Instant::now();
                let r = reason(archive.read("bomb.xml"));
                assert!(
                    r.contains("larger than its declared") || r.contains("zip bomb"),
                    "{r}"
                );
                assert!(started.elapsed().as_secs() < 30);
            }
            Err(e) => assert!(e.to_string().contains("docx"), "{e}"),
        }
    }
}

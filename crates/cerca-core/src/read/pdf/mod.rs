//! PDF: `.pdf`, the text layer through `pdf-extract` (font encodings, `ToUnicode` maps,
//! glyph positions turned into spaces and lines), on `lopdf`'s parser (which it
//! re-exports).
//!
//! Body: the text of each page in page order, lines as `pdf-extract` lays them out. A
//! PDF without a text layer (a scan) gives an empty body, not an error. Title: the Info
//! dictionary's `Title` (no fallback: the first line of a PDF is often a running header);
//! date: its `CreationDate`, else `ModDate`.
//!
//! Encrypted PDFs are read when they open with the empty user password (permissions-only
//! protection, common); otherwise they are [`ExtractError::Unreadable`]. Unparsable files
//! (truncated, garbage) are [`ExtractError::Malformed`].
//!
//! Guards around the crates, so that a hostile or broken file costs bounded time and
//! memory and cannot take the process down:
//! - Streams are measured with a bounded decoding before anything decodes them
//!   (`streams`: Flate, LZW and ASCII85, alone or chained): cross-reference streams
//!   before `lopdf` loads the file (`xref`), object streams while it loads (through its
//!   load filter), every other stream after; one decoding past [`MAX_STREAM_BYTES`], or
//!   all together past [`MAX_TOTAL_STREAM_BYTES`], makes the file unreadable (a
//!   decompression bomb).
//! - Images and embedded files are emptied before the text is read: `pdf-extract`
//!   would decompress an image drawn with `Do` and parse it as content.
//! - `ToUnicode` maps and Type 1 font programs nesting deeper than [`MAX_NESTING`] are
//!   emptied: the parsers `pdf-extract` feeds them to recurse once per level.
//! - Before any page is read (`pages`), the content each will make `pdf-extract` parse
//!   is added up: its content streams and the content of every form XObject it draws, each
//!   time listed or drawn (one small stream can be listed 20,000 times, or drawn 100,000
//!   times). Past [`MAX_PAGE_CONTENT_BYTES`] for the page, or [`MAX_CONTENT_BYTES`] for
//!   all pages, the file is over budget. A form drawing itself, a chain deeper than
//!   [`MAX_FORM_DEPTH`] or more than [`MAX_FORM_DRAWS`] form draws skips the page
//!   (recursion there would overflow the stack, which no `catch_unwind` can catch); so
//!   does a loop in its page tree's `Parent` chain.
//! - The text is counted as `pdf-extract` writes it (`output`): past the cap given to
//!   [`Extractor::extract_capped`] ([`DEFAULT_MAX_TEXT_BYTES`] for
//!   [`Extractor::extract`]) it stops at once and the file is over budget.
//! - Each page is read under `catch_unwind`: a page on which `pdf-extract` panics keeps
//!   the text written before the panic and the other pages are still read. When no page
//!   at all can be read, the file is malformed.
//!
//! Not bounded here: memory and time inside `lopdf`'s parser and `pdf-extract`'s font
//! handling (e.g. a `ToUnicode` range of four-byte codes), and inside encrypted PDFs
//! object streams: the extraction worker's limits hold for those.

mod output;
mod pages;
mod streams;
pub mod typeset;
mod xref;

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pdf_extract::{decode_text_string, output_doc_page, Document, LoadOptions, PlainTextOutput};

use self::output::CappedText;
use self::pages::{Pages, Refusal};
use super::lines::Lines;
use super::{Budget, ExtractError, Extracted, Extractor, DEFAULT_MAX_TEXT_BYTES};

/// Most bytes one compressed stream may inflate to: 64 MiB.
pub const MAX_STREAM_BYTES: u64 = 64 * 1024 * 1024;
/// Most bytes all the compressed streams of one PDF may inflate to: 256 MiB.
pub const MAX_TOTAL_STREAM_BYTES: u64 = 256 * 1024 * 1024;
/// Deepest chain of form XObjects drawing one another on a page.
pub const MAX_FORM_DEPTH: usize = 32;
/// Most form XObjects drawn on one page (counting repeats).
pub const MAX_FORM_DRAWS: usize = 100_000;
/// Most content bytes one page may make `pdf-extract` parse (its streams and the forms
/// it draws, counting repeats): 64 MiB, a heavy vector map. The reader holds a page's
/// parsed operations at once, several times their size.
pub const MAX_PAGE_CONTENT_BYTES: u64 = 64 * 1024 * 1024;
/// Most content bytes all the pages of one PDF may make `pdf-extract` parse: 512 MiB,
/// thousands of pages of dense text or drawings.
pub const MAX_CONTENT_BYTES: u64 = 512 * 1024 * 1024;
/// Deepest nesting of arrays, procedures and strings accepted in a `ToUnicode` map or a
/// Type 1 font program: the parsers `pdf-extract` uses on them recurse on each level.
pub const MAX_NESTING: usize = 64;

/// Extractor for PDF documents (`pdf`).
///
/// ```
/// use cerca_core::read::{Extractor, PdfExtractor};
///
/// let error = PdfExtractor.extract(b"%PDF-1.4\nnot really").unwrap_err();
/// assert!(error.to_string().starts_with("malformed pdf content"));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct PdfExtractor;

impl Extractor for PdfExtractor {
    fn extensions(&self) -> &'static [&'static str] {
        &["pdf"]
    }

    fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
        self.extract_capped(bytes, DEFAULT_MAX_TEXT_BYTES)
    }

    fn extract_capped(&self, bytes: &[u8], max_text_bytes: u64) -> Result<Extracted, ExtractError> {
        let mut doc = load(bytes)?;
        if doc.is_encrypted() && doc.decrypt("").is_err() {
            return Err(unreadable("encrypted, a password is needed".to_string()));
        }
        let (title, date) = metadata(&doc);
        let sizes = streams::sanitize_streams(&mut doc).map_err(unreadable)?;
        let body = typeset::normalize(&text(&doc, &sizes, max_text_bytes)?);
        Ok(Extracted { title, body, date })
    }

    fn accepts_binary(&self) -> bool {
        true
    }
}

fn malformed(reason: String) -> ExtractError {
    ExtractError::Malformed {
        format: "pdf",
        reason,
    }
}

fn unreadable(reason: String) -> ExtractError {
    ExtractError::Unreadable {
        format: "pdf",
        reason,
    }
}

// ------------------------------------------------------------------------ loading

/// Loads the document, with cross-reference streams measured before and object streams
/// while `lopdf` decodes them.
fn load(bytes: &[u8]) -> Result<Document, ExtractError> {
    xref::check_xref_streams(bytes).map_err(unreadable)?;
    let options = LoadOptions {
        filter: Some(streams::load_filter),
        ..LoadOptions::default()
    };
    let loaded = streams::guarded_load(|| Document::load_mem_with_options(bytes, options))
        .map_err(unreadable)?;
    loaded.map_err(|e| match e {
        pdf_extract::Error::Decryption(e) => unreadable(format!("encrypted: {e}")),
        e => malformed(e.to_string()),
    })
}

// ----------------------------------------------------------------------- metadata

/// Title and date from the Info dictionary.
fn metadata(doc: &Document) -> (Option<String>, Option<time::Date>) {
    let Some(info) = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|info| doc.dereference(info).ok())
        .and_then(|(_, info)| info.as_dict().ok())
    else {
        return (None, None);
    };
    let get = |key: &[u8]| {
        info.get(key)
            .ok()
            .and_then(|o| doc.dereference(o).ok())
            .map(|(_, o)| o)
    };
    // dvips gives the DVI file's name as the title: no title at all.
    let title = get(b"Title")
        .and_then(|o| decode_text_string(o).ok())
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty() && !t.to_ascii_lowercase().ends_with(".dvi"));
    let date = [b"CreationDate".as_slice(), b"ModDate"]
        .into_iter()
        .find_map(|key| get(key).and_then(|o| o.as_str().ok()).and_then(pdf_date));
    (title, date)
}

/// The day of a PDF date string: `D:YYYYMMDD…` (the `D:` is optional, as in practice).
fn pdf_date(s: &[u8]) -> Option<time::Date> {
    let s = s.strip_prefix(b"D:").unwrap_or(s);
    let digits = s.get(..8)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| {
        digits[r]
            .iter()
            .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
    };
    let month = time::Month::try_from(u8::try_from(n(4..6)).ok()?).ok()?;
    let day = u8::try_from(n(6..8)).ok()?;
    time::Date::from_calendar_date(i32::try_from(n(0..4)).ok()?, month, day).ok()
}

// --------------------------------------------------------------------------- text

/// The text of every page that can be read (see the module doc), within the text cap.
fn text(
    doc: &Document,
    sizes: &streams::Sizes,
    max_text_bytes: u64,
) -> Result<String, ExtractError> {
    let mut body = Lines::default();
    let mut pages = Pages::new(doc, sizes);
    let mut text = CappedText::new(max_text_bytes);
    let mut failures = 0usize;
    let mut first_failure = None;
    let numbers = doc.get_pages();
    // Every page is checked first: a file over budget fails before any parsing.
    let mut skipped = HashMap::new();
    for (&number, &page_id) in &numbers {
        match pages.check(number, page_id) {
            Ok(()) => {}
            Err(Refusal::Skip(reason)) => {
                skipped.insert(number, reason);
            }
            Err(Refusal::OverBudget(reason)) => {
                return Err(ExtractError::OverBudget(Budget::Work { reason }))
            }
        }
    }
    drop(pages);
    for &number in numbers.keys() {
        if let Some(reason) = skipped.remove(&number) {
            failures += 1;
            first_failure.get_or_insert(format!("page {number}: {reason}"));
            continue;
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let mut output = PlainTextOutput::new(&mut text);
            output_doc_page(doc, &mut output, number)
        }));
        if text.over() {
            return Err(ExtractError::OverBudget(Budget::Text {
                limit: max_text_bytes,
            }));
        }
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                failures += 1;
                first_failure.get_or_insert(format!("page {number}: {e}"));
            }
            Err(panic) => {
                failures += 1;
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                first_failure
                    .get_or_insert(format!("page {number}: the PDF reader panicked: {message}"));
            }
        }
        body.append(&text.take_page());
    }
    if failures > 0 && failures == numbers.len() && body.is_empty() {
        return Err(malformed(format!(
            "no page could be read ({})",
            first_failure.unwrap_or_default()
        )));
    }
    Ok(body.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = |s: &[u8]| pdf_date(s).map(|d| d.to_string());
        assert_eq!(d(b"D:20250915103000+02'00'").as_deref(), Some("2025-09-15"));
        assert_eq!(d(b"20240229").as_deref(), Some("2024-02-29"));
        assert_eq!(d(b"D:20250230"), None);
        assert_eq!(d(b"D:2025"), None);
        assert_eq!(d(b"D:2025091x"), None);
    }

    #[test]
    fn garbage_and_truncation() {
        for bad in [
            &b""[..],
            b"%PDF-1.7",
            b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog",
            b"\x00\x01\x02garbage",
        ] {
            let got = PdfExtractor.extract(bad);
            assert!(
                matches!(&got, Err(ExtractError::Malformed { format: "pdf", .. })),
                "{bad:?}: {got:?}"
            );
        }
    }
}

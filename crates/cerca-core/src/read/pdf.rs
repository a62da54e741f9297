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
//! - Flate streams are measured with a bounded inflate before anything decompresses them:
//!   object streams while `lopdf` loads (through its load filter), every other stream
//!   after; one expanding past [`MAX_STREAM_BYTES`], or all together past
//!   [`MAX_TOTAL_STREAM_BYTES`], makes the file unreadable (a decompression bomb).
//! - Images and embedded files are emptied before the text is read: `pdf-extract`
//!   would decompress an image drawn with `Do` and parse it as content.
//! - `ToUnicode` maps and Type 1 font programs nesting deeper than [`MAX_NESTING`] are
//!   emptied: the parsers `pdf-extract` feeds them to recurse once per level.
//! - Before a page is read, the form XObjects it draws are followed (as `pdf-extract`
//!   will, recursively): a form drawing itself, a chain deeper than [`MAX_FORM_DEPTH`] or
//!   more than [`MAX_FORM_DRAWS`] form draws skips the page (recursion there would
//!   overflow the stack, which no `catch_unwind` can catch); so does a loop in its
//!   page tree's `Parent` chain.
//! - Each page is read under `catch_unwind`: a page on which `pdf-extract` panics keeps
//!   the text written before the panic and the other pages are still read. When no page
//!   at all can be read, the file is malformed.
//!
//! Not bounded: cross-reference streams (inflated by `lopdf` before any hook) and LZW or
//! run-length streams; and inside encrypted PDFs, object streams.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};

use pdf_extract::content::Content;
use pdf_extract::{
    decode_text_string, output_doc_page, Dictionary, Document, LoadOptions, Object, ObjectId,
    PlainTextOutput, Stream,
};

use super::lines::Lines;
use super::{ExtractError, Extracted, Extractor};

/// Most bytes one compressed stream may inflate to: 64 MiB.
pub const MAX_STREAM_BYTES: u64 = 64 * 1024 * 1024;
/// Most bytes all the compressed streams of one PDF may inflate to: 256 MiB.
pub const MAX_TOTAL_STREAM_BYTES: u64 = 256 * 1024 * 1024;
/// Deepest chain of form XObjects drawing one another on a page.
pub const MAX_FORM_DEPTH: usize = 32;
/// Most form XObjects drawn on one page (counting repeats).
pub const MAX_FORM_DRAWS: usize = 100_000;
/// Longest `Parent` chain from a page to the root of the page tree.
const MAX_PARENT_DEPTH: usize = 256;
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
        let mut doc = load(bytes)?;
        if doc.is_encrypted() && doc.decrypt("").is_err() {
            return Err(unreadable("encrypted, a password is needed".to_string()));
        }
        let (title, date) = metadata(&doc);
        sanitize_streams(&mut doc)?;
        let body = text(&doc)?;
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

/// What the load filter found: the inflate budget left and the first refusal.
struct LoadGuard {
    budget: u64,
    refused: Option<String>,
}

thread_local! {
    /// Set around [`load`] on the loading thread (lopdf loads on the calling thread: its
    /// `rayon` feature is off). Elsewhere, `None`: the filter does nothing.
    static LOAD_GUARD: RefCell<Option<LoadGuard>> = const { RefCell::new(None) };
}

/// Loads the document, with object streams measured before `lopdf` inflates them.
fn load(bytes: &[u8]) -> Result<Document, ExtractError> {
    LOAD_GUARD.with(|guard| {
        *guard.borrow_mut() = Some(LoadGuard {
            budget: MAX_TOTAL_STREAM_BYTES,
            refused: None,
        })
    });
    let options = LoadOptions {
        filter: Some(load_filter),
        ..LoadOptions::default()
    };
    let loaded = Document::load_mem_with_options(bytes, options);
    let guard = LOAD_GUARD.with(|guard| guard.borrow_mut().take());
    if let Some(reason) = guard.and_then(|g| g.refused) {
        return Err(unreadable(reason));
    }
    loaded.map_err(|e| match e {
        pdf_extract::Error::Decryption(e) => unreadable(format!("encrypted: {e}")),
        e => malformed(e.to_string()),
    })
}

/// `lopdf`'s load filter: an object stream that would inflate past the limits is
/// replaced by an empty one (and the refusal noted) before `lopdf` inflates it.
fn load_filter(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    if let Object::Stream(stream) = object {
        if stream.dict.has_type(b"ObjStm") {
            LOAD_GUARD.with(|guard| {
                if let Some(guard) = guard.borrow_mut().as_mut() {
                    if let Err(reason) = charge(stream, id, &mut guard.budget) {
                        guard.refused.get_or_insert(reason);
                        stream.dict.remove(b"Filter");
                        stream.content = b" ".to_vec();
                    }
                }
            });
        }
    }
    // lopdf keeps the object it passed by reference (and uses the returned copy only
    // for objects inside object streams, which are never streams themselves).
    Some((id, object.clone()))
}

/// Measures what a stream inflates to and takes it from `budget`; an error when the
/// stream alone passes [`MAX_STREAM_BYTES`] or the budget runs out.
fn charge(stream: &Stream, id: ObjectId, budget: &mut u64) -> Result<(), String> {
    let first_filter = stream.filters().ok().and_then(|f| f.first().copied());
    if !matches!(first_filter, Some(b"FlateDecode" | b"Fl")) {
        return Ok(());
    }
    let limit = MAX_STREAM_BYTES.min(*budget);
    let size = inflated_size(&stream.content, limit);
    if size > limit {
        return Err(format!(
            "stream {} {} inflates to more than {limit} bytes (limits: {MAX_STREAM_BYTES} per \
             stream, {MAX_TOTAL_STREAM_BYTES} per file): a decompression bomb?",
            id.0, id.1
        ));
    }
    *budget -= size;
    Ok(())
}

/// How many bytes zlib data inflates to, counting at most `limit + 1` (memory: one
/// buffer). Like `lopdf`, a failed zlib start is retried as raw deflate after 2 bytes.
fn inflated_size(data: &[u8], limit: u64) -> u64 {
    fn count(reader: impl Read, limit: u64) -> u64 {
        let mut reader = reader.take(limit + 1);
        let mut buffer = vec![0u8; 64 * 1024];
        let mut total = 0u64;
        while let Ok(n) = reader.read(&mut buffer) {
            if n == 0 {
                break;
            }
            total += n as u64;
        }
        total
    }
    let size = count(flate2::read::ZlibDecoder::new(data), limit);
    if size == 0 && data.len() > 2 {
        return count(flate2::read::DeflateDecoder::new(&data[2..]), limit);
    }
    size
}

/// Empties image and embedded-file streams, measures every other flate stream, then
/// empties the font programs and `ToUnicode` maps that nest too deep (see
/// [`MAX_NESTING`]).
fn sanitize_streams(doc: &mut Document) -> Result<(), ExtractError> {
    let mut budget = MAX_TOTAL_STREAM_BYTES;
    let mut parsed_by_pdf_extract: Vec<(ObjectId, bool)> = Vec::new();
    for (id, object) in doc.objects.iter_mut() {
        let dict = match object {
            Object::Dictionary(dict) => dict,
            Object::Stream(stream) => &stream.dict,
            _ => continue,
        };
        for (key, is_font_program) in [(b"ToUnicode".as_slice(), false), (b"FontFile", true)] {
            if let Ok(Object::Reference(target)) = dict.get(key) {
                parsed_by_pdf_extract.push((*target, is_font_program));
            }
        }
        let Object::Stream(stream) = object else {
            continue;
        };
        let dict = &stream.dict;
        let is_image = dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|s| s == b"Image");
        if is_image || dict.has_type(b"EmbeddedFile") || dict.has_type(b"Metadata") {
            empty(stream);
            continue;
        }
        charge(stream, *id, &mut budget).map_err(unreadable)?;
    }
    for (id, is_font_program) in parsed_by_pdf_extract {
        if let Some(Object::Stream(stream)) = doc.objects.get_mut(&id) {
            let data = if stream.filters().is_ok() {
                stream.decompressed_content().unwrap_or_default()
            } else {
                std::mem::take(&mut stream.content)
            };
            let mut scanned = data.as_slice();
            if is_font_program {
                // Only the clear-text part of a Type 1 program is PostScript.
                let clear = stream
                    .dict
                    .get(b"Length1")
                    .and_then(Object::as_i64)
                    .ok()
                    .and_then(|n| usize::try_from(n).ok())
                    .unwrap_or(data.len());
                let eexec = data
                    .windows(5)
                    .position(|w| w == b"eexec")
                    .unwrap_or(data.len());
                scanned = &data[..clear.min(eexec).min(data.len())];
            }
            if nesting(scanned) > MAX_NESTING {
                empty(stream);
            } else {
                stream.dict.remove(b"Filter");
                stream.dict.remove(b"DecodeParms");
                stream.content = data;
            }
        }
    }
    Ok(())
}

fn empty(stream: &mut Stream) {
    stream.dict.remove(b"Filter");
    stream.dict.remove(b"DecodeParms");
    stream.content = Vec::new();
}

/// The deepest nesting of `[`, `{` and `(` in PostScript-like data (escapes ignored:
/// an overestimate, which errs on the safe side).
fn nesting(data: &[u8]) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    for &b in data {
        match b {
            b'[' | b'{' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
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
    let title = get(b"Title")
        .and_then(|o| decode_text_string(o).ok())
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
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

/// The text of every page that can be read (see the module doc).
fn text(doc: &Document) -> Result<String, ExtractError> {
    let mut body = Lines::default();
    let mut forms = FormCache::default();
    let mut failures = 0usize;
    let mut first_failure = None;
    let pages = doc.get_pages();
    for (&number, &page_id) in &pages {
        if let Err(reason) = check_page(doc, page_id, &mut forms) {
            failures += 1;
            first_failure.get_or_insert(format!("page {number}: {reason}"));
            continue;
        }
        let mut page = String::new();
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let mut output = PlainTextOutput::new(&mut page);
            output_doc_page(doc, &mut output, number)
        }));
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
        body.append(&page);
    }
    if failures > 0 && failures == pages.len() && body.is_empty() {
        return Err(malformed(format!(
            "no page could be read ({})",
            first_failure.unwrap_or_default()
        )));
    }
    Ok(body.finish())
}

/// The `Do` operands of each form XObject's content, by object id.
#[derive(Default)]
struct FormCache {
    draws: HashMap<ObjectId, Vec<Vec<u8>>>,
}

/// Checks that reading a page cannot recurse without end (see the module doc).
fn check_page(doc: &Document, page_id: ObjectId, forms: &mut FormCache) -> Result<(), String> {
    // The Parent chain (pdf-extract follows it recursively for inherited keys), and the
    // resources it will use.
    let mut resources: Option<&Dictionary> = None;
    let mut seen = HashSet::new();
    let mut dict = doc.get_dictionary(page_id).map_err(|e| e.to_string())?;
    for depth in 0.. {
        if resources.is_none() {
            resources = dict
                .get(b"Resources")
                .ok()
                .and_then(|r| doc.dereference(r).ok())
                .and_then(|(_, r)| r.as_dict().ok());
        }
        let Ok(parent) = dict.get(b"Parent").and_then(Object::as_reference) else {
            break;
        };
        if !seen.insert(parent) || depth >= MAX_PARENT_DEPTH {
            return Err("a loop in the page tree".to_string());
        }
        match doc.get_dictionary(parent) {
            Ok(parent) => dict = parent,
            Err(_) => break,
        }
    }
    let Some(resources) = resources else {
        return Ok(());
    };
    let content = doc.get_page_content(page_id).map_err(|e| e.to_string())?;
    let names = draw_names(&content);
    let mut chain = Vec::new();
    let mut draws = 0usize;
    check_draws(doc, &names, resources, &mut chain, &mut draws, forms)
}

/// Follows the forms drawn by `names` with `resources`, as `pdf-extract` will.
fn check_draws(
    doc: &Document,
    names: &[Vec<u8>],
    resources: &Dictionary,
    chain: &mut Vec<ObjectId>,
    draws: &mut usize,
    forms: &mut FormCache,
) -> Result<(), String> {
    let Some(xobjects) = resources
        .get(b"XObject")
        .ok()
        .and_then(|x| doc.dereference(x).ok())
        .and_then(|(_, x)| x.as_dict().ok())
    else {
        return Ok(());
    };
    for name in names {
        let Ok(Object::Reference(id)) = xobjects.get(name) else {
            continue; // a direct stream cannot refer to itself
        };
        let Ok(Object::Stream(form)) = doc.get_object(*id) else {
            continue;
        };
        if chain.contains(id) {
            return Err(format!("form XObject {} {} draws itself", id.0, id.1));
        }
        if chain.len() >= MAX_FORM_DEPTH {
            return Err(format!("form XObjects nested deeper than {MAX_FORM_DEPTH}"));
        }
        *draws += 1;
        if *draws > MAX_FORM_DRAWS {
            return Err(format!("more than {MAX_FORM_DRAWS} form XObjects drawn"));
        }
        let inner = forms
            .draws
            .entry(*id)
            .or_insert_with(|| {
                let content = if form.filters().is_ok() {
                    form.decompressed_content()
                        .unwrap_or_else(|_| form.content.clone())
                } else {
                    form.content.clone()
                };
                draw_names(&content)
            })
            .clone();
        let form_resources = form
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|r| doc.dereference(r).ok())
            .and_then(|(_, r)| r.as_dict().ok())
            .unwrap_or(resources);
        chain.push(*id);
        check_draws(doc, &inner, form_resources, chain, draws, forms)?;
        chain.pop();
    }
    Ok(())
}

/// The names drawn with `Do` in a content stream (none if it does not parse).
fn draw_names(content: &[u8]) -> Vec<Vec<u8>> {
    let Ok(content) = Content::decode(content) else {
        return Vec::new();
    };
    content
        .operations
        .iter()
        .filter(|op| op.operator == "Do")
        .filter_map(|op| op.operands.first()?.as_name().ok().map(<[u8]>::to_vec))
        .collect()
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
    fn bounded_inflate() {
        use flate2::write::ZlibEncoder;
        use std::io::Write;
        let mut encoder = ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..8 {
            assert!(encoder.write_all(&zeros).is_ok());
        }
        let data = encoder.finish().unwrap_or_default();
        assert_eq!(inflated_size(&data, u64::MAX - 1), 8 << 20);
        assert_eq!(inflated_size(&data, 1000), 1001);
        assert_eq!(inflated_size(b"not zlib", 1000), 0);
    }

    #[test]
    fn nesting_depth() {
        assert_eq!(nesting(b"<< /A [1 [2 (a(b)c)] {x}] >>"), 4);
        assert_eq!(nesting(b"]]]) [ ( "), 2);
        assert_eq!(nesting(&[b'['; 100_000]), 100_000);
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

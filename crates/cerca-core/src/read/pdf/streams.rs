//! Streams measured before anything decodes them: every filter chain `lopdf` can decode
//! (Flate, LZW, ASCII85, in any order) is run with a bounded output first, so that a
//! decompression bomb is refused instead of inflated; then the streams `pdf-extract`
//! should not read are emptied.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Read;

use pdf_extract::{Dictionary, Document, Object, ObjectId, Stream};

use super::{MAX_NESTING, MAX_STREAM_BYTES, MAX_TOTAL_STREAM_BYTES};
use crate::read::bytes as human_size;

/// The decoded size of each stream left to read, by object id.
pub(super) type Sizes = HashMap<ObjectId, u64>;

/// What the load filter found: the decoding budget left and the first refusal.
pub(super) struct LoadGuard {
    budget: u64,
    refused: Option<String>,
}

thread_local! {
    /// Set around loading on the loading thread (lopdf loads on the calling thread: its
    /// `rayon` feature is off). Elsewhere, `None`: the filter does nothing.
    static LOAD_GUARD: RefCell<Option<LoadGuard>> = const { RefCell::new(None) };
}

/// Runs `load` with object streams measured by [`load_filter`]; the first refusal, if
/// any, as an error.
pub(super) fn guarded_load<T>(load: impl FnOnce() -> T) -> Result<T, String> {
    LOAD_GUARD.with(|guard| {
        *guard.borrow_mut() = Some(LoadGuard {
            budget: MAX_TOTAL_STREAM_BYTES,
            refused: None,
        })
    });
    let loaded = load();
    let guard = LOAD_GUARD.with(|guard| guard.borrow_mut().take());
    match guard.and_then(|g| g.refused) {
        Some(reason) => Err(reason),
        None => Ok(loaded),
    }
}

/// `lopdf`'s load filter: an object stream that would decode past the limits is
/// replaced by an empty one (and the refusal noted) before `lopdf` decodes it.
pub(super) fn load_filter(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
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

/// Measures what a stream decodes to and takes it from `budget` when it is encoded: its
/// decoded size, or an error when the stream alone passes [`MAX_STREAM_BYTES`] or the
/// budget runs out.
pub(super) fn charge(stream: &Stream, id: ObjectId, budget: &mut u64) -> Result<u64, String> {
    let limit = MAX_STREAM_BYTES.min(*budget);
    let size = decoded_size(
        &stream.content,
        &filters(stream),
        params(&stream.dict),
        limit,
    );
    if size > limit {
        return Err(format!(
            "stream {} {} decodes to more than {} (limits: {} per stream, {} per file): a \
             decompression bomb?",
            id.0,
            id.1,
            human_size(limit),
            human_size(MAX_STREAM_BYTES),
            human_size(MAX_TOTAL_STREAM_BYTES)
        ));
    }
    if stream.dict.get(b"Filter").is_ok() {
        *budget -= size;
    }
    Ok(size)
}

/// The filters of a stream, in decoding order (none when `/Filter` is not a name or an
/// array of names: `lopdf` does not decode those either).
pub(super) fn filters(stream: &Stream) -> Vec<&[u8]> {
    stream.filters().unwrap_or_default()
}

/// The `/DecodeParms` dictionary (`lopdf` applies one to every filter of the chain).
fn params(dict: &Dictionary) -> Option<&Dictionary> {
    dict.get(b"DecodeParms").and_then(Object::as_dict).ok()
}

/// How many bytes `data` decodes to through `filters`, counting at most `limit + 1`
/// (memory: the intermediate stages of a chain, each at most `limit + 1` bytes). A
/// filter `lopdf` cannot decode ends the chain: it will not decode further either.
pub(super) fn decoded_size(
    data: &[u8],
    filters: &[&[u8]],
    params: Option<&Dictionary>,
    limit: u64,
) -> u64 {
    let mut data = Cow::Borrowed(data);
    for (i, filter) in filters.iter().enumerate() {
        let last = i + 1 == filters.len();
        let mut sink = Sink::new(limit, !last);
        match *filter {
            b"FlateDecode" | b"Fl" => inflate(&data, &mut sink),
            b"LZWDecode" | b"LZW" => unlzw(&data, early_change(params), &mut sink),
            b"ASCII85Decode" | b"A85" => ascii85(&data, &mut sink),
            _ => return data.len() as u64,
        }
        if last || sink.total > limit {
            return sink.total;
        }
        data = Cow::Owned(sink.kept);
    }
    data.len() as u64
}

/// Where a decoder writes: counts, keeps the bytes when a next stage needs them, and
/// says stop past the limit.
struct Sink {
    limit: u64,
    total: u64,
    keep: bool,
    kept: Vec<u8>,
}

impl Sink {
    fn new(limit: u64, keep: bool) -> Self {
        Sink {
            limit,
            total: 0,
            keep,
            kept: Vec::new(),
        }
    }

    /// Takes decoded bytes; `false` once past the limit (the decoder stops).
    fn put(&mut self, bytes: &[u8]) -> bool {
        self.total += bytes.len() as u64;
        if self.keep && self.total <= self.limit {
            self.kept.extend_from_slice(bytes);
        }
        self.total <= self.limit
    }
}

/// zlib data, bounded. Like `lopdf`, a failed zlib start is retried as raw deflate after
/// 2 bytes.
fn inflate(data: &[u8], sink: &mut Sink) {
    fn run(mut reader: impl Read, sink: &mut Sink) {
        let mut buffer = vec![0u8; 64 * 1024];
        while let Ok(n) = reader.read(&mut buffer) {
            if n == 0 || !sink.put(&buffer[..n]) {
                break;
            }
        }
    }
    run(flate2::read::ZlibDecoder::new(data), sink);
    if sink.total == 0 && data.len() > 2 {
        run(flate2::read::DeflateDecoder::new(&data[2..]), sink);
    }
}

/// `/EarlyChange` of the LZW parameters: 1 unless set to 0.
fn early_change(params: Option<&Dictionary>) -> bool {
    params
        .and_then(|p| p.get(b"EarlyChange").ok())
        .and_then(|p| p.as_i64().ok())
        .is_none_or(|v| v != 0)
}

/// LZW data, bounded, with the decoder `lopdf` uses, set up as it does.
fn unlzw(data: &[u8], early_change: bool, sink: &mut Sink) {
    use weezl::{decode::Decoder, BitOrder, LzwStatus};
    let mut decoder = if early_change {
        Decoder::with_tiff_size_switch(BitOrder::Msb, 8)
    } else {
        Decoder::new(BitOrder::Msb, 8)
    };
    let mut buffer = vec![0u8; 64 * 1024];
    let mut input = data;
    loop {
        let result = decoder.decode_bytes(input, &mut buffer);
        input = input.get(result.consumed_in..).unwrap_or_default();
        if !sink.put(&buffer[..result.consumed_out]) {
            return;
        }
        match result.status {
            Ok(LzwStatus::Ok) if result.consumed_in + result.consumed_out > 0 => {}
            _ => return,
        }
    }
}

/// ASCII85 data, decoded as `lopdf` does (up to `~>`, `z` for four zeros, whitespace
/// skipped, a byte outside the alphabet ends the data).
fn ascii85(data: &[u8], sink: &mut Sink) {
    let data = data.strip_suffix(b"~>").unwrap_or(data);
    let mut group = 0u64;
    let mut count = 0usize;
    for &c in data {
        if c == b'z' && count == 0 {
            if !sink.put(&[0; 4]) {
                return;
            }
            continue;
        }
        if c.is_ascii_whitespace() {
            continue;
        }
        if !(b'!'..=b'u').contains(&c) {
            break;
        }
        group = group * 85 + u64::from(c - b'!');
        count += 1;
        if count == 5 {
            let bytes = (group as u32).to_be_bytes();
            if group > u64::from(u32::MAX) || !sink.put(&bytes) {
                return;
            }
            group = 0;
            count = 0;
        }
    }
    if count > 1 {
        for _ in count..5 {
            group = group * 85 + 84;
        }
        let bytes = (group as u32).to_be_bytes();
        sink.put(&bytes[..count - 1]);
    }
}

/// Empties image and embedded-file streams, measures every other stream (its decoded
/// size, kept in the returned map), then empties the font programs and `ToUnicode` maps
/// that nest too deep (see [`MAX_NESTING`]).
pub(super) fn sanitize_streams(doc: &mut Document) -> Result<Sizes, String> {
    let mut budget = MAX_TOTAL_STREAM_BYTES;
    let mut sizes = Sizes::new();
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
        sizes.insert(*id, charge(stream, *id, &mut budget)?);
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
    Ok(sizes)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn zlib(data: &[u8]) -> Vec<u8> {
        use flate2::write::ZlibEncoder;
        use std::io::Write;
        let mut encoder = ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        assert!(encoder.write_all(data).is_ok());
        encoder.finish().unwrap_or_default()
    }

    fn lzw(data: &[u8]) -> Vec<u8> {
        weezl::encode::Encoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8)
            .encode(data)
            .unwrap_or_default()
    }

    #[test]
    fn bounded_decoding() {
        let zeros = vec![0u8; 8 << 20];
        let flate = zlib(&zeros);
        let fl: &[&[u8]] = &[b"FlateDecode"];
        assert_eq!(decoded_size(&flate, fl, None, u64::MAX - 1), 8 << 20);
        let cut = decoded_size(&flate, fl, None, 1000);
        assert!((1001..=1000 + 64 * 1024).contains(&cut), "{cut}");
        assert_eq!(decoded_size(b"not zlib", fl, None, 1000), 0);

        let text = b"il perche della citta ".repeat(10_000);
        let packed = lzw(&text);
        assert!(packed.len() < text.len() / 4);
        let lz: &[&[u8]] = &[b"LZWDecode"];
        assert_eq!(
            decoded_size(&packed, lz, None, u64::MAX - 1),
            text.len() as u64
        );
        assert!(decoded_size(&packed, lz, None, 1000) <= 1000 + 64 * 1024);

        // A chain: ASCII85 of zlib data; 'z' stands for four zeros.
        let a85: &[&[u8]] = &[b"ASCII85Decode"];
        assert_eq!(decoded_size(b"zz~>", a85, None, 100), 8);
        assert_eq!(decoded_size(b"87cURD]i,\"Ebo80~>", a85, None, 100), 12);
        let chain: &[&[u8]] = &[b"ASCII85Decode", b"FlateDecode"];
        assert_eq!(
            decoded_size(&ascii85_of(&flate), chain, None, 1 << 30),
            8 << 20
        );
        assert!(decoded_size(&ascii85_of(&flate), chain, None, 1000) > 1000);
        // Unknown filters are not decoded by lopdf: their data counts as is.
        assert_eq!(
            decoded_size(&flate, &[b"DCTDecode"], None, 10),
            flate.len() as u64
        );
    }

    fn ascii85_of(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for chunk in data.chunks(4) {
            let mut group = [0u8; 4];
            group[..chunk.len()].copy_from_slice(chunk);
            let mut n = u32::from_be_bytes(group);
            let mut digits = [0u8; 5];
            for d in digits.iter_mut().rev() {
                *d = (n % 85) as u8 + b'!';
                n /= 85;
            }
            out.extend_from_slice(&digits[..chunk.len() + 1]);
        }
        out.extend_from_slice(b"~>");
        out
    }

    #[test]
    fn nesting_depth() {
        assert_eq!(nesting(b"<< /A [1 [2 (a(b)c)] {x}] >>"), 4);
        assert_eq!(nesting(b"]]]) [ ( "), 2);
        assert_eq!(nesting(&[b'['; 100_000]), 100_000);
    }
}

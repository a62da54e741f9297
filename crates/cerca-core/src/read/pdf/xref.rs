//! Cross-reference streams, measured before `lopdf` reads them: it decodes them while it
//! loads, before any hook of ours, so their bytes are found here the way `lopdf` finds
//! them (`startxref`, then each `/Prev` and `/XRefStm` offset) and their data decoded
//! with a bounded output.
//!
//! Best effort: this reads the dictionaries with a few string searches, not a parser
//! (a name written with `#` escapes, a `/Filter` inside a string, can fool it). The
//! worker's memory limit is what holds whatever the file says.

use super::streams::decoded_size;
use super::MAX_STREAM_BYTES;
use crate::read::bytes as human_size;

/// Most cross-reference sections followed from `startxref`.
const MAX_SECTIONS: usize = 256;
/// How far after an object's start its `stream` keyword is looked for.
const DICT_WINDOW: usize = 64 * 1024;

/// An error when a cross-reference stream of `bytes` decodes past [`MAX_STREAM_BYTES`].
pub(super) fn check_xref_streams(bytes: &[u8]) -> Result<(), String> {
    // lopdf reads offsets from the header on.
    let start = find(bytes, b"%PDF-", 0).unwrap_or(0);
    let buffer = &bytes[start..];
    let Some(first) = xref_start(buffer) else {
        return Ok(());
    };
    let mut queue = vec![first];
    let mut seen = Vec::new();
    while let Some(offset) = queue.pop() {
        if seen.contains(&offset) || seen.len() >= MAX_SECTIONS || offset >= buffer.len() {
            continue;
        }
        seen.push(offset);
        let section = &buffer[offset..];
        let dict = if skip_space(section).starts_with(b"xref") {
            // A table: its trailer holds the links.
            match find(section, b"trailer", 0) {
                Some(at) => &section[at..section.len().min(at + DICT_WINDOW)],
                None => continue,
            }
        } else {
            let Some(keyword) = stream_keyword(section) else {
                continue;
            };
            let dict = &section[..keyword];
            let data = stream_data(section, keyword, dict);
            let size = decoded_size(data, &filter_names(dict), None, MAX_STREAM_BYTES);
            if size > MAX_STREAM_BYTES {
                return Err(format!(
                    "the cross-reference stream at byte {} decodes to more than {}: a \
                     decompression bomb?",
                    start + offset,
                    human_size(MAX_STREAM_BYTES)
                ));
            }
            dict
        };
        for key in [&b"/Prev"[..], b"/XRefStm"] {
            if let Some(next) = integer_after(dict, key) {
                queue.push(next);
            }
        }
    }
    Ok(())
}

/// The `startxref` offset, found as `lopdf` finds it: the last `%%EOF` of the last 512
/// bytes, and the last `startxref` of the 25 bytes before it.
fn xref_start(buffer: &[u8]) -> Option<usize> {
    let from = buffer.len().saturating_sub(512);
    let eof = rfind(buffer, b"%%EOF", from).filter(|&at| at > 25)?;
    let keyword = rfind(&buffer[..eof], b"startxref", eof - 25)?;
    let digits = skip_space(&buffer[keyword + b"startxref".len()..]);
    parse_integer(digits)
}

/// Where the `stream` keyword of the object at the start of `section` is (not the one
/// of `endstream`).
fn stream_keyword(section: &[u8]) -> Option<usize> {
    let window = &section[..section.len().min(DICT_WINDOW)];
    let mut from = 0;
    while let Some(at) = find(window, b"stream", from) {
        if !window[..at].ends_with(b"end") {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The data of a stream: after the keyword's end of line, `/Length` bytes when that is
/// a plain number, else up to `endstream`.
fn stream_data<'a>(section: &'a [u8], keyword: usize, dict: &[u8]) -> &'a [u8] {
    let mut begin = keyword + b"stream".len();
    if section.get(begin) == Some(&b'\r') {
        begin += 1;
    }
    if section.get(begin) == Some(&b'\n') {
        begin += 1;
    }
    let rest = section.get(begin..).unwrap_or_default();
    let direct_length = integer_after(dict, b"/Length").filter(|&n| {
        // "/Length 12 0 R" is a reference, not a length.
        let after = find(dict, b"/Length", 0).map_or(&[][..], |at| &dict[at + 7..]);
        !is_reference(after) && n <= rest.len()
    });
    match direct_length {
        Some(n) => &rest[..n],
        None => &rest[..find(rest, b"endstream", 0).unwrap_or(rest.len())],
    }
}

/// The names of `/Filter` in a dictionary's text: one name or an array of names.
fn filter_names(dict: &[u8]) -> Vec<&[u8]> {
    let Some(at) = find(dict, b"/Filter", 0) else {
        return Vec::new();
    };
    let rest = skip_space(&dict[at + b"/Filter".len()..]);
    let (list, single) = match rest.strip_prefix(b"[") {
        Some(inner) => (&inner[..find(inner, b"]", 0).unwrap_or(inner.len())], false),
        None => (rest, true),
    };
    let mut names = Vec::new();
    for token in list.split(|&b| b == b'/').skip(1) {
        let end = token
            .iter()
            .position(|&b| b.is_ascii_whitespace() || b"/[]<>()%".contains(&b))
            .unwrap_or(token.len());
        names.push(&token[..end]);
        if single {
            break;
        }
    }
    names
}

/// The non-negative integer after `key` in `dict` (`/Prev 1234`).
fn integer_after(dict: &[u8], key: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = find(dict, key, from) {
        let rest = &dict[at + key.len()..];
        // `/Prev` must not be the start of a longer name.
        if rest.first().is_some_and(|b| b.is_ascii_whitespace()) {
            return parse_integer(skip_space(rest));
        }
        from = at + 1;
    }
    None
}

/// Whether `text` starts with `N G R` (an indirect reference).
fn is_reference(text: &[u8]) -> bool {
    let mut parts = text
        .split(|b| b.is_ascii_whitespace())
        .filter(|p| !p.is_empty());
    let number = |p: Option<&[u8]>| p.is_some_and(|p| p.iter().all(u8::is_ascii_digit));
    number(parts.next())
        && number(parts.next())
        && parts.next().is_some_and(|p| p.starts_with(b"R"))
}

fn parse_integer(text: &[u8]) -> Option<usize> {
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(&text[..digits]).ok()?.parse().ok()
}

fn skip_space(text: &[u8]) -> &[u8] {
    let n = text.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &text[n..]
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| from + at)
}

fn rfind(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .rposition(|w| w == needle)
        .map(|at| from + at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dictionary_text() {
        let dict = b"1 0 obj << /Type /XRef /Filter [/ASCII85Decode /FlateDecode] /Length 12 0 R /Prev 345 /XRefStm 9 >>";
        assert_eq!(
            filter_names(dict),
            vec![&b"ASCII85Decode"[..], b"FlateDecode"]
        );
        assert_eq!(
            filter_names(b"<< /Filter/FlateDecode/Length 3 >>"),
            vec![&b"FlateDecode"[..]]
        );
        assert_eq!(integer_after(dict, b"/Prev"), Some(345));
        assert_eq!(integer_after(dict, b"/XRefStm"), Some(9));
        assert_eq!(integer_after(b"/Prevx 1 /Prev 2", b"/Prev"), Some(2));
        assert!(is_reference(b" 12 0 R /Prev"));
        assert!(!is_reference(b" 12 /Prev"));
        let section = b"3 0 obj << /Length 5 >> stream\r\nabcdefgh endstream";
        let keyword = stream_keyword(section).unwrap_or(0);
        assert_eq!(stream_data(section, keyword, &section[..keyword]), b"abcde");
        let section = b"3 0 obj << /Length 7 0 R >> stream\nabc\nendstream";
        let keyword = stream_keyword(section).unwrap_or(0);
        assert_eq!(stream_data(section, keyword, &section[..keyword]), b"abc\n");
    }

    #[test]
    fn start_offset() {
        assert_eq!(
            xref_start(b"%PDF-1.5\n...............\nstartxref\n123\n%%EOF\n"),
            Some(123)
        );
        assert_eq!(xref_start(b"%PDF-1.5 no trailer"), None);
    }
}

//! Shared decoding helpers: bytes of unknown encoding to Rust text.
//!
//! Order of decisions in [`decode`]: a byte-order mark (UTF-8, UTF-16 LE/BE) wins and is
//! stripped; else valid UTF-8 is taken as is; else the encoding is guessed by `chardetng`
//! (no TLD hint, UTF-8 excluded since it was already ruled out) and decoded by
//! `encoding_rs` (malformed sequences become U+FFFD, never an error). Line ends are
//! normalized: `\r\n` and lone `\r` become `\n`.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// How many leading bytes [`looks_binary`] inspects.
pub const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// Decodes bytes of unknown encoding to text (see the module doc); never fails.
///
/// ```
/// use cerca_core::read::decode::decode;
///
/// assert_eq!(decode(b"\xEF\xBB\xBFciao\r\n"), "ciao\n");
/// assert_eq!(decode(b"Il perch\xE9 della citt\xE0"), "Il perché della città");
/// assert_eq!(decode(b"\xFF\xFEc\x00i\x00a\x00o\x00"), "ciao");
/// ```
pub fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_as(bytes.get(bom_len..).unwrap_or_default(), encoding);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => normalize_newlines(Cow::Borrowed(text)),
        Err(_) => decode_as(bytes, detect(bytes)),
    }
}

/// Decodes bytes known to be in `encoding` (no BOM handling: strip it first), with
/// malformed sequences replaced by U+FFFD and line ends normalized to `\n`.
///
/// ```
/// use cerca_core::read::decode::decode_as;
///
/// assert_eq!(decode_as(b"l\x92altro", encoding_rs::WINDOWS_1252), "l\u{2019}altro");
/// ```
pub fn decode_as(bytes: &[u8], encoding: &'static Encoding) -> String {
    let (text, _had_errors) = encoding.decode_without_bom_handling(bytes);
    normalize_newlines(text)
}

/// The encoding announced by a byte-order mark, with the mark's length.
///
/// ```
/// use cerca_core::read::decode::bom;
///
/// assert_eq!(bom(b"\xFE\xFF\x00a"), Some((encoding_rs::UTF_16BE, 2)));
/// assert_eq!(bom(b"abc"), None);
/// ```
pub fn bom(bytes: &[u8]) -> Option<(&'static Encoding, usize)> {
    Encoding::for_bom(bytes)
}

/// Guesses the encoding of bytes that are not valid UTF-8 (the legacy encoding a
/// Western European text most likely uses, usually windows-1252 for Italian).
pub fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// Whether bytes look binary: a NUL byte among the first [`BINARY_SNIFF_LEN`] bytes,
/// except for UTF-16 text with a byte-order mark (where NULs are normal).
///
/// ```
/// use cerca_core::read::decode::looks_binary;
///
/// assert!(looks_binary(b"PK\x03\x04\x00\x00"));
/// assert!(!looks_binary(b"\xFF\xFEa\x00"));
/// assert!(!looks_binary(b""));
/// ```
pub fn looks_binary(bytes: &[u8]) -> bool {
    if matches!(bom(bytes), Some((enc, _)) if enc == UTF_16LE || enc == UTF_16BE) {
        return false;
    }
    let head = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    head.contains(&0)
}

/// Whether the encoding is UTF-8 (handy for callers checking declared charsets).
pub fn is_utf8(encoding: &'static Encoding) -> bool {
    encoding == UTF_8
}

/// Replaces `\r\n` and lone `\r` by `\n`, borrowing when there is nothing to do.
fn normalize_newlines(text: Cow<'_, str>) -> String {
    if !text.contains('\r') {
        return text.into_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_plain_and_with_bom() {
        assert_eq!(decode("perché città".as_bytes()), "perché città");
        assert_eq!(decode(b"\xEF\xBB\xBFperch\xC3\xA9"), "perché");
        assert_eq!(decode(b"\xEF\xBB\xBF"), "");
        assert_eq!(decode(b""), "");
    }

    #[test]
    fn utf16_with_bom() {
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("città\r\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("città".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode(&le), "città\n");
        assert_eq!(decode(&be), "città");
        assert!(!looks_binary(&le));
        assert!(!looks_binary(&be));
        // An odd trailing byte is replaced, not a panic.
        assert_eq!(decode(&[0xFF, 0xFE, b'a', 0, b'b']), "a\u{FFFD}");
    }

    #[test]
    fn latin1_and_windows_1252() {
        assert_eq!(decode(b"perch\xE9"), "perché");
        assert_eq!(decode(b"citt\xE0"), "città");
        assert_eq!(
            decode(b"Il perch\xE9 della citt\xE0 \xE8 chiaro"),
            "Il perché della città è chiaro"
        );
        assert_eq!(
            decode(b"l\x92altro \x93 virgolette \x94"),
            "l’altro “ virgolette ”"
        );
    }

    #[test]
    fn newlines() {
        assert_eq!(decode(b"a\r\nb\rc\n\r\n"), "a\nb\nc\n\n");
        assert_eq!(decode(b"\r"), "\n");
    }

    #[test]
    fn binary_sniffing() {
        assert!(looks_binary(b"abc\0def"));
        let mut late = vec![b'a'; BINARY_SNIFF_LEN];
        late.push(0);
        assert!(!looks_binary(&late));
        assert!(!looks_binary("perché".as_bytes()));
    }
}

//! A cap on the attributes of one tag, applied to the text before `html5ever` sees it.
//!
//! `html5ever`'s tokenizer checks each new attribute of a tag against all the previous
//! ones for duplicates (`Tokenizer::finish_attribute`): a tag with n attributes costs
//! n²/2 comparisons, and a page with one tag of 300,000 attributes takes minutes. This
//! pass walks the text as the tokenizer will (tags, quoted values, comments, the
//! raw-text elements our sink asks for) and drops the attributes of a tag past
//! [`MAX_ATTRIBUTES`], so that the tokenizer's work is at most [`MAX_ATTRIBUTES`]
//! comparisons per attribute: linear in the page. Pages without such a tag (all real
//! ones) come back borrowed, unchanged.

use std::borrow::Cow;

/// Most attributes kept on one tag (start or end tag); real tags have a few dozen at
/// most, and the ones the extractor reads (`charset`, `content`, `datetime`…) come first.
pub const MAX_ATTRIBUTES: usize = 256;

/// Elements whose content the tokenizer reads as raw text (our sink switches it to
/// raw data for them, see `State::start_tag`): no tag inside.
const RAW_TEXT: [&[u8]; 9] = [
    b"script",
    b"style",
    b"noscript",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"textarea",
    b"title",
];

/// `html` without the attributes past [`MAX_ATTRIBUTES`] of any tag.
pub(super) fn limit_attributes(html: &str) -> Cow<'_, str> {
    let b = html.as_bytes();
    let mut kept = String::new();
    // Bytes of `html` up to which `kept` holds the text (0 and `kept` empty: borrowed).
    let mut copied = 0;
    let mut svg_depth = 0usize;
    let mut i = 0;
    while let Some(lt) = find_byte(b, b'<', i) {
        let next = b.get(lt + 1).copied().unwrap_or(0);
        if b[lt + 1..].starts_with(b"!--") {
            i = find(b, b"-->", lt + 4).map_or(b.len(), |end| end + 3);
            continue;
        }
        if next == b'!' || next == b'?' {
            i = find_byte(b, b'>', lt).map_or(b.len(), |end| end + 1);
            continue;
        }
        let end_tag = next == b'/';
        let name_start = if end_tag { lt + 2 } else { lt + 1 };
        if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = lt + 1;
            continue;
        }
        let name_end = scan(b, name_start, |c| !is_space(c) && c != b'/' && c != b'>');
        let tag = read_attributes(b, name_end);
        if let Some(cut) = tag.cut {
            kept.push_str(&html[copied..cut]);
            // Keep the `/` of a self-closing tag: it matters for `<svg … />`.
            let slash = tag.self_closing && b[tag.close - 1] == b'/';
            copied = if slash { tag.close - 1 } else { tag.close };
        }
        i = tag.end;
        let name = &b[name_start..name_end];
        if name.eq_ignore_ascii_case(b"svg") {
            if end_tag {
                svg_depth = svg_depth.saturating_sub(1);
            } else if !tag.self_closing {
                svg_depth += 1;
            }
            continue;
        }
        if end_tag {
            continue;
        }
        if name.eq_ignore_ascii_case(b"plaintext") {
            break; // the rest is text
        }
        let raw = RAW_TEXT.iter().any(|r| name.eq_ignore_ascii_case(r))
            && !(svg_depth > 0 && name.eq_ignore_ascii_case(b"title"));
        if raw {
            i = find_end_tag(b, i, name).unwrap_or(b.len());
        }
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    kept.push_str(&html[copied..]);
    Cow::Owned(kept)
}

/// Where a tag's parts are, from the end of its name.
struct TagSpan {
    /// Just after the tag (after its `>`, or the end of the text).
    end: usize,
    /// Where its `>` is (the end of the text if it has none).
    close: usize,
    /// Where its first attribute past the limit starts, if it has too many.
    cut: Option<usize>,
    self_closing: bool,
}

/// Steps over a tag's attributes as the tokenizer does (names end at whitespace, `/`,
/// `>` or `=`; values are quoted, or end at whitespace or `>`).
fn read_attributes(b: &[u8], mut p: usize) -> TagSpan {
    let mut count = 0usize;
    let mut cut = None;
    let mut self_closing = false;
    loop {
        while p < b.len() && (is_space(b[p]) || b[p] == b'/') {
            self_closing = b[p] == b'/';
            p += 1;
        }
        if p >= b.len() {
            return TagSpan {
                end: b.len(),
                close: b.len(),
                cut,
                self_closing: false,
            };
        }
        if b[p] == b'>' {
            return TagSpan {
                end: p + 1,
                close: p,
                cut,
                self_closing,
            };
        }
        self_closing = false;
        count += 1;
        if count == MAX_ATTRIBUTES + 1 {
            cut = Some(p);
        }
        // The name: its first character may be `=` (a parse error the tokenizer keeps).
        p = scan(b, p + 1, |c| {
            !is_space(c) && c != b'/' && c != b'>' && c != b'='
        });
        let after_name = scan(b, p, is_space);
        if b.get(after_name) != Some(&b'=') {
            continue;
        }
        let value = scan(b, after_name + 1, is_space);
        p = match b.get(value) {
            Some(&quote @ (b'"' | b'\'')) => {
                find_byte(b, quote, value + 1).map_or(b.len(), |q| q + 1)
            }
            _ => scan(b, value, |c| !is_space(c) && c != b'>'),
        };
    }
}

/// The start of the end tag `</name` (any case, then whitespace, `/` or `>`) from `from`.
fn find_end_tag(b: &[u8], mut from: usize, name: &[u8]) -> Option<usize> {
    while let Some(at) = find(b, b"</", from) {
        let candidate = b.get(at + 2..at + 2 + name.len())?;
        let after = b.get(at + 2 + name.len()).copied();
        if candidate.eq_ignore_ascii_case(name)
            && after.is_none_or(|c| is_space(c) || c == b'/' || c == b'>')
        {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

/// The HTML whitespace characters (tab, LF, FF, CR, space).
fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// The first position from `from` where `keep` is false.
fn scan(b: &[u8], from: usize, keep: impl Fn(u8) -> bool) -> usize {
    let from = from.min(b.len());
    b[from..]
        .iter()
        .position(|&c| !keep(c))
        .map_or(b.len(), |n| from + n)
}

fn find_byte(b: &[u8], byte: u8, from: usize) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&c| c == byte)
        .map(|n| from + n)
}

fn find(b: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|n| from + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(n: usize) -> String {
        (0..n).map(|i| format!(" a{i}=\"{i}\"")).collect()
    }

    #[test]
    fn real_pages_are_borrowed() {
        for page in [
            "<p class=x id='y' data-a=\"1>2\">testo</p>",
            "<script>if (a<b) { x(\"<p q w e>\") }</script><!-- <p --><p>x",
            "<svg><title>t</title></svg>",
            "",
            "<",
            "<p a=\"non chiuso",
        ] {
            assert!(matches!(limit_attributes(page), Cow::Borrowed(_)), "{page}");
        }
    }

    #[test]
    fn too_many_attributes_are_dropped() {
        let page = format!("<p{}>testo</p>", attrs(1000));
        let got = limit_attributes(&page);
        assert_eq!(got, format!("<p{} >testo</p>", attrs(MAX_ATTRIBUTES)));
        // End tags, quoted '>' and self-closing tags too.
        let page = format!("</p{}/>dopo", attrs(300));
        assert_eq!(limit_attributes(&page), format!("</p{} />dopo", attrs(256)));
        let page = format!("<meta charset=utf-8{}><p>x", " a='>'".repeat(300));
        let got = limit_attributes(&page);
        assert!(got.ends_with("a='>' ><p>x"), "{got}");
    }

    #[test]
    fn raw_text_is_not_read_as_tags() {
        let page = format!("<script><p{}></script><p{}>", attrs(300), attrs(300));
        let got = limit_attributes(&page);
        assert!(got.starts_with(&format!("<script><p{}></script>", attrs(300))));
        assert!(got.ends_with(&format!("<p{} >", attrs(256))));
        // In an SVG, a title is not raw text: its tags count.
        let page = format!("<svg><title><b{}></title></svg>", attrs(300));
        assert!(matches!(limit_attributes(&page), Cow::Owned(_)));
        let page = format!("<plaintext><p{}>", attrs(300));
        assert!(matches!(limit_attributes(&page), Cow::Borrowed(_)));
    }
}

//! XML walking shared by the zip-based formats (DOCX, ODT, EPUB's container and OPF),
//! on `quick-xml`'s pull reader: events reduced to elements by local name (namespace
//! prefixes vary between writers) and text with the predefined and character references
//! resolved. No DTD is read and no custom entity expanded (no "billion laughs").

use std::borrow::Cow;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::decode;

/// One step of [`walk`]. An empty element (`<a/>`) gives `Open` then `Close`.
pub(crate) enum Node<'e> {
    /// A start tag.
    Open(&'e BytesStart<'e>),
    /// An end tag, by local name.
    Close(&'e [u8]),
    /// Character data (text or CDATA), references resolved.
    Text(&'e str),
}

/// The text of an XML part: UTF-16 when it has a byte-order mark, else UTF-8 (malformed
/// sequences replaced), as XML parts in these containers always are.
pub(crate) fn xml_text(bytes: &[u8]) -> Cow<'_, str> {
    if decode::bom(bytes).is_some() {
        return Cow::Owned(decode::decode(bytes));
    }
    String::from_utf8_lossy(bytes)
}

/// Calls `visit` for each element and text of `xml`, in document order; a malformed
/// document stops the walk with a description of the error and where it is.
pub(crate) fn walk(xml: &str, mut visit: impl FnMut(Node<'_>)) -> Result<(), String> {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("XML error at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(e) => {
                depth += 1;
                visit(Node::Open(&e));
            }
            Event::Empty(e) => {
                visit(Node::Open(&e));
                visit(Node::Close(e.local_name().as_ref().as_bytes()));
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                visit(Node::Close(e.local_name().as_ref().as_bytes()));
            }
            Event::Text(t) => visit(Node::Text(&t.xml10_content())),
            Event::CData(t) => visit(Node::Text(&t.into_inner())),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    visit(Node::Text(c.encode_utf8(&mut [0; 4])));
                } else if let Some(s) = resolve_predefined_entity(&r) {
                    visit(Node::Text(s));
                }
            }
            Event::Eof if depth > 0 => {
                return Err(format!("truncated: {depth} elements left open"))
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// The local name of an element (`w:p` → `p`).
pub(crate) fn local<'e>(e: &'e BytesStart<'_>) -> &'e [u8] {
    e.local_name().into_inner().as_bytes()
}

/// The value of the attribute with this local name, references resolved.
pub(crate) fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref().as_bytes() == name)
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok())
        .map(Cow::into_owned)
}

/// The trimmed, whitespace-collapsed text of the first element with each local name
/// in `names` (in `names`' order; `None` when absent or empty).
pub(crate) fn first_texts(xml: &str, names: &[&[u8]]) -> Result<Vec<Option<String>>, String> {
    let mut found: Vec<Option<String>> = vec![None; names.len()];
    // The element being read: its index in `names`, nesting depth and text so far.
    let mut current: Option<(usize, usize, String)> = None;
    walk(xml, |node| match node {
        Node::Open(e) => {
            if let Some((_, depth, _)) = current.as_mut() {
                *depth += 1;
            } else if let Some(i) = names.iter().position(|n| *n == local(e)) {
                if found[i].is_none() {
                    current = Some((i, 0, String::new()));
                }
            }
        }
        Node::Close(_) => {
            if let Some((i, depth, text)) = current.as_mut() {
                if *depth == 0 {
                    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !text.is_empty() {
                        found[*i] = Some(text);
                    }
                    current = None;
                } else {
                    *depth -= 1;
                }
            }
        }
        Node::Text(t) => {
            if let Some((_, _, text)) = current.as_mut() {
                text.push_str(t);
            }
        }
    })?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(xml: &str) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        walk(xml, |node| {
            out.push(match node {
                Node::Open(e) => format!("<{}>", String::from_utf8_lossy(local(e))),
                Node::Close(name) => format!("</{}>", String::from_utf8_lossy(name)),
                Node::Text(t) => t.to_string(),
            })
        })?;
        Ok(out)
    }

    #[test]
    fn references_and_names() {
        let got =
            events("<w:p a='1'>L&apos;universit&#224; &amp; <![CDATA[<x>]]>&bogus;<w:br/></w:p>");
        assert_eq!(
            got.unwrap_or_default().concat(),
            "<p>L'università & <x><br></br></p>"
        );
    }

    #[test]
    fn malformed_is_an_error() {
        assert!(events("<a><b></a>").is_err());
        assert!(events("<a>x &").is_err());
        // Truncated inside a tag, or with elements left open.
        assert!(events("<a><b attr=\"x").is_err());
        assert_eq!(
            events("<a><b>x</b>"),
            Err("truncated: 1 elements left open".to_string())
        );
    }

    #[test]
    fn first_texts_by_local_name() {
        let xml =
            "<meta><dc:title>  Il <b>perché</b>\n della città </dc:title><dc:title>due</dc:title>\
                   <x:date></x:date><date>2025-09-15</date></meta>";
        let got = first_texts(xml, &[b"title", b"date", b"creator"]);
        assert_eq!(
            got,
            Ok(vec![
                Some("Il perché della città".to_string()),
                Some("2025-09-15".to_string()),
                None
            ])
        );
    }

    #[test]
    fn utf16_parts() {
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("<a>città</a>".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(xml_text(&bytes), "<a>città</a>");
        assert_eq!(xml_text(b"<a>\xFF</a>"), "<a>\u{FFFD}</a>");
    }
}

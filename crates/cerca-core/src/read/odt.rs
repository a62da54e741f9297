//! ODT (OpenDocument text): `.odt`, read with the bounded zip reading of
//! [`zip_archive`](super::zip_archive) and `quick-xml`; and flat OpenDocument text
//! (`.fodt`, one XML file holding the same parts: the office suites' "Flat XML").
//!
//! Body: `content.xml` (required): one line per paragraph and heading (`text:p`,
//! `text:h`, also inside tables, lists and frames), `text:s` and `text:tab` as spaces,
//! `text:line-break` as a line break. Footnotes and endnotes (`text:note`) are taken out
//! of their paragraph (their citation mark dropped) and added after the body, so that they
//! do not cut its sentences. Deleted text of tracked changes, the table of contents (a copy
//! of the headings) and comments are left out.
//!
//! Title: `dc:title` of `meta.xml` (of `office:meta` in a flat file), else the first line
//! of the body (as for plain text). Date: `meta:creation-date`, else `dc:date` (the last
//! modification).

use super::lines::Lines;
use super::xml::{local, walk, xml_text, Node};
use super::zip_archive::{with_properties, Archive};
use super::{ExtractError, Extracted, Extractor};

/// Extractor for OpenDocument text (`odt`).
///
/// ```
/// use cerca_core::read::{Extractor, OdtExtractor};
///
/// let error = OdtExtractor.extract(b"not a zip").unwrap_err();
/// assert!(error.to_string().starts_with("malformed odt content"));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct OdtExtractor;

impl Extractor for OdtExtractor {
    fn extensions(&self) -> &'static [&'static str] {
        &["odt", "fodt"]
    }

    fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
        let trimmed = bytes.trim_ascii_start();
        if trimmed.starts_with(b"<?xml") || trimmed.starts_with(b"<office:document") {
            let malformed = |e: String| ExtractError::Malformed {
                format: "fodt",
                reason: e,
            };
            let body = body_text(bytes).map_err(malformed)?;
            return with_properties(body, bytes, [b"creation-date", b"date"]).map_err(malformed);
        }
        let mut archive = Archive::open(bytes, "odt")?;
        let content = archive.read("content.xml")?;
        let body =
            body_text(&content).map_err(|e| archive.malformed(format!("content.xml: {e}")))?;

        archive.with_properties(body, "meta.xml", [b"creation-date", b"date"])
    }

    fn accepts_binary(&self) -> bool {
        true
    }
}

/// The body of an ODF `content.xml` (see the module doc).
fn body_text(xml: &[u8]) -> Result<String, String> {
    let mut body = Lines::default();
    let mut notes = Lines::default();
    // Depth inside a note (0 = in the body), inside a skipped element, inside paragraphs.
    let mut note_depth = 0usize;
    let mut skip_depth = 0usize;
    let mut para_depth = 0usize;
    walk(&xml_text(xml), |node| {
        let out = if note_depth > 0 {
            &mut notes
        } else {
            &mut body
        };
        match node {
            Node::Open(e) => {
                let name = local(e);
                if skip_depth > 0 {
                    skip_depth += 1;
                    return;
                }
                if matches!(
                    name,
                    b"tracked-changes"
                        | b"table-of-content"
                        | b"annotation"
                        | b"note-citation"
                        | b"sequence-decls"
                ) {
                    skip_depth = 1;
                    return;
                }
                if note_depth > 0 {
                    note_depth += 1;
                } else if name == b"note" {
                    note_depth = 1;
                }
                match name {
                    b"p" | b"h" => {
                        out.end_line();
                        para_depth += 1;
                    }
                    b"s" => {
                        let count = super::xml::attr(e, b"c")
                            .and_then(|c| c.parse::<usize>().ok())
                            .unwrap_or(1);
                        if count > 0 {
                            out.space();
                        }
                    }
                    b"tab" => out.space(),
                    b"line-break" => out.end_line(),
                    _ => {}
                }
            }
            Node::Close(name) => {
                if skip_depth > 0 {
                    skip_depth -= 1;
                    return;
                }
                if matches!(name, b"p" | b"h") {
                    out.end_line();
                    para_depth = para_depth.saturating_sub(1);
                }
                note_depth = note_depth.saturating_sub(1);
            }
            Node::Text(text) => {
                if skip_depth == 0 && para_depth > 0 {
                    out.text(text);
                }
            }
        }
    })?;
    let mut body = body.finish();
    body.push_str(&notes.finish());
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_odf_documents_are_read_as_odt() {
        let fodt = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta><dc:title>Il verbale</dc:title><meta:creation-date>2024-03-12T10:00:00</meta:creation-date></office:meta>
 <office:body><office:text><text:h text:outline-level="1">Riunione</text:h><text:p>Presenti: la giunta<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Assente il sindaco.</text:p></text:note-body></text:note> al completo.</text:p></office:text></office:body>
</office:document>"#;
        let x = OdtExtractor.extract(fodt.as_bytes()).unwrap();
        assert_eq!(x.title.as_deref(), Some("Il verbale"));
        assert_eq!(x.date.map(|d| d.to_string()).as_deref(), Some("2024-03-12"));
        assert_eq!(
            x.body,
            "Riunione\nPresenti: la giunta al completo.\nAssente il sindaco.\n"
        );
        let broken = OdtExtractor.extract(b"<?xml version=\"1.0\"?><office:document><text:p>x");
        assert!(broken.is_err_and(|e| e.to_string().starts_with("malformed fodt content")));
    }

    #[test]
    fn paragraphs_headings_tables_notes() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">
  <office:body>
    <office:text>
      <text:sequence-decls><text:sequence-decl text:name="Figure"/></text:sequence-decls>
      <text:table-of-content><text:index-body><text:p>Titolo 1</text:p></text:index-body></text:table-of-content>
      <text:h text:outline-level="1">Titolo</text:h>
      <text:p>L'universit<text:span>à</text:span> di<text:s text:c="3"/>città<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Una nota a piè di pagina.</text:p></text:note-body></text:note> è più<text:tab/>bella<text:line-break/>dell'energia</text:p>
      <table:table><table:table-row><table:table-cell><text:p>cella1</text:p></table:table-cell><table:table-cell><text:p>cella2</text:p></table:table-cell></table:table-row></table:table>
      <text:tracked-changes><text:changed-region><text:deletion><text:p>cancellato</text:p></text:deletion></text:changed-region></text:tracked-changes>
      <text:p><office:annotation><text:p>commento</text:p></office:annotation>fine</text:p>
    </office:text>
  </office:body>
</office:document-content>"#;
        assert_eq!(
            body_text(xml.as_bytes()).as_deref(),
            Ok("Titolo\nL'università di città è più bella\ndell'energia\ncella1\ncella2\nfine\nUna nota a piè di pagina.\n")
        );
    }

    #[test]
    fn malformed() {
        assert!(body_text(b"<text:p>x</text:h>").is_err());
        assert!(body_text(b"<office:text><text:p>x").is_err());
    }
}

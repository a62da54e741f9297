//! DOCX (Office Open XML word processing): `.docx`, read with the bounded zip reading of
//! [`zip_archive`](super::zip_archive) and `quick-xml`.
//!
//! Body: `word/document.xml` (required), then, when present, the footnotes
//! (`word/footnotes.xml`), endnotes (`word/endnotes.xml`), comments (`word/comments.xml`),
//! and the page headers and footers (`word/header*.xml`, `word/footer*.xml`). The text of `w:t` runs, one line per
//! paragraph (`w:p`: headings, list items, table cells, text boxes…), `w:br`/`w:cr` as
//! line breaks and `w:tab` as a space. Deleted text of tracked changes (`w:delText`),
//! field instructions (`w:instrText`) and the fallback copies of `mc:AlternateContent`
//! (which repeat the text of the chosen branch) are left out.
//!
//! Title: `dc:title` of `docProps/core.xml`, else the first line of the body (as for
//! plain text). Date: `dcterms:created`, else `dcterms:modified`.

use super::lines::Lines;
use super::xml::{local, walk, xml_text, Node};
use super::zip_archive::Archive;
use super::{ExtractError, Extracted, Extractor};

/// Extractor for DOCX documents (`docx`).
///
/// ```
/// use cerca_core::read::{DocxExtractor, Extractor};
///
/// // Not a zip: a clear error, never a panic.
/// let error = DocxExtractor.extract(b"PK garbage").unwrap_err();
/// assert!(error.to_string().starts_with("malformed docx content"));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct DocxExtractor;

impl Extractor for DocxExtractor {
    fn extensions(&self) -> &'static [&'static str] {
        &["docx"]
    }

    fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
        let mut archive = Archive::open(bytes, "docx")?;
        let mut lines = Lines::default();
        let document = archive.read("word/document.xml")?;
        body_text(&document, &mut lines)
            .map_err(|e| archive.malformed(format!("word/document.xml: {e}")))?;
        let mut parts: Vec<String> = [
            "word/footnotes.xml",
            "word/endnotes.xml",
            "word/comments.xml",
        ]
        .map(str::to_owned)
        .into();
        parts.extend(archive.part_names("word/", "header", ".xml"));
        parts.extend(archive.part_names("word/", "footer", ".xml"));
        for part in parts {
            if let Some(xml) = archive.read_optional(&part)? {
                body_text(&xml, &mut lines)
                    .map_err(|e| archive.malformed(format!("{part}: {e}")))?;
            }
        }
        let body = lines.finish();

        archive.with_properties(body, "docProps/core.xml", [b"created", b"modified"])
    }

    fn accepts_binary(&self) -> bool {
        true
    }
}

/// Appends the text of a WordprocessingML part (document, notes, comments, headers, footers).
fn body_text(xml: &[u8], lines: &mut Lines) -> Result<(), String> {
    // Inside a `w:t`; inside a skipped element (its nesting depth, 0 = not skipping).
    let mut in_text = false;
    let mut skip_depth = 0usize;
    walk(&xml_text(xml), |node| match node {
        Node::Open(e) => {
            let name = local(e);
            if skip_depth > 0 {
                skip_depth += 1;
                return;
            }
            match name {
                b"delText" | b"instrText" | b"Fallback" => skip_depth = 1,
                b"t" => in_text = true,
                b"tab" | b"ptab" => lines.space(),
                b"br" | b"cr" => lines.end_line(),
                b"noBreakHyphen" => lines.char('-'),
                _ => {}
            }
        }
        Node::Close(name) => {
            if skip_depth > 0 {
                skip_depth -= 1;
                return;
            }
            match name {
                b"t" => in_text = false,
                b"p" | b"tc" | b"tr" | b"footnote" | b"endnote" | b"comment" | b"hdr" | b"ftr" => {
                    lines.end_line()
                }
                _ => {}
            }
        }
        Node::Text(text) => {
            if in_text && skip_depth == 0 {
                lines.text(text);
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(xml: &str) -> String {
        let mut lines = Lines::default();
        match body_text(xml.as_bytes(), &mut lines) {
            Ok(()) => lines.finish(),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn paragraphs_runs_tables_notes() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Titolo</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">L'universit</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>à</w:t></w:r><w:r><w:tab/><w:t>di</w:t><w:br/><w:t>città</w:t></w:r>
<w:del><w:r><w:delText>cancellato</w:delText></w:r></w:del>
<w:r><w:fldChar w:fldCharType="begin"/><w:instrText>HYPERLINK "x"</w:instrText><w:t xml:space="preserve"> link</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cella1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>cella2</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><mc:AlternateContent><mc:Choice><w:t>scelta</w:t></mc:Choice><mc:Fallback><w:t>copia</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>
</w:body></w:document>"#;
        assert_eq!(
            body(xml),
            "Titolo\nL'università di\ncittà link\ncella1\ncella2\nscelta\n"
        );
    }

    #[test]
    fn malformed_xml() {
        assert!(body("<w:p><w:t>x</w:p>").starts_with("error: XML error"));
        assert!(body("<w:p><w:t>x</w:t>").starts_with("error: truncated"));
    }
}

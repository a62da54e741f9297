//! EPUB (2 and 3): `.epub`, read with the bounded zip reading of
//! [`zip_archive`](super::zip_archive), `quick-xml` for the package files and the HTML
//! extractor's text function for the chapters.
//!
//! `META-INF/container.xml` names the package document (OPF, the first `rootfile`); its
//! `spine` gives the reading order as `itemref`s pointing to `manifest` items, whose
//! `href`s (relative to the OPF, percent-encoded) are the chapters. Body: the author(s)
//! (`dc:creator`) on the first line, then the text of each (X)HTML chapter in spine
//! order, through [`html_text`]. Title: `dc:title`. Date: `dc:date` (when a full
//! `YYYY-MM-DD`). A missing container, package or chapter is a malformed EPUB.

use std::collections::HashMap;

use super::html::{decode_html, html_text};
use super::lines::Lines;
use super::text::parse_date_prefix;
use super::xml::{attr, first_texts, local, walk, xml_text, Node};
use super::zip_archive::Archive;
use super::{ExtractError, Extracted, Extractor};

/// Extractor for EPUB books (`epub`).
///
/// ```
/// use cerca_core::read::{EpubExtractor, Extractor};
///
/// let error = EpubExtractor.extract(b"not a zip").unwrap_err();
/// assert!(error.to_string().starts_with("malformed epub content"));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct EpubExtractor;

impl Extractor for EpubExtractor {
    fn extensions(&self) -> &'static [&'static str] {
        &["epub"]
    }

    fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
        let mut archive = Archive::open(bytes, "epub")?;
        let container = archive.read("META-INF/container.xml")?;
        let opf_path = rootfile(&xml_text(&container))
            .map_err(|e| archive.malformed(format!("META-INF/container.xml: {e}")))?
            .ok_or_else(|| archive.malformed("no rootfile in META-INF/container.xml".into()))?;
        let opf = archive.read(&opf_path)?;
        let package = Package::parse(&xml_text(&opf))
            .map_err(|e| archive.malformed(format!("{opf_path}: {e}")))?;

        let mut body = Lines::default();
        if let Some(creator) = &package.creator {
            body.text(creator);
            body.end_line();
        }
        let base = opf_path.rfind('/').map_or("", |slash| &opf_path[..=slash]);
        for href in &package.chapters {
            let path = resolve(base, href);
            let chapter = archive.read(&path)?;
            body.append(&html_text(&decode_html(&chapter)));
        }
        Ok(Extracted {
            title: package.title,
            body: body.finish(),
            date: package.date.as_deref().and_then(parse_date_prefix),
        })
    }

    fn accepts_binary(&self) -> bool {
        true
    }
}

/// The `full-path` of the first `rootfile` of `container.xml`.
fn rootfile(xml: &str) -> Result<Option<String>, String> {
    let mut path = None;
    walk(xml, |node| {
        if let Node::Open(e) = node {
            if path.is_none() && local(e) == b"rootfile" {
                path = attr(e, b"full-path").filter(|p| !p.is_empty());
            }
        }
    })?;
    Ok(path)
}

/// What the package document (OPF) tells.
#[derive(Debug, Default, PartialEq, Eq)]
struct Package {
    title: Option<String>,
    creator: Option<String>,
    date: Option<String>,
    /// The `href`s of the spine's (X)HTML items, in reading order.
    chapters: Vec<String>,
}

impl Package {
    fn parse(xml: &str) -> Result<Package, String> {
        let found = first_texts(xml, &[b"title", b"creator", b"date"])?;
        let [title, creator, date] = <[Option<String>; 3]>::try_from(found).unwrap_or_default();
        // Manifest items (id → href, media type) and the spine's idrefs.
        let mut items: HashMap<String, (String, String)> = HashMap::new();
        let mut spine: Vec<String> = Vec::new();
        walk(xml, |node| {
            if let Node::Open(e) = node {
                match local(e) {
                    b"item" => {
                        if let (Some(id), Some(href)) = (attr(e, b"id"), attr(e, b"href")) {
                            let media_type = attr(e, b"media-type").unwrap_or_default();
                            items.insert(id, (href, media_type));
                        }
                    }
                    b"itemref" => spine.extend(attr(e, b"idref")),
                    _ => {}
                }
            }
        })?;
        let chapters = spine
            .iter()
            .filter_map(|id| items.get(id))
            .filter(|(_, media_type)| {
                matches!(
                    media_type.trim(),
                    "application/xhtml+xml" | "text/html" | "application/x-dtbook+xml" | ""
                )
            })
            .map(|(href, _)| href.clone())
            .collect();
        Ok(Package {
            title,
            creator,
            date,
            chapters,
        })
    }
}

/// The zip entry name of `href` (relative to the folder `base`, which ends with `/` or
/// is empty): fragment dropped, percent-decoded, `.` and `..` resolved.
fn resolve(base: &str, href: &str) -> String {
    let href = href.split('#').next().unwrap_or_default();
    let href = percent_decode(href);
    let joined = if href.starts_with('/') {
        href
    } else {
        format!("{base}{href}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// Decodes `%XX` escapes (invalid ones are kept as they are; bytes as UTF-8, lossily).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                let value = hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0);
                out.push(u8::try_from(value).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_and_package() {
        let container = r#"<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"#;
        assert_eq!(
            rootfile(container),
            Ok(Some("OEBPS/content.opf".to_string()))
        );
        assert_eq!(rootfile("<container/>"), Ok(None));

        let opf = r#"<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:title>Il perché della città</dc:title>
    <dc:creator opf:role="aut">Anna Rossi</dc:creator>
    <dc:date>2025-09-15</dc:date>
  </metadata>
  <manifest>
    <item id="c2" href="testo/cap%202.xhtml" media-type="application/xhtml+xml"/>
    <item id="c1" href="testo/cap1.xhtml#inizio" media-type="application/xhtml+xml"/>
    <item id="css" href="stile.css" media-type="text/css"/>
    <item id="img" href="foto.jpg" media-type="image/jpeg"/>
  </manifest>
  <spine><itemref idref="c1"/><itemref idref="img"/><itemref idref="c2"/><itemref idref="nope"/></spine>
</package>"#;
        let package = Package::parse(opf);
        assert_eq!(
            package,
            Ok(Package {
                title: Some("Il perché della città".into()),
                creator: Some("Anna Rossi".into()),
                date: Some("2025-09-15".into()),
                chapters: vec![
                    "testo/cap1.xhtml#inizio".into(),
                    "testo/cap%202.xhtml".into()
                ],
            })
        );
    }

    #[test]
    fn hrefs() {
        assert_eq!(
            resolve("OEBPS/", "testo/cap%202.xhtml#x"),
            "OEBPS/testo/cap 2.xhtml"
        );
        assert_eq!(resolve("OEBPS/", "../cap.xhtml"), "cap.xhtml");
        assert_eq!(resolve("", "./a/../b.html"), "b.html");
        assert_eq!(resolve("a/", "/root.html"), "root.html");
        assert_eq!(resolve("a/", "../../../x"), "x");
        assert_eq!(percent_decode("citt%C3%A0%2"), "città%2");
        assert_eq!(percent_decode("%zz%"), "%zz%");
    }
}

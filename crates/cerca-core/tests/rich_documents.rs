//! Rich documents end to end: PDF, DOCX, ODT, EPUB, RTF and e-mail files generated here
//! (zip containers with the `zip` crate, PDFs written by hand with their xref offsets),
//! synced into an on-disk index and searched; then damaged copies of each (truncated,
//! garbage, missing parts, encrypted, decompression bombs) that must fail alone, with a
//! reason, quickly.

use std::fs::{self, File};
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cerca_core::read::{
    read_file, DocxExtractor, EpubExtractor, ExtractError, Extracted, Extractor, Extractors,
    FoundFile, PdfExtractor, ReadError, ReadLimits,
};
use cerca_core::{Index, NoProgress, Root, SearchOptions, SyncReport, Syncer};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

mod common;
use common::pdf::{pdf, stream, zlib_zeros};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The sentence every fixture holds (accents and elisions).
const FRASE: &str = "L'università di città è più bella dell'energia, perché sì.";

fn tempdir() -> tempfile::TempDir {
    match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => panic!("cannot create a temporary folder: {e}"),
    }
}

fn count(index: &Index, query: &str) -> usize {
    index
        .count(query, &SearchOptions::default())
        .unwrap_or_else(|e| panic!("{query}: {e}"))
}

/// The date of the one hit for `query`, as `YYYY-MM-DD`.
fn date_of(index: &Index, query: &str) -> Option<String> {
    let results = index
        .search(query, &SearchOptions::default())
        .unwrap_or_else(|e| panic!("{query}: {e}"));
    assert_eq!(results.hits.len(), 1, "{query}: {:?}", results.hits);
    results.hits[0].date.map(|d| d.to_string())
}

fn sync(index: &Index, root: &Path) -> SyncReport {
    Syncer::new(index)
        .sync(&[Root::new(root)], &mut NoProgress)
        .unwrap_or_else(|e| panic!("sync: {e}"))
}

// ------------------------------------------------------------------ zip fixtures

/// A zip of `(name, content)` entries, deflated (the first one stored, as EPUB and ODT
/// want their `mimetype`).
fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    for (i, (name, data)) in entries.iter().enumerate() {
        let method = if i == 0 && *name == "mimetype" {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let options = SimpleFileOptions::default().compression_method(method);
        writer
            .start_file(*name, options)
            .and_then(|()| writer.write_all(data).map_err(Into::into))
            .unwrap_or_else(|e| panic!("zip entry {name}: {e}"));
    }
    match writer.finish() {
        Ok(cursor) => cursor.into_inner(),
        Err(e) => panic!("zip: {e}"),
    }
}

fn docx_parts(body: &str, footnote: &str) -> Vec<(&'static str, Vec<u8>)> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:pPr><w:pStyle w:val="Titolo1"/></w:pPr><w:r><w:t>Lo scoiattolo</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">{body} </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>Scoiattolo</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:t xml:space="preserve"> rosso.</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>marmotta</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>castoro</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#
    );
    let footnotes = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:t>{footnote}</w:t></w:r></w:p></w:footnote></w:footnotes>"#
    );
    let core = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>Il perché dello scoiattolo</dc:title><dc:creator>Anna</dc:creator>
<dcterms:created xsi:type="dcterms:W3CDTF">2024-03-01T09:00:00Z</dcterms:created>
<dcterms:modified xsi:type="dcterms:W3CDTF">2024-04-02T09:00:00Z</dcterms:modified></cp:coreProperties>"#;
    let content_types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#;
    vec![
        ("[Content_Types].xml", content_types.as_bytes().to_vec()),
        ("word/document.xml", document.into_bytes()),
        ("word/footnotes.xml", footnotes.into_bytes()),
        ("docProps/core.xml", core.as_bytes().to_vec()),
    ]
}

fn docx() -> Vec<u8> {
    let parts = docx_parts(FRASE, "Una nota sulla lontra.");
    let entries: Vec<(&str, &[u8])> = parts.iter().map(|(n, d)| (*n, d.as_slice())).collect();
    zip(&entries)
}

fn odt_content(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3">
<office:body><office:text>
<text:h text:outline-level="1">La farfalla</text:h>
<text:p>{body}<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>Nota sul tasso.</text:p></text:note-body></text:note> Farfalla<text:s/>gialla.</text:p>
<table:table><table:table-row><table:table-cell><text:p>istrice</text:p></table:table-cell><table:table-cell><text:p>riccio</text:p></table:table-cell></table:table-row></table:table>
</office:text></office:body></office:document-content>"#
    )
}

fn odt() -> Vec<u8> {
    let meta = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<office:meta><dc:title>Il volo della farfalla</dc:title><meta:creation-date>2023-05-06T10:00:00</meta:creation-date><dc:date>2023-06-07T10:00:00</dc:date></office:meta></office:document-meta>"#;
    zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", odt_content(FRASE).as_bytes()),
        ("meta.xml", meta.as_bytes()),
    ])
}

const EPUB_CONTAINER: &str = r#"<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>"#;

const EPUB_OPF: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:identifier id="id">balena-1</dc:identifier>
<dc:title>Il canto della balena</dc:title><dc:creator>Marco Bianchi</dc:creator><dc:date>2022-07-08</dc:date><dc:language>it</dc:language></metadata>
<manifest>
<item id="c2" href="testo/capitolo%202.xhtml" media-type="application/xhtml+xml"/>
<item id="c1" href="testo/capitolo1.xhtml" media-type="application/xhtml+xml"/>
<item id="css" href="stile.css" media-type="text/css"/>
</manifest>
<spine><itemref idref="c1"/><itemref idref="c2"/></spine></package>"#;

fn xhtml(title: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>{title}</title><link rel="stylesheet" href="../stile.css"/></head>
<body><h1>{title}</h1><p>{body}</p></body></html>"#
    )
}

fn epub_with(chapters: &[(&str, &str)]) -> Vec<u8> {
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("mimetype", b"application/epub+zip"),
        ("META-INF/container.xml", EPUB_CONTAINER.as_bytes()),
        ("OEBPS/content.opf", EPUB_OPF.as_bytes()),
        ("OEBPS/stile.css", b"p { color: black }"),
    ];
    entries.extend(chapters.iter().map(|(n, d)| (*n, d.as_bytes())));
    zip(&entries)
}

fn epub() -> Vec<u8> {
    let one = xhtml(
        "Capitolo primo",
        &format!(
            "{} La balena canta&#160;piano.",
            FRASE.replace('\'', "&#8217;")
        ),
    );
    let two = xhtml("Capitolo secondo", "Il delfino salta.");
    epub_with(&[
        ("OEBPS/testo/capitolo 2.xhtml", &two),
        ("OEBPS/testo/capitolo1.xhtml", &one),
    ])
}

// ------------------------------------------------------------------ PDF fixtures

/// A PDF string literal of text in windows-1252 (WinAnsiEncoding), escaped.
fn pdf_string(text: &str) -> String {
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    let mut out = String::from("(");
    for &b in bytes.iter() {
        match b {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7E => out.push(char::from(b)),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push(')');
    out
}

/// A PDF whose pages show `pages`' lines with Helvetica, with an Info dictionary.
fn text_pdf(pages: &[Vec<&str>], info: &str) -> Vec<u8> {
    let n = pages.len();
    // 1 catalog, 2 pages, 3 font, 4 info, then page i: 5 + 2i, content: 6 + 2i.
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 5 + 2 * i)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
        info.as_bytes().to_vec(),
    ];
    for (i, lines) in pages.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
                 /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                6 + 2 * i
            )
            .into_bytes(),
        );
        let mut content = String::from("BT /F1 11 Tf 14 TL 56 780 Td\n");
        for line in lines {
            content.push_str(&format!("{} Tj T*\n", pdf_string(line)));
        }
        content.push_str("ET");
        objects.push(stream("", content.as_bytes()));
    }
    pdf(&objects, "/Info 4 0 R")
}

fn pdf_info() -> String {
    format!(
        "<< /Title {} /Author (Anna) /CreationDate (D:20250915103000+02'00') \
         /ModDate (D:20250916103000+02'00') >>",
        pdf_string("Il perché del gabbiano")
    )
}

fn text_pdf_fixture() -> Vec<u8> {
    text_pdf(
        &[
            vec![FRASE, "Il gabbiano vola sul mare."],
            vec!["Seconda pagina: il pellicano."],
        ],
        &pdf_info(),
    )
}

/// A scan-like PDF: one page that draws a line, no text.
fn no_text_pdf() -> Vec<u8> {
    pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
            stream("", b"10 10 m 500 800 l S"),
        ],
        "",
    )
}

/// A PDF encrypted with a user password (the empty one does not open it).
fn encrypted_pdf() -> Vec<u8> {
    let hex32 = "8f2e6a1c0b9d4e7f3a5c2b1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f";
    pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
            stream("", b"BT /F1 12 Tf (xx) Tj ET"),
            format!("<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <{hex32}> /U <{hex32}> >>")
                .into_bytes(),
        ],
        "/Encrypt 5 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]",
    )
}

/// A PDF whose content stream inflates to 80 MiB (over the 64 MiB per-stream limit).
fn bomb_pdf() -> Vec<u8> {
    pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
            stream("/Filter /FlateDecode", &zlib_zeros(80 << 20)),
        ],
        "",
    )
}

/// A PDF whose form XObject draws itself (pdf-extract would recurse until the stack
/// overflows), on a page that also shows text; and a second, normal page.
fn recursive_form_pdf() -> Vec<u8> {
    pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 8 0 R >> /XObject << /X1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
            stream("", b"BT /F1 12 Tf 50 700 Td (vortice) Tj ET /X1 Do"),
            stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X1 5 0 R >> >>", b"/X1 Do"),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 8 0 R >> >> /Contents 7 0 R >>".to_vec(),
            stream("", b"BT /F1 12 Tf 50 700 Td (tartaruga) Tj ET"),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        ],
        "",
    )
}

// -------------------------------------------------------------- RTF and e-mail

fn rtf() -> Vec<u8> {
    // Word's way: windows-1252 escapes, \u for what is outside it, an \info title.
    let body = r"{\rtf1\ansi\ansicpg1252\deff0\nouicompat{\fonttbl{\f0\fnil\fcharset0 Calibri;}}
{\colortbl ;\red0\green0\blue255;}{\*\generator Riched20 10.0.19041}
{\stylesheet{\s0 Normal;}{\s1 heading 1;}}
{\info{\title Il perch\'e9 della cicogna}{\author Anna}{\creatim\yr2021\mo1\dy2\hr9\min0}}
\viewkind4\uc1\pard\sa200\sl276\slmult1\f0\fs22\lang1040 L\'92universit\'e0 di citt\'e0 \'e8 pi\'f9 bella dell\rquote energia, perch\u233? s\'ec.\par
La cicogna \b vola\b0  alta.\line Fine{\footnote\pard nota sull\'92airone}.\par
}";
    body.as_bytes().to_vec()
}

fn eml() -> Vec<u8> {
    use base64_like::encode;
    let html = "<html><body><p>Il <b>perch\u{e9}</b> del pappagallo</p><p>usignolo &amp; merlo</p></body></html>";
    format!(
        "From: Anna Rossi <anna@example.org>\r\nTo: Marco <marco@example.org>\r\n\
Subject: =?UTF-8?Q?Il_perch=C3=A9_del_pappagallo?=\r\nDate: Mon, 15 Sep 2025 10:30:00 +0200\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"confine\"\r\n\r\n\
Preamble ignored.\r\n--confine\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\r\n\
L'universit=E0 di citt=E0 =E8 pi=F9 bella dell'energia, perch=E9 s=EC. Il pappagallo =\r\nparla.\r\n\
--confine\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\
{}\r\n--confine\r\nContent-Type: text/plain; charset=utf-8; name=\"segreto.txt\"\r\n\
Content-Disposition: attachment; filename=\"segreto.txt\"\r\n\r\nallegatosegreto\r\n--confine--\r\n",
        encode(html.as_bytes())
    )
    .into_bytes()
}

/// Base64 for the e-mail fixture (76-character lines).
mod base64_like {
    pub fn encode(data: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out.as_bytes()
            .chunks(76)
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect::<Vec<_>>()
            .join("\r\n")
    }
}

// --------------------------------------------------------------------- tests

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    if let Err(e) = fs::write(&path, bytes) {
        panic!("{}: {e}", path.display());
    }
    path
}

fn extract(extractor: &dyn Extractor, bytes: &[u8]) -> Extracted {
    match extractor.extract(bytes) {
        Ok(x) => x,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn every_format_is_found_by_word_phrase_title_and_date() -> TestResult {
    let dir = tempdir();
    let docs = dir.path().join("documenti");
    fs::create_dir(&docs)?;
    write(&docs, "gabbiano.pdf", &text_pdf_fixture());
    write(&docs, "scansione.pdf", &no_text_pdf());
    write(&docs, "scoiattolo.docx", &docx());
    write(&docs, "farfalla.odt", &odt());
    write(&docs, "balena.epub", &epub());
    write(&docs, "cicogna.rtf", &rtf());
    write(&docs, "pappagallo.eml", &eml());

    let index = Index::create(&dir.path().join("indice"))?;
    let report = sync(&index, &docs);
    assert_eq!(report.failures, Vec::<(PathBuf, String)>::new());
    assert_eq!((report.added, report.failed), (7, 0));
    assert_eq!(
        report.without_text, 1,
        "the scan is reported as having no text"
    );
    let kinds: Vec<(&str, usize)> = report
        .indexed_by_kind
        .iter()
        .map(|(k, n)| (k.as_str(), *n))
        .collect();
    assert_eq!(
        kinds,
        [
            ("docx", 1),
            ("eml", 1),
            ("epub", 1),
            ("odt", 1),
            ("pdf", 2),
            ("rtf", 1)
        ]
    );

    // The shared sentence: words, elided words, accented words, a phrase.
    assert_eq!(count(&index, "università"), 6);
    assert_eq!(count(&index, "energia"), 6);
    assert_eq!(count(&index, "perché"), 6);
    assert_eq!(count(&index, "\"città è più bella\""), 6);
    assert_eq!(count(&index, "\"bella dell'energia\""), 6);

    // One word, one title and one date per format.
    for (word, title, date) in [
        ("gabbiano", "title:gabbiano", Some("2025-09-15")),
        ("scoiattolo", "title:scoiattolo", Some("2024-03-01")),
        ("farfalla", "title:farfalla", Some("2023-05-06")),
        ("balena", "title:balena", Some("2022-07-08")),
        ("cicogna", "title:cicogna", Some("2021-01-02")),
        ("pappagallo", "title:pappagallo", Some("2025-09-15")),
    ] {
        assert_eq!(count(&index, word), 1, "{word}");
        assert_eq!(count(&index, title), 1, "{title}");
        assert_eq!(date_of(&index, word).as_deref(), date, "{word}");
    }
    assert_eq!(count(&index, "title:perché"), 4); // all but the ODT and the EPUB

    // Per-format details: PDF pages, DOCX tables and footnotes, ODT notes and tables,
    // EPUB chapters and author, RTF footnotes, e-mail HTML part (not the attachment).
    for (query, expected) in [
        ("pellicano", 1),
        ("marmotta castoro lontra", 1),
        ("istrice riccio tasso", 1),
        ("\"farfalla gialla\"", 1),
        ("delfino bianchi", 1),
        ("airone", 1),
        ("usignolo merlo", 1),
        ("\"pappagallo parla\"", 1),
        ("allegatosegreto", 0),
        ("confine", 0),
    ] {
        assert_eq!(count(&index, query), expected, "{query}");
    }

    // The kinds as query filters.
    for (query, expected) in [
        ("ext:pdf", 2),
        ("ext:docx", 1),
        ("ext:odt", 1),
        ("ext:epub", 1),
        ("ext:rtf", 1),
        ("ext:eml", 1),
        ("università ext:pdf", 1),
        ("università -ext:pdf -ext:eml", 4),
    ] {
        assert_eq!(count(&index, query), expected, "{query}");
    }
    Ok(())
}

#[test]
fn extracted_text_in_detail() {
    let x = extract(&PdfExtractor, &text_pdf_fixture());
    assert_eq!(x.title.as_deref(), Some("Il perché del gabbiano"));
    assert_eq!(x.date.map(|d| d.to_string()).as_deref(), Some("2025-09-15"));
    assert!(x.body.contains(FRASE), "{:?}", x.body);
    assert!(
        x.body.contains("Seconda pagina: il pellicano."),
        "{:?}",
        x.body
    );

    let x = extract(&PdfExtractor, &no_text_pdf());
    assert_eq!((x.title, x.body.as_str(), x.date), (None, "", None));

    let x = extract(&DocxExtractor, &docx());
    assert_eq!(x.title.as_deref(), Some("Il perché dello scoiattolo"));
    assert_eq!(
        x.body,
        format!(
            "Lo scoiattolo\n{FRASE} Scoiattolo rosso.\nmarmotta\ncastoro\nUna nota sulla lontra.\n"
        )
    );

    // Chapters in spine order, not manifest order; the author first.
    let x = extract(&EpubExtractor, &epub());
    assert_eq!(x.title.as_deref(), Some("Il canto della balena"));
    let apostrophe = FRASE.replace('\'', "\u{2019}");
    assert_eq!(
        x.body,
        format!(
            "Marco Bianchi\nCapitolo primo\n{apostrophe} La balena canta piano.\nCapitolo secondo\nIl delfino salta.\n"
        )
    );
}

/// PDFs built to make `pdf-extract` recurse without end (a stack overflow aborts the
/// process: no `catch_unwind` helps) are read as far as safe.
#[test]
fn hostile_pdfs_do_not_bring_the_process_down() {
    // A page whose form draws itself is skipped, the other page is read.
    let x = extract(&PdfExtractor, &recursive_form_pdf());
    assert_eq!(x.body, "tartaruga\n");

    // A ToUnicode map nested 100,000 deep: emptied before pdf-extract parses it.
    let deep = "[".repeat(100_000);
    let cmap = format!(
        "/CIDInit /ProcSet findresource begin 1 beginbfrange <00> <FF> {deep} endbfrange end"
    );
    let bytes = pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
            stream("", b"BT /F1 12 Tf 50 700 Td (abisso) Tj ET"),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 8 0 R >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 7 0 R >> >> /Contents 9 0 R >>".to_vec(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
            stream("", cmap.as_bytes()),
            stream("", b"BT /F1 12 Tf 50 700 Td (tartaruga) Tj ET"),
        ],
        "",
    );
    let got = PdfExtractor.extract(&bytes).map(|x| x.body);
    assert!(
        matches!(&got, Ok(body) if body.ends_with("tartaruga\n")),
        "{got:?}"
    );

    // A page tree whose Parent chain loops.
    let bytes = pdf(
        &[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 5 0 R >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> >> /Contents 4 0 R >>".to_vec(),
            stream("", b"BT /F1 12 Tf 50 700 Td (cerchio) Tj ET"),
            b"<< /Type /Pages /Kids [] /Count 0 /Parent 2 0 R >>".to_vec(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        ],
        "",
    );
    let got = PdfExtractor.extract(&bytes);
    assert!(
        matches!(&got, Err(e) if e.to_string().contains("a loop in the page tree")),
        "{got:?}"
    );
}

/// Writes a zip bomb to `path`, streaming: one entry of `size` zero bytes.
fn write_zip_bomb(path: &Path, entry: &str, size: usize, before: &[(&str, &[u8])]) -> TestResult {
    let file = File::create(path)?;
    let mut writer = ZipWriter::new(file);
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for (name, data) in before {
        writer.start_file(*name, options)?;
        writer.write_all(data)?;
    }
    // Fast, low-level: deflated once (level 1) in 1 MiB chunks, never all in memory.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(size as u64 >= u64::from(u32::MAX));
    writer.start_file(entry, options)?;
    let chunk = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        writer.write_all(&chunk[..n])?;
        left -= n;
    }
    writer.finish()?.flush()?;
    Ok(())
}

#[test]
fn damaged_files_fail_alone_with_a_reason() -> TestResult {
    let dir = tempdir();
    let docs = dir.path().join("documenti");
    fs::create_dir(&docs)?;
    // Good files, which must still be indexed.
    write(&docs, "gabbiano.pdf", &text_pdf_fixture());
    write(&docs, "scoiattolo.docx", &docx());
    write(&docs, "farfalla.odt", &odt());
    write(&docs, "balena.epub", &epub());
    write(&docs, "cicogna.rtf", &rtf());
    write(&docs, "pappagallo.eml", &eml());

    let pdf_bytes = text_pdf_fixture();
    let docx_bytes = docx();
    let odt_bytes = odt();
    let epub_bytes = epub();
    let rtf_bytes = rtf();
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let text_garbage = "questo non è un documento, solo parole a caso\n".repeat(20);
    let without_document = {
        let parts = docx_parts(FRASE, "nota");
        let entries: Vec<(&str, &[u8])> = parts
            .iter()
            .filter(|(n, _)| *n != "word/document.xml")
            .map(|(n, d)| (*n, d.as_slice()))
            .collect();
        zip(&entries)
    };
    let without_chapter = epub_with(&[("OEBPS/testo/capitolo1.xhtml", "<p>uno</p>")]);
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend_from_slice(&garbage);

    let damaged: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "troncato.pdf",
            pdf_bytes[..pdf_bytes.len() / 2].to_vec(),
            "malformed pdf",
        ),
        ("spazzatura.pdf", garbage.clone(), "malformed pdf"),
        ("cifrato.pdf", encrypted_pdf(), "unreadable pdf"),
        ("bomba.pdf", bomb_pdf(), "unreadable pdf"),
        (
            "troncato.docx",
            docx_bytes[..docx_bytes.len() - 100].to_vec(),
            "malformed docx",
        ),
        ("spazzatura.docx", garbage.clone(), "malformed docx"),
        (
            "senza-documento.docx",
            without_document,
            "missing part word/document.xml",
        ),
        ("cifrato.docx", ole, "unreadable docx"),
        (
            "troncato.odt",
            odt_bytes[..odt_bytes.len() / 3].to_vec(),
            "malformed odt",
        ),
        (
            "senza-contenuto.odt",
            zip(&[("mimetype", b"application/vnd.oasis.opendocument.text")]),
            "missing part content.xml",
        ),
        (
            "xml-rotto.odt",
            zip(&[(
                "content.xml",
                odt_content(FRASE).replace("</office:text>", "").as_bytes(),
            )]),
            "malformed odt",
        ),
        (
            "troncato.epub",
            epub_bytes[..epub_bytes.len() - 30].to_vec(),
            "malformed epub",
        ),
        (
            "senza-capitolo.epub",
            without_chapter,
            "missing part OEBPS/testo/capitolo 2.xhtml",
        ),
        (
            "spazzatura.rtf",
            text_garbage.clone().into_bytes(),
            "malformed rtf",
        ),
        (
            "troncato.rtf",
            rtf_bytes[..rtf_bytes.len() - 8].to_vec(),
            "malformed rtf",
        ),
        ("spazzatura.eml", text_garbage.into_bytes(), "malformed eml"),
    ];
    for (name, bytes, _) in &damaged {
        write(&docs, name, bytes);
    }
    // Zip bombs: one entry of 300 MiB of zeros (the declared size gives it away), as the
    // DOCX's document and as an EPUB chapter.
    let started = Instant::now();
    let docx_bomb = docs.join("bomba.docx");
    write_zip_bomb(&docx_bomb, "word/document.xml", 300 << 20, &[])?;
    let epub_bomb = docs.join("bomba.epub");
    write_zip_bomb(
        &epub_bomb,
        "OEBPS/testo/capitolo1.xhtml",
        300 << 20,
        &[
            ("mimetype", b"application/epub+zip"),
            ("META-INF/container.xml", EPUB_CONTAINER.as_bytes()),
            ("OEBPS/content.opf", EPUB_OPF.as_bytes()),
        ],
    )?;
    eprintln!("zip bombs written in {:?}", started.elapsed());
    assert!(fs::metadata(&docx_bomb)?.len() < 4 << 20);

    let index = Index::create(&dir.path().join("indice"))?;
    let started = Instant::now();
    let report = sync(&index, &docs);
    let elapsed = started.elapsed();
    eprintln!("sync of {} files in {elapsed:?}", damaged.len() + 8);
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");

    let reasons: Vec<(String, String)> = report
        .failures
        .iter()
        .map(|(path, reason)| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            (name.unwrap_or_default(), reason.clone())
        })
        .collect();
    for (name, reason) in &reasons {
        eprintln!("{name}: {reason}");
    }
    let mut expected: Vec<(&str, &str)> = damaged.iter().map(|(n, _, r)| (*n, *r)).collect();
    expected.push(("bomba.docx", "zip bomb"));
    expected.push(("bomba.epub", "zip bomb"));
    assert_eq!(report.failed, expected.len(), "{reasons:#?}");
    for (name, reason) in expected {
        let found = reasons.iter().find(|(n, _)| n == name);
        match found {
            Some((_, got)) => {
                assert!(got.contains(reason), "{name}: {got:?} lacks {reason:?}");
                assert!(
                    got.contains(name),
                    "{name}: the path is in the message: {got:?}"
                );
            }
            None => panic!("{name} did not fail: {reasons:#?}"),
        }
    }
    // The good files are all there.
    assert_eq!(report.added, 6);
    assert_eq!(count(&index, "\"città è più bella\""), 6);
    for word in [
        "gabbiano",
        "scoiattolo",
        "farfalla",
        "balena",
        "cicogna",
        "pappagallo",
    ] {
        assert_eq!(count(&index, word), 1, "{word}");
    }
    Ok(())
}

#[test]
fn a_panicking_extractor_is_reported_not_propagated() -> TestResult {
    struct Boom;
    impl Extractor for Boom {
        fn extensions(&self) -> &'static [&'static str] {
            &["boom"]
        }
        fn extract(&self, _: &[u8]) -> Result<Extracted, ExtractError> {
            panic!("il parser è esploso")
        }
    }
    let dir = tempdir();
    let path = write(dir.path(), "file.boom", b"contenuto");
    let found = FoundFile::new(path.clone(), &fs::metadata(&path)?, "boom");
    let mut extractors = Extractors::default();
    extractors.register(Box::new(Boom));
    match read_file(&found, &extractors, &ReadLimits::default()) {
        Err(ReadError::Extract {
            path: failed,
            source: ExtractError::Panicked { message },
        }) => {
            assert_eq!(failed, path);
            assert_eq!(message, "il parser è esploso");
        }
        other => panic!("expected a panic report, got {other:?}"),
    }
    Ok(())
}

/// Page headers and footers, and comments, are text of the document too
/// (after the body and the notes).
#[test]
fn docx_headers_footers_and_comments_are_read() {
    let w = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;
    let header = format!(
        r#"<?xml version="1.0"?><w:hdr {w}><w:p><w:r><w:t>Relazione riservata</w:t></w:r></w:p></w:hdr>"#
    );
    let footer = format!(
        r#"<?xml version="1.0"?><w:ftr {w}><w:p><w:r><w:t>Ufficio tecnico, pagina</w:t></w:r></w:p></w:ftr>"#
    );
    let comments = format!(
        r#"<?xml version="1.0"?><w:comments {w}><w:comment w:id="0" w:author="Anna"><w:p><w:r><w:t>Verificare il castoro</w:t></w:r></w:p></w:comment></w:comments>"#
    );
    let mut parts = docx_parts(FRASE, "Una nota sulla lontra.");
    parts.push(("word/header1.xml", header.into_bytes()));
    parts.push(("word/footer2.xml", footer.into_bytes()));
    parts.push(("word/comments.xml", comments.into_bytes()));
    // Not a header part: a folder's file of the same name is not read.
    parts.push(("word/media/header9.xml", b"<x>no</x>".to_vec()));
    let entries: Vec<(&str, &[u8])> = parts.iter().map(|(n, d)| (*n, d.as_slice())).collect();
    let x = extract(&DocxExtractor, &zip(&entries));
    assert!(
        x.body.ends_with(
            "Una nota sulla lontra.\nVerificare il castoro\nRelazione riservata\nUfficio tecnico, pagina\n"
        ),
        "{:?}",
        x.body
    );
}

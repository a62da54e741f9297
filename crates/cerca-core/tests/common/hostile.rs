//! Hostile files, generated: each one sank a whole sync before extraction had a
//! budget (issue 11). Shared by cerca-core's `budget` tests and the CLI's.
#![allow(dead_code)]

use super::pdf::{lzw_zeros, pdf, stream, zlib_zeros};

pub const CATALOG: &[u8] = b"<< /Type /Catalog /Pages 2 0 R >>";
pub const FONT: &[u8] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";

pub fn zlib(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let written = encoder.write_all(data);
    assert!(written.is_ok());
    encoder.finish().unwrap_or_default()
}

/// A page showing `words`, and a second one: what must still be read after the bombs.
pub fn good_pdf(words: &str) -> Vec<u8> {
    pdf(
        &[
            CATALOG.to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
            stream("", format!("BT /F1 12 Tf 50 700 Td ({words}) Tj ET").as_bytes()),
            FONT.to_vec(),
        ],
        "",
    )
}

/// One page whose `/Contents` lists one small stream 20,000 times (121 KB; pdf-extract
/// would put together and parse 1.2 GB of content).
pub fn repeated_contents_pdf() -> Vec<u8> {
    let contents = "4 0 R ".repeat(20_000);
    pdf(
        &[
            CATALOG.to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [{contents}] >>"
            )
            .into_bytes(),
            stream(
                "/Filter /FlateDecode",
                &zlib(&b"1 0 0 1 0 0 cm\n".repeat(4000)),
            ),
        ],
        "",
    )
}

/// 2,000 pages sharing one content stream of 1 MiB (2 GiB to parse in all).
pub fn shared_content_pdf() -> Vec<u8> {
    let n = 2000;
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 4 + i)).collect();
    let mut objects = vec![
        CATALOG.to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes(),
        stream(
            "/Filter /FlateDecode",
            &zlib(&b"0 0 m 1 1 l S\n".repeat(75_000)),
        ),
    ];
    for _ in 0..n {
        objects.push(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>".to_vec(),
        );
    }
    pdf(&objects, "")
}

/// A 2 KB PDF whose page draws one form XObject `draws` times (100,000 is the most
/// allowed), each showing 1,000 characters: 100 MB of text for 100,000.
pub fn drawn_form_pdf(draws: usize) -> Vec<u8> {
    let text = "parola ".repeat(143);
    pdf(
        &[
            CATALOG.to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> /XObject << /X1 5 0 R >> >> /Contents 4 0 R >>".to_vec(),
            stream("/Filter /FlateDecode", &zlib(&b"/X1 Do\n".repeat(draws))),
            stream(
                "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 6 0 R >> >>",
                format!("BT /F1 1 Tf 0 0 Td ({text}) Tj ET").as_bytes(),
            ),
            FONT.to_vec(),
        ],
        "",
    )
}

/// A content stream in LZW that decodes to 2.1 GB of zeros (1.6 MB in the file).
pub fn lzw_bomb_pdf() -> Vec<u8> {
    let (data, _) = lzw_zeros(300);
    pdf(
        &[
            CATALOG.to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>".to_vec(),
            stream("/Filter /LZWDecode", &data),
        ],
        "",
    )
}

/// A PDF 1.5 whose cross-reference stream (`/Type /XRef`) inflates to 2 GiB: `lopdf`
/// inflates it while it loads, before any hook.
pub fn xref_bomb_pdf() -> Vec<u8> {
    let mut out = b"%PDF-1.5\n%\xE2\xE3\xCF\xD3\n".to_vec();
    for (i, object) in [
        CATALOG,
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    .iter()
    .enumerate()
    {
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    let data = zlib_zeros(2 << 30);
    out.extend_from_slice(
        format!(
            "4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length {} >>\nstream\n",
            data.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&data);
    out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{xref}\n%%EOF\n").as_bytes());
    out
}

/// One tag with 300,000 attributes (2.6 MB).
pub fn many_attributes_html() -> Vec<u8> {
    let mut page = String::from("<html><body><p");
    for i in 0..300_000 {
        page.push_str(&format!(" a{i}"));
    }
    page.push_str(">testo</p></body></html>");
    page.into_bytes()
}

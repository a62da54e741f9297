//! E-mail messages: `.eml` (RFC 5322 with MIME), through `mail-parser`.
//!
//! Title: the `Subject` (encoded words decoded). Date: the day of the `Date` header, in
//! the sender's time zone. Body: the message's text parts in reading order, as a reader
//! preferring plain text sees them (`mail-parser`'s text body: in a
//! `multipart/alternative` the `text/plain` part, else the `text/html` one turned into
//! text by [`html_text`]); transfer encodings (quoted-printable, base64) and each part's
//! charset are decoded by `mail-parser`. Attachments, including attached messages, are
//! left out. Bytes that have no e-mail header at all are malformed. Headers written in raw
//! 8-bit bytes that are not UTF-8 (old mailers) are read in the charset the message
//! declares, else in Windows-1252.

use mail_parser::MessageParser;

use super::html::html_text;
use super::lines::Lines;
use super::{ExtractError, Extracted, Extractor};

/// Extractor for e-mail messages (`eml`).
///
/// ```
/// use cerca_core::read::{EmlExtractor, Extractor};
///
/// let eml = b"Subject: =?UTF-8?Q?Il_perch=C3=A9?=\r\nDate: Mon, 15 Sep 2025 10:00:00 +0200\r\n\
/// Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
/// L'universit=E0 di citt=E0\r\n";
/// let x = EmlExtractor.extract(eml).unwrap();
/// assert_eq!(x.title.as_deref(), Some("Il perché"));
/// assert_eq!(x.date.map(|d| d.to_string()).as_deref(), Some("2025-09-15"));
/// assert_eq!(x.body, "L'università di città\n");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct EmlExtractor;

/// The message with its header section in UTF-8: raw 8-bit headers that are
/// not UTF-8 decoded with the first `charset=` the headers name, else
/// Windows-1252 (which every byte decodes in). mail-parser reads raw header
/// bytes as UTF-8 only.
fn utf8_headers(bytes: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let end = [&b"\r\n\r\n"[..], b"\n\n"]
        .iter()
        .filter_map(|blank| {
            bytes
                .windows(blank.len())
                .position(|w| w == *blank)
                .map(|at| at + blank.len())
        })
        .min()
        .unwrap_or(bytes.len());
    let headers = &bytes[..end];
    if headers.is_ascii() || std::str::from_utf8(headers).is_ok() {
        return bytes.into();
    }
    let lower = headers.to_ascii_lowercase();
    let declared = lower
        .windows(8)
        .position(|w| w == b"charset=")
        .and_then(|at| {
            let label: Vec<u8> = headers[at + 8..]
                .iter()
                .copied()
                .skip_while(|&b| b == b'"')
                .take_while(|&b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')
                })
                .collect();
            encoding_rs::Encoding::for_label(&label)
        })
        .filter(|encoding| *encoding != encoding_rs::UTF_8);
    let encoding = declared.unwrap_or(encoding_rs::WINDOWS_1252);
    let (decoded, _, _) = encoding.decode(headers);
    let mut message = decoded.into_owned().into_bytes();
    message.extend_from_slice(&bytes[end..]);
    message.into()
}

impl Extractor for EmlExtractor {
    fn extensions(&self) -> &'static [&'static str] {
        &["eml"]
    }

    fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
        let malformed = |reason: &str| ExtractError::Malformed {
            format: "eml",
            reason: reason.to_string(),
        };
        let bytes = utf8_headers(bytes);
        let message = MessageParser::default()
            .parse(bytes.as_ref())
            .ok_or_else(|| malformed("not an e-mail message"))?;
        // mail-parser takes any first line for a header: require a real field name.
        let has_header = message.headers().iter().any(|h| {
            let name = h.name.as_str();
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':')
        });
        if !has_header {
            return Err(malformed("not an e-mail message (no header)"));
        }
        let mut body = Lines::default();
        for part in message.text_bodies() {
            let Some(text) = part.text_contents() else {
                continue;
            };
            if part.is_text_html() {
                body.append(&html_text(text));
            } else {
                body.append(text);
            }
        }
        let title = message
            .subject()
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty());
        let date = message.date().and_then(|d| {
            let month = time::Month::try_from(d.month).ok()?;
            time::Date::from_calendar_date(i32::from(d.year), month, d.day).ok()
        });
        Ok(Extracted {
            title,
            body: body.finish(),
            date,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(eml: &str) -> Result<Extracted, String> {
        EmlExtractor
            .extract(eml.as_bytes())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn utf_7_bodies_are_decoded() {
        let eml = b"Subject: Nota\r\nContent-Type: text/plain; charset=utf-7\r\n\r\nLa citt+AOA- di Bologna +AOg- bella.\r\n";
        let x = EmlExtractor.extract(eml).unwrap();
        assert_eq!(x.body, "La città di Bologna è bella.\n");
    }

    #[test]
    fn raw_8_bit_headers_are_read_in_the_declared_charset_or_windows_1252() {
        let latin1 = b"Subject: Fr\xe4sche e citt\xe0\r\nContent-Type: text/plain; charset=\"ISO-8859-15\"\r\n\r\nTesto \xe8.\r\n";
        let x = EmlExtractor.extract(latin1).unwrap();
        assert_eq!(x.title.as_deref(), Some("Fräsche e città"));
        assert_eq!(x.body, "Testo è.\n");
        let undeclared = b"Subject: Perch\xe9 no\r\nFrom: a@b.it\r\n\r\nCiao\r\n";
        let x = EmlExtractor.extract(undeclared).unwrap();
        assert_eq!(x.title.as_deref(), Some("Perché no"));
        let utf8 = "Subject: Perché sì\r\n\r\nCiao\r\n";
        let x = EmlExtractor.extract(utf8.as_bytes()).unwrap();
        assert_eq!(x.title.as_deref(), Some("Perché sì"));
    }

    #[test]
    fn alternative_prefers_plain_text() {
        let eml = "From: Anna <anna@example.org>\r\nSubject: Prova\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\nTesto semplice\r\n--b\r\n\
Content-Type: text/html; charset=utf-8\r\n\r\n<p>Testo <b>ricco</b></p>\r\n--b--\r\n";
        let x = extract(eml);
        assert_eq!(x.map(|x| x.body), Ok("Testo semplice\n".to_string()));
    }

    #[test]
    fn mixed_with_html_and_attachment() {
        let eml = "Subject: Allegati\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n--m\r\n\
Content-Type: text/plain; charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
L=92universit=E0\r\n--m\r\n\
Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n\
PHA+UGVyY2jDqSBubzwvcD48cD5zw6w8L3A+\r\n--m\r\n\
Content-Type: text/plain; name=\"a.txt\"\r\nContent-Disposition: attachment; filename=\"a.txt\"\r\n\r\n\
allegato segreto\r\n--m--\r\n";
        let x = extract(eml);
        assert_eq!(
            x.map(|x| (x.title, x.body, x.date)),
            Ok((
                Some("Allegati".to_string()),
                "L’università\nPerché no\nsì\n".to_string(),
                None
            ))
        );
    }

    #[test]
    fn not_an_email() {
        for bad in [
            "",
            "\r\n\r\n",
            "\u{1}\u{2}\u{3} garbage without any header line",
        ] {
            let got = extract(bad);
            assert!(
                matches!(&got, Err(e) if e.starts_with("malformed eml content")),
                "{bad:?}: {got:?}"
            );
        }
    }
}

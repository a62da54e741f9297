//! The worker's wire format: length-prefixed binary messages over the child's standard
//! input (requests) and output (responses), one response per request, in order.
//!
//! Every message starts with a one-byte tag. Integers are little-endian `u64` (`i32` for
//! a year); strings and byte strings are a `u64` length then the bytes (strings in
//! UTF-8); an optional value is a `0`/`1` byte then the value.
//!
//! - `H` hello: version, memory limit. Answered by `R` ready: version.
//! - `X` extract: kind, text cap, the file's bytes. Answered by `O` extracted: title
//!   (optional), body, date (optional: year, month, day); or by `F` failed: error code,
//!   format, message, limit (see [`write_error`]).
//!
//! Lengths are checked against a maximum before anything is read, and data is read as
//! it comes (never allocated from a length alone): a broken peer gives an
//! [`io::ErrorKind::InvalidData`] error, not an allocation of what it claims.

use std::io::{self, Read, Write};
use std::time::Duration;

use crate::read::{Budget, ExtractError, Extracted};

/// The protocol's version: parent and child must agree.
pub(crate) const VERSION: u64 = 1;

const HELLO: u8 = b'H';
const EXTRACT: u8 = b'X';
const READY: u8 = b'R';
const EXTRACTED: u8 = b'O';
const FAILED: u8 = b'F';

/// Longest kind, format or error message accepted.
const MAX_NAME: u64 = 256;
const MAX_MESSAGE: u64 = 64 * 1024;
/// Largest file accepted by the child: what a `u64` size limit could let through is not
/// the point, a garbage length is; files above this are refused by any sane size limit.
const MAX_FILE: u64 = 1 << 40;

/// What the parent asks.
#[derive(Debug)]
pub(crate) enum Request {
    /// The first message: the child lowers its memory limit, then answers
    /// [`Response::Ready`].
    Hello { version: u64, max_memory: u64 },
    /// Extract a file of this kind within this text cap.
    Extract {
        kind: String,
        max_text_bytes: u64,
        bytes: Vec<u8>,
    },
}

/// What the child answers.
#[derive(Debug)]
pub(crate) enum Response {
    Ready { version: u64 },
    Extracted(Extracted),
    Failed(ExtractError),
}

pub(crate) fn write_hello(w: &mut impl Write, max_memory: u64) -> io::Result<()> {
    w.write_all(&[HELLO])?;
    put_u64(w, VERSION)?;
    put_u64(w, max_memory)?;
    w.flush()
}

/// Writes an extract request (the bytes are borrowed: a file is not copied to be sent).
pub(crate) fn write_extract(
    w: &mut impl Write,
    kind: &str,
    max_text_bytes: u64,
    bytes: &[u8],
) -> io::Result<()> {
    w.write_all(&[EXTRACT])?;
    put_bytes(w, kind.as_bytes())?;
    put_u64(w, max_text_bytes)?;
    put_bytes(w, bytes)?;
    w.flush()
}

/// The next request, `None` when the parent closed the pipe between requests.
pub(crate) fn read_request(r: &mut impl Read) -> io::Result<Option<Request>> {
    let mut tag = [0u8];
    if r.read(&mut tag)? == 0 {
        return Ok(None);
    }
    match tag[0] {
        HELLO => Ok(Some(Request::Hello {
            version: get_u64(r)?,
            max_memory: get_u64(r)?,
        })),
        EXTRACT => Ok(Some(Request::Extract {
            kind: get_string(r, MAX_NAME)?,
            max_text_bytes: get_u64(r)?,
            bytes: get_bytes(r, MAX_FILE)?,
        })),
        other => Err(invalid(format!("unknown request tag {other:#04x}"))),
    }
}

pub(crate) fn write_response(w: &mut impl Write, response: &Response) -> io::Result<()> {
    match response {
        Response::Ready { version } => {
            w.write_all(&[READY])?;
            put_u64(w, *version)?;
        }
        Response::Extracted(x) => {
            w.write_all(&[EXTRACTED])?;
            match &x.title {
                Some(title) => {
                    w.write_all(&[1])?;
                    put_bytes(w, title.as_bytes())?;
                }
                None => w.write_all(&[0])?,
            }
            put_bytes(w, x.body.as_bytes())?;
            match x.date {
                Some(date) => {
                    w.write_all(&[1])?;
                    w.write_all(&date.year().to_le_bytes())?;
                    w.write_all(&[u8::from(date.month()), date.day()])?;
                }
                None => w.write_all(&[0])?,
            }
        }
        Response::Failed(error) => {
            w.write_all(&[FAILED])?;
            write_error(w, error)?;
        }
    }
    w.flush()
}

/// The next response; text longer than `max_text_bytes` is a protocol error (the child
/// applies the cap itself).
pub(crate) fn read_response(r: &mut impl Read, max_text_bytes: u64) -> io::Result<Response> {
    let tag = get_u8(r)?;
    match tag {
        READY => Ok(Response::Ready {
            version: get_u64(r)?,
        }),
        EXTRACTED => {
            let title = match get_u8(r)? {
                0 => None,
                _ => Some(get_string(r, max_text_bytes)?),
            };
            let body = get_string(r, max_text_bytes)?;
            let date = match get_u8(r)? {
                0 => None,
                _ => {
                    let mut year = [0u8; 4];
                    r.read_exact(&mut year)?;
                    let (month, day) = (get_u8(r)?, get_u8(r)?);
                    let month = time::Month::try_from(month).map_err(|e| invalid(e.to_string()))?;
                    let date = time::Date::from_calendar_date(i32::from_le_bytes(year), month, day)
                        .map_err(|e| invalid(e.to_string()))?;
                    Some(date)
                }
            };
            Ok(Response::Extracted(Extracted { title, body, date }))
        }
        FAILED => Ok(Response::Failed(read_error(r)?)),
        other => Err(invalid(format!("unknown response tag {other:#04x}"))),
    }
}

// Error codes of a `F` response.
const MALFORMED: u8 = 0;
const UNREADABLE: u8 = 1;
const PANICKED: u8 = 2;
const OTHER: u8 = 3;
const OVER_TEXT: u8 = 4;
const OVER_WORK: u8 = 5;
const OVER_TIME: u8 = 6;
const OVER_MEMORY: u8 = 7;

/// An [`ExtractError`] as code, format, message and limit (`Other` errors travel as
/// their message: the child's error types are not the parent's).
fn write_error(w: &mut impl Write, error: &ExtractError) -> io::Result<()> {
    let (code, format, message, limit): (u8, &str, String, u64) = match error {
        ExtractError::Malformed { format, reason } => (MALFORMED, format, reason.clone(), 0),
        ExtractError::Unreadable { format, reason } => (UNREADABLE, format, reason.clone(), 0),
        ExtractError::Panicked { message } => (PANICKED, "", message.clone(), 0),
        ExtractError::OverBudget(budget) => match budget {
            Budget::Text { limit } => (OVER_TEXT, "", String::new(), *limit),
            Budget::Time { limit } => (OVER_TIME, "", String::new(), duration_millis(*limit)),
            Budget::Memory { limit } => (OVER_MEMORY, "", String::new(), *limit),
            Budget::Work { reason } => (OVER_WORK, "", reason.clone(), 0),
        },
        other => (OTHER, "", other.to_string(), 0),
    };
    w.write_all(&[code])?;
    put_bytes(w, format.as_bytes())?;
    put_bytes(w, truncated(&message, MAX_MESSAGE as usize).as_bytes())?;
    put_u64(w, limit)
}

fn read_error(r: &mut impl Read) -> io::Result<ExtractError> {
    let code = get_u8(r)?;
    let format = known_format(&get_string(r, MAX_NAME)?);
    let message = get_string(r, MAX_MESSAGE)?;
    let limit = get_u64(r)?;
    Ok(match code {
        MALFORMED => ExtractError::Malformed {
            format,
            reason: message,
        },
        UNREADABLE => ExtractError::Unreadable {
            format,
            reason: message,
        },
        PANICKED => ExtractError::Panicked { message },
        OVER_TEXT => ExtractError::OverBudget(Budget::Text { limit }),
        OVER_WORK => ExtractError::OverBudget(Budget::Work { reason: message }),
        OVER_TIME => ExtractError::OverBudget(Budget::Time {
            limit: Duration::from_millis(limit),
        }),
        OVER_MEMORY => ExtractError::OverBudget(Budget::Memory { limit }),
        OTHER => ExtractError::Other(message.into()),
        other => return Err(invalid(format!("unknown error code {other}"))),
    })
}

/// The `'static` name of a format the built-in extractors report (`"document"` for an
/// unknown one: formats are only shown to people).
fn known_format(format: &str) -> &'static str {
    const FORMATS: [&str; 10] = [
        "pdf", "docx", "odt", "fodt", "epub", "rtf", "eml", "html", "markdown", "text",
    ];
    FORMATS
        .into_iter()
        .find(|f| *f == format)
        .unwrap_or("document")
}

fn duration_millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn truncated(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

fn put_u64(w: &mut impl Write, n: u64) -> io::Result<()> {
    w.write_all(&n.to_le_bytes())
}

fn put_bytes(w: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    put_u64(w, bytes.len() as u64)?;
    w.write_all(bytes)
}

fn get_u8(r: &mut impl Read) -> io::Result<u8> {
    let mut b = [0u8];
    r.read_exact(&mut b)?;
    Ok(b[0])
}

fn get_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

fn get_bytes(r: &mut impl Read, max: u64) -> io::Result<Vec<u8>> {
    let len = get_u64(r)?;
    if len > max {
        return Err(invalid(format!("a length of {len} bytes, over {max}")));
    }
    let mut bytes = Vec::new();
    r.take(len).read_to_end(&mut bytes)?;
    if bytes.len() as u64 != len {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(bytes)
}

fn get_string(r: &mut impl Read, max: u64) -> io::Result<String> {
    String::from_utf8(get_bytes(r, max)?).map_err(|e| invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() -> io::Result<()> {
        let mut wire = Vec::new();
        write_hello(&mut wire, 1 << 30)?;
        write_extract(&mut wire, "pdf", 1000, b"%PDF-1.4")?;
        let mut r = wire.as_slice();
        assert!(matches!(
            read_request(&mut r)?,
            Some(Request::Hello { version: VERSION, max_memory }) if max_memory == 1 << 30
        ));
        match read_request(&mut r)? {
            Some(Request::Extract {
                kind,
                max_text_bytes: 1000,
                bytes,
            }) => assert_eq!((kind.as_str(), bytes.as_slice()), ("pdf", &b"%PDF-1.4"[..])),
            other => panic!("{other:?}"),
        }
        assert!(read_request(&mut r)?.is_none());

        let date = time::Date::from_calendar_date(2025, time::Month::September, 15).ok();
        let x = Extracted {
            title: Some("Il perché".into()),
            body: "città\n".into(),
            date,
        };
        let mut wire = Vec::new();
        write_response(&mut wire, &Response::Extracted(x.clone()))?;
        let error = ExtractError::OverBudget(Budget::Work {
            reason: "troppo".into(),
        });
        write_response(&mut wire, &Response::Failed(error))?;
        let unreadable = ExtractError::Unreadable {
            format: "pdf",
            reason: "cifrato".into(),
        };
        write_response(&mut wire, &Response::Failed(unreadable))?;
        let mut r = wire.as_slice();
        assert!(matches!(read_response(&mut r, 100)?, Response::Extracted(got) if got == x));
        let got = read_response(&mut r, 100)?;
        assert!(
            matches!(&got, Response::Failed(e) if e.to_string() == "over budget: troppo"),
            "{got:?}"
        );
        let got = read_response(&mut r, 100)?;
        assert!(
            matches!(&got, Response::Failed(e) if e.to_string() == "unreadable pdf content: cifrato"),
            "{got:?}"
        );
        Ok(())
    }

    #[test]
    fn lengths_are_checked_before_reading() {
        let mut wire = vec![EXTRACTED, 0];
        wire.extend_from_slice(&u64::MAX.to_le_bytes());
        let got = read_response(&mut wire.as_slice(), 1000);
        assert!(
            matches!(&got, Err(e) if e.kind() == io::ErrorKind::InvalidData),
            "{got:?}"
        );
        // Text over the cap the child was given.
        let mut wire = Vec::new();
        let x = Extracted {
            body: "x".repeat(11),
            ..Extracted::default()
        };
        assert!(write_response(&mut wire, &Response::Extracted(x)).is_ok());
        assert!(read_response(&mut wire.as_slice(), 10).is_err());
        // Cut short.
        assert!(read_request(&mut &[EXTRACT, 3, 0][..]).is_err());
        assert!(read_response(&mut &[b'?'][..], 10).is_err());
    }
}

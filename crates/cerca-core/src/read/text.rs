//! Plain text: `.txt` and files without extension.
//!
//! YAML (`---`) or TOML (`+++`) front matter at the very start, as in Markdown, gives the
//! title and the date and is not part of the body (see
//! [`super::markdown::split_front_matter`]). A header
//! `date YYYY-MM-DD` at the very start (after optional whitespace), followed by
//! whitespace or the end, gives the date and is removed from the body; an impossible date
//! (`date 2025-13-40`) is no header and the text stays as is. Otherwise the title is derived
//! from the first line with a letter or digit by [`title_from_text`]. The body keeps the
//! title's text.

use super::markdown::split_front_matter;
use super::{decode, ExtractError, Extracted, Extractor};

/// Titles longer than this many characters are cut at a word boundary and end in `…`.
pub const TITLE_MAX_CHARS: usize = 120;
/// A first line longer than this many characters is cut to its first sentence for the title.
pub const TITLE_LONG_LINE_CHARS: usize = 80;
/// A sentence end (`. `, `? `, `! `) counts for the title only after this many characters.
pub const TITLE_MIN_SENTENCE_CHARS: usize = 20;

/// Extractor for plain text (`txt`, and files without extension).
///
/// ```
/// use cerca_core::read::{Extractor, TextExtractor};
///
/// let x = TextExtractor.extract(b" date 2025-09-15 Il titolo. E il resto.").unwrap();
/// assert_eq!(x.date.map(|d| d.to_string()).as_deref(), Some("2025-09-15"));
/// assert_eq!(x.body, "Il titolo. E il resto.");
/// assert_eq!(x.title.as_deref(), Some("Il titolo. E il resto."));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct TextExtractor;

impl Extractor for TextExtractor {
    fn extensions(&self) -> &'static [&'static str] {
        &["txt", ""]
    }

    fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
        Ok(extract_text(decode::decode(bytes)))
    }
}

/// Title, body and date of already decoded plain text (see the module doc).
pub fn extract_text(text: String) -> Extracted {
    let (front, rest) = split_front_matter(&text);
    let (date, body) = match split_date_header(rest) {
        Some((date, rest)) => (Some(date), rest),
        None => (None, rest),
    };
    let title = front.title.or_else(|| title_from_text(body));
    let date = front.date.or(date);
    let body = match body.len() == text.len() {
        true => text,
        false => body.to_string(),
    };
    Extracted { title, body, date }
}

/// Splits a leading `date YYYY-MM-DD` header off `text`: the date and the rest with its
/// leading whitespace trimmed; `None` when there is no valid header.
///
/// ```
/// use cerca_core::read::text::split_date_header;
///
/// let (date, rest) = split_date_header("\n date 2025-09-15\nTesto").unwrap();
/// assert_eq!((date.to_string().as_str(), rest), ("2025-09-15", "Testo"));
/// assert!(split_date_header("date 2025-13-40 Testo").is_none());
/// assert!(split_date_header("datere 2025-01-01").is_none());
/// ```
pub fn split_date_header(text: &str) -> Option<(time::Date, &str)> {
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    let after_word = strip_prefix_ignore_ascii_case(start, "date")?;
    let value = after_word.trim_start_matches([' ', '\t']);
    if value.len() == after_word.len() {
        return None; // "date" must be followed by blanks
    }
    let date = parse_date_prefix(value)?;
    let rest = value.get(10..)?;
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None; // e.g. "date 2025-09-15T10:00" or "2025-09-150"
    }
    Some((date, rest.trim_start()))
}

/// Parses a `YYYY-MM-DD` date at the start of `s` (whatever follows, as long as it is
/// not another digit): `2025-09-15`, `2025-09-15T10:00:00Z`, `2025-09-15 10:00`.
///
/// ```
/// use cerca_core::read::text::parse_date_prefix;
///
/// assert_eq!(parse_date_prefix("2025-09-15T10:00:00Z").map(|d| d.to_string()).as_deref(), Some("2025-09-15"));
/// assert!(parse_date_prefix("2025-02-30").is_none());
/// assert!(parse_date_prefix("15/09/2025").is_none());
/// ```
pub fn parse_date_prefix(s: &str) -> Option<time::Date> {
    let b = s.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(range)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    if b.get(10).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let year = i32::try_from(digits(0..4)?).ok()?;
    let month = time::Month::try_from(u8::try_from(digits(5..7)?).ok()?).ok()?;
    let day = u8::try_from(digits(8..10)?).ok()?;
    time::Date::from_calendar_date(year, month, day).ok()
}

/// A title from text: the first line with a letter or a digit (not a rule of
/// `---` or `***`, not a line of dot leaders); if longer than
/// [`TITLE_LONG_LINE_CHARS`], its first sentence (cut after the first `. `, `? ` or `! `
/// found past [`TITLE_MIN_SENTENCE_CHARS`], keeping the punctuation); in any case at
/// most [`TITLE_MAX_CHARS`], cut at a word boundary and ended by `…`.
///
/// ```
/// use cerca_core::read::text::title_from_text;
///
/// let long = "Il riavvicinamento tra Washington e Mosca passa da Minsk. Stando a quanto riportato dall'agenzia";
/// assert_eq!(title_from_text(long).as_deref(), Some("Il riavvicinamento tra Washington e Mosca passa da Minsk."));
/// assert_eq!(title_from_text("\n  \n Breve titolo \nresto").as_deref(), Some("Breve titolo"));
/// assert_eq!(title_from_text(" \n "), None);
/// ```
pub fn title_from_text(text: &str) -> Option<String> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|line| line.chars().any(char::is_alphanumeric))?;
    Some(title_from_line(line))
}

/// [`title_from_text`] for one (trimmed, non-blank) line.
pub(crate) fn title_from_line(line: &str) -> String {
    // Only the head of the line matters: keep the work bounded on huge lines.
    let head_end = line
        .char_indices()
        .nth(TITLE_MAX_CHARS.max(TITLE_LONG_LINE_CHARS) + 1)
        .map_or(line.len(), |(i, _)| i);
    let is_long = head_end < line.len() || line.chars().count() > TITLE_LONG_LINE_CHARS;
    let mut title = &line[..head_end];
    if is_long {
        if let Some(end) = first_sentence_end(title) {
            title = &title[..end];
        }
    }
    let title = collapse_whitespace(title);
    truncate_at_word(&title, TITLE_MAX_CHARS)
}

/// Byte index just past the punctuation of the first sentence end found after
/// [`TITLE_MIN_SENTENCE_CHARS`] characters.
fn first_sentence_end(s: &str) -> Option<usize> {
    let mut chars = s.char_indices().enumerate().peekable();
    while let Some((n, (i, c))) = chars.next() {
        if matches!(c, '.' | '?' | '!') && n + 1 >= TITLE_MIN_SENTENCE_CHARS {
            if let Some((_, (_, next))) = chars.peek() {
                if next.is_whitespace() {
                    return Some(i + c.len_utf8());
                }
            }
        }
    }
    None
}

/// Runs of whitespace become one space.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` characters, cut at the last word boundary (if one is not too far back)
/// and ended by `…` when something was cut.
pub(crate) fn truncate_at_word(s: &str, max: usize) -> String {
    let Some((cut, _)) = s.char_indices().nth(max) else {
        return s.to_string();
    };
    // Leave room for the ellipsis.
    let head = match s[..cut].char_indices().last() {
        Some((i, _)) => &s[..i],
        None => "",
    };
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space >= head.len() / 2 => &head[..space],
        _ => head,
    };
    let head = head
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '–'));
    format!("{head}…")
}

fn strip_prefix_ignore_ascii_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = " date 2025-09-15 Il riavvicinamento tra Washington e Mosca passa da Minsk. Stando a quanto riportato dall'agenzia di stampa Reuters, ufficiali militari statunitensi avrebbero assistito ieri alle esercitazioni.\n\nLa presenza degli ufficiali.";

    fn ymd(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn seed_article() {
        let x = extract_text(SEED.to_string());
        assert_eq!(x.date.map(|d| d.to_string()), ymd("2025-09-15"));
        assert_eq!(
            x.title.as_deref(),
            Some("Il riavvicinamento tra Washington e Mosca passa da Minsk.")
        );
        assert!(x.body.starts_with("Il riavvicinamento tra Washington"));
        assert!(x.body.ends_with("La presenza degli ufficiali."));
        assert!(!x.body.contains("2025-09-15"));
    }

    #[test]
    fn date_headers() {
        let x = extract_text("date 2025-13-40 Testo".to_string());
        assert_eq!(x.date, None);
        assert_eq!(x.body, "date 2025-13-40 Testo");
        let x = extract_text("DATE 2024-02-29\r\nTesto".replace("\r\n", "\n"));
        assert_eq!(x.date.map(|d| d.to_string()), ymd("2024-02-29"));
        assert_eq!(x.body, "Testo");
        let x = extract_text("date 2025-09-15".to_string());
        assert_eq!(x.date.map(|d| d.to_string()), ymd("2025-09-15"));
        assert_eq!((x.body.as_str(), x.title), ("", None));
        for no in [
            "date",
            "date ",
            "date 2025-09-1",
            "date 2025-09-15x a",
            "date2025-09-15 a",
            "x date 2025-09-15",
        ] {
            let x = extract_text(no.to_string());
            assert_eq!((x.date, x.body.as_str()), (None, no), "{no:?}");
        }
    }

    #[test]
    fn front_matter_gives_title_and_date_and_leaves_the_body() {
        let text = "---\ndescription: 'Altre informazioni su: C28272'\ntitle: Avviso C28272\nms.date: 11/04/2016\ndate: 2016-11-04\nf1_keywords:\n- C28272\n---\n\n# C28272\n\nIl testo.\n";
        let x = extract_text(text.to_string());
        assert_eq!(x.title.as_deref(), Some("Avviso C28272"));
        assert_eq!(x.date.map(|d| d.to_string()), ymd("2016-11-04"));
        assert!(x.body.starts_with("\n# C28272"), "{:?}", x.body);
        assert!(!x.body.contains("description"));
        // Without a title key: the first line of the body; the date header still counts.
        let x = extract_text("+++\nweight = 3\n+++\ndate 2025-01-02 Testo\n".to_string());
        assert_eq!(x.title.as_deref(), Some("Testo"));
        assert_eq!(x.date.map(|d| d.to_string()), ymd("2025-01-02"));
        // A rule that is not front matter stays text, and is no title.
        let text = "---\nUn paragrafo qualsiasi, non YAML.\n---\nAltro.\n";
        let x = extract_text(text.to_string());
        assert_eq!(x.body, text);
        assert_eq!(
            x.title.as_deref(),
            Some("Un paragrafo qualsiasi, non YAML.")
        );
    }

    #[test]
    fn parse_dates() {
        assert!(parse_date_prefix("2025-09-15").is_some());
        assert!(parse_date_prefix("2025-09-15 10:00").is_some());
        assert!(parse_date_prefix("2025-9-15").is_none());
        assert!(parse_date_prefix("2025-09-151").is_none());
        assert!(parse_date_prefix("+025-09-15").is_none());
        assert!(parse_date_prefix("2025-09-1é").is_none());
        assert!(parse_date_prefix("").is_none());
        assert!(parse_date_prefix("0000-01-01").is_some());
    }

    #[test]
    fn titles() {
        assert_eq!(title_from_text("").as_deref(), None);
        assert_eq!(
            title_from_text("Uno. Due. Tre.").as_deref(),
            Some("Uno. Due. Tre.")
        );
        // A long line without a sentence end: cut at a word, with an ellipsis.
        let long = "parola ".repeat(40);
        let t = title_from_text(&long).unwrap_or_default();
        assert!(t.ends_with("parola…"), "{t}");
        assert!(t.chars().count() <= TITLE_MAX_CHARS);
        // One giant word: hard cut.
        let t = title_from_text(&"x".repeat(1_000_000)).unwrap_or_default();
        assert_eq!(t.chars().count(), TITLE_MAX_CHARS);
        // Question marks end sentences too; short sentences do not count.
        let q = format!("Che cosa succede davvero a Minsk? {}", "altro ".repeat(20));
        assert_eq!(
            title_from_text(&q).as_deref(),
            Some("Che cosa succede davvero a Minsk?")
        );
        let s = format!("Sì. No. {}", "parola ".repeat(30));
        assert!(title_from_text(&s)
            .unwrap_or_default()
            .starts_with("Sì. No. parola"));
        // Multibyte characters around the cut never split a char.
        let m = "è".repeat(500);
        assert_eq!(
            title_from_text(&m).map(|t| t.chars().count()),
            Some(TITLE_MAX_CHARS)
        );
    }
}

//! HTML: `.html` and `.htm`, through `html5ever`'s tokenizer (no DOM is built).
//!
//! Encoding: a byte-order mark, else a `<meta charset>` / `<meta http-equiv=Content-Type>`
//! in the first [`CHARSET_SNIFF_LEN`] bytes (resolved by `encoding_rs`'s label rules),
//! else the shared detector of [`decode`]. One deviation from browsers, for robustness:
//! bytes that are valid, non-ASCII UTF-8 are read as UTF-8 whatever the page declares
//! (pages re-saved as UTF-8 often keep an old `iso-8859-1` meta).
//!
//! Body: the text outside `<head>`-only content, without `<script>`, `<style>`,
//! `<noscript>`, `<template>`, `<textarea>`, `<iframe>` contents; entities decoded;
//! whitespace collapsed; one line per block element (`<p>`, `<div>`, `<li>`, `<br>`,
//! headings, table cells…) so that words of adjacent blocks never glue together.
//!
//! Title: `<title>`, else the first `<h1>`. Date: the `YYYY-MM-DD` prefix of, by
//! preference, `<meta>` `article:published_time`, `date`, `dc.date`, `dc.date.issued`,
//! `pubdate`, `og:published_time`, `datePublished` (also as `itemprop` of `<time>`), a
//! JSON-LD `"datePublished"`, and as a last resort the first `<time datetime>`.
//!
//! Bounds: the text and the work are linear in the (size-limited) input. The tokenizer
//! keeps no stack (deep nesting costs nothing), our sink keeps counters; the one
//! quadratic step, `html5ever`'s duplicate check of a tag's attributes, is cut by
//! dropping the attributes of a tag past [`MAX_ATTRIBUTES`] first. The body
//! is at most the decoded text, itself at most three times the file's size.

mod attributes;

use std::cell::RefCell;

pub use self::attributes::MAX_ATTRIBUTES;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252, X_USER_DEFINED};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, EndTag, StartTag, Tag, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::text::{collapse_whitespace, parse_date_prefix, truncate_at_word, TITLE_MAX_CHARS};
use super::{decode, ExtractError, Extracted, Extractor};

/// How many leading bytes are searched for a `<meta>` charset declaration.
pub const CHARSET_SNIFF_LEN: usize = 4096;

/// Largest piece of text handed to the tokenizer at once (its buffers are 32-bit).
const FEED_CHUNK: usize = 1 << 20;

/// Extractor for HTML (`html`, `htm`).
///
/// ```
/// use cerca_core::read::{Extractor, HtmlExtractor};
///
/// let page = br#"<html><head><meta charset="windows-1252"><title>Il perch&eacute;</title>
/// <meta property="article:published_time" content="2025-09-15T10:00:00Z">
/// <script>var x = "<p>no</p>";</script></head>
/// <body><p>Citt&agrave; d&#8217;arte</p><p>l'altra</p></body></html>"#;
/// let x = HtmlExtractor.extract(page).unwrap();
/// assert_eq!(x.title.as_deref(), Some("Il perché"));
/// assert_eq!(x.date.map(|d| d.to_string()).as_deref(), Some("2025-09-15"));
/// assert_eq!(x.body, "Città d’arte\nl'altra\n");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct HtmlExtractor;

impl Extractor for HtmlExtractor {
    fn extensions(&self) -> &'static [&'static str] {
        &["html", "htm"]
    }

    fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
        Ok(extract_html(&decode_html(bytes)))
    }
}

/// Decodes an HTML document's bytes (see the module doc for the order of decisions).
///
/// ```
/// use cerca_core::read::html::decode_html;
///
/// let page = b"<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'>perch\xE9";
/// assert!(decode_html(page).ends_with("perché"));
/// ```
pub fn decode_html(bytes: &[u8]) -> String {
    if decode::bom(bytes).is_some() {
        return decode::decode(bytes);
    }
    match declared_encoding(bytes) {
        Some(encoding) if encoding != UTF_8 => {
            let valid_non_ascii_utf8 = !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok();
            if valid_non_ascii_utf8 {
                decode::decode(bytes)
            } else {
                decode::decode_as(bytes, encoding)
            }
        }
        // Declared UTF-8, or nothing declared: UTF-8 if valid, else the detector.
        _ => decode::decode(bytes),
    }
}

/// The encoding a `<meta>` declares in the first [`CHARSET_SNIFF_LEN`] bytes, if any
/// and known (UTF-16 labels mean UTF-8 and `x-user-defined` windows-1252, as in browsers).
///
/// ```
/// use cerca_core::read::html::declared_encoding;
///
/// assert_eq!(declared_encoding(b"<meta charset=latin1>"), Some(encoding_rs::WINDOWS_1252));
/// assert_eq!(declared_encoding(b"<p>nothing</p>"), None);
/// ```
pub fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(CHARSET_SNIFF_LEN)];
    // windows-1252 maps every byte to one char and keeps ASCII: tags read right whatever
    // the real encoding (ASCII-compatible ones, i.e. all that can declare themselves).
    let (head, _, _) = WINDOWS_1252.decode(head);
    let label = run(&head, true).charset?;
    let encoding = Encoding::for_label(label.trim().as_bytes())?;
    Some(if encoding == UTF_16LE || encoding == UTF_16BE {
        UTF_8
    } else if encoding == X_USER_DEFINED {
        WINDOWS_1252
    } else {
        encoding
    })
}

/// Title, body and date of an already decoded HTML document (see the module doc).
pub fn extract_html(html: &str) -> Extracted {
    let state = run(html, false);
    let title = state.title.or(state.h1);
    let date = state.dates.into_iter().flatten().next();
    Extracted {
        title,
        body: state.body,
        date,
    }
}

/// The text of an HTML document or fragment, as the body of [`extract_html`].
///
/// ```
/// use cerca_core::read::html::html_text;
///
/// assert_eq!(html_text("<p>a</p><p>b<br>c</p><div>d <b>e</b>f</div>"), "a\nb\nc\nd ef\n");
/// ```
pub fn html_text(html: &str) -> String {
    run(html, false).body
}

/// Runs the tokenizer over `html` and returns what the sink gathered. With
/// `charset_only`, stops collecting text (the sink still sees every tag).
fn run(html: &str, charset_only: bool) -> State {
    let html = attributes::limit_attributes(html);
    let html: &str = &html;
    let sink = Sink {
        state: RefCell::new(State {
            charset_only,
            ..State::default()
        }),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let queue = BufferQueue::default();
    let mut rest = html;
    while !rest.is_empty() {
        let mut cut = rest.len().min(FEED_CHUNK);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        queue.push_back(StrTendril::from_slice(&rest[..cut]));
        rest = &rest[cut..];
    }
    // Our sink never asks to pause for scripts, so one feed consumes everything.
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let mut state = tokenizer.sink.state.into_inner();
    state.flush_line();
    state
}

/// Date sources by preference (index in [`State::dates`]).
const DATE_META_NAMES: [&str; 7] = [
    "article:published_time",
    "date",
    "dc.date",
    "dc.date.issued",
    "pubdate",
    "og:published_time",
    "datepublished",
];
const DATE_JSON_LD: usize = DATE_META_NAMES.len();
const DATE_TIME_ELEMENT: usize = DATE_JSON_LD + 1;

#[derive(Default)]
struct State {
    charset_only: bool,
    charset: Option<String>,
    body: String,
    line: String,
    pending_space: bool,
    /// Inside an element whose text is skipped (`script`, `style`…), with its name.
    raw_skip: Option<&'static str>,
    json_ld: Option<String>,
    template_depth: usize,
    pre_depth: usize,
    svg_depth: usize,
    title_buf: Option<String>,
    title: Option<String>,
    h1_buf: Option<String>,
    h1: Option<String>,
    dates: [Option<time::Date>; DATE_TIME_ELEMENT + 1],
}

impl State {
    fn text(&mut self, text: &str) {
        if self.raw_skip.is_some() {
            if let Some(json) = self.json_ld.as_mut() {
                json.push_str(text);
            }
            return;
        }
        if let Some(title) = self.title_buf.as_mut() {
            title.push_str(text);
            return;
        }
        if self.template_depth > 0 || self.charset_only {
            return;
        }
        if let Some(h1) = self.h1_buf.as_mut() {
            h1.push_str(text);
        }
        for c in text.chars() {
            if c.is_whitespace() {
                if c == '\n' && self.pre_depth > 0 {
                    self.flush_line();
                } else {
                    self.pending_space = true;
                }
            } else {
                if self.pending_space && !self.line.is_empty() {
                    self.line.push(' ');
                }
                self.pending_space = false;
                self.line.push(c);
            }
        }
    }

    /// Ends the current line (block boundary).
    fn flush_line(&mut self) {
        if !self.line.is_empty() {
            self.body.push_str(&self.line);
            self.body.push('\n');
            self.line.clear();
        }
        self.pending_space = false;
    }

    fn set_date(&mut self, source: usize, value: &str) {
        if let Some(slot) = self.dates.get_mut(source) {
            if slot.is_none() {
                *slot = parse_date_prefix(value.trim());
            }
        }
    }

    fn meta(&mut self, tag: &Tag) {
        let content = attr(tag, "content");
        if self.charset.is_none() {
            if let Some(charset) = attr(tag, "charset") {
                self.charset = Some(charset.to_string());
            } else if attr(tag, "http-equiv")
                .is_some_and(|h| h.trim().eq_ignore_ascii_case("content-type"))
            {
                self.charset = content
                    .and_then(charset_from_content_type)
                    .map(str::to_string);
            }
        }
        let Some(content) = content else { return };
        for key in ["name", "property", "itemprop"] {
            if let Some(name) = attr(tag, key) {
                let name = name.trim();
                if let Some(source) = DATE_META_NAMES
                    .iter()
                    .position(|n| n.eq_ignore_ascii_case(name))
                {
                    self.set_date(source, content);
                }
            }
        }
    }

    fn time(&mut self, tag: &Tag) {
        let Some(datetime) = attr(tag, "datetime") else {
            return;
        };
        let source = if attr(tag, "itemprop")
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("datepublished"))
        {
            DATE_META_NAMES.len() - 1
        } else if attr(tag, "pubdate").is_some() {
            4
        } else {
            DATE_TIME_ELEMENT
        };
        self.set_date(source, datetime);
    }

    fn start_tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        match name {
            "script" => {
                let is_json_ld =
                    attr(tag, "type").is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"));
                self.json_ld = is_json_ld.then(String::new);
                self.raw_skip = Some("script");
                return TokenSinkResult::RawData(RawKind::ScriptData);
            }
            "style" | "noscript" | "xmp" | "iframe" | "noembed" | "noframes" => {
                self.raw_skip = Some(raw_name(name));
                return TokenSinkResult::RawData(RawKind::Rawtext);
            }
            "textarea" => {
                self.raw_skip = Some("textarea");
                return TokenSinkResult::RawData(RawKind::Rcdata);
            }
            "title" if self.svg_depth == 0 => {
                if self.title.is_none() {
                    self.title_buf = Some(String::new());
                } else {
                    self.raw_skip = Some("title");
                }
                return TokenSinkResult::RawData(RawKind::Rcdata);
            }
            "plaintext" => {
                self.flush_line();
                return TokenSinkResult::Plaintext;
            }
            "template" => self.template_depth += 1,
            "svg" if !tag.self_closing => self.svg_depth += 1,
            "meta" => self.meta(tag),
            "time" => self.time(tag),
            "pre" | "listing" => {
                self.flush_line();
                self.pre_depth += 1;
            }
            "h1" => {
                self.flush_line();
                if self.h1.is_none() && self.template_depth == 0 {
                    self.h1_buf = Some(String::new());
                }
            }
            _ if is_block(name) => self.flush_line(),
            _ => {}
        }
        TokenSinkResult::Continue
    }

    fn end_tag(&mut self, tag: &Tag) {
        let name: &str = &tag.name;
        if let Some(skipped) = self.raw_skip {
            if skipped == name {
                self.raw_skip = None;
                if let Some(json) = self.json_ld.take() {
                    if let Some(value) = json_ld_date_published(&json) {
                        self.set_date(DATE_JSON_LD, value);
                    }
                }
            }
            return;
        }
        match name {
            "title" => {
                if let Some(title) = self.title_buf.take() {
                    let title = collapse_whitespace(&title);
                    if !title.is_empty() {
                        self.title = Some(truncate_at_word(&title, TITLE_MAX_CHARS));
                    }
                }
            }
            "template" => self.template_depth = self.template_depth.saturating_sub(1),
            "svg" => self.svg_depth = self.svg_depth.saturating_sub(1),
            "pre" | "listing" => {
                self.flush_line();
                self.pre_depth = self.pre_depth.saturating_sub(1);
            }
            "h1" => {
                self.flush_line();
                if let Some(h1) = self.h1_buf.take() {
                    let h1 = collapse_whitespace(&h1);
                    if !h1.is_empty() {
                        self.h1 = Some(truncate_at_word(&h1, TITLE_MAX_CHARS));
                    }
                }
            }
            _ if is_block(name) => self.flush_line(),
            _ => {}
        }
    }
}

/// The `'static` name of a raw-text element (to match its end tag).
fn raw_name(name: &str) -> &'static str {
    match name {
        "style" => "style",
        "noscript" => "noscript",
        "xmp" => "xmp",
        "iframe" => "iframe",
        "noembed" => "noembed",
        _ => "noframes",
    }
}

/// Elements that start a new line of text (block-level and line-breaking elements).
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "br"
            | "button"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "optgroup"
            | "option"
            | "p"
            | "section"
            | "select"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
            | "video"
            | "audio"
            | "object"
            | "embed"
            | "canvas"
            | "math"
            | "svg"
    )
}

/// The value of an attribute (names are lower-cased by the tokenizer).
fn attr<'t>(tag: &'t Tag, name: &str) -> Option<&'t str> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
}

/// The `charset=` value of a `Content-Type` (`text/html; charset="utf-8"`).
fn charset_from_content_type(content: &str) -> Option<&str> {
    let lower = content.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = content.get(at + "charset".len()..)?.trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c == '"' || c == '\'' || c == ';' || c.is_whitespace())
        .unwrap_or(rest.len());
    let value = &rest[..end];
    (!value.is_empty()).then_some(value)
}

/// The string value of the first `"datePublished"` key in JSON-LD text (no JSON parser:
/// enough for the date prefix).
fn json_ld_date_published(json: &str) -> Option<&str> {
    let at = json.find("\"datePublished\"")?;
    let rest = json.get(at + "\"datePublished\"".len()..)?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    rest.strip_prefix('"')
}

struct Sink {
    state: RefCell<State>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line_number: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            Token::CharacterTokens(text) => state.text(&text),
            Token::TagToken(tag) if tag.kind == StartTag => return state.start_tag(&tag),
            Token::TagToken(tag) if tag.kind == EndTag => state.end_tag(&tag),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(x: &Extracted) -> Option<String> {
        x.date.map(|d| d.to_string())
    }

    #[test]
    fn blocks_do_not_glue() {
        assert_eq!(html_text("<p>a</p><p>b</p>"), "a\nb\n");
        assert_eq!(
            html_text("<ul><li>uno<li>due</ul><table><tr><td>x<td>y</table>"),
            "uno\ndue\nx\ny\n"
        );
        assert_eq!(html_text("per<b>ché</b> <i>no</i>"), "perché no\n");
        assert_eq!(
            html_text("<pre>riga 1\n  riga 2</pre>dopo"),
            "riga 1\nriga 2\ndopo\n"
        );
        assert_eq!(html_text("a&nbsp;&nbsp;b\n\t c"), "a b c\n");
    }

    #[test]
    fn skipped_elements() {
        let page =
            "<head><style>p{color:red}</style><script>if (a<b) { x('</p>') }</script></head>\
            <body><noscript>abilita js</noscript><template><p>modello</p></template>\
            <p>visibile</p><textarea>campo</textarea><script type=module>1</script>fine</body>";
        assert_eq!(html_text(page), "visibile\nfine\n");
    }

    #[test]
    fn entities() {
        assert_eq!(
            html_text("&egrave; &#8217; &#x2019; &amp; &lt;tag&gt; &eacute &copy;"),
            "è ’ ’ & <tag> é ©\n"
        );
    }

    #[test]
    fn titles() {
        let x = extract_html("<title>\n  Il   titolo &amp; altro </title><h1>H1</h1>");
        assert_eq!(x.title.as_deref(), Some("Il titolo & altro"));
        assert_eq!(x.body, "H1\n");
        let x = extract_html("<title> </title><body><h1>Primo <em>h1</em></h1><h1>Secondo</h1>");
        assert_eq!(x.title.as_deref(), Some("Primo h1"));
        let x = extract_html("<svg><title>icona</title></svg><p>testo");
        assert_eq!(x.title, None);
        let x = extract_html("<title>uno</title><title>due</title>");
        assert_eq!((x.title.as_deref(), x.body.as_str()), (Some("uno"), ""));
    }

    #[test]
    fn dates_by_preference() {
        let x = extract_html(
            "<time datetime=\"2020-01-01\">ieri</time><meta name=\"DC.date.issued\" content=\"2023-03-03\">\
             <meta property=\"article:published_time\" content=\"2025-09-15T10:00:00+02:00\">",
        );
        assert_eq!(date(&x).as_deref(), Some("2025-09-15"));
        let x = extract_html(
            "<meta name=date content=2024-13-01><time datetime='2020-01-02T00:00'>x</time>",
        );
        assert_eq!(date(&x).as_deref(), Some("2020-01-02"));
        let x = extract_html("<span itemprop=datePublished><time itemprop=\"datePublished\" datetime=\"2021-05-06\"></time></span><time datetime=2020-01-01></time>");
        assert_eq!(date(&x).as_deref(), Some("2021-05-06"));
        let x = extract_html("<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\", \"datePublished\" : \"2022-07-08T09:00:00Z\"}</script><p>t</p>");
        assert_eq!(
            (date(&x).as_deref(), x.body.as_str()),
            (Some("2022-07-08"), "t\n")
        );
        for name in ["date", "dc.date", "pubdate", "og:published_time"] {
            let x = extract_html(&format!("<meta name=\"{name}\" content=\"2019-02-03\">"));
            assert_eq!(date(&x).as_deref(), Some("2019-02-03"), "{name}");
        }
    }

    #[test]
    fn charsets() {
        assert_eq!(declared_encoding(b"<meta charset=\"utf-16\">"), Some(UTF_8));
        assert_eq!(
            declared_encoding(
                b"<META HTTP-EQUIV=\"content-type\" CONTENT=\"text/html;charset=windows-1252\">"
            ),
            Some(WINDOWS_1252)
        );
        assert_eq!(declared_encoding(b"<meta charset=\"bogus\">"), None);
        let mut late = vec![b' '; CHARSET_SNIFF_LEN];
        late.extend_from_slice(b"<meta charset=latin1>");
        assert_eq!(declared_encoding(&late), None);
        // Declared latin-1 but valid UTF-8: UTF-8 wins.
        assert_eq!(
            decode_html("<meta charset=iso-8859-1>città".as_bytes()),
            "<meta charset=iso-8859-1>città"
        );
        // Declared UTF-8 but Latin-1 bytes: the detector.
        assert!(
            decode_html(b"<meta charset=utf-8>Il perch\xE9 della citt\xE0")
                .ends_with("Il perché della città")
        );
        assert_eq!(
            charset_from_content_type("text/html; charset = 'koi8-r'"),
            Some("koi8-r")
        );
        assert_eq!(charset_from_content_type("text/html"), None);
    }

    #[test]
    fn odd_inputs() {
        for odd in [
            "",
            "<",
            "<p",
            "</",
            "<!--",
            "<script>",
            "<title>x",
            "&",
            "&#",
            "&#x;",
            "&#99999999999;",
            "\0<p>\0</p>",
            "<plaintext><p>a",
            "</template></svg></pre>",
        ] {
            let _ = extract_html(odd);
        }
        assert_eq!(html_text("<plaintext><p>a</p>"), "<p>a</p>\n");
        let big = "<p>".to_string() + &"parola ".repeat(400_000);
        assert_eq!(html_text(&big).len(), "parola ".len() * 400_000);
    }
}

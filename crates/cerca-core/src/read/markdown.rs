//! Markdown: `.md` and `.markdown`.
//!
//! Front matter at the very start, YAML-ish between `---` lines (closed by `---` or
//! `...`) or TOML between `+++` lines, gives `title` and `date` (read by hand: only
//! these top-level keys, plain or quoted values; the date is the `YYYY-MM-DD` prefix,
//! so `2025-09-15T10:00:00Z` works). The body is the text of the document as
//! `pulldown-cmark` parses it: text, code and link text, not URLs nor markup; blocks
//! end with a newline. Raw HTML blocks are reduced to their text. The title is the
//! front matter's, else the first heading's text, else derived from the first line of
//! the body. The date is the front matter's, else a `date YYYY-MM-DD` header as in
//! plain text.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::text::{
    collapse_whitespace, parse_date_prefix, split_date_header, title_from_text, truncate_at_word,
    TITLE_MAX_CHARS,
};
use super::{decode, ExtractError, Extracted, Extractor};

/// Extractor for markdown (`md`, `markdown`).
///
/// ```
/// use cerca_core::read::{Extractor, MarkdownExtractor};
///
/// let md = "---\ntitle: \"Il perché\"\ndate: 2025-09-15T10:00:00Z\n---\n# Titolo\n\nUn **grassetto** e [un link](https://example.com).\n";
/// let x = MarkdownExtractor.extract(md.as_bytes()).unwrap();
/// assert_eq!(x.title.as_deref(), Some("Il perché"));
/// assert_eq!(x.date.map(|d| d.to_string()).as_deref(), Some("2025-09-15"));
/// assert_eq!(x.body, "Titolo\nUn grassetto e un link.\n");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct MarkdownExtractor;

impl Extractor for MarkdownExtractor {
    fn extensions(&self) -> &'static [&'static str] {
        &["md", "markdown"]
    }

    fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
        Ok(extract_markdown(&decode::decode(bytes)))
    }
}

/// Title, body and date of already decoded markdown (see the module doc).
pub fn extract_markdown(text: &str) -> Extracted {
    let (front, content) = split_front_matter(text);
    let mut date = front.date;
    let content = match split_date_header(content) {
        Some((header_date, rest)) => {
            date = date.or(Some(header_date));
            rest
        }
        None => content,
    };
    let (body, heading) = markdown_text(content);
    let title = front.title.or(heading).or_else(|| title_from_text(&body));
    Extracted { title, body, date }
}

/// What the front matter declares.
#[derive(Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct FrontMatter {
    /// The `title` key, whitespace-collapsed, if not empty.
    pub title: Option<String>,
    /// The `date` key, if it starts with a valid `YYYY-MM-DD`.
    pub date: Option<time::Date>,
}

/// Splits the front matter (YAML `---` or TOML `+++`) off the start of `text`. Without a
/// complete front matter block, returns an empty [`FrontMatter`] and `text` unchanged.
///
/// ```
/// use cerca_core::read::markdown::split_front_matter;
///
/// let (front, rest) = split_front_matter("+++\ntitle = 'Ciao'\ndate = 2025-09-15\n+++\nTesto");
/// assert_eq!(front.title.as_deref(), Some("Ciao"));
/// assert_eq!(rest, "Testo");
/// ```
pub fn split_front_matter(text: &str) -> (FrontMatter, &str) {
    let text_start = text.trim_start_matches('\u{FEFF}');
    let mut lines = LinesWithEnds::new(text_start);
    let Some(first) = lines.next() else {
        return (FrontMatter::default(), text);
    };
    let (toml, closers): (bool, &[&str]) = match first.trim_end() {
        "---" => (false, &["---", "..."]),
        "+++" => (true, &["+++"]),
        _ => return (FrontMatter::default(), text),
    };
    let mut front = FrontMatter::default();
    for line in lines.by_ref() {
        if closers.contains(&line.trim_end()) {
            return (front, lines.rest());
        }
        // Only top-level keys: indented lines belong to nested values.
        if line.starts_with(char::is_whitespace) || line.starts_with(['#', '-', '[']) {
            continue;
        }
        let separator = if toml { '=' } else { ':' };
        let Some((key, value)) = line.split_once(separator).filter(|(key, value)| {
            is_front_matter_key(key)
                && (toml || value.is_empty() || value.starts_with(char::is_whitespace))
        }) else {
            // Prose between two rules (`---`) is no front matter.
            return (FrontMatter::default(), text);
        };
        let key = key.trim().trim_matches(['"', '\'']);
        let value = front_matter_value(value, toml);
        if key.eq_ignore_ascii_case("title") && front.title.is_none() {
            let title = collapse_whitespace(&value);
            if !title.is_empty() {
                front.title = Some(truncate_at_word(&title, TITLE_MAX_CHARS));
            }
        } else if key.eq_ignore_ascii_case("date") && front.date.is_none() {
            front.date = parse_date_prefix(&value);
        }
    }
    // Never closed: not front matter (e.g. a thematic break).
    (FrontMatter::default(), text)
}

/// A key as YAML and TOML front matter write them: a name, maybe quoted or dotted.
fn is_front_matter_key(key: &str) -> bool {
    let key = key.trim();
    !key.is_empty()
        && key.chars().count() <= 60
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' ' | '"' | '\''))
}

/// A scalar value: quoted (`"…"` with simple escapes, `'…'` with `''`), or plain up to a
/// ` #` comment.
fn front_matter_value(raw: &str, toml: bool) -> String {
    let raw = raw.trim();
    let mut chars = raw.chars();
    match chars.next() {
        Some('"') => {
            let mut out = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('n') => out.push('\n'),
                        Some('t') => out.push('\t'),
                        Some(other) => out.push(other),
                        None => break,
                    },
                    c => out.push(c),
                }
            }
            out
        }
        Some('\'') => {
            let inner = &raw[1..];
            if toml {
                inner.split('\'').next().unwrap_or_default().to_string()
            } else {
                let mut out = String::new();
                let mut rest = inner;
                loop {
                    match rest.find('\'') {
                        Some(i) if rest[i + 1..].starts_with('\'') => {
                            out.push_str(&rest[..=i]);
                            rest = &rest[i + 2..];
                        }
                        Some(i) => {
                            out.push_str(&rest[..i]);
                            break;
                        }
                        None => {
                            out.push_str(rest);
                            break;
                        }
                    }
                }
                out
            }
        }
        _ => {
            let end = raw.find(" #").unwrap_or(raw.len());
            raw[..end].trim().to_string()
        }
    }
}

/// The text of markdown (see the module doc) and the text of its first heading.
fn markdown_text(markdown: &str) -> (String, Option<String>) {
    let markdown = without_fenced_divs(markdown);
    let (body, heading) = commonmark_text(&markdown);
    (
        without_attributes(&body),
        heading.map(|h| without_attributes(&h)),
    )
}

/// Pandoc's and Quarto's fenced divs (`::: {.nota}` … `:::`): their fences are
/// markup, their content text.
fn without_fenced_divs(markdown: &str) -> std::borrow::Cow<'_, str> {
    let is_fence = |line: &str| line.trim_start().starts_with(":::");
    if !markdown.lines().any(is_fence) {
        return markdown.into();
    }
    let mut kept = String::with_capacity(markdown.len());
    for line in markdown.lines().filter(|line| !is_fence(line)) {
        kept.push_str(line);
        kept.push('\n');
    }
    kept.into()
}

/// Attribute lists of pandoc, kramdown and Quarto (`{#id .classe key=val}`,
/// `{:.classe}`) after spans, images and headings: markup, not text.
fn without_attributes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let candidate = &rest[open + 1..];
        let is_attributes = candidate.starts_with(['#', '.', ':'])
            && candidate
                .find(['}', '{', '\n'])
                .is_some_and(|end| candidate.as_bytes()[end] == b'}' && end > 1);
        if is_attributes {
            let end = candidate.find('}').unwrap_or(0);
            match rest[..open].strip_suffix(']') {
                // A bracketed span, `[testo]{.classe}`: its brackets go too.
                Some(span) => {
                    out.push_str(span);
                    if let Some(bracket) = out.rfind('[') {
                        out.remove(bracket);
                    }
                }
                None => out.push_str(&rest[..open]),
            }
            rest = &candidate[end + 1..];
        } else {
            out.push_str(&rest[..=open]);
            rest = candidate;
        }
    }
    out.push_str(rest);
    out
}

/// The text of CommonMark (with tables, footnotes…) and of its first heading.
fn commonmark_text(markdown: &str) -> (String, Option<String>) {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_DEFINITION_LIST;
    let mut body = String::with_capacity(markdown.len());
    let mut heading: Option<String> = None;
    let mut in_heading: Option<String> = None;
    let mut html_block: Option<String> = None;

    let push = |body: &mut String, in_heading: &mut Option<String>, s: &str| {
        body.push_str(s);
        if let Some(h) = in_heading.as_mut() {
            h.push_str(s);
        }
    };

    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                push(&mut body, &mut in_heading, &t);
            }
            Event::SoftBreak => push(&mut body, &mut in_heading, " "),
            Event::HardBreak => push(&mut body, &mut in_heading, "\n"),
            Event::Html(h) => {
                if let Some(block) = html_block.as_mut() {
                    block.push_str(&h);
                }
            }
            // Inline tags (`<b>`) are dropped; their inner text comes as Text events.
            Event::InlineHtml(_) | Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
            Event::Rule => end_block(&mut body),
            Event::Start(Tag::Heading { .. }) => {
                end_block(&mut body);
                in_heading = Some(String::new());
            }
            Event::Start(Tag::HtmlBlock) => html_block = Some(String::new()),
            Event::Start(Tag::TableCell) => {
                if !body.is_empty() && !body.ends_with(['\n', ' ']) {
                    body.push(' ');
                }
            }
            Event::Start(_) => {}
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(block) = html_block.take() {
                    let text = html_block_text(&block);
                    if !text.is_empty() {
                        end_block(&mut body);
                        body.push_str(&text);
                        end_block(&mut body);
                    }
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = in_heading.take() {
                    let h = collapse_whitespace(&h);
                    if heading.is_none() && !h.is_empty() {
                        heading = Some(truncate_at_word(&h, TITLE_MAX_CHARS));
                    }
                }
                end_block(&mut body);
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::Item
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition,
            ) => end_block(&mut body),
            Event::End(_) => {}
        }
    }
    (body, heading)
}

/// Ends the current block with a newline (once).
fn end_block(body: &mut String) {
    if !body.is_empty() && !body.ends_with('\n') {
        body.push('\n');
    }
}

/// `str::lines`, but keeping track of where the unread rest starts.
struct LinesWithEnds<'a> {
    rest: &'a str,
}

impl<'a> LinesWithEnds<'a> {
    fn new(text: &'a str) -> Self {
        LinesWithEnds { rest: text }
    }

    fn rest(&self) -> &'a str {
        self.rest
    }
}

impl<'a> Iterator for LinesWithEnds<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        let (line, rest) = match self.rest.find('\n') {
            Some(i) => (&self.rest[..i], &self.rest[i + 1..]),
            None => (self.rest, ""),
        };
        self.rest = rest;
        Some(line.strip_suffix('\r').unwrap_or(line))
    }
}

/// The text of an HTML block of Markdown: as the HTML reader reads HTML, or,
/// in a build without the `html` feature, none (its tags are no text to index).
fn html_block_text(block: &str) -> String {
    #[cfg(feature = "html")]
    return super::html::html_text(block);
    #[cfg(not(feature = "html"))]
    {
        let _ = block;
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pandoc_and_kramdown_markup_is_not_text() {
        let md = "# Introduzione {#intro .unnumbered}\n\n::: {.callout-note}\nUna [nota]{.smallcaps} importante.\n:::\n\nTesto{: .classe} e `codice {x}` e {1, 2}.\n";
        let x = extract_markdown(md);
        assert_eq!(x.title.as_deref(), Some("Introduzione"));
        assert_eq!(
            x.body,
            "Introduzione\nUna nota importante.\nTesto e codice {x} e {1, 2}.\n"
        );
    }

    fn date(x: &Extracted) -> Option<String> {
        x.date.map(|d| d.to_string())
    }

    #[test]
    fn yaml_front_matter() {
        let x = extract_markdown(
            "---\ntitle: 'L''altra città'\ndate: \"2025-09-15\"\ntags:\n  - a\n  title: no\n---\n\nTesto.\n",
        );
        assert_eq!(x.title.as_deref(), Some("L'altra città"));
        assert_eq!(date(&x).as_deref(), Some("2025-09-15"));
        assert_eq!(x.body, "Testo.\n");
        let x = extract_markdown("---\ndate: 2025-09-15T10:00:00Z # pubblicato\ntitle: Senza virgolette # commento\n...\nTesto");
        assert_eq!(x.title.as_deref(), Some("Senza virgolette"));
        assert_eq!(date(&x).as_deref(), Some("2025-09-15"));
    }

    #[test]
    fn toml_front_matter() {
        let x = extract_markdown(
            "+++\ntitle = \"Il \\\"perché\\\"\"\ndate = 2025-09-15T10:00:00Z\n+++\n# Altro\n",
        );
        assert_eq!(x.title.as_deref(), Some("Il \"perché\""));
        assert_eq!(date(&x).as_deref(), Some("2025-09-15"));
        assert_eq!(x.body, "Altro\n");
    }

    #[test]
    fn unclosed_or_odd_front_matter() {
        let x = extract_markdown("---\ntitle: X\n\nTesto");
        assert_eq!(x.title.as_deref(), Some("title: X"));
        let x = extract_markdown("---\ndate: 2025-13-01\ntitle:\n---\n## Primo titolo\ntesto");
        assert_eq!((x.title.as_deref(), x.date), (Some("Primo titolo"), None));
        let x = extract_markdown("---\n---\n");
        assert_eq!(x, Extracted::default());
        let x = extract_markdown("---");
        assert_eq!(x.title, None);
    }

    #[test]
    #[cfg(feature = "html")]
    fn body_without_markup() {
        let x = extract_markdown(
            "Intro **grassetto** _corsivo_ `codice` [testo del link](https://example.com/url \"t\") ![alt](img.png)\n\n> citazione\n\n- uno\n- due\n\n```\nfn main() {}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<div class=\"x\">\n<p>dentro &egrave; html</p>\n</div>\n",
        );
        assert_eq!(
            x.body,
            "Intro grassetto corsivo codice testo del link alt\ncitazione\nuno\ndue\nfn main() {}\na b\n1 2\ndentro è html\n"
        );
        assert!(!x.body.contains("example.com"));
        assert_eq!(
            x.title.as_deref(),
            Some("Intro grassetto corsivo codice testo del link alt")
        );
    }

    #[test]
    fn title_and_date_fallbacks() {
        let x = extract_markdown("date 2025-09-15\nPrima riga\n\n# Titolo *vero*\n");
        assert_eq!(x.title.as_deref(), Some("Titolo vero"));
        assert_eq!(date(&x).as_deref(), Some("2025-09-15"));
        assert_eq!(x.body, "Prima riga\nTitolo vero\n");
        let x = extract_markdown("Setext\n======\n\ntesto");
        assert_eq!(x.title.as_deref(), Some("Setext"));
        let x = extract_markdown("");
        assert_eq!(x, Extracted::default());
    }
}

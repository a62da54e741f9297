//! Documents as xmlpipe2, and the characters Sphinx reads as letters.

use crate::analysis::fold_accents;
use crate::export::{day_seconds, document_id, instant_seconds};
use crate::Document;

/// The schema every shard's data starts with.
pub(crate) const HEADER: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<sphinx:docset>
<sphinx:schema>
<sphinx:field name="title" attr="string"/>
<sphinx:field name="body"/>
<sphinx:field name="path" attr="string"/>
<sphinx:attr name="kind" type="string"/>
<sphinx:attr name="has_date" type="bool"/>
<sphinx:attr name="date" type="bigint"/>
<sphinx:attr name="modified" type="bigint"/>
<sphinx:attr name="size" type="bigint"/>
</sphinx:schema>
"#;

/// What ends a shard's data.
pub(crate) const FOOTER: &str = "</sphinx:docset>\n";

/// The longest body exported, in bytes: the configuration lets the indexer
/// take fields of up to 16 MiB, and escaping can grow a text.
pub(crate) const MAX_BODY_BYTES: usize = 8 << 20;

/// Appends one document; says whether its body was cut to [`MAX_BODY_BYTES`].
pub(crate) fn write_document(out: &mut String, document: &Document) -> bool {
    let mut body = document.body.as_str();
    let cut = body.len() > MAX_BODY_BYTES;
    if cut {
        let mut end = MAX_BODY_BYTES;
        while !body.is_char_boundary(end) {
            end -= 1;
        }
        body = &body[..end];
    }
    let (has_date, date) = match document.date {
        Some(day) => (1, day_seconds(day)),
        None => (0, 0),
    };
    out.push_str(&format!(
        "<sphinx:document id=\"{}\">\n<title>",
        document_id(&document.path)
    ));
    push_escaped(out, &document.title);
    out.push_str("</title>\n<body>");
    push_escaped(out, body);
    out.push_str("</body>\n<path>");
    push_escaped(out, &document.path.to_string_lossy());
    out.push_str("</path>\n<kind>");
    push_escaped(out, &document.kind);
    out.push_str(&format!(
        "</kind>\n<has_date>{has_date}</has_date><date>{date}</date><modified>{}</modified><size>{}</size>\n</sphinx:document>\n",
        instant_seconds(document.modified),
        document.size
    ));
    cut
}

/// XML text: markup characters escaped, characters XML cannot hold (most
/// control characters, noncharacters) as spaces.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}' => out.push(' '),
            c => out.push(c),
        }
    }
}

/// Sphinx's `charset_table`: digits, and the letters of the Latin, Greek and
/// Cyrillic scripts, each mapped to its lower-case form without accents (as
/// cerca folds them). Every other character separates words.
///
/// ```
/// let table = cerca_core::export::sphinx::charset_table();
/// assert!(table.contains("U+E0->U+61"), "à is read as a");
/// assert!(table.contains("U+41->U+61"), "A is read as a");
/// ```
pub fn charset_table() -> String {
    let ranges = [
        ('0', '9'),
        ('A', 'Z'),
        ('a', 'z'),
        ('\u{c0}', '\u{24f}'),
        ('\u{370}', '\u{3ff}'),
        ('\u{400}', '\u{4ff}'),
    ];
    let mut entries = Vec::new();
    for (first, last) in ranges {
        for c in first..=last {
            if !c.is_alphanumeric() {
                continue;
            }
            let lower: String = c.to_lowercase().collect();
            let folded = fold_accents(&lower);
            let mut chars = folded.chars();
            let target = match (chars.next(), chars.next()) {
                (Some(one), None) => one,
                // `ß`, `İ`: no single letter to fold to; kept as written.
                _ => c,
            };
            entries.push(if target == c {
                format!("U+{:X}", u32::from(c))
            } else {
                format!("U+{:X}->U+{:X}", u32::from(c), u32::from(target))
            });
        }
    }
    // One entry per line (`\` continues a value in Sphinx's configuration).
    entries.join(", \\\n    ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        let mut out = String::new();
        push_escaped(&mut out, "a<b>&c\u{1b}[2J\u{0}d\n");
        assert_eq!(out, "a&lt;b&gt;&amp;c [2J d\n");
    }

    #[test]
    fn a_long_body_is_cut_at_a_character_boundary() {
        let body = "è".repeat(MAX_BODY_BYTES);
        let mut out = String::new();
        assert!(write_document(
            &mut out,
            &Document::new("/a.txt", "t", body)
        ));
        assert!(out.len() < MAX_BODY_BYTES + 1000);
    }

    #[test]
    fn every_character_is_mapped_once() {
        let table = charset_table();
        let mut sources: Vec<&str> = table
            .split(", \\\n    ")
            .map(|entry| entry.split("->").next().unwrap_or(entry))
            .collect();
        let all = sources.len();
        sources.sort();
        sources.dedup();
        assert_eq!(all, sources.len());
        assert!(table.contains("U+C8->U+65"), "È is read as e");
    }
}

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
pub const MAX_BODY_BYTES: usize = 8 << 20;

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

/// Sphinx's `charset_table`: digits and letters of every alphabetic script
/// up to U+1FFF (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Indic
/// scripts, Thai, Georgian…), Hangul syllables, and `_` (it joins words in
/// cerca, as in Unicode); each cased letter mapped to its lower-case form
/// without accents (as cerca folds them). Every other character separates
/// words, but [`ngram_chars`]'s and [`ignore_chars`]'s.
///
/// ```
/// let table = cerca_core::export::sphinx::charset_table();
/// assert!(table.contains("U+E0->U+61"), "à is read as a");
/// assert!(table.contains("U+41->U+61"), "A is read as a");
/// ```
pub fn charset_table() -> String {
    let scanned = ('0'..='9')
        .chain('A'..='Z')
        .chain(std::iter::once('_'))
        .chain('a'..='z')
        .chain('\u{c0}'..='\u{1fff}')
        .chain('\u{ac00}'..='\u{d7a3}');
    let mut entries = Vec::new();
    // Characters read as themselves, in runs of consecutive ones.
    let mut run: Option<(char, char)> = None;
    let flush = |run: &mut Option<(char, char)>, entries: &mut Vec<String>| {
        if let Some((first, last)) = run.take() {
            entries.push(match first == last {
                true => format!("U+{:X}", u32::from(first)),
                false => format!("U+{:X}..U+{:X}", u32::from(first), u32::from(last)),
            });
        }
    };
    for c in scanned {
        // Combining accents are `ignore_chars` (one, U+345, is alphabetic).
        if !(c.is_alphanumeric() || c == '_') || ('\u{300}'..='\u{36f}').contains(&c) {
            flush(&mut run, &mut entries);
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
        if target == c {
            match &mut run {
                Some((_, last)) if u32::from(*last) + 1 == u32::from(c) => *last = c,
                _ => {
                    flush(&mut run, &mut entries);
                    run = Some((c, c));
                }
            }
        } else {
            flush(&mut run, &mut entries);
            entries.push(format!("U+{:X}->U+{:X}", u32::from(c), u32::from(target)));
        }
    }
    flush(&mut run, &mut entries);
    // One entry per line (`\` continues a value in Sphinx's configuration).
    entries.join(", \\\n    ")
}

/// Characters each indexed as a word of its own (Sphinx's `ngram_chars`, with
/// `ngram_len = 1`): Chinese and Japanese ideographs and kana, which cerca's
/// Unicode word breaking also takes one by one.
pub fn ngram_chars() -> &'static str {
    "U+3040..U+30FF, U+3400..U+4DBF, U+4E00..U+9FFF, U+F900..U+FAFF"
}

/// Characters dropped from words (Sphinx's `ignore_chars`): combining accents
/// (`e` + U+0301 is read as `e`, as cerca folds `é`), the soft hyphen.
pub fn ignore_chars() -> &'static str {
    "U+AD, U+300..U+36F"
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

    /// The characters an entry of the table covers.
    fn covered(entry: &str) -> Vec<u32> {
        let source = entry.split("->").next().unwrap_or(entry);
        let code =
            |text: &str| u32::from_str_radix(text.trim().trim_start_matches("U+"), 16).unwrap();
        match source.split_once("..") {
            Some((first, last)) => (code(first)..=code(last)).collect(),
            None => vec![code(source)],
        }
    }

    #[test]
    fn every_character_is_mapped_once_and_ignored_ones_are_not() {
        let table = charset_table();
        let mut sources: Vec<u32> = table.split(", \\\n    ").flat_map(covered).collect();
        let all = sources.len();
        sources.sort();
        sources.dedup();
        assert_eq!(all, sources.len());
        for entry in ignore_chars().split(", ").chain(ngram_chars().split(", ")) {
            for c in covered(entry) {
                assert!(sources.binary_search(&c).is_err(), "U+{c:X} twice");
            }
        }
        assert!(table.contains("U+C8->U+65"), "È is read as e");
        for letter in ['م', 'ש', 'ж', 'ก', 'अ', '_', '한'] {
            assert!(
                sources.binary_search(&u32::from(letter)).is_ok(),
                "{letter}"
            );
        }
    }
}

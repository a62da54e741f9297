//! RTF: `.rtf`, through a small tokenizer of RTF control words written here.
//!
//! Why not a crate: the one RTF parser on crates.io, `rtf-parser` (0.4), reads `\'hh`
//! escapes as Latin-1 code points and ignores `\ansicpg`, so the `\'92` apostrophe of
//! windows-1252 — the one Word writes in `l\'92universit\'e0` — would come out as a C1
//! control and break Italian elisions; it also wants valid UTF-8 input, builds the whole
//! token list in memory and can panic on unpaired `\u` surrogates. Reading text out of RTF
//! only takes a tokenizer and a stack of group states, kept here (no external program).
//!
//! What is read: the text of the body, then of the footnotes (taken out of their sentence
//! so as not to cut it). `\par`, `\line`, `\sect`, `\page`, `\row` and `\cell` end lines;
//! `\tab` and non-breaking spaces are spaces. Characters: `\'hh` bytes in the document's
//! code page (`\ansicpg`, default windows-1252; `\mac` too; `\pc`/`\pca`, DOS code pages
//! encoding_rs lacks, read as windows-1252); raw 8-bit bytes likewise, or as UTF-8 when the
//! whole file is valid UTF-8 (some writers do that); `\uN` Unicode escapes (negative values
//! and surrogate pairs included) with their `\ucN` fallback characters skipped; the usual
//! symbol words (`\emdash`, `\rquote`…). Skipped destinations: `\fonttbl`, `\colortbl`,
//! `\stylesheet`, `\info`, pictures, objects, headers and footers, field instructions (the
//! field's result is kept) and every `{\*\…}` group; `\binN` data is stepped over. From
//! `\info`, `\title` gives the title (else the first line of the body, as for plain text)
//! and `\creatim` the date.
//!
//! A file that does not start with `{\rtf`, that nests groups deeper than
//! [`MAX_GROUP_DEPTH`] or that ends with groups left open (truncated) is malformed.

use encoding_rs::{Encoding, MACINTOSH, UTF_8, WINDOWS_1252};

use super::lines::Lines;
use super::text::title_from_text;
use super::{ExtractError, Extracted, Extractor};

/// Deepest nesting of `{…}` groups accepted.
pub const MAX_GROUP_DEPTH: usize = 1024;

/// Extractor for RTF documents (`rtf`).
///
/// ```
/// use cerca_core::read::{Extractor, RtfExtractor};
///
/// let rtf = br"{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Arial;}}{\info{\title Il perch\'e9}}
/// L\'92universit\'e0 di citt\u224? \'e8 pi\'f9 bella.\par Fine}";
/// let x = RtfExtractor.extract(rtf).unwrap();
/// assert_eq!(x.title.as_deref(), Some("Il perché"));
/// assert_eq!(x.body, "L\u{2019}università di città è più bella.\nFine\n");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct RtfExtractor;

impl Extractor for RtfExtractor {
    fn extensions(&self) -> &'static [&'static str] {
        &["rtf"]
    }

    fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
        let parsed = parse(bytes).map_err(|reason| ExtractError::Malformed {
            format: "rtf",
            reason,
        })?;
        let body = parsed.body.finish();
        let title = parsed
            .title
            .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|t| !t.is_empty())
            .or_else(|| title_from_text(&body));
        Ok(Extracted {
            title,
            body,
            date: parsed.date,
        })
    }
}

/// Where the text of a group goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dest {
    Body,
    Skip,
    /// Inside `\info`: skipped, except for `\title` and `\creatim`.
    Info,
    Title,
    Created,
    /// Footnotes: gathered apart and added after the body.
    Note,
}

#[derive(Debug, Clone, Copy)]
struct Group {
    dest: Dest,
    /// `\ucN`: how many fallback characters follow a `\uN`.
    uc: usize,
}

struct Parser<'a> {
    input: &'a [u8],
    pos: usize,
    encoding: &'static Encoding,
    stack: Vec<Group>,
    group: Group,
    /// Bytes of text waiting to be decoded, raw or from `\'hh` escapes.
    pending: Vec<u8>,
    pending_raw: bool,
    /// Raw 8-bit bytes are UTF-8 when the whole file is valid, non-ASCII UTF-8 (some
    /// writers do that); else they are in the code page, like `\'hh` escapes.
    raw_utf8: bool,
    /// Fallback characters still to skip after a `\uN`.
    skip_chars: usize,
    /// A high surrogate waiting for its low half.
    high_surrogate: Option<u16>,
    body: Lines,
    notes: Lines,
    title: Option<String>,
    created: [Option<i32>; 3],
}

struct Parsed {
    body: Lines,
    title: Option<String>,
    date: Option<time::Date>,
}

fn parse(input: &[u8]) -> Result<Parsed, String> {
    let start = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    let input = input.get(start..).unwrap_or_default();
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    if !input.starts_with(b"{\\rtf") {
        return Err("not an RTF document (no {\\rtf header)".to_string());
    }
    let mut parser = Parser {
        input,
        pos: 0,
        encoding: WINDOWS_1252,
        stack: Vec::new(),
        group: Group {
            dest: Dest::Body,
            uc: 1,
        },
        pending: Vec::new(),
        pending_raw: false,
        raw_utf8: !input.is_ascii() && std::str::from_utf8(input).is_ok(),
        skip_chars: 0,
        high_surrogate: None,
        body: Lines::default(),
        notes: Lines::default(),
        title: None,
        created: [None; 3],
    };
    parser.run()?;
    let [year, month, day] = parser.created;
    let date = match (year, month, day) {
        (Some(y), Some(m), Some(d)) => u8::try_from(m)
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .and_then(|m| time::Date::from_calendar_date(y, m, u8::try_from(d).ok()?).ok()),
        _ => None,
    };
    let mut body = parser.body;
    body.append(&parser.notes.finish());
    Ok(Parsed {
        body,
        title: parser.title,
        date,
    })
}

impl Parser<'_> {
    fn run(&mut self) -> Result<(), String> {
        // The header's `{` opens the document group: depth 1 from there on.
        while let Some(&b) = self.input.get(self.pos) {
            self.pos += 1;
            match b {
                b'{' => {
                    self.flush();
                    if self.stack.len() >= MAX_GROUP_DEPTH {
                        return Err(format!("groups nested deeper than {MAX_GROUP_DEPTH}"));
                    }
                    self.stack.push(self.group);
                    self.skip_chars = 0;
                }
                b'}' => {
                    self.flush();
                    self.skip_chars = 0;
                    match self.stack.pop() {
                        Some(outer) => {
                            if self.group.dest == Dest::Note && outer.dest != Dest::Note {
                                self.notes.end_line();
                            }
                            self.group = outer;
                        }
                        None => break,
                    }
                    if self.stack.is_empty() {
                        return Ok(()); // end of the document group
                    }
                }
                b'\\' => self.control()?,
                b'\r' | b'\n' => {}
                b'\t' => self.special(' '),
                _ => self.byte(b, true),
            }
        }
        self.flush();
        if self.stack.is_empty() {
            Ok(())
        } else {
            Err(format!("truncated: {} groups left open", self.stack.len()))
        }
    }

    /// A byte of text, raw or from `\'hh` (see [`Parser::raw_utf8`]).
    fn byte(&mut self, b: u8, raw: bool) {
        if self.skip_chars > 0 {
            self.skip_chars -= 1;
            return;
        }
        if self.group.dest != Dest::Skip && self.group.dest != Dest::Info {
            let raw = raw && self.raw_utf8;
            if raw != self.pending_raw {
                self.flush();
                self.pending_raw = raw;
            }
            self.high_surrogate = None;
            self.pending.push(b);
        }
    }

    /// A character given directly (symbol words, `\uN`).
    fn special(&mut self, c: char) {
        if self.skip_chars > 0 {
            self.skip_chars -= 1;
            return;
        }
        self.flush();
        self.emit_char(c);
    }

    fn emit_char(&mut self, c: char) {
        match self.group.dest {
            Dest::Body => self.body.char(c),
            Dest::Title => self.title.get_or_insert_with(String::new).push(c),
            Dest::Note => self.notes.char(c),
            Dest::Skip | Dest::Info | Dest::Created => {}
        }
    }

    fn emit_str(&mut self, s: &str) {
        match self.group.dest {
            Dest::Body => self.body.text(s),
            Dest::Title => self.title.get_or_insert_with(String::new).push_str(s),
            Dest::Note => self.notes.text(s),
            Dest::Skip | Dest::Info | Dest::Created => {}
        }
    }

    /// Decodes the pending code-page bytes.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.pending);
        let encoding = if self.pending_raw {
            UTF_8
        } else {
            self.encoding
        };
        let (text, _) = encoding.decode_without_bom_handling(&bytes);
        self.emit_str(&text);
    }

    /// After a backslash.
    fn control(&mut self) -> Result<(), String> {
        let Some(&c) = self.input.get(self.pos) else {
            return Ok(());
        };
        if !c.is_ascii_alphabetic() {
            self.pos += 1;
            return self.symbol(c);
        }
        let start = self.pos;
        while self
            .input
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_alphabetic())
            && self.pos - start < 32
        {
            self.pos += 1;
        }
        let word = &self.input[start..self.pos];
        let mut param: Option<i64> = None;
        let negative = self.input.get(self.pos) == Some(&b'-')
            && self.input.get(self.pos + 1).is_some_and(u8::is_ascii_digit);
        if negative {
            self.pos += 1;
        }
        let digits_start = self.pos;
        while self.input.get(self.pos).is_some_and(u8::is_ascii_digit)
            && self.pos - digits_start < 10
        {
            let digit = i64::from(self.input[self.pos] - b'0');
            param = Some(param.unwrap_or(0) * 10 + digit);
            self.pos += 1;
        }
        let param = param.map(|p| if negative { -p } else { p });
        if self.input.get(self.pos) == Some(&b' ') {
            self.pos += 1; // the delimiter space belongs to the word
        }
        self.word(word, param);
        Ok(())
    }

    /// A control symbol: `\'hh`, `\\`, `\{`, `\}`, `\~`, `\-`, `\_`, `\*`, `\<newline>`.
    fn symbol(&mut self, c: u8) -> Result<(), String> {
        match c {
            b'\'' => {
                let hex = |b: Option<&u8>| b.and_then(|&b| char::from(b).to_digit(16));
                // A broken escape is dropped.
                if let (Some(h), Some(l)) = (
                    hex(self.input.get(self.pos)),
                    hex(self.input.get(self.pos + 1)),
                ) {
                    self.pos += 2;
                    self.byte(u8::try_from(h * 16 + l).unwrap_or(b'?'), false);
                }
            }
            b'\\' | b'{' | b'}' => self.byte(c, false),
            b'~' => self.special('\u{A0}'),
            b'_' => self.special('-'),
            b'-' => {}
            b'*' => {
                self.flush();
                self.group.dest = Dest::Skip;
            }
            b'\r' | b'\n' => self.special('\n'),
            _ => {}
        }
        Ok(())
    }

    fn word(&mut self, word: &[u8], param: Option<i64>) {
        match word {
            // Text structure.
            b"par" | b"line" | b"sect" | b"page" | b"row" | b"cell" | b"nestcell" => {
                self.special('\n')
            }
            b"tab" | b"emspace" | b"enspace" | b"qmspace" => self.special(' '),
            b"emdash" => self.special('—'),
            b"endash" => self.special('–'),
            b"lquote" => self.special('‘'),
            b"rquote" => self.special('’'),
            b"ldblquote" => self.special('“'),
            b"rdblquote" => self.special('”'),
            b"bullet" => self.special('•'),
            b"u" => {
                if let Some(n) = param {
                    self.unicode(n);
                }
            }
            b"uc" => {
                self.group.uc = param
                    .and_then(|n| usize::try_from(n).ok())
                    .unwrap_or(1)
                    .min(16)
            }
            // Code pages.
            b"ansicpg" => {
                if let Some(encoding) = param.and_then(codepage) {
                    self.flush();
                    self.encoding = encoding;
                }
            }
            b"mac" => self.encoding = MACINTOSH,
            // encoding_rs has no DOS code pages 437/850: windows-1252 is closest.
            b"pc" | b"pca" => self.encoding = WINDOWS_1252,
            b"ansi" => self.encoding = WINDOWS_1252,
            // Destinations.
            b"fonttbl"
            | b"colortbl"
            | b"stylesheet"
            | b"listtable"
            | b"listoverridetable"
            | b"revtbl"
            | b"rsidtbl"
            | b"generator"
            | b"pict"
            | b"object"
            | b"fldinst"
            | b"header"
            | b"headerl"
            | b"headerr"
            | b"headerf"
            | b"footer"
            | b"footerl"
            | b"footerr"
            | b"footerf"
            | b"xmlnstbl"
            | b"themedata"
            | b"colorschememapping"
            | b"datastore"
            | b"latentstyles"
            | b"pntxta"
            | b"pntxtb"
            | b"filetbl"
            | b"private"
            | b"bkmkstart"
            | b"bkmkend"
            | b"nonshppict"
            | b"template" => {
                self.flush();
                self.group.dest = Dest::Skip;
            }
            b"footnote" => {
                self.flush();
                self.group.dest = Dest::Note;
            }
            b"info" => {
                self.flush();
                self.group.dest = Dest::Info;
            }
            b"title" if self.group.dest == Dest::Info => self.group.dest = Dest::Title,
            b"creatim" if self.group.dest == Dest::Info => self.group.dest = Dest::Created,
            b"yr" | b"mo" | b"dy" if self.group.dest == Dest::Created => {
                let slot = match word {
                    b"yr" => 0,
                    b"mo" => 1,
                    _ => 2,
                };
                self.created[slot] = param.and_then(|p| i32::try_from(p).ok());
            }
            b"bin" => {
                // Binary data: step over it whatever it contains.
                let len = param.and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
                self.pos = self.pos.saturating_add(len).min(self.input.len());
            }
            _ => {
                // Any other control word counts as one fallback character of a `\uN`.
                if self.skip_chars > 0 {
                    self.skip_chars -= 1;
                }
            }
        }
    }

    /// `\uN`: a UTF-16 code unit as a signed 16-bit number.
    fn unicode(&mut self, n: i64) {
        let unit = u16::try_from(n.rem_euclid(65_536)).unwrap_or(0xFFFD);
        self.flush();
        self.skip_chars = 0;
        match unit {
            0xD800..=0xDBFF => self.high_surrogate = Some(unit),
            0xDC00..=0xDFFF => {
                if let Some(high) = self.high_surrogate.take() {
                    let c = char::decode_utf16([high, unit]).next().and_then(Result::ok);
                    self.emit_char(c.unwrap_or('\u{FFFD}'));
                }
            }
            _ => {
                self.high_surrogate = None;
                let c = char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}');
                if !c.is_control() || c == '\n' {
                    self.emit_char(c);
                }
            }
        }
        self.skip_chars = self.group.uc;
    }
}

/// The encoding of a Windows code page number, when encoding_rs knows it.
fn codepage(number: i64) -> Option<&'static Encoding> {
    let label = match number {
        65001 => "utf-8".to_string(),
        10000 => "macintosh".to_string(),
        932 => "shift_jis".to_string(),
        936 => "gbk".to_string(),
        949 => "euc-kr".to_string(),
        950 => "big5".to_string(),
        20866 => "koi8-r".to_string(),
        28591..=28599 => format!("iso-8859-{}", number - 28590),
        n => format!("windows-{n}"),
    };
    Encoding::for_label(label.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract(rtf: &str) -> Result<Extracted, String> {
        RtfExtractor
            .extract(rtf.as_bytes())
            .map_err(|e| e.to_string())
    }

    fn body(rtf: &str) -> String {
        extract(rtf).map(|x| x.body).unwrap_or_else(|e| e)
    }

    #[test]
    fn italian_text_and_destinations() {
        let rtf = r#"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fnil\fcharset0 Calibri;}{\f1 Times;}}
{\colortbl ;\red255\green0\blue0;}{\stylesheet{\s1 heading 1;}}
{\*\generator Riched20 10.0;}{\info{\title Il perch\'e9 della citt\'e0}{\author Anna}{\creatim\yr2025\mo9\dy15\hr10\min3}}
\viewkind4\uc1\pard\sa200\sl276\slmult1\f0\fs22\lang1040 L\'92universit\'e0 di citt\'e0 \'e8 pi\'f9 bella dell\rquote energia\par
{\pict\wmetafile8\picw100 0a0b0c7b7d}Perch\u233?\line fine\tab x\~y{\*\bkmkstart b} {\field{\*\fldinst HYPERLINK ""x""}{\fldrslt collegamento}}\par
}"#;
        let x = extract(rtf);
        let x = match x {
            Ok(x) => x,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(x.title.as_deref(), Some("Il perché della città"));
        assert_eq!(x.date.map(|d| d.to_string()).as_deref(), Some("2025-09-15"));
        assert_eq!(
            x.body,
            "L’università di città è più bella dell’energia\nPerché\nfine x y collegamento\n"
        );
    }

    #[test]
    fn unicode_escapes() {
        // \uc2 skips two fallback characters; \'hh counts as one.
        assert_eq!(body(r"{\rtf1\uc2 a\u8217\'92\'92b}"), "a’b\n");
        // Negative values and surrogate pairs.
        assert_eq!(
            body(r"{\rtf1 \u-3913?\u-8704?\u-10179?\u-8704?}"),
            "\u{F0B7}😀\n"
        );
        // An unpaired low surrogate is dropped, never a panic.
        assert_eq!(body(r"{\rtf1 a\u-8704?b}"), "ab\n");
        // \uc0: no fallback.
        assert_eq!(body(r"{\rtf1\uc0 citt\u224 x}"), "cittàx\n");
    }

    #[test]
    fn code_pages() {
        assert_eq!(body("{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8}"), "При\n");
        assert_eq!(body("{\\rtf1\\mac citt\\'88}"), "città\n");
        // Raw UTF-8 (not standard, but some writers do it), and raw windows-1252.
        assert_eq!(body("{\\rtf1 raw citt\u{e0} \\'e8}"), "raw città è\n");
        assert_eq!(body("{\\rtf1 raw citt\u{e0}}"), "raw città\n");
        assert_eq!(body("{\\rtf1\\ansicpg99999 citt\\'e0}"), "città\n");
    }

    #[test]
    fn bin_and_escapes() {
        assert_eq!(body("{\\rtf1 a{\\pict\\bin3 }{x}b}"), "ab\n");
        assert_eq!(body(r"{\rtf1 \{x\}\\ y}"), "{x}\\ y\n");
        let x = RtfExtractor
            .extract(b"{\\rtf1 citt\xe0 bella{\\super\\chftn}{\\footnote\\pard nota\\par} fine}");
        assert_eq!(
            x.map(|x| x.body).ok().as_deref(),
            Some("citt\u{e0} bella fine\nnota\n")
        );
    }

    #[test]
    fn malformed() {
        for (rtf, reason) in [
            ("plain text", "not an RTF document"),
            ("{\\rtf1 {\\b testo", "truncated: 2 groups left open"),
            ("", "not an RTF document"),
        ] {
            let got = extract(rtf).map(|x| x.body).unwrap_or_else(|e| e);
            assert!(got.contains(reason), "{rtf:?}: {got}");
        }
        let deep = format!("{{\\rtf1 {}", "{".repeat(MAX_GROUP_DEPTH + 5));
        assert!(body(&deep).contains("nested deeper"));
        // Text after the document group, extra braces, a lone backslash: no error.
        assert_eq!(body("{\\rtf1 a}}} b\\"), "a\n");
        assert_eq!(
            body("{\\rtf1 a\\"),
            "malformed rtf content: truncated: 1 groups left open"
        );
    }
}

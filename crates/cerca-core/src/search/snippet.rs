//! Snippets: the passage of a document that best shows why it matched.
//!
//! The text is read word by word ([`WordAnalyzer::word_forms`]); a word
//! matches a query word through its stem, its form (prefix) or a near
//! spelling (fuzzy). Stemming is the costly step, and a stem is a prefix of
//! its folded word form (but for one ending Snowball rewrites: see
//! `word_prefix`), so only words that start like a query stem are stemmed. Reading words is the next one, so only the pieces of
//! text that may hold a match are read ([`prefilter`]). The first window of
//! about [`SNIPPET_CHARS`] characters holding every query word wins (else
//! the one with the most). Texts are read in growing chunks, and reading
//! stops once a window shows every query word (or, past
//! [`ENOUGH_BYTES`], any of them). Highlights are byte ranges in the snippet
//! text, so a terminal can color them and JSON can carry them.

mod prefilter;

use std::ops::Range;

use serde::Serialize;

use crate::analysis::{fold_accents, ItalianStemmer, WordAnalyzer, STOPWORD_MARK};

use super::compile::{Highlight, QueryWord};
use prefilter::RunFilter;

/// The length of a snippet, in characters.
pub const SNIPPET_CHARS: usize = 200;
/// Text is read in chunks, the first of about this many bytes, each next one
/// twice as long: most documents show their query words early, and reading
/// (stemming) the rest of them is most of a snippet's cost.
const FIRST_CHUNK_BYTES: usize = 2 << 10;
/// The longest chunk.
const MAX_CHUNK_BYTES: usize = 64 << 10;
/// Past this much text, any match is good enough.
const ENOUGH_BYTES: usize = 128 << 10;
/// No more than this much of a document is read for its snippet.
const MAX_SCANNED_BYTES: usize = 1 << 20;

/// A passage of a document with the matched words marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Snippet {
    /// The passage, whitespace collapsed, with `…` where it was cut.
    pub text: String,
    /// Byte ranges of matched words in `text`.
    pub highlights: Vec<Range<usize>>,
}

pub(crate) struct Highlighter {
    words: Vec<QueryWord>,
    stemmer: ItalianStemmer,
    /// Which pieces of a text to read, from the query's stems and prefixes.
    /// `None` when every word must be read: a fuzzy word can match any word,
    /// an empty stem or prefix, or one outside ASCII, words with no needle.
    prefilter: Option<RunFilter>,
}

struct Match {
    range: Range<usize>,
    /// Which query word it matched, to count distinct ones.
    word: usize,
}

impl Highlighter {
    pub fn new(highlight: Highlight) -> Self {
        let mut needles = Some(Vec::new());
        for word in &highlight.words {
            let pieces: Vec<&str> = match word {
                QueryWord::Stems(stems) => stems.iter().map(|stem| word_prefix(stem)).collect(),
                QueryWord::Prefix(prefix) => vec![prefix.as_str()],
                QueryWord::Fuzzy(..) => {
                    needles = None;
                    break;
                }
            };
            for piece in pieces {
                if piece.is_empty() || !piece.is_ascii() {
                    needles = None;
                } else if let Some(needles) = needles.as_mut() {
                    needles.push(piece.to_ascii_lowercase().into_bytes());
                }
            }
        }
        Highlighter {
            words: highlight.words,
            stemmer: ItalianStemmer::new(),
            prefilter: needles.map(|needles| RunFilter::new(&needles)),
        }
    }

    /// The best passage of `text`, or its beginning if nothing matches.
    pub fn snippet(&mut self, text: &str) -> Snippet {
        let mut matches = Vec::new();
        let mut scanned = 0;
        let mut chunk = FIRST_CHUNK_BYTES;
        let mut best = None;
        while scanned < text.len().min(MAX_SCANNED_BYTES) {
            let end = chunk_end(text, scanned, chunk);
            let before = matches.len();
            self.find_matches(&text[scanned..end], scanned, &mut matches);
            scanned = end;
            chunk = (chunk * 2).min(MAX_CHUNK_BYTES);
            if matches.len() > before || best.is_none() {
                best = Some(best_window(text, &matches, self.words.len()));
            }
            let distinct = best.as_ref().map_or(0, |(distinct, _, _)| *distinct);
            if distinct == self.words.len() || (distinct > 0 && scanned >= ENOUGH_BYTES) {
                break;
            }
        }
        let (_, _, window) = best.unwrap_or_else(|| best_window(text, &matches, self.words.len()));
        // The window may end past the text read: its words there are marked too.
        if window.end > scanned {
            let end = chunk_end(text, scanned, window.end - scanned);
            self.find_matches(&text[scanned..end], scanned, &mut matches);
        }
        render(text, window, &matches)
    }

    /// Appends the matches of `chunk`, which starts at byte `base` of the text.
    fn find_matches(&mut self, chunk: &str, base: usize, matches: &mut Vec<Match>) {
        let Some(mut prefilter) = self.prefilter.take() else {
            return self.match_words(chunk, base, matches);
        };
        for run in prefilter.runs(chunk) {
            self.match_words(&chunk[run.clone()], base + run.start, matches);
        }
        self.prefilter = Some(prefilter);
    }

    /// Appends the matches of `text`, which starts at byte `base` of the
    /// document's text, reading it word by word.
    fn match_words(&mut self, text: &str, base: usize, matches: &mut Vec<Match>) {
        let (words, stemmer) = (&self.words, &mut self.stemmer);
        WordAnalyzer::word_forms(text, |form| {
            let mut term: Option<String> = None;
            let matched = words.iter().position(|query_word| match query_word {
                QueryWord::Stems(stems) => stems.iter().any(|stem| {
                    form.word.starts_with(word_prefix(stem))
                        && term
                            .get_or_insert_with(|| fold_accents(stemmer.term_stem(form.lowercase)))
                            == stem
                }),
                QueryWord::Prefix(prefix) => form.word.starts_with(prefix.as_str()),
                QueryWord::Fuzzy(target, distance) => {
                    let distance = usize::from(*distance);
                    form.word.len().abs_diff(target.len()) <= distance * 4
                        && strsim::osa_distance(target, form.word) <= distance
                }
            });
            if let Some(word) = matched {
                matches.push(Match {
                    range: base + form.offset_from..base + form.offset_to,
                    word,
                });
            }
        });
    }
}

/// What a word's folded form starts with when its term is `stem`: a
/// stopword's form without its mark (`·della`: `della`), else the stem, but
/// for the one ending Snowball rewrites: -enza and -enze become -ente, so
/// `efficienza` has the stem `efficient`, and starts with `efficien`. (Over
/// the official vocabulary of 35,496 words, that is the only stem that is
/// not a prefix of its folded word; a test checks it.)
fn word_prefix(stem: &str) -> &str {
    let stem = stem.strip_prefix(STOPWORD_MARK).unwrap_or(stem);
    match stem.strip_suffix("ent") {
        Some(before) => &stem[..before.len() + "en".len()],
        None => stem,
    }
}

/// Where the chunk of about `bytes` starting at `start` ends, so that no word
/// is cut: at the next space, else between a word and punctuation (a text
/// with no space, `a,b,c…` or words joined by no-break spaces, was read
/// whole: 0.6 s for a snippet of 16 MB), else anywhere (a run of letters
/// that long is no word analysis keeps: see `MAX_WORD_BYTES`).
fn chunk_end(text: &str, start: usize, bytes: usize) -> usize {
    /// How far past `bytes` a chunk may go to end between words.
    const CUT_WITHIN_BYTES: usize = 256;
    let end = floor_char_boundary(text, start + bytes);
    if end >= text.len() {
        return text.len();
    }
    let ahead = &text[end..floor_char_boundary(text, end + CUT_WITHIN_BYTES)];
    let cut = ahead
        .find(char::is_whitespace)
        .or_else(|| ahead.find(|c: char| !c.is_alphanumeric()))
        .unwrap_or(ahead.len());
    end + cut
}

/// The first window that shows every query word, else the one with the most
/// distinct matched words (then the most matches): `(distinct words,
/// matches, byte range)`. `words` is how many query words there are (each
/// match's `word` is below it).
fn best_window(text: &str, matches: &[Match], words: usize) -> (usize, usize, Range<usize>) {
    let window_bytes = |start: usize| {
        let Some((end, _)) = text[start..].char_indices().nth(SNIPPET_CHARS) else {
            return start..text.len();
        };
        // End between words, not inside one.
        let cut = text[start..start + end]
            .rfind(char::is_whitespace)
            .filter(|&at| at > end / 2)
            .unwrap_or(end);
        start..start + cut
    };
    let mut best: Option<(usize, usize, Range<usize>)> = None;
    let mut seen = vec![0usize; words];
    for (i, first) in matches.iter().enumerate() {
        // Start a little before the first match, at a word boundary.
        let window = window_bytes(lead_in_start(text, first.range.start));
        let mut distinct = 0;
        let mut count = 0;
        for m in matches[i..]
            .iter()
            .take_while(|m| m.range.end <= window.end)
        {
            if let Some(slot) = seen.get_mut(m.word) {
                // `i + 1` marks this window: no clearing between windows.
                if *slot != i + 1 {
                    *slot = i + 1;
                    distinct += 1;
                }
            }
            count += 1;
        }
        if best
            .as_ref()
            .is_none_or(|(d, n, _)| (distinct, count) > (*d, *n))
        {
            best = Some((distinct, count, window));
        }
        if distinct == words {
            // No window can show more words; an earlier one reads first.
            break;
        }
    }
    best.unwrap_or_else(|| (0, 0, window_bytes(0)))
}

/// Where a window should start to show some context before a match at `at`.
fn lead_in_start(text: &str, at: usize) -> usize {
    const LEAD_IN_CHARS: usize = 40;
    let before = &text[..at];
    let Some((lead_in, _)) = before.char_indices().rev().nth(LEAD_IN_CHARS - 1) else {
        // Close to the start: show it all.
        return 0;
    };
    // Only the lead-in is searched for a sentence's start: searching all the
    // text before every match was quadratic (2.4 s for one snippet of a
    // text without punctuation).
    if let Some(sentence) = before[lead_in..].rfind(['.', '!', '?', '\n']) {
        return lead_in + sentence + 1;
    }
    before[lead_in..]
        .find(char::is_whitespace)
        .map_or(lead_in, |i| lead_in + i)
}

/// The window's text with whitespace collapsed and highlight ranges remapped.
fn render(text: &str, window: Range<usize>, matches: &[Match]) -> Snippet {
    let mut out = String::with_capacity(window.len() + 8);
    if window.start > 0 {
        out.push('…');
    }
    let mut highlights = Vec::new();
    let mut pending = matches
        .iter()
        .filter(|m| m.range.start >= window.start && m.range.end <= window.end)
        .peekable();
    let mut open: Option<(usize, usize)> = None; // (snippet start, source end)
    let mut last_was_space = true;
    let mut skip_until = window.start;
    let shown = &text[window.clone()];
    for (i, c) in shown.char_indices() {
        let at = window.start + i;
        if at < skip_until {
            continue;
        }
        if open.is_none() {
            if let Some(m) = pending.next_if(|m| m.range.start == at) {
                open = Some((out.len(), m.range.end));
            }
        }
        if open.is_none() {
            // Dot leaders of a table of contents, rules, heading anchors:
            // layout, not text.
            if c == '¶' {
                continue;
            }
            if let Some(run) = leader_run(&shown[i..]) {
                skip_until = at + run;
                if !last_was_space {
                    out.push(' ');
                }
                out.push_str("… ");
                last_was_space = true;
                continue;
            }
        }
        if c.is_whitespace() {
            if !last_was_space {
                out.push(' ');
            }
            last_was_space = true;
        } else {
            out.push(c);
            last_was_space = false;
        }
        if let Some((start, end)) = open {
            if at + c.len_utf8() >= end {
                highlights.push(start..out.len());
                open = None;
            }
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    if window.end < text.len() {
        out.push('…');
    }
    Snippet {
        text: out,
        highlights,
    }
}

/// Characters that make dot leaders and rules (`. . . . 12`, `*****`, `=====`).
const LEADERS: &[char] = &['.', '*', '=', '-', '_', '~', '#', '·', '…', '+'];
/// A run of this many leader characters or more is layout.
const LEADER_RUN: usize = 4;

/// The length in bytes of a run of one leader character (single spaces
/// between allowed) starting `text`, if the run is long enough to be layout.
fn leader_run(text: &str) -> Option<usize> {
    let first = text.chars().next().filter(|c| LEADERS.contains(c))?;
    let mut count = 0;
    let mut end = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == first {
            count += 1;
            end = i + c.len_utf8();
        } else if c == ' ' && chars.peek().is_some_and(|&(_, n)| n == first) {
            continue;
        } else {
            break;
        }
    }
    (count >= LEADER_RUN).then_some(end)
}

fn floor_char_boundary(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    (0..=at)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaders_rules_and_anchors_are_left_out_of_snippets() {
        let text = "Indice ¶\nInstallazione . . . . . . . . . . 12\n*****\nConfigurare i pacchetti ....... 14 e 1.2.3 fine";
        let snippet = highlighter(&["install"], &[], &[]).snippet(text);
        assert_eq!(
            snippet.text,
            "Indice Installazione … 12 … Configurare i pacchetti … 14 e 1.2.3 fine"
        );
        assert_eq!(
            &snippet.text[snippet.highlights[0].clone()],
            "Installazione"
        );
    }

    fn highlighter(stems: &[&str], prefixes: &[&str], fuzzy: &[(&str, u8)]) -> Highlighter {
        let stems = stems.iter().map(|s| QueryWord::Stems(vec![s.to_string()]));
        let prefixes = prefixes.iter().map(|p| QueryWord::Prefix(p.to_string()));
        let fuzzy = fuzzy
            .iter()
            .map(|(w, d)| QueryWord::Fuzzy(w.to_string(), *d));
        Highlighter::new(Highlight {
            words: stems.chain(prefixes).chain(fuzzy).collect(),
        })
    }

    /// The ranges and query words `highlighter` finds in `text`.
    fn found(highlighter: &mut Highlighter, text: &str) -> Vec<(Range<usize>, usize)> {
        let mut matches = Vec::new();
        highlighter.find_matches(text, 7, &mut matches);
        matches.into_iter().map(|m| (m.range, m.word)).collect()
    }

    #[test]
    fn runs_without_a_query_stem_are_passed_over_and_the_others_read() {
        let mut h = highlighter(&["energ", "citt"], &["install"], &[]);
        let text = "Dell'ENERGIA,\tcittà non\nl'Installazione (energie) cosa";
        let words: Vec<(&str, usize)> = found(&mut h, text)
            .into_iter()
            .map(|(range, word)| (&text[range.start - 7..range.end - 7], word))
            .collect();
        assert_eq!(
            words,
            [
                ("ENERGIA", 0),
                ("città", 1),
                ("Installazione", 2),
                ("energie", 0)
            ]
        );
    }

    #[test]
    fn marks_stopwords_searched_for_themselves() {
        // A query of stopwords only searches their own terms (`·della`).
        let mut h = highlighter(&["·della", "·perche", "·anche"], &[], &[]);
        let text = "Anche la storia della casa, perché no; perche' DELLA dell'";
        let words: Vec<&str> = found(&mut h, text)
            .into_iter()
            .map(|(range, _)| &text[range.start - 7..range.end - 7])
            .collect();
        assert_eq!(words, ["Anche", "della", "perché", "perche'", "DELLA"]);
    }

    proptest::proptest! {
        /// Passing over runs finds the words reading every word finds.
        /// Where a mark ends may differ: analysis reads the `'` of `’x a'`
        /// as the closing quote of `’`, which the run `a'` read alone cannot
        /// see (it reads `a'` as `à`), so its mark takes the `'` in.
        #[test]
        fn passing_over_runs_finds_what_reading_every_word_finds(
            text in "([a-zA-Z0-9'‘’“”«»–—…àèéìòùÀÈÉÇçñÜßøΣ·\u{300}\u{301}ﬁİ\u{202f}\u{ad}.,()-]{0,10}[ \n\t\u{a0}\u{2003}]{1,2}){0,30}",
            stems in proptest::collection::vec("[a-einsu]{1,3}", 1..3),
            prefix in "[a-einsuà'-]{0,3}",
        ) {
            let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
            let prefixes: Vec<&str> = [prefix.as_str()].into_iter().filter(|p| !p.is_empty()).collect();
            let mut passing = highlighter(&stems, &prefixes, &[]);
            proptest::prop_assert!(passing.prefilter.is_some() || !prefix.is_ascii());
            let mut reading = highlighter(&stems, &prefixes, &[]);
            reading.prefilter = None;
            let starts = |found: Vec<(Range<usize>, usize)>| -> Vec<(usize, usize)> {
                found.into_iter().map(|(range, word)| (range.start, word)).collect()
            };
            proptest::prop_assert_eq!(
                starts(found(&mut passing, &text)),
                starts(found(&mut reading, &text))
            );
        }
    }

    fn marked(snippet: &Snippet) -> Vec<&str> {
        snippet
            .highlights
            .iter()
            .map(|r| &snippet.text[r.clone()])
            .collect()
    }

    #[test]
    fn marks_surface_forms_reached_through_stems_and_elision() {
        let text = "Le esercitazioni militari dell'esercito e i prezzi dell’energia.";
        let snippet = highlighter(&["esercit", "energ"], &[], &[]).snippet(text);
        assert_eq!(marked(&snippet), ["esercitazioni", "energia"]);
        assert_eq!(snippet.text, text);
    }

    #[test]
    fn marks_words_whose_stem_snowball_rewrote() {
        // efficienza, conoscenza: stems `efficient`, `conoscent`.
        let text = "Una efficienza, la conoscenza e la differenza; efficiente.";
        let snippet = highlighter(&["efficient", "conoscent"], &[], &[]).snippet(text);
        assert_eq!(marked(&snippet), ["efficienza", "conoscenza", "efficiente"]);
    }

    #[test]
    fn every_official_word_starts_with_the_prefix_of_its_stem() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/stemming/snowball-italian");
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name))
                .unwrap_or_else(|e| panic!("{}: {e}", dir.join(name).display()))
        };
        let (words, stems) = (read("voc.txt"), read("output.txt"));
        let mut checked = 0;
        for (word, stem) in words.lines().zip(stems.lines()) {
            let (word, stem) = (fold_accents(&word.to_lowercase()), fold_accents(stem));
            assert!(
                word.starts_with(word_prefix(&stem)),
                "{word}: stem {stem}, prefix {}",
                word_prefix(&stem)
            );
            checked += 1;
        }
        assert!(checked > 30_000, "{checked} words");
    }

    #[test]
    fn marks_every_match_of_the_window_even_past_the_text_read() {
        // The first chunk shows the word; the window runs on past it.
        let text = format!("{}{}", "parola ".repeat(870), "giorni ".repeat(30));
        let snippet = highlighter(&["giorn"], &[], &[]).snippet(&text);
        let shown = snippet.text.matches("giorni").count();
        assert!(shown > 10, "{}", snippet.text);
        assert_eq!(marked(&snippet).len(), shown, "{}", snippet.text);
    }

    #[test]
    fn chunks_end_between_words_even_without_spaces() {
        let text = "casa,mare\u{a0}".repeat(100_000);
        let end = chunk_end(&text, 0, 2048);
        assert!((2048..2048 + 256).contains(&end), "{end}");
        assert!(
            text[end..].starts_with([',', '\u{a0}']),
            "{}",
            &text[end..end + 8]
        );
        let letters = "a".repeat(10_000);
        assert_eq!(chunk_end(&letters, 0, 2048), 2048 + 256);
        assert_eq!(chunk_end("uno due", 0, 2048), 7);
        // A snippet of such a text reads only its start.
        let text = format!(
            "{}energia,{}",
            "casa,".repeat(10),
            "mare,".repeat(3_000_000)
        );
        let snippet = highlighter(&["energ"], &[], &[]).snippet(&text);
        assert_eq!(marked(&snippet), ["energia"]);
    }

    #[test]
    fn marks_prefix_and_fuzzy_matches() {
        let text = "Lukashenko incontra i bielorussi a Minsk.";
        let snippet = highlighter(&[], &["bielorus"], &[("lukascenko", 2)]).snippet(text);
        assert_eq!(marked(&snippet), ["Lukashenko", "bielorussi"]);
    }

    #[test]
    fn picks_the_window_with_the_most_distinct_words() {
        let filler = "parole senza importanza alcuna. ".repeat(20);
        let text =
            format!("{filler}Il ministro parla. {filler}Il ministro della difesa parla. {filler}");
        let snippet = highlighter(&["ministr", "difes"], &[], &[]).snippet(&text);
        assert_eq!(marked(&snippet), ["ministro", "difesa"]);
        assert!(snippet.text.starts_with('…') && snippet.text.ends_with('…'));
        assert!(snippet.text.chars().count() <= SNIPPET_CHARS + 2);
    }

    #[test]
    fn collapses_whitespace_and_keeps_ranges_right() {
        let text = "uno\n\n  due\r\n\ttre   energia";
        let snippet = highlighter(&["energ"], &[], &[]).snippet(text);
        assert_eq!(snippet.text, "uno due tre energia");
        assert_eq!(marked(&snippet), ["energia"]);
    }

    #[test]
    fn without_matches_shows_the_beginning() {
        let text = "x ".repeat(300);
        let snippet = highlighter(&["energ"], &[], &[]).snippet(&text);
        assert!(snippet.highlights.is_empty());
        assert!(snippet.text.starts_with("x x") && snippet.text.ends_with('…'));
    }

    #[test]
    fn reads_long_texts_until_every_word_shows() {
        let passage = |filler_bytes: usize| {
            let filler = "parole senza importanza alcuna. ".repeat(filler_bytes / 32);
            let text =
                format!("Il ministro parla. {filler} Il ministro della difesa parla. {filler}");
            marked(&highlighter(&["ministr", "difes"], &[], &[]).snippet(&text)).join(" ")
        };
        assert_eq!(passage(100_000), "ministro difesa");
        // Past ENOUGH_BYTES, the first passage with a match will do.
        assert_eq!(passage(400_000), "ministro");
    }

    #[test]
    fn inflections_of_one_word_count_once() {
        let mut highlighter = Highlighter::new(Highlight {
            words: vec![
                QueryWord::Stems(vec!["milit".into(), "militar".into()]),
                QueryWord::Stems(vec!["difes".into()]),
            ],
        });
        let text = format!(
            "militari militare militari. {} la difesa e i militari.",
            "x ".repeat(150)
        );
        assert_eq!(marked(&highlighter.snippet(&text)), ["difesa", "militari"]);
    }

    #[test]
    fn a_long_text_without_sentences_gets_a_window_at_a_word() {
        // Every window's lead-in searched all the text before it for a
        // sentence's end: 2.4 s for one such snippet (`cerca search -n 1
        // 'energ*'` over 1.6 MB of "energia "), 15 ms now.
        let text = "energia ".repeat(50_000);
        let mut highlighter = highlighter(&["energ"], &[], &[("gasolio", 1)]);
        let snippet = highlighter.snippet(&text);
        assert!(snippet.text.starts_with("energia"), "{}", snippet.text);
        assert!(marked(&snippet).iter().all(|word| *word == "energia"));
        assert!(!snippet.highlights.is_empty());
        // A sentence's end inside the lead-in is still where a window starts.
        let text = format!("{} Fine. Poi parla di energia", "parole ".repeat(20));
        let at = text.find("energia").unwrap();
        assert_eq!(&text[lead_in_start(&text, at)..], " Poi parla di energia");
    }

    #[test]
    fn handles_empty_and_multibyte_text() {
        assert_eq!(highlighter(&["energ"], &[], &[]).snippet("").text, "");
        let text = "città ".repeat(100);
        let snippet = highlighter(&["citt"], &[], &[]).snippet(&text);
        assert!(!snippet.highlights.is_empty());
        for range in &snippet.highlights {
            assert_eq!(&snippet.text[range.clone()], "città");
        }
    }
}

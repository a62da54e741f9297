//! Which pieces of a text a snippet must read word by word.
//!
//! Reading a word (tokenizing, folding, stemming it) is the costly step of a
//! snippet; most words of a document cannot match. The text is cut into runs
//! at ASCII whitespace, and a run is read only if it may hold a matching
//! word: a word made of ASCII letters matches only if its run holds a query
//! stem or prefix in some case (its folded form is a piece of it in lower
//! case), so a run without one needs reading only if it has a character that
//! folding can turn into one of a needle's bytes, that is a character outside
//! ASCII other than the [`NEUTRAL`] punctuation. Needles are found with
//! `memchr`'s vectorized search, and characters outside ASCII eight bytes at
//! a time.

use std::ops::Range;

use memchr::memmem::Finder;

/// Characters outside ASCII that no word's folded form takes a letter or a
/// digit from: typographic apostrophes and quotes, dashes, the ellipsis and
/// the no-break space. Analysis splits words at them or drops them (an
/// elided article, `dell’energia`), and keeps the letters around them as
/// they are. An apostrophe is read as `'`, so a needle holding ASCII
/// punctuation turns this shortcut off.
const NEUTRAL: [char; 10] = [
    '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{AB}', '\u{BB}', '\u{2013}', '\u{2014}',
    '\u{2026}', '\u{A0}',
];

/// Finds the runs of a text that may hold a query word's match.
pub(super) struct RunFilter {
    /// One finder per needle (ASCII, lower case).
    finders: Vec<Finder<'static>>,
    /// Whether runs whose only characters outside ASCII are [`NEUTRAL`] can
    /// be passed over.
    neutral_passes: bool,
    /// The chunk with ASCII in lower case, reused between chunks.
    lowered: Vec<u8>,
    /// Where a needle or a character to read starts, reused between chunks.
    hot: Vec<usize>,
}

impl RunFilter {
    /// A filter for `needles`: the query's stems and prefixes, each in ASCII,
    /// lower case and not empty.
    pub fn new(needles: &[Vec<u8>]) -> Self {
        RunFilter {
            finders: needles
                .iter()
                .map(|needle| Finder::new(needle).into_owned())
                .collect(),
            neutral_passes: needles
                .iter()
                .all(|needle| needle.iter().all(u8::is_ascii_alphanumeric)),
            lowered: Vec::new(),
            hot: Vec::new(),
        }
    }

    /// The runs of `chunk` to read, in order; every other run holds no
    /// matching word. Each run is a byte range of `chunk` between ASCII
    /// whitespace (or its ends).
    pub fn runs(&mut self, chunk: &str) -> Vec<Range<usize>> {
        let bytes = chunk.as_bytes();
        self.lowered.clear();
        self.lowered.extend_from_slice(bytes);
        self.lowered.make_ascii_lowercase();
        self.hot.clear();
        for finder in &self.finders {
            self.hot.extend(finder.find_iter(&self.lowered));
        }
        let mut at = 0;
        while let Some(start) = next_outside_ascii(bytes, at) {
            // Bytes before `start` are ASCII or whole characters: it starts one.
            let Some(c) = chunk.get(start..).and_then(|rest| rest.chars().next()) else {
                break;
            };
            if !(self.neutral_passes && NEUTRAL.contains(&c)) {
                self.hot.push(start);
            }
            at = start + c.len_utf8();
        }
        self.hot.sort_unstable();
        let mut runs: Vec<Range<usize>> = Vec::new();
        for &at in &self.hot {
            if runs.last().is_some_and(|run| at < run.end) {
                continue;
            }
            let start = bytes[..at]
                .iter()
                .rposition(u8::is_ascii_whitespace)
                .map_or(0, |i| i + 1);
            let end = bytes[at..]
                .iter()
                .position(u8::is_ascii_whitespace)
                .map_or(bytes.len(), |i| at + i);
            runs.push(start..end);
        }
        runs
    }
}

/// Where the first byte outside ASCII at or after `from` is.
fn next_outside_ascii(bytes: &[u8], from: usize) -> Option<usize> {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let rest = bytes.get(from..)?;
    let mut words = rest.chunks_exact(8);
    let mut offset = from;
    for word in &mut words {
        let mut eight = [0; 8];
        eight.copy_from_slice(word);
        let high = u64::from_le_bytes(eight) & HIGH_BITS;
        if high != 0 {
            return Some(offset + high.trailing_zeros() as usize / 8);
        }
        offset += 8;
    }
    words
        .remainder()
        .iter()
        .position(|b| !b.is_ascii())
        .map(|i| offset + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs<'a>(needles: &[&str], text: &'a str) -> Vec<&'a str> {
        let needles: Vec<Vec<u8>> = needles.iter().map(|n| n.as_bytes().to_vec()).collect();
        RunFilter::new(&needles)
            .runs(text)
            .into_iter()
            .map(|run| &text[run])
            .collect()
    }

    #[test]
    fn reads_runs_with_a_needle_in_any_case_or_a_letter_outside_ascii() {
        let text = "Dell’ENERGIA,\tcittà «non» l’altro\n(energie) – cosa… è";
        assert_eq!(
            runs(&["energ"], text),
            ["Dell’ENERGIA,", "città", "(energie)", "è"]
        );
    }

    #[test]
    fn a_needle_with_punctuation_reads_every_run_outside_ascii() {
        let text = "rock’n’roll e l’altro";
        assert_eq!(runs(&["rock'n"], text), ["rock’n’roll", "l’altro"]);
    }

    #[test]
    fn finds_bytes_outside_ascii_in_every_position() {
        for len in 0..40 {
            for at in 0..len {
                let mut bytes = vec![b'a'; len];
                bytes[at] = 0xC3;
                assert_eq!(next_outside_ascii(&bytes, 0), Some(at));
                assert_eq!(next_outside_ascii(&bytes, at + 1), None);
            }
            assert_eq!(next_outside_ascii(&vec![b'a'; len], 0), None);
        }
        assert_eq!(next_outside_ascii(b"abc", 9), None);
    }
}

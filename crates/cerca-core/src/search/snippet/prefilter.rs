//! Which pieces of a text a snippet must read word by word.
//!
//! Reading a word (tokenizing, folding, stemming it) is the costly step of a
//! snippet; most words of a document cannot match. The text is cut into runs
//! at ASCII whitespace, and a run is read only if it may hold a matching
//! word. A word's folded form is a piece of its run lowered and folded
//! character by character (its *skeleton*: `Città` gives `citta`), so a run
//! whose skeleton holds no query stem or prefix (a *needle*) holds no match.
//! The skeleton of a run of ASCII is the run in lower case: needles are
//! found in the whole text at once with `memchr`'s vectorized search. Runs
//! with characters outside ASCII (found eight bytes at a time) get their own
//! skeleton, unless a needle already showed in them; a character that does
//! not fold to one ASCII letter (`ß`, `ﬁ`, a soft hyphen) has none, and its
//! run is read.

use std::ops::Range;

use memchr::memmem::Finder;
use unicode_normalization::char::is_combining_mark;

use crate::analysis::fold_accents_into;

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
    /// Where a needle starts, reused between chunks.
    hot: Vec<usize>,
    /// A run's skeleton, reused between runs.
    skeleton: Vec<u8>,
    /// What the characters from U+0080 up to [`FOLDS_CACHED`] fold to, found
    /// when first met.
    folds: Vec<Option<Fold>>,
}

/// What a character outside ASCII is in a skeleton.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fold {
    /// An ASCII letter or digit (`À`, `é`: `a`, `e`).
    Ascii(u8),
    /// Nothing: a combining mark, dropped by folding.
    Dropped,
    /// No skeleton: the run must be read.
    Unknown,
}

/// Characters below this are remembered once folded: Latin-1 and the Latin
/// Extended blocks, where the letters of Italian and its neighbours are.
const FOLDS_CACHED: u32 = 0x250;

impl Fold {
    /// What `c` (outside ASCII) is in a skeleton: lowered then folded, as
    /// analysis does to words.
    fn of(c: char) -> Fold {
        if is_combining_mark(c) {
            return Fold::Dropped;
        }
        let lowered: String = c.to_lowercase().collect();
        let mut folded = String::new();
        fold_accents_into(&lowered, &mut folded);
        match folded.as_bytes() {
            [] => Fold::Dropped,
            [byte] if byte.is_ascii() => Fold::Ascii(*byte),
            _ => Fold::Unknown,
        }
    }
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
            skeleton: Vec::new(),
            folds: vec![None; (FOLDS_CACHED - 0x80) as usize],
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
        self.hot.sort_unstable();
        let mut with_needles: Vec<Range<usize>> = Vec::new();
        for &at in &self.hot {
            if with_needles.last().is_none_or(|run| at >= run.end) {
                with_needles.push(run_around(bytes, at));
            }
        }
        let mut others = Vec::new();
        let mut next_with_needle = with_needles.iter().peekable();
        let mut at = 0;
        while let Some(start) = next_outside_ascii(bytes, at) {
            while next_with_needle.next_if(|run| run.end <= start).is_some() {}
            if let Some(run) = next_with_needle.peek().filter(|run| run.start <= start) {
                at = run.end;
                continue;
            }
            let run = run_around(bytes, start);
            at = run.end;
            // Runs are cut at ASCII whitespace, a char boundary.
            if chunk
                .get(run.clone())
                .is_some_and(|text| self.may_match(text))
            {
                others.push(run);
            }
        }
        let mut runs = with_needles;
        if !others.is_empty() {
            runs.extend(others);
            runs.sort_unstable_by_key(|run| run.start);
        }
        runs
    }

    /// Whether the skeleton of `run` holds a needle, or it has none.
    fn may_match(&mut self, run: &str) -> bool {
        self.skeleton.clear();
        for c in run.chars() {
            let fold = if c.is_ascii() {
                Fold::Ascii(c.to_ascii_lowercase() as u8)
            } else if self.neutral_passes && NEUTRAL.contains(&c) {
                // A neutral character is in no needle: it only separates.
                Fold::Ascii(b' ')
            } else {
                self.fold(c)
            };
            match fold {
                Fold::Ascii(byte) => self.skeleton.push(byte),
                Fold::Dropped => {}
                Fold::Unknown => return true,
            }
        }
        self.finders
            .iter()
            .any(|finder| finder.find(&self.skeleton).is_some())
    }

    fn fold(&mut self, c: char) -> Fold {
        let Some(slot) = (c as usize)
            .checked_sub(0x80)
            .and_then(|i| self.folds.get_mut(i))
        else {
            return Fold::of(c);
        };
        *slot.get_or_insert_with(|| Fold::of(c))
    }
}

/// The run (bytes between ASCII whitespace) holding byte `at`.
fn run_around(bytes: &[u8], at: usize) -> Range<usize> {
    let start = bytes[..at]
        .iter()
        .rposition(u8::is_ascii_whitespace)
        .map_or(0, |i| i + 1);
    let end = bytes[at..]
        .iter()
        .position(u8::is_ascii_whitespace)
        .map_or(bytes.len(), |i| at + i);
    start..end
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
    fn reads_runs_whose_skeleton_holds_a_needle_in_any_case() {
        let text = "Dell’ENERGIA,\tcittà «non» l’altro\n(energie) – ÉNERGIE cosa… è énergique";
        assert_eq!(
            runs(&["energ", "citt"], text),
            [
                "Dell’ENERGIA,",
                "città",
                "(energie)",
                "ÉNERGIE",
                "énergique"
            ]
        );
        // Combining accents are dropped, letters with no ASCII skeleton read.
        let text = "e\u{300}nergia più straße ﬁne";
        assert_eq!(runs(&["energ"], text), ["e\u{300}nergia", "straße", "ﬁne"]);
    }

    #[test]
    fn folds_letters_as_analysis_does() {
        assert_eq!(Fold::of('À'), Fold::Ascii(b'a'));
        assert_eq!(Fold::of('ç'), Fold::Ascii(b'c'));
        assert_eq!(Fold::of('İ'), Fold::Ascii(b'i'));
        assert_eq!(Fold::of('\u{301}'), Fold::Dropped);
        assert_eq!(Fold::of('ß'), Fold::Unknown);
        assert_eq!(Fold::of('ﬁ'), Fold::Unknown);
        assert_eq!(Fold::of('’'), Fold::Unknown);
    }

    #[test]
    fn a_needle_with_punctuation_reads_every_run_outside_ascii() {
        let text = "rock’n’roll e l’altro";
        assert_eq!(runs(&["rock'n"], text), ["rock’n’roll", "l’altro"]);
        assert_eq!(runs(&["rock"], text), ["rock’n’roll"]);
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

//! Text as typesetters put it in PDFs, back to text as people write it.
//!
//! TeX through dvips and Ghostscript (common for manuals and theses) draws an
//! accent as a glyph of its own before its letter (`qualit`a`, `perch´e`,
//! `cos`ı` with a dotless i), ligatures as one glyph (`ﬁ`, `ﬂ`, `ﬀ`, `ﬃ`),
//! and words hyphenated at line ends in two pieces. As `pdftotext` does:
//! accents are composed with their letter (also combining marks: Unicode
//! NFC), ligatures, the long s and full-width forms folded (their NFKC), and
//! words hyphenated across a line end joined. Other compatibility characters
//! (`½`, `™`, a lone `´`) stay: NFKC would turn them into several.
//!
//! `´` and `` ` `` also stand for apostrophes in carelessly typed text
//! (`l´acqua`): inside a word (a letter before and after the accented
//! letter) they are composed only where the accent follows no letter.
//! Italian accents end words (`più`, `perché`, `città`); mid-word accents of
//! other languages stay as they are.

use unicode_normalization::char::compose;
use unicode_normalization::UnicodeNormalization;

/// The text of a PDF, normalized (see the module doc).
///
/// ```
/// use cerca_core::read::pdf::typeset::normalize;
///
/// assert_eq!(normalize("La qualit`a `e pi`u chiara cos`ı, perch´e ﬁgura"), "La qualità è più chiara così, perché figura");
/// assert_eq!(normalize("internaziona-\nlizzazione"), "internazionalizzazione");
/// assert_eq!(normalize("l´acqua, Zapad-\n2025"), "l´acqua, Zapad-\n2025");
/// ```
pub fn normalize(text: &str) -> String {
    let composed = compose_spacing_accents(text);
    let joined = join_hyphenated_words(&composed);
    let mut folded = String::with_capacity(joined.len());
    for c in joined.chars() {
        if is_typesetting_form(c) {
            folded.extend(std::iter::once(c).nfkc());
        } else {
            folded.push(c);
        }
    }
    folded.nfc().collect()
}

/// Ligatures (`ﬁ`, `ﬂ`, `ﬀ`, `ﬃ`, `ﬄ`, `ﬅ`, `ﬆ`), the long s, full- and half-width forms.
fn is_typesetting_form(c: char) -> bool {
    matches!(c, '\u{FB00}'..='\u{FB06}' | 'ſ' | '\u{FF01}'..='\u{FFEE}')
}

/// The combining mark of a spacing accent.
fn combining(accent: char) -> Option<char> {
    Some(match accent {
        '`' => '\u{300}',
        '´' => '\u{301}',
        'ˆ' | '^' => '\u{302}',
        '˜' => '\u{303}',
        '¯' => '\u{304}',
        '˘' => '\u{306}',
        '˙' => '\u{307}',
        '¨' => '\u{308}',
        '˚' => '\u{30A}',
        '˝' => '\u{30B}',
        'ˇ' => '\u{30C}',
        '¸' => '\u{327}',
        '˛' => '\u{328}',
        _ => return None,
    })
}

/// An accent glyph followed by a letter becomes the accented letter, where
/// one exists (see the module doc for `´` and `` ` `` inside words).
fn compose_spacing_accents(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut previous: Option<char> = None;
    while let Some(c) = chars.next() {
        let composed = combining(c).and_then(|mark| {
            let letter = *chars.peek()?;
            // TeX puts accents on a dotless i or j.
            let base = match letter {
                'ı' => 'i',
                'ȷ' => 'j',
                other => other,
            };
            let accented = compose(base, mark)?;
            let apostrophe_like = matches!(c, '`' | '´');
            let inside_word = previous.is_some_and(char::is_alphabetic)
                && chars.clone().nth(1).is_some_and(char::is_alphabetic);
            (!(apostrophe_like && inside_word)).then_some(accented)
        });
        match composed {
            Some(accented) => {
                chars.next();
                out.push(accented);
                previous = Some(accented);
            }
            None => {
                out.push(c);
                previous = Some(c);
            }
        }
    }
    out
}

/// `parola-⏎parte` → `parolaparte`: a hyphen that ends a line between two
/// letters, the next line going on in lower case, is a word cut by the
/// typesetter (`Zapad-⏎2025` and `Nord-⏎Est` keep theirs).
fn join_hyphenated_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("-\n") {
        let (before, after) = (&rest[..at], &rest[at + 2..]);
        let next_line = after.trim_start_matches([' ', '\t']);
        let cut_word = before.chars().next_back().is_some_and(char::is_alphabetic)
            && next_line.chars().next().is_some_and(char::is_lowercase);
        out.push_str(before);
        if cut_word {
            rest = next_line;
        } else {
            out.push_str("-\n");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_before_their_letter_are_composed() {
        assert_eq!(normalize("`E cos`ı"), "È così");
        assert_eq!(normalize("na¨ıve ¸c ˆo"), "naïve ç ô");
        assert_eq!(normalize("perch´e."), "perché.");
        // No accented letter to make: left alone.
        assert_eq!(normalize("`ls` ´x"), "`ls` ´x");
        // An apostrophe typed as an accent inside a word stays.
        assert_eq!(normalize("l`acqua l´isola"), "l`acqua l´isola");
    }

    #[test]
    fn ligatures_and_wide_forms_are_folded() {
        assert_eq!(
            normalize("uﬃcio ﬂusso eﬀetto ﬁume ｃｉａｏ"),
            "ufficio flusso effetto fiume ciao"
        );
    }

    #[test]
    fn only_words_cut_at_a_line_end_are_joined() {
        assert_eq!(normalize("profes-\n  sionalmente"), "professionalmente");
        assert_eq!(
            normalize("Nord-\nEst 1-\n2 fine -\ninizio"),
            "Nord-\nEst 1-\n2 fine -\ninizio"
        );
        assert_eq!(normalize("a-\n"), "a-\n");
        assert_eq!(normalize("-\n-\nb"), "-\n-\nb");
    }
}

//! Gender and number variants of a word, to bridge gaps in Snowball's stems.
//!
//! Snowball conflates most inflections of a word, but not all of them:
//! `militare` is read as a verb in *-are* (stem `milit`) while `militari` keeps
//! `militar`; words too short for its suffix regions keep their final vowel
//! (`alta`, `alto`, `alte`, `alti` are four stems). Swapping the final vowel
//! among *a e i o* gives the other genders and numbers of nouns and
//! adjectives; a query term matches the stems of all of them. (A swap can
//! give a non-word, `militaro`; its stem is then one of the others' or a term
//! no document holds.)

/// The word with its final vowel swapped for each of `a e i o`, itself included first.
///
/// Only for lower-case words of at least three letters ending in a plain vowel.
///
/// ```
/// use cerca_core::analysis::inflections;
///
/// assert_eq!(inflections("militare"), ["militare", "militara", "militari", "militaro"]);
/// assert_eq!(inflections("città"), ["città"]);
/// ```
pub fn inflections(word: &str) -> Vec<String> {
    let mut variants = vec![word.to_owned()];
    let Some(stem) = word.strip_suffix(['a', 'e', 'i', 'o']) else {
        return variants;
    };
    if stem.chars().count() < 2 || !stem.chars().all(char::is_alphabetic) {
        return variants;
    }
    for vowel in ['a', 'e', 'i', 'o'] {
        let variant = format!("{stem}{vowel}");
        if variant != word {
            variants.push(variant);
        }
    }
    variants
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_the_final_vowel() {
        assert_eq!(inflections("alta"), ["alta", "alte", "alti", "alto"]);
    }

    #[test]
    fn leaves_other_words_alone() {
        assert_eq!(inflections("re"), ["re"]);
        assert_eq!(inflections("zapad"), ["zapad"]);
        assert_eq!(inflections("2025"), ["2025"]);
        assert_eq!(inflections("g7a"), ["g7a"]);
        assert_eq!(inflections("venerdì"), ["venerdì"]);
    }
}

//! cerca's Italian analysis as other engines can be told it.
//!
//! cerca removes whatever stands before an apostrophe inside a word; the
//! engines' elision filters remove only the words of a list. This list holds
//! Lucene's Italian articles and prepositions and the other words Italian
//! elides (`quest'anno`, `nessun'altra`, `sant'Antonio`), so that the words
//! after them are found as in cerca.

use crate::analysis::SNOWBALL_ITALIAN;

/// Words written elided before an apostrophe (`dell'`, `un'`, `quest'`),
/// lower-case, as elision filters take them.
pub const ELIDED_WORDS: &[&str] = &[
    // Lucene's ItalianAnalyzer DEFAULT_ARTICLES.
    "c", "l", "all", "dall", "dell", "nell", "sull", "coll", "pell", "gl", "agl", "dagl", "degl",
    "negl", "sugl", "un", "m", "t", "s", "v", "d", // Also elided in Italian text.
    "quest", "quell", "nessun", "ciascun", "alcun", "buon", "bell", "sant", "tutt", "senz", "anch",
    "dov", "com", "cos", "qual", "mezz", "grand", "n", "ci", "ne",
];

/// The stopwords: the Snowball Italian list, as cerca's word forms leave out.
pub const STOPWORDS: &[&str] = SNOWBALL_ITALIAN;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::WordAnalyzer;

    /// Every elided word of the list is one cerca's own analysis removes.
    #[test]
    fn cerca_removes_every_listed_elision() {
        let mut analyzer = WordAnalyzer::new();
        for elided in ELIDED_WORDS {
            let text = format!("{elided}'energia");
            assert_eq!(analyzer.terms(&text).len(), 1, "{text}");
            assert_eq!(analyzer.terms(&text)[0].1, "energ", "{text}");
        }
    }
}

//! Italian stopwords: words too common to say what a text is about.
//!
//! cerca indexes stopwords like every other word, so that phrases stay exact
//! (`"ministro della difesa"`) and a query made only of stopwords still
//! finds something. They are left out of the *bag of words* at query time:
//! `ministro della difesa` without quotes asks for `ministro` and `difesa`.

use super::accent_folding::fold_accents;

/// The Snowball Italian stopword list (279 words, the list Lucene and tantivy use).
pub const SNOWBALL_ITALIAN: &[&str] = &[
    "ad",
    "al",
    "allo",
    "ai",
    "agli",
    "all",
    "agl",
    "alla",
    "alle",
    "con",
    "col",
    "coi",
    "da",
    "dal",
    "dallo",
    "dai",
    "dagli",
    "dall",
    "dagl",
    "dalla",
    "dalle",
    "di",
    "del",
    "dello",
    "dei",
    "degli",
    "dell",
    "degl",
    "della",
    "delle",
    "in",
    "nel",
    "nello",
    "nei",
    "negli",
    "nell",
    "negl",
    "nella",
    "nelle",
    "su",
    "sul",
    "sullo",
    "sui",
    "sugli",
    "sull",
    "sugl",
    "sulla",
    "sulle",
    "per",
    "tra",
    "contro",
    "io",
    "tu",
    "lui",
    "lei",
    "noi",
    "voi",
    "loro",
    "mio",
    "mia",
    "miei",
    "mie",
    "tuo",
    "tua",
    "tuoi",
    "tue",
    "suo",
    "sua",
    "suoi",
    "sue",
    "nostro",
    "nostra",
    "nostri",
    "nostre",
    "vostro",
    "vostra",
    "vostri",
    "vostre",
    "mi",
    "ti",
    "ci",
    "vi",
    "lo",
    "la",
    "li",
    "le",
    "gli",
    "ne",
    "il",
    "un",
    "uno",
    "una",
    "ma",
    "ed",
    "se",
    "perché",
    "anche",
    "come",
    "dov",
    "dove",
    "che",
    "chi",
    "cui",
    "non",
    "più",
    "quale",
    "quanto",
    "quanti",
    "quanta",
    "quante",
    "quello",
    "quelli",
    "quella",
    "quelle",
    "questo",
    "questi",
    "questa",
    "queste",
    "si",
    "tutto",
    "tutti",
    "a",
    "c",
    "e",
    "i",
    "l",
    "o",
    "ho",
    "hai",
    "ha",
    "abbiamo",
    "avete",
    "hanno",
    "abbia",
    "abbiate",
    "abbiano",
    "avrò",
    "avrai",
    "avrà",
    "avremo",
    "avrete",
    "avranno",
    "avrei",
    "avresti",
    "avrebbe",
    "avremmo",
    "avreste",
    "avrebbero",
    "avevo",
    "avevi",
    "aveva",
    "avevamo",
    "avevate",
    "avevano",
    "ebbi",
    "avesti",
    "ebbe",
    "avemmo",
    "aveste",
    "ebbero",
    "avessi",
    "avesse",
    "avessimo",
    "avessero",
    "avendo",
    "avuto",
    "avuta",
    "avuti",
    "avute",
    "sono",
    "sei",
    "è",
    "siamo",
    "siete",
    "sia",
    "siate",
    "siano",
    "sarò",
    "sarai",
    "sarà",
    "saremo",
    "sarete",
    "saranno",
    "sarei",
    "saresti",
    "sarebbe",
    "saremmo",
    "sareste",
    "sarebbero",
    "ero",
    "eri",
    "era",
    "eravamo",
    "eravate",
    "erano",
    "fui",
    "fosti",
    "fu",
    "fummo",
    "foste",
    "furono",
    "fossi",
    "fosse",
    "fossimo",
    "fossero",
    "essendo",
    "faccio",
    "fai",
    "facciamo",
    "fanno",
    "faccia",
    "facciate",
    "facciano",
    "farò",
    "farai",
    "farà",
    "faremo",
    "farete",
    "faranno",
    "farei",
    "faresti",
    "farebbe",
    "faremmo",
    "fareste",
    "farebbero",
    "facevo",
    "facevi",
    "faceva",
    "facevamo",
    "facevate",
    "facevano",
    "feci",
    "facesti",
    "fece",
    "facemmo",
    "faceste",
    "fecero",
    "facessi",
    "facesse",
    "facessimo",
    "facessero",
    "facendo",
    "sto",
    "stai",
    "sta",
    "stiamo",
    "stanno",
    "stia",
    "stiate",
    "stiano",
    "starò",
    "starai",
    "starà",
    "staremo",
    "starete",
    "staranno",
    "starei",
    "staresti",
    "starebbe",
    "staremmo",
    "stareste",
    "starebbero",
    "stavo",
    "stavi",
    "stava",
    "stavamo",
    "stavate",
    "stavano",
    "stetti",
    "stesti",
    "stette",
    "stemmo",
    "steste",
    "stettero",
    "stessi",
    "stesse",
    "stessimo",
    "stessero",
    "stando",
];

/// Elided forms and question words that carry no topic in a query.
///
/// `quest'`/`quell'` written with a space (`quest' anno`) leave `quest`;
/// questions (`Qual è…`, `Quando…`, `Cosa…`) start with words that the
/// documents answering them rarely contain. Measured on the squad-it dev
/// questions, dropping question words is the largest single ranking gain.
pub const QUERY_EXTRAS: &[&str] = &[
    "d", "quest", "quell", "qual", "quali", "cosa", "cos", "quando",
];

/// The Snowball stopwords as folded word forms (`perche`, `piu`).
///
/// The word-form fields (for prefix and fuzzy terms) leave them out: they
/// are a third of all words, and `del*` or `dela~` finding `della` helps no one.
pub fn folded_word_forms() -> Vec<String> {
    let mut forms: Vec<String> = SNOWBALL_ITALIAN
        .iter()
        .map(|word| fold_accents(word))
        .collect();
    forms.sort();
    forms.dedup();
    forms
}

/// Marks the term of a stopword: `della` is indexed as `·della`, never as a
/// stem. Stems of content words met stopwords' (`alleati` and `alle` both
/// gave `alle`, `eroe` and `ero` both `ero`, `comando` and `come` both
/// `com`): queries dropped those words as stopwords, and found every
/// document with the stopword. No term of a word starts with `·` (U+00B7
/// only joins letters inside a word).
pub const STOPWORD_MARK: char = '·';

/// Whether a lower-case word (accented or not) is a stopword: of
/// [`SNOWBALL_ITALIAN`] or [`QUERY_EXTRAS`].
pub fn is_stopword(word: &str) -> bool {
    static FORMS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let forms = FORMS.get_or_init(|| {
        let mut forms: Vec<String> = SNOWBALL_ITALIAN
            .iter()
            .chain(QUERY_EXTRAS)
            .map(|word| fold_accents(word))
            .collect();
        forms.sort();
        forms.dedup();
        forms
    });
    forms.binary_search(&fold_accents(word)).is_ok()
}

/// The term of a stopword: its folded form, marked (see [`STOPWORD_MARK`]).
pub fn stopword_term(word: &str) -> String {
    format!("{STOPWORD_MARK}{}", fold_accents(word))
}

/// Tells stopwords' terms from the others.
///
/// ```
/// use cerca_core::analysis::{StopWords, WordAnalyzer};
///
/// let stopwords = StopWords::italian();
/// let mut analyzer = WordAnalyzer::new();
/// assert!(stopwords.contains_term(&analyzer.term_of("della")));
/// assert!(!stopwords.contains_term(&analyzer.term_of("alleati")));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct StopWords;

impl StopWords {
    /// The Snowball Italian list plus [`QUERY_EXTRAS`].
    pub fn italian() -> StopWords {
        StopWords
    }

    /// Whether an analyzed term is a stopword's.
    pub fn contains_term(&self, term: &str) -> bool {
        term.starts_with(STOPWORD_MARK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::WordAnalyzer;

    #[test]
    fn holds_the_whole_snowball_list() {
        assert_eq!(SNOWBALL_ITALIAN.len(), 279);
    }

    #[test]
    fn recognizes_accented_and_folded_spellings() {
        let stopwords = StopWords::italian();
        let mut analyzer = WordAnalyzer::new();
        for word in [
            "perché", "perche", "perche'", "più", "piu", "della", "Della", "qual",
        ] {
            let mut terms = Vec::new();
            analyzer.analyze(word, |t| terms.push(t.term.to_owned()));
            assert_eq!(terms.len(), 1, "{word}");
            assert!(stopwords.contains_term(&terms[0]), "{word} -> {}", terms[0]);
        }
    }

    #[test]
    fn content_words_are_not_stopwords() {
        let stopwords = StopWords::italian();
        let mut analyzer = WordAnalyzer::new();
        for word in [
            "esercitazione",
            "ministro",
            "difesa",
            "Bielorussia",
            "energia",
        ] {
            analyzer.analyze(word, |t| {
                assert!(!stopwords.contains_term(t.term), "{word}")
            });
        }
    }
}

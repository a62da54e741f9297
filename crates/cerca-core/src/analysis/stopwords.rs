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

/// The index terms of stopwords, as the analyzer produces them.
///
/// Every stopword analyzed, accented and folded (`perché` and `perche`), so
/// the check works on analyzed terms.
///
/// ```
/// use cerca_core::analysis::StopWords;
///
/// let stopwords = StopWords::italian();
/// assert!(stopwords.contains_term("dell"));
/// assert!(!stopwords.contains_term("difes"));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct StopWords {
    /// Sorted.
    terms: &'static [&'static str],
}

impl StopWords {
    /// The Snowball Italian list plus [`QUERY_EXTRAS`].
    pub fn italian() -> StopWords {
        StopWords {
            terms: ANALYZED_TERMS,
        }
    }

    /// Whether an analyzed term is a stopword's.
    pub fn contains_term(&self, term: &str) -> bool {
        self.terms.binary_search(&term).is_ok()
    }
}

/// What the analyzer makes of [`SNOWBALL_ITALIAN`] and [`QUERY_EXTRAS`],
/// accented and folded, sorted. A table, because analyzing the words took
/// 0.35 ms, a tenth of a whole search process; the test
/// `the_table_is_what_the_analyzer_makes` holds it to the analyzer.
const ANALYZED_TERMS: &[&str] = &[
    "a",
    "abbi",
    "abbiam",
    "ad",
    "agl",
    "agli",
    "ai",
    "al",
    "all",
    "alla",
    "alle",
    "allo",
    "anche",
    "avemm",
    "avend",
    "avess",
    "avesser",
    "avessim",
    "avest",
    "avet",
    "avev",
    "avevam",
    "avra",
    "avrann",
    "avre",
    "avrebb",
    "avrebber",
    "avrem",
    "avremm",
    "avrest",
    "avret",
    "avro",
    "avut",
    "c",
    "che",
    "chi",
    "ci",
    "coi",
    "col",
    "com",
    "con",
    "contr",
    "cos",
    "cui",
    "d",
    "da",
    "dagl",
    "dai",
    "dal",
    "dall",
    "degl",
    "dei",
    "del",
    "dell",
    "di",
    "dov",
    "e",
    "ebbe",
    "ebber",
    "ebbi",
    "ed",
    "era",
    "eran",
    "erav",
    "eravam",
    "eri",
    "ero",
    "essend",
    "fac",
    "facc",
    "facess",
    "facessim",
    "facest",
    "fai",
    "fann",
    "far",
    "fara",
    "farann",
    "fare",
    "farebb",
    "farebber",
    "farem",
    "farest",
    "fec",
    "fecer",
    "foss",
    "fosser",
    "fossim",
    "fost",
    "fu",
    "fui",
    "fumm",
    "fur",
    "gli",
    "ha",
    "hai",
    "hann",
    "ho",
    "i",
    "il",
    "in",
    "io",
    "l",
    "la",
    "le",
    "lei",
    "li",
    "lo",
    "lor",
    "lui",
    "ma",
    "mi",
    "mia",
    "mie",
    "mio",
    "ne",
    "negl",
    "nei",
    "nel",
    "nell",
    "noi",
    "non",
    "nostr",
    "o",
    "per",
    "perche",
    "piu",
    "qual",
    "quand",
    "quant",
    "quell",
    "quest",
    "sar",
    "sara",
    "sarann",
    "sare",
    "sarebb",
    "sarebber",
    "sarem",
    "sarest",
    "se",
    "sei",
    "si",
    "sia",
    "siam",
    "sian",
    "siat",
    "siet",
    "son",
    "sta",
    "stand",
    "stann",
    "star",
    "stara",
    "starann",
    "stare",
    "starebb",
    "starebber",
    "starem",
    "starest",
    "stav",
    "stavam",
    "stemm",
    "stess",
    "stesser",
    "stessim",
    "stest",
    "stett",
    "stetter",
    "sti",
    "stiam",
    "sto",
    "su",
    "sua",
    "sue",
    "sugl",
    "sui",
    "sul",
    "sull",
    "suo",
    "ti",
    "tra",
    "tu",
    "tua",
    "tue",
    "tuo",
    "tutt",
    "un",
    "una",
    "uno",
    "vi",
    "voi",
    "vostr",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::WordAnalyzer;

    #[test]
    fn the_table_is_what_the_analyzer_makes() {
        let mut analyzer = WordAnalyzer::new();
        let mut terms = std::collections::BTreeSet::new();
        for word in SNOWBALL_ITALIAN.iter().chain(QUERY_EXTRAS) {
            for spelling in [word.to_string(), fold_accents(word)] {
                analyzer.analyze(&spelling, |token| {
                    terms.insert(token.term.to_owned());
                });
            }
        }
        let table: Vec<&str> = ANALYZED_TERMS.to_vec();
        let analyzed: Vec<&str> = terms.iter().map(String::as_str).collect();
        assert_eq!(
            table, analyzed,
            "the analyzer changed: ANALYZED_TERMS must become {analyzed:?}"
        );
    }

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

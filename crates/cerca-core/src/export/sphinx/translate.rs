//! cerca's query language as SphinxQL: a MATCH expression for the words and
//! WHERE conditions for the filters.

use cerca_query::{DateField, DatePoint, DateRange, Node, Span, TextField};

use crate::error::{Error, Result};
use crate::export::query_words::{Dialect, PhraseWord, Scope, Translator};
use crate::export::{day_seconds, instant_seconds, Untranslatable};
use crate::search::compile::{resolve_point, ResolvedPoint};
use crate::Operator;

const ENGINE: &str = "Sphinx";

/// A query for the index [`export`](super::export) configures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SphinxQuery {
    /// The MATCH expression (Sphinx's extended query syntax); empty when the
    /// query has only filters.
    pub matching: String,
    /// Conditions on attributes, all of which must hold.
    pub filters: Vec<String>,
}

impl SphinxQuery {
    /// The SphinxQL statement for one page of results from `index`, best
    /// first, ranked by BM25 (k1 1.2, b 0.75, as cerca) with the collection's
    /// word statistics.
    ///
    /// ```
    /// use cerca_core::{export::sphinx, query::parse, Operator};
    ///
    /// # fn main() -> cerca_core::Result<()> {
    /// let query = sphinx::translate(&parse("esercitazione ext:pdf")?, Operator::All)?;
    /// assert_eq!(
    ///     query.to_sql("cerca", 10, 0)?,
    ///     "SELECT id, path, title, WEIGHT() AS relevance FROM cerca \
    ///      WHERE MATCH('@(title,body) (esercitazione | esercitaziona | esercitaziono)') \
    ///      AND kind = 'pdf' ORDER BY relevance DESC, id ASC LIMIT 0, 10 \
    ///      OPTION ranker = expr('10000*bm25a(1.2,0.75)'), global_idf = 1"
    /// );
    /// # Ok(()) }
    /// ```
    pub fn to_sql(&self, index: &str, limit: usize, offset: usize) -> Result<String> {
        if !super::config::is_index_name(index) {
            return Err(Error::BadOption {
                option: "index name",
                reason: format!("{index:?} is not an index name Sphinx takes (a letter, then letters, digits, `_`)"),
            });
        }
        let last = offset
            .checked_add(limit)
            .filter(|last| *last <= MAX_MATCHES);
        let Some(last) = last else {
            return Err(Error::BadOption {
                option: "limit and offset",
                reason: format!("a statement reaches at most hit {MAX_MATCHES} (offset {offset} + limit {limit})"),
            });
        };
        let mut conditions = Vec::new();
        if !self.matching.is_empty() {
            conditions.push(format!("MATCH({})", sql_string(&self.matching)));
        }
        conditions.extend(self.filters.iter().cloned());
        let mut sql = format!("SELECT id, path, title, WEIGHT() AS relevance FROM {index}");
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        let order = if self.matching.is_empty() {
            "id ASC"
        } else {
            "relevance DESC, id ASC"
        };
        sql.push_str(&format!(
            " ORDER BY {order} LIMIT {offset}, {limit} OPTION ranker = expr('10000*bm25a(1.2,0.75)'), global_idf = 1"
        ));
        // Sphinx keeps the best 1,000 matches unless told otherwise.
        if last > 1000 {
            sql.push_str(&format!(", max_matches = {last}"));
        }
        Ok(sql)
    }
}

/// The furthest hit a statement may ask for (offset + limit): each is kept in
/// memory by every node until the end of the query.
pub const MAX_MATCHES: usize = 100_000;

/// `query` for Sphinx, finding what cerca finds (in script mode) as far as
/// Sphinx can: an [`Untranslatable`] error names what it cannot (fuzzy
/// words, path globs, boosts on groups, filters inside OR, a query of only
/// excluded words).
pub fn translate(query: &Node, operator: Operator) -> Result<SphinxQuery> {
    let translated = Translator::new(&mut SphinxQl, operator).translate(query)?;
    // Nothing to search for (only punctuation, only excluded stopwords):
    // nothing is found, as in cerca; an empty MATCH would find everything.
    let clause = translated.unwrap_or_else(|| Clause::filter("id = 0".into()));
    let matching = match clause.text {
        Some(text) => format!("@(title,body) {text}"),
        None => String::new(),
    };
    Ok(SphinxQuery {
        matching,
        filters: clause.filters,
    })
}

/// A translated clause: words in Sphinx's syntax, and conditions on attributes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Clause {
    text: Option<String>,
    filters: Vec<String>,
}

impl Clause {
    fn words(text: String) -> Clause {
        Clause {
            text: Some(text),
            filters: Vec::new(),
        }
    }

    fn filter(condition: String) -> Clause {
        Clause {
            text: None,
            filters: vec![condition],
        }
    }
}

struct SphinxQl;

fn untranslatable(what: &str, span: Span, hint: &str) -> crate::Error {
    Untranslatable {
        engine: ENGINE,
        what: what.to_owned(),
        span,
        hint: hint.to_owned(),
    }
    .into()
}

/// Limits `text` to one field; both fields are the default.
fn scoped(scope: Scope, text: String) -> String {
    match scope {
        Scope::TitleAndBody => text,
        Scope::Only(TextField::Title) => format!("(@title {text})"),
        Scope::Only(TextField::Body) => format!("(@body {text})"),
    }
}

/// A word, by its exact form (`=della`: `index_exact_words`) if `exact`.
fn exact_if(exact: bool, word: &str) -> String {
    match exact {
        true => format!("={}", escaped(word)),
        false => escaped(word),
    }
}

/// A word as Sphinx reads it: the analysis gives letters and digits only,
/// but a word Sphinx would take as an operator is escaped all the same.
fn escaped(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if "\\()|-!@~\"&/^$=<>'*".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

impl Dialect for SphinxQl {
    type Out = Clause;

    fn word(
        &mut self,
        variants: &[String],
        stopword: bool,
        scope: Scope,
        _: Span,
    ) -> Result<Clause> {
        let words: Vec<String> = variants
            .iter()
            .map(|word| exact_if(stopword, word))
            .collect();
        let text = match words.as_slice() {
            [one] => one.clone(),
            _ => format!("({})", words.join(" | ")),
        };
        Ok(Clause::words(scoped(scope, text)))
    }

    fn phrase(&mut self, words: &[PhraseWord], slop: u32, scope: Scope, _: Span) -> Result<Clause> {
        // A stopword by its exact form (`=della`: `index_exact_words`), as
        // cerca never stems one: `"della città"` must not find `delle città`.
        let words: Vec<String> = words
            .iter()
            .map(|word| exact_if(word.stopword, &word.text))
            .collect();
        let phrase = format!("\"{}\"", words.join(" "));
        // Sphinx's `~N` is a window of the words' count plus N - 1 words,
        // in any order: slop N in order needs N + 1.
        let text = match slop {
            0 => phrase,
            slop => format!("{phrase}~{}", u64::from(slop) + 1),
        };
        Ok(Clause::words(scoped(scope, text)))
    }

    fn word_form(
        &mut self,
        form: &str,
        distance: Option<u8>,
        scope: Scope,
        span: Span,
    ) -> Result<Clause> {
        match distance {
            None => Ok(Clause::words(scoped(scope, format!("{}*", escaped(form))))),
            Some(_) => Err(untranslatable(
                "fuzzy words",
                span,
                "Sphinx 2.2 has no fuzzy matching; write the word, or a prefix (word*)",
            )),
        }
    }

    fn path(&mut self, pattern: &str, span: Span) -> Result<Clause> {
        if pattern.contains(['*', '?', '[']) {
            return Err(untranslatable(
                "path globs",
                span,
                "Sphinx 2.2 has no patterns on attributes; write a fragment of the path (path:cucina)",
            ));
        }
        let words: Vec<String> = pattern
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(|word| escaped(&word.to_lowercase()))
            .collect();
        if words.is_empty() {
            return Err(untranslatable(
                "a path fragment without letters or digits",
                span,
                "Sphinx matches paths by their words",
            ));
        }
        Ok(Clause::words(format!("(@path \"{}\")", words.join(" "))))
    }

    fn kind(&mut self, kind: &str, _: Span) -> Result<Clause> {
        Ok(Clause::filter(format!("kind = {}", sql_string(kind))))
    }

    fn date(&mut self, field: DateField, range: &DateRange, _: Span) -> Result<Clause> {
        let column = field.to_string();
        let mut conditions = Vec::new();
        if field == DateField::Date {
            conditions.push("has_date = 1".to_owned());
        }
        if let Some(start) = range.start {
            conditions.push(format!("{column} >= {}", seconds(start)));
        }
        if let Some(end) = range.end {
            conditions.push(format!("{column} < {}", seconds(end)));
        }
        Ok(Clause {
            text: None,
            filters: conditions,
        })
    }

    fn boost(&mut self, inner: Clause, factor: f32, span: Span) -> Result<Clause> {
        match inner
            .text
            .as_deref()
            .and_then(|text| boost_keywords(text, factor))
        {
            Some(text) if inner.filters.is_empty() => Ok(Clause::words(text)),
            _ => Err(untranslatable(
                "a boost on a phrase, a prefix, a group or a filter",
                span,
                "Sphinx 2.2 boosts keywords only (word^2)",
            )),
        }
    }

    fn combine(
        &mut self,
        must: Vec<Clause>,
        should: Vec<Clause>,
        must_not: Vec<Clause>,
        span: Span,
    ) -> Result<Clause> {
        let mut filters = Vec::new();
        let mut required = Vec::new();
        for clause in must {
            filters.extend(clause.filters);
            required.extend(clause.text);
        }
        let mut optional = Vec::new();
        for clause in should {
            if !clause.filters.is_empty() {
                return Err(untranslatable(
                    "a filter (ext:, date:, modified:) beside OR",
                    span,
                    "SphinxQL's filters all hold together; move the filter out of the OR group",
                ));
            }
            optional.extend(clause.text);
        }
        let mut excluded = Vec::new();
        for clause in must_not {
            match (clause.text, clause.filters.as_slice()) {
                (Some(text), []) => excluded.push(format!("-({text})")),
                (None, [one]) if one.starts_with("kind = ") => {
                    filters.push(one.replacen("kind = ", "kind != ", 1));
                }
                _ => {
                    return Err(untranslatable(
                        "an excluded date range, or words and filters excluded together",
                        span,
                        "SphinxQL cannot negate these conditions",
                    ))
                }
            }
        }
        let alternatives = match optional.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            _ => Some(format!("({})", optional.join(" | "))),
        };
        let mut text = match (required.is_empty(), alternatives) {
            (true, None) => None,
            (true, Some(any)) => Some(any),
            (false, None) => Some(required.join(" ")),
            (false, Some(any)) => Some(format!("({}) MAYBE {any}", required.join(" "))),
        };
        if !excluded.is_empty() {
            let Some(positive) = text.take() else {
                return Err(untranslatable(
                    "a query of excluded words only",
                    span,
                    "Sphinx needs a word to look for beside the excluded ones",
                ));
            };
            text = Some(format!("({positive} {})", excluded.join(" ")));
        }
        if required.is_empty() && !filters.is_empty() && text.is_some() && !optional.is_empty() {
            return Err(untranslatable(
                "optional words beside filters only",
                span,
                "make one of the words required (+word)",
            ));
        }
        Ok(Clause { text, filters })
    }

    fn everything_but(&mut self, _: Clause, span: Span) -> Result<Clause> {
        Err(untranslatable(
            "an excluded word beside OR",
            span,
            "Sphinx has no \"everything but\"; exclude the word from the whole query instead",
        ))
    }
}

/// `text` with every keyword boosted by `factor` (`(@body (a | b))` →
/// `(@body (a^2 | b^2))`); `None` when it holds more than keywords, field
/// limits and alternatives (a phrase, a prefix, an exclusion, MAYBE).
fn boost_keywords(text: &str, factor: f32) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    let mut in_field = false;
    while let Some(c) = chars.next() {
        match c {
            '@' => in_field = true,
            c if c.is_alphanumeric() && c.is_uppercase() => return None,
            c if c.is_alphanumeric() => {
                out.push(c);
                if !in_field && !chars.peek().is_some_and(|next| next.is_alphanumeric()) {
                    out.push_str(&format!("^{factor}"));
                }
                continue;
            }
            ' ' | '(' | ')' | '|' | ',' => in_field = false,
            _ => return None,
        }
        out.push(c);
    }
    Some(out)
}

/// A day's start, or the moment that long ago, in seconds since 1970.
fn seconds(point: DatePoint) -> i64 {
    match resolve_point(point, std::time::SystemTime::now()) {
        ResolvedPoint::Day(date) => day_seconds(date),
        ResolvedPoint::OutOfRange { before } => {
            if before {
                i64::MIN
            } else {
                i64::MAX
            }
        }
        ResolvedPoint::Instant(instant) => instant_seconds(instant),
    }
}

/// A SphinxQL string literal.
fn sql_string(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        if c == '\'' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

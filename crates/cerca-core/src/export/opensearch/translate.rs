//! cerca's query language as the Query DSL.

use cerca_query::{DateField, DatePoint, DateRange, Node, Span, TextField};
use serde_json::{json, Value};

use crate::error::Result;
use crate::export::query_words::{Dialect, PhraseWord, Scope, Translator};
use crate::search::compile::{path_regex, TITLE_BOOST};
use crate::Operator;

/// Weight of a word's other genders and numbers (as cerca's own search).
const INFLECTION_WEIGHT: f32 = 0.9;

/// The body of a `_search` request (`{"query": …}`) that finds what cerca
/// finds for `query` (in script mode: an AND query is not relaxed), for an
/// index made from [`index_body`](super::index_body).
///
/// ```
/// use cerca_core::{export::opensearch, query::parse, Operator};
///
/// # fn main() -> cerca_core::Result<()> {
/// let dsl = opensearch::translate(&parse("ext:pdf esercitaz*")?, Operator::All)?;
/// let text = dsl.to_string();
/// assert!(text.contains(r#"{"term":{"kind":"pdf"}}"#), "{text}");
/// assert!(text.contains(r#"{"prefix":{"body.words":{"value":"esercitaz"}}}"#), "{text}");
/// # Ok(()) }
/// ```
pub fn translate(query: &Node, operator: Operator) -> Result<Value> {
    let translated = Translator::new(&mut QueryDsl, operator).translate(query)?;
    Ok(json!({ "query": translated.unwrap_or_else(|| json!({ "match_none": {} })) }))
}

/// The Query DSL dialect.
struct QueryDsl;

impl QueryDsl {
    /// `make` for one field, or for both with the title weighing [`TITLE_BOOST`].
    fn per_field(scope: Scope, make: impl Fn(&str) -> Value) -> Value {
        match scope {
            Scope::Only(TextField::Title) => make("title"),
            Scope::Only(TextField::Body) => make("body"),
            Scope::TitleAndBody => json!({ "bool": { "should": [
                { "bool": { "must": [make("title")], "boost": weight(TITLE_BOOST) } },
                make("body"),
            ] } }),
        }
    }
}

impl Dialect for QueryDsl {
    type Out = Value;

    // Stopwords are not stemmed by the mapping's analyzer (`keyword_marker`).
    fn word(&mut self, variants: &[String], _: bool, scope: Scope, _: Span) -> Result<Value> {
        Ok(Self::per_field(scope, |field| {
            let matches: Vec<Value> = variants
                .iter()
                .enumerate()
                .map(|(i, word)| {
                    let mut query = json!({ "query": word, "operator": "and" });
                    if i > 0 {
                        query["boost"] = weight(INFLECTION_WEIGHT);
                    }
                    json!({ "match": { field: query } })
                })
                .collect();
            match <[Value; 1]>::try_from(matches) {
                Ok([single]) => single,
                Err(matches) => json!({ "dis_max": { "queries": matches } }),
            }
        }))
    }

    fn phrase(&mut self, words: &[PhraseWord], slop: u32, scope: Scope, _: Span) -> Result<Value> {
        // Stopwords are not stemmed by the mapping's analyzer (`keyword_marker`).
        let words: Vec<&str> = words.iter().map(|word| word.text.as_str()).collect();
        let text = words.join(" ");
        Ok(Self::per_field(scope, |field| {
            let mut phrase = json!({ "query": text });
            if slop > 0 {
                phrase["slop"] = json!(slop);
            }
            json!({ "match_phrase": { field: phrase } })
        }))
    }

    fn word_form(
        &mut self,
        form: &str,
        distance: Option<u8>,
        scope: Scope,
        _: Span,
    ) -> Result<Value> {
        Ok(Self::per_field(scope, |field| {
            let field = format!("{field}.words");
            match distance {
                None => json!({ "prefix": { field: { "value": form } } }),
                Some(distance) => json!({ "fuzzy": { field: {
                    "value": form, "fuzziness": distance, "transpositions": true
                } } }),
            }
        }))
    }

    fn path(&mut self, pattern: &str, _: Span) -> Result<Value> {
        // cerca's own regex (anchored, `(?is)` aside) is valid Lucene
        // syntax: `.` matches newlines there too, and case is a parameter.
        // `"` is not special to cerca's regexes, but it is to Lucene's.
        let regex = path_regex(pattern).unwrap_or_default().replace('"', "\\\"");
        let regex = regex.strip_prefix("(?is)").unwrap_or(&regex);
        Ok(json!({ "regexp": { "path": {
            "value": regex, "flags": "NONE", "case_insensitive": true
        } } }))
    }

    fn kind(&mut self, kind: &str, _: Span) -> Result<Value> {
        Ok(json!({ "term": { "kind": kind } }))
    }

    fn date(&mut self, field: DateField, range: &DateRange, _: Span) -> Result<Value> {
        let mut bounds = serde_json::Map::new();
        if let Some(start) = range.start {
            bounds.insert("gte".into(), json!(date_point(start)));
        }
        if let Some(end) = range.end {
            bounds.insert("lt".into(), json!(date_point(end)));
        }
        Ok(json!({ "range": { field.to_string(): bounds } }))
    }

    fn boost(&mut self, inner: Value, factor: f32, _: Span) -> Result<Value> {
        Ok(json!({ "bool": { "must": [inner], "boost": weight(factor) } }))
    }

    fn combine(
        &mut self,
        must: Vec<Value>,
        should: Vec<Value>,
        must_not: Vec<Value>,
        _: Span,
    ) -> Result<Value> {
        if should.is_empty() && must_not.is_empty() && must.len() == 1 {
            return Ok(must.into_iter().next().unwrap_or_default());
        }
        let mut clauses = serde_json::Map::new();
        if !must.is_empty() {
            clauses.insert("must".into(), json!(must));
        }
        if !should.is_empty() {
            if must.is_empty() {
                clauses.insert("minimum_should_match".into(), json!(1));
            }
            clauses.insert("should".into(), json!(should));
        }
        if !must_not.is_empty() {
            clauses.insert("must_not".into(), json!(must_not));
        }
        Ok(json!({ "bool": clauses }))
    }

    fn everything_but(&mut self, excluded: Value, _: Span) -> Result<Value> {
        Ok(json!({ "bool": { "must_not": [excluded] } }))
    }
}

/// A weight as written (`0.1`, not the `0.10000000149011612` an `f32` widens to).
fn weight(factor: f32) -> Value {
    factor
        .to_string()
        .parse::<f64>()
        .map_or_else(|_| json!(factor), |f| json!(f))
}

/// A bound as the engines read dates: a day, or date maths from now (cerca
/// counts a month as 30 days and a year as 365, so in hours).
fn date_point(point: DatePoint) -> String {
    match point {
        // Years past 9999 do not parse as dates: milliseconds since 1970 do.
        DatePoint::Day(day) if !(0..=9999).contains(&day.year) => {
            let millis = (i64::from(day.year) - 1970).saturating_mul(31_556_952_000);
            millis.to_string()
        }
        DatePoint::Day(day) => format!("{:04}-{:02}-{:02}", day.year, day.month, day.day),
        DatePoint::Ago { amount, unit } => {
            format!("now-{}h", crate::search::compile::ago_hours(amount, unit))
        }
    }
}

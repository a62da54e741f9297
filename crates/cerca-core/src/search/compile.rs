//! Compiles a parsed query (cerca-query's tree) into a tantivy query.
//!
//! Every word goes through the Italian analyzer, so a query matches the
//! index's terms: stems for words and phrases, folded word forms for prefix
//! and fuzzy terms. Stopwords are dropped from the bag of words unless the
//! query has nothing else; phrases keep them, since the index does.

use std::ops::Bound;
use std::time::{Duration, SystemTime};

use cerca_query::{
    AgoUnit, DateField, DatePoint, DateRange, Expr, Node, ParseError, ParseErrorKind, Span,
    TermKind, TextField,
};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery,
    Occur, PhraseQuery, Query, RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

use crate::analysis::{inflections, StopWords, WordAnalyzer};

use super::sloppy_phrase::SloppyPhrase;
use crate::index::{datetime, day_to_datetime};
use crate::schema::Fields;

use super::clause_plan::{plan, Join, Role, Scope, TreeWalk};
use super::Operator;

/// The weight of a match in the title, added to the body's score.
///
/// The title's BM25 is large (a title is short), and it adds to the body's:
/// a word in the title already counts twice when the title is also in the
/// text. Measured on the squad-it dev questions (titles are first sentences),
/// MRR@10 with title weight 0 / 0.1 / 0.25 / 0.5 / 1.0 was
/// 0.790 / 0.789 / 0.783 / 0.761 / 0.696.
pub(crate) const TITLE_BOOST: f32 = 0.1;
/// Consecutive query words within this many extra positions earn a bonus…
const PROXIMITY_SLOP: u32 = 3;
/// …weighing this much against the words' own scores. Measured on the
/// squad-it dev questions (OR, top 100): MRR@10 0.7930 without, 0.7968 with
/// 0.1 (0.7937 with 0.3, 0.7685 with 1.0); slops 1 to 12 within ±0.001.
const PROXIMITY_WEIGHT: f32 = 0.1;
/// At most this many pairs of consecutive words earn the proximity bonus:
/// each is a sloppy phrase to match, and a long query would have a hundred.
pub const MAX_PROXIMITY_PAIRS: usize = 16;
/// How often one stem may occur in a phrase with slop: matching such a
/// phrase grows exponentially with the repeats (measured on the bulk corpus:
/// `"di di di di di di di di"~100` took 25 s and 2.6 GB).
pub const MAX_REPEATS_IN_SLOPPY_PHRASE: usize = 3;
/// Weight of a word's other genders and numbers against the word as typed.
const INFLECTION_WEIGHT: f32 = 0.9;
/// Score added per matched clause when ranking by how many words match.
const COORDINATION_SCORE: f32 = 1000.0;

/// What a query asks to highlight in snippets: one entry per query word.
#[derive(Debug, Default, Clone)]
pub(crate) struct Highlight {
    pub words: Vec<QueryWord>,
}

/// How a query word shows in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum QueryWord {
    /// Words with one of these terms (its stem, or its inflections').
    Stems(Vec<String>),
    /// Word forms starting with this.
    Prefix(String),
    /// Word forms within this edit distance.
    Fuzzy(String, u8),
}

impl Highlight {
    fn add(&mut self, word: QueryWord) {
        if !self.words.contains(&word) {
            self.words.push(word);
        }
    }
}

impl Scope {
    /// The schema's fields of stems, by name.
    fn stemmed_fields(self) -> &'static str {
        match self {
            Scope::TitleAndBody => "title, body",
            Scope::Only(TextField::Title) => "title",
            Scope::Only(TextField::Body) => "body",
        }
    }

    /// The schema's fields of folded word forms, by name.
    fn word_form_fields(self) -> &'static str {
        match self {
            Scope::TitleAndBody => "title_words, body_words",
            Scope::Only(TextField::Title) => "title_words",
            Scope::Only(TextField::Body) => "body_words",
        }
    }
}

/// A date range as the explanation shows it: `[start, end)`.
fn describe_range(range: &DateRange) -> String {
    let point = |p: &Option<DatePoint>, open: &str| match p {
        Some(DatePoint::Day(day)) => format!("{:04}-{:02}-{:02}", day.year, day.month, day.day),
        Some(DatePoint::Ago { amount, unit }) => format!("{amount}{unit:?} ago"),
        None => open.to_owned(),
    };
    format!("[{}, {})", point(&range.start, "…"), point(&range.end, "…"))
}

/// The tantivy query for a tree, what to highlight, and (for `--explain`)
/// the index terms it looks up, one line per query clause.
pub(crate) struct Compiled {
    pub query: Box<dyn Query>,
    pub highlight: Highlight,
    pub lookups: Vec<String>,
}

pub(crate) struct Compiler<'a> {
    fields: Fields,
    stopwords: &'a StopWords,
    analyzer: WordAnalyzer,
    operator: Operator,
    /// Rank documents by how many of the top-level clauses they match.
    coordinate: bool,
    keep_stopwords: bool,
    /// The stems of the query's words, in order, for the proximity bonus.
    proximity_terms: Vec<String>,
    now: SystemTime,
    highlight: Highlight,
    /// The first part of the query that cannot be searched as written.
    error: Option<ParseError>,
    lookups: Vec<String>,
}

impl<'a> Compiler<'a> {
    pub fn new(
        fields: Fields,
        stopwords: &'a StopWords,
        operator: Operator,
        coordinate: bool,
    ) -> Self {
        Compiler {
            fields,
            stopwords,
            analyzer: WordAnalyzer::new(),
            operator,
            coordinate,
            keep_stopwords: false,
            proximity_terms: Vec::new(),
            now: SystemTime::now(),
            highlight: Highlight::default(),
            error: None,
            lookups: Vec::new(),
        }
    }

    /// The tantivy query for `root`; an error pointing into the query for
    /// what cannot be searched (an invalid path glob, a phrase too costly).
    pub fn compile(mut self, root: &Node) -> Result<Compiled, ParseError> {
        self.keep_stopwords = only_stopwords(&mut self.analyzer, self.stopwords, root);
        let query = self.node(root, Scope::TitleAndBody, false);
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let query = query.map(|query| self.with_proximity(query));
        Ok(Compiled {
            query: query.unwrap_or_else(|| Box::new(tantivy::query::EmptyQuery)),
            highlight: self.highlight,
            lookups: self.lookups,
        })
    }

    /// Notes, for `--explain`, what a clause looks up in which fields.
    fn note(&mut self, fields: &str, what: String, written: &str, negated: bool) {
        let excluded = if negated { " (excluded)" } else { "" };
        self.lookups
            .push(format!("{fields}: {what}   <- {written}{excluded}"));
    }

    fn fail(&mut self, kind: ParseErrorKind, span: Span) {
        self.error.get_or_insert(ParseError::new(kind, span));
    }

    /// Adds to the score of documents where consecutive query words stand
    /// close together (a sloppy phrase of each pair), without changing
    /// what matches.
    fn with_proximity(&self, query: Box<dyn Query>) -> Box<dyn Query> {
        if self.proximity_terms.len() < 2 {
            return query;
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, query)];
        let pairs = self
            .proximity_terms
            .windows(2)
            .filter(|pair| pair[0] != pair[1]);
        for pair in pairs.take(MAX_PROXIMITY_PAIRS) {
            let terms = vec![
                (0, Term::from_field_text(self.fields.body, &pair[0])),
                (1, Term::from_field_text(self.fields.body, &pair[1])),
            ];
            let phrase = PhraseQuery::new_with_offset_and_slop(terms, PROXIMITY_SLOP);
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(phrase), PROXIMITY_WEIGHT)),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Whether every bag-of-words term of the query is a stopword (`della`).
    fn node(&mut self, node: &Node, scope: Scope, negated: bool) -> Option<Box<dyn Query>> {
        match &node.expr {
            Expr::Term(term) => match term.kind {
                TermKind::Exact => self.word(&term.text, scope, negated, self.keep_stopwords),
                TermKind::Prefix => self.word_form(&term.text, scope, negated, None),
                TermKind::Fuzzy { distance } => {
                    self.word_form(&term.text, scope, negated, Some(distance))
                }
            },
            Expr::Phrase(phrase) => {
                self.check_repeats(&phrase.text, phrase.slop, node.span);
                self.phrase(&phrase.text, phrase.slop, scope, negated)
            }
            Expr::Implicit(items) => {
                let join = match self.operator {
                    Operator::All => Join::All,
                    Operator::Any => Join::Any,
                };
                self.clauses(items, join, scope, negated)
            }
            Expr::And(items) => self.clauses(items, Join::All, scope, negated),
            Expr::Or(items) => self.clauses(items, Join::Either, scope, negated),
            Expr::Not(_) => self.clauses(std::slice::from_ref(node), Join::All, scope, negated),
            Expr::Required(inner) => self.node(inner, scope, negated),
            Expr::Field { field, inner } => self.node(inner, Scope::Only(*field), negated),
            Expr::Path(pattern) => self.path(pattern, node.span),
            Expr::Ext(ext) => {
                let kind = ext.trim_start_matches('.').to_lowercase();
                self.note("kind", format!("term {kind}"), &node.to_string(), negated);
                Some(Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.kind, &kind),
                    IndexRecordOption::Basic,
                )))
            }
            Expr::Date { field, range } => {
                let name = match field {
                    DateField::Date => "date",
                    DateField::Modified => "modified",
                };
                let what = format!("instants in {}", describe_range(range));
                self.note(name, what, &node.to_string(), negated);
                Some(self.date(*field, range))
            }
            Expr::Boost { inner, factor } => {
                let inner = self.node(inner, scope, negated)?;
                Some(Box::new(BoostQuery::new(inner, *factor)))
            }
        }
    }

    /// A list of clauses joined as `join` says; `+` clauses are required either way.
    fn clauses(
        &mut self,
        items: &[Node],
        join: Join,
        scope: Scope,
        negated: bool,
    ) -> Option<Box<dyn Query>> {
        let top_level = std::mem::replace(&mut self.coordinate, false);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // Under the OR fallback, the words that may be missing (filters,
        // fields, `+` and `-` words never may): one of them at least.
        let mut some_of: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        // With `--any`: the words, of which one at least must match when a
        // filter narrows them (`ext:md governo`), and which only rank beside
        // a `+` word (as documented for `+`).
        let mut any_of: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let (mut filtered, mut required) = (false, false);
        for planned in plan(items, join) {
            let negated = negated ^ planned.negates();
            let compiled =
                self.walk_keeping_stopword(planned.node, scope, negated, planned.keep_stopword);
            let Some(query) = compiled else {
                continue;
            };
            let clause = match planned.role {
                Role::Excluded => (Occur::MustNot, query),
                Role::ExcludedBesideOr => (Occur::Should, everything_but(query)),
                Role::Required => {
                    required = true;
                    (Occur::Must, query)
                }
                _ if top_level && is_relaxable(planned.node) => {
                    some_of.push((Occur::Should, coordinated(query)));
                    continue;
                }
                _ if top_level => (Occur::Must, query),
                Role::Must => (Occur::Must, query),
                Role::Word => {
                    any_of.push((Occur::Should, query));
                    continue;
                }
                // Filters hold with `--any` too.
                Role::Filter => {
                    filtered = true;
                    (Occur::Must, query)
                }
                Role::Alternative => (Occur::Should, query),
            };
            clauses.push(clause);
        }
        self.coordinate = top_level;
        if !some_of.is_empty() {
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(some_of))));
        }
        if filtered && !required && !any_of.is_empty() {
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(any_of))));
        } else {
            clauses.extend(any_of);
        }
        if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
            if clauses.is_empty() {
                return None;
            }
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Some(Box::new(BooleanQuery::new(clauses)))
    }

    /// A word through the analyzer: its stem and those of its other inflections.
    fn word(
        &mut self,
        text: &str,
        scope: Scope,
        negated: bool,
        keep_stopword: bool,
    ) -> Option<Box<dyn Query>> {
        let mut tokens = Vec::new();
        self.analyzer.analyze(text, |t| {
            tokens.push((t.position, t.term.to_owned(), t.lowercase.to_owned()))
        });
        if tokens.len() != 1 {
            // `Zapad-2025`, `dell'anno-luce`: several words make a phrase.
            return self.phrase(text, 0, scope, negated);
        }
        let (_, term, lowercase) = tokens.remove(0);
        if !keep_stopword && self.stopwords.contains_term(&term) {
            return None;
        }
        let mut variants = vec![term];
        for variant in inflections(&lowercase).iter().skip(1) {
            let stem = self.analyzer.term_of(variant);
            if !variants.contains(&stem) {
                variants.push(stem);
            }
        }
        if !negated {
            self.highlight.add(QueryWord::Stems(variants.clone()));
            if scope == Scope::TitleAndBody {
                self.proximity_terms.push(variants[0].clone());
            }
        }
        let what = format!("term {}", variants.join(" | "));
        self.note(scope.stemmed_fields(), what, text, negated);
        Some(self.per_field(scope, |fields, field| {
            let (stemmed, _) = fields.text_fields(field);
            let alternatives: Vec<Box<dyn Query>> = variants
                .iter()
                .enumerate()
                .map(|(i, stem)| {
                    let query: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_field_text(stemmed, stem),
                        IndexRecordOption::WithFreqs,
                    ));
                    if i == 0 {
                        query
                    } else {
                        Box::new(BoostQuery::new(query, INFLECTION_WEIGHT))
                    }
                })
                .collect();
            match <[Box<dyn Query>; 1]>::try_from(alternatives) {
                Ok([single]) => single,
                Err(alternatives) => Box::new(DisjunctionMaxQuery::new(alternatives)),
            }
        }))
    }

    /// Words in order, `slop` extra positions allowed; stopwords included.
    fn phrase(
        &mut self,
        text: &str,
        slop: u32,
        scope: Scope,
        negated: bool,
    ) -> Option<Box<dyn Query>> {
        let mut terms: Vec<(usize, String)> = self.analyzer.terms(text);
        let first = terms.first()?.0;
        let words: Vec<&str> = terms.iter().map(|(_, term)| term.as_str()).collect();
        let what = match (words.len(), slop) {
            (1, _) => format!("term {}", words[0]),
            (_, 0) => format!("phrase [{}]", words.join(" ")),
            _ => format!(
                "phrase [{}] with up to {slop} words between",
                words.join(" ")
            ),
        };
        self.note(scope.stemmed_fields(), what, text, negated);
        for (position, term) in &mut terms {
            *position -= first;
            if !negated && !self.stopwords.contains_term(term) {
                self.highlight.add(QueryWord::Stems(vec![term.clone()]));
            }
        }
        Some(self.per_field(scope, |fields, field| -> Box<dyn Query> {
            let (stemmed, _) = fields.text_fields(field);
            if let [(_, term)] = terms.as_slice() {
                return Box::new(TermQuery::new(
                    Term::from_field_text(stemmed, term),
                    IndexRecordOption::WithFreqs,
                ));
            }
            let offsets = terms
                .iter()
                .map(|(position, term)| (*position, Term::from_field_text(stemmed, term)))
                .collect();
            let phrase = PhraseQuery::new_with_offset_and_slop(offsets, slop);
            // Not as an exclusion: tantivy's scored phrase matcher there
            // breaks a seek contract (a debug assertion in Exclude).
            match slop {
                0 => Box::new(phrase) as Box<dyn Query>,
                _ if negated => Box::new(phrase),
                _ => Box::new(SloppyPhrase(phrase)),
            }
        }))
    }

    /// A prefix (`fuzzy` = `None`) or fuzzy term on the folded word forms.
    ///
    /// It also matches whatever the word itself matches, so `word*` and
    /// `word~` never find less than `word` (`esercitazione*` finds
    /// `esercitazioni`, as `esercitazione` does).
    fn word_form(
        &mut self,
        text: &str,
        scope: Scope,
        negated: bool,
        fuzzy: Option<Option<u8>>,
    ) -> Option<Box<dyn Query>> {
        let mut words = Vec::new();
        self.analyzer
            .analyze(text, |t| words.push(t.word.to_owned()));
        let word = words.pop()?;
        let distance = fuzzy.map(|distance| distance.unwrap_or_else(|| automatic_distance(&word)));
        let what = match distance {
            None => format!("word forms starting with {word}"),
            Some(d) => format!("word forms within {d} edits of {word}"),
        };
        self.note(scope.word_form_fields(), what, text, negated);
        if !negated {
            match distance {
                None => self.highlight.add(QueryWord::Prefix(word.clone())),
                Some(distance) => self.highlight.add(QueryWord::Fuzzy(word.clone(), distance)),
            }
        }
        let query = self.per_field(scope, |fields, field| -> Box<dyn Query> {
            let (_, forms) = fields.text_fields(field);
            let term = Term::from_field_text(forms, &word);
            match distance {
                None => Box::new(FuzzyTermQuery::new_prefix(term, 0, false)),
                Some(distance) => Box::new(FuzzyTermQuery::new(term, distance, true)),
            }
        });
        if words.is_empty() {
            let exact = self.word(text, scope, negated, true);
            return Some(match exact {
                Some(exact) => Box::new(BooleanQuery::new(vec![
                    (Occur::Should, exact),
                    (Occur::Should, query),
                ])),
                None => query,
            });
        }
        // `dell'ener*` is one word; `zapad-20*` is `zapad` followed by a prefix.
        let leading = self.phrase(&words.join(" "), 0, scope, negated)?;
        Some(Box::new(BooleanQuery::new(vec![
            (Occur::Must, leading),
            (Occur::Must, query),
        ])))
    }

    fn per_field(
        &self,
        scope: Scope,
        make: impl Fn(&Fields, TextField) -> Box<dyn Query>,
    ) -> Box<dyn Query> {
        match scope {
            Scope::Only(field) => make(&self.fields, field),
            Scope::TitleAndBody => Box::new(BooleanQuery::new(vec![
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        make(&self.fields, TextField::Title),
                        TITLE_BOOST,
                    )),
                ),
                (Occur::Should, make(&self.fields, TextField::Body)),
            ])),
        }
    }

    /// `path:` with a fragment (`cucina`) or a glob (`cucina/*.md`).
    fn path(&mut self, pattern: &str, span: Span) -> Option<Box<dyn Query>> {
        let regex = path_regex(pattern);
        if let Some(regex) = &regex {
            self.note("path", format!("paths matching {regex}"), pattern, false);
        }
        // Left out, the clause would broaden the search: say why instead.
        let pattern = pattern.to_owned();
        match regex.map(|regex| RegexQuery::from_pattern(&regex, self.fields.path)) {
            Some(Ok(query)) => Some(Box::new(query)),
            // The glob was well formed: its automaton grew past tantivy's cap.
            Some(Err(_)) => {
                self.fail(ParseErrorKind::PathGlobTooComplex { pattern }, span);
                None
            }
            None => {
                self.fail(ParseErrorKind::BadPathGlob { pattern }, span);
                None
            }
        }
    }

    fn check_repeats(&mut self, text: &str, slop: u32, span: Span) {
        if let Some(error) = sloppy_repeats_error(&mut self.analyzer, text, slop, span) {
            self.error.get_or_insert(error);
        }
    }

    fn date(&self, field: DateField, range: &DateRange) -> Box<dyn Query> {
        let field = match field {
            DateField::Date => self.fields.date,
            DateField::Modified => self.fields.modified,
        };
        let bound = |point: Option<DatePoint>, make: fn(Term) -> Bound<Term>| match point {
            Some(point) => make(Term::from_field_date_for_search(field, self.instant(point))),
            None => Bound::Unbounded,
        };
        Box::new(RangeQuery::new(
            bound(range.start, Bound::Included),
            bound(range.end, Bound::Excluded),
        ))
    }

    fn instant(&self, point: DatePoint) -> tantivy::DateTime {
        match resolve_point(point, self.now) {
            ResolvedPoint::Day(date) => day_to_datetime(date),
            ResolvedPoint::OutOfRange { before } => {
                tantivy::DateTime::from_timestamp_nanos(if before { i64::MIN } else { i64::MAX })
            }
            ResolvedPoint::Instant(instant) => datetime(instant),
        }
    }
}

impl TreeWalk for Compiler<'_> {
    type Out = Option<Box<dyn Query>>;

    fn keep_stopwords(&mut self) -> &mut bool {
        &mut self.keep_stopwords
    }

    fn walk(&mut self, node: &Node, scope: Scope, negated: bool) -> Self::Out {
        self.node(node, scope, negated)
    }
}

impl Fields {
    /// The stemmed field and the word-form field of a text field.
    fn text_fields(&self, field: TextField) -> (Field, Field) {
        match field {
            TextField::Title => (self.title, self.title_words),
            TextField::Body => (self.body, self.body_words),
        }
    }
}

/// Whether every bag-of-words term of the query is a stopword (`della`):
/// then stopwords are searched, or nothing would be.
pub(crate) fn only_stopwords(
    analyzer: &mut WordAnalyzer,
    stopwords: &StopWords,
    root: &Node,
) -> bool {
    let mut words = Vec::new();
    collect_exact_words(root, &mut words);
    let (mut any, mut all_stop) = (false, true);
    for word in words {
        analyzer.analyze(word, |t| {
            any = true;
            all_stop &= stopwords.contains_term(t.term);
        });
    }
    any && all_stop
}

/// A date bound of a query, made concrete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResolvedPoint {
    /// The start (UTC) of this day.
    Day(time::Date),
    /// A day the calendar cannot hold (the parser validates the others):
    /// before every instant, or after.
    OutOfRange { before: bool },
    /// That long before the query runs.
    Instant(SystemTime),
}

/// `point` for a query run at `now`.
pub(crate) fn resolve_point(point: DatePoint, now: SystemTime) -> ResolvedPoint {
    match point {
        DatePoint::Day(day) => time::Month::try_from(day.month)
            .ok()
            .and_then(|month| time::Date::from_calendar_date(day.year, month, day.day).ok())
            .map_or(
                ResolvedPoint::OutOfRange {
                    before: day.year < 0,
                },
                ResolvedPoint::Day,
            ),
        DatePoint::Ago { amount, unit } => {
            let ago = Duration::from_secs(ago_hours(amount, unit).saturating_mul(3600));
            ResolvedPoint::Instant(now.checked_sub(ago).unwrap_or(SystemTime::UNIX_EPOCH))
        }
    }
}

/// Bag-of-words terms outside phrases, negations excluded.
fn collect_exact_words<'n>(node: &'n Node, words: &mut Vec<&'n str>) {
    match &node.expr {
        Expr::Term(term) if term.kind == TermKind::Exact => words.push(&term.text),
        Expr::Implicit(items) | Expr::And(items) | Expr::Or(items) => items
            .iter()
            .for_each(|item| collect_exact_words(item, words)),
        Expr::Required(inner) | Expr::Field { inner, .. } | Expr::Boost { inner, .. } => {
            collect_exact_words(inner, words)
        }
        _ => {}
    }
}

/// Whether the OR fallback may leave this clause unmatched: words, phrases and
/// groups of them only, not filters (`path:`, `ext:`, `date:`, `title:`…),
/// `+`/`-` words, nor a group that holds one (`gruppi AND ext:md`).
pub(crate) fn is_relaxable(node: &Node) -> bool {
    match &node.expr {
        Expr::Term(_) | Expr::Phrase(_) => true,
        Expr::Or(items) | Expr::And(items) | Expr::Implicit(items) => {
            items.iter().all(is_relaxable)
        }
        Expr::Boost { inner, .. } => is_relaxable(inner),
        Expr::Field { .. }
        | Expr::Path(_)
        | Expr::Ext(_)
        | Expr::Date { .. }
        | Expr::Required(_)
        | Expr::Not(_) => false,
    }
}

/// Refuses a sloppy phrase repeating one stem more than
/// [`MAX_REPEATS_IN_SLOPPY_PHRASE`] times (`casa case casa…` repeat `cas`).
pub(crate) fn sloppy_repeats_error(
    analyzer: &mut WordAnalyzer,
    text: &str,
    slop: u32,
    span: Span,
) -> Option<ParseError> {
    if slop == 0 {
        return None;
    }
    let terms = analyzer.terms(text);
    let most = terms
        .iter()
        .map(|(_, term)| terms.iter().filter(|(_, other)| other == term).count())
        .max()
        .unwrap_or(0);
    (most > MAX_REPEATS_IN_SLOPPY_PHRASE).then(|| {
        let kind = ParseErrorKind::OverLimit {
            what: "repeats of one word in a phrase with slop",
            found: most,
            limit: MAX_REPEATS_IN_SLOPPY_PHRASE,
        };
        ParseError::new(kind, span)
    })
}

/// Whether the clause is a single word (however boosted or fielded).
pub(crate) fn is_one_word(node: &Node) -> bool {
    match &node.expr {
        Expr::Term(_) => true,
        Expr::Boost { inner, .. } | Expr::Field { inner, .. } | Expr::Required(inner) => {
            is_one_word(inner)
        }
        _ => false,
    }
}

/// A relaxed hit's score without the constant each matched clause adds:
/// the relevance of what it matched.
pub(crate) fn relevance_of_relaxed(score: f32) -> f32 {
    score % COORDINATION_SCORE
}

/// Matches everything `query` does not (a lone negative in an OR).
fn everything_but(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(AllQuery)),
        (Occur::MustNot, query),
    ]))
}

/// Scores `query` as usual plus a large constant when it matches, so that
/// documents matching more clauses rank first.
fn coordinated(query: Box<dyn Query>) -> Box<dyn Query> {
    let flat = Box::new(ConstScoreQuery::new(query.box_clone(), COORDINATION_SCORE));
    Box::new(BooleanQuery::new(vec![
        (Occur::Should, query),
        (Occur::Should, flat),
    ]))
}

/// Hours in `amount` `unit`s: a month is 30 days, a year 365.
pub(crate) fn ago_hours(amount: u32, unit: AgoUnit) -> u64 {
    u64::from(amount)
        * match unit {
            AgoUnit::Hours => 1,
            AgoUnit::Days => 24,
            AgoUnit::Weeks => 24 * 7,
            AgoUnit::Months => 24 * 30,
            AgoUnit::Years => 24 * 365,
        }
}

/// Lucene's automatic fuzziness: 0 edits up to 2 chars, 1 up to 5, then 2.
pub(crate) fn automatic_distance(word: &str) -> u8 {
    match word.chars().count() {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

/// The regex matching stored paths for a `path:` value.
///
/// A glob (`*`, `?`, `[…]`) must match whole path components, starting at any
/// component, and to the end of the path: `cucina/*` matches
/// `/home/me/ricette/cucina/pasta.md` but not `cucina/dolci/torta.txt`
/// (`cucina/**` does). A plain fragment matches anywhere. Case is ignored.
/// `None` for a glob with an unclosed or empty `[…]`.
pub(crate) fn path_regex(pattern: &str) -> Option<String> {
    let is_glob = pattern.contains(['*', '?', '[']);
    // `s`: a name may hold a newline, and `.*` must cross it.
    let mut regex = String::from("(?is)");
    if !is_glob {
        regex.push_str(".*");
        push_escaped(&mut regex, pattern);
        regex.push_str(".*");
        return Some(regex);
    }
    let pattern = pattern.trim_start_matches("./");
    if !pattern.starts_with('/') {
        regex.push_str("(.*/)?");
    }
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                regex.push_str(".*");
            }
            '*' => regex.push_str("[^/]*"),
            '?' => regex.push_str("[^/]"),
            '[' => {
                let mut class = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == ']' {
                        closed = true;
                        break;
                    }
                    class.push(c);
                }
                if !closed || class.is_empty() || class == "!" {
                    return None;
                }
                regex.push('[');
                let class = class
                    .strip_prefix('!')
                    .map(|rest| format!("^{rest}"))
                    .unwrap_or(class);
                for c in class.chars() {
                    if matches!(c, '[' | ']' | '\\' | '&' | '~') {
                        regex.push('\\');
                    }
                    regex.push(c);
                }
                regex.push(']');
            }
            c => push_escaped(&mut regex, &c.to_string()),
        }
    }
    Some(regex)
}

/// Appends `text` with the regex meta characters escaped.
pub(crate) fn push_escaped(regex: &mut String, text: &str) {
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            regex.push('\\');
        }
        regex.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_distance_follows_word_length() {
        assert_eq!(automatic_distance("re"), 0);
        assert_eq!(automatic_distance("casa"), 1);
        assert_eq!(automatic_distance("lukascenko"), 2);
    }

    #[test]
    fn path_patterns_become_anchored_regexes() {
        assert_eq!(path_regex("cucina").as_deref(), Some("(?is).*cucina.*"));
        assert_eq!(
            path_regex("cucina/*").as_deref(),
            Some("(?is)(.*/)?cucina/[^/]*")
        );
        assert_eq!(path_regex("*.md").as_deref(), Some("(?is)(.*/)?[^/]*\\.md"));
        assert_eq!(path_regex("docs/**").as_deref(), Some("(?is)(.*/)?docs/.*"));
        assert_eq!(
            path_regex("a?[!x].txt").as_deref(),
            Some("(?is)(.*/)?a[^/][^x]\\.txt")
        );
        for invalid in ["[abc", "a[b", "x[]", "x[!]/*"] {
            assert_eq!(path_regex(invalid), None, "{invalid}");
        }
    }
}

//! The walk of a query's tree that both translations share: cerca's own
//! decisions (which words are stopwords, which are required, what a prefix
//! looks up), with the engine's syntax left to a [`Dialect`].
//!
//! It follows `search/compile.rs` in script mode: an AND query is never
//! relaxed to OR (there is no fallback in a translation).

use cerca_query::{DateField, DateRange, Expr, Node, ParseError, ParseErrorKind, Span, TermKind};

use crate::analysis::{inflections, StopWords, WordAnalyzer};
use crate::error::{Error, Result};
pub(crate) use crate::search::clause_plan::Scope;
use crate::search::clause_plan::{plan, Join, Role, TreeWalk};
use crate::search::compile::{automatic_distance, only_stopwords, sloppy_repeats_error};
use crate::Operator;

/// One engine's syntax for the pieces of a query.
pub(crate) trait Dialect {
    /// A translated clause.
    type Out;

    /// A word, any of its inflections (surface forms, lower-case; the first as
    /// written, the others weigh less). `stopword`: cerca matches a
    /// stopword's exact form, never its stem.
    fn word(
        &mut self,
        variants: &[String],
        stopword: bool,
        scope: Scope,
        span: Span,
    ) -> Result<Self::Out>;
    /// Words in order, up to `slop` extra positions between them.
    fn phrase(
        &mut self,
        words: &[PhraseWord],
        slop: u32,
        scope: Scope,
        span: Span,
    ) -> Result<Self::Out>;
    /// Folded word forms starting with `form` (`distance` `None`), or within
    /// `distance` edits of it.
    fn word_form(
        &mut self,
        form: &str,
        distance: Option<u8>,
        scope: Scope,
        span: Span,
    ) -> Result<Self::Out>;
    /// `path:` with a fragment or a glob, as written.
    fn path(&mut self, pattern: &str, span: Span) -> Result<Self::Out>;
    /// `ext:`: the file kind, lower-case, without a dot.
    fn kind(&mut self, kind: &str, span: Span) -> Result<Self::Out>;
    /// `date:` or `modified:` within `[start, end)`.
    fn date(&mut self, field: DateField, range: &DateRange, span: Span) -> Result<Self::Out>;
    /// `inner^factor`.
    fn boost(&mut self, inner: Self::Out, factor: f32, span: Span) -> Result<Self::Out>;
    /// Documents matching every `must`, none of `must_not`, and at least one
    /// `should` when there is no `must` (with a `must`, `should` only ranks).
    /// `must` and `should` both empty: every document not excluded.
    fn combine(
        &mut self,
        must: Vec<Self::Out>,
        should: Vec<Self::Out>,
        must_not: Vec<Self::Out>,
        span: Span,
    ) -> Result<Self::Out>;
    /// Documents not matching `excluded` (a lone `-word` beside OR).
    fn everything_but(&mut self, excluded: Self::Out, span: Span) -> Result<Self::Out>;
}

/// A word of a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PhraseWord {
    /// Lower-case, as written.
    pub text: String,
    /// A stopword: cerca matches its exact form, never its stem.
    pub stopword: bool,
}

/// Walks a query's tree into a dialect's clauses.
pub(crate) struct Translator<'d, D: Dialect> {
    dialect: &'d mut D,
    analyzer: WordAnalyzer,
    stopwords: StopWords,
    operator: Operator,
    keep_stopwords: bool,
}

impl<'d, D: Dialect> Translator<'d, D> {
    pub fn new(dialect: &'d mut D, operator: Operator) -> Self {
        Translator {
            dialect,
            analyzer: WordAnalyzer::new(),
            stopwords: StopWords::italian(),
            operator,
            keep_stopwords: false,
        }
    }

    /// The translation of `root`; `None` when nothing of it is searched.
    pub fn translate(mut self, root: &Node) -> Result<Option<D::Out>> {
        cerca_query::limits::check(root)?;
        self.keep_stopwords = only_stopwords(&mut self.analyzer, &self.stopwords, root);
        self.node(root, Scope::TitleAndBody, false)
    }

    fn node(&mut self, node: &Node, scope: Scope, negated: bool) -> Result<Option<D::Out>> {
        let span = node.span;
        match &node.expr {
            Expr::Term(term) => match term.kind {
                TermKind::Exact => self.word(&term.text, scope, self.keep_stopwords, span),
                TermKind::Prefix => self.word_form(&term.text, None, scope, span),
                TermKind::Fuzzy { distance } => {
                    self.word_form(&term.text, Some(distance), scope, span)
                }
            },
            Expr::Phrase(phrase) => {
                if let Some(error) =
                    sloppy_repeats_error(&mut self.analyzer, &phrase.text, phrase.slop, span)
                {
                    return Err(error.into());
                }
                self.phrase(&phrase.text, phrase.slop, scope, span)
            }
            Expr::Implicit(items) => {
                let join = match self.operator {
                    Operator::All => Join::All,
                    Operator::Any => Join::Any,
                };
                self.clauses(items, join, scope, negated, span)
            }
            Expr::And(items) => self.clauses(items, Join::All, scope, negated, span),
            Expr::Or(items) => self.clauses(items, Join::Either, scope, negated, span),
            Expr::Not(_) => {
                self.clauses(std::slice::from_ref(node), Join::All, scope, negated, span)
            }
            Expr::Required(inner) => self.node(inner, scope, negated),
            Expr::Field { field, inner } => self.node(inner, Scope::Only(*field), negated),
            Expr::Path(pattern) => {
                if crate::search::compile::path_regex(pattern).is_none() {
                    let kind = ParseErrorKind::BadPathGlob {
                        pattern: pattern.clone(),
                    };
                    return Err(ParseError::new(kind, span).into());
                }
                self.dialect.path(pattern, span).map(Some)
            }
            Expr::Ext(ext) => {
                let kind = ext.trim_start_matches('.').to_lowercase();
                self.dialect.kind(&kind, span).map(Some)
            }
            Expr::Date { field, range } => self.dialect.date(*field, range, span).map(Some),
            Expr::Boost { inner, factor } => match self.node(inner, scope, negated)? {
                Some(inner) => self.dialect.boost(inner, *factor, span).map(Some),
                None => Ok(None),
            },
        }
    }

    fn clauses(
        &mut self,
        items: &[Node],
        join: Join,
        scope: Scope,
        negated: bool,
        span: Span,
    ) -> Result<Option<D::Out>> {
        let (mut must, mut should, mut must_not, mut any_of) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut filtered, mut required) = (false, false);
        for planned in plan(items, join) {
            let negated = negated ^ planned.negates();
            let translated =
                self.walk_keeping_stopword(planned.node, scope, negated, planned.keep_stopword)?;
            let Some(translated) = translated else {
                continue;
            };
            match planned.role {
                Role::Excluded => must_not.push(translated),
                Role::ExcludedBesideOr => should.push(
                    self.dialect
                        .everything_but(translated, planned.written.span)?,
                ),
                Role::Required => {
                    required = true;
                    must.push(translated);
                }
                Role::Must => must.push(translated),
                Role::Word => any_of.push(translated),
                Role::Filter => {
                    filtered = true;
                    must.push(translated);
                }
                Role::Alternative => should.push(translated),
            }
        }
        if filtered && !required && !any_of.is_empty() {
            let words = self.dialect.combine(Vec::new(), any_of, Vec::new(), span)?;
            must.push(words);
        } else {
            should.extend(any_of);
        }
        if must.is_empty() && should.is_empty() && must_not.is_empty() {
            return Ok(None);
        }
        self.dialect.combine(must, should, must_not, span).map(Some)
    }

    /// A word through the analyzer: it and its other inflections, as the
    /// engine's own analysis will stem them. Several words (`Zapad-2025`) make
    /// a phrase; a stopword is left out unless `keep`.
    fn word(&mut self, text: &str, scope: Scope, keep: bool, span: Span) -> Result<Option<D::Out>> {
        let mut tokens = Vec::new();
        self.analyzer.analyze(text, |t| {
            tokens.push((t.term.to_owned(), t.lowercase.to_owned()))
        });
        let (term, lowercase) = match <[(String, String); 1]>::try_from(tokens) {
            Ok([token]) => token,
            Err(_) => return self.phrase(text, 0, scope, span),
        };
        let stopword = self.stopwords.contains_term(&term);
        if !keep && stopword {
            return Ok(None);
        }
        let mut stems = vec![term];
        let mut variants = vec![lowercase.clone()];
        for variant in inflections(&lowercase).into_iter().skip(1) {
            let stem = self.analyzer.term_of(&variant);
            if !stems.contains(&stem) {
                stems.push(stem);
                variants.push(variant);
            }
        }
        self.dialect
            .word(&variants, stopword, scope, span)
            .map(Some)
    }

    /// Words in order; stopwords included (the engines index them, or keep
    /// their positions).
    fn phrase(
        &mut self,
        text: &str,
        slop: u32,
        scope: Scope,
        span: Span,
    ) -> Result<Option<D::Out>> {
        let mut words = Vec::new();
        let stopwords = self.stopwords;
        self.analyzer.analyze(text, |t| {
            words.push(PhraseWord {
                text: t.lowercase.to_owned(),
                stopword: stopwords.contains_term(t.term),
            })
        });
        match words.as_slice() {
            [] => Ok(None),
            [one] => self
                .dialect
                .word(std::slice::from_ref(&one.text), one.stopword, scope, span)
                .map(Some),
            _ => self.dialect.phrase(&words, slop, scope, span).map(Some),
        }
    }

    /// A prefix (`fuzzy` `None`) or fuzzy word on folded word forms; it also
    /// matches what the word itself matches (`esercitazione*` finds
    /// `esercitazioni`). `zapad-20*` is `zapad` followed by a prefix.
    fn word_form(
        &mut self,
        text: &str,
        fuzzy: Option<Option<u8>>,
        scope: Scope,
        span: Span,
    ) -> Result<Option<D::Out>> {
        let mut forms = Vec::new();
        self.analyzer.analyze(text, |t| {
            forms.push((t.word.to_owned(), t.lowercase.to_owned()))
        });
        let Some((form, _)) = forms.pop() else {
            return Ok(None);
        };
        let distance = fuzzy.map(|distance| distance.unwrap_or_else(|| automatic_distance(&form)));
        let looked_up = self.dialect.word_form(&form, distance, scope, span)?;
        if forms.is_empty() {
            return Ok(Some(match self.word(text, scope, true, span)? {
                Some(exact) => {
                    self.dialect
                        .combine(Vec::new(), vec![exact, looked_up], Vec::new(), span)?
                }
                None => looked_up,
            }));
        }
        let leading: Vec<String> = forms.into_iter().map(|(_, lowercase)| lowercase).collect();
        let Some(leading) = self.phrase(&leading.join(" "), 0, scope, span)? else {
            return Ok(Some(looked_up));
        };
        self.dialect
            .combine(vec![leading, looked_up], Vec::new(), Vec::new(), span)
            .map(Some)
    }
}

impl From<crate::export::Untranslatable> for Error {
    fn from(error: crate::export::Untranslatable) -> Self {
        Error::Untranslatable(Box::new(error))
    }
}

impl<D: Dialect> TreeWalk for Translator<'_, D> {
    type Out = Result<Option<D::Out>>;

    fn keep_stopwords(&mut self) -> &mut bool {
        &mut self.keep_stopwords
    }

    fn walk(&mut self, node: &Node, scope: Scope, negated: bool) -> Self::Out {
        self.node(node, scope, negated)
    }
}

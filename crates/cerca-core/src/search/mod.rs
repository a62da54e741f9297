//! Searching an index: options, results, and the search itself.

pub(crate) mod clause_plan;
mod columns;
pub(crate) mod compile;
mod meaning;
mod sloppy_phrase;
mod snippet;

pub use snippet::{Snippet, SNIPPET_CHARS};

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use cerca_query::{Expr, Node};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, RegexQuery};
use tantivy::schema::Value;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument};

use crate::error::{guard_panics, Error, Result};
use crate::index::{datetime_to_day, path_bytes, path_from_bytes, system_time};
use crate::semantic::SemanticSearch;
use crate::Index;

use columns::HitColumns;
use compile::Compiler;
use snippet::Highlighter;

/// How words written side by side combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Operator {
    /// Every word must match (`esercitazione militare` = both). When no
    /// document has them all and [`SearchOptions::relax`] is set, the search
    /// falls back to documents with some of them (more first), and says so in
    /// [`SearchResults::relaxed`].
    #[default]
    All,
    /// Any word may match; BM25 ranks.
    Any,
}

/// The order of hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SortOrder {
    /// Best match first.
    #[default]
    Score,
    /// Oldest document date first; documents without a date last.
    DateAscending,
    /// Newest document date first.
    DateDescending,
    /// By path, in byte order.
    Path,
}

/// What to search and how to return it.
///
/// Built from [`Default`] with the `with_*` setters (it may grow fields):
///
/// ```
/// use cerca_core::{Document, HitDetail, Index, SearchOptions, SortOrder};
///
/// # fn main() -> cerca_core::Result<()> {
/// let index = Index::create_in_ram()?;
/// let mut writer = index.writer()?;
/// for n in 1..=5 {
///     writer.add(&Document::new(format!("verbali/{n}.txt"), "Verbale", "Il bilancio del comune"))?;
/// }
/// writer.commit()?;
/// // The second page of two, by path, paths only.
/// let options = SearchOptions::default()
///     .with_sort(SortOrder::Path)
///     .with_detail(HitDetail::Columns)
///     .with_limit(2)
///     .with_offset(2);
/// let page = index.search("bilancio path:verbali", &options)?;
/// assert_eq!(page.total, 5);
/// let paths: Vec<_> = page.hits.iter().map(|hit| hit.path.to_string_lossy()).collect();
/// assert_eq!(paths, ["verbali/3.txt", "verbali/4.txt"]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SearchOptions {
    /// How many hits to return (any number: a page never holds more hits
    /// than the index has documents).
    pub limit: usize,
    /// How many hits to skip first (for paging; past the last hit, none).
    pub offset: usize,
    /// How words side by side combine: all of them (the default) or any.
    pub operator: Operator,
    /// The order of hits: best first by default.
    pub sort: SortOrder,
    /// What each hit carries: [`HitDetail::Snippet`] by default.
    pub detail: HitDetail,
    /// Only documents at or under these paths (files or folders); all if empty.
    pub within: Vec<PathBuf>,
    /// With [`Operator::All`], when no document has every word: return the
    /// documents with some of them, those with more first (for a person
    /// reading hits; a program asking for a count or a list should not get a
    /// looser answer than it asked for). Filters (`path:`, `ext:`, `date:`,
    /// field words) and `+`/`-` words always hold. Off by default.
    pub relax: bool,
    /// Rank by meaning too, when the index has vectors (see
    /// [`semantic`](crate::semantic)) and hits are ranked by score: the best
    /// lexical hits and the documents nearest the query in meaning are
    /// ranked together, so hits may lack some of the query's words (filters
    /// and `+`/`-` words still hold). `None` (the default): words only.
    pub semantic: Option<SemanticSearch>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            offset: 0,
            operator: Operator::All,
            sort: SortOrder::Score,
            detail: HitDetail::Snippet,
            within: Vec::new(),
            relax: false,
            semantic: None,
        }
    }
}

with_setters!(SearchOptions {
    with_limit => limit: usize,
    with_offset => offset: usize,
    with_operator => operator: Operator,
    with_sort => sort: SortOrder,
    with_detail => detail: HitDetail,
    with_within => within: Vec<PathBuf>,
    with_relax => relax: bool,
    with_semantic => semantic: Option<SemanticSearch>,
});

/// How much of each hit's document a search reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum HitDetail {
    /// Path, date, modification time and size, from the index's columns. No
    /// stored text is read, which is most of the cost of a long list of
    /// files (`cerca -l`): [`Hit::title`] and [`Hit::kind`] are empty and
    /// [`Hit::snippet`] is `None`.
    Columns,
    /// Also the title and kind, from the stored document.
    Stored,
    /// Also a [`Snippet`] of the text.
    #[default]
    Snippet,
}

/// The answer to a search.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SearchResults {
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// How many documents matched in all.
    pub total: usize,
    /// No document matched every word, so these match only some of them.
    pub relaxed: bool,
}

/// One matching document.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Hit {
    /// 1-based rank in the whole result list (offset included).
    pub rank: usize,
    /// The BM25 score, when hits are ranked by score.
    pub score: Option<f32>,
    /// The document's path (its identity in the index).
    pub path: PathBuf,
    /// Its title (empty with [`HitDetail::Columns`]).
    pub title: String,
    /// Its own date, if it has one.
    pub date: Option<time::Date>,
    /// Its file's modification time when it was indexed.
    pub modified: SystemTime,
    /// Its file's size in bytes when it was indexed.
    pub size: u64,
    /// Its kind: the lower-case extension, `""` for none (empty with [`HitDetail::Columns`]).
    pub kind: String,
    /// A passage with the matched words marked (with [`HitDetail::Snippet`]).
    pub snippet: Option<Snippet>,
}

impl Index {
    /// Searches with a query in cerca's language (see the cerca-query crate).
    ///
    /// ```
    /// use cerca_core::{Document, Index, SearchOptions};
    ///
    /// # fn main() -> cerca_core::Result<()> {
    /// let index = Index::create_in_ram()?;
    /// let mut writer = index.writer()?;
    /// writer.add(&Document::new("a.txt", "Energia", "Il prezzo dell'energia sale"))?;
    /// writer.add(&Document::new("b.txt", "Gas", "Il gas costa"))?;
    /// writer.commit()?;
    /// let results = index.search("energia OR gas -costa", &SearchOptions::default())?;
    /// assert_eq!(results.total, 1);
    /// let snippet = results.hits[0].snippet.as_ref().unwrap();
    /// assert_eq!(&snippet.text[snippet.highlights[0].clone()], "energia");
    /// # Ok(()) }
    /// ```
    pub fn search(&self, query: &str, options: &SearchOptions) -> Result<SearchResults> {
        cerca_query::limits::check_length(query)?;
        let node = cerca_query::parse(query)?;
        self.search_parsed(&node, options)
    }

    /// Searches with an already parsed query.
    ///
    /// Damaged index files give [`Error::CorruptIndex`](crate::Error::CorruptIndex),
    /// never a panic.
    pub fn search_parsed(&self, node: &Node, options: &SearchOptions) -> Result<SearchResults> {
        guard_panics(&self.display_path(), "searching", || {
            self.search_unguarded(node, options)
        })
        .map_err(|error| match error {
            Error::Engine(error) => self.engine_error(error),
            other => other,
        })
    }

    fn search_unguarded(&self, node: &Node, options: &SearchOptions) -> Result<SearchResults> {
        let searcher = self.reader.searcher();
        cerca_query::limits::check(node)?;
        if let Some(semantic) = options
            .semantic
            .as_ref()
            .filter(|_| options.sort == SortOrder::Score)
        {
            if let Some(store) = self.vectors.current()? {
                return self.search_with_meaning(&searcher, node, options, semantic, &store);
            }
        }
        let lexical = self.lexical(&searcher, node, options)?;
        let found = match lexical.relaxed {
            true => lexical
                .found
                .into_iter()
                .map(|(score, address)| (score.map(compile::relevance_of_relaxed), address))
                .collect(),
            false => lexical.found,
        };
        let hits = self.hits(&searcher, found, options, lexical.compiled.highlight)?;
        Ok(SearchResults {
            hits,
            total: lexical.total,
            relaxed: lexical.relaxed,
        })
    }

    /// The page of hits `options` asks for by words alone, falling back to
    /// some of the words when it says so.
    fn lexical(
        &self,
        searcher: &Searcher,
        node: &Node,
        options: &SearchOptions,
    ) -> Result<Lexical> {
        let mut compiled =
            Compiler::new(self.fields, &self.stopwords, options.operator, false).compile(node)?;
        let mut relaxed = false;
        let (mut found, mut total) = self.collect(
            searcher,
            self.restrict(compiled.query.box_clone(), options),
            options,
        )?;
        if options.relax
            && total == 0
            && options.operator == Operator::All
            && has_several_clauses(node)
        {
            compiled =
                Compiler::new(self.fields, &self.stopwords, Operator::Any, true).compile(node)?;
            (found, total) = self.collect(
                searcher,
                self.restrict(compiled.query.box_clone(), options),
                options,
            )?;
            relaxed = total > 0;
        }
        Ok(Lexical {
            compiled,
            found,
            total,
            relaxed,
        })
    }

    /// The hits of found documents, ranked from `options.offset + 1`, read
    /// as `options.detail` says.
    fn hits(
        &self,
        searcher: &Searcher,
        found: Vec<ScoredAddress>,
        options: &SearchOptions,
        highlight: compile::Highlight,
    ) -> Result<Vec<Hit>> {
        let mut highlighter =
            (options.detail == HitDetail::Snippet).then(|| Highlighter::new(highlight));
        let mut columns = HitColumns::new(searcher);
        let mut hits = Vec::with_capacity(found.len());
        for (i, (score, address)) in found.into_iter().enumerate() {
            let rank = options.offset + i + 1;
            hits.push(match options.detail {
                HitDetail::Columns => columns.hit(address, rank, score)?,
                HitDetail::Stored | HitDetail::Snippet => {
                    let doc: TantivyDocument = searcher.doc(address)?;
                    self.hit(&doc, rank, score, highlighter.as_mut())
                }
            });
        }
        Ok(hits)
    }

    /// How a parsed query is understood with this operator: its tree, how
    /// words side by side combine, then per clause the index terms it looks
    /// up and in which fields (by name).
    ///
    /// ```
    /// use cerca_core::{Index, Operator};
    ///
    /// # fn main() -> cerca_core::Result<()> {
    /// let index = Index::create_in_ram()?;
    /// let node = cerca_core::query::parse("esercitazione bielorus*")?;
    /// let text = index.explain(&node, Operator::Any)?;
    /// assert!(text.contains("title, body: term esercit"), "{text}");
    /// assert!(text.contains("title_words, body_words: word forms starting with bielorus"));
    /// assert!(text.contains("any of them"));
    /// # Ok(()) }
    /// ```
    pub fn explain(&self, node: &Node, operator: Operator) -> Result<String> {
        cerca_query::limits::check(node)?;
        let compiled =
            Compiler::new(self.fields, &self.stopwords, operator, false).compile(node)?;
        let joined = match operator {
            Operator::All => "words side by side: all of them must match (AND)",
            Operator::Any => "words side by side: any of them may match (OR, ranked)",
        };
        let mut text = format!(
            "{}\n{joined}\nindex terms looked up:\n",
            cerca_query::explain(node).trim_end()
        );
        for line in &compiled.lookups {
            text.push_str("  ");
            text.push_str(line);
            text.push('\n');
        }
        if compiled.lookups.is_empty() {
            text.push_str("  none (the query holds only stopwords or exclusions)\n");
        }
        Ok(text)
    }

    /// The number of documents matching `query` (by its words: meaning
    /// ranks, it does not count).
    pub fn count(&self, query: &str, options: &SearchOptions) -> Result<usize> {
        let options = SearchOptions {
            limit: 0,
            detail: HitDetail::Columns,
            semantic: None,
            ..options.clone()
        };
        Ok(self.search(query, &options)?.total)
    }

    fn restrict(&self, query: Box<dyn Query>, options: &SearchOptions) -> Box<dyn Query> {
        if options.within.is_empty() {
            return query;
        }
        let places: Vec<(Occur, Box<dyn Query>)> = options
            .within
            .iter()
            .filter_map(|place| {
                RegexQuery::from_pattern(&under_regex(place), self.fields.path).ok()
            })
            .map(|q| (Occur::Should, Box::new(q) as Box<dyn Query>))
            .collect();
        Box::new(BooleanQuery::new(vec![
            (Occur::Must, query),
            (Occur::Must, Box::new(BooleanQuery::new(places))),
        ]))
    }

    fn collect(
        &self,
        searcher: &Searcher,
        query: Box<dyn Query>,
        options: &SearchOptions,
    ) -> Result<(Vec<ScoredAddress>, usize)> {
        // No page holds more hits than the index has documents: a huge
        // limit or offset (a server passing a user's through) costs nothing.
        let documents = usize::try_from(searcher.num_docs()).unwrap_or(usize::MAX);
        let limit = options.limit.min(documents.saturating_sub(options.offset));
        if limit == 0 {
            return Ok((Vec::new(), searcher.search(&*query, &Count)?));
        }
        let top = TopDocs::with_limit(limit).and_offset(options.offset);
        Ok(match options.sort {
            SortOrder::Score => {
                let (found, total) = searcher.search(&*query, &(top.order_by_score(), Count))?;
                (
                    found
                        .into_iter()
                        .map(|(score, a)| (Some(score), a))
                        .collect(),
                    total,
                )
            }
            SortOrder::DateAscending | SortOrder::DateDescending => {
                let order = if options.sort == SortOrder::DateAscending {
                    Order::Asc
                } else {
                    Order::Desc
                };
                let by_date = top.order_by_fast_field::<tantivy::DateTime>("date", order);
                let (found, total) = searcher.search(&*query, &(by_date, Count))?;
                (without_scores(found), total)
            }
            SortOrder::Path => {
                let by_path = top.order_by_string_fast_field("path", Order::Asc);
                let (found, total) = searcher.search(&*query, &(by_path, Count))?;
                (without_scores(found), total)
            }
        })
    }

    /// A hit read from its stored document (and a snippet, if given a highlighter).
    pub(crate) fn hit(
        &self,
        doc: &TantivyDocument,
        rank: usize,
        score: Option<f32>,
        highlighter: Option<&mut Highlighter>,
    ) -> Hit {
        let f = self.fields;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let body = doc
            .get_first(f.body_text)
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        Hit {
            rank,
            score,
            path: doc
                .get_first(f.key)
                .and_then(|v| v.as_bytes())
                .map(path_from_bytes)
                .unwrap_or_default(),
            title: text(f.title),
            date: doc
                .get_first(f.date)
                .and_then(|v| v.as_datetime())
                .map(datetime_to_day),
            modified: doc
                .get_first(f.modified)
                .and_then(|v| v.as_datetime())
                .map_or(SystemTime::UNIX_EPOCH, system_time),
            size: doc.get_first(f.size).and_then(|v| v.as_u64()).unwrap_or(0),
            kind: text(f.kind),
            snippet: highlighter.map(|h| h.snippet(body)),
        }
    }
}

/// A found document and its score, if hits are ranked by score.
type ScoredAddress = (Option<f32>, DocAddress);

/// What the words of a query found.
struct Lexical {
    compiled: compile::Compiled,
    found: Vec<ScoredAddress>,
    total: usize,
    relaxed: bool,
}

/// Hits ordered by something else than score carry no score.
fn without_scores<K>(found: Vec<(K, DocAddress)>) -> Vec<ScoredAddress> {
    found
        .into_iter()
        .map(|(_, address)| (None, address))
        .collect()
}

/// Whether the query has several words side by side that the OR fallback
/// may leave unmatched (with one, relaxing changes nothing).
fn has_several_clauses(node: &Node) -> bool {
    match &node.expr {
        Expr::Implicit(items) => {
            items
                .iter()
                .filter(|item| compile::is_relaxable(item))
                .count()
                > 1
        }
        _ => false,
    }
}

/// The regex of paths at or under `place`.
fn under_regex(place: &Path) -> String {
    let text = String::from_utf8_lossy(&path_bytes(place)).into_owned();
    let text = text.trim_end_matches('/');
    let mut regex = String::new();
    compile::push_escaped(&mut regex, text);
    regex.push_str("(/.*)?");
    regex
}

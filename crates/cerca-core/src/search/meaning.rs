//! Searching by words and meaning together (see [`crate::semantic`]).

use cerca_query::{Expr, Node};
use rustc_hash::FxHashSet;
use tantivy::collector::DocSetCollector;
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, Occur, Query, TermSetQuery};
use tantivy::{DocAddress, Searcher, Term};

use super::compile::Compiler;
use super::{Operator, ScoredAddress, SearchOptions, SearchResults};
use crate::error::{Error, Result};
use crate::semantic::fusion::{Candidate, Fusion};
use crate::semantic::store::VectorStore;
use crate::semantic::SemanticSearch;
use crate::Index;

impl Index {
    /// The lexical candidates and the documents nearest the query's meaning
    /// that satisfy its filters and `+`/`-` words, ranked by
    /// [`Fusion`]; the page `options` asks for.
    pub(super) fn search_with_meaning(
        &self,
        searcher: &Searcher,
        node: &Node,
        options: &SearchOptions,
        semantic: &SemanticSearch,
        store: &VectorStore,
    ) -> Result<SearchResults> {
        let text = meaning_text(node);
        let wanted = options.offset.saturating_add(options.limit);
        if text.trim().is_empty() || store.len() == 0 {
            // Nothing to mean (only filters), or no vector yet: words alone.
            return self.search_unguarded(
                node,
                &SearchOptions {
                    semantic: None,
                    ..options.clone()
                },
            );
        }
        if semantic.embedder.model() != store.model() {
            return Err(Error::Semantic {
                reason: format!(
                    "the index's vectors are of {}, the query's model is {}: sync the index with this model",
                    store.model(),
                    semantic.embedder.model()
                ),
            });
        }
        let candidates_options = SearchOptions {
            offset: 0,
            // Enough for the page past the documents meaning promotes.
            limit: semantic
                .lexical_candidates
                .max(wanted.saturating_add(semantic.semantic_candidates)),
            semantic: None,
            ..options.clone()
        };
        let query = semantic.embedder.embed_query(&text);
        let lexical = self.lexical(searcher, node, &candidates_options);
        let (lexical, query) = (lexical?, query?);
        if query.len() != store.dimensions() {
            return Err(Error::Semantic {
                reason: format!(
                    "the model gave a vector of {} numbers, the index's have {}",
                    query.len(),
                    store.dimensions()
                ),
            });
        }

        // The same candidates for every page: the best lexical hits (then,
        // past them, the other lexical hits in their order).
        let window = semantic.lexical_candidates.min(lexical.found.len());
        let (ranked_by_both, after) = lexical.found.split_at(window);
        let mut fingerprints = Fingerprints::new(searcher);
        let mut addresses: Vec<DocAddress> = Vec::new();
        let mut candidates: Vec<Candidate> = Vec::new();
        for (score, address) in ranked_by_both {
            let cosine = fingerprints
                .of(*address)?
                .and_then(|fingerprint| store.cosine(&query, fingerprint));
            addresses.push(*address);
            candidates.push(Candidate {
                lexical: *score,
                cosine,
            });
        }
        let near = self.nearest_allowed(searcher, node, options, semantic, store, &query)?;
        let found: FxHashSet<DocAddress> = addresses.iter().copied().collect();
        let mut promoted: FxHashSet<DocAddress> = FxHashSet::default();
        for (address, cosine) in near {
            if !found.contains(&address) {
                addresses.push(address);
                candidates.push(Candidate {
                    lexical: None,
                    cosine: Some(cosine),
                });
                promoted.insert(address);
            }
        }
        // Promoted documents the words match too (past the candidates) are
        // counted once, and not shown again in their lexical place.
        let also_lexical = self.matching_among(searcher, &lexical, options, &promoted)?;
        let added = promoted.len() - also_lexical;
        let after: Vec<&ScoredAddress> = after
            .iter()
            .filter(|(_, address)| !promoted.contains(address))
            .collect();

        let fusion = Fusion::new(&candidates, semantic.weight);
        let mut ranked: Vec<(f32, DocAddress)> = candidates
            .iter()
            .zip(addresses)
            .map(|(candidate, address)| (fusion.score(candidate), address))
            .collect();
        // Ties keep the lexical order (the sort is stable).
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut page: Vec<ScoredAddress> = Vec::with_capacity(options.limit.min(ranked.len()));
        let skipped = options.offset.min(ranked.len());
        for (score, address) in ranked.into_iter().skip(skipped).take(options.limit) {
            page.push((Some(score), address));
        }
        // Past the candidates, the lexical hits in their order, scored alike.
        let further = options.offset - skipped;
        let room = options.limit - page.len();
        for &&(score, address) in after.iter().skip(further).take(room) {
            let cosine = fingerprints
                .of(address)?
                .and_then(|fingerprint| store.cosine(&query, fingerprint));
            let candidate = Candidate {
                lexical: score,
                cosine,
            };
            page.push((Some(fusion.score(&candidate)), address));
        }
        let hits = self.hits(searcher, page, options, lexical.compiled.highlight)?;
        Ok(SearchResults {
            hits,
            total: lexical.total + added,
            relaxed: lexical.relaxed,
        })
    }

    /// How many of `documents` the query's words match.
    fn matching_among(
        &self,
        searcher: &Searcher,
        lexical: &super::Lexical,
        options: &SearchOptions,
        documents: &FxHashSet<DocAddress>,
    ) -> Result<usize> {
        if documents.is_empty() {
            return Ok(0);
        }
        if lexical.total <= lexical.found.len() {
            // Every match is at hand.
            return Ok(lexical
                .found
                .iter()
                .filter(|(_, address)| documents.contains(address))
                .count());
        }
        let mut fingerprints = Fingerprints::new(searcher);
        let mut terms = Vec::with_capacity(documents.len());
        for address in documents {
            if let Some(fingerprint) = fingerprints.of(*address)? {
                terms.push(Term::from_field_u64(self.fields.fingerprint, fingerprint));
            }
        }
        let words = self.restrict(lexical.compiled.query.box_clone(), options);
        let among: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (Occur::Must, words),
            (Occur::Must, Box::new(TermSetQuery::new(terms))),
        ]));
        let matching = searcher.search(&*among, &DocSetCollector)?;
        Ok(matching.iter().filter(|a| documents.contains(a)).count())
    }

    /// The documents nearest `query` in meaning (at most
    /// `semantic.semantic_candidates`, standing out from the nearest: see
    /// [`admission_floor`]), among those the query's constraints and
    /// `options.within` allow, nearest first, with their cosines.
    fn nearest_allowed(
        &self,
        searcher: &Searcher,
        node: &Node,
        options: &SearchOptions,
        semantic: &SemanticSearch,
        store: &VectorStore,
        query: &[f32],
    ) -> Result<Vec<(DocAddress, f32)>> {
        let wanted = semantic.semantic_candidates;
        if wanted == 0 {
            return Ok(Vec::new());
        }
        // Constraints may rule out many of the nearest: look further than asked.
        let near = store.nearest(query, wanted.saturating_mul(4));
        let floor = admission_floor(&near, semantic.standing_out);
        let terms = near
            .iter()
            .map(|(fingerprint, _)| Term::from_field_u64(self.fields.fingerprint, *fingerprint));
        let mut clauses: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, Box::new(TermSetQuery::new(terms)))];
        if let Some(constraints) = constraints_of(node) {
            let compiled = Compiler::new(self.fields, &self.stopwords, Operator::All, false)
                .compile(&constraints)?;
            clauses.push((Occur::Must, compiled.query));
        }
        let allowed: Box<dyn Query> = Box::new(BooleanQuery::new(clauses));
        let allowed = searcher.search(&*self.restrict(allowed, options), &DocSetCollector)?;
        let mut fingerprints = Fingerprints::new(searcher);
        let mut nearest = Vec::new();
        for address in allowed {
            if let Some(fingerprint) = fingerprints.of(address)? {
                match store.cosine(query, fingerprint) {
                    Some(cosine) if cosine >= floor => nearest.push((address, cosine)),
                    _ => {}
                }
            }
        }
        nearest.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        nearest.truncate(wanted);
        Ok(nearest)
    }
}

/// The cosine a document without the query's words needs to be a hit: it
/// must stand out from the nearest documents by `standing_out` standard
/// deviations, or ½√(n−1) among n < 37 documents (where none can stand out
/// by more than √(n−1)). e5 finds some document near any text, even
/// `qwxzvbk`; measured on squad-it, the answer to a question stands out by
/// 3.2 deviations or more nine times in ten (median 5.2), the nearest
/// document to a string of random letters by 2.6–3.8.
fn admission_floor(near: &[(u64, f32)], standing_out: f32) -> f32 {
    if near.len() < 2 {
        return f32::INFINITY;
    }
    let n = near.len() as f32;
    let mean = near.iter().map(|(_, c)| c).sum::<f32>() / n;
    let deviation = (near.iter().map(|(_, c)| (c - mean).powi(2)).sum::<f32>() / n).sqrt();
    if deviation <= f32::EPSILON {
        return f32::INFINITY; // nothing stands out
    }
    let most = 0.5 * (n - 1.0).sqrt();
    mean + standing_out.min(most) * deviation
}

/// The fingerprint column of each segment, opened when first needed.
struct Fingerprints<'a> {
    searcher: &'a Searcher,
    segments: Vec<Option<Column<u64>>>,
}

impl<'a> Fingerprints<'a> {
    fn new(searcher: &'a Searcher) -> Self {
        Fingerprints {
            searcher,
            segments: Vec::new(),
        }
    }

    fn of(&mut self, address: DocAddress) -> Result<Option<u64>> {
        let segment = address.segment_ord as usize;
        if self.segments.len() <= segment {
            self.segments.resize_with(segment + 1, || None);
        }
        let column = match &mut self.segments[segment] {
            Some(column) => column,
            slot => {
                let reader = self.searcher.segment_reader(address.segment_ord);
                slot.insert(reader.fast_fields().u64("fingerprint")?)
            }
        };
        Ok(column.first(address.doc_id))
    }
}

/// What every hit of `node` must satisfy whatever words it has: its
/// filters (`ext:`, `path:`, `date:`, `modified:`, field words) and its `+`
/// and `-` words, with the groups they are in (`a AND ext:md` asks for
/// `ext:md`; `(a ext:md) OR (b ext:pdf)` for `ext:md OR ext:pdf`; an OR with a
/// side free of them asks for nothing). `None`: no constraint.
pub(super) fn constraints_of(node: &Node) -> Option<Node> {
    let kept = |expr| {
        Some(Node {
            expr,
            span: node.span,
        })
    };
    match &node.expr {
        Expr::Term(_) | Expr::Phrase(_) => None,
        Expr::Field { .. }
        | Expr::Path(_)
        | Expr::Ext(_)
        | Expr::Date { .. }
        | Expr::Required(_)
        | Expr::Not(_) => Some(node.clone()),
        Expr::Boost { inner, .. } => constraints_of(inner),
        Expr::Implicit(items) | Expr::And(items) => {
            let all: Vec<Node> = items.iter().filter_map(constraints_of).collect();
            match all.len() {
                0 => None,
                1 => all.into_iter().next(),
                _ => kept(Expr::And(all)),
            }
        }
        Expr::Or(items) => {
            let each: Option<Vec<Node>> = items.iter().map(constraints_of).collect();
            kept(Expr::Or(each?))
        }
    }
}

/// The words of a query that say what it is about: its terms and phrases,
/// not what it excludes nor its filters.
pub(super) fn meaning_text(node: &Node) -> String {
    let mut words = Vec::new();
    collect_meaning(node, &mut words);
    words.join(" ")
}

fn collect_meaning<'n>(node: &'n Node, words: &mut Vec<&'n str>) {
    match &node.expr {
        Expr::Term(term) => words.push(&term.text),
        Expr::Phrase(phrase) => words.push(&phrase.text),
        Expr::Implicit(items) | Expr::And(items) | Expr::Or(items) => {
            items.iter().for_each(|item| collect_meaning(item, words))
        }
        Expr::Required(inner) | Expr::Field { inner, .. } | Expr::Boost { inner, .. } => {
            collect_meaning(inner, words)
        }
        Expr::Not(_) | Expr::Path(_) | Expr::Ext(_) | Expr::Date { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constraints(query: &str) -> Option<String> {
        let node = cerca_query::parse(query).unwrap();
        constraints_of(&node).map(|c| c.to_string())
    }

    #[test]
    fn constraints_keep_filters_and_signed_words_wherever_they_are() {
        assert_eq!(constraints("utenti gruppi"), None);
        assert_eq!(constraints("\"casa bianca\"^2 OR minsk"), None);
        let kept = [
            ("utenti ext:md", "ext:md"),
            ("utenti gruppi AND ext:md", "ext:md"),
            ("utenti gruppi AND NOT debian", "-debian"),
            ("utenti gruppi AND +gpg", "+gpg"),
            ("utenti -debian path:doc", "-debian"),
        ];
        for (query, part) in kept {
            let found = constraints(query).unwrap_or_default();
            assert!(found.contains(part), "{query}: {found}");
            assert!(!found.contains("utenti"), "{query}: {found}");
        }
        let either = constraints("(utenti ext:md) OR (gruppi ext:pdf)").unwrap_or_default();
        assert!(
            either.contains("OR") && either.contains("ext:pdf"),
            "{either}"
        );
        assert_eq!(constraints("(utenti ext:md) OR gruppi"), None);
    }

    #[test]
    fn the_meaning_of_a_query_leaves_out_exclusions_and_filters() {
        let node = cerca_query::parse(
            r#"sintomi dell'influenza +"febbre alta" title:tosse -raffreddore ext:pdf date:2024"#,
        )
        .unwrap();
        assert_eq!(
            meaning_text(&node),
            "sintomi dell'influenza febbre alta tosse"
        );
    }
}

//! A phrase with slop that matches the same documents whether or not a
//! search scores them.
//!
//! tantivy 0.27 decides a sloppy phrase of three or more words in two ways:
//! scored (a ranked list), a slop budget spent across the words; unscored (a
//! count, a sort by path or date), each consecutive pair within the slop. So
//! `"casa amore vita"~1` counted a document with `casa x amore y vita` that
//! the list did not show. This query always builds the scored matcher,
//! whose answer is the documented one.

use tantivy::query::{EnableScoring, PhraseQuery, Query, Weight};
use tantivy::Term;

#[derive(Clone, Debug)]
pub(super) struct SloppyPhrase(pub PhraseQuery);

impl Query for SloppyPhrase {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        match scoring.searcher() {
            Some(searcher) => self
                .0
                .weight(EnableScoring::enabled_from_searcher(searcher)),
            None => self.0.weight(scoring),
        }
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

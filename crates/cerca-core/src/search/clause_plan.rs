//! What each clause of a list is to its list: the decisions that the
//! search's compiler (`compile.rs`) and the translations to other engines
//! (`export/query_words.rs`) must make alike, made once.

use std::collections::HashSet;

use cerca_query::{Expr, Node, TextField};

use super::compile::{is_one_word, is_relaxable};

/// Which text fields a word is looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    TitleAndBody,
    Only(TextField),
}

/// A walk of a query's tree that searches a lone stopword only where it was
/// asked for (see [`Planned::keep_stopword`]).
pub(crate) trait TreeWalk {
    /// What a node becomes.
    type Out;

    /// Whether stopwords are searched at this point of the walk.
    fn keep_stopwords(&mut self) -> &mut bool;

    /// A node of the tree.
    fn walk(&mut self, node: &Node, scope: Scope, negated: bool) -> Self::Out;

    /// `node`, with a lone stopword searched when `keep` says so.
    fn walk_keeping_stopword(
        &mut self,
        node: &Node,
        scope: Scope,
        negated: bool,
        keep: bool,
    ) -> Self::Out {
        let saved = *self.keep_stopwords();
        *self.keep_stopwords() |= keep;
        let out = self.walk(node, scope, negated);
        *self.keep_stopwords() = saved;
        out
    }
}

/// How the clauses of a list combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Join {
    /// `AND`: every clause must match; `NOT`/`-` clauses exclude.
    All,
    /// Side by side under OR (`--any`): any clause may match; `-` clauses still exclude.
    Any,
    /// Explicit `OR`: `a OR NOT b` also matches every document without `b`.
    Either,
}

/// The part a clause plays in its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// `-x` beside AND or words: documents matching it are left out.
    Excluded,
    /// `-x` as a side of OR: documents without it match that side.
    ExcludedBesideOr,
    /// `+x`: must match, whatever the join.
    Required,
    /// A clause of AND: must match.
    Must,
    /// A word (or phrase, or group of them) side by side under OR: one of
    /// them at least, unless a `+` clause is there (then they only rank).
    Word,
    /// A filter, field or group holding one side by side under OR: must match.
    Filter,
    /// A side of an explicit OR.
    Alternative,
}

/// One clause of a list, planned.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Planned<'n> {
    /// What to compile: the clause, or what an exclusion excludes.
    pub node: &'n Node,
    /// The clause as written (for an exclusion, the `-x` itself).
    pub written: &'n Node,
    pub role: Role,
    /// A lone stopword is searched: it was asked for (a side of OR, `+`, `-`,
    /// a field), not just written among other words.
    pub keep_stopword: bool,
}

impl Planned<'_> {
    /// Whether `node` is compiled negated (an exclusion).
    pub fn negates(&self) -> bool {
        matches!(self.role, Role::Excluded | Role::ExcludedBesideOr)
    }
}

/// The clauses of a list joined as `join` says, each once (`di di di`,
/// `a* OR a*`: the same clause again adds only work).
pub(crate) fn plan(items: &[Node], join: Join) -> Vec<Planned<'_>> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut planned = Vec::with_capacity(items.len());
    for item in items {
        if !seen.insert(item.to_string()) {
            continue;
        }
        if let Expr::Not(inner) = &item.expr {
            let role = match join {
                Join::Either => Role::ExcludedBesideOr,
                Join::All | Join::Any => Role::Excluded,
            };
            planned.push(Planned {
                node: inner,
                written: item,
                role,
                keep_stopword: is_one_word(inner),
            });
            continue;
        }
        let keep_stopword = (join == Join::Either
            || matches!(item.expr, Expr::Required(_) | Expr::Field { .. }))
            && is_one_word(item);
        let role = match (&item.expr, join) {
            (Expr::Required(_), _) => Role::Required,
            (_, Join::All) => Role::Must,
            (_, Join::Any) if is_relaxable(item) => Role::Word,
            (_, Join::Any) => Role::Filter,
            (_, Join::Either) => Role::Alternative,
        };
        planned.push(Planned {
            node: item,
            written: item,
            role,
            keep_stopword,
        });
    }
    planned
}

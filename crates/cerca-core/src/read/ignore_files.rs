//! `.gitignore` and `.ignore` files, honoured as ripgrep honours them: a
//! `.gitignore` counts inside a git repository only (the folder or one of its
//! parents holds `.git`), with the repository's `.git/info/exclude`; a
//! `.ignore` counts everywhere and wins over a `.gitignore` beside it; a
//! deeper file wins over a shallower one, and `!pattern` re-includes.
//!
//! The files above the walked root (up to the repository's top) apply too.
//! The root itself is never ignored: a folder given by name is walked.

use std::path::Path;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// The ignore rules in force at one point of a depth-first walk.
#[derive(Debug, Default)]
pub(crate) struct IgnoreRules {
    /// Whether `.gitignore` files count (the root is inside a git repository).
    in_repository: bool,
    /// Matchers with the depth of the folder that holds them (`None`: above
    /// the root), shallowest first.
    stack: Vec<(Option<usize>, Gitignore)>,
}

impl IgnoreRules {
    /// The rules that apply to `root` from its parent folders.
    pub fn for_root(root: &Path) -> IgnoreRules {
        let repository = root.ancestors().find(|dir| dir.join(".git").exists());
        let mut rules = IgnoreRules {
            in_repository: repository.is_some(),
            stack: Vec::new(),
        };
        if let Some(top) = repository {
            rules.push_file(None, top, &top.join(".git/info/exclude"));
        }
        // Shallowest first, down to the root's parent.
        let above: Vec<&Path> = match repository {
            Some(top) => root
                .ancestors()
                .skip(1)
                .take_while(|dir| dir.starts_with(top))
                .collect(),
            None => root.ancestors().skip(1).collect(),
        };
        for dir in above.into_iter().rev() {
            rules.push_dir(None, dir);
        }
        rules
    }

    /// Enters `dir`, at `depth` in the walk: its rules apply below it, until
    /// the walk reaches a sibling (or anything else at `depth` or above).
    pub fn enter(&mut self, dir: &Path, depth: usize) {
        self.leave_to(depth);
        self.push_dir(Some(depth), dir);
    }

    /// Whether the entry at `path`, `depth` in the walk, is ignored.
    pub fn is_ignored(&mut self, path: &Path, depth: usize, is_dir: bool) -> bool {
        self.leave_to(depth);
        for (_, matcher) in self.stack.iter().rev() {
            let verdict = matcher.matched(path, is_dir);
            if verdict.is_ignore() {
                return true;
            }
            if verdict.is_whitelist() {
                return false;
            }
        }
        false
    }

    /// Drops the rules of folders the walk has left (at `depth` or deeper).
    fn leave_to(&mut self, depth: usize) {
        while self
            .stack
            .last()
            .is_some_and(|(at, _)| at.is_some_and(|at| at >= depth))
        {
            self.stack.pop();
        }
    }

    fn push_dir(&mut self, depth: Option<usize>, dir: &Path) {
        if self.in_repository {
            self.push_file(depth, dir, &dir.join(".gitignore"));
        }
        // Pushed last, so checked first: `.ignore` wins over `.gitignore`.
        self.push_file(depth, dir, &dir.join(".ignore"));
    }

    fn push_file(&mut self, depth: Option<usize>, dir: &Path, file: &Path) {
        if !file.is_file() {
            return;
        }
        let mut builder = GitignoreBuilder::new(dir);
        // A malformed line is skipped (as git does); the others still count.
        let _ = builder.add(file);
        if let Ok(matcher) = builder.build() {
            if !matcher.is_empty() {
                self.stack.push((depth, matcher));
            }
        }
    }
}

//! The roots of an index as a set: which root a path belongs to, which roots
//! lie inside another, in time that does not grow with the number of roots
//! (a search over 6,000 files given one by one compared every file with
//! every root: 36 million path comparisons).

// Most of it serves the Syncer, which is built with the `files` feature.
#![cfg_attr(not(feature = "files"), allow(dead_code))]

use std::path::Path;

use rustc_hash::FxHashSet;

/// Up to this many roots, [`RootSet::owner`] compares a path with each.
const FEW_ROOTS: usize = 8;

pub(crate) struct RootSet<'r> {
    /// Sorted as paths sort, component by component: the roots inside a
    /// root come right after it.
    sorted: Vec<&'r Path>,
    set: FxHashSet<&'r Path>,
}

impl<'r> RootSet<'r> {
    pub fn new(paths: impl IntoIterator<Item = &'r Path>) -> RootSet<'r> {
        let mut sorted: Vec<&Path> = paths.into_iter().collect();
        sorted.sort_unstable();
        sorted.dedup();
        let set = sorted.iter().copied().collect();
        RootSet { sorted, set }
    }

    pub fn is_empty(&self) -> bool {
        self.sorted.is_empty()
    }

    /// The root a path belongs to: the innermost one that holds it.
    pub fn owner(&self, path: &Path) -> Option<&'r Path> {
        // Hashing a path parses it: for the usual handful of roots, a scan
        // is cheaper than hashing every ancestor of every file.
        if self.sorted.len() <= FEW_ROOTS {
            return self
                .sorted
                .iter()
                .rev()
                .find(|root| path.starts_with(root))
                .copied();
        }
        path.ancestors().find_map(|dir| self.set.get(dir).copied())
    }

    /// The roots inside `root`, at any depth (not `root` itself).
    pub fn inside<'s>(&'s self, root: &'s Path) -> impl Iterator<Item = &'r Path> + 's {
        let after = self.sorted.partition_point(|path| *path <= root);
        self.sorted[after..]
            .iter()
            .take_while(move |path| path.starts_with(root))
            .copied()
    }
}

/// Whether `path` is one of `dirs` or lies inside one.
pub(crate) fn is_under(dirs: &FxHashSet<&Path>, path: &Path) -> bool {
    !dirs.is_empty() && path.ancestors().any(|dir| dirs.contains(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_innermost_root_owns_a_path_among_few_or_many() {
        let others: Vec<String> = (0..FEW_ROOTS).map(|i| format!("/z/{i}")).collect();
        for many in [false, true] {
            let mut paths = vec![Path::new("/a/b"), Path::new("/a"), Path::new("/c")];
            if many {
                paths.extend(others.iter().map(Path::new));
            }
            let roots = RootSet::new(paths);
            assert_eq!(
                roots.owner(Path::new("/a/b/x.txt")),
                Some(Path::new("/a/b"))
            );
            assert_eq!(roots.owner(Path::new("/a/bx/y.txt")), Some(Path::new("/a")));
            assert_eq!(roots.owner(Path::new("/a/b")), Some(Path::new("/a/b")));
            assert_eq!(roots.owner(Path::new("/d/x.txt")), None);
        }
    }

    #[test]
    fn the_roots_inside_a_root_are_found_however_their_names_sort() {
        let paths = [
            "/a", "/a-b", "/a/b", "/a/b/c", "/a/b.txt", "/a/c", "/ab", "/b",
        ];
        let roots = RootSet::new(paths.iter().map(Path::new));
        let inside = |root: &str| -> Vec<&Path> { roots.inside(Path::new(root)).collect() };
        let expected: Vec<&Path> = ["/a/b", "/a/b/c", "/a/b.txt", "/a/c"]
            .iter()
            .map(Path::new)
            .collect();
        assert_eq!(inside("/a"), expected);
        assert_eq!(inside("/a/b"), [Path::new("/a/b/c")]);
        assert!(inside("/ab").is_empty());
        assert!(inside("/a-b").is_empty());
    }

    #[test]
    fn under_means_the_dir_itself_or_below() {
        let dirs: FxHashSet<&Path> = [Path::new("/a/b")].into_iter().collect();
        assert!(is_under(&dirs, Path::new("/a/b")));
        assert!(is_under(&dirs, Path::new("/a/b/c/d.txt")));
        assert!(!is_under(&dirs, Path::new("/a/bc")));
        assert!(!is_under(&FxHashSet::default(), Path::new("/a/b")));
    }
}

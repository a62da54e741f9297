//! What the analysis made of recent words, for the stemmer and the pre-analyzer.
//!
//! Word frequencies follow Zipf's law: a cache of a few tens of thousands of
//! words answers almost every token of a text. Stemming takes 340 ns a word;
//! a lookup must cost little next to the tokenizer, so keys and values are
//! short strings held inline ([`ShortWord`]): a lookup reads one bucket, with
//! no pointer to follow (with `String` keys, following them took a fifth of
//! the analysis time on the bulk corpus).

use rustc_hash::FxBuildHasher;

/// How many distinct words the cache holds before it starts over.
pub(crate) const CAPACITY: usize = 50_000;

/// A string of at most [`ShortWord::MAX`] bytes, held inline: its bytes,
/// zeros, and its length in the last byte. Compared and hashed as two
/// 128-bit numbers.
#[derive(Clone, Copy)]
#[repr(align(16))]
pub(crate) struct ShortWord {
    bytes: [u8; 32],
}

impl ShortWord {
    fn halves(&self) -> (u128, u128) {
        let (low, high) = self.bytes.split_at(16);
        let half = |bytes: &[u8]| u128::from_ne_bytes(bytes.try_into().unwrap_or_default());
        (half(low), half(high))
    }
}

impl PartialEq for ShortWord {
    fn eq(&self, other: &Self) -> bool {
        self.halves() == other.halves()
    }
}

impl Eq for ShortWord {}

impl std::hash::Hash for ShortWord {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let (low, high) = self.halves();
        state.write_u128(low);
        state.write_u128(high);
    }
}

impl ShortWord {
    /// Longer words are rare: they are analyzed every time.
    pub const MAX: usize = 31;

    /// `word` inline, if it is short enough.
    pub fn new(word: &str) -> Option<ShortWord> {
        let len = word.len();
        if len > ShortWord::MAX {
            return None;
        }
        let mut bytes = [0; 32];
        bytes[..len].copy_from_slice(word.as_bytes());
        bytes[ShortWord::MAX] = len as u8;
        Some(ShortWord { bytes })
    }

    pub fn as_str(&self) -> &str {
        let len = usize::from(self.bytes[ShortWord::MAX]);
        // Always valid: the bytes were a `str`'s.
        std::str::from_utf8(&self.bytes[..len]).unwrap_or_default()
    }
}

impl std::fmt::Debug for ShortWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

/// Short words and what they give, up to [`CAPACITY`] of them.
#[derive(Debug)]
pub(crate) struct WordCache<V> {
    map: hashbrown::HashMap<ShortWord, V, FxBuildHasher>,
}

impl<V> Default for WordCache<V> {
    fn default() -> Self {
        WordCache {
            map: hashbrown::HashMap::default(),
        }
    }
}

/// Clones start empty: each analyzer (one per indexing thread) has its own.
impl<V> Clone for WordCache<V> {
    fn clone(&self) -> Self {
        WordCache::default()
    }
}

impl<V> WordCache<V> {
    /// What `word` gives, made by `make` if it is not cached; `None` if
    /// `word` is too long to cache, or `make` gives nothing to cache.
    pub fn get_or_make(&mut self, word: &str, make: impl FnOnce() -> Option<V>) -> Option<&mut V> {
        let key = ShortWord::new(word)?;
        if self.map.len() >= CAPACITY && !self.map.contains_key(&key) {
            self.map.clear();
        }
        match self.map.entry(key) {
            hashbrown::hash_map::Entry::Occupied(entry) => Some(entry.into_mut()),
            hashbrown::hash_map::Entry::Vacant(entry) => Some(entry.insert(make()?)),
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_words_are_held_inline_and_long_ones_are_not() {
        assert_eq!(
            ShortWord::new("città").map(|w| w.as_str().to_owned()),
            Some("città".into())
        );
        assert_eq!(
            ShortWord::new(&"a".repeat(ShortWord::MAX)).map(|w| w.as_str().len()),
            Some(31)
        );
        assert!(ShortWord::new(&"a".repeat(ShortWord::MAX + 1)).is_none());
        assert_ne!(ShortWord::new("a"), ShortWord::new("a\0"));
    }

    #[test]
    fn the_cache_starts_over_when_full() {
        let mut cache = WordCache::default();
        for i in 0..CAPACITY + 10 {
            cache.get_or_make(&format!("parola{i}"), || Some(i));
        }
        assert!(cache.len() <= CAPACITY);
        assert_eq!(cache.get_or_make("casa", || Some(7)), Some(&mut 7));
        assert_eq!(cache.get_or_make("casa", || Some(8)), Some(&mut 7));
        assert_eq!(cache.get_or_make("mai", || None), None);
        assert_eq!(cache.get_or_make(&"x".repeat(40), || Some(1)), None);
        if let Some(value) = cache.get_or_make("casa", || None) {
            *value = 9;
        }
        assert_eq!(cache.get_or_make("casa", || None), Some(&mut 9));
    }
}

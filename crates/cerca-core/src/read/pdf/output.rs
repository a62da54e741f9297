//! The text `pdf-extract` writes, counted as it is written: past the cap, the next write
//! fails, which stops `pdf-extract` at once instead of after it built it all.

use std::fmt;

use pdf_extract::ConvertToFmt;

/// A page's text, and the text of the whole file so far against the cap.
pub(super) struct CappedText {
    page: String,
    produced: u64,
    limit: u64,
    over: bool,
}

impl CappedText {
    pub(super) fn new(limit: u64) -> Self {
        CappedText {
            page: String::new(),
            produced: 0,
            limit,
            over: false,
        }
    }

    /// Whether a write was refused: the file's text passed the cap.
    pub(super) fn over(&self) -> bool {
        self.over
    }

    /// The text of the page just read; the next page starts empty.
    pub(super) fn take_page(&mut self) -> String {
        std::mem::take(&mut self.page)
    }
}

impl fmt::Write for CappedText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let produced = self.produced.saturating_add(s.len() as u64);
        if produced > self.limit {
            self.over = true;
            return Err(fmt::Error);
        }
        self.produced = produced;
        self.page.push_str(s);
        Ok(())
    }
}

impl<'a> ConvertToFmt for &'a mut CappedText {
    type Writer = &'a mut CappedText;
    fn convert(self) -> Self::Writer {
        self
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write;

    use super::*;

    #[test]
    fn stops_past_the_cap() {
        let mut text = CappedText::new(10);
        assert!(text.write_str("città").is_ok());
        assert_eq!(text.take_page(), "città");
        assert!(text.write_str("abcd").is_ok());
        assert!(!text.over());
        assert!(text.write_str("e").is_err());
        assert!(text.over());
        assert_eq!(text.take_page(), "abcd");
    }
}

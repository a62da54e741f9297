//! cerca's engine: Italian full-text search on tantivy.
pub mod analysis;

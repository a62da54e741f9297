//! A document: one file's text and facts, as the index stores them.

use std::path::PathBuf;
use std::time::SystemTime;

#[cfg(feature = "files")]
use crate::read::{FoundFile, ReadFile};

/// A file to index.
///
/// The path is the document's identity: adding a document whose path is
/// already indexed replaces the old one.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Document {
    /// The file's path, stored exactly (byte for byte).
    pub path: PathBuf,
    /// Its title (searchable with `title:`; weighed less than the body).
    pub title: String,
    /// Its text: what is searched, and what snippets are cut from.
    pub body: String,
    /// The document's own date (a `date` header, front matter, metadata).
    pub date: Option<time::Date>,
    /// The file's modification time.
    pub modified: SystemTime,
    /// The file's size in bytes.
    pub size: u64,
    /// A hash of the file's bytes, to tell a real change from a touch.
    pub hash: u128,
    /// The file kind: its lower-case extension, or `""`.
    pub kind: String,
}

impl Document {
    /// A document with the given path, title and body, and neutral file facts.
    ///
    /// ```
    /// let doc = cerca_core::Document::new("notes/a.txt", "Titolo", "Testo della nota");
    /// assert_eq!(doc.kind, "txt");
    /// ```
    pub fn new(
        path: impl Into<PathBuf>,
        title: impl Into<String>,
        body: impl Into<String>,
    ) -> Document {
        let path = path.into();
        let kind = kind_of(&path);
        Document {
            path,
            title: title.into(),
            body: body.into(),
            date: None,
            modified: SystemTime::UNIX_EPOCH,
            size: 0,
            hash: 0,
            kind,
        }
    }
}

#[cfg(feature = "files")]
impl Document {
    /// The document for a file found by [`walk`](crate::read::walk) and read by
    /// [`read_file`](crate::read::read_file). Without a title of its own, the
    /// file name is the title.
    pub fn from_file(found: FoundFile, read: ReadFile) -> Document {
        let title = read.extracted.title.unwrap_or_else(|| {
            found
                .path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default()
        });
        Document {
            path: found.path,
            title,
            body: read.extracted.body,
            date: read.extracted.date,
            modified: found.modified,
            size: found.size,
            hash: read.hash,
            kind: found.kind,
        }
    }
}

/// A path's kind: its extension in lower case, or `""` if it has none.
pub fn kind_of(path: &std::path::Path) -> String {
    path.extension()
        .map(|ext| ext.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

//! Reading files from disk into text for the index.
//!
//! This module knows nothing of the index: it walks folders ([`walk`]), reads bytes
//! ([`read_file`]), detects encodings ([`decode`]) and extracts title, body and date per
//! file kind through the [`Extractor`] trait ([`TextExtractor`], [`MarkdownExtractor`],
//! [`HtmlExtractor`], and for rich documents [`PdfExtractor`], [`DocxExtractor`],
//! [`OdtExtractor`], [`EpubExtractor`], [`RtfExtractor`], [`EmlExtractor`], gathered in
//! the [`Extractors`] registry).
//!
//! HTML goes through `html5ever`'s spec-compliant *tokenizer* only (no tree, no CSS
//! selectors): it decodes every entity, handles raw-text elements (`script`, `style`…) like
//! browsers do, and is the well-kept Servo parser, lighter than `scraper` and more complete
//! than `tl` (which does not decode entities) or `lol_html` (a rewriter, raw text chunks).
//!
//! Rich documents: PDF through `pdf-extract` (on `lopdf`); DOCX, ODT and EPUB through the
//! `zip` crate (bounded reads: [`zip_archive`]) and `quick-xml`, EPUB chapters through the
//! HTML extractor's text function; e-mail through `mail-parser`; RTF through a small
//! tokenizer of its own (no maintained crate decodes its code pages: see [`rtf`]). Each
//! module documents its limits against damaged files and decompression bombs.
//!
//! Budgets: every file is read within [`ReadLimits`] (size, text, time, memory) or fails
//! alone with [`ReadError::OverBudget`]. In-process bounds cannot be complete for the
//! rich formats (`lopdf` decompresses before any hook, a parser can loop or recurse), so
//! a [`FileReader`] with a [`WorkerCommand`] extracts the [risky kinds](Extractors::isolated)
//! in a child process ([`worker`]) that lowers its own memory limit and is killed past
//! the time limit, as Recoll does with its filters.
//!
//! # Example
//!
//! ```
//! use cerca_core::read::{read_file, walk, Extractors, ReadLimits, WalkEvent, WalkOptions};
//!
//! let dir = std::env::temp_dir().join(format!("cerca-read-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! std::fs::write(dir.join("nota.txt"), "date 2025-09-15 Il perché della città. Testo.").unwrap();
//!
//! let extractors = Extractors::default();
//! for event in walk(&dir, &WalkOptions::default(), &extractors) {
//!     if let WalkEvent::File(found) = event {
//!         let read = read_file(&found, &extractors, &ReadLimits::default()).unwrap();
//!         assert_eq!(read.extracted.title.as_deref(), Some("Il perché della città. Testo."));
//!         assert_eq!(read.extracted.date.map(|d| d.to_string()).as_deref(), Some("2025-09-15"));
//!     }
//! }
//! std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

#[cfg(feature = "files")]
pub mod decode;
#[cfg(feature = "office")]
pub mod docx;
#[cfg(feature = "mail")]
pub mod eml;
#[cfg(feature = "epub")]
pub mod epub;
mod error;
#[cfg(feature = "files")]
pub(crate) mod file;
mod found;
#[cfg(feature = "html")]
pub mod html;
#[cfg(feature = "files")]
mod ignore_files;
#[cfg(any(feature = "office", feature = "mail", feature = "pdf", feature = "rtf"))]
mod lines;
#[cfg(feature = "files")]
pub mod markdown;
#[cfg(feature = "office")]
pub mod odt;
#[cfg(feature = "pdf")]
pub mod pdf;
#[cfg(feature = "files")]
mod reader;
#[cfg(feature = "rtf")]
pub mod rtf;
#[cfg(feature = "files")]
pub mod text;
#[cfg(feature = "files")]
mod walk;
#[cfg(feature = "files")]
pub mod worker;
#[cfg(feature = "office")]
mod xml;
#[cfg(feature = "office")]
pub mod zip_archive;

#[cfg(feature = "office")]
pub use self::docx::DocxExtractor;
#[cfg(feature = "mail")]
pub use self::eml::EmlExtractor;
#[cfg(feature = "epub")]
pub use self::epub::EpubExtractor;
pub use self::error::{bytes, Budget, ExtractError, ReadError, SkipReason};
#[cfg(feature = "files")]
pub use self::file::{
    content_hash, read_file, ReadFile, ReadLimits, DEFAULT_MAX_MEMORY, DEFAULT_MAX_TEXT_BYTES,
    DEFAULT_MAX_TIME,
};
pub use self::found::{FoundFile, WalkOptions, DEFAULT_MAX_FILE_SIZE};
#[cfg(feature = "html")]
pub use self::html::HtmlExtractor;
#[cfg(feature = "files")]
pub use self::markdown::MarkdownExtractor;
#[cfg(feature = "office")]
pub use self::odt::OdtExtractor;
#[cfg(feature = "pdf")]
pub use self::pdf::PdfExtractor;
#[cfg(feature = "files")]
pub use self::reader::FileReader;
#[cfg(feature = "rtf")]
pub use self::rtf::RtfExtractor;
#[cfg(feature = "files")]
pub use self::text::TextExtractor;
#[cfg(feature = "files")]
pub use self::walk::{walk, Walk, WalkEvent};
#[cfg(feature = "files")]
pub use self::worker::{serve_worker, serve_worker_with, WorkerCommand, WorkerError};

/// What a file yields for the index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Extracted {
    /// The document's title, if the format gives one or one could be derived from the text.
    pub title: Option<String>,
    /// The searchable text, lines separated by `\n` (never `\r\n`).
    pub body: String,
    /// The document's date (publication date for articles), if it declares one.
    pub date: Option<time::Date>,
}

impl Extracted {
    /// What a file yields: this text, without title or date.
    ///
    /// ```
    /// use cerca_core::read::Extracted;
    ///
    /// let extracted = Extracted::new("Il testo").with_title("Titolo");
    /// assert_eq!(extracted.title.as_deref(), Some("Titolo"));
    /// assert_eq!(extracted.date, None);
    /// ```
    pub fn new(body: impl Into<String>) -> Extracted {
        Extracted {
            title: None,
            body: body.into(),
            date: None,
        }
    }

    /// With this title.
    #[must_use]
    pub fn with_title(mut self, title: impl Into<String>) -> Extracted {
        self.title = Some(title.into());
        self
    }

    /// With this date.
    #[must_use]
    pub fn with_date(mut self, date: time::Date) -> Extracted {
        self.date = Some(date);
        self
    }
}

/// Per-kind text extraction: each format of [`Extractors::default()`] implements it, and
/// so can a program's own.
///
/// ```
/// use cerca_core::read::{ExtractError, Extracted, Extractor, Extractors};
///
/// struct Csv;
/// impl Extractor for Csv {
///     fn extensions(&self) -> &'static [&'static str] {
///         &["csv"]
///     }
///     fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
///         let text = cerca_core::read::decode::decode(bytes);
///         Ok(Extracted::new(text.replace(',', " ")))
///     }
/// }
///
/// let mut extractors = Extractors::default();
/// extractors.register(Box::new(Csv));
/// assert!(extractors.for_path("dati.CSV".as_ref()).is_some());
/// ```
pub trait Extractor: Send + Sync {
    /// Lower-case extensions this extractor handles (`""` = files without extension).
    fn extensions(&self) -> &'static [&'static str];

    /// Extract from raw bytes (decoding is the extractor's job, using the shared
    /// helpers of [`decode`]). Must never panic, whatever the bytes.
    fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError>;

    /// Like [`Extractor::extract`], for an extractor whose text can outgrow its input: it
    /// stops with [`ExtractError::OverBudget`] ([`Budget::Text`]) as soon as its text
    /// passes `max_text_bytes`, instead of building it all. The default calls `extract`:
    /// the text of most formats is bounded by their (size-limited) input, and
    /// [`read_file`] checks the cap after extraction anyway.
    fn extract_capped(&self, bytes: &[u8], max_text_bytes: u64) -> Result<Extracted, ExtractError> {
        let _ = max_text_bytes;
        self.extract(bytes)
    }

    /// Whether this kind is a binary format (PDF, DOCX…). When `false` (the default),
    /// [`read_file`] refuses files that look binary (a NUL byte near the start) with
    /// [`ReadError::Binary`] before calling [`Extractor::extract`].
    fn accepts_binary(&self) -> bool {
        false
    }
}

/// The registry of extractors, by lower-case file extension.
///
/// [`Extractors::default()`] handles text (`txt` and no extension), markdown (`md`,
/// `markdown`), HTML (`html`, `htm`), PDF (`pdf`), DOCX (`docx`), ODT (`odt`), EPUB
/// (`epub`), RTF (`rtf`) and e-mail (`eml`): each of those whose feature is on
/// (text and Markdown come with `files`, the others with their own feature).
///
/// ```
/// use cerca_core::read::Extractors;
///
/// let extractors = Extractors::default();
/// assert_eq!(extractors.kind_of("Note/README".as_ref()), "");
/// assert_eq!(extractors.kind_of("pagina.HTM".as_ref()), "htm");
/// assert!(extractors.for_path("pagina.HTM".as_ref()).is_some());
/// assert!(extractors.for_path("foto.jpg".as_ref()).is_none());
/// assert!(extractors.for_path("tesi.PDF".as_ref()).is_some_and(|e| e.accepts_binary()));
/// ```
pub struct Extractors {
    extractors: Vec<Entry>,
    by_kind: HashMap<String, usize>,
}

/// A registered extractor, and whether it is one of cerca's own (which the worker
/// process also has) and one worth isolating there.
struct Entry {
    extractor: Box<dyn Extractor>,
    builtin: bool,
    isolated: bool,
}

impl Extractors {
    /// A registry with no extractor at all.
    pub fn empty() -> Self {
        Extractors {
            extractors: Vec::new(),
            by_kind: HashMap::new(),
        }
    }

    /// Adds an extractor; for an extension already handled, the last registered wins.
    ///
    /// A registered extractor always runs in the calling process: the worker process only
    /// knows the built-in ones.
    pub fn register(&mut self, extractor: Box<dyn Extractor>) -> &mut Self {
        self.add(extractor, false, false)
    }

    fn add(&mut self, extractor: Box<dyn Extractor>, builtin: bool, isolated: bool) -> &mut Self {
        let index = self.extractors.len();
        for ext in extractor.extensions() {
            self.by_kind.insert(ext.to_lowercase(), index);
        }
        self.extractors.push(Entry {
            extractor,
            builtin,
            isolated,
        });
        self
    }

    /// Whether this kind is handled by one of [`Extractors::default()`]'s own extractors
    /// (not replaced by a [registered](Extractors::register) one).
    pub fn is_builtin(&self, kind: &str) -> bool {
        self.entry(kind).is_some_and(|e| e.builtin)
    }

    /// Whether a [`FileReader`] with a worker extracts this kind in the worker process:
    /// the built-in rich formats (`pdf`, `docx`, `odt`, `epub`), whose parsers decompress
    /// and recurse on what the file says. Text, markdown, HTML, RTF and e-mail stay in
    /// process: their extraction is linear in their size-limited input, and they are
    /// the many small files for which a round trip to the worker would cost more than
    /// the extraction itself.
    ///
    /// ```
    /// use cerca_core::read::{Extractors, PdfExtractor};
    ///
    /// let mut extractors = Extractors::default();
    /// assert!(extractors.isolated("pdf") && !extractors.isolated("html"));
    /// extractors.register(Box::new(PdfExtractor)); // now the caller's own
    /// assert!(!extractors.isolated("pdf") && !extractors.is_builtin("pdf"));
    /// ```
    pub fn isolated(&self, kind: &str) -> bool {
        self.entry(kind).is_some_and(|e| e.builtin && e.isolated)
    }

    fn entry(&self, kind: &str) -> Option<&Entry> {
        self.extractors.get(*self.by_kind.get(kind)?)
    }

    /// The extractor for this path's kind (see [`Extractors::kind_of`]), if any.
    pub fn for_path(&self, path: &Path) -> Option<&dyn Extractor> {
        self.for_kind(&self.kind_of(path))
    }

    /// The extractor for a kind (a lower-case extension, `""` for none), if any.
    ///
    /// A kind no extractor claims is read as a file without extension is
    /// (plain text, and skipped as binary if it is not), unless it is a kind
    /// known to be binary ([`is_binary_kind`]): names with dots
    /// (`verbale 12.03.2024`, `LEGGIMI.Debian`) and text kinds of their own
    /// (`.log`, `.csv`) are text.
    ///
    /// ```
    /// use cerca_core::read::Extractors;
    ///
    /// let extractors = Extractors::default();
    /// assert!(extractors.for_kind("2024").is_some());
    /// assert!(extractors.for_kind("jpg").is_none());
    /// ```
    pub fn for_kind(&self, kind: &str) -> Option<&dyn Extractor> {
        let entry = match self.entry(kind) {
            Some(entry) => entry,
            None if !read_as_text(kind) => return None,
            None => self.entry("")?,
        };
        Some(entry.extractor.as_ref())
    }

    /// The kind of a path: its lower-case extension, or `""` when it has none
    /// (`README`, `.bashrc`). A non-UTF-8 extension is rendered lossily.
    pub fn kind_of(&self, path: &Path) -> String {
        kind_of(path)
    }

    /// The kinds handled, sorted.
    pub fn kinds(&self) -> Vec<&str> {
        let mut kinds: Vec<&str> = self.by_kind.keys().map(String::as_str).collect();
        kinds.sort_unstable();
        kinds
    }
}

/// Kinds that are binary by definition (images, audio and video, archives,
/// programs, fonts, databases, office formats cerca does not read): passed
/// over by name, never read to find out.
pub fn is_binary_kind(kind: &str) -> bool {
    const BINARY_KINDS: &[&str] = &[
        "7z", "a", "aac", "apk", "avi", "bin", "bmp", "bz2", "cab", "class", "db", "deb", "dll",
        "dmg", "doc", "dylib", "eot", "exe", "flac", "flv", "gif", "gz", "heic", "ico", "img",
        "iso", "jar", "jpeg", "jpg", "lz", "lz4", "lzma", "m4a", "m4v", "mdb", "mkv", "mo", "mov",
        "mp3", "mp4", "o", "obj", "odg", "odp", "ods", "oga", "ogg", "ogv", "opus", "otf", "png",
        "ppt", "pptx", "psd", "pyc", "pyo", "rar", "rpm", "so", "sqlite", "sqlite3", "tar", "tgz",
        "tif", "tiff", "ttf", "war", "wasm", "wav", "webm", "webp", "wma", "wmv", "woff", "woff2",
        "xcf", "xls", "xlsx", "xz", "zip", "zst",
    ];
    BINARY_KINDS.binary_search(&kind).is_ok()
}

/// The kinds of cerca's optional readers, and whether each one's feature is
/// on in this build.
const OPTIONAL_KINDS: &[(&str, bool)] = &[
    ("docx", cfg!(feature = "office")),
    ("eml", cfg!(feature = "mail")),
    ("epub", cfg!(feature = "epub")),
    ("fodt", cfg!(feature = "office")),
    ("htm", cfg!(feature = "html")),
    ("html", cfg!(feature = "html")),
    ("odt", cfg!(feature = "office")),
    ("pdf", cfg!(feature = "pdf")),
    ("rtf", cfg!(feature = "rtf")),
];

/// Whether this kind has a reader of cerca's that this build left out (its
/// feature is off): such files are skipped as an unsupported kind, not read
/// as text (HTML's tags, a PDF's streams are no text to index).
pub(crate) fn is_left_out_kind(kind: &str) -> bool {
    OPTIONAL_KINDS
        .iter()
        .any(|&(optional, on)| optional == kind && !on)
}

/// Whether a kind no extractor claims is read as text (by the extractor of
/// files without extension): unless it is binary by name, or its own reader
/// was left out of this build.
pub(crate) fn read_as_text(kind: &str) -> bool {
    !is_binary_kind(kind) && !is_left_out_kind(kind)
}

/// The file every cerca index directory holds: the walk never enters a
/// folder that has one (an index inside an indexed folder is not text).
pub(crate) const INDEX_MARKER_FILE: &str = "cerca-index.json";

/// Opens a file for reading without waiting: a FIFO put in a regular file's
/// place between the walk and the read would block `open` until a writer came.
#[cfg(unix)]
pub(crate) fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK changes nothing for a regular file's reads.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
pub(crate) fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// The kind of a path: its lower-case extension, or `""` when it has none.
pub(crate) fn kind_of(path: &Path) -> String {
    path.extension()
        .map(|ext| ext.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

impl Default for Extractors {
    /// The built-in extractors of the formats whose features are on.
    fn default() -> Self {
        #[allow(unused_mut)] // Without the `files` feature there is none.
        let mut extractors = Extractors::empty();
        #[allow(unused_variables)]
        let (in_process, isolated) = (false, true);
        #[cfg(feature = "files")]
        extractors
            .add(Box::new(TextExtractor), true, in_process)
            .add(Box::new(MarkdownExtractor), true, in_process);
        #[cfg(feature = "html")]
        extractors.add(Box::new(HtmlExtractor), true, in_process);
        #[cfg(feature = "pdf")]
        extractors.add(Box::new(PdfExtractor), true, isolated);
        #[cfg(feature = "office")]
        extractors.add(Box::new(DocxExtractor), true, isolated).add(
            Box::new(OdtExtractor),
            true,
            isolated,
        );
        #[cfg(feature = "epub")]
        extractors.add(Box::new(EpubExtractor), true, isolated);
        #[cfg(feature = "rtf")]
        extractors.add(Box::new(RtfExtractor), true, in_process);
        #[cfg(feature = "mail")]
        extractors.add(Box::new(EmlExtractor), true, in_process);
        extractors
    }
}

impl fmt::Debug for Extractors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Extractors")
            .field("kinds", &self.kinds())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(all(
        feature = "html",
        feature = "pdf",
        feature = "office",
        feature = "epub",
        feature = "mail",
        feature = "rtf"
    ))]
    fn kinds_of_default_registry() {
        let extractors = Extractors::default();
        assert_eq!(
            extractors.kinds(),
            vec![
                "", "docx", "eml", "epub", "fodt", "htm", "html", "markdown", "md", "odt", "pdf",
                "rtf", "txt"
            ]
        );
        assert_eq!(extractors.kind_of(Path::new("a/b.TXT")), "txt");
        assert_eq!(extractors.kind_of(Path::new("a/.bashrc")), "");
        assert_eq!(extractors.kind_of(Path::new("a/archivio.tar.gz")), "gz");
        assert!(extractors.for_path(Path::new("x.pdf")).is_some());
        assert!(extractors.for_path(Path::new("x.doc")).is_none());
        for binary in ["pdf", "docx", "odt", "epub"] {
            assert!(extractors
                .for_kind(binary)
                .is_some_and(|e| e.accepts_binary()));
        }
        for text in ["rtf", "eml", "txt"] {
            assert!(extractors
                .for_kind(text)
                .is_some_and(|e| !e.accepts_binary()));
        }
        assert!(extractors.for_path(Path::new("LEGGIMI")).is_some());
    }

    #[test]
    fn a_kind_whose_reader_is_left_out_is_unsupported() {
        let extractors = Extractors::default();
        for &(kind, on) in OPTIONAL_KINDS {
            assert_eq!(extractors.for_kind(kind).is_some(), on, "{kind}");
            assert_eq!(is_left_out_kind(kind), !on, "{kind}");
        }
    }

    /// A PDF in a build without the `pdf` feature: the walk passes it over
    /// as an unsupported kind, even when its bytes look like text.
    #[test]
    #[cfg(all(feature = "files", not(feature = "pdf")))]
    fn the_walk_skips_a_kind_whose_reader_is_left_out() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        std::fs::write(dir.path().join("rapporto.pdf"), "%PDF-1.4 solo testo")?;
        std::fs::write(dir.path().join("nota.txt"), "testo")?;
        let extractors = Extractors::default();
        let events: Vec<WalkEvent> =
            walk(dir.path(), &WalkOptions::default(), &extractors).collect();
        let pdf_skipped = events.iter().any(|event| {
            matches!(event, WalkEvent::Skipped { path, reason: SkipReason::UnsupportedKind(kind) }
                if kind == "pdf" && path.ends_with("rapporto.pdf"))
        });
        let txt_found = events
            .iter()
            .any(|event| matches!(event, WalkEvent::File(found) if found.kind == "txt"));
        assert!(pdf_skipped && txt_found, "{events:?}");
        Ok(())
    }

    #[test]
    #[cfg(feature = "files")]
    fn thread_safety() {
        fn send_sync<T: Send + Sync>() {}
        fn send<T: Send>() {}
        send_sync::<Extractors>();
        send_sync::<ReadError>();
        send_sync::<WalkEvent>();
        send::<Walk>();
        send::<FileReader>();
    }

    #[test]
    #[cfg(feature = "files")]
    fn last_registered_wins() {
        struct Upper;
        impl Extractor for Upper {
            fn extensions(&self) -> &'static [&'static str] {
                &["TXT"]
            }
            fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
                Ok(Extracted {
                    body: decode::decode(bytes).to_uppercase(),
                    ..Extracted::default()
                })
            }
        }
        let mut extractors = Extractors::default();
        extractors.register(Box::new(Upper));
        let e = extractors
            .for_path(Path::new("a.txt"))
            .map(|e| e.extract(b"ciao"));
        assert_eq!(
            e.and_then(|r| r.ok()).map(|x| x.body).as_deref(),
            Some("CIAO")
        );
    }
}

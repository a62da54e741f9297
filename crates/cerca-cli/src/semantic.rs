//! The semantic model, in a cerca built with the `semantic` feature.

use std::sync::Arc;

use anyhow::Result;
use cerca_core::{Embedder, Index, SemanticSearch};

/// What to do to get semantic search, in a cerca built without it.
#[cfg(not(feature = "semantic"))]
const NOT_BUILT: &str = "this cerca was built without semantic search: fetch the model with \
     `scripts/fetch-model.sh`, then build with `cargo build --release --features semantic`";

/// Whether this cerca can make and search vectors.
pub const BUILT_IN: bool = cfg!(feature = "semantic");

/// Loads the model (where `scripts/fetch-model.sh` put it, or `$CERCA_MODEL_DIR`).
#[cfg(feature = "semantic")]
pub fn model() -> Result<Arc<dyn Embedder>> {
    Ok(Arc::new(cerca_core::semantic::E5Model::load_default()?))
}

#[cfg(not(feature = "semantic"))]
pub fn model() -> Result<Arc<dyn Embedder>> {
    anyhow::bail!(NOT_BUILT)
}

/// Words and meaning together, when the index has vectors and this cerca
/// their model (see `cerca index --semantic`); if the model cannot be
/// loaded, says so and searches by words.
pub fn for_search(index: &Index) -> Option<SemanticSearch> {
    if !BUILT_IN || !index.semantic_enabled() {
        return None;
    }
    let ready = index
        .semantic_model()
        .map_err(anyhow::Error::new)
        .and_then(|_| model());
    match ready {
        Ok(model) => Some(SemanticSearch::new(model)),
        Err(error) => {
            crate::output::note(&format!(
                "cerca: {}; searching by words only",
                crate::output::causes(&error)
            ));
            None
        }
    }
}

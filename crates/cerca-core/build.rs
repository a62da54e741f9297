//! With the `semantic` feature: compiles the e5 engine (`e5.c`) from the
//! model directory that `scripts/fetch-model.sh` fills. Without it: nothing.

fn main() {
    println!("cargo:rerun-if-env-changed=CERCA_MODEL_DIR");
    #[cfg(feature = "semantic")]
    semantic::build();
}

#[cfg(feature = "semantic")]
mod semantic {
    use std::path::PathBuf;

    /// `$CERCA_MODEL_DIR`, else `$XDG_DATA_HOME/cerca/model`, else
    /// `~/.local/share/cerca/model`: where fetch-model.sh puts it.
    fn model_dir() -> PathBuf {
        if let Some(dir) = std::env::var_os("CERCA_MODEL_DIR").filter(|d| !d.is_empty()) {
            return PathBuf::from(dir);
        }
        println!("cargo:rerun-if-env-changed=XDG_DATA_HOME");
        if let Some(data) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
            return PathBuf::from(data).join("cerca/model");
        }
        let home = std::env::var_os("HOME").unwrap_or_default();
        PathBuf::from(home).join(".local/share/cerca/model")
    }

    pub fn build() {
        let dir = model_dir();
        let source = dir.join("e5.c");
        println!("cargo:rerun-if-changed={}", source.display());
        if !source.exists() {
            eprintln!(
                "error: the `semantic` feature needs the e5 model and engine, not found in {}.\n\
                 Fetch them with:\n\n    scripts/fetch-model.sh\n\n\
                 (or set CERCA_MODEL_DIR to where they are), then build again.",
                dir.display()
            );
            std::process::exit(1);
        }
        let mut build = cc::Build::new();
        build
            .file(&source)
            .include(&dir)
            .opt_level(3)
            .warnings(false)
            .flag_if_supported("-fopenmp");
        // The engine's AVX2/FMA kernels and the rest of the machine building
        // it (the binary is for this machine; a cross build gets portable code).
        let native = std::env::var("TARGET").ok() == std::env::var("HOST").ok();
        if native {
            build.flag_if_supported("-march=native");
        }
        // Vectorized erff/expf (GELU, softmax): a query's embedding in 18 ms
        // instead of 25 here (BENCHMARKS.md). The engine uses finite sentinels
        // (-1e30), never infinities or NaN, which is what this assumes.
        build.flag_if_supported("-ffast-math");
        build.compile("e5");
        if build.is_flag_supported("-fopenmp").unwrap_or(false) {
            println!("cargo:rustc-link-lib=gomp");
        }
        println!("cargo:rustc-env=CERCA_BUILD_MODEL_DIR={}", dir.display());
    }
}

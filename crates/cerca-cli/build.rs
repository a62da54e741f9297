//! Links the `cerca` binary as a position-dependent executable.
//!
//! A search is a short process: as a position-independent executable, the
//! dynamic loader applies about 50,000 relocations (tantivy's and clap's
//! tables of pointers) before `main`, touching a megabyte of pages, which was
//! 40% of `cerca --version`. Linked at a fixed address they are resolved by the
//! linker once. Only the binaries of this crate are linked so; the libraries
//! stay position-independent for the programs that embed them. The static
//! build (`cargo build-static`, see `.cargo/config.toml`) is position-dependent
//! through its own flags.
fn main() {
    let static_runtime = std::env::var("CARGO_CFG_TARGET_FEATURE")
        .is_ok_and(|features| features.split(',').any(|feature| feature == "crt-static"));
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") && !static_runtime {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

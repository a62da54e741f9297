//! Hostile files in a real `cerca index`: each fails alone, with its path and
//! a reason, within bounded time and memory, and everything else is indexed
//! and committed. (The files are those of cerca-core's `budget` tests.)

mod common;

#[path = "../../cerca-core/tests/common/hostile.rs"]
mod hostile;
#[path = "../../cerca-core/tests/common/pdf.rs"]
mod pdf;

use std::time::{Duration, Instant};

use common::Sandbox;
use hostile::{
    drawn_form_pdf, good_pdf, lzw_bomb_pdf, many_attributes_html, repeated_contents_pdf,
    shared_content_pdf, xref_bomb_pdf,
};

/// The largest resident size of any child this process waited for, in bytes.
fn children_max_rss() -> u64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024
}

#[test]
fn hostile_files_fail_alone_and_the_rest_is_indexed() {
    let sandbox = Sandbox::new();
    let hostile = [
        ("repeated-contents.pdf", repeated_contents_pdf()),
        ("shared-content.pdf", shared_content_pdf()),
        ("drawn-form.pdf", drawn_form_pdf(100_000)),
        ("lzw-bomb.pdf", lzw_bomb_pdf()),
        ("xref-bomb.pdf", xref_bomb_pdf()),
    ];
    for (name, bytes) in &hostile {
        sandbox.write(&format!("docs/{name}"), bytes);
    }
    sandbox.write("docs/attributes.html", many_attributes_html());
    sandbox.write("docs/buono.pdf", good_pdf("fenicottero"));
    sandbox.write("docs/z-nota.txt", "Il fenicottero rosa.\n");

    let started = Instant::now();
    let run = sandbox.run(&["index", "--index", "idx", "docs"]);
    let took = started.elapsed();

    run.code(1);
    let summary = run.summary();
    assert_eq!(
        summary["failed"],
        hostile.len(),
        "{}\n{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(summary["added"], 3, "{}", run.stdout);
    for (name, _) in &hostile {
        let line = run
            .stderr
            .lines()
            .find(|line| line.contains(name))
            .unwrap_or_else(|| panic!("{name} is not named:\n{}", run.stderr));
        assert!(
            line.contains("cannot index") && line.len() > name.len() + 40,
            "{line}"
        );
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    sandbox
        .run(&["search", "--index", "idx", "-c", "fenicottero"])
        .stdout_has("2\n");
    sandbox
        .run(&["search", "--index", "idx", "-c", "testo"])
        .stdout_has("1\n");
    // Generous bounds: a debug build, on a loaded machine.
    assert!(took < Duration::from_secs(120), "took {took:?}");
    let rss = children_max_rss();
    assert!(rss < 1536 << 20, "a process used {} MiB", rss >> 20);

    // The failures are not retried forever, nor do they sink the next sync.
    let again = sandbox.run(&["index", "--index", "idx"]);
    assert_eq!(again.summary()["unchanged"], 3, "{}", again.stdout);
}

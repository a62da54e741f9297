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

/// 100,000 tiny pages: quadratic in pdf-extract, so its worker works for
/// minutes on it.
fn many_pages_pdf() -> Vec<u8> {
    let pages = 100_000;
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", i + 5)).collect();
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
        pdf::stream("", b"BT /F1 12 Tf 72 720 Td (pagina) Tj ET"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    let page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>";
    objects.extend(std::iter::repeat_n(page.to_vec(), pages));
    pdf::pdf(&objects, "")
}

/// The processes whose parent is `pid`.
fn children_of(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let child: u32 = entry.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            // "pid (comm) state ppid …": the comm may hold spaces.
            let after = stat.rsplit_once(')')?.1;
            let parent: u32 = after.split_whitespace().nth(1)?.parse().ok()?;
            (parent == pid).then_some(child)
        })
        .collect()
}

#[cfg(target_os = "linux")]
#[test]
fn the_extraction_worker_dies_with_a_killed_cerca() {
    let sandbox = Sandbox::new();
    sandbox.write("docs/molte-pagine.pdf", many_pages_pdf());
    let mut cerca = sandbox
        .std_command()
        .args(["index", "--index", "idx", "docs"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start cerca");
    let started = Instant::now();
    let worker = loop {
        if let Some(&worker) = children_of(cerca.id()).first() {
            break worker;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no worker started"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    std::thread::sleep(Duration::from_millis(500));
    cerca.kill().expect("SIGKILL cerca");
    cerca.wait().expect("reap cerca");
    let alive = || std::path::Path::new(&format!("/proc/{worker}")).exists();
    let killed = Instant::now();
    while alive() && killed.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let still = alive();
    if still {
        let _ = std::process::Command::new("kill")
            .args(["-9", &worker.to_string()])
            .status();
    }
    assert!(!still, "the worker {worker} outlived its cerca");
}

#[cfg(target_os = "linux")]
#[test]
fn ctrl_c_does_not_wait_for_the_worker_to_finish_a_file() {
    let sandbox = Sandbox::new();
    sandbox.write("docs/molte-pagine.pdf", many_pages_pdf());
    sandbox.write("docs/nota.txt", "Il fenicottero rosa.\n");
    let mut cerca = sandbox
        .std_command()
        .args(["index", "--index", "idx", "docs"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start cerca");
    let started = Instant::now();
    while children_of(cerca.id()).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no worker started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let signalled = Instant::now();
    let sent = std::process::Command::new("kill")
        .args(["-INT", &cerca.id().to_string()])
        .status();
    assert!(sent.is_ok_and(|s| s.success()));
    let status = cerca.wait().expect("reap cerca");
    let took = signalled.elapsed();
    assert_eq!(status.code(), Some(130));
    // The file's budget is 60 s; the interruption must not wait for it.
    assert!(took < Duration::from_secs(15), "took {took:?}");
}

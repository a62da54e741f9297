//! Every file within a budget (issue 11, item 6): hostile files generated here fail
//! alone, with their path and a reason, and the same [`FileReader`] goes on reading good
//! files after them, in process and through the extraction worker.
//!
//! `harness = false`: this binary is also the worker its tests start (`--serve-worker`
//! for the real one, `--serve-tricky-worker` for one whose PDF extractor hangs, crashes
//! or eats memory on request), so that the worker's death, timeout and memory limit
//! are tested on a real child process without another program in the crate.
//!
//! Bounds are generous (a test binary is a debug build): each test under 60 s, every
//! worker under 1.5 GiB of resident memory, and this process too. Text caps are lowered
//! where a debug build would take minutes to produce 64 MiB of text: the mechanism is
//! what is tested.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cerca_core::read::{
    serve_worker, serve_worker_with, Budget, ExtractError, Extracted, Extractor, Extractors,
    FileReader, FoundFile, PdfExtractor, ReadError, ReadLimits, WorkerCommand,
};

mod common;
use common::hostile::{
    drawn_form_pdf, good_pdf, lzw_bomb_pdf, many_attributes_html, repeated_contents_pdf,
    shared_content_pdf, xref_bomb_pdf,
};
use common::pdf::lzw_zeros;

type TestResult = Result<(), String>;
type Test = (&'static str, fn() -> TestResult);

const GIB: u64 = 1 << 30;
const MIB: u64 = 1 << 20;

// ------------------------------------------------------------------------ helpers

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<FoundFile, String> {
    let path = dir.join(name);
    fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let metadata = fs::metadata(&path).map_err(|e| e.to_string())?;
    let kind = cerca_core::kind_of(&path);
    Ok(FoundFile::new(path, &metadata, kind))
}

fn worker() -> Result<WorkerCommand, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    Ok(WorkerCommand::new(exe).arg("--serve-worker"))
}

fn tricky_worker() -> Result<WorkerCommand, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    Ok(WorkerCommand::new(exe).arg("--serve-tricky-worker"))
}

fn reader(limits: ReadLimits, command: Option<WorkerCommand>) -> FileReader {
    let reader = FileReader::new(Arc::new(Extractors::default()), limits);
    match command {
        Some(command) => reader.with_worker(command),
        None => reader,
    }
}

/// Reads `found`, which must fail with a message naming its path and containing `reason`.
fn fails(reader: &mut FileReader, found: &FoundFile, reason: &str) -> TestResult {
    let started = Instant::now();
    let got = reader.read(found);
    let elapsed = started.elapsed();
    let name = found.path.display().to_string();
    eprintln!(
        "    {name}: {:?} in {elapsed:.2?}",
        got.as_ref().map(|r| r.bytes_read)
    );
    match got {
        Ok(read) => Err(format!(
            "{name} was read ({} bytes of text)",
            read.extracted.body.len()
        )),
        Err(error) => {
            let message = error.to_string();
            eprintln!("      {message}");
            if error.path() != Some(found.path.as_path()) || !message.contains(&name) {
                return Err(format!("the path is not in {message:?}"));
            }
            if !message.contains(reason) {
                return Err(format!("{message:?} lacks {reason:?}"));
            }
            if elapsed > Duration::from_secs(60) {
                return Err(format!("{name} took {elapsed:?}"));
            }
            Ok(())
        }
    }
}

/// Reads a good PDF, which must give `words`.
fn reads(reader: &mut FileReader, found: &FoundFile, words: &str) -> TestResult {
    match reader.read(found) {
        Ok(read) if read.extracted.body.trim() == words => Ok(()),
        Ok(read) => Err(format!("{words}: got {:?}", read.extracted.body)),
        Err(e) => Err(format!("{words}: {e}")),
    }
}

/// The largest resident size of a reaped child, or of this process, in bytes.
fn max_rss(who: libc::c_int) -> u64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let status = unsafe { libc::getrusage(who, &mut usage) };
    if status != 0 {
        return 0;
    }
    // Kilobytes on Linux.
    u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024
}

fn within_memory() -> TestResult {
    let children = max_rss(libc::RUSAGE_CHILDREN);
    let this = max_rss(libc::RUSAGE_SELF);
    eprintln!(
        "    max RSS: workers {} MiB, this process {} MiB",
        children / MIB,
        this / MIB
    );
    if children > 3 * GIB / 2 || this > 3 * GIB / 2 {
        return Err(format!("over 1.5 GiB: workers {children}, this {this}"));
    }
    Ok(())
}

fn tempdir() -> Result<tempfile::TempDir, String> {
    tempfile::tempdir().map_err(|e| e.to_string())
}

// -------------------------------------------------------------------------- tests

/// Each hostile PDF fails alone, with its reason, in the worker and without one; a good
/// PDF read after each by the same reader still works.
fn hostile_pdfs_fail_alone(command: Option<WorkerCommand>) -> TestResult {
    let dir = tempdir()?;
    let good = write(dir.path(), "buono.pdf", &good_pdf("gabbiano"))?;
    let limits = ReadLimits::default().with_max_text_bytes(MIB);
    let mut reader = reader(limits, command);
    let hostile = [
        (
            "contenuti-ripetuti.pdf",
            repeated_contents_pdf(),
            "page 1 makes the reader parse more than",
        ),
        (
            "pagine-condivise.pdf",
            shared_content_pdf(),
            "its pages make the reader parse more than",
        ),
        (
            "forma-ripetuta.pdf",
            drawn_form_pdf(100_000),
            "page 1 makes the reader parse more than 64 MiB",
        ),
        // Under the content budget, over the text cap (1 MiB here): stopped as written.
        (
            "forma-2000.pdf",
            drawn_form_pdf(2_000),
            "over budget: more than 1 MiB of text",
        ),
        ("bomba-lzw.pdf", lzw_bomb_pdf(), "decodes to more than"),
        (
            "bomba-xref.pdf",
            xref_bomb_pdf(),
            "the cross-reference stream at byte",
        ),
    ];
    for (name, bytes, reason) in hostile {
        let found = write(dir.path(), name, &bytes)?;
        fails(&mut reader, &found, reason)?;
        reads(&mut reader, &good, "gabbiano")?;
    }
    drop(reader); // reaps the worker, for its usage to count
    within_memory()
}

fn hostile_pdfs_in_the_worker() -> TestResult {
    hostile_pdfs_fail_alone(Some(worker()?))
}

fn hostile_pdfs_in_process() -> TestResult {
    hostile_pdfs_fail_alone(None)
}

/// The generated LZW bomb is what it says (checked on a small one with the decoder lopdf
/// uses), and as a PDF stream lopdf would decode it whole.
fn lzw_generator_is_right() -> TestResult {
    let (data, size) = lzw_zeros(3);
    let mut decoder = weezl::decode::Decoder::with_tiff_size_switch(weezl::BitOrder::Msb, 8);
    let decoded = decoder.decode(&data).map_err(|e| e.to_string())?;
    if decoded.len() as u64 != size || decoded.iter().any(|&b| b != 0) {
        return Err(format!("{} bytes decoded, {size} expected", decoded.len()));
    }
    Ok(())
}

/// Text over the cap, as it is produced (PDF) or checked after (plain text).
fn text_over_the_cap() -> TestResult {
    let dir = tempdir()?;
    let limits = ReadLimits::default().with_max_text_bytes(1000);
    let long = "parola ".repeat(200);
    let pdf = write(dir.path(), "lungo.pdf", &good_pdf(&long))?;
    let txt = write(dir.path(), "lungo.txt", long.as_bytes())?;
    let short = write(dir.path(), "corto.pdf", &good_pdf("airone"))?;
    for command in [None, Some(worker()?)] {
        let mut reader = reader(limits, command);
        fails(
            &mut reader,
            &pdf,
            "over budget: more than 1000 bytes of text",
        )?;
        fails(
            &mut reader,
            &txt,
            "over budget: more than 1000 bytes of text",
        )?;
        reads(&mut reader, &short, "airone")?;
    }
    // The extractor itself stops: an error, not 1.4 KB of text cut afterwards.
    let got = PdfExtractor.extract_capped(&good_pdf(&long), 1000);
    match got {
        Err(ExtractError::OverBudget(Budget::Text { limit: 1000 })) => Ok(()),
        other => Err(format!("{other:?}")),
    }
}

/// A tag with 300,000 attributes is read in process, in linear time.
fn html_with_many_attributes() -> TestResult {
    let dir = tempdir()?;
    let found = write(dir.path(), "attributi.html", &many_attributes_html())?;
    let mut reader = reader(ReadLimits::default(), Some(worker()?));
    let started = Instant::now();
    let read = reader.read(&found).map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    eprintln!("    300,000 attributes in {elapsed:.2?}");
    if read.extracted.body != "testo\n" {
        return Err(format!("{:?}", read.extracted.body));
    }
    if reader.worker_pid().is_some() {
        return Err("HTML started the worker".into());
    }
    if elapsed > Duration::from_secs(60) {
        return Err(format!("{elapsed:?}"));
    }
    // Deep nesting and a megabyte of one attribute's value cost nothing either.
    let deep = "<div><span>".repeat(200_000) + "fondo";
    let long_value = format!("<p title=\"{}\">valore</p>", "x".repeat(1 << 20));
    for (name, page, body) in [
        ("profondo.html", deep, "fondo\n"),
        ("valore.html", long_value, "valore\n"),
    ] {
        let found = write(dir.path(), name, page.as_bytes())?;
        let read = reader.read(&found).map_err(|e| e.to_string())?;
        if read.extracted.body != body {
            return Err(format!("{name}: {:?}", read.extracted.body));
        }
    }
    Ok(())
}

/// Text files never start the worker; the first PDF does, and it is reused.
fn worker_starts_lazily_and_is_reused() -> TestResult {
    let dir = tempdir()?;
    let mut reader = reader(ReadLimits::default(), Some(worker()?));
    for i in 0..20 {
        let found = write(
            dir.path(),
            &format!("nota{i}.txt"),
            b"Il perche della citta",
        )?;
        reader.read(&found).map_err(|e| e.to_string())?;
    }
    if reader.worker_pid().is_some() {
        return Err("text files started the worker".into());
    }
    let pdf = write(dir.path(), "buono.pdf", &good_pdf("pellicano"))?;
    reads(&mut reader, &pdf, "pellicano")?;
    let pid = reader.worker_pid();
    reads(&mut reader, &pdf, "pellicano")?;
    if pid.is_none() || reader.worker_pid() != pid {
        return Err(format!("{pid:?} then {:?}", reader.worker_pid()));
    }
    Ok(())
}

/// A worker killed, crashed, timed out or out of memory mid-file: that file fails with
/// the reason, the next one gets a fresh worker.
fn worker_failures() -> TestResult {
    let dir = tempdir()?;
    let good = write(dir.path(), "buono.pdf", &good_pdf("cicogna"))?;
    let limits = ReadLimits::default()
        .with_max_time(Duration::from_secs(2))
        .with_max_memory(512 * MIB);
    let mut reader = reader(limits, Some(tricky_worker()?));
    reads(&mut reader, &good, "cicogna")?;

    // Killed from outside while on a file.
    let pid = reader.worker_pid().ok_or("no worker")?;
    let killer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        // SAFETY: kill sends a signal to the worker this test started.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
    });
    let slow = write(dir.path(), "lento.pdf", b"SLEEP")?;
    fails(
        &mut reader,
        &slow,
        "extraction worker crashed: killed by signal 9 (SIGKILL)",
    )?;
    let _ = killer.join();
    reads(&mut reader, &good, "cicogna")?;
    if reader.worker_pid() == Some(pid) {
        return Err("the killed worker was kept".into());
    }

    let cases = [
        (
            "lento.pdf",
            &b"SLEEP"[..],
            "over budget: took longer than 2 s",
        ),
        (
            "crash.pdf",
            b"CRASH",
            "extraction worker crashed: killed by signal 11 (SIGSEGV)",
        ),
        (
            "memoria.pdf",
            b"ALLOC",
            "over budget: used more than 512 MiB of memory",
        ),
        (
            "uscita.pdf",
            b"EXIT",
            "extraction worker crashed: exited with status 3 (addio)",
        ),
    ];
    for (name, bytes, reason) in cases {
        let found = write(dir.path(), name, bytes)?;
        fails(&mut reader, &found, reason)?;
        reads(&mut reader, &good, "cicogna")?;
    }

    // A worker program that cannot start: the file fails, the reader does not.
    let mut broken = FileReader::new(Arc::new(Extractors::default()), limits)
        .with_worker(WorkerCommand::new(dir.path().join("manca")));
    fails(&mut broken, &good, "extraction worker cannot start")?;
    // A program that is no worker.
    let mut wrong = FileReader::new(Arc::new(Extractors::default()), limits)
        .with_worker(WorkerCommand::new("/bin/echo").arg("ciao"));
    fails(&mut wrong, &good, "extraction worker broke the protocol")?;
    drop((reader, broken, wrong));
    within_memory()
}

/// A caller's own extractor for a risky kind runs in process (the worker would not
/// know it).
fn own_extractors_run_in_process() -> TestResult {
    struct Upper;
    impl Extractor for Upper {
        fn extensions(&self) -> &'static [&'static str] {
            &["pdf"]
        }
        fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
            Ok(Extracted::new(
                String::from_utf8_lossy(bytes).to_uppercase(),
            ))
        }
        fn accepts_binary(&self) -> bool {
            true
        }
    }
    let mut extractors = Extractors::default();
    extractors.register(Box::new(Upper));
    let dir = tempdir()?;
    let found = write(dir.path(), "finto.pdf", b"non un pdf")?;
    let mut reader =
        FileReader::new(Arc::new(extractors), ReadLimits::default()).with_worker(tricky_worker()?);
    match reader.read(&found) {
        Ok(read) if read.extracted.body == "NON UN PDF" && reader.worker_pid().is_none() => Ok(()),
        other => Err(format!("{other:?}")),
    }
}

// ------------------------------------------------------------------------- worker

/// A PDF extractor that misbehaves on request, for the tricky worker.
struct Tricky;

impl Extractor for Tricky {
    fn extensions(&self) -> &'static [&'static str] {
        &["pdf"]
    }

    fn extract(&self, bytes: &[u8]) -> Result<Extracted, ExtractError> {
        match bytes {
            b"SLEEP" => std::thread::sleep(Duration::from_secs(3600)),
            // SAFETY: raising a signal in this (worker) process is the point.
            // Rust's own SIGSEGV handler (stack overflow detection) would return from a
            // raised signal: the default action is put back first.
            b"CRASH" => unsafe {
                libc::signal(libc::SIGSEGV, libc::SIG_DFL);
                libc::raise(libc::SIGSEGV);
            },
            b"ALLOC" => {
                let mut hoard: Vec<Vec<u8>> = Vec::new();
                loop {
                    hoard.push(vec![1u8; 64 << 20]);
                }
            }
            b"EXIT" => {
                eprintln!("addio");
                std::process::exit(3);
            }
            _ => {}
        }
        PdfExtractor.extract(bytes)
    }

    fn accepts_binary(&self) -> bool {
        true
    }
}

fn serve(tricky: bool) -> std::process::ExitCode {
    let (stdin, stdout) = (std::io::stdin().lock(), std::io::stdout().lock());
    let served = if tricky {
        let mut extractors = Extractors::default();
        extractors.register(Box::new(Tricky));
        serve_worker_with(&extractors, stdin, stdout)
    } else {
        serve_worker(stdin, stdout)
    };
    match served {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("worker: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

// ------------------------------------------------------------------------- runner

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--serve-worker") {
        return serve(false);
    }
    if args.iter().any(|a| a == "--serve-tricky-worker") {
        return serve(true);
    }
    let tests: [Test; 9] = [
        ("lzw_generator_is_right", lzw_generator_is_right),
        ("hostile_pdfs_in_the_worker", hostile_pdfs_in_the_worker),
        ("hostile_pdfs_in_process", hostile_pdfs_in_process),
        ("text_over_the_cap", text_over_the_cap),
        ("html_with_many_attributes", html_with_many_attributes),
        (
            "worker_starts_lazily_and_is_reused",
            worker_starts_lazily_and_is_reused,
        ),
        ("worker_failures", worker_failures),
        (
            "own_extractors_run_in_process",
            own_extractors_run_in_process,
        ),
        ("paths_are_kept", paths_are_kept),
    ];
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let mut failed = 0;
    let mut ran = 0;
    for (name, test) in tests {
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        ran += 1;
        let started = Instant::now();
        let outcome =
            catch_unwind(AssertUnwindSafe(test)).unwrap_or_else(|_| Err("panicked".to_string()));
        match outcome {
            Ok(()) => eprintln!("test {name} ... ok ({:.2?})", started.elapsed()),
            Err(e) => {
                failed += 1;
                eprintln!("test {name} ... FAILED: {e}");
            }
        }
    }
    eprintln!("test result: {} passed; {failed} failed", ran - failed);
    if failed > 0 {
        std::process::ExitCode::FAILURE
    } else {
        std::process::ExitCode::SUCCESS
    }
}

/// The paths of the errors are the files', also for a path that is not plain ASCII.
fn paths_are_kept() -> TestResult {
    let dir = tempdir()?;
    let found = write(dir.path(), "perché.pdf", &repeated_contents_pdf())?;
    let mut reader = reader(ReadLimits::default(), Some(worker()?));
    match reader.read(&found) {
        Err(ReadError::OverBudget {
            path,
            budget: Budget::Work { reason },
        }) if path == found.path && reason.contains("page 1") => Ok(()),
        other => Err(format!("{other:?}")),
    }
}

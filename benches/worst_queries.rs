//! The costliest queries we could build, each run in a child process of its
//! own: its wall time and peak memory, or the error that refuses it.
//!
//! ```sh
//! ../shared/data/unpack-bulk.sh /tmp/bulk
//! cargo bench -p cerca-core --bench worst_queries -- /tmp/bulk
//! ```
//! Without a folder it uses `../shared/data/squad-it/docs`. The index is built
//! once in a temporary directory (`--build FOLDER INDEX`); each query then runs
//! in a fresh process (`--one INDEX QUERY`), so that its peak memory is its own.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use cerca_core::{Index, NoProgress, Operator, Root, SearchOptions, Syncer};

/// The queries: what once took minutes or gigabytes, and their neighbours at
/// the limits.
fn queries() -> Vec<(String, String)> {
    let repeat = |text: &str, n: usize, join: &str| vec![text; n].join(join);
    let letters: Vec<String> = (0..16)
        .map(|i| format!("{}*", char::from(b'a' + i)))
        .collect();
    let words: Vec<String> = (0..120)
        .map(|i| ["di", "la", "il", "che", "e", "casa"][i % 6].to_owned())
        .collect();
    let distinct: Vec<String> = (0..120).map(|i| format!("parola{i} di")).collect();
    vec![
        (
            "20 × di, slop 100".into(),
            format!("\"{}\"~100", repeat("di", 20, " ")),
        ),
        (
            "8 × di, slop 30".into(),
            format!("\"{}\"~30", repeat("di", 8, " ")),
        ),
        (
            "3 × di, slop 32 (limit)".into(),
            format!("\"{}\"~32", repeat("di", 3, " ")),
        ),
        (
            "8 stopwords, slop 32".into(),
            "\"di la il che e del una per\"~32".into(),
        ),
        (
            "phrase ×100".into(),
            repeat("\"ministro della difesa\"", 100, " "),
        ),
        ("a* ×1000 OR".into(), repeat("a*", 1000, " OR ")),
        ("16 one-letter prefixes OR".into(), letters.join(" OR ")),
        ("16 one-letter prefixes AND".into(), letters.join(" ")),
        ("e~2".into(), "e~2".into()),
        ("120 stopwords".into(), words.join(" ")),
        ("120 words, 119 pairs".into(), distinct.join(" ")),
        ("di ×1300".into(), repeat("di", 1300, " ")),
    ]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--build") {
        let (Some(folder), Some(index)) = (args.get(at + 1), args.get(at + 2)) else {
            return Err("--build FOLDER INDEX".into());
        };
        let index = Index::create(Path::new(index))?;
        let report = Syncer::new(&index).sync(&[Root::new(folder)], &mut NoProgress)?;
        println!("folder: {folder} ({} documents)", report.added);
        return Ok(());
    }
    if let Some(at) = args.iter().position(|a| a == "--one") {
        let (Some(index), Some(query)) = (args.get(at + 1), args.get(at + 2)) else {
            return Err("--one INDEX QUERY".into());
        };
        return one(Path::new(index), query);
    }
    let folder = args
        .iter()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/squad-it/docs")
        });
    let dir = tempfile::tempdir()?;
    let index_dir = dir.path().join("index");
    let me = std::env::current_exe()?;
    // Indexed in a child too: a child forked from a big parent starts with the
    // parent's peak.
    let built = Command::new(&me)
        .arg("--build")
        .arg(&folder)
        .arg(&index_dir)
        .status()?;
    if !built.success() {
        return Err("indexing failed".into());
    }
    println!(
        "{:<32} {:>10} {:>10}  outcome",
        "query", "wall ms", "peak MB"
    );
    let mut slowest = (String::new(), 0.0f64, 0u64);
    for (name, query) in queries() {
        let started = Instant::now();
        let mut child = Command::new(&me)
            .arg("--one")
            .arg(&index_dir)
            .arg(&query)
            .stdout(Stdio::piped())
            .spawn()?;
        let mut outcome = String::new();
        if let Some(mut stdout) = child.stdout.take() {
            stdout.read_to_string(&mut outcome)?;
        }
        let peak = wait_for_peak(child.id())?;
        let wall = started.elapsed().as_secs_f64() * 1e3;
        let outcome = outcome.trim();
        println!(
            "{name:<32} {wall:>10.1} {:>10.1}  {outcome}",
            peak as f64 / 1e6
        );
        if wall > slowest.1 {
            slowest = (name, wall, peak);
        }
    }
    println!(
        "slowest: {} ({:.1} ms, {:.1} MB peak)",
        slowest.0,
        slowest.1,
        slowest.2 as f64 / 1e6
    );
    Ok(())
}

/// Runs one query (OR and AND, top 10 with snippets) and says what happened.
fn one(index_dir: &Path, query: &str) -> Result<(), Box<dyn std::error::Error>> {
    let index = Index::open(index_dir)?;
    let mut outcome = Vec::new();
    for operator in [Operator::All, Operator::Any] {
        let options = SearchOptions::default()
            .with_operator(operator)
            .with_relax(true);
        match index.search(query, &options) {
            Ok(results) => outcome.push(format!("{} hits", results.total)),
            Err(error) => {
                let text = error.to_string();
                outcome.push(format!(
                    "refused: {}",
                    text.split(" (").next().unwrap_or(&text)
                ));
                break;
            }
        }
    }
    println!("{}", outcome.join(", "));
    Ok(())
}

/// Reaps the child `pid` and returns its peak resident size, in bytes.
fn wait_for_peak(pid: u32) -> std::io::Result<u64> {
    let pid = libc::pid_t::try_from(pid).map_err(std::io::Error::other)?;
    let mut status = 0;
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: wait4 fills the status and usage it is given, for our own child.
    let (reaped, usage) = unsafe {
        let reaped = libc::wait4(pid, &mut status, 0, usage.as_mut_ptr());
        (reaped, usage.assume_init())
    };
    if reaped != pid {
        return Err(std::io::Error::last_os_error());
    }
    Ok(u64::try_from(usage.ru_maxrss).unwrap_or(0) * 1024)
}

//! Load test of `cerca serve` on loopback: C clients (keep-alive) ask mixed
//! squad-it dev questions for S seconds; prints queries/s, latency
//! percentiles and errors.
//!
//! ```sh
//! cargo bench -p cerca-cli --bench serve_load -- [CLIENTS] [SECONDS]   # default 50 clients, 20 s
//! ```
//!
//! It indexes squad-it with the built `cerca`, serves it on a free port,
//! and asks with snippets (as the page does), 10 hits a question, each
//! question as plain words (`literal=1`, as `-F`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let clients: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(50);
    let seconds: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20);
    let cerca = env!("CARGO_BIN_EXE_cerca");
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/squad-it");
    let place = tempfile::tempdir()?;
    let index = place.path().join("index");
    let indexed = Command::new(cerca)
        .args(["index", "--index"])
        .arg(&index)
        .arg(shared.join("docs"))
        .env("XDG_CACHE_HOME", place.path())
        .output()?;
    if !indexed.status.success() {
        return Err(String::from_utf8_lossy(&indexed.stderr).into_owned().into());
    }
    let questions: Vec<String> = std::fs::read_to_string(shared.join("queries-dev.tsv"))?
        .lines()
        .filter_map(|line| line.split('\t').nth(1))
        .map(encode)
        .collect();

    let mut server = Command::new(cerca)
        .args(["serve", "--addr", "127.0.0.1:0", "--index"])
        .arg(&index)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    let stderr = server.stderr.take().ok_or("no stderr")?;
    let mut lines = BufReader::new(stderr).lines();
    let host = loop {
        let line = lines.next().ok_or("cerca serve ended")??;
        if let Some(url) = line.split(" at http://").nth(1) {
            break url.split('/').next().unwrap_or_default().to_owned();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));

    let stop = Arc::new(AtomicBool::new(false));
    let questions = Arc::new(questions);
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|client| {
            let (stop, questions, host) = (Arc::clone(&stop), Arc::clone(&questions), host.clone());
            std::thread::spawn(move || ask(client, &host, &questions, &stop))
        })
        .collect();
    std::thread::sleep(Duration::from_secs(seconds));
    stop.store(true, Ordering::SeqCst);
    let mut times = Vec::new();
    let mut errors = 0;
    for worker in workers {
        let (mine, failed) = worker.join().map_err(|_| "a client panicked")?;
        times.extend(mine);
        errors += failed;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let _ = server.kill();
    times.sort();
    let at = |p: f64| {
        times
            .get(((times.len().max(1) - 1) as f64 * p) as usize)
            .map_or(0.0, |t: &Duration| t.as_secs_f64() * 1e3)
    };
    println!(
        "{clients} clients, {elapsed:.1} s: {} answers, {errors} errors, {:.0} queries/s; latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        times.len(),
        times.len() as f64 / elapsed,
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0)
    );
    Ok(())
}

/// One client: keep-alive requests until `stop`; latencies and errors.
fn ask(
    client: usize,
    host: &str,
    questions: &[String],
    stop: &AtomicBool,
) -> (Vec<Duration>, usize) {
    let mut times = Vec::new();
    let mut errors = 0;
    let mut next = client * 7919;
    let mut connection: Option<BufReader<TcpStream>> = None;
    while !stop.load(Ordering::SeqCst) {
        let question = &questions[next % questions.len()];
        next += 1;
        let started = Instant::now();
        let stream = match connection.take() {
            Some(stream) => stream,
            None => match TcpStream::connect(host) {
                Ok(stream) => BufReader::new(stream),
                Err(_) => {
                    errors += 1;
                    continue;
                }
            },
        };
        match get(stream, host, question) {
            Ok((200, stream)) => {
                times.push(started.elapsed());
                connection = Some(stream);
            }
            Ok((_, stream)) => {
                errors += 1;
                connection = Some(stream);
            }
            Err(_) => errors += 1,
        }
    }
    (times, errors)
}

fn get(
    mut stream: BufReader<TcpStream>,
    host: &str,
    question: &str,
) -> std::io::Result<(u16, BufReader<TcpStream>)> {
    let request =
        format!("GET /api/search?q={question}&limit=10&literal=1 HTTP/1.1\r\nHost: {host}\r\n\r\n");
    stream.get_mut().write_all(request.as_bytes())?;
    let mut status = 0;
    let mut length = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        if let Some(code) = trimmed.strip_prefix("HTTP/1.1 ") {
            status = code.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
        } else if let Some((name, value)) = trimmed.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    stream.read_exact(&mut body)?;
    Ok((status, stream))
}

/// Percent-encoding for a query string value.
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

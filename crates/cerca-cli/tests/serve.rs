//! `cerca serve`: the JSON API over loopback, the token, the search page in a
//! real headless browser (Debian's `chromium`), and `--watch`.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::Sandbox;
use serde_json::Value;

const PATIENCE: Duration = Duration::from_secs(10);

/// A `cerca serve` process on a free loopback port, stopped when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(sandbox: &Sandbox, args: &[&str]) -> Server {
        let mut command = sandbox.std_command();
        command
            .args(["serve", "--index", "idx"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if !args.contains(&"--addr") {
            command.args(["--addr", "127.0.0.1:0"]);
        }
        let mut child = command.spawn().expect("start cerca serve");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let address = loop {
            match lines.next() {
                Some(Ok(line)) if line.contains(" at http://") => {
                    let url = line.split(" at http://").nth(1).unwrap_or_default();
                    break url.split(' ').next().unwrap_or_default().to_owned();
                }
                Some(Ok(_)) => continue,
                other => panic!("cerca serve ended before serving: {other:?}"),
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, address }
    }

    /// The host and port, without the path the server printed.
    fn host(&self) -> &str {
        self.address.split('/').next().unwrap_or_default()
    }

    fn get(&self, path: &str) -> (u16, String, String) {
        self.get_with(path, &[])
    }

    /// `GET path` with extra headers: status, headers, body.
    fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> (u16, String, String) {
        let mut stream = TcpStream::connect(self.host()).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut request = format!("GET {path} HTTP/1.1\r\nConnection: close\r\n");
        if !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("host"))
        {
            request.push_str(&format!("Host: {}\r\n", self.host()));
        }
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let response = String::from_utf8_lossy(&response).into_owned();
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        (status, head.to_owned(), body.to_owned())
    }

    fn json(&self, path: &str) -> (u16, Value) {
        let (status, _, body) = self.get(path);
        let value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
        (status, value)
    }

    fn stop(mut self) -> std::process::ExitStatus {
        common::interrupt(&mut self.child, PATIENCE)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn indexed() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.copy_seed("docs/zapad.txt");
    sandbox.write(
        "docs/fenicottero.md",
        "# Il fenicottero\n\nIl fenicottero rosa vive nello stagno.\n",
    );
    sandbox.write("docs/energia.txt", "Il prezzo dell'energia sale ancora.\n");
    sandbox.run(&["index", "--index", "idx", "docs"]).code(0);
    sandbox
}

#[test]
fn search_answers_the_hits_of_cerca_search_json() {
    let sandbox = indexed();
    let server = Server::start(&sandbox, &[]);
    let (status, found) = server.json("/api/search?q=esercitazione%20militare");
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["total"], 1);
    assert_eq!(found["relaxed"], false);
    let cli = sandbox
        .run(&[
            "search",
            "--index",
            "idx",
            "--json",
            "esercitazione militare",
        ])
        .json();
    let mut from_api = found["hits"][0].clone();
    let mut from_cli = cli[0].clone();
    // The score's last digits may differ; every field is there, equal.
    from_api["score"] = Value::Null;
    from_cli["score"] = Value::Null;
    assert_eq!(from_api, from_cli);
    let (_, paged) = server.json("/api/search?q=il&any=1&limit=1&offset=1&sort=path");
    assert_eq!(paged["hits"].as_array().map(Vec::len), Some(1));
    assert_eq!(paged["hits"][0]["rank"], 2);
}

#[test]
fn bad_requests_get_400_with_what_is_wrong() {
    let sandbox = indexed();
    let server = Server::start(&sandbox, &[]);
    let (status, error) = server.json("/api/search?q=%22casa%20bianca");
    assert_eq!(status, 400);
    assert!(
        error["error"]
            .as_str()
            .unwrap_or_default()
            .contains("quote"),
        "{error}"
    );
    assert_eq!(error["at"]["start"], 0);
    for path in [
        "/api/search",
        "/api/search?q=",
        "/api/search?q=energia&sort=random",
        "/api/search?q=energia&limit=1000000",
        "/api/search?q=energia&limit=-1",
        "/api/document",
    ] {
        let (status, _, body) = server.get(path);
        assert_eq!(status, 400, "{path}: {body}");
    }
    let long = "parola%20".repeat(2000);
    let (status, body) = server.json(&format!("/api/search?q={long}"));
    assert_eq!(status, 400, "{body}");
    let (status, _, _) = server.get("/nowhere");
    assert_eq!(status, 404);
    // Parameters of the wrong type get the same JSON error as the rest.
    for path in ["/api/search?q=a&limit=abc", "/api/search?q=a&q=b"] {
        let (status, error) = server.json(path);
        assert_eq!(status, 400, "{path}");
        assert!(error["error"].is_string(), "{path}: {error}");
    }
}

#[test]
fn without_a_token_only_this_machines_names_are_answered() {
    let sandbox = indexed();
    let server = Server::start(&sandbox, &[]);
    // A page elsewhere whose name resolves to 127.0.0.1 (DNS rebinding).
    let (status, _, body) = server.get_with(
        "/api/document?path=/etc/passwd",
        &[("Host", "attacker.example:7700")],
    );
    assert_eq!(status, 403, "{body}");
    for host in ["localhost:7700", "127.0.0.1", "[::1]:7700"] {
        let (status, _, _) = server.get_with("/api/status", &[("Host", host)]);
        assert_eq!(status, 200, "{host}");
    }
}

#[test]
fn idle_and_slow_connections_are_closed() {
    let sandbox = indexed();
    let server = Server::start(&sandbox, &[]);
    // Headers that never end, and a connection that says nothing.
    let mut slow = TcpStream::connect(server.host()).unwrap();
    slow.write_all(b"GET /api/status HTTP/1.1\r\nX-Slow: 1\r\n")
        .unwrap();
    let mut idle = TcpStream::connect(server.host()).unwrap();
    for stream in [&mut slow, &mut idle] {
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
    }
    let started = Instant::now();
    for stream in [&mut slow, &mut idle] {
        let mut rest = Vec::new();
        // The server closes it (with or without a 408): read ends.
        let _ = stream.read_to_end(&mut rest);
    }
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
    // Meanwhile and after, others are served.
    let (status, _, _) = server.get("/api/status");
    assert_eq!(status, 200);
}

#[test]
fn only_documents_in_the_index_can_be_read() {
    let sandbox = indexed();
    let server = Server::start(&sandbox, &[]);
    let inside = sandbox.path("docs/energia.txt");
    let (status, document) = server.json(&format!(
        "/api/document?path={}",
        inside.to_string_lossy().replace(' ', "%20")
    ));
    assert_eq!(status, 200, "{document}");
    assert_eq!(document["text"], "Il prezzo dell'energia sale ancora.\n");
    assert_eq!(document["kind"], "txt");
    let escape = format!(
        "{}/../../../../etc/passwd",
        sandbox.path("docs").to_string_lossy()
    );
    for path in [
        "/etc/passwd",
        escape.as_str(),
        "docs/energia.txt",
        "%2Fetc%2Fshadow",
    ] {
        let (status, _, body) = server.get(&format!("/api/document?path={path}"));
        assert_eq!(status, 404, "{path}: {body}");
        assert!(!body.contains("root:"), "{body}");
    }
}

#[test]
fn status_describes_the_index() {
    let sandbox = indexed();
    let server = Server::start(&sandbox, &[]);
    let (status, value) = server.json("/api/status");
    assert_eq!(status, 200);
    assert_eq!(value["documents"], 3);
    assert_eq!(value["folders"].as_array().map(Vec::len), Some(1));
    assert!(value["semantic"].is_null());
}

#[test]
fn a_token_is_required_when_there_is_one() {
    let sandbox = indexed();
    let server = Server::start(&sandbox, &["--token", "segreto-123"]);
    let (status, head, _) = server.get("/api/search?q=energia");
    assert_eq!(status, 401, "{head}");
    // The page and its files hold nothing of the index: they load without
    // it (and pass the token on to the API).
    for page in ["/", "/app.js", "/style.css"] {
        let (status, _, _) = server.get(page);
        assert_eq!(status, 200, "{page}");
    }
    let (status, _, _) = server.get("/api/search?q=energia&token=sbagliato-1");
    assert_eq!(status, 401);
    let (status, _, body) = server.get("/api/search?q=energia&token=segreto-123");
    assert_eq!(status, 200, "{body}");
    let (status, _, _) = server.get_with("/api/status", &[("Authorization", "Bearer segreto-123")]);
    assert_eq!(status, 200);
}

#[test]
fn away_from_loopback_a_token_is_made_and_required() {
    let sandbox = indexed();
    let server = Server::start(&sandbox, &["--addr", "0.0.0.0:0"]);
    let token = server
        .address
        .split("?token=")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    assert_eq!(token.len(), 32, "{}", server.address);
    let port = server
        .host()
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    let local = Server {
        child: std::process::Command::new("true").spawn().unwrap(),
        address: format!("127.0.0.1:{port}/"),
    };
    let (status, _, _) = local.get("/api/status");
    assert_eq!(status, 401);
    let (status, _, _) = local.get(&format!("/api/status?token={token}"));
    assert_eq!(status, 200);
    sandbox
        .run(&[
            "serve",
            "--index",
            "idx",
            "--addr",
            "127.0.0.1:0",
            "--token",
            "short",
        ])
        .code(2)
        .stderr_has("at least 8");
}

#[test]
fn the_page_is_served_whole_and_safe() {
    let sandbox = indexed();
    let server = Server::start(&sandbox, &[]);
    let (status, head, page) = server.get("/?q=energia");
    assert_eq!(status, 200);
    assert!(
        head.to_lowercase()
            .contains("content-security-policy: default-src 'self'"),
        "{head}"
    );
    assert!(page.contains(r#"<script src="app.js" defer></script>"#));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "no external resource"
    );
    let (status, head, script) = server.get("/app.js");
    assert_eq!(status, 200);
    assert!(head.contains("text/javascript"));
    assert!(
        !script.contains("innerHTML"),
        "index text is never parsed as HTML"
    );
    let (status, _, _) = server.get("/style.css");
    assert_eq!(status, 200);
}

#[test]
fn ctrl_c_stops_the_server() {
    let sandbox = indexed();
    let server = Server::start(&sandbox, &[]);
    let (status, _, _) = server.get("/api/status");
    assert_eq!(status, 200);
    assert!(server.stop().success());
}

#[test]
fn with_watch_a_new_file_is_found_within_seconds() {
    let sandbox = indexed();
    let server = Server::start(&sandbox, &["--watch"]);
    // The watcher starts after the server: give it its first sync.
    std::thread::sleep(Duration::from_millis(500));
    let written = Instant::now();
    sandbox.write("docs/nuovo.txt", "Il pellicano pesca nello stagno.\n");
    loop {
        let (_, found) = server.json("/api/search?q=pellicano");
        if found["total"] == 1 {
            break;
        }
        assert!(written.elapsed() < PATIENCE, "not found after {PATIENCE:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!(
        "found through the API {:?} after it was written",
        written.elapsed()
    );
    assert!(server.stop().success());
}

/// Debian's chromium, headless, if installed.
fn chromium() -> Option<std::path::PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(|name| std::path::Path::new("/usr/bin").join(name))
        .find(|path| path.exists())
}

#[test]
fn the_page_shows_hits_in_a_real_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CERCA_REQUIRE_BROWSER").is_none(),
            "CERCA_REQUIRE_BROWSER is set and chromium is not installed"
        );
        eprintln!("skipped: chromium is not installed (apt-get install chromium)");
        return;
    };
    let sandbox = indexed();
    let server = Server::start(&sandbox, &[]);
    let url = format!(
        "http://{}?q=fenicottero&lang=it",
        server.address.trim_end_matches('/')
    );
    let url = url.replace("?q=", "/?q=").replace("//?q=", "/?q=");
    let profile = sandbox.path("chromium-profile");
    let screenshot =
        std::env::temp_dir().join(format!("cerca-serve-page-{}.png", std::process::id()));
    let headless = |extra: &[&str]| {
        std::process::Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--virtual-time-budget=5000",
                "--window-size=412,900",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(&url)
            .output()
            .expect("run chromium")
    };
    let dom = headless(&["--dump-dom"]);
    let dom = String::from_utf8_lossy(&dom.stdout).into_owned();
    assert!(dom.contains("Il fenicottero"), "the hit's title: {dom}");
    assert!(
        dom.contains("<mark>fenicottero</mark>"),
        "the highlight: {dom}"
    );
    assert!(dom.contains("1 di 1 documenti"), "the Italian count: {dom}");
    let shot = headless(&[&format!("--screenshot={}", screenshot.display())]);
    assert!(
        screenshot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&shot.stderr)
    );
    eprintln!("screenshot of the page: {}", screenshot.display());
}

//! `cerca serve`: the index over HTTP, a JSON API (`api.rs`) and a search
//! page (`page.rs`), on loopback unless told otherwise (then with a token).
//!
//! Searches are blocking work on tantivy: they run on tokio's blocking
//! threads, a few at a time ([`SEARCHES_PER_CORE`] per core), so that a slow
//! query holds one slot and the others go on; a request waits at most
//! [`QUEUE_WAIT`] for a slot (then 503). Requests are bounded in size and
//! time by tower-http's layers.

mod api;
mod page;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use cerca_core::{Index, Root, SemanticSearch, SyncReport};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::Semaphore;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use super::index::{model_of, sync_recorded};
use super::{about_index, syncer};
use crate::args::{ColorChoice, ServeArgs};
use crate::{interrupt, locations, output, semantic};

/// Searches running at once, per core.
const SEARCHES_PER_CORE: usize = 2;
/// How long a request waits for a search slot before a 503.
const QUEUE_WAIT: Duration = Duration::from_secs(5);
/// The longest a request may take.
const REQUEST_TIME: Duration = Duration::from_secs(10);
/// The largest request body (the API takes none: GET only).
const REQUEST_BYTES: usize = 16 << 10;
/// The longest a client may take to send a request's headers, or keep a
/// connection idle between requests.
const HEADER_TIME: Duration = Duration::from_secs(5);
/// Connections open at once; more are closed as they come.
const MAX_CONNECTIONS: usize = 512;
/// How long, after Ctrl-C, requests under way may take to end.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// How often the index is reloaded to see other processes' commits.
const RELOAD_EVERY: Duration = Duration::from_secs(1);

/// What every request shares.
pub struct Served {
    pub index: Index,
    pub token: Option<String>,
    pub semantic: Option<SemanticSearch>,
    pub searches: Arc<Semaphore>,
    pub index_dir: PathBuf,
}

pub fn run(args: &ServeArgs, color: ColorChoice) -> Result<bool> {
    let dir = locations::index_dir(args.location.index.as_deref())?;
    let index = super::open_index(&dir)?;
    let interrupt = interrupt::arm()?;
    let token = token(args)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let served = Arc::new(Served {
        semantic: semantic::for_search(&index),
        index,
        token: token.clone(),
        searches: Arc::new(Semaphore::new(cores * SEARCHES_PER_CORE)),
        index_dir: dir.clone(),
    });
    let listener = std::net::TcpListener::bind(args.addr)
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    listener.set_nonblocking(true)?;
    let bound = listener.local_addr()?;
    let query = token
        .as_ref()
        .map_or(String::new(), |t| format!("?token={t}"));
    output::note(&format!(
        "cerca: serving {} at http://{bound}/{query} (Ctrl-C stops)",
        output::escape_path(&dir)
    ));

    let watcher = args.watch.then(|| {
        let served = Arc::clone(&served);
        let interrupt = Arc::clone(&interrupt);
        let dir = dir.clone();
        std::thread::spawn(move || watch(&served.index, &dir, interrupt, color))
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .enable_all()
        .build()
        .context("cannot start the server's threads")?;
    let served_result =
        runtime.block_on(serve(Arc::clone(&served), listener, Arc::clone(&interrupt)));
    // The watcher stops on the same signal.
    interrupt.store(true, Ordering::SeqCst);
    if let Some(watcher) = watcher {
        match watcher.join() {
            Ok(Err(error)) => output::error(&output::causes(&error)),
            Err(_) => output::error("the watcher stopped unexpectedly"),
            Ok(Ok(())) => {}
        }
    }
    served_result?;
    output::note("cerca: stopped serving");
    Ok(true)
}

/// The token requests must carry: given, or `$CERCA_TOKEN`; away from
/// loopback, a new random one if neither.
fn token(args: &ServeArgs) -> Result<Option<String>> {
    let given = args
        .token
        .clone()
        .or_else(|| std::env::var("CERCA_TOKEN").ok())
        .filter(|t| !t.is_empty());
    if let Some(token) = &given {
        let url_safe = |b: u8| b.is_ascii_alphanumeric() || b"-._~".contains(&b);
        if token.len() < 8 || !token.bytes().all(url_safe) {
            anyhow::bail!(
                "the token must be at least 8 characters among letters, digits and - . _ ~ \
                 (it goes into addresses as it is)"
            );
        }
    }
    if given.is_some() || args.addr.ip().is_loopback() {
        return Ok(given);
    }
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| std::io::Read::read_exact(&mut random, &mut bytes))
        .context("cannot make a random token: give one with --token")?;
    Ok(Some(bytes.iter().map(|b| format!("{b:02x}")).collect()))
}

async fn serve(
    served: Arc<Served>,
    listener: std::net::TcpListener,
    interrupt: Arc<AtomicBool>,
) -> Result<()> {
    let reloading = Arc::clone(&served);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(RELOAD_EVERY).await;
            let served = Arc::clone(&reloading);
            let _ = tokio::task::spawn_blocking(move || served.index.reload()).await;
        }
    });
    // The page holds nothing of the index: it loads without the token (it
    // passes the token on to the API, which needs it).
    let api = Router::new()
        .route("/api/search", get(api::search))
        .route("/api/status", get(api::status))
        .route("/api/document", get(api::document))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&served),
            authorize,
        ));
    let router = Router::new()
        .route("/", get(page::index))
        .route("/app.js", get(page::script))
        .route("/style.css", get(page::style))
        .merge(api)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&served),
            same_host,
        ))
        .layer(RequestBodyLimitLayer::new(REQUEST_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIME,
        ))
        .with_state(served);
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let mut open = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = until(&interrupt) => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, say: a moment for some to close.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // Over the limit, a connection is closed at once.
        let Ok(place) = Arc::clone(&connections).try_acquire_owned() else {
            continue;
        };
        let service = TowerToHyperService::new(router.clone());
        let mut stopping = stopping.clone();
        open.spawn(async move {
            let _place = place;
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIME)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = stopping.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
        while open.try_join_next().is_some() {}
    }
    // Requests under way end; connections that do not within the grace are dropped.
    let _ = stop.send(true);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while open.join_next().await.is_some() {}
    })
    .await;
    Ok(())
}

/// Resolves once `flag` is set.
async fn until(flag: &AtomicBool) {
    while !flag.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Refuses requests without the token, when there is one.
async fn authorize(State(served): State<Arc<Served>>, request: Request, next: Next) -> Response {
    let Some(token) = &served.token else {
        return next.run(request).await;
    };
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let in_query = request.uri().query().and_then(|query| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("token="))
    });
    let given = bearer.or(in_query).unwrap_or_default();
    if same(given.as_bytes(), token.as_bytes()) {
        next.run(request).await
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "this cerca needs its token: add ?token=TOKEN to the address, or send Authorization: Bearer TOKEN\n",
        )
            .into_response()
    }
}

/// Without a token, only this machine's own names are answered: a web page
/// elsewhere whose name resolves to 127.0.0.1 (DNS rebinding) must not read
/// the index through the user's browser.
async fn same_host(State(served): State<Arc<Served>>, request: Request, next: Next) -> Response {
    if served.token.is_some() {
        return next.run(request).await;
    }
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|host| match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        });
    match host {
        None | Some("localhost" | "127.0.0.1" | "[::1]") => next.run(request).await,
        Some(_) => (
            StatusCode::FORBIDDEN,
            "this cerca answers only to localhost, 127.0.0.1 or [::1] (or give it a --token)\n",
        )
            .into_response(),
    }
}

/// Equality in a time that does not depend on where the inputs differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `cerca watch` in this process (`--watch`).
fn watch(
    index: &Index,
    dir: &std::path::Path,
    interrupt: Arc<AtomicBool>,
    color: ColorChoice,
) -> Result<()> {
    let mut syncer = syncer(index, true, Arc::clone(&interrupt))?;
    if let Some(model) = model_of(index) {
        syncer = syncer.with_embedder(model);
    }
    let sync = |roots: &[Root], given: &[PathBuf]| -> Result<SyncReport> {
        sync_recorded(&syncer, index, roots, given, color).map_err(|e| {
            about_index(e, dir, || {
                format!("cannot sync the index at {}", dir.display())
            })
        })
    };
    sync(&[], &[])?;
    super::watch::keep_current(index, dir, &interrupt, &sync)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole() {
        assert!(same(b"abcdefgh", b"abcdefgh"));
        assert!(!same(b"abcdefgh", b"abcdefgX"));
        assert!(!same(b"abcdefgh", b"abcdefg"));
        assert!(!same(b"", b"abcdefgh"));
    }
}

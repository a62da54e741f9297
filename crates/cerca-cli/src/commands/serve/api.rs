//! The JSON API: `/api/search`, `/api/status`, `/api/document`.

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use cerca_core::{Error, HitDetail, Operator, SearchOptions, SortOrder};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Served, QUEUE_WAIT};
use crate::printer::json::{json_hit, rfc3339, JsonHit, JsonPath};

/// The most hits one page of `/api/search` holds.
pub const MAX_PAGE: usize = 1000;

#[derive(Debug, Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
    sort: Option<String>,
    /// `1`/`true`: words side by side match if any does (`--any`).
    any: Option<String>,
    /// `1`/`true`: by words only (`--lexical`).
    lexical: Option<String>,
    /// `1`/`true`: the query as plain words (`-F`).
    literal: Option<String>,
}

#[derive(Serialize)]
struct Found<'a> {
    total: usize,
    relaxed: bool,
    hits: Vec<JsonHit<'a>>,
}

fn yes(flag: &Option<String>) -> bool {
    matches!(flag.as_deref(), Some("1" | "true" | "yes" | "on"))
}

/// Parameters of the wrong type: the same JSON error as the rest.
fn bad_parameters(rejection: QueryRejection) -> Response {
    problem(StatusCode::BAD_REQUEST, rejection.body_text())
}

fn problem(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({ "error": message.into() }))).into_response()
}

pub async fn search(
    State(served): State<Arc<Served>>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Response {
    let params = match params {
        Ok(Query(params)) => params,
        Err(rejection) => return bad_parameters(rejection),
    };
    let Some(query) = params.q.clone().filter(|q| !q.trim().is_empty()) else {
        return problem(StatusCode::BAD_REQUEST, "give a query: /api/search?q=WORDS");
    };
    let sort = match params.sort.as_deref() {
        None | Some("score") => SortOrder::Score,
        Some("date") => SortOrder::DateAscending,
        Some("-date") => SortOrder::DateDescending,
        Some("path") => SortOrder::Path,
        Some(other) => {
            return problem(
                StatusCode::BAD_REQUEST,
                format!("sort must be score, date, -date or path, not {other:?}"),
            )
        }
    };
    let limit = params.limit.unwrap_or(10);
    if limit > MAX_PAGE {
        return problem(
            StatusCode::BAD_REQUEST,
            format!("limit is at most {MAX_PAGE} (page with offset)"),
        );
    }
    let operator = if yes(&params.any) {
        Operator::Any
    } else {
        Operator::All
    };
    let semantic = match yes(&params.lexical) || sort != SortOrder::Score {
        true => None,
        false => served.semantic.clone(),
    };
    let options = SearchOptions::default()
        .with_limit(limit)
        .with_offset(params.offset.unwrap_or(0))
        .with_operator(operator)
        .with_sort(sort)
        .with_detail(HitDetail::Snippet)
        // A person reads these, as the page shows them.
        .with_relax(true)
        .with_semantic(semantic);
    let permit = match tokio::time::timeout(
        QUEUE_WAIT,
        Arc::clone(&served.searches).acquire_owned(),
    )
    .await
    {
        Ok(Ok(permit)) => permit,
        _ => {
            return problem(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many searches at once: try again in a moment",
            )
        }
    };
    let searching = Arc::clone(&served);
    let text = query.clone();
    let literal = yes(&params.literal);
    let answer = tokio::task::spawn_blocking(move || {
        // The slot is held until the search ends, even if the request gave up.
        let _permit = permit;
        cerca_core::query::limits::check_length(&text)?;
        let parsed = match literal {
            true => cerca_core::query::parse_literal(&text)?,
            false => cerca_core::query::parse(&text)?,
        };
        searching.index.search_parsed(&parsed, &options)
    })
    .await;
    match answer {
        Ok(Ok(results)) => {
            let hits = results
                .hits
                .iter()
                .map(|hit| json_hit(hit, None, results.relaxed))
                .collect();
            Json(Found {
                total: results.total,
                relaxed: results.relaxed,
                hits,
            })
            .into_response()
        }
        Ok(Err(Error::Query(error))) => {
            let chars = |at: usize| query.get(..at).map_or(0, |before| before.chars().count());
            (
                StatusCode::BAD_REQUEST,
                Json(json!({
                    "error": error.to_string(),
                    "at": { "start": chars(error.span.start), "end": chars(error.span.end) },
                })),
            )
                .into_response()
        }
        Ok(Err(error)) => problem(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
        Err(_) => problem(StatusCode::INTERNAL_SERVER_ERROR, "the search failed"),
    }
}

pub async fn status(State(served): State<Arc<Served>>) -> Response {
    let answer = tokio::task::spawn_blocking(move || -> cerca_core::Result<serde_json::Value> {
        let index = &served.index;
        let folders: Vec<serde_json::Value> = index
            .roots()?
            .into_iter()
            .map(|status| {
                json!({
                    "path": JsonPath::new(&status.root.path),
                    "last_sync": status.last_sync.map(rfc3339),
                })
            })
            .collect();
        let semantic = index.semantic_status().ok().flatten().map(|s| {
            json!({ "model": s.model, "with_vectors": s.with_vectors, "used": served.semantic.is_some() })
        });
        Ok(json!({
            "index": JsonPath::new(&served.index_dir),
            "documents": index.num_docs(),
            "last_sync": index.last_sync()?.map(rfc3339),
            "folders": folders,
            "semantic": semantic,
        }))
    })
    .await;
    match answer {
        Ok(Ok(value)) => Json(value).into_response(),
        Ok(Err(error)) => problem(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
        Err(_) => problem(StatusCode::INTERNAL_SERVER_ERROR, "the status failed"),
    }
}

#[derive(Debug, Deserialize)]
pub struct DocumentParams {
    path: Option<String>,
}

/// A document's stored text: only what the index holds is ever read (the
/// index, not the file system), so no path outside its folders can be.
pub async fn document(
    State(served): State<Arc<Served>>,
    params: Result<Query<DocumentParams>, QueryRejection>,
) -> Response {
    let params = match params {
        Ok(Query(params)) => params,
        Err(rejection) => return bad_parameters(rejection),
    };
    let Some(path) = params.path.filter(|p| !p.is_empty()) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "give a path: /api/document?path=PATH",
        );
    };
    let asked = PathBuf::from(&path);
    let answer =
        tokio::task::spawn_blocking(move || served.index.document(&PathBuf::from(path))).await;
    match answer {
        Ok(Ok(Some(document))) => Json(json!({
            "path": JsonPath::new(&document.path),
            "title": document.title,
            "date": document.date.map(|d| d.to_string()),
            "modified": rfc3339(document.modified),
            "size": document.size,
            "kind": document.kind,
            "text": document.body,
        }))
        .into_response(),
        Ok(Ok(None)) => problem(
            StatusCode::NOT_FOUND,
            format!("the index holds no document {}", asked.display()),
        ),
        Ok(Err(error)) => problem(StatusCode::INTERNAL_SERVER_ERROR, error.to_string()),
        Err(_) => problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "reading the document failed",
        ),
    }
}

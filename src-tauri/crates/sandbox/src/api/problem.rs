//! Errors as RFC 9457 problem documents: the constructors the handlers return, and a layer
//! that turns axum's own plain-text rejections into problems too, so every error a client sees
//! has the same shape.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use khata_lending::types::*;
use serde::Serialize;

/// A problem document of type `urn:khata:problem:{slug}`, with its status.
pub fn problem(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Response {
    let p = Problem {
        type_uri: format!("urn:khata:problem:{slug}"),
        title: title.into(),
        status: status.as_u16(),
        detail: Some(detail.into()),
        instance: None,
        error: None,
    };
    problem_response(status, &p)
}

fn problem_response(status: StatusCode, p: &Problem) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, PROBLEM_JSON)],
        serde_json::to_vec(p).expect("problem serialises"),
    )
        .into_response()
}

pub(super) fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "sandbox internal error");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Internal error",
        "the sandbox failed; see its log",
    )
}

pub(super) fn json_response<T: Serialize>(status: StatusCode, v: &T) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_vec(v).expect("wire types serialise"),
    )
        .into_response()
}

pub(super) fn not_found(what: &str, id: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "not-found",
        "Not found",
        format!("no {what} {id:?}"),
    )
}

pub(super) fn conflict(detail: impl Into<String>) -> Response {
    problem(
        StatusCode::CONFLICT,
        "conflict",
        "Conflict with the current state",
        detail,
    )
}

pub(super) fn unprocessable(detail: impl Into<String>) -> Response {
    problem(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-request",
        "The request cannot be processed",
        detail,
    )
}

/// Turns any non-problem error response (axum's own 404/405/413 and extractor rejections)
/// into a problem, keeping headers such as `Allow` and `WWW-Authenticate`.
pub(super) async fn problemize(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let detail = axum::body::to_bytes(body, 64 * 1024)
        .await
        .ok()
        .map(|b| String::from_utf8_lossy(&b).to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| format!("{} {path}", status.canonical_reason().unwrap_or("")));
    let p = Problem {
        type_uri: "about:blank".into(),
        title: status.canonical_reason().unwrap_or("Error").into(),
        status: status.as_u16(),
        detail: Some(detail),
        instance: Some(path),
        error: None,
    };
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(
        parts,
        Body::from(serde_json::to_vec(&p).expect("serialises")),
    )
}

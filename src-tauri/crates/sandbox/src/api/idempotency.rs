//! Idempotency keys: every state-changing operation runs at most once per key, and a repeated
//! request gets the stored response back, so a client may retry a lost response safely.

use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use khata_lending::types::*;
use rusqlite::{OptionalExtension as _, params};
use serde_json::Value;

use super::problem::{internal, problem};
use super::{HandlerResult, Inner, now, sha256_hex};

/// The `Idempotency-Key` header, checked; a 400 problem when `required` and absent.
pub(super) fn idempotency_key(
    headers: &HeaderMap,
    required: bool,
) -> Result<Option<String>, Response> {
    match headers.get(IDEMPOTENCY_KEY) {
        None if required => Err(problem(
            StatusCode::BAD_REQUEST,
            "idempotency-key-missing",
            "Idempotency-Key required",
            "state-changing requests need an Idempotency-Key header (a UUID v4)",
        )),
        None => Ok(None),
        Some(v) => {
            let k = v.to_str().map_err(|_| {
                problem(
                    StatusCode::BAD_REQUEST,
                    "idempotency-key-invalid",
                    "Invalid Idempotency-Key",
                    "the key must be visible ASCII",
                )
            })?;
            if k.is_empty() || k.len() > 255 {
                return Err(problem(
                    StatusCode::BAD_REQUEST,
                    "idempotency-key-invalid",
                    "Invalid Idempotency-Key",
                    "the key must be 1 to 255 characters",
                ));
            }
            Ok(Some(k.to_string()))
        }
    }
}

/// Runs a state-changing operation at most once per key. Within one transaction: look the key
/// up (replay the stored response, or 422 if the request differs), else do the work and store
/// its response with it — so a response lost after commit is replayed, never redone.
pub(super) fn run_idempotent(
    inner: &Inner,
    key: Option<String>,
    fingerprint_src: (&Method, &str, &Value),
    work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<(StatusCode, Value), Response>,
) -> HandlerResult {
    let (method, path, body) = fingerprint_src;
    let canonical = khata_lending::signing::canonical_json(body)
        .unwrap_or_else(|_| serde_json::to_vec(body).expect("serialises"));
    let mut src = format!("{method} {path}\n").into_bytes();
    src.extend(canonical);
    let fingerprint = sha256_hex(&src);

    let mut db = inner.db.lock().expect("db lock");
    let tx = db.transaction().map_err(internal)?;
    if let Some(k) = &key {
        let prior: Option<(String, u16, Vec<u8>)> = tx
            .query_row(
                "SELECT fingerprint, status, body FROM idempotency WHERE key = ?1",
                [k],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(internal)?;
        if let Some((fp, status, body)) = prior {
            if fp != fingerprint {
                return Err(problem(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "idempotency-key-reused",
                    "Idempotency-Key reused with a different request",
                    "this key was first used for another request; use a new key",
                ));
            }
            let status = StatusCode::from_u16(status).map_err(internal)?;
            let mut resp =
                (status, [(header::CONTENT_TYPE, "application/json")], body).into_response();
            resp.headers_mut()
                .insert("Idempotent-Replayed", HeaderValue::from_static("true"));
            return Ok(resp);
        }
    }
    let (status, value) = work(&tx)?;
    let body = serde_json::to_vec(&value).expect("serialises");
    if let Some(k) = &key {
        tx.execute(
            "INSERT INTO idempotency(key, fingerprint, status, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![k, fingerprint, status.as_u16(), body, now().to_rfc3339()],
        )
        .map_err(internal)?;
    }
    tx.commit().map_err(internal)?;
    Ok((status, [(header::CONTENT_TYPE, "application/json")], body).into_response())
}

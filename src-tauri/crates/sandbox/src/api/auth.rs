//! Bearer-token checks for the contract routes. Tokens are stored hashed, issued by the OAuth
//! endpoints or registered up front for conformance runs and tests.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use rusqlite::{Connection, OptionalExtension as _, params};

use super::problem::problem;
use super::{Shared, sha256_hex};

/// The bearer token a request presents (`Authorization: Bearer …`), if any.
pub(super) fn bearer_token(req: &Request) -> Option<&str> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

pub(super) async fn require_auth(
    State(inner): State<Shared>,
    req: Request,
    next: Next,
) -> Response {
    let token = bearer_token(&req);
    let ok = match token {
        None => false,
        Some(t) => {
            let db = inner.db.lock().expect("db lock");
            db.query_row(
                "SELECT 1 FROM tokens WHERE token_hash = ?1 AND kind = 'access' AND expires_at > ?2",
                params![sha256_hex(t.as_bytes()), Utc::now().timestamp()],
                |_| Ok(()),
            )
            .optional()
            .ok()
            .flatten()
            .is_some()
        }
    };
    if ok {
        return next.run(req).await;
    }
    let mut resp = problem(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "Authentication required",
        "send Authorization: Bearer with a token from /oauth/token",
    );
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"khata-sandbox\""),
    );
    resp
}

/// Registers a long-lived access token (for conformance runs and tests).
pub fn insert_token(
    conn: &Connection,
    token: &str,
    kind: &str,
    ttl_secs: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO tokens(token_hash, kind, client_id, expires_at) VALUES (?1, ?2, 'dev', ?3)",
        params![sha256_hex(token.as_bytes()), kind, Utc::now().timestamp() + ttl_secs],
    )?;
    Ok(())
}

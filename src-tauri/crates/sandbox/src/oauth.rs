//! The sandbox's OAuth 2.0 server: authorization code + PKCE (S256 only) with loopback
//! redirects (RFC 8252). `/oauth/authorize` approves at once — there is no borrower to ask in
//! a sandbox — so a headless client completes the flow by following the redirect.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use khata_lending::oauth::{random_token, s256_challenge};
use khata_lending::types::{PROBLEM_JSON, Problem, TokenResponse};
use rusqlite::{OptionalExtension as _, params};
use sha2::Digest as _;

use crate::api::{Shared, insert_token, problem};

const ACCESS_TTL: i64 = 3600;
const REFRESH_TTL: i64 = 30 * 24 * 3600;

fn hash(s: &str) -> String {
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

fn bad_request(detail: &str) -> Response {
    problem(
        StatusCode::BAD_REQUEST,
        "oauth-invalid-request",
        "Invalid authorization request",
        detail,
    )
}

/// RFC 6749 §5.2 error, shaped as an RFC 9457 problem with the OAuth `error` member.
fn oauth_error(error: &str, detail: &str) -> Response {
    let p = Problem {
        type_uri: format!("urn:khata:problem:oauth-{}", error.replace('_', "-")),
        title: "Token request refused".into(),
        status: 400,
        detail: Some(detail.into()),
        instance: None,
        error: Some(error.into()),
    };
    (
        StatusCode::BAD_REQUEST,
        [
            (header::CONTENT_TYPE, PROBLEM_JSON),
            (header::CACHE_CONTROL, "no-store"),
        ],
        serde_json::to_vec(&p).expect("serialises"),
    )
        .into_response()
}

/// Only `http://` to a loopback IP literal or `localhost` is accepted (RFC 8252 §7.3).
fn loopback_redirect(raw: &str) -> Option<url::Url> {
    let u = url::Url::parse(raw).ok()?;
    if u.scheme() != "http" || u.fragment().is_some() || !u.username().is_empty() {
        return None;
    }
    let ok = match u.host()? {
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
    };
    ok.then_some(u)
}

pub async fn authorize(State(inner): State<Shared>, RawQuery(q): RawQuery) -> Response {
    let Ok(p) = serde_urlencoded::from_str::<HashMap<String, String>>(q.as_deref().unwrap_or(""))
    else {
        return bad_request("the query string is not valid form encoding");
    };
    let get = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
    if get("response_type") != Some("code") {
        return bad_request("response_type must be code");
    }
    if get("code_challenge_method") != Some("S256") {
        return bad_request("PKCE with code_challenge_method=S256 is required");
    }
    let Some(challenge) = get("code_challenge").filter(|c| {
        c.len() == 43
            && c.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    }) else {
        return bad_request("code_challenge must be 43 base64url characters");
    };
    let Some(client_id) = get("client_id").filter(|c| c.chars().count() <= 200) else {
        return bad_request("client_id is required");
    };
    let Some(state) = get("state").filter(|s| s.chars().count() <= 500) else {
        return bad_request("state is required");
    };
    if p.get("scope").is_some_and(|s| s.chars().count() > 500) {
        return bad_request("scope is longer than 500 characters");
    }
    let Some(redirect_raw) = get("redirect_uri") else {
        return bad_request("redirect_uri is required");
    };
    let Some(mut redirect) = loopback_redirect(redirect_raw) else {
        return bad_request(
            "redirect_uri must be an http loopback URL (127.0.0.1, [::1] or localhost)",
        );
    };
    let code = random_token(32);
    {
        let db = inner.db.lock().expect("db lock");
        if let Err(e) = db.execute(
            "INSERT INTO oauth_codes(code_hash, challenge, redirect_uri, client_id, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![hash(&code), challenge, redirect_raw, client_id, Utc::now().timestamp() + 120],
        ) {
            tracing::error!(error = %e, "storing authorization code");
            return problem(StatusCode::INTERNAL_SERVER_ERROR, "internal", "Internal error", "could not store the code");
        }
    }
    redirect
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", state);
    let mut resp = StatusCode::FOUND.into_response();
    resp.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(redirect.as_str()).expect("a URL is a valid header"),
    );
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

pub async fn token(State(inner): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !ct.starts_with("application/x-www-form-urlencoded") {
        return problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "send application/x-www-form-urlencoded",
        );
    }
    let Ok(form) = serde_urlencoded::from_bytes::<HashMap<String, String>>(&body) else {
        return oauth_error("invalid_request", "the body is not valid form encoding");
    };
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let db = inner.db.lock().expect("db lock");
    let client_id = match get("grant_type") {
        "authorization_code" => {
            let row: Option<(String, String, String, i64)> = db
                .query_row(
                    "SELECT challenge, redirect_uri, client_id, expires_at FROM oauth_codes WHERE code_hash = ?1",
                    [hash(get("code"))],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()
                .unwrap_or(None);
            let Some((challenge, redirect_uri, client_id, expires_at)) = row else {
                return oauth_error("invalid_grant", "unknown or used authorization code");
            };
            // Single use, whatever happens next.
            let _ = db.execute(
                "DELETE FROM oauth_codes WHERE code_hash = ?1",
                [hash(get("code"))],
            );
            if expires_at < Utc::now().timestamp() {
                return oauth_error("invalid_grant", "the authorization code expired");
            }
            if redirect_uri != get("redirect_uri") || client_id != get("client_id") {
                return oauth_error(
                    "invalid_grant",
                    "redirect_uri or client_id does not match the authorization request",
                );
            }
            if s256_challenge(get("code_verifier")) != challenge {
                return oauth_error(
                    "invalid_grant",
                    "code_verifier does not match the code_challenge",
                );
            }
            client_id
        }
        "refresh_token" => {
            let rt = get("refresh_token");
            let row: Option<(String, i64)> = db
                .query_row(
                    "SELECT client_id, expires_at FROM tokens WHERE token_hash = ?1 AND kind = 'refresh'",
                    [hash(rt)],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .unwrap_or(None);
            let Some((client_id, expires_at)) = row else {
                return oauth_error("invalid_grant", "unknown refresh token");
            };
            // Rotation: a refresh token is used once.
            let _ = db.execute("DELETE FROM tokens WHERE token_hash = ?1", [hash(rt)]);
            if expires_at < Utc::now().timestamp() {
                return oauth_error("invalid_grant", "the refresh token expired");
            }
            client_id
        }
        "" => return oauth_error("invalid_request", "grant_type is required"),
        _ => {
            return oauth_error(
                "unsupported_grant_type",
                "use authorization_code or refresh_token",
            );
        }
    };
    let access = random_token(32);
    let refresh = random_token(32);
    let stored = insert_token(&db, &access, "access", ACCESS_TTL)
        .and_then(|_| insert_token(&db, &refresh, "refresh", REFRESH_TTL));
    if let Err(e) = stored {
        tracing::error!(error = %e, "storing tokens");
        return problem(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "could not store tokens",
        );
    }
    tracing::info!(client_id, "issued tokens");
    let body = TokenResponse {
        access_token: access,
        token_type: "Bearer".into(),
        expires_in: ACCESS_TTL as u64,
        refresh_token: Some(refresh),
        scope: None,
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        serde_json::to_vec(&body).expect("serialises"),
    )
        .into_response()
}

//! The HTTP surface: every operation of openapi.yaml, the OAuth endpoints, the admin routes
//! (`/_sandbox/…`, not part of the contract) and the fault layer.

// Errors here are ready-made problem responses (axum's idiom); boxing them would only add
// noise on a path that ends the request anyway.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use khata_lending::signing::{LenderKey, unsigned};
use khata_lending::types::*;
use rand::Rng as _;
use rand::rngs::StdRng;
use rusqlite::{Connection, OptionalExtension as _, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::Digest as _;

use crate::faults::{Faults, OVERSIZE_BYTES};
use crate::scenario::Scenario;
use crate::scorecard;
use crate::store::{self, get_doc, list_docs, to_json};

/// Everything the handlers share.
pub struct Inner {
    pub db: Mutex<Connection>,
    pub key: LenderKey,
    pub lender_id: String,
    pub base_url: String,
    pub scenario: Scenario,
    pub seed: u64,
    pub rng: Mutex<StdRng>,
    pub faults: RwLock<Faults>,
}

pub type Shared = Arc<Inner>;

type HandlerResult = Result<Response, Response>;

/// Timestamps at millisecond precision, so they round-trip exactly through RFC 3339 text and
/// events in quick succession still order.
pub fn now() -> DateTime<Utc> {
    let n = Utc::now();
    DateTime::from_timestamp_millis(n.timestamp_millis()).expect("now is representable")
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

// ---------- problems ----------

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

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "sandbox internal error");
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Internal error",
        "the sandbox failed; see its log",
    )
}

fn json_response<T: Serialize>(status: StatusCode, v: &T) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        serde_json::to_vec(v).expect("wire types serialise"),
    )
        .into_response()
}

fn not_found(what: &str, id: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "not-found",
        "Not found",
        format!("no {what} {id:?}"),
    )
}

fn conflict(detail: impl Into<String>) -> Response {
    problem(
        StatusCode::CONFLICT,
        "conflict",
        "Conflict with the current state",
        detail,
    )
}

fn unprocessable(detail: impl Into<String>) -> Response {
    problem(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-request",
        "The request cannot be processed",
        detail,
    )
}

/// Turns any non-problem error response (axum's own 404/405/413 and extractor rejections)
/// into a problem, keeping headers such as `Allow` and `WWW-Authenticate`.
async fn problemize(req: Request, next: Next) -> Response {
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

// ---------- faults ----------

fn draw(inner: &Inner, p: f64) -> bool {
    p > 0.0 && inner.rng.lock().expect("rng lock").random::<f64>() < p
}

fn take_drop_next(inner: &Inner) -> bool {
    let mut f = inner.faults.write().expect("faults lock");
    if f.drop_next > 0 {
        f.drop_next -= 1;
        true
    } else {
        false
    }
}

async fn fault_layer(State(inner): State<Shared>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/_sandbox") {
        return next.run(req).await;
    }
    let faults = inner.faults.read().expect("faults lock").clone();
    if faults.latency_ms > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(faults.latency_ms)).await;
    }
    if draw(&inner, faults.error_rate) {
        return problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "injected-fault",
            "Service unavailable",
            "injected fault: error-rate",
        );
    }
    let is_post = req.method() == Method::POST;
    let resp = next.run(req).await;
    if !resp.status().is_success() {
        return resp;
    }
    if is_post && (take_drop_next(&inner) || draw(&inner, faults.drop_after_commit)) {
        // The work is committed; now break the connection mid-body, as a lost response would.
        let (mut parts, _) = resp.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        let stream = futures_util::stream::iter(vec![
            Ok::<Bytes, std::io::Error>(Bytes::from_static(b"{\"receiptId\":")),
            Err(std::io::Error::other("injected fault: drop-after-commit")),
        ]);
        return Response::from_parts(parts, Body::from_stream(stream));
    }
    if draw(&inner, faults.malformed_json) {
        let (mut parts, _) = resp.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from("{\"items\": [{\"consentId\": tru"));
    }
    if draw(&inner, faults.oversize_body) {
        let (mut parts, _) = resp.into_parts();
        parts.headers.remove(header::CONTENT_LENGTH);
        // Valid JSON, just too big, streamed without a Content-Length so the client has to
        // enforce its cap while reading, not by trusting a header.
        let chunk = Bytes::from(vec![b' '; 64 * 1024]);
        let n = OVERSIZE_BYTES / chunk.len();
        let parts_iter = std::iter::once(Bytes::from_static(b"{\"padding\":\""))
            .chain(std::iter::repeat_n(chunk, n))
            .chain(std::iter::once(Bytes::from_static(b"\"}")))
            .map(Ok::<Bytes, std::io::Error>);
        return Response::from_parts(
            parts,
            Body::from_stream(futures_util::stream::iter(parts_iter)),
        );
    }
    resp
}

// ---------- auth ----------

async fn require_auth(State(inner): State<Shared>, req: Request, next: Next) -> Response {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty());
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

// ---------- request parsing ----------

fn parse_json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(T, Value), Response> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.to_ascii_lowercase().starts_with("application/json") {
        return Err(problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "send Content-Type: application/json",
        ));
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        problem(
            StatusCode::BAD_REQUEST,
            "malformed-json",
            "Malformed JSON",
            e.to_string(),
        )
    })?;
    if let Some(path) = find_null(&value, "") {
        // No request member is nullable: omit a member instead of sending null.
        return Err(unprocessable(format!("{path} is null; omit it instead")));
    }
    let typed = serde_json::from_value(value.clone()).map_err(|e| unprocessable(e.to_string()))?;
    Ok((typed, value))
}

/// JSON Schema `maxLength` counts code points, not bytes.
fn max_chars(field: &str, v: &str, max: usize) -> Result<(), Response> {
    if v.chars().count() > max {
        return Err(unprocessable(format!(
            "{field} is longer than {max} characters"
        )));
    }
    Ok(())
}

fn find_null(v: &Value, at: &str) -> Option<String> {
    match v {
        Value::Null => Some(if at.is_empty() {
            "the body".into()
        } else {
            at.into()
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| find_null(x, &format!("{at}[{i}]"))),
        Value::Object(m) => m
            .iter()
            .find_map(|(k, x)| find_null(x, &format!("{at}/{k}"))),
        _ => None,
    }
}

fn idempotency_key(headers: &HeaderMap, required: bool) -> Result<Option<String>, Response> {
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
fn run_idempotent(
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

fn sign<T: Serialize + DeserializeOwned>(inner: &Inner, v: &T) -> Result<T, Response> {
    inner.key.sign(v).map_err(internal)
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("wire types serialise")
}

// ---------- router ----------

pub fn router(inner: Shared) -> Router {
    let api = Router::new()
        .route("/signals", get(list_signals))
        .route("/consent-requests", get(list_consent_requests))
        .route("/consent-requests/{id}", get(get_consent_request))
        .route("/consent-requests/{id}/decision", post(decide))
        .route("/consents", get(list_consents))
        .route("/consents/{id}", get(get_consent))
        .route("/consents/{id}/revoke", post(revoke))
        .route("/consents/{id}/pause", post(pause))
        .route("/consents/{id}/resume", post(resume))
        .route("/disclosures", get(list_disclosures))
        .route("/offers", get(list_offers))
        .route("/offers/{id}", get(get_offer))
        .route("/quotes", post(quote))
        .route("/rights-requests", get(list_rights).post(create_rights))
        .route("/rights-requests/{id}", get(get_rights))
        .route_layer(middleware::from_fn_with_state(inner.clone(), require_auth));
    let public = Router::new()
        .route(DISCOVERY_PATH, get(discovery))
        .route("/oauth/authorize", get(crate::oauth::authorize))
        .route("/oauth/token", post(crate::oauth::token))
        .route("/openapi.yaml", get(openapi));
    let admin = Router::new()
        .route("/_sandbox/faults", get(get_faults).put(put_faults))
        .route("/_sandbox/collect", post(admin_collect))
        .route("/_sandbox/rights-requests/{id}", post(admin_update_rights))
        .route("/_sandbox/seed-disclosures", post(admin_seed_disclosures))
        .route("/_sandbox/consent-requests", post(admin_new_request));
    Router::new()
        .merge(api)
        .merge(public)
        .merge(admin)
        .fallback(|| async {
            problem(
                StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                "no such route",
            )
        })
        .layer(middleware::from_fn_with_state(inner.clone(), fault_layer))
        .layer(middleware::from_fn(problemize))
        .with_state(inner)
}

// ---------- public ----------

async fn discovery(State(inner): State<Shared>) -> Response {
    json_response(
        StatusCode::OK,
        &Discovery {
            lender_id: inner.lender_id.clone(),
            name: format!("Khata Sandbox Lender ({})", inner.scenario),
            api_base: inner.base_url.clone(),
            authorization_endpoint: format!("{}/oauth/authorize", inner.base_url),
            token_endpoint: format!("{}/oauth/token", inner.base_url),
            spec_version: khata_lending::SPEC_VERSION.into(),
            keys: vec![inner.key.public_info()],
        },
    )
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/yaml")],
        khata_lending::OPENAPI_YAML,
    )
        .into_response()
}

// ---------- signals & consent requests ----------

async fn list_signals() -> Response {
    json_response(
        StatusCode::OK,
        &SignalCatalog {
            signals: scorecard::catalog(),
        },
    )
}

async fn list_consent_requests(State(inner): State<Shared>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    let mut items: Vec<ConsentRequest> = list_docs(&db, "consent_requests").map_err(internal)?;
    // Pending first; within each group newest first (list_docs order, stable sort).
    items.sort_by_key(|r| r.status != ConsentRequestStatus::Pending);
    Ok(json_response(StatusCode::OK, &ConsentRequestList { items }))
}

async fn get_consent_request(State(inner): State<Shared>, Path(id): Path<String>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    let r: Option<ConsentRequest> =
        get_doc(&db, "consent_requests", "request_id", &id).map_err(internal)?;
    r.map(|r| json_response(StatusCode::OK, &r))
        .ok_or_else(|| not_found("consent request", &id))
}

/// Creates a consent request (at first start, and from the admin route to simulate the
/// lender asking again, possibly for more).
pub fn create_consent_request(
    inner: &Inner,
    conn: &Connection,
    signals: Vec<String>,
    previous_consent_id: Option<String>,
    consent_life: Option<ChronoDuration>,
) -> rusqlite::Result<ConsentRequest> {
    let t = now();
    let req = ConsentRequest {
        request_id: format!("creq-{}", uuid::Uuid::new_v4()),
        lender_id: inner.lender_id.clone(),
        status: ConsentRequestStatus::Pending,
        created_at: t,
        purpose: Purpose {
            code: "credit-underwriting".into(),
            text: "Assess your loan application, set your credit limit and price, and monitor repayment.".into(),
        },
        signals,
        fetch_type: FetchType::Periodic,
        frequency: Frequency {
            unit: FrequencyUnit::Day,
            value: 1,
        },
        data_life: DataLife {
            unit: DataLifeUnit::Month,
            value: 6,
        },
        fi_data_range: DataRange {
            from: t - ChronoDuration::days(180),
            to: t + ChronoDuration::days(365),
        },
        consent_expiry: t + consent_life.unwrap_or_else(|| ChronoDuration::days(365)),
        onward_recipients: vec![Recipient {
            id: "cic-bureau".into(),
            name: "Credit information company".into(),
            role: "credit-bureau".into(),
        }],
        previous_consent_id,
    };
    conn.execute(
        "INSERT INTO consent_requests(request_id, created_at, json) VALUES (?1, ?2, ?3)",
        params![req.request_id, req.created_at.to_rfc3339(), to_json(&req)],
    )?;
    Ok(req)
}

async fn decide(
    State(inner): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let (decision, raw): (ConsentDecisionBody, Value) = parse_json_body(&headers, &body)?;
    let key = idempotency_key(&headers, true)?;
    let path = format!("/consent-requests/{id}/decision");
    let resp = run_idempotent(&inner, key, (&Method::POST, &path, &raw), |tx| {
        let mut req: ConsentRequest = get_doc(tx, "consent_requests", "request_id", &id)
            .map_err(internal)?
            .ok_or_else(|| not_found("consent request", &id))?;
        if req.status != ConsentRequestStatus::Pending {
            return Err(conflict("this consent request was already decided"));
        }
        let requested: HashSet<&str> = req.signals.iter().map(String::as_str).collect();
        let mut seen = HashSet::new();
        for d in &decision.decisions {
            if !requested.contains(d.signal.as_str()) {
                return Err(unprocessable(format!(
                    "signal {:?} was not requested",
                    d.signal
                )));
            }
            if !seen.insert(d.signal.as_str()) {
                return Err(unprocessable(format!(
                    "signal {:?} decided twice",
                    d.signal
                )));
            }
        }
        if seen.len() != requested.len() {
            return Err(unprocessable(
                "decide every requested signal (GRANT or DENY)",
            ));
        }
        let pick = |want: Decision| -> Vec<String> {
            req.signals
                .iter()
                .filter(|s| {
                    decision
                        .decisions
                        .iter()
                        .any(|d| &d.signal == *s && d.decision == want)
                })
                .cloned()
                .collect()
        };
        let t = now();
        let consent = Consent {
            consent_id: format!("cons-{}", uuid::Uuid::new_v4()),
            request_id: req.request_id.clone(),
            lender_id: inner.lender_id.clone(),
            customer_id: customer_id(tx)?,
            version: 1,
            status: ConsentStatus::Active,
            create_timestamp: t,
            updated_at: t,
            purpose: req.purpose.clone(),
            signals_granted: pick(Decision::Grant),
            signals_denied: pick(Decision::Deny),
            signals_revoked: vec![],
            consent_start: t,
            consent_expiry: req.consent_expiry,
            fetch_type: req.fetch_type,
            frequency: req.frequency,
            data_life: req.data_life,
            fi_data_range: req.fi_data_range,
            onward_recipients: req.onward_recipients.clone(),
            signature: unsigned(),
        };
        let consent = sign(&inner, &consent)?;
        save_consent(tx, &consent, true)?;
        req.status = ConsentRequestStatus::Decided;
        tx.execute(
            "UPDATE consent_requests SET json = ?2 WHERE request_id = ?1",
            params![req.request_id, to_json(&req)],
        )
        .map_err(internal)?;
        make_offer(&inner, tx, &consent)?;
        Ok((StatusCode::CREATED, to_value(&consent)))
    })?;
    // The lender starts collecting what it was allowed to (and, if over-collecting, more).
    if let Err(r) = collect_round(&inner) {
        tracing::warn!(status = %r.status(), "collection round failed");
    }
    Ok(resp)
}

fn customer_id(conn: &Connection) -> Result<String, Response> {
    store::meta_get(conn, "customer_id")
        .map_err(internal)?
        .ok_or_else(|| internal("customer id missing"))
}

fn save_consent(tx: &Connection, c: &Consent, new: bool) -> Result<(), Response> {
    let json = to_json(c);
    if new {
        tx.execute(
            "INSERT INTO consents(consent_id, created_at, json) VALUES (?1, ?2, ?3)",
            params![c.consent_id, c.create_timestamp.to_rfc3339(), json],
        )
    } else {
        tx.execute(
            "UPDATE consents SET json = ?2 WHERE consent_id = ?1",
            params![c.consent_id, json],
        )
    }
    .map_err(internal)?;
    tx.execute(
        "INSERT INTO consent_versions(consent_id, version, json) VALUES (?1, ?2, ?3)",
        params![c.consent_id, c.version, json],
    )
    .map_err(internal)?;
    Ok(())
}

fn make_offer(inner: &Inner, tx: &Connection, consent: &Consent) -> Result<Offer, Response> {
    let granted: HashSet<&str> = consent.signals_granted.iter().map(String::as_str).collect();
    let scored = scorecard::score(&inner.scenario.values(), &|s| granted.contains(s));
    let offer = Offer {
        offer_id: format!("offer-{}", uuid::Uuid::new_v4()),
        consent_id: consent.consent_id.clone(),
        lender_id: inner.lender_id.clone(),
        created_at: now(),
        decision: scored.decision,
        amount_inr: scored.amount_inr,
        apr_monthly_bps: scored.apr_monthly_bps,
        tenure_months: scored.tenure_months,
        explanation: scored.explanation,
        signature: unsigned(),
    };
    let offer = sign(inner, &offer)?;
    tx.execute(
        "INSERT INTO offers(offer_id, created_at, json) VALUES (?1, ?2, ?3)",
        params![
            offer.offer_id,
            offer.created_at.to_rfc3339(),
            to_json(&offer)
        ],
    )
    .map_err(internal)?;
    Ok(offer)
}

// ---------- consents ----------

/// Consents past `consentExpiry` become EXPIRED: a new version, signed again, so the borrower
/// holds the lender's statement of when it stopped relying on the consent. Done lazily whenever
/// consents are read or acted on.
fn expire_due(inner: &Inner, conn: &Connection) -> Result<(), Response> {
    let t = now();
    let consents: Vec<Consent> = list_docs(conn, "consents").map_err(internal)?;
    for mut c in consents {
        if matches!(c.status, ConsentStatus::Active | ConsentStatus::Paused)
            && t >= c.consent_expiry
        {
            c.status = ConsentStatus::Expired;
            c.version += 1;
            c.updated_at = t;
            let c = sign(inner, &c)?;
            save_consent(conn, &c, false)?;
        }
    }
    Ok(())
}

async fn list_consents(State(inner): State<Shared>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    expire_due(&inner, &db)?;
    let items: Vec<Consent> = list_docs(&db, "consents").map_err(internal)?;
    Ok(json_response(StatusCode::OK, &ConsentList { items }))
}

async fn get_consent(State(inner): State<Shared>, Path(id): Path<String>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    expire_due(&inner, &db)?;
    let c: Option<Consent> = get_doc(&db, "consents", "consent_id", &id).map_err(internal)?;
    c.map(|c| json_response(StatusCode::OK, &c))
        .ok_or_else(|| not_found("consent", &id))
}

async fn revoke(
    State(inner): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let (rb, raw): (RevokeBody, Value) = parse_json_body(&headers, &body)?;
    max_chars("reason", rb.reason.as_deref().unwrap_or(""), 1000)?;
    let key = idempotency_key(&headers, true)?;
    let resp = consent_action(&inner, &id, key, &raw, ConsentAction::Revoke, |c| {
        if matches!(c.status, ConsentStatus::Revoked | ConsentStatus::Expired) {
            return Err(conflict(format!("the consent is already {:?}", c.status)));
        }
        let live: Vec<String> = c
            .signals_granted
            .iter()
            .filter(|s| !c.signals_revoked.contains(s))
            .cloned()
            .collect();
        let targets = match &rb.signals {
            None => live.clone(),
            Some(list) => {
                if list.is_empty() {
                    return Err(unprocessable(
                        "signals must not be empty; omit it to revoke the whole consent",
                    ));
                }
                for s in list {
                    if !live.contains(s) {
                        return Err(unprocessable(format!(
                            "signal {s:?} is not granted (or already revoked) in this consent"
                        )));
                    }
                }
                let mut l = list.clone();
                l.dedup();
                l
            }
        };
        for s in &targets {
            if !c.signals_revoked.contains(s) {
                c.signals_revoked.push(s.clone());
            }
        }
        if rb.signals.is_none() || c.signals_revoked.len() == c.signals_granted.len() {
            c.status = ConsentStatus::Revoked;
        }
        Ok(targets)
    })?;
    if inner.scenario.over_collects() {
        // It keeps collecting regardless.
        if let Err(r) = collect_round(&inner) {
            tracing::warn!(status = %r.status(), "collection round failed");
        }
    }
    Ok(resp)
}

async fn pause(
    State(inner): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let (sb, raw): (StatusChangeBody, Value) = parse_json_body(&headers, &body)?;
    max_chars("reason", sb.reason.as_deref().unwrap_or(""), 1000)?;
    let key = idempotency_key(&headers, true)?;
    consent_action(&inner, &id, key, &raw, ConsentAction::Pause, |c| {
        if c.status != ConsentStatus::Active {
            return Err(conflict(format!(
                "only an ACTIVE consent can be paused (it is {:?})",
                c.status
            )));
        }
        c.status = ConsentStatus::Paused;
        Ok(live_signals(c))
    })
}

async fn resume(
    State(inner): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let (sb, raw): (StatusChangeBody, Value) = parse_json_body(&headers, &body)?;
    max_chars("reason", sb.reason.as_deref().unwrap_or(""), 1000)?;
    let key = idempotency_key(&headers, true)?;
    consent_action(&inner, &id, key, &raw, ConsentAction::Resume, |c| {
        if c.status != ConsentStatus::Paused {
            return Err(conflict(format!(
                "only a PAUSED consent can be resumed (it is {:?})",
                c.status
            )));
        }
        c.status = ConsentStatus::Active;
        Ok(live_signals(c))
    })
}

fn live_signals(c: &Consent) -> Vec<String> {
    c.signals_granted
        .iter()
        .filter(|s| !c.signals_revoked.contains(s))
        .cloned()
        .collect()
}

/// Loads the consent, applies `change` (which returns the signals affected), re-signs the new
/// version and issues a signed receipt — all inside the idempotent transaction.
fn consent_action(
    inner: &Inner,
    id: &str,
    key: Option<String>,
    raw: &Value,
    action: ConsentAction,
    change: impl FnOnce(&mut Consent) -> Result<Vec<String>, Response>,
) -> HandlerResult {
    let verb = match action {
        ConsentAction::Revoke => "revoke",
        ConsentAction::Pause => "pause",
        ConsentAction::Resume => "resume",
    };
    let path = format!("/consents/{id}/{verb}");
    let idem = key.clone().unwrap_or_default();
    expire_due(inner, &inner.db.lock().expect("db lock"))?;
    run_idempotent(inner, key, (&Method::POST, &path, raw), |tx| {
        let mut c: Consent = get_doc(tx, "consents", "consent_id", id)
            .map_err(internal)?
            .ok_or_else(|| not_found("consent", id))?;
        let signals = change(&mut c)?;
        let t = now();
        c.version += 1;
        c.updated_at = t;
        let c = sign(inner, &c)?;
        save_consent(tx, &c, false)?;
        let receipt = Receipt {
            receipt_id: format!("rcpt-{}", uuid::Uuid::new_v4()),
            consent_id: c.consent_id.clone(),
            action,
            signals,
            effective_at: t,
            idempotency_key: idem,
            consent: c,
            signature: unsigned(),
        };
        let receipt = sign(inner, &receipt)?;
        tx.execute(
            "INSERT INTO receipts(receipt_id, consent_id, action, effective_at, json) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                receipt.receipt_id,
                receipt.consent_id,
                verb,
                receipt.effective_at.to_rfc3339(),
                to_json(&receipt)
            ],
        )
        .map_err(internal)?;
        Ok((StatusCode::OK, to_value(&receipt)))
    })
}

// ---------- disclosures ----------

async fn list_disclosures(State(inner): State<Shared>, RawQuery(q): RawQuery) -> HandlerResult {
    let params: HashMap<String, String> = serde_urlencoded::from_str(q.as_deref().unwrap_or(""))
        .map_err(|e| {
            problem(
                StatusCode::BAD_REQUEST,
                "bad-query",
                "Bad query",
                e.to_string(),
            )
        })?;
    let limit: u32 = match params.get("limit") {
        None => 100,
        Some(l) => l
            .parse()
            .ok()
            .filter(|l| (1..=1000).contains(l))
            .ok_or_else(|| {
                problem(
                    StatusCode::BAD_REQUEST,
                    "bad-query",
                    "Bad query",
                    "limit must be an integer from 1 to 1000",
                )
            })?,
    };
    let after: i64 = match params.get("cursor") {
        None => 0,
        Some(c) => c
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 1 && n.to_string() == *c)
            .ok_or_else(|| {
                problem(
                    StatusCode::BAD_REQUEST,
                    "bad-query",
                    "Bad query",
                    "cursor must come from nextCursor",
                )
            })?,
    };
    let db = inner.db.lock().expect("db lock");
    let mut stmt = db
        .prepare("SELECT seq, json FROM disclosures WHERE seq > ?1 ORDER BY seq LIMIT ?2")
        .map_err(internal)?;
    let rows: Vec<(i64, String)> = stmt
        .query_map(params![after, limit + 1], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(internal)?
        .collect::<Result<_, _>>()
        .map_err(internal)?;
    let more = rows.len() > limit as usize;
    let page: Vec<(i64, String)> = rows.into_iter().take(limit as usize).collect();
    let next_cursor = if more {
        page.last().map(|(s, _)| s.to_string())
    } else {
        None
    };
    // The rows are the signed documents already serialised; splice them into the page as they
    // are instead of parsing and re-serialising each (this is the hot path of a full sync).
    let mut body = Vec::with_capacity(page.iter().map(|(_, j)| j.len() + 1).sum::<usize>() + 64);
    body.extend_from_slice(b"{\"items\":[");
    for (i, (_, j)) in page.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(j.as_bytes());
    }
    body.push(b']');
    if let Some(c) = next_cursor {
        body.extend_from_slice(format!(",\"nextCursor\":\"{c}\"").as_bytes());
    }
    body.push(b'}');
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response())
}

fn frequency_window(f: &Frequency) -> Option<ChronoDuration> {
    match f.unit {
        FrequencyUnit::Hour => Some(ChronoDuration::hours(1)),
        FrequencyUnit::Day => Some(ChronoDuration::days(1)),
        FrequencyUnit::Month => Some(ChronoDuration::days(30)),
        FrequencyUnit::Year => Some(ChronoDuration::days(365)),
        FrequencyUnit::Inf => None,
    }
}

struct NewDisclosure<'a> {
    signal: &'a str,
    consent_id: Option<&'a str>,
    purpose: &'a str,
    range: DataRange,
    recipient: Option<&'a str>,
    at: DateTime<Utc>,
}

fn append_disclosure(inner: &Inner, tx: &Connection, d: NewDisclosure<'_>) -> Result<(), Response> {
    let seq: i64 = tx
        .query_row(
            "SELECT COALESCE(MAX(seq), 0) + 1 FROM disclosures",
            [],
            |r| r.get(0),
        )
        .map_err(internal)?;
    let value = inner.scenario.values().get(d.signal).copied();
    let digest = sha256_hex(
        format!(
            "{}|{}|{}|{:?}|{}",
            inner.seed, inner.lender_id, d.signal, value, seq
        )
        .as_bytes(),
    );
    let disclosure = Disclosure {
        disclosure_id: format!("disc-{}", uuid::Uuid::new_v4()),
        seq: seq as u64,
        lender_id: inner.lender_id.clone(),
        signal: d.signal.into(),
        collected_at: d.at,
        purpose: d.purpose.into(),
        consent_id: d.consent_id.map(String::from),
        data_range: d.range,
        value_digest: format!("sha256:{digest}"),
        onward_recipient: d.recipient.map(String::from),
        signature: unsigned(),
    };
    let disclosure = sign(inner, &disclosure)?;
    tx.execute(
        "INSERT INTO disclosures(seq, consent_id, signal, collected_at, json) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            seq,
            disclosure.consent_id,
            disclosure.signal,
            disclosure.collected_at.to_rfc3339(),
            to_json(&disclosure)
        ],
    )
    .map_err(internal)?;
    Ok(())
}

/// One collection round over every consent; returns how many disclosures it appended.
/// A well-behaved lender collects only live granted signals of ACTIVE, unexpired consents,
/// within `fiDataRange` and at most `frequency` times per window. The over-collector does not.
pub fn collect_round(inner: &Inner) -> Result<usize, Response> {
    let mut db = inner.db.lock().expect("db lock");
    let tx = db.transaction().map_err(internal)?;
    expire_due(inner, &tx)?;
    let consents: Vec<Consent> = list_docs(&tx, "consents").map_err(internal)?;
    let mut n = 0;
    let t = now();
    for c in &consents {
        if inner.scenario.over_collects() {
            // After any revocation, a moment later, and regardless of status.
            let last_change = c.updated_at;
            let at = if t > last_change {
                t
            } else {
                last_change + ChronoDuration::milliseconds(1)
            };
            let wide = DataRange {
                from: c.fi_data_range.from - ChronoDuration::days(90),
                to: at,
            };
            let mut batch: Vec<(&str, Option<&str>, Option<&str>)> = vec![];
            for s in &c.signals_granted {
                // Twice per round: above a once-a-day frequency.
                batch.push((s, Some(&c.consent_id), None));
                batch.push((s, Some(&c.consent_id), Some("adnet-42")));
            }
            for s in &c.signals_denied {
                batch.push((s, Some(&c.consent_id), None));
            }
            for s in ["contacts_network", "call_log_pattern"] {
                batch.push((s, Some(&c.consent_id), Some("adnet-42")));
            }
            batch.push(("location_stability", None, None));
            for (signal, consent_id, recipient) in batch {
                append_disclosure(
                    inner,
                    &tx,
                    NewDisclosure {
                        signal,
                        consent_id,
                        purpose: "cross-selling",
                        range: wide,
                        recipient,
                        at,
                    },
                )?;
                n += 1;
            }
            continue;
        }
        if c.status != ConsentStatus::Active || t >= c.consent_expiry || t < c.consent_start {
            continue;
        }
        for s in live_signals(c) {
            let since = match (c.fetch_type, frequency_window(&c.frequency)) {
                (FetchType::Onetime, _) => None,
                (FetchType::Periodic, None) => Some(t + ChronoDuration::days(1)),
                (FetchType::Periodic, Some(w)) => Some(t - w),
            };
            let count: u32 = match since {
                None => tx.query_row(
                    "SELECT COUNT(*) FROM disclosures WHERE consent_id = ?1 AND signal = ?2",
                    params![c.consent_id, s],
                    |r| r.get(0),
                ),
                Some(since) => tx.query_row(
                    "SELECT COUNT(*) FROM disclosures WHERE consent_id = ?1 AND signal = ?2 AND collected_at > ?3",
                    params![c.consent_id, s, since.to_rfc3339()],
                    |r| r.get(0),
                ),
            }
            .map_err(internal)?;
            let allowed = match c.fetch_type {
                FetchType::Onetime => 1,
                FetchType::Periodic => c.frequency.value,
            };
            if count >= allowed {
                continue;
            }
            // Only the repayment record goes to the named bureau.
            let recipient = (s == "emi_bounces")
                .then(|| c.onward_recipients.first().map(|r| r.id.as_str()))
                .flatten();
            append_disclosure(
                inner,
                &tx,
                NewDisclosure {
                    signal: &s,
                    consent_id: Some(&c.consent_id),
                    purpose: &c.purpose.code,
                    range: DataRange {
                        from: c.fi_data_range.from,
                        to: if t < c.fi_data_range.to {
                            t
                        } else {
                            c.fi_data_range.to
                        },
                    },
                    recipient,
                    at: t,
                },
            )?;
            n += 1;
        }
    }
    tx.commit().map_err(internal)?;
    Ok(n)
}

// ---------- offers & quotes ----------

async fn list_offers(State(inner): State<Shared>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    let items: Vec<Offer> = list_docs(&db, "offers").map_err(internal)?;
    Ok(json_response(StatusCode::OK, &OfferList { items }))
}

async fn get_offer(State(inner): State<Shared>, Path(id): Path<String>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    let o: Option<Offer> = get_doc(&db, "offers", "offer_id", &id).map_err(internal)?;
    o.map(|o| json_response(StatusCode::OK, &o))
        .ok_or_else(|| not_found("offer", &id))
}

async fn quote(State(inner): State<Shared>, headers: HeaderMap, body: Bytes) -> HandlerResult {
    let (qb, raw): (QuoteBody, Value) = parse_json_body(&headers, &body)?;
    let key = idempotency_key(&headers, false)?;
    run_idempotent(&inner, key, (&Method::POST, "/quotes", &raw), |tx| {
        let offer: Offer = match &qb.offer_id {
            Some(id) => get_doc(tx, "offers", "offer_id", id)
                .map_err(internal)?
                .ok_or_else(|| not_found("offer", id))?,
            None => list_docs::<Offer>(tx, "offers")
                .map_err(internal)?
                .into_iter()
                .next()
                .ok_or_else(|| conflict("there is no offer yet; decide a consent request first"))?,
        };
        for s in &qb.withhold {
            if scorecard::find(s).is_none() {
                return Err(unprocessable(format!("unknown signal {s:?}")));
            }
        }
        // Re-score exactly what the offer used, minus the withheld signals.
        let used: HashSet<&str> = offer
            .explanation
            .contributions
            .iter()
            .filter(|c| c.bin != "missing")
            .map(|c| c.signal.as_str())
            .collect();
        let withheld: HashSet<&str> = qb.withhold.iter().map(String::as_str).collect();
        let scored = scorecard::score(&inner.scenario.values(), &|s| {
            used.contains(s) && !withheld.contains(s)
        });
        let mut w: Vec<String> = withheld.iter().map(|s| s.to_string()).collect();
        w.sort();
        let q = Quote {
            quote_id: format!("quote-{}", uuid::Uuid::new_v4()),
            offer_id: offer.offer_id.clone(),
            lender_id: inner.lender_id.clone(),
            created_at: now(),
            withheld: w,
            soft: true,
            decision: scored.decision,
            amount_inr: scored.amount_inr,
            apr_monthly_bps: scored.apr_monthly_bps,
            tenure_months: scored.tenure_months,
            explanation: scored.explanation,
            signature: unsigned(),
        };
        Ok((StatusCode::OK, to_value(&sign(&inner, &q)?)))
    })
}

// ---------- rights ----------

async fn list_rights(State(inner): State<Shared>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    let items: Vec<RightsRequest> = list_docs(&db, "rights_requests").map_err(internal)?;
    Ok(json_response(StatusCode::OK, &RightsRequestList { items }))
}

async fn get_rights(State(inner): State<Shared>, Path(id): Path<String>) -> HandlerResult {
    let db = inner.db.lock().expect("db lock");
    let r: Option<RightsRequest> =
        get_doc(&db, "rights_requests", "request_id", &id).map_err(internal)?;
    r.map(|r| json_response(StatusCode::OK, &r))
        .ok_or_else(|| not_found("rights request", &id))
}

async fn create_rights(
    State(inner): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let (rb, raw): (RightsRequestBody, Value) = parse_json_body(&headers, &body)?;
    max_chars("detail", &rb.detail, 10_000)?;
    let key = idempotency_key(&headers, true)?;
    run_idempotent(
        &inner,
        key,
        (&Method::POST, "/rights-requests", &raw),
        |tx| {
            let t = now();
            let n: i64 = tx
                .query_row("SELECT COUNT(*) + 1 FROM rights_requests", [], |r| r.get(0))
                .map_err(internal)?;
            // DPDP rules expect grievances answered within 90 days at most; the sandbox promises 30
            // (7 for a human review of an automated decision).
            let due_days = match rb.kind {
                RightsKind::HumanReview => 7,
                _ => 30,
            };
            let r = RightsRequest {
                request_id: format!("rr-{}", uuid::Uuid::new_v4()),
                ticket: format!("KSL-{}-{n:05}", t.format("%Y%m%d")),
                lender_id: inner.lender_id.clone(),
                kind: rb.kind,
                status: RightsStatus::Received,
                detail: rb.detail,
                signal: rb.signal,
                offer_id: rb.offer_id,
                consent_id: rb.consent_id,
                created_at: t,
                due_by: t + ChronoDuration::days(due_days),
                resolution: None,
                signature: unsigned(),
            };
            let r = sign(&inner, &r)?;
            tx.execute(
                "INSERT INTO rights_requests(request_id, created_at, json) VALUES (?1, ?2, ?3)",
                params![r.request_id, r.created_at.to_rfc3339(), to_json(&r)],
            )
            .map_err(internal)?;
            Ok((StatusCode::CREATED, to_value(&r)))
        },
    )
}

// ---------- admin ----------

async fn get_faults(State(inner): State<Shared>) -> Response {
    json_response(StatusCode::OK, &*inner.faults.read().expect("faults lock"))
}

async fn put_faults(State(inner): State<Shared>, headers: HeaderMap, body: Bytes) -> HandlerResult {
    let (f, _): (Faults, Value) = parse_json_body(&headers, &body)?;
    f.validate().map_err(unprocessable)?;
    *inner.faults.write().expect("faults lock") = f.clone();
    Ok(json_response(StatusCode::OK, &f))
}

async fn admin_collect(State(inner): State<Shared>) -> HandlerResult {
    let n = collect_round(&inner)?;
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({ "appended": n }),
    ))
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RightsUpdate {
    status: RightsStatus,
    resolution: Option<String>,
    due_by: Option<DateTime<Utc>>,
}

/// Moves a rights request along (as the lender's staff would), re-signed; `dueBy` may be set in
/// the past so the UI's overdue state can be tested.
async fn admin_update_rights(
    State(inner): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let (u, _): (RightsUpdate, Value) = parse_json_body(&headers, &body)?;
    let db = inner.db.lock().expect("db lock");
    let mut r: RightsRequest = get_doc(&db, "rights_requests", "request_id", &id)
        .map_err(internal)?
        .ok_or_else(|| not_found("rights request", &id))?;
    r.status = u.status;
    if u.resolution.is_some() {
        r.resolution = u.resolution;
    }
    if let Some(d) = u.due_by {
        r.due_by = d;
    }
    let r = sign(&inner, &r)?;
    db.execute(
        "UPDATE rights_requests SET json = ?2 WHERE request_id = ?1",
        params![r.request_id, to_json(&r)],
    )
    .map_err(internal)?;
    Ok(json_response(StatusCode::OK, &r))
}

/// Appends `count` consented, signed disclosures (cycling through the latest consent's live
/// signals) in one transaction: bulk data for sync and export benchmarks.
pub fn seed_disclosures(inner: &Inner, count: u64) -> Result<u64, Response> {
    let mut db = inner.db.lock().expect("db lock");
    let tx = db.transaction().map_err(internal)?;
    let consent: Option<Consent> = list_docs::<Consent>(&tx, "consents")
        .map_err(internal)?
        .into_iter()
        .next();
    let Some(c) = consent else {
        return Err(conflict("decide a consent request first"));
    };
    let signals = if c.signals_granted.is_empty() {
        vec!["kyc_verified".to_string()]
    } else {
        c.signals_granted.clone()
    };
    let base = now();
    for i in 0..count {
        let signal = &signals[(i % signals.len() as u64) as usize];
        append_disclosure(
            inner,
            &tx,
            NewDisclosure {
                signal,
                consent_id: Some(&c.consent_id),
                purpose: &c.purpose.code,
                range: DataRange {
                    from: c.fi_data_range.from,
                    to: base,
                },
                recipient: None,
                at: base + ChronoDuration::milliseconds(i as i64),
            },
        )?;
    }
    tx.commit().map_err(internal)?;
    Ok(count)
}

async fn admin_seed_disclosures(
    State(inner): State<Shared>,
    RawQuery(q): RawQuery,
) -> HandlerResult {
    let params: HashMap<String, String> =
        serde_urlencoded::from_str(q.as_deref().unwrap_or("")).unwrap_or_default();
    let count: u64 = params
        .get("count")
        .and_then(|c| c.parse().ok())
        .filter(|c| *c <= 10_000_000)
        .ok_or_else(|| unprocessable("count=N (at most 10,000,000) is required"))?;
    let inner2 = inner.clone();
    let n = tokio::task::spawn_blocking(move || seed_disclosures(&inner2, count))
        .await
        .map_err(internal)??;
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({ "appended": n }),
    ))
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewRequestBody {
    signals: Option<Vec<String>>,
    previous_consent_id: Option<String>,
    /// Consent life in seconds (default a year), e.g. to test expiry.
    consent_expiry_seconds: Option<i64>,
}

/// Simulates the lender asking again; by default for everything it asked before plus the
/// contacts list (scope creep the UI should call out).
async fn admin_new_request(
    State(inner): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> HandlerResult {
    let nb: NewRequestBody = if body.is_empty() {
        NewRequestBody::default()
    } else {
        parse_json_body::<NewRequestBody>(&headers, &body)?.0
    };
    let signals = match nb.signals {
        Some(s) => {
            if let Some(bad) = s.iter().find(|s| scorecard::find(s).is_none()) {
                return Err(unprocessable(format!("unknown signal {bad:?}")));
            }
            s
        }
        None => {
            let mut s = inner.scenario.requested_signals();
            s.push("contacts_network".into());
            s
        }
    };
    let db = inner.db.lock().expect("db lock");
    let previous = match nb.previous_consent_id {
        Some(p) => Some(p),
        None => db
            .query_row(
                "SELECT consent_id FROM consents ORDER BY created_at DESC, rowid DESC LIMIT 1",
                [],
                |r| r.get::<_, String>(0),
            )
            .optional()
            .map_err(internal)?,
    };
    let life = match nb.consent_expiry_seconds {
        Some(secs) if !(1..=10 * 365 * 24 * 3600).contains(&secs) => {
            return Err(unprocessable(
                "consentExpirySeconds must be between 1 and ten years",
            ));
        }
        Some(secs) => Some(ChronoDuration::seconds(secs)),
        None => None,
    };
    let r = create_consent_request(&inner, &db, signals, previous, life).map_err(internal)?;
    Ok(json_response(StatusCode::CREATED, &r))
}

/// Scenario values by signal, for tests that check offers against the scorecard.
pub fn scenario_values(s: Scenario) -> BTreeMap<String, i64> {
    s.values()
}

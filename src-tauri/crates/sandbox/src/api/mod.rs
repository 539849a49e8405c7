//! The HTTP surface: every operation of openapi.yaml, the OAuth endpoints, the admin routes
//! (`/_sandbox/…`, not part of the contract, behind the admin token), the fault layer and the
//! Host allow-list. One module per resource;
//! this one holds the state they share, the functions every handler uses, and the router.

// Errors here are ready-made problem responses (axum's idiom); boxing them would only add
// noise on a path that ends the request anyway.
#![allow(clippy::result_large_err)]

mod admin;
mod auth;
mod borrowers;
mod collection;
mod consent_requests;
mod consents;
mod disclosures;
mod discovery;
mod fault_layer;
mod idempotency;
mod local_access;
mod log;
mod offers;
mod problem;
mod request;
mod rights;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, RwLock};

use axum::Router;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::Response;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use khata_lending::signing::LenderKey;
use khata_lending::types::DISCOVERY_PATH;
use rand::rngs::StdRng;
use rusqlite::Connection;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::Digest as _;

pub use auth::insert_token;
pub use borrowers::{BORROWER_SINCE, next_borrower};
pub use collection::{collect_round, seed_disclosures};
pub use consent_requests::create_consent_request;
pub use problem::problem;

pub(crate) use local_access::token_digest;

use problem::internal;

use crate::faults::{Faults, KeyRotation};
use crate::scenario::Scenario;

/// Everything the handlers share.
pub struct Inner {
    pub db: Mutex<Connection>,
    /// The v2 disclosure log's tree (always locked after `db`, never before).
    pub log: Mutex<crate::log::Log>,
    pub key: LenderKey,
    /// The key `rotate-key` switches to, derived from `key` so a restart keeps it.
    pub rotated_key: LenderKey,
    pub lender_id: String,
    pub base_url: String,
    /// The port it listens on: the only one a request's `Host` may name.
    pub port: u16,
    /// SHA-256 of the admin token the `/_sandbox/…` routes require.
    pub admin_token_digest: [u8; 32],
    pub scenario: Scenario,
    pub seed: u64,
    pub rng: Mutex<StdRng>,
    pub faults: RwLock<Faults>,
    /// How far the rights desk's clock is moved, in milliseconds (`POST /_sandbox/clock`), so
    /// a request can be filed "in the past" and its statutory clocks tested.
    pub clock_offset_ms: std::sync::atomic::AtomicI64,
}

impl Inner {
    /// The lender id this sandbox claims: its own, or another under `claim-lender-id`.
    pub fn lender_id(&self) -> String {
        let faults = self.faults.read().expect("faults lock");
        faults
            .claim_lender_id
            .clone()
            .unwrap_or_else(|| self.lender_id.clone())
    }

    /// The rights desk's time: now, moved by the offset `POST /_sandbox/clock` set.
    pub fn rights_clock(&self) -> DateTime<Utc> {
        let offset = self
            .clock_offset_ms
            .load(std::sync::atomic::Ordering::Relaxed);
        now() + chrono::Duration::milliseconds(offset)
    }

    /// The key statements are signed with: the rotated one under `rotate-key`.
    pub fn signing_key(&self) -> &LenderKey {
        match self.faults.read().expect("faults lock").rotate_key {
            KeyRotation::None => &self.key,
            KeyRotation::Endorsed | KeyRotation::Unendorsed => &self.rotated_key,
        }
    }
}

/// The state as axum hands it to every handler.
pub type Shared = Arc<Inner>;

/// A handler's answer; the error side is a ready-made problem response.
type HandlerResult = Result<Response, Response>;

/// Timestamps at millisecond precision, so they round-trip exactly through RFC 3339 text and
/// events in quick succession still order.
pub fn now() -> DateTime<Utc> {
    let n = Utc::now();
    DateTime::from_timestamp_millis(n.timestamp_millis()).expect("now is representable")
}

/// Lowercase hex SHA-256: how tokens are stored, requests fingerprinted and values digested.
fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Signs a statement with the lender's key; failing to is the sandbox's own error (500).
fn sign<T: Serialize + DeserializeOwned>(inner: &Inner, v: &T) -> Result<T, Response> {
    inner.signing_key().sign(v).map_err(internal)
}

/// Signs a statement as a redactable (contract v2) object: the members `paths` name become
/// salted commitments, their values disclosed beside them; the result is what is stored and
/// served, so every read and every idempotent replay hands out the same bytes. Speaking
/// contract 1.x (`contract-v1`), it signs the plain object, as a 1.x lender does.
fn sign_redactable<T: Serialize>(inner: &Inner, v: &T, paths: &[&str]) -> Result<Value, Response> {
    if inner.faults.read().expect("faults lock").contract_v1 {
        return inner
            .signing_key()
            .sign_value(to_value(v))
            .map_err(internal);
    }
    let committed = {
        let mut rng = inner.rng.lock().expect("rng lock");
        khata_contract::redact::commit(to_value(v), paths, &mut *rng).map_err(internal)?
    };
    inner.signing_key().sign_value(committed).map_err(internal)
}

/// A wire type as JSON, the form in which idempotent responses are stored and replayed.
fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("wire types serialise")
}

/// Every route in one place: the contract behind bearer auth, the public discovery, OAuth and
/// contract documents, and the admin routes behind the admin token; faults and problem
/// documents wrap them all, and outside everything only requests naming this host get in.
pub fn router(inner: Shared) -> Router {
    let api = Router::new()
        .route("/signals", get(discovery::signals))
        .route("/consent-requests", get(consent_requests::list))
        .route("/consent-requests/{id}", get(consent_requests::get))
        .route(
            "/consent-requests/{id}/decision",
            post(consent_requests::decide),
        )
        .route("/consents", get(consents::list))
        .route("/consents/{id}", get(consents::get))
        .route("/consents/{id}/revoke", post(consents::revoke))
        .route("/consents/{id}/pause", post(consents::pause))
        .route("/consents/{id}/resume", post(consents::resume))
        .route("/disclosures", get(disclosures::list))
        .route("/v2/log/head", get(log::head))
        .route("/v2/log/entries", get(log::entries))
        .route("/v2/log/consistency", get(log::consistency))
        .route("/v2/log/inclusion", get(log::inclusion))
        .route("/offers", get(offers::list))
        .route("/offers/{id}", get(offers::get))
        .route("/quotes", post(offers::quote))
        .route("/rights-requests", get(rights::list).post(rights::create))
        .route("/rights-requests/{id}", get(rights::get))
        .route_layer(middleware::from_fn_with_state(
            inner.clone(),
            auth::require_auth,
        ));
    let public = Router::new()
        .route(DISCOVERY_PATH, get(discovery::document))
        .route("/oauth/authorize", get(crate::oauth::authorize))
        .route("/oauth/token", post(crate::oauth::token))
        .route("/openapi.yaml", get(discovery::openapi));
    let admin = Router::new()
        .route(
            "/_sandbox/faults",
            get(admin::get_faults).put(admin::put_faults),
        )
        .route("/_sandbox/collect", post(admin::collect))
        .route("/_sandbox/clock", post(admin::set_clock))
        .route("/_sandbox/rights-requests/{id}", post(admin::update_rights))
        .route("/_sandbox/seed-disclosures", post(admin::seed))
        .route("/_sandbox/phone-report", get(admin::phone_report))
        .route(
            "/_sandbox/consent-requests",
            post(admin::new_consent_request),
        )
        .route_layer(middleware::from_fn_with_state(
            inner.clone(),
            local_access::require_admin,
        ));
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
        .layer(middleware::from_fn_with_state(
            inner.clone(),
            fault_layer::fault_layer,
        ))
        .layer(middleware::from_fn(problem::problemize))
        .layer(middleware::from_fn_with_state(
            inner.clone(),
            local_access::require_own_host,
        ))
        .with_state(inner)
}

/// Scenario values by signal, for tests that check offers against the scorecard.
pub fn scenario_values(s: Scenario) -> BTreeMap<String, i64> {
    s.values()
}

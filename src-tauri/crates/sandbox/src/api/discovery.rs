//! What a client reads before it holds a token: the discovery document with the lender's
//! public key, the contract itself and the catalogue of signals.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use khata_lending::types::*;

use super::Shared;
use super::problem::json_response;
use crate::scorecard;

pub(super) async fn document(State(inner): State<Shared>) -> Response {
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

pub(super) async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/yaml")],
        khata_lending::OPENAPI_YAML,
    )
        .into_response()
}

// ---------- signals & consent requests ----------

pub(super) async fn signals(State(inner): State<Shared>) -> Response {
    let mut signals = scorecard::catalog();
    if inner.faults.read().expect("faults lock").hide_rbi_flags {
        scorecard::hide_rbi_flags(&mut signals);
    }
    json_response(StatusCode::OK, &SignalCatalog { signals })
}

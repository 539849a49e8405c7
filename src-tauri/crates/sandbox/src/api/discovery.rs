//! What a client reads before it holds a token: the discovery document with the lender's
//! public key and its phone apps, the contract itself and the catalogue of signals.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use khata_lending::types::*;

use khata_lending::identity::KeyEndorsement;

use super::Shared;
use super::problem::json_response;
use crate::faults::KeyRotation;
use crate::scorecard;

/// The contract version this lender speaks: 2.x serves the Merkle disclosure log
/// (`/v2/log/…`) and redactable statements; `/disclosures` stays for 1.x clients.
pub const SPEC_VERSION: &str = "2.0";
/// What it publishes under the `contract-v1` fault: a 1.x lender.
pub const SPEC_VERSION_1: &str = "1.0.0";

/// The discovery document; under the `foreign-origin` fault it sends the API base and the token
/// endpoint to another origin (where a careless client would take its bearer token).
pub(super) async fn document(State(inner): State<Shared>) -> Response {
    let foreign = inner
        .faults
        .read()
        .expect("faults lock")
        .foreign_origin
        .clone();
    let elsewhere = foreign.as_deref().unwrap_or(&inner.base_url);
    let lender_id = inner.lender_id();
    let keys = vec![inner.signing_key().public_info()];
    // Under `rotate-key=1` the new key comes with a statement signed by the old one.
    let (endorsed, contract_v1) = {
        let faults = inner.faults.read().expect("faults lock");
        (
            faults.rotate_key == KeyRotation::Endorsed,
            faults.contract_v1,
        )
    };
    let key_endorsement = if endorsed {
        let draft = KeyEndorsement {
            lender_id: lender_id.clone(),
            keys: keys.clone(),
            issued_at: super::now(),
            signature: khata_lending::signing::unsigned(),
        };
        match inner.key.sign(&draft) {
            Ok(signed) => Some(signed),
            Err(e) => return super::problem::internal(e),
        }
    } else {
        None
    };
    json_response(
        StatusCode::OK,
        &Discovery {
            lender_id: lender_id.clone(),
            name: format!("Khata Sandbox Lender ({})", inner.scenario),
            api_base: elsewhere.to_owned(),
            authorization_endpoint: format!("{}/oauth/authorize", inner.base_url),
            token_endpoint: format!("{elsewhere}/oauth/token"),
            spec_version: if contract_v1 {
                SPEC_VERSION_1.into()
            } else {
                SPEC_VERSION.into()
            },
            keys,
            key_endorsement,
            apps: crate::phone_report::apps(&lender_id),
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

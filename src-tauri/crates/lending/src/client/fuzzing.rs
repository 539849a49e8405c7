//! The client's handling of a response body, without a network: for the fuzz targets in
//! `src-tauri/fuzz` (feature `fuzzing`). Each call runs exactly the code the client runs on
//! what a lender sent once the bytes are read — status and content type, JSON, signature
//! checks against the pinned keys, then the typed parse.

use reqwest::StatusCode;
use serde_json::Value;

use super::response::{
    Sig, check_discovery, decode_body, page_with_raw, parse, parse_token, plain, verify,
};
use crate::error::{LendingError, Result};
use crate::signing::KeyRing;
use crate::types::*;

/// Which call the response answers; each parses and verifies differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Discovery,
    Token,
    Catalog,
    ConsentRequests,
    ConsentRequest,
    Decide,
    Consents,
    Consent,
    Receipt,
    Disclosures,
    DisclosuresWithRaw,
    Offers,
    Offer,
    Quote,
    RightsRequests,
    RightsRequest,
}

pub const ENDPOINTS: [Endpoint; 16] = [
    Endpoint::Discovery,
    Endpoint::Token,
    Endpoint::Catalog,
    Endpoint::ConsentRequests,
    Endpoint::ConsentRequest,
    Endpoint::Decide,
    Endpoint::Consents,
    Endpoint::Consent,
    Endpoint::Receipt,
    Endpoint::Disclosures,
    Endpoint::DisclosuresWithRaw,
    Endpoint::Offers,
    Endpoint::Offer,
    Endpoint::Quote,
    Endpoint::RightsRequests,
    Endpoint::RightsRequest,
];

/// What the client does with `body` answering `endpoint` (status and content type as
/// the lender sent them). `Ok` means the client would have accepted it.
pub fn handle_response(
    keys: &KeyRing,
    endpoint: Endpoint,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<()> {
    let status = StatusCode::from_u16(status).map_err(|e| LendingError::Usage(e.to_string()))?;
    let value = decode_body(status, &content_type.to_ascii_lowercase(), body)?;
    verify(keys, &value, signature(endpoint))?;
    parse_as(endpoint, value)
}

/// How the client checks the signatures of the answer to `endpoint` (before the typed parse).
fn signature(endpoint: Endpoint) -> Sig {
    match endpoint {
        Endpoint::Discovery
        | Endpoint::Token
        | Endpoint::Catalog
        | Endpoint::ConsentRequests
        | Endpoint::ConsentRequest => Sig::None,
        Endpoint::Decide
        | Endpoint::Consent
        | Endpoint::Offer
        | Endpoint::Quote
        | Endpoint::RightsRequest => Sig::One,
        Endpoint::Consents
        | Endpoint::Disclosures
        | Endpoint::DisclosuresWithRaw
        | Endpoint::Offers
        | Endpoint::RightsRequests => Sig::Items,
        Endpoint::Receipt => Sig::Receipt,
    }
}

/// The typed parse alone, as if the signature had verified: a lender holds its key and
/// can sign anything, so the parse must be safe on any JSON too.
pub fn parse_as(endpoint: Endpoint, value: Value) -> Result<()> {
    // A redactable statement is revealed first, as the client does.
    let value = plain(value, signature(endpoint))?;
    match endpoint {
        Endpoint::Discovery => check_discovery(&parse::<Discovery>(value)?, None).map(drop),
        Endpoint::Token => parse_token(value).map(drop),
        Endpoint::Catalog => parse::<SignalCatalog>(value).map(drop),
        Endpoint::ConsentRequests => parse::<ConsentRequestList>(value).map(drop),
        Endpoint::ConsentRequest => parse::<ConsentRequest>(value).map(drop),
        Endpoint::Decide | Endpoint::Consent => parse::<Consent>(value).map(drop),
        Endpoint::Consents => parse::<ConsentList>(value).map(drop),
        Endpoint::Receipt => parse::<Receipt>(value).map(drop),
        Endpoint::Disclosures => parse::<DisclosurePage>(value).map(drop),
        Endpoint::DisclosuresWithRaw => page_with_raw(value).map(drop),
        Endpoint::Offers => parse::<OfferList>(value).map(drop),
        Endpoint::Offer => parse::<Offer>(value).map(drop),
        Endpoint::Quote => parse::<Quote>(value).map(drop),
        Endpoint::RightsRequests => parse::<RightsRequestList>(value).map(drop),
        Endpoint::RightsRequest => parse::<RightsRequest>(value).map(drop),
    }
}

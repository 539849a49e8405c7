//! The client's handling of a response body, without a network: for the fuzz targets in
//! `src-tauri/fuzz` (feature `fuzzing`). Each call runs exactly the code the client runs on
//! what a lender sent once the bytes are read — status and content type, JSON, signature
//! checks against the pinned keys, then the typed parse. The disclosure log's answers go
//! through the log checks (`log::LogChecker`): a page is checked against its own head, as a
//! first sync would.

use reqwest::StatusCode;
use serde_json::Value;

use super::log::{LogChecker, check_leaf};
use super::response::{
    Sig, check_discovery, decode_body, page_with_raw, parse, parse_token, plain, verify,
};
use crate::error::{LendingError, Result};
use crate::signing::KeyRing;
use crate::types::*;
use khata_contract::log::{ConsistencyProof, LogPage, MAX_PAGE_ENTRIES, TreeHead, decode_proof};
use khata_contract::merkle;

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
    LogHead,
    LogEntries,
    LogConsistency,
}

pub const ENDPOINTS: [Endpoint; 19] = [
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
    Endpoint::LogHead,
    Endpoint::LogEntries,
    Endpoint::LogConsistency,
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
    match endpoint {
        Endpoint::LogHead => check_log(keys, &value).map(drop),
        Endpoint::LogEntries => {
            let head = value.get("treeHead").cloned().unwrap_or_default();
            let mut checker = check_log(keys, &head)?;
            checker
                .accept_page(MAX_PAGE_ENTRIES as u32, value)
                .map(drop)
        }
        _ => parse_as(endpoint, value),
    }
}

/// A sync's first step with `head` as the latest head, of the lender it names (so mutations
/// reach past the lender check), from nothing held.
fn check_log(keys: &KeyRing, head: &Value) -> Result<LogChecker> {
    let lender = head.get("lenderId").and_then(Value::as_str).unwrap_or("");
    LogChecker::begin(keys, lender, None, head)
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
        // The log's checks verify its heads themselves, to report them as evidence.
        Endpoint::LogHead | Endpoint::LogEntries | Endpoint::LogConsistency => Sig::None,
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
        Endpoint::LogHead => {
            parse::<TreeHead>(value)?
                .root()
                .map(drop)
                .map_err(|e| LendingError::Malformed {
                    detail: e.to_string(),
                })
        }
        Endpoint::LogEntries => {
            let page: LogPage = parse(value)?;
            let mut frontier = merkle::Frontier::new();
            for (entry, index) in page.entries.iter().zip(0..) {
                if let Ok(leaf) = check_leaf(entry, index) {
                    frontier.push(leaf.leaf_hash);
                }
            }
            Ok(())
        }
        Endpoint::LogConsistency => {
            let p: ConsistencyProof = parse(value)?;
            let hashes = decode_proof(&p.proof).map_err(|e| LendingError::Malformed {
                detail: e.to_string(),
            })?;
            let root = merkle::empty_root();
            let _ = merkle::verify_consistency(p.first, p.second, &root, &root, &hashes);
            Ok(())
        }
    }
}

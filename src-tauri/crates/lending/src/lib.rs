//! Khata's lending API: the contract ([`OPENAPI_YAML`]), OAuth PKCE helpers and the HTTP client.
//! The wire types and canonical signing live in `khata-contract` (no transport) and are
//! re-exported here. Nothing here depends on Tauri, so the app, the CLI and the sandbox all
//! use the same code.

pub mod client;
pub mod error;
pub mod oauth;

pub use client::{
    Checked, ClientConfig, ContractVersion, HeldLog, LendingClient, LogChecker, LogSync,
    LogSyncSummary, LogViolation, Signed, VerifiedPage, ViolationKind, check_url,
    full_jitter_backoff,
};
pub use error::{LendingError, Result};
/// Lender text made safe to keep (defined in `khata-contract`, shared with the CLI).
pub use khata_contract::lender_text;
pub use oauth::{Pkce, s256_challenge};
// The contract's pure half, re-exported so `khata_lending::types` etc. keep working.
pub use khata_contract::{KeyRing, LenderKey, SignError, apps, identity, signing, types};
// Contract v2: the disclosure log's wire types, its Merkle tree and redactable statements.
pub use khata_contract::{log, merkle, redact};

/// The OpenAPI 3.1 contract, embedded so the sandbox can serve it and tests can read it.
pub const OPENAPI_YAML: &str = include_str!("../openapi.yaml");
/// Version of the contract, also published in discovery.
pub const SPEC_VERSION: &str = "1.0.0";

//! The lending contract without its transport: the wire types of the lending API and the
//! canonical Ed25519 signing that makes lender statements checkable. It lives apart from
//! `khata-lending` (which adds the HTTP client, tokio and reqwest) so the offline verifier and
//! the audit rules can check signatures with no network stack linked. `identity` says when two
//! discovery documents name the same lender (origin and key fingerprint). `lender_text` says which
//! characters of a lender's words are never kept or printed. Contract v2 adds `merkle` (the
//! RFC 9162 tree of the lender's disclosure log), `redact` (salted commitments that let a borrower
//! withhold a value and keep every signature) and `log` (the log's wire types). `apps` says which
//! app ids a discovery document may declare.

pub mod apps;
mod canonical;
pub mod identity;
pub mod lender_text;
pub mod log;
pub mod merkle;
pub mod redact;
pub mod signing;
pub mod types;

pub use signing::{KeyRing, LenderKey, SignError};

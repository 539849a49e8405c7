//! The lending contract without its transport: the wire types of the lending API and the
//! canonical Ed25519 signing that makes lender statements checkable. It lives apart from
//! `khata-lending` (which adds the HTTP client, tokio and reqwest) so the offline verifier and
//! the audit rules can check signatures with no network stack linked.

mod canonical;
pub mod signing;
pub mod types;

pub use signing::{KeyRing, LenderKey, SignError};

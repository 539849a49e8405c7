//! One borrower at a time: a sandbox state holds one customer's consents, offers, rights
//! requests and OAuth grants, and [`next_borrower`] hands the lender to a new customer, the way
//! a lender's next applicant arrives. The disclosure log is the lender's, not the borrower's:
//! its leaves (and the v1 disclosures they mirror) stay, so every borrower of one sandbox holds
//! heads of one history, as borrowers of one real lender would (pool generation relies on it to
//! tell a lender that shows one history from one that shows two).

use anyhow::Context as _;

use super::consent_requests::create_consent_request;
use super::{Inner, now};
use crate::store;

/// The tables that belong to the borrower being served; everything else is the lender's.
const BORROWER_TABLES: [&str; 9] = [
    "consent_requests",
    "consents",
    "consent_versions",
    "receipts",
    "offers",
    "rights_requests",
    "idempotency",
    "oauth_codes",
    "tokens",
];

/// The `meta` key holding when the current borrower arrived (RFC 3339): the phone report of the
/// lender's app covers what it did on this borrower's phone, so only from then on.
pub const BORROWER_SINCE: &str = "borrower_since";

/// Forgets the current borrower (every grant and token with it, so a previous client can no
/// longer read the next one's records), makes a new customer id and the scenario's consent
/// request for it, in one transaction. Returns the new customer id.
pub fn next_borrower(inner: &Inner) -> anyhow::Result<String> {
    let mut db = inner.db.lock().expect("db lock");
    let tx = db.transaction()?;
    for table in BORROWER_TABLES {
        tx.execute(&format!("DELETE FROM {table}"), [])
            .with_context(|| format!("clearing {table}"))?;
    }
    let customer = format!("cust-{}", uuid::Uuid::new_v4());
    store::meta_set(&tx, "customer_id", &customer)?;
    store::meta_set(&tx, BORROWER_SINCE, &now().to_rfc3339())?;
    create_consent_request(inner, &tx, inner.scenario.requested_signals(), None, None)?;
    tx.commit()?;
    Ok(customer)
}

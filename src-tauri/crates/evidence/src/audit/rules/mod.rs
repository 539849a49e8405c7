//! The audit rules, one family per module. Each disclosure family sees one disclosure at a
//! time through a [`Hit`](super::group::Hit) and records what it breaks; frequency needs every
//! collection time and runs when all disclosures have been seen; explanations look at offers
//! and quotes, and offers against the quotes given before consent; the Key Fact Statement rules look at approved offers; the log rules look at the conflicts a lender's disclosure log showed at sync;
//! the phone rules look at what the borrower's own phone saw, beside the disclosures.

pub(crate) mod consent_scope;
pub(crate) mod data_life;
pub(crate) mod explanations;
pub(crate) mod frequency;
pub(crate) mod kfs;
pub(crate) mod kyc_only;
pub(crate) mod log;
pub(crate) mod phone;
pub(crate) mod prohibited;
pub(crate) mod quotes;
pub(crate) mod requests;
pub(crate) mod revocation;

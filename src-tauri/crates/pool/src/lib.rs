//! Khata for privacy advocates. Donations (a borrower's redacted export under a random id,
//! `khata_evidence::donation`) are verified and audited one at a time and added to a Parquet
//! dataset partitioned by lender and month ([`schema`]); the standard report runs plain SQL
//! files over it with an embedded engine, and the same files run on Apache Spark when the pool
//! outgrows one machine. Nothing here links the vault, the keychain or Tauri.

pub mod add;
pub mod batch;
pub mod cmd;
pub mod donation;
pub mod extract;
pub mod identifying;
pub mod rejection;
pub mod report;
pub mod rows;
pub mod schema;
pub mod store;
pub mod store_check;

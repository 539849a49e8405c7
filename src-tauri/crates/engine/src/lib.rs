//! Khata's engine: the one place that decides. It ties the encrypted vault to lenders' HTTP
//! APIs — connecting, syncing disclosures and consents, delivering revocations through an
//! outbox, auditing what was collected against what was consented, and exporting everything.
//! The desktop shell and the `khata` CLI are thin faces over this crate.

pub mod audit;
pub mod views;

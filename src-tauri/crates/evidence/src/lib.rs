//! Khata's evidence, pure: what a borrower can prove without the app. The ledger's hash
//! ([`ledger`]), the offline verification of an export ([`verify`]; the streaming version 2
//! format is defined, and written, by [`export_v2`], and [`synthetic`] makes valid ones of any
//! size for tests and benchmarks), every audit rule ([`audit`]) and what the borrower's own phone
//! recorded ([`phone`]), the RBI Key Fact Statement recomputed ([`kfs`]), and the statutory
//! clocks on a rights request ([`rights_clocks`]), over plain data. No SQLite, no tokio, no
//! HTTP, no keychain: the vault, the engine and the CLI feed it, and `khata verify` /
//! `khata audit` of a file need nothing else.

pub mod audit;
pub mod donation;
pub mod export_v2;
pub mod kfs;
pub mod ledger;
mod members;
mod parallel;
pub mod phone;
pub mod rights_clocks;
pub mod synthetic;
pub mod verify;

/// Every type of this crate rendered by ts-rs: `(output path, TypeScript)`, for the shell's
/// bindings test (through the engine's `ts_types`).
pub fn ts_types() -> Vec<(std::path::PathBuf, String)> {
    use ts_rs::TS;
    let cfg = ts_rs::Config::from_env();
    let mut out = Vec::new();
    macro_rules! render {
        ($($t:ty),+ $(,)?) => {$(
            if let (Some(path), Ok(ts)) = (<$t as TS>::output_path(), <$t as TS>::export_to_string(&cfg)) {
                out.push((path, ts));
            }
        )+};
    }
    render!(
        audit::Severity,
        audit::Rule,
        audit::PeriodUnit,
        audit::SignalPoints,
        kfs::KfsCheck,
        donation::Removal,
        donation::RemovalKind,
        audit::QuoteOfferField,
        audit::regulatory::RuleSource,
        audit::regulatory::RegulatedData,
        audit::regulatory::MatchedBy,
        audit::TreeHeadFacts,
        audit::FindingFacts,
        audit::ObservedFacts,
        audit::ObservedWhy,
        audit::RecordRef,
        audit::Evidence,
        audit::Finding,
        audit::AuditSummary,
        audit::AuditReport,
        verify::LogFacts,
        verify::WithheldCount,
        verify::HeadFacts,
        verify::ForkKind,
        verify::LogFork,
        phone::Platform,
        phone::SourceFormat,
        phone::Resource,
        phone::AppState,
        phone::ObservationKind,
        phone::OffsetFrom,
        phone::SourceLimit,
        phone::Device,
        phone::PhoneSource,
        phone::NetworkFacts,
        phone::Observation,
        rights_clocks::NextStep,
    );
    out
}

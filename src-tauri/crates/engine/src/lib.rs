//! Khata's engine: the one place that decides. It ties the encrypted vault to lenders' HTTP
//! APIs — connecting, syncing disclosures and consents, delivering revocations through an
//! outbox, auditing what was collected against what was consented, and exporting everything.
//! The desktop shell and the `khata` CLI are thin faces over this crate.
//!
//! Entry point: [`Engine::open`] with an [`EngineConfig`]; every method is `async`, the vault
//! work runs on tokio's blocking pool, and reads work offline from the vault.

pub mod adb;
pub mod audit;
mod calendar;
mod catalog;
mod convert;
pub mod custody;
mod donation;
mod engine;
mod error;
pub mod escalation;
mod export;
mod export_other;
pub mod grievance;
mod launcher;
mod log_records;
pub mod nominee_packet;
mod outbox;
pub mod phone_words;
pub mod profile;
pub mod redaction;
pub mod report_words;
mod requests;
mod signed;
mod tokens;
pub mod views;

pub use custody::{CustodyView, MIN_PASSPHRASE_CHARS, Secret, VaultProbe, VaultUnlock};
pub use engine::{
    DEFAULT_SYNC_MAX_PAGES, Engine, EngineConfig, SANDBOX_DIR, SANDBOX_LENDER_ID, VAULT_FILE,
    computer_utc_offset_min,
};
pub use error::{EngineError, Result};
pub use export::EXPORT_FORMAT_VERSION;
pub use launcher::{
    BoxFuture, LaunchError, SandboxFaults, SandboxKeyRotation, SandboxLauncher, SandboxLender,
};
pub use outbox::{OutboxWorker, spawn_outbox_worker};
#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
pub use tokens::KeyringTokenStore;
pub use tokens::{DeadlineTokenStore, MemoryTokenStore, TokenStore, VaultTokenStore};

/// Every view type rendered by ts-rs: `(output path, TypeScript)`, for the shell's bindings
/// test and `make bindings`.
pub fn ts_types() -> Vec<(std::path::PathBuf, String)> {
    use ts_rs::TS;
    use views::*;
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
        SensitivityView,
        SignalInfo,
        SignalTextView,
        SignalTextsView,
        LenderSignalView,
        LenderView,
        SandboxScenarioView,
        IdentityConflictView,
        PeriodView,
        ConsentStatusView,
        DeliveryState,
        RevocationView,
        ConsentView,
        ConsentRequestView,
        RequestedSignal,
        SignalCostView,
        RequestQuoteView,
        SignalChoice,
        DisclosureView,
        TimelineQuery,
        TimelinePage,
        TimelineOrigin,
        PhoneTimelineItem,
        PhoneAppSeen,
        PhoneSurvey,
        PhoneImportSummary,
        EvidenceView,
        DecisionView,
        ContributionView,
        AdverseFactor,
        RatePeriodView,
        FeeView,
        InstalmentView,
        KfsParty,
        KfsView,
        OfferView,
        WhatIfView,
        RightsKindView,
        RightsRequestView,
        RightsSubject,
        RequestNominee,
        ClockView,
        CorrectionContext,
        EscalationFacts,
        NextStepFacts,
        crate::escalation::CalendarText,
        AlertView,
        Overview,
        Progress,
        ExportFormat,
        ExportSummary,
        ExportOptions,
        crate::report_words::ReportLanguage,
        RedactableField,
        RedactionSummary,
        PathCount,
        SyncSummary,
        crate::custody::CustodyView,
        crate::grievance::GrievanceDraft,
        crate::grievance::GrievancePacketSummary,
        crate::grievance::LetterSigner,
        crate::profile::ProfileView,
        crate::profile::CustomerIdView,
        crate::profile::ProfileInput,
        crate::profile::CustomerIdInput,
        crate::profile::NomineeView,
        crate::profile::NomineeInput,
        crate::nominee_packet::NomineePacketSummary,
        crate::custody::VaultProbe,
        AdbDevice,
        AdbDeviceState,
        AppSettings,
        NoticeKind,
        Notice,
        FindingAlertView,
        FindingsSummary,
        ClosedLoanView,
        KeptSignalView,
        RevocationPreview,
        DonationOptions,
        DonationLender,
        DonationPreview,
        DonationResult,
    );
    // The audit's report and finding types.
    out.extend(khata_evidence::ts_types());
    out
}

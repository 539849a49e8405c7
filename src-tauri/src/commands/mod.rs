//! Tauri commands, grouped by domain. Each is a thin adapter: it takes UI input, calls the
//! engine, and maps failures to [`crate::error::AppError`]. No business logic lives here.
//!
//! The list below is the one place a command is declared: its name, the arguments the UI
//! passes and what it returns. The invoke handler, the UI's `api.ts`, the capability granting
//! the commands and the list `build.rs` declares are all produced from it ([`registry`];
//! `make bindings` rewrites the generated files, a test fails when they are stale).

pub mod app;
pub mod audit;
pub mod consents;
pub mod donate;
pub mod export;
pub mod informed;
pub mod lenders;
pub mod offers;
pub mod phone;
pub mod phone_capture;
pub mod profile;
pub mod registry;
pub mod rights;
pub mod timeline;
pub mod updates;
pub mod vault;
pub mod verify;

use khata_engine::audit::AuditReport;
use khata_engine::escalation::CalendarText;
use khata_engine::grievance::{GrievanceDraft, GrievancePacketSummary};
use khata_engine::nominee_packet::NomineePacketSummary;
use khata_engine::profile::{NomineeInput, NomineeView, ProfileInput, ProfileView};
use khata_engine::report_words::ReportLanguage;
use khata_engine::views::{
    AdbDevice, AppSettings, ConsentRequestView, ConsentView, CorrectionContext, DonationOptions,
    DonationPreview, DonationResult, EscalationFacts, EvidenceView, ExportFormat, ExportOptions,
    ExportSummary, LenderSignalView, LenderView, NextStep, Observation, OfferView, Overview,
    PhoneImportSummary, PhoneSource, PhoneSurvey, Progress, RedactableField, RequestNominee,
    RequestQuoteView, RevocationPreview, RevocationView, RightsKindView, RightsRequestView,
    RightsSubject, SandboxScenarioView, SignalChoice, SyncSummary, TimelinePage, TimelineQuery,
    WhatIfView,
};
use tauri::ipc::Channel;

use self::app::AppInfo;
use self::updates::{UpdateInfo, UpdateSettings};
use self::vault::{UnlockRequest, VaultAccess};
use self::verify::VerifyOutcome;

// Each entry: `sync|async module::handler[injected](ui arguments; progress channel) -> result`
// (the grammar is documented on `registry::commands!`). Doc comments are shown in `api.ts`.
registry::commands! {
    /// Version, vault and log locations, build profile (About).
    sync app::app_info[state]() -> AppInfo;
    /// The vault's recovery key on the first run (once), otherwise `null`.
    async app::recovery_key[state]() -> Option<String>;
    /// Tells Rust the home screen shows its first data (startup time in the log; benchmarks).
    sync app::app_ready[app]() -> ();

    /// Opens the vault with the OS keychain; says whether it opened and, if not, why.
    async vault::vault_access[state]() -> VaultAccess;
    /// Opens the vault with a passphrase or the recovery key (the unlock screen).
    async vault::unlock_vault[state](request: UnlockRequest) -> VaultAccess;

    /// Everything the Home screen shows, in one round trip.
    async lenders::overview[state]() -> Overview;
    /// Starts the built-in sandbox lender on this machine, connects to it and syncs.
    /// `scenario`: one of `sandbox_scenarios` for a tester's pick; `null` plays the default
    /// (or `KHATA_SANDBOX_SCENARIO`'s).
    async lenders::connect_sandbox[app, state](scenario: Option<String>; on_progress) -> LenderView;
    /// The behaviours the built-in sandbox lender can play (names and a sentence each).
    async lenders::sandbox_scenarios[state]() -> Vec<SandboxScenarioView>;
    /// Connects to a lender by URL (OAuth in the system browser), then syncs.
    async lenders::connect_lender[app, state](url: String, repin: Option<String>; on_progress) -> LenderView;
    /// Syncs one lender; `cancelTask('sync')` stops it (what was stored stays). Waits for a
    /// background sync in progress; new notices follow as `khata://notices`.
    async lenders::sync_lender[app, state](lender_id: String; on_progress) -> SyncSummary;

    async consents::consent_requests[state]() -> Vec<ConsentRequestView>;
    /// The lender's signed quote of a pending request if the borrower shared exactly `shared`
    /// (the rest withheld), with what each choice costs; kept in the vault as evidence.
    async consents::quote_request[state](request_id: String, shared: Vec<String>)
        -> RequestQuoteView;
    /// Decides a request; nothing granted is a refusal (`refused: true`).
    async consents::decide_consent[state](request_id: String, choices: Vec<SignalChoice>)
        -> ConsentView;
    async consents::consents[state]() -> Vec<ConsentView>;
    /// Revokes the whole consent when `signals` is empty.
    async consents::revoke_consent[state](consent_id: String, signals: Vec<String>)
        -> RevocationView;
    /// What revoking `signals` (all when empty) stops, and what the lender may keep until when.
    async informed::revocation_preview[state](consent_id: String, signals: Vec<String>)
        -> RevocationPreview;
    /// Asks the lender to erase what it holds under a consent (an erasure request naming it).
    async informed::request_consent_erasure[state](consent_id: String, details: String)
        -> RightsRequestView;
    async consents::pause_consent[state](consent_id: String) -> RevocationView;
    async consents::resume_consent[state](consent_id: String) -> RevocationView;

    async offers::latest_offer[state]() -> Option<OfferView>;
    /// The lender's counterfactual with `withhold` signals left out, beside the real offer.
    async offers::what_if[state](withhold: Vec<String>) -> WhatIfView;

    async timeline::timeline[state](query: TimelineQuery) -> TimelinePage;
    async timeline::evidence[state](disclosure_id: i64) -> EvidenceView;
    /// Every connected lender's signals with their words per language (names for signals that
    /// findings cite by id).
    async timeline::signal_catalog[state]() -> Vec<LenderSignalView>;

    /// Rights requests, newest first, each with its statutory clocks.
    async rights::rights_requests[state]() -> Vec<RightsRequestView>;
    /// Files a rights request about `about` (signal, offer, consent; all `null` for the
    /// borrower's data in general), naming the `nominee` of a nomination.
    async rights::request_right[state](lender_id: String, kind: RightsKindView, details: String,
        about: RightsSubject, nominee: Option<RequestNominee>) -> RightsRequestView;
    /// What the lender holds of one signal as far as Khata knows, shown before a correction.
    async rights::correction_context[state](lender_id: String, signal: String)
        -> CorrectionContext;
    /// The facts of an escalation of one request: the UI words the letter or complaint.
    async rights::escalation_draft[state](request_id: String) -> EscalationFacts;
    /// Asks where to save (native dialog), then writes `text` (the follow-up letter or the
    /// complaint to `to`, as the borrower edited it) with the evidence (zip). `null` if cancelled.
    async rights::save_escalation_packet[app, state](request_id: String, to: NextStep, text: String)
        -> Option<GrievancePacketSummary>;
    /// Asks where to save (native dialog), then writes an `.ics` with every statutory deadline
    /// of one request (all open ones when `null`), worded by `texts`. The path, or `null`.
    async rights::save_rights_calendar[app, state](request_id: Option<String>,
        texts: Vec<CalendarText>) -> Option<String>;

    /// Every violation and explanation mismatch in the vault, most severe first.
    async audit::audit_report[state]() -> AuditReport;
    /// What the grievance letter to one lender cites: the UI words the letter (grievanceLetter.ts).
    async audit::grievance_draft[state](lender_id: String) -> GrievanceDraft;
    /// Asks where to save (native dialog), then writes the packet from Rust with `letter`, the
    /// letter as the borrower read it (at most 64 KiB), and the packet's guide in `language`
    /// (the UI's). `null` if cancelled.
    async audit::save_grievance_packet[app, state](lender_id: String, letter: String, language: ReportLanguage)
        -> Option<GrievancePacketSummary>;
    /// Files `letter` (as the borrower read and edited it) through the lender API; tracked under
    /// rights requests. A letter longer than the lender takes (`GrievanceDraft.detailMax`
    /// characters) is filed as `summary`, never cut; the whole letter goes in the packet.
    async audit::file_grievance[state](lender_id: String, letter: String, summary: Option<String>)
        -> RightsRequestView;

    /// The borrower's details (Your details): letters are signed with them.
    async profile::profile[state]() -> ProfileView;
    /// Saves the borrower's details, customer ids included; returns them as kept.
    async profile::save_profile[state](profile: ProfileInput) -> ProfileView;
    /// The borrower's nominee (DPDP s.14), if recorded.
    async profile::nominee[state]() -> Option<NomineeView>;
    /// Records the nominee (dated now), or removes it with `null`.
    async profile::save_nominee[state](nominee: Option<NomineeInput>) -> Option<NomineeView>;
    /// Asks where to save (native dialog), then writes the nominee packet: `letter` (the letter
    /// of nomination as the borrower read it), the nominee, the consents and open requests (of
    /// `lenderId`, or every lender) and a verifiable export. `null` if cancelled.
    async profile::save_nominee_packet[app, state](lender_id: Option<String>, letter: String)
        -> Option<NomineePacketSummary>;

    /// What a phone file holds before anything is kept: format, apps (with the lender declaring
    /// each), the app and lender to preselect, whether the phone's time zone is needed.
    async phone::phone_survey[state](path: String) -> PhoneSurvey;
    /// Imports one app's observations from a phone file, with the file as evidence; the same
    /// file again adds nothing (`new: false`). `appId`: the lender's app (`null`: the one a
    /// connected lender declares, else the file's only app).
    async phone::phone_import[app, state](path: String, app_id: Option<String>, lender_id: Option<String>,
        utc_offset_min: Option<i32>; on_progress) -> PhoneImportSummary;
    /// Every phone source held, in the order imported.
    async phone::phone_sources[state]() -> Vec<PhoneSource>;
    /// Every observation held, source by source.
    async phone::phone_observations[state]() -> Vec<Observation>;
    /// Asks which file to open (native dialog) for `purpose` (`phone`); `null` if cancelled.
    async phone::ask_open_path[app](purpose: String) -> Option<String>;
    /// QA without a phone: writes the built-in sandbox lender's phone report (`ios`,
    /// `android-appops`, `android-cmd`, `android-capture`) where the borrower chooses; the
    /// path, or `null` if cancelled.
    async phone::save_sandbox_phone_report[app, state](format: String) -> Option<String>;

    /// Files the app was asked to open (file association, command line), handed over once.
    sync verify::opened_files[state]() -> Vec<String>;
    /// Verifies an export offline (signatures, ledger chain), as `khata verify` does.
    async verify::verify_export[](path: String; on_progress) -> VerifyOutcome;
    /// Asks for an export in the native open dialog, then verifies it. `null` if cancelled.
    async verify::choose_and_verify[app](; on_progress) -> Option<VerifyOutcome>;

    /// Background sync (on unlock, then every `syncIntervalMin` minutes) and notifications.
    async informed::app_settings[state]() -> AppSettings;
    async informed::set_app_settings[state](settings: AppSettings) -> AppSettings;
    /// Marks notices (from `khata://notices`) as shown, so they are not handed out again.
    async informed::acknowledge_notices[state](ids: Vec<i64>) -> ();

    /// Whether the borrower allowed automatic update checks (off by default).
    sync updates::update_settings[state]() -> UpdateSettings;
    sync updates::set_update_settings[state](settings: UpdateSettings) -> UpdateSettings;
    /// Asks the update server (only on the borrower's request); `null` when up to date.
    async updates::check_for_update[app]() -> Option<UpdateInfo>;
    /// Downloads, verifies the signature, installs and restarts.
    async updates::install_update[app]() -> ();

    /// Asks where to save (native dialog), then writes the file from Rust. `null` if cancelled.
    /// `options.redact`: fields to withhold (JSON only), for sharing with an advocate.
    async export::export_records[app, state](format: ExportFormat, options: ExportOptions; on_progress)
        -> Option<ExportSummary>;
    /// The fields an export for an advocate may withhold, and which are withheld by default.
    sync export::redactable_fields[]() -> Vec<RedactableField>;
    /// Stops a running long task: `export`, `donate` or `sync`.
    sync export::cancel_task[state](task: String) -> ();

    /// What a donation to an advocate withholding `patterns` (and the required fields) would
    /// hold and leave out, in facts; nothing is written.
    async donate::donation_preview[state](patterns: Vec<String>) -> DonationPreview;
    /// Asks for a folder (native dialog), then writes `<donationId>.khata-donation.zip` there.
    /// `null` if cancelled.
    async donate::donate[app, state](options: DonationOptions; on_progress)
        -> Option<DonationResult>;

    /// The Android phones adb sees over USB, authorised or not (Your phone's device picker).
    async phone_capture::phone_devices[state]() -> Vec<AdbDevice>;
    /// Reads the connected Android phone over adb and imports what it recorded about the
    /// lender's app; `null`s choose as the engine does (the only phone, the declared app, the
    /// lender as for a file). Errors `adb_*` name the failure; `adb_several_devices` carries
    /// `devices`, `adb_choose_app` `packages`.
    async phone_capture::phone_capture[state](serial: Option<String>, app: Option<String>,
        lender_id: Option<String>; on_progress) -> PhoneImportSummary;
}

/// Forwards engine progress to the UI's channel; a closed channel (window gone) is ignored.
pub(crate) fn forward(channel: Channel<Progress>) -> impl Fn(Progress) + Send + Sync + 'static {
    move |progress| {
        let _ = channel.send(progress);
    }
}

/// Asks where to save a file in the native dialog; `None` when the user cancels. Rust writes
/// the file, so the UI never needs file-system permissions.
pub(crate) async fn ask_save_path(
    app: &tauri::AppHandle,
    file_name: &str,
    filter_label: &str,
    extension: &str,
) -> Option<std::path::PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    // End-to-end tests cannot drive a native GTK dialog through WebDriver; the E2E build (and
    // only it) takes the answer from the environment instead.
    #[cfg(feature = "e2e")]
    if let Some(path) = std::env::var_os("KHATA_E2E_SAVE_PATH") {
        let path = std::path::PathBuf::from(path);
        // One folder for every save of a test: keep the suggested name unless a file was named.
        return Some(if path.is_dir() {
            path.join(file_name)
        } else {
            path
        });
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_file_name(file_name)
        .add_filter(filter_label, &[extension])
        .save_file(move |path| {
            let _ = tx.send(path.and_then(|p| p.into_path().ok()));
        });
    rx.await.ok().flatten()
}

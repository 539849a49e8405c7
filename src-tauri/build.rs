//! Build script: declares the app's own commands in an app manifest so that Tauri generates a
//! permission for each, which the single capability in `src-tauri/capabilities/` then grants.
/// Every command the UI may call; `src-tauri/capabilities/main.json` grants each of them.
const COMMANDS: &[&str] = &[
    "app_info",
    "recovery_key",
    "app_ready",
    "vault_access",
    "unlock_vault",
    "overview",
    "connect_sandbox",
    "connect_lender",
    "sync_lender",
    "consent_requests",
    "decide_consent",
    "consents",
    "revoke_consent",
    "pause_consent",
    "resume_consent",
    "latest_offer",
    "what_if",
    "timeline",
    "evidence",
    "rights_requests",
    "request_right",
    "audit_report",
    "grievance_draft",
    "save_grievance_packet",
    "file_grievance",
    "opened_files",
    "verify_export",
    "choose_and_verify",
    "update_settings",
    "set_update_settings",
    "check_for_update",
    "install_update",
    "export_records",
    "cancel_task",
];

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(manifest)
            .capabilities_path_pattern("src-tauri/capabilities/**/*"),
    )
    .expect("tauri-build failed");
}

//! Donating to an advocate: the preview the borrower reads first, then — on their explicit
//! "Donate…" — a folder chosen in the native dialog, where Rust writes the donation.

use std::path::PathBuf;

use khata_engine::views::{DonationOptions, DonationPreview, DonationResult, Progress};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::forward;
use crate::error::CommandResult;
use crate::state::AppState;

const DONATE_TASK: &str = "donate";

/// What a donation withholding `patterns` would hold and leave out; writes nothing.
pub async fn donation_preview(
    state: State<'_, AppState>,
    patterns: Vec<String>,
) -> CommandResult<DonationPreview> {
    Ok(state.engine().await?.donation_preview(patterns).await?)
}

/// Asks for the folder (native dialog), then writes the donation there; `None` when the
/// borrower cancels the dialog.
pub async fn donate(
    app: AppHandle,
    state: State<'_, AppState>,
    options: DonationOptions,
    on_progress: Channel<Progress>,
) -> CommandResult<Option<DonationResult>> {
    let engine = state.engine().await?;
    let Some(dir) = ask_folder(&app).await else {
        return Ok(None);
    };
    let cancel = state.cancel_flag(DONATE_TASK);
    let result = engine
        .write_donation_with(&dir, options, forward(on_progress), cancel)
        .await?;
    tracing::info!(bytes = result.bytes, "donation written");
    Ok(Some(result))
}

/// The folder to save a donation in; `None` when the borrower cancels.
async fn ask_folder(app: &AppHandle) -> Option<PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    // End-to-end tests cannot drive a native dialog: the E2E build (and only it) takes the
    // folder from the environment, as every save does.
    #[cfg(feature = "e2e")]
    if let Some(path) = std::env::var_os("KHATA_E2E_SAVE_PATH") {
        return Some(PathBuf::from(path));
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog().file().pick_folder(move |path| {
        let _ = tx.send(path.and_then(|p| p.into_path().ok()));
    });
    rx.await.ok().flatten()
}

//! Staying informed and revoking explained: the app settings kept in the vault (background
//! sync, its interval, notifications), acknowledging notices the window has shown, what a
//! revocation stops and leaves with the lender, and erasure asked for in the same flow.

use khata_engine::views::{AppSettings, RevocationPreview, RightsRequestView};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

pub async fn app_settings(state: State<'_, AppState>) -> CommandResult<AppSettings> {
    Ok(state.engine().await?.app_settings().await?)
}

/// Keeps the settings, and wakes the background loop so a change applies at once.
pub async fn set_app_settings(
    state: State<'_, AppState>,
    settings: AppSettings,
) -> CommandResult<AppSettings> {
    let kept = state.engine().await?.set_app_settings(settings).await?;
    state.settings_changed.notify_one();
    Ok(kept)
}

pub async fn acknowledge_notices(state: State<'_, AppState>, ids: Vec<i64>) -> CommandResult<()> {
    Ok(state.engine().await?.acknowledge_notices(ids).await?)
}

pub async fn revocation_preview(
    state: State<'_, AppState>,
    consent_id: String,
    signals: Vec<String>,
) -> CommandResult<RevocationPreview> {
    Ok(state
        .engine()
        .await?
        .revocation_preview(&consent_id, signals)
        .await?)
}

pub async fn request_consent_erasure(
    state: State<'_, AppState>,
    consent_id: String,
    details: String,
) -> CommandResult<RightsRequestView> {
    Ok(state
        .engine()
        .await?
        .request_consent_erasure(&consent_id, details)
        .await?)
}

//! Consent requests, consents, and withdrawing them (revoke, pause, resume).

use khata_engine::views::{ConsentRequestView, ConsentView, RevocationView, SignalChoice};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub async fn consent_requests(
    state: State<'_, AppState>,
) -> CommandResult<Vec<ConsentRequestView>> {
    Ok(state.engine().await?.consent_requests().await?)
}

#[tauri::command]
pub async fn decide_consent(
    state: State<'_, AppState>,
    request_id: String,
    choices: Vec<SignalChoice>,
) -> CommandResult<ConsentView> {
    Ok(state.engine().await?.decide(&request_id, choices).await?)
}

#[tauri::command]
pub async fn consents(state: State<'_, AppState>) -> CommandResult<Vec<ConsentView>> {
    Ok(state.engine().await?.consents().await?)
}

/// Revokes the whole consent when `signals` is empty. Recorded at once; delivered by the outbox.
#[tauri::command]
pub async fn revoke_consent(
    state: State<'_, AppState>,
    consent_id: String,
    signals: Vec<String>,
) -> CommandResult<RevocationView> {
    Ok(state.engine().await?.revoke(&consent_id, signals).await?)
}

#[tauri::command]
pub async fn pause_consent(
    state: State<'_, AppState>,
    consent_id: String,
) -> CommandResult<RevocationView> {
    Ok(state.engine().await?.pause(&consent_id).await?)
}

#[tauri::command]
pub async fn resume_consent(
    state: State<'_, AppState>,
    consent_id: String,
) -> CommandResult<RevocationView> {
    Ok(state.engine().await?.resume(&consent_id).await?)
}

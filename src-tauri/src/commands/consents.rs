//! Consent requests, consents, and withdrawing them (revoke, pause, resume).

use khata_engine::views::{
    ConsentRequestView, ConsentView, RequestQuoteView, RevocationView, SignalChoice,
};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

pub async fn consent_requests(
    state: State<'_, AppState>,
) -> CommandResult<Vec<ConsentRequestView>> {
    Ok(state.engine().await?.consent_requests().await?)
}

/// The lender's signed quote of a pending request if the borrower shared exactly `shared`.
pub async fn quote_request(
    state: State<'_, AppState>,
    request_id: String,
    shared: Vec<String>,
) -> CommandResult<RequestQuoteView> {
    Ok(state
        .engine()
        .await?
        .quote_request(&request_id, shared)
        .await?)
}

pub async fn decide_consent(
    state: State<'_, AppState>,
    request_id: String,
    choices: Vec<SignalChoice>,
) -> CommandResult<ConsentView> {
    Ok(state.engine().await?.decide(&request_id, choices).await?)
}

pub async fn consents(state: State<'_, AppState>) -> CommandResult<Vec<ConsentView>> {
    Ok(state.engine().await?.consents().await?)
}

/// Revokes the whole consent when `signals` is empty. Recorded at once; delivered by the outbox.
pub async fn revoke_consent(
    state: State<'_, AppState>,
    consent_id: String,
    signals: Vec<String>,
) -> CommandResult<RevocationView> {
    Ok(state.engine().await?.revoke(&consent_id, signals).await?)
}

pub async fn pause_consent(
    state: State<'_, AppState>,
    consent_id: String,
) -> CommandResult<RevocationView> {
    Ok(state.engine().await?.pause(&consent_id).await?)
}

pub async fn resume_consent(
    state: State<'_, AppState>,
    consent_id: String,
) -> CommandResult<RevocationView> {
    Ok(state.engine().await?.resume(&consent_id).await?)
}

//! Connecting to lenders and keeping their records in sync; the Home overview.

use khata_engine::views::{LenderView, Overview, Progress, SandboxScenarioView, SyncSummary};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use super::forward;
use crate::background::review_and_emit;
use crate::error::CommandResult;
use crate::state::AppState;

pub async fn overview(state: State<'_, AppState>) -> CommandResult<Overview> {
    Ok(state.engine().await?.overview().await?)
}

/// Starts the built-in sandbox lender on 127.0.0.1 (in `scenario` when a tester picked one),
/// connects and syncs.
pub async fn connect_sandbox(
    app: AppHandle,
    state: State<'_, AppState>,
    scenario: Option<String>,
    on_progress: Channel<Progress>,
) -> CommandResult<LenderView> {
    let engine = state.engine().await?;
    let lender = engine
        .connect_sandbox_playing(scenario, forward(on_progress.clone()))
        .await?;
    {
        let _gate = state.sync_gate.lock().await;
        engine.sync(&lender.id, forward(on_progress)).await?;
    }
    review_and_emit(&app, &engine).await;
    Ok(lender)
}

/// The scenarios the built-in sandbox lender can play, for Connect's picker (testing only).
pub async fn sandbox_scenarios(
    state: State<'_, AppState>,
) -> CommandResult<Vec<SandboxScenarioView>> {
    Ok(state.engine().await?.sandbox_scenarios())
}

/// Connects to a lender by URL: discovery, then OAuth in the system browser (RFC 8252).
/// `repin` is the offered fingerprint of a refused connect (`lender_identity_conflict`), passed
/// once the borrower has compared both fingerprints.
pub async fn connect_lender(
    app: AppHandle,
    state: State<'_, AppState>,
    url: String,
    repin: Option<String>,
    on_progress: Channel<Progress>,
) -> CommandResult<LenderView> {
    let engine = state.engine().await?;
    let lender = engine
        .connect_repinning(&url, repin, |authorize_url| async move {
            tauri_plugin_opener::open_url(authorize_url.as_str(), None::<&str>).map_err(|e| {
                khata_lending::LendingError::Usage(format!("could not open the browser: {e}"))
            })
        })
        .await?;
    {
        let _gate = state.sync_gate.lock().await;
        engine.sync(&lender.id, forward(on_progress)).await?;
    }
    review_and_emit(&app, &engine).await;
    Ok(lender)
}

/// Syncs one lender with progress; `cancel_task("sync")` stops it (what was stored stays).
pub async fn sync_lender(
    app: AppHandle,
    state: State<'_, AppState>,
    lender_id: String,
    on_progress: Channel<Progress>,
) -> CommandResult<SyncSummary> {
    let engine = state.engine().await?;
    let summary = {
        // After any background pass in progress: one sync at a time.
        let _gate = state.sync_gate.lock().await;
        let cancel = state.cancel_flag(SYNC_TASK);
        engine
            .sync_cancellable(&lender_id, forward(on_progress), cancel)
            .await?
    };
    review_and_emit(&app, &engine).await;
    Ok(summary)
}

/// The task name the UI cancels a sync by.
pub const SYNC_TASK: &str = "sync";

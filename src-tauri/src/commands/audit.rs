//! The Audit screen: findings from the vault, and a grievance to the lender (a packet saved
//! through the native dialog, or filed through the lender API).

use khata_engine::audit::AuditReport;
use khata_engine::grievance::{GrievanceDraft, GrievancePacketSummary};
use khata_engine::report_words::ReportLanguage;
use khata_engine::views::RightsRequestView;
use tauri::{AppHandle, State};

use crate::error::CommandResult;
use crate::state::AppState;

/// Every violation and explanation mismatch found in the vault, most severe first.
pub async fn audit_report(state: State<'_, AppState>) -> CommandResult<AuditReport> {
    Ok(state.engine().await?.audit().await?)
}

/// What the grievance letter to one lender cites; the UI words it in the reader's language.
pub async fn grievance_draft(
    state: State<'_, AppState>,
    lender_id: String,
) -> CommandResult<GrievanceDraft> {
    Ok(state.engine().await?.grievance_draft(&lender_id).await?)
}

/// Asks where to save, then writes the grievance packet (zip); `None` if cancelled.
pub async fn save_grievance_packet(
    app: AppHandle,
    state: State<'_, AppState>,
    lender_id: String,
    letter: String,
    language: ReportLanguage,
) -> CommandResult<Option<GrievancePacketSummary>> {
    let engine = state.engine().await?;
    let Some(path) =
        super::ask_save_path(&app, "khata-grievance.zip", "Grievance packet (zip)", "zip").await
    else {
        return Ok(None);
    };
    Ok(Some(
        engine
            .save_grievance_packet(&lender_id, &letter, language, &path)
            .await?,
    ))
}

/// Files the grievance with the lender; tracked under Rights with its ticket and due date.
pub async fn file_grievance(
    state: State<'_, AppState>,
    lender_id: String,
    letter: String,
    summary: Option<String>,
) -> CommandResult<RightsRequestView> {
    Ok(state
        .engine()
        .await?
        .file_grievance(&lender_id, &letter, summary.as_deref())
        .await?)
}

//! Data-subject rights requests (access, correction, erasure, grievance, nomination, a
//! person's review) with their statutory clocks, and what an overdue one offers: the facts of a
//! follow-up letter or a complaint, saved with the evidence, and calendar reminders.

use khata_engine::escalation::CalendarText;
use khata_engine::grievance::GrievancePacketSummary;
use khata_engine::views::{
    CorrectionContext, EscalationFacts, NextStep, RequestNominee, RightsKindView,
    RightsRequestView, RightsSubject,
};
use tauri::{AppHandle, State};

use crate::error::CommandResult;
use crate::state::AppState;

pub async fn rights_requests(state: State<'_, AppState>) -> CommandResult<Vec<RightsRequestView>> {
    Ok(state.engine().await?.rights_requests().await?)
}

pub async fn request_right(
    state: State<'_, AppState>,
    lender_id: String,
    kind: RightsKindView,
    details: String,
    about: RightsSubject,
    nominee: Option<RequestNominee>,
) -> CommandResult<RightsRequestView> {
    Ok(state
        .engine()
        .await?
        .request_right(&lender_id, kind, details, about, nominee)
        .await?)
}

/// What the lender holds of one signal as far as Khata knows, before a correction.
pub async fn correction_context(
    state: State<'_, AppState>,
    lender_id: String,
    signal: String,
) -> CommandResult<CorrectionContext> {
    Ok(state
        .engine()
        .await?
        .correction_context(&lender_id, &signal)
        .await?)
}

/// The facts the UI words a follow-up letter or a complaint from.
pub async fn escalation_draft(
    state: State<'_, AppState>,
    request_id: String,
) -> CommandResult<EscalationFacts> {
    Ok(state.engine().await?.escalation_draft(&request_id).await?)
}

/// Asks where to save, then writes the letter or complaint with the evidence (zip); `None` if
/// cancelled.
pub async fn save_escalation_packet(
    app: AppHandle,
    state: State<'_, AppState>,
    request_id: String,
    to: NextStep,
    text: String,
) -> CommandResult<Option<GrievancePacketSummary>> {
    let engine = state.engine().await?;
    let Some(path) = super::ask_save_path(
        &app,
        "khata-complaint.zip",
        "Complaint with evidence (zip)",
        "zip",
    )
    .await
    else {
        return Ok(None);
    };
    Ok(Some(
        engine
            .save_escalation_packet(&request_id, to, &text, &path)
            .await?,
    ))
}

/// Asks where to save, then writes the calendar of deadlines (`.ics`); the path, or `None` if
/// cancelled.
pub async fn save_rights_calendar(
    app: AppHandle,
    state: State<'_, AppState>,
    request_id: Option<String>,
    texts: Vec<CalendarText>,
) -> CommandResult<Option<String>> {
    let engine = state.engine().await?;
    let Some(path) =
        super::ask_save_path(&app, "khata-deadlines.ics", "Calendar (ics)", "ics").await
    else {
        return Ok(None);
    };
    Ok(Some(
        engine
            .save_rights_calendar(request_id.as_deref(), &texts, &path)
            .await?,
    ))
}

//! Data-subject rights requests: erasure, correction, grievance, human review.

use khata_engine::views::{RightsKindView, RightsRequestView};
use tauri::State;

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
) -> CommandResult<RightsRequestView> {
    Ok(state
        .engine()
        .await?
        .request_right(&lender_id, kind, details)
        .await?)
}

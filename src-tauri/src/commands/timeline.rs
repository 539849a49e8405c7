//! The signals timeline (every disclosure), the evidence behind one, and the lenders' signal
//! catalogues (how the UI names a signal cited by id).

use khata_engine::views::{EvidenceView, LenderSignalView, TimelinePage, TimelineQuery};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

pub async fn timeline(
    state: State<'_, AppState>,
    query: TimelineQuery,
) -> CommandResult<TimelinePage> {
    Ok(state.engine().await?.timeline(query).await?)
}

pub async fn evidence(
    state: State<'_, AppState>,
    disclosure_id: i64,
) -> CommandResult<EvidenceView> {
    Ok(state.engine().await?.evidence(disclosure_id).await?)
}

pub async fn signal_catalog(state: State<'_, AppState>) -> CommandResult<Vec<LenderSignalView>> {
    Ok(state.engine().await?.signal_catalog().await?)
}

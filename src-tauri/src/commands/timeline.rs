//! The signals timeline (every disclosure) and the evidence behind one.

use khata_engine::views::{EvidenceView, TimelinePage, TimelineQuery};
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

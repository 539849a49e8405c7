//! The offer, its explanation, and the lender's what-if quote.

use khata_engine::views::{OfferView, WhatIfView};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

pub async fn latest_offer(state: State<'_, AppState>) -> CommandResult<Option<OfferView>> {
    Ok(state.engine().await?.latest_offer().await?)
}

/// The lender's counterfactual with `withhold` signals left out, beside the real offer.
pub async fn what_if(
    state: State<'_, AppState>,
    withhold: Vec<String>,
) -> CommandResult<WhatIfView> {
    Ok(state.engine().await?.what_if(withhold).await?)
}

//! Rights requests (erasure, correction, grievance, human review): recorded and queued in the
//! outbox in one step, delivered to the lender, listed with their due dates.

use khata_vault::now_ms;

use super::{Engine, lender_names};
use crate::convert;
use crate::error::{EngineError, Result};
use crate::views::*;

impl Engine {
    /// Rights requests, newest first.
    pub async fn rights_requests(&self) -> Result<Vec<RightsRequestView>> {
        self.with_vault(|v| {
            let names = lender_names(v)?;
            let now = now_ms();
            Ok(v.rights_requests(None)?
                .iter()
                .filter_map(|r| convert::rights_view(r, &names, now))
                .collect())
        })
        .await
    }

    /// Files a rights request with a lender: recorded and queued in one transaction, then
    /// delivered (now if the lender answers, later by the outbox otherwise).
    pub async fn request_right(
        &self,
        lender_id: &str,
        kind: RightsKindView,
        details: String,
    ) -> Result<RightsRequestView> {
        if details.trim().is_empty() || details.chars().count() > RIGHTS_DETAIL_MAX {
            return Err(EngineError::InvalidInput(format!(
                "describe the request in 1 to {RIGHTS_DETAIL_MAX} characters"
            )));
        }
        let lid = lender_id.to_string();
        let vkind = convert::rights_kind(kind);
        let (req, _) = self
            .with_vault(move |v| {
                if v.lender(&lid)?.is_none() {
                    return Err(EngineError::NotFound(format!("no connected lender {lid}")));
                }
                Ok(v.add_rights_request(&lid, vkind, Some(&details), None)?)
            })
            .await?;
        let _ = self.deliver_outbox().await;
        let id = req.id.clone();
        self.with_vault(move |v| {
            let names = lender_names(v)?;
            let r = v
                .rights_request(&id)?
                .ok_or_else(|| EngineError::NotFound(format!("no rights request {id}")))?;
            convert::rights_view(&r, &names, now_ms())
                .ok_or_else(|| EngineError::Internal("unknown rights kind".into()))
        })
        .await
    }
}

//! Consent decisions: the borrower's grant or deny per requested signal, sent to the lender and
//! the signed consent it returns kept.

use std::collections::HashSet;

use khata_lending::types as wire;

use super::Engine;
use crate::error::{EngineError, Result};
use crate::views::*;

impl Engine {
    /// Answers a consent request: `choices` per signal (a signal left out is denied). Returns
    /// the signed consent as stored.
    pub async fn decide(
        &self,
        request_id: &str,
        choices: Vec<SignalChoice>,
    ) -> Result<ConsentView> {
        let rid = request_id.to_string();
        let stored = self
            .with_vault(move |v| {
                v.consent_requests(None)?
                    .into_iter()
                    .find(|r| r.id == rid)
                    .ok_or_else(|| EngineError::NotFound(format!("no consent request {rid}")))
            })
            .await?;
        if stored.status != "PENDING" {
            return Err(EngineError::InvalidInput(
                "this consent request was already decided".into(),
            ));
        }
        let req: wire::ConsentRequest = serde_json::from_str(&stored.json)?;
        let requested: HashSet<&str> = req.signals.iter().map(String::as_str).collect();
        if let Some(bad) = choices
            .iter()
            .find(|c| !requested.contains(c.signal.as_str()))
        {
            return Err(EngineError::InvalidInput(format!(
                "the lender did not ask for the signal {}",
                bad.signal
            )));
        }
        let decisions = req
            .signals
            .iter()
            .map(|s| wire::SignalDecision {
                signal: s.clone(),
                decision: if choices.iter().any(|c| &c.signal == s && c.grant) {
                    wire::Decision::Grant
                } else {
                    wire::Decision::Deny
                },
            })
            .collect();
        let client = self.client(&stored.lender_id).await?;
        let key = uuid::Uuid::new_v4().to_string();
        let consent = client
            .decide(request_id, &wire::ConsentDecisionBody { decisions }, &key)
            .await?;
        // The consent must be this lender's, under an id no other lender holds.
        if consent.lender_id != stored.lender_id
            || !self.store_consent(client.keys(), &consent).await?
        {
            return Err(EngineError::LenderRejected(
                "the lender answered with a consent that names another lender or reuses \
                 another lender's consent id; it was not stored"
                    .into(),
            ));
        }
        let mut decided = req.clone();
        decided.status = wire::ConsentRequestStatus::Decided;
        self.store_requests(&stored.lender_id, &[decided]).await?;
        // The lender scores the new consent at once: fetch the offer (best effort).
        if let Ok(offers) = client.offers().await {
            for o in &offers.items {
                self.store_offer(client.keys(), o).await?;
            }
        }
        self.consent(&consent.consent_id).await
    }
}

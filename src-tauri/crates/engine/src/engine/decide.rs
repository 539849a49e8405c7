//! Consent decisions: the borrower's grant or deny per requested signal, ledgered, sent to the
//! lender, and the signed consent it returns kept — as evidence, never widening locally what the
//! borrower chose.

use std::collections::HashSet;

use khata_evidence::audit::{BorrowerRequest, check_consent};
use khata_lending::types as wire;
use khata_vault::now_ms;

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
        let (stored, req) = self.pending_request(request_id).await?;
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
        let granted: Vec<String> = req
            .signals
            .iter()
            .filter(|s| choices.iter().any(|c| &c.signal == *s && c.grant))
            .cloned()
            .collect();
        let decisions = req
            .signals
            .iter()
            .map(|s| wire::SignalDecision {
                signal: s.clone(),
                decision: if granted.contains(s) {
                    wire::Decision::Grant
                } else {
                    wire::Decision::Deny
                },
            })
            .collect();
        let client = self.client(&stored.lender_id).await?;
        // The borrower's choice is ledgered before it is sent: it is the measure of the
        // consent that comes back, and the truth for `signal-denied` whatever that says.
        let row = crate::requests::decision_row(&req, &stored.lender_id, granted, now_ms());
        let decision: BorrowerRequest = serde_json::from_str(&row.record)?;
        self.with_vault(move |v| Ok(v.record_request(&row)?))
            .await?;
        let key = uuid::Uuid::new_v4().to_string();
        let signed = client
            .decide_signed(request_id, &wire::ConsentDecisionBody { decisions }, &key)
            .await?;
        let consent = &signed.value;
        let altered = check_consent(&decision, consent);
        if let Some(first) = altered.first() {
            tracing::warn!(
                consent = %consent.consent_id,
                field = first.field,
                "the consent returned differs from the decision; the decision holds locally"
            );
        }
        // The consent must be this lender's, under an id no other lender holds.
        if consent.lender_id != stored.lender_id
            || !self.store_consent(client.keys(), &signed).await?
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
        if let Ok(offers) = client.offers_signed().await {
            for o in &offers {
                self.store_offer(client.keys(), o).await?;
            }
        }
        self.consent(&consent.consent_id).await
    }
}

impl Engine {
    /// The stored consent request `request_id` and its wire form, if it still waits for the
    /// borrower's decision (deciding and quoting both need one that does).
    pub(super) async fn pending_request(
        &self,
        request_id: &str,
    ) -> Result<(khata_vault::StoredConsentRequest, wire::ConsentRequest)> {
        let rid = request_id.to_owned();
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
        Ok((stored, req))
    }
}

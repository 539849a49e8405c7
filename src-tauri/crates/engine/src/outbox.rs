//! Revocations, pauses, resumes and rights requests through the transactional outbox:
//! recorded in the vault with their typed outbox message in one transaction, then delivered
//! with the stored idempotency key and full-jitter backoff until the lender's signed answer
//! verifies. State lives in the vault, so delivery survives restarts; the lender de-duplicates
//! by key, so it lands once.

use std::sync::Arc;
use std::time::Duration;

use khata_evidence::audit::check_receipt;
use khata_lending::full_jitter_backoff;
use khata_lending::lender_text;
use khata_lending::redact;
use khata_lending::types as wire;
use khata_lending::{LendingClient, Signed};
use khata_vault::{
    ConsentActionKind, ConsentStatus, OutboxItem, OutboxMessage, RightsKind, RightsStatus,
    Statement, now_ms,
};

use crate::convert;
use crate::engine::{Engine, signed_bytes};
use crate::error::{EngineError, Result};
use crate::signed::raw_bytes;
use crate::views::*;

impl Engine {
    /// Revokes a consent (`signals` empty) or some of its granted signals: recorded with its
    /// outbox message in one vault transaction, then delivered (now if the lender answers).
    pub async fn revoke(&self, consent_id: &str, signals: Vec<String>) -> Result<RevocationView> {
        let cid = consent_id.to_string();
        let sigs = signals.clone();
        let action = self
            .with_vault(move |v| {
                let c = v
                    .consent(&cid)?
                    .ok_or_else(|| EngineError::NotFound(format!("no consent {cid}")))?;
                if c.status == ConsentStatus::Revoked {
                    return Err(EngineError::InvalidInput(
                        "this consent is already revoked".into(),
                    ));
                }
                let already: Vec<String> = v
                    .consent_actions(Some(&cid))?
                    .into_iter()
                    .filter(|a| a.action == ConsentActionKind::Revoke)
                    .flat_map(|a| a.signals)
                    .collect();
                let live: Vec<&String> = c
                    .signals_granted
                    .iter()
                    .filter(|s| !already.contains(s))
                    .collect();
                for s in &sigs {
                    if !live.contains(&s) {
                        return Err(EngineError::InvalidInput(format!(
                            "{s} is not a granted signal of this consent"
                        )));
                    }
                }
                let whole = sigs.is_empty() || live.iter().all(|s| sigs.contains(s));
                let status = whole.then_some(ConsentStatus::Revoked);
                Ok(v.record_consent_action(
                    &cid,
                    ConsentActionKind::Revoke,
                    &sigs,
                    status,
                    crate::requests::action_record,
                )?)
            })
            .await?;
        self.deliver_now_and_view(&action.revocation.id).await
    }

    /// Pauses an active consent (through the outbox).
    pub async fn pause(&self, consent_id: &str) -> Result<RevocationView> {
        self.status_action(
            consent_id,
            ConsentActionKind::Pause,
            ConsentStatus::Active,
            ConsentStatus::Paused,
        )
        .await
    }

    /// Resumes a paused consent (through the outbox).
    pub async fn resume(&self, consent_id: &str) -> Result<RevocationView> {
        self.status_action(
            consent_id,
            ConsentActionKind::Resume,
            ConsentStatus::Paused,
            ConsentStatus::Active,
        )
        .await
    }

    async fn status_action(
        &self,
        consent_id: &str,
        action: ConsentActionKind,
        from: ConsentStatus,
        to: ConsentStatus,
    ) -> Result<RevocationView> {
        let cid = consent_id.to_string();
        let rec = self
            .with_vault(move |v| {
                let c = v
                    .consent(&cid)?
                    .ok_or_else(|| EngineError::NotFound(format!("no consent {cid}")))?;
                if c.status != from {
                    return Err(EngineError::InvalidInput(format!(
                        "only a consent that is {} can be {}d",
                        from.as_str().to_lowercase(),
                        action.as_str()
                    )));
                }
                Ok(v.record_consent_action(
                    &cid,
                    action,
                    &[],
                    Some(to),
                    crate::requests::action_record,
                )?)
            })
            .await?;
        self.deliver_now_and_view(&rec.revocation.id).await
    }

    async fn deliver_now_and_view(&self, revocation_id: &str) -> Result<RevocationView> {
        if let Err(e) = self.deliver_outbox().await {
            tracing::info!(error = %e, "delivery deferred to the outbox worker");
        }
        self.revocation(revocation_id).await
    }

    /// One revocation (or pause/resume) with its delivery state.
    pub async fn revocation(&self, revocation_id: &str) -> Result<RevocationView> {
        let id = revocation_id.to_string();
        self.with_vault(move |v| {
            v.consent_action(&id)?
                .as_ref()
                .map(convert::revocation_view)
                .ok_or_else(|| EngineError::NotFound(format!("no revocation {id}")))
        })
        .await
    }

    /// Sends every due outbox message once, each with its stored idempotency key; verifies
    /// the signed receipt and marks it acknowledged. Failures are rescheduled with full
    /// jitter. Returns how many were acknowledged in this pass.
    pub async fn deliver_outbox(&self) -> Result<usize> {
        let _one_at_a_time = self.deliver_lock.lock().await;
        let due = self
            .with_vault(|v| Ok(v.due_outbox(now_ms(), 100)?))
            .await?;
        let mut acked = 0;
        let mut first_err = None;
        for item in due {
            match self.deliver_one(&item).await {
                Ok(()) => acked += 1,
                Err(e) => {
                    if !e.is_unreachable() {
                        self.forget_client(&item.lender_id).await;
                    }
                    let attempt = item.attempts.clamp(0, 30) as u32;
                    let wait = full_jitter_backoff(
                        self.cfg.outbox_backoff_base,
                        self.cfg.outbox_backoff_cap,
                        attempt,
                    );
                    let next = now_ms() + wait.as_millis() as i64;
                    let id = item.id.clone();
                    let msg = e.to_string();
                    tracing::info!(outbox = %item.id, attempt, error = %msg, "delivery failed; will retry");
                    self.with_vault(move |v| Ok(v.mark_outbox_failed(&id, &msg, next)?))
                        .await?;
                    if first_err.is_none() {
                        first_err = Some(e);
                    }
                }
            }
        }
        match first_err {
            Some(e) if acked == 0 && e.is_unreachable() => Err(e),
            _ => Ok(acked),
        }
    }

    async fn deliver_one(&self, item: &OutboxItem) -> Result<()> {
        // Not marked `sent` first: one attempt counts once (`mark_outbox_failed` counts it),
        // and an item interrupted mid-send stays due, to be re-sent with the same key.
        if let OutboxMessage::Unreadable { error, .. } = &item.message {
            return Err(unreadable(error));
        }
        let client = self.client(&item.lender_id).await?;
        let key = item.idempotency_key.as_str();
        let (consent_id, signed) = match &item.message {
            OutboxMessage::Revoke {
                consent_id,
                signals,
            } => {
                let body = wire::RevokeBody {
                    signals: (!signals.is_empty()).then(|| signals.clone()),
                    reason: None,
                };
                (
                    consent_id,
                    client.revoke_signed(consent_id, &body, key).await?,
                )
            }
            OutboxMessage::Pause { consent_id } => {
                (consent_id, client.pause_signed(consent_id, key).await?)
            }
            OutboxMessage::Resume { consent_id } => {
                (consent_id, client.resume_signed(consent_id, key).await?)
            }
            OutboxMessage::RightsRequest {
                request_id,
                kind,
                details,
                consent_id,
            } => {
                return self
                    .deliver_rights_request(
                        item,
                        &client,
                        request_id,
                        *kind,
                        details.as_deref(),
                        consent_id.clone(),
                    )
                    .await;
            }
            OutboxMessage::Unreadable { error, .. } => return Err(unreadable(error)),
        };
        let receipt = &signed.value;
        // A consent action: the lender's signed receipt must be for this very request; it
        // carries the consent as it now stands.
        if receipt.idempotency_key != item.idempotency_key || receipt.consent_id != *consent_id {
            return Err(EngineError::SignatureInvalid(
                "the receipt is for another request".into(),
            ));
        }
        let bytes = raw_bytes(client.keys(), &signed.raw)?;
        let arrived = now_ms();
        let st = Statement {
            kind: "receipt".into(),
            id: receipt.receipt_id.clone(),
            version: 0,
            lender_id: item.lender_id.clone(),
            received_at: arrived,
            json: bytes.clone(),
        };
        // It must also say what was asked. A receipt that contradicts the request is kept as
        // evidence (the audit's `receipt-contradicts-request`) but confirms nothing: the
        // action stays pending and the consent it carries is not stored.
        let record_id = item.record_id.clone();
        let request = self
            .with_vault(move |v| crate::requests::recorded(v, &record_id))
            .await?
            .or_else(|| crate::requests::from_outbox(item));
        if let Some(req) = request {
            let wrong = check_receipt(&req, receipt, arrived);
            if let Some(first) = wrong.first() {
                tracing::warn!(
                    outbox = %item.id,
                    field = first.field,
                    "the lender's receipt contradicts the request; kept as evidence, not as a confirmation"
                );
                // The lender's words, cut and cleaned: this message is logged and shown.
                let (field, asked, answered) = (
                    first.field,
                    lender_text::sanitize(&first.asked),
                    lender_text::sanitize(&first.answered),
                );
                self.with_vault(move |v| Ok(v.put_statement(&st).map(|_| ())?))
                    .await?;
                return Err(EngineError::LenderRejected(format!(
                    "its receipt contradicts the request ({field}: asked {asked}, answered {answered})"
                )));
            }
        }
        let embedded = Signed {
            value: receipt.consent.clone(),
            raw: signed.raw.get("consent").cloned().unwrap_or_default(),
        };
        let consent = with_disclosures(&client, embedded).await;
        self.store_consent(client.keys(), &consent).await?;
        let id = item.id.clone();
        self.with_vault(move |v| {
            v.put_statement(&st)?;
            v.mark_outbox_acknowledged(&id, &bytes)?;
            Ok(())
        })
        .await
    }

    /// Files a rights request with the lender and keeps its signed answer, ticket and due date.
    async fn deliver_rights_request(
        &self,
        item: &OutboxItem,
        client: &LendingClient,
        request_id: &str,
        kind: RightsKind,
        details: Option<&str>,
        consent_id: Option<String>,
    ) -> Result<()> {
        let kind = convert::wire_rights_kind(kind).ok_or_else(|| {
            EngineError::InvalidInput("this lender does not take that kind of request".into())
        })?;
        let body = wire::RightsRequestBody {
            kind,
            detail: details.unwrap_or_default().to_owned(),
            signal: None,
            offer_id: None,
            consent_id,
        };
        let answer = client
            .create_rights_request(&body, &item.idempotency_key)
            .await?;
        let (_, bytes) = signed_bytes(client.keys(), &answer)?;
        let st = Statement {
            kind: "rights".into(),
            id: request_id.to_owned(),
            version: 0,
            lender_id: item.lender_id.clone(),
            received_at: now_ms(),
            json: bytes.clone(),
        };
        let (id, request_id) = (item.id.clone(), request_id.to_owned());
        let status = match convert::rights_status(answer.status) {
            RightsStatus::Acknowledged => RightsStatus::Sent,
            s => s,
        };
        self.with_vault(move |v| {
            v.put_statement(&st)?;
            v.set_rights_status(&request_id, status, Some(&answer.ticket))?;
            v.set_rights_due(&request_id, Some(answer.due_by.timestamp_millis()))?;
            v.mark_outbox_acknowledged(&id, &bytes)?;
            Ok(())
        })
        .await
    }
}

/// A background delivery loop; stop it with [`OutboxWorker::stop`].
pub struct OutboxWorker {
    stop: tokio::sync::watch::Sender<bool>,
    handle: tokio::task::JoinHandle<()>,
}

impl OutboxWorker {
    /// Asks the loop to stop and waits for it (an in-flight delivery finishes first).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}

/// Runs [`Engine::deliver_outbox`] every `every` until stopped.
pub fn spawn_outbox_worker(engine: Arc<Engine>, every: Duration) -> OutboxWorker {
    let (tx, mut rx) = tokio::sync::watch::channel(false);
    let handle = tokio::spawn(async move {
        loop {
            if *rx.borrow() {
                break;
            }
            if let Err(e) = engine.deliver_outbox().await {
                tracing::debug!(error = %e, "outbox pass failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                _ = rx.changed() => {}
            }
        }
    });
    OutboxWorker { stop: tx, handle }
}

/// Why a stored message this version cannot read is not sent: it stays in the vault as it is
/// (a damaged row, or one from a newer version) and its delivery keeps failing with this reason.
fn unreadable(error: &str) -> EngineError {
    EngineError::Internal(format!(
        "this queued message cannot be read ({error}); it is kept in the vault and not sent"
    ))
}

/// The consent a receipt carries, with its values when the lender will give them: a v2 receipt
/// embeds the consent's commitments only (so sharing a receipt discloses no customer id), so the
/// same version is fetched and kept instead when its statement bytes are exactly the embedded
/// ones. Otherwise — a 1.x lender, the lender unreachable, another version — the embedded one.
async fn with_disclosures(
    client: &LendingClient,
    embedded: Signed<wire::Consent>,
) -> Signed<wire::Consent> {
    if embedded.raw.get(redact::SD).is_none() {
        return embedded;
    }
    let Ok(fetched) = client.consent_signed(&embedded.value.consent_id).await else {
        return embedded;
    };
    match (
        redact::statement_bytes(&fetched.raw),
        redact::statement_bytes(&embedded.raw),
    ) {
        (Ok(a), Ok(b)) if a == b => fetched,
        _ => embedded,
    }
}

//! Consent actions (revoke whole or per signal, pause, resume): each recorded with its local
//! status change and its outbox message in one transaction, so the lender is told exactly once
//! what the borrower decided, however often delivery is retried.

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::outbox::{OUTBOX_COLS, enqueue, outbox_from_row};
use super::requests::{BorrowerRequestRow, put_request};
use super::{Vault, from_json, json, now_ms};
use crate::error::{Result, VaultError};
use crate::model::*;

/// A consent action (revoke, pause, resume) with its delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsentAction {
    pub revocation: Revocation,
    pub action: ConsentActionKind,
    /// Signals it applies to; empty means the whole consent.
    pub signals: Vec<String>,
    pub outbox: Option<OutboxItem>,
}

const ACTION_COLS: &str = "id, consent_id, lender_id, requested_at, reason, action, signals";

/// A consent action's row, without its outbox message.
fn action_from_row(r: &Row<'_>) -> rusqlite::Result<ConsentAction> {
    Ok(ConsentAction {
        revocation: Revocation {
            id: r.get(0)?,
            consent_id: r.get(1)?,
            lender_id: r.get(2)?,
            requested_at: r.get(3)?,
            reason: r.get(4)?,
        },
        action: r.get(5)?,
        signals: from_json(&r.get::<_, String>(6)?, 6)?,
        outbox: None,
    })
}

impl Vault {
    /// Records a consent action and queues it for the lender in one transaction: a
    /// revocation record (with `action` and `signals`), the local status change when
    /// `new_status` is given, the outbox message for `action` with a fresh idempotency key,
    /// and the borrower's request as `describe` words it from the action (the record of what
    /// was asked, ledgered as `borrower.request` before anything is sent).
    pub fn record_consent_action(
        &mut self,
        consent_id: &str,
        action: ConsentActionKind,
        signals: &[String],
        new_status: Option<ConsentStatus>,
        describe: impl FnOnce(&ConsentAction) -> String,
    ) -> Result<ConsentAction> {
        let signals_json = serde_json::to_string(signals)?;
        self.write(|tx, led| {
            let row: Option<(String, ConsentStatus)> = tx
                .prepare_cached("SELECT lender_id, status FROM consents WHERE id = ?1")?
                .query_row([consent_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let (lender_id, status) = row.ok_or_else(|| VaultError::NotFound {
                kind: "consent",
                id: consent_id.into(),
            })?;
            if status == ConsentStatus::Revoked {
                return Err(VaultError::Invalid("the consent is already revoked".into()));
            }
            let now = now_ms();
            if let Some(s) = new_status
                && s != status
            {
                tx.prepare_cached("UPDATE consents SET status = ?2 WHERE id = ?1")?
                    .execute(rusqlite::params![consent_id, s])?;
                let st = serde_json::json!({ "id": consent_id, "status": s });
                led.append(tx, "consent.status", consent_id, &json(&st)?)?;
            }
            let rev = Revocation {
                id: uuid::Uuid::new_v4().to_string(),
                consent_id: consent_id.into(),
                lender_id: lender_id.clone(),
                requested_at: now,
                reason: None,
            };
            tx.prepare_cached(&format!(
                "INSERT INTO revocations ({ACTION_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            ))?
            .execute(rusqlite::params![
                rev.id,
                rev.consent_id,
                rev.lender_id,
                rev.requested_at,
                rev.reason,
                action,
                signals_json
            ])?;
            let rec = serde_json::json!({"revocation": rev, "action": action, "signals": signals});
            led.append(tx, "revocation.add", &rev.id, &json(&rec)?)?;
            let message = OutboxMessage::consent_action(action, consent_id, signals);
            let item = enqueue(tx, led, &rev.id, &lender_id, message, now)?;
            let done = ConsentAction {
                revocation: rev,
                action,
                signals: signals.to_vec(),
                outbox: Some(item),
            };
            put_request(
                tx,
                led,
                &BorrowerRequestRow {
                    id: done.revocation.id.clone(),
                    lender_id,
                    kind: "consentAction".into(),
                    requested_at: now,
                    record: describe(&done),
                },
            )?;
            Ok(done)
        })
    }

    /// Consent actions (all consents when `consent_id` is `None`), newest first, each with its
    /// outbox message.
    pub fn consent_actions(&self, consent_id: Option<&str>) -> Result<Vec<ConsentAction>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {ACTION_COLS} FROM revocations WHERE ?1 IS NULL OR consent_id = ?1 \
             ORDER BY requested_at DESC, id"
        ))?;
        let actions = st
            .query_map([consent_id], action_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        actions.into_iter().map(|a| self.with_outbox(a)).collect()
    }

    /// One consent action with its outbox message, by its revocation id.
    pub fn consent_action(&self, id: &str) -> Result<Option<ConsentAction>> {
        let action = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ACTION_COLS} FROM revocations WHERE id = ?1"
            ))?
            .query_row([id], action_from_row)
            .optional()?;
        action.map(|a| self.with_outbox(a)).transpose()
    }

    /// Attaches the outbox message that carries `a` (the first one, should there be several).
    fn with_outbox(&self, mut a: ConsentAction) -> Result<ConsentAction> {
        a.outbox = self
            .conn
            .prepare_cached(&format!(
                "SELECT {OUTBOX_COLS} FROM outbox WHERE record_id = ?1 \
                 ORDER BY created_at LIMIT 1"
            ))?
            .query_row([&a.revocation.id], outbox_from_row)
            .optional()?;
        Ok(a)
    }
}

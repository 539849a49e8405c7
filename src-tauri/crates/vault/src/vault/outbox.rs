//! The transactional outbox: messages to lenders written in the same transaction as the
//! record they carry, then delivered at least once (lenders de-duplicate by idempotency key)
//! until acknowledged with a signed receipt.

use rusqlite::{OptionalExtension, Row, Transaction};

use super::{Vault, json, json_str, now_ms};
use crate::error::{Result, VaultError};
use crate::ledger::Appender;
use crate::model::*;

pub(super) const OUTBOX_COLS: &str = "id, kind, record_id, lender_id, idempotency_key, \
    payload, state, attempts, next_attempt_at, last_error, receipt, created_at, updated_at";

pub(super) fn outbox_from_row(r: &Row<'_>) -> rusqlite::Result<OutboxItem> {
    // Column 1 (`kind`) only says which table `record_id` is in; the message says it too.
    Ok(OutboxItem {
        id: r.get(0)?,
        record_id: r.get(2)?,
        lender_id: r.get(3)?,
        idempotency_key: r.get(4)?,
        // Tolerant: a payload that does not parse fails its own delivery, not every read.
        message: OutboxMessage::from_stored(r.get(5)?),
        state: r.get(6)?,
        attempts: r.get(7)?,
        next_attempt_at: r.get(8)?,
        last_error: r.get(9)?,
        receipt: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

/// Queues `message` about `record_id` for `lender_id` inside the caller's transaction, with a
/// fresh idempotency key that every retry will reuse.
pub(super) fn enqueue(
    tx: &Transaction<'_>,
    led: &mut Appender,
    record_id: &str,
    lender_id: &str,
    message: OutboxMessage,
    now: i64,
) -> Result<OutboxItem> {
    let item = OutboxItem {
        id: uuid::Uuid::new_v4().to_string(),
        record_id: record_id.into(),
        lender_id: lender_id.into(),
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        message,
        state: OutboxState::Pending,
        attempts: 0,
        next_attempt_at: now,
        last_error: None,
        receipt: None,
        created_at: now,
        updated_at: now,
    };
    tx.prepare_cached(&format!(
        "INSERT INTO outbox ({OUTBOX_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"
    ))?
    .execute(rusqlite::params![
        item.id,
        item.message.record_table(),
        item.record_id,
        item.lender_id,
        item.idempotency_key,
        json_str(&item.message)?,
        item.state,
        item.attempts,
        item.next_attempt_at,
        item.last_error,
        item.receipt,
        item.created_at,
        item.updated_at
    ])?;
    led.append(tx, "outbox.enqueue", &item.id, &json(&item)?)?;
    Ok(item)
}

impl Vault {
    /// Messages to (re)send now: pending ones whose backoff has passed, and sent ones whose
    /// acknowledgement is overdue (at-least-once delivery; lenders de-duplicate by key).
    pub fn due_outbox(&self, now: i64, limit: usize) -> Result<Vec<OutboxItem>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {OUTBOX_COLS} FROM outbox WHERE state IN ('pending', 'sent') \
             AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT ?2"
        ))?;
        let rows = st.query_map(rusqlite::params![now, limit as i64], outbox_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One message, by id.
    pub fn outbox_item(&self, id: &str) -> Result<Option<OutboxItem>> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {OUTBOX_COLS} FROM outbox WHERE id = ?1"))?
            .query_row([id], outbox_from_row)
            .optional()?)
    }

    fn update_outbox(
        &mut self,
        id: &str,
        kind: &str,
        sql: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<OutboxItem> {
        self.write(|tx, led| {
            let n = tx.prepare_cached(sql)?.execute(params)?;
            if n == 0 {
                return Err(VaultError::NotFound {
                    kind: "outbox item in a state that allows this",
                    id: id.into(),
                });
            }
            let item = tx
                .prepare_cached(&format!("SELECT {OUTBOX_COLS} FROM outbox WHERE id = ?1"))?
                .query_row([id], outbox_from_row)?;
            led.append(tx, kind, id, &json(&item)?)?;
            Ok(item)
        })
    }

    /// Delivery failed; retry at `next_attempt_at` (the caller picks it with full jitter).
    pub fn mark_outbox_failed(
        &mut self,
        id: &str,
        error: &str,
        next_attempt_at: i64,
    ) -> Result<OutboxItem> {
        let now = now_ms();
        self.update_outbox(
            id,
            "outbox.failed",
            "UPDATE outbox SET state = 'pending', attempts = attempts + 1, \
             next_attempt_at = ?2, last_error = ?3, updated_at = ?4 \
             WHERE id = ?1 AND state != 'acknowledged'",
            &[&id, &next_attempt_at, &error, &now],
        )
    }

    /// The lender acknowledged; keeps its signed receipt.
    pub fn mark_outbox_acknowledged(&mut self, id: &str, receipt: &[u8]) -> Result<OutboxItem> {
        let now = now_ms();
        self.update_outbox(
            id,
            "outbox.ack",
            "UPDATE outbox SET state = 'acknowledged', receipt = ?2, last_error = NULL, \
             updated_at = ?3 WHERE id = ?1 AND state != 'acknowledged'",
            &[&id, &receipt, &now],
        )
    }
}

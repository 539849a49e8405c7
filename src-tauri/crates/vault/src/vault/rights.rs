//! Data-subject rights requests: filed with their outbox message in one transaction, then
//! updated with the lender's ticket, status and due date as answers arrive.

use rusqlite::{OptionalExtension, Row};

use super::outbox::enqueue;
use super::{Vault, json, now_ms};
use crate::error::{Result, VaultError};
use crate::model::*;

const RIGHTS_COLS: &str = "id, lender_id, kind, status, ticket, details, created_at, due_at";

fn rights_from_row(r: &Row<'_>) -> rusqlite::Result<RightsRequest> {
    let kind: String = r.get(2)?;
    let status: String = r.get(3)?;
    let bad = |col: usize, v: String| {
        rusqlite::Error::FromSqlConversionFailure(
            col,
            rusqlite::types::Type::Text,
            format!("unknown value {v:?}").into(),
        )
    };
    Ok(RightsRequest {
        id: r.get(0)?,
        lender_id: r.get(1)?,
        kind: RightsKind::parse(&kind).ok_or_else(|| bad(2, kind.clone()))?,
        status: RightsStatus::parse(&status).ok_or_else(|| bad(3, status.clone()))?,
        ticket: r.get(4)?,
        details: r.get(5)?,
        created_at: r.get(6)?,
        due_at: r.get(7)?,
    })
}

impl Vault {
    /// Files a rights request and queues it for delivery in one transaction.
    pub fn add_rights_request(
        &mut self,
        lender_id: &str,
        kind: RightsKind,
        details: Option<&str>,
        due_at: Option<i64>,
    ) -> Result<(RightsRequest, OutboxItem)> {
        self.add_rights_request_about(lender_id, kind, details, due_at, None)
    }

    /// [`Vault::add_rights_request`] about one consent: the lender is told which
    /// (`consentId` on the wire).
    pub fn add_rights_request_about(
        &mut self,
        lender_id: &str,
        kind: RightsKind,
        details: Option<&str>,
        due_at: Option<i64>,
        consent_id: Option<&str>,
    ) -> Result<(RightsRequest, OutboxItem)> {
        self.write(|tx, led| {
            let now = now_ms();
            let req = RightsRequest {
                id: uuid::Uuid::new_v4().to_string(),
                lender_id: lender_id.into(),
                kind,
                status: RightsStatus::Pending,
                ticket: None,
                details: details.map(Into::into),
                created_at: now,
                due_at,
            };
            tx.prepare_cached(&format!(
                "INSERT INTO rights_requests ({RIGHTS_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"
            ))?
            .execute(rusqlite::params![
                req.id,
                req.lender_id,
                req.kind.as_str(),
                req.status.as_str(),
                req.ticket,
                req.details,
                req.created_at,
                req.due_at
            ])?;
            led.append(tx, "rights.add", &req.id, &json(&req)?)?;
            let message = OutboxMessage::RightsRequest {
                request_id: req.id.clone(),
                kind: req.kind,
                details: req.details.clone(),
                consent_id: consent_id.map(Into::into),
            };
            let item = enqueue(tx, led, &req.id, lender_id, message, now)?;
            Ok((req, item))
        })
    }

    /// Updates a rights request's status and, once known, the lender's ticket.
    pub fn set_rights_status(
        &mut self,
        id: &str,
        status: RightsStatus,
        ticket: Option<&str>,
    ) -> Result<()> {
        self.write(|tx, led| {
            let n = tx
                .prepare_cached(
                    "UPDATE rights_requests SET status = ?2, ticket = COALESCE(?3, ticket) \
                     WHERE id = ?1",
                )?
                .execute(rusqlite::params![id, status.as_str(), ticket])?;
            if n == 0 {
                return Err(VaultError::NotFound {
                    kind: "rights request",
                    id: id.into(),
                });
            }
            let payload = serde_json::json!({ "id": id, "status": status, "ticket": ticket });
            led.append(tx, "rights.status", id, &json(&payload)?)?;
            Ok(())
        })
    }

    /// Sets a rights request's due date (the lender's `dueBy`) and ticket.
    pub fn set_rights_due(&mut self, id: &str, due_at: Option<i64>) -> Result<()> {
        self.write(|tx, led| {
            tx.prepare_cached("UPDATE rights_requests SET due_at = ?2 WHERE id = ?1")?
                .execute(rusqlite::params![id, due_at])?;
            let payload = serde_json::json!({ "id": id, "dueAt": due_at });
            led.append(tx, "rights.due", id, &json(&payload)?)?;
            Ok(())
        })
    }

    /// Rights requests, newest first (all lenders when `lender_id` is `None`).
    pub fn rights_requests(&self, lender_id: Option<&str>) -> Result<Vec<RightsRequest>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {RIGHTS_COLS} FROM rights_requests WHERE ?1 IS NULL OR lender_id = ?1 \
             ORDER BY created_at DESC, id"
        ))?;
        let rows = st.query_map([lender_id], rights_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One rights request, by id.
    pub fn rights_request(&self, id: &str) -> Result<Option<RightsRequest>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {RIGHTS_COLS} FROM rights_requests WHERE id = ?1"
            ))?
            .query_row([id], rights_from_row)
            .optional()?)
    }
}

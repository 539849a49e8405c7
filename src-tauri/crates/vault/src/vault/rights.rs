//! Data-subject rights requests: filed with their outbox message in one transaction, then
//! updated with the lender's ticket, status and due date as answers arrive.

use rusqlite::{OptionalExtension, Row};

use super::outbox::enqueue;
use super::{Vault, json, json_str, now_ms};
use crate::error::{Result, VaultError};
use crate::model::*;

const RIGHTS_COLS: &str = "id, lender_id, kind, status, ticket, details, created_at, due_at, \
                           signal, offer_id, consent_id, nominee, lender_created_at";

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
    let nominee = match r.get::<_, Option<String>>(11)? {
        Some(n) => Some(serde_json::from_str::<RequestNominee>(&n).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(11, rusqlite::types::Type::Text, e.into())
        })?),
        None => None,
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
        about: RightsAbout {
            signal: r.get(8)?,
            offer_id: r.get(9)?,
            consent_id: r.get(10)?,
            nominee,
        },
        lender_created_at: r.get(12)?,
    })
}

impl Vault {
    /// Files a rights request about nothing in particular and queues it for delivery in one
    /// transaction.
    pub fn add_rights_request(
        &mut self,
        lender_id: &str,
        kind: RightsKind,
        details: Option<&str>,
        due_at: Option<i64>,
    ) -> Result<(RightsRequest, OutboxItem)> {
        self.file_rights_request(lender_id, kind, details, RightsAbout::default(), due_at)
    }

    /// Files a rights request about `about` (a signal, offer or consent, and a nomination's
    /// nominee) and queues it, carrying the same, for delivery in one transaction.
    pub fn file_rights_request(
        &mut self,
        lender_id: &str,
        kind: RightsKind,
        details: Option<&str>,
        about: RightsAbout,
        due_at: Option<i64>,
    ) -> Result<(RightsRequest, OutboxItem)> {
        let nominee = about.nominee.as_ref().map(json_str).transpose()?;
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
                about: about.clone(),
                lender_created_at: None,
            };
            tx.prepare_cached(&format!(
                "INSERT INTO rights_requests ({RIGHTS_COLS}) \
                 VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"
            ))?
            .execute(rusqlite::params![
                req.id,
                req.lender_id,
                req.kind.as_str(),
                req.status.as_str(),
                req.ticket,
                req.details,
                req.created_at,
                req.due_at,
                req.about.signal,
                req.about.offer_id,
                req.about.consent_id,
                nominee,
                req.lender_created_at
            ])?;
            led.append(tx, "rights.add", &req.id, &json(&req)?)?;
            let message = OutboxMessage::RightsRequest {
                request_id: req.id.clone(),
                kind: req.kind,
                details: req.details.clone(),
                about,
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

    /// Keeps the `createdAt` the lender signed in its answer (Unix ms): a statutory clock may
    /// start from it. The earliest it ever signed stays (a later version cannot take back an
    /// admission).
    pub fn set_rights_lender_created(&mut self, id: &str, at: i64) -> Result<()> {
        self.write(|tx, led| {
            tx.prepare_cached(
                "UPDATE rights_requests \
                 SET lender_created_at = min(coalesce(lender_created_at, ?2), ?2) WHERE id = ?1",
            )?
            .execute(rusqlite::params![id, at])?;
            let payload = serde_json::json!({ "id": id, "lenderCreatedAt": at });
            led.append(tx, "rights.lender_created", id, &json(&payload)?)?;
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

//! Disclosures: what a lender says it read, ingested page by page from its log (idempotent by
//! the lender's own id) with the signed statement of each, and the queries the timeline,
//! audit and exports read them back with.

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{Vault, blob32, json};
use crate::error::{Result, VaultError};
use crate::model::*;

/// A disclosure's lender id and signed statement as received.
pub type EventStatement = (Option<String>, Option<Vec<u8>>);

/// A stored disclosure with its lender id and signed statement.
pub type EventWithStatement = (ShareEvent, Option<String>, Option<Vec<u8>>);

/// A disclosure from a lender's log: the event plus the lender's id for it and its statement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LenderDisclosure {
    pub event: NewShareEvent,
    /// The lender's disclosure id (de-duplicates re-syncs).
    pub lender_ref: String,
    pub lender_seq: i64,
    /// The signed JSON as received.
    #[serde(with = "hex_bytes")]
    pub statement: Vec<u8>,
}

const EVENT_COLS: &str = "id, signal_id, lender_id, collected_at, purpose, consent_id, \
                          value_digest, onward_recipient, lender_signature";

fn event_from_row(r: &Row<'_>) -> rusqlite::Result<ShareEvent> {
    Ok(ShareEvent {
        id: r.get(0)?,
        event: NewShareEvent {
            signal_id: r.get(1)?,
            lender_id: r.get(2)?,
            collected_at: r.get(3)?,
            purpose: r.get(4)?,
            consent_id: r.get(5)?,
            value_digest: blob32(r, 6)?,
            onward_recipient: r.get(7)?,
            lender_signature: r.get(8)?,
        },
    })
}

impl Vault {
    /// Stores one page of a lender's disclosure log and the cursor after it, in one
    /// transaction. Disclosures already stored (same lender and `lender_ref`) are skipped, so
    /// re-syncing never duplicates. Returns how many were new.
    pub fn ingest_disclosures(
        &mut self,
        lender_id: &str,
        items: &[LenderDisclosure],
        cursor: Option<&str>,
        synced_at: i64,
    ) -> Result<usize> {
        self.write(|tx, led| {
            let mut ins = tx.prepare_cached(
                "INSERT INTO share_events (signal_id, lender_id, collected_at, purpose, \
                 consent_id, value_digest, onward_recipient, lender_signature, lender_ref, \
                 lender_seq, statement) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) \
                 ON CONFLICT DO NOTHING",
            )?;
            let mut ensure_signal = tx.prepare_cached(
                "INSERT INTO signals (id, name, category, sensitivity) VALUES (?1, ?1, 'unknown', 'high') \
                 ON CONFLICT(id) DO NOTHING",
            )?;
            let mut n = 0;
            let mut buf = Vec::with_capacity(512);
            for d in items {
                if d.event.lender_id != lender_id {
                    return Err(VaultError::Invalid(format!(
                        "disclosure {} is from another lender",
                        d.lender_ref
                    )));
                }
                // A lender may disclose a signal missing from its catalogue; keep the record.
                ensure_signal.execute([&d.event.signal_id])?;
                let e = &d.event;
                let k = ins.execute(rusqlite::params![
                    e.signal_id,
                    e.lender_id,
                    e.collected_at,
                    e.purpose,
                    e.consent_id,
                    &e.value_digest[..],
                    e.onward_recipient,
                    e.lender_signature,
                    d.lender_ref,
                    d.lender_seq,
                    d.statement
                ])?;
                if k == 0 {
                    continue;
                }
                let id = tx.last_insert_rowid();
                buf.clear();
                serde_json::to_writer(
                    &mut buf,
                    &serde_json::json!({
                        "id": id, "event": e, "lenderRef": d.lender_ref,
                        "lenderSeq": d.lender_seq,
                        "statementDigest": hex::encode(crate::ledger::payload_digest(&d.statement)),
                    }),
                )?;
                led.append(tx, "event.add", &id.to_string(), &buf)?;
                n += 1;
            }
            let k = tx
                .prepare_cached(
                    "UPDATE lender_links SET sync_cursor = COALESCE(?2, sync_cursor), \
                     last_sync_at = ?3, reachable = 1 WHERE lender_id = ?1",
                )?
                .execute(rusqlite::params![lender_id, cursor, synced_at])?;
            if k == 0 {
                return Err(VaultError::NotFound {
                    kind: "lender link",
                    id: lender_id.into(),
                });
            }
            let payload = serde_json::json!({"lenderId": lender_id, "cursor": cursor, "new": n});
            led.append(tx, "lender.sync", lender_id, &json(&payload)?)?;
            Ok(n)
        })
    }

    /// One disclosure, by id.
    pub fn event(&self, id: i64) -> Result<Option<ShareEvent>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {EVENT_COLS} FROM share_events WHERE id = ?1"
            ))?
            .query_row([id], event_from_row)
            .optional()?)
    }

    /// Number of recorded events.
    pub fn event_count(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT n FROM row_counts WHERE name = 'share_events'",
            [],
            |r| r.get(0),
        )?)
    }

    /// The lender's id and signed statement for a stored disclosure.
    pub fn event_statement(&self, id: i64) -> Result<Option<EventStatement>> {
        Ok(self
            .conn
            .prepare_cached("SELECT lender_ref, statement FROM share_events WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// Events whose signal is one of `signals` (all when `None`) and matching the other
    /// filters, newest first (keyset pagination as [`Vault::events`]), with their statements.
    pub fn events_with_statements(
        &self,
        filter: &EventFilter,
        signals: Option<&[String]>,
        after: Option<EventCursor>,
        limit: usize,
    ) -> Result<Vec<EventWithStatement>> {
        let (clause, params) = event_where(filter, signals, after);
        let sql = format!(
            "SELECT {EVENT_COLS}, lender_ref, statement FROM share_events WHERE {clause} \
             ORDER BY collected_at DESC, id DESC LIMIT {limit}"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(rusqlite::params_from_iter(params), |r| {
            Ok((event_from_row(r)?, r.get(9)?, r.get(10)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many events match (see [`Vault::events_with_statements`]).
    pub fn count_events(&self, filter: &EventFilter, signals: Option<&[String]>) -> Result<i64> {
        let (clause, params) = event_where(filter, signals, None);
        let sql = format!("SELECT count(*) FROM share_events WHERE {clause}");
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(params), |r| r.get(0))?)
    }

    /// The last time each signal was collected under `consent_id` of `lender_id`: what the
    /// lender may keep runs from there for the consent's data life.
    pub fn last_collections(
        &self,
        lender_id: &str,
        consent_id: &str,
    ) -> Result<Vec<(String, i64)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT signal_id, MAX(collected_at) FROM share_events \
             WHERE lender_id = ?1 AND consent_id = ?2 GROUP BY signal_id ORDER BY signal_id",
        )?;
        let rows = st.query_map([lender_id, consent_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The newest disclosure's id (0 when none): a cheap change marker, since disclosures are
    /// only ever appended.
    pub fn max_event_id(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT coalesce(max(id), 0) FROM share_events")?
            .query_row([], |r| r.get(0))?)
    }

    /// Events in id order after `after_id`, with their statements (for streaming exports).
    pub fn events_by_id(&self, after_id: i64, limit: usize) -> Result<Vec<EventWithStatement>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {EVENT_COLS}, lender_ref, statement FROM share_events WHERE id > ?1 \
             ORDER BY id LIMIT ?2"
        ))?;
        let rows = st.query_map(rusqlite::params![after_id, limit as i64], |r| {
            Ok((event_from_row(r)?, r.get(9)?, r.get(10)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

pub(super) fn event_where(
    filter: &EventFilter,
    signals: Option<&[String]>,
    after: Option<EventCursor>,
) -> (String, Vec<rusqlite::types::Value>) {
    use rusqlite::types::Value;
    let mut sql = String::from("1");
    let mut params: Vec<Value> = Vec::new();
    let mut push = |clause: &str, v: Value, sql: &mut String| {
        params.push(v);
        sql.push_str(&clause.replace('?', &format!("?{}", params.len())));
    };
    if let Some(l) = &filter.lender_id {
        push(" AND lender_id = ?", Value::Text(l.clone()), &mut sql);
    }
    if let Some(s) = &filter.signal_id {
        push(" AND signal_id = ?", Value::Text(s.clone()), &mut sql);
    }
    if let Some(list) = signals {
        if list.is_empty() {
            sql.push_str(" AND 0");
        } else {
            sql.push_str(" AND signal_id IN (");
            for (i, s) in list.iter().enumerate() {
                if i > 0 {
                    sql.push(',');
                }
                push("?", Value::Text(s.clone()), &mut sql);
            }
            sql.push(')');
        }
    }
    if let Some(f) = filter.from {
        push(" AND collected_at >= ?", Value::Integer(f), &mut sql);
    }
    if let Some(t) = filter.to {
        push(" AND collected_at < ?", Value::Integer(t), &mut sql);
    }
    if let Some(c) = after {
        push(
            " AND (collected_at < ?",
            Value::Integer(c.collected_at),
            &mut sql,
        );
        push(
            " OR (collected_at = ?",
            Value::Integer(c.collected_at),
            &mut sql,
        );
        push(" AND id < ?))", Value::Integer(c.id), &mut sql);
    }
    (sql, params)
}

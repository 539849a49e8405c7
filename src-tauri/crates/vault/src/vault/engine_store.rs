//! Records the engine keeps for syncing with lenders (schema version 2): how to reach each
//! lender and where its sync stands, the lender's signed statements exactly as received,
//! consent requests, idempotent disclosure ingest, and consent actions (revoke whole or per
//! signal, pause, resume) queued for delivery. Every write is ledgered like the rest.

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{
    EVENT_COLS, OUTBOX_COLS, event_from_row, from_json, insert_outbox, json, outbox_from_row,
};
use crate::error::{Result, VaultError};
use crate::model::*;
use crate::vault::{Vault, now_ms};

/// A disclosure's lender id and signed statement as received.
pub type EventStatement = (Option<String>, Option<Vec<u8>>);
/// A stored disclosure with its lender id and signed statement.
pub type EventWithStatement = (ShareEvent, Option<String>, Option<Vec<u8>>);

/// How to reach a lender, and where syncing with it stands. No secrets: tokens live in the
/// OS keychain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LenderLink {
    pub lender_id: String,
    pub api_base: String,
    /// The discovery document (JSON) whose keys were pinned at connect time.
    pub discovery: String,
    pub is_sandbox: bool,
    /// The lender's opaque disclosure cursor after the last page stored.
    pub sync_cursor: Option<String>,
    pub last_sync_at: Option<i64>,
    pub reachable: bool,
}

/// A lender's signed statement as received (canonical JSON bytes, signature included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    /// `consent`, `offer`, `receipt`, `quote`, `rights`…
    pub kind: String,
    pub id: String,
    /// e.g. the consent artefact's version; 0 when the kind has none.
    pub version: i64,
    pub lender_id: String,
    pub received_at: i64,
    #[serde(with = "hex_bytes")]
    pub json: Vec<u8>,
}

/// A consent request as the lender sent it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredConsentRequest {
    pub id: String,
    pub lender_id: String,
    /// `PENDING` or `DECIDED` (the lender's spelling).
    pub status: String,
    pub created_at: i64,
    pub json: String,
}

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

/// A consent action (revoke, pause, resume) with its delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsentAction {
    pub revocation: Revocation,
    /// `revoke`, `pause` or `resume`.
    pub action: String,
    /// Signals it applies to; empty means the whole consent.
    pub signals: Vec<String>,
    pub outbox: Option<OutboxItem>,
}

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        hex::decode(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

fn link_from_row(r: &Row<'_>) -> rusqlite::Result<LenderLink> {
    Ok(LenderLink {
        lender_id: r.get(0)?,
        api_base: r.get(1)?,
        discovery: r.get(2)?,
        is_sandbox: r.get::<_, i64>(3)? != 0,
        sync_cursor: r.get(4)?,
        last_sync_at: r.get(5)?,
        reachable: r.get::<_, i64>(6)? != 0,
    })
}

const LINK_COLS: &str =
    "lender_id, api_base, discovery, is_sandbox, sync_cursor, last_sync_at, reachable";

fn statement_from_row(r: &Row<'_>) -> rusqlite::Result<Statement> {
    Ok(Statement {
        kind: r.get(0)?,
        id: r.get(1)?,
        version: r.get(2)?,
        lender_id: r.get(3)?,
        received_at: r.get(4)?,
        json: r.get(5)?,
    })
}

const STATEMENT_COLS: &str = "kind, id, version, lender_id, received_at, json";

impl Vault {
    /// Inserts or replaces how to reach a lender (the lender itself must exist).
    pub fn upsert_lender_link(&mut self, l: &LenderLink) -> Result<()> {
        self.write(|tx, led| {
            tx.prepare_cached(&format!(
                "INSERT INTO lender_links ({LINK_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7) \
                 ON CONFLICT(lender_id) DO UPDATE SET api_base = excluded.api_base, \
                 discovery = excluded.discovery, is_sandbox = excluded.is_sandbox, \
                 sync_cursor = excluded.sync_cursor, last_sync_at = excluded.last_sync_at, \
                 reachable = excluded.reachable"
            ))?
            .execute(rusqlite::params![
                l.lender_id,
                l.api_base,
                l.discovery,
                l.is_sandbox as i64,
                l.sync_cursor,
                l.last_sync_at,
                l.reachable as i64
            ])?;
            led.append(tx, "lender.link", &l.lender_id, &json(l)?)?;
            Ok(())
        })
    }

    pub fn lender_link(&self, lender_id: &str) -> Result<Option<LenderLink>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {LINK_COLS} FROM lender_links WHERE lender_id = ?1"
            ))?
            .query_row([lender_id], link_from_row)
            .optional()?)
    }

    pub fn lender_links(&self) -> Result<Vec<LenderLink>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {LINK_COLS} FROM lender_links ORDER BY lender_id"
        ))?;
        let rows = st.query_map([], link_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records whether the lender answered. Not ledgered: it is an observation about the
    /// network, not a record.
    pub fn set_lender_reachable(&mut self, lender_id: &str, reachable: bool) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE lender_links SET reachable = ?2 WHERE lender_id = ?1")?
            .execute(rusqlite::params![lender_id, reachable as i64])?;
        Ok(())
    }

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

    /// Keeps a lender statement; one already stored (same kind, id and version) is left as it
    /// is. Returns whether it was new.
    pub fn put_statement(&mut self, s: &Statement) -> Result<bool> {
        self.write(|tx, led| {
            let n = tx
                .prepare_cached(&format!(
                    "INSERT INTO statements ({STATEMENT_COLS}) VALUES (?1,?2,?3,?4,?5,?6) \
                     ON CONFLICT DO NOTHING"
                ))?
                .execute(rusqlite::params![
                    s.kind,
                    s.id,
                    s.version,
                    s.lender_id,
                    s.received_at,
                    s.json
                ])?;
            if n > 0 {
                let payload = serde_json::json!({
                    "kind": s.kind, "id": s.id, "version": s.version, "lenderId": s.lender_id,
                    "digest": hex::encode(crate::ledger::payload_digest(&s.json)),
                });
                led.append(
                    tx,
                    "statement.add",
                    &format!("{}/{}/{}", s.kind, s.id, s.version),
                    &json(&payload)?,
                )?;
            }
            Ok(n > 0)
        })
    }

    /// Every stored version of one statement, oldest first.
    pub fn statements(&self, kind: &str, id: &str) -> Result<Vec<Statement>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {STATEMENT_COLS} FROM statements WHERE kind = ?1 AND id = ?2 ORDER BY version"
        ))?;
        let rows = st.query_map([kind, id], statement_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Statements of one kind (all lenders when `lender_id` is `None`), newest first.
    pub fn statements_of_kind(
        &self,
        kind: &str,
        lender_id: Option<&str>,
    ) -> Result<Vec<Statement>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {STATEMENT_COLS} FROM statements WHERE kind = ?1 \
             AND (?2 IS NULL OR lender_id = ?2) ORDER BY received_at DESC, id, version DESC"
        ))?;
        let rows = st.query_map(rusqlite::params![kind, lender_id], statement_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records a consent or brings a stored one up to the lender's latest artefact (status,
    /// signals, artefact and signature). Returns whether anything changed.
    pub fn upsert_consent(&mut self, c: &Consent) -> Result<bool> {
        if self.consent(&c.id)?.is_none() {
            self.add_consent(c)?;
            return Ok(true);
        }
        let granted = serde_json::to_string(&c.signals_granted)?;
        let denied = serde_json::to_string(&c.signals_denied)?;
        self.write(|tx, led| {
            let n = tx
                .prepare_cached(
                    "UPDATE consents SET status = ?2, signals_granted = ?3, signals_denied = ?4, \
                     consent_expiry = ?5, signed_artefact = ?6, artefact_signature = ?7 \
                     WHERE id = ?1 AND (status IS NOT ?2 OR signals_granted IS NOT ?3 OR \
                     signals_denied IS NOT ?4 OR consent_expiry IS NOT ?5 OR \
                     signed_artefact IS NOT ?6)",
                )?
                .execute(rusqlite::params![
                    c.id,
                    c.status,
                    granted,
                    denied,
                    c.consent_expiry,
                    c.signed_artefact,
                    c.artefact_signature
                ])?;
            if n > 0 {
                led.append(tx, "consent.update", &c.id, &json(c)?)?;
            }
            Ok(n > 0)
        })
    }

    /// Every consent, newest first.
    pub fn all_consents(&self) -> Result<Vec<Consent>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {} FROM consents ORDER BY consent_start DESC, id",
            super::CONSENT_COLS
        ))?;
        let rows = st.query_map([], super::consent_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records a consent request or updates its status and body.
    pub fn upsert_consent_request(&mut self, r: &StoredConsentRequest) -> Result<()> {
        self.write(|tx, led| {
            let n = tx
                .prepare_cached(
                    "INSERT INTO consent_requests (id, lender_id, status, created_at, json) \
                     VALUES (?1,?2,?3,?4,?5) ON CONFLICT(id) DO UPDATE SET \
                     status = excluded.status, json = excluded.json \
                     WHERE status IS NOT excluded.status OR json IS NOT excluded.json",
                )?
                .execute(rusqlite::params![
                    r.id,
                    r.lender_id,
                    r.status,
                    r.created_at,
                    r.json
                ])?;
            if n > 0 {
                led.append(tx, "consent_request.upsert", &r.id, &json(r)?)?;
            }
            Ok(())
        })
    }

    /// Consent requests, newest first (all lenders when `lender_id` is `None`).
    pub fn consent_requests(&self, lender_id: Option<&str>) -> Result<Vec<StoredConsentRequest>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, lender_id, status, created_at, json FROM consent_requests \
             WHERE ?1 IS NULL OR lender_id = ?1 ORDER BY created_at DESC, id",
        )?;
        let rows = st.query_map([lender_id], |r| {
            Ok(StoredConsentRequest {
                id: r.get(0)?,
                lender_id: r.get(1)?,
                status: r.get(2)?,
                created_at: r.get(3)?,
                json: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Records a consent action and queues it for the lender in one transaction: a
    /// revocation record (with `action` and `signals`), the local status change when
    /// `new_status` is given, and an outbox message carrying `payload` with a fresh
    /// idempotency key.
    pub fn record_consent_action(
        &mut self,
        consent_id: &str,
        action: &str,
        signals: &[String],
        new_status: Option<ConsentStatus>,
        payload: &serde_json::Value,
    ) -> Result<ConsentAction> {
        if !matches!(action, "revoke" | "pause" | "resume") {
            return Err(VaultError::Invalid(format!(
                "unknown consent action {action:?}"
            )));
        }
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
            tx.prepare_cached(
                "INSERT INTO revocations (id, consent_id, lender_id, requested_at, reason, \
                 action, signals) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
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
            let item = OutboxItem {
                id: uuid::Uuid::new_v4().to_string(),
                kind: OutboxKind::Revocation,
                record_id: rev.id.clone(),
                lender_id,
                idempotency_key: uuid::Uuid::new_v4().to_string(),
                payload: payload.to_string(),
                state: OutboxState::Pending,
                attempts: 0,
                next_attempt_at: now,
                last_error: None,
                receipt: None,
                created_at: now,
                updated_at: now,
            };
            insert_outbox(tx, led, &item)?;
            Ok(ConsentAction {
                revocation: rev,
                action: action.into(),
                signals: signals.to_vec(),
                outbox: Some(item),
            })
        })
    }

    /// Consent actions (all consents when `consent_id` is `None`), newest first, each with its
    /// outbox message.
    pub fn consent_actions(&self, consent_id: Option<&str>) -> Result<Vec<ConsentAction>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, consent_id, lender_id, requested_at, reason, action, signals \
             FROM revocations WHERE ?1 IS NULL OR consent_id = ?1 \
             ORDER BY requested_at DESC, id",
        )?;
        let rows = st.query_map([consent_id], |r| {
            Ok((
                Revocation {
                    id: r.get(0)?,
                    consent_id: r.get(1)?,
                    lender_id: r.get(2)?,
                    requested_at: r.get(3)?,
                    reason: r.get(4)?,
                },
                r.get::<_, String>(5)?,
                from_json::<Vec<String>>(&r.get::<_, String>(6)?, 6)?,
            ))
        })?;
        let revs: Vec<_> = rows.collect::<rusqlite::Result<_>>()?;
        let mut ob = self.conn.prepare_cached(&format!(
            "SELECT {OUTBOX_COLS} FROM outbox WHERE record_id = ?1 ORDER BY created_at LIMIT 1"
        ))?;
        let mut out = Vec::with_capacity(revs.len());
        for (revocation, action, signals) in revs {
            let outbox = ob.query_row([&revocation.id], outbox_from_row).optional()?;
            out.push(ConsentAction {
                revocation,
                action,
                signals,
                outbox,
            });
        }
        Ok(out)
    }

    /// The outbox message carrying a record (revocation or rights request).
    pub fn outbox_for_record(&self, record_id: &str) -> Result<Option<OutboxItem>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {OUTBOX_COLS} FROM outbox WHERE record_id = ?1 ORDER BY created_at LIMIT 1"
            ))?
            .query_row([record_id], outbox_from_row)
            .optional()?)
    }

    /// The newest ledger entry recording a change to `record_id` with `kind`.
    pub fn ledger_seq_for(&self, kind: &str, record_id: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT max(seq) FROM ledger WHERE kind = ?1 AND record_id = ?2")?
            .query_row([kind, record_id], |r| r.get(0))?)
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

//! Consents as the lender's latest artefact says, and the consent requests a lender sent.
//! Consent actions (revoke, pause, resume) are in `consent_actions`.

use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{Vault, from_json, json, json_str};
use crate::error::Result;
use crate::model::*;

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

const CONSENT_COLS: &str = "id, lender_id, purpose_code, purpose_text, signals_granted, \
    signals_denied, consent_start, consent_expiry, fetch_type, frequency_unit, frequency_value, \
    data_life_unit, data_life_value, fi_data_from, fi_data_to, status, signed_artefact, \
    artefact_signature";

fn consent_from_row(r: &Row<'_>) -> rusqlite::Result<Consent> {
    let from: Option<i64> = r.get(13)?;
    let to: Option<i64> = r.get(14)?;
    Ok(Consent {
        id: r.get(0)?,
        lender_id: r.get(1)?,
        purpose_code: r.get(2)?,
        purpose_text: r.get(3)?,
        signals_granted: from_json(&r.get::<_, String>(4)?, 4)?,
        signals_denied: from_json(&r.get::<_, String>(5)?, 5)?,
        consent_start: r.get(6)?,
        consent_expiry: r.get(7)?,
        fetch_type: r.get(8)?,
        frequency: Period {
            unit: r.get(9)?,
            value: r.get(10)?,
        },
        data_life: Period {
            unit: r.get(11)?,
            value: r.get(12)?,
        },
        fi_data_range: from.zip(to).map(|(from, to)| DataRange { from, to }),
        status: r.get(15)?,
        signed_artefact: r.get(16)?,
        artefact_signature: r.get(17)?,
    })
}

impl Vault {
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

    /// Records a consent artefact; its id must be new.
    fn add_consent(&mut self, c: &Consent) -> Result<()> {
        let granted = json_str(&c.signals_granted)?;
        let denied = json_str(&c.signals_denied)?;
        self.write(|tx, led| {
            tx.prepare_cached(&format!(
                "INSERT INTO consents ({CONSENT_COLS}) VALUES \
                 (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)"
            ))?
            .execute(rusqlite::params![
                c.id,
                c.lender_id,
                c.purpose_code,
                c.purpose_text,
                granted,
                denied,
                c.consent_start,
                c.consent_expiry,
                c.fetch_type,
                c.frequency.unit,
                c.frequency.value,
                c.data_life.unit,
                c.data_life.value,
                c.fi_data_range.map(|r| r.from),
                c.fi_data_range.map(|r| r.to),
                c.status,
                c.signed_artefact,
                c.artefact_signature
            ])?;
            led.append(tx, "consent.add", &c.id, &json(c)?)?;
            Ok(())
        })
    }

    /// One consent, by its AA `consentId`.
    pub fn consent(&self, id: &str) -> Result<Option<Consent>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {CONSENT_COLS} FROM consents WHERE id = ?1"
            ))?
            .query_row([id], consent_from_row)
            .optional()?)
    }

    /// A lender's consents, newest first.
    pub fn consents_for_lender(&self, lender_id: &str) -> Result<Vec<Consent>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {CONSENT_COLS} FROM consents WHERE lender_id = ?1 \
             ORDER BY consent_start DESC, id"
        ))?;
        let rows = st.query_map([lender_id], consent_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every consent, newest first.
    pub fn all_consents(&self) -> Result<Vec<Consent>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {} FROM consents ORDER BY consent_start DESC, id",
            CONSENT_COLS
        ))?;
        let rows = st.query_map([], consent_from_row)?;
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
                     WHERE consent_requests.lender_id = excluded.lender_id \
                     AND (status IS NOT excluded.status OR json IS NOT excluded.json)",
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
}

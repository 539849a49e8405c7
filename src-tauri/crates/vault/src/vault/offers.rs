//! Offers and decisions a lender sent, with the explanation of each.

use rusqlite::{OptionalExtension, Row};

use super::{Vault, from_json, json, json_str};
use crate::error::Result;
use crate::model::*;

const OFFER_COLS: &str = "id, lender_id, consent_id, received_at, decision, amount_minor, \
    currency, apr_bps, tenure_months, method, baseline, score, contributions, reason_codes, \
    signature";

fn offer_from_row(r: &Row<'_>) -> rusqlite::Result<Offer> {
    Ok(Offer {
        id: r.get(0)?,
        lender_id: r.get(1)?,
        consent_id: r.get(2)?,
        received_at: r.get(3)?,
        decision: r.get(4)?,
        amount_minor: r.get(5)?,
        currency: r.get(6)?,
        apr_bps: r.get(7)?,
        tenure_months: r.get(8)?,
        explanation: Explanation {
            method: r.get(9)?,
            baseline: r.get(10)?,
            score: r.get(11)?,
            contributions: from_json(&r.get::<_, String>(12)?, 12)?,
            reason_codes: from_json(&r.get::<_, String>(13)?, 13)?,
        },
        signature: r.get(14)?,
    })
}

impl Vault {
    /// Records an offer or decision with its explanation.
    pub fn add_offer(&mut self, o: &Offer) -> Result<()> {
        let contributions = json_str(&o.explanation.contributions)?;
        let reasons = json_str(&o.explanation.reason_codes)?;
        self.write(|tx, led| {
            tx.prepare_cached(&format!(
                "INSERT INTO offers ({OFFER_COLS}) VALUES \
                 (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)"
            ))?
            .execute(rusqlite::params![
                o.id,
                o.lender_id,
                o.consent_id,
                o.received_at,
                o.decision,
                o.amount_minor,
                o.currency,
                o.apr_bps,
                o.tenure_months,
                o.explanation.method,
                o.explanation.baseline,
                o.explanation.score,
                contributions,
                reasons,
                o.signature
            ])?;
            led.append(tx, "offer.add", &o.id, &json(o)?)?;
            Ok(())
        })
    }

    /// One offer or decision, by id.
    pub fn offer(&self, id: &str) -> Result<Option<Offer>> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {OFFER_COLS} FROM offers WHERE id = ?1"))?
            .query_row([id], offer_from_row)
            .optional()?)
    }
}

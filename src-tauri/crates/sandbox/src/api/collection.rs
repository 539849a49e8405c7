//! The lender's side of the disclosure log: collection rounds that append signed disclosures
//! (within the consent, or not, by scenario), and bulk seeding for benchmarks. Each disclosure
//! is written twice in the same transaction: as the v1 signed statement and as a v2 leaf.

use std::collections::BTreeMap;

use axum::response::Response;
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use khata_contract::merkle::Hash;
use khata_lending::signing::unsigned;
use khata_lending::types::*;
use rusqlite::{Connection, params};

use super::consents::{expire_due, live_signals};
use super::problem::{conflict, internal};
use super::{Inner, now, sha256_hex, to_value};
use crate::log;
use crate::store::list_docs;

fn frequency_window(f: &Frequency) -> Option<ChronoDuration> {
    match f.unit {
        FrequencyUnit::Hour => Some(ChronoDuration::hours(1)),
        FrequencyUnit::Day => Some(ChronoDuration::days(1)),
        FrequencyUnit::Month => Some(ChronoDuration::days(30)),
        FrequencyUnit::Year => Some(ChronoDuration::days(365)),
        FrequencyUnit::Inf => None,
    }
}

struct NewDisclosure<'a> {
    signal: &'a str,
    consent_id: Option<&'a str>,
    purpose: &'a str,
    range: DataRange,
    recipient: Option<&'a str>,
    at: DateTime<Utc>,
}

/// A round's appends: the values the lender holds and the lender id it claims, read once, and
/// the leaf hashes to add to the tree once the round commits.
struct Round {
    values: BTreeMap<String, i64>,
    lender_id: String,
    first_index: u64,
    leaves: Vec<Hash>,
}

impl Round {
    /// Starts a round; the caller holds the database lock, so the log's size cannot move.
    fn new(inner: &Inner) -> Round {
        Round {
            values: inner.scenario.values(),
            lender_id: inner.lender_id(),
            first_index: inner.log.lock().expect("log lock").size(),
            leaves: Vec::new(),
        }
    }

    /// Commits the round's rows, then grows the tree by their leaves (only once they are
    /// durable, so the tree never holds a leaf the store lost).
    fn commit(self, inner: &Inner, tx: rusqlite::Transaction<'_>) -> Result<usize, Response> {
        tx.commit().map_err(internal)?;
        let n = self.leaves.len();
        inner.log.lock().expect("log lock").extend(self.leaves);
        Ok(n)
    }
}

/// Appends a signed v1 disclosure and its v2 leaf (the next index of the log) to the round.
fn append_disclosure(
    inner: &Inner,
    tx: &Connection,
    round: &mut Round,
    d: NewDisclosure<'_>,
) -> Result<(), Response> {
    let seq: i64 = tx
        .prepare_cached("SELECT COALESCE(MAX(seq), 0) + 1 FROM disclosures")
        .and_then(|mut s| s.query_row([], |r| r.get(0)))
        .map_err(internal)?;
    let value = round.values.get(d.signal).copied();
    let digest = sha256_hex(
        format!(
            "{}|{}|{}|{:?}|{}",
            inner.seed, round.lender_id, d.signal, value, seq
        )
        .as_bytes(),
    );
    let disclosure = Disclosure {
        disclosure_id: format!("disc-{}", uuid::Uuid::new_v4()),
        seq: seq as u64,
        lender_id: round.lender_id.clone(),
        signal: d.signal.into(),
        collected_at: d.at,
        purpose: d.purpose.into(),
        consent_id: d.consent_id.map(String::from),
        data_range: d.range,
        value_digest: format!("sha256:{digest}"),
        onward_recipient: d.recipient.map(String::from),
        signature: unsigned(),
    };
    // Signed as a JSON value and stored as it is, not parsed back into the type (this is the
    // hot path of bulk seeding).
    let signed = inner
        .signing_key()
        .sign_value(to_value(&disclosure))
        .map_err(internal)?;
    tx.prepare_cached(
        "INSERT INTO disclosures(seq, consent_id, signal, collected_at, json) VALUES (?1, ?2, ?3, ?4, ?5)",
    )
    .and_then(|mut s| {
        s.execute(params![
            seq,
            disclosure.consent_id,
            disclosure.signal,
            disclosure.collected_at.to_rfc3339(),
            signed.to_string()
        ])
    })
    .map_err(internal)?;
    let index = round.first_index + round.leaves.len() as u64;
    let leaf = log::leaf_for(&disclosure, index).map_err(internal)?;
    round
        .leaves
        .push(log::insert_leaf(tx, index, &leaf).map_err(internal)?);
    Ok(())
}

/// One collection round over every consent; returns how many disclosures it appended.
/// A well-behaved lender collects only live granted signals of ACTIVE, unexpired consents,
/// within `fiDataRange` and at most `frequency` times per window. The over-collector does not.
pub fn collect_round(inner: &Inner) -> Result<usize, Response> {
    let mut db = inner.db.lock().expect("db lock");
    let tx = db.transaction().map_err(internal)?;
    expire_due(inner, &tx)?;
    let consents: Vec<Consent> = list_docs(&tx, "consents").map_err(internal)?;
    let mut round = Round::new(inner);
    let t = now();
    for c in &consents {
        if inner.scenario.over_collects() {
            // After any revocation, a moment later, and regardless of status.
            let last_change = c.updated_at;
            let at = if t > last_change {
                t
            } else {
                last_change + ChronoDuration::milliseconds(1)
            };
            let wide = DataRange {
                from: c.fi_data_range.from - ChronoDuration::days(90),
                to: at,
            };
            let mut batch: Vec<(&str, Option<&str>, Option<&str>)> = vec![];
            for s in &c.signals_granted {
                // Twice per round: above a once-a-day frequency.
                batch.push((s, Some(&c.consent_id), None));
                batch.push((s, Some(&c.consent_id), Some("adnet-42")));
            }
            for s in &c.signals_denied {
                batch.push((s, Some(&c.consent_id), None));
            }
            for s in ["contacts_network", "call_log_pattern"] {
                batch.push((s, Some(&c.consent_id), Some("adnet-42")));
            }
            batch.push(("location_stability", None, None));
            for (signal, consent_id, recipient) in batch {
                append_disclosure(
                    inner,
                    &tx,
                    &mut round,
                    NewDisclosure {
                        signal,
                        consent_id,
                        purpose: "cross-selling",
                        range: wide,
                        recipient,
                        at,
                    },
                )?;
            }
            continue;
        }
        if c.status != ConsentStatus::Active || t >= c.consent_expiry || t < c.consent_start {
            continue;
        }
        for s in live_signals(c) {
            let since = match (c.fetch_type, frequency_window(&c.frequency)) {
                (FetchType::Onetime, _) => None,
                (FetchType::Periodic, None) => Some(t + ChronoDuration::days(1)),
                (FetchType::Periodic, Some(w)) => Some(t - w),
            };
            let count: u32 = match since {
                None => tx.query_row(
                    "SELECT COUNT(*) FROM disclosures WHERE consent_id = ?1 AND signal = ?2",
                    params![c.consent_id, s],
                    |r| r.get(0),
                ),
                Some(since) => tx.query_row(
                    "SELECT COUNT(*) FROM disclosures WHERE consent_id = ?1 AND signal = ?2 AND collected_at > ?3",
                    params![c.consent_id, s, since.to_rfc3339()],
                    |r| r.get(0),
                ),
            }
            .map_err(internal)?;
            let allowed = match c.fetch_type {
                FetchType::Onetime => 1,
                FetchType::Periodic => c.frequency.value,
            };
            if count >= allowed {
                continue;
            }
            // Only the repayment record goes to the named bureau.
            let recipient = (s == "emi_bounces")
                .then(|| c.onward_recipients.first().map(|r| r.id.as_str()))
                .flatten();
            append_disclosure(
                inner,
                &tx,
                &mut round,
                NewDisclosure {
                    signal: &s,
                    consent_id: Some(&c.consent_id),
                    purpose: &c.purpose.code,
                    range: DataRange {
                        from: c.fi_data_range.from,
                        to: if t < c.fi_data_range.to {
                            t
                        } else {
                            c.fi_data_range.to
                        },
                    },
                    recipient,
                    at: t,
                },
            )?;
        }
    }
    round.commit(inner, tx)
}

/// Appends `count` consented, signed disclosures (cycling through the latest consent's live
/// signals) in one transaction: bulk data for sync and export benchmarks.
pub fn seed_disclosures(inner: &Inner, count: u64) -> Result<u64, Response> {
    let mut db = inner.db.lock().expect("db lock");
    let tx = db.transaction().map_err(internal)?;
    let consent: Option<Consent> = list_docs::<Consent>(&tx, "consents")
        .map_err(internal)?
        .into_iter()
        .next();
    let Some(c) = consent else {
        return Err(conflict("decide a consent request first"));
    };
    let signals = if c.signals_granted.is_empty() {
        vec!["kyc_verified".to_string()]
    } else {
        c.signals_granted.clone()
    };
    let base = now();
    let mut round = Round::new(inner);
    round.leaves.reserve(count.min(1 << 20) as usize);
    for i in 0..count {
        let signal = &signals[(i % signals.len() as u64) as usize];
        append_disclosure(
            inner,
            &tx,
            &mut round,
            NewDisclosure {
                signal,
                consent_id: Some(&c.consent_id),
                purpose: &c.purpose.code,
                range: DataRange {
                    from: c.fi_data_range.from,
                    to: base,
                },
                recipient: None,
                at: base + ChronoDuration::milliseconds(i as i64),
            },
        )?;
    }
    round.commit(inner, tx)?;
    Ok(count)
}

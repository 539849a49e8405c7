//! Each lender's pinned identity and key history. A lender is the origin its discovery document
//! came from plus the fingerprint of its keys; the keys it has ever published are all kept
//! (those it no longer publishes are marked retired, never deleted) so that a statement signed
//! before a rotation or a re-pin still verifies.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::{Vault, json};
use crate::error::Result;

/// Who a lender is, as pinned at connect time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LenderIdentity {
    pub lender_id: String,
    /// `scheme://host:port` of the discovery document.
    pub origin: String,
    /// Fingerprint of the current key set (`khata_contract::identity::key_fingerprint`).
    pub fingerprint: String,
    pub pinned_at: i64,
}

/// One key a lender has published, current (`retired_at` unset) or retired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedKey {
    pub key_id: String,
    pub alg: String,
    /// base64url, as published.
    pub public_key: String,
    pub first_seen: i64,
    pub retired_at: Option<i64>,
}

impl Vault {
    /// The identity pinned for a lender, if one was (vaults from before schema version 7 have none
    /// until the lender is next connected).
    pub fn lender_identity(&self, lender_id: &str) -> Result<Option<LenderIdentity>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT lender_id, origin, fingerprint, pinned_at FROM lender_identity \
                 WHERE lender_id = ?1",
            )?
            .query_row([lender_id], |r| {
                Ok(LenderIdentity {
                    lender_id: r.get(0)?,
                    origin: r.get(1)?,
                    fingerprint: r.get(2)?,
                    pinned_at: r.get(3)?,
                })
            })
            .optional()?)
    }

    /// Every key the lender has ever published, oldest first.
    pub fn lender_key_history(&self, lender_id: &str) -> Result<Vec<PinnedKey>> {
        let mut st = self.conn.prepare_cached(
            "SELECT key_id, alg, public_key, first_seen, retired_at FROM lender_keys \
             WHERE lender_id = ?1 ORDER BY first_seen, public_key",
        )?;
        let rows = st.query_map([lender_id], |r| {
            Ok(PinnedKey {
                key_id: r.get(0)?,
                alg: r.get(1)?,
                public_key: r.get(2)?,
                first_seen: r.get(3)?,
                retired_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Pins `identity` with `keys` (`(key_id, alg, public_key)`) as the lender's current key
    /// set: keys already known stay (un-retired if published again), new ones are added, and
    /// those no longer published are retired at `identity.pinned_at`. The lender must exist.
    pub fn pin_lender_identity(
        &mut self,
        identity: &LenderIdentity,
        keys: &[(String, String, String)],
    ) -> Result<()> {
        self.write(|tx, led| {
            tx.prepare_cached(
                "INSERT INTO lender_identity (lender_id, origin, fingerprint, pinned_at) \
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT(lender_id) DO UPDATE SET \
                 origin = excluded.origin, fingerprint = excluded.fingerprint, \
                 pinned_at = excluded.pinned_at",
            )?
            .execute(rusqlite::params![
                identity.lender_id,
                identity.origin,
                identity.fingerprint,
                identity.pinned_at
            ])?;
            let now = identity.pinned_at;
            tx.prepare_cached(
                "UPDATE lender_keys SET retired_at = ?2 \
                 WHERE lender_id = ?1 AND retired_at IS NULL",
            )?
            .execute(rusqlite::params![identity.lender_id, now])?;
            for (key_id, alg, public_key) in keys {
                tx.prepare_cached(
                    "INSERT INTO lender_keys (lender_id, public_key, key_id, alg, first_seen) \
                     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(lender_id, public_key) DO UPDATE \
                     SET retired_at = NULL, key_id = excluded.key_id, alg = excluded.alg",
                )?
                .execute(rusqlite::params![
                    identity.lender_id,
                    public_key,
                    key_id,
                    alg,
                    now
                ])?;
            }
            led.append(
                tx,
                "lender.pin",
                &identity.lender_id,
                &json(&(identity, keys))?,
            )?;
            Ok(())
        })
    }
}

//! The borrower's own details: the name, phone, email and language their letters are signed
//! and written with, the customer id each lender knows them by, and their nominee (DPDP Act
//! 2023, s.14: a person who may exercise the borrower's rights on their death or incapacity).
//!
//! Each change is one transaction with its ledger entry (`profile.update`, `nominee.update`),
//! like any other borrower action. The entries' payloads name which fields were set and when,
//! not the values: the ledger travels in exports, and a digest of a phone number or a name is
//! easy to confirm by guessing. The values stay in the encrypted vault.

use std::collections::BTreeMap;

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use super::{Vault, json, now_ms};
use crate::error::{Result, VaultError};

/// The ledger kind of a change to the borrower's profile.
pub const PROFILE_UPDATE_KIND: &str = "profile.update";
/// The ledger kind of a nominee recorded, changed or removed.
pub const NOMINEE_UPDATE_KIND: &str = "nominee.update";

/// The borrower's details as kept. Empty strings are details not given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub full_name: String,
    pub phone: String,
    pub email: String,
    /// The language letters are written in (`en`, `hi`); empty: the UI's.
    pub language: String,
    /// Lender id → the customer id that lender knows the borrower by, as the borrower gave it.
    pub customer_ids: BTreeMap<String, String>,
    /// When the profile was last saved; `None` before it ever was.
    pub updated_at: Option<i64>,
}

/// The borrower's nominee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Nominee {
    pub name: String,
    /// How the nominee is related to the borrower, in the borrower's words.
    pub relationship: String,
    /// A phone number or email address to reach the nominee.
    pub contact: String,
    /// When the borrower recorded this nominee (the date the nomination was made).
    pub recorded_at: i64,
}

/// The names of the fields `p` holds (for the ledger entry, which keeps no values).
fn set_fields(p: &Profile) -> Vec<&'static str> {
    [
        ("fullName", &p.full_name),
        ("phone", &p.phone),
        ("email", &p.email),
        ("language", &p.language),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, _)| k)
    .collect()
}

impl Vault {
    /// The borrower's profile; an empty one (no `updated_at`) when never saved.
    pub fn profile(&self) -> Result<Profile> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT full_name, phone, email, language, updated_at FROM borrower_profile \
                 WHERE id = 1",
            )?
            .query_row([], |r| {
                Ok(Profile {
                    full_name: r.get(0)?,
                    phone: r.get(1)?,
                    email: r.get(2)?,
                    language: r.get(3)?,
                    customer_ids: BTreeMap::new(),
                    updated_at: Some(r.get(4)?),
                })
            })
            .optional()?;
        let mut profile = row.unwrap_or_default();
        let mut st = self
            .conn
            .prepare_cached("SELECT lender_id, customer_id FROM lender_customer_ids")?;
        let ids = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        profile.customer_ids = ids.collect::<rusqlite::Result<_>>()?;
        Ok(profile)
    }

    /// Replaces the borrower's profile (customer ids included: a lender left out has none
    /// kept) in one transaction with its `profile.update` ledger entry; returns it as kept.
    /// A customer id for a lender the vault does not know is refused.
    pub fn set_profile(&mut self, profile: &Profile) -> Result<Profile> {
        self.write(|tx, led| {
            let now = now_ms();
            for lender in profile.customer_ids.keys() {
                let known: Option<i64> = tx
                    .prepare_cached("SELECT 1 FROM lenders WHERE id = ?1")?
                    .query_row([lender], |r| r.get(0))
                    .optional()?;
                if known.is_none() {
                    return Err(VaultError::NotFound {
                        kind: "lender",
                        id: lender.clone(),
                    });
                }
            }
            tx.prepare_cached(
                "INSERT INTO borrower_profile (id, full_name, phone, email, language, updated_at) \
                 VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET \
                 full_name = excluded.full_name, phone = excluded.phone, email = excluded.email, \
                 language = excluded.language, updated_at = excluded.updated_at",
            )?
            .execute(rusqlite::params![
                profile.full_name,
                profile.phone,
                profile.email,
                profile.language,
                now
            ])?;
            tx.execute("DELETE FROM lender_customer_ids", [])?;
            for (lender, id) in &profile.customer_ids {
                tx.prepare_cached(
                    "INSERT INTO lender_customer_ids (lender_id, customer_id) VALUES (?1, ?2)",
                )?
                .execute([lender, id])?;
            }
            let payload = serde_json::json!({
                "fields": set_fields(profile),
                "customerIds": profile.customer_ids.keys().collect::<Vec<_>>(),
                "updatedAt": now,
            });
            led.append(tx, PROFILE_UPDATE_KIND, "profile", &json(&payload)?)?;
            Ok(Profile {
                updated_at: Some(now),
                ..profile.clone()
            })
        })
    }

    /// The borrower's nominee, if one is recorded.
    pub fn nominee(&self) -> Result<Option<Nominee>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT name, relationship, contact, recorded_at FROM nominee WHERE id = 1",
            )?
            .query_row([], |r| {
                Ok(Nominee {
                    name: r.get(0)?,
                    relationship: r.get(1)?,
                    contact: r.get(2)?,
                    recorded_at: r.get(3)?,
                })
            })
            .optional()?)
    }

    /// Records the nominee (`recorded_at` is now), or removes it (`None`), in one transaction
    /// with its `nominee.update` ledger entry; returns the nominee as kept.
    pub fn set_nominee(&mut self, nominee: Option<(&str, &str, &str)>) -> Result<Option<Nominee>> {
        self.write(|tx, led| {
            let now = now_ms();
            let kept = match nominee {
                Some((name, relationship, contact)) => {
                    tx.prepare_cached(
                        "INSERT INTO nominee (id, name, relationship, contact, recorded_at) \
                         VALUES (1, ?1, ?2, ?3, ?4) ON CONFLICT(id) DO UPDATE SET \
                         name = excluded.name, relationship = excluded.relationship, \
                         contact = excluded.contact, recorded_at = excluded.recorded_at",
                    )?
                    .execute(rusqlite::params![
                        name,
                        relationship,
                        contact,
                        now
                    ])?;
                    Some(Nominee {
                        name: name.into(),
                        relationship: relationship.into(),
                        contact: contact.into(),
                        recorded_at: now,
                    })
                }
                None => {
                    tx.execute("DELETE FROM nominee", [])?;
                    None
                }
            };
            let payload = serde_json::json!({ "recorded": kept.is_some(), "at": now });
            led.append(tx, NOMINEE_UPDATE_KIND, "nominee", &json(&payload)?)?;
            Ok(kept)
        })
    }
}

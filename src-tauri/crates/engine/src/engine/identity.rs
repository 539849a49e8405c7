//! Whether a discovery document may speak for a lender already in the vault. A lender is the
//! origin its discovery document came from plus the fingerprint of its keys, never the
//! `lenderId` it claims: a document claiming a known id from another origin or with other keys
//! is refused (nothing stored changes) unless the borrower re-pins after comparing both
//! fingerprints, or the new keys come with an endorsement signed by a pinned key (a rotation).
//! Keys a lender stops publishing are retired, never forgotten, so old statements still verify.

use khata_lending::KeyRing;
use khata_lending::identity::{check_endorsement, key_fingerprint, same_fingerprint};
use khata_lending::lender_text::sanitize;
use khata_lending::types::{self as wire, PublicKeyInfo};
use khata_vault::{LenderIdentity, PinnedKey, Vault, now_ms};

use super::Engine;
use crate::error::{EngineError, Result};
use crate::views::IdentityConflictView;

/// The origin recorded for the built-in sandbox lender: it is started by Khata itself on a new
/// loopback port each time, so its port says nothing about who it is.
pub(crate) const SANDBOX_ORIGIN: &str = "khata:built-in-sandbox";

/// How a discovery document relates to what is pinned for its lender id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pinning {
    /// No lender with this id yet.
    New,
    /// Same origin, same keys.
    Same,
    /// Same origin, new keys endorsed by a pinned key.
    Rotated,
    /// Another origin or other keys, accepted because the borrower re-pinned this fingerprint.
    Repinned,
}

/// `scheme://host[:port]` of a URL, as pinned.
pub(crate) fn origin_of(url: &str) -> Result<String> {
    let u = url::Url::parse(url)
        .map_err(|e| EngineError::InvalidInput(format!("the lender URL is not valid: {e}")))?;
    Ok(u.origin().ascii_serialization())
}

/// What is pinned for `lender_id`: its identity and every key it has had. Vaults from before
/// identities were kept fall back to the stored link (origin of its API base, keys of its
/// stored discovery document).
fn pinned(v: &Vault, lender_id: &str) -> Result<Option<(LenderIdentity, Vec<PinnedKey>)>> {
    let history = v.lender_key_history(lender_id)?;
    if let Some(id) = v.lender_identity(lender_id)? {
        return Ok(Some((id, history)));
    }
    let Some(link) = v.lender_link(lender_id)? else {
        return Ok(None);
    };
    let disc: wire::Discovery = serde_json::from_str(&link.discovery)?;
    let origin = if link.is_sandbox {
        SANDBOX_ORIGIN.to_string()
    } else {
        origin_of(&link.api_base)?
    };
    let history = if history.is_empty() {
        disc.keys
            .iter()
            .map(|k| PinnedKey {
                key_id: k.key_id.clone(),
                alg: k.alg.clone(),
                public_key: k.public_key.clone(),
                first_seen: 0,
                retired_at: None,
            })
            .collect()
    } else {
        history
    };
    let identity = LenderIdentity {
        lender_id: lender_id.to_string(),
        origin,
        fingerprint: key_fingerprint(&disc.keys),
        pinned_at: 0,
    };
    Ok(Some((identity, history)))
}

fn infos(keys: &[PinnedKey], current_only: bool) -> Vec<PublicKeyInfo> {
    keys.iter()
        .filter(|k| !current_only || k.retired_at.is_none())
        .map(|k| PublicKeyInfo {
            key_id: k.key_id.clone(),
            alg: k.alg.clone(),
            public_key: k.public_key.clone(),
        })
        .collect()
}

/// Decides whether `disc`, fetched from `origin`, may speak for its lender id (module docs).
pub(crate) fn check(
    v: &Vault,
    disc: &wire::Discovery,
    origin: &str,
    repin: Option<&str>,
) -> Result<Pinning> {
    let Some((pinned, history)) = pinned(v, &disc.lender_id)? else {
        return Ok(Pinning::New);
    };
    let offered = key_fingerprint(&disc.keys);
    let same_origin = pinned.origin == origin;
    let same_keys = same_fingerprint(&pinned.fingerprint, &offered);
    if same_origin && same_keys {
        return Ok(Pinning::Same);
    }
    if repin.is_some_and(|r| same_fingerprint(r, &offered)) {
        return Ok(Pinning::Repinned);
    }
    if same_origin && let Some(endorsement) = &disc.key_endorsement {
        let current = KeyRing::from_public(&infos(&history, true)).unwrap_or_default();
        match check_endorsement(&current, &disc.lender_id, &disc.keys, endorsement) {
            Ok(()) => return Ok(Pinning::Rotated),
            Err(e) => tracing::warn!(
                lender = %sanitize(&disc.lender_id),
                error = %e,
                "key endorsement refused"
            ),
        }
    }
    // The id is the lender's own text: cleaned before it is logged, shown or printed.
    let lender_id = sanitize(&disc.lender_id);
    tracing::warn!(
        lender = %lender_id,
        pinned_origin = %pinned.origin,
        offered_origin = %origin,
        "discovery document claims a pinned lender id with another origin or other keys"
    );
    Err(EngineError::LenderIdentityConflict(Box::new(
        IdentityConflictView {
            lender_id,
            pinned_origin: pinned.origin,
            pinned_fingerprint: pinned.fingerprint,
            offered_origin: origin.to_string(),
            offered_fingerprint: offered,
        },
    )))
}

/// Pins `disc`'s keys and `origin` for its lender (after [`check`] allowed it): the keys join
/// the history, keys no longer published are retired.
pub(crate) fn pin(v: &mut Vault, disc: &wire::Discovery, origin: &str) -> Result<()> {
    let keys: Vec<(String, String, String)> = disc
        .keys
        .iter()
        .map(|k| (k.key_id.clone(), k.alg.clone(), k.public_key.clone()))
        .collect();
    v.pin_lender_identity(
        &LenderIdentity {
            lender_id: disc.lender_id.clone(),
            origin: origin.to_string(),
            fingerprint: key_fingerprint(&disc.keys),
            pinned_at: now_ms(),
        },
        &keys,
    )?;
    Ok(())
}

impl Engine {
    /// Every key a stored lender has had, current and retired (for verifying stored
    /// statements offline: one signed before a rotation still verifies).
    pub(crate) fn keys_of(v: &Vault, lender_id: &str) -> Result<Option<KeyRing>> {
        let Some((_, history)) = pinned(v, lender_id)? else {
            return Ok(None);
        };
        Ok(KeyRing::from_public(&infos(&history, false)).ok())
    }

    /// Every key of a stored lender as published (current and retired), for exports.
    pub(crate) fn key_history_of(v: &Vault, lender_id: &str) -> Result<Vec<PublicKeyInfo>> {
        Ok(pinned(v, lender_id)?
            .map(|(_, h)| infos(&h, false))
            .unwrap_or_default())
    }
}

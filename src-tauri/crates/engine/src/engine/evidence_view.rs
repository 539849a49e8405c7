//! The evidence read model: the signed statement behind one disclosure, checked offline against
//! the lender's pinned key, and the vault's own ledger walked end to end.

use serde_json::Value;

use super::Engine;
use super::consents::consent_view_in;
use crate::convert;
use crate::error::{EngineError, Result};
use crate::log_records;
use crate::views::*;

impl Engine {
    /// The proof behind one disclosure, checked offline against the lender's pinned key.
    pub async fn evidence(&self, disclosure_id: i64) -> Result<EvidenceView> {
        self.with_vault(move |v| {
            let cat = Self::catalog(v)?;
            let e = v
                .event(disclosure_id)?
                .ok_or_else(|| EngineError::NotFound(format!("no disclosure {disclosure_id}")))?;
            let (lender_ref, statement) = v.event_statement(disclosure_id)?.unwrap_or((None, None));
            let mut leaf_ledger_seq = None;
            let mut value: Option<Value> = statement
                .as_deref()
                .and_then(|b| serde_json::from_slice(b).ok());
            if lender_ref.is_none() && value.is_none() {
                // A leaf of a v2 log has no signature of its own: the proof is the leaf as
                // the lender committed to it and the first held head that covers it, whose
                // signature is checked below (sync checked the leaf against that head's root).
                (value, leaf_ledger_seq) = leaf_evidence(v, disclosure_id)?;
            }
            let keys = Self::keys_of(v, &e.event.lender_id)?;
            let signed = value.as_ref().map(|val| val.get("treeHead").unwrap_or(val));
            let verified = match (signed, &keys) {
                (Some(val), Some(k)) => k.verify_value(val).is_ok(),
                _ => false,
            };
            let key_id = signed.and_then(|v| v["signature"]["keyId"].as_str().map(String::from));
            let consent = match &e.event.consent_id {
                Some(id) if v.consent(id)?.is_some() => Some(consent_view_in(v, id)?),
                _ => None,
            };
            Ok(EvidenceView {
                disclosure: convert::disclosure_view(&e, &cat),
                consent,
                statement_json: value
                    .as_ref()
                    .map(|v| serde_json::to_string_pretty(v).unwrap_or_default())
                    .unwrap_or_default(),
                signature_key_id: key_id,
                signature_verified: verified,
                ledger_seq: match leaf_ledger_seq {
                    Some(seq) => Some(seq),
                    None => v.ledger_seq_for("event.add", &disclosure_id.to_string())?,
                },
            })
        })
        .await
    }

    /// The vault's ledger head (hex) and entry count, after walking the whole chain.
    pub async fn verify_ledger(&self) -> Result<(String, u64)> {
        self.with_vault(|v| {
            let r = v.verify()?;
            Ok((hex::encode(r.head_hash), r.entries))
        })
        .await
    }
}

/// `{"leaf": …, "treeHead": …}` for a disclosure stored as a leaf of a v2 log, and the
/// ledger entry that recorded that head.
fn leaf_evidence(v: &khata_vault::Vault, id: i64) -> Result<(Option<Value>, Option<i64>)> {
    let Some((lender_id, row)) = v.log_leaf_of_event(id)? else {
        return Ok((None, None));
    };
    let covering = v
        .tree_heads(&lender_id)?
        .into_iter()
        .find(|h| h.status == khata_vault::HeadStatus::Held && h.head.tree_size > row.log_index);
    let seq = match &covering {
        Some(h) => v.ledger_seq_for_head(&lender_id, h.head.tree_size, &h.head.root)?,
        None => None,
    };
    let head = covering.and_then(|h| serde_json::from_str::<Value>(&h.head.signed_json).ok());
    Ok((
        Some(serde_json::json!({
            "leaf": log_records::leaf_json(&row)?,
            "treeHead": head,
        })),
        seq,
    ))
}

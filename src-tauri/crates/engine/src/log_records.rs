//! A contract-v2 lender's disclosure log as the rest of the engine reads it back from the
//! vault: a stored leaf rebuilt into the exact statement the lender committed to (the evidence
//! a finding shows, what an export carries), the same leaf as a v1-shaped disclosure (what
//! the audit rules read), and the conflicting heads kept at sync as conflict records (the
//! shape the audit and the export share, docs/export.md).

use std::collections::BTreeMap;

use khata_lending::log::{DisclosureLeaf, LeafRange};
use khata_lending::merkle;
use khata_lending::types as wire;
use khata_vault::{HeadStatus, LogLeafRow, StoredTreeHead, Vault};
use serde_json::{Value, json};

use crate::error::{EngineError, Result};

/// The leaf as revealed, from its stored members.
pub(crate) fn leaf_of(row: &LogLeafRow) -> DisclosureLeaf {
    DisclosureLeaf {
        index: row.log_index,
        signal: row.signal_id.clone(),
        collected_at: row.collected_at,
        purpose: row.purpose.clone(),
        consent_id: row.consent_id.clone(),
        data_range: LeafRange {
            from: row.data_from,
            to: row.data_to,
        },
        value_digest: row.value_digest.as_ref().map(merkle::encode_hash),
        onward_recipient: row.onward_recipient.clone(),
    }
}

/// The leaf exactly as the lender committed to it (with its disclosed values and salts): its
/// statement bytes hash to the leaf hash the lender's signed heads cover.
pub(crate) fn leaf_json(row: &LogLeafRow) -> Result<Value> {
    let mut salts = [[0u8; 16]; 2];
    for (slot, chunk) in salts.iter_mut().zip(row.salts.chunks_exact(16)) {
        slot.copy_from_slice(chunk);
    }
    if row.value_digest.is_none() && row.onward_recipient.is_some() {
        // The stored salts are in member order, and the first member is always present.
        return Err(EngineError::Internal(format!(
            "leaf {} has a recipient but no value digest",
            row.log_index
        )));
    }
    leaf_of(row)
        .to_redactable(salts)
        .map_err(|e| EngineError::Internal(format!("leaf {}: {e}", row.log_index)))
}

/// The leaf in the shape the audit rules read a disclosure in.
pub(crate) fn leaf_disclosure(lender_id: &str, row: &LogLeafRow) -> wire::Disclosure {
    khata_evidence::audit::leaf_disclosure(lender_id, &leaf_of(row))
}

fn head_value(head: &StoredTreeHead) -> Value {
    serde_json::from_str(&head.head.signed_json).unwrap_or(Value::Null)
}

/// The conflicting heads kept for `lender_id` as conflict records: a fork when a held head of
/// the same size has another root, a page mismatch when the head came with a page whose
/// leaves gave another root, otherwise the head against the largest held one (which proves
/// nothing by itself; the audit says so by not finding).
pub(crate) fn conflict_records(v: &Vault, lender_id: &str) -> Result<Vec<Value>> {
    let heads = v.tree_heads(lender_id)?;
    let held: BTreeMap<u64, &StoredTreeHead> = heads
        .iter()
        .filter(|h| h.status == HeadStatus::Held)
        .map(|h| (h.head.tree_size, h))
        .collect();
    let mut out = Vec::new();
    for c in heads.iter().filter(|h| h.status == HeadStatus::Conflicting) {
        let size = c.head.tree_size;
        let record = if let Some(h) = held.get(&size) {
            json!({"kind": "fork", "held": head_value(h), "offered": head_value(c),
                   "computedRoot": null, "pageStart": null, "detectedAt": c.head.received_at})
        } else if let Some(m) = &c.mismatch {
            let before = held.range(..size).next_back().map(|(_, h)| head_value(h));
            json!({"kind": "page-mismatch", "held": before, "offered": head_value(c),
                   "computedRoot": merkle::encode_hash(&m.computed_root),
                   "pageStart": m.page_start, "detectedAt": c.head.received_at})
        } else {
            let largest = held.values().next_back().map(|h| head_value(h));
            json!({"kind": "fork", "held": largest, "offered": head_value(c),
                   "computedRoot": null, "pageStart": null, "detectedAt": c.head.received_at})
        };
        out.push(record);
    }
    Ok(out)
}

//! The strict reading of one leaf of the disclosure log, as the borrower's client must do it:
//! beyond the contract's own check (disclosures against commitments, typed members), the leaf
//! must sit at its place in the log, reveal every committed value to the borrower it is about,
//! keep its strings short and free of control and bidi characters (they are stored and shown
//! as they are: changing them would change the leaf's hash), and be rebuildable byte for byte
//! from its members and salts — what the vault keeps instead of the JSON.

use serde_json::Value;

use super::check::ViolationKind;
use crate::lender_text::{is_unsafe, sanitize};
use khata_contract::log::{CheckedLeaf, DisclosureLeaf};
use khata_contract::{merkle, redact};

/// The most characters of a leaf's identifiers and codes (signal, purpose, consent id, onward
/// recipient): they name things, they are not prose.
pub const MAX_LEAF_TEXT: usize = 128;

/// Checks leaf `entry` (as received, with its `_disclosed` values) at log index `index`.
pub fn check_leaf(entry: &Value, index: u64) -> Result<CheckedLeaf, ViolationKind> {
    let found = entry.get("index").and_then(Value::as_u64);
    if found != Some(index) {
        return Err(ViolationKind::BadIndex {
            expected: index,
            found,
        });
    }
    let bad = |reason: &str| ViolationKind::BadLeaf {
        index,
        reason: sanitize(reason),
    };
    let checked = DisclosureLeaf::check(entry).map_err(|e| bad(&e.to_string()))?;
    if let Some(path) = checked.withheld.first() {
        return Err(bad(&format!("{path} is withheld from the borrower")));
    }
    let leaf = &checked.leaf;
    match &leaf.value_digest {
        Some(d) if merkle::decode_hash(d).is_ok() => {}
        Some(_) => return Err(bad("valueDigest is not a base64url SHA-256 digest")),
        None => return Err(bad("valueDigest is missing")),
    }
    for (name, text) in [
        ("signal", Some(&leaf.signal)),
        ("purpose", Some(&leaf.purpose)),
        ("consentId", leaf.consent_id.as_ref()),
        ("onwardRecipient", leaf.onward_recipient.as_ref()),
    ] {
        if let Some(text) = text
            && (text.is_empty()
                || text.chars().count() > MAX_LEAF_TEXT
                || text.chars().any(is_unsafe))
        {
            return Err(bad(&format!(
                "{name} is empty, longer than {MAX_LEAF_TEXT} characters or has control characters"
            )));
        }
    }
    // The vault rebuilds the leaf from its members and salts: the bytes must come out the same.
    let [Some(digest_salt), recipient_salt] = checked.salts else {
        return Err(bad("valueDigest is not committed to"));
    };
    if recipient_salt.is_some() != leaf.onward_recipient.is_some() {
        return Err(bad("onwardRecipient is not committed to"));
    }
    let rebuilt = leaf
        .to_redactable([digest_salt, recipient_salt.unwrap_or(digest_salt)])
        .and_then(|v| redact::statement_bytes(&v))
        .map_err(|e| bad(&e.to_string()))?;
    if merkle::leaf_hash(&rebuilt) != checked.leaf_hash {
        return Err(bad("the leaf is not in the contract's form"));
    }
    Ok(checked)
}

//! Whose keys a verification trusted. An export lists each lender's public keys itself, so a
//! check against those keys alone proves only that the file agrees with itself: anyone who
//! re-signs every statement with a key of their own gets "valid". Each lender's keys therefore
//! come from the strongest source at hand, and the report says which:
//!
//! - **supplied**: keys the verifier was given from outside the file (`khata verify
//!   --lender-keys FILE|URL`, e.g. the lender's own discovery document). Statements signed by
//!   any other key fail.
//! - **pinned**: the key the exporting vault pinned when it connected to the lender, as written
//!   in the export's `pinRecord` and matched against the vault's ledger entry (`lender.upsert`)
//!   that recorded it. Statements are checked against that key alone. This proves no more than
//!   the ledger does: the chain is unkeyed, so someone who rewrites the whole ledger from the
//!   pin onwards can pin a key of their own, and only a ledger head known from elsewhere (one
//!   the borrower shared earlier) rules that out.
//! - **self-attested**: only the file's own say-so (an export with no pin for the lender).

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use khata_contract::signing::KeyRing;
use khata_contract::types::PublicKeyInfo;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::checks::{R, Rings, bad};
use crate::ledger::payload_digest;

/// Where the keys a lender's statements were checked against came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum KeyTrust {
    /// Given to the verifier from outside the export.
    Supplied,
    /// Pinned by the exporting vault at connect, as its hash-chained ledger recorded it.
    Pinned,
    /// Only the export's own list of keys.
    SelfAttested,
}

/// One lender's keys as the verification used them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct LenderTrust {
    pub lender_id: String,
    pub trust: KeyTrust,
    /// [`fingerprint`] of each key statements were checked against, by key id.
    pub fingerprints: Vec<KeyFingerprint>,
    /// The ledger entry that recorded the vault's pin, when there is one.
    pub pinned_at_seq: Option<i64>,
}

/// A key id and the fingerprint of its public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct KeyFingerprint {
    pub key_id: String,
    pub fingerprint: String,
}

/// SHA-256 of the raw 32-byte Ed25519 public key, in lower-case hex, in groups of four digits
/// (`ab12 cd34 …`, 16 groups), so a person can compare it with one read out elsewhere.
pub fn fingerprint(public_key: &[u8]) -> String {
    let hex = hex::encode(Sha256::digest(public_key));
    hex.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lender keys given from outside the export, by lender id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SuppliedKeys(pub HashMap<String, Vec<PublicKeyInfo>>);

impl SuppliedKeys {
    /// Reads either a lender's discovery document (`{"lenderId": …, "keys": […], …}`) or a map
    /// of lender id to keys (`{"L": [key, …]}` or `{"L": {"keys": [key, …]}}`).
    pub fn from_json(v: &Value) -> Result<Self, String> {
        let keys = |v: &Value| -> Result<Vec<PublicKeyInfo>, String> {
            let list = v.get("keys").unwrap_or(v);
            serde_json::from_value(list.clone()).map_err(|e| format!("not a list of keys: {e}"))
        };
        let obj = v.as_object().ok_or("lender keys: expected a JSON object")?;
        let mut out = HashMap::new();
        if let Some(id) = obj.get("lenderId").and_then(Value::as_str) {
            out.insert(id.to_string(), keys(v).map_err(|e| format!("{id}: {e}"))?);
        } else {
            for (id, entry) in obj {
                out.insert(id.clone(), keys(entry).map_err(|e| format!("{id}: {e}"))?);
            }
        }
        for (id, list) in &out {
            KeyRing::from_public(list).map_err(|e| format!("{id}: {e}"))?;
        }
        Ok(Self(out))
    }
}

/// A lender as the export's header lists it, before its keys are trusted.
pub(crate) struct ListedLender {
    pub id: String,
    pub keys: Vec<PublicKeyInfo>,
    /// The exact text of the vault's pin record (`pinRecord`), if the export carries one.
    pub pin_record: Option<String>,
}

/// The last `lender.upsert` ledger entry of one lender: where the vault pinned its key.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LedgerPin {
    pub seq: i64,
    pub digest: [u8; 32],
}

/// The ledger entry kind that records a lender and the key pinned for it.
pub(crate) const PIN_KIND: &str = "lender.upsert";

fn decode_key(info: &PublicKeyInfo) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(&info.public_key).ok()
}

fn fingerprints(keys: &[PublicKeyInfo]) -> Vec<KeyFingerprint> {
    let mut out: Vec<KeyFingerprint> = keys
        .iter()
        .map(|k| KeyFingerprint {
            key_id: k.key_id.clone(),
            fingerprint: decode_key(k).map(|b| fingerprint(&b)).unwrap_or_default(),
        })
        .collect();
    out.sort_by(|a, b| a.key_id.cmp(&b.key_id));
    out
}

/// Chooses each lender's keys (supplied, else pinned, else the export's own) and checks every
/// pin the export carries against the ledger: a pin that does not match its ledger entry, or a
/// lender the ledger pinned whose pin is missing, is tampering.
pub(crate) fn resolve(
    listed: &[ListedLender],
    pins: &HashMap<String, LedgerPin>,
    supplied: &SuppliedKeys,
) -> R<(Rings, Vec<LenderTrust>)> {
    let mut rings = HashMap::new();
    let mut report = Vec::new();
    for (n, l) in listed.iter().enumerate() {
        let at = format!("/lenders/{n}");
        let pinned = match (&l.pin_record, pins.get(&l.id)) {
            (None, None) => None,
            (None, Some(p)) => {
                return Err(bad(
                    &at,
                    format!(
                        "the vault's ledger (entry {}) pinned a key for lender {:?}, but the export carries no pinRecord",
                        p.seq, l.id
                    ),
                ));
            }
            (Some(_), None) => {
                return Err(bad(
                    format!("{at}/pinRecord"),
                    "no lender.upsert ledger entry records this pin",
                ));
            }
            (Some(text), Some(p)) => Some((pinned_keys(text, p, l, &at)?, p.seq)),
        };
        let (keys, trust, seq) = if let Some(keys) = supplied.0.get(&l.id) {
            (keys.clone(), KeyTrust::Supplied, pinned.map(|(_, s)| s))
        } else if let Some((keys, seq)) = pinned {
            (keys, KeyTrust::Pinned, Some(seq))
        } else {
            (l.keys.clone(), KeyTrust::SelfAttested, None)
        };
        let ring =
            KeyRing::from_public(&keys).map_err(|e| bad(format!("{at}/keys"), e.to_string()))?;
        rings.insert(l.id.clone(), ring);
        report.push(LenderTrust {
            lender_id: l.id.clone(),
            trust,
            fingerprints: fingerprints(&keys),
            pinned_at_seq: seq,
        });
    }
    Ok((Rings::new(rings), report))
}

/// The export's keys of lender `l` that the pin record names, once the record is shown to be
/// the one the ledger entry `p` hashed.
fn pinned_keys(text: &str, p: &LedgerPin, l: &ListedLender, at: &str) -> R<Vec<PublicKeyInfo>> {
    let pat = format!("{at}/pinRecord");
    if payload_digest(text.as_bytes()) != p.digest {
        return Err(bad(
            &pat,
            format!("does not match the vault's ledger entry {}", p.seq),
        ));
    }
    let record: Value =
        serde_json::from_str(text).map_err(|_| bad(&pat, "not a JSON lender record"))?;
    if record.get("id").and_then(Value::as_str) != Some(l.id.as_str()) {
        return Err(bad(&pat, "pins another lender"));
    }
    let key = record
        .get("public_key")
        .and_then(Value::as_str)
        .and_then(|h| hex::decode(h).ok())
        .ok_or_else(|| bad(&pat, "names no public key"))?;
    let keys: Vec<PublicKeyInfo> = l
        .keys
        .iter()
        .filter(|k| decode_key(k).as_deref() == Some(key.as_slice()))
        .cloned()
        .collect();
    if keys.is_empty() {
        return Err(bad(
            format!("{at}/keys"),
            "the key the vault pinned is not among the lender's keys",
        ));
    }
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use khata_contract::signing::LenderKey;
    use serde_json::{Value, json};

    use super::super::fast::tests::{export, export_seq};
    use super::super::{
        SequenceGap, VerifyError, VerifyReport, verify_export_bytes_with, verify_export_with,
    };
    use super::*;
    use crate::ledger::entry_hash;

    /// The export's lender key, as the hand-made exports sign with it.
    fn lender_key() -> LenderKey {
        LenderKey::from_seed(&[3u8; 32])
    }

    /// Appends a `lender.upsert` entry pinning `key` for "L" and carries the record as the
    /// exporter does.
    fn pin(mut doc: Value, key: &LenderKey) -> Value {
        let raw = URL_SAFE_NO_PAD
            .decode(key.public_info().public_key)
            .unwrap();
        let record = json!({"id": "L", "name": "L", "registration": null, "contact": null,
            "public_key": hex::encode(raw)})
        .to_string();
        let entries = doc["ledger"]["entries"].as_array_mut().unwrap();
        let seq = entries.len() as i64 + 1;
        let mut prev = [0u8; 32];
        if let Some(last) = entries.last() {
            hex::decode_to_slice(last["hash"].as_str().unwrap(), &mut prev).unwrap();
        }
        let digest = payload_digest(record.as_bytes());
        let hash = entry_hash(seq, 7, PIN_KIND, "L", &digest, &prev);
        entries.push(
            json!({"seq": seq, "at": 7, "kind": PIN_KIND, "record_id": "L",
            "payload_digest": hex::encode(digest), "prev_hash": hex::encode(prev),
            "hash": hex::encode(hash)}),
        );
        doc["ledger"]["head"] = json!({"seq": seq, "hash": hex::encode(hash)});
        doc["lenders"][0]["pinRecord"] = json!(record);
        doc
    }

    /// Both strategies on one export; they must agree.
    fn check(doc: &Value, supplied: &SuppliedKeys) -> Result<VerifyReport, VerifyError> {
        let bytes = serde_json::to_vec(doc).unwrap();
        let reference = verify_export_with(doc, supplied, &mut |_, _| {});
        assert_eq!(
            verify_export_bytes_with(&bytes, supplied, &mut |_, _| {}),
            reference,
            "the fast path agrees with the reference"
        );
        reference
    }

    fn supplied(key: &LenderKey) -> SuppliedKeys {
        SuppliedKeys::from_json(&json!({"L": [key.public_info()]})).unwrap()
    }

    #[test]
    fn keys_are_self_attested_pinned_or_supplied() {
        let key = lender_key();
        let r = check(&export(3, json!(null)), &SuppliedKeys::default()).unwrap();
        assert_eq!(r.key_trust[0].trust, KeyTrust::SelfAttested);
        let raw = URL_SAFE_NO_PAD
            .decode(key.public_info().public_key)
            .unwrap();
        assert_eq!(
            r.key_trust[0].fingerprints[0].fingerprint,
            fingerprint(&raw)
        );

        let pinned = pin(export(3, json!(null)), &key);
        let r = check(&pinned, &SuppliedKeys::default()).unwrap();
        assert_eq!(r.key_trust[0].trust, KeyTrust::Pinned);
        assert_eq!(r.key_trust[0].pinned_at_seq, Some(4));

        let r = check(&pinned, &supplied(&key)).unwrap();
        assert_eq!(r.key_trust[0].trust, KeyTrust::Supplied);
        // Statements signed by a key other than the supplied one fail.
        let err = check(&pinned, &supplied(&LenderKey::from_seed(&[4u8; 32]))).unwrap_err();
        assert_eq!(err.exit_code(), 1, "{err}");
    }

    #[test]
    fn a_pin_that_is_missing_altered_or_not_among_the_keys_is_tampering() {
        let key = lender_key();
        let pinned = pin(export(2, json!(null)), &key);
        let none = SuppliedKeys::default();

        let mut d = pinned.clone();
        d["lenders"][0].as_object_mut().unwrap().remove("pinRecord");
        let err = check(&d, &none).unwrap_err();
        assert!(err.to_string().starts_with("/lenders/0:"), "{err}");

        let mut d = pinned.clone();
        let text = d["lenders"][0]["pinRecord"]
            .as_str()
            .unwrap()
            .replace("\"L\"", "\"M\"");
        d["lenders"][0]["pinRecord"] = json!(text);
        let err = check(&d, &none).unwrap_err();
        assert!(err.to_string().contains("/lenders/0/pinRecord"), "{err}");

        // A key added beside the pinned one signs nothing the verifier accepts.
        let other = LenderKey::from_seed(&[5u8; 32]);
        let mut d = pinned.clone();
        let mut keys = vec![key.public_info(), other.public_info()];
        keys.sort_by(|a, b| a.key_id.cmp(&b.key_id));
        d["lenders"][0]["keys"] = json!(keys);
        assert_eq!(check(&d, &none).unwrap().key_trust[0].fingerprints.len(), 1);
        let st = d["disclosures"][0]["statement"].clone();
        let mut st = st.as_object().unwrap().clone();
        st.remove("signature");
        d["disclosures"][0]["statement"] = other.sign_value(Value::Object(st)).unwrap();
        assert!(check(&d, &none).is_err());

        // A pin with no ledger entry behind it.
        let mut d = export(2, json!(null));
        d["lenders"][0]["pinRecord"] = pinned["lenders"][0]["pinRecord"].clone();
        let err = check(&d, &none).unwrap_err();
        assert!(err.to_string().contains("no lender.upsert"), "{err}");
    }

    #[test]
    fn holes_in_the_sequence_agree_on_both_paths() {
        // Seqs 2, 4, 6, 8: holes 1, 3, 5 and 7.
        let r = check(
            &export_seq(4, json!(null), |id| id * 2),
            &SuppliedKeys::default(),
        )
        .unwrap();
        let gap = |n| SequenceGap {
            lender_id: "L".into(),
            from: n,
            to: n,
        };
        assert_eq!(r.sequence_gaps, vec![gap(1), gap(3), gap(5), gap(7)]);
        let r = check(&export(4, json!(null)), &SuppliedKeys::default()).unwrap();
        assert!(r.sequence_gaps.is_empty());
    }

    #[test]
    fn supplied_keys_come_as_a_discovery_document_or_a_map() {
        let k = lender_key().public_info();
        for v in [
            json!({"lenderId": "L", "name": "x", "keys": [k]}),
            json!({"L": [k]}),
            json!({"L": {"keys": [k]}}),
        ] {
            let s = SuppliedKeys::from_json(&v).unwrap();
            assert_eq!(s.0["L"], vec![k.clone()], "{v}");
        }
        assert!(SuppliedKeys::from_json(&json!([k])).is_err());
        assert!(SuppliedKeys::from_json(&json!({"L": [{"keyId": "a"}]})).is_err());
        let mut weak = k.clone();
        weak.public_key = URL_SAFE_NO_PAD.encode([0u8; 32]);
        assert!(SuppliedKeys::from_json(&json!({"L": [weak]})).is_err());
    }
}

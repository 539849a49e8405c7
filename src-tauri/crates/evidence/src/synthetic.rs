//! Synthetic but valid version 2 exports, for tests and benchmarks: one lender's disclosure log
//! of any size, every tree head signed with a real [`LenderKey`], every leaf a redactable
//! disclosure statement as the contract defines it, the ledger with one `log.page` entry per
//! page. It needs no engine, vault or sandbox, so the verifier can be measured at a million
//! leaves and mutated thousands of times. Deterministic: the same spec gives the same bytes.

use std::io::{self, Write};

use khata_contract::log::{DisclosureLeaf, LEAF_REDACTABLE, LOG_DISCLOSURES, LeafRange, TreeHead};
use khata_contract::merkle::{self, Frontier};
use khata_contract::redact;
use khata_contract::signing::{LenderKey, canonical_json, unsigned};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::export_v2::{LogSection, Redaction, Writer};
use crate::ledger::{GENESIS_PREV_HASH, LOG_PAGE_KIND, entry_hash, log_head_digest};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    pub lender_id: String,
    pub leaves: u64,
    /// Leaves per page: one signed head and one ledger entry each.
    pub page: u64,
    /// Every `withhold_every`-th leaf withholds its `valueDigest` (0: none).
    pub withhold_every: u64,
    /// Every `onward_every`-th leaf names an onward recipient (0: none).
    pub onward_every: u64,
    pub key_seed: [u8; 32],
}

impl Spec {
    pub fn new(leaves: u64) -> Self {
        Self {
            lender_id: "khata-sandbox-lender".into(),
            leaves,
            page: khata_contract::log::MAX_PAGE_ENTRIES,
            withhold_every: 7,
            onward_every: 10,
            key_seed: [11; 32],
        }
    }

    /// The lender's signing key.
    pub fn key(&self) -> LenderKey {
        LenderKey::from_seed(&self.key_seed)
    }

    /// Leaf `n` as the export carries it (with its disclosures, some withheld).
    pub fn leaf(&self, n: u64) -> Value {
        let salt = |k: u8| -> [u8; 16] {
            let d = Sha256::new()
                .chain_update(self.key_seed)
                .chain_update(n.to_be_bytes())
                .chain_update([k])
                .finalize();
            d[..16].try_into().expect("16 bytes")
        };
        let t = 1_767_225_600_000 + n as i64 * 60_000;
        let leaf = DisclosureLeaf {
            index: n,
            signal: [
                "sms_income",
                "device_age",
                "location_stability",
                "upi_spend",
            ][n as usize % 4]
                .into(),
            collected_at: t,
            purpose: "103".into(),
            consent_id: Some("cons-d038fd05-b9a5-4cca-9d31-cbaca901b2a0".into()),
            data_range: LeafRange {
                from: t - 30 * 86_400_000,
                to: t,
            },
            value_digest: Some(merkle::encode_hash(&merkle::leaf_hash(&n.to_le_bytes()))),
            onward_recipient: (self.onward_every > 0 && n.is_multiple_of(self.onward_every))
                .then(|| "bureau-cibil".into()),
        };
        let mut v = leaf
            .to_redactable([salt(0), salt(1)])
            .expect("a leaf commits");
        if self.withhold_every > 0 && n.is_multiple_of(self.withhold_every) {
            redact::withhold(&mut v, &[LEAF_REDACTABLE[0]]);
        }
        v
    }

    /// The head of the first `size` leaves, signed.
    pub fn head(&self, size: u64, root: &merkle::Hash) -> Value {
        let head = TreeHead {
            log: LOG_DISCLOSURES.into(),
            lender_id: self.lender_id.clone(),
            tree_size: size,
            root_hash: merkle::encode_hash(root),
            timestamp: chrono::DateTime::from_timestamp_millis(1_767_225_600_000 + size as i64)
                .expect("a time"),
            signature: unsigned(),
        };
        serde_json::to_value(self.key().sign(&head).expect("a head signs")).expect("JSON")
    }

    /// Line 1 as a document (without `format` and `version`) and the log's section.
    pub fn document(&self) -> (Map<String, Value>, LogSection) {
        let mut frontier = Frontier::new();
        let mut heads = Vec::new();
        for n in 0..self.leaves {
            let bytes = redact::statement_bytes(&self.leaf(n)).expect("canonical");
            frontier.push(merkle::leaf_hash(&bytes));
            if frontier.size().is_multiple_of(self.page.max(1)) || frontier.size() == self.leaves {
                heads.push(self.head(frontier.size(), &frontier.root()));
            }
        }
        let mut entries = Vec::new();
        let mut prev = GENESIS_PREV_HASH;
        for (k, h) in heads.iter().enumerate() {
            let size = h["treeSize"].as_u64().expect("size");
            let root = merkle::decode_hash(h["rootHash"].as_str().expect("root")).expect("root");
            let seq = k as i64 + 1;
            let record = &self.lender_id;
            let digest = log_head_digest(&self.lender_id, size, &root);
            let hash = entry_hash(seq, 7, LOG_PAGE_KIND, record, &digest, &prev);
            entries.push(json!({
                "seq": seq, "at": 7, "kind": LOG_PAGE_KIND, "record_id": record,
                "payload_digest": hex::encode(digest), "prev_hash": hex::encode(prev),
                "hash": hex::encode(hash),
            }));
            prev = hash;
        }
        let n = entries.len();
        let doc = json!({
            "exportedAt": 1_767_225_600_000i64,
            "lenders": [{"id": self.lender_id, "name": "Sandbox lender", "keys": [self.key().public_info()]}],
            "signals": [], "consentRecords": [], "offers": [], "quotes": [], "receipts": [],
            "rightsRequests": [], "rightsStatements": [], "borrowerRequests": [],
            "ledger": {"entries": entries, "head": {"seq": n, "hash": if n > 0 { hex::encode(prev) } else { String::new() }}},
        });
        let Value::Object(doc) = doc else {
            unreachable!("an object")
        };
        let section = LogSection {
            lender_id: self.lender_id.clone(),
            leaf_count: self.leaves,
            tree_heads: heads,
            conflicts: Vec::new(),
        };
        (doc, section)
    }

    /// Writes the whole export.
    pub fn write(&self, out: impl Write) -> io::Result<()> {
        let (doc, section) = self.document();
        let redaction = Redaction {
            patterns: vec![LEAF_REDACTABLE[0].into()],
        };
        let mut w = Writer::start(out, &doc, vec![section], &redaction)?;
        for n in 0..self.leaves {
            w.leaf(&self.lender_id, &self.leaf(n))?;
        }
        w.finish()?;
        Ok(())
    }

    /// The whole export in memory.
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.write(&mut out).expect("writing to memory");
        out
    }
}

/// Recomputes a line-1 ledger's chain and head after its entries were edited (for tests that
/// forge a consistent-looking export).
pub fn rechain_ledger(doc: &mut Value) {
    let Some(entries) = doc
        .pointer_mut("/ledger/entries")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    let mut prev = GENESIS_PREV_HASH;
    for (k, e) in entries.iter_mut().enumerate() {
        let seq = k as i64 + 1;
        let mut digest = [0u8; 32];
        hex::decode_to_slice(e["payload_digest"].as_str().unwrap_or(""), &mut digest).ok();
        let hash = entry_hash(
            seq,
            e["at"].as_i64().unwrap_or(0),
            e["kind"].as_str().unwrap_or(""),
            e["record_id"].as_str().unwrap_or(""),
            &digest,
            &prev,
        );
        e["seq"] = json!(seq);
        e["prev_hash"] = json!(hex::encode(prev));
        e["hash"] = json!(hex::encode(hash));
        prev = hash;
    }
    let n = entries.len();
    doc["ledger"]["head"] =
        json!({"seq": n, "hash": if n > 0 { hex::encode(prev) } else { String::new() }});
}

/// An export's lines as text: line 1 and the leaves (for tests that edit them).
pub fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(str::to_string)
        .collect()
}

/// Joins lines back into an export (each line ends in `\n`).
pub fn join(lines: &[String]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l.as_bytes());
        out.push(b'\n');
    }
    out
}

/// Line 1 of an export from its document as a value (members after `format` and `version` in
/// the value's order), as [`Writer`] writes it.
pub fn line_one(doc: &Value) -> String {
    let mut out = crate::export_v2::MAGIC.trim_end_matches(',').to_string();
    if let Some(map) = doc.as_object() {
        for (k, v) in map {
            if k != "format" && k != "version" {
                out.push(',');
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                out.push_str(&v.to_string());
            }
        }
    }
    out.push('}');
    out
}

/// A leaf as a line (canonical JSON).
pub fn leaf_line(leaf: &Value) -> String {
    String::from_utf8(canonical_json(leaf).expect("canonical")).expect("UTF-8")
}

//! What a verified export rests on, tried as an adversary would on a real export (the sandbox
//! over-collector synced into a real vault): an export re-signed with a key of one's own, a
//! lender that withholds disclosures, and a few hundred random edits, reorderings and
//! deletions, each of which must be refused, land in a part the verifier names as not covered,
//! or withhold a redactable statement's value, which the report then names.

use std::sync::Arc;

use khata_engine::audit::verify::{
    self, KeyTrust, SequenceGap, SuppliedKeys, fingerprint, is_unverified, verify_export_with,
};
use khata_engine::views::*;
use khata_engine::*;
use khata_lending::LenderKey;
use khata_sandbox::Scenario;
use khata_vault::MemoryKeyStore;
use serde_json::{Value, json};
use sha2::Digest;

use crate::{decide_first_request, export_json};

use super::audit::{Rng, config, scenario_export};

fn noop(_: Progress) {}

fn ser(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

/// The lender's real keys, as its discovery document publishes them.
fn real_keys(doc: &Value) -> SuppliedKeys {
    let l = &doc["lenders"][0];
    SuppliedKeys::from_json(&json!({"lenderId": l["id"], "keys": l["keys"]})).unwrap()
}

/// Every signed statement of the export, re-signed with `key`.
fn resign_everything(doc: &mut Value, key: &LenderKey) {
    let resign = |st: &mut Value| {
        if let Some(o) = st.as_object_mut() {
            o.remove("signature");
            *st = key.sign_value(st.clone()).unwrap();
        }
    };
    for c in doc["consentRecords"].as_array_mut().unwrap() {
        for a in c["signed_artefacts"].as_array_mut().unwrap() {
            resign(a);
        }
    }
    for k in ["offers", "quotes", "receipts", "rightsStatements"] {
        for st in doc[k].as_array_mut().unwrap() {
            resign(st);
        }
    }
    for d in doc["disclosures"].as_array_mut().unwrap() {
        resign(&mut d["statement"]);
    }
    doc["lenders"][0]["keys"] = json!([key.public_info()]);
}

/// Rewrites the ledger from entry `from` (0-based) onwards, as anyone can: the chain is unkeyed.
fn rechain(doc: &mut Value, from: usize) {
    let entries = doc["ledger"]["entries"].as_array_mut().unwrap();
    let mut prev = [0u8; 32];
    if from > 0 {
        hex::decode_to_slice(entries[from - 1]["hash"].as_str().unwrap(), &mut prev).unwrap();
    }
    for e in entries.iter_mut().skip(from) {
        let mut digest = [0u8; 32];
        hex::decode_to_slice(e["payload_digest"].as_str().unwrap(), &mut digest).unwrap();
        let hash = verify_ledger_hash(e, &digest, &prev);
        e["prev_hash"] = json!(hex::encode(prev));
        e["hash"] = json!(hex::encode(hash));
        prev = hash;
    }
    let n = entries.len();
    doc["ledger"]["head"]["hash"] = json!(hex::encode(prev));
    doc["ledger"]["head"]["seq"] = json!(n);
}

fn verify_ledger_hash(e: &Value, digest: &[u8; 32], prev: &[u8; 32]) -> [u8; 32] {
    khata_evidence::ledger::entry_hash(
        e["seq"].as_i64().unwrap(),
        e["at"].as_i64().unwrap(),
        e["kind"].as_str().unwrap(),
        e["record_id"].as_str().unwrap(),
        digest,
        prev,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_resigned_with_another_key_is_not_taken_for_the_lenders() {
    let dir = tempfile::tempdir().unwrap();
    let (_engine, doc, bytes) = scenario_export(dir.path(), Scenario::OverCollector).await;
    let real = real_keys(&doc);

    // Honest: the vault pinned the lender's key; with the lender's own keys it is "supplied".
    let r = verify::verify_export_bytes(&bytes, &mut |_, _| {}).expect("the export verifies");
    assert_eq!(r.key_trust.len(), 1);
    assert_eq!(r.key_trust[0].trust, KeyTrust::Pinned);
    assert!(r.key_trust[0].pinned_at_seq.is_some());
    let key = &doc["lenders"][0]["keys"][0];
    let raw = {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(key["publicKey"].as_str().unwrap())
            .unwrap()
    };
    assert_eq!(
        r.key_trust[0].fingerprints[0].fingerprint,
        fingerprint(&raw)
    );
    let r = verify::verify_export_bytes_with(&bytes, &real, &mut |_, _| {}).unwrap();
    assert_eq!(r.key_trust[0].trust, KeyTrust::Supplied);

    // Every statement re-signed with the attacker's key (an offer made larger on the way).
    let attacker = LenderKey::from_seed(&[66u8; 32]);
    let mut forged = doc.clone();
    forged["offers"][0]["amountInr"] = json!(9_999_999);
    resign_everything(&mut forged, &attacker);
    let err = verify::verify_export_bytes(&ser(&forged), &mut |_, _| {})
        .expect_err("keys that are not the pinned ones are refused");
    assert!(err.to_string().contains("/lenders/0"), "{err}");

    // Dropping the pin is refused too: the ledger says the vault pinned a key.
    let mut unpinned = forged.clone();
    unpinned["lenders"][0]
        .as_object_mut()
        .unwrap()
        .remove("pinRecord");
    let err = verify::verify_export_bytes(&ser(&unpinned), &mut |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("pinRecord"), "{err}");

    // An attacker who also rewrites the pin and the whole ledger after it gets "valid, pinned"
    // — with another head and another fingerprint, which is all a pin can show — and, against
    // the lender's own keys, a refusal.
    let pin = forged["lenders"][0]["pinRecord"]
        .as_str()
        .unwrap()
        .to_string();
    let mut record: Value = serde_json::from_str(&pin).unwrap();
    let attacker_raw = {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(attacker.public_info().public_key)
            .unwrap()
    };
    record["public_key"] = json!(hex::encode(&attacker_raw));
    let new_pin = serde_json::to_string(&record).unwrap();
    let digest = hex::encode(sha2::Sha256::digest(new_pin.as_bytes()));
    forged["lenders"][0]["pinRecord"] = json!(new_pin);
    let lender_id = forged["lenders"][0]["id"].as_str().unwrap().to_string();
    let entries = forged["ledger"]["entries"].as_array_mut().unwrap();
    let at = entries
        .iter()
        .rposition(|e| e["kind"] == "lender.upsert" && e["record_id"] == lender_id.as_str())
        .expect("the vault ledgered the pin");
    entries[at]["payload_digest"] = json!(digest);
    rechain(&mut forged, at);
    let forged = ser(&forged);
    let r = verify::verify_export_bytes(&forged, &mut |_, _| {}).expect("self-consistent");
    assert_eq!(r.key_trust[0].trust, KeyTrust::Pinned);
    assert_ne!(r.head_hash, doc["ledger"]["head"]["hash"].as_str().unwrap());
    assert_eq!(
        r.key_trust[0].fingerprints[0].fingerprint,
        fingerprint(&attacker_raw)
    );
    let err = verify::verify_export_bytes_with(&forged, &real, &mut |_, _| {})
        .expect_err("statements not signed by the lender's supplied keys fail");
    assert_eq!(err.exit_code(), 1, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn holes_in_a_lenders_disclosure_sequence_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = Engine::open(config(dir.path(), &keys, Scenario::OverCollector))
        .await
        .unwrap();
    let lender = engine.connect_sandbox(noop).await.unwrap();
    engine
        .set_sandbox_faults(SandboxFaults {
            withhold_disclosures: 3,
            ..SandboxFaults::default()
        })
        .await
        .unwrap();
    decide_first_request(&engine, &lender.id, |_| true).await;
    engine.sandbox_collect().await.unwrap();
    engine.sync(&lender.id, noop).await.unwrap();
    let out = dir.path().join("export.json");
    let bytes = export_json(&engine, &out).await;
    let r = verify::verify_export_bytes(&bytes, &mut |_, _| {}).expect("intact export");
    let doc: Value = serde_json::from_slice(&bytes).unwrap();
    let last = doc["disclosures"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["statement"]["seq"].as_u64())
        .max()
        .unwrap();
    assert!(last > 6, "enough disclosures to have holes: {last}");
    let want: Vec<SequenceGap> = (1..last)
        .filter(|s| s % 3 == 0)
        .map(|s| SequenceGap {
            lender_id: lender.id.clone(),
            from: s,
            to: s,
        })
        .collect();
    assert_eq!(r.sequence_gaps, want);
}

/// One random change of the export — a reordering, an edit or a deletion, a third of each —
/// in a random top-level section (so the small sections are hit as often as the big arrays):
/// where it is (a JSON pointer) and the changed document.
fn mutate(doc: &Value, rng: &mut Rng) -> (&'static str, String, Value) {
    let sections: Vec<&String> = doc.as_object().unwrap().keys().collect();
    let kind = rng.below(3);
    loop {
        let section = format!("/{}", sections[rng.below(sections.len())]);
        let mut paths = Vec::new();
        collect(&doc[&section[1..]], &section, &mut paths);
        let candidates: Vec<&(String, Kind)> = paths
            .iter()
            .filter(|(p, k)| match (kind, k) {
                (0, Kind::Array(n)) => *n >= 2,
                (1, Kind::Leaf) => true,
                (2, _) => p.matches('/').count() > 1,
                _ => false,
            })
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let (path, k) = candidates[rng.below(candidates.len())];
        let mut d = doc.clone();
        match (kind, k) {
            (0, Kind::Array(n)) => {
                // Swap two elements that differ.
                let a = d.pointer_mut(path).unwrap().as_array_mut().unwrap();
                let i = rng.below(*n);
                let Some(j) = (0..*n).map(|k| (i + 1 + k) % n).find(|&j| a[j] != a[i]) else {
                    continue;
                };
                a.swap(i, j);
                return ("reorder", path.clone(), d);
            }
            (1, _) => {
                let v = d.pointer_mut(path).unwrap();
                *v = match v.take() {
                    Value::String(s) => Value::String(format!("{s}x")),
                    Value::Number(n) => match n.as_i64() {
                        Some(i) => json!(i.wrapping_add(1 + rng.below(1000) as i64)),
                        None => json!(0),
                    },
                    Value::Bool(b) => Value::Bool(!b),
                    _ => json!(1),
                };
                return ("edit", path.clone(), d);
            }
            _ => {
                let (parent, last) = path.rsplit_once('/').unwrap();
                match d.pointer_mut(parent).unwrap() {
                    Value::Object(o) => {
                        o.remove(last);
                    }
                    Value::Array(a) => {
                        a.remove(last.parse::<usize>().unwrap());
                    }
                    _ => unreachable!(),
                }
                return ("delete", path.clone(), d);
            }
        }
    }
}

enum Kind {
    Array(usize),
    Object,
    Leaf,
}

fn collect(v: &Value, at: &str, out: &mut Vec<(String, Kind)>) {
    match v {
        Value::Array(a) => {
            out.push((at.to_string(), Kind::Array(a.len())));
            for (n, x) in a.iter().enumerate() {
                collect(x, &format!("{at}/{n}"), out);
            }
        }
        Value::Object(o) => {
            out.push((at.to_string(), Kind::Object));
            for (k, x) in o {
                collect(
                    x,
                    &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        _ => out.push((at.to_string(), Kind::Leaf)),
    }
}

/// A disclosure removed from a redactable statement (`…/_disclosed` or one of its triples) is a
/// value withheld — how an export is shared redacted: it verifies, and the report names it.
fn withheld_in_report(
    path: &str,
    r: &verify::VerifyReport,
    original: &verify::VerifyReport,
) -> bool {
    let Some((statement, _)) = path.split_once("/_disclosed") else {
        return false;
    };
    let new: Vec<&String> = r
        .withheld
        .iter()
        .filter(|w| !original.withheld.contains(w))
        .collect();
    !new.is_empty() && new.iter().all(|w| w.starts_with(&format!("{statement} ")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_mutation_of_an_export_verifies_silently() {
    let n: usize = std::env::var("KHATA_COVERAGE_MUTATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(320);
    let dir = tempfile::tempdir().unwrap();
    let (_engine, doc, bytes) = scenario_export(dir.path(), Scenario::OverCollector).await;
    let none = SuppliedKeys::default();
    let original = verify_export_with(&doc, &none, &mut |_, _| {}).expect("the original verifies");
    assert!(
        original.sequence_gaps.is_empty(),
        "an honest lender has no holes"
    );
    assert_eq!(
        verify::verify_export_bytes(&bytes, &mut |_, _| {}).unwrap(),
        original,
        "fast path and reference agree"
    );

    // The reorderings that used to pass unnoticed, each tried on purpose first.
    let mut cases: Vec<(&str, String, Value)> = Vec::new();
    for path in [
        "/consentRecords/0/events",
        "/consentRecords/0/signed_artefacts",
        "/consentRecords/0/processing/privacy_rights",
        "/signals",
    ] {
        let mut d = doc.clone();
        let a = d.pointer_mut(path).unwrap().as_array_mut().unwrap();
        assert!(a.len() >= 2, "{path} has something to reorder");
        let last = a.len() - 1;
        a.swap(0, last);
        cases.push(("reorder", path.to_string(), d));
    }
    let mut rng = Rng(0x5eed_c0de_ba5e_0014);
    while cases.len() < n {
        cases.push(mutate(&doc, &mut rng));
    }

    let mut silent = Vec::new();
    let mut tally: std::collections::BTreeMap<&str, [u32; 3]> = Default::default();
    for (k, (kind, path, m)) in cases.iter().enumerate() {
        let slot = tally.entry(kind).or_default();
        match verify_export_with(m, &none, &mut |_, _| {}) {
            Err(_) => slot[0] += 1,
            Ok(_) if *m == doc => slot[2] += 1, // a change that changed nothing
            Ok(r) => {
                // Verified: the fast path must say the same, and the report must name the part.
                assert_eq!(
                    verify::verify_export_bytes(&ser(m), &mut |_, _| {}).as_ref(),
                    Ok(&r),
                    "case {k}"
                );
                if is_unverified(&r.unverified, path) || withheld_in_report(path, &r, &original) {
                    slot[1] += 1;
                } else {
                    silent.push((k, *kind, path.clone()));
                }
            }
        }
    }
    eprintln!(
        "coverage: {} mutations; per kind [refused, in a named unverified part, no change]: {tally:?}",
        cases.len()
    );
    assert!(cases.len() >= 300);
    assert!(silent.is_empty(), "verified silently: {silent:?}");
}

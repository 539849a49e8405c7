//! The version 2 export end to end without an engine: synthetic exports (`synthetic`), signed
//! with a real lender key, written by the exporter's `Writer` and read by the one-pass
//! verifier — valid ones with their log facts, kept forks reported, and a seeded tamper test:
//! dropped, reordered and rewritten leaves, forged heads, a consistent-looking fork, redactions
//! that change a value, truncated lines and garbage, every one refused without a panic.
//!
//! `KHATA_TAMPER_MUTATIONS=10000 cargo test -p khata-evidence --test export_v2 -- --nocapture`
//! runs the full count (default 500).

use khata_contract::log::LEAF_REDACTABLE;
use khata_contract::merkle::{self, Frontier};
use khata_contract::redact;
use khata_evidence::ledger::{LOG_CONFLICT_KIND, log_head_digest};
use khata_evidence::synthetic::{Spec, join, leaf_line, line_one, lines, rechain_ledger};
use khata_evidence::verify::{
    self, ForkKind, SuppliedKeys, VerifyError, VerifyReport, WithheldCount,
};
use serde_json::{Value, json};

fn spec(leaves: u64, page: u64) -> Spec {
    Spec {
        page,
        ..Spec::new(leaves)
    }
}

fn check(bytes: &[u8]) -> Result<VerifyReport, VerifyError> {
    verify::verify_export_bytes(bytes, &mut |_, _| {})
}

#[test]
fn a_synthetic_export_verifies_with_its_log_facts() {
    let s = spec(2500, 1000);
    let bytes = s.bytes();
    let r = check(&bytes).expect("valid");
    assert_eq!(r.version, 2);
    assert_eq!(r.disclosures, 2500);
    assert_eq!(r.signatures_checked, 3, "one head per page");
    assert_eq!(r.ledger_entries, 3);
    assert!(r.unverified.contains(&"/redaction".to_string()));
    let logs = r.logs.as_ref().unwrap();
    assert_eq!(logs.len(), 1);
    let log = &logs[0];
    assert_eq!(log.leaves, 2500);
    assert_eq!(log.heads_checked, 3);
    assert_eq!(log.last_head.as_ref().unwrap().tree_size, 2500);
    assert_eq!(
        log.withheld,
        vec![WithheldCount {
            path: "valueDigest".into(),
            count: 2500u64.div_ceil(7)
        }]
    );
    assert!(log.forks.is_empty());

    // From a file, streamed: the same report.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.khata.json");
    std::fs::write(&path, &bytes).unwrap();
    let mut calls = 0;
    let f = verify::verify_export_file(&path, &SuppliedKeys::default(), &mut |_, _| calls += 1)
        .unwrap();
    assert_eq!(f, r);
    assert!(calls > 0);

    // Empty logs verify too.
    let r = check(&spec(0, 1000).bytes()).unwrap();
    assert_eq!(r.logs.unwrap()[0].leaves, 0);
}

#[test]
fn a_version_1_export_still_takes_the_version_1_path_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.khata.json");
    let v1 = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../tests/fixtures/export-v1.khata.json"
    ))
    .unwrap();
    std::fs::write(&path, &v1).unwrap();
    let r = verify::verify_export_file(&path, &SuppliedKeys::default(), &mut |_, _| {}).unwrap();
    assert_eq!(r, check(&v1).unwrap());
    assert_eq!(r.logs, None);
    assert!(!serde_json::to_string(&r).unwrap().contains("logs"));
}

/// Line 1 as a document, and the leaves as values.
fn parts(bytes: &[u8]) -> (Value, Vec<Value>) {
    let l = lines(bytes);
    let first: Value = serde_json::from_str(&l[0]).unwrap();
    let leaves = l[1..]
        .iter()
        .map(|x| serde_json::from_str(x).unwrap())
        .collect();
    (first, leaves)
}

fn assemble(first: &Value, leaves: &[Value]) -> Vec<u8> {
    let mut l = vec![line_one(first)];
    l.extend(leaves.iter().map(leaf_line));
    join(&l)
}

/// The root of `leaves[..size]`.
fn root(leaves: &[Value], size: usize) -> merkle::Hash {
    let mut f = Frontier::new();
    for l in &leaves[..size] {
        f.push(merkle::leaf_hash(&redact::statement_bytes(l).unwrap()));
    }
    f.root()
}

/// `leaves[k]` with another collection time, committed afresh (what a lender rewriting its
/// history would send).
fn rewritten(s: &Spec, leaves: &[Value], k: usize) -> Vec<Value> {
    let mut out = leaves.to_vec();
    let mut plain = redact::reveal(&s.leaf(k as u64)).unwrap().value;
    plain["collectedAt"] = json!(plain["collectedAt"].as_i64().unwrap() + 1);
    out[k] = redact::commit_with(plain, &LEAF_REDACTABLE, |_| [9; 16]).unwrap();
    out
}

/// Adds `head` to line 1 as a kept conflict, with its `log.conflict` ledger entry.
fn keep_conflict(first: &mut Value, s: &Spec, head: Value) {
    let size = head["treeSize"].as_u64().unwrap();
    let root = merkle::decode_hash(head["rootHash"].as_str().unwrap()).unwrap();
    first["logs"][0]["conflicts"]
        .as_array_mut()
        .unwrap()
        .push(head);
    let digest = log_head_digest(&s.lender_id, size, &root);
    first["ledger"]["entries"]
        .as_array_mut()
        .unwrap()
        .push(json!({
            "seq": 0, "at": 8, "kind": LOG_CONFLICT_KIND,
            "record_id": s.lender_id,
            "payload_digest": hex::encode(digest), "prev_hash": "", "hash": "",
        }));
    rechain_ledger(first);
}

#[test]
fn kept_conflicts_are_reported_as_forks_with_both_heads() {
    let s = spec(300, 100);
    let bytes = s.bytes();
    let (first, leaves) = parts(&bytes);
    assert_eq!(
        check(&assemble(&first, &leaves)),
        check(&bytes),
        "parts reassemble"
    );
    let other = rewritten(&s, &leaves, 40);
    for (size, kind) in [
        (100usize, ForkKind::SameSize),
        (150, ForkKind::Rewritten),
        (400, ForkKind::Unproven),
    ] {
        let mut f = first.clone();
        let mut longer = other.clone();
        while longer.len() < size {
            longer.push(s.leaf(longer.len() as u64));
        }
        keep_conflict(&mut f, &s, s.head(size as u64, &root(&longer, size)));
        let r = check(&assemble(&f, &leaves)).expect("a kept fork is reported, not refused");
        let forks = &r.logs.unwrap()[0].forks;
        assert_eq!(forks.len(), 1, "{size}");
        let fork = &forks[0];
        assert_eq!(fork.kind, kind);
        assert_eq!(fork.conflicting.tree_size, size as u64);
        match kind {
            ForkKind::SameSize => assert_eq!(fork.held.tree_size, 100),
            ForkKind::Rewritten => {
                assert_eq!(fork.held.tree_size, 200);
                assert_eq!(
                    fork.held_root_at_size.as_deref(),
                    Some(merkle::encode_hash(&root(&leaves, 150)).as_str())
                );
            }
            ForkKind::Unproven => assert_eq!(fork.held.tree_size, 300),
        }
        assert_eq!(r.signatures_checked, 4);
    }
    // A conflict that is not the lender's (bad signature) frames nobody: refused.
    let mut f = first.clone();
    let mut head = s.head(100, &root(&other, 100));
    head["timestamp"] = json!("2026-01-01T00:00:00Z");
    keep_conflict(&mut f, &s, head);
    assert_eq!(check(&assemble(&f, &leaves)).unwrap_err().exit_code(), 1);
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One mutation of the export: its kind and the bytes.
fn mutate(s: &Spec, bytes: &[u8], rng: &mut Rng) -> (&'static str, Vec<u8>) {
    let (first, leaves) = parts(bytes);
    let n = leaves.len();
    let mut text = lines(bytes);
    match rng.below(14) {
        0 => {
            text.remove(1 + rng.below(n));
            ("dropped leaf", join(&text))
        }
        1 => {
            let i = rng.below(n);
            let j = (i + 1 + rng.below(n - 1)) % n;
            text.swap(1 + i, 1 + j);
            ("reordered leaves", join(&text))
        }
        2 => {
            let k = rng.below(n);
            let mut l = leaves.clone();
            match rng.below(3) {
                0 => l[k]["signal"] = json!("contacts"),
                1 => l[k]["purpose"] = json!("104"),
                _ => l[k]["dataRange"]["to"] = json!(1),
            }
            ("rewritten leaf", assemble(&first, &l))
        }
        3 => {
            let k = rng.below(n);
            (
                "recommitted leaf",
                assemble(&first, &rewritten(s, &leaves, k)),
            )
        }
        4 => {
            let mut f = first.clone();
            let heads = f["logs"][0]["treeHeads"].as_array_mut().unwrap();
            let h = rng.below(heads.len());
            match rng.below(3) {
                0 => heads[h]["rootHash"] = json!(merkle::encode_hash(&[7; 32])),
                1 => heads[h]["treeSize"] = json!(heads[h]["treeSize"].as_u64().unwrap() + 1),
                _ => {
                    let other = heads[(h + 1) % heads.len()]["signature"].clone();
                    heads[h]["signature"] = other;
                }
            }
            ("forged head", assemble(&f, &leaves))
        }
        5 => {
            // A consistent-looking fork: a leaf rewritten before the last page, the last head
            // re-signed over the rewritten log by the lender's own key, its ledger entry
            // updated and the chain recomputed. The earlier held heads still sign the old log.
            let last_page = n - s.page as usize;
            let k = rng.below(last_page);
            let l = rewritten(s, &leaves, k);
            let mut f = first.clone();
            let heads = f["logs"][0]["treeHeads"].as_array_mut().unwrap();
            let new_root = root(&l, n);
            *heads.last_mut().unwrap() = s.head(n as u64, &new_root);
            let entries = f["ledger"]["entries"].as_array_mut().unwrap();
            entries.last_mut().unwrap()["payload_digest"] = json!(hex::encode(log_head_digest(
                &s.lender_id,
                n as u64,
                &new_root
            )));
            rechain_ledger(&mut f);
            ("consistent-looking fork", assemble(&f, &l))
        }
        6 => {
            // A second validly signed head from a rewritten log, added to the held heads.
            let k = rng.below(n - 1);
            let l = rewritten(s, &leaves, k);
            let size = k + 1 + rng.below(n - k - 1);
            let mut f = first.clone();
            let heads = f["logs"][0]["treeHeads"].as_array_mut().unwrap();
            heads.push(s.head(size as u64, &root(&l, size)));
            heads.sort_by_key(|h| h["treeSize"].as_u64().unwrap());
            ("second signed head", assemble(&f, &leaves))
        }
        7 => {
            // A redaction that changes a value: the disclosed value, its salt or its path.
            let k = (0..n)
                .map(|_| rng.below(n))
                .find(|k| !leaves[*k]["_disclosed"].as_array().unwrap().is_empty())
                .unwrap_or(1);
            let mut l = leaves.clone();
            let t = &mut l[k]["_disclosed"][0];
            match rng.below(3) {
                0 => t[2] = json!(merkle::encode_hash(&[1; 32])),
                1 => {
                    t[1] = json!(if t[1] == "valueDigest" {
                        "onwardRecipient"
                    } else {
                        "valueDigest"
                    })
                }
                _ => t[0] = json!(redact::encode_salt(&[3; 16])),
            }
            ("redaction changing a value", assemble(&first, &l))
        }
        8 => {
            // Cut anywhere after line 1.
            let start = text[0].len() + 1;
            let cut = start + rng.below(bytes.len() - start - 1);
            ("truncated", bytes[..cut].to_vec())
        }
        9 => {
            let mut out = bytes.to_vec();
            let start = text[0].len() + 1;
            let pos = start + rng.below(bytes.len() - start);
            out[pos] ^= 1 << rng.below(8);
            ("byte flip in a leaf", out)
        }
        10 => {
            let k = 1 + rng.below(n);
            let garbage: String = (0..1 + rng.below(40))
                .map(|_| (32 + rng.below(95)) as u8 as char)
                .collect();
            match rng.below(3) {
                0 => text[k] = garbage,
                1 => text.insert(k, garbage),
                _ => text.push(garbage),
            }
            ("garbage line", join(&text))
        }
        11 => {
            let k = 1 + rng.below(n);
            let dup = text[k].clone();
            text.insert(k, dup);
            ("duplicated leaf", join(&text))
        }
        12 => {
            let mut f = first.clone();
            match rng.below(3) {
                0 => {
                    let heads = f["logs"][0]["treeHeads"].as_array_mut().unwrap();
                    let h = rng.below(heads.len());
                    heads.remove(h);
                }
                1 => f["logs"][0]["leafCount"] = json!(n - 1),
                _ => {
                    let e = f["ledger"]["entries"].as_array_mut().unwrap();
                    let k = rng.below(e.len());
                    e.remove(k);
                    rechain_ledger(&mut f);
                }
            }
            ("edited logs or ledger", assemble(&f, &leaves))
        }
        _ => {
            let garbage: Vec<u8> = (0..rng.below(200)).map(|_| rng.next() as u8).collect();
            let mut out = garbage;
            if rng.below(2) == 0 {
                out.extend_from_slice(&bytes[text[0].len()..]);
            }
            ("garbage for line 1", out)
        }
    }
}

#[test]
fn tamper_every_mutation_of_a_v2_export_is_detected_without_panics() {
    let n: usize = std::env::var("KHATA_TAMPER_MUTATIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(500);
    let s = spec(300, 50);
    let bytes = s.bytes();
    check(&bytes).expect("the original verifies");
    let (first, leaves) = parts(&bytes);
    let base = assemble(&first, &leaves);
    assert_eq!(check(&base), check(&bytes), "parts reassemble");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut by_kind: std::collections::BTreeMap<&str, [u64; 3]> = Default::default();
    let mut missed = Vec::new();
    let started = std::time::Instant::now();
    for k in 0..n {
        let (kind, m) = mutate(&s, &bytes, &mut rng);
        let r = std::panic::catch_unwind(|| check(&m));
        let slot = by_kind.entry(kind).or_default();
        match r {
            Err(_) => panic!("verify panicked on mutation {k} ({kind})"),
            Ok(Ok(_)) if m == bytes || m == base => slot[0] += 1,
            Ok(Ok(_)) => missed.push((k, kind)),
            Ok(Err(e)) => slot[e.exit_code() as usize] += 1,
        }
    }
    eprintln!(
        "tamper v2: {n} mutations of a {} byte export in {:.1} s; per kind [unchanged, exit 1, exit 2]: {by_kind:?}; missed: {}",
        bytes.len(),
        started.elapsed().as_secs_f64(),
        missed.len()
    );
    assert!(missed.is_empty(), "undetected mutations: {missed:?}");
}

#[test]
fn line_one_failures_name_their_record() {
    let s = spec(300, 100);
    let (first, leaves) = parts(&s.bytes());
    let record = |f: &Value| match check(&assemble(f, &leaves)).unwrap_err() {
        VerifyError::Invalid { record, reason } => format!("{record}: {reason}"),
        e => panic!("{e:?}"),
    };
    let mut f = first.clone();
    f["exportedAt"] = json!("yesterday");
    assert!(record(&f).starts_with("/exportedAt: "), "{}", record(&f));

    let mut f = first.clone();
    f["ledger"]["entries"].as_array_mut().unwrap().remove(1);
    rechain_ledger(&mut f);
    let r = record(&f);
    assert!(
        r.starts_with("/logs/0/treeHeads/1: no log.page ledger entry"),
        "{r}"
    );

    let mut f = first.clone();
    f["logs"][0]["treeHeads"].as_array_mut().unwrap().remove(1);
    let r = record(&f);
    assert!(
        r.starts_with("/ledger/entries/1: a tree head of lender"),
        "{r}"
    );

    let mut f = first.clone();
    f["logs"][0]["lenderId"] = json!("someone-else");
    let r = record(&f);
    assert!(r.starts_with("/logs/0/lenderId: "), "{r}");

    // A held head that does not sign the leaves names the line where the roots part.
    let mut l = leaves.clone();
    l[150]["signal"] = json!("contacts");
    let r = match check(&assemble(&first, &l)).unwrap_err() {
        VerifyError::Invalid { record, reason } => format!("{record}: {reason}"),
        e => panic!("{e:?}"),
    };
    assert!(r.starts_with("line 201: the first 200 leaves"), "{r}");
}

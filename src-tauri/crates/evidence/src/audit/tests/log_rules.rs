//! Unit tests of the `log` rules: what two signed tree heads prove, and what they do not.

use khata_contract::LenderKey;
use khata_contract::log::{LOG_DISCLOSURES, TreeHead};
use khata_contract::merkle::{encode_hash, leaf_hash};
use khata_contract::signing::unsigned;
use serde_json::{Value, json};

use super::super::*;
use super::t;

const DETECTED: i64 = 1_770_768_000_000;

fn root(seed: &str) -> String {
    encode_hash(&leaf_hash(seed.as_bytes()))
}

/// A tree head of `lender` at `size` over `seed`'s root, signed with a lender key.
fn head(lender: &str, size: u64, seed: &str, at: &str) -> Value {
    let key = LenderKey::from_seed(&[7; 32]);
    let h = key
        .sign(&TreeHead {
            log: LOG_DISCLOSURES.into(),
            lender_id: lender.into(),
            tree_size: size,
            root_hash: root(seed),
            timestamp: t(at),
            signature: unsigned(),
        })
        .unwrap();
    serde_json::to_value(h).unwrap()
}

fn record(kind: &str, held: Option<Value>, offered: Value) -> Value {
    json!({"kind": kind, "held": held, "offered": offered, "computedRoot": null,
           "pageStart": null, "detectedAt": DETECTED})
}

fn page(held: Option<Value>, offered: Value, start: u64, computed: &str) -> Value {
    json!({"kind": "page-mismatch", "held": held, "offered": offered,
           "computedRoot": root(computed), "pageStart": start, "detectedAt": DETECTED})
}

fn audit_of(records: &[Value]) -> AuditReport {
    let mut input = AuditInput::default();
    for r in records {
        input.add_log_conflict(r);
    }
    assert!(input.unreadable.is_empty(), "{:?}", input.unreadable);
    audit(&input)
}

const EARLY: &str = "2026-02-01T00:00:00Z";
const LATE: &str = "2026-02-10T00:00:00Z";

#[test]
fn two_signed_heads_of_one_size_and_two_roots_are_a_critical_fork() {
    let held = head("L", 1200, "first history", EARLY);
    let offered = head("L", 1200, "rewritten history", LATE);
    let report = audit_of(&[record("fork", Some(held.clone()), offered.clone())]);
    assert_eq!(report.findings.len(), 1);
    let f = &report.findings[0];
    assert_eq!((f.rule, f.severity), (Rule::LogFork, Severity::Critical));
    assert_eq!(f.lender_id, "L");
    assert_eq!((f.at, f.last_at, f.count), (DETECTED, DETECTED, 1));
    let FindingFacts::LogFork {
        held: h,
        offered: o,
    } = &f.facts
    else {
        panic!("{:?}", f.facts)
    };
    assert_eq!((h.tree_size, o.tree_size), (1200, 1200));
    assert_eq!(h.root_hash, root("first history"));
    assert_eq!(o.root_hash, root("rewritten history"));
    assert_eq!(h.timestamp, t(EARLY).timestamp_millis());
    assert_eq!(o.timestamp, t(LATE).timestamp_millis());
    assert_eq!(h.key_id, held["signature"]["keyId"].as_str().unwrap());
    // The evidence is both heads exactly as signed, named by size and root.
    let statements: Vec<&Value> = f.evidence.iter().map(|e| e.statement.as_ref()).collect();
    assert_eq!(statements, [&held, &offered]);
    assert!(f.evidence.iter().all(|e| e.kind == "tree-head"));
    assert_eq!(f.records[0].id, format!("1200/{}", root("first history")));
    assert_eq!(report.summary.by_rule["log-fork"], 1);
    assert_eq!(report.summary.by_severity["critical"], 1);
}

#[test]
fn heads_that_agree_or_are_not_comparable_prove_no_fork() {
    let cases = [
        // Same root, signed again later: the log grew by nothing, no contradiction.
        (head("L", 1200, "h", EARLY), head("L", 1200, "h", LATE)),
        // Two lenders: two logs.
        (head("L", 1200, "a", EARLY), head("M", 1200, "b", LATE)),
        // Two sizes: only a consistency proof relates them, and the record holds none.
        (head("L", 1200, "a", EARLY), head("L", 1300, "b", LATE)),
    ];
    for (held, offered) in cases {
        let report = audit_of(&[record("fork", Some(held), offered)]);
        assert!(report.findings.is_empty(), "{:?}", report.findings);
    }
    // No held head: nothing to contradict.
    assert!(
        audit_of(&[record("fork", None, head("L", 5, "a", LATE))])
            .findings
            .is_empty()
    );
}

#[test]
fn the_records_kind_is_not_what_decides() {
    let fork_as_page = json!({"kind": "page-mismatch", "held": head("L", 9, "a", EARLY),
        "offered": head("L", 9, "b", LATE), "computedRoot": null, "pageStart": null,
        "detectedAt": DETECTED});
    let report = audit_of(&[fork_as_page]);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].rule, Rule::LogFork);
    // A kind this version does not know is read, and judged by its heads all the same.
    let unknown = record(
        "gossip",
        Some(head("L", 9, "a", EARLY)),
        head("L", 9, "b", LATE),
    );
    assert_eq!(audit_of(&[unknown]).findings.len(), 1);
    let not_a_fork = record(
        "fork",
        Some(head("L", 9, "a", EARLY)),
        head("L", 10, "b", LATE),
    );
    assert!(audit_of(&[not_a_fork]).findings.is_empty());
}

/// The audit checks no signature, in this family as in every other: the heads were checked at
/// sync (a page head's signature before its root is compared) or by `khata verify` (an
/// export's conflicts). So a pair the lender's key never signed still reads as a fork here;
/// over a file, run `khata verify` first, as for every rule.
#[test]
fn signatures_are_checked_before_the_audit_not_by_it() {
    let held = head("L", 9, "a", EARLY);
    let mut forged = held.clone();
    forged["rootHash"] = json!(root("b"));
    let report = audit_of(&[record("fork", Some(held), forged)]);
    assert_eq!(report.findings.len(), 1);
    // A head whose root is no 32-byte hash, or that is not a tree head, proves nothing and is
    // named as unreadable; the audit does not stop.
    let mut bad_root = head("L", 9, "b", LATE);
    bad_root["rootHash"] = json!("not-a-hash");
    let mut no_signature = head("L", 9, "b", LATE);
    no_signature.as_object_mut().unwrap().remove("signature");
    let mut input = AuditInput::default();
    input.add_log_conflict(&record("fork", Some(head("L", 9, "a", EARLY)), bad_root));
    input.add_log_conflict(&record(
        "fork",
        Some(head("L", 9, "a", EARLY)),
        no_signature,
    ));
    input.add_log_conflict(&json!({"kind": "fork"}));
    input.add_log_conflict(
        &json!({"kind": "page-mismatch", "offered": head("L", 9, "b", LATE),
        "computedRoot": "short", "pageStart": 3, "detectedAt": DETECTED}),
    );
    assert_eq!(input.unreadable.len(), 4, "{:?}", input.unreadable);
    assert!(
        input.unreadable[0].starts_with("log conflict of \"L\" at size 9: offered head: rootHash")
    );
    assert!(input.unreadable[2].starts_with("log conflict of ? at size ?"));
    let report = audit(&input);
    assert!(report.findings.is_empty());
    assert_eq!(report.summary.unreadable.len(), 4);
}

#[test]
fn the_same_fork_found_at_several_syncs_is_one_finding_with_a_count() {
    let r = |at: i64| {
        let mut r = record(
            "fork",
            Some(head("L", 9, "a", EARLY)),
            head("L", 9, "b", LATE),
        );
        r["detectedAt"] = json!(at);
        r
    };
    let other = record(
        "fork",
        Some(head("L", 9, "a", EARLY)),
        head("L", 9, "c", LATE),
    );
    let report = audit_of(&[r(DETECTED + 5), r(DETECTED), other]);
    assert_eq!(report.findings.len(), 2);
    let f = &report.findings[0];
    assert_eq!((f.count, f.at, f.last_at), (2, DETECTED, DETECTED + 5));
    assert_eq!(f.evidence.len(), 2);
}

#[test]
fn a_page_whose_leaves_give_another_root_than_its_head_is_a_mismatch() {
    let held = head("L", 1000, "held", EARLY);
    let offered = head("L", 2000, "signed", LATE);
    let report = audit_of(&[page(Some(held.clone()), offered.clone(), 1000, "computed")]);
    assert_eq!(report.findings.len(), 1);
    let f = &report.findings[0];
    assert_eq!(
        (f.rule, f.severity),
        (Rule::LogPageMismatch, Severity::High)
    );
    let FindingFacts::LogPageMismatch {
        offered: o,
        computed_root,
        page_start,
        held: h,
    } = &f.facts
    else {
        panic!("{:?}", f.facts)
    };
    assert_eq!(
        (o.tree_size, o.root_hash.as_str()),
        (2000, root("signed").as_str())
    );
    assert_eq!(*computed_root, root("computed"));
    assert_eq!(*page_start, 1000);
    assert_eq!(h.as_ref().map(|h| h.tree_size), Some(1000));
    let statements: Vec<&Value> = f.evidence.iter().map(|e| e.statement.as_ref()).collect();
    assert_eq!(statements, [&held, &offered]);
    // With no head held before (a first sync), the page's own head is the evidence.
    let first = audit_of(&[page(None, offered.clone(), 0, "computed")]);
    assert_eq!(first.findings.len(), 1);
    assert_eq!(first.findings[0].evidence.len(), 1);
}

#[test]
fn a_page_record_that_proves_nothing_is_no_finding() {
    let offered = head("L", 2000, "signed", LATE);
    let cases = [
        // The leaves give the signed root: the page is right.
        page(None, offered.clone(), 1000, "signed"),
        // A page starting at or after its head's size holds no leaf.
        page(None, offered.clone(), 2000, "computed"),
        // A page that starts inside the held leaves is not "after the held ones".
        page(
            Some(head("L", 1500, "held", EARLY)),
            offered.clone(),
            1000,
            "computed",
        ),
        // Another lender's held head says nothing about this log.
        page(
            Some(head("M", 1000, "held", EARLY)),
            offered.clone(),
            1000,
            "computed",
        ),
        // No root computed, or no page start: nothing to compare.
        record("page-mismatch", None, offered.clone()),
    ];
    for c in cases {
        let report = audit_of(std::slice::from_ref(&c));
        assert!(report.findings.is_empty(), "{c}: {:?}", report.findings);
    }
}

#[test]
fn an_exports_first_line_gives_its_logs_conflicts_whatever_else_it_holds() {
    let conflict = record(
        "fork",
        Some(head("L", 9, "a", EARLY)),
        head("L", 9, "b", LATE),
    );
    let doc = json!({
        "format": "khata-export", "version": 2, "somethingNew": {"x": 1},
        "logs": [
            {"lenderId": "K", "leafCount": 3, "treeHeads": [], "conflicts": []},
            {"lenderId": "L", "leafCount": 9, "treeHeads": [], "conflicts": [conflict, {"kind": 1}]},
            {"lenderId": "M"}
        ]
    });
    let input = export::from_export(&doc, DETECTED);
    assert_eq!(input.log_conflicts.len(), 1);
    assert_eq!(input.unreadable.len(), 1, "{:?}", input.unreadable);
    let report = audit(&input);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].rule, Rule::LogFork);
    // A version 1 export has no logs: nothing read, nothing found.
    assert!(
        export::from_export(&json!({"version": 1}), 0)
            .log_conflicts
            .is_empty()
    );
}

#[test]
fn log_facts_serialise_tagged_in_camel_case() {
    let report = audit_of(&[page(
        Some(head("L", 1, "h", EARLY)),
        head("L", 2, "s", LATE),
        1,
        "c",
    )]);
    let v = serde_json::to_value(&report.findings[0]).unwrap();
    assert_eq!(v["rule"], "log-page-mismatch");
    assert_eq!(v["severity"], "high");
    assert_eq!(v["facts"]["kind"], "logPageMismatch");
    assert_eq!(v["facts"]["pageStart"], 1);
    assert_eq!(v["facts"]["computedRoot"], root("c"));
    assert_eq!(
        v["facts"]["offered"],
        json!({"treeSize": 2, "rootHash": root("s"),
               "timestamp": t(LATE).timestamp_millis(), "keyId": v["evidence"][1]["statement"]["signature"]["keyId"]})
    );
    assert_eq!(v["records"][1]["kind"], "tree-head");
}

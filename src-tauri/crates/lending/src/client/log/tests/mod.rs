//! The log checks against a lender built here: a `merkle::Tree` of leaves committed with
//! `redact::commit` and tree heads signed with a `LenderKey`, then served honestly or with one
//! fault each — a fork, a rewritten page, a dropped or reordered leaf, a shrunk log, a forged
//! head, a wrong index — and hostile JSON that must give an error, never a panic.

use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

use super::*;
use crate::error::LendingError;
use crate::signing::{KeyRing, LenderKey};
use khata_contract::log::{DisclosureLeaf, LEAF_REDACTABLE};
use khata_contract::merkle::{Frontier, Tree, encode_hash, leaf_hash};
use khata_contract::redact;

mod loopback;

const LENDER: &str = "sandbox-lender";

/// A lender's log as its server keeps it, able to serve it honestly or not.
struct FakeLog {
    key: LenderKey,
    tree: Tree,
    leaves: Vec<Value>,
    rng: StdRng,
}

impl FakeLog {
    fn new(seed: u64) -> Self {
        Self {
            key: LenderKey::from_seed(&[7; 32]),
            tree: Tree::new(),
            leaves: vec![],
            rng: StdRng::seed_from_u64(seed),
        }
    }

    fn keys(&self) -> KeyRing {
        KeyRing::from_public(&[self.key.public_info()]).unwrap()
    }

    fn leaf(&mut self, index: u64, salt: &str) -> Value {
        let mut plain = json!({
            "index": index,
            "signal": "bank-balance",
            "collectedAt": 1_764_400_000_000i64 + index as i64,
            "purpose": "credit-underwriting",
            "dataRange": {"from": 1_761_800_000_000i64, "to": 1_764_400_000_000i64},
            "valueDigest": encode_hash(&leaf_hash(format!("{salt}{index}").as_bytes())),
        });
        if index.is_multiple_of(3) {
            plain["consentId"] = json!("c-1");
        }
        if index.is_multiple_of(5) {
            plain["onwardRecipient"] = json!("bureau-1");
        }
        redact::commit(plain, &LEAF_REDACTABLE, &mut self.rng).unwrap()
    }

    fn append(&mut self, n: u64) {
        for _ in 0..n {
            let leaf = self.leaf(self.tree.size(), "v");
            self.tree
                .push(leaf_hash(&redact::statement_bytes(&leaf).unwrap()));
            self.leaves.push(leaf);
        }
    }

    /// Rewrites leaf `index` and rebuilds the tree: later heads are of another history.
    fn rewrite(&mut self, index: u64) {
        self.leaves[index as usize] = self.leaf(index, "forged");
        self.tree = Tree::new();
        for leaf in &self.leaves {
            self.tree
                .push(leaf_hash(&redact::statement_bytes(leaf).unwrap()));
        }
    }

    fn head_with(&self, size: u64, root: &[u8; 32], key: &LenderKey) -> Value {
        key.sign_value(json!({
            "log": "disclosures",
            "lenderId": LENDER,
            "treeSize": size,
            "rootHash": encode_hash(root),
            "timestamp": "2026-12-02T03:00:00Z",
        }))
        .unwrap()
    }

    fn head(&self, size: u64) -> Value {
        self.head_with(size, &self.tree.root_at(size).unwrap(), &self.key)
    }

    fn page(&self, start: u64, limit: u32) -> Value {
        let end = (start + u64::from(limit)).min(self.tree.size());
        json!({
            "entries": self.leaves[start as usize..end as usize],
            "treeHead": self.head(end),
        })
    }

    fn consistency(&self, first: u64, second: u64) -> Value {
        let proof = self.tree.consistency_proof(first, second).unwrap();
        json!({
            "first": first, "second": second,
            "proof": proof.iter().map(encode_hash).collect::<Vec<_>>(),
        })
    }
}

/// What `LogSync` does, with the lender's answers from `serve` instead of the network.
fn sync(
    log: &FakeLog,
    held: Option<HeldLog>,
    limit: u32,
    serve: impl Fn(u64, u32) -> Value,
) -> Result<Vec<VerifiedPage>, LendingError> {
    let head = log.head(log.tree.size());
    let mut checker = LogChecker::begin(&log.keys(), LENDER, held, &head)?;
    if let Some((first, second)) = checker.consistency_range() {
        checker.accept_consistency(log.consistency(first, second))?;
    }
    let mut pages = vec![];
    while let Some((start, limit)) = checker.next_range(limit)? {
        pages.push(checker.accept_page(limit, serve(start, limit))?);
    }
    Ok(pages)
}

fn honest(log: &FakeLog) -> impl Fn(u64, u32) -> Value + '_ {
    move |start, limit| log.page(start, limit)
}

fn held_after(pages: &[VerifiedPage]) -> HeldLog {
    let last = pages.last().unwrap();
    HeldLog {
        frontier: last.frontier.clone(),
        head: last.head.raw.clone(),
    }
}

fn violation(r: Result<Vec<VerifiedPage>, LendingError>) -> LogViolation {
    match r {
        Err(LendingError::Log(v)) => *v,
        other => panic!("expected a log violation, got {other:?}"),
    }
}

#[test]
fn an_honest_log_syncs_in_pages_and_resumes_from_what_is_held() {
    let mut log = FakeLog::new(1);
    log.append(2500);
    let pages = sync(&log, None, 1000, honest(&log)).unwrap();
    assert_eq!(
        pages
            .iter()
            .map(|p| (p.start, p.leaves.len()))
            .collect::<Vec<_>>(),
        [(0, 1000), (1000, 1000), (2000, 500)]
    );
    let last = pages.last().unwrap();
    assert_eq!(last.frontier.root(), log.tree.root_at(2500).unwrap());
    assert_eq!(last.head.value.tree_size, 2500);
    for (leaf, index) in pages.iter().flat_map(|p| &p.leaves).zip(0u64..) {
        assert_eq!(leaf.leaf.index, index);
        assert_eq!(leaf.salts[1].is_some(), index.is_multiple_of(5));
    }

    // Later the lender appends; the sync proves consistency and fetches only the new leaves.
    let held = held_after(&pages);
    log.append(700);
    let more = sync(&log, Some(held.clone()), 1000, honest(&log)).unwrap();
    assert_eq!(more.len(), 1);
    assert_eq!((more[0].start, more[0].leaves.len()), (2500, 700));
    assert_eq!(more[0].frontier.root(), log.tree.root_at(3200).unwrap());

    // Nothing new: no page, no error.
    let held = held_after(&more);
    assert!(
        sync(&log, Some(held), 1000, honest(&log))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn each_leaf_rebuilds_from_its_members_and_salts_to_the_hash_received() {
    let mut log = FakeLog::new(2);
    log.append(40);
    let pages = sync(&log, None, 16, honest(&log)).unwrap();
    for (leaf, wire) in pages.iter().flat_map(|p| &p.leaves).zip(&log.leaves) {
        let salts = leaf.salts.map(|s| s.unwrap_or([0; 16]));
        let rebuilt = leaf.leaf.to_redactable(salts).unwrap();
        assert_eq!(&rebuilt, wire);
        assert_eq!(
            leaf_hash(&redact::statement_bytes(&rebuilt).unwrap()),
            leaf.leaf_hash
        );
    }
}

#[test]
fn a_fork_of_the_held_history_fails_the_consistency_proof() {
    let mut log = FakeLog::new(3);
    log.append(1200);
    let held = held_after(&sync(&log, None, 1000, honest(&log)).unwrap());
    log.rewrite(5);
    log.append(300);
    let v = violation(sync(&log, Some(held.clone()), 1000, honest(&log)));
    assert_eq!(v.kind, ViolationKind::Inconsistent);
    assert_eq!(v.held.as_ref(), Some(&held.head));
    assert_eq!(v.offered, log.head(1500));

    // The same size with another root needs no proof to be a fork.
    let mut same = FakeLog::new(3);
    same.append(1200);
    same.rewrite(0);
    let v = violation(sync(&same, Some(held), 1000, honest(&same)));
    assert_eq!(v.kind, ViolationKind::Inconsistent);
}

#[test]
fn a_shrunk_log_is_caught_with_both_heads() {
    let mut log = FakeLog::new(4);
    log.append(1200);
    let held = held_after(&sync(&log, None, 1000, honest(&log)).unwrap());
    let mut smaller = FakeLog::new(4);
    smaller.append(1000);
    let v = violation(sync(&smaller, Some(held.clone()), 1000, honest(&smaller)));
    assert_eq!(v.kind, ViolationKind::Shrunk);
    assert_eq!(v.held, Some(held.head));
    assert_eq!(v.offered, smaller.head(1000));
}

#[test]
fn a_rewritten_leaf_under_the_old_head_is_a_root_mismatch() {
    let mut log = FakeLog::new(5);
    log.append(300);
    let forged = log.leaf(120, "forged");
    let v = violation(sync(&log, None, 100, |start, limit| {
        let mut page = log.page(start, limit);
        if start == 100 {
            page["entries"][20] = forged.clone();
        }
        page
    }));
    assert_eq!(v.kind, ViolationKind::PageRootMismatch);
    assert_eq!(v.offered, log.head(200));
    assert_eq!(v.held, Some(log.head(300)));
}

#[test]
fn a_history_rewritten_between_pages_is_caught_at_the_latest_heads_size() {
    // Pages from a rebuilt tree, each consistent with its own head, against the head the sync
    // started from: the two heads of size 300 disagree.
    let mut log = FakeLog::new(6);
    log.append(300);
    let mut other = FakeLog::new(6);
    other.append(300);
    other.rewrite(250);
    let v = violation(sync(&log, None, 100, |start, limit| {
        other.page(start, limit)
    }));
    assert_eq!(v.kind, ViolationKind::Inconsistent);
    assert_eq!((v.held, v.offered), (Some(log.head(300)), other.head(300)));
}

#[test]
fn dropped_and_reordered_leaves_are_caught_by_their_index() {
    let mut log = FakeLog::new(7);
    log.append(50);
    let v = violation(sync(&log, None, 20, |start, limit| {
        let mut page = log.page(start, limit);
        page["entries"].as_array_mut().unwrap().remove(4);
        page
    }));
    assert_eq!(
        v.kind,
        ViolationKind::BadIndex {
            expected: 4,
            found: Some(5)
        }
    );
    let v = violation(sync(&log, None, 20, |start, limit| {
        let mut page = log.page(start, limit);
        page["entries"].as_array_mut().unwrap().swap(7, 8);
        page
    }));
    assert_eq!(
        v.kind,
        ViolationKind::BadIndex {
            expected: 7,
            found: Some(8)
        }
    );
    // A leaf dropped and the rest renumbered: the leaves no longer give the signed root.
    let mut dropped = FakeLog::new(7);
    dropped.append(51);
    dropped.leaves.remove(10);
    dropped.leaves.truncate(50);
    for (i, leaf) in dropped.leaves.iter_mut().enumerate() {
        leaf["index"] = json!(i);
    }
    let v = violation(sync(&log, None, 20, |start, limit| {
        let mut page = dropped.page(start, limit);
        page["treeHead"] = log.head(start + u64::from(limit));
        page
    }));
    assert_eq!(v.kind, ViolationKind::PageRootMismatch);
}

#[test]
fn a_wrong_index_is_refused_before_the_leaf_is_read() {
    let mut log = FakeLog::new(8);
    log.append(10);
    let v = violation(sync(&log, None, 10, |start, limit| {
        let mut page = log.page(start, limit);
        page["entries"][3]["index"] = json!("3");
        page
    }));
    assert_eq!(
        v.kind,
        ViolationKind::BadIndex {
            expected: 3,
            found: None
        }
    );
}

#[test]
fn heads_signed_by_another_key_or_naming_another_lender_are_refused() {
    let mut log = FakeLog::new(9);
    log.append(30);
    let stranger = LenderKey::from_seed(&[8; 32]);
    let forged = log.head_with(30, &log.tree.root_at(30).unwrap(), &stranger);
    let Err(LendingError::Log(v)) = LogChecker::begin(&log.keys(), LENDER, None, &forged) else {
        panic!("a head by an unknown key must be refused");
    };
    assert!(matches!(v.kind, ViolationKind::HeadSignature { .. }));
    assert_eq!(v.offered, forged);

    // A page whose head was altered after signing.
    let v = violation(sync(&log, None, 10, |start, limit| {
        let mut page = log.page(start, limit);
        page["treeHead"]["timestamp"] = json!("2026-12-02T04:00:00Z");
        page
    }));
    assert!(matches!(v.kind, ViolationKind::HeadSignature { .. }));

    let other = log.key.sign_value(json!({
        "log": "disclosures", "lenderId": "other-lender", "treeSize": 30,
        "rootHash": encode_hash(&log.tree.root_at(30).unwrap()),
        "timestamp": "2026-12-02T03:00:00Z",
    }));
    let Err(LendingError::Log(v)) = LogChecker::begin(&log.keys(), LENDER, None, &other.unwrap())
    else {
        panic!("another lender's head must be refused");
    };
    assert_eq!(v.kind, ViolationKind::ForeignHead);
}

#[test]
fn leaves_that_cannot_be_kept_as_they_are_are_bad_leaves() {
    let mut log = FakeLog::new(10);
    let mut cases: Vec<(&str, Value)> = vec![];
    let mut unsafe_signal = json!({
        "index": 0, "signal": "bank\u{202E}balance", "collectedAt": 1, "purpose": "p",
        "dataRange": {"from": 0, "to": 1},
        "valueDigest": encode_hash(&leaf_hash(b"x")),
    });
    cases.push((
        "bidi",
        redact::commit(unsafe_signal.clone(), &LEAF_REDACTABLE, &mut log.rng).unwrap(),
    ));
    unsafe_signal["signal"] = json!("s".repeat(MAX_LEAF_TEXT + 1));
    cases.push((
        "long",
        redact::commit(unsafe_signal.clone(), &LEAF_REDACTABLE, &mut log.rng).unwrap(),
    ));
    unsafe_signal["signal"] = json!("bank-balance");
    // valueDigest sent plain, not committed to: the vault could not rebuild it.
    cases.push((
        "plain digest",
        redact::commit(unsafe_signal.clone(), &["onwardRecipient"], &mut log.rng).unwrap(),
    ));
    let mut withheld =
        redact::commit(unsafe_signal.clone(), &LEAF_REDACTABLE, &mut log.rng).unwrap();
    redact::withhold(&mut withheld, &["valueDigest"]);
    cases.push(("withheld", withheld));
    unsafe_signal["valueDigest"] = json!("not-a-digest");
    cases.push((
        "digest",
        redact::commit(unsafe_signal.clone(), &LEAF_REDACTABLE, &mut log.rng).unwrap(),
    ));
    for (name, leaf) in cases {
        let result = check_leaf(&leaf, 0);
        assert!(
            matches!(result, Err(ViolationKind::BadLeaf { index: 0, .. })),
            "{name}: {result:?}"
        );
    }
}

#[test]
fn pages_of_the_wrong_shape_are_malformed_and_move_nothing() {
    let mut log = FakeLog::new(11);
    log.append(30);
    let head = log.head(30);
    let mut checker = LogChecker::begin(&log.keys(), LENDER, None, &head).unwrap();
    let (start, limit) = checker.next_range(10).unwrap().unwrap();
    let mut too_long = log.page(start, 11);
    too_long["treeHead"] = log.head(11);
    let mut wrong_size = log.page(start, limit);
    wrong_size["treeHead"] = log.head(12);
    let mut extra = log.page(start, limit);
    extra["more"] = json!(1);
    let empty = json!({"entries": [], "treeHead": log.head(0)});
    for bad in [too_long, wrong_size, extra, empty, json!([]), json!({})] {
        let r = checker.accept_page(limit, bad.clone());
        assert!(matches!(r, Err(LendingError::Malformed { .. })), "{bad}");
        assert_eq!(checker.frontier().size(), 0);
    }
    checker.accept_page(limit, log.page(start, limit)).unwrap();
    assert_eq!(checker.frontier().size(), 10);
}

#[test]
fn a_held_head_that_does_not_match_the_held_leaves_is_the_callers_mistake() {
    let mut log = FakeLog::new(12);
    log.append(20);
    let mut frontier = Frontier::new();
    frontier.push(leaf_hash(b"x"));
    let held = HeldLog {
        frontier,
        head: log.head(20),
    };
    let r = LogChecker::begin(&log.keys(), LENDER, Some(held), &log.head(20));
    assert!(matches!(r, Err(LendingError::Usage(_))), "{r:?}");
}

/// Hostile values in every member of a page: each gives an error or a page, never a panic.
#[test]
fn hostile_pages_never_panic() {
    let mut log = FakeLog::new(13);
    log.append(8);
    let hostile = [
        json!(null),
        json!(-1),
        json!(u64::MAX),
        json!(1.5),
        json!("\u{1b}[2J\u{202E}"),
        json!("x".repeat(100_000)),
        json!([]),
        json!({}),
        json!([["", "", null]]),
        json!({"_sd": {"a": "b"}}),
    ];
    let honest_page = log.page(0, 8);
    let mut paths: Vec<Vec<String>> = vec![
        vec!["entries".into()],
        vec!["treeHead".into()],
        vec!["treeHead".into(), "treeSize".into()],
        vec!["treeHead".into(), "rootHash".into()],
    ];
    for member in [
        "index",
        "signal",
        "collectedAt",
        "dataRange",
        "valueDigest",
        "_sd",
        "_disclosed",
    ] {
        paths.push(vec!["entries".into(), "2".into(), member.into()]);
    }
    paths.push(vec!["entries".into(), "1".into()]);
    paths.push(vec![
        "entries".into(),
        "0".into(),
        "_disclosed".into(),
        "0".into(),
    ]);
    let keys = log.keys();
    for path in &paths {
        for value in &hostile {
            let mut page = honest_page.clone();
            let pointer = format!("/{}", path.join("/"));
            let (parent, last) = pointer.rsplit_once('/').unwrap();
            match page.pointer_mut(parent).unwrap() {
                Value::Object(map) => drop(map.insert(last.to_string(), value.clone())),
                Value::Array(items) => items[last.parse::<usize>().unwrap()] = value.clone(),
                _ => unreachable!("{pointer}"),
            }
            let mut checker = LogChecker::begin(&keys, LENDER, None, &log.head(8)).unwrap();
            let r = checker.accept_page(8, page);
            assert!(r.is_err(), "{pointer} = {value} was accepted");
            // The same value as the latest head or a consistency proof.
            let _ = LogChecker::begin(&keys, LENDER, None, value);
            let _ = checker.accept_consistency(value.clone());
            let _ = check_leaf(value, 0);
        }
    }
    let _ = DisclosureLeaf::check(&json!({"_disclosed": [[1, 2, 3]]}));
}

/// Random tampering with served pages — a disclosed value, a salt, a path, an index, a
/// commitment, a leaf dropped, duplicated or swapped, a head's size or root — is never
/// accepted, and never panics.
#[test]
fn every_tampered_page_is_refused() {
    use rand::Rng as _;
    let mut log = FakeLog::new(16);
    log.append(64);
    let mut rng = StdRng::seed_from_u64(17);
    for round in 0..400 {
        let target = rng.random_range(0..64usize);
        let other = (target + rng.random_range(1..64usize)) % 64;
        let kind = rng.random_range(0..9u8);
        let tamper = |page: &mut Value, start: u64| {
            let Some(i) = target.checked_sub(start as usize).filter(|i| *i < 16) else {
                return;
            };
            let entries = page["entries"].as_array_mut().unwrap();
            let leaf = &mut entries[i];
            match kind {
                0 => leaf["_disclosed"][0][2] = json!(encode_hash(&leaf_hash(b"other"))),
                1 => leaf["_disclosed"][0][0] = json!("AAAAAAAAAAAAAAAAAAAAAA"),
                2 => leaf["_disclosed"][0][1] = json!("signal"),
                3 => leaf["index"] = json!(other),
                4 => leaf["_sd"]["valueDigest"] = json!(encode_hash(&leaf_hash(b"c"))),
                5 => leaf["collectedAt"] = json!(0),
                6 => {
                    entries.remove(i);
                }
                7 => entries[i] = entries[if i == 0 { 1 } else { i - 1 }].clone(),
                _ => {
                    let j = if i == 0 { 1 } else { i - 1 };
                    entries.swap(i, j);
                }
            }
        };
        let r = sync(&log, None, 16, |start, limit| {
            let mut page = log.page(start, limit);
            tamper(&mut page, start);
            page
        });
        assert!(
            r.is_err(),
            "round {round}: tampering {kind} with leaf {target} passed"
        );
    }
    // A head's size or root changed after signing.
    for member in ["treeSize", "rootHash"] {
        let r = sync(&log, None, 16, |start, limit| {
            let mut page = log.page(start, limit);
            page["treeHead"][member] = if member == "treeSize" {
                json!(start + u64::from(limit) - 1)
            } else {
                json!(encode_hash(&leaf_hash(b"r")))
            };
            page
        });
        assert!(r.is_err(), "{member}");
    }
}

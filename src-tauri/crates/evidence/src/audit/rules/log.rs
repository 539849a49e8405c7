//! A lender's disclosure log against itself. The log is append-only: every tree head the
//! lender signs commits to all disclosures before it, so two heads of one size with different
//! roots (`log-fork`) mean it showed two histories — it rewrote, dropped or reordered
//! disclosures it had already logged — and a page whose leaves do not give the root of the
//! head it came with (`log-page-mismatch`) means its signed word and its data disagree.
//!
//! Each rule re-derives what the record's heads prove and ignores the record's `kind`: a
//! record that proves nothing is not a finding. Like every other rule, these check no
//! signature: the heads were checked when they were received (sync) or by `khata verify`
//! (an export), and the audit trusts what it is given (see [`crate::audit`]).
//!
//! A record met more than once (the same conflict at several syncs) is one finding with the
//! count and the first and last time it was found.

use std::collections::HashMap;

use khata_contract::log::TreeHead;
use khata_contract::merkle::{self, Hash};

use crate::audit::finding::{Evidence, Finding, FindingFacts, RecordRef, Rule};
use crate::audit::input::{AuditInput, Stmt};
use crate::audit::log_conflict::LogConflictIn;

/// Every rule of this family, forks first, each in the order first found. Pure.
pub(crate) fn check(input: &AuditInput) -> Vec<Finding> {
    let mut out = Groups::default();
    for c in &input.log_conflicts {
        if let Some(held) = &c.held
            && let Some((a, b)) = fork(&held.value, &c.offered.value)
        {
            let key = (
                Rule::LogFork,
                held.value.lender_id.clone(),
                c.offered.value.tree_size,
                a,
                b,
                0,
            );
            out.add(key, c, || FindingFacts::LogFork {
                held: (&held.value).into(),
                offered: (&c.offered.value).into(),
            });
        }
    }
    for c in &input.log_conflicts {
        if let Some((start, computed, signed)) = page_mismatch(c) {
            let o = &c.offered.value;
            let key = (
                Rule::LogPageMismatch,
                o.lender_id.clone(),
                o.tree_size,
                signed,
                computed,
                start,
            );
            out.add(key, c, || FindingFacts::LogPageMismatch {
                offered: o.into(),
                computed_root: c.computed_root.clone().unwrap_or_default(),
                page_start: start,
                held: c.held.as_ref().map(|h| (&h.value).into()),
            });
        }
    }
    out.findings
}

/// The two roots when `held` and `offered` prove a fork: one log of one lender, one size,
/// two roots. Roots are compared as hashes, not as text.
fn fork(held: &TreeHead, offered: &TreeHead) -> Option<(Hash, Hash)> {
    let (a, b) = (held.root().ok()?, offered.root().ok()?);
    (held.log == offered.log
        && held.lender_id == offered.lender_id
        && held.tree_size == offered.tree_size
        && a != b)
        .then_some((a, b))
}

/// The page's first index, the root its leaves gave and the root the lender signed, when the
/// record shows a page of at least one leaf, after the held ones and of the same lender, whose
/// leaves give another root than its head.
fn page_mismatch(c: &LogConflictIn) -> Option<(u64, Hash, Hash)> {
    let o = &c.offered.value;
    let start = c.page_start?;
    let computed = merkle::decode_hash(c.computed_root.as_deref()?).ok()?;
    let signed = o.root().ok()?;
    if start >= o.tree_size || computed == signed {
        return None;
    }
    if let Some(h) = &c.held {
        let h = &h.value;
        if h.log != o.log || h.lender_id != o.lender_id || h.tree_size > start {
            return None;
        }
    }
    Some((start, computed, signed))
}

/// A rule, lender, size, the two roots and a page start: what makes two records one finding.
type Key = (Rule, String, u64, Hash, Hash, u64);

#[derive(Default)]
struct Groups {
    at: HashMap<Key, usize>,
    findings: Vec<Finding>,
}

impl Groups {
    /// Counts `c` under `key`; the first record of a key makes the finding, from its heads.
    fn add(&mut self, key: Key, c: &LogConflictIn, facts: impl FnOnce() -> FindingFacts) {
        let t = c.detected_at;
        if let Some(&i) = self.at.get(&key) {
            let f = &mut self.findings[i];
            f.count += 1;
            f.at = f.at.min(t);
            f.last_at = f.last_at.max(t);
            return;
        }
        let rule = key.0;
        let heads: Vec<&Stmt<TreeHead>> = c.held.iter().chain([&c.offered]).collect();
        self.at.insert(key, self.findings.len());
        self.findings.push(Finding {
            rule,
            severity: rule.severity(),
            facts: facts(),
            lender_id: c.offered.value.lender_id.clone(),
            consent_id: None,
            signal: None,
            at: t,
            last_at: t,
            count: 1,
            records: heads.iter().map(|h| head_ref(&h.value)).collect(),
            records_omitted: 0,
            evidence: heads
                .iter()
                .map(|h| Evidence {
                    kind: HEAD_KIND.into(),
                    id: head_id(&h.value),
                    statement: h.json.clone(),
                })
                .collect(),
        });
    }
}

/// The record and evidence kind of a signed tree head.
const HEAD_KIND: &str = "tree-head";

/// A head named by its size and root, as signed: `1200/<rootHash>`.
fn head_id(h: &TreeHead) -> String {
    format!("{}/{}", h.tree_size, h.root_hash)
}

fn head_ref(h: &TreeHead) -> RecordRef {
    RecordRef {
        kind: HEAD_KIND.into(),
        id: head_id(h),
        local_id: None,
    }
}

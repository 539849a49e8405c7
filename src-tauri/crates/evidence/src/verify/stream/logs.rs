//! Line 1's `logs` of a version 2 export: each lender's signed tree heads and kept conflicts,
//! checked before any leaf is read — signatures with the lender's trusted keys, one lender per
//! log, sizes ascending, the leaf count the last head signs, and every head matched by its
//! `log.page` (held) or `log.conflict` (kept) ledger entry and the other way round. What it
//! returns is the plan the leaves are checked against: the sizes at which a root must be what a
//! head signed.

use std::collections::HashMap;

use khata_contract::log::{LOG_DISCLOSURES, TreeHead};
use khata_contract::merkle::{Hash, decode_hash};
use khata_contract::signing::{Prepared, verify_batch};
use serde_json::Value;

use super::super::LoggedHead;
use super::super::checks::{R, Rings, bad};
use super::super::log_facts::{ForkKind, HeadFacts, LogFork};
use crate::ledger::log_head_digest;

/// A signed head, read.
#[derive(Clone)]
pub(crate) struct Head {
    pub size: u64,
    pub root: Hash,
    pub facts: HeadFacts,
    /// Its JSON pointer in line 1.
    pub at: String,
}

/// A size at which the leaves' root is compared with a head.
pub(crate) struct Checkpoint {
    pub size: u64,
    pub head: usize,
    /// `false`: a held head (a mismatch is tampering); `true`: a kept conflict (a mismatch is
    /// the lender's fork).
    pub conflict: bool,
}

/// One lender's log as line 1 announces it.
pub(crate) struct Plan {
    pub lender: String,
    pub leaf_count: u64,
    pub held: Vec<Head>,
    pub conflicts: Vec<Head>,
    /// By size; held before conflicts at one size.
    pub checkpoints: Vec<Checkpoint>,
    /// Forks settled from line 1 alone (same size, or larger than the held log).
    pub forks: Vec<LogFork>,
}

/// The ledger's log entries by (lender, conflict): each one's digest and position.
type Entries<'a> = HashMap<(&'a str, bool), Vec<([u8; 32], usize)>>;

const LOG_KEYS: [&str; 4] = ["lenderId", "leafCount", "treeHeads", "conflicts"];

/// Reads one signed head: its signature prepared for the batch, its members typed.
fn head(v: &Value, at: &str, lender: &str, rings: &Rings) -> R<(Head, Prepared)> {
    let prepared = rings.prepare(v, at, Some(lender))?;
    let h: TreeHead = serde_json::from_value(v.clone())
        .map_err(|e| bad(at, format!("not a signed tree head: {e}")))?;
    if h.log != LOG_DISCLOSURES {
        return Err(bad(at, format!("a head of log {:?}", h.log)));
    }
    if h.lender_id != lender {
        return Err(bad(
            at,
            format!(
                "a head of lender {:?} in the log of {lender:?}",
                h.lender_id
            ),
        ));
    }
    let root =
        decode_hash(&h.root_hash).map_err(|e| bad(format!("{at}/rootHash"), e.to_string()))?;
    let facts = HeadFacts {
        tree_size: h.tree_size,
        root_hash: h.root_hash,
        timestamp: h
            .timestamp
            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        key_id: h.signature.key_id,
    };
    Ok((
        Head {
            size: h.tree_size,
            root,
            facts,
            at: at.to_string(),
        },
        prepared,
    ))
}

/// Checks `logs` against the trusted keys and the ledger's log entries; returns each log's
/// plan and how many signatures were checked.
pub(crate) fn check(
    logs: Option<&Value>,
    rings: &Rings,
    ledgered: &[LoggedHead],
) -> R<(Vec<Plan>, u64)> {
    let logs = logs
        .and_then(Value::as_array)
        .ok_or_else(|| bad("/logs", "missing or not an array"))?;
    let mut plans: Vec<Plan> = Vec::with_capacity(logs.len());
    let mut signatures = 0u64;
    // (lender, conflict) -> the entries' digests and positions, to match heads with.
    let mut entries: Entries = HashMap::new();
    for e in ledgered {
        entries
            .entry((e.lender.as_str(), e.conflict))
            .or_default()
            .push((e.digest, e.entry));
    }
    for (n, log) in logs.iter().enumerate() {
        let at = format!("/logs/{n}");
        let obj = log.as_object().ok_or_else(|| bad(&at, "not an object"))?;
        if let Some(k) = obj.keys().find(|k| !LOG_KEYS.contains(&k.as_str())) {
            return Err(bad(&at, format!("unexpected member {k:?}")));
        }
        let lender = log
            .get("lenderId")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(format!("{at}/lenderId"), "missing or not a string"))?;
        if !rings.has(lender) {
            return Err(bad(
                format!("{at}/lenderId"),
                format!("lender {lender:?} is not listed in lenders"),
            ));
        }
        if let Some(prev) = plans.last()
            && prev.lender.as_str() >= lender
        {
            return Err(bad(
                &at,
                "out of the export's canonical order (by lender id, once each)",
            ));
        }
        let leaf_count = log
            .get("leafCount")
            .and_then(Value::as_u64)
            .ok_or_else(|| {
                bad(
                    format!("{at}/leafCount"),
                    "missing or not an unsigned integer",
                )
            })?;
        let mut read = |key: &str, conflict: bool| -> R<Vec<Head>> {
            let list = log
                .get(key)
                .and_then(Value::as_array)
                .ok_or_else(|| bad(format!("{at}/{key}"), "missing or not an array"))?;
            let mut heads = Vec::with_capacity(list.len());
            let mut prepared = Vec::with_capacity(list.len());
            for (k, v) in list.iter().enumerate() {
                let (h, p) = head(v, &format!("{at}/{key}/{k}"), lender, rings)?;
                heads.push(h);
                prepared.push(p);
            }
            if !verify_batch(&prepared) {
                for (h, p) in heads.iter().zip(&prepared) {
                    p.verify()
                        .map_err(|e| bad(&h.at, format!("lender signature: {e}")))?;
                }
            }
            signatures += heads.len() as u64;
            for w in heads.windows(2) {
                let in_order = if conflict {
                    (w[0].size, &w[0].facts.root_hash) < (w[1].size, &w[1].facts.root_hash)
                } else {
                    w[0].size < w[1].size
                };
                if !in_order {
                    return Err(bad(
                        &w[1].at,
                        "out of the export's canonical order (by size)",
                    ));
                }
            }
            for h in &heads {
                let digest = log_head_digest(lender, h.size, &h.root);
                let found = entries.get_mut(&(lender, conflict)).and_then(|list| {
                    let k = list.iter().position(|(d, _)| *d == digest)?;
                    Some(list.swap_remove(k))
                });
                if found.is_none() {
                    let kind = if conflict { "log.conflict" } else { "log.page" };
                    return Err(bad(
                        &h.at,
                        format!("no {kind} ledger entry records this head"),
                    ));
                }
            }
            Ok(heads)
        };
        let held = read("treeHeads", false)?;
        let conflicts = read("conflicts", true)?;
        let last = held.last().map_or(0, |h| h.size);
        if leaf_count != last {
            return Err(bad(
                format!("{at}/leafCount"),
                format!("{leaf_count} leaves, but the last held head signs {last}"),
            ));
        }
        let mut checkpoints: Vec<Checkpoint> = held
            .iter()
            .enumerate()
            .map(|(k, h)| Checkpoint {
                size: h.size,
                head: k,
                conflict: false,
            })
            .collect();
        let mut forks = Vec::new();
        for (k, c) in conflicts.iter().enumerate() {
            if let Some(h) = held.iter().find(|h| h.size == c.size) {
                if h.root == c.root {
                    return Err(bad(&c.at, "kept as a conflict, but it is a held head"));
                }
                forks.push(LogFork {
                    kind: ForkKind::SameSize,
                    conflicting: c.facts.clone(),
                    held: h.facts.clone(),
                    held_root_at_size: Some(h.facts.root_hash.clone()),
                });
            } else if c.size > last {
                let held = held
                    .last()
                    .map(|h| h.facts.clone())
                    .unwrap_or_else(|| HeadFacts {
                        tree_size: 0,
                        root_hash: khata_contract::merkle::encode_hash(
                            &khata_contract::merkle::empty_root(),
                        ),
                        timestamp: String::new(),
                        key_id: String::new(),
                    });
                forks.push(LogFork {
                    kind: ForkKind::Unproven,
                    conflicting: c.facts.clone(),
                    held,
                    held_root_at_size: None,
                });
            } else {
                checkpoints.push(Checkpoint {
                    size: c.size,
                    head: k,
                    conflict: true,
                });
            }
        }
        checkpoints.sort_by_key(|c| (c.size, c.conflict));
        plans.push(Plan {
            lender: lender.to_string(),
            leaf_count,
            held,
            conflicts,
            checkpoints,
            forks,
        });
    }
    // Every log entry of the ledger has its head in the export.
    let mut left: Vec<(&(&str, bool), usize)> = entries
        .iter()
        .flat_map(|(k, list)| list.iter().map(move |(_, n)| (k, *n)))
        .collect();
    left.sort_by_key(|(_, n)| *n);
    if let Some(((lender, conflict), n)) = left.first() {
        let what = if *conflict {
            "a conflicting head"
        } else {
            "a tree head"
        };
        return Err(bad(
            format!("/ledger/entries/{n}"),
            format!("{what} of lender {lender:?} is in the ledger but missing from the export"),
        ));
    }
    Ok((plans, signatures))
}

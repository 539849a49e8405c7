//! The one-pass verifier of a version 2 export ([`crate::export_v2`]): line 1 through the
//! document checks every export gets, its `logs` against the signed heads and the ledger
//! ([`logs`]), then the leaves, read a chunk at a time and checked on every core ([`leaf`]),
//! each leaf hash appended to its lender's Merkle frontier in order, and the frontier's root
//! compared with every head at that head's size. Memory stays flat whatever the file's size:
//! one chunk of lines, one frontier (at most 64 hashes) and the heads of line 1.
//!
//! Every failure names its line (`line N`, counting line 1 as 1), or for line 1 a JSON pointer
//! into it, as the version 1 verifier does into its one document.

mod leaf;
mod logs;

use std::collections::BTreeMap;
use std::io::Read;

use khata_contract::merkle::{Frontier, encode_hash};
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess};
use serde_json::Value;

use super::checks::bad;
use super::log_facts::{ForkKind, LogFacts, LogFork, WithheldCount};
use super::trust::SuppliedKeys;
use super::{MAX_EXPORT_BYTES, VerifyError, VerifyReport};
use crate::members::{Members, deserialize_members};
use leaf::{LeafOut, WITHHELD_PATHS};
use logs::Plan;

/// Bytes read and checked per round: ten thousand leaves for every core. Also the longest leaf
/// line read (a real one is under 1 KiB): longer is refused, so a file with no line breaks
/// cannot make the verifier hold it whole.
const CHUNK: usize = 8 << 20;

/// What the log check reads of line 1 (the document checks read the rest).
#[derive(Default)]
struct LineOne {
    logs: Option<Value>,
}

impl<'de> Members<'de> for LineOne {
    const EXPECTING: &'static str = "a Khata export";
    fn member<A: MapAccess<'de>>(&mut self, key: String, m: &mut A) -> Result<(), A::Error> {
        if key == "logs" {
            self.logs = Some(m.next_value()?);
        } else {
            m.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for LineOne {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_members(d)
    }
}

/// Reads from `input` until `buf` holds `want` bytes or the input ends; `true` at its end.
fn fill(input: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> Result<bool, VerifyError> {
    let Some(missing) = want.checked_sub(buf.len()).filter(|n| *n > 0) else {
        return Ok(false);
    };
    // `read_to_end` on a bounded reader: no zeroing of the space it reads into.
    let n = input
        .by_ref()
        .take(missing as u64)
        .read_to_end(buf)
        .map_err(|e| VerifyError::Unusable {
            reason: format!("cannot read the export: {e}"),
        })?;
    Ok(n < missing)
}

/// Verifies a version 2 export read from `input`.
pub(crate) fn verify(
    input: impl Read,
    supplied: &SuppliedKeys,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<VerifyReport, VerifyError> {
    verify_in_chunks(input, CHUNK, supplied, progress)
}

/// [`verify`] reading `chunk` bytes a round (the tests make it small, to cross many rounds).
fn verify_in_chunks(
    mut input: impl Read,
    chunk: usize,
    supplied: &SuppliedKeys,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<VerifyReport, VerifyError> {
    // --- line 1: the document, then its logs
    let mut buf: Vec<u8> = Vec::with_capacity(chunk);
    let mut searched = 0;
    let first_end = loop {
        if let Some(p) = memchr::memchr(b'\n', &buf[searched..]) {
            break searched + p;
        }
        searched = buf.len();
        if buf.len() as u64 > MAX_EXPORT_BYTES {
            return Err(VerifyError::Unusable {
                reason: format!(
                    "line 1 is longer than the {} MiB an export document may be",
                    MAX_EXPORT_BYTES >> 20
                ),
            });
        }
        if fill(&mut input, &mut buf, searched + chunk)? && buf.len() == searched {
            return Err(bad(
                "line 1",
                "the line has no end: the export is truncated",
            ));
        }
    };
    let mut doc = super::document(&buf[..first_end], 2, supplied, progress)?;
    let line_one: LineOne =
        serde_json::from_slice(&buf[..first_end]).map_err(|e| VerifyError::Unusable {
            reason: format!("not JSON: {e}"),
        })?;
    let (plans, signatures) = logs::check(line_one.logs.as_ref(), &doc.rings, &doc.log_heads)?;
    drop(line_one);
    buf.drain(..=first_end);

    // --- the leaves
    let total: u64 = plans.iter().map(|p| p.leaf_count).sum();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut walk = Walk::new(plans);
    walk.settle()?;
    // Each round: the workers check one chunk of whole lines while this thread appends the
    // previous chunk's leaves to the tree (in order) and reads the next chunk.
    let mut eof = false;
    let mut next: Vec<u8> = Vec::with_capacity(chunk);
    let mut pending: Vec<Piece> = Vec::new();
    loop {
        if !eof {
            eof = fill(&mut input, &mut buf, chunk)?;
        }
        let Some(end) = memchr::memrchr(b'\n', &buf) else {
            for piece in pending.drain(..) {
                walk.apply(piece)?;
            }
            if buf.is_empty() {
                break;
            }
            let why = if eof {
                "the line has no end: the export is truncated".to_string()
            } else {
                format!("longer than the {} MiB a leaf may be", chunk >> 20)
            };
            return Err(bad(format!("line {}", walk.line + 1), why));
        };
        let (region, carry) = buf.split_at(end + 1);
        next.clear();
        next.extend_from_slice(carry);
        let pieces = split_lines(region, cores);
        let (results, read) = std::thread::scope(|scope| {
            let handles: Vec<_> = pieces
                .iter()
                .map(|piece| scope.spawn(move || check_piece(piece)))
                .collect();
            let applied = pending.drain(..).try_for_each(|piece| walk.apply(piece));
            let read = match (&applied, eof) {
                (Ok(()), false) => fill(&mut input, &mut next, chunk),
                _ => Ok(eof),
            };
            let results: Vec<Piece> = handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect();
            (applied.map(|()| results), read)
        });
        pending = results?;
        eof = read?;
        progress(walk.done, total);
        std::mem::swap(&mut buf, &mut next);
    }
    let facts = walk.finish()?;

    let r = &mut doc.report;
    r.version = 2;
    r.signatures_checked += signatures;
    r.disclosures += total;
    r.unverified.push("/redaction".into());
    r.logs = Some(facts);
    progress(total, total);
    Ok(doc.report)
}

/// `region` (whole lines, each ending in `\n`) cut into up to `n` pieces of whole lines.
fn split_lines(region: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out = Vec::with_capacity(n);
    let mut rest = region;
    for k in (1..n.max(1)).rev() {
        let target = rest.len() / (k + 1);
        if target == 0 {
            break;
        }
        let Some(p) = memchr::memchr(b'\n', &rest[target - 1..]) else {
            break;
        };
        let cut = target + p;
        if cut >= rest.len() {
            break;
        }
        out.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    out.push(rest);
    out
}

/// One piece's leaves, checked: in order, up to the first bad line.
struct Piece {
    leaves: Vec<LeafOut>,
    /// Withheld paths outside [`WITHHELD_PATHS`], by position in `leaves`.
    other: Vec<(usize, Vec<String>)>,
    /// The first bad line (its position after `leaves`) and why.
    failed: Option<String>,
}

fn check_piece(piece: &[u8]) -> Piece {
    let mut buf = Vec::with_capacity(512);
    let mut out = Piece {
        leaves: Vec::with_capacity(piece.len() / 256),
        other: Vec::new(),
        failed: None,
    };
    let mut rest = piece;
    while !rest.is_empty() {
        let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
        let line = &rest[..end];
        rest = &rest[(end + 1).min(rest.len())..];
        match leaf::check(line, &mut buf) {
            Ok((leaf, other)) => {
                if !other.is_empty() {
                    out.other.push((out.leaves.len(), other));
                }
                out.leaves.push(leaf);
            }
            Err(reason) => {
                out.failed = Some(reason);
                break;
            }
        }
    }
    out
}

/// The logs of line 1, walked leaf by leaf in file order.
struct Walk {
    plans: Vec<Plan>,
    /// The log being read.
    cur: usize,
    frontier: Frontier,
    /// Its next checkpoint.
    next: usize,
    withheld: BTreeMap<String, u64>,
    rewritten: Vec<LogFork>,
    facts: Vec<LogFacts>,
    /// Lines read (line 1 included).
    line: u64,
    done: u64,
}

impl Walk {
    fn new(plans: Vec<Plan>) -> Self {
        Self {
            plans,
            cur: 0,
            frontier: Frontier::new(),
            next: 0,
            withheld: BTreeMap::new(),
            rewritten: Vec::new(),
            facts: Vec::new(),
            line: 1,
            done: 0,
        }
    }

    /// Compares the root with every head at the frontier's size, and moves past every log
    /// whose leaves are all read.
    fn settle(&mut self) -> Result<(), VerifyError> {
        while let Some(plan) = self.plans.get(self.cur) {
            let size = self.frontier.size();
            while let Some(cp) = plan.checkpoints.get(self.next).filter(|c| c.size == size) {
                let root = self.frontier.root();
                if cp.conflict {
                    let c = &plan.conflicts[cp.head];
                    if c.root != root {
                        let held = plan
                            .held
                            .iter()
                            .find(|h| h.size >= size)
                            .expect("the last held head signs every leaf");
                        self.rewritten.push(LogFork {
                            kind: ForkKind::Rewritten,
                            conflicting: c.facts.clone(),
                            held: held.facts.clone(),
                            held_root_at_size: Some(encode_hash(&root)),
                        });
                    }
                } else {
                    let h = &plan.held[cp.head];
                    if h.root != root {
                        return Err(bad(
                            format!("line {}", self.line),
                            format!(
                                "the first {size} leaves of lender {:?} have the root {}, not the {} its signed head {} gives: leaves were changed, dropped or reordered, or the head is not the lender's",
                                plan.lender,
                                encode_hash(&root),
                                h.facts.root_hash,
                                h.at
                            ),
                        ));
                    }
                }
                self.next += 1;
            }
            if size < plan.leaf_count {
                return Ok(());
            }
            let mut forks = plan.forks.clone();
            forks.append(&mut self.rewritten);
            forks.sort_by(|a, b| {
                (a.conflicting.tree_size, &a.conflicting.root_hash)
                    .cmp(&(b.conflicting.tree_size, &b.conflicting.root_hash))
            });
            self.facts.push(LogFacts {
                lender_id: plan.lender.clone(),
                leaves: plan.leaf_count,
                heads_checked: plan.held.len() as u64,
                last_head: plan.held.last().map(|h| h.facts.clone()),
                withheld: std::mem::take(&mut self.withheld)
                    .into_iter()
                    .map(|(path, count)| WithheldCount { path, count })
                    .collect(),
                forks,
            });
            self.cur += 1;
            self.frontier = Frontier::new();
            self.next = 0;
        }
        Ok(())
    }

    fn apply(&mut self, piece: Piece) -> Result<(), VerifyError> {
        let mut other = piece.other.into_iter().peekable();
        for (k, leaf) in piece.leaves.into_iter().enumerate() {
            self.line += 1;
            let Some(plan) = self.plans.get(self.cur) else {
                return Err(bad(
                    format!("line {}", self.line),
                    "a leaf after every leaf the logs announce",
                ));
            };
            let expected = self.frontier.size();
            if leaf.index != expected {
                return Err(bad(
                    format!("line {}", self.line),
                    format!(
                        "leaf {} where leaf {expected} of lender {:?} comes next: leaves were dropped, added or reordered",
                        leaf.index, plan.lender
                    ),
                ));
            }
            for (bit, path) in WITHHELD_PATHS.iter().enumerate() {
                if leaf.withheld & (1 << bit) != 0 {
                    *self.withheld.entry((*path).to_string()).or_default() += 1;
                }
            }
            while let Some((_, paths)) = other.next_if(|(n, _)| *n == k) {
                for p in paths {
                    *self.withheld.entry(p).or_default() += 1;
                }
            }
            self.frontier.push(leaf.hash);
            self.done += 1;
            self.settle()?;
        }
        if let Some(reason) = piece.failed {
            self.line += 1;
            let whose = match self.plans.get(self.cur) {
                Some(p) => format!("leaf {} of lender {:?}", self.frontier.size(), p.lender),
                None => "a line after every announced leaf".into(),
            };
            return Err(bad(
                format!("line {}", self.line),
                format!("{whose}: {reason}"),
            ));
        }
        Ok(())
    }

    fn finish(self) -> Result<Vec<LogFacts>, VerifyError> {
        if let Some(plan) = self.plans.get(self.cur) {
            return Err(bad(
                format!("line {}", self.line + 1),
                format!(
                    "the export ends after {} of the {} leaves of lender {:?}: it is truncated or leaves were dropped",
                    self.frontier.size(),
                    plan.leaf_count,
                    plan.lender
                ),
            ));
        }
        Ok(self.facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::{Spec, join, lines};

    #[test]
    fn small_rounds_give_the_same_answers() {
        let spec = Spec {
            page: 64,
            ..Spec::new(500)
        };
        let bytes = spec.bytes();
        let none = SuppliedKeys::default();
        let whole = verify(&bytes[..], &none, &mut |_, _| {}).unwrap();
        for chunk in [1000, 4096, 10_000] {
            assert_eq!(
                verify_in_chunks(&bytes[..], chunk, &none, &mut |_, _| {}).unwrap(),
                whole,
                "{chunk}"
            );
        }
        // A dropped leaf is named by its line whatever the rounds.
        let mut l = lines(&bytes);
        l.remove(300);
        let bad = join(&l);
        let err = verify(&bad[..], &none, &mut |_, _| {}).unwrap_err();
        assert!(err.to_string().starts_with("line 301:"), "{err}");
        for chunk in [1000, 4096] {
            assert_eq!(
                verify_in_chunks(&bad[..], chunk, &none, &mut |_, _| {}),
                Err(err.clone())
            );
        }
        // A chunk shorter than a leaf is a line too long; no line end at all is truncation.
        assert!(verify_in_chunks(&bytes[..], 100, &none, &mut |_, _| {}).is_err());
        let cut = &bytes[..bytes.len() - 1];
        let err = verify(cut, &none, &mut |_, _| {}).unwrap_err();
        assert!(err.to_string().contains("truncated"), "{err}");
    }
}

//! Holes in a lender's disclosure sequence. Each disclosure a lender signs carries its place
//! in that lender's log (`seq`, 1, 2, 3…, see the contract). A disclosure the lender never
//! delivered leaves a hole the export cannot otherwise show: the ledger proves the vault kept
//! everything it received, not that it received everything. Holes are reported, not refused:
//! the export is intact, the lender's account of itself is not. Disclosures after the last one
//! delivered cannot be seen by anyone but the lender.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// Sequence numbers `from..=to` of `lender_id` that no disclosure in the export carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SequenceGap {
    pub lender_id: String,
    #[ts(type = "number")]
    pub from: u64,
    #[ts(type = "number")]
    pub to: u64,
}

/// Every lender's sequence numbers seen so far.
#[derive(Default)]
pub(crate) struct Sequences(BTreeMap<String, Vec<u64>>);

impl Sequences {
    /// Notes the `seq` of one signed disclosure statement `st` of `lender` (a statement without
    /// one is not part of a sequence).
    pub(crate) fn add(&mut self, lender: &str, st: &Value) {
        if let Some(seq) = st.get("seq").and_then(Value::as_u64) {
            self.push(lender, seq);
        }
    }

    pub(crate) fn push(&mut self, lender: &str, seq: u64) {
        match self.0.get_mut(lender) {
            Some(v) => v.push(seq),
            None => {
                self.0.insert(lender.to_string(), vec![seq]);
            }
        }
    }

    pub(crate) fn merge(&mut self, other: Sequences) {
        for (lender, seqs) in other.0 {
            self.0.entry(lender).or_default().extend(seqs);
        }
    }

    /// The holes, by lender id then position; the sequence starts at 1.
    pub(crate) fn gaps(self) -> Vec<SequenceGap> {
        let mut out = Vec::new();
        for (lender, mut seqs) in self.0 {
            seqs.sort_unstable();
            seqs.dedup();
            let mut next = 1u64;
            for s in seqs {
                if s > next {
                    out.push(SequenceGap {
                        lender_id: lender.clone(),
                        from: next,
                        to: s - 1,
                    });
                }
                next = s.saturating_add(1);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_are_named_with_their_range() {
        let mut s = Sequences::default();
        for n in [3u64, 4, 7, 5, 10, 10] {
            s.push("L", n);
        }
        s.push("M", 1);
        s.push("M", 2);
        let gap = |from, to| SequenceGap {
            lender_id: "L".into(),
            from,
            to,
        };
        assert_eq!(s.gaps(), vec![gap(1, 2), gap(6, 6), gap(8, 9)]);
    }

    #[test]
    fn a_whole_sequence_has_no_holes() {
        let mut s = Sequences::default();
        for n in 1..=5u64 {
            s.push("L", n);
        }
        s.push("L", u64::MAX);
        assert_eq!(s.gaps().len(), 1, "one hole before u64::MAX, no overflow");
    }
}

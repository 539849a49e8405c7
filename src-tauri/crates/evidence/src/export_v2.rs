//! The version 2 export, written and read by one definition: a stream of lines (NDJSON), so a
//! million disclosures are written and verified a piece at a time (docs/export.md).
//!
//! Line 1 is the document: every section of a version 1 export but `disclosures`, with
//! `"version": 2`, `logs` (per lender: how many leaves follow, the signed tree heads the vault
//! held and the conflicting ones it kept) and `redaction` (what the borrower chose to withhold;
//! informational). Then, per lender in `logs` order, its leaves in index order, one canonical
//! JSON object per line, as the lender sent them minus the values withheld. The engine's
//! exporter writes through [`Writer`]; the verifier (`crate::verify`) reads the same layout.

use std::io::{self, Write};

use khata_contract::signing::canonical_json;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// How every version 2 export starts: a reader tells the version from these bytes alone,
/// without reading a (possibly large) first line.
pub const MAGIC: &str = "{\"format\":\"khata-export\",\"version\":2,";

/// Whether `bytes` start as a version 2 export does.
pub fn is_v2(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC.as_bytes())
}

/// One lender's log in line 1's `logs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogSection {
    pub lender_id: String,
    /// How many leaves of this lender follow line 1: the last held head's size.
    pub leaf_count: u64,
    /// The signed tree heads the vault held (one per page it stored), as signed, by size.
    pub tree_heads: Vec<Value>,
    /// Signed heads that contradict the held log, kept as proof of a fork, by size then root.
    pub conflicts: Vec<Value>,
}

/// The `redaction` member of line 1: the patterns the borrower withheld at export
/// (`khata_contract::redact::matches`), for the reader; the verifier reports what is actually
/// withheld from the leaves themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Redaction {
    pub patterns: Vec<String>,
}

fn size_of(head: &Value) -> u64 {
    head.get("treeSize").and_then(Value::as_u64).unwrap_or(0)
}

fn root_of(head: &Value) -> &str {
    head.get("rootHash").and_then(Value::as_str).unwrap_or("")
}

/// Puts `logs` in the export's canonical order: by lender id; each log's heads by size, its
/// conflicts by size then root.
pub fn canonical_order(logs: &mut [LogSection]) {
    logs.sort_by(|a, b| a.lender_id.cmp(&b.lender_id));
    for log in logs {
        log.tree_heads.sort_by_key(size_of);
        log.conflicts
            .sort_by(|a, b| (size_of(a), root_of(a)).cmp(&(size_of(b), root_of(b))));
    }
}

/// Writes a version 2 export: line 1 at [`Writer::start`], then every leaf in order with
/// [`Writer::leaf`], then [`Writer::finish`]. It refuses (as `InvalidInput`) a leaf out of the
/// order line 1 announced, so what it writes always has the layout the verifier reads.
pub struct Writer<W: Write> {
    out: W,
    /// `(lender id, leaf count)` in `logs` order.
    logs: Vec<(String, u64)>,
    current: usize,
    next_index: u64,
}

fn invalid(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, msg)
}

impl<W: Write> Writer<W> {
    /// Writes line 1. `document`: the sections of a version 1 export but `disclosures` (which
    /// may stay for disclosures received through contract v1); `format`, `version`, `logs` and
    /// `redaction` are written here, and `logs` is put in canonical order ([`canonical_order`]).
    pub fn start(
        mut out: W,
        document: &Map<String, Value>,
        mut logs: Vec<LogSection>,
        redaction: &Redaction,
    ) -> io::Result<Self> {
        canonical_order(&mut logs);
        let json = |e: serde_json::Error| io::Error::other(e);
        out.write_all(MAGIC.trim_end_matches(',').as_bytes())?;
        for (k, v) in document {
            if matches!(k.as_str(), "format" | "version" | "logs" | "redaction") {
                continue;
            }
            out.write_all(b",")?;
            serde_json::to_writer(&mut out, k).map_err(json)?;
            out.write_all(b":")?;
            serde_json::to_writer(&mut out, v).map_err(json)?;
        }
        out.write_all(b",\"logs\":")?;
        serde_json::to_writer(&mut out, &logs).map_err(json)?;
        out.write_all(b",\"redaction\":")?;
        serde_json::to_writer(&mut out, redaction).map_err(json)?;
        out.write_all(b"}\n")?;
        let mut writer = Self {
            out,
            logs: logs
                .into_iter()
                .map(|l| (l.lender_id, l.leaf_count))
                .collect(),
            current: 0,
            next_index: 0,
        };
        writer.skip_full();
        Ok(writer)
    }

    fn skip_full(&mut self) {
        while self
            .logs
            .get(self.current)
            .is_some_and(|(_, n)| self.next_index == *n)
        {
            self.current += 1;
            self.next_index = 0;
        }
    }

    /// Writes one leaf of `lender_id` (a redactable object as received, minus withheld
    /// values) as canonical JSON on its own line. Leaves come per lender in `logs` order (by
    /// lender id), each log in index order.
    pub fn leaf(&mut self, lender_id: &str, leaf: &Value) -> io::Result<()> {
        let Some((expected, _)) = self.logs.get(self.current) else {
            return Err(invalid(format!(
                "a leaf of {lender_id} after every announced leaf"
            )));
        };
        if expected != lender_id {
            return Err(invalid(format!(
                "a leaf of {lender_id} where one of {expected} comes next"
            )));
        }
        let index = leaf.get("index").and_then(Value::as_u64);
        if index != Some(self.next_index) {
            return Err(invalid(format!(
                "leaf {index:?} of {lender_id} where {} comes next",
                self.next_index
            )));
        }
        let line = canonical_json(leaf).map_err(|e| invalid(e.to_string()))?;
        self.out.write_all(&line)?;
        self.out.write_all(b"\n")?;
        self.next_index += 1;
        self.skip_full();
        Ok(())
    }

    /// Checks that every announced leaf was written, flushes and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        if let Some((lender, n)) = self.logs.get(self.current) {
            return Err(invalid(format!(
                "{} of {n} leaves of {lender} written",
                self.next_index
            )));
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn section(id: &str, n: u64) -> LogSection {
        LogSection {
            lender_id: id.into(),
            leaf_count: n,
            tree_heads: vec![json!({"treeSize": n}), json!({"treeSize": 0})],
            conflicts: vec![],
        }
    }

    #[test]
    fn writes_line_one_then_leaves_in_the_announced_order() {
        let mut doc = Map::new();
        doc.insert("exportedAt".into(), json!(1));
        doc.insert("version".into(), json!(1));
        let mut w = Writer::start(
            Vec::new(),
            &doc,
            vec![section("M", 1), section("L", 2), section("K", 0)],
            &Redaction::default(),
        )
        .unwrap();
        assert!(w.leaf("M", &json!({"index": 0})).is_err(), "L comes first");
        w.leaf("L", &json!({"index": 0, "b": 1, "a": 2})).unwrap();
        assert!(w.leaf("L", &json!({"index": 0})).is_err(), "index 1 next");
        w.leaf("L", &json!({"index": 1})).unwrap();
        w.leaf("M", &json!({"index": 0})).unwrap();
        assert!(w.leaf("M", &json!({"index": 1})).is_err(), "all written");
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert!(is_v2(out.as_bytes()));
        let first: Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(first["version"], 2);
        assert_eq!(first["logs"][0]["lenderId"], "K");
        assert_eq!(first["logs"][1]["treeHeads"][0]["treeSize"], 0);
        assert_eq!(lines[1], r#"{"a":2,"b":1,"index":0}"#);
        assert_eq!(lines.len(), 4);
        assert!(out.ends_with('\n'));
    }

    #[test]
    fn finishing_early_is_refused() {
        let w = Writer::start(
            Vec::new(),
            &Map::new(),
            vec![section("L", 1)],
            &Redaction::default(),
        )
        .unwrap();
        assert!(w.finish().is_err());
    }
}

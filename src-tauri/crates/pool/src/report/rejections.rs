//! Refused inputs counted by reason, from `_khata/rejections.jsonl` (written by `pool add`).
//! Only the reason is read: the file names, digests and donation ids in that log never reach a
//! report.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::{Context, Result};

/// The reason a line is counted under when it is not a rejection record (a line cut short by a
/// crash, say): such a line is counted, never dropped.
pub const UNREADABLE: &str = "unreadable-entry";

/// A reason code as `pool add` writes them: kebab-case, at most 64 characters.
fn is_reason_code(reason: &str) -> bool {
    (1..=64).contains(&reason.len())
        && reason
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Rejections by reason; an absent log is no rejection.
pub fn count(pool: &Path) -> Result<BTreeMap<String, u64>> {
    let path = pool.join("_khata").join("rejections.jsonl");
    let mut counts = BTreeMap::new();
    let file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(counts),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    for line in BufReader::new(file).split(b'\n') {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let reason = serde_json::from_slice::<serde_json::Value>(&line)
            .ok()
            .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(str::to_owned))
            .filter(|r| is_reason_code(r))
            .unwrap_or_else(|| UNREADABLE.to_owned());
        *counts.entry(reason).or_insert(0) += 1;
    }
    Ok(counts)
}

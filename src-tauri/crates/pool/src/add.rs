//! `khata-pool add`: each donation opened, read once (digest, verification, rows), checked for
//! duplicates and for a donor already in the pool, and added to the current batch; a batch is
//! committed every [`BATCH_DONATIONS`] donations or [`BATCH_ROWS`] rows and at the end.
//! Refusals are appended to `_khata/rejections.jsonl` as they happen.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use khata_contract::merkle::{Frontier, Hash};
use khata_evidence::donation::FILE_SUFFIX;
use khata_evidence::verify::VerifyError;
use serde::Serialize;
use sha2::Sha256;

use crate::batch::Batch;
use crate::donation;
use crate::extract::{self, Extracted, Head};
use crate::rejection::{Reason, Rejection};
use crate::rows::{Row, month_of};
use crate::schema::TREE_HEADS;
use crate::store::{Commit, CommittedDonation, ComputedHead, LEAVES, NOTES, Pool, new_batch_id};

pub const BATCH_DONATIONS: usize = 1000;
pub const BATCH_ROWS: u64 = 5_000_000;

/// What happened to one input.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub donation_id: Option<String>,
    /// `added`, or the rejection code.
    pub result: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// What the pool already holds, from its commits: enough to refuse duplicates and the same
/// donor, and to compute roots at other donors' sizes.
#[derive(Default)]
pub struct Index {
    ids: HashSet<String>,
    digests: HashSet<String>,
    consent_refs: HashMap<String, String>,
    /// lender → donation → (leaf count, held head sizes with their times, computed sizes).
    logs: HashMap<String, BTreeMap<String, DonorLog>>,
}

#[derive(Default, Clone)]
struct DonorLog {
    leaves: u64,
    heads: BTreeMap<u64, i64>,
    computed: HashSet<u64>,
}

impl Index {
    pub fn load(pool: &Pool) -> anyhow::Result<Index> {
        let mut index = Index::default();
        for c in pool.commits()? {
            for d in &c.donations {
                index.remember(d);
            }
            for h in c.computed {
                index
                    .logs
                    .entry(h.lender)
                    .or_default()
                    .entry(h.donation_id)
                    .or_default()
                    .computed
                    .insert(h.size);
            }
        }
        Ok(index)
    }

    fn remember(&mut self, d: &CommittedDonation) {
        self.ids.insert(d.donation_id.clone());
        self.digests.insert(d.export_sha256.clone());
        for r in &d.consent_refs {
            self.consent_refs
                .entry(r.clone())
                .or_insert_with(|| d.donation_id.clone());
        }
        for (lender, n) in &d.leaves {
            let log = self
                .logs
                .entry(lender.clone())
                .or_default()
                .entry(d.donation_id.clone())
                .or_default();
            log.leaves = *n;
            for (size, at) in d.heads.get(lender).into_iter().flatten() {
                log.heads.insert(*size, *at);
            }
        }
    }

    pub fn donations(&self) -> usize {
        self.ids.len()
    }
}

/// `consent_ref`: HMAC-SHA-256 under the pool's secret of lender id, a zero byte, consent id.
pub fn consent_ref(secret: &[u8; 32], lender: &str, consent: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("any key length");
    mac.update(lender.as_bytes());
    mac.update(&[0]);
    mac.update(consent.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The inputs: files as given, directories scanned (not recursively) for donation files.
pub fn expand(inputs: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && f.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.ends_with(FILE_SUFFIX))
                })
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// A donation read and accepted, waiting to be added to a batch.
struct Accepted {
    manifest: khata_evidence::donation::DonationManifest,
    sha256: String,
    export_bytes: u64,
    extracted: Extracted,
}

/// Opens, reads and checks one donation against the pool (not yet against the batch's roots).
fn read_one(path: &Path, pseudonym: &dyn Fn(&str, &str) -> String) -> Result<Accepted, Rejection> {
    let mut opened = donation::open(path)?;
    let id = opened.manifest.donation_id.clone();
    let export_bytes = opened.export_bytes;
    let read = donation::read_export(&mut opened, |input| extract::extract(input, &id, pseudonym))?;
    if read.sha256 != opened.manifest.export_sha256 {
        return Err(Rejection::new(
            Reason::ExportAltered,
            format!(
                "the export's SHA-256 is {}, the manifest says {}",
                read.sha256, opened.manifest.export_sha256
            ),
        ));
    }
    if let Err(e) = read.verified {
        let detail = match e {
            VerifyError::Invalid { record, reason } => format!("{record}: {reason}"),
            VerifyError::Unusable { reason } => reason,
        };
        return Err(Rejection::new(Reason::ExportInvalid, detail));
    }
    let extracted = read.read?;
    Ok(Accepted {
        manifest: opened.manifest,
        sha256: read.sha256,
        export_bytes,
        extracted,
    })
}

/// Roots of a log's first `n` leaves at each of `sizes` (ascending), from its leaf hashes.
fn roots_at(leaves: impl Iterator<Item = Hash>, sizes: &[u64]) -> Vec<(u64, Hash)> {
    let mut out = Vec::new();
    let mut frontier = Frontier::new();
    let mut want = sizes.iter().peekable();
    while want.peek().is_some_and(|s| **s == 0) {
        want.next();
    }
    for h in leaves {
        if want.peek().is_none() {
            break;
        }
        frontier.push(h);
        while want.peek().is_some_and(|s| **s == frontier.size()) {
            out.push((frontier.size(), frontier.root()));
            want.next();
        }
    }
    out
}

/// A donor's stored leaf hashes for `lender`: staged in this batch, or committed.
fn stored_leaves(pool: &Pool, batch: &Batch, donation: &str, lender: &str) -> Vec<Hash> {
    let rel = format!("{LEAVES}/{donation}/{lender}.bin");
    let bytes = std::fs::read(pool.staging(&batch.id).join(&rel))
        .or_else(|_| std::fs::read(pool.root.join(&rel)))
        .unwrap_or_default();
    bytes
        .chunks_exact(32)
        .map(|c| c.try_into().expect("32 bytes"))
        .collect()
}

/// Computed heads, both ways: the new donor's roots at every size another donor holds a head
/// of, and every other donor's roots at the new donor's sizes.
fn computed_heads(
    pool: &Pool,
    batch: &mut Batch,
    index: &mut Index,
    id: &str,
    ex: &Extracted,
    computed: &mut Vec<ComputedHead>,
) -> anyhow::Result<()> {
    for (lender, leaves) in &ex.leaves {
        let mine: BTreeMap<u64, i64> = ex
            .heads
            .get(lender)
            .into_iter()
            .flatten()
            .filter(|h| !h.conflict)
            .map(|h| (h.size, h.timestamp_ms))
            .collect();
        let others = index.logs.entry(lender.clone()).or_default();
        // The new donor at others' sizes.
        let mut wanted: BTreeMap<u64, i64> = BTreeMap::new();
        for (other, log) in others.iter() {
            if other == id {
                continue;
            }
            for (size, at) in &log.heads {
                if *size <= leaves.len() as u64 && !mine.contains_key(size) {
                    wanted.entry(*size).or_insert(*at);
                }
            }
        }
        let sizes: Vec<u64> = wanted.keys().copied().collect();
        let mut rows: Vec<(String, Row)> = Vec::new();
        for (size, root) in roots_at(leaves.iter().copied(), &sizes) {
            let at = wanted[&size];
            rows.push((month_of(at), computed_row(id, size, root, at)));
            computed.push(ComputedHead {
                donation_id: id.to_owned(),
                lender: lender.clone(),
                size,
            });
        }
        // Others at the new donor's sizes.
        let mut updates: Vec<(String, u64)> = Vec::new();
        for (other, log) in others.iter() {
            if other == id {
                continue;
            }
            let sizes: Vec<u64> = mine
                .keys()
                .copied()
                .filter(|s| {
                    *s <= log.leaves && !log.heads.contains_key(s) && !log.computed.contains(s)
                })
                .collect();
            if sizes.is_empty() {
                continue;
            }
            let theirs = stored_leaves(pool, batch, other, lender);
            for (size, root) in roots_at(theirs.into_iter(), &sizes) {
                let at = mine[&size];
                rows.push((month_of(at), computed_row(other, size, root, at)));
                computed.push(ComputedHead {
                    donation_id: other.clone(),
                    lender: lender.clone(),
                    size,
                });
                updates.push((other.clone(), size));
            }
        }
        for (other, size) in updates {
            if let Some(log) = others.get_mut(&other) {
                log.computed.insert(size);
            }
        }
        for (month, row) in rows {
            batch.push(TREE_HEADS, lender, &month, vec![row])?;
        }
    }
    Ok(())
}

fn computed_row(id: &str, size: u64, root: Hash, at: i64) -> Row {
    extract::head_row(
        id,
        &Head {
            size,
            root,
            timestamp_ms: at,
            key_id: String::new(),
            conflict: false,
        },
        "computed",
    )
}

/// Runs `add` over `inputs`; `progress` hears each outcome as it happens.
pub fn add(
    pool: &Pool,
    inputs: &[PathBuf],
    mut progress: impl FnMut(usize, usize, &Outcome),
) -> anyhow::Result<Vec<Outcome>> {
    let files = expand(inputs)?;
    let secret = pool.secret()?;
    let pseudonym = |lender: &str, consent: &str| consent_ref(&secret, lender, consent);
    let mut index = Index::load(pool)?;
    let mut outcomes = Vec::new();
    let mut batch: Option<(Batch, Vec<CommittedDonation>, Vec<ComputedHead>)> = None;
    for (n, path) in files.iter().enumerate() {
        let file = path.display().to_string();
        let result = read_one(path, &pseudonym).and_then(|a| {
            let id = a.manifest.donation_id.clone();
            if index.ids.contains(&id) {
                return Err(Rejection::new(
                    Reason::Duplicate,
                    format!("donation {id} is already in the pool"),
                ));
            }
            if index.digests.contains(&a.sha256) {
                return Err(Rejection::new(
                    Reason::Duplicate,
                    "an export with the same SHA-256 is already in the pool",
                ));
            }
            let refs: Vec<String> = a
                .extracted
                .consents
                .iter()
                .map(|(l, c)| pseudonym(l, c))
                .collect();
            if let Some(earlier) = refs.iter().find_map(|r| index.consent_refs.get(r)) {
                return Err(Rejection::new(
                    Reason::SameDonor,
                    format!("shares a consent with donation {earlier}, already in the pool"),
                ));
            }
            Ok((a, refs))
        });
        let outcome = match result {
            Ok((a, refs)) => {
                let id = a.manifest.donation_id.clone();
                if batch.is_none() {
                    batch = Some((Batch::new(pool, new_batch_id())?, Vec::new(), Vec::new()));
                }
                let (b, donations, computed) = batch.as_mut().expect("a batch");
                let committed = CommittedDonation {
                    donation_id: id.clone(),
                    export_sha256: a.sha256.clone(),
                    consent_refs: refs,
                    leaves: a
                        .extracted
                        .leaves
                        .iter()
                        .map(|(l, v)| (l.clone(), v.len() as u64))
                        .collect(),
                    heads: a
                        .extracted
                        .heads
                        .iter()
                        .map(|(l, hs)| {
                            (
                                l.clone(),
                                hs.iter()
                                    .filter(|h| !h.conflict)
                                    .map(|h| (h.size, h.timestamp_ms))
                                    .collect(),
                            )
                        })
                        .collect(),
                };
                for (lender, hashes) in &a.extracted.leaves {
                    b.stage_file(format!("{LEAVES}/{id}/{lender}.bin"), &hashes.concat())?;
                }
                if let Some(note) = a.manifest.note.as_deref().filter(|n| !n.is_empty()) {
                    b.stage_file(format!("{NOTES}/{id}.txt"), note.as_bytes())?;
                }
                index.remember(&committed);
                computed_heads(pool, b, &mut index, &id, &a.extracted, computed)?;
                let ex = &a.extracted;
                let withheld: Vec<serde_json::Value> = a
                    .manifest
                    .removed
                    .iter()
                    .map(|r| serde_json::json!({"path": r.path, "count": r.count}))
                    .collect();
                let row: Row = vec![
                    id.as_str().into(),
                    a.manifest.month.as_str().into(),
                    chrono::Utc::now().timestamp_millis().into(),
                    a.sha256.as_str().into(),
                    (a.export_bytes as i64).into(),
                    (ex.lenders as i32).into(),
                    (ex.rows.count(crate::schema::DISCLOSURES) as i64).into(),
                    (ex.rows.count(crate::schema::PHONE_OBSERVATIONS) as i64).into(),
                    serde_json::Value::Array(withheld).to_string().into(),
                ];
                b.add(row, a.extracted.rows)?;
                donations.push(committed);
                Outcome {
                    file,
                    donation_id: Some(id),
                    result: "added".into(),
                    detail: None,
                }
            }
            Err(rejection) => {
                let donation_id = donation_id_of(path);
                pool.log_rejection(&serde_json::json!({
                    "at": chrono::Utc::now().timestamp_millis(),
                    "file": file,
                    "sha256": donation::file_sha256(path),
                    "donationId": donation_id,
                    "reason": rejection.reason.code(),
                    "detail": rejection.detail,
                }))?;
                Outcome {
                    file,
                    donation_id,
                    result: rejection.reason.code().into(),
                    detail: Some(rejection.detail),
                }
            }
        };
        progress(n + 1, files.len(), &outcome);
        outcomes.push(outcome);
        let full = batch
            .as_ref()
            .is_some_and(|(b, d, _)| d.len() >= BATCH_DONATIONS || b.rows >= BATCH_ROWS);
        if full {
            commit_batch(pool, batch.take().expect("a batch"))?;
        }
    }
    if let Some(b) = batch.take() {
        commit_batch(pool, b)?;
    }
    Ok(outcomes)
}

fn commit_batch(
    pool: &Pool,
    (batch, donations, computed): (Batch, Vec<CommittedDonation>, Vec<ComputedHead>),
) -> anyhow::Result<()> {
    let id = batch.id.clone();
    let files = batch.finish()?;
    pool.commit(&Commit {
        batch: id,
        committed_at_ms: chrono::Utc::now().timestamp_millis(),
        donations,
        computed,
        files,
    })
}

/// The donation id a refused file's manifest claims, if it can be read at all (for the log).
fn donation_id_of(path: &Path) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    let mut zip = zip::ZipArchive::new(file).ok()?;
    let member = zip.by_index(0).ok()?;
    let mut bytes = Vec::new();
    member
        .take(donation::MANIFEST_MAX_BYTES)
        .read_to_end(&mut bytes)
        .ok()?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    v.get("donationId")
        .and_then(|d| d.as_str())
        .filter(|d| donation::is_uuid_v4(d))
        .map(str::to_owned)
}

/// The exit status of a run: 0 all added, 2 some refused.
pub fn exit_code(outcomes: &[Outcome]) -> u8 {
    if outcomes.iter().all(|o| o.result == "added") {
        0
    } else {
        2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_at_sizes_match_the_frontier() {
        let leaves: Vec<Hash> = (0u8..10).map(|i| [i; 32]).collect();
        let got = roots_at(leaves.iter().copied(), &[0, 3, 10, 11]);
        let mut f = Frontier::new();
        for h in &leaves[..3] {
            f.push(*h);
        }
        assert_eq!(got[0], (3, f.root()));
        assert_eq!(got.len(), 2, "sizes 0 and 11 have no root to give");
    }

    #[test]
    fn consent_refs_depend_on_the_secret_and_both_ids() {
        let a = consent_ref(&[1; 32], "l", "c");
        assert_eq!(a.len(), 64);
        assert_ne!(a, consent_ref(&[2; 32], "l", "c"));
        assert_ne!(a, consent_ref(&[1; 32], "l2", "c"));
        assert_ne!(
            consent_ref(&[1; 32], "ab", "c"),
            consent_ref(&[1; 32], "a", "bc")
        );
    }
}

//! `khata pool generate` end to end: every donation it writes is a donation file whose manifest
//! parses, whose export has the digest the manifest states and verifies with `khata verify`;
//! donors of one lender history hold one history, the lender showing two histories shows them
//! to two donors at one size, and one seed makes the same choices twice.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use khata_evidence::donation::{self, DonationManifest};
use serde_json::Value;
use sha2::Digest as _;

use super::audit::khata;

const SPLIT_LENDER: &str = "two-histories-lender";

/// Runs the generator; returns its summary (stdout, JSON).
fn generate(out: &Path, seed: &str) -> Value {
    let (code, stdout, stderr) = khata(&[
        "pool",
        "generate",
        "--donors",
        "8",
        "--lenders",
        "3",
        "--seed",
        seed,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("donor 8/8"), "progress on stderr: {stderr}");
    serde_json::from_str(&stdout).unwrap()
}

/// A donation file's manifest and export bytes, the manifest first in the zip.
fn open_donation(path: &Path) -> (DonationManifest, Vec<u8>) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    assert_eq!(
        zip.by_index(0).unwrap().name().unwrap(),
        donation::MANIFEST_NAME
    );
    let mut manifest = String::new();
    zip.by_name(donation::MANIFEST_NAME)
        .unwrap()
        .read_to_string(&mut manifest)
        .unwrap();
    let manifest: DonationManifest = serde_json::from_str(&manifest).unwrap();
    let mut export = Vec::new();
    zip.by_name(donation::EXPORT_NAME)
        .unwrap()
        .read_to_end(&mut export)
        .unwrap();
    (manifest, export)
}

/// Size → root of every tree head `lender`'s log in an export (line 1) holds.
fn heads(export: &[u8], lender: &str) -> BTreeMap<u64, String> {
    let first = export.split(|b| *b == b'\n').next().unwrap();
    let doc: Value = serde_json::from_slice(first).unwrap();
    let mut out = BTreeMap::new();
    for log in doc["logs"].as_array().unwrap() {
        if log["lenderId"] != lender {
            continue;
        }
        for h in log["treeHeads"].as_array().unwrap() {
            out.insert(
                h["treeSize"].as_u64().unwrap(),
                h["rootHash"].as_str().unwrap().to_owned(),
            );
        }
    }
    out
}

#[test]
fn generated_donations_verify_and_the_split_lender_shows_two_histories() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pool");
    let summary = generate(&out, "11");

    let plans = summary["plans"].as_array().unwrap();
    let names = summary["donations"].as_array().unwrap();
    assert_eq!((plans.len(), names.len()), (8, 8));
    let files = std::fs::read_dir(&out).unwrap().count();
    assert_eq!(files, 8, "one file per donor, nothing else");

    // (history, size) → the roots donors hold there.
    let mut roots: BTreeMap<(u64, u64), Vec<String>> = BTreeMap::new();
    for (plan, name) in plans.iter().zip(names) {
        let name = name.as_str().unwrap();
        assert!(name.ends_with(donation::FILE_SUFFIX), "{name}");
        let (manifest, export) = open_donation(&out.join(name));
        assert_eq!(manifest.format, donation::FORMAT);
        assert_eq!(
            format!("{}{}", manifest.donation_id, donation::FILE_SUFFIX),
            name
        );
        assert_eq!(
            manifest.export_sha256,
            hex::encode(sha2::Sha256::digest(&export))
        );
        assert!(
            export.starts_with(br#"{"format":"khata-export","version":2,"#),
            "a version 2 export"
        );
        let extracted = dir
            .path()
            .join(format!("{}.khata.json", manifest.donation_id));
        std::fs::write(&extracted, &export).unwrap();
        let (code, stdout, stderr) = khata(&["verify", extracted.to_str().unwrap()]);
        assert_eq!(code, 0, "{name}: {stdout}{stderr}");

        let visits = plan["visits"].as_array().unwrap();
        if let Some(v) = visits.iter().find(|v| v["lenderId"] == SPLIT_LENDER) {
            let history = v["history"].as_u64().unwrap();
            for (size, root) in heads(&export, SPLIT_LENDER) {
                roots.entry((history, size)).or_default().push(root);
            }
        }
    }
    // Donors of one history hold one history: at every size one root.
    for ((history, size), rs) in &roots {
        assert!(
            rs.iter().all(|r| r == &rs[0]),
            "history {history} at size {size}: {rs:?}"
        );
    }
    // Across the two: some size where two donors hold different roots.
    let split = roots
        .iter()
        .filter(|((h, _), _)| *h == 0)
        .any(|((_, size), a)| roots.get(&(1, *size)).is_some_and(|b| b[0] != a[0]));
    assert!(split, "no size with two roots: {roots:?}");

    // The same seed makes the same choices; another seed others.
    let again = generate(&dir.path().join("again"), "11");
    assert_eq!(again["plans"], summary["plans"]);
    assert_ne!(
        again["donations"], summary["donations"],
        "donation ids are random"
    );
    let other = generate(&dir.path().join("other"), "12");
    assert_ne!(other["plans"], summary["plans"]);
}

#[test]
fn a_used_output_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("old.khata-donation.zip"), b"x").unwrap();
    let (code, _, stderr) = khata(&[
        "pool",
        "generate",
        "--donors",
        "1",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is not empty"), "{stderr}");
}

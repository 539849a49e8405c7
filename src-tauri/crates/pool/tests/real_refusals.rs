//! Real donations (the fixtures made by `khata pool generate`) and what the pool refuses of
//! them: the same donor donating again under a new id and digest (`same-donor`), an export that
//! still reveals a customer id (`identifying-data`); that the donations as written name no
//! customer and still verify; and `khata pool status` handing over to `khata-pool`.

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};
use support::{add, bin, fixtures, open, table, write_donation};

/// A fresh, valid UUID v4 for a re-made donation.
const NEW_ID: &str = "5f0c6d1e-2a3b-4c5d-8e6f-7a8b9c0d1e2f";

/// The fixture donation holding consents with both lenders.
fn two_lender_fixture() -> PathBuf {
    fixtures()
        .into_iter()
        .find(|f| {
            let doc = line_one(&open(f).export);
            doc["consentRecords"].as_array().unwrap().len() == 2
        })
        .expect("a fixture donor of two lenders")
}

fn line_one(export: &[u8]) -> Value {
    let end = export.iter().position(|b| *b == b'\n').unwrap();
    serde_json::from_slice(&export[..end]).unwrap()
}

/// The donation's manifest under `id`, for `export`.
fn remade(dir: &Path, manifest: &Value, id: &str, export: &[u8]) -> PathBuf {
    let mut m = manifest.clone();
    m["donationId"] = id.into();
    m["exportSha256"] = hex::encode(Sha256::digest(export)).into();
    write_donation(dir, &m, export)
}

/// Every `cust-<uuid>` (the sandbox's customer ids) in `bytes`.
fn customer_ids(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::new();
    for (at, _) in text.match_indices("cust-") {
        let id: String = text[at + 5..].chars().take(36).collect();
        let uuid = id.len() == 36
            && id.chars().enumerate().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => c == '-',
                _ => c.is_ascii_hexdigit(),
            });
        if uuid {
            out.push(format!("cust-{id}"));
        }
    }
    out
}

fn rejections(pool: &Path) -> Vec<Value> {
    std::fs::read_to_string(pool.join("_khata/rejections.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn donation_ids(pool: &Path) -> Vec<String> {
    let mut ids: Vec<String> = table(pool, "donations")
        .into_iter()
        .map(|r| r[0].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_same_donor_under_a_new_id_and_digest_is_refused_and_the_earlier_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let original = two_lender_fixture();
    let opened = open(&original);
    let first_id = opened.manifest["donationId"].as_str().unwrap().to_owned();
    // One change of no meaning: a space before line 1's closing brace. The export still
    // verifies (the verifier reads values, not spacing), but its digest is new.
    let end = opened.export.iter().position(|b| *b == b'\n').unwrap();
    let mut export = opened.export[..end - 1].to_vec();
    export.extend_from_slice(b" }");
    export.extend_from_slice(&opened.export[end..]);
    assert_eq!(line_one(&export), line_one(&opened.export));
    assert!(khata_evidence::verify::verify_export_bytes(&export, &mut |_, _| {}).is_ok());
    let again = remade(
        &tmp.path().join("in").tap_mkdir(),
        &opened.manifest,
        NEW_ID,
        &export,
    );

    // Later run: the pool holds the earlier donation.
    let pool = tmp.path().join("pool");
    let (code, out) = add(&pool, &[&original]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = add(&pool, &[&again]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("rejected same-donor"), "{out}");
    assert!(
        out.contains(&first_id),
        "the detail names the earlier donation: {out}"
    );
    assert_eq!(donation_ids(&pool), vec![first_id.clone()]);
    assert!(
        table(&pool, "disclosures")
            .iter()
            .all(|r| r[2] == first_id.as_str()),
        "nothing of the refused donation is in a table"
    );
    let log = rejections(&pool);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["reason"], "same-donor");
    assert_eq!(log[0]["donationId"], NEW_ID);

    // One run holding both: the earlier in the run stays.
    let pool = tmp.path().join("pool2");
    let (code, out) = add(&pool, &[&original, &again]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(": added") && out.contains("rejected same-donor"),
        "{out}"
    );
    assert_eq!(donation_ids(&pool), vec![first_id]);

    // The other fixture donors share no consent with it: all three are kept.
    let pool = tmp.path().join("pool3");
    let all = fixtures();
    let inputs: Vec<&Path> = all.iter().map(|p| p.as_path()).collect();
    let (code, out) = add(&pool, &inputs);
    assert_eq!(code, 0, "{out}");
    assert_eq!(donation_ids(&pool).len(), 3);
}

#[test]
fn an_export_still_revealing_a_customer_id_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let opened = open(&two_lender_fixture());
    let customer = "cust-0b7e3c9a-1d2f-4a6b-8c3d-9e8f7a6b5c01";
    // The vault's copy of the lender's customer id, which the advocate redaction blanks, put
    // back in the first consent record (a byte edit: line 1 keeps its member order, which a
    // version 2 export's first bytes depend on).
    let text = String::from_utf8(opened.export.clone()).unwrap();
    let blank = "\"pii_principal_id\":null";
    assert!(text.contains(blank));
    let export = text
        .replacen(blank, &format!("\"pii_principal_id\":\"{customer}\""), 1)
        .into_bytes();
    assert_eq!(
        line_one(&export)["consentRecords"][0]["pii_principal_id"],
        customer
    );
    // Still a valid export (the vault's copy is display-only), so only the pool's own check
    // stands between it and the tables.
    assert!(khata_evidence::verify::verify_export_bytes(&export, &mut |_, _| {}).is_ok());
    assert_eq!(customer_ids(&export), vec![customer.to_owned()]);
    let file = remade(
        &tmp.path().join("in").tap_mkdir(),
        &opened.manifest,
        NEW_ID,
        &export,
    );
    let pool = tmp.path().join("pool");
    let (code, out) = add(&pool, &[&file]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("rejected identifying-data")
            && out.contains("/consentRecords/0/pii_principal_id"),
        "{out}"
    );
    assert!(donation_ids(&pool).is_empty());
    assert_eq!(rejections(&pool)[0]["reason"], "identifying-data");
}

#[test]
fn real_donations_name_no_customer_and_still_verify() {
    for f in fixtures() {
        let raw = std::fs::read(&f).unwrap();
        let opened = open(&f);
        let manifest = serde_json::to_vec(&opened.manifest).unwrap();
        for (what, bytes) in [
            ("the zip", &raw),
            ("the manifest", &manifest),
            ("the export", &opened.export),
        ] {
            assert_eq!(
                customer_ids(bytes),
                Vec::<String>::new(),
                "{}: {what}",
                f.display()
            );
        }
        assert_eq!(
            opened.manifest["exportSha256"],
            hex::encode(Sha256::digest(&opened.export)).as_str()
        );
        khata_evidence::verify::verify_export_bytes(&opened.export, &mut |_, _| {})
            .unwrap_or_else(|e| panic!("{}: {e:?}", f.display()));
        let doc = line_one(&opened.export);
        // Every consent the lenders signed still carries its customer id, as a commitment only.
        let mut withheld = 0;
        for r in doc["consentRecords"].as_array().unwrap() {
            assert!(
                r["pii_principal_id"].is_null(),
                "the vault's copy blanked: {}",
                r["pii_principal_id"]
            );
            for a in r["signed_artefacts"].as_array().unwrap() {
                assert!(a.get("customerId").is_none());
                assert!(a["_sd"].get("customerId").is_some(), "{a}");
                withheld += 1;
            }
        }
        assert!(withheld > 0);
        for gone in ["profile", "nominee", "lenderCustomerIds"] {
            assert!(doc.get(gone).is_none(), "{gone} dropped");
        }
        assert_eq!(khata_pool::identifying::first_naming(&doc), None);
        let removed = opened.manifest["removed"].as_array().unwrap();
        assert!(
            removed
                .iter()
                .any(|r| r["path"] == "customerId" && r["how"] == "withheld"),
            "the removal of customer ids is listed: {removed:?}"
        );
    }
}

#[test]
fn khata_pool_status_hands_over_to_khata_pool() {
    let tmp = tempfile::tempdir().unwrap();
    let pool = tmp.path().join("pool");
    let all = fixtures();
    let (code, out) = add(&pool, &[&all[0]]);
    assert_eq!(code, 0, "{out}");
    let direct = bin()
        .args(["status", "--format", "json", "--pool"])
        .arg(&pool)
        .output()
        .unwrap();
    assert!(direct.status.success());
    // `khata` is built beside `khata-pool` (`cargo test --workspace` builds both).
    let khata = Path::new(env!("CARGO_BIN_EXE_khata-pool"))
        .with_file_name(format!("khata{}", std::env::consts::EXE_SUFFIX));
    assert!(
        khata.exists(),
        "{} is missing: build it with `cargo build -p khata-cli`",
        khata.display()
    );
    let handed = std::process::Command::new(&khata)
        .args(["pool", "status", "--format", "json", "--pool"])
        .arg(&pool)
        .env("PATH", "")
        .output()
        .unwrap();
    assert!(
        handed.status.success(),
        "{}",
        String::from_utf8_lossy(&handed.stderr)
    );
    let (a, b): (Value, Value) = (
        serde_json::from_slice(&direct.stdout).unwrap(),
        serde_json::from_slice(&handed.stdout).unwrap(),
    );
    assert_eq!(a, b);
    assert_eq!(a["donations"], 1, "{a}");
    // A refused run's exit status comes through too.
    let handed = std::process::Command::new(&khata)
        .args(["pool", "check", "--pool"])
        .arg(tmp.path().join("no-such-pool"))
        .output()
        .unwrap();
    let direct = bin()
        .args(["check", "--pool"])
        .arg(tmp.path().join("no-such-pool"))
        .output()
        .unwrap();
    assert_ne!(direct.status.code(), Some(0));
    assert_eq!(handed.status.code(), direct.status.code());
    let mut s = String::new();
    (&handed.stderr[..]).read_to_string(&mut s).unwrap();
    assert!(!s.is_empty(), "the refusal says why");
}

trait TapMkdir {
    fn tap_mkdir(self) -> PathBuf;
}

impl TapMkdir for PathBuf {
    fn tap_mkdir(self) -> PathBuf {
        std::fs::create_dir_all(&self).unwrap();
        self
    }
}

//! `khata-pool add` end to end, on real files in temporary directories: donations made by
//! [`donate`] from `khata_evidence::synthetic` version 2 exports and hand-made manifests, the
//! binary run as a child process (with the commit protocol's fault hook for crashes), and the
//! dataset read back with the Parquet reader.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use arrow::array::{Array, Int64Array, StringArray};
use khata_evidence::synthetic::Spec;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

mod support;
use support::{add, bin, parquet_files};

/// A donation file of `export` under `id`, with `note`; `sha` overrides the manifest digest.
fn donate_bytes(
    dir: &Path,
    id: &str,
    export: &[u8],
    note: Option<&str>,
    sha: Option<String>,
) -> PathBuf {
    let manifest = serde_json::json!({
        "format": "khata-donation", "version": 1, "donationId": id, "month": "2026-01",
        "exportSha256": sha.unwrap_or_else(|| hex::encode(Sha256::digest(export))),
        "removed": [{"path": "consents.*.customerId", "count": 1, "how": "withheld"}],
        "note": note,
    });
    write_zip(dir, id, &serde_json::to_vec(&manifest).unwrap(), export)
}

fn write_zip(dir: &Path, id: &str, manifest: &[u8], export: &[u8]) -> PathBuf {
    let path = dir.join(format!("{id}.khata-donation.zip"));
    let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
    zip.start_file("donation.json", SimpleFileOptions::default())
        .unwrap();
    zip.write_all(manifest).unwrap();
    zip.start_file(
        "export.khata.json",
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored),
    )
    .unwrap();
    zip.write_all(export).unwrap();
    zip.finish().unwrap();
    path
}

fn spec(leaves: u64, seed: u8) -> Spec {
    let mut s = Spec::new(leaves);
    s.page = 4;
    s.key_seed = [seed; 32];
    s
}

fn uuid(n: u8) -> String {
    format!("0b7e3c9a-1d2f-4a6b-8c3d-9e8f7a6b5c{n:02x}")
}

fn status(pool: &Path) -> serde_json::Value {
    let out = bin()
        .args(["status", "--format", "json", "--pool"])
        .arg(pool)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every row of a table's files as `(partition path, batch)`.
fn read_table(pool: &Path, table: &str) -> Vec<(String, arrow::record_batch::RecordBatch)> {
    let mut files = Vec::new();
    if pool.join(table).exists() {
        parquet_files(&pool.join(table), &mut files);
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&f).unwrap())
            .unwrap()
            .build()
            .unwrap();
        for b in reader {
            out.push((
                f.strip_prefix(pool).unwrap().display().to_string(),
                b.unwrap(),
            ));
        }
    }
    out
}

#[test]
fn a_small_donation_reads_back_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let pool = tmp.path().join("pool");
    let s = spec(10, 11);
    let d = donate_bytes(
        tmp.path(),
        &uuid(1),
        &s.bytes(),
        Some("they called my sister"),
        None,
    );
    let (code, out) = add(&pool, &[&d]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(": added"), "{out}");
    let st = status(&pool);
    assert_eq!(st["donations"], 1);
    // The synthetic log holds no consent of this donor: its leaves (which cite one) are other
    // borrowers', so no disclosure row is the donor's; the heads are.
    assert_eq!(st["rows"]["disclosures"], 0);
    assert_eq!(st["rows"]["donations"], 1);
    let heads = read_table(&pool, "tree_heads");
    let mut sizes = Vec::new();
    for (path, b) in &heads {
        assert!(
            path.starts_with("tree_heads/lender=khata-sandbox-lender/month=2026-01/"),
            "{path}"
        );
        let size = b.column(1).as_any().downcast_ref::<Int64Array>().unwrap();
        let kind = b.column(5).as_any().downcast_ref::<StringArray>().unwrap();
        let root = b.column(2).as_any().downcast_ref::<StringArray>().unwrap();
        for i in 0..b.num_rows() {
            assert_eq!(kind.value(i), "held");
            assert_eq!(root.value(i).len(), 64);
            sizes.push(size.value(i));
        }
    }
    sizes.sort();
    assert_eq!(sizes, vec![4, 8, 10]);
    let donations = read_table(&pool, "donations");
    let b = &donations[0].1;
    let col = |k: usize| {
        b.column(k)
            .as_any()
            .downcast_ref::<StringArray>()
            .unwrap()
            .value(0)
            .to_owned()
    };
    assert_eq!(col(0), uuid(1));
    assert_eq!(col(1), "2026-01");
    assert_eq!(col(3), hex::encode(Sha256::digest(s.bytes())));
    assert_eq!(col(8), r#"[{"count":1,"path":"consents.*.customerId"}]"#);
    // The note is kept for the advocate, never in a table.
    let note = std::fs::read_to_string(pool.join(format!("_khata/notes/{}.txt", uuid(1)))).unwrap();
    assert_eq!(note, "they called my sister");
    let mut files = Vec::new();
    parquet_files(&pool, &mut files);
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        assert!(!bytes.windows(6).any(|w| w == b"sister"), "{}", f.display());
    }
    // The leaf hashes are kept for roots at other donors' sizes.
    let leaves = std::fs::read(pool.join(format!(
        "_khata/leaves/{}/khata-sandbox-lender.bin",
        uuid(1)
    )))
    .unwrap();
    assert_eq!(leaves.len(), 10 * 32);
}

#[test]
fn two_donors_of_one_log_get_roots_at_each_others_sizes() {
    let tmp = tempfile::tempdir().unwrap();
    let pool = tmp.path().join("pool");
    // The same lender and log, held at different sizes (pages of 4 and of 3).
    let a = spec(10, 11);
    let mut b = spec(9, 11);
    b.page = 3;
    let da = donate_bytes(tmp.path(), &uuid(1), &a.bytes(), None, None);
    let db = donate_bytes(tmp.path(), &uuid(2), &b.bytes(), None, None);
    assert_eq!(add(&pool, &[&da]).0, 0);
    assert_eq!(add(&pool, &[&db]).0, 0);
    let mut computed: Vec<(String, i64, String)> = Vec::new();
    let mut held: Vec<(String, i64, String)> = Vec::new();
    for (_, batch) in read_table(&pool, "tree_heads") {
        let s = |k: usize| {
            batch
                .column(k)
                .as_any()
                .downcast_ref::<StringArray>()
                .unwrap()
                .clone()
        };
        let size = batch
            .column(1)
            .as_any()
            .downcast_ref::<Int64Array>()
            .unwrap()
            .clone();
        for i in 0..batch.num_rows() {
            let row = (
                s(0).value(i).to_owned(),
                size.value(i),
                s(2).value(i).to_owned(),
            );
            if s(5).value(i) == "computed" {
                computed.push(row)
            } else {
                held.push(row)
            }
        }
    }
    computed.sort();
    // A (10 leaves, heads 4 8 10) at B's sizes 3, 6, 9; B (9 leaves, heads 3 6 9) at A's 4, 8.
    let sizes: Vec<(String, i64)> = computed.iter().map(|(d, n, _)| (d.clone(), *n)).collect();
    assert_eq!(
        sizes,
        vec![
            (uuid(1), 3),
            (uuid(1), 6),
            (uuid(1), 9),
            (uuid(2), 4),
            (uuid(2), 8)
        ]
    );
    // One history: every computed root equals the held root of the same size.
    for (_, n, root) in &computed {
        assert!(held.iter().any(|(_, m, r)| m == n && r == root), "size {n}");
    }
}

#[test]
fn every_rejection_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pool = dir.join("pool");
    let good = spec(5, 11).bytes();
    let ok = donate_bytes(dir, &uuid(1), &good, None, None);
    let junk = dir.join("junk.khata-donation.zip");
    std::fs::write(&junk, b"not a zip at all").unwrap();
    let bad_id = donate_bytes(dir, "not-a-uuid", &good, None, None);
    let v2 = write_zip(
        dir,
        &uuid(3),
        br#"{"format":"khata-donation","version":2,"donationId":"x"}"#,
        &good,
    );
    let altered = donate_bytes(dir, &uuid(4), &good, None, Some("0".repeat(64)));
    let mut lines = khata_evidence::synthetic::lines(&spec(5, 12).bytes());
    lines[2] = lines[2]
        .replace("sms_income", "upi_spend")
        .replace("device_age", "upi_spend");
    let tampered = khata_evidence::synthetic::join(&lines);
    let invalid = donate_bytes(dir, &uuid(5), &tampered, None, None);
    let fixture = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/fixtures/export-v1.khata.json"),
    )
    .unwrap();
    let naming = donate_bytes(dir, &uuid(6), &fixture, None, None);
    let mut odd = spec(5, 13);
    odd.lender_id = "_temporary".into();
    let lender = donate_bytes(dir, &uuid(7), &odd.bytes(), None, None);
    let again_id = donate_bytes(
        &dir.join("copy").tap_mkdir(),
        &uuid(1),
        &spec(5, 14).bytes(),
        None,
        None,
    );
    let again_sha = donate_bytes(dir, &uuid(8), &good, None, None);
    let long_note = donate_bytes(
        dir,
        &uuid(9),
        &spec(5, 15).bytes(),
        Some(&"n".repeat(2001)),
        None,
    );
    let (code, out) = add(
        &pool,
        &[
            &ok, &junk, &bad_id, &v2, &altered, &invalid, &naming, &lender, &again_id, &again_sha,
            &long_note,
        ],
    );
    assert_eq!(code, 2, "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let expect = [
        "added",
        "rejected not-a-donation",
        "rejected manifest-invalid",
        "rejected unsupported-version",
        "rejected export-altered",
        "rejected export-invalid",
        "rejected identifying-data",
        "rejected lender-id-unsupported",
        "rejected duplicate",
        "rejected duplicate",
        "rejected manifest-invalid",
    ];
    assert_eq!(lines.len(), expect.len(), "{out}");
    for (line, want) in lines.iter().zip(expect) {
        assert!(line.contains(want), "{line:?} should say {want}");
    }
    assert!(
        out.contains("/receipts/0/consent/customerId")
            || out.contains("customerId")
            || out.contains("pii_principal_id"),
        "{out}"
    );
    let log = std::fs::read_to_string(pool.join("_khata/rejections.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 10);
    for l in log.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["sha256"].as_str().unwrap().len(), 64, "{l}");
        assert!(
            v["reason"].is_string() && v["detail"].is_string() && v["at"].is_i64(),
            "{l}"
        );
    }
    let st = status(&pool);
    assert_eq!(st["donations"], 1);
    assert_eq!(st["rejections"]["duplicate"], 2);
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

fn snapshot(pool: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    parquet_files(pool, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let b = std::fs::read(&f).unwrap();
            (f, b)
        })
        .collect()
}

#[test]
fn a_second_run_adds_only_new_donations_and_leaves_files_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let inbox = tmp.path().join("inbox").tap_mkdir();
    let pool = tmp.path().join("pool");
    donate_bytes(&inbox, &uuid(1), &spec(6, 21).bytes(), None, None);
    donate_bytes(&inbox, &uuid(2), &spec(7, 22).bytes(), None, None);
    assert_eq!(add(&pool, &[&inbox]).0, 0);
    let before = snapshot(&pool);
    donate_bytes(&inbox, &uuid(3), &spec(8, 23).bytes(), None, None);
    let (code, out) = add(&pool, &[&inbox]);
    // The first two are now duplicates, the third is added.
    assert_eq!(code, 2, "{out}");
    assert_eq!(out.matches(": added").count(), 1, "{out}");
    assert_eq!(out.matches("rejected duplicate").count(), 2, "{out}");
    let after = snapshot(&pool);
    for (path, bytes) in &before {
        let now = after.iter().find(|(p, _)| p == path).expect("still there");
        assert_eq!(&now.1, bytes, "{} was rewritten", path.display());
    }
    assert!(after.len() > before.len());
    assert_eq!(status(&pool)["donations"], 3);
}

#[test]
fn an_interrupted_add_recovers_to_all_or_nothing() {
    for (k, step) in ["staged", "commit-written", "committed", "moving", "moved"]
        .iter()
        .enumerate()
    {
        let tmp = tempfile::tempdir().unwrap();
        let pool = tmp.path().join("pool");
        let d = donate_bytes(
            tmp.path(),
            &uuid(1),
            &spec(6, 31 + k as u8).bytes(),
            Some("a note"),
            None,
        );
        let out = bin()
            .arg("add")
            .arg(&d)
            .arg("--pool")
            .arg(&pool)
            .env("KHATA_POOL_ABORT_AT", step)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{step}: the hook aborts");
        // The next command recovers first.
        let check = bin().args(["check", "--pool"]).arg(&pool).output().unwrap();
        assert!(
            check.status.success(),
            "{step}: {}",
            String::from_utf8_lossy(&check.stdout)
        );
        assert!(
            std::fs::read_dir(pool.join("_khata/staging"))
                .unwrap()
                .next()
                .is_none(),
            "{step}"
        );
        let committed = k >= 2;
        let st = status(&pool);
        assert_eq!(st["donations"], u64::from(committed), "{step}");
        let heads = read_table(&pool, "tree_heads");
        let rows: usize = heads.iter().map(|(_, b)| b.num_rows()).sum();
        assert_eq!(rows, if committed { 2 } else { 0 }, "{step}");
        assert_eq!(
            read_table(&pool, "donations").len(),
            usize::from(committed),
            "{step}"
        );
        assert_eq!(
            pool.join(format!("_khata/notes/{}.txt", uuid(1))).exists(),
            committed,
            "{step}"
        );
        // Adding again: a rolled-back donation is added, a committed one is a duplicate.
        let (code, out) = add(&pool, &[&d]);
        assert_eq!(code, if committed { 2 } else { 0 }, "{step}: {out}");
        assert_eq!(status(&pool)["donations"], 1, "{step}");
    }
}

#[test]
fn json_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let pool = tmp.path().join("pool");
    let d = donate_bytes(tmp.path(), &uuid(1), &spec(3, 41).bytes(), None, None);
    let out = bin()
        .args(["add", "--format", "json", "--pool"])
        .arg(&pool)
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["byResult"]["added"], 1);
    assert_eq!(v["outcomes"][0]["donationId"], uuid(1));
    let _ = Array::len(&StringArray::from(vec!["x"]));
}

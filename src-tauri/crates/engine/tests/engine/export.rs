//! Exports: JSON that round-trips and ends with the ledger head, CSV, ZIP and HTML.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use khata_engine::views::*;
use khata_lending::KeyRing;
use khata_lending::types as wire;
use khata_vault::MemoryKeyStore;

use crate::{config, journey, noop, wait_confirmed};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_json_round_trips_and_ends_with_the_ledger_head() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, consent) = journey(dir.path(), &keys).await;
    let lender = engine.lenders().await.unwrap().remove(0);
    engine.sync(&lender.id, noop).await.unwrap();
    let r = engine
        .revoke(&consent.id, vec!["sms_income".into()])
        .await
        .unwrap();
    wait_confirmed(&engine, &r.id).await;

    let out = dir.path().join("export.json");
    let summary = engine
        .export(
            &out,
            ExportFormat::Json,
            Default::default(),
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await
        .unwrap();
    let (head, entries) = engine.verify_ledger().await.unwrap();
    assert_eq!(summary.ledger_head, head);
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(bytes.len() as u64, summary.bytes);
    let doc = crate::document(&bytes);
    assert_eq!(doc["format"], "khata-export");
    assert_eq!(doc["ledger"]["head"]["hash"], head);

    // The chain recomputes from the export alone.
    let ledger = doc["ledger"]["entries"].as_array().unwrap();
    assert_eq!(ledger.len() as u64, entries);
    let mut prev = [0u8; 32];
    for e in ledger {
        let e: khata_vault::LedgerEntry = serde_json::from_value(e.clone()).unwrap();
        assert_eq!(e.prev_hash, prev);
        let h = khata_vault::entry_hash(
            e.seq,
            e.at,
            &e.kind,
            &e.record_id,
            &e.payload_digest,
            &e.prev_hash,
        );
        assert_eq!(h, e.hash);
        prev = h;
    }
    assert_eq!(hex::encode(prev), head);

    // Every lender statement verifies offline against the keys in the export.
    let keys_json = doc["lenders"][0]["keys"].clone();
    let infos: Vec<wire::PublicKeyInfo> = serde_json::from_value(keys_json).unwrap();
    let ring = KeyRing::from_public(&infos).unwrap();
    // The sandbox speaks contract 2.x: its disclosures are a log, exported as version 2 —
    // every held tree head verifies, and the leaf lines after line 1 give each head's root.
    assert_eq!(doc["version"], 2);
    assert!(doc["disclosures"].as_array().unwrap().is_empty());
    let log = &doc["logs"][0];
    let heads = log["treeHeads"].as_array().unwrap();
    assert!(!heads.is_empty());
    let mut roots = std::collections::BTreeMap::new();
    for h in heads {
        ring.verify_value(h).unwrap();
        roots.insert(h["treeSize"].as_u64().unwrap(), h["rootHash"].clone());
    }
    let mut frontier = khata_lending::merkle::Frontier::new();
    for line in bytes
        .split(|b| *b == b'\n')
        .skip(1)
        .filter(|l| !l.is_empty())
    {
        let leaf: serde_json::Value = serde_json::from_slice(line).unwrap();
        let checked = khata_lending::log::DisclosureLeaf::check(&leaf).unwrap();
        frontier.push(checked.leaf_hash);
        if let Some(root) = roots.get(&frontier.size()) {
            assert_eq!(khata_lending::merkle::encode_hash(&frontier.root()), *root);
        }
    }
    assert_eq!(Some(frontier.size()), log["leafCount"].as_u64());
    assert!(
        roots.contains_key(&frontier.size()),
        "the last head covers every leaf"
    );
    let records = doc["consentRecords"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["schema_version"], "ISO/IEC TS 27560:2023");
    let artefacts = records[0]["signed_artefacts"].as_array().unwrap();
    assert_eq!(artefacts.len(), 2);
    for a in artefacts {
        ring.verify_value(a).unwrap();
    }
    for kind in ["offers", "receipts"] {
        let list = doc[kind].as_array().unwrap();
        assert!(!list.is_empty(), "{kind}");
        for s in list {
            ring.verify_value(s).unwrap();
        }
    }

    // Cancelled: an error, and no file left behind.
    let out2 = dir.path().join("cancelled.json");
    let err = engine
        .export(
            &out2,
            ExportFormat::Json,
            Default::default(),
            |_| {},
            Arc::new(AtomicBool::new(true)),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert!(!out2.exists());
    engine.close().await;
}

/// A link planted where the export used to stage its bytes (`<name>.part`) is never followed,
/// and the export, which holds every personal record, is readable by the borrower only.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_ignore_a_planted_link_and_are_private() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = journey(dir.path(), &keys).await;
    let elsewhere = dir.path().join("elsewhere");
    std::fs::write(&elsewhere, b"not the export's").unwrap();
    for (name, format) in [
        ("export.json", ExportFormat::Json),
        ("export.zip", ExportFormat::Csv),
        ("export.html", ExportFormat::Html),
    ] {
        let out = dir.path().join(name);
        let planted = dir.path().join(format!("{name}.part"));
        std::os::unix::fs::symlink(&elsewhere, &planted).unwrap();
        let summary = engine
            .export(
                &out,
                format,
                Default::default(),
                |_| {},
                Arc::new(AtomicBool::new(false)),
            )
            .await
            .unwrap();
        assert!(
            std::fs::read(&elsewhere).unwrap() == b"not the export's",
            "{name}: the planted link was followed"
        );
        assert!(planted.symlink_metadata().unwrap().file_type().is_symlink());
        let meta = std::fs::symlink_metadata(&out).unwrap();
        assert!(meta.file_type().is_file(), "{name}");
        assert_eq!(meta.len(), summary.bytes, "{name}");
        assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name}");
    }
    // A cancelled export leaves no staging file behind.
    let before = std::fs::read_dir(dir.path()).unwrap().count();
    let err = engine
        .export(
            dir.path().join("cancelled.json"),
            ExportFormat::Json,
            Default::default(),
            |_| {},
            Arc::new(AtomicBool::new(true)),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), before);
    engine.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_zip_and_html_exports() {
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = journey(dir.path(), &keys).await;
    let lender = engine.lenders().await.unwrap().remove(0);
    engine.sync(&lender.id, noop).await.unwrap();
    let (head, _) = engine.verify_ledger().await.unwrap();

    let zip = dir.path().join("export.zip");
    let s = engine
        .export(
            &zip,
            ExportFormat::Csv,
            Default::default(),
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await
        .unwrap();
    assert_eq!(s.ledger_head, head);
    let bytes = std::fs::read(&zip).unwrap();
    assert_eq!(bytes.len() as u64, s.bytes);
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    // The system unzip reads it back (skipped when it is not installed).
    if let Ok(out) = std::process::Command::new("unzip")
        .arg("-p")
        .arg(&zip)
        .arg("disclosures.csv")
        .output()
        && out.status.success()
    {
        {
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(text.starts_with("id,lender_id,lender_ref,signal"));
            let overview = engine.overview().await.unwrap();
            assert_eq!(text.lines().count() as i64, overview.disclosures + 1);
            let t = std::process::Command::new("unzip")
                .arg("-t")
                .arg(&zip)
                .output()
                .unwrap();
            assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stdout));
        }
    }

    let html = dir.path().join("report.html");
    let s = engine
        .export(
            &html,
            ExportFormat::Html,
            Default::default(),
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await
        .unwrap();
    assert_eq!(s.ledger_head, head);
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(text.starts_with("<!doctype html><html lang=\"en\">"));
    assert!(text.ends_with("</html>"));
    assert!(text.contains(&head));
    // Dates in words, not machine timestamps; a font stack that covers Hindi, fetched from nowhere.
    assert!(!text.contains("Z</td>"), "an ISO timestamp is left");
    assert!(text.contains("Noto Sans Devanagari") && !text.contains("url("));

    // The same report in Hindi: every heading and column in Hindi, dates in Hindi words.
    let html_hi = dir.path().join("report-hi.html");
    engine
        .export(
            &html_hi,
            ExportFormat::Html,
            ExportOptions {
                language: khata_engine::report_words::ReportLanguage::Hi,
                ..Default::default()
            },
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await
        .unwrap();
    let text = std::fs::read_to_string(&html_hi).unwrap();
    assert!(text.starts_with("<!doctype html><html lang=\"hi\">"));
    assert!(text.contains("<h1>खाता रिपोर्ट</h1>"), "{text}");
    assert!(text.contains(&head));
    let months = [
        "जनवरी",
        "फ़रवरी",
        "मार्च",
        "अप्रैल",
        "मई",
        "जून",
        "जुलाई",
        "अगस्त",
        "सितंबर",
        "अक्टूबर",
        "नवंबर",
        "दिसंबर",
    ];
    assert!(
        months.iter().any(|m| text.contains(m)),
        "a date in Hindi words"
    );
    for tag in ["<h2>", "<th>"] {
        for part in text.split(tag).skip(1) {
            let heading = &part[..part.find('<').unwrap()];
            assert!(
                !heading.chars().any(|c| c.is_ascii_alphabetic()),
                "English left in a Hindi heading: {heading}"
            );
        }
    }
    engine.close().await;
}

/// A zip's entries, read back by hand from its central directory: name and inflated text.
fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    use std::io::Read;
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().unwrap()) as usize;
    let eocd = bytes.len() - 22;
    assert_eq!(u32_at(eocd), 0x0605_4b50, "end of central directory");
    let (n, mut at) = (u16_at(eocd + 10), u32_at(eocd + 16));
    let mut out = vec![];
    for _ in 0..n {
        assert_eq!(u32_at(at), 0x0201_4b50, "central directory entry");
        let (compressed, name_len) = (u32_at(at + 20), u16_at(at + 28));
        let local = u32_at(at + 42);
        let name = String::from_utf8(bytes[at + 46..at + 46 + name_len].to_vec()).unwrap();
        let data = local + 30 + u16_at(local + 26) + u16_at(local + 28);
        let mut text = String::new();
        flate2::read::DeflateDecoder::new(&bytes[data..data + compressed])
            .read_to_string(&mut text)
            .unwrap();
        out.push((name, text));
        at += 46 + name_len + u16_at(at + 30) + u16_at(at + 32);
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_cells_from_a_lender_never_run_as_formulas() {
    const LINK: &str = r#"=HYPERLINK("http://x","y")"#;
    let dir = tempfile::tempdir().unwrap();
    let keys = Arc::new(MemoryKeyStore::new());
    let (engine, _) = journey(dir.path(), &keys).await;
    let lender = engine.lenders().await.unwrap().remove(0);
    engine.sync(&lender.id, noop).await.unwrap();
    engine.close().await;

    // A lender's offer whose id and bin are formulas (stored as received: the CSV export shows
    // whatever the vault holds, signed or not).
    {
        let path = dir.path().join(khata_engine::VAULT_FILE);
        let mut v = khata_vault::Vault::open(&path, khata_vault::Unlock::Keychain(&*keys)).unwrap();
        let mut s = v.statements_of_kind("offer", None).unwrap().remove(0);
        // Its plain (revealed) form, so the bin below is the one read, not a commitment.
        let o: serde_json::Value = serde_json::from_slice(&s.json).unwrap();
        let mut o = khata_lending::redact::plain(o).unwrap();
        o["offerId"] = LINK.into();
        let c = &mut o["explanation"]["contributions"][0];
        c["bin"] = "@SUM(1)".into();
        c["points"] = (-12).into();
        s.id = LINK.into();
        s.json = serde_json::to_vec(&o).unwrap();
        assert!(v.put_statement(&s).unwrap());
    }

    let (engine, _) = khata_engine::Engine::open(config(dir.path(), &keys))
        .await
        .unwrap();
    let zip = dir.path().join("export.zip");
    engine
        .export(
            &zip,
            ExportFormat::Csv,
            Default::default(),
            |_| {},
            Arc::new(AtomicBool::new(false)),
        )
        .await
        .unwrap();
    engine.close().await;
    let files = unzip(&std::fs::read(&zip).unwrap());
    let file = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
            .unwrap()
    };
    // Prefixed with ' and quoted (OWASP); the contribution's negative points stay a number.
    let neutral = r#""'=HYPERLINK(""http://x"",""y"")""#;
    let offers = file("offers.csv");
    assert!(
        offers
            .lines()
            .any(|l| l.starts_with(&format!("{neutral},"))),
        "{offers}"
    );
    let contributions = file("contributions.csv");
    let hostile = contributions
        .lines()
        .find(|l| l.starts_with(neutral))
        .unwrap_or_else(|| panic!("{contributions}"));
    let cells: Vec<&str> = hostile[neutral.len() + 1..].split(',').collect();
    assert_eq!(cells[1], r#""'@SUM(1)""#, "{hostile}");
    assert_eq!(cells[2], "-12", "{hostile}");
    // No cell anywhere starts a formula, and honest cells carry no ' prefix.
    for (name, text) in &files {
        for line in text.lines() {
            assert!(
                !line.starts_with(['=', '+', '-', '@'])
                    && [",=", ",+", ",@"].iter().all(|f| !line.contains(f)),
                "{name}: {line}"
            );
            if !line.contains("HYPERLINK") {
                assert!(!line.contains("\"'"), "{name}: {line}");
            }
        }
    }
}
